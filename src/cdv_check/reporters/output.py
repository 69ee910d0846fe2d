"""Where a report (or a new dossier from `init`) goes: stdout, or a new file written whole or not
at all, never over another. This is the one never-overwrite writer of cdv-check."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


class OutputExists(FileExistsError):
    """The target file already exists: it is the user's, and is left as it is."""


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
            out.flush()
            os.fsync(out.fileno())
        try:
            # link() fails if the target appeared meanwhile: no file is ever replaced.
            os.link(temp, target)
        except FileExistsError:
            raise OutputExists(str(target)) from None
    finally:
        os.unlink(temp)


def write_new(path: Path, text: str) -> None:
    """Write `text` to a new file, whole or not at all; OutputExists (a FileExistsError) if
    anything is already there."""
    with open_report(path) as out:
        out.write(text)
