from __future__ import annotations

from decimal import Decimal

import pytest

from cdv_check.core.findings import Severity
from cdv_check.model.cerfa import account_class
from cdv_check.text.money import french_amount
from conftest import Case, MakeCase, located

DEPARTEMENT = "Département de la Moselle, montant: 1 900}"
SALLE_87 = "Salle prêtée par le centre social, montant: 1 000}"
ASKED = "subvention_demandee: 7 000"
ACHATS = '{compte: "60", libelle: Achats de tissus et fournitures, montant: 1 200}'
ETAT = 'libelle: "État - politique de la ville", montant: 4 000'


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("9400"), "9 400,00 €"),
        (Decimal("0"), "0,00 €"),
        (Decimal("999.5"), "999,50 €"),
        (Decimal("1234567.891"), "1 234 567,89 €"),
        (Decimal("-1200"), "-1 200,00 €"),
        (Decimal("0.005"), "0,01 €"),
    ],
)
def test_french_amount(amount: Decimal, text: str) -> None:
    assert french_amount(amount) == text


def test_unbalanced_budget_gives_both_totals_and_the_gap(make_case: MakeCase) -> None:
    case = make_case({DEPARTEMENT: "Département de la Moselle, montant: 1 500}"})
    [finding] = case.findings("BUD01")
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("BUD01", "budget", *case.at("charges:"))]
    assert "charges (60 à 68) 9 400,00 €" in finding.message
    assert "produits (70 à 79) 9 000,00 €" in finding.message
    assert "les charges dépassent les produits de 400,00 €" in finding.message


def test_in_kind_contributions_do_not_count_in_the_balance(make_case: MakeCase) -> None:
    case = make_case({SALLE_87: "Salle prêtée par le centre social, montant: 800}"})
    assert case.findings("BUD01") == []


def test_sub_accounts_count_in_their_account(make_case: MakeCase) -> None:
    case = make_case({ACHATS: ACHATS.replace('"60"', '"6064"')})
    assert [f.rule for f in case.check().findings if f.rule.startswith("BUD")] == []


def test_balance_is_not_judged_on_an_unreadable_amount(make_case: MakeCase) -> None:
    case = make_case({DEPARTEMENT: "Département de la Moselle, montant: beaucoup}"})
    assert case.located("SCH04") == [("SCH04", "budget.produits[2].montant", *case.at("beaucoup"))]
    assert case.findings("BUD01") == []


def test_in_kind_totals_differ(make_case: MakeCase) -> None:
    case = make_case({SALLE_87: "Salle prêtée par le centre social, montant: 800}"})
    [finding] = case.findings("BUD02")
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("BUD02", "budget", *case.at("charges:"))]
    assert "total 86 (charges) 1 000,00 €" in finding.message
    assert "total 87 (produits) 800,00 €" in finding.message
    assert "écart de 200,00 €" in finding.message


def test_in_kind_totals_agree_in_the_example(make_case: MakeCase) -> None:
    assert make_case().findings("BUD02") == []


def test_requested_differs_from_the_marked_produits(make_case: MakeCase) -> None:
    case = make_case({ASKED: "subvention_demandee: 6 000"})
    [finding] = case.findings("BUD03")
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("BUD03", "budget.subvention_demandee", *case.at("6 000"))]
    assert "6 000,00 €" in finding.message
    assert "totalisent 7 000,00 €" in finding.message


def test_zero_request_is_refused_and_compared(make_case: MakeCase) -> None:
    case = make_case({ASKED: "subvention_demandee: 0"})
    findings = case.findings("BUD03")
    assert located(findings) == [("BUD03", "budget.subvention_demandee", *case.at("0\npieces:"))] * 2
    messages = [f.message for f in findings]
    assert messages[0] == (
        "Subvention demandée de 0,00 € : elle doit être positive."
    )
    assert "totalisent 7 000,00 €" in messages[1]


