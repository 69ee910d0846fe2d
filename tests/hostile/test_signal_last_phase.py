"""SIGTERM or Ctrl-C while the end of the report is written (the workbook of a large batch takes
minutes): the run stops at once with 143 or 130, and no file is written, not even in part (the
previous report of that name, if any, is left as it was)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EXAMPLES

COUNT = 1500


@pytest.fixture(scope="module")
def faulty_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lot-fin")
    shutil.copytree(EXAMPLES / "erreurs-typiques" / "pieces", folder / "pieces")
    text = (EXAMPLES / "erreurs-typiques" / "dossier.yaml").read_text(encoding="utf-8")
    for n in range(COUNT):
        (folder / f"dossier-{n:04}.yaml").write_text(text.replace("Foot en bas", f"Foot {n} en bas"), encoding="utf-8")
    return folder


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_while_the_workbook_is_built_leaves_no_file(
    faulty_batch: Path, tmp_path: Path, signum: int, code: int
) -> None:
    previous = tmp_path / "r.xlsx"
    process = subprocess.Popen(
        [sys.executable, "-m", "cdv_check", "--jobs", "2", "--output", str(previous), str(faulty_batch)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path,
    )
    deadline = time.monotonic() + 300
    seen_workers = False
    while time.monotonic() < deadline:  # the batch is checked by workers; once they are gone,
        workers = _children(process.pid)  # the workbook is being built
        seen_workers = seen_workers or len(workers) >= 2
        if seen_workers and not workers:
            break
        time.sleep(0.005)
    assert seen_workers and process.poll() is None, "the signal must come while the workbook is built"
    process.send_signal(signum)
    _, errors = process.communicate(timeout=120)
    assert process.returncode == code, (errors, list(tmp_path.iterdir()))
    assert "Traceback" not in errors.decode()
    assert "interrompu pendant l'écriture du rapport" in errors.decode()
    assert list(tmp_path.iterdir()) == []  # neither the workbook nor its temporary file
