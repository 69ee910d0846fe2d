"""cdv-check as a library: check a dossier, or a batch, from Python.

    import cdv_check

    result = cdv_check.check("demandes/dossier.yaml")
    result.passed()                 # no error
    for finding in result.findings:
        print(finding.rule, finding.line, finding.text)
    result.to_json()                # the dossier's object of the JSON report

    batch = cdv_check.check_batch(["demandes/"])
    batch.exit_code, batch.synthesis.counts, batch.to_json()

The settings are merged by the same function as the command line's (`core.config.resolve`): the
same defaults, the same refusals (a rule ID that names no rule, a date that is not one), with a
French message in a `SettingsError` (a `ValueError`). Unlike the command line, the library reads
no configuration file: what a call gives is all that applies.

The results are the objects the reporters read: `Result` is the checker's `DossierResult`, and
`BatchResult` holds them with the batch's `Summary` and synthesis.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from cdv_check.core.checker import DossierResult
from cdv_check.core.config import FileConfig, Given, Resolved, SettingsError, resolve
from cdv_check.core.summary import Summary
from cdv_check.core.synthesis import Synthesis
from cdv_check.model.referentiel import Referentiel, ReferentielError

__all__ = [
    "BatchResult",
    "Referentiel",
    "ReferentielError",
    "Result",
    "SettingsError",
    "check",
    "check_batch",
    "load_referentiel",
]

Result = DossierResult
"""One checked dossier: `file`, `findings` (each with `rule`, `severity`, `text`, `path`,
`line`, `column`), `statut` (`pret`, `a_corriger`, `illisible`), `passed()`, `counts()`,
`to_json()`."""

ReferentielLike = Referentiel | str | os.PathLike[str] | None


def load_referentiel(path: str | os.PathLike[str] | None = None) -> Referentiel:
    """The référentiel at `path`, or the one shipped with cdv-check; ReferentielError (a French
    message) when it cannot be read or is not valid."""
    from cdv_check.model.referentiel import load

    return load(Path(path) if path is not None else None)


def check(
    path_or_text: str | os.PathLike[str],
    *,
    referentiel: ReferentielLike = None,
    today: date | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    deposit_date: date | None = None,
    files: bool = True,
    min_severity: str = "info",
) -> Result:
    """Check one dossier: a path (a `Path`, or a `str` naming an existing file), or the text of
    a dossier in YAML or JSON (any other `str`; its pieces are then not opened: it has no
    folder).

    `today` stands for the day of the check (default: today); `select` and `ignore` are rule IDs
    or prefixes, as `--select` and `--ignore`; `deposit_date` is used when the dossier gives
    none; `files=False` does not open the pieces (`--no-files`).
    """
    from cdv_check.core.batch import check_one

    ref = _referentiel(referentiel)
    settings = _settings(today, select, ignore, deposit_date, files, min_severity).check
    if isinstance(path_or_text, os.PathLike) or _names_a_file(path_or_text):
        return check_one(os.fspath(path_or_text), ref, settings)
    text = io.BytesIO(path_or_text.encode("utf-8", "surrogatepass"))
    return check_one("-", ref, settings, stdin=text)


def check_batch(
    paths: Iterable[str | os.PathLike[str]],
    *,
    referentiel: ReferentielLike = None,
    today: date | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    deposit_date: date | None = None,
    files: bool = True,
    min_severity: str = "info",
    strict: bool = False,
    jobs: int | None = 1,
) -> BatchResult:
    """Check a batch: files, folders (searched for .yaml, .yml and .json files) and patterns
    (`demandes/**/*.yaml`), as the command line does, in its order; then the batch's synthesis
    (its LOT findings, duplicates, totals by QPV).

    `jobs` is the number of processes (default 1: the calling process only; None: one per core).
    A path that names nothing raises FileNotFoundError, with a French message.
    """
    from cdv_check.core.batch import expand, run
    from cdv_check.core.synthesis import Builder

    ref = _referentiel(referentiel)
    resolved = _settings(today, select, ignore, deposit_date, files, min_severity, strict=strict)
    expansion = expand([os.fspath(p) for p in paths])
    if expansion.missing:
        raise FileNotFoundError("chemin introuvable : " + ", ".join(f"« {m} »" for m in expansion.missing))
    settings = resolved.check
    summary = Summary(strict=strict, builder=Builder(
        ref, select=settings.select, ignore=settings.ignore, min_severity=settings.min_severity,
    ))
    if isinstance(referentiel, Referentiel):
        jobs = 1  # the workers load theirs from a path: an object is checked with here
    referentiel_path = Path(os.fspath(referentiel)) if isinstance(referentiel, str | os.PathLike) else None
    results: list[Result] = []
    for result in run(expansion.files, ref=ref, referentiel=referentiel_path, settings=settings, jobs=jobs,
                      walked=expansion.walked):
        results.append(summary.add(result))
    summary.finish()
    return BatchResult(tuple(results), summary, ref)


class BatchResult:
    """A checked batch: its dossiers in order, their totals and the batch's synthesis."""

    def __init__(self, dossiers: tuple[Result, ...], summary: Summary, ref: Referentiel) -> None:
        self.dossiers = dossiers
        self.summary = summary
        """The totals the reports end with (`summary.as_dict()`)."""
        self._ref = ref

    @property
    def synthesis(self) -> Synthesis:
        """The batch's synthesis: statuses, duplicates, QPV and objective totals, LOT findings."""
        return self.summary.finish()

    @property
    def exit_code(self) -> int:
        """The command line's: 0 when every dossier passes, 1 otherwise."""
        return self.summary.exit_code

    def to_json(self) -> dict[str, Any]:
        """The JSON report of the batch (`cdv-check --format json`), as Python values."""
        import json

        from cdv_check import __version__
        from cdv_check.reporters.json_report import JsonReporter

        reporter = JsonReporter(ref_id=self._ref.id, version=__version__, strict=self.summary.strict)
        dossiers = "".join(reporter.dossier(r) for r in self.dossiers)
        text = reporter.begin() + dossiers + "".join(reporter.end(self.summary))
        report: dict[str, Any] = json.loads(text)
        return report


def _names_a_file(text: str) -> bool:
    return "\n" not in text and os.path.lexists(text)


def _referentiel(referentiel: ReferentielLike) -> Referentiel:
    if isinstance(referentiel, Referentiel):
        return referentiel
    return load_referentiel(referentiel)


def _settings(
    today: date | None, select: Sequence[str], ignore: Sequence[str], deposit_date: date | None, files: bool,
    min_severity: str, *, strict: bool = False,
) -> Resolved:
    if isinstance(select, str) or isinstance(ignore, str):
        raise SettingsError("select et ignore : une liste d'identifiants est attendue (ex. [\"PCE\", \"BUD03\"]).")
    return resolve(
        Given(select=list(select) or None, ignore=list(ignore) or None, date_depot=deposit_date,
              no_files=not files, min_severity=min_severity, strict=strict),
        today=today, config=FileConfig(),
    )