def test_request_above_the_cost_of_the_action(make_case: MakeCase) -> None:
    case = make_case(
        {ASKED: "subvention_demandee: 10 000", ETAT: ETAT.replace("4 000", "7 000")}
    )
    [finding] = case.findings("BUD03")
    assert located([finding]) == [("BUD03", "budget.subvention_demandee", *case.at("10 000"))]
    assert "supérieure au total des charges (60 à 68) de 9 400,00 €" in finding.message


def test_request_matching_the_marked_produits_is_fine(make_case: MakeCase) -> None:
    assert make_case().findings("BUD03") == []


def test_produit_account_in_the_charges(make_case: MakeCase) -> None:
    case = make_case({ACHATS: ACHATS.replace('"60"', '"75"')})
    [finding] = case.findings("BUD04")
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("BUD04", "budget.charges[0].compte", *case.at('"75", libelle: Achats'))]
    assert "Compte « 75 » inconnu dans les charges" in finding.message
    assert "déplacez la ligne sous « produits: »" in finding.advice


@pytest.mark.parametrize("account", ["65", "99", "7", "7a"])
def test_unknown_produit_accounts(make_case: MakeCase, account: str) -> None:
    line = '{compte: "75", libelle: Cotisations des adhérentes'
    case = make_case({line: line.replace('"75"', f'"{account}"')})
    [finding] = case.findings("BUD04")
    assert located([finding]) == [("BUD04", "budget.produits[3].compte", *case.at(f'"{account}"'))]
    assert f"Compte « {account} » inconnu dans les produits" in finding.message


def test_negative_amount(make_case: MakeCase) -> None:
    case = make_case({ACHATS: ACHATS.replace("1 200", "-1 200")})
    [finding] = case.findings("BUD04")
    assert located([finding]) == [("BUD04", "budget.charges[0].montant", *case.at("-1 200"))]
    assert "Montant négatif (-1 200,00 €)" in finding.message


def test_cerfa_accounts_are_accepted(make_case: MakeCase) -> None:
    assert make_case().findings("BUD04") == []


@pytest.mark.parametrize(
    ("compte", "account"),
    [("60", "60"), ("6064", "60"), (" 64 ", "64"), ("60a", None), ("6", None), ("", None),
     ("6 4", None), ("a60", None), (None, None), ("６０", None), ("٦٠", None), ("²⁰", None), ("60\n", "60"),
     ("\u00a064", "64"), ("007", "00")],
)
def test_account_class_is_the_first_two_digits_of_an_all_digits_account(
    compte: str | None, account: str | None
) -> None:
    assert account_class(compte) == account


def test_account_class_reads_as_its_pattern_every_short_text() -> None:
    # An account is all ASCII digits, at least two, spaces around it aside: every text of up to
    # three characters from digits of all kinds, spaces and letters, against that pattern.
    import itertools
    import re

    pattern = re.compile(r"[0-9]{2,}")
    alphabet = "06 a\n\t\u00a0６٦²"
    for size in range(4):
        for chars in itertools.product(alphabet, repeat=size):
            text = "".join(chars)
            stripped = text.strip()
            assert account_class(text) == (stripped[:2] if pattern.fullmatch(stripped) else None), text


def test_an_account_with_a_letter_is_unknown_even_when_it_starts_with_a_charges_account(
    make_case: MakeCase,
) -> None:
    case = make_case({ACHATS: ACHATS.replace('"60"', '"60a"')})
    [finding] = case.findings("BUD04")
    assert located([finding]) == [("BUD04", "budget.charges[0].compte", *case.at('"60a"'))]
    assert finding.message == (
        "Compte « 60a » inconnu dans les charges : le CERFA y utilise les comptes 60 à 68 et 86."
    )
    assert finding.advice.startswith("Écrivez le compte seul, en chiffres (« 60 ») ; le libellé va dans « libelle: ».")
    # One cause, one finding: no balance computed without the line, and the finding says so.
    assert case.findings("BUD01") == []
    assert "BUD01 « Budget non équilibré »" in finding.advice
    assert "(le total des charges est incomplet)" in finding.advice


