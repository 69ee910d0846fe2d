"""The synthesis's tables that grow with the batch, kept flat in memory.

Two tables of the batch synthesis have a row per dossier or per carrier: the LOT01 keys (a
digest → the first file that gave it) and the carriers (one per SIRET). Each is a plain dict
while it is small; past `IN_MEMORY` rows it moves to a temporary SQLite database, the carriers a
window at a time (merged there with what an earlier window gathered), so that the memory of a
batch does not grow with its size. Small batches (a thousand dossiers) never open the database.

The database has no name: SQLite deletes its file as soon as it is opened (on POSIX), so that
nothing is left behind, even when the process is killed. Texts are stored as UTF-8 bytes with
surrogates passed through (a file name may hold undecodable bytes), so that what comes back is
the very string that went in; the carriers are ordered by these bytes, which is the order of
Python's strings (UTF-8 keeps the order of code points).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:  # imported when a table moves: a small batch, or one dossier, never pays for them
    import sqlite3

IN_MEMORY = 4096
"""Rows a table keeps in memory before it moves to the database (some 4 MB for the three tables)."""

_NONE_KEY = b"\xff"
"""The sort key of the carrier without SIRET: after every SIRET (no UTF-8 byte is 0xFF)."""
_IN = 500
"""Keys looked up in one query (SQLite allows 999 parameters at least)."""


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogatepass")


class Store:
    """One temporary SQLite database, opened at the first table that needs it. It lives as long
    as the synthesis whose tables it holds (a report reads them to the end); the connection is
    closed when the store is collected, and SQLite's "" database has no name on disk."""

    def __init__(self) -> None:
        self._db: sqlite3.Connection | None = None

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            import sqlite3

            # "": a private temporary database, deleted when closed (unlinked at once on POSIX).
            # One thread at a time uses it, not always the one that opened it.
            self._db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode = OFF")
            self._db.execute("PRAGMA synchronous = OFF")
        return self._db


class FirstSeen:
    """Key → the first file given for it (`setdefault`, as a dict's)."""

    def __init__(self, store: Store, name: str, bound: int = IN_MEMORY) -> None:
        self._store = store
        self._name = name
        self._bound = bound
        self._memory: dict[bytes, str] | None = {}
        """None once the table is in the database."""

    def setdefault(self, key: bytes, file: str) -> str:
        """The first file given for `key` (`file` itself when `key` is new)."""
        if self._memory is not None:
            earlier = self._memory.setdefault(key, file)
            if len(self._memory) > self._bound:
                self._move()
            return earlier
        db = self._store.db
        if db.execute(f"INSERT OR IGNORE INTO {self._name} VALUES (?, ?)", (key, _bytes(file))).rowcount:
            return file
        row = db.execute(f"SELECT file FROM {self._name} WHERE key = ?", (key,)).fetchone()
        return _text(row[0])

    def __len__(self) -> int:
        if self._memory is not None:
            return len(self._memory)
        return int(self._store.db.execute(f"SELECT count(*) FROM {self._name}").fetchone()[0])

    def _move(self) -> None:
        assert self._memory is not None
        db = self._store.db
        db.execute(f"CREATE TABLE {self._name} (key BLOB PRIMARY KEY, file BLOB NOT NULL) WITHOUT ROWID")
        db.executemany(f"INSERT INTO {self._name} VALUES (?, ?)",
                       ((key, _bytes(file)) for key, file in self._memory.items()))
        self._memory = None


R = TypeVar("R", bound=Any)
"""What a `Table` keeps: a row with a `merge(later)` method that takes in a later row of its key
(not a Protocol: a Protocol class costs a millisecond at each start)."""


class Table(Generic[R]):
    """Text (or None) → a row gathered over the batch (`row`), read back merged, in the order
    keys first came (`values`) or in the order of the keys, None last (`ordered`).

    In memory, `row(key)` gives the key's one row. Once the table has moved to the database, it
    gives the row of the current window, which the database merges (the row's `merge`) into the
    key's row of the earlier windows: a row is to be updated at once, never kept."""

    def __init__(self, store: Store, name: str, make: Callable[[str | None], R], bound: int = IN_MEMORY) -> None:
        self._store = store
        self._name = name
        self._make = make
        self._bound = bound
        self._memory: dict[str | None, R] = {}
        self._moved = False
        self._next = 0
        """The order of the next key new to the database."""

    def row(self, key: str | None) -> R:
        row = self._memory.get(key)
        if row is None:
            if len(self._memory) >= self._bound:
                self._move()
            row = self._memory[key] = self._make(key)
        return row

    def __len__(self) -> int:
        if not self._moved:
            return len(self._memory)
        self._move()
        return int(self._store.db.execute(f"SELECT count(*) FROM {self._name}").fetchone()[0])

    def values(self) -> Iterator[R]:
        """The rows, in the order their keys first came."""
        if not self._moved:
            yield from list(self._memory.values())
            return
        self._move()
        for (data,) in self._store.db.execute(f"SELECT data FROM {self._name} ORDER BY seq"):
            yield _loads(data)

    def ordered(self) -> Sequence[R]:
        """The rows in the order of their keys, None last."""
        if not self._moved:
            return [row for _key, row in sorted(self._memory.items(), key=lambda item: _order(item[0]))]
        self._move()
        return _Ordered(self)

    def _move(self) -> None:
        """The rows in memory merged into the database's, and memory emptied."""
        import pickle

        db = self._store.db
        if not self._moved:
            db.execute(f"CREATE TABLE {self._name} (key BLOB PRIMARY KEY, seq INTEGER NOT NULL, data BLOB NOT NULL) "
                       "WITHOUT ROWID")
            self._moved = True
        if not self._memory:
            return
        rows = [(_NONE_KEY if key is None else _bytes(key), row) for key, row in self._memory.items()]
        earlier: dict[bytes, tuple[int, bytes]] = {}
        for start in range(0, len(rows), _IN):
            keys = [key for key, _row in rows[start:start + _IN]]
            query = f"SELECT key, seq, data FROM {self._name} WHERE key IN ({', '.join('?' * len(keys))})"
            earlier.update((key, (seq, data)) for key, seq, data in db.execute(query, keys))
        written = []
        for key, row in rows:
            if key in earlier:
                seq, data = earlier[key]
                merged: R = _loads(data)
                merged.merge(row)
                row = merged
            else:
                seq, self._next = self._next, self._next + 1
            written.append((key, seq, pickle.dumps(row, pickle.HIGHEST_PROTOCOL)))
        db.executemany(f"INSERT OR REPLACE INTO {self._name} VALUES (?, ?, ?)", written)
        self._memory = {}


def _order(key: str | None) -> tuple[bool, str]:
    return key is None, key or ""


def _loads(data: bytes) -> Any:
    import pickle

    return pickle.loads(data)  # our own rows, from our own database


class _Ordered(Sequence[R]):
    """A moved table's rows in the order of their keys, read from the database at each pass."""

    def __init__(self, table: Table[R]) -> None:
        self._table = table

    def _rows(self, suffix: str = "", args: tuple[int, ...] = ()) -> Iterator[R]:
        query = f"SELECT data FROM {self._table._name} ORDER BY key{suffix}"
        for (data,) in self._table._store.db.execute(query, args):
            yield _loads(data)

    def __iter__(self) -> Iterator[R]:
        return self._rows()

    def __len__(self) -> int:
        return len(self._table)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return list(self)[index]
        position = index + len(self) if index < 0 else index
        if not 0 <= position < len(self):
            raise IndexError(index)
        return next(self._rows(" LIMIT 1 OFFSET ?", (position,)))
