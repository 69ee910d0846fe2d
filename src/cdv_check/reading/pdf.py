"""What a piece in PDF says it is: its text, form fields and metadata, read with pypdf.

Only the CERFA is read this way (is it the call's form, or a RIB sent in its place?). pypdf is
imported here only, when a CERFA file is there to read; the file's bytes come bounded from
`piece_files.inspect_piece` (at most `Limits.pdf_bytes`), and only the first pages' text is
extracted. Whatever pypdf makes of a broken or hostile file, no exception leaves this module: an
unreadable PDF is a fact to report.

A few kilobytes of PDF can cost hours of pypdf's time (a form XObject called thousands of times,
a content stream of megabytes once decompressed). The reading is kept within a budget: pypdf's
own limits lowered where it has them (decompressed size, parsing work per content stream, form
XObject calls); before a page's text is extracted, the bytes it would interpret are counted (its
content, and the content of each form XObject each time it is called) and the page is not read
past `_MAX_CONTENT` bytes; and every operator of the extraction is counted and timed by a
visitor, which stops it past `_MAX_OPERATIONS` operators or `_SECONDS` seconds. A form stopped so is
`over_budget`: what it says was not checked, and the dossier is told so (PCE11).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from itertools import islice
from typing import Any, NamedTuple

_MAX_FIELDS = 500
_MAX_TEXT = 200_000
_MAX_OPERATIONS = 50_000
"""Content-stream operators interpreted for the text, all pages and form XObjects together (a
page of the form holds a few thousand; pypdf takes some 20 µs for each)."""
_MAX_CONTENT = 2_000_000
"""Content-stream bytes a reading interprets, all pages and form XObject calls together."""
_SECONDS = 5.0
"""Wall-clock time for reading one form, whatever it holds."""
_PYPDF_LIMITS = {
    "zlib_maximum_output_length": 8_000_000,  # bytes out of one compressed stream (75 MB by default)
    "stream_parsing_work_maximum_count": 150_000,  # operands and operators of one content stream (2 M)
    "xform_maximum_invocations_per_extraction": 200,  # form XObjects called by one page (5 000)
}
"""pypdf's own limits (its `Configuration`, pypdf ≥ 6.1), lowered for one form of a few pages."""
_BANK = re.compile(
    r"\bIBAN\b|\bRIB\b|relev[ée] d.identit[ée] bancaire|\bFR\d{2}(?: ?[0-9A-Z]{4}){5}", re.IGNORECASE
)


class PdfFacts(NamedTuple):
    """What the PDF shows of itself."""

    readable: bool
    form_number: bool = False
    """Its text, fields or metadata carry the form's number (`depot.cerfa`)."""
    bank_details: bool = False
    """Its text reads as bank details (IBAN, « Relevé d'identité bancaire », RIB)."""
    versions: tuple[str, ...] = ()
    """The versions of the form it names (« NNNNN*02 » → "02"), when the number is followed by one."""
    text: bool = False
    """Its pages or form fields hold readable text (a scan holds none): PCE11 says what it could check."""
    over_budget: bool = False
    """Not read within the work and time budget (a hostile or monstrous file): it is a PDF, but
    whether it is the form, or bank details, is not known."""


class _OverBudget(BaseException):
    """Raised by the visitor to stop pypdf at once: a BaseException, because pypdf catches any
    Exception met while it reads a form XObject, and would go on with the next one."""


def pdf_facts(
    data: bytes, form_number: str, pages: int, *, seconds: float = _SECONDS, operations: int = _MAX_OPERATIONS,
    content: int = _MAX_CONTENT,
) -> PdfFacts:
    """Read `data` as a PDF: whether it names `form_number`, whether it holds bank details;
    within `content` bytes of content streams, `operations` operators and `seconds` of reading
    (else `over_budget`)."""
    number, in_bytes, versioned, in_text = _patterns(form_number)
    if _plainly_the_form(data, in_bytes):
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
    budget = _Budget(seconds, operations, content)
    try:
        with warnings.catch_warnings(), _lowered_limits():
            warnings.simplefilter("ignore")
            # Cheapest first, stopping at the form's number: a batch reads thousands of CERFAs.
            for text in _texts(PdfReader(io.BytesIO(data), strict=False), pages, budget):
                if number.search(text):
                    return PdfFacts(readable=True, form_number=True, versions=_versions(in_text.findall(text)),
                                    text=True)
                seen.append(text)
    except _OverBudget:
        return PdfFacts(readable=True, over_budget=True)
    except Exception as exc:  # any failure of pypdf on a broken or hostile file (RecursionError too)
        from pypdf import errors

        if isinstance(exc, getattr(errors, "LimitReachedError", ())):  # one of pypdf's limits (lowered above)
            return PdfFacts(readable=True, over_budget=True)
        return PdfFacts(readable=False)
    finally:
        logger.setLevel(level)
    text = " ".join(seen)[:_MAX_TEXT]
    readable_text = any(part.strip() for part in seen[1:])  # the metadata (seen[0]) is no text of the form
    return PdfFacts(readable=True, bank_details=bool(_BANK.search(text)), text=readable_text)


