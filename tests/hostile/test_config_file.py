"""A configuration file in the current folder comes from whoever wrote the folder: read bounded,
and a problem in it is a French message and exit 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdv_check.cli.app import app

from .conftest import VALID_EXAMPLE


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("[tool.cdv-check]\nselect = " + "[" * 5000 + "\n", "imbriqués trop profondément"),
        ("[tool.cdv-check]\nx = " + "{a = " * 3000 + "\n", "imbriqués trop profondément"),
        ("[tool.cdv-check]\njobs = " + "9" * 5000 + "\n", "trop de chiffres"),
    ],
    ids=["arrays", "inline-tables", "digits"],
)
def test_a_pyproject_that_tomllib_cannot_read_is_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, said: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(content, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["check", str(VALID_EXAMPLE / "dossier.yaml")])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "pyproject.toml illisible" in result.stderr and said in result.stderr