def test_a_charges_account_in_the_produits_is_sent_back_to_the_charges(make_case: MakeCase) -> None:
    line = '{compte: "75", libelle: Cotisations des adhérentes'
    case = make_case({line: line.replace('"75"', '"6064"')})
    [finding] = case.findings("BUD04")
    assert located([finding]) == [("BUD04", "budget.produits[3].compte", *case.at('"6064"'))]
    assert finding.message == (
        "Compte « 6064 » inconnu dans les produits : le CERFA y utilise les comptes 70 à 79 et 87."
    )
    assert finding.advice.startswith("Un compte 6064 est un compte de charges : déplacez la ligne sous « charges: ».")


def test_an_in_kind_account_on_the_wrong_side_is_sent_to_its_side(make_case: MakeCase) -> None:
    case = make_case({ACHATS: ACHATS.replace('"60"', '"87"')})
    [finding] = case.findings("BUD04")
    assert located([finding]) == [("BUD04", "budget.charges[0].compte", *case.at('"87"'))]
    assert finding.advice.startswith("Un compte 87 est un compte de produits : déplacez la ligne sous « produits: ».")


def test_an_unknown_produits_account_gets_an_example_of_its_side(make_case: MakeCase) -> None:
    line = '{compte: "75", libelle: Cotisations des adhérentes'
    case = make_case({line: line.replace('"75"', '"99"')})
    [finding] = case.findings("BUD04")
    assert located([finding]) == [("BUD04", "budget.produits[3].compte", *case.at('"99"'))]
    assert finding.advice.startswith("Choisissez un compte du CERFA (70 à 79 et 87), en chiffres (ex. « 70 »).")


def test_a_blank_account_is_left_to_the_schema(make_case: MakeCase) -> None:
    case = make_case({ACHATS: ACHATS.replace('"60"', '" "')})
    assert case.findings("BUD04") == []


def test_a_zero_amount_is_not_negative(make_case: MakeCase) -> None:
    case = make_case({ACHATS: ACHATS.replace("1 200", "0")})
    assert case.findings("BUD04") == []


def test_a_negative_amount_names_its_line_or_its_account(make_case: MakeCase) -> None:
    case = make_case({ACHATS: ACHATS.replace("1 200", "\"-0,01\"")})
    [finding] = case.findings("BUD04")
    assert located([finding]) == [("BUD04", "budget.charges[0].montant", *case.at('"-0,01"'))]
    assert finding.message == "Montant négatif (-0,01 €) pour « Achats de tissus et fournitures »."
    assert finding.advice.startswith(
        "Écrivez un montant positif : une ressource se met dans les produits, une dépense dans "
        "les charges."
    )


def test_a_request_of_one_cent_is_positive(make_case: MakeCase) -> None:
    case = make_case({ASKED: "subvention_demandee: 0,01"})
    assert case.located("BUD03") == [("BUD03", "budget.subvention_demandee", *case.at("0,01"))]
    assert [f.message for f in case.findings("BUD03")] == [
        "Subvention demandée 0,01 €, mais les produits marqués « politique_de_la_ville: oui » "
        "totalisent 7 000,00 €."
    ]


def test_a_request_equal_to_the_charges_is_not_above_them(make_case: MakeCase) -> None:
    case = make_case({
        ASKED: "subvention_demandee: 9 400",
        ETAT: ETAT.replace("4 000", "6 400"),
        DEPARTEMENT: "Département de la Moselle, montant: 0}",
        "Cotisations des adhérentes, montant: 500}": "Cotisations des adhérentes, montant: 0}",
    })
    assert case.findings("BUD03") == []
    assert case.findings("BUD01") == []


def test_produits_above_the_charges_are_said_so_with_the_advice(make_case: MakeCase) -> None:
    case = make_case({DEPARTEMENT: "Département de la Moselle, montant: 2 300}"})
    [finding] = case.findings("BUD01")
    assert finding.message == (
        "Budget déséquilibré : charges (60 à 68) 9 400,00 €, produits (70 à 79) 9 800,00 € ; "
        "les produits dépassent les charges de 400,00 €."
    )
    assert finding.advice == (
        "Le budget prévisionnel doit être équilibré : ajustez les charges ou les produits pour que "
        "les deux totaux soient égaux."
    )


