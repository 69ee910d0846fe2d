"""What the checks say: severities, the `Issue` a rule yields, the located `Finding` reported, and
the one function that chooses which findings a report lists (a dossier's and the batch's alike)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

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
    files: tuple[str, ...] = ()
    """The dossiers a batch rule (LOT) speaks of; empty for a dossier's rule."""


class Finding(NamedTuple):
    """One located finding of one rule: in one dossier, or about the batch (LOT: `files` names
    the dossiers it concerns, and it has no position)."""

    rule: str
    severity: Severity
    message: str
    advice: str
    path: str
    line: int | None
    column: int | None
    files: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The message and what to do, as one French sentence pair."""
        return f"{self.message} {self.advice}".strip()

    def as_json(self) -> dict[str, Any]:
        """A batch finding as the JSON report writes it (`synthese.findings`)."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.text,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "dossiers": list(self.files),
        }


def position_key(f: Finding) -> tuple[int, bool, int, int, str]:
    """The order every format lists a dossier's findings in: errors, then warnings, then advice;
    each in the order of the file."""
    return (SEVERITY_ORDER[f.severity], f.line is None, f.line or 0, f.column or 0, f.rule)


class Screened(NamedTuple):
    shown: list[Finding]
    """Listed in the report, in `position_key` order."""
    omitted: list[Finding]
    """Beyond the cap: counted, not listed."""
    hidden_counts: dict[str, int]
    """Below --min-severity, by severity: counted, not listed."""


def screen(findings: list[Finding], min_severity: Severity, cap: int) -> Screened:
    """The findings a report lists, of a dossier or of the batch: those at or above
    `min_severity` (the others counted), at most `cap` of them, the most severe first."""
    limit = SEVERITY_ORDER[min_severity]
    hidden_counts: dict[str, int] = {}
    kept = []
    for f in findings:
        if SEVERITY_ORDER[f.severity] > limit:
            hidden_counts[f.severity.value] = hidden_counts.get(f.severity.value, 0) + 1
        else:
            kept.append(f)
    ordered = sorted(kept, key=position_key)
    return Screened(ordered[:cap], ordered[cap:], hidden_counts)
