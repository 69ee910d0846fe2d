"""The rule registry and the context rules run in.

A rule is a function registered with `@rule(...)`: it reads the `Context` and yields `Issue`s
(core.findings: what is wrong, what to do, where in the dossier). It never prints, exits or
chooses its ID. The checker stamps each issue with the rule's ID and severity and the position in
the file. Every rule is listed in `cdv_check.rules.TABLE`, by ID.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdv_check.core.findings import Issue, Severity
from cdv_check.reading.limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from cdv_check.model.dossier import Dossier
    from cdv_check.model.referentiel import Referentiel


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
