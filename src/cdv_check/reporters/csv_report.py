"""`csv`: the table of requests for a French spreadsheet, opened with a double click.

UTF-8 with a byte order mark, `;` between cells, decimal comma, dates JJ/MM/AAAA, oui/non. A
dossier is written by a third party: a text cell that a spreadsheet would read as a formula
(starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is made inert by a leading `'`,
so that `=HYPERLINK(…)` in a title stays text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from cdv_check.core.checker import DossierResult
from cdv_check.core.summary import Summary
from cdv_check.model.referentiel import Referentiel
from cdv_check.reporters.spool import Spool
from cdv_check.reporters.table import Cell, Row, batch_rules, columns, row_of
from cdv_check.text.safety import clean

BOM = "\ufeff"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """Text a spreadsheet shows as written, never runs: one line, no formula."""
    if text.startswith(_FORMULA_STARTS):
        text = "'" + text
    return clean(text)


def french_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return inert(value)


class CsvReporter:
    def __init__(self, *, ref: Referentiel, **_: Any) -> None:
        self.ref = ref
        self.rows: Spool[Row] = Spool()
        """Kept on disk until the end: the memory does not grow with the batch."""

    def begin(self) -> str:
        return ""

    def dossier(self, result: DossierResult) -> str:
        self.rows.add(row_of(result, self.ref))  # written at the end, with the batch findings
        return ""

    def end(self, summary: Summary) -> Iterator[str]:
        """The table, a thousand lines at a time."""
        synthesis = summary.finish()
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        buffer.write(BOM)
        writer.writerow(columns(self.ref))
        batch = batch_rules(synthesis)
        for number, row in enumerate(self.rows, start=1):
            writer.writerow([french_cell(v) for v in row.values(batch)])
            if number % 1000 == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()
        self.rows.close()
