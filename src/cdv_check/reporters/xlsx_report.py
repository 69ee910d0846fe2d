"""`xlsx`: the batch as a workbook (openpyxl, imported here only): typed cells (numbers, dates),
a frozen header and filters on each sheet; sheets « Demandes », « Constats », « Totaux » and
« Priorités ». Every dossier text is written as a text cell: never a formula.

The rows are kept on disk while the batch runs (`Spool`) and the workbook is written in
openpyxl's write-only mode, row after row: its memory does not grow with the batch. A table
longer than a sheet allows (1 048 576 rows, header included) goes on in further sheets of the
same name, numbered (« Constats (2) »), each with its header: nothing is left out."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator
from itertools import chain, islice
from typing import TYPE_CHECKING, Any

from cdv_check.core.checker import DossierResult
from cdv_check.core.summary import Summary
from cdv_check.core.synthesis import METHOD, Synthesis
from cdv_check.core.synthesis import Row as TotalRow
from cdv_check.model.referentiel import Referentiel
from cdv_check.reporters.spool import Spool
from cdv_check.reporters.table import (
    COUNTED_COLUMN,
    DATE_COLUMNS,
    Cell,
    Row,
    amount_columns,
    batch_rules,
    columns,
    row_of,
)
from cdv_check.text.safety import xml_text

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

AMOUNT_FORMAT = '#,##0.00\\ "€"'
DATE_FORMAT = "DD/MM/YYYY"
FINDING_COLUMNS = ("Fichier", "Règle", "Gravité", "Ligne", "Colonne", "Emplacement", "Constat")
SHEET_ROWS = 1_048_576
"""Rows in one sheet (Excel's limit, and openpyxl's): a longer table goes on in another sheet."""
CELL_CHARS = 32_767
"""Characters in one cell (Excel's limit): a longer text is cut, with « … »."""
_MEASURED = 200
"""Rows a column's width is measured on."""


class XlsxReporter:
    binary = True

    def __init__(self, *, ref: Referentiel, **_: Any) -> None:
        self.ref = ref
        self.rows: Spool[Row] = Spool()
        self.findings: Spool[tuple[tuple[Cell, ...], ...]] = Spool()
        self.prepared = False

    def begin(self) -> str:
        return ""

    def dossier(self, result: DossierResult) -> str:
        if not self.prepared:
            # openpyxl imported at the first dossier, while the workers check the others, not
            # after the last one, when nothing else runs.
            import openpyxl.cell
            import openpyxl.styles
            import openpyxl.utils
            import openpyxl.worksheet._write_only  # noqa: F401

            self.prepared = True
        self.rows.add(row_of(result, self.ref))
        if result.findings:
            self.findings.add(tuple(
                (result.file, f.rule, f.severity.label, f.line, f.column, f.path or None, f.text)
                for f in result.findings
            ))
        return ""

    def end(self, summary: Summary) -> Iterator[bytes]:
        """The workbook, written to a temporary file and given back in pieces."""
        from openpyxl import Workbook

        synthesis = summary.finish()
        book = Workbook(write_only=True)
        book.properties.creator = "cdv-check"  # how `--output` knows its own report
        header = columns(self.ref)
        amounts = amount_columns(self.ref)
        decisions = _decision_titles(self.ref)
        blank = (None,) * len(decisions)
        lot = batch_rules(synthesis)
        _table(book, "Demandes", header + decisions, ((*row.values(lot), *blank) for row in self.rows),
               amounts={i for i, c in enumerate(header) if c in amounts} | _decision_amounts(header, self.ref),
               dates={i for i, c in enumerate(header) if c in DATE_COLUMNS},
               fixed_widths={len(header) + i: 18 if i % 3 < 2 else 30 for i in range(len(decisions))},
               tail=lambda sheet, first, last: _decisions(sheet, self.ref, header, first, last))
        batch = (
            (file, f.rule, f.severity.label, None, None, None, f.text)
            for f in synthesis.findings for file in (f.files or ("(lot)",))
        )
        _table(book, "Constats", FINDING_COLUMNS, chain(chain.from_iterable(self.findings), batch))
        _totals(book, synthesis)
        _priorities(book, synthesis)
        with tempfile.TemporaryFile() as out:
            book.save(out)
            self.rows.close()
            self.findings.close()
            out.seek(0)
            while piece := out.read(1 << 20):
                yield piece


def _cell(sheet: WriteOnlyWorksheet, value: Cell, number_format: str | None = None, bold: bool = False) -> Any:
    """One typed cell; a text is always a text cell (a dossier's `=…` is not a formula), inert,
    made of characters XML can carry (one U+FFFF would make the whole workbook unreadable), and
    no longer than a cell holds."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, bool):
        value = "oui" if value else "non"
    if isinstance(value, str):
        text = xml_text(value)
        if len(text) > CELL_CHARS:
            text = text[:CELL_CHARS - 1] + "…"
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
    else:
        cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]  # int, Decimal, date: numbers and dates
    if number_format:
        cell.number_format = number_format
    if bold:
        from openpyxl.styles import Font

        cell.font = Font(bold=True)
    return cell


def _table(book: Workbook, title: str, header: tuple[str, ...], rows: Iterable[tuple[Cell, ...]], *,
           amounts: Collection[int] = (), dates: Collection[int] = (), preamble: tuple[str, ...] = (),
           fixed_widths: dict[int, int] | None = None,
           tail: Callable[[WriteOnlyWorksheet, int, int], None] | None = None) -> None:
    """A table in sheet `title` (and « title (2) »… past a sheet's rows), each sheet with the
    `preamble` lines, the header frozen and filters on; `tail(sheet, first, last)` writes what
    follows the rows of each sheet (its data rows are `first` to `last`)."""
    from openpyxl.utils import get_column_letter

    source = iter(rows)
    measured = list(islice(source, _MEASURED))
    widths = [
        (fixed_widths or {}).get(n)
        or min(60, max(8, max([len(name), *(len(str(r[n])) for r in measured if r[n] is not None)]) + 2))
        for n, name in enumerate(header)
    ]
    formats = [AMOUNT_FORMAT if n in amounts else DATE_FORMAT if n in dates else None for n in range(len(header))]
    pending = chain(measured, source)
    row = next(pending, None)
    top = len(preamble) + (2 if preamble else 1)  # the header's row (a blank line after a preamble)
    part = 0
    while part == 0 or row is not None:
        part += 1
        sheet = book.create_sheet(title if part == 1 else f"{title} ({part})")
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = f"A{top + 1}"
        for line in preamble:
            sheet.append([_cell(sheet, line)])
        if preamble:
            sheet.append([])
        sheet.append([_cell(sheet, name, bold=True) for name in header])
        written = 0
        room = SHEET_ROWS - (2 if tail else 0)  # a tail needs a blank row and its own
        while row is not None and top + written < room:
            sheet.append([_cell(sheet, value, formats[n]) for n, value in enumerate(row)])
            written += 1
            row = next(pending, None)
        sheet.auto_filter.ref = f"A{top}:{get_column_letter(len(header))}{top + max(1, written)}"
        if tail is not None:
            tail(sheet, top + 1, top + written)


OPINIONS = ("Favorable", "Favorable (montant réduit)", "Défavorable", "Ajourné")
"""The committee's opinions, offered by a drop-down list in each « avis » column."""


def _decision_titles(ref: Referentiel) -> tuple[str, ...]:
    """The committee's columns after the table: per funder, « montant proposé », « avis » and
    « commentaire », empty."""
    return tuple(f"{funder.nom} : {title}" for funder in ref.financeurs
                 for title in ("montant proposé", "avis", "commentaire"))


def _decision_amounts(header: tuple[str, ...], ref: Referentiel) -> set[int]:
    return {len(header) + 3 * n for n in range(len(ref.financeurs))}


def _decisions(sheet: Any, ref: Referentiel, header: tuple[str, ...], first: int, last: int) -> None:
    """After the rows `first` to `last`: a drop-down list of opinions in each « avis » column, and
    a row of totals, formulas written here (never from dossier text) so that the sheet
    recomputes as the committee fills it. What the dossiers ask is summed over the rows the
    totals count (« Compté dans les totaux » : a LOT01 group once); what the committee writes,
    over every row."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    count = last - first + 1
    width = len(header)
    amounts = amount_columns(ref)
    asked = {index for index, title in enumerate(header, start=1) if title in amounts}
    counted = get_column_letter(header.index(COUNTED_COLUMN) + 1)
    proposed = set()
    for n in range(len(ref.financeurs)):
        opinion = get_column_letter(width + 3 * n + 2)
        proposed.add(width + 3 * n + 1)
        if count:
            choices = DataValidation(type="list", formula1='"' + ",".join(OPINIONS) + '"', allow_blank=True)
            choices.error = "Choisissez un avis de la liste."
            choices.errorTitle = "Avis"
            choices.add(f"{opinion}{first}:{opinion}{last}")
            sheet.data_validations.append(choices)
    sheet.auto_filter.ref = f"A{first - 1}:{get_column_letter(width + 3 * len(ref.financeurs))}{max(first, last)}"
    total: list[Any] = [_cell(sheet, "Total (chaque action comptée une fois)", bold=True)]
    end = max(first, last)
    for column in range(2, width + 3 * len(ref.financeurs) + 1):
        letter = get_column_letter(column)
        value = (f'=SUMIF({counted}{first}:{counted}{end},"oui",{letter}{first}:{letter}{end})' if column in asked
                 else f"=SUM({letter}{first}:{letter}{end})" if column in proposed else None)
        if value is not None:
            formula = WriteOnlyCell(sheet, value=value)
            formula.number_format = AMOUNT_FORMAT
            total.append(formula)
        else:
            total.append(None)
    sheet.append([])
    sheet.append(total)


def _totals(book: Workbook, synthesis: Synthesis) -> None:
    """Totals all/ready, then each breakdown (its amounts add up to the grand total)."""
    header = ("Répartition", "Clé", "Libellé", "Dossiers", "Subvention demandée", "Dossiers prêts",
              "Subvention des prêts")
    rows: list[tuple[Cell, ...]] = [
        ("Total", "tous", "Tous les dossiers", synthesis.totals.dossiers, synthesis.totals.subvention_demandee,
         synthesis.ready.dossiers, synthesis.ready.subvention_demandee),
    ]
    for name, breakdown in (("QPV", synthesis.by_qpv), ("Axe stratégique", synthesis.by_strategic_axis),
                            ("Axe transversal", synthesis.by_transversal_axis), ("Financeur", synthesis.by_funder)):
        rows.extend(_total_row(name, r) for r in breakdown)
    for name, crossed in (("Financeur × QPV", synthesis.by_funder_qpv),
                          ("Financeur × axe stratégique", synthesis.by_funder_axis)):
        for funder, breakdown in crossed:
            rows.extend(_total_row(f"{name} : {funder.label}", r) for r in breakdown if r.dossiers)
    carriers = (
        ("Porteur (SIRET)", carrier.siret, " / ".join(carrier.names.values()) or None,
         carrier.dossiers, carrier.subvention_demandee, carrier.prets, None)
        for carrier in synthesis.carriers
    )
    _table(book, "Totaux", header, chain(rows, carriers), amounts={4, 6}, preamble=(METHOD,))


def _total_row(name: str, row: TotalRow) -> tuple[Cell, ...]:
    return (name, row.key, row.label, row.dossiers, row.subvention_demandee, row.dossiers_prets,
            row.subvention_prets)


def _priorities(book: Workbook, synthesis: Synthesis) -> None:
    header = ("Priorité", "QPV", "Texte", "Dossiers qui la citent", "dont prêts", "Reprise par un dossier prêt",
              "Fichiers")
    rows = (
        (c.id, c.qpv_label, c.text, c.dossiers, c.prets, bool(c.prets),
         ", ".join(c.files) + (f" et {c.dossiers - len(c.files)} autre(s)" if c.dossiers > len(c.files) else "")
         or None)
        for c in synthesis.priorities
    )
    _table(book, "Priorités", header, rows)
