"""SCH10 and the SCH02 of a broken line: what the carrier typed is not silently lost or merged
(issue 19). Each dossier is checked through the command, as a carrier runs it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from cdv_check.cli.app import app
from conftest import MakeCase


def _json(path: Path) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["check", "--format", "json", "--jobs", "1", str(path)])
    assert "Traceback" not in result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    dossiers: list[dict[str, Any]] = report["dossiers"]
    [dossier] = dossiers
    return dossier


def _findings(path: Path, rule: str) -> list[dict[str, Any]]:
    return [f for f in _json(path)["findings"] if f["rule"] == rule]


def test_a_title_cut_by_a_comment_is_shown_as_read_and_how_to_quote_it(make_case: MakeCase) -> None:
    case = make_case({
        "intitule: Atelier couture, premier pas vers l'emploi": "intitule: Atelier couture #2 et conversation",
    })
    [finding] = _findings(case.path, "SCH10")
    assert finding["severity"] == "warning"
    assert finding["line"] == case.line_of("#2 et conversation")
    assert "lu « Atelier couture »" in finding["message"]
    assert 'intitule: "Atelier couture #2 et conversation"' in finding["message"]


def test_a_comment_written_as_such_is_not_a_cut_text(make_case: MakeCase) -> None:
    case = make_case({"lieu: Centre social de Bellecroix": "lieu: Centre social de Bellecroix  # salle 2"})
    assert _findings(case.path, "SCH10") == []


def test_bulleted_partners_are_not_read_silently_as_one(make_case: MakeCase) -> None:
    case = make_case({
        "partenaires: [Centre social de Bellecroix, Pôle Emploi Metz Borny, Mission locale du Pays Messin]":
        "partenaires:\n    • Centre social Le Lierre\n    • Ecole Jean Moulin",
    })
    [finding] = _findings(case.path, "SCH10")
    assert finding["path"] == "action.partenaires"
    assert finding["line"] == case.line_of("• Centre social Le Lierre")
    assert "un seul élément : « • Centre social Le Lierre • Ecole Jean Moulin »" in finding["message"]
    assert 'partenaires: ["Centre social Le Lierre", "Ecole Jean Moulin"]' in finding["message"]


def test_bullets_on_one_line_are_not_read_silently_as_one(make_case: MakeCase) -> None:
    case = make_case({
        "partenaires: [Centre social de Bellecroix, Pôle Emploi Metz Borny, Mission locale du Pays Messin]":
        "partenaires: • Centre social Le Lierre • Ecole Jean Moulin",
    })
    [finding] = _findings(case.path, "SCH10")
    assert finding["path"] == "action.partenaires"
    assert 'partenaires: ["Centre social Le Lierre", "Ecole Jean Moulin"]' in finding["message"]


def test_one_bullet_on_one_line_or_a_bullet_inside_a_text_is_no_list(make_case: MakeCase) -> None:
    for written in ("partenaires: • Centre social Le Lierre", "partenaires: Le Lierre • Jean Moulin"):
        case = make_case({
            "partenaires: [Centre social de Bellecroix, Pôle Emploi Metz Borny, Mission locale du Pays Messin]":
            written,
        })
        assert _findings(case.path, "SCH10") == [], written


def test_dashes_and_stars_inside_a_text_where_a_list_is_wanted(make_case: MakeCase) -> None:
    case = make_case({
        "indicateurs: [Nombre de participantes assidues, Nombre d'entrées en formation ou en emploi]":
        "indicateurs:\n      Présences\n      - Entrées en formation\n      * Emplois",
    })
    [finding] = _findings(case.path, "SCH10")
    assert finding["path"] == "action.evaluation.indicateurs"
    assert '["Présences", "Entrées en formation", "Emplois"]' in finding["message"]


def test_a_multi_line_text_without_bullets_is_no_list(make_case: MakeCase) -> None:
    # the example's own `besoin: >` texts span lines: nothing to say about them
    case = make_case()
    assert _findings(case.path, "SCH10") == []


def test_a_json_number_code_that_lost_its_zero(tmp_path: Path, make_case: MakeCase) -> None:
    case = make_case()
    import yaml

    data = yaml.safe_load(case.text.replace("objectifs: [2.1.2, 2.12.2]", 'objectifs: ["2.1.2"]'))
    data["date_depot"] = "2016-01-06"
    text = json.dumps(data, ensure_ascii=False, default=str, indent=1)
    text = text.replace('"objectifs": [\n   "2.1.2"\n  ]', '"objectifs": [1.1, 2.11, "1.2"]')
    assert "[1.1, 2.11" in text
    path = case.path.with_name("dossier.json")
    path.write_text(text, encoding="utf-8")
    [finding] = _findings(path, "SCH10")
    assert finding["path"] == "action.objectifs[0]"
    assert "lu « 1.1 »" in finding["message"]
    assert '"1.10"' in finding["message"]


def test_a_text_continued_at_column_0_points_at_the_broken_line(make_case: MakeCase) -> None:
    case = make_case({"  lieu: Centre social de Bellecroix\n": "  lieu: Centre social\nde Bellecroix, salle 2\n"})
    [finding] = _findings(case.path, "SCH02")
    assert (finding["line"], finding["column"]) == (case.line_of("de Bellecroix, salle 2"), 1)
    assert "« de Bellecroix, salle 2 »" in finding["message"]
    assert "en retrait" in finding["message"]


def test_a_bullet_at_the_key_s_indentation_points_at_the_bullet(make_case: MakeCase) -> None:
    case = make_case({
        "  partenaires: [Centre social de Bellecroix, Pôle Emploi Metz Borny, Mission locale du Pays Messin]":
        "  partenaires:\n  • Centre social Le Lierre\n  • Ecole Jean Moulin",
    })
    [finding] = _findings(case.path, "SCH02")
    assert finding["line"] == case.line_of("• Centre social Le Lierre")
    assert "puce" in finding["message"] and "« - »" in finding["message"]
