"""Text injection: dossier text and file names must come out inert in every report format.

The payload carries rich markup, ANSI CSI and OSC 8 escapes, a one-byte C1 CSI, bidi overrides,
line separators, and a newline followed by GitHub workflow commands; it is put in every text
field of a dossier, in its keys, in its piece paths and in its file name.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cdv_check.cli.app import app
from cdv_check.reading.loading import read_structured
from cdv_check.reporters import BINARY, FORMATS
from conftest import ExamplePieces, read_only

from .conftest import VALID_EXAMPLE, Batch

MARKUP = "[link=https://x]clic[/link] [/] [bold red]gras[/] :euro:"
PAYLOAD = (
    f"{MARKUP} \x1b[31mROUGE\x1b[0m \x1b]8;;http://x\x07lien\x1b]8;;\x07 \x9b2J \u202eTXET\u202c"
    " \u2066iso\u2069 \u2028sep\r\n::warning::pirate\n##[error]pirate2\n::error file=x::pirate3"
)
# What may never reach a terminal or a CI log: C0 controls but tab and newline, DEL, C1, the
# bidi controls, the line/paragraph separators, and lone surrogates (undecodable bytes).
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)
OWN_COMMAND = re.compile(r"::(error|warning|notice)( [a-z]+=[^:\n]*)?::")


def _poison(value: Any) -> Any:
    """Every text of the dossier, prefixed with the payload; an extra key and list item too."""
    if isinstance(value, dict):
        poisoned = {key: _poison(item) for key, item in value.items()}
        poisoned[PAYLOAD] = PAYLOAD
        return poisoned
    if isinstance(value, list):
        return [_poison(item) for item in value] + [PAYLOAD]
    if isinstance(value, str):
        return f"{PAYLOAD} {value}"
    return value


@pytest.fixture(scope="module")
def _poisoned(tmp_path_factory: pytest.TempPathFactory, example_pieces: ExamplePieces) -> list[Path]:
    folder = tmp_path_factory.mktemp("piege") / "lot"
    example_pieces.give(folder / "pieces", own=False)
    shutil.copyfile(VALID_EXAMPLE / "dossier.yaml", folder / "valide.yaml")
    batch = Batch(folder)
    data = _poison(read_structured(VALID_EXAMPLE / "dossier.yaml").data)
    # Keep a few values readable so that the rules run and echo the payload in their messages.
    data["action"]["quartiers"] = [PAYLOAD, "Bellecroix"]
    data["action"]["objectifs"] = [PAYLOAD, "2.1.2"]
    data["pieces"]["rib"] = PAYLOAD
    as_json = json.dumps(data, ensure_ascii=True, indent=1)
    # JSON escapes are YAML double-quoted escapes too: the YAML file is a JSON text per line.
    name = "nom\x1b[31m\u202e\n::warning::pirate ##[error]x.json"
    by_name = batch.write(name, batch.valid.read_text(encoding="utf-8").replace("{", "{ "))
    undecodable = batch.folder / os.fsdecode(b"octets\x9b2J\xff.yaml")
    undecodable.write_text(batch.valid.read_text(encoding="utf-8"), encoding="utf-8")
    return [
        batch.write("piege.json", as_json),
        batch.write("piege.yaml", as_json.replace("\n", "\n ")),
        by_name,
        undecodable,
    ]


@pytest.fixture
def poisoned(_poisoned: list[Path]) -> Iterator[list[Path]]:
    """Three dossiers full of the payload: JSON, YAML, and one whose file name carries it; and one
    whose name is not UTF-8. Written once for the module (the example's pieces beside them): the
    tests only read them, and one that wrote there would fail."""
    with read_only(_poisoned[0].parent):
        yield _poisoned


def _report(fmt: str, paths: list[Path]) -> Any:
    result = CliRunner().invoke(
        app,
        ["check", "--format", fmt, "--jobs", "1", *map(str, paths)],
        env={"NO_COLOR": None, "FORCE_COLOR": None, "COLUMNS": "100"},
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


@pytest.fixture(scope="module")
def _poisoned_reports() -> dict[str, Any]:
    return {}


@pytest.fixture
def poisoned_report(poisoned: list[Path], _poisoned_reports: dict[str, Any]) -> Callable[[str], Any]:
    """`_report(fmt, poisoned)`: the report of the poisoned dossiers in `fmt`, made once for the
    module, as several tests read the same one (the rich report, the JSON one)."""

    def report(fmt: str) -> Any:
        if fmt not in _poisoned_reports:
            _poisoned_reports[fmt] = _report(fmt, poisoned)
        return _poisoned_reports[fmt]

    return report


def _out(fmt: str, result: Any) -> str:
    """The report as text; a workbook (xlsx), as the text of all its cells, one per line."""
    if fmt not in BINARY:
        return str(result.stdout)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(result.stdout_bytes))
    return "\n".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_dossier_text_comes_out_inert(fmt: str, poisoned_report: Callable[[str], Any]) -> None:
    result = poisoned_report(fmt)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    out = _out(fmt, result)
    assert "pirate" in out  # the payload did reach the report
    bad = sorted({f"U+{ord(c):04X}" for c in FORBIDDEN.findall(out)})
    assert not bad, f"{fmt}: {bad}"
    for line in out.splitlines():
        # GitHub Actions runs `##[command]` anywhere in a line, `::command::` after leading spaces.
        assert "##[" not in line, line
        if line.lstrip().startswith("::"):
            assert fmt == "github", line
            # One of the tool's annotations, whose properties hold no raw ":" (GitHub's escaping).
            assert OWN_COMMAND.match(line) is not None, line


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_file_name_starting_with_a_command_starts_no_line(
    fmt: str, batch: Batch, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "::warning::pirate.yaml"
    batch.write(name, batch.valid.read_text(encoding="utf-8").replace("nom: Fil", "nom: Fil", 1))
    monkeypatch.chdir(batch.folder)
    result = _report(fmt, [Path(name), Path("valide.yaml")])
    assert result.exit_code == 0
    out = _out(fmt, result)
    assert "pirate" in out
    for line in out.splitlines():
        if line.lstrip().startswith("::"):
            assert fmt == "github", line
            assert OWN_COMMAND.match(line) is not None, line


def test_rich_markup_is_printed_literally(poisoned_report: Callable[[str], Any]) -> None:
    out = poisoned_report("rich").stdout
    # Rich folds long lines: compare without the layout (spaces, new lines, box drawing).
    flat = re.sub(r"[\s│─╭╮╰╯┃━┏┓┗┛]+", "", out)
    for literal in (MARKUP, "[/]", ":euro:"):
        assert re.sub(r"\s+", "", literal) in flat
    assert "€clic" not in flat


def test_json_keeps_the_text_escaped_and_intact(poisoned_report: Callable[[str], Any]) -> None:
    out = poisoned_report("json").stdout
    assert out.isascii()
    data = json.loads(out)
    messages = [f["message"] for d in data["dossiers"] for f in d["findings"]]
    assert any(PAYLOAD in m for m in messages)  # JSON readers get the exact text, escaped


def test_undecodable_file_name_is_shown_with_replacement_characters(
    poisoned: list[Path],
) -> None:
    for fmt in ("text", "json"):
        out = _report(fmt, poisoned[-1:]).stdout
        assert "octets\ufffd2J\ufffd.yaml" in (json.loads(out)["dossiers"][0]["file"]
                                               if fmt == "json" else out)
