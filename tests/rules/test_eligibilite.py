"""ELG01–ELG06: the eligibility criteria of section 3.1."""

from __future__ import annotations

from datetime import date

import pytest

from cdv_check.core.findings import Severity
from cdv_check.model.referentiel import Referentiel
from cdv_check.text.french import french_date
from conftest import MakeCase, located

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
    assert finding.message == (
        "Statut « autre » : ce type de structure n'est pas cité par l'appel à projets."
    )
    assert finding.advice == (
        "Si la structure est l'un des types cités, indiquez-le : association, bailleur, "
        "collectivite (collectivité territoriale) ou etablissement_public (établissement "
        "public). Sinon, confirmez votre éligibilité avec Sandy ARON (Metz Métropole, "
        "contratdeville@metzmetropole.fr) avant l'envoi."
    )
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
    assert finding.message == (
        "Le nombre de bénéficiaires habitant un QPV (beneficiaires_qpv) n'est pas indiqué."
    )
    assert finding.advice == (
        "L'action doit bénéficier aux habitants des QPV : indiquez combien des 24 personnes "
        "touchées y habitent (« beneficiaires_qpv: … » sous « public »)."
    )
    assert finding.severity is Severity.ERROR
    line = case.line_of("description: Femmes de Bellecroix")
    assert located([finding]) == [("ELG02", "action.public.beneficiaires_qpv", line, 5)]
    assert "des 24 personnes touchées" in finding.advice


def test_zero_qpv_beneficiaries(make_case: MakeCase) -> None:
    case = make_case({"beneficiaires_qpv: 22": "beneficiaires_qpv: 0"})
    [finding] = case.findings("ELG02")
    assert finding.message == "Aucun bénéficiaire n'habite un QPV (beneficiaires_qpv vaut 0)."
    assert finding.advice == (
        "L'appel ne finance que des actions au bénéfice des habitants des QPV : corrigez le "
        "nombre si c'est une erreur, sinon l'action n'est pas éligible."
    )
    line = case.line_of("beneficiaires_qpv: 0")
    assert located([finding]) == [("ELG02", "action.public.beneficiaires_qpv", line, 24)]
    assert "vaut 0" in finding.message


def test_more_qpv_beneficiaries_than_beneficiaries(make_case: MakeCase) -> None:
    case = make_case({"beneficiaires_qpv: 22": "beneficiaires_qpv: 30"})
    [finding] = case.findings("ELG02")
    assert finding.message == "30 bénéficiaires habitant un QPV, plus que les 24 personnes touchées."
    assert finding.advice == (
        "Les habitants des QPV font partie du total : corrigez beneficiaires_qpv ou "
        "beneficiaires."
    )
    line = case.line_of("beneficiaires_qpv: 30")
    assert located([finding]) == [("ELG02", "action.public.beneficiaires_qpv", line, 24)]
    assert "30" in finding.message and "24" in finding.message


def test_all_beneficiaries_in_qpv_is_fine(make_case: MakeCase) -> None:
    assert make_case({"beneficiaires_qpv: 22": "beneficiaires_qpv: 24"}).findings("ELG02") == []


# --- ELG03 -------------------------------------------------------------------------------------


def test_no_qpv(make_case: MakeCase) -> None:
    case = make_case({QUARTIERS: "quartiers: []"})
    [finding] = case.findings("ELG03")
    assert finding.message == "Aucun QPV n'est indiqué (action.quartiers)."
    assert finding.advice == (
        "Le projet doit concerner un ou plusieurs QPV : indiquez-les, parmi Borny, Bellecroix, "
        "Hauts-de-Vallières, Sablon Sud, La Patrotte/Metz Nord et Saint Eloy-Boileau Pré Génie "
        "(ex. « quartiers: [Borny] »)."
    )
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("ELG03", "action.quartiers", case.line_of("quartiers: []"), 14)]
    assert "Aucun QPV" in finding.message
    assert "Saint Eloy-Boileau Pré Génie" in finding.advice


