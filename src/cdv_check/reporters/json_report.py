"""`json` (one document, written as dossiers finish) and `jsonl` (one dossier object per line)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from json.encoder import encode_basestring_ascii
from typing import Any

from cdv_check.core.checker import DossierResult
from cdv_check.core.summary import Summary
from cdv_check.core.synthesis import Carrier, money
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


def dossier_text(result: DossierResult, *, strict: bool) -> str:
    """The dossier's object as JSON text: exactly `_dumps(dossier_object(result))`, written
    without building the findings' dicts. The main process writes a batch's report alone, so
    this is on a batch's critical path; the findings' texts repeat from dossier to dossier
    (the same deadline, the same advice), and each distinct text is escaped once."""
    counts = result.counts()
    parts = [
        '{"file": ', _inert_string(result.file),
        ', "passed": ', "true" if result.passed(strict=strict, counts=counts) else "false",
        ', "counts": {', ", ".join(f"{encode_basestring_ascii(k)}: {n}" for k, n in counts.items()),
        '}, "findings": [',
    ]
    for n, f in enumerate(result.findings):
        parts += [
            ', {"rule": ' if n else '{"rule": ', encode_basestring_ascii(f.rule),
            ', "severity": ', encode_basestring_ascii(f.severity.value),
            ', "message": ', _escaped(f.text),
            ', "path": ', encode_basestring_ascii(f.path),
            ', "line": ', _number(f.line), ', "column": ', _number(f.column), "}",
        ]
    parts.append("]")
    if result.omitted:
        parts.append(f', "omitted": {result.omitted}')
    parts += [', "dossier": ', _TREE.encode(result.demande.as_json(result.statut)), "}"]
    return _no_command("".join(parts))


_TREE = json.JSONEncoder(ensure_ascii=True, check_circular=False)
"""`json.dumps(value, ensure_ascii=True)` of a tree just built (no cycle to look for), made once."""


def _number(value: int | None) -> str:
    return "null" if value is None else int.__repr__(value)


_ESCAPED: dict[str, str] = {}
_ESCAPED_SIZE = 2048
"""Distinct texts kept escaped; a text over _ESCAPED_LENGTH characters is escaped each time."""
_ESCAPED_LENGTH = 4096


def _escaped(text: str) -> str:
    found = _ESCAPED.get(text)
    if found is None:
        found = encode_basestring_ascii(text)
        if len(text) <= _ESCAPED_LENGTH:
            if len(_ESCAPED) >= _ESCAPED_SIZE:
                _ESCAPED.clear()
            _ESCAPED[text] = found
    return found


def _inert(value: Any) -> Any:
    """Dossier text as valid Unicode (a file name or a value may hold undecodable bytes)."""
    if isinstance(value, str):
        return unicode_only(value)
    if isinstance(value, dict):
        return {k: _inert(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_inert(v) for v in value]
    return value


def synthesis_text(summary: Summary) -> Iterator[str]:
    """The `synthese` of the JSON report (computed once by the summary), as JSON text piece by
    piece: the carriers (one per SIRET, about as many as dossiers in a call) are written one at
    a time, never all held as objects and text at once."""
    synthesis = summary.finish()
    rest = _inert(synthesis._replace(carriers=[]).as_json())
    for n, (key, value) in enumerate(rest.items()):
        yield ("{" if n == 0 else ", ") + _dumps(key) + ": "
        if key == "par_porteur":
            before = "["
            for carrier in synthesis.carriers:  # read from disk in a large batch: never a list
                yield before + carrier_text(carrier)
                before = ", "
            yield "[]" if before == "[" else "]"
        else:
            yield _dumps(value)
    yield "}"


def carrier_text(carrier: Carrier) -> str:
    """A carrier's object as JSON text: exactly `_dumps(_inert(carrier.as_json()))`, written
    directly. The carriers (about one per dossier) are written after the last dossier is
    checked, when this process runs alone."""
    names = ", ".join(_inert_string(name) for name in carrier.names.values())
    amount = money(carrier.subvention_demandee)
    text = (
        f'{{"siret": {"null" if carrier.siret is None else _inert_string(carrier.siret)}, "noms": [{names}], '
        f'"dossiers": {int.__repr__(carrier.dossiers)}, '
        f'"subvention_demandee": {"null" if amount is None else encode_basestring_ascii(amount)}, '
        f'"dossiers_prets": {int.__repr__(carrier.prets)}}}'
    )
    return _no_command(text)


def _inert_string(text: str) -> str:
    return encode_basestring_ascii(text if text.isascii() else unicode_only(text))


def _dumps(value: Any) -> str:
    # ensure_ascii keeps every control or bidi character of a dossier escaped in the output.
    return _no_command(json.dumps(value, ensure_ascii=True))


def _no_command(text: str) -> str:
    """JSON text where `##[` (a GitHub Actions command anywhere in a log line) is written
    `#\\u0023[`: the same value for a JSON reader."""
    return text.replace("##[", "#\\u0023[")


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
        return sep + dossier_text(result, strict=self.strict)

    def end(self, summary: Summary) -> Iterator[str]:
        yield f'\n], "summary": {_dumps(summary.as_dict())}, "synthese": '
        yield from synthesis_text(summary)
        yield (', "interrupted": true' if summary.interrupted else "") + "}\n"


class JsonLinesReporter:
    def __init__(self, *, strict: bool = False, **_: Any) -> None:
        self.strict = strict

    def begin(self) -> str:
        return ""

    def dossier(self, result: DossierResult) -> str:
        return dossier_text(result, strict=self.strict) + "\n"

    def end(self, summary: Summary) -> Iterator[str]:
        """A last line of type synthesis: `{"type": "synthese", "summary": …, "synthese": …}`."""
        yield f'{{"type": "synthese", "summary": {_dumps(summary.as_dict())}, "synthese": '
        yield from synthesis_text(summary)
        yield (', "interrupted": true' if summary.interrupted else "") + "}\n"
