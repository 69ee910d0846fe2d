"""Refused items of a list (SCH04) are each reported once, at their own line and column, and the
rest of the dossier is still checked: the model is built without them, every other rule runs, and
what a rule says about a later item is located at that item in the file."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import VALID_TEXT, Batch

LATE = VALID_TEXT.replace("date_depot: 2016-01-06", "date_depot: 2016-02-01")


def _with(line_start: str, replacement: str, text: str = LATE) -> str:
    changed = re.sub(rf"(?m)^  {line_start}:.*$", f"  {replacement}", text, count=1)
    assert changed != text
    return changed


def _column(text: str, line_start: str, needle: str) -> tuple[int, int]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(f"  {line_start}:"):
            return number, line.index(needle) + 1
    raise AssertionError(line_start)


def _refused(findings: list[dict[str, Any]]) -> list[tuple[int, int]]:
    return sorted((f["line"], f["column"]) for f in findings if f["rule"] == "SCH04")


@pytest.mark.parametrize(
    ("key", "value", "bad"),
    [
        ("axes_transversaux", "[bad1, jeunesse, bad2]", ["bad1", "bad2"]),
        ("axes_transversaux", "[bad1, bad2, jeunesse]", ["bad1", "bad2"]),
        ("axes_transversaux", "[jeunesse, bad1, bad2, bad3]", ["bad1", "bad2", "bad3"]),
        ("partenaires", "[[x], [y], Centre social]", ["[x]", "[y]"]),
        ("partenaires", "[Centre social, [x], Mission locale, [y]]", ["[x]", "[y]"]),
    ],
)
def test_each_refused_item_once_at_its_place_and_the_other_rules_run(
    batch: Batch, key: str, value: str, bad: list[str]
) -> None:
    text = _with(key, f"{key}: {value}")
    path = batch.write("liste.yaml", text)
    report = batch.check(path)
    findings = report.findings(path)
    assert _refused(findings) == sorted(_column(text, key, b) for b in bad), findings
    assert [f for f in findings if f["rule"] == "ELG06" and f["severity"] == "error"], findings


@pytest.mark.parametrize(
    ("key", "value", "rule", "item", "index"),
    [
        ("objectifs", "[[x], 9.9.9, 2.1]", "OBJ01", "2.1", 2),
        ("priorites", "[[x], zzz-inconnue]", "OBJ03", "zzz-inconnue", 1),
    ],
)
def test_a_rule_about_a_later_item_points_at_that_item(
    batch: Batch, key: str, value: str, rule: str, item: str, index: int
) -> None:
    text = _with(key, f"{key}: {value}")
    path = batch.write("liste.yaml", text)
    findings = batch.check(path).findings(path)
    assert _refused(findings) == [_column(text, key, "[x]")]
    (about,) = [f for f in findings if f["rule"] == rule]
    assert (about["line"], about["column"]) == _column(text, key, item)
    assert about["path"] == f"action.{key}[{index}]"