def test_absent_qpv_key_points_at_the_action(make_case: MakeCase) -> None:
    case = make_case({f"  {QUARTIERS}\n": ""})
    [finding] = case.findings("ELG03")
    assert finding.message == "Aucun QPV n'est indiqué (action.quartiers)."
    assert finding.advice == (
        "Le projet doit concerner un ou plusieurs QPV : indiquez-les, parmi Borny, Bellecroix, "
        "Hauts-de-Vallières, Sablon Sud, La Patrotte/Metz Nord et Saint Eloy-Boileau Pré Génie "
        "(ex. « quartiers: [Borny] »)."
    )
    assert located([finding]) == [("ELG03", "action.quartiers", case.line_of("intitule:"), 3)]


def test_unknown_qpv_with_closest_name(make_case: MakeCase) -> None:
    case = make_case({QUARTIERS: "quartiers: [Bellecroix, Borni]"})
    [finding] = case.findings("ELG03")
    assert finding.message == "Quartier « Borni » inconnu : ce n'est pas un des QPV de l'appel."
    assert finding.advice == (
        "Vouliez-vous dire « Borny » ? Les QPV sont : Borny, Bellecroix, Hauts-de-Vallières, "
        "Sablon Sud, La Patrotte/Metz Nord et Saint Eloy-Boileau Pré Génie."
    )
    assert located([finding]) == [("ELG03", "action.quartiers[1]", case.line_of("Borni]"), 27)]
    assert "« Borni » inconnu" in finding.message
    assert "Vouliez-vous dire « Borny » ?" in finding.advice


def test_closest_name_found_through_a_variant(make_case: MakeCase) -> None:
    case = make_case({QUARTIERS: "quartiers: [Patrote]"})
    [finding] = case.findings("ELG03")
    assert finding.message == "Quartier « Patrote » inconnu : ce n'est pas un des QPV de l'appel."
    assert finding.advice == (
        "Vouliez-vous dire « La Patrotte/Metz Nord » ? Les QPV sont : Borny, Bellecroix, "
        "Hauts-de-Vallières, Sablon Sud, La Patrotte/Metz Nord et Saint Eloy-Boileau Pré Génie."
    )
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
    assert finding.message == "Aucun objectif opérationnel n'est indiqué (action.objectifs)."
    assert finding.advice == (
        "Le projet doit répondre aux objectifs opérationnels de l'Annexe 1 : indiquez leurs "
        "codes (ex. « objectifs: [1.1.1] ») ; cdv-check objectives --search MOT aide à les "
        "trouver."
    )
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("ELG04", "action.objectifs", case.line_of("objectifs: []"), 14)]
    assert "Aucun objectif" in finding.message


def test_unknown_objective_with_closest_codes(make_case: MakeCase) -> None:
    case = make_case({OBJECTIVES: "objectifs: [2.1.2, 2.12.9]"})
    [finding] = case.findings("ELG04")
    assert finding.message == "L'objectif « 2.12.9 » n'existe pas dans l'Annexe 1."
    assert finding.advice == (
        "Codes proches : 2.12.1 « Adapter l'offre de formation aux besoins des publics » ; "
        "2.12.2 « Construire et diversifier des parcours d'insertion » ; 2.12.3 « Multiplier "
        "les points et initiatives d'accompagnement des… » ; 2.12.4 « Développer et "
        "diversifier les clauses sociales » ; 2.12 « En favorisant un accompagnement "
        "personnalisé » ; 2.2.3 « Promouvoir les égalités de traitement et des droits ». "
        "Vérifiez le code avec cdv-check objectives."
    )
    assert located([finding]) == [("ELG04", "action.objectifs[1]", case.line_of("objectifs:"), 22)]
    assert finding.line is not None
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
    assert finding.message == (
        "« 2 » désigne l'axe stratégique 2 « RENFORCER L'INCLUSION ET LA REUSSITE DES "
        "HABITANTS », pas un objectif opérationnel."
    )
    assert finding.advice == (
        "Choisissez un ou plusieurs de ses objectifs opérationnels : 2.1, 2.2, 2.3, 2.4, 2.5, "
        "2.6, 2.7, 2.8, 2.9, 2.10, 2.11, 2.12 ou 2.13 (cdv-check objectives 2 les détaille)."
    )
    assert located([finding]) == [("ELG04", "action.objectifs[0]", *case.at("2]"))]
    assert "axe stratégique 2" in finding.message
    assert "2.1, 2.2" in finding.advice and "ou 2.13" in finding.advice


