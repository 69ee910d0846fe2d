"""The text forms a dossier's values are written in: one definition for the reading
(`model.dossier`) and for the JSON Schema (`model.schema`), so that the two cannot disagree.

The loader hands every scalar over as the text the user typed, a JSON number or `true` included
(`28.0`, `true`): each pattern below is what that text may be. They are written for Python's `re`
and for the ECMAScript engines of editors alike (no possessive or named groups).
"""

from __future__ import annotations

SPACE = r"[\s\u00a0\u202f]"
"""A space, the no-break spaces French typing puts in numbers included."""

TRUE_WORDS = ("oui", "true", "vrai")
FALSE_WORDS = ("non", "false", "faux")
"""`vrai`/`faux`: what a French spreadsheet writes in a JSON export."""


def _any_case(word: str) -> str:
    return "".join(f"[{c.upper()}{c}]" for c in word)


BOOLEAN = rf"^\s*({'|'.join(_any_case(w) for w in (*TRUE_WORDS, *FALSE_WORDS))})\s*$"

MAX_COUNT = 10_000_000
_SIGNED_ZERO = rf"-{SPACE}*0+"  # -0.0: what a spreadsheet may write for zero
_PLAIN_COUNT = r"0*(?:[0-9]{1,7}|10000000)"
_GROUPED_COUNT = rf"[0-9]{{1,3}}{SPACE}[0-9]{{3}}|[0-9]{SPACE}[0-9]{{3}}{SPACE}[0-9]{{3}}|10{SPACE}000{SPACE}000"
COUNT = rf"^{SPACE}*({_SIGNED_ZERO}|{_GROUPED_COUNT}|{_PLAIN_COUNT})(?:[.,]0+)?{SPACE}*$"
"""A whole number from 0 to 10 000 000: `60`, `1 200`, and `28.0` (a spreadsheet's count)."""

_PLAIN_AMOUNT = r"0*[0-9]{1,9}"
_GROUPED_AMOUNT = rf"[0-9]{{1,3}}(?:{SPACE}[0-9]{{3}}){{1,2}}"
_NOISE = r"(?:0000|9999)[0-9]*"
AMOUNT = (
    rf"^{SPACE}*(-?)({_GROUPED_AMOUNT}|{_PLAIN_AMOUNT})(?:[.,]([0-9]{{1,2}})({_NOISE})?)?{SPACE}*(?:€|EUR)?{SPACE}*$"
)
"""Euros under a billion, with at most two decimals: `4000`, `4 000,50 €`, `-12.5`; and a number
within a millionth of a euro of a cent (`199.99999999999997`, the float noise of a spreadsheet's
sum: its decimals after the cents start with 0000 or 9999), read as that cent."""
MAX_AMOUNT = 1_000_000_000

# Dates that exist (leap years included), years 0001 to 9999.
_YEAR = r"(?!0000)[0-9]{4}"
_LEAP = r"(?!0000)(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
_ISO_DAY = (
    r"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    r"|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
_ISO = rf"(?:{_YEAR}-{_ISO_DAY}|{_LEAP}-02-29)"
_MIDNIGHT = r"(?:[T ]00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?)?"
_FR_DAY = (
    r"(?:(?:0?[1-9]|[12][0-9]|3[01])/(?:0?[13578]|1[02])|(?:0?[1-9]|[12][0-9]|30)/(?:0?[469]|11)"
    r"|(?:0?[1-9]|1[0-9]|2[0-8])/0?2)"
)
_FR = rf"(?:{_FR_DAY}/{_YEAR}|29/0?2/{_LEAP})"
DATE = rf"^\s*(?:{_ISO}{_MIDNIGHT}|{_FR})\s*$"
"""`AAAA-MM-JJ`, `JJ/MM/AAAA` (day first), and a spreadsheet's date-time at midnight
(`AAAA-MM-JJT00:00:00.000Z`): a date that exists."""

LIST_SEPARATORS = ",;"
SINGLE_CODE = rf"^[^{LIST_SEPARATORS}]*$"
"""One code where a list of codes is expected: `2.7.3` is read as `[2.7.3]`, but `2.7.3, 1.10` is
a list written as one text, refused with the list to write."""