_VERSION = r"[ \t]*\*[ \t]*([0-9]{1,2})(?![0-9])"
"""What follows the form's number when it names its version: « NNNNN*03 », « NNNNN * 3 »."""


@lru_cache(maxsize=16)
def _patterns(form_number: str) -> tuple[re.Pattern[str], re.Pattern[bytes], re.Pattern[bytes], re.Pattern[str]]:
    """The form's number as a number of its own (no digit just before or after it), in a text and
    in bytes; and followed by its version (`_VERSION`), in bytes and in a text.

    The number comes first and the digit before it is looked at behind it (« NNNNN(?<![0-9]NNNNN) »
    for « (?<![0-9])NNNNN »: the same matches), so that a search goes from one occurrence of the
    number to the next instead of trying every position of a file."""
    literal = re.escape(form_number)
    pattern = f"{literal}(?<![0-9]{literal})(?![0-9])"
    return (
        re.compile(pattern),
        re.compile(pattern.encode("ascii")),
        re.compile((pattern + _VERSION).encode("ascii")),
        re.compile(pattern + _VERSION),
    )


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


class _Budget:
    """The visitor of every operator pypdf interprets: stops it past the work or the time."""

    def __init__(self, seconds: float, operations: int, content: int) -> None:
        import time

        self._clock = time.monotonic
        self._deadline = self._clock() + seconds
        self._left = operations
        self._content_left = content

    def __call__(self, *_: Any) -> None:
        self._left -= 1
        if self._left < 0 or self._clock() >= self._deadline:
            raise _OverBudget

    def check(self) -> None:
        if self._clock() >= self._deadline:
            raise _OverBudget

    def content(self, page: Any) -> None:
        """Count the content bytes the text extraction of `page` would interpret, form XObjects
        once per call (nested ones too), without interpreting any: past the budget, stop."""
        contents = page.get_contents()
        if contents is not None:
            self._spend(contents.get_data(), page.get("/Resources"), {}, 0)

    def _spend(self, data: bytes, resources: Any, sizes: dict[int, int], depth: int) -> int:
        spent = len(data)
        self._content_left -= spent
        if self._content_left < 0 or depth > 20:
            raise _OverBudget
        names = _CALLS.findall(data)
        if not names:
            return spent
        xobjects = _get(_get(resources, "/XObject"), None)
        for name in names:
            xobject = _get(xobjects, "/" + name.decode("latin-1"))
            if xobject is None or _get(xobject, "/Subtype") != "/Form":
                continue
            key = id(xobject)
            if key in sizes:  # already counted once: its cost again, without decoding it again
                self._content_left -= sizes[key]
                if self._content_left < 0:
                    raise _OverBudget
                spent += sizes[key]
                continue
            sizes[key] = self._spend(xobject.get_data(), _get(xobject, "/Resources") or resources, sizes, depth + 1)
            spent += sizes[key]
        return spent


_CALLS = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s*Do(?![^\s/\[\]()<>{}%])")
"""`/Name Do`: a call of an XObject in a content stream."""


def _get(dictionary: Any, key: str | None) -> Any:
    """`dictionary[key]` resolved (`dictionary` itself when key is None), or None."""
    try:
        value = dictionary if key is None else dictionary.get(key)
        return None if value is None else value.get_object()
    except AttributeError:
        return None


def _lowered_limits() -> Any:
    """pypdf's configuration with `_PYPDF_LIMITS`, for the reading of one form (a context)."""
    from contextlib import nullcontext

    try:
        from pypdf import Configuration, apply_configuration
    except ImportError:  # an older pypdf: its fixed limits, and the visitor's budget
        return nullcontext()
    known = {name: value for name, value in _PYPDF_LIMITS.items() if name in Configuration.__dataclass_fields__}
    return apply_configuration(None, **known)


def _texts(reader: object, pages: int, budget: _Budget) -> Iterator[str]:
    """The metadata, then the form fields (names, values, tooltips), then each page's text.

    A form « encrypted » with an empty password (as forms often are) is already open: pypdf tries
    that password itself when it reads the file."""
    from pypdf import PdfReader

    assert isinstance(reader, PdfReader)
    yield " ".join(str(value) for value in (reader.metadata or {}).values())
    budget.check()
    fields = islice((reader.get_fields() or {}).items(), _MAX_FIELDS)
    said = (part for name, field in fields for part in (name, field.get("/V"), field.get("/TU")) if part)
    yield " ".join(str(part) for part in said)
    for page in islice(reader.pages, pages):
        budget.check()
        budget.content(page)
        yield page.extract_text(visitor_operand_before=budget)
