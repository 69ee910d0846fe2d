"""cdv-check: checks grant requests to the Contrat de Ville de Metz Métropole (call 2016)."""

from __future__ import annotations

__version__ = "0.1.0"
