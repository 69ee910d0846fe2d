"""SIGINT (Ctrl-C, repeated, to the whole process group) and SIGTERM (a cancelled CI job,
`timeout`, to the main process or to the group) during a parallel batch: no worker outlives the
run nor keeps its output open, the report is whole and closed (or not there at all), no
temporary file is left beside `--output`, the exit code is 130 or 143."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import VALID_EXAMPLE, VALID_TEXT

COUNT = 1500


@pytest.fixture(scope="module")
def big_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lot-signaux")
    shutil.copytree(VALID_EXAMPLE / "pieces", folder / "pieces")
    for n in range(COUNT):
        (folder / f"dossier-{n:04}.yaml").write_text(VALID_TEXT, encoding="utf-8")
    return folder


def _group(pgid: int) -> set[int]:
    """The processes still in process group `pgid` (zombies not counted: they are done)."""
    members = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.add(int(entry))
    return members


def _signalled_run(
    folder: Path, tmp_path: Path, send: Callable[[subprocess.Popen[bytes]], None], *options: str
) -> tuple[int, bytes, str, set[int]]:
    """Start a batch in its own process group, `send` signals once the report has begun; the
    exit code, stdout, stderr, and the workers seen before the signal. Once it has ended, no
    process is left in its group."""
    process = subprocess.Popen(
        [sys.executable, "-m", "cdv_check", "check", "--jobs", "2", "--format", "json", *options, str(folder)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, start_new_session=True, bufsize=0,
    )
    assert process.stdout is not None
    started = process.stdout.read(400) if not options else b""
    if options:  # --output: wait for the temporary file, and for the workers
        deadline = time.monotonic() + 60
        while not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"] and time.monotonic() < deadline:
            time.sleep(0.01)
    deadline = time.monotonic() + 30
    workers = _group(process.pid) - {process.pid}
    while not workers and time.monotonic() < deadline:
        time.sleep(0.01)
        workers = _group(process.pid) - {process.pid}
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    assert workers or cores == 1, "the batch should run in worker processes"
    send(process)
    try:
        rest, errors = process.communicate(timeout=60)  # EOF only once no process holds the pipes
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise
    deadline = time.monotonic() + 10  # a worker may take a moment to die of its signal
    while _group(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _group(process.pid), "processes left behind"
    return process.returncode, started + rest, errors.decode(), workers


def _twice_ctrl_c(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGINT)
    time.sleep(0.03)
    os.killpg(process.pid, signal.SIGINT)


def _term_pid(process: subprocess.Popen[bytes]) -> None:
    os.kill(process.pid, signal.SIGTERM)


def _term_group(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)


SENDERS = [(_twice_ctrl_c, 130), (_term_pid, 143), (_term_group, 143)]


def _assert_whole_report(report: dict[str, object]) -> None:
    assert report["interrupted"] is True
    summary, dossiers = report["summary"], report["dossiers"]
    assert isinstance(summary, dict) and isinstance(dossiers, list)
    assert summary["dossiers"] == len(dossiers) < COUNT


@pytest.mark.parametrize(("send", "code"), SENDERS, ids=["sigint-twice-group", "sigterm-pid", "sigterm-group"])
def test_signal_on_stdout_ends_workers_and_closes_the_report(
    big_batch: Path, tmp_path: Path, send: Callable[[subprocess.Popen[bytes]], None], code: int
) -> None:
    returncode, out, err, workers = _signalled_run(big_batch, tmp_path, send)
    assert returncode == code, err
    assert "Traceback" not in err
    assert not any(_alive(pid) for pid in workers)
    _assert_whole_report(json.loads(out))


@pytest.mark.parametrize(("send", "code"), SENDERS, ids=["sigint-twice-group", "sigterm-pid", "sigterm-group"])
def test_signal_with_output_leaves_the_report_or_nothing_and_no_temporary_file(
    big_batch: Path, tmp_path: Path, send: Callable[[subprocess.Popen[bytes]], None], code: int
) -> None:
    returncode, _out, err, workers = _signalled_run(big_batch, tmp_path, send, "--output", "r.json")
    assert returncode == code, err
    assert "Traceback" not in err
    assert not any(_alive(pid) for pid in workers)
    assert [p.name for p in tmp_path.iterdir()] in ([], ["r.json"])
    if (tmp_path / "r.json").exists():
        _assert_whole_report(json.loads((tmp_path / "r.json").read_text(encoding="utf-8")))


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_parent_killed_outright_leaves_no_worker(big_batch: Path, tmp_path: Path) -> None:
    def kill(process: subprocess.Popen[bytes]) -> None:
        process.kill()  # SIGKILL: no handler runs

    returncode, _out, _err, workers = _signalled_run(big_batch, tmp_path, kill)  # the group empties
    assert returncode == -signal.SIGKILL
    assert not any(_alive(pid) for pid in workers)
