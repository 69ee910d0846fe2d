"""The GitHub job summary of a batch whose dossiers have monstrous titles: each cell is cut with
« … », and the whole summary stays under GitHub's 1 MiB per step, the totals and the dossiers to
fix first (GitHub drops a summary over the limit: nothing of it would be shown)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdv_check.cli.app import app
from conftest import EXAMPLES

MIB = 1024 * 1024


def _batch(tmp_path: Path, count: int, title: str) -> Path:
    folder = tmp_path / "lot"
    text = (EXAMPLES / "erreurs-typiques" / "dossier.yaml").read_text(encoding="utf-8")
    for n in range(count):
        shutil.copytree(EXAMPLES / "erreurs-typiques", folder / f"d{n}")
        (folder / f"d{n}" / "dossier.yaml").write_text(
            text.replace("intitule: Foot en bas des tours", f"intitule: '{title}{n}'"), encoding="utf-8")
    return folder


def test_six_dossiers_with_100_000_character_titles_stay_under_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "resume.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    folder = _batch(tmp_path, 6, "." * 99_990)
    result = CliRunner().invoke(app, ["check", "--format", "github", "--jobs", "1", str(folder)])
    assert result.exit_code == 1, result.output
    markdown = summary.read_text(encoding="utf-8")
    assert len(markdown.encode("utf-8")) < MIB
    assert "## cdv-check : 6 dossiers" in markdown
    assert "| Tous | 6 |" in markdown
    assert "### Dossiers à corriger (6)" in markdown
    rows = [line for line in markdown.splitlines() if line.startswith(f"| {md_path(folder)}")]
    assert len(rows) == 6
    assert all("…" in row and len(row) < 2_000 for row in rows)


def test_a_summary_file_already_nearly_full_gets_the_totals_and_the_dossiers_to_fix_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "resume.md"
    summary.write_text("x" * (MIB - 1_200), encoding="utf-8")  # earlier commands of the same step
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    folder = _batch(tmp_path, 3, "Foot en bas des tours ")
    CliRunner().invoke(app, ["check", "--format", "github", "--jobs", "1", str(folder)])
    markdown = summary.read_text(encoding="utf-8")
    assert len(markdown.encode("utf-8")) <= MIB
    ours = markdown[MIB - 1_200:]
    assert "| Tous | 3 |" in ours and "### Dossiers à corriger (3)" in ours
    assert "le résumé d'une étape est limité à 1 Mio" in ours


def md_path(folder: Path) -> str:
    from cdv_check.reporters.github import md

    return md(str(folder))
