"""What the checks say: severities, the `Issue` a rule yields, the located `Finding` reported."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from cdv_check.reading.loading import Loc


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "erreur", "warning": "avertissement", "info": "conseil"}[self.value]


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


class Issue(NamedTuple):
    """What a rule yields: a problem in the dossier, not yet stamped with rule and position."""

    message: str
    advice: str = ""
    path: Loc = ()
    severity: Severity | None = None
    """Only for rules that have two severities (e.g. error when missing, warning when short)."""
    on_key: bool = False
    """Point at the key rather than at its value (unknown or duplicate keys)."""


class Finding(NamedTuple):
    """One located finding of one rule in one dossier."""

    rule: str
    severity: Severity
    message: str
    advice: str
    path: str
    line: int | None
    column: int | None

    @property
    def text(self) -> str:
        """The message and what to do, as one French sentence pair."""
        return f"{self.message} {self.advice}".strip()
