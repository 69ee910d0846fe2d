"""The CERFA piece is read as a PDF: the form 12156 is recognised, a RIB sent in its place is
said, a broken PDF is a finding (never a traceback), and pypdf is loaded only to read a CERFA."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

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
    assert finding.message == (
        "« pieces/rib.pdf » n'est pas le CERFA 12156*03 : on dirait un RIB (coordonnées bancaires, "
        "et nulle part le numéro du formulaire)."
    )
    assert finding.advice == (
        "Indiquez sous « cerfa: » le CERFA saisi sur extranet.lacse.fr et imprimé en PDF ; le RIB "
        "va sous « rib: »."
    )
    assert finding.column == case.at("pieces/rib.pdf")[1]


@pytest.mark.own_pieces
def test_a_bank_statement_without_the_word_rib_is_recognised_by_its_iban(make_case: MakeCase) -> None:
    case = make_case()
    (case.path.parent / "pieces" / "cerfa-12156.pdf").write_bytes(
        tiny_pdf("Banque Populaire - IBAN FR76 3000 4000 0312 3456 7890 143")
    )
    assert [f.rule for f in case.check().findings if f.severity == "error"] == ["PCE01"]


@pytest.mark.own_pieces
def test_a_cerfa_that_names_its_form_is_not_taken_for_a_rib(make_case: MakeCase) -> None:
    case = make_case()
    (case.path.parent / "pieces" / "cerfa-12156.pdf").write_bytes(
        tiny_pdf("cerfa N 12156*03 - coordonnees bancaires : IBAN FR76 3000 4000 0312 3456 7890 143")
    )
    assert [f.rule for f in case.check().findings if f.severity == "error"] == []


@pytest.mark.own_pieces
def test_a_cerfa_naming_its_form_without_the_version_is_not_taken_for_a_rib(make_case: MakeCase) -> None:
    # « 12156 » alone is the form (the référentiel's « 12156*03 » is cut at « * »).
    case = make_case()
    (case.path.parent / "pieces" / "cerfa-12156.pdf").write_bytes(
        tiny_pdf("Formulaire 12156 - coordonnees bancaires : IBAN FR76 3000 4000 0312 3456 7890 143")
    )
    assert [f.rule for f in case.check().findings if f.severity == "error"] == []


@pytest.mark.own_pieces
def test_a_pdf_behind_other_bytes_is_only_said_not_to_be_a_pdf(make_case: MakeCase) -> None:
    # Not read as a PDF at all: PCE08 says what to do, PCE01 does not add that it looks like a RIB.
    case = make_case()
    (case.path.parent / "pieces" / "cerfa-12156.pdf").write_bytes(
        b"\xef\xbb\xbf" + tiny_pdf("RIB - IBAN FR76 3000 4000 0312 3456 7890 143")
    )
    [finding] = [f for f in case.check().findings if f.severity == "error"]
    assert (finding.rule, finding.path) == ("PCE08", "pieces.cerfa")
    assert finding.message == "« pieces/cerfa-12156.pdf » n'est pas un PDF (il ne commence pas par « %PDF- »)."


def _two_pages(first: str, second: str) -> bytes:
    """A PDF of two pages whose text is compressed (not readable in its bytes)."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for text in (first, second):
        writer.add_page(PdfReader(io.BytesIO(tiny_pdf(text))).pages[0])
    for page in writer.pages:
        page.compress_content_streams()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.own_pieces
def test_only_the_first_pages_of_the_cerfa_are_read(make_case: MakeCase) -> None:
    from cdv_check.reading.limits import Limits

    case = make_case()
    data = _two_pages("RIB - IBAN FR76 3000 4000 0312 3456 7890 143", "cerfa N 12156*03")
    assert b"12156" not in data
    (case.path.parent / "pieces" / "cerfa-12156.pdf").write_bytes(data)
    assert [f for f in case.check().findings if f.severity == "error"] == []  # 3 pages read
    errors = [f for f in case.check(limits=Limits(pdf_pages=1)).findings if f.severity == "error"]
    assert [(f.rule, f.path) for f in errors] == [("PCE01", "pieces.cerfa")]


