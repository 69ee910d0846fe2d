"""One référentiel for a whole run: `--referentiel` on every command, or the `referentiel` key of
the configuration file (`.cdv-check.yaml`, `[tool.cdv-check]`), a path relative to that file."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdv_check.cli.app import app
from cdv_check.model.referentiel import embedded_path
from conftest import VALID_EXAMPLE, yaml_data, yaml_text


@cache
def _other_text() -> str:
    """The 2016 référentiel under another id, its first QPV renamed « Les Aulnes »."""
    data = yaml_data(embedded_path().read_text(encoding="utf-8"))
    data["id"] = "autre-appel"
    data["qpv"][0]["nom"] = "Les Aulnes"
    data["textes"]["titre"] = "Contrat de Ville d'ailleurs"
    data["appel"]["titre"] = "Appel à projets d'ailleurs"
    return yaml_text(data)


def _other_call(path: Path) -> Path:
    """The other call's référentiel written at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_other_text(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def other(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Written once for the tests that only read it."""
    return _other_call(tmp_path_factory.mktemp("autre") / "appel.yaml")


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"NO_COLOR": "1", "COLUMNS": "120"})
    return result.exit_code, result.output


@pytest.mark.parametrize("command", [["qpv"], ["qpv", "--format", "json"], ["rules", "ELG03"], ["init", "-"],
                                     ["objectives", "--search", "devoirs"], ["schema"]])
def test_every_command_takes_the_referentiel_option(other: Path, command: list[str]) -> None:
    code, said = _run(*command, "--referentiel", str(other))
    assert code == 0, said
    code, usual = _run(*command)
    assert code == 0, usual
    assert said != usual  # the other call's words, not the embedded one's


def test_the_configuration_names_the_referentiel_relative_to_its_own_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _other_call(tmp_path / "appels" / "autre.yaml")
    (tmp_path / ".cdv-check.yaml").write_text("referentiel: appels/autre.yaml\n", encoding="utf-8")
    below = tmp_path / "demandes" / "2031"
    below.mkdir(parents=True)
    monkeypatch.chdir(below)  # run from a subfolder: the path is still the configuration's
    code, said = _run("qpv")
    assert code == 0 and "Les Aulnes" in said and "Borny" not in said, said
    code, said = _run("check", str(VALID_EXAMPLE / "dossier.yaml"), "--format", "json")
    assert json.loads(said)["referentiel"] == "autre-appel"
    code, said = _run("check", str(VALID_EXAMPLE / "dossier.yaml"), "--format", "json",
                      "--referentiel", str(embedded_path()))
    assert json.loads(said)["referentiel"] == "metz-metropole-2016"  # the option wins over the file


def test_pyproject_names_the_referentiel_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _other_call(tmp_path / "autre.yaml")
    (tmp_path / "pyproject.toml").write_text('[tool.cdv-check]\nreferentiel = "autre.yaml"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, said = _run("rules", "ELG03")
    assert code == 0 and "Les Aulnes" in said, said


def test_a_referentiel_that_is_not_there_is_a_usage_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".cdv-check.yaml").write_text("referentiel: absent.yaml\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for command in (["qpv"], ["check", str(VALID_EXAMPLE / "dossier.yaml")]):
        code, said = _run(*command)
        assert code == 2, said
        assert "absent.yaml" in said and "Traceback" not in said
    (tmp_path / ".cdv-check.yaml").write_text("referentiel: [a.yaml, b.yaml]\n", encoding="utf-8")
    code, said = _run("qpv")
    assert code == 2 and "referentiel" in said and "chemin" in said, said
