"""A second call, the fictitious one of tests/referentiels/: checked through the command, it shows
what the référentiel format lets a call say that 2016 does not (and the 2016 call is unchanged)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from cdv_check.cli.app import app
from cdv_check.model.referentiel import load
from conftest import MakeCase

HERE = Path(__file__).parent / "referentiels"
FIXTURE = HERE / "autre-appel-fictif.yaml"
READY = HERE / "dossiers" / "pret.yaml"
TO_CORRECT = HERE / "dossiers" / "a-corriger.yaml"


def _report(*args: str) -> tuple[int, list[dict[str, Any]]]:
    result = CliRunner().invoke(
        app, ["check", "--format", "json", "--no-files", "--referentiel", str(FIXTURE), *args]
    )
    report = json.loads(result.stdout)
    return result.exit_code, report["dossiers"][0]["findings"]


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    text = READY.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "dossier.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_the_ready_dossier_passes_with_a_countdown_only() -> None:
    code, findings = _report(str(READY))
    assert code == 0
    assert [(f["rule"], f["severity"]) for f in findings] == [("ELG06", "info")]
    assert findings[0]["message"].endswith(
        "Déposez la demande, le CERFA et les pièces sur dauphin.valombre.example : tout dossier incomplet ou "
        "hors délais ne sera pas instruit."
    )


def test_the_dossier_to_correct_gets_each_of_its_mistakes() -> None:
    code, findings = _report(str(TO_CORRECT))
    assert code == 1
    assert [(f["rule"], f["path"]) for f in findings if f["severity"] == "error"] == [
        ("ELG03", "action.quartiers[1]"),
        ("ELG04", "action.objectifs[0]"),
        ("BUD05", "budget.subvention_demandee"),
        ("PCE02", "pieces.contrat_engagement"),
        ("SCH05", "pieces.fiche_synthese"),
    ]


def test_a_qpv_name_of_two_communes_is_asked_which() -> None:
    _, findings = _report(str(TO_CORRECT))
    [finding] = [f for f in findings if f["rule"] == "ELG03"]
    assert finding["message"] == (
        "« Centre-ville » désigne plusieurs QPV : Centre-ville (Aubeval) et Centre-ville (Bermont). Lequel ? "
        "Écrivez son identifiant : centre-ville-aubeval (Centre-ville, Aubeval) ou centre-ville-bermont "
        "(Centre-ville, Bermont) ; ou son nom suivi de sa commune, « Centre-ville (Aubeval) »."
    )
    text = TO_CORRECT.read_text(encoding="utf-8")
    line = text[: text.index("Centre-ville]")].count("\n") + 1
    assert (finding["line"], finding["column"]) == (line, 29)


def test_the_name_with_its_commune_or_the_slug_is_the_qpv(tmp_path: Path) -> None:
    for written in ("Centre-ville (Bermont)", "centre-ville-aubeval", "CENTRE VILLE AUBEVAL"):
        path = _edited(tmp_path, "Centre-ville (Bermont)", written)
        code, findings = _report(str(path))
        assert code == 0, (written, findings)


def test_a_pilier_with_thematiques_is_not_a_code_to_cite() -> None:
    _, findings = _report(str(TO_CORRECT))
    [finding] = [f for f in findings if f["rule"] == "ELG04"]
    assert "COH-EDU, COH-SAN ou COH-CUL" in finding["message"]


def test_a_flat_list_of_thematiques_is_cited_by_their_own_codes(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    tree = text[text.index("annexe1:\n") : text.index("calendrier:")]
    flat = 'annexe1:\n  - code: "EDU"\n    libelle: "Éducation"\n  - code: "SANTE"\n    libelle: "Santé"\n\n'
    ref = tmp_path / "plat.yaml"
    ref.write_text(text.replace(tree, flat), encoding="utf-8")
    dossier = _edited(tmp_path, "objectifs: [COH-EDU, EMP-INS]", "objectifs: [EDU, sante]")
    result = CliRunner().invoke(
        app, ["check", "--format", "json", "--no-files", "--referentiel", str(ref), str(dossier)]
    )
    findings = json.loads(result.stdout)["dossiers"][0]["findings"]
    [finding] = [f for f in findings if f["rule"] == "ELG04"]
    assert finding["path"] == "action.objectifs[1]"
    assert finding["message"].startswith("L'objectif « sante » n'existe pas")
    assert "Codes proches : SANTE « Santé »" in finding["message"]  # the call's code, as it writes it


def test_the_subsidy_cap_is_bud05_and_2016_has_none(tmp_path: Path, make_case: MakeCase) -> None:
    _, findings = _report(str(TO_CORRECT))
    [finding] = [f for f in findings if f["rule"] == "BUD05"]
    assert finding["message"] == (
        "Subvention demandée 8 900,00 €, soit 94,7\u00a0% du coût de l'action (9 400,00 €, comptes 60 à 68) : "
        "l'appel en finance au plus 80\u00a0%, soit 7 520,00 €. Demandez au plus 7 520,00 € et financez le reste "
        "autrement (cofinanceurs, fonds propres), ou revoyez le budget de l'action."
    )
    marked = "politique_de_la_ville: oui}"
    small = _edited(tmp_path, f"montant: 7 000, {marked}", f"montant: 1 000, {marked}")
    small.write_text(
        small.read_text(encoding="utf-8").replace("subvention_demandee: 7 000", "subvention_demandee: 1 000")
        .replace("montant: 1 900}", "montant: 7 900}"),
        encoding="utf-8",
    )
    _, findings = _report(str(small))
    assert [f["message"].split(" Demandez")[0].split(" L'appel")[0] for f in findings if f["rule"] == "BUD05"] == [
        "Subvention demandée 1 000,00 €, sous le minimum de l'appel (1 500,00 €)."
    ]
    assert load().subvention is None
    big = make_case({"subvention_demandee: 7 000": "subvention_demandee: 700 000"})
    assert big.findings("BUD05") == []


def test_no_access_codes_to_request_means_no_pce09() -> None:
    _, findings = _report(str(READY))  # a first request, on a platform without codes to request
    assert [f for f in findings if f["rule"] == "PCE09"] == []


def test_no_priorities_means_obj04_says_nothing_and_obj03_that_they_are_not_read(tmp_path: Path) -> None:
    _, findings = _report(str(READY))
    assert [f for f in findings if f["rule"].startswith("OBJ")] == []
    axes = "  axes_transversaux: [numerique]\n"
    path = _edited(tmp_path, axes, axes + "  priorites: [p1]\n")
    _, findings = _report(str(path))
    cited = [f for f in findings if f["rule"].startswith("OBJ")]
    assert [(f["rule"], f["severity"], f["path"]) for f in cited] == [("OBJ03", "warning", "action.priorites")]
    assert cited[0]["message"] == (
        "L'appel ne définit pas de priorités : action.priorites (p1) n'est pas lu. Retirez action.priorites ; "
        "si l'appel en a, vérifiez que le référentiel utilisé est le bon (--referentiel ou la clé referentiel "
        "de la configuration)."
    )


def test_a_deposit_before_the_opening_is_said(tmp_path: Path) -> None:
    path = _edited(tmp_path, "date_depot: 2024-10-15", "date_depot: 2024-08-30")
    code, findings = _report(str(path))
    assert code == 0
    assert [f["message"] for f in findings if f["rule"] == "ELG06"] == [
        "Dépôt le 30 août 2024, avant l'ouverture de l'appel le 2 septembre 2024. Déposez le dossier entre "
        "le 2 septembre 2024 et le 31 octobre 2024."
    ]


def test_without_a_school_year_exception_a_school_action_keeps_the_civil_year(tmp_path: Path) -> None:
    path = _edited(tmp_path, "  debut: 2025-01-15", "  debut: 2024-09-01")
    path.write_text(path.read_text(encoding="utf-8").replace("scolaire: non", "scolaire: oui"), encoding="utf-8")
    _, findings = _report(str(path))
    [finding] = [f for f in findings if f["rule"] == "EXA01"]
    assert "du 1er janvier 2025 au 31 décembre 2025" in finding["message"]
    assert finding["message"].startswith(
        "L'action va du 1er septembre 2024 au 15 décembre 2025 : hors de la période admise (du 1er janvier 2025 "
        "au 31 décembre 2025)."
    )
    assert "scolaire: oui" not in finding["message"]


def test_qpv_without_figures_are_shown_without_them() -> None:
    result = CliRunner().invoke(app, ["check", "--format", "rich", "--no-files", "--referentiel", str(FIXTURE),
                                      str(READY), str(TO_CORRECT)])
    assert result.exit_code == 1
    assert "None" not in result.stdout


def test_the_schema_of_another_call_speaks_of_that_call() -> None:
    result = CliRunner().invoke(app, ["schema", "--referentiel", str(FIXTURE)])
    schema = json.loads(result.stdout)
    assert schema["title"] == (
        "Dossier de demande de subvention : Contrat de Ville fictif de Valombre Agglomération 2024-2030 "
        "(Appel à projets fictif 2024)"
    )
    action = schema["$defs"]["Action"]["properties"]
    assert action["objectifs"]["description"] == "Codes des objectifs de l'appel, ex. COH-EDU (cdv-check objectives)"
    assert action["priorites"]["description"] == "L'appel n'a pas de priorités : rien à écrire ici"
    assert action["debut"]["examples"] == ["2024-10-31", "31/10/2024"]
    assert schema["$defs"]["Porteur"]["properties"]["statut"]["enum"] == ["association", "collectivite", "entreprise"]
    assert "2016" not in result.stdout


def test_a_numbered_tree_of_any_depth_is_cited_at_every_level(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    tree = text[text.index("annexe1:\n") : text.index("calendrier:")]
    deep = (
        'annexe1:\n  - code: "1"\n    libelle: "Axe"\n    objectifs_operationnels:\n'
        '      - code: "1.1"\n        libelle: "Un"\n        objectifs:\n'
        '          - code: "1.1.1"\n            libelle: "Deux"\n            objectifs:\n'
        '              - code: "1.1.1.1"\n                libelle: "Trois"\n                objectifs:\n'
        '                  - {code: "1.1.1.1.1", libelle: "Quatre"}\n\n'
    )
    ref = tmp_path / "profond.yaml"
    ref.write_text(text.replace(tree, deep), encoding="utf-8")
    dossier = _edited(tmp_path, "objectifs: [COH-EDU, EMP-INS]", "objectifs: [1.1.1.1.1, 1.1.1.1, 1.1.1.2]")
    result = CliRunner().invoke(
        app, ["check", "--format", "json", "--no-files", "--referentiel", str(ref), str(dossier)]
    )
    findings = json.loads(result.stdout)["dossiers"][0]["findings"]
    assert [f["path"] for f in findings if f["rule"] == "ELG04"] == ["action.objectifs[2]"]
    # each level under its parent, in the tree, a zoom and a search
    shown = CliRunner().invoke(app, ["objectives", "--referentiel", str(ref)]).stdout.splitlines()
    labels = ("1.1 Un", "1.1.1 Deux", "1.1.1.1 Trois", "1.1.1.1.1 Quatre")
    assert [next(line.index(label) for line in shown if line.endswith(label)) for label in labels] == [8, 12, 16, 20]
    zoom = CliRunner().invoke(app, ["objectives", "--referentiel", str(ref), "1.1.1.1"]).stdout
    assert "1.1.1 Deux" in zoom and "1.1.1.1.1 Quatre" in zoom
    search = CliRunner().invoke(app, ["objectives", "--referentiel", str(ref), "--search", "quatre"]).stdout
    assert "dans : Axe 1 › 1.1 › 1.1.1 › 1.1.1.1" in search
    ref.write_text(text.replace(tree, deep.replace('"1.1.1.1.1"', '"1.2.1.1.1"')), encoding="utf-8")
    refused = CliRunner().invoke(app, ["referentiel", str(ref)])
    assert refused.exit_code == 1
    assert (
        "annexe1.0.objectifs_operationnels.0.objectifs.0.objectifs.0.objectifs.0.code : l'objectif 1.2.1.1.1 "
        "n'est pas sous 1.1.1.1" in refused.output
    )


def test_a_commune_or_a_misspelt_name_is_answered_with_names_told_apart(tmp_path: Path) -> None:
    path = _edited(tmp_path, "[Les Tilleuls, Centre-ville (Bermont)]", "[Bermont, Centre-vile]")
    _, findings = _report(str(path))
    commune, misspelt = [f["message"] for f in findings if f["rule"] == "ELG03"]
    assert commune == (
        "Quartier « Bermont » inconnu : ce n'est pas un des QPV de l'appel. « Bermont » est une commune, pas un "
        "QPV : vouliez-vous dire « Centre-ville (Bermont) » ou « Les Tilleuls » ? Les QPV sont : Centre-ville "
        "(Aubeval), Centre-ville (Bermont) et Les Tilleuls."
    )
    assert "Vouliez-vous dire « Centre-ville (Aubeval) » ou « Centre-ville (Bermont) » ?" in misspelt


def test_the_table_of_objectives_is_named_as_the_call_names_it(tmp_path: Path) -> None:
    # without `textes.objectifs` cdv-check says « l'appel »; with it, the call's own name, contracted
    def outputs(ref: Path) -> tuple[str, str, str]:
        dossier = _edited(tmp_path, "objectifs: [COH-EDU, EMP-INS]", "objectifs: [COH-EDU, ZZZ-9]")
        check = CliRunner().invoke(app, ["check", "--format", "json", "--no-files", "--referentiel", str(ref),
                                         str(dossier)])
        [elg04] = [f for f in json.loads(check.stdout)["dossiers"][0]["findings"] if f["rule"] == "ELG04"]
        tree = CliRunner().invoke(app, ["objectives", "--referentiel", str(ref)]).stdout
        search = CliRunner().invoke(app, ["objectives", "--referentiel", str(ref), "--search", "santé"]).stdout
        return elg04["message"], tree.splitlines()[0], search

    message, heading, search = outputs(FIXTURE)
    assert message.startswith("L'objectif « ZZZ-9 » n'existe pas dans l'appel.")
    assert heading == "Objectifs de l'appel (Appel à projets fictif 2024)"
    assert "résultat dans l'appel" in search or "résultats dans l'appel" in search

    named = tmp_path / "nomme.yaml"
    named.write_text(FIXTURE.read_text(encoding="utf-8") + (
        'textes:\n  objectifs: "le cadre stratégique"\n  titre_objectifs: "Cadre stratégique – piliers"\n'
    ), encoding="utf-8")
    message, heading, search = outputs(named)
    assert message.startswith("L'objectif « ZZZ-9 » n'existe pas dans le cadre stratégique.")
    assert heading == "Cadre stratégique – piliers (Appel à projets fictif 2024)"
    assert "Objectifs du cadre stratégique (le plus proche d'abord)" in search
    assert "Annexe" not in message + heading + search


def test_qpv_shows_every_qpv_of_a_shared_name_each_with_its_commune() -> None:
    def qpv(*args: str) -> Any:
        return CliRunner().invoke(app, ["qpv", "--referentiel", str(FIXTURE), *args])

    shown = json.loads(qpv("Centre-ville", "--format", "json").stdout)
    assert [(q["nom"], q["commune"]) for q in shown["qpv"]] == [
        ("Centre-ville", "Aubeval"), ("Centre-ville", "Bermont")
    ]
    table = qpv("centre ville").stdout
    assert "Centre-ville (Aubeval)" in table and "Centre-ville (Bermont)" in table
    one = json.loads(qpv("Centre-ville (Bermont)", "--format", "json").stdout)
    assert [q["slug"] for q in one["qpv"]] == ["centre-ville-bermont"]
    unknown = qpv("Centre-vile")
    assert unknown.exit_code == 2
    assert "Les QPV : Centre-ville (Aubeval), Centre-ville (Bermont), Les Tilleuls." in unknown.stderr
