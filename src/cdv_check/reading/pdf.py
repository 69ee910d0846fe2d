"""What a piece in PDF says it is: its text, form fields and metadata, read with pypdf.

Only the CERFA is read this way (is it the form 12156, or a RIB sent in its place?). pypdf is
imported here only, when a CERFA file is there to read; the file's bytes come bounded from
`piece_files.inspect_piece` (at most `Limits.pdf_bytes`), and only the first pages' text is
extracted. Whatever pypdf makes of a broken or hostile file, no exception leaves this module: an
unreadable PDF is a fact to report.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice
from typing import NamedTuple

_MAX_FIELDS = 500
_MAX_TEXT = 200_000
_BANK = re.compile(
    r"\bIBAN\b|\bRIB\b|relev[ée] d.identit[ée] bancaire|\bFR\d{2}(?: ?[0-9A-Z]{4}){5}", re.IGNORECASE
)


class PdfFacts(NamedTuple):
    """What the PDF shows of itself."""

    readable: bool
    form_number: bool = False
    """Its text, fields or metadata carry the form's number (« 12156 »)."""
    bank_details: bool = False
    """Its text reads as bank details (IBAN, « Relevé d'identité bancaire », RIB)."""
    versions: tuple[str, ...] = ()
    """The versions of the form it names (« 12156*02 » → "02"), when the number is followed by one."""
    text: bool = False
    """Its pages or form fields hold readable text (a scan holds none): PCE11 says what it could check."""


def pdf_facts(data: bytes, form_number: str, pages: int) -> PdfFacts:
    """Read `data` as a PDF: whether it names `form_number`, whether it holds bank details."""
    number = re.compile(r"(?<![0-9])" + re.escape(form_number) + r"(?![0-9])")
    if _plainly_the_form(data, re.compile(number.pattern.encode("ascii"))):
        versioned = re.compile(number.pattern.encode("ascii") + _VERSION.encode("ascii"))
        return PdfFacts(readable=True, form_number=True, versions=_versions(versioned.findall(data)), text=True)
    import io
    import logging
    import warnings

    try:
        from pypdf import PdfReader
    except ImportError:  # a broken installation: say nothing rather than guess
        return PdfFacts(readable=True, form_number=True)
    # pypdf's warnings (« incorrect startxref pointer », in English, sometimes quoting the file)
    # would reach the terminal: its loggers (`pypdf._reader`…) are silenced through their parent's
    # level, which they inherit (disabling the parent alone would not stop theirs).
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    seen: list[str] = []
    in_text = re.compile(number.pattern + _VERSION)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # Cheapest first, stopping at the form's number: a batch reads thousands of CERFAs.
            for text in _texts(PdfReader(io.BytesIO(data), strict=False), pages):
                if number.search(text):
                    return PdfFacts(readable=True, form_number=True, versions=_versions(in_text.findall(text)),
                                    text=True)
                seen.append(text)
    except Exception:  # any failure of pypdf on a broken or hostile file (RecursionError too)
        return PdfFacts(readable=False)
    finally:
        logger.setLevel(level)
    text = " ".join(seen)[:_MAX_TEXT]
    readable_text = any(part.strip() for part in seen[1:])  # the metadata (seen[0]) is no text of the form
    return PdfFacts(readable=True, bank_details=bool(_BANK.search(text)), text=readable_text)


_VERSION = r"[ \t]*\*[ \t]*([0-9]{1,2})(?![0-9])"
"""What follows the form's number when it names its version: « 12156*03 », « 12156 * 3 »."""


def _versions(found: list[str] | list[bytes]) -> tuple[str, ...]:
    """The versions named, two digits each (« 3 » → « 03 »), once each, in order."""
    texts = (v.decode("ascii") if isinstance(v, bytes) else v for v in found)
    return tuple(dict.fromkeys(t.zfill(2) for t in texts))


def _plainly_the_form(data: bytes, number: re.Pattern[bytes]) -> bool:
    """A whole PDF (it ends with its cross-reference and « %%EOF ») whose bytes show the form's
    number as a number of its own (not inside a longer one, such as a cross-reference offset):
    its uncompressed text or metadata names the form, so it is the CERFA without parsing it.
    pypdf costs more than all the rules of a dossier; most CERFAs are recognised this way."""
    tail = data[-1024:].rstrip()
    whole = tail.endswith(b"%%EOF") and b"startxref" in tail
    return whole and number.search(data) is not None


def _texts(reader: object, pages: int) -> Iterator[str]:
    """The metadata, then the form fields (names, values, tooltips), then each page's text.

    A form « encrypted » with an empty password (as forms often are) is already open: pypdf tries
    that password itself when it reads the file."""
    from pypdf import PdfReader

    assert isinstance(reader, PdfReader)
    yield " ".join(str(value) for value in (reader.metadata or {}).values())
    fields = islice((reader.get_fields() or {}).items(), _MAX_FIELDS)
    said = (part for name, field in fields for part in (name, field.get("/V"), field.get("/TU")) if part)
    yield " ".join(str(part) for part in said)
    for page in islice(reader.pages, pages):
        yield page.extract_text()
