"""Settings from .cdv-check.yaml or pyproject.toml, found upward; the command line wins."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdv_check.cli.app import app
from cdv_check.core.config import ConfigError, FileConfig, load
from cdv_check.reading.limits import Limits
from conftest import EXAMPLES, ExamplePieces


@pytest.fixture
def project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest, example_pieces: ExamplePieces
) -> Iterator[Path]:
    """A project folder holding the valid example (its pieces linked: ExamplePieces), with the
    current folder two levels below."""
    here = tmp_path / "dossiers" / "a"
    with example_pieces.kept(request) as own:
        example_pieces.give(here / "pieces", own=own)
        shutil.copyfile(EXAMPLES / "nouvelle-action" / "dossier.yaml", here / "dossier.yaml")
        monkeypatch.chdir(here)
        monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
        yield tmp_path


def _rules(*args: str) -> tuple[int, set[str]]:
    result = CliRunner().invoke(app, ["check", "--jobs", "1", "--format", "json", *args, "dossier.yaml"])
    assert result.exit_code in (0, 1), result.stderr
    report = json.loads(result.stdout)
    return result.exit_code, {f["rule"] for f in report["dossiers"][0]["findings"]}


def test_no_configuration_file(project: Path) -> None:
    assert load() == FileConfig()


def test_yaml_file_found_upward_is_applied(project: Path) -> None:
    (project / ".cdv-check.yaml").write_text("select: [PCE]\n", encoding="utf-8")
    assert _rules() == (0, {"PCE09"})


def test_pyproject_table_is_applied(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.cdv-check]\nignore = "ELG, OBJ"\nno-files = true\n', encoding="utf-8"
    )
    config = load()
    assert (config.ignore, config.no_files, config.source) == (("ELG", "OBJ"), True, project / "pyproject.toml")
    assert _rules() == (0, {"PCE09"})


def test_the_nearest_file_wins_and_yaml_before_pyproject(project: Path) -> None:
    (project / ".cdv-check.yaml").write_text("select: ELG\n", encoding="utf-8")
    nearer = project / "dossiers"
    (nearer / "pyproject.toml").write_text("[tool.cdv-check]\nselect = ['PCE']\n", encoding="utf-8")
    assert load().select == ("PCE",)
    (nearer / ".cdv-check.yaml").write_text("select: [OBJ04]\n", encoding="utf-8")
    assert load().select == ("OBJ04",)
    assert _rules() == (0, {"OBJ04"})


def test_pyproject_without_the_table_is_passed_over(project: Path) -> None:
    (project / ".cdv-check.yaml").write_text("strict: oui\n", encoding="utf-8")
    (project / "dossiers" / "pyproject.toml").write_text('[tool.ruff]\nline-length = 100\n', encoding="utf-8")
    assert load().strict is True


def test_a_pyproject_that_cannot_name_the_table_is_passed_over_even_broken(project: Path) -> None:
    (project / ".cdv-check.yaml").write_text("strict: oui\n", encoding="utf-8")
    (project / "dossiers" / "pyproject.toml").write_text("[tool.ruff\n", encoding="utf-8")
    assert load().strict is True


def test_a_table_named_through_an_escape_is_read(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool."cdv\\u002Dcheck"]\nstrict = true\n', encoding="utf-8")
    assert load().strict is True


def test_a_pyproject_not_in_utf8_is_a_usage_error(project: Path) -> None:
    (project / "pyproject.toml").write_bytes("[tool.cdv-check]\n# réglages\n".encode("latin-1"))
    result = CliRunner().invoke(app, ["check", "dossier.yaml"])
    assert result.exit_code == 2 and "pyproject.toml illisible" in result.stderr


def test_an_oversized_pyproject_is_refused_unread(project: Path) -> None:
    with (project / "pyproject.toml").open("wb") as f:
        f.truncate(3 * 1024 * 1024)  # sparse: three mebibytes of nothing
    result = CliRunner().invoke(app, ["check", "dossier.yaml"])
    assert result.exit_code == 2 and "Fichier trop gros" in result.stderr


def test_command_line_wins(project: Path) -> None:
    (project / ".cdv-check.yaml").write_text(
        "select: PCE\nignore: [PCE09]\nstrict: true\nformat: text\njobs: 3\ndate-depot: 11/01/2016\n",
        encoding="utf-8",
    )
    dossier = Path("dossier.yaml")
    dossier.write_text(dossier.read_text(encoding="utf-8").replace("date_depot: 2016-01-06\n", ""), encoding="utf-8")
    config = load()
    assert (config.format, config.jobs, config.date_depot) == ("text", 3, date(2016, 1, 11))
    assert _rules() == (0, set())
    assert _rules("--select", "ELG,PCE") == (1, {"ELG06"})  # late: date-depot of the file
    assert _rules("--select", "ELG", "--date-depot", "2016-01-06") == (0, {"ELG06"})
    assert _rules("--ignore", "OBJ") == (0, {"PCE09"})


def test_strict_from_the_file_and_no_strict_on_the_command_line(project: Path) -> None:
    dossier = Path("dossier.yaml")
    dossier.write_text(
        dossier.read_text(encoding="utf-8").replace("  axes_transversaux: [egalite_femmes_hommes]\n", ""),
        encoding="utf-8",
    )
    (project / ".cdv-check.yaml").write_text("strict: true\n", encoding="utf-8")
    assert _rules()[0] == 1
    assert _rules("--no-strict")[0] == 0


def test_format_from_the_file(project: Path) -> None:
    (project / ".cdv-check.yaml").write_text("format: junit\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--jobs", "1", "dossier.yaml"])
    assert result.stdout.startswith("<?xml")
    result = CliRunner().invoke(app, ["check", "--jobs", "1", "--format", "text", "dossier.yaml"])
    assert result.stdout.startswith("dossier.yaml:")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("selct: [PCE]\n", "clé « selct » inconnue. Vouliez-vous dire « select » ?"),
        ("strict: peut-être\n", "valeur de « strict » refusée : true ou false attendu"),
        ("jobs: 0\n", "valeur de « jobs » refusée"),
        ("format: xml\n", "formats possibles : rich, text, json"),
        ("date-depot: 2016-13-45\n", "valeur de « date-depot » refusée"),
        ("select: [PCE\n", ".cdv-check.yaml, ligne"),
        ("- select\n", "un ensemble de clés"),
        ("select: [PCE]\nselect: [BUD]\n", "ligne"),
    ],
)
def test_a_wrong_file_is_a_french_usage_error(project: Path, text: str, expected: str) -> None:
    (project / ".cdv-check.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(expected)):
        load()
    result = CliRunner().invoke(app, ["check", "dossier.yaml"])
    assert result.exit_code == 2
    assert result.stderr.startswith("cdv-check : configuration : ") and expected in result.stderr
    assert result.stdout == ""


def test_a_configuration_cannot_drive_the_terminal(project: Path) -> None:
    (project / ".cdv-check.yaml").write_text('select: ["\\u001b[2JX"]\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "dossier.yaml"])
    assert result.exit_code == 2 and "[2JX ne désigne aucune règle" in result.stderr
    assert "\x1b" not in result.stderr


def test_broken_pyproject_is_a_usage_error(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.cdv-check\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "dossier.yaml"])
    assert result.exit_code == 2
    assert "pyproject.toml illisible : syntaxe TOML invalide à la ligne 1, colonne 16." in result.stderr



def test_the_limits_given_bound_the_configuration_file(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.cdv-check]\nignore = ["OBJ04"]\n', encoding="utf-8")
    assert load().ignore == ("OBJ04",)
    with pytest.raises(ConfigError, match="Fichier trop gros"):
        load(limits=Limits(file_bytes=16))
    (project / ".cdv-check.yaml").write_text("ignore: [OBJ04]\nstrict: true\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="Fichier trop gros"):
        load(limits=Limits(file_bytes=16))


@pytest.mark.parametrize(
    "toml",
    [
        "[tool.cdv-check]\nstrict = true\n",
        "[ tool . 'cdv-check' ]\nstrict = true\n",
        "[tool]\ncdv-check = {strict = true}\n",
        "tool.cdv-check.strict = true\n",
        'tool = {"cdv-check" = {strict = true}}\n',
    ],
)
def test_every_way_toml_names_the_table_is_read(project: Path, toml: str) -> None:
    text = toml + '[project]\nname = "demandes"\n' if toml.startswith("tool") else '[project]\nname = "x"\n' + toml
    (project / "pyproject.toml").write_text(text, encoding="utf-8")  # root keys come before any table
    assert load().strict is True


def test_a_pyproject_that_only_depends_on_cdv_check_is_not_read(project: Path) -> None:
    # A repository of dossiers lists cdv-check as a dependency: that file says nothing to cdv-check,
    # whatever else it holds (here a table left unclosed by someone else's tool).
    (project / "pyproject.toml").write_text(
        '[project]\nname = "demandes"\ndependencies = ["cdv-check>=0.1"]\n\n[project.scripts]\n'
        'cdv-check = "cdv_check.__main__:main"\n\n[tool.autre\n',
        encoding="utf-8",
    )
    assert load() == FileConfig()
    code, _ = _rules()
    assert code == 0


def test_one_function_merges_defaults_file_and_given_settings(project: Path) -> None:
    from cdv_check.core.config import Given, resolve

    (project / ".cdv-check.yaml").write_text(
        "strict: true\nselect: [PCE]\ndate-depot: 2016-01-04\nformat: csv\njobs: 3\n", encoding="utf-8"
    )
    from_file = resolve(today=date(2016, 1, 5))
    assert (from_file.strict, from_file.check.select, from_file.check.deposit_date, from_file.format,
            from_file.jobs, from_file.source) == (
        True, ("PCE",), date(2016, 1, 4), "csv", 3, project / ".cdv-check.yaml")
    given = resolve(Given(strict=False, select="bud03,ELG", date_depot="08/01/2016", output=Path("r.html"),
                          no_files=True), today=date(2016, 1, 5))
    assert (given.strict, given.check.select, given.check.deposit_date, given.format, given.no_files) == (
        False, ("BUD03", "ELG"), date(2016, 1, 8), "html", True)
    (project / ".cdv-check.yaml").unlink()
    default = resolve(today=date(2016, 1, 5))
    assert (default.strict, default.check.select, default.check.deposit_date, default.jobs, default.format) == (
        False, (), None, None, "text")


def test_the_settings_function_refuses_in_french(project: Path) -> None:
    from cdv_check.core.config import Given, SettingsError, resolve

    with pytest.raises(SettingsError, match="--select : XYZ ne désigne aucune règle"):
        resolve(Given(select=["XYZ"]))
    with pytest.raises(SettingsError, match="--date-depot « demain »"):
        resolve(Given(date_depot="demain"))
    (project / ".cdv-check.yaml").write_text("stict: true\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"^configuration : .*Vouliez-vous dire « strict »"):
        resolve()
