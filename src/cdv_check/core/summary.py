"""Batch totals, gathered as dossiers finish, so that no list of results is kept in memory.

The synthesis of the batch (core.synthesis) is gathered at the same time, and computed once, by
`finish()`, before the reporters write the end of the report.
"""

from __future__ import annotations

from collections import Counter

from cdv_check.core.checker import DossierResult
from cdv_check.core.findings import Severity
from cdv_check.core.synthesis import Builder, Synthesis


def _default_builder() -> Builder:
    from cdv_check.model.referentiel import load

    return Builder(load())


class Summary:
    # Plain classes, here and in core.synthesis: a dataclass compiles its methods at each start.
    def __init__(self, *, strict: bool = False, builder: Builder | None = None) -> None:
        self.strict = strict
        self.dossiers = 0
        self.passed = 0
        self.failed = 0
        self.counts: Counter[str] = Counter()
        self.hidden: Counter[str] = Counter()
        """Findings counted but left out of the report by --min-severity, by severity."""
        self.rules: Counter[str] = Counter()
        """Errors and warnings found, by rule (advice is not counted: it is not a fault)."""
        self.interrupted = False
        self.builder = builder if builder is not None else _default_builder()
        self.synthesis: Synthesis | None = None

    def add(self, result: DossierResult) -> DossierResult:
        """Count one dossier; the result as the reporters show it (its status in the batch:
        `doublon` for a ready file whose action an earlier file of the batch already asked for;
        `counted` false for any later file of such a group, ready or not)."""
        statut, counted = self.builder.count(result.file, result.statut, result.demande)
        if statut != result.statut or counted != result.counted:
            result = result._replace(statut=statut, counted=counted)
        self.dossiers += 1
        counts = result.counts()
        if result.passed(strict=self.strict, counts=counts):
            self.passed += 1
        else:
            self.failed += 1
        self.counts.update(counts)
        self.hidden.update(result.hidden_counts)
        self.rules.update(f.rule for f in result.findings if f.severity is not Severity.INFO)
        return result

    def finish(self) -> Synthesis:
        """The batch's synthesis, computed once, when the last dossier has been added."""
        if self.synthesis is None:
            self.synthesis = self.builder.build()
        return self.synthesis

    def verdict(self) -> str:
        """« 6 prêt(s), 2 doublon(s) possible(s), 3 à corriger »: the dossiers by status, as every
        human format says it (`passed` counts the ready ones and, without --strict, the doublons)."""
        statuses = self.builder.statuses
        ready, doubles = statuses["pret"], statuses["doublon"]
        text = f"{ready} prêt(s), "
        if doubles:
            text += f"{doubles} doublon(s) possible(s), "
        return text + f"{self.dossiers - ready - doubles} à corriger"

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
