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

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from cdv_check.core.checker import DossierResult
from cdv_check.core.summary import Summary
from cdv_check.core.synthesis import METHOD, STATUS_LABELS, Synthesis
from cdv_check.core.synthesis import Row as TotalRow
from cdv_check.model.referentiel import Referentiel
from cdv_check.reading.loading import where
from cdv_check.reporters.spool import Spool
from cdv_check.reporters.table import Row, row_of
from cdv_check.reporters.xlsx_report import OPINIONS
from cdv_check.text.money import french_amount
from cdv_check.text.safety import clean, xml_safe
from cdv_check.text.words import call_title, priorities, requests_heading

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True, slots=True)
class _Dossier:
    row: Row
    findings: tuple[tuple[str, str, str, str], ...]
    """(fichier:ligne:colonne, rule, severity, text) of each finding shown."""
    omitted: int


class HtmlReporter:
    def __init__(self, *, ref: Referentiel, version: str = "", strict: bool = False, **_: Any) -> None:
        self.ref = ref
        self.version = version
        self.strict = strict
        self.dossiers: Spool[_Dossier] = Spool()
        """Kept on disk until the end: the page's memory does not grow with the batch."""
        self.page: Any = None
        """The page's template: Jinja2 imported and the template compiled at the first dossier,
        while the workers check the others, not after the last one, when nothing else runs."""

    def begin(self) -> str:
        return ""

    def dossier(self, result: DossierResult) -> str:
        findings = tuple(
            (where(result.file, f.line, f.column), f.rule, f.severity.value, f.text) for f in result.findings
        )
        self.dossiers.add(_Dossier(row_of(result, self.ref), findings, result.omitted))
        if self.page is None:
            self.page = _template()
        return ""

    def end(self, summary: Summary) -> Iterator[str]:
        """The page, piece by piece as Jinja2 renders it (`generate`), each dossier read back
        from the spool when its line is written."""
        page = self.page if self.page is not None else _template()
        synthesis = summary.finish()
        yield from _chunks(page.generate(
            summary=summary,
            synthesis=synthesis,
            version=self.version,
            ref=self.ref,
            method=METHOD,
            requests=_Requests(self.dossiers, synthesis),
            breakdowns=_breakdowns(synthesis),
            coverage=_coverage(synthesis, self.ref),
            statuses=STATUS_LABELS,
            call_title=call_title(self.ref),
            requests_heading=requests_heading(self.ref),
            priorities_words=priorities(self.ref),
            opinions=OPINIONS,
        ))
        self.dossiers.close()


def _template() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
    from markupsafe import Markup

    def xml_safe_value(value: Any) -> Any:
        """Every value the page prints, made of characters an HTML (or XHTML) reader accepts:
        U+FFFE or a control is a parse error. The template's own markup is left as it is."""
        return xml_safe(value) if isinstance(value, str) and not isinstance(value, Markup) else value

    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=xml_safe_value,
    )
    environment.filters["euros"] = _euros
    environment.filters["text"] = _text
    return environment.get_template("rapport.html.j2")


class _Requests:
    """The table's lines, read back from the spool each time the page goes through them."""

    def __init__(self, dossiers: Spool[_Dossier], synthesis: Synthesis) -> None:
        self.dossiers = dossiers
        self.synthesis = synthesis

    def __iter__(self) -> Iterator[SimpleNamespace]:
        return (_request(d, self.synthesis) for d in self.dossiers)


def _chunks(pieces: Iterable[str], size: int = 1 << 16) -> Iterator[str]:
    """Jinja2's many small pieces (one per printed value) joined into pieces of about `size`
    characters: the page is still written as it is rendered, in far fewer writes."""
    gathered: list[str] = []
    length = 0
    for piece in pieces:
        gathered.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(gathered)
            gathered, length = [], 0
    if gathered:
        yield "".join(gathered)


def _euros(amount: Decimal | None) -> str:
    return "—" if amount is None else french_amount(amount).replace(" ", "\u202f")


def _text(value: Any) -> str:
    return "—" if value is None or value == "" else clean(str(value))


def _request(dossier: _Dossier, synthesis: Synthesis) -> SimpleNamespace:
    cells = dossier.row.values(synthesis)
    values: dict[str, Any] = dict(zip(_KEYS, cells[:len(_KEYS)], strict=True))
    counted, labels, pieces, previous, *asked = cells[len(_KEYS):]
    values["compte"] = counted
    values["objectifs_libelles"] = labels
    values["pieces"] = pieces
    values["subvention_precedente"] = previous
    values["financeurs"] = [(label, amount) for label, amount in zip(synthesis.funder_labels, asked, strict=True)
                            if amount]
    values["statut_code"] = dossier.row.statut
    values["findings"] = dossier.findings
    values["omitted"] = dossier.omitted
    return SimpleNamespace(**values)  # the template's `d.fichier` is an attribute: no failed lookup first


_KEYS = (
    "fichier", "statut", "porteur", "sigle", "siret", "statut_porteur", "intitule", "nouvelle", "qpv",
    "objectifs", "axes_strategiques", "axes_transversaux", "priorites", "debut", "fin", "beneficiaires",
    "beneficiaires_qpv", "cout_total", "contributions_nature", "subvention_demandee", "date_depot",
    "erreurs", "avertissements", "conseils", "lot",
)


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
