"""Report formats: one module each, chosen by name; `--format`'s choices come from FORMATS.

A reporter returns text and never reads files or re-runs checks: `begin()` once, `dossier(result)`
as each dossier finishes (in the batch's stable order), `end(summary)` once. Modules are imported
only when chosen, so that a JSON run never pays for rich. A whole-batch format (csv, xlsx, html,
junit) keeps what it needs of each dossier in a `Spool` on disk, and its `end()` gives the report
piece by piece (an iterator), so that the memory of a batch does not grow with its size.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the formats' names must not cost the checker's import (cli.py reads them)
    from cdv_check.core.checker import DossierResult
    from cdv_check.core.interruption import Interruption
    from cdv_check.core.summary import Summary

FORMATS: dict[str, str] = {
    "rich": "cdv_check.reporters.rich_report:RichReporter",
    "text": "cdv_check.reporters.text:TextReporter",
    "json": "cdv_check.reporters.json_report:JsonReporter",
    "jsonl": "cdv_check.reporters.json_report:JsonLinesReporter",
    "junit": "cdv_check.reporters.junit:JunitReporter",
    "sarif": "cdv_check.reporters.sarif:SarifReporter",
    "github": "cdv_check.reporters.github:GithubReporter",
    "csv": "cdv_check.reporters.csv_report:CsvReporter",
    "xlsx": "cdv_check.reporters.xlsx_report:XlsxReporter",
    "html": "cdv_check.reporters.html_report:HtmlReporter",
}
BINARY = frozenset({"xlsx"})
"""Formats written as bytes: their reporter's `end()` returns bytes, and a terminal is refused."""


class Reporter(Protocol):
    def begin(self) -> str: ...
    def dossier(self, result: DossierResult) -> str: ...
    def end(self, summary: Summary) -> str | bytes | Iterator[str] | Iterator[bytes]: ...
    """Bytes for the formats of BINARY (xlsx), text for the others; whole, or piece by piece."""


def omitted_line(result: DossierResult) -> str:
    """What every format says of the findings beyond the per-dossier cap: « … 12 autres constats
    non affichés » (counted in the summary, not listed)."""
    n = result.omitted
    return f"… {n} autres constats non affichés" if n > 1 else f"… {n} autre constat non affiché"


def make(name: str, **options: Any) -> Reporter:
    """The reporter for format `name`; options: ref_id, version, strict, width, color."""
    module_name, class_name = FORMATS[name].split(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    reporter: Reporter = cls(**options)
    return reporter


def stream(
    results: Iterable[DossierResult], reporter: Reporter, out: IO[Any], summary: Summary,
    interruption: Interruption | None = None,
) -> None:
    """Write each result as it comes, then the end of the report; Ctrl-C ends it cleanly.

    The batch lets KeyboardInterrupt through only between results, so the report holds whole
    dossiers, and the summary counts exactly those. A first signal while the end is written
    (the workbook of a large batch takes minutes) abandons the report: KeyboardInterrupt leaves
    this function, and the caller writes no file.
    """
    begun = reporter.begin()
    if begun:
        out.write(begun)
    try:
        for result in results:
            result = summary.add(result)
            written = reporter.dossier(result)
            if written:  # a whole-batch format (csv, xlsx, html) writes at the end only
                out.write(written)
                out.flush()
    except KeyboardInterrupt:
        summary.interrupted = True
    if interruption is None:
        _end(reporter, out, summary)
        return
    def abandoned() -> bool:  # a signal after the last dossier: the report is not written
        return interruption.signum is not None and not summary.interrupted

    with interruption.abandoning():
        try:
            if not abandoned():
                _end(reporter, out, summary)
        except Exception:
            # Library code may catch the KeyboardInterrupt and raise something else (openpyxl's
            # bare `except:` turns it into TypeError): the signal, not that error, is the cause.
            if not abandoned():
                raise
        if abandoned():  # before the end, during it, or swallowed by the library on the way
            raise KeyboardInterrupt


def _end(reporter: Reporter, out: IO[Any], summary: Summary) -> None:
    summary.finish()
    ending = reporter.end(summary)
    if isinstance(ending, (str, bytes)):
        out.write(ending)
    else:
        for piece in ending:
            out.write(piece)
    out.flush()
