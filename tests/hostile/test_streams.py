"""Standard streams that are closed or go away: a report cut short, never a traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, CopiesOf, Main

FAULTY = str(EXAMPLES / "erreurs-typiques" / "dossier.yaml")


def _closed(redirection: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The program started with one standard stream closed by the shell (`>&-`, `<&-`)."""
    script = f'exec "$0" -m cdv_check "$@" {redirection}'
    return subprocess.run(["sh", "-c", script, sys.executable, *args], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("command", [[], ["check"]])
def test_closed_stdout_still_gives_the_exit_code(command: list[str]) -> None:
    result = _closed(">&-", *command, FAULTY, "--format", "text")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr


def test_closed_stdin_is_an_empty_dossier() -> None:
    result = _closed("<&-", "-", "--format", "text")
    assert result.returncode == 1
    assert result.stdout.startswith("-: SCH03 erreur Le fichier est vide.")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [[], ["check"]])
def test_a_reader_that_leaves_early_stops_the_report_quietly(copies_of: CopiesOf, command: list[str]) -> None:
    folder = copies_of("erreurs-typiques", 40)  # well over a pipe's buffer of report
    process = subprocess.Popen(
        [sys.executable, "-m", "cdv_check", *command, str(folder), "--format", "jsonl"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(100)
    process.stdout.close()  # like `| head -c 100`
    errors = process.stderr.read().decode()
    assert process.wait(timeout=60) == 1
    assert "Traceback" not in errors and "BrokenPipe" not in errors


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("command", [[FAULTY, "--format", "json"], ["check", FAULTY], ["rules"], ["qpv"]])
def test_a_full_disk_is_a_french_message_and_exit_2(command: list[str]) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "cdv_check", *command], stdout=full, stderr=subprocess.PIPE, text=True, timeout=60
        )
    assert result.returncode == 2
    assert "plus de place sur le disque" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("target", ["absent/rapport.json", "dossier.yaml/rapport.json", "x" * 300])
def test_a_report_file_that_cannot_be_created_is_exit_2(cdv: Main, tmp_path: Path, target: str) -> None:
    shutil.copytree(EXAMPLES / "nouvelle-action", tmp_path, dirs_exist_ok=True)
    result = cdv(["dossier.yaml", "--output", target], cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"cdv-check : impossible d'écrire le rapport dans « {target} » : ")
    assert "Traceback" not in result.stderr
