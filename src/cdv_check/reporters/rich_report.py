"""`rich`: the report a carrier reads in a terminal, grouped by section of the call.

Every text that comes from a dossier is put in a `Text` (never parsed as markup) after `clean()`
(no control or bidi characters), so a dossier cannot drive the terminal.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule as Line
from rich.table import Table
from rich.text import Text

from cdv_check.core.checker import DossierResult
from cdv_check.core.findings import Finding, Severity
from cdv_check.core.registry import all_rules
from cdv_check.core.summary import Summary
from cdv_check.core.synthesis import METHOD_SHORT
from cdv_check.model.referentiel import Referentiel
from cdv_check.reporters import omitted_line
from cdv_check.reporters.whole import Responsive, Whole, longest_word
from cdv_check.text.french import french_date, plural
from cdv_check.text.money import french_amount
from cdv_check.text.safety import clean as _clean
from cdv_check.text.words import family_heading

_FAMILIES = {
    "SCH": "Lecture du fichier",
    "ELG": "Éligibilité",
    "EXA": "Examen du dossier",
    "PCE": "Pièces du dossier",
    "OBJ": "Objectifs et priorités",
    "BUD": "Budget prévisionnel",
    "IDN": "Identification du porteur",
}
"""Each family's heading; the référentiel adds where its call says it (`textes.rubriques`)."""
_IDEAS = "OBJ04"
_STACKED_BELOW = 80  # columns: under this, findings are stacked instead of squeezed in a table
_TABLE_MARGIN = 32  # columns taken by the table's severity, rule and position, and its padding
_STYLE = {
    Severity.ERROR: ("✗", "bold red"),
    Severity.WARNING: ("!", "bold yellow"),
    Severity.INFO: ("i", "cyan"),
}


def clean(text: str) -> str:
    """Inert dossier text; rich folds long lines, so "::" could start a line that a CI runner
    reads as a workflow command: it is split as ": :" (this format is for people to read)."""
    return _clean(text).replace("::", ": :")


_ONE_CHARACTER_FALLBACKS = {"✗": "x", "✓": "v", "→": ">", "·": ".", "—": "-", "…": ".", "«": '"', "»": '"'}
"""The report's own signs, for an output that cannot carry them (cp1252, ASCII): one character
each, so that the columns stay aligned. Anything else it cannot carry is escaped by stdout."""


def _carried(text: str, encoding: str) -> str:
    if encoding.lower().replace("_", "-").startswith("utf"):
        return text
    for sign, fallback in _ONE_CHARACTER_FALLBACKS.items():
        if sign in text and not _encodable(sign, encoding):
            text = text.replace(sign, fallback)
    return text


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


class _Buffer(io.StringIO):
    """Where rich renders, with the encoding of the report's real destination (rich reads it)."""

    def __init__(self, encoding: str) -> None:
        super().__init__()
        self._encoding = encoding

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding


