"""Helpers for hostile inputs: a batch made of one hostile file and one valid dossier, checked
through the command line, so that each case shows what a referent sees (finding, exit code) and
that the rest of the batch is still reported."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cdv_check.cli.app import app
from conftest import ExamplePieces

ROOT = Path(__file__).resolve().parents[2]
VALID_EXAMPLE = ROOT / "examples" / "nouvelle-action"
VALID_TEXT = (VALID_EXAMPLE / "dossier.yaml").read_text(encoding="utf-8")


@dataclass
class Report:
    """What `cdv-check check --format json` said about a batch."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def data(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.stdout)
        return parsed

    def dossier(self, path: Path | str) -> dict[str, Any]:
        found = [d for d in self.data["dossiers"] if d["file"] == str(path)]
        assert len(found) == 1, f"{path} reported {len(found)} times: {self.stdout[:2000]}"
        dossier: dict[str, Any] = found[0]
        return dossier

    def findings(self, path: Path | str, rule: str | None = None) -> list[dict[str, Any]]:
        return [f for f in self.dossier(path)["findings"] if rule is None or f["rule"] == rule]

    def rules(self, path: Path | str) -> set[str]:
        return {f["rule"] for f in self.dossier(path)["findings"]}


def check(*paths: str | Path, options: tuple[str, ...] = ()) -> Report:
    """Run `cdv-check check --format json` on `paths` in this process."""
    result = CliRunner().invoke(
        app, ["check", "--format", "json", "--jobs", "1", *options, *map(str, paths)]
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.stderr
    return Report(result.exit_code, result.stdout, result.stderr)


@dataclass
class Batch:
    """A folder holding the complete example (its pieces and a valid dossier) and hostile files."""

    folder: Path

    @property
    def valid(self) -> Path:
        return self.folder / "valide.yaml"

    def write(self, name: str, content: str | bytes) -> Path:
        path = self.folder / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    def check(self, hostile: Path, *options: str) -> Report:
        """Check the hostile file then the valid dossier; the valid one must come out clean."""
        report = check(hostile, self.valid, options=options)
        valid = report.dossier(self.valid)
        assert valid["passed"], valid
        assert not [f for f in valid["findings"] if f["severity"] != "info"], valid
        return report




@pytest.fixture
def batch(tmp_path: Path, request: pytest.FixtureRequest, example_pieces: ExamplePieces) -> Iterator[Batch]:
    """The example's pieces (hard links unless the test is marked `own_pieces`: ExamplePieces)
    and its dossier as valide.yaml."""
    folder = tmp_path / "lot"
    with example_pieces.kept(request) as own:
        example_pieces.give(folder / "pieces", own=own)
        shutil.copyfile(VALID_EXAMPLE / "dossier.yaml", folder / "valide.yaml")
        yield Batch(folder)


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing `needle`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the text")
