"""`xlsx`: the batch as a workbook (openpyxl, imported here only): typed cells (numbers, dates),
a frozen header and filters on each sheet; sheets « Demandes », « Constats », « Totaux » and
« Priorités ». Every dossier text is written as a text cell: never a formula."""

from __future__ import annotations

import io
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from cdv_check.core.checker import DossierResult
from cdv_check.core.summary import Summary
from cdv_check.core.synthesis import METHOD, Synthesis
from cdv_check.core.synthesis import Row as TotalRow
from cdv_check.model.referentiel import Referentiel
from cdv_check.reporters.table import AMOUNT_COLUMNS, COLUMNS, DATE_COLUMNS, Cell, Row, row_of
from cdv_check.text.safety import xml_text

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

AMOUNT_FORMAT = '#,##0.00\\ "€"'
DATE_FORMAT = "DD/MM/YYYY"
FINDING_COLUMNS = ("Fichier", "Règle", "Gravité", "Ligne", "Colonne", "Emplacement", "Constat")


class XlsxReporter:
    binary = True

    def __init__(self, *, ref: Referentiel, **_: Any) -> None:
        self.ref = ref
        self.rows: list[Row] = []
        self.findings: list[tuple[Cell, ...]] = []

    def begin(self) -> str:
        return ""

    def dossier(self, result: DossierResult) -> str:
        self.rows.append(row_of(result, self.ref))
        for f in result.findings:
            self.findings.append((result.file, f.rule, f.severity.label, f.line, f.column, f.path or None, f.text))
        return ""

    def end(self, summary: Summary) -> bytes:
        from openpyxl import Workbook

        synthesis = summary.finish()
        book = Workbook()
        book.properties.creator = "cdv-check"  # how `--output` knows its own report
        requests = book.active
        assert requests is not None
        requests.title = "Demandes"
        _table(requests, COLUMNS, [row.values(synthesis) for row in self.rows],
               amounts={COLUMNS.index(c) for c in AMOUNT_COLUMNS}, dates={COLUMNS.index(c) for c in DATE_COLUMNS})
        batch: list[tuple[Cell, ...]] = [
            (file, f.rule, f.severity.label, None, None, None, f.text)
            for f in synthesis.findings for file in (f.files or ("(lot)",))
        ]
        _table(book.create_sheet("Constats"), FINDING_COLUMNS, self.findings + batch)
        _totals(book.create_sheet("Totaux"), synthesis)
        _priorities(book.create_sheet("Priorités"), synthesis)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def _put(sheet: Worksheet, row: int, column: int, value: Cell, number_format: str | None = None) -> None:
    """One typed cell; a text is always a text cell (a dossier's `=…` is not a formula), inert and
    made of characters XML can carry (one U+FFFF would make the whole workbook unreadable)."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = xml_text(value)
        cell.data_type = "s"
    elif isinstance(value, bool):
        cell.value = "oui" if value else "non"
        cell.data_type = "s"
    else:
        cell.value = value
    if number_format and value is not None:
        cell.number_format = number_format


def _table(sheet: Worksheet, header: tuple[str, ...], rows: list[tuple[Cell, ...]], *,
           amounts: Collection[int] = (), dates: Collection[int] = (), first: int = 1) -> None:
    """A table with its header frozen and filters on, from row `first`."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for column, title in enumerate(header, start=1):
        _put(sheet, first, column, title)
        sheet.cell(row=first, column=column).font = Font(bold=True)
    for number, values in enumerate(rows, start=first + 1):
        for index, value in enumerate(values):
            fmt = AMOUNT_FORMAT if index in amounts else DATE_FORMAT if index in dates else None
            _put(sheet, number, index + 1, value, fmt)
    last = get_column_letter(len(header))
    sheet.freeze_panes = f"A{first + 1}"
    sheet.auto_filter.ref = f"A{first}:{last}{first + max(1, len(rows))}"
    for column, title in enumerate(header, start=1):
        longest = max([len(title), *(len(str(r[column - 1])) for r in rows[:200] if r[column - 1] is not None)])
        sheet.column_dimensions[get_column_letter(column)].width = min(60, max(8, longest + 2))


def _totals(sheet: Worksheet, synthesis: Synthesis) -> None:
    """Totals all/ready, then each breakdown (its amounts add up to the grand total)."""
    header = ("Répartition", "Clé", "Libellé", "Dossiers", "Subvention demandée", "Dossiers prêts",
              "Subvention des prêts")
    rows: list[tuple[Cell, ...]] = [
        ("Total", "tous", "Tous les dossiers", synthesis.totals.dossiers, synthesis.totals.subvention_demandee,
         synthesis.ready.dossiers, synthesis.ready.subvention_demandee),
    ]
    for name, breakdown in (("QPV", synthesis.by_qpv), ("Axe stratégique", synthesis.by_strategic_axis),
                            ("Axe transversal", synthesis.by_transversal_axis)):
        rows.extend(_total_row(name, r) for r in breakdown)
    for carrier in synthesis.carriers:
        rows.append(("Porteur (SIRET)", carrier.siret, " / ".join(carrier.names.values()) or None,
                     len(carrier.files), carrier.subvention_demandee, carrier.prets, None))
    _table(sheet, header, rows, amounts={4, 6}, first=3)
    _put(sheet, 1, 1, METHOD)


def _total_row(name: str, row: TotalRow) -> tuple[Cell, ...]:
    return (name, row.key, row.label, row.dossiers, row.subvention_demandee, row.dossiers_prets,
            row.subvention_prets)


def _priorities(sheet: Worksheet, synthesis: Synthesis) -> None:
    header = ("Priorité", "QPV", "Texte", "Dossiers qui la citent", "dont prêts", "Reprise par un dossier prêt",
              "Fichiers")
    rows: list[tuple[Cell, ...]] = [
        (c.id, c.qpv_label, c.text, len(c.files), len(c.ready_files), bool(c.ready_files),
         ", ".join(c.files) or None)
        for c in synthesis.priorities
    ]
    _table(sheet, header, rows)
