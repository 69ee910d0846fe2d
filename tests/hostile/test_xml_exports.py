"""Characters XML 1.0 cannot carry at all (U+FFFE, U+FFFF, controls, lone surrogates), written
in a dossier with a YAML or JSON escape: every XML-based report (xlsx, junit, html) stays a
document its reader opens, the character shown as « � »."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from cdv_check.cli.app import app

from .conftest import VALID_TEXT, Batch

HOSTILE = ("\ufffe", "\uffff", "\x01", "\x0b", "\udcff")
"""The last one comes from the file name, whose byte 0xFF is not UTF-8 (a YAML escape cannot
make a lone surrogate)."""


def _write(batch: Batch) -> Path:
    title = "Atelier couture, premier pas vers l'emploi"
    escaped = json.dumps("Atelier " + "".join(HOSTILE[:-1]) + " fin")  # \ufffe… in a YAML double-quoted string
    return batch.write(os.fsdecode(b"hostile-\xff.yaml"), VALID_TEXT.replace(title, escaped))


def _run(batch: Batch, output: Path) -> None:
    hostile = _write(batch)
    result = CliRunner().invoke(app, ["check", "--jobs", "1", "--output", str(output), str(hostile), str(batch.valid)])
    assert result.exit_code in (0, 1), result.output
    assert output.exists()


def test_the_workbook_opens_and_shows_the_title_without_those_characters(batch: Batch, tmp_path: Path) -> None:
    output = tmp_path / "rapport.xlsx"
    _run(batch, output)
    for name in zipfile.ZipFile(output).namelist():
        if name.endswith(".xml"):
            ET.fromstring(zipfile.ZipFile(output).read(name))  # well-formed, every part
    sheet = load_workbook(output)["Demandes"]
    titles = [str(cell.value) for row in sheet.iter_rows() for cell in row if "fin" in str(cell.value)]
    assert any(t.startswith("Atelier ") and t.endswith(" fin") and "\ufffd" in t for t in titles), titles
    assert not [t for t in titles if set(HOSTILE) & set(t)]


def test_junit_is_well_formed_and_names_the_file_with_a_replacement_mark(batch: Batch, tmp_path: Path) -> None:
    output = tmp_path / "rapport.xml"
    _run(batch, output)
    root = ET.fromstring(output.read_bytes())
    names = [case.get("name", "") for case in root.iter("testcase")]
    assert any(name.endswith("hostile-\ufffd.yaml") for name in names), names


def test_the_html_page_carries_none_of_them(batch: Batch, tmp_path: Path) -> None:
    output = tmp_path / "rapport.html"
    _run(batch, output)
    text = output.read_text(encoding="utf-8")
    assert "Atelier \ufffd" in text and "hostile-\ufffd.yaml" in text
    assert not set(HOSTILE) & set(text)
