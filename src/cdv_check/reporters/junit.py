"""`junit`: one test suite, one test case per dossier, as CI systems (GitLab, Jenkins…) read it.

A dossier that does not pass has a `<failure>` listing what makes it fail (errors, and warnings
with `--strict`); the other findings go to `<system-out>`. The suite's counts come first in the
XML, so the test cases are kept until the end (they are a few lines each).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from cdv_check.core.checker import DossierResult
from cdv_check.core.findings import Finding, Severity
from cdv_check.core.summary import Summary
from cdv_check.reading.loading import where
from cdv_check.reporters import omitted_line
from cdv_check.text.safety import xml_text

_text = xml_text


def _line(file: str, f: Finding) -> str:
    return f"{where(file, f.line, f.column)} {f.rule} {f.severity.label} {_text(f.text)}"


def _fails(f: Finding, strict: bool) -> bool:
    return f.severity is Severity.ERROR or (strict and f.severity is Severity.WARNING)


@dataclass(frozen=True, slots=True)
class _Case:
    file: str
    failing: list[str]
    others: list[str]
    counts: dict[str, int]
    passed: bool


class JunitReporter:
    def __init__(self, *, version: str = "", strict: bool = False, **_: Any) -> None:
        self.version = version
        self.strict = strict
        self.cases: list[_Case] = []

    def begin(self) -> str:
        return ""

    def dossier(self, result: DossierResult) -> str:
        file = _text(result.file)
        failing = [_line(file, f) for f in result.findings if _fails(f, self.strict)]
        others = [_line(file, f) for f in result.findings if not _fails(f, self.strict)]
        if result.omitted:
            others.append(f"{file} {omitted_line(result)}")
        self.cases.append(_Case(result.file, failing, others, result.counts(), result.passed(strict=self.strict)))
        return ""

    def _case(self, case: _Case, batch: list[Finding]) -> ET.Element:
        """The test case of one dossier, with the batch findings (LOT) that name it."""
        file = _text(case.file)
        failing, others, counts = list(case.failing), list(case.others), dict(case.counts)
        for f in batch:
            line = f"{file} {f.rule} {f.severity.label} {_text(f.text)}"
            (failing if _fails(f, self.strict) else others).append(line)
            counts[f.severity.value] += 1
        element = ET.Element("testcase", name=file, classname="cdv-check", file=file)
        if not case.passed or any(_fails(f, self.strict) for f in batch):
            message = f"{counts['error']} erreur(s), {counts['warning']} avertissement(s)"
            ET.SubElement(element, "failure", message=message, type="cdv-check").text = "\n".join(failing)
        if others:
            ET.SubElement(element, "system-out").text = "\n".join(others)
        return element

    def end(self, summary: Summary) -> str:
        synthesis = summary.finish()
        cases = [self._case(case, synthesis.findings_about(case.file)) for case in self.cases]
        failures = sum(case.find("failure") is not None for case in cases)
        counts = {"name": "cdv-check", "tests": str(len(cases)), "failures": str(failures), "errors": "0"}
        suites = ET.Element("testsuites", counts)
        suite = ET.SubElement(suites, "testsuite", {**counts, "skipped": "0"})
        suite.extend(cases)
        unattached = [f"{f.rule} {f.severity.label} {_text(f.text)}" for f in synthesis.unattached]
        if unattached:  # the batch findings that name no dossier (LOT03)
            ET.SubElement(suite, "system-out").text = "\n".join(unattached)
        ET.indent(suites)
        # ASCII only, other characters as references (&#233;): the XML stays exact and matches
        # its declaration whatever the output's encoding (cp1252, ASCII…).
        body = ET.tostring(suites, encoding="unicode").encode("ascii", "xmlcharrefreplace").decode("ascii")
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
