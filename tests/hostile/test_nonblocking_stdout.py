"""A parent that leaves the pipe of standard output non-blocking (some CI runners and Node-based
tools do) and reads it slowly gets the whole report: cdv-check makes its output blocking before
it writes, instead of losing what a full pipe refuses (EAGAIN)."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time

from conftest import CopiesOf


def _slow_read(fd: int) -> bytes:
    """Everything written to `fd` until its end, read 1 KB at a time with pauses: the writer
    finds the pipe full again and again."""
    out = bytearray()
    while chunk := os.read(fd, 1024):
        out += chunk
        time.sleep(0.005)
    return bytes(out)


def test_a_slowly_read_non_blocking_pipe_gets_the_whole_report(copies_of: CopiesOf) -> None:
    folder = copies_of("erreurs-typiques", 30)  # some 200 KB of JSON: many times a pipe's buffer
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    if hasattr(fcntl, "F_SETPIPE_SZ"):  # Linux: the smallest pipe, full at once
        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)
    process = subprocess.Popen(
        [sys.executable, "-m", "cdv_check", "--format", "json", "--jobs", "1", str(folder)],
        stdout=write_end, stderr=subprocess.PIPE,
    )
    os.close(write_end)
    try:
        out = _slow_read(read_end)
    finally:
        os.close(read_end)
    _, errors = process.communicate(timeout=120)
    assert process.returncode == 1, errors
    report = json.loads(out)  # whole: it parses, and says every dossier
    assert len(out) > 150_000
    assert report["summary"]["dossiers"] == len(report["dossiers"]) == 30
