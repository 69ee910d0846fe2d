"""What a pydantic model accepts at a place of a document: the keys « vouliez-vous dire » proposes,
for the dossier's model and the référentiel's alike."""

from __future__ import annotations

from typing import Any, get_args

from pydantic import BaseModel


def keys_at(root: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys the model accepts in the mapping at `loc` (list indexes skipped), else []."""
    cls: Any = root
    for part in loc:
        if isinstance(part, int):
            continue
        field = cls.model_fields.get(part) if _is_model(cls) else None
        if field is None:
            return []
        cls = model_in(field.annotation)
    return list(cls.model_fields) if _is_model(cls) else []


def _is_model(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, BaseModel)


def model_in(annotation: Any) -> Any:
    """The BaseModel class inside `X | None`, `list[X] | None` or `dict[str, X]`, if any."""
    if _is_model(annotation):
        return annotation
    for arg in get_args(annotation):
        if (found := model_in(arg)) is not None:
            return found
    return None
