"""`html`: one self-contained page for the referents (Jinja2 templates, imported here only).

The page has no link to anything: its style and its few lines of script are inside it, and a
Content-Security-Policy forbids any fetch. Every dossier text goes through Jinja2's autoescape
(and `clean()`: no control or bidi characters), so a title `<script>…</script>` is shown as
text. It holds the table of requests (sortable), the totals with bar charts, the coverage of
the call's priorities, the batch findings and each dossier's findings with `fichier:ligne:colonne`;
and the committee's sheet: per request, a line per funder asked with empty cells (montant
proposé, avis, commentaire) to fill on paper, the xlsx's decision columns read-only. It prints on
A4 landscape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from functools import lru_cache
from itertools import islice
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from cdv_check.core.checker import DossierResult
from cdv_check.core.summary import Summary
from cdv_check.core.synthesis import METHOD, STATUS_LABELS, UNSPECIFIED_LABEL, Synthesis
from cdv_check.core.synthesis import Row as TotalRow
from cdv_check.model.referentiel import Referentiel
from cdv_check.reading.loading import where
from cdv_check.reporters.spool import Spool, TextSpool
from cdv_check.reporters.table import Row, batch_rules, row_of
from cdv_check.reporters.xlsx_report import OPINIONS
from cdv_check.text.money import french_amount
from cdv_check.text.safety import clean, xml_safe
from cdv_check.text.words import call_title, priorities, requests_heading

TEMPLATES = Path(__file__).parent / "templates"


_MARK = "\x00"
"""What marks, in text rendered ahead, where the text known later goes: in a line of the table,
its « Lot » cell's value; in the page, each dossier's parts. No printed value holds it
(`finalize` makes each one XML-safe, and XML has no NUL), nor does a template."""
_LINES, _SHEETS, _FINDINGS = (f"{_MARK}{name}{_MARK}" for name in ("lignes", "fiches", "constats"))


class HtmlReporter:
    def __init__(self, *, ref: Referentiel, version: str = "", strict: bool = False, **_: Any) -> None:
        self.ref = ref
        self.version = version
        self.strict = strict
        self.funders = [*(f.nom for f in ref.financeurs), UNSPECIFIED_LABEL]
        """The funders' names as the synthesis gives them (`Synthesis.funder_labels`)."""
        # Each dossier's parts of the page, rendered as it arrives (while the workers check the
        # others) and kept on disk until the end: the page's memory does not grow with the batch.
        self.lines: Spool[tuple[str, str, str]] = Spool()
        """Its line of the table: before the « Lot » cell's value, its file, after."""
        self.sheets = TextSpool()
        """Its sheet for the committee, if the committee sees it."""
        self.findings = TextSpool()
        """Its findings."""
        self.templates: tuple[Any, Any] | None = None
        """The page's template and the dossier's (fragments): Jinja2 imported and both compiled
        at the first dossier."""

    def begin(self) -> str:
        return ""

    def dossier(self, result: DossierResult) -> str:
        if self.templates is None:
            self.templates = _templates()
        from markupsafe import Markup  # with Jinja2, not before the first dossier

        parts = self.templates[1]
        findings = tuple(
            (where(result.file, f.line, f.column), f.rule, f.severity.value, f.text) for f in result.findings
        )
        d = _request(row_of(result, self.ref), findings, result.omitted, self.funders)
        n = str(len(self.lines) + 1)  # its place in the batch: the anchor #dN
        # str's own split: plain strings, not Markup's copies of each part.
        before, after = str.split(parts.ligne(d, n, Markup(_MARK)), _MARK)
        self.lines.add((before, result.file, after))
        sheet = parts.fiche(d)
        if sheet:
            self.sheets.add(sheet)  # Markup is a str: joined with the others into plain text
        self.findings.add(parts.constats(d, n))
        return ""

    def end(self, summary: Summary) -> Iterator[str]:
        """The page as Jinja2 renders it (`generate`), each dossier's parts read back from disk
        where the page comes to them."""
        from markupsafe import Markup

        page, parts = self.templates if self.templates is not None else _templates()
        synthesis = summary.finish()
        sections: dict[str, Callable[[], Iterator[str]]] = {
            _LINES: lambda: _lines(self.lines, synthesis, parts),
            _SHEETS: lambda: iter(self.sheets),
            _FINDINGS: lambda: iter(self.findings),
        }
        yield from _spliced(page.generate(
            summary=summary,
            synthesis=synthesis,
            version=self.version,
            ref=self.ref,
            method=METHOD,
            lignes=[Markup(_LINES)],  # the page's loops over the dossiers' parts print a mark, once
            fiches=[Markup(_SHEETS)],
            constats_par_dossier=[Markup(_FINDINGS)],
            breakdowns=_breakdowns(synthesis),
            coverage=_coverage(synthesis, self.ref),
            statuses=STATUS_LABELS,
            call_title=call_title(self.ref),
            requests_heading=requests_heading(self.ref),
            priorities_words=priorities(self.ref),
            opinions=OPINIONS,
        ), sections)
        self.lines.close()
        self.sheets.close()
        self.findings.close()


_LINES_JOINED = 512
"""Pieces of the table's lines (two or three a line) joined before they are written."""
_PIECES = 1024
"""The page's pieces (one per printed value) joined before they are written."""


