"""`junit`: one test suite, one test case per dossier, as CI systems (GitLab, Jenkins…) read it.

A dossier that does not pass has a `<failure>` listing what makes it fail (errors, and warnings
with `--strict`); the other findings go to `<system-out>`. The suite's counts come first in the
XML, so the test cases are kept until the end, on disk (`Spool`), and written one by one: the
memory does not grow with the batch.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cdv_check.core.checker import DossierResult
from cdv_check.core.findings import Finding, Severity
from cdv_check.core.summary import Summary
from cdv_check.reading.loading import where
from cdv_check.reporters import omitted_line
from cdv_check.reporters.spool import Spool
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
        self.cases: Spool[_Case] = Spool()

    def begin(self) -> str:
        return ""

    def dossier(self, result: DossierResult) -> str:
        file = _text(result.file)
        failing = [_line(file, f) for f in result.findings if _fails(f, self.strict)]
        others = [_line(file, f) for f in result.findings if not _fails(f, self.strict)]
        if result.omitted:
            others.append(f"{file} {omitted_line(result)}")
        self.cases.add(_Case(result.file, failing, others, result.counts(), result.passed(strict=self.strict)))
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

    def end(self, summary: Summary) -> Iterator[str]:
        """The suite's counts first (a first reading of the spool), then each test case."""
        synthesis = summary.finish()
        tests = failures = 0
        for case in self.cases:
            tests += 1
            failures += not case.passed or any(_fails(f, self.strict) for f in synthesis.findings_about(case.file))
        counts = f'tests="{tests}" failures="{failures}" errors="0"'
        yield (f'<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="cdv-check" {counts}>\n'
               f'  <testsuite name="cdv-check" {counts} skipped="0">\n')
        for case in self.cases:
            yield _element(self._case(case, synthesis.findings_about(case.file)))
        unattached = [f"{f.rule} {f.severity.label} {_text(f.text)}" for f in synthesis.unattached]
        if unattached:  # the batch findings that name no dossier (LOT03)
            out = ET.Element("system-out")
            out.text = "\n".join(unattached)
            yield _element(out)
        yield "  </testsuite>\n</testsuites>\n"
        self.cases.close()


def _element(element: ET.Element) -> str:
    """One child of the suite, indented in it. ASCII only, other characters as references
    (&#233;): the XML stays exact and matches its declaration whatever the output's encoding
    (cp1252, ASCII…)."""
    ET.indent(element, level=2)
    text = ET.tostring(element, encoding="unicode").encode("ascii", "xmlcharrefreplace").decode("ascii")
    return "    " + text + "\n"
