"""Batch totals, gathered as dossiers finish, so that no list of results is kept in memory."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from cdv_check.core.checker import DossierResult


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
    rules: Counter[str] = field(default_factory=Counter)
    qpv: dict[str, QpvTotals] = field(default_factory=dict)
    interrupted: bool = False

    def add(self, result: DossierResult) -> None:
        self.dossiers += 1
        if result.passed(strict=self.strict):
            self.passed += 1
        else:
            self.failed += 1
        self.counts.update(result.counts())
        self.rules.update(f.rule for f in result.findings)
        for slug in result.quartiers:
            totals = self.qpv.setdefault(slug, QpvTotals())
            totals.requests += 1
            if result.requested is not None:
                totals.requested += result.requested

    def as_dict(self) -> dict[str, int]:
        return {
            "dossiers": self.dossiers,
            "passed": self.passed,
            "failed": self.failed,
            "error": self.counts["error"],
            "warning": self.counts["warning"],
            "info": self.counts["info"],
        }