def _templates() -> tuple[Any, Any]:
    """The page's template, and the module of the dossier's macros (dossier.html.j2)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
    from markupsafe import Markup

    def xml_safe_value(value: Any) -> Any:
        """Every value the page prints, made of characters an HTML (or XHTML) reader accepts:
        U+FFFE or a control is a parse error. The template's own markup is left as it is."""
        if type(value) is str:  # most values (the page prints some 60 a dossier): one test
            return value if value.isprintable() else xml_safe(value)
        return xml_safe(value) if isinstance(value, str) and not isinstance(value, Markup) else value

    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=xml_safe_value,
        optimized=False,  # its constant folding finds next to nothing here; compiling is 10 % cheaper
    )
    environment.filters["euros"] = _euros
    environment.filters["text"] = _text
    environment.filters["texts"] = _texts
    return environment.get_template("rapport.html.j2"), environment.get_template("dossier.html.j2").module


def _lines(lines: Spool[tuple[str, str, str]], synthesis: Synthesis, parts: Any) -> Iterator[str]:
    """The table's lines, each with its « Lot » cell (`batch_rules`); a few hundred lines at a time."""
    batch = batch_rules(synthesis)
    joined: list[str] = []
    for before, file, after in lines:
        about = batch.get(file)
        joined += (before, str(parts.lot_cell(about)), after) if about else (before, after)
        if len(joined) >= _LINES_JOINED:
            yield "".join(joined)
            joined = []
    if joined:
        yield "".join(joined)


def _spliced(pieces: Iterator[str], sections: dict[str, Callable[[], Iterator[str]]]) -> Iterator[str]:
    """The page's pieces, joined `_PIECES` at a time (no Python code runs for each piece), with
    each section's text where its mark is."""
    while chunk := "".join(islice(pieces, _PIECES)):
        start = 0
        while (at := chunk.find(_MARK, start)) >= 0:
            stop = chunk.index(_MARK, at + 1) + 1
            if at > start:
                yield chunk[start:at]
            yield from sections.pop(chunk[at:stop])()
            start = stop
        yield chunk[start:]


@lru_cache(maxsize=1024)
def _euros(amount: Decimal | None) -> str:
    """Remembered: the same amounts come back from a dossier to the next (equal amounts written
    differently, 6300 and 6300.00, are written alike)."""
    return "—" if amount is None else french_amount(amount).replace(" ", "\u202f")


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return clean(value if type(value) is str else str(value))


def _texts(values: Iterable[Any], separator: str) -> str:
    """`map('text')|join(separator)` in one call (a line of the page per carrier is written after
    the last dossier, when nothing else runs)."""
    return separator.join(map(_text, values))


def _request(
    row: Row, findings: tuple[tuple[str, str, str, str], ...], omitted: int, funders: list[str]
) -> SimpleNamespace:
    """What the dossier's macros print of it: `findings` holds (fichier:ligne:colonne, rule,
    severity, text) of each finding shown."""
    values: dict[str, Any] = dict(zip(_KEYS, row.cells, strict=True))
    counted, labels, pieces, previous, *asked = row.extras
    values["compte"] = counted
    values["objectifs_libelles"] = labels
    values["pieces"] = pieces
    values["subvention_precedente"] = previous
    values["financeurs"] = [(label, amount) for label, amount in zip(funders, asked, strict=True) if amount]
    values["statut_code"] = row.statut
    values["findings"] = findings
    values["omitted"] = omitted
    return SimpleNamespace(**values)  # the template's `d.fichier` is an attribute: no failed lookup first


_KEYS = (
    "fichier", "statut", "porteur", "sigle", "siret", "statut_porteur", "intitule", "nouvelle", "qpv",
    "objectifs", "axes_strategiques", "axes_transversaux", "priorites", "debut", "fin", "beneficiaires",
    "beneficiaires_qpv", "cout_total", "contributions_nature", "subvention_demandee", "date_depot",
    "erreurs", "avertissements", "conseils",
)
"""The names of `Row.cells` (the table's columns but the last, « Constats du lot »)."""


def _breakdowns(synthesis: Synthesis) -> list[tuple[str, list[dict[str, Any]]]]:
    """Each breakdown with the bar width of each row (its share of the grand total)."""
    grand = synthesis.totals.subvention_demandee or Decimal(1)
    out = []
    for title, rows, coded in (("Par quartier (QPV)", synthesis.by_qpv, False),
                               ("Par axe stratégique", synthesis.by_strategic_axis, True),
                               ("Par axe transversal", synthesis.by_transversal_axis, False),
                               ("Par financeur", synthesis.by_funder, False)):
        out.append((title, [_bar(r, grand, coded) for r in rows if r.key is not None or r.dossiers]))
    return out


def _bar(row: TotalRow, grand: Decimal, coded: bool) -> dict[str, Any]:
    label = row.label[:1].upper() + row.label[1:]
    return {
        "row": row,
        "label": f"{row.key} — {label}" if coded and row.key is not None else label,
        "width": f"{max(Decimal(0), min(Decimal(100), 100 * row.subvention_demandee / grand)):.1f}",
        "ready_width": f"{max(Decimal(0), min(Decimal(100), 100 * row.subvention_prets / grand)):.1f}",
    }


def _coverage(synthesis: Synthesis, ref: Referentiel) -> list[tuple[str, list[Any]]]:
    """The priorities grouped by QPV (« Tous QPV » first), in the call's order."""
    groups: dict[str, list[Any]] = {}
    for coverage in synthesis.priorities:
        groups.setdefault(coverage.qpv_label, []).append(coverage)
    return list(groups.items())
