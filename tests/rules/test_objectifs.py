"""OBJ01–OBJ04: the orientation of the action (section 2 and Annexe 1)."""

from __future__ import annotations

import pytest

from cdv_check.core.findings import Severity
from cdv_check.model.referentiel import Referentiel
from cdv_check.reading.limits import Limits
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


def test_a_repeated_code_does_not_stop_the_codes_after_it(make_case: MakeCase) -> None:
    case = make_case({OBJECTIVES: "objectifs: [2.7, 2.7, 1.5]"})
    assert located(case.findings("OBJ01")) == [
        ("OBJ01", "action.objectifs[0]", *case.at("2.7, 2.7")),
        ("OBJ01", "action.objectifs[2]", *case.at("1.5]")),
    ]


def test_a_long_finer_objective_is_cut_at_sixty_characters(make_case: MakeCase) -> None:
    # 2.1.1 has 61 characters: one too many, it is cut at a word; 2.1.2 (52) is shown whole.
    case = make_case({OBJECTIVES: "objectifs: [2.1, 2.12.2]"})
    [finding] = case.findings("OBJ01")
    assert finding.message == "2.1 a des objectifs plus fins : 2.1.1, 2.1.2 et 2.1.3."
    assert finding.advice == (
        "Choisissez celui (ou ceux) qui décrit le mieux l'action : 2.1.1 « Favoriser l'accès à "
        "la qualification et à l'emploi des… » ; 2.1.2 « Travailler sur les freins liés à l'emploi "
        "des femmes » ; 2.1.3 « Travailler sur la représentation de la femme (notamment au… »."
    )
    assert located([finding]) == [("OBJ01", "action.objectifs[0]", *case.at("2.1, 2.12.2"))]


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


@pytest.mark.parametrize("empty", ['""', "'   '"])
def test_an_empty_priority(make_case: MakeCase, empty: str) -> None:
    case = make_case({PRIORITES: f"priorites: [bellecroix-emploi-femmes, {empty}]"})
    [finding] = case.findings("OBJ03")
    assert finding.message == "Élément vide dans action.priorites."
    assert finding.advice == (
        "Retirez-le, ou écrivez l'identifiant d'une priorité (cdv-check qpv les donne)."
    )
    assert finding.severity is Severity.WARNING
    assert located([finding]) == [("OBJ03", "action.priorites[1]", *case.at(empty))]


def test_a_long_unknown_priority_is_cut_and_has_no_suggestion(make_case: MakeCase) -> None:
    typed = "bellecroix-emploi-des-femmes-eloignees-de-l-emploi-et-des-jeunes"  # 64 characters
    case = make_case({PRIORITES: f"priorites: [{typed}]"})
    [finding] = case.findings("OBJ03")
    # cut to 49 characters and « … » (50 in all)
    assert finding.message == "Priorité « bellecroix-emploi-des-femmes-eloignees-de-l-emplo… » inconnue."
    assert finding.advice == "Les identifiants des priorités sont donnés par cdv-check qpv."
    assert located([finding]) == [("OBJ03", "action.priorites[0]", *case.at(typed))]


def test_at_most_three_priorities_are_suggested(make_case: MakeCase) -> None:
    # Six priorities of Saint-Eloy are close to this one: the three closest are offered.
    case = make_case({PRIORITES: "priorites: [saint-eloy-boileau-pre-genie-sant]"})
    [finding] = case.findings("OBJ03")
    assert finding.advice == (
        "Vouliez-vous dire « saint-eloy-boileau-pre-genie-sante », "
        "« saint-eloy-boileau-pre-genie-parentalite » ou "
        "« saint-eloy-boileau-pre-genie-offre-animation » ? Les identifiants des priorités sont "
        "donnés par cdv-check qpv."
    )


def test_unknown_priorities_past_the_suggestion_limit_are_still_reported(make_case: MakeCase) -> None:
    # Suggestions are looked for only as many times as a report shows findings: the third unknown
    # priority gets none, and is counted among the findings cut from the report.
    case = make_case({PRIORITES: "priorites: [tous-mediation, tous-sejour-adolescents, zzz]"})
    result = case.check(select=("OBJ03",), limits=Limits(findings_per_dossier=2))
    assert located(list(result.findings)) == [
        ("OBJ03", "action.priorites[0]", *case.at("tous-mediation,")),
        ("OBJ03", "action.priorites[1]", *case.at("tous-sejour-adolescents")),
    ]
    assert result.findings[0].advice.startswith("Vouliez-vous dire « tous-mediations » ou")
    assert result.omitted == 1


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
    assert advice.message == (
        "Le dossier ne revendique ni la lutte contre les discriminations ni l’égalité entre les "
        "hommes et les femmes, alors que la priorité « Tous QPV » tous-discriminations-egalite le "
        "demande : « Prendre en compte dans la mesure du possible la lutte contre les "
        "discriminations et l'égalité Femmes/Hommes dans l'ensemble des projets ou proposer des "
        "projets spécifiques sur ces thèmes. »"
    )
    assert advice.advice == (
        "Si l'action les prend en compte, ajoutez-les à action.axes_transversaux et dites comment "
        "dans la description (ou ajoutez tous-discriminations-egalite à action.priorites)."
    )
    assert located([advice]) == [("OBJ04", "action.axes_transversaux", *case.at("[jeunesse]"))]
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


