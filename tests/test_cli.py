"""The command line as a user types it: default command, French errors, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdv_check import __version__
from cdv_check.cli.app import app
from conftest import EXAMPLES, Main, MakeCase, Ran

VALID = str(EXAMPLES / "nouvelle-action" / "dossier.yaml")


Cdv = Callable[..., Ran]


@pytest.fixture
def cli(cdv: Main) -> Cdv:
    """The real program, as the console script runs it (the default command needs `run`)."""

    def run(*args: str, stdin: str = "") -> Ran:
        return cdv(args, stdin=stdin.encode(), env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"})

    return run


def test_a_path_alone_means_check(cli: Cdv) -> None:
    plain = cli("--format", "json", VALID)
    explicit = cli("check", "--format", "json", VALID)
    assert plain.returncode == explicit.returncode == 0
    assert json.loads(plain.stdout) == json.loads(explicit.stdout)


def test_text_is_the_default_off_a_terminal(cli: Cdv) -> None:
    result = cli(VALID)
    assert result.stdout.startswith(f"{VALID}:")
    assert "\x1b" not in result.stdout


def test_version(cli: Cdv) -> None:
    result = cli("--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"cdv-check {__version__}")


def test_unknown_option_is_a_french_usage_error(cli: Cdv) -> None:
    result = cli("--fromat", "json", VALID)
    assert result.returncode == 2
    assert "option inconnue --fromat" in result.stderr
    assert "Vouliez-vous dire --format" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["qpv", "borny", "sablon"], "argument(s) en trop : sablon."),
        (["check", "-f"], "l'option -f attend une valeur."),
        ([VALID, "--strict=oui"], "l'option --strict ne prend pas de valeur."),
        (["check", VALID, "--output", "/"],
         "valeur invalide pour --output : « / » est un dossier, un fichier est attendu."),
    ],
)
def test_usage_errors_are_french(cli: Cdv, args: list[str], message: str) -> None:
    result = cli(*args)
    assert result.returncode == 2
    assert result.stderr.startswith(f"cdv-check : {message}\nAide : ")


def test_a_typed_option_cannot_drive_the_terminal(cli: Cdv) -> None:
    result = cli("--x\x1b[2J", VALID)
    assert result.returncode == 2
    assert "option inconnue --x [2J." in result.stderr and "\x1b" not in result.stderr


def test_bad_format_lists_the_formats(cli: Cdv) -> None:
    result = cli("--format", "xml", VALID)
    assert result.returncode == 2
    assert "valeurs possibles" in result.stderr and "'json'" in result.stderr


def test_missing_path_is_exit_2_and_nothing_is_checked(cli: Cdv) -> None:
    result = cli(VALID, "absent.yaml")
    assert result.returncode == 2
    assert "chemin introuvable : « absent.yaml »." in result.stderr
    assert result.stdout == ""


def test_a_mistyped_command_is_named(cli: Cdv) -> None:
    result = cli("objectif", "2.7")
    assert result.returncode == 2
    assert result.stderr == (
        "cdv-check : chemins introuvables : « objectif », « 2.7 ». "
        "Vouliez-vous dire la commande « cdv-check objectives » ?\n"
    )
    assert "Vouliez-vous" not in cli("check.yaml").stderr  # a file name is not taken for a command


def test_a_missing_path_is_quoted_and_inert(cli: Cdv) -> None:
    assert cli("").stderr == "cdv-check : chemin introuvable : «  ».\n"
    assert cli("a\x1b[31m\nb.yaml").stderr == "cdv-check : chemin introuvable : « a [31m b.yaml ».\n"


def test_help_is_french(cli: Cdv) -> None:
    result = cli("check", "--help")
    assert result.returncode == 0
    assert "Utilisation : " in result.stdout
    assert "Affiche cette aide et quitte." in result.stdout
    assert "Show this message" not in result.stdout


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"], ["objectives", "--help"], ["rules", "--help"]])
def test_help_shows_no_python_type_nor_cut_sentence(cli: Cdv, args: list[str]) -> None:
    out = cli(*args).stdout
    assert "<str>" not in out and "<list[str]>" not in out and "COMMAND [ARGS]" not in out
    usage, *rest = out.splitlines()
    assert usage.startswith("Utilisation : cdv-check")
    assert not any(line.endswith("...") for line in rest)  # click cuts long command summaries so


def test_standard_input(cli: Cdv) -> None:
    text = Path(VALID).read_text(encoding="utf-8")
    result = cli("--format", "json", "--no-files", "-", stdin=text)
    report = json.loads(result.stdout)
    assert report["dossiers"][0]["file"] == "-"
    assert report["dossiers"][0]["passed"] is True


def test_standard_input_says_its_pieces_are_not_opened(cli: Cdv) -> None:
    text = Path(VALID).read_text(encoding="utf-8")
    result = cli("--format", "json", "-", stdin=text)
    assert result.returncode == 0
    assert "ses pièces ne sont pas ouvertes" in result.stderr
    assert cli("--format", "json", "--no-files", "-", stdin=text).stderr == ""


def test_date_depot_option_applies_when_the_dossier_has_none(make_case: MakeCase) -> None:
    case = make_case({"date_depot: 2016-01-06\n": ""})
    runner = CliRunner()
    late = runner.invoke(app, ["check", "--format", "json", "--date-depot", "11/01/2016", str(case.path)])
    assert late.exit_code == 1
    [finding] = [f for f in json.loads(late.stdout)["dossiers"][0]["findings"] if f["rule"] == "ELG06"]
    assert finding["severity"] == "error" and "11 janvier 2016" in finding["message"]
    assert finding["line"] is None  # the date came from the command line, not from the file
    bad = runner.invoke(app, ["check", "--date-depot", "2016-13-45", str(case.path)])
    assert bad.exit_code == 2
    assert "--date-depot" in bad.stderr


def test_no_files_does_not_open_pieces(make_case: MakeCase) -> None:
    case = make_case({"rib: pieces/rib.pdf": "rib: pieces/absent.pdf"})
    runner = CliRunner()
    opened = runner.invoke(app, ["check", "--format", "json", str(case.path)])
    assert "PCE07" in opened.stdout and opened.exit_code == 1
    declared = runner.invoke(app, ["check", "--format", "json", "--no-files", str(case.path)])
    assert "PCE07" not in declared.stdout and declared.exit_code == 0


def test_broken_referentiel_is_exit_2_naming_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "ref.yaml"
    broken.write_text("id: x\nqpv: [\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--referentiel", str(broken), VALID])
    assert result.exit_code == 2
    assert f"{broken}:3:" in result.stderr and "référentiel" in result.stderr
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text("id: x\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--referentiel", str(invalid), VALID])
    assert result.exit_code == 2
    assert "appel" in result.stderr  # names the missing part


@pytest.mark.parametrize("args", [["--select", "PCE"], ["--ignore", "ELG,OBJ,PCE09"]])
def test_select_and_ignore_take_prefixes(args: list[str]) -> None:
    result = CliRunner().invoke(app, ["check", "--format", "json", *args, VALID])
    rules = {f["rule"] for f in json.loads(result.stdout)["dossiers"][0]["findings"]}
    if args[0] == "--select":
        assert rules == {"PCE09"}
    else:
        assert rules == set()


@pytest.mark.parametrize("args", [["--select", "BUD"], ["--ignore", "SCH"]])
def test_a_file_that_cannot_be_parsed_fails_whatever_the_selection(tmp_path: Path, args: list[str]) -> None:
    broken = tmp_path / "casse.yaml"
    broken.write_text("porteur: [\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--format", "json", *args, str(broken)])
    assert result.exit_code == 1
    [dossier] = json.loads(result.stdout)["dossiers"]
    assert [f["rule"] for f in dossier["findings"]] == ["SCH02"] and dossier["passed"] is False


def test_a_repeated_select_adds_up() -> None:
    result = CliRunner().invoke(app, ["check", "--format", "json", "--select", "OBJ04", "--select", "PCE09", VALID])
    assert {f["rule"] for f in json.loads(result.stdout)["dossiers"][0]["findings"]} == {"OBJ04", "PCE09"}


@pytest.mark.parametrize("value", ["", ",,,", " "])
def test_an_empty_selection_is_a_usage_error(value: str) -> None:
    result = CliRunner().invoke(app, ["check", "--select", value, VALID])
    assert result.exit_code == 2 and "--select sans règle" in result.stderr


def test_select_naming_no_rule_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["check", "--select", "PCX", VALID])
    assert result.exit_code == 2
    assert "PCX ne désigne aucune règle" in result.stderr


def test_a_previous_report_is_replaced_whole(tmp_path: Path) -> None:
    report = tmp_path / "rapport.json"
    report.write_text('{"tool": "cdv-check", "version": "0.0.1", "dossiers": [\n', encoding="utf-8")  # cut short
    result = CliRunner().invoke(app, ["check", "--output", str(report), VALID])  # json, from the name
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["dossiers"] == 1


@pytest.mark.parametrize(
    "args", [["qpv"], ["objectives", "--search", "sante"], ["objectives", "2.7", "--format", "json"]]
)
def test_browsing_the_call_does_not_load_the_rules(args: list[str]) -> None:
    # `objectives` and `qpv` read the référentiel only: loading every rule would slow them down.
    program = (
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stderr.write('LOADED ' + ' '.join(sorted(sys.modules)) + '\\n'))\n"
        "from cdv_check.__main__ import main\n"
        f"sys.argv = ['cdv-check', *{args!r}]\n"
        "main()\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60,
                            env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"})
    assert result.returncode == 0, result.stderr
    loaded = result.stderr.rsplit("LOADED ", 1)[1].split()
    assert "cdv_check.model.referentiel" in loaded
    # the configuration file is read (its `referentiel` key), nothing else of the core
    core = [m for m in loaded if m.startswith(("cdv_check.rules", "cdv_check.core"))]
    assert set(core) <= {"cdv_check.core", "cdv_check.core.config"}, core
