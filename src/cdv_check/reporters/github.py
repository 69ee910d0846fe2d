"""`github`: GitHub Actions workflow commands, one annotation line per finding.

GitHub reads a line starting with `::` as a command. Every value goes through `clean()` (no
newline can end the line early) and through GitHub's own escaping, so no text of a dossier can
start a command of its own.
"""

from __future__ import annotations

from typing import Any

from cdv_check.core.checker import DossierResult
from cdv_check.core.findings import Finding, Severity
from cdv_check.core.summary import Summary
from cdv_check.text.safety import clean
from cdv_check.reporters import omitted_line

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


class GithubReporter:
    def __init__(self, **_: Any) -> None:
        pass

    def begin(self) -> str:
        return ""

    def dossier(self, result: DossierResult) -> str:
        lines = [_annotation(result.file, f) for f in result.findings]
        if result.omitted:
            lines.append(command(
                "notice", f"{omitted_line(result)}.",
                file=result.file, title="cdv-check",
            ))
        return "".join(lines)

    def end(self, summary: Summary) -> str:
        s = summary.as_dict()
        verdict = "interrompu : " if summary.interrupted else ""
        return command(
            "notice",
            f"{verdict}{s['dossiers']} dossier(s) : {s['passed']} prêt(s), {s['failed']} à corriger ; "
            f"{s['error']} erreur(s), {s['warning']} avertissement(s), {s['info']} conseil(s).",
            title="cdv-check",
        )
