"""Ctrl-C during a batch: the dossiers done so far are reported whole, the report is closed,
the exit code is 130, and no traceback is printed."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import VALID_EXAMPLE, VALID_TEXT

COUNT = 400


@pytest.fixture(scope="module")
def big_batch(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("gros-lot")
    shutil.copytree(VALID_EXAMPLE / "pieces", folder / "pieces")
    paths = [folder / f"dossier-{n:03}.yaml" for n in range(COUNT)]
    for path in paths:
        path.write_text(VALID_TEXT, encoding="utf-8")
    return paths


def _interrupted_run(
    paths: list[Path], tmp_path: Path, *options: str, lines: int = 1
) -> tuple[int, str, str]:
    """Start cdv-check, send SIGINT once `lines` lines are written, return code and output."""
    out_path, err_path = tmp_path / "sortie", tmp_path / "erreurs"
    folder = paths[0].parent
    with out_path.open("wb") as out, err_path.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "cdv_check", "check", *options, str(folder)],
            stdout=out,
            stderr=err,
        )
        while process.poll() is None and out_path.read_bytes().count(b"\n") < lines:
            time.sleep(0.01)
        process.send_signal(signal.SIGINT)
        code = process.wait()
    return code, out_path.read_text(encoding="utf-8"), err_path.read_text(encoding="utf-8")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_jsonl_keeps_every_dossier_done_whole(
    big_batch: list[Path], tmp_path: Path, jobs: str
) -> None:
    code, out, err = _interrupted_run(big_batch, tmp_path, "--jobs", jobs, "--format", "jsonl")
    assert code == 130
    assert "Traceback" not in err
    assert out.endswith("\n")
    *dossiers, last = [json.loads(line) for line in out.splitlines()]
    assert last["type"] == "synthese" and last["interrupted"] is True
    assert last["summary"]["dossiers"] == len(dossiers)
    assert 0 < len(dossiers) < COUNT
    # In the batch's stable order, with nothing skipped before the interruption.
    assert [d["file"] for d in dossiers] == [str(p) for p in big_batch[: len(dossiers)]]
    assert all(d["passed"] and set(d) >= {"counts", "findings"} for d in dossiers)


def test_json_report_is_closed_and_marked_interrupted(big_batch: list[Path], tmp_path: Path) -> None:
    code, out, err = _interrupted_run(
        big_batch, tmp_path, "--jobs", "2", "--format", "json", lines=2
    )
    assert code == 130
    assert "Traceback" not in err
    report = json.loads(out)
    assert report["interrupted"] is True
    summary, dossiers = report["summary"], report["dossiers"]
    assert summary["dossiers"] == len(dossiers) < COUNT
    assert summary["passed"] + summary["failed"] == summary["dossiers"]
    assert [d["file"] for d in dossiers] == [str(p) for p in big_batch[: len(dossiers)]]


def test_text_report_says_it_was_interrupted(big_batch: list[Path], tmp_path: Path) -> None:
    code, out, err = _interrupted_run(big_batch, tmp_path, "--jobs", "2", "--format", "text")
    assert code == 130
    assert "Traceback" not in err
    last = out.splitlines()[-1]
    assert last.startswith("interrompu : ")
    # The batch rules' lines (LOT) come last, about the dossiers checked until then.
    reported = {line.split(":", 1)[0] for line in out.splitlines()[:-1] if ": LOT0" not in line}
    assert reported
    assert last.startswith(f"interrompu : {len(reported)} dossier(s)")
