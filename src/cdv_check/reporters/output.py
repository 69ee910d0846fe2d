"""Where a report goes: stdout, or a new file written whole or not at all, never over another."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


class OutputExists(Exception):
    """The report file already exists: it is the user's, and is left as it is."""


@contextmanager
def open_report(target: Path | None) -> Iterator[TextIO]:
    if target is None:
        yield sys.stdout
        return
    if os.path.lexists(target):
        raise OutputExists(str(target))
    folder = target.parent if str(target.parent) else Path(".")
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            yield out
        # link() fails if the target appeared meanwhile: no file is ever replaced.
        os.link(temp, target)
    finally:
        os.unlink(temp)