class RichReporter:
    def __init__(
        self,
        *,
        ref: Referentiel,
        strict: bool = False,
        color: bool = False,
        width: int = 100,
        encoding: str = "utf-8",
        **_: Any,
    ) -> None:
        self.ref = ref
        self.strict = strict
        self.color = color
        self.width = width
        self.encoding = encoding
        """The output's: rich draws its boxes in ASCII when it is not a UTF encoding."""
        self.rules = all_rules()

    def _render(self, *renderables: RenderableType) -> str:
        buffer = _Buffer(self.encoding)
        console = Console(
            file=buffer,
            width=self.width,
            force_terminal=self.color,
            no_color=not self.color,
            color_system="standard" if self.color else None,
            highlight=False,
            emoji=False,
            markup=False,
        )
        for renderable in renderables:
            console.print(renderable, crop=False)  # a word longer than the line stays whole
        return _carried(buffer.getvalue(), self.encoding)

    def begin(self) -> str:
        return ""

    def dossier(self, result: DossierResult) -> str:
        parts: list[RenderableType] = [self._header(result)]
        ideas = [f for f in result.findings if f.rule == _IDEAS]
        for section, findings in self._sections(result):
            if self.width < _STACKED_BELOW:
                parts.append(Text(""))  # stacked findings: a blank line sets the sections apart
            parts.append(Whole(Text(section, style="bold underline")))
            parts.append(self._findings(findings))
        if result.omitted:
            parts.append(Text(
                f"{omitted_line(result)} (trop de constats : corrigez d'abord les premiers).",
                style="dim",
            ))
        if ideas:
            parts.append(Text("Des idées : les priorités de l'appel pour vos quartiers",
                              style="bold underline"))
            for f in ideas:
                parts.append(Whole(Text(clean(f.text), style="dim")))
        parts.append(Text(""))
        return self._render(*parts)

    def _header(self, result: DossierResult) -> RenderableType:
        counts = result.counts()
        passed = result.passed(strict=self.strict)
        title = Text(clean(result.title or "(action sans intitulé)"), style="bold")
        deadline = result.deadline
        days = (deadline - result.deposit_date).days if deadline and result.deposit_date else None
        if passed:
            verdict = Text("✓ Prêt à être déposé", style="bold green")
        elif counts["error"]:
            verdict = Text(f"✗ {plural(counts['error'], 'erreur')} à corriger", style="bold red")
        else:
            verdict = Text(f"✗ {plural(counts['warning'], 'avertissement')} à corriger (mode strict)",
                           style="bold red")
        if deadline and days is not None and days >= 0:
            verdict.append(f" — dépôt au plus tard le {french_date(deadline)} (J-{days})")
        elif deadline and days is not None:
            verdict.append(f" — hors délais : {plural(-days, 'jour')} après le {french_date(deadline)}",
                           style="red")
        tally = Text(
            f"{plural(counts['error'], 'erreur')} · {plural(counts['warning'], 'avertissement')} · "
            f"{plural(counts['info'], 'conseil')}",
            style="dim",
        )
        file = Text(clean(result.file))
        lines = [Whole(title), Whole(verdict), Whole(tally)]
        border = "green" if passed else "red"
        if self.width < _STACKED_BELOW or len(file) > self.width - 6:
            # No frame (its title would cut the path): the path and the verdict on lines of their own.
            return Group(Line(style=border), Whole(file), *lines, Line(style=border))
        return Panel(Group(*lines), title=file, title_align="left", border_style=border)

    def _sections(self, result: DossierResult) -> list[tuple[str, list[Finding]]]:
        grouped: dict[str, list[Finding]] = {}
        for f in result.findings:
            if f.rule != _IDEAS:
                grouped.setdefault(f.rule.rstrip("0123456789"), []).append(f)
        order = list(_FAMILIES)
        ordered = sorted(grouped, key=lambda fam: order.index(fam) if fam in order else len(order))
        return [
            (family_heading(self.ref, family, _FAMILIES.get(family, family)), grouped[family]) for family in ordered
        ]

    def _findings(self, findings: list[Finding]) -> RenderableType:
        """A table of the findings, or under 80 columns one finding after the other."""
        bodies = [self._body(f).plain for f in findings]
        if self.width < _STACKED_BELOW or max(map(longest_word, bodies)) > self.width - _TABLE_MARGIN:
            return Group(*(self._stacked(f) for f in findings))
        return self._table(findings)

    @staticmethod
    def _body(f: Finding) -> Text:
        body = Text(clean(f.message))
        if f.path and f.path not in f.message:
            body.append(f"  ({clean(f.path)})", style="dim")
        if f.advice:
            body.append("\n→ " + clean(f.advice), style="italic")
        return body

    def _stacked(self, f: Finding) -> RenderableType:
        symbol, style = _STYLE[f.severity]
        where = f"{f.line}:{f.column}" if f.line else ""
        head = Text.assemble((f"{symbol} {f.severity.label}", style), " ", (f.rule, "bold"), " ", (where, "dim"))
        return Group(Whole(head), Whole(self._body(f), "  "))

    def _table(self, findings: list[Finding]) -> Table:
        table = Table(show_header=False, box=None, pad_edge=False, padding=(0, 1), expand=False)
        table.add_column("gravité", no_wrap=True, min_width=15)
        table.add_column("règle", no_wrap=True, style="bold")
        table.add_column("où", no_wrap=True, style="dim", min_width=5)
        table.add_column("constat", ratio=1)
        for f in findings:
            symbol, style = _STYLE[f.severity]
            where = f"{f.line}:{f.column}" if f.line else "—"
            table.add_row(Text(f"{symbol} {f.severity.label}", style=style), f.rule, where, Whole(self._body(f)))
        return table

    def end(self, summary: Summary) -> str:
        parts: list[RenderableType] = [Line("Bilan", style="dim")]
        verdict = Text(
            f"{plural(summary.dossiers, 'dossier')} : {summary.verdict()} — "
            f"{plural(summary.counts['error'], 'erreur')}, "
            f"{plural(summary.counts['warning'], 'avertissement')}, "
            f"{plural(summary.counts['info'], 'conseil')}",
            style="bold green" if summary.failed == 0 else "bold red",
        )
        if summary.interrupted:
            verdict.append(" (interrompu : dossiers vérifiés jusque-là)", style="yellow")
        parts.append(Whole(verdict))
        if summary.dossiers > 1:
            parts.extend(self._batch_totals(summary))
            parts.extend(self._frequent_rules(summary))
            parts.extend(self._qpv_chart(summary))
        parts.extend(self._batch_findings(summary))
        return self._render(*parts)

    def _batch_totals(self, summary: Summary) -> list[RenderableType]:
        """The grand total, all dossiers and ready ones apart."""
        synthesis = summary.finish()
        statuses = synthesis.statuses
        every, ready = synthesis.totals, synthesis.ready
        text = Text(
            f"Demandé : {french_amount(every.subvention_demandee)} pour {plural(every.dossiers, 'dossier')} "
            f"(coût des actions : {french_amount(every.cout_total)}), dont "
            f"{french_amount(ready.subvention_demandee)} pour {plural(ready.dossiers, 'dossier')} "
            f"prêt(s), sans erreur."
        )
        if statuses["illisible"]:
            text.append(f" Fichiers illisibles : {statuses['illisible']}.")
        if statuses["doublon"]:
            text.append(f" Doublons possibles, non comptés : {statuses['doublon']}.")
        if every.sans_montant:
            text.append(f" Montant inconnu (compté 0) : {plural(every.sans_montant, 'dossier')}.", style="dim")
        return [Text(""), Whole(text)]

    def _frequent_rules(self, summary: Summary) -> list[RenderableType]:
        """The rules that most often find errors or warnings (advice is not a fault)."""
        frequent = summary.rules.most_common(5)
        if not frequent:
            return []
        table = Table(title="Règles les plus fréquentes", title_justify="left", box=None)
        table.add_column("règle")
        table.add_column("erreurs et avert.", justify="right")
        table.add_column("intitulé")
        narrow: list[RenderableType] = [Text("Règles les plus fréquentes (erreurs et avertissements)", style="italic")]
        for rule_id, n in frequent:
            title = self.rules[rule_id].title_for(self.ref) if rule_id in self.rules else ""
            table.add_row(rule_id, str(n), title)
            narrow.append(Whole(Text.assemble((rule_id, "bold"), f" × {n} — {title}"), "  ", "  "))
        return [Text(""), Responsive(table, Group(*narrow), _STACKED_BELOW)]

    def _qpv_chart(self, summary: Summary) -> list[RenderableType]:
        """Requests per QPV from the synthesis: a several-QPV dossier's amount split in equal
        shares, so that the column adds up to the grand total (said under the table)."""
        synthesis = summary.finish()
        rows = [r for r in synthesis.by_qpv if r.key is not None or r.dossiers]
        table = Table(title="Demandes par quartier", title_justify="left", box=None,
                      caption=METHOD_SHORT, caption_justify="left")
        table.add_column("QPV")
        table.add_column("dossiers", justify="right")
        table.add_column("demandé", justify="right")
        table.add_column("dont prêts", justify="right")
        table.add_column("€ / habitant", justify="right")
        table.add_column("", min_width=12)
        top = max((r.subvention_demandee for r in rows), default=Decimal(0)) or Decimal(1)
        inhabitants = {q.slug: q.habitants for q in self.ref.qpv if q.habitants is not None}
        narrow: list[RenderableType] = [Text("Demandes par quartier", style="italic")]
        for row in rows:
            amount = row.subvention_demandee
            bar = "█" * max(1, int(12 * amount / top)) if amount > 0 else ""
            per_head = french_amount(amount / inhabitants[row.key]) if row.key in inhabitants else ""
            table.add_row(clean(row.label), str(row.dossiers), french_amount(amount),
                          french_amount(row.subvention_prets), per_head, Text(bar, style="cyan"))
            narrow.append(Whole(Text.assemble(
                (clean(row.label), "bold"), f" : {plural(row.dossiers, 'dossier')}, {french_amount(amount)} demandés "
                f"(prêts : {french_amount(row.subvention_prets)})", f", {per_head} / habitant " if per_head else " ",
                (bar, "cyan"),
            ), "  ", "  "))
        table.add_row(Text("Total", style="bold"), "", Text(french_amount(synthesis.totals.subvention_demandee),
                      style="bold"), Text(french_amount(synthesis.ready.subvention_demandee), style="bold"), "", "")
        narrow.append(Whole(Text(
            f"Total : {french_amount(synthesis.totals.subvention_demandee)} demandés (prêts : "
            f"{french_amount(synthesis.ready.subvention_demandee)})", style="bold"), "  ", "  "))
        narrow.append(Whole(Text(METHOD_SHORT, style="dim")))
        return [Text(""), Responsive(table, Group(*narrow), _STACKED_BELOW)]

    def _batch_findings(self, summary: Summary) -> list[RenderableType]:
        """The batch rules' findings (LOT), after the totals."""
        findings = summary.finish().findings
        if not findings:
            return []
        parts: list[RenderableType] = [Text(""), Text("Constats du lot", style="bold underline")]
        for f in findings:
            symbol, style = _STYLE[f.severity]
            line = Text(f"{symbol} {f.rule} ", style=style)
            line.append(clean(f.text))
            parts.append(Whole(line, "", "  "))
        return parts
