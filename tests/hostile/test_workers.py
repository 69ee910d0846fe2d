"""A worker process that dies in the middle of a batch (killed by the system, out of memory)
loses no dossier: the rest of the batch is checked in the main process, in the same order."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from cdv_check.core import batch
from cdv_check.core.checker import DossierResult, Settings
from cdv_check.model.referentiel import load

from .conftest import VALID_EXAMPLE, VALID_TEXT

_VICTIM: list[str] = []
_real_check_in_worker = batch._check_in_worker


def _dying_worker(path: str, follow_links: bool = True) -> DossierResult:
    """Module-level (so that it can be sent to the workers): dies on the victim file."""
    if path in _VICTIM:
        os._exit(1)
    return _real_check_in_worker(path, follow_links)


def test_killed_worker_loses_no_dossier(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(VALID_EXAMPLE / "pieces", tmp_path / "pieces")
    files = []
    for n in range(40):
        path = tmp_path / f"dossier-{n:02}.yaml"
        path.write_text(VALID_TEXT, encoding="utf-8")
        files.append(str(path))
    monkeypatch.setattr(batch, "_check_in_worker", _dying_worker)
    _VICTIM.append(files[10])
    try:
        results = list(batch.run(
            files, ref=load(), referentiel=None, settings=Settings(today=date(2016, 1, 5)), jobs=2
        ))
    finally:
        _VICTIM.clear()
    assert [r.file for r in results] == files
    assert all(r.passed() for r in results)
