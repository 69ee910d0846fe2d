from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import MakeCase

from cdv_check.core.findings import Severity
from cdv_check.text.money import french_amount

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
    assert finding.line == case.line_of("  charges:")
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
    assert case.findings("SCH04")
    assert case.findings("BUD01") == []


def test_in_kind_totals_differ(make_case: MakeCase) -> None:
    case = make_case({SALLE_87: "Salle prêtée par le centre social, montant: 800}"})
    [finding] = case.findings("BUD02")
    assert finding.severity is Severity.ERROR
    assert finding.line == case.line_of("  charges:")
    assert "total 86 (charges) 1 000,00 €" in finding.message
    assert "total 87 (produits) 800,00 €" in finding.message
    assert "écart de 200,00 €" in finding.message


def test_in_kind_totals_agree_in_the_example(make_case: MakeCase) -> None:
    assert make_case().findings("BUD02") == []


def test_requested_differs_from_the_marked_produits(make_case: MakeCase) -> None:
    case = make_case({ASKED: "subvention_demandee: 6 000"})
    [finding] = case.findings("BUD03")
    assert finding.severity is Severity.ERROR
    assert finding.line == case.line_of("subvention_demandee:")
    assert "6 000,00 €" in finding.message
    assert "totalisent 7 000,00 €" in finding.message


def test_zero_request_is_refused_and_compared(make_case: MakeCase) -> None:
    case = make_case({ASKED: "subvention_demandee: 0"})
    messages = [f.message for f in case.findings("BUD03")]
    assert len(messages) == 2
    assert "0,00 € : elle doit être positive" in messages[0]
    assert "totalisent 7 000,00 €" in messages[1]


def test_request_above_the_cost_of_the_action(make_case: MakeCase) -> None:
    case = make_case(
        {ASKED: "subvention_demandee: 10 000", ETAT: ETAT.replace("4 000", "7 000")}
    )
    [finding] = case.findings("BUD03")
    assert finding.line == case.line_of("subvention_demandee:")
    assert "supérieure au total des charges (60 à 68) de 9 400,00 €" in finding.message


def test_request_matching_the_marked_produits_is_fine(make_case: MakeCase) -> None:
    assert make_case().findings("BUD03") == []


def test_produit_account_in_the_charges(make_case: MakeCase) -> None:
    case = make_case({ACHATS: ACHATS.replace('"60"', '"75"')})
    [finding] = case.findings("BUD04")
    assert finding.severity is Severity.ERROR
    assert finding.line == case.line_of("Achats de tissus")
    assert "Compte « 75 » inconnu dans les charges" in finding.message
    assert "déplacez la ligne sous « produits: »" in finding.advice


@pytest.mark.parametrize("account", ["65", "99", "7", "7a"])
def test_unknown_produit_accounts(make_case: MakeCase, account: str) -> None:
    line = '{compte: "75", libelle: Cotisations des adhérentes'
    case = make_case({line: line.replace('"75"', f'"{account}"')})
    [finding] = case.findings("BUD04")
    assert finding.line == case.line_of("Cotisations des adhérentes")
    assert f"Compte « {account} » inconnu dans les produits" in finding.message


def test_negative_amount(make_case: MakeCase) -> None:
    case = make_case({ACHATS: ACHATS.replace("1 200", "-1 200")})
    [finding] = case.findings("BUD04")
    assert finding.line == case.line_of("Achats de tissus")
    assert "Montant négatif (-1 200,00 €)" in finding.message


def test_cerfa_accounts_are_accepted(make_case: MakeCase) -> None:
    assert make_case().findings("BUD04") == []
