"""Batch totals, gathered as dossiers finish, so that no list of results is kept in memory.

The synthesis of the batch (core.synthesis) is gathered at the same time, and computed once, by
`finish()`, before the reporters write the end of the report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from cdv_check.core.checker import DossierResult
from cdv_check.core.findings import Severity
from cdv_check.core.synthesis import Builder, Synthesis


def _default_builder() -> Builder:
    from cdv_check.model.referentiel import load

    return Builder(load())


@dataclass
class QpvTotals:
    requests: int = 0
    requested: Decimal = Decimal(0)


@dataclass
class Summary:
    strict: bool = False
    dossiers: int = 0
    passed: int = 0
    failed: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    hidden: Counter[str] = field(default_factory=Counter)
    """Findings counted but left out of the report by --min-severity, by severity."""
    rules: Counter[str] = field(default_factory=Counter)
    """Errors and warnings found, by rule (advice is not counted: it is not a fault)."""
    qpv: dict[str, QpvTotals] = field(default_factory=dict)
    interrupted: bool = False
    builder: Builder = field(default_factory=_default_builder)
    synthesis: Synthesis | None = None

    def add(self, result: DossierResult) -> None:
        self.builder.add(result.file, result.statut, result.demande)
        self.dossiers += 1
        if result.passed(strict=self.strict):
            self.passed += 1
        else:
            self.failed += 1
        self.counts.update(result.counts())
        self.hidden.update(result.hidden_counts)
        self.rules.update(f.rule for f in result.findings if f.severity is not Severity.INFO)
        for slug in result.quartiers:
            totals = self.qpv.setdefault(slug, QpvTotals())
            totals.requests += 1
            if result.requested is not None:
                totals.requested += result.requested

    def finish(self) -> Synthesis:
        """The batch's synthesis, computed once, when the last dossier has been added."""
        if self.synthesis is None:
            self.synthesis = self.builder.build()
        return self.synthesis

    @property
    def exit_code(self) -> int:
        """1 when a dossier fails, or, with --strict, when the batch rules warn (cli.md)."""
        batch_warnings = self.finish().counts["warning"] if self.strict else 0
        return 1 if self.failed or batch_warnings else 0

    def as_dict(self) -> dict[str, int]:
        return {
            "dossiers": self.dossiers,
            "passed": self.passed,
            "failed": self.failed,
            "error": self.counts["error"],
            "warning": self.counts["warning"],
            "info": self.counts["info"],
        }
