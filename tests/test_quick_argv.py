"""The quick reader of the everyday command line must read exactly what typer reads, or step aside."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from cdv_check.cli import app as cli
from cdv_check.cli.check import COMMANDS, CheckOptions
from cdv_check.cli.fast_path import plain_check
from cdv_check.reporters import FORMATS

WORDS = [
    "dossier.yaml", "lot/", "*.yaml", "-", "", "check", "rules", "json", "xml",
    "--format", "-f", "--format=jsonl", "--format=", "-fjson", "-f=json",
    "--strict", "--no-strict", "--files", "--no-files", "--strict=1",
    "--jobs", "2", "--select", "PCE", "--help", "--version", "--", "-x",
    "--format=csv", "--format=html", "--min-severity", "warning", "--output", "rapport.html",
]


def typer_reads(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> CheckOptions | None:
    """The options the typer application hands to the check, or None if it does not run it."""
    seen: list[CheckOptions] = []
    def run_check(options: CheckOptions) -> int:
        seen.append(options)
        return 0

    monkeypatch.setattr(cli, "run_check", run_check)
    CliRunner().invoke(cli.app, argv)
    return seen[0] if seen else None


def test_the_commands_are_the_applications() -> None:
    assert set(COMMANDS) == {command.name for command in cli.app.registered_commands}


@pytest.mark.parametrize(
    "argv",
    [
        ["dossier.yaml"],
        ["a.yaml", "b.json", "--format", "json"],
        ["--format=jsonl", "lot/"],
        ["-f", "sarif", "lot/"],
        ["--strict", "-", "--no-files"],
        ["--no-strict", "--files", "a.yaml"],
        ["a.yaml", "check"],
    ],
)
def test_everyday_lines_are_read_as_typer_reads_them(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    quick = plain_check(argv, {}, FORMATS)
    assert quick is not None
    assert quick == typer_reads(argv, monkeypatch)


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["check", "a.yaml"],
        ["rules"],
        ["--help"],
        ["a.yaml", "--jobs", "2"],
        ["a.yaml", "--min-severity", "warning"],
        ["a.yaml", "--output", "rapport.html"],
        ["a.yaml", "--format", "xml"],
        ["a.yaml", "--format"],
        ["a.yaml", "-fjson"],
        ["a.yaml", "--strict", "--strict"],
        ["--", "a.yaml"],
        ["--strict"],
    ],
)
def test_anything_else_goes_to_typer(argv: list[str]) -> None:
    assert plain_check(argv, {}, FORMATS) is None


def test_shell_completion_goes_to_typer() -> None:
    assert plain_check(["a.yaml"], {"_CDV_CHECK_COMPLETE": "bash_complete"}, FORMATS) is None


@given(st.lists(st.sampled_from(WORDS), max_size=6))
def test_whatever_the_quick_reader_accepts_typer_reads_the_same(argv: list[str]) -> None:
    quick = plain_check(argv, {}, FORMATS)
    if quick is None:
        return
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert quick == typer_reads(argv, monkeypatch)
