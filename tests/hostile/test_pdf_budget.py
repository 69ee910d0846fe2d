"""A CERFA built to cost hours: its reading stops within a work and time budget, and the dossier's
check goes on (the form is then said not read within the budget, never « abîmé »).

The two files of issue 20: a 1.9 KB PDF whose page calls a form XObject 5 000 times, the XObject
showing 100 000 strings (pypdf alone: hours), and a 6.7 KB PDF holding a plain 4 MB content
stream (pypdf alone: 40 s and 215 MB)."""

from __future__ import annotations

import zlib

from cdv_check.reading.pdf import pdf_facts

from .conftest import Batch

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (numbered from 1, the catalog first), with an exact cross-reference."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    packed = zlib.compress(data, 9)
    return b"<< /Length %d /Filter /FlateDecode %s>>\nstream\n" % (len(packed), extra) + packed + b"\nendstream"


def _page(contents: bytes, resources: bytes, *more: bytes) -> bytes:
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources " + resources + b" >>",
        _stream(contents),
        FONT,
        *more,
    ])


def xobject_bomb() -> bytes:
    form = b"BT /F1 12 Tf " + b"(a) Tj " * 100_000 + b"ET"
    return _page(
        b"BT /F1 12 Tf ET\n" + b"/X0 Do\n" * 5_000,
        b"<< /Font << /F1 5 0 R >> /XObject << /X0 6 0 R >> >>",
        _stream(form, b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "),
    )


def big_content_stream() -> bytes:
    return _page(b"BT /F1 12 Tf " + b"(a) Tj " * (4_000_000 // 7) + b"ET", b"<< /Font << /F1 5 0 R >> >>")


def test_the_hostile_files_are_as_small_as_in_the_issue() -> None:
    assert len(xobject_bomb()) < 2_000
    assert len(big_content_stream()) < 7_000


def test_a_form_xobject_called_5000_times_is_not_read_past_the_budget() -> None:
    facts = pdf_facts(xobject_bomb(), "12156", 3)
    assert facts.over_budget and facts.readable and not facts.form_number


def test_a_4_mb_content_stream_is_not_read_past_the_budget() -> None:
    facts = pdf_facts(big_content_stream(), "12156", 3)
    assert facts.over_budget and facts.readable


def test_an_ordinary_page_is_read_whole() -> None:
    facts = pdf_facts(_page(b"BT /F1 12 Tf (Releve d'identite bancaire) Tj ET", b"<< /Font << /F1 5 0 R >> >>"),
                      "12156", 3)
    assert facts.readable and facts.bank_details and not facts.form_number and not facts.over_budget


def test_the_time_bound_stops_the_reading_of_any_page() -> None:
    """The wall-clock bound, whatever the work: with no time at all, not a page is read."""
    page = _page(b"BT /F1 12 Tf (IBAN FR76 3000 4000 0312 3456 7890 143) Tj ET", b"<< /Font << /F1 5 0 R >> >>")
    assert pdf_facts(page, "12156", 3, seconds=0).over_budget
    assert not pdf_facts(page, "12156", 3).over_budget


def test_the_operator_budget_stops_a_page_of_many_small_operations() -> None:
    """Under the content budget, each operator still counts: the visitor stops the extraction."""
    page = _page(b"BT /F1 12 Tf " + b"(a) Tj " * 200 + b"(IBAN FR76 3000 4000 0312 3456 7890 143) Tj ET",
                 b"<< /Font << /F1 5 0 R >> >>")
    assert pdf_facts(page, "12156", 3, operations=100).over_budget
    assert pdf_facts(page, "12156", 3).bank_details


def test_a_batch_with_the_hostile_cerfa_is_checked_and_reported(batch: Batch) -> None:
    (batch.folder / "pieces" / "cerfa-bombe.pdf").write_bytes(xobject_bomb())
    text = batch.valid.read_text(encoding="utf-8")
    hostile = batch.write("hostile.yaml", text.replace("pieces/cerfa-12156.pdf", "pieces/cerfa-bombe.pdf"))
    report = batch.check(hostile)
    assert report.exit_code in (0, 1)
    assert "PCE08" not in report.rules(hostile)  # not said to be broken: it is a PDF, too costly to read
    pce11 = report.findings(hostile, "PCE11")
    assert [f["severity"] for f in pce11] == ["info"]
    assert "trop lourd à lire" in pce11[0]["message"] and "un scan" not in pce11[0]["message"]
