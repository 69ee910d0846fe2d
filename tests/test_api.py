"""cdv_check as a library: the README's example runs, and the library says what the command says."""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cdv_check
from cdv_check.cli.app import app
from conftest import EXAMPLES, ROOT, TODAY

TYPICAL = EXAMPLES / "erreurs-typiques" / "dossier.yaml"


def test_the_readme_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Utiliser cdv-check depuis Python"):]
    [example] = re.findall(r"```python\n(.*?)```", section[:section.index("\n## ", 1)], re.S)
    monkeypatch.chdir(ROOT)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(example, "README.md", "exec"), {})
    lines = printed.getvalue().splitlines()
    assert lines[0] == "a_corriger False {'error': 12, 'warning': 4, 'info': 0}"
    assert lines[1].startswith("ELG06 error ligne 4 : Dépôt le 15 janvier 2016")
    assert lines[-1] == "['pret', 'pret', 'a_corriger', 'pret', 'pret']"


def test_a_batch_gives_the_json_report_of_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    command = CliRunner().invoke(app, ["check", "--format", "json", "--jobs", "1", "--date-depot", "2016-01-05",
                                       "examples/"])
    batch = cdv_check.check_batch(["examples/"], today=TODAY, deposit_date=date(2016, 1, 5))
    assert batch.exit_code == command.exit_code == 1
    assert batch.to_json() == json.loads(command.stdout)
    assert [r.file for r in batch.dossiers] == [d["file"] for d in json.loads(command.stdout)["dossiers"]]


def test_a_dossier_by_path_or_by_text_gives_the_same_findings() -> None:
    by_path = cdv_check.check(TYPICAL, today=TODAY, files=False)
    by_name = cdv_check.check(str(TYPICAL), today=TODAY, files=False)
    by_text = cdv_check.check(TYPICAL.read_text(encoding="utf-8"), today=TODAY, files=False)
    assert by_path.findings == by_name.findings
    assert [(f.rule, f.line, f.text) for f in by_text.findings] == [(f.rule, f.line, f.text) for f in by_path.findings]
    assert by_path.to_json()["counts"] == by_path.counts() == {"error": 11, "warning": 4, "info": 0}


def test_select_and_ignore_are_the_command_line_s() -> None:
    only = cdv_check.check(TYPICAL, today=TODAY, select=["idn"], ignore=["IDN03"])
    assert {f.rule for f in only.findings} == {"IDN01"}


def test_bad_settings_and_paths_are_french_errors_not_tracebacks() -> None:
    with pytest.raises(cdv_check.SettingsError, match="XYZ ne désigne aucune règle"):
        cdv_check.check(TYPICAL, select=["XYZ"])
    with pytest.raises(ValueError, match="une liste d'identifiants est attendue"):
        cdv_check.check(TYPICAL, select="PCE")
    with pytest.raises(FileNotFoundError, match="chemin introuvable : « absent/ »"):
        cdv_check.check_batch(["absent/"])
    with pytest.raises(cdv_check.ReferentielError):
        cdv_check.load_referentiel(TYPICAL)


def test_a_text_that_is_not_a_dossier_is_a_finding() -> None:
    result = cdv_check.check("porteur: [\n")
    assert result.statut == "illisible" and [f.rule for f in result.findings] == ["SCH02"]


def test_the_everyday_check_does_not_import_the_library_door(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "cdv_check", "--no-files", str(EXAMPLES / "nouvelle-action")],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "import time:" in line}
    assert "cdv_check.core.batch" in imported and "cdv_check.api" not in imported
