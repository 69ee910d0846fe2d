"""Exact output of the text, json and rich reports on two examples (one faulty, one valid).

The golden files were produced by cdv-check and read line by line before being kept; after a
deliberate change of wording, regenerate them with the command in each test's failure message.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdv_check.cli.app import app
from conftest import ROOT

GOLDEN = Path(__file__).parent / "golden"
DOSSIERS = ["examples/erreurs-typiques/dossier.yaml", "examples/nouvelle-action/dossier.yaml"]
FILES = {"text": "report.text", "json": "report.json", "rich": "report.rich.txt"}


@pytest.mark.parametrize("fmt", sorted(FILES))
def test_report_is_exactly_the_golden_one(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    result = CliRunner().invoke(app, ["check", "--format", fmt, *DOSSIERS])
    assert result.exit_code == 1
    expected = (GOLDEN / FILES[fmt]).read_text(encoding="utf-8")
    regenerate = f"cdv-check check --format {fmt} {' '.join(DOSSIERS)} > tests/golden/{FILES[fmt]}"
    assert result.stdout == expected, f"report changed; if deliberate: {regenerate}"


def test_json_report_follows_the_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    report = json.loads((GOLDEN / FILES["json"]).read_text(encoding="utf-8"))
    assert set(report) == {"tool", "version", "referentiel", "dossiers", "summary", "synthese"}
    assert report["referentiel"] == "metz-metropole-2016"
    assert [d["file"] for d in report["dossiers"]] == DOSSIERS
    faulty, valid = report["dossiers"]
    assert (faulty["passed"], valid["passed"]) == (False, True)
    assert set(faulty) == {"file", "passed", "counts", "findings", "dossier"}
    assert (faulty["dossier"]["statut"], valid["dossier"]["statut"]) == ("a_corriger", "pret")
    assert valid["dossier"]["subvention_demandee"] == "7000.00"
    for finding in faulty["findings"]:
        assert set(finding) == {"rule", "severity", "message", "path", "line", "column"}
        assert finding["line"] is None or finding["line"] >= 1
    assert faulty["counts"] == {"error": 12, "warning": 4, "info": 0}
    assert report["summary"] == {
        "dossiers": 2, "passed": 1, "failed": 1, "error": 12, "warning": 4, "info": 3,
    }


def test_text_report_lines_are_file_line_col_id_severity() -> None:
    lines = (GOLDEN / FILES["text"]).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("examples/erreurs-typiques/dossier.yaml:4:13: ELG06 erreur ")
    # The severities in French, and the one word of every summary for a dossier that passes.
    assert {line.split()[2] for line in lines[:-1]} == {"erreur", "avertissement", "conseil"}
    assert lines[-1].startswith("2 dossier(s) : 1 prêt(s), 1 à corriger")
