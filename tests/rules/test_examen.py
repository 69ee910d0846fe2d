"""EXA01–EXA04: the examination criteria of section 3.2."""

from __future__ import annotations

import pytest

from cdv_check.core.findings import Severity
from conftest import MakeCase, located

DATES = "  debut: 2016-02-01\n  fin: 2016-12-15\n"
SCOLAIRE = "scolaire: non"
EVALUATION = (
    "  evaluation:\n"
    "    modalites: Bilan à mi-parcours et en fin d'année avec les partenaires ; "
    "entretien avec chaque participante.\n"
    "    indicateurs: [Nombre de participantes assidues, "
    "Nombre d'entrées en formation ou en emploi]\n"
)
MODALITES, INDICATEURS = (line + "\n" for line in EVALUATION.splitlines()[1:])
PARTENAIRES = (
    "  partenaires: [Centre social de Bellecroix, Pôle Emploi Metz Borny, "
    "Mission locale du Pays Messin]\n"
)


def dates(debut: str, fin: str) -> dict[str, str]:
    return {DATES: f"  debut: {debut}\n  fin: {fin}\n"}


def test_valid_example_meets_the_examination_criteria(make_case: MakeCase) -> None:
    findings = make_case().check().findings
    assert [f for f in findings if f.rule.startswith("EXA")] == []


# --- EXA01 -------------------------------------------------------------------------------------


def test_end_before_start(make_case: MakeCase) -> None:
    case = make_case(dates("2016-06-01", "2016-03-01"))
    [finding] = case.findings("EXA01")
    assert finding.message == "L'action finit le 1er mars 2016, avant son début le 1er juin 2016."
    assert finding.advice == "Corrigez les dates (jour et mois inversés ?) : fin doit suivre debut."
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("EXA01", "action.fin", case.line_of("fin: 2016-03-01"), 8)]
    assert "1er mars 2016" in finding.message and "1er juin 2016" in finding.message


def test_action_starting_before_the_year(make_case: MakeCase) -> None:
    case = make_case(dates("2015-11-02", "2016-06-30"))
    [finding] = case.findings("EXA01")
    assert finding.message == (
        "L'action va du 2 novembre 2015 au 30 juin 2016 : hors de la période admise (du 1er "
        "janvier 2016 au 31 décembre 2016)."
    )
    assert finding.advice == (
        "Ne présentez que la partie de l'action qui se déroule du 1er janvier 2016 au 31 "
        "décembre 2016 (dates et budget sur l'année civile) ; le reste relève d'une autre "
        "demande. Si l'action s'adresse à un public scolaire ou se déroule en milieu scolaire, "
        "indiquez « scolaire: oui » sous « public » : elle peut alors suivre l'année scolaire."
    )
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("EXA01", "action.debut", case.line_of("debut: 2015-11-02"), 10)]
    assert "du 2 novembre 2015 au 30 juin 2016" in finding.message
    assert "du 1er janvier 2016 au 31 décembre 2016" in finding.message
    assert "partie de l'action" in finding.advice


def test_an_action_of_one_day_is_fine(make_case: MakeCase) -> None:
    assert make_case(dates("2016-03-05", "2016-03-05")).findings("EXA01") == []


@pytest.mark.parametrize("removed", ["  debut: 2016-02-01\n", "  fin: 2016-12-15\n"])
def test_dates_are_not_compared_when_one_is_missing(make_case: MakeCase, removed: str) -> None:
    case = make_case({DATES: DATES.replace(removed, "")})
    assert case.findings("EXA01") == []


def test_an_action_starting_on_the_last_day_of_the_year_is_pointed_at_its_end(make_case: MakeCase) -> None:
    case = make_case(dates("2016-12-31", "2017-01-15"))
    [finding] = case.findings("EXA01")
    assert finding.message == (
        "L'action va du 31 décembre 2016 au 15 janvier 2017 : hors de la période admise (du 1er "
        "janvier 2016 au 31 décembre 2016)."
    )
    assert located([finding]) == [("EXA01", "action.fin", *case.at("2017-01-15"))]


