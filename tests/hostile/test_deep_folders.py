"""A folder a thousand levels deep (an unpacked third-party archive): walking it for dossiers,
or matching `**` in it, must not run out of Python's recursion limit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import VALID_EXAMPLE

DEPTH = 1000


@pytest.fixture(scope="module")
def deep() -> Iterator[Path]:
    """archive/d/d/…/d (1 000 levels) with a dossier at the top and one at the bottom.

    Outside pytest's numbered folders and removed here, level by level: Python 3.11's
    shutil.rmtree recurses too, and would fail on it when pytest cleans up its old folders."""
    top = Path(tempfile.mkdtemp(prefix="cdv-check-deep-"))
    try:
        yield _deep_tree(top)
    finally:
        _remove(top)


def _deep_tree(top: Path) -> Path:
    root = top / "archive"
    root.mkdir()
    text = (VALID_EXAMPLE / "dossier.yaml").read_text(encoding="utf-8")
    (root / "haut.yaml").write_text(text, encoding="utf-8")
    folder = root
    for _ in range(DEPTH):  # built level by level: os.makedirs itself recurses
        folder = folder / "d"
        os.mkdir(folder)
    (folder / "fond.yaml").write_text(text, encoding="utf-8")
    return root


def _remove(top: Path) -> None:
    folders = [str(top)]
    for folder in folders:  # grows as it goes: every folder, parents first
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                else:
                    os.unlink(entry.path)
    for folder in reversed(folders):
        os.rmdir(folder)


def _check(*paths: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    result = subprocess.run(
        [sys.executable, "-m", "cdv_check", "check", "--format", "json", "--no-files", "--jobs", "1", *paths],
        cwd=cwd, capture_output=True, text=True, timeout=300,
    )
    assert "Traceback" not in result.stderr and "RecursionError" not in result.stderr, result.stderr[-2000:]
    assert result.returncode in (0, 1), result.stderr
    return result, [d["file"] for d in json.loads(result.stdout)["dossiers"]]


def test_a_folder_a_thousand_levels_deep_is_walked_to_the_bottom(deep: Path) -> None:
    _result, files = _check("archive", cwd=deep.parent)
    assert files == ["archive/haut.yaml", "archive/" + "d/" * DEPTH + "fond.yaml"]


@pytest.mark.parametrize("pattern", ["archive/**/*.yaml", "archive/**", "**/fond.yaml"])
def test_a_double_star_pattern_goes_a_thousand_levels_deep(deep: Path, pattern: str) -> None:
    _result, files = _check(pattern, cwd=deep.parent)
    assert "archive/" + "d/" * DEPTH + "fond.yaml" in files
