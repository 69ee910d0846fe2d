"""`github`: GitHub Actions workflow commands, one annotation line per finding.

GitHub reads a line starting with `::` as a command. Every value goes through `clean()` (no
newline can end the line early) and through GitHub's own escaping, so no text of a dossier can
start a command of its own.
"""

from __future__ import annotations

import os
import re
import sys
from typing import Any

from cdv_check.core.checker import DossierResult
from cdv_check.core.findings import Finding, Severity
from cdv_check.core.summary import Summary
from cdv_check.core.synthesis import METHOD, Synthesis
from cdv_check.reporters import omitted_line
from cdv_check.reporters.text import batch_tally
from cdv_check.text.french import plural
from cdv_check.text.money import french_amount
from cdv_check.text.safety import clean

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return clean(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int | None) -> str:
    """One workflow command line, e.g. `::error file=a.yaml,line=3,title=SCH05::…`."""
    shown = ",".join(
        f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None
    )
    return f"::{name}{' ' + shown if shown else ''}::{escape_data(message)}\n"


def _annotation(file: str, finding: Finding) -> str:
    return command(
        _COMMANDS[finding.severity],
        f"{finding.severity.label} : {finding.text}",
        file=file,
        line=finding.line,
        col=finding.column if finding.line is not None else None,
        title=finding.rule,
    )


def _batch_annotation(finding: Finding) -> str:
    """A batch finding at the first dossier it names (the message names the others)."""
    return command(
        _COMMANDS[finding.severity],
        f"{finding.severity.label} : {finding.text}",
        file=finding.files[0] if finding.files else None,
        title=finding.rule,
    )


class GithubReporter:
    def __init__(self, *, strict: bool = False, **_: Any) -> None:
        self.strict = strict
        self.failing: list[tuple[str, str | None, dict[str, int]]] = []
        """The first dossiers to fix (as many as the summary lists), with their count."""
        self.failing_count = 0

    def begin(self) -> str:
        return ""

    def dossier(self, result: DossierResult) -> str:
        if not result.passed(strict=self.strict):
            self.failing_count += 1
            if len(self.failing) < _MAX_ROWS:
                self.failing.append((result.file, result.demande.intitule, result.counts()))
        lines = [_annotation(result.file, f) for f in result.findings]
        if result.omitted:
            lines.append(command(
                "notice", f"{omitted_line(result)}.",
                file=result.file, title="cdv-check",
            ))
        return "".join(lines)

    def end(self, summary: Summary) -> str:
        s = summary.as_dict()
        synthesis = summary.finish()
        verdict = "interrompu : " if summary.interrupted else ""
        step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if step_summary:
            _append_job_summary(step_summary, job_summary(summary, self.failing, room=_room_in(step_summary),
                                                          failing_count=self.failing_count))
        return "".join(_batch_annotation(f) for f in synthesis.findings) + command(
            "notice",
            f"{verdict}{s['dossiers']} dossier(s) : {summary.verdict()} ; "
            f"{s['error']} erreur(s), {s['warning']} avertissement(s), {s['info']} conseil(s)"
            f"{batch_tally(synthesis)}.",
            title="cdv-check",
        )


STEP_SUMMARY_BYTES = 1024 * 1024
"""GitHub's limit on the job summary of one step: a summary over it is dropped whole."""


def _room_in(path: str) -> int:
    """The bytes still allowed in the step's summary file (earlier commands of the step may have
    written to it)."""
    try:
        used = os.path.getsize(path)
    except OSError:  # not there yet (or not readable: the append will say so)
        used = 0
    return max(0, STEP_SUMMARY_BYTES - used)


def _append_job_summary(path: str, markdown: str) -> None:
    """Add the Markdown summary to the job's summary file; a failure there does not stop the
    report (it is said on standard error)."""
    try:
        with open(path, "a", encoding="utf-8") as out:
            out.write(markdown)
    except OSError as exc:
        from cdv_check.text.oserrors import french_os_error

        sys.stderr.write(
            f"cdv-check : résumé de la tâche non écrit dans GITHUB_STEP_SUMMARY : {french_os_error(exc)}.\n"
        )


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
_MAX_ROWS = 50
_MAX_CELL = 200
"""Characters of dossier text in one cell of the summary (cut with « … »)."""
_MAX_ITEM = 600
"""Characters of one batch finding in the summary."""


def md(text: str | None, limit: int | None = None) -> str:
    """Dossier text made inert in Markdown: HTML characters as entities, Markdown marks escaped,
    one line; cut to `limit` characters with « … » (before escaping, which may double them)."""
    if text is None:
        return "—"
    flat = clean(text)
    if limit is not None and len(flat) > limit:
        flat = flat[:limit - 1] + "…"
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