def test_action_ending_after_the_year(make_case: MakeCase) -> None:
    case = make_case(dates("2016-03-01", "2017-02-28"))
    [finding] = case.findings("EXA01")
    assert finding.message == (
        "L'action va du 1er mars 2016 au 28 février 2017 : hors de la période admise (du 1er "
        "janvier 2016 au 31 décembre 2016)."
    )
    assert finding.advice == (
        "Ne présentez que la partie de l'action qui se déroule du 1er janvier 2016 au 31 "
        "décembre 2016 (dates et budget sur l'année civile) ; le reste relève d'une autre "
        "demande."
    )
    assert located([finding]) == [("EXA01", "action.fin", case.line_of("fin: 2017-02-28"), 8)]


def test_non_school_action_on_a_school_year_gets_a_hint(make_case: MakeCase) -> None:
    case = make_case(dates("2015-09-01", "2016-07-05"))
    [finding] = case.findings("EXA01")
    assert finding.message == (
        "L'action va du 1er septembre 2015 au 5 juillet 2016 : hors de la période admise (du "
        "1er janvier 2016 au 31 décembre 2016)."
    )
    assert finding.advice == (
        "Ne présentez que la partie de l'action qui se déroule du 1er janvier 2016 au 31 "
        "décembre 2016 (dates et budget sur l'année civile) ; le reste relève d'une autre "
        "demande. Si l'action s'adresse à un public scolaire ou se déroule en milieu scolaire, "
        "indiquez « scolaire: oui » sous « public » : elle peut alors suivre l'année scolaire."
    )
    assert located([finding]) == [("EXA01", "action.debut", *case.at("2015-09-01"))]
    assert "scolaire: oui" in finding.advice


@pytest.mark.parametrize(
    ("debut", "fin"),
    [("2015-09-01", "2016-07-05"), ("2016-09-05", "2017-06-30"), ("2016-01-04", "2016-06-30")],
)
def test_school_action_may_follow_a_school_year(make_case: MakeCase, debut: str, fin: str) -> None:
    case = make_case({SCOLAIRE: "scolaire: oui", **dates(debut, fin)})
    assert case.findings("EXA01") == []


def test_school_action_across_two_school_years(make_case: MakeCase) -> None:
    case = make_case({SCOLAIRE: "scolaire: oui", **dates("2015-09-01", "2016-10-15")})
    [finding] = case.findings("EXA01")
    assert finding.message == (
        "L'action va du 1er septembre 2015 au 15 octobre 2016 : hors de l'année civile (du 1er "
        "janvier 2016 au 31 décembre 2016) et de chaque année scolaire admise (du 1er "
        "septembre 2015 au 31 août 2016 ou du 1er septembre 2016 au 31 août 2017)."
    )
    assert finding.advice == (
        "Découpez l'action par année scolaire (une demande par année), ou présentez sa partie "
        "du 1er janvier 2016 au 31 décembre 2016, avec un budget sur l'année civile."
    )
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("EXA01", "action.fin", case.line_of("fin: 2016-10-15"), 8)]
    school_years = "du 1er septembre 2015 au 31 août 2016 ou du 1er septembre 2016 au 31 août 2017"
    assert school_years in finding.message
    assert "Découpez l'action" in finding.advice


def test_school_action_before_any_allowed_period(make_case: MakeCase) -> None:
    case = make_case({SCOLAIRE: "scolaire: oui", **dates("2015-03-01", "2015-06-30")})
    [finding] = case.findings("EXA01")
    assert finding.message == (
        "L'action va du 1er mars 2015 au 30 juin 2015 : hors de l'année civile (du 1er janvier "
        "2016 au 31 décembre 2016) et de chaque année scolaire admise (du 1er septembre 2015 "
        "au 31 août 2016 ou du 1er septembre 2016 au 31 août 2017)."
    )
    assert finding.advice == (
        "Découpez l'action par année scolaire (une demande par année), ou présentez sa partie "
        "du 1er janvier 2016 au 31 décembre 2016, avec un budget sur l'année civile."
    )
    assert located([finding]) == [("EXA01", "action.debut", case.line_of("debut: 2015-03-01"), 10)]


