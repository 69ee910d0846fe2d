"""Small French formatting helpers shared by the rules and the reporters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def french_date(d: date) -> str:
    """`date(2024, 3, 10)` → « 10 mars 2024 »; the first of the month is written « 1er »."""
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {_MONTHS[d.month - 1]} {d.year}"


def french_int(n: int) -> str:
    """10140 → « 10 140 » (French thousands separator)."""
    return f"{n:,}".replace(",", " ")


def of(phrase: str) -> str:
    """« de » before a noun phrase, as French contracts it: « le tableau » → « du tableau »,
    « les annexes » → « des annexes », « l'annexe » → « de l'annexe »."""
    for article, contracted in (("le ", "du "), ("les ", "des ")):
        if phrase.startswith(article):
            return contracted + phrase[len(article):]
    return "de " + phrase


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """`plural(2, "jour")` → « 2 jours »; `plural(1, "jour")` → « 1 jour »."""
    word = singular if abs(n) <= 1 else (plural_form or singular + "s")
    return f"{n} {word}"


def join_fr(items: Sequence[str], last: str = "et") -> str:
    """`["a", "b", "c"]` → « a, b et c »."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def shorten(text: str, size: int = 70) -> str:
    """The text on one line, cut at a word boundary with « … » when longer than `size`."""
    flat = " ".join(text.split())
    if len(flat) <= size:
        return flat
    cut = flat[: size - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return cut + "…"


def quoted(text: str) -> str:
    """The text between French quotation marks: « text »."""
    return f"« {text} »"
