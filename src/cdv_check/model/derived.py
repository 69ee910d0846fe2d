"""Tables the rules and the reports draw from a référentiel, worked out once per référentiel
rather than once per dossier.

A référentiel is read once per run and never changes; tables drawn from it (a priority's line in
an advice, the pieces a rule lists, an objective's label in the table of requests) are built the
first time a dossier needs them. Lookups that belong to the référentiel itself are its cached
properties (`model/referentiel.py`); the tables of one rule or one report are kept here, by the
référentiel's identity, not its value: a copy made with other values (`model_copy`, as tests do)
gets tables of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from cdv_check.model.referentiel import Referentiel

T = TypeVar("T")

_KEPT = 8
"""Référentiels whose tables are kept: a run has one; tests build more, and beyond this many the
tables are dropped and built again."""
_tables: dict[int, tuple[Referentiel, dict[Callable[[Any], Any], Any]]] = {}


def per_referentiel(ref: Referentiel, build: Callable[[Referentiel], T]) -> T:
    """`build(ref)`, worked out once for this référentiel (`build` names the table)."""
    entry = _tables.get(id(ref))
    if entry is None or entry[0] is not ref:
        if len(_tables) >= _KEPT:
            _tables.clear()
        entry = _tables[id(ref)] = (ref, {})
    built = entry[1]
    if build in built:
        table: T = built[build]
        return table
    table = built[build] = build(ref)
    return table
