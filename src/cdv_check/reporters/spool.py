"""Records kept on disk while the batch runs: what a whole-batch format (csv, xlsx, html, junit…)
writes at the end, so that the memory of a batch does not grow with its size.

Records are pickled to an unnamed temporary file as dossiers finish, a few hundred at a time (one
pickle for many records costs a fifth of one each), and read back, in the same order, when the
report is written. The file has no name (it is deleted at once on POSIX): nothing is left
behind, even when the process is killed. Text already rendered (the html page's parts) is kept the
same way, as text (`TextSpool`).
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from typing import IO, Generic, TypeVar

T = TypeVar("T")

_CHUNK = 256
"""Records pickled together; parts of text written together."""


class Spool(Generic[T]):
    """An append-only sequence of records on disk, read back in order, any number of times (one
    reading at a time, none while records are added)."""

    def __init__(self) -> None:
        self._file: IO[bytes] | None = None  # made at the first record: most runs have one dossier
        self._chunk: list[T] = []
        self._chunks = 0
        self.count = 0

    def add(self, record: T) -> None:
        self._chunk.append(record)
        self.count += 1
        if len(self._chunk) >= _CHUNK:
            self._write()

    def _write(self) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed with the spool)
        self._file.seek(0, 2)  # after the last chunk, wherever a reading stopped
        pickle.dump(self._chunk, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._chunks += 1
        self._chunk = []

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[T]:
        if self._file is None:  # everything still in the last chunk
            yield from list(self._chunk)
            return
        if self._chunk:
            self._write()
        self._file.flush()
        self._file.seek(0)
        for _ in range(self._chunks):
            yield from pickle.load(self._file)  # our own records, from our own file

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        self._chunk = []


class TextSpool:
    """Text written as the dossiers arrive (the html page's parts, already rendered), in order:
    kept in an unnamed temporary file, a few hundred parts at a time, and read back once, in large
    blocks, as one text: the parts' limits are not kept."""

    def __init__(self) -> None:
        self._file: IO[str] | None = None  # made when there is much to keep: most runs have one dossier
        self._pending: list[str] = []

    def add(self, text: str) -> None:
        self._pending.append(text)
        if len(self._pending) >= _CHUNK:
            self._write()

    def _write(self) -> None:
        if self._file is None:
            # newline="": the text comes back as it was written (no line ending translated).
            self._file = tempfile.TemporaryFile("w+", encoding="utf-8", errors="surrogatepass", newline="")  # noqa: SIM115 (closed with the spool)
        self._file.write("".join(self._pending))
        self._pending = []

    def __iter__(self) -> Iterator[str]:
        if self._file is None:
            if self._pending:
                yield "".join(self._pending)
            return
        if self._pending:
            self._write()
        self._file.seek(0)
        while block := self._file.read(_BLOCK):
            yield block

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        self._pending = []


_BLOCK = 1 << 16
"""Characters read back at a time."""