@pytest.mark.parametrize("codes", ["[1.5.3]", "[1.10, 1.10.2]", "[4.14]", '["2.7.3"]'])
def test_valid_codes_are_accepted(make_case: MakeCase, codes: str) -> None:
    assert make_case({OBJECTIVES: f"objectifs: {codes}"}).findings("ELG04") == []


def test_blank_objective(make_case: MakeCase) -> None:
    case = make_case({OBJECTIVES: 'objectifs: [2.1.2, ""]'})
    [finding] = case.findings("ELG04")
    assert finding.advice == "Retirez-le, ou écrivez un code de l'Annexe 1."
    assert located([finding]) == [("ELG04", "action.objectifs[1]", *case.at('""]'))]
    assert finding.message == "Élément vide dans action.objectifs."


# --- ELG05 -------------------------------------------------------------------------------------


def test_missing_need(make_case: MakeCase) -> None:
    case = make_case({BESOIN: ""})
    [finding] = case.findings("ELG05")
    assert finding.message == "Le besoin auquel répond l'action n'est pas décrit (action.besoin)."
    assert finding.advice == (
        "Le projet doit répondre à un besoin avéré du territoire : décrivez-le, avec ce qui le "
        "prouve (diagnostic, chiffres, partenaires qui le constatent)."
    )
    assert finding.severity is Severity.ERROR
    # absent: at the first key of the action
    assert located([finding]) == [("ELG05", "action.besoin", *case.at("intitule:"))]
    assert "besoin" in finding.message


def test_blank_need(make_case: MakeCase) -> None:
    case = make_case({BESOIN: '  besoin: "   "\n'})
    [finding] = case.findings("ELG05")
    assert finding.message == "Le besoin auquel répond l'action n'est pas décrit (action.besoin)."
    assert finding.advice == (
        "Le projet doit répondre à un besoin avéré du territoire : décrivez-le, avec ce qui le "
        "prouve (diagnostic, chiffres, partenaires qui le constatent)."
    )
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("ELG05", "action.besoin", case.line_of('besoin: "   "'), 11)]


def test_short_need_is_a_warning(make_case: MakeCase) -> None:
    case = make_case({BESOIN: "  besoin: Les femmes du quartier cherchent du travail.\n"})
    [finding] = case.findings("ELG05")
    assert finding.message == "Le besoin est décrit en 44 caractères seulement (minimum conseillé : 80)."
    assert finding.advice == (
        "Montrez que le besoin est avéré : d'où vient le constat, combien d'habitants sont "
        "concernés, qui le signale."
    )
    assert finding.severity is Severity.WARNING
    assert located([finding]) == [("ELG05", "action.besoin", case.line_of("besoin: Les femmes"), 11)]
    assert "44 caractères" in finding.message and "80" in finding.message


# --- ELG06 -------------------------------------------------------------------------------------


def test_late_deposit_is_not_examined(make_case: MakeCase) -> None:
    case = make_case({"date_depot: 2016-01-06": "date_depot: 12/01/2016"})
    [finding] = case.findings("ELG06")
    assert finding.message == (
        "Dépôt le 12 janvier 2016, 2 jours après la date limite du 10 janvier 2016 : le "
        "dossier ne sera pas instruit."
    )
    assert finding.advice == (
        "Tout dossier hors délais ne sera pas instruit. Si la date de dépôt est fausse, "
        "corrigez date_depot (ou --date-depot) ; sinon prenez contact avec Sandy ARON (Metz "
        "Métropole, contratdeville@metzmetropole.fr)."
    )
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("ELG06", "date_depot", case.line_of("date_depot:"), 13)]
    assert "ne sera pas instruit" in finding.message
    assert "2 jours après la date limite du 10 janvier 2016" in finding.message


def test_days_left_are_given(make_case: MakeCase) -> None:
    case = make_case()
    [finding] = case.findings("ELG06")
    assert finding.message == (
        "J-4 : dépôt au plus tard le 10 janvier 2016 (date de dépôt retenue : 6 janvier 2016)."
    )
    assert finding.advice == (
        "Saisissez la demande sur extranet.lacse.fr, puis envoyez le CERFA en PDF et les "
        "pièces à contratdeville@metzmetropole.fr : tout dossier incomplet ou hors délais ne "
        "sera pas instruit."
    )
    assert finding.severity is Severity.INFO
    assert located([finding]) == [("ELG06", "date_depot", case.line_of("date_depot:"), 13)]
    assert finding.message.startswith("J-4 : dépôt au plus tard le 10 janvier 2016")


