"""SCH09: texts that still hold a placeholder, or say nothing.

`cdv-check init` writes « À compléter : … » where it needs an answer; people write `TODO`, `xxx`,
`...` or « à définir » for the same purpose. Such a dossier reads well and would pass every other
rule, yet the referents would reject it. The lists and the minimum lengths are data of the
référentiel (`textes_a_completer`, `seuils.textes_longueur_min`); this module only applies them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from functools import cache, partial
from types import UnionType
from typing import Annotated, Any, NamedTuple, Union, get_args, get_origin

from pydantic import BaseModel

from cdv_check.model.referentiel import Referentiel, fold, fold_together
from cdv_check.text.french import plural

Loc = tuple[str | int, ...]

_FILLER = re.compile("x{3,}(?: x{3,})*")
"""Words made of three or more « x » and nothing else: `xxx`, `XXXX xxx`."""


def placeholder_reason(text: str, ref: Referentiel, path: str = "") -> str | None:
    """Why `text` is not a real answer (French, to follow « parce que »-like phrasing), or None.

    `path` is the dotted dossier path (`action.besoin`): the texts the call asks to be
    substantive also have a minimum length.
    """
    if not text.strip():
        return None  # blank: « absent », which SCH03 or the rules say
    folded = fold(text)  # words of letters and digits, one space between them
    if not folded:
        return "ce texte n'a ni lettre ni chiffre : il ne dit rien"
    if _FILLER.fullmatch(folded):
        return "« xxx » est un texte de remplissage"
    heads, markers = ref.textes_a_completer.folded
    if folded.startswith(heads) and any(folded == head or folded.startswith(head + " ") for head in heads):
        return "c'est un texte à remplacer, pas une réponse"
    padded = f" {folded} "
    for marker, spelt in markers:
        if marker in padded:
            return f"« {spelt} » marque un texte à compléter"
    return _too_short(text, ref, path)


def _too_short(text: str, ref: Referentiel, path: str) -> str | None:
    minimum = ref.seuils.textes_longueur_min.get(path)
    if minimum is not None and (length := len(" ".join(text.split()))) < minimum:
        return f"trop court pour décrire quoi que ce soit ({plural(length, 'caractère')}, au moins {minimum} attendus)"
    return None


def placeholders(model: BaseModel, ref: Referentiel, minimum_at: Mapping[Loc, str]) -> Iterator[tuple[Text, str, str]]:
    """Each text of the model that is not a real answer, in the model's order: the text, the
    dotted path of its place when it is given a minimum length (`minimum_at`, by place) or "",
    and `placeholder_reason`.

    The texts are folded together (`fold_together`), and only those that may hold a
    placeholder go through `placeholder_reason`; the others can only be too short.
    """
    values: list[str] = []
    places: list[_Place] = []
    _collect_texts(model, (), values, places)
    suspects = _suspects(values, ref)
    if suspects is None:
        looked_at: Iterable[int] = range(len(values))
    else:  # the suspects and the texts given a minimum length, in the model's order
        names = {loc[-1] for loc in minimum_at if loc}  # a cheap look first: a field's name
        given = [
            index for index, (parent, last, _, _) in enumerate(places)
            if last in names and (*parent, last) in minimum_at
        ]
        looked_at = sorted(suspects.union(given))
    for index in looked_at:
        parent, last, required, about = places[index]
        loc = (*parent, last)
        value = values[index]
        path = minimum_at.get(loc, "")
        if suspects is None or index in suspects:
            reason = placeholder_reason(value, ref, path)
        else:
            reason = _too_short(value, ref, path)
        if reason is not None:
            yield _text((loc, value, required, about)), path, reason


def _suspects(values: list[str], ref: Referentiel) -> set[int] | None:
    """The indices of the texts that may be empty once folded, filler or hold a placeholder; None
    for all of them. A text is left out only when none of these can be."""
    together = fold_together(values)
    if together is None:
        return None
    data, others = together
    # A filler's first word begins with « xxx »; a text that holds a placeholder holds each of its
    # words as a word, its longest one included.
    spaced = b" " + data.replace(b"\x00", b" ") + b" "
    if any(needle in spaced for needle in _needles(ref.textes_a_completer.folded)):
        return None
    # A text without a letter or a digit: nothing of it is left between two NUL once the spaces go.
    if b"\x00\x00" in b"\x00" + data.translate(None, b" ") + b"\x00":
        return None
    return set(others)


@cache
def _needles(folded: tuple[tuple[str, ...], tuple[tuple[str, str], ...]]) -> tuple[bytes, ...]:
    """« xxx» (a filler's beginning) and the longest word of each head and marker of the
    référentiel, as a word (« todo »). Only lowercase ASCII words: a text whose fold holds any
    other character is not left out (`fold_together`)."""
    heads, markers = folded
    needles = [b" xxx"]
    for text in (*heads, *(marker for marker, _ in markers)):
        words = text.split()
        if words and all(word.isascii() and word.isalnum() and word == word.lower() for word in words):
            needles.append(f" {max(words, key=len)} ".encode())
    return tuple(dict.fromkeys(needles))


class Text(NamedTuple):
    """One text of a dossier: where, what, and what its field expects."""

    loc: Loc
    value: str
    required: bool
    description: str


_text = partial(tuple.__new__, Text)
"""`Text` made from a tuple at C speed (a NamedTuple's own constructor is Python code)."""


def texts(model: BaseModel, path: Loc = ()) -> Iterator[Text]:
    """Every text of the model (list items included), in the model's order."""
    values: list[str] = []
    places: list[_Place] = []
    _collect_texts(model, path, values, places)
    return (_text(((*parent, last), value, required, about)) for value, (parent, last, required, about)
            in zip(values, places, strict=True))


_Place = tuple[Loc, str | int, bool, str]
"""Where a text is (the place holding it, and its field's name, key or index within it), whether
the contract requires it, and what its field expects: a `Text` but for its value, its place not
joined (only the texts looked at closely are made into a `Text`)."""


def _collect_texts(model: BaseModel, path: Loc, values: list[str], places: list[_Place]) -> None:
    # Into two flat lists, not through nested generators: this runs for every dossier, over some
    # fifty texts; each model class's fields are looked at once per process (`_text_fields`), and
    # what to do with a value once per type (`_KINDS`).
    kinds = _KINDS
    for name, required, about in _text_fields(type(model)):
        value: Any = getattr(model, name)
        try:
            kind = kinds[type(value)]
        except KeyError:
            kind = _kind(type(value))
        if kind == _NOTHING:  # None (most optional fields left out), a number, a date
            continue
        if kind == _STR:
            values.append(value)
            places.append((path, name, required, about))
        elif kind == _MODEL:
            _collect_texts(value, (*path, name), values, places)
        elif kind == _DICT:  # the pieces, keyed by the référentiel's ids
            here = (*path, name)
            for key, item in value.items():
                if isinstance(item, str):
                    values.append(item)
                    places.append((here, key, False, f"le chemin du fichier de la pièce « {key} »"))
        else:
            here = (*path, name)
            for index, item in enumerate(value):
                if isinstance(item, str):
                    values.append(item)
                    places.append((here, index, False, about))
                elif isinstance(item, BaseModel):
                    _collect_texts(item, (*here, index), values, places)


_NOTHING, _STR, _MODEL, _DICT, _LIST = range(5)
_KINDS: dict[type, int] = {}
"""What `_collect_texts` does with a value, by its type (`_kind`)."""


def _kind(cls: type) -> int:
    kind = (
        _STR if issubclass(cls, str)
        else _MODEL if issubclass(cls, BaseModel)
        else _DICT if issubclass(cls, dict)
        else _LIST if issubclass(cls, list)
        else _NOTHING
    )
    _KINDS[cls] = kind
    return kind


@cache
def _text_fields(cls: type[BaseModel]) -> tuple[tuple[str, bool, str], ...]:
    """Each field of `cls` that may hold a text: its name, whether the contract requires it, what
    it expects. A field typed only as a number, a date or a yes/no never holds one once validated
    (a budget line's amount, the dates): it is not looked at."""
    from cdv_check.model.dossier import field_is_required

    return tuple(
        (name, field_is_required(cls, name), info.description or name)
        for name, info in cls.model_fields.items()
        if not _never_text(info.annotation)
    )


_NEVER_TEXT = (bool, int, float, Decimal, date, type(None))
"""Types whose validated values are no text and hold none (datetime is a date)."""


def _never_text(annotation: Any) -> bool:
    """Whether a field's type is made only of `_NEVER_TEXT` (through Optional, unions and
    Annotated); anything else, or anything unknown, may hold a text."""
    if isinstance(annotation, type) and not get_args(annotation):
        return issubclass(annotation, _NEVER_TEXT)
    origin = get_origin(annotation)
    if origin is Annotated:
        return _never_text(get_args(annotation)[0])
    if origin is Union or origin is UnionType:
        return all(_never_text(arg) for arg in get_args(annotation))
    return False
