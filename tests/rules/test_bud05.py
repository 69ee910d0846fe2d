"""BUD05 at its edges: a request of exactly the share the call allows, an action of no cost, a
dossier without charges, subsidy or budget, a call stating only a minimum."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cdv_check.core.checker import Settings, check_path
from cdv_check.model.referentiel import Subvention, load
from conftest import TODAY, MakeCase, located

CHARGES = (
    '    - {compte: "60", libelle: Achats de tissus et fournitures, montant: 1 200}\n'
    '    - {compte: "61", libelle: Location de machines à coudre, montant: 800}\n'
    '    - {compte: "64", libelle: Charges de personnel (animatrice), montant: "7 400,00"}\n'
)
ASKED = "  subvention_demandee: 7 000\n"
IN_KIND = '    - {compte: "86", libelle: Mise à disposition de la salle, montant: 1 000}\n'
AT_80_PCT = "Subvention demandée 7 520,01 €, soit 80\u00a0% du coût de l'action (9 400,00 €, comptes 60 à 68) : "


def _bud05(case_dir: MakeCase, replacements: dict[str, str], bounds: Subvention) -> list[str]:
    case = case_dir(replacements)
    ref = load().model_copy(update={"subvention": bounds})
    findings = check_path(case.path, ref, Settings(today=TODAY)).findings
    return [f"{f.message} {f.advice}" for f in findings if f.rule == "BUD05"]


SHARE = Subvention(part_max_cout_pct=Decimal(80))
MINIMUM = Subvention(minimum=Decimal(1500))


@pytest.mark.parametrize(
    ("replacements", "bounds"),
    [
        ({ASKED: "  subvention_demandee: 7 520\n"}, SHARE),  # exactly 80 % of 9 400
        ({CHARGES: "", ASKED: "  subvention_demandee: 500\n"}, SHARE),  # only in kind: no cost to share
        ({CHARGES: "", IN_KIND: "", "  charges:\n": ""}, SHARE),  # no charges: SCH03 says so
        ({ASKED: ""}, MINIMUM),  # no amount asked: BUD02 says so
        ({ASKED: "  subvention_demandee: 0\n"}, MINIMUM),  # nothing asked: below no minimum
        ({}, MINIMUM),  # 7 000 asked: a call stating a minimum only does not cap the share
    ],
    ids=["exactly-the-share", "no-cost", "no-charges", "no-amount", "zero", "minimum-only"],
)
def test_no_bud05_where_the_request_is_within_or_not_there(
    make_case: MakeCase, replacements: dict[str, str], bounds: Subvention
) -> None:
    assert _bud05(make_case, replacements, bounds) == []


def test_no_bud05_without_a_budget(make_case: MakeCase) -> None:
    case = make_case()
    text = case.text.split("budget:\n")[0] + "pieces:\n" + case.text.split("pieces:\n")[1]
    ref = load().model_copy(update={"subvention": Subvention(part_max_cout_pct=Decimal(80), minimum=Decimal(1))})
    findings = check_path(make_case(text=text).path, ref, Settings(today=TODAY)).findings
    assert [f for f in findings if f.rule == "BUD05"] == []


def test_one_cent_over_the_share_is_bud05(make_case: MakeCase) -> None:
    [said] = _bud05(make_case, {ASKED: '  subvention_demandee: "7 520,01"\n'}, SHARE)
    assert said.startswith(AT_80_PCT + "l'appel en finance au plus 80\u00a0%, soit 7 520,00 €.")


def test_a_request_of_one_euro_for_an_action_of_one_euro_is_over_the_share(make_case: MakeCase) -> None:
    replacements = {
        CHARGES: '    - {compte: "60", libelle: Fournitures, montant: 1}\n',
        ASKED: "  subvention_demandee: 1\n",
    }
    assert _bud05(make_case, replacements, SHARE) == [
        "Subvention demandée 1,00 €, soit 100\u00a0% du coût de l'action (1,00 €, comptes 60 à 68) : l'appel en "
        "finance au plus 80\u00a0%, soit 0,80 €. Demandez au plus 0,80 € et financez le reste autrement "
        "(cofinanceurs, fonds propres), ou revoyez le budget de l'action."
    ]


@pytest.mark.parametrize(
    ("asked", "bounds", "message", "advice"),
    [
        (
            "1 499,99",
            Subvention(minimum=Decimal(1500)),
            "Subvention demandée 1 499,99 €, sous le minimum de l'appel (1 500,00 €).",
            "L'appel ne retient pas de demande sous 1 500,00 € : regroupez l'action avec une autre, ou cherchez "
            "un autre financement.",
        ),
        (
            "7 000,01",
            Subvention(maximum=Decimal(7000)),
            "Subvention demandée 7 000,01 €, au-dessus du maximum de l'appel (7 000,00 €).",
            "Demandez au plus 7 000,00 € et financez le reste autrement.",
        ),
    ],
    ids=["under-the-minimum", "over-the-maximum"],
)
def test_a_request_a_cent_outside_a_bound_is_bud05_at_the_amount_asked(
    make_case: MakeCase, asked: str, bounds: Subvention, message: str, advice: str
) -> None:
    case = make_case({ASKED: f'  subvention_demandee: "{asked}"\n'})
    ref = load().model_copy(update={"subvention": bounds})
    [finding] = [f for f in check_path(case.path, ref, Settings(today=TODAY)).findings if f.rule == "BUD05"]
    assert (finding.message, finding.advice) == (message, advice)
    assert located([finding]) == [("BUD05", "budget.subvention_demandee", *case.at(f'"{asked}"'))]


@pytest.mark.parametrize(
    ("asked", "bounds"),
    [("1 500", Subvention(minimum=Decimal(1500))), ("7 000", Subvention(maximum=Decimal(7000)))],
    ids=["the-minimum", "the-maximum"],
)
def test_a_request_of_exactly_a_bound_is_within(make_case: MakeCase, asked: str, bounds: Subvention) -> None:
    assert _bud05(make_case, {ASKED: f"  subvention_demandee: {asked}\n"}, bounds) == []
