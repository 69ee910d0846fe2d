"""`text`: one line per finding, `file:line:col: ID severity message`, for logs and editors."""

from __future__ import annotations

from typing import Any

from cdv_check.core.checker import DossierResult
from cdv_check.core.summary import Summary
from cdv_check.core.synthesis import Synthesis
from cdv_check.reading.loading import where
from cdv_check.reporters import omitted_line
from cdv_check.text.safety import clean


class TextReporter:
    def __init__(self, **_: Any) -> None:
        pass

    def begin(self) -> str:
        return ""

    def dossier(self, result: DossierResult) -> str:
        lines = []
        file = clean(result.file)
        for f in result.findings:
            lines.append(f"{where(file, f.line, f.column)}: {f.rule} {f.severity.label} {clean(f.text)}")
        if result.omitted:
            lines.append(f"{file}: {omitted_line(result)}")
        return "".join(line + "\n" for line in lines)

    def end(self, summary: Summary) -> str:
        s = summary.as_dict()
        verdict = "interrompu : " if summary.interrupted else ""
        synthesis = summary.finish()
        return batch_lines(synthesis) + (
            f"{verdict}{s['dossiers']} dossier(s) : {summary.verdict()} ; {s['error']} erreur(s), "
            f"{s['warning']} avertissement(s), "
            f"{s['info']} conseil(s){batch_tally(synthesis)}{hidden_note(summary)}\n"
        )


def batch_lines(synthesis: Synthesis) -> str:
    """The batch findings, each at the first dossier it names (`(lot)` when it names none)."""
    lines = []
    for f in synthesis.findings:
        place = clean(f.files[0]) if f.files else "(lot)"
        lines.append(f"{place}: {f.rule} {f.severity.label} {clean(f.text)}\n")
    return "".join(lines)


def hidden_note(summary: Summary) -> str:
    """` (non affichés, --min-severity : 3 conseil(s))` when findings were left out."""
    hidden = summary.hidden
    labels = (("warning", "avertissement(s)"), ("info", "conseil(s)"))
    parts = [f"{hidden[k]} {label}" for k, label in labels if hidden[k]]
    return f" (non affichés, --min-severity : {', '.join(parts)})" if parts else ""


def batch_tally(synthesis: Synthesis) -> str:
    """` ; lot : 1 avertissement(s), 3 conseil(s)`, or nothing when the batch rules found nothing."""
    counts = synthesis.counts
    if not any(counts.values()):
        return ""
    return f" ; lot : {counts['warning']} avertissement(s), {counts['info']} conseil(s)"

