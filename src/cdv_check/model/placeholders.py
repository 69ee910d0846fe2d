"""SCH09: texts that still hold a placeholder, or say nothing.

`cdv-check init` writes « À compléter : … » where it needs an answer; people write `TODO`, `xxx`,
`...` or « à définir » for the same purpose. Such a dossier reads well and would pass every other
rule, yet the referents would reject it. The lists and the minimum lengths are data of the
référentiel (`textes_a_completer`, `seuils.textes_longueur_min`); this module only applies them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, partial
from typing import Any, NamedTuple

from pydantic import BaseModel

from cdv_check.model.referentiel import Referentiel, fold
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
    minimum = ref.seuils.textes_longueur_min.get(path)
    if minimum is not None and (length := len(" ".join(text.split()))) < minimum:
        return f"trop court pour décrire quoi que ce soit ({plural(length, 'caractère')}, au moins {minimum} attendus)"
    return None


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
    found: list[Text] = []
    _collect_texts(model, path, found)
    return iter(found)


def _collect_texts(model: BaseModel, path: Loc, found: list[Text]) -> None:
    # Into one list, not through nested generators: this runs for every dossier, over some fifty
    # texts; each model class's fields are looked at once per process (`_text_fields`).
    for name, required, about in _text_fields(type(model)):
        value: Any = getattr(model, name)
        if value is None:  # left out: most optional fields
            continue
        if isinstance(value, str):
            found.append(_text(((*path, name), value, required, about)))
        elif isinstance(value, BaseModel):
            _collect_texts(value, (*path, name), found)
        elif isinstance(value, dict):  # the pieces, keyed by the référentiel's ids
            for key, item in value.items():
                if isinstance(item, str):
                    what = f"le chemin du fichier de la pièce « {key} »"
                    found.append(_text(((*path, name, key), item, False, what)))
        elif isinstance(value, list):
            here = (*path, name)
            for index, item in enumerate(value):
                if isinstance(item, str):
                    found.append(_text(((*here, index), item, False, about)))
                elif isinstance(item, BaseModel):
                    _collect_texts(item, (*here, index), found)


@cache
def _text_fields(cls: type[BaseModel]) -> tuple[tuple[str, bool, str], ...]:
    """Each field of `cls`: its name, whether the contract requires it, what it expects."""
    from cdv_check.model.dossier import field_is_required

    return tuple(
        (name, field_is_required(cls, name), info.description or name) for name, info in cls.model_fields.items()
    )
