"""OBJ01–OBJ04: the orientation of the action (section 2 and Annexe 1)."""

from __future__ import annotations

import pytest

from cdv_check.core.findings import Severity
from conftest import MakeCase, located

OBJECTIVES = "objectifs: [2.1.2, 2.12.2]"
QUARTIERS = "quartiers: [Bellecroix]"
AXES = "  axes_transversaux: [egalite_femmes_hommes]\n"
PRIORITES = "priorites: [bellecroix-emploi-femmes]"


def test_valid_example_has_only_priority_ideas(make_case: MakeCase) -> None:
    findings = [f for f in make_case().check().findings if f.rule.startswith("OBJ")]
    assert [(f.rule, f.severity) for f in findings] == [("OBJ04", Severity.INFO)]


# --- OBJ01 -------------------------------------------------------------------------------------


def test_operational_objective_with_finer_ones(make_case: MakeCase) -> None:
    case = make_case({OBJECTIVES: "objectifs: [2.1.2, 2.7]"})
    [finding] = case.findings("OBJ01")
    assert finding.advice == (
        "Choisissez celui (ou ceux) qui décrit le mieux l'action : 2.7.1 « Favoriser la "
        "scolarisation dès 2 ans » ; 2.7.2 « Promouvoir l'importance de l'assiduité scolaire » "
        "; 2.7.3 « Prévenir le décrochage scolaire jusqu'à 16 ans » ; 2.7.4 « Accompagner les "
        "décrocheurs de plus de 16 ans »."
    )
    assert finding.severity is Severity.INFO
    assert located([finding]) == [("OBJ01", "action.objectifs[1]", case.line_of("objectifs:"), 22)]
    assert finding.message == "2.7 a des objectifs plus fins : 2.7.1, 2.7.2, 2.7.3 et 2.7.4."
    assert "2.7.3 « Prévenir le décrochage scolaire jusqu'à 16 ans »" in finding.advice


def test_one_issue_per_code(make_case: MakeCase) -> None:
    case = make_case({OBJECTIVES: "objectifs: [2.7, 1.5, 2.7]"})
    findings = case.findings("OBJ01")
    assert located(findings) == [
        ("OBJ01", "action.objectifs[0]", *case.at("2.7, 1.5")),
        ("OBJ01", "action.objectifs[1]", *case.at("1.5, 2.7]")),
    ]
    assert "1.5.3 « Développer et diffuser des contenus médiatiques »" in findings[1].advice


def test_operational_objective_already_refined(make_case: MakeCase) -> None:
    case = make_case({OBJECTIVES: "objectifs: [2.7, 2.7.3]"})
    [finding] = case.findings("OBJ01")
    assert finding.message == "2.7 est déjà précisé par 2.7.3, cité aussi."
    assert finding.advice == "Vous pouvez retirer 2.7 : l'objectif plus fin suffit."
    assert located([finding]) == [("OBJ01", "action.objectifs[0]", *case.at("2.7, 2.7.3"))]
    assert "déjà précisé par 2.7.3" in finding.message
    assert "retirer 2.7" in finding.advice


@pytest.mark.parametrize("codes", ["[2.1.2, 2.12.2]", "[4.1, 4.14]", "[2]", "[9.9]"])
def test_no_finer_objective_to_suggest(make_case: MakeCase, codes: str) -> None:
    assert make_case({OBJECTIVES: f"objectifs: {codes}"}).findings("OBJ01") == []