@pytest.mark.own_pieces
def test_a_broken_pdf_is_a_finding_not_a_traceback(make_case: MakeCase) -> None:
    case = make_case()
    cerfa = case.path.parent / "pieces" / "cerfa-12156.pdf"
    cerfa.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    [finding] = [f for f in case.check().findings if f.severity == "error"]
    assert (finding.rule, finding.path) == ("PCE08", "pieces.cerfa")
    assert "commence comme un PDF mais ne se lit pas comme un PDF" in finding.message
    assert finding.message == (
        "« pieces/cerfa-12156.pdf » commence comme un PDF mais ne se lit pas comme un PDF "
        "(fichier abîmé ou tronqué ?)."
    )
    assert finding.advice == (
        "Imprimez de nouveau le CERFA en PDF depuis extranet.lacse.fr, vérifiez qu'il s'ouvre, et "
        "indiquez ce fichier."
    )
    assert (finding.line, finding.column) == case.at("pieces/cerfa-12156.pdf")


@pytest.mark.own_pieces
def test_a_truncated_pdf_is_read_without_an_exception(make_case: MakeCase) -> None:
    case = make_case()
    cerfa = case.path.parent / "pieces" / "cerfa-12156.pdf"
    whole = cerfa.read_bytes()
    for size in (9, len(whole) // 3, len(whole) // 2, len(whole) - 20):
        cerfa.write_bytes(whole[:size])
        assert [f.rule for f in case.check().findings if f.severity == "error"] in ([], ["PCE08"])


def _rib_copy_as_cerfa(make_case: MakeCase) -> Any:
    """A copy of the RIB given as the CERFA (the RIB itself named twice would be PCE10)."""
    import shutil

    case = make_case({CERFA: "cerfa: pieces/releve.pdf"})
    shutil.copy(case.path.parent / "pieces" / "rib.pdf", case.path.parent / "pieces" / "releve.pdf")
    return case


def test_a_cerfa_larger_than_the_limit_is_not_read(make_case: MakeCase) -> None:
    from cdv_check.reading.limits import Limits

    case = _rib_copy_as_cerfa(make_case)
    findings = case.check(limits=Limits(pdf_bytes=100)).findings
    assert [f for f in findings if f.severity == "error"] == []  # not read: nothing said of it


def test_a_cerfa_of_exactly_the_limit_is_read_and_one_byte_more_is_not(make_case: MakeCase) -> None:
    from cdv_check.reading.limits import Limits

    case = _rib_copy_as_cerfa(make_case)
    size = (case.path.parent / "pieces" / "rib.pdf").stat().st_size
    at_limit = case.check(limits=Limits(pdf_bytes=size)).findings
    assert [f.rule for f in at_limit if f.severity == "error"] == ["PCE01"]  # read: a RIB, not the CERFA
    over = case.check(limits=Limits(pdf_bytes=size - 1)).findings
    assert [f for f in over if f.severity == "error"] == []


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


def _pdf(
    pages: list[str], *, metadata: dict[str, str] | None = None,
    fields: list[tuple[str, dict[str, str]]] | None = None, encrypted: bool = False,
) -> bytes:
    """A PDF whose page text is compressed (its bytes never show it), with metadata, form fields
    (name → /V value, /TU tooltip) and an empty user password if asked: only pypdf reads it."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    for text in pages:
        writer.append(PdfReader(io.BytesIO(tiny_pdf(text))))
    for page in writer.pages:
        page.compress_content_streams()
    if metadata:
        writer.add_metadata(metadata)
    if fields:
        refs = []
        for name, props in fields:
            field = DictionaryObject({NameObject("/FT"): NameObject("/Tx"), NameObject("/T"): TextStringObject(name)})
            for key, value in props.items():
                field[NameObject(key)] = TextStringObject(value)
            refs.append(writer._add_object(field))
        writer._root_object[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): ArrayObject(refs)})
    if encrypted:
        writer.encrypt(user_password="", owner_password="proprietaire", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_form_number_is_read_on_the_pages_asked_for_and_no_further() -> None:
    from cdv_check.reading.pdf import PdfFacts, pdf_facts

    second = _pdf(["Fiche de synthese", "cerfa N 12156*03"])
    assert b"12156" not in second  # compressed: the fast path cannot see it
    assert pdf_facts(second, "12156", 2)[:3] == PdfFacts(readable=True, form_number=True)[:3]
    assert pdf_facts(second, "12156", 1)[:3] == PdfFacts(readable=True, form_number=False)[:3]


def test_a_form_with_an_empty_password_is_read() -> None:
    from cdv_check.reading.pdf import PdfFacts, pdf_facts

    facts = pdf_facts(_pdf(["cerfa N 12156*03"], encrypted=True), "12156", 1)
    assert facts[:3] == PdfFacts(True, form_number=True)[:3]


@pytest.mark.parametrize(
    ("metadata", "fields"),
    [
        ({"/Title": "CERFA 12156*03"}, []),
        (None, [("nom", {"/V": "Association"}), ("numero", {"/V": "12156"})]),
        (None, [("numero", {"/TU": "Formulaire 12156*03"})]),
    ],
)
def test_the_form_number_in_the_metadata_or_a_field_value_or_tooltip_is_found(
    metadata: dict[str, str] | None, fields: list[tuple[str, dict[str, str]]]
) -> None:
    from cdv_check.reading.pdf import PdfFacts, pdf_facts

    data = _pdf(["Fiche"], metadata=metadata, fields=fields, encrypted=True)  # encrypted: no fast path
    assert pdf_facts(data, "12156", 1)[:3] == PdfFacts(readable=True, form_number=True)[:3]


@pytest.mark.parametrize(
    ("metadata", "fields"),
    [({"/Title": "RIB"}, []), (None, [("banque", {"/TU": "IBAN"}), ("titulaire", {"/V": "Association"})])],
)
def test_bank_details_in_the_metadata_or_the_fields_are_found_as_words(
    metadata: dict[str, str] | None, fields: list[tuple[str, dict[str, str]]]
) -> None:
    from cdv_check.reading.pdf import PdfFacts, pdf_facts

    data = _pdf(["Document"], metadata=metadata, fields=fields)
    assert pdf_facts(data, "12156", 1)[:3] == PdfFacts(readable=True, bank_details=True)[:3]


def test_only_the_first_fields_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    from cdv_check.reading import pdf

    data = _pdf(["Fiche"], fields=[("nom", {"/V": "Association"}), ("numero", {"/V": "12156"})], encrypted=True)
    monkeypatch.setattr(pdf, "_MAX_FIELDS", 2)
    assert pdf.pdf_facts(data, "12156", 1).form_number
    monkeypatch.setattr(pdf, "_MAX_FIELDS", 1)
    assert not pdf.pdf_facts(data, "12156", 1).form_number


def test_a_whole_pdf_that_shows_the_number_is_the_form() -> None:
    from cdv_check.reading.pdf import PdfFacts, pdf_facts

    assert pdf_facts(tiny_pdf("cerfa N 12156*03"), "12156", 3)[:3] == PdfFacts(readable=True, form_number=True)[:3]


def test_without_pypdf_a_pdf_is_taken_for_the_form_rather_than_guessed(monkeypatch: pytest.MonkeyPatch) -> None:
    from cdv_check.reading.pdf import PdfFacts, pdf_facts

    rib = _pdf(["RIB - IBAN FR76 3000 4000 0312 3456 7890 143"])
    monkeypatch.setitem(sys.modules, "pypdf", None)  # a broken installation: the import fails
    assert pdf_facts(rib, "12156", 3)[:3] == PdfFacts(readable=True, form_number=True)[:3]


def test_pypdf_warnings_on_a_damaged_pdf_are_not_printed(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from cdv_check.reading.pdf import PdfFacts, pdf_facts

    damaged = tiny_pdf("Releve de compte").replace(b"startxref\n", b"startxref\n9")  # a wrong offset
    with caplog.at_level(logging.DEBUG):
        assert pdf_facts(damaged, "12156", 3)[:3] == PdfFacts(readable=True)[:3]
    assert caplog.records == []  # neither English nor the file's own words on the terminal
    assert logging.getLogger("pypdf").level == logging.NOTSET  # silenced while reading only


def test_a_whole_pdf_whose_bytes_name_the_form_is_the_form_and_a_cut_one_is_not() -> None:
    from cdv_check.reading.pdf import PdfFacts, pdf_facts

    rib = tiny_pdf("RIB - IBAN FR76 3000 4000 0312 3456 7890 143")
    named = rib.replace(b"%PDF-1.4\n", b"%PDF-1.4\n%12156\n", 1)  # in its bytes, not in its text
    assert pdf_facts(named, "12156", 3)[:3] == PdfFacts(readable=True, form_number=True)[:3]
    assert pdf_facts(rib, "12156", 3)[:3] == PdfFacts(readable=True, bank_details=True)[:3]
    # Not ending with « %%EOF », or without « startxref »: not whole, so read by pypdf.
    assert not pdf_facts(named[: named.rindex(b"%%EOF")], "12156", 3).form_number
    assert not pdf_facts(named.replace(b"startxref", b"startXref"), "12156", 3).form_number


def test_a_broken_pdf_is_unreadable() -> None:
    from cdv_check.reading.pdf import PdfFacts, pdf_facts

    assert pdf_facts(b"%PDF-1.7\n" + bytes(range(256)) * 4, "12156", 3)[:3] == PdfFacts(readable=False)[:3]


def test_pypdf_warnings_are_silenced_even_when_its_logger_has_a_level_of_its_own(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import logging

    from cdv_check.reading.pdf import PdfFacts, pdf_facts

    damaged = tiny_pdf("Releve de compte").replace(b"startxref\n", b"startxref\n9")
    pypdf_logger = logging.getLogger("pypdf")
    pypdf_logger.setLevel(logging.WARNING)  # as an application embedding cdv-check may set it
    try:
        with caplog.at_level(logging.DEBUG):
            assert pdf_facts(damaged, "12156", 3)[:3] == PdfFacts(readable=True)[:3]
        assert caplog.records == []
        assert pypdf_logger.level == logging.WARNING
    finally:
        pypdf_logger.setLevel(logging.NOTSET)


@pytest.mark.parametrize("form", ["12156", "1", ""])
def test_the_number_searched_from_its_first_digit_matches_as_the_number_with_no_digit_around(form: str) -> None:
    # `_patterns` looks behind the number for a digit (a search that skips from one occurrence to
    # the next): the same matches and versions as « no digit before, the number, no digit after ».
    import itertools
    import re

    from cdv_check.reading import pdf

    plain = r"(?<![0-9])" + re.escape(form) + r"(?![0-9])"
    number, in_bytes, versioned, in_text = pdf._patterns(form)
    pieces = [form, "1", "0", " ", "*", "a", "*03", " * 3"]
    for size in range(5):
        for parts in itertools.product(pieces, repeat=size):
            text = "".join(parts)
            assert [m.span() for m in number.finditer(text)] == [m.span() for m in re.finditer(plain, text)]
            assert (in_bytes.search(text.encode()) is None) == (re.search(plain, text) is None)
            assert versioned.findall(text.encode()) == re.findall((plain + pdf._VERSION).encode(), text.encode())
            assert in_text.findall(text) == re.findall(plain + pdf._VERSION, text)
