"""A workbook past a sheet's rows (1 048 576, Excel's limit and openpyxl's): the table goes on in
further sheets of the same name, numbered, each with its header, and nothing is left out.

(Why not refuse such a batch before checking it: how many findings a batch has is known only once
it is checked; refusing then would throw the whole check away.) The limit is lowered here, so
that a few dossiers are enough to cross it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cdv_check.cli.app import app
from cdv_check.reporters import xlsx_report
from conftest import EXAMPLES


def test_findings_past_the_sheet_limit_go_on_in_numbered_sheets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(3):
        shutil.copytree(EXAMPLES / "erreurs-typiques", tmp_path / "lot" / f"d{n}")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(xlsx_report, "SHEET_ROWS", 10)
    runner = CliRunner()
    result = runner.invoke(app, ["check", "--jobs", "1", "--output", "r.xlsx", "lot"])
    assert result.exit_code == 1, result.output
    said = json.loads(runner.invoke(app, ["check", "--jobs", "1", "--format", "json", "lot"]).stdout)
    batch = sum(len(f["dossiers"]) or 1 for f in said["synthese"]["findings"])  # a row for each dossier named
    expected = sum(len(d["findings"]) for d in said["dossiers"]) + batch

    book = load_workbook("r.xlsx")
    parts = [name for name in book.sheetnames if name.startswith("Constats")]
    assert parts == ["Constats"] + [f"Constats ({n})" for n in range(2, len(parts) + 1)]
    assert len(parts) >= 4
    rows = []
    for name in parts:
        sheet_rows = list(book[name].iter_rows(values_only=True))
        assert sheet_rows[0][:2] == ("Fichier", "Règle")  # each part has its header
        assert len(sheet_rows) <= 10
        rows.extend(sheet_rows[1:])
    assert len(rows) == expected
    files = [row[0] for row in book["Demandes"].iter_rows(values_only=True) if str(row[0]).startswith("lot")]
    assert len(files) == 3
