"""Pydantic's validation errors said in French: its own messages are English."""

from __future__ import annotations

from typing import Any

_BY_TYPE = {
    "missing": "clé obligatoire absente",
    "extra_forbidden": "clé inconnue",
    "string_type": "un texte est attendu",
    "list_type": "une liste est attendue (ex. [a, b], ou une ligne « - a » par élément)",
    "model_type": "un ensemble de clés est attendu (« clé: valeur », en retrait)",
    "model_attributes_type": "un ensemble de clés est attendu (« clé: valeur », en retrait)",
    "dict_type": "un ensemble de clés est attendu (« clé: valeur », en retrait)",
    "int_type": "un nombre entier est attendu",
    "int_parsing": "un nombre entier est attendu",
    "int_from_float": "un nombre entier est attendu",
    "decimal_parsing": "un nombre est attendu",
    "decimal_type": "un nombre est attendu",
    "bool_type": "oui ou non est attendu",
    "bool_parsing": "oui ou non est attendu",
    "date_type": "une date est attendue (AAAA-MM-JJ ou JJ/MM/AAAA)",
    "date_parsing": "une date est attendue (AAAA-MM-JJ ou JJ/MM/AAAA)",
    "date_from_datetime_parsing": "une date est attendue (AAAA-MM-JJ ou JJ/MM/AAAA)",
    "date_from_datetime_inexact": "une date sans heure est attendue (AAAA-MM-JJ ou JJ/MM/AAAA)",
}


def french_message(error: Any) -> str:
    """One error of `ValidationError.errors()` in French: our own validators' messages as they
    are, pydantic's translated by error type, numeric bounds and choices spelt out."""
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "value_error":
        return str(error.get("msg", "")).removeprefix("Value error, ")
    if kind in _BY_TYPE:
        return _BY_TYPE[kind]
    if kind == "greater_than_equal":
        return f"la valeur doit être au moins {context.get('ge')}"
    if kind == "greater_than":
        return f"la valeur doit être plus grande que {context.get('gt')}"
    if kind == "less_than_equal":
        return f"la valeur doit être au plus {context.get('le')}"
    if kind == "literal_error":
        return f"valeurs possibles : {context.get('expected')}"
    return f"valeur refusée ({kind})"