def test_deadline_day(make_case: MakeCase) -> None:
    case = make_case({"date_depot: 2016-01-06": "date_depot: 2016-01-10"})
    [finding] = case.findings("ELG06")
    assert finding.message == (
        "Jour J : dépôt au plus tard le 10 janvier 2016 (date de dépôt retenue : 10 janvier "
        "2016)."
    )
    assert finding.advice == (
        "Saisissez la demande sur extranet.lacse.fr, puis envoyez le CERFA en PDF et les "
        "pièces à contratdeville@metzmetropole.fr : tout dossier incomplet ou hors délais ne "
        "sera pas instruit."
    )
    assert located([finding]) == [("ELG06", "date_depot", *case.at("2016-01-10"))]
    assert finding.severity is Severity.INFO
    assert finding.message.startswith("Jour J")


def test_deposit_date_from_the_settings_points_at_the_file(make_case: MakeCase) -> None:
    case = make_case({"date_depot: 2016-01-06\n": ""})
    [finding] = case.findings("ELG06", deposit_date=date(2016, 1, 11))
    assert finding.message == (
        "Dépôt le 11 janvier 2016, 1 jour après la date limite du 10 janvier 2016 : le dossier "
        "ne sera pas instruit."
    )
    assert finding.advice == (
        "Tout dossier hors délais ne sera pas instruit. Si la date de dépôt est fausse, "
        "corrigez date_depot (ou --date-depot) ; sinon prenez contact avec Sandy ARON (Metz "
        "Métropole, contratdeville@metzmetropole.fr)."
    )
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("ELG06", "", None, None)]  # the date is not in the file
    assert "1 jour après" in finding.message



def test_a_commune_typed_as_a_qpv_suggests_its_qpv(make_case: MakeCase) -> None:
    case = make_case({"quartiers: [Bellecroix]": "quartiers: [Woippy]"})
    [finding] = case.findings("ELG03")
    assert finding.message == "Quartier « Woippy » inconnu : ce n'est pas un des QPV de l'appel."
    assert finding.advice == (
        "« Woippy » est une commune, pas un QPV : vouliez-vous dire « Saint Eloy-Boileau Pré "
        "Génie » ? Les QPV sont : Borny, Bellecroix, Hauts-de-Vallières, Sablon Sud, La "
        "Patrotte/Metz Nord et Saint Eloy-Boileau Pré Génie."
    )
    assert finding.path == "action.quartiers[0]"
    meant = "vouliez-vous dire « Saint Eloy-Boileau Pré Génie » ?"
    assert f"« Woippy » est une commune, pas un QPV : {meant}" in finding.advice


@pytest.mark.parametrize(("length", "warned"), [(79, True), (80, False)])
def test_the_need_minimum_is_reached_at_exactly_the_threshold(
    make_case: MakeCase, ref: Referentiel, length: int, warned: bool
) -> None:
    assert ref.seuils.besoin_longueur_min == 80
    need = "a" * (length - 11) + "   " + "b" * 10  # spaces in a row count once
    case = make_case({BESOIN: f"  besoin: {need}\n"})
    assert [f.severity for f in case.findings("ELG05")] == ([Severity.WARNING] if warned else [])


def _without(text: str, start: str, end: str) -> str:
    return text[text.index(start):text.index(end)]


def test_a_dossier_without_porteur_or_action_is_left_to_the_schema(make_case: MakeCase) -> None:
    text = make_case().text
    for start, end, path in (("porteur:\n", "action:\n", "porteur"), ("action:\n", "budget:\n", "action")):
        case = make_case({_without(text, start, end): ""})
        errors = [f for f in case.check().findings if f.severity == "error"]
        assert [(f.rule, f.path) for f in errors] == [("SCH03", path)]
        assert not [f for f in case.check().findings if f.rule in ("ELG01", "ELG02", "ELG03", "ELG04", "ELG05")]


def test_missing_qpv_beneficiaries_without_a_total(make_case: MakeCase) -> None:
    case = make_case({"    beneficiaires: 24\n    beneficiaires_qpv: 22\n": ""})
    [finding] = case.findings("ELG02")
    assert finding.advice == (
        "L'action doit bénéficier aux habitants des QPV : indiquez combien des personnes touchées "
        "y habitent (« beneficiaires_qpv: … » sous « public »)."
    )


