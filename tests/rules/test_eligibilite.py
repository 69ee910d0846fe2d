"""ELG01–ELG06: the eligibility criteria of section 3.1."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import MakeCase, located

from cdv_check.core.findings import Severity
from cdv_check.text.french import french_date

OBJECTIVES = "objectifs: [2.1.2, 2.12.2]"
QUARTIERS = "quartiers: [Bellecroix]"
BESOIN = """  besoin: >
    Le diagnostic du centre social de Bellecroix (2015) compte 140 femmes du quartier inscrites
    à Pôle Emploi sans qualification ; la garde des enfants et l'isolement sont les freins cités
    le plus souvent lors des permanences.
"""


def test_french_date() -> None:
    assert french_date(date(2016, 1, 10)) == "10 janvier 2016"
    assert french_date(date(2016, 1, 1)) == "1er janvier 2016"
    assert french_date(date(2015, 8, 31)) == "31 août 2015"


def test_valid_example_has_no_eligibility_problem(make_case: MakeCase) -> None:
    findings = [f for f in make_case().check().findings if f.rule.startswith("ELG")]
    assert [(f.rule, f.severity) for f in findings] == [("ELG06", Severity.INFO)]


# --- ELG01 -------------------------------------------------------------------------------------


def test_other_status_is_to_confirm(make_case: MakeCase) -> None:
    case = make_case({"statut: association": "statut: autre"})
    [finding] = case.findings("ELG01")
    assert finding.severity is Severity.WARNING
    assert located([finding]) == [("ELG01", "porteur.statut", case.line_of("statut: autre"), 11)]
    assert "« autre »" in finding.message
    assert "collectivite (collectivité territoriale)" in finding.advice
    assert "contratdeville@metzmetropole.fr" in finding.advice


@pytest.mark.parametrize("status", ["bailleur", "collectivite", "etablissement_public"])
def test_listed_statuses_are_eligible(make_case: MakeCase, status: str) -> None:
    assert make_case({"statut: association": f"statut: {status}"}).findings("ELG01") == []


# --- ELG02 -------------------------------------------------------------------------------------


def test_missing_qpv_beneficiaries(make_case: MakeCase) -> None:
    case = make_case({"    beneficiaires_qpv: 22\n": ""})
    [finding] = case.findings("ELG02")
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("ELG02", "action.public.beneficiaires_qpv", case.line_of("description: Femmes de Bellecroix"), 5)]
    assert "des 24 personnes touchées" in finding.advice


def test_zero_qpv_beneficiaries(make_case: MakeCase) -> None:
    case = make_case({"beneficiaires_qpv: 22": "beneficiaires_qpv: 0"})
    [finding] = case.findings("ELG02")
    assert located([finding]) == [("ELG02", "action.public.beneficiaires_qpv", case.line_of("beneficiaires_qpv: 0"), 24)]
    assert "vaut 0" in finding.message


def test_more_qpv_beneficiaries_than_beneficiaries(make_case: MakeCase) -> None:
    case = make_case({"beneficiaires_qpv: 22": "beneficiaires_qpv: 30"})
    [finding] = case.findings("ELG02")
    assert located([finding]) == [("ELG02", "action.public.beneficiaires_qpv", case.line_of("beneficiaires_qpv: 30"), 24)]
    assert "30" in finding.message and "24" in finding.message


def test_all_beneficiaries_in_qpv_is_fine(make_case: MakeCase) -> None:
    assert make_case({"beneficiaires_qpv: 22": "beneficiaires_qpv: 24"}).findings("ELG02") == []


# --- ELG03 -------------------------------------------------------------------------------------


def test_no_qpv(make_case: MakeCase) -> None:
    case = make_case({QUARTIERS: "quartiers: []"})
    [finding] = case.findings("ELG03")
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("ELG03", "action.quartiers", case.line_of("quartiers: []"), 14)]
    assert "Aucun QPV" in finding.message
    assert "Saint Eloy-Boileau Pré Génie" in finding.advice


def test_absent_qpv_key_points_at_the_action(make_case: MakeCase) -> None:
    case = make_case({f"  {QUARTIERS}\n": ""})
    [finding] = case.findings("ELG03")
    assert located([finding]) == [("ELG03", "action.quartiers", case.line_of("intitule:"), 3)]


def test_unknown_qpv_with_closest_name(make_case: MakeCase) -> None:
    case = make_case({QUARTIERS: "quartiers: [Bellecroix, Borni]"})
    [finding] = case.findings("ELG03")
    assert located([finding]) == [("ELG03", "action.quartiers[1]", case.line_of("Borni]"), 27)]
    assert "« Borni » inconnu" in finding.message
    assert "Vouliez-vous dire « Borny » ?" in finding.advice


def test_closest_name_found_through_a_variant(make_case: MakeCase) -> None:
    case = make_case({QUARTIERS: "quartiers: [Patrote]"})
    [finding] = case.findings("ELG03")
    assert located([finding]) == [("ELG03", "action.quartiers[0]", *case.at("Patrote"))]
    assert "« La Patrotte/Metz Nord »" in finding.advice


@pytest.mark.parametrize(
    "spelling",
    [
        "borny",
        "HAUTS DE VALLIERES",
        "hauts-de-vallieres",
        "Sablon sud",
        "Boileau Pré Génie",
        "belle-croix",
    ],
)
def test_qpv_spellings_are_accepted(make_case: MakeCase, spelling: str) -> None:
    assert make_case({QUARTIERS: f"quartiers: [{spelling}]"}).findings("ELG03") == []


# --- ELG04 -------------------------------------------------------------------------------------


def test_no_objective(make_case: MakeCase) -> None:
    case = make_case({OBJECTIVES: "objectifs: []"})
    [finding] = case.findings("ELG04")
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("ELG04", "action.objectifs", case.line_of("objectifs: []"), 14)]
    assert "Aucun objectif" in finding.message


def test_unknown_objective_with_closest_codes(make_case: MakeCase) -> None:
    case = make_case({OBJECTIVES: "objectifs: [2.1.2, 2.12.9]"})
    [finding] = case.findings("ELG04")
    assert located([finding]) == [("ELG04", "action.objectifs[1]", case.line_of("objectifs:"), 22)]
    assert finding.column == case.text.splitlines()[finding.line - 1].index("2.12.9") + 1
    assert "« 2.12.9 » n'existe pas" in finding.message
    assert "2.12.1 «" in finding.advice and "2.12.4 «" in finding.advice


@pytest.mark.parametrize("typed", ["1.11", "1.1O"])
def test_the_yaml_traps_suggest_the_code_meant_first(make_case: MakeCase, typed: str) -> None:
    # 1.10 is the code that YAML traps turn into these (a letter O for a zero, a key next to 0).
    [finding] = make_case({OBJECTIVES: f"objectifs: [{typed}]"}).findings("ELG04")
    assert finding.advice.startswith("Codes proches : 1.10 «")


def test_axis_alone_is_not_an_objective(make_case: MakeCase) -> None:
    case = make_case({OBJECTIVES: "objectifs: [2]"})
    [finding] = case.findings("ELG04")
    assert located([finding]) == [("ELG04", "action.objectifs[0]", *case.at("2]"))]
    assert "axe stratégique 2" in finding.message
    assert "2.1, 2.2" in finding.advice and "ou 2.13" in finding.advice


@pytest.mark.parametrize("codes", ["[1.5.3]", "[1.10, 1.10.2]", "[4.14]", '["2.7.3"]'])
def test_valid_codes_are_accepted(make_case: MakeCase, codes: str) -> None:
    assert make_case({OBJECTIVES: f"objectifs: {codes}"}).findings("ELG04") == []


def test_blank_objective(make_case: MakeCase) -> None:
    case = make_case({OBJECTIVES: 'objectifs: [2.1.2, ""]'})
    [finding] = case.findings("ELG04")
    assert located([finding]) == [("ELG04", "action.objectifs[1]", *case.at('""]'))]
    assert finding.message == "Élément vide dans action.objectifs."


# --- ELG05 -------------------------------------------------------------------------------------


def test_missing_need(make_case: MakeCase) -> None:
    case = make_case({BESOIN: ""})
    [finding] = case.findings("ELG05")
    assert finding.severity is Severity.ERROR
    # absent: at the first key of the action
    assert located([finding]) == [("ELG05", "action.besoin", *case.at("intitule:"))]
    assert "besoin" in finding.message


def test_blank_need(make_case: MakeCase) -> None:
    case = make_case({BESOIN: '  besoin: "   "\n'})
    [finding] = case.findings("ELG05")
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("ELG05", "action.besoin", case.line_of('besoin: "   "'), 11)]


def test_short_need_is_a_warning(make_case: MakeCase) -> None:
    case = make_case({BESOIN: "  besoin: Les femmes du quartier cherchent du travail.\n"})
    [finding] = case.findings("ELG05")
    assert finding.severity is Severity.WARNING
    assert located([finding]) == [("ELG05", "action.besoin", case.line_of("besoin: Les femmes"), 11)]
    assert "44 caractères" in finding.message and "80" in finding.message


# --- ELG06 -------------------------------------------------------------------------------------


def test_late_deposit_is_not_examined(make_case: MakeCase) -> None:
    case = make_case({"date_depot: 2016-01-06": "date_depot: 12/01/2016"})
    [finding] = case.findings("ELG06")
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("ELG06", "date_depot", case.line_of("date_depot:"), 13)]
    assert "ne sera pas instruit" in finding.message
    assert "2 jours après la date limite du 10 janvier 2016" in finding.message


def test_days_left_are_given(make_case: MakeCase) -> None:
    case = make_case()
    [finding] = case.findings("ELG06")
    assert finding.severity is Severity.INFO
    assert located([finding]) == [("ELG06", "date_depot", case.line_of("date_depot:"), 13)]
    assert finding.message.startswith("J-4 : dépôt au plus tard le 10 janvier 2016")


def test_deadline_day(make_case: MakeCase) -> None:
    case = make_case({"date_depot: 2016-01-06": "date_depot: 2016-01-10"})
    [finding] = case.findings("ELG06")
    assert located([finding]) == [("ELG06", "date_depot", *case.at("2016-01-10"))]
    assert finding.severity is Severity.INFO
    assert finding.message.startswith("Jour J")


def test_deposit_date_from_the_settings_points_at_the_file(make_case: MakeCase) -> None:
    case = make_case({"date_depot: 2016-01-06\n": ""})
    [finding] = case.findings("ELG06", deposit_date=date(2016, 1, 11))
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("ELG06", "", None, None)]  # the date is not in the file
    assert "1 jour après" in finding.message



def test_a_commune_typed_as_a_qpv_suggests_its_qpv(make_case: MakeCase) -> None:
    case = make_case({"quartiers: [Bellecroix]": "quartiers: [Woippy]"})
    [finding] = case.findings("ELG03")
    assert finding.path == "action.quartiers[0]"
    assert "« Woippy » est une commune, pas un QPV : vouliez-vous dire « Saint Eloy-Boileau Pré Génie » ?" in finding.advice