def _claim_all_but(ref: Referentiel, *left: str) -> dict[str, str]:
    """Hauts-de-Vallières (one priority of its own), every priority of it and of « Tous QPV »
    claimed except `left`."""
    claimed = [p.id for p in ref.priorities_for({"hauts-de-vallieres"}) if p.id not in left]
    return {QUARTIERS: "quartiers: [Hauts de Vallières]", PRIORITES: f"priorites: [{', '.join(claimed)}]"}


def test_one_priority_idea_is_written_in_the_singular(make_case: MakeCase, ref: Referentiel) -> None:
    case = make_case(_claim_all_but(ref, "tous-public-cible"))
    [finding] = case.findings("OBJ04")
    assert finding.message == "1 priorité de vos quartiers n'est pas citée : une idée pour l'action."
    assert finding.advice == (
        "Si l'action y répond, ajoutez son identifiant à action.priorites : tous-public-cible "
        "(Tous QPV : « Proposer des actions en relation avec le public cible du… »)."
    )
    assert located([finding]) == [("OBJ04", "action.priorites", *case.at("[tous-discriminations-egalite"))]


def test_two_priority_ideas_are_written_in_the_plural_and_all_shown(make_case: MakeCase, ref: Referentiel) -> None:
    case = make_case(_claim_all_but(ref, "tous-implication-citoyenne", "tous-public-cible"))
    [finding] = case.findings("OBJ04")
    assert finding.message == "2 priorités de vos quartiers ne sont pas citées : des idées pour l'action."
    assert finding.advice == (
        "Si l'action répond à l'une d'elles, ajoutez son identifiant à action.priorites : "
        "tous-implication-citoyenne (Tous QPV : « Proposer des actions innovantes visant à "
        "renforcer… ») ; tous-public-cible (Tous QPV : « Proposer des actions en relation avec le "
        "public cible du… »)."
    )


def test_no_priority_idea_left_no_advice(make_case: MakeCase, ref: Referentiel) -> None:
    assert make_case(_claim_all_but(ref)).findings("OBJ04") == []


def test_priority_ideas_of_two_qpv_follow_the_call_s_order_not_the_dossier_s(make_case: MakeCase) -> None:
    # Bellecroix's priorities come before Hauts-de-Vallières' in the call, whichever the dossier names first.
    for quartiers in ("[Bellecroix, Hauts de Vallières]", "[Hauts de Vallières, Bellecroix]"):
        [finding] = make_case({QUARTIERS: f"quartiers: {quartiers}"}).findings("OBJ04")
        assert finding.message.startswith("19 priorités")
        assert finding.advice.index("bellecroix-hors-les-murs") < finding.advice.index(
            "hauts-de-vallieres-espace-public"
        ) < finding.advice.index("tous-discriminations-egalite")


def test_a_copy_of_the_referentiel_with_other_priorities_has_ideas_of_its_own(
    make_case: MakeCase, ref: Referentiel
) -> None:
    # The priorities' lines are worked out once per référentiel, by its identity: a copy that says
    # other things (a test's, a call's) is not read through the first one's lines.
    from datetime import date

    from cdv_check.core.checker import Settings, check_path

    case = make_case()
    settings = Settings(today=date(2016, 1, 5))
    first = [f.advice for f in check_path(case.path, ref, settings).findings if f.rule == "OBJ04"]
    other = ref.model_copy(update={"priorites": [
        p.model_copy(update={"texte": "Un autre texte."}) if p.id == "bellecroix-hors-les-murs" else p
        for p in ref.priorites
    ]})
    [advice] = [f.advice for f in check_path(case.path, other, settings).findings if f.rule == "OBJ04"]
    assert "bellecroix-hors-les-murs (Bellecroix : « Un autre texte. »)" in advice
    assert first != [advice]
    assert [f.advice for f in check_path(case.path, ref, settings).findings if f.rule == "OBJ04"] == first