# --- OBJ02 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("replacement", ["", "  axes_transversaux: []\n"])
def test_no_transversal_axis(make_case: MakeCase, replacement: str) -> None:
    case = make_case({AXES: replacement})
    [finding] = case.findings("OBJ02")
    assert finding.message == "Aucun axe transversal n'est indiqué (action.axes_transversaux)."
    assert finding.advice == (
        "Indiquez le ou les axes que l'action prend en compte : egalite_femmes_hommes "
        "(l’égalité entre les hommes et les femmes), lutte_discriminations (la lutte contre "
        "les discriminations) ou jeunesse (la prise en compte de la jeunesse), et dites "
        "comment dans la description."
    )
    assert finding.severity is Severity.WARNING
    # an empty list is shown at its brackets, an absent key at the first key of the action
    expected = (case.line_of("axes_transversaux: []"), 22) if replacement else (case.line_of("intitule:"), 3)
    assert located([finding]) == [("OBJ02", "action.axes_transversaux", *expected)]
    assert "jeunesse (la prise en compte de la jeunesse)" in finding.advice
    assert "egalite_femmes_hommes (l’égalité entre les hommes et les femmes)" in finding.advice


def test_any_transversal_axis_is_enough(make_case: MakeCase) -> None:
    case = make_case({AXES: "  axes_transversaux: [jeunesse]\n"})
    assert case.findings("OBJ02") == []


# --- OBJ03 -------------------------------------------------------------------------------------


def test_unknown_priority_with_closest_ids(make_case: MakeCase) -> None:
    case = make_case({PRIORITES: "priorites: [bellecroix-emploi-femme]"})
    [finding] = case.findings("OBJ03")
    assert finding.message == "Priorité « bellecroix-emploi-femme » inconnue."
    assert finding.advice == (
        "Vouliez-vous dire « bellecroix-emploi-femmes » ou « bellecroix-hors-les-murs » ? Les "
        "identifiants des priorités sont donnés par cdv-check qpv."
    )
    assert finding.severity is Severity.WARNING
    assert located([finding]) == [("OBJ03", "action.priorites[0]", case.line_of("priorites:"), 15)]
    assert "« bellecroix-emploi-femme » inconnue" in finding.message
    assert "Vouliez-vous dire « bellecroix-emploi-femmes »" in finding.advice


def test_priority_of_another_qpv(make_case: MakeCase) -> None:
    case = make_case({PRIORITES: "priorites: [bellecroix-emploi-femmes, borny-aide-aux-devoirs]"})
    [finding] = case.findings("OBJ03")
    assert finding.message == (
        "La priorité « borny-aide-aux-devoirs » est une priorité de Borny, quartier que "
        "l'action ne vise pas."
    )
    assert finding.advice == (
        "Ajoutez Borny à action.quartiers si l'action s'y déroule, sinon retirez cette "
        "priorité."
    )
    assert located([finding]) == [("OBJ03", "action.priorites[1]", *case.at("borny-aide-aux-devoirs"))]
    assert "priorité de Borny" in finding.message
    assert "Ajoutez Borny à action.quartiers" in finding.advice


def test_priority_of_a_covered_qpv_or_of_all(make_case: MakeCase) -> None:
    case = make_case(
        {
            QUARTIERS: "quartiers: [Bellecroix, borny]",
            PRIORITES: "priorites: [borny-aide-aux-devoirs, tous-mediations]",
        }
    )
    assert case.findings("OBJ03") == []


# --- OBJ04 -------------------------------------------------------------------------------------


def test_priority_ideas(make_case: MakeCase) -> None:
    case = make_case()
    [finding] = case.findings("OBJ04")
    assert finding.message == "18 priorités de vos quartiers ne sont pas citées : des idées pour l'action."
    assert finding.advice == (
        "Si l'action répond à l'une d'elles, ajoutez son identifiant à action.priorites : "
        "bellecroix-hors-les-murs (Bellecroix : « Proposer des actions hors les murs "
        "permettant d'investir… ») ; bellecroix-faire-sortir-habitants (Bellecroix : « "
        "Développer des actions visant à « faire sortir les… ») ; tous-discriminations-egalite "
        "(Tous QPV : « Prendre en compte dans la mesure du possible la lutte… ») ; "
        "tous-sejours-adolescents (Tous QPV : « Proposer des séjours éducatifs, culturels et "
        "de loisirs… ») ; tous-implication-habitants (Tous QPV : « Impliquer le plus possible "
        "les habitants dans les projets… ») ; tous-sante-bien-etre (Tous QPV : « Développer "
        "les actions de sensibilisation à la santé et au… ») ; et 12 autres (cdv-check qpv les "
        "liste toutes)."
    )
    assert finding.severity is Severity.INFO
    assert located([finding]) == [("OBJ04", "action.priorites", case.line_of("priorites:"), 14)]
    # 16 for all QPV and 3 for Bellecroix, one of which is claimed
    assert finding.message.startswith("18 priorités de vos quartiers")
    assert finding.advice.index("bellecroix-hors-les-murs (Bellecroix") < finding.advice.index(
        "tous-discriminations-egalite (Tous QPV"
    )
    assert "bellecroix-emploi-femmes" not in finding.advice
    assert "et 12 autres" in finding.advice