def _funder_table(synthesis: Synthesis) -> list[str]:
    """Per QPV, one column per funder asked (each column adds up to its funder's total)."""
    asked = [(funder, rows) for funder, rows in synthesis.by_funder_qpv if funder.dossiers]
    if not asked:
        return []
    lines = ["", "### Par financeur", "",
             "| QPV | " + " | ".join(md(f.label, _MAX_CELL) for f, _ in asked) + " |",
             "| --- |" + " ---: |" * len(asked)]
    for index, row in enumerate(asked[0][1]):
        if any(rows[index].dossiers for _, rows in asked):
            lines.append(f"| {md(row.label, _MAX_CELL)} | "
                         + " | ".join(french_amount(rows[index].subvention_demandee) for _, rows in asked) + " |")
    lines.append("| **Total** | " + " | ".join(f"**{french_amount(f.subvention_demandee)}**" for f, _ in asked) + " |")
    return lines


def job_summary(
    summary: Summary, failing: list[tuple[str, str | None, dict[str, int]]], room: int = STEP_SUMMARY_BYTES,
    failing_count: int | None = None,
) -> str:
    """The Markdown job summary: totals, the dossiers to fix, the batch findings, the QPV
    (cli.md); within `room` bytes, cut at a whole line in that order of importance."""
    synthesis = summary.finish()
    statuses = synthesis.statuses
    lines = [
        f"## cdv-check : {plural(summary.dossiers, 'dossier')}"
        + (" (interrompu)" if summary.interrupted else ""),
        "",
        f"{plural(statuses['pret'], 'prêt')}, {statuses['a_corriger']} à corriger, "
        f"{plural(statuses['illisible'], 'illisible')}"
        + (f", {statuses['doublon']} doublon(s) possible(s), non compté(s)." if statuses["doublon"] else "."),
        "",
        "| | dossiers | subvention demandée | coût total des actions |",
        "| --- | ---: | ---: | ---: |",
    ]
    for label, amounts in (("Tous", synthesis.totals), ("Prêts", synthesis.ready)):
        lines.append(f"| {label} | {amounts.dossiers} | {french_amount(amounts.subvention_demandee)} | "
                     f"{french_amount(amounts.cout_total)} |")
    count = len(failing) if failing_count is None else failing_count
    if failing:
        lines += ["", f"### Dossiers à corriger ({count})", "",
                  "| dossier | intitulé | erreurs | avertissements |", "| --- | --- | ---: | ---: |"]
        for file, title, counts in failing[:_MAX_ROWS]:
            lines.append(f"| {md(file, _MAX_CELL)} | {md(title, _MAX_CELL)} | {counts['error']} | "
                         f"{counts['warning']} |")
        if count > _MAX_ROWS:
            lines.append(f"| … et {count - _MAX_ROWS} autres | | | |")
    if synthesis.findings:
        lines += ["", "### Constats du lot", ""]
        for f in synthesis.findings[:_MAX_ROWS]:
            lines.append(f"- **{f.rule}** ({f.severity.label}) : {md(f.text, _MAX_ITEM)}")
        if len(synthesis.findings) > _MAX_ROWS:
            lines.append(f"- … et {len(synthesis.findings) - _MAX_ROWS} autres")
    lines += ["", "### Par QPV", "", METHOD, "", "| QPV | dossiers | demandé | dont prêts |",
              "| --- | ---: | ---: | ---: |"]
    for row in synthesis.by_qpv:
        if row.dossiers:
            lines.append(f"| {md(row.label, _MAX_CELL)} | {row.dossiers} | {french_amount(row.subvention_demandee)} | "
                         f"{french_amount(row.subvention_prets)} |")
    lines += _funder_table(synthesis)
    return _within(lines, room)


_CUT_NOTE = "\n… suite non écrite : le résumé d'une étape est limité à 1 Mio par GitHub.\n\n"


def _within(lines: list[str], room: int) -> str:
    """`lines` as Markdown of at most `room` bytes: whole lines, the first ones first, and a note
    where the rest is left out."""
    text = "\n".join(lines) + "\n\n"
    if len(text.encode("utf-8")) <= room:
        return text
    budget = room - len(_CUT_NOTE.encode("utf-8"))
    kept: list[str] = []
    for line in lines:
        budget -= len(line.encode("utf-8")) + 1
        if budget < 0:
            break
        kept.append(line)
    return "\n".join(kept) + _CUT_NOTE if kept else ""

