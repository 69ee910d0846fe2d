"""Where a report (or a new dossier from `init`) goes: stdout, or a file written whole or not at
all, beside its target then moved into place, with the permissions the umask gives.

A report replaces the previous report of that name atomically (`open_report`, cli.md); a new
dossier never replaces anything (`write_new`, the one never-overwrite writer of cdv-check).
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

_NAME_MAX = 255
"""Bytes in one file name on the usual file systems (ext4, APFS, NTFS in UTF-16 units)."""
_TEMP_EXTRA = len(".") + len(".") + 8 + len(".tmp")
"""What mkstemp adds around the prefix: `.{name}.XXXXXXXX.tmp`."""


class OutputExists(FileExistsError):
    """The target file already exists: it is the user's, and is left as it is."""


@contextmanager
def open_report(target: Path | None, *, replace: bool = True, binary: bool = False) -> Iterator[Any]:
    """A text (or binary) stream for the report: stdout, or a temporary file beside `target`
    moved there when the report is whole. `replace=False`: never over an existing file
    (OutputExists)."""
    if target is None:
        yield sys.stdout.buffer if binary else sys.stdout
        return
    if not replace and os.path.lexists(target):
        raise OutputExists(str(target))
    folder = target.parent if str(target.parent) else Path(".")
    fd, temp = tempfile.mkstemp(prefix=f".{temp_stem(target.name)}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes it -rw------- whatever the umask
        out: IO[Any]
        if binary:
            out = os.fdopen(fd, "wb")
        else:
            out = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        with out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        if replace:
            os.replace(temp, target)  # atomic: readers see the old report or the new one
            return
        try:
            # link() fails if the target appeared meanwhile: no file is ever replaced.
            os.link(temp, target)
        except FileExistsError:
            raise OutputExists(str(target)) from None
    finally:
        if os.path.lexists(temp):
            os.unlink(temp)


def _umask() -> int:
    """The process's umask (read by setting it and putting it back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_new(path: Path, text: str) -> None:
    """Write `text` to a new file, whole or not at all; OutputExists (a FileExistsError) if
    anything is already there."""
    with open_report(path, replace=False) as out:
        out.write(text)


def temp_stem(name: str) -> str:
    """`name`, shortened by whole characters so that the temporary name beside it stays a legal
    file name: any name the user may give (up to 255 bytes) gets its report."""
    room = _NAME_MAX - _TEMP_EXTRA
    while len(os.fsencode(name)) > room:
        name = name[:-1]
    return name


_HEAD = 8192
_TAIL = 65536
_TEXT_SUMMARY = re.compile(r"\d+ dossiers?(?:\(s\))? : \d+ prêt\(s\)")
"""The verdict of the text, rich and github reports: `3 dossier(s) : 1 prêt(s), …`."""


def reads_as_report(path: str | os.PathLike[str]) -> bool:
    """Whether the file at `path` is a report that cdv-check wrote (in any format), or empty:
    the only files `--output` replaces, and the `.json` files of a batch folder that are not
    dossiers. Each format is known by its start (json, jsonl, sarif, junit, html, csv, xlsx) or,
    for the text formats (text, rich, github), by its verdict near the end."""
    try:
        with open(path, "rb") as file:
            head = file.read(_HEAD)
            if not head:
                return True
            if head.startswith(b"PK"):
                return _is_workbook(path)
            start = head.decode("utf-8", "replace").lstrip("\ufeff")
            if start.startswith(("{", "<")):  # JSON or markup: known by its start alone
                return _known_start(start)
            size = os.fstat(file.fileno()).st_size
            file.seek(max(0, size - _TAIL))
            tail = file.read(_TAIL).decode("utf-8", "replace")
    except OSError:
        return False
    return (
        start.startswith("Fichier;Statut;")  # csv
        or "::notice title=cdv-check::" in tail[-4096:]  # github
        or _TEXT_SUMMARY.search(_without_ansi(tail)) is not None  # text, rich
    )


def _known_start(start: str) -> bool:
    return (
        start.startswith(('{"tool": "cdv-check"', '{"type": "synthese"'))  # json, jsonl of no dossier
        or (start.startswith('{"file": ') and '"counts": {"error": ' in start)  # jsonl
        or (start.startswith('{"$schema": ') and '"name": "cdv-check"' in start)  # sarif
        or '<testsuites name="cdv-check"' in start[:200]  # junit
        or '<meta name="generator" content="cdv-check' in start[:1000]  # html
    )


def _without_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


def _is_workbook(path: str | os.PathLike[str]) -> bool:
    """An xlsx written by cdv-check: its author, or its sheets « Demandes » and « Constats »."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as book:
            core = book.read("docProps/core.xml")[:_HEAD] if "docProps/core.xml" in book.namelist() else b""
            sheets = book.read("xl/workbook.xml")[:_HEAD] if "xl/workbook.xml" in book.namelist() else b""
    except (OSError, zipfile.BadZipFile, KeyError, RuntimeError):
        return False
    return b"<dc:creator>cdv-check</dc:creator>" in core or (
        b'name="Demandes"' in sheets and b'name="Constats"' in sheets
    )
