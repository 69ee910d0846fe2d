"""Near-miss suggestions (« Vouliez-vous dire… ») for the unknown values of one dossier, in time
linear in the dossier's size.

Finding the nearest known value (difflib and the like) costs a scan of the référentiel. A rule
asks through `Suggestions`: once per distinct value, and for at most `limit` distinct values (the
findings a report can show of one dossier); past that, no suggestion is made, and the finding still
says what is wrong. 45 000 unknown codes cost `limit` lookups, not 45 000.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Suggestions(Generic[T]):
    def __init__(self, find: Callable[[str], T], nothing: T, limit: int) -> None:
        self._find = find
        self._nothing = nothing
        self._limit = limit
        self._known: dict[str, T] = {}

    def __call__(self, text: str) -> T:
        if text in self._known:
            return self._known[text]
        if len(self._known) >= self._limit:
            return self._nothing
        found = self._known[text] = self._find(text)
        return found
