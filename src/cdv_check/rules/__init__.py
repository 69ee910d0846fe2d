"""The rules of the call, one module per part of it; importing this package registers them all."""

from __future__ import annotations

from cdv_check.rules import (  # noqa: F401
    budget,
    eligibilite,
    examen,
    identifiants,
    objectifs,
    pieces,
    schema,
)
