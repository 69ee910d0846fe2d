"""However many workers are asked for (`--jobs`, `jobs` in the configuration, any number of
digits), a batch starts no more processes than the cores it may use and than it has dossiers."""

from __future__ import annotations

import concurrent.futures
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from .conftest import VALID_EXAMPLE, VALID_TEXT

DOSSIERS = 12


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of workers of each process pool the batch creates."""
    sizes: list[int] = []
    real = concurrent.futures.ProcessPoolExecutor

    class Counted(real):  # type: ignore[valid-type,misc]
        def __init__(self, max_workers: int | None = None, **options: Any) -> None:
            sizes.append(max_workers or 0)
            super().__init__(max_workers, **options)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Counted)
    return sizes


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "demandes"
    shutil.copytree(VALID_EXAMPLE / "pieces", folder / "pieces")
    for n in range(DOSSIERS):
        (folder / f"d{n:02}.yaml").write_text(VALID_TEXT, encoding="utf-8")
    return folder


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _run(*args: str) -> Any:
    from typer.testing import CliRunner

    from cdv_check.cli.app import app

    return CliRunner().invoke(app, ["check", "--format", "json", *args])


@pytest.mark.parametrize("jobs", ["100000000000000000000", '"' + "9" * 5000 + '"', "1000"])
def test_jobs_in_the_configuration_is_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, started: list[int], jobs: str
) -> None:
    folder = _folder(tmp_path)
    (tmp_path / "pyproject.toml").write_text(f"[tool.cdv-check]\njobs = {jobs}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = _run(str(folder))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["dossiers"] == DOSSIERS
    assert all(1 <= size <= min(_cores(), DOSSIERS) for size in started), started


def test_jobs_on_the_command_line_is_bounded(tmp_path: Path, started: list[int]) -> None:
    folder = _folder(tmp_path)
    result = _run("--jobs", "100000", str(folder))
    assert result.exit_code == 0, result.output
    assert all(1 <= size <= min(_cores(), DOSSIERS) for size in started), started
