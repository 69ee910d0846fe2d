"""Every format on any file name (not UTF-8, with `::`, `%`, a line break) and on any output
encoding (cp1252, Windows' default when the output is redirected; ASCII): exit code as usual, no
traceback, a report that parses; what the output cannot carry is replaced, never an error."""

from __future__ import annotations

import json
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cdv_check.reporters import FORMATS
from conftest import Main, Ran

from .conftest import VALID_EXAMPLE, VALID_TEXT

TEXT_FORMATS = [f for f in FORMATS if f != "xlsx"]  # a workbook is bytes, written to a file
ODD_NAMES = [b"x\xff.yaml", b"a::b%41.yaml", b"ligne\nbis.yaml", b"\xe9t\xe9.yaml"]


def _run(cdv: Main, folder: Path, fmt: str, encoding: str = "utf-8") -> Ran:
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    env.pop("FORCE_COLOR", None)
    return cdv(  # the folder as a relative path, as a CI job gives it
        ["check", "--format", fmt, "--jobs", "1", folder.name], env=env, cwd=folder.parent, encoding=encoding
    )


def _parses(fmt: str, out: bytes, encoding: str) -> None:
    if fmt in ("json", "sarif"):
        json.loads(out.decode(encoding))
    elif fmt == "jsonl":
        for line in out.decode(encoding).splitlines():
            json.loads(line)
    elif fmt == "junit":
        ET.fromstring(out)
    else:
        out.decode(encoding)  # readable as the stream's encoding


@pytest.fixture(scope="module")
def odd_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("noms")
    shutil.copytree(VALID_EXAMPLE / "pieces", folder / "pieces")
    for name in ODD_NAMES:
        with open(os.path.join(os.fsencode(folder), name), "wb") as out:
            out.write(VALID_TEXT.encode())
    return folder


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_every_format_on_file_names_that_are_not_utf8(cdv: Main, odd_folder: Path, fmt: str) -> None:
    result = _run(cdv, odd_folder, fmt)
    assert result.returncode == 0, result.err.decode(errors="replace")
    assert b"Traceback" not in result.err
    _parses(fmt, result.out, "utf-8")


def test_sarif_points_at_the_file_itself(cdv: Main, odd_folder: Path) -> None:
    report = json.loads(_run(cdv, odd_folder, "sarif").out)
    uris = {a["location"]["uri"] for a in report["runs"][0]["artifacts"]}
    assert f"{odd_folder.name}/x%FF.yaml" in uris, uris


@pytest.fixture(scope="module")
def far_names(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("encodage")
    shutil.copytree(VALID_EXAMPLE / "pieces", folder / "pieces")
    (folder / "valide.yaml").write_text(VALID_TEXT, encoding="utf-8")
    far = VALID_TEXT.replace("quartiers: [Bellecroix]", "quartiers: [Bellecroix, 東京 😀]")
    (folder / "lointain.yaml").write_text(far, encoding="utf-8")
    return folder


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_every_format_on_an_output_that_cannot_carry_every_character(
    cdv: Main, far_names: Path, fmt: str, encoding: str
) -> None:
    result = _run(cdv, far_names, fmt, encoding)
    assert result.returncode == 1, result.err.decode(errors="replace")
    assert b"Traceback" not in result.err
    _parses(fmt, result.out, encoding)


def test_junit_stays_exact_on_any_output(cdv: Main, far_names: Path) -> None:
    suites = ET.fromstring(_run(cdv, far_names, "junit", "ascii").out)
    texts = " ".join(e.text or "" for e in suites.iter())
    assert "東京 😀" in texts


def test_rich_uses_plain_signs_on_cp1252(cdv: Main, far_names: Path) -> None:
    out = _run(cdv, far_names, "rich", "cp1252").out.decode("cp1252")
    assert "x 1 erreur à corriger" in out and "+-" in out  # ASCII boxes, accents kept
    assert "\\u2717" not in out and "\\u256d" not in out
