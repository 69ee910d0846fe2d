"""`junit`: one test suite, one test case per dossier, as CI systems (GitLab, Jenkins…) read it.

A dossier that does not pass has a `<failure>` listing what makes it fail (errors, and warnings
with `--strict`); the other findings go to `<system-out>`. The suite's counts come first in the
XML, so the test cases are kept until the end (they are a few lines each).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from cdv_check.core.checker import DossierResult
from cdv_check.core.findings import Finding, Severity
from cdv_check.reading.loading import where
from cdv_check.core.summary import Summary
from cdv_check.text.safety import clean
from cdv_check.reporters import omitted_line

# Characters XML 1.0 cannot carry at all, even escaped (what clean() leaves of them).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", clean(value))


def _line(file: str, f: Finding) -> str:
    return f"{where(file, f.line, f.column)} {f.rule} {f.severity.label} {_text(f.text)}"


def _fails(f: Finding, strict: bool) -> bool:
    return f.severity is Severity.ERROR or (strict and f.severity is Severity.WARNING)


class JunitReporter:
    def __init__(self, *, version: str = "", strict: bool = False, **_: Any) -> None:
        self.version = version
        self.strict = strict
        self.cases: list[ET.Element] = []

    def begin(self) -> str:
        return ""

    def dossier(self, result: DossierResult) -> str:
        self.cases.append(self._case(result))
        return ""

    def _case(self, result: DossierResult) -> ET.Element:
        file = _text(result.file)
        failing = [_line(file, f) for f in result.findings if _fails(f, self.strict)]
        others = [_line(file, f) for f in result.findings if not _fails(f, self.strict)]
        if result.omitted:
            others.append(f"{file} {omitted_line(result)}")
        case = ET.Element("testcase", name=file, classname="cdv-check", file=file)
        if not result.passed(strict=self.strict):
            counts = result.counts()
            message = f"{counts['error']} erreur(s), {counts['warning']} avertissement(s)"
            ET.SubElement(case, "failure", message=message, type="cdv-check").text = "\n".join(failing)
        if others:
            ET.SubElement(case, "system-out").text = "\n".join(others)
        return case

    def end(self, summary: Summary) -> str:
        s = summary.as_dict()
        counts = {"name": "cdv-check", "tests": str(s["dossiers"]), "failures": str(s["failed"]), "errors": "0"}
        suites = ET.Element("testsuites", counts)
        suite = ET.SubElement(suites, "testsuite", {**counts, "skipped": "0"})
        suite.extend(self.cases)
        ET.indent(suites)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