@pytest.mark.parametrize(
    ("debut", "fin", "pointed"), [("2015-10-01", "2015-12-20", "fin"), ("2017-01-05", "2017-06-30", "debut")]
)
def test_school_action_must_still_take_place_in_the_year(
    make_case: MakeCase, debut: str, fin: str, pointed: str
) -> None:
    case = make_case({SCOLAIRE: "scolaire: oui", **dates(debut, fin)})
    [finding] = case.findings("EXA01")
    assert "ne se déroule à aucun moment du 1er janvier 2016 au 31 décembre 2016" in finding.message
    assert finding.advice == (
        "Une action scolaire peut suivre l'année scolaire, à condition de se dérouler au moins en "
        "partie du 1er janvier 2016 au 31 décembre 2016 : corrigez les dates, ou présentez-la à "
        "l'appel de son année."
    )
    value = debut if pointed == "debut" else fin
    assert located([finding]) == [("EXA01", f"action.{pointed}", *case.at(f"{value}\n"))]


@pytest.mark.parametrize(("debut", "fin"), [("2015-09-01", "2016-01-01"), ("2016-12-31", "2017-06-30")])
def test_a_school_action_with_one_day_in_the_year_is_fine(make_case: MakeCase, debut: str, fin: str) -> None:
    case = make_case({SCOLAIRE: "scolaire: oui", **dates(debut, fin)})
    assert case.findings("EXA01") == []


def test_whole_year_is_fine(make_case: MakeCase) -> None:
    assert make_case(dates("01/01/2016", "31/12/2016")).findings("EXA01") == []


# --- EXA02 -------------------------------------------------------------------------------------


def test_missing_evaluation(make_case: MakeCase) -> None:
    case = make_case({EVALUATION: ""})
    [finding] = case.findings("EXA02")
    assert finding.message == (
        "Les modalités d'évaluation de l'action ne sont pas indiquées (action.evaluation)."
    )
    assert finding.advice == (
        "Chaque action fait l'objet d'une évaluation annuelle : décrivez les modalités "
        "choisies (qui évalue, quand, comment) sous « evaluation: » avec « modalites: … », et "
        "les indicateurs suivis avec « indicateurs: [...] »."
    )
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("EXA02", "action.evaluation", case.line_of("intitule:"), 3)]
    assert "modalités d'évaluation" in finding.message


def test_missing_modalities(make_case: MakeCase) -> None:
    case = make_case({MODALITES: ""})
    [finding] = case.findings("EXA02")
    assert finding.message == (
        "Les modalités d'évaluation de l'action ne sont pas décrites (evaluation.modalites)."
    )
    assert finding.advice == (
        "Chaque action fait l'objet d'une évaluation annuelle : décrivez les modalités "
        "choisies (qui évalue, quand, comment) dans « modalites: … »."
    )
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("EXA02", "action.evaluation.modalites", case.line_of("indicateurs:"), 5)]


def test_blank_modalities(make_case: MakeCase) -> None:
    case = make_case({MODALITES: '    modalites: " "\n'})
    [finding] = case.findings("EXA02")
    assert finding.message == (
        "Les modalités d'évaluation de l'action ne sont pas décrites (evaluation.modalites)."
    )
    assert finding.advice == (
        "Chaque action fait l'objet d'une évaluation annuelle : décrivez les modalités "
        "choisies (qui évalue, quand, comment) dans « modalites: … »."
    )
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("EXA02", "action.evaluation.modalites", case.line_of('modalites: " "'), 16)]


