"""Positions cdv-check computes itself (a refused character, a NUL byte) count lines with the
line breaks YAML uses (CR, CR LF, NEL, U+2028, U+2029) and columns in characters, so that they
agree with the positions the YAML parser gives for its own findings."""

from __future__ import annotations

import pytest

from .conftest import Batch

BREAKS = {"LF": "\n", "CR": "\r", "CRLF": "\r\n", "NEL": "\x85", "LS": "\u2028", "PS": "\u2029"}


def _position(report_findings: list[dict[str, object]], rule: str) -> tuple[object, object]:
    (found,) = [f for f in report_findings if f["rule"] == rule]
    return found["line"], found["column"]


@pytest.mark.parametrize("brk", BREAKS.values(), ids=BREAKS.keys())
def test_a_control_character_is_placed_on_the_line_yaml_counts(batch: Batch, brk: str) -> None:
    path = batch.write("controle.yaml", f"porteur:{brk}  nom: a{brk}  sigle: b\x07{brk}")
    assert _position(batch.check(path).findings(path), "SCH02") == (3, 11)


@pytest.mark.parametrize("brk", BREAKS.values(), ids=BREAKS.keys())
def test_the_same_line_as_the_parser_says_for_its_own_error(batch: Batch, brk: str) -> None:
    syntax = batch.write("syntaxe.yaml", f"porteur:{brk}  nom: a{brk}  sigle: b: c{brk}")
    control = batch.write("controle.yaml", f"porteur:{brk}  nom: a{brk}  sigle: b\x07{brk}")
    report = batch.check(syntax)
    parser_line, _ = _position(report.findings(syntax), "SCH02")
    own_line, _ = _position(batch.check(control).findings(control), "SCH02")
    assert own_line == parser_line == 3


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("porteur:\n  nom: éèàù\x07\n", (2, 12)),
        ('porteur:\n  nom: "日本語\x07"\n', (2, 12)),
        ("porteur:\n  nom: a😀\x07\n", (2, 10)),
    ],
)
def test_columns_count_characters(batch: Batch, text: str, where: tuple[int, int]) -> None:
    path = batch.write("accents.yaml", text)
    assert _position(batch.check(path).findings(path), "SCH02") == where


@pytest.mark.parametrize(
    ("content", "where"),
    [
        ("porteur:\n  nom: éèàù\x00\n".encode(), (2, 12)),
        ("porteur:\r  nom: a\r  sigle: é\x00\r".encode(), (3, 11)),
        ("porteur:\u2028  nom: a\u2028  sigle: é\x00".encode(), (3, 11)),
    ],
    ids=["accents", "CR", "LS"],
)
def test_a_nul_byte_is_placed_in_characters_and_yaml_lines(
    batch: Batch, content: bytes, where: tuple[int, int]
) -> None:
    path = batch.write("nul.yaml", content)
    assert _position(batch.check(path).findings(path), "SCH01") == where
