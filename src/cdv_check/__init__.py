"""cdv-check: checks grant requests to a Contrat de Ville call against its référentiel.

As a library: `cdv_check.check(path_or_text)`, `cdv_check.check_batch(paths)`,
`cdv_check.load_referentiel(path)` (see `cdv_check.api`). They are imported when first used,
so that the command line, which imports this package, does not pay for them at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from cdv_check.api import (
        BatchResult,
        Referentiel,
        ReferentielError,
        Result,
        SettingsError,
        check,
        check_batch,
        load_referentiel,
    )

__all__ = [
    "BatchResult",
    "Referentiel",
    "ReferentielError",
    "Result",
    "SettingsError",
    "__version__",
    "check",
    "check_batch",
    "load_referentiel",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from cdv_check import api

        return getattr(api, name)
    raise AttributeError(f"module 'cdv_check' has no attribute {name!r}")
