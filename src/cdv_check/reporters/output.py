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

_NAME_MAX = 255
"""Bytes in one file name on the usual file systems (ext4, APFS, NTFS in UTF-16 units)."""
_TEMP_EXTRA = len(".") + len(".") + 8 + len(".tmp")
"""What mkstemp adds around the prefix: `.{name}.XXXXXXXX.tmp`."""


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
    fd, temp = tempfile.mkstemp(prefix=f".{temp_stem(target.name)}.", suffix=".tmp", dir=folder)
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


def temp_stem(name: str) -> str:
    """`name`, shortened by whole characters so that the temporary name beside it stays a legal
    file name: any name the user may give (up to 255 bytes) gets its report."""
    room = _NAME_MAX - _TEMP_EXTRA
    while len(os.fsencode(name)) > room:
        name = name[:-1]
    return name
