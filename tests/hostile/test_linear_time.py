"""Work linear in the size of the dossier, for every rule and every lookup: a dossier of
thousands of items must not cost thousands of times thousands of steps.

Measured without a clock (the machine is shared): the Python lines run while checking the
dossier are counted, for n items and for 2n; twice the items must cost less than 2.5 times the
lines (a quadratic path costs about 4 times). The near-miss lookups (difflib over the
référentiel) are counted too: once per distinct unknown value, and never more than the findings
a report can show.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from cdv_check.core.checker import DossierResult, Settings, check_path
from cdv_check.model.referentiel import load

from .conftest import VALID_TEXT

SETTINGS = Settings(today=date(2016, 1, 5), check_files=False)
REF = load()


def _with(key: str, items: list[str], text: str = VALID_TEXT) -> str:
    changed = re.sub(rf"(?m)^  {key}:.*$", f"  {key}: [{', '.join(items)}]", text, count=1)
    assert changed != text
    return changed


def _lines_run(path: Path) -> tuple[int, DossierResult]:
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        count += event == "line"
        return local

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        return local

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        result = check_path(path, REF, SETTINGS)
    finally:
        sys.settrace(previous)
    return count, result


DOSSIERS: dict[str, Callable[[int], str]] = {
    # One refused value (SCH04) makes each rule issue ask whether it is about a refused value.
    "unknown QPV and a refused value": lambda n: _with(
        "quartiers", [f"Quartier{i}" for i in range(n)]
    ).replace("sigle: FAB", "sigle: !foo FAB"),
    "unknown codes and a refused value": lambda n: _with(
        "objectifs", [f"9.{i}.1" for i in range(n)]
    ).replace("sigle: FAB", "sigle: !foo FAB"),
    "refused list items": lambda n: _with("partenaires", ["[x]", "Centre social"] * (n // 2)),
    "unknown axes": lambda n: _with("axes_transversaux", [f"axe{i}" for i in range(n)]),
    "near-miss priority ids": lambda n: _with("priorites", [f"bellecroix-emploi-femme{i}" for i in range(n)]),
}


@pytest.mark.parametrize("name", DOSSIERS)
def test_twice_the_items_less_than_two_and_a_half_times_the_work(tmp_path: Path, name: str) -> None:
    work = []
    for n in (300, 600):
        path = tmp_path / f"{n}.yaml"
        path.write_text(DOSSIERS[name](n), encoding="utf-8")
        lines, result = _lines_run(path)
        assert result.findings
        work.append(lines)
    assert work[1] < 2.5 * work[0], work


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each word difflib is asked to match."""
    asked: list[str] = []
    real = difflib.get_close_matches

    def counted(word: Any, possibilities: Any, *args: Any, **kwargs: Any) -> Any:
        asked.append(word)
        return real(word, possibilities, *args, **kwargs)

    monkeypatch.setattr(difflib, "get_close_matches", counted)
    return asked


@pytest.mark.parametrize(
    ("key", "unknown"),
    [
        ("objectifs", lambda i: f"9.{i}.1"),
        ("priorites", lambda i: f"bellecroix-emploi-femme{i}"),
        ("quartiers", lambda i: f"Quartier{i}"),
    ],
    ids=["codes", "priorities", "qpv"],
)
def test_near_misses_are_looked_up_once_per_distinct_value_and_no_more_than_shown(
    tmp_path: Path, lookups: list[str], key: str, unknown: Callable[[int], str]
) -> None:
    ref = REF.model_copy()  # its own memory of the codes near an unknown one (kept per référentiel)
    path = tmp_path / "distincts.yaml"
    path.write_text(_with(key, [unknown(i) for i in range(1000)]), encoding="utf-8")
    result = check_path(path, ref, SETTINGS)
    assert len(result.findings) + result.omitted >= 1000
    assert 0 < len(lookups) <= SETTINGS.limits.findings_per_dossier
    lookups.clear()
    path = tmp_path / "repetes.yaml"
    # A value the first file did not hold: the codes near one are remembered from a dossier to the next.
    path.write_text(_with(key, [unknown(1000)] * 1000), encoding="utf-8")
    check_path(path, ref, SETTINGS)
    assert len(lookups) == 1
