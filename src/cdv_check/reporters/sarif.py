"""`sarif`: SARIF 2.1.0, read by GitHub code scanning and by editors.

The rules come from the registry with their French title and explanation; each finding is a
result located in its file. Results are written as dossiers finish; the list of files (the run's
`artifacts`, where every dossier appears, even one without any finding) is written at the end.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from cdv_check.core.checker import DossierResult
from cdv_check.core.findings import Finding, Severity
from cdv_check.core.registry import Rule, all_rules
from cdv_check.core.summary import Summary
from cdv_check.model.referentiel import Referentiel
from cdv_check.reporters import omitted_line
from cdv_check.reporters.spool import Spool
from cdv_check.text.safety import clean

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True)


def uri(file: str) -> str:
    """The artifact URI of a dossier path as given: relative stays relative, `/` separators.

    The path's own bytes are percent-encoded (os.fsencode): a file name that is not UTF-8
    (`x\\xff.yaml`) gets the URI of that very file (`x%FF.yaml`), not an encoding error."""
    if file != "-" and os.path.isabs(file):
        return PurePath(file).as_uri()
    return quote(os.fsencode(file.replace(os.sep, "/")), safe="/")


def _pascal(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return "".join(word[:1].upper() + word[1:] for word in re.findall(r"[A-Za-z0-9]+", ascii_title))


def rule_descriptor(rule: Rule, ref: Referentiel) -> dict[str, Any]:
    """The rule as `ref`'s call words it: its title, explanation and section."""
    title, explanation, section = rule.title_for(ref), rule.explained(ref), rule.section_for(ref)
    return {
        "id": rule.id,
        "name": _pascal(title) or rule.id,
        "shortDescription": {"text": title},
        "fullDescription": {"text": explanation},
        "help": {"text": f"{explanation}\n\nSection de l'appel : {section}"},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"section": section, "tags": [rule.family]},
    }


def _result(file: str, finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri(file)}}
    if finding.line is not None:
        region = {"startLine": finding.line}
        if finding.column is not None:
            region["startColumn"] = finding.column
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    if finding.path:
        location["logicalLocations"] = [{"fullyQualifiedName": clean(finding.path)}]
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": LEVELS[finding.severity],
        "message": {"text": clean(finding.text)},
        "locations": [location],
    }
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    return result


def _batch_results(finding: Finding, index: dict[str, int]) -> list[dict[str, Any]]:
    """A batch finding as one result on each dossier it names, the others as related locations."""
    out = []
    for file in finding.files:
        result: dict[str, Any] = {
            "ruleId": finding.rule,
            "level": LEVELS[finding.severity],
            "message": {"text": clean(finding.text)},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(file)}}}],
            "relatedLocations": [
                {"id": n, "physicalLocation": {"artifactLocation": {"uri": uri(other)}}}
                for n, other in enumerate(f for f in finding.files if f != file)
            ],
        }
        if finding.rule in index:
            result["ruleIndex"] = index[finding.rule]
        out.append(result)
    return out


def _batch_notification(finding: Finding) -> dict[str, Any]:
    """A batch finding that names no dossier (LOT03): code scanning needs a place for a result,
    so it is a notification of the run, tied to its rule."""
    return {
        "level": LEVELS[finding.severity],
        "message": {"text": clean(finding.text)},
        "associatedRule": {"id": finding.rule},
    }


class SarifReporter:
    def __init__(self, *, ref: Referentiel, version: str, strict: bool = False, **_: Any) -> None:
        self.ref = ref
        self.version = version
        self.strict = strict
        self.rules = all_rules()
        self.index = {rule_id: n for n, rule_id in enumerate(self.rules)}
        self.files: Spool[str] = Spool()
        self.notes: Spool[dict[str, Any]] = Spool()
        """Both kept on disk until the end: the memory does not grow with the batch."""
        self.first = True

    def begin(self) -> str:
        driver = {
            "name": "cdv-check",
            "version": self.version,
            "semanticVersion": self.version,
            "rules": [rule_descriptor(r, self.ref) for r in self.rules.values()],
        }
        head = {"$schema": SCHEMA, "version": "2.1.0"}
        run_head = {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints"}
        return _dumps(head)[:-1] + ', "runs": [' + _dumps(run_head)[:-1] + ', "results": [\n'

    def dossier(self, result: DossierResult) -> str:
        self.files.add(result.file)
        if result.omitted:
            self.notes.add({
                "level": "note",
                "message": {"text": f"{clean(result.file)} : {omitted_line(result).removeprefix('… ')}."},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(result.file)}}}],
            })
        out = []
        for finding in result.findings:
            out.append(("" if self.first else ",\n") + _dumps(_result(result.file, finding, self.index)))
            self.first = False
        return "".join(out)

    def end(self, summary: Summary) -> Iterator[str]:
        synthesis = summary.finish()
        for finding in synthesis.findings:
            for result in _batch_results(finding, self.index):
                yield ("" if self.first else ",\n") + _dumps(result)
                self.first = False
        yield '\n], "artifacts": ['
        for n, file in enumerate(self.files):
            yield (", " if n else "") + _dumps({"location": {"uri": uri(file)}})
        success = _dumps(not summary.interrupted)
        yield f'], "invocations": [{{"executionSuccessful": {success}, "toolExecutionNotifications": ['
        notes = (note for part in (self.notes, map(_batch_notification, synthesis.unattached)) for note in part)
        for n, note in enumerate(notes):
            yield (", " if n else "") + _dumps(note)
        yield f']}}], "properties": {{"summary": {_dumps(summary.as_dict())}}}}}]}}\n'
        self.files.close()
        self.notes.close()
