"""The CERFA piece is read as a PDF: the form 12156 is recognised, a RIB sent in its place is
said, a broken PDF is a finding (never a traceback), and pypdf is loaded only to read a CERFA."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLES, MakeCase

sys.path.insert(0, str(EXAMPLES))
from make_pdf import tiny_pdf

CERFA = "cerfa: pieces/cerfa-12156.pdf"


def test_the_example_cerfa_is_recognised_as_the_form_12156(make_case: MakeCase) -> None:
    assert b"12156" in (EXAMPLES / "nouvelle-action" / "pieces" / "cerfa-12156.pdf").read_bytes()
    case = make_case()
    assert [f for f in case.check().findings if f.rule.startswith("PCE") and f.severity == "error"] == []


def test_a_rib_sent_as_the_cerfa_is_said_to_be_a_rib(make_case: MakeCase) -> None:
    case = make_case({CERFA: "cerfa: pieces/rib.pdf"})
    [finding] = [f for f in case.check().findings if f.severity == "error"]
    assert (finding.rule, finding.path) == ("PCE01", "pieces.cerfa")
    assert finding.line == case.line_of("cerfa: pieces/rib.pdf")
    assert "« pieces/rib.pdf » n'est pas le CERFA 12156*03 : on dirait un RIB" in finding.message
    assert "le RIB va sous « rib: »" in finding.advice


def test_a_bank_statement_without_the_word_rib_is_recognised_by_its_iban(make_case: MakeCase) -> None:
    case = make_case()
    (case.path.parent / "pieces" / "cerfa-12156.pdf").write_bytes(
        tiny_pdf("Banque Populaire - IBAN FR76 3000 4000 0312 3456 7890 143")
    )
    assert [f.rule for f in case.check().findings if f.severity == "error"] == ["PCE01"]


def test_a_cerfa_that_names_its_form_is_not_taken_for_a_rib(make_case: MakeCase) -> None:
    case = make_case()
    (case.path.parent / "pieces" / "cerfa-12156.pdf").write_bytes(
        tiny_pdf("cerfa N 12156*03 - coordonnees bancaires : IBAN FR76 3000 4000 0312 3456 7890 143")
    )
    assert [f.rule for f in case.check().findings if f.severity == "error"] == []


def test_a_broken_pdf_is_a_finding_not_a_traceback(make_case: MakeCase) -> None:
    case = make_case()
    cerfa = case.path.parent / "pieces" / "cerfa-12156.pdf"
    cerfa.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    [finding] = [f for f in case.check().findings if f.severity == "error"]
    assert (finding.rule, finding.path) == ("PCE08", "pieces.cerfa")
    assert "commence comme un PDF mais ne se lit pas comme un PDF" in finding.message


def test_a_truncated_pdf_is_read_without_an_exception(make_case: MakeCase) -> None:
    case = make_case()
    cerfa = case.path.parent / "pieces" / "cerfa-12156.pdf"
    whole = cerfa.read_bytes()
    for size in (9, len(whole) // 3, len(whole) // 2, len(whole) - 20):
        cerfa.write_bytes(whole[:size])
        assert [f.rule for f in case.check().findings if f.severity == "error"] in ([], ["PCE08"])


def test_a_cerfa_larger_than_the_limit_is_not_read(make_case: MakeCase) -> None:
    from cdv_check.reading.limits import Limits

    case = make_case({CERFA: "cerfa: pieces/rib.pdf"})
    findings = case.check(limits=Limits(pdf_bytes=100)).findings
    assert [f for f in findings if f.severity == "error"] == []  # not read: nothing said of it


def test_pypdf_is_loaded_only_to_read_a_cerfa(tmp_path: Path) -> None:
    code = (
        "import sys; from datetime import date; from cdv_check.core.checker import Settings, check_path; "
        "from cdv_check.model.referentiel import load; "
        f"check_path({str(EXAMPLES / 'nouvelle-action' / 'dossier.yaml')!r}, load(), "
        "Settings(today=date(2016, 1, 5), check_files=False)); print('pypdf' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_whole_pdf_naming_the_form_is_recognised_without_pypdf(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from make_pdf import tiny_pdf\n"
        "from cdv_check.reading.pdf import pdf_facts\n"
        "facts = pdf_facts(tiny_pdf('cerfa N 12156*03'), '12156', 3)\n"
        "print(facts.readable, facts.form_number, 'pypdf' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(EXAMPLES)}).stdout
    assert out.split() == ["True", "True", "False"]


def test_the_number_inside_a_longer_one_is_not_the_form() -> None:
    from cdv_check.reading.pdf import pdf_facts

    rib = tiny_pdf("RIB - IBAN FR76 3000 4000 0312 3456 7890 143 - compte 00000121567")
    assert pdf_facts(rib, "12156", 3).bank_details
