"""Findings, severities, the rule registry and the context rules run in.

A rule is a function registered with `@rule(...)`: it reads the `Context` and yields `Issue`s
(what is wrong, what to do, where in the dossier). It never prints, exits or chooses its ID. The
checker stamps each issue with the rule's ID and severity and the position in the file.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdv_check.reading.limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from cdv_check.model.dossier import Dossier
    from cdv_check.model.referentiel import Referentiel
    from cdv_check.reading.loading import Loc


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "erreur", "warning": "avertissement", "info": "conseil"}[self.value]


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, slots=True)
class Issue:
    """What a rule yields: a problem in the dossier, not yet stamped with rule and position."""

    message: str
    advice: str = ""
    path: Loc = ()
    severity: Severity | None = None
    """Only for rules that have two severities (e.g. error when missing, warning when short)."""
    on_key: bool = False
    """Point at the key rather than at its value (unknown or duplicate keys)."""


@dataclass(frozen=True, slots=True)
class Finding:
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


def where(file: str, line: int | None, column: int | None) -> str:
    """`file:line:col`, or only what is known (`file` for a finding about the whole file), as
    compilers write it, so that editors still jump to the right place."""
    if line is None:
        return file
    return f"{file}:{line}:{column}" if column is not None else f"{file}:{line}"


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a rule may read: the dossier, the call, and the run's settings."""

    dossier: Dossier
    ref: Referentiel
    deposit_date: date
    folder: Path | None
    """The dossier file's folder, where pieces are looked up; None for standard input."""
    check_files: bool = True
    limits: Limits = DEFAULT_LIMITS
    """The run's bounds (`Settings.limits`): the bytes read of a piece file, among others."""
    piece_checks: dict[str, Any] = field(default_factory=dict, compare=False)
    """What reading each declared piece file gave, by declared path: several rules look at the
    same file, which is opened once per dossier (rules.pieces fills it)."""


Check = Callable[[Context], Iterable[Issue]]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severities: tuple[Severity, ...]
    """The first is the rule's main severity; an issue may pick another one listed here."""
    section: str
    title: str
    explanation: str
    check: Check | None = field(default=None, compare=False)
    """None for the SCH rules: their findings come from reading the file, not from a check."""

    @property
    def severity(self) -> Severity:
        return self.severities[0]

    @property
    def family(self) -> str:
        return self.id.rstrip("0123456789")


REGISTRY: dict[str, Rule] = {}


def rule(
    rule_id: str, severities: Severity | tuple[Severity, ...], *, section: str, title: str
) -> Callable[[Check], Check]:
    """Register a check function under `rule_id`; its docstring is the rule's explanation."""

    def register(check: Check) -> Check:
        declare(rule_id, severities, section=section, title=title, explanation=check.__doc__ or "", check=check)
        return check

    return register


def declare(
    rule_id: str,
    severities: Severity | tuple[Severity, ...],
    *,
    section: str,
    title: str,
    explanation: str,
    check: Check | None = None,
) -> Rule:
    if rule_id in REGISTRY:
        raise ValueError(f"rule {rule_id} registered twice")
    levels = severities if isinstance(severities, tuple) else (severities,)
    registered = Rule(rule_id, levels, section, title, inspect.cleandoc(explanation), check)
    REGISTRY[rule_id] = registered
    return registered


def all_rules() -> dict[str, Rule]:
    """The registry, filled by importing every rule module, sorted by ID."""
    import cdv_check.rules  # noqa: F401  (registers the rules)

    return dict(sorted(REGISTRY.items()))


def selected(rule_id: str, select: Iterable[str], ignore: Iterable[str]) -> bool:
    """Whether a rule runs, given `--select`/`--ignore` lists of IDs or prefixes."""
    chosen = tuple(select)
    if chosen and not rule_id.startswith(chosen):
        return False
    return not rule_id.startswith(tuple(ignore))