def test_priority_ideas_follow_the_qpv(make_case: MakeCase) -> None:
    case = make_case({QUARTIERS: "quartiers: [Hauts de Vallières]", PRIORITES: "priorites: []"})
    [finding] = case.findings("OBJ04")
    assert finding.message == "17 priorités de vos quartiers ne sont pas citées : des idées pour l'action."
    assert finding.advice == (
        "Si l'action répond à l'une d'elles, ajoutez son identifiant à action.priorites : "
        "hauts-de-vallieres-espace-public (Hauts-de-Vallières : « Investir et animer l'espace "
        "public. ») ; tous-discriminations-egalite (Tous QPV : « Prendre en compte dans la "
        "mesure du possible la lutte… ») ; tous-sejours-adolescents (Tous QPV : « Proposer des "
        "séjours éducatifs, culturels et de loisirs… ») ; tous-implication-habitants (Tous QPV "
        ": « Impliquer le plus possible les habitants dans les projets… ») ; "
        "tous-sante-bien-etre (Tous QPV : « Développer les actions de sensibilisation à la "
        "santé et au… ») ; tous-ecole-des-sports (Tous QPV : « Développer des partenariats "
        "avec l'Ecole des sports dans… ») ; et 11 autres (cdv-check qpv les liste toutes)."
    )
    assert located([finding]) == [("OBJ04", "action.priorites", *case.at("[]\n"))]
    assert finding.message.startswith("17 priorités")
    assert "hauts-de-vallieres-espace-public (Hauts-de-Vallières" in finding.advice
    assert "bellecroix" not in finding.advice


def test_no_priority_ideas_without_a_known_qpv(make_case: MakeCase) -> None:
    assert make_case({QUARTIERS: "quartiers: [Nulle-part]"}).findings("OBJ04") == []


def test_axes_without_discrimination_nor_equality_get_the_all_qpv_priority_quoted(make_case: MakeCase) -> None:
    case = make_case({"axes_transversaux: [egalite_femmes_hommes]": "axes_transversaux: [jeunesse]"})
    [advice] = [f for f in case.findings("OBJ04") if f.path == "action.axes_transversaux"]
    assert advice.severity is Severity.INFO
    assert "ni la lutte contre les discriminations ni l’égalité entre les hommes et les femmes" in advice.message
    assert "« Prendre en compte dans la mesure du possible la lutte contre les discriminations" in advice.message
    assert "tous-discriminations-egalite" in advice.message
    # Not listed a second time among the ideas.
    assert all("tous-discriminations-egalite" not in f.text for f in case.findings("OBJ04") if f.path != advice.path)


@pytest.mark.parametrize("axes", ["[lutte_discriminations]", "[egalite_femmes_hommes, jeunesse]", "[]"])
def test_the_all_qpv_axis_advice_is_not_given_when_an_axis_is_claimed_or_none_is(
    make_case: MakeCase, axes: str
) -> None:
    case = make_case({"axes_transversaux: [egalite_femmes_hommes]": f"axes_transversaux: {axes}"})
    assert [f for f in case.findings("OBJ04") if f.path == "action.axes_transversaux"] == []