def test_a_long_misspelt_qpv_still_gets_its_suggestion(make_case: MakeCase) -> None:
    case = make_case({QUARTIERS: "quartiers: [Hauts de Valière]"})
    [finding] = case.findings("ELG03")
    assert finding.advice.startswith("Vouliez-vous dire « Hauts-de-Vallières » ?")


_QPV_LIST = "Borny, Bellecroix, Hauts-de-Vallières, Sablon Sud, La Patrotte/Metz Nord et Saint Eloy-Boileau Pré Génie"


def test_a_blank_qpv_item_is_named_and_the_next_items_still_checked(make_case: MakeCase) -> None:
    case = make_case({QUARTIERS: 'quartiers: [Bellecroix, "", Borni]'})
    blank, unknown = case.findings("ELG03")
    assert located([blank, unknown]) == [
        ("ELG03", "action.quartiers[1]", *case.at('""')),
        ("ELG03", "action.quartiers[2]", *case.at("Borni")),
    ]
    assert (blank.message, blank.advice) == (
        "Élément vide dans action.quartiers.", f"Retirez-le, ou écrivez le nom d'un QPV ({_QPV_LIST})."
    )
    assert unknown.advice == f"Vouliez-vous dire « Borny » ? Les QPV sont : {_QPV_LIST}."


def test_the_commune_gets_all_its_qpv_and_an_unknown_name_only_the_list(make_case: MakeCase) -> None:
    [metz] = make_case({QUARTIERS: "quartiers: [Metz]"}).findings("ELG03")
    assert metz.advice.startswith("« Metz » est une commune, pas un QPV : vouliez-vous dire « Borny », « Bellecroix »")
    assert "« La Patrotte/Metz Nord » ou « Saint Eloy-Boileau Pré Génie » ?" in metz.advice
    [unknown] = make_case({QUARTIERS: "quartiers: [Zzzzzzzz]"}).findings("ELG03")
    assert unknown.advice == f"Les QPV sont : {_QPV_LIST}."
    [long] = make_case({QUARTIERS: "quartiers: [Le quartier de la gare et ses alentours immédiats]"}).findings("ELG03")
    assert long.message == "Quartier « Le quartier de la gare et ses… » inconnu : ce n'est pas un des QPV de l'appel."


def test_a_blank_objective_does_not_stop_the_next_ones_and_an_axis_with_a_dot_is_an_axis(make_case: MakeCase) -> None:
    case = make_case({OBJECTIVES: 'objectifs: ["", 9.9, 2.]'})
    findings = case.findings("ELG04")
    assert [f.path for f in findings] == ["action.objectifs[0]", "action.objectifs[1]", "action.objectifs[2]"]
    assert findings[2].message.startswith("« 2 » désigne l'axe stratégique 2 ")


def test_the_codes_near_an_unknown_one_are_worked_out_once_per_referentiel(
    make_case: MakeCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cdv_check.model import codes
    from cdv_check.rules import eligibilite

    asked: list[str] = []
    real = codes.closest_objective_codes

    def counting(ref: Referentiel, code: str, **options: int) -> list[str]:
        asked.append(code)
        return real(ref, code, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(eligibilite, "closest_objective_codes", counting)
    typo = "2.1.97" + "7" * eligibilite._REMEMBERED_LENGTH  # too long to be remembered
    case = make_case({OBJECTIVES: f"objectifs: [2.9.7, 2.12.2, {typo}]"})
    first = case.findings("ELG04")
    assert [f.advice for f in case.findings("ELG04")] == [f.advice for f in first]
    assert first[0].advice.startswith("Codes proches : 2.9.1 «")
    assert asked.count("2.9.7") == 1
    assert asked.count(typo) == 2


def test_the_codes_remembered_are_bounded(ref: Referentiel, monkeypatch: pytest.MonkeyPatch) -> None:
    from cdv_check.model import derived
    from cdv_check.rules import eligibilite

    monkeypatch.setattr(eligibilite, "_REMEMBERED_CODES", 3)
    copy = ref.model_copy()
    for n in range(5):
        assert eligibilite._closest_codes(copy, f"9.{n}") == eligibilite._closest_codes(copy, f"9.{n}")
        assert len(derived.per_referentiel(copy, eligibilite._codes_suggested)) <= 3
