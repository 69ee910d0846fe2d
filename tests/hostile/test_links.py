"""One policy for symbolic links, the same as for piece files: a link found by walking a folder
or by expanding a pattern is not followed (its target is never read); a path named on the command
line is the user's choice and is read. A pattern's `**` never loops through `ln -s . a`."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import Main

from .conftest import VALID_EXAMPLE, VALID_TEXT

SECRET = "hunter2-ne-doit-pas-sortir"


@pytest.fixture(scope="module")
def demandes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """demandes/ holds a real dossier, links to a file outside and to /etc/passwd, and two links
    to itself; secret/ (beside it) holds a YAML file with a value that must not come out.
    Made once for the module: the tests only read it."""
    tmp_path = tmp_path_factory.mktemp("liens")
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "creds.yml").write_text(f"motdepasse: {SECRET}\nporteur: {SECRET}\n", encoding="utf-8")
    folder = tmp_path / "demandes"
    shutil.copytree(VALID_EXAMPLE / "pieces", folder / "pieces")
    (folder / "vrai.yaml").write_text(VALID_TEXT, encoding="utf-8")
    os.symlink("../secret/creds.yml", folder / "a.yaml")
    os.symlink("/etc/passwd", folder / "p.yaml")
    os.symlink(".", folder / "boucle-a")
    os.symlink(".", folder / "boucle-b")
    return folder


def _run(cdv: Main, cwd: Path, *paths: str) -> tuple[int, dict[str, dict[str, Any]], str]:
    result = cdv(["check", "--format", "json", "--jobs", "1", *paths], cwd=cwd)
    assert "Traceback" not in result.stderr, result.stderr
    report = json.loads(result.stdout)
    return result.returncode, {d["file"]: d for d in report["dossiers"]}, result.stdout


@pytest.mark.parametrize("given", ["demandes", "demandes/**/*.yaml", "demandes/*.yaml", "**/*.yaml"])
def test_links_found_by_walking_are_not_followed(cdv: Main, demandes: Path, given: str) -> None:
    code, dossiers, out = _run(cdv, demandes.parent, given)
    assert code == 1
    assert SECRET not in out and "root:" not in out
    real = {name for name in dossiers if name.endswith("vrai.yaml")}
    assert len(real) == 1  # once, not again through boucle-a/, boucle-b/, boucle-a/boucle-b/…
    assert dossiers[real.pop()]["passed"]
    for name in ("a.yaml", "p.yaml"):
        (link,) = [d for f, d in dossiers.items() if f.endswith(name)]
        [finding] = link["findings"]
        assert finding["rule"] == "SCH01" and "lien symbolique" in finding["message"]
    assert len(dossiers) == 3


def test_a_link_named_on_the_command_line_is_read(cdv: Main, demandes: Path) -> None:
    code, dossiers, _out = _run(cdv, demandes.parent, "demandes/a.yaml")
    assert code == 1
    (dossier,) = dossiers.values()
    assert not [f for f in dossier["findings"] if "lien symbolique" in f["message"]]


def test_a_link_to_a_folder_named_literally_in_a_pattern_is_entered(cdv: Main, demandes: Path) -> None:
    code, dossiers, _out = _run(cdv, demandes.parent, "demandes/boucle-a/vrai.y*ml")
    assert code == 0
    assert list(dossiers) == ["demandes/boucle-a/vrai.yaml"]


def test_a_link_both_walked_and_named_is_read(cdv: Main, demandes: Path) -> None:
    _code, dossiers, _out = _run(cdv, demandes.parent, "demandes", "demandes/a.yaml")
    link = dossiers["demandes/a.yaml"]
    assert not [f for f in link["findings"] if "lien symbolique" in f["message"]]