def test_in_kind_advice(make_case: MakeCase) -> None:
    case = make_case({SALLE_87: "Salle prêtée par le centre social, montant: 800}"})
    [finding] = case.findings("BUD02")
    assert finding.advice == (
        "Chaque contribution en nature s'inscrit au même montant en 86 (charges) et en 87 "
        "(produits) : corrigez l'un des deux totaux."
    )


def test_request_advices(make_case: MakeCase) -> None:
    zero = make_case({ASKED: "subvention_demandee: 0"}).findings("BUD03")
    assert [f.advice for f in zero] == [
        "Indiquez le total demandé au titre du Contrat de Ville.",
        "Marquez « politique_de_la_ville: oui » chaque ligne de produit demandée au titre du "
        "Contrat de Ville, et faites que leur somme égale la subvention demandée.",
    ]
    above = make_case({ASKED: "subvention_demandee: 10 000", ETAT: ETAT.replace("4 000", "7 000")})
    assert [f.advice for f in above.findings("BUD03")] == [
        "Une subvention ne peut pas dépasser le coût de l'action : revoyez le montant demandé "
        "ou les charges."
    ]


CHARGES_BLOCK = """  charges:
    - {compte: "60", libelle: Achats de tissus et fournitures, montant: 1 200}
    - {compte: "61", libelle: Location de machines à coudre, montant: 800}
    - {compte: "64", libelle: Charges de personnel (animatrice), montant: "7 400,00"}
    - {compte: "86", libelle: Mise à disposition de la salle, montant: 1 000}
"""


def _budget_rules(case: Case) -> list[str]:
    return [f.rule for f in case.check().findings if f.rule.startswith("BUD")]


def test_a_budget_without_charges_is_left_to_the_schema(make_case: MakeCase) -> None:
    case = make_case({CHARGES_BLOCK: ""})
    assert case.located("SCH03") == [("SCH03", "budget.charges", *case.at("produits:"))]
    assert _budget_rules(case) == []  # no balance judged, and the request compared to the produits only


def test_a_budget_without_produits_is_left_to_the_schema(make_case: MakeCase) -> None:
    text = make_case().text
    produits = text[text.index("  produits:\n"):text.index("  subvention_demandee")]
    case = make_case({produits: ""})
    errors = [f for f in case.check().findings if f.severity == "error"]
    assert located(errors) == [("SCH03", "budget.produits", *case.at("charges:"))]


def test_a_budget_without_a_request_is_left_to_the_schema(make_case: MakeCase) -> None:
    case = make_case({"  subvention_demandee: 7 000\n": ""})
    errors = [f for f in case.check().findings if f.severity == "error"]
    assert located(errors) == [("SCH03", "budget.subvention_demandee", *case.at("charges:"))]


def test_a_dossier_without_budget_has_no_budget_finding(make_case: MakeCase) -> None:
    text = make_case().text
    case = make_case({text[text.index("budget:\n"):text.index("pieces:\n")]: ""})
    errors = [f for f in case.check().findings if f.severity == "error"]
    assert located(errors) == [("SCH03", "budget", *case.at("date_depot:"))]  # the first key


def test_an_unreadable_in_kind_amount_leaves_the_in_kind_balance_unjudged(make_case: MakeCase) -> None:
    case = make_case({SALLE_87: "Salle prêtée par le centre social, montant: mille}"})
    assert [f.rule for f in case.check().findings if f.severity == "error"] == ["SCH04"]
    salle_86 = "Mise à disposition de la salle, montant: "
    other = make_case({salle_86 + "1 000}": salle_86 + "mille}"})
    assert [f.rule for f in other.check().findings if f.severity == "error"] == ["SCH04"]
