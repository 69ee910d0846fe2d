"""Records kept on disk while the batch runs: what a whole-batch format (csv, xlsx, html, junit…)
writes at the end, so that the memory of a batch does not grow with its size.

Each record is pickled to an unnamed temporary file as its dossier finishes, and read back, in
the same order, when the report is written. The file has no name (it is deleted at once on
POSIX): nothing is left behind, even when the process is killed.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Spool(Generic[T]):
    """An append-only sequence of records on disk, read back in order, any number of times (one
    reading at a time)."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed with the spool)
        self.count = 0

    def add(self, record: T) -> None:
        pickle.dump(record, self._file, protocol=pickle.HIGHEST_PROTOCOL)  # each record stands alone
        self.count += 1

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[T]:
        self._file.flush()
        end = self._file.tell()
        self._file.seek(0)
        try:
            for _ in range(self.count):
                yield pickle.load(self._file)  # our own records, from our own file
        finally:
            self._file.seek(end)

    def close(self) -> None:
        self._file.close()