def test_no_indicator_is_a_warning(make_case: MakeCase) -> None:
    case = make_case({INDICATEURS: "    indicateurs: []\n"})
    [finding] = case.findings("EXA02")
    assert finding.message == "Aucun indicateur d'évaluation n'est donné (evaluation.indicateurs)."
    assert finding.advice == (
        "Indiquez ce qui sera mesuré (ex. « indicateurs: [Nombre de participants assidus, "
        "Nombre d'entrées en formation] ») : le référent les demandera au bilan."
    )
    assert finding.severity is Severity.WARNING
    assert located([finding]) == [("EXA02", "action.evaluation.indicateurs", case.line_of("indicateurs: []"), 18)]
    assert "indicateur" in finding.message


# --- EXA03 -------------------------------------------------------------------------------------

EXA03_MESSAGE = (
    "Action existante (nouvelle: non) sans explication de son lien avec le nouveau Contrat "
    "de Ville (lien_contrat_de_ville)."
)
EXA03_ADVICE = (
    "Expliquez dans « lien_contrat_de_ville: … » en quoi l'action répond aux orientations "
    "du nouveau Contrat de Ville (axes et objectifs de l'Annexe 1 : cdv-check objectives)."
)


def test_renewal_without_link_to_the_new_contract(make_case: MakeCase) -> None:
    case = make_case({"nouvelle: oui": "nouvelle: non"})
    [finding] = case.findings("EXA03")
    assert (finding.message, finding.advice) == (EXA03_MESSAGE, EXA03_ADVICE)
    assert finding.severity is Severity.ERROR
    assert located([finding]) == [("EXA03", "action.lien_contrat_de_ville", case.line_of("intitule:"), 3)]
    assert "nouveau Contrat de Ville" in finding.message


def test_renewal_with_blank_link(make_case: MakeCase) -> None:
    blank = '  lien_contrat_de_ville: ""\n'
    case = make_case({"nouvelle: oui": "nouvelle: non", PARTENAIRES: PARTENAIRES + blank})
    [finding] = case.findings("EXA03")
    assert (finding.message, finding.advice) == (EXA03_MESSAGE, EXA03_ADVICE)
    assert located([finding]) == [("EXA03", "action.lien_contrat_de_ville", case.line_of("lien_contrat_de_ville:"), 26)]


def test_renewal_with_link(make_case: MakeCase) -> None:
    link = "  lien_contrat_de_ville: Répond à l'objectif 2.1.2 du nouveau Contrat de Ville.\n"
    case = make_case({"nouvelle: oui": "nouvelle: non", PARTENAIRES: PARTENAIRES + link})
    assert case.findings("EXA03") == []


# --- EXA04 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("replacement", ["", "  partenaires: []\n"])
def test_no_partner(make_case: MakeCase, replacement: str) -> None:
    case = make_case({PARTENAIRES: replacement})
    [finding] = case.findings("EXA04")
    assert finding.message == "Aucun partenaire n'est indiqué (action.partenaires)."
    assert finding.advice == (
        "Le porteur doit s'inscrire dans la dynamique partenariale du Contrat de Ville : "
        "nommez les partenaires de l'action (ex. « partenaires: [Centre social, Collège] »)."
    )
    assert finding.severity is Severity.WARNING
    # an empty list is shown at its brackets, an absent key at the first key of the action
    expected = (case.line_of("partenaires: []"), 16) if replacement else (case.line_of("intitule:"), 3)
    assert located([finding]) == [("EXA04", "action.partenaires", *expected)]
    assert "Aucun partenaire" in finding.message


def test_exa01_explains_plainly_how_the_school_year_exception_is_read() -> None:
    from cdv_check.core.registry import all_rules

    explanation = all_rules()["EXA01"].explanation
    assert "L'exception scolaire est lue ainsi" in explanation
    flat = " ".join(explanation.split())
    assert "du 1er septembre 2015 au 31 août 2016 ou du 1er septembre 2016 au 31 août 2017" in flat
    assert "au moins en partie en 2016" in flat
    parts = ["L'appel :", "Ce qui est vérifié :", "Exemple refusé :", "Correction :", "Que faire :"]
    assert [explanation.index(p) for p in parts] == sorted(explanation.index(p) for p in parts)
