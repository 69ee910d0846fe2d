"""`--output NAME`: any name the system accepts gets its report, the temporary file written
beside it included."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import Main

from .conftest import VALID_EXAMPLE


@pytest.mark.parametrize("name", ["r" * 250 + ".json", "é" * 124 + ".json", "r" * 250 + "é.js"])
def test_the_longest_legal_name_gets_its_report(cdv: Main, tmp_path: Path, name: str) -> None:
    shutil.copytree(VALID_EXAMPLE, tmp_path, dirs_exist_ok=True)
    assert len(name.encode()) <= 255
    result = cdv(["dossier.yaml", "--format", "json", "--output", name], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / name).read_text(encoding="utf-8"))["summary"]["dossiers"] == 1
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
