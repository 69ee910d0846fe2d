"""`json` (one document, written as dossiers finish) and `jsonl` (one dossier object per line)."""

from __future__ import annotations

import json
from typing import Any

from cdv_check.core.checker import DossierResult
from cdv_check.core.summary import Summary
from cdv_check.text.safety import unicode_only


def dossier_object(result: DossierResult, *, strict: bool) -> dict[str, Any]:
    counts = result.counts()
    obj: dict[str, Any] = {
        "file": unicode_only(result.file),
        "passed": result.passed(strict=strict, counts=counts),
        "counts": counts,
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity.value,
                "message": f.text,
                "path": f.path,
                "line": f.line,
                "column": f.column,
            }
            for f in result.findings
        ],
    }
    if result.omitted:
        obj["omitted"] = result.omitted
    obj["dossier"] = result.demande.as_json(result.statut)  # its texts are valid Unicode already
    return obj


def _inert(value: Any) -> Any:
    """Dossier text as valid Unicode (a file name or a value may hold undecodable bytes)."""
    if isinstance(value, str):
        return unicode_only(value)
    if isinstance(value, dict):
        return {k: _inert(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_inert(v) for v in value]
    return value


def synthesis_object(summary: Summary) -> dict[str, Any]:
    """The `synthese` of the JSON report (computed once by the summary)."""
    return dict(_inert(summary.finish().as_json()))


def _dumps(value: Any) -> str:
    # ensure_ascii keeps every control or bidi character of a dossier escaped in the output;
    # `##[` (a GitHub Actions command anywhere in a log line) is written `#\u0023[`, same value.
    return json.dumps(value, ensure_ascii=True).replace("##[", "#\\u0023[")


class JsonReporter:
    def __init__(self, *, ref_id: str, version: str, strict: bool = False, **_: Any) -> None:
        self.header = {"tool": "cdv-check", "version": version, "referentiel": ref_id}
        self.strict = strict
        self.first = True

    def begin(self) -> str:
        return _dumps(self.header)[:-1] + ', "dossiers": [\n'

    def dossier(self, result: DossierResult) -> str:
        sep = "" if self.first else ",\n"
        self.first = False
        return sep + _dumps(dossier_object(result, strict=self.strict))

    def end(self, summary: Summary) -> str:
        extra = ', "interrupted": true' if summary.interrupted else ""
        return (
            f'\n], "summary": {_dumps(summary.as_dict())}, "synthese": {_dumps(synthesis_object(summary))}'
            f'{extra}}}\n'
        )


class JsonLinesReporter:
    def __init__(self, *, strict: bool = False, **_: Any) -> None:
        self.strict = strict

    def begin(self) -> str:
        return ""

    def dossier(self, result: DossierResult) -> str:
        return _dumps(dossier_object(result, strict=self.strict)) + "\n"

    def end(self, summary: Summary) -> str:
        """A last line of type synthesis: `{"type": "synthese", "summary": …, "synthese": …}`."""
        line: dict[str, Any] = {"type": "synthese", "summary": summary.as_dict(), "synthese": synthesis_object(summary)}
        if summary.interrupted:
            line["interrupted"] = True
        return _dumps(line) + "\n"
