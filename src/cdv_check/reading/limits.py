"""Bounds on reading untrusted input: one place, each named in the SCH07 finding it causes."""

from __future__ import annotations

from typing import NamedTuple


class Limits(NamedTuple):
    file_bytes: int = 2 * 1024 * 1024
    """A dossier is a few kilobytes; 2 MiB leaves room for long texts."""
    depth: int = 32
    """Nesting of mappings and lists; the dossier format needs 4."""
    nodes: int = 50_000
    """Scalars, mappings and lists, counting each alias as the size of what it repeats."""
    aliases: int = 100
    scalar_chars: int = 100_000
    text_chars: int = 2 * 1024 * 1024
    """Characters of text in all, counting each alias as the text it repeats: never more than a
    file of `file_bytes` could hold, however its aliases multiply a long value."""
    findings_per_dossier: int = 200
    """Beyond this, a dossier's report is cut and the rest counted."""
    piece_header_bytes: int = 8
    """How much of a piece is read: enough for the `%PDF-` signature."""
    pdf_bytes: int = 20 * 1024 * 1024
    """The largest CERFA read as a PDF (to recognise the call's form); a larger one is not read."""
    pdf_pages: int = 3
    """Pages of the CERFA whose text is read: the form's number is on the first."""


DEFAULT_LIMITS = Limits()

LIMIT_LABELS = {
    "file_bytes": "taille du fichier (octets)",
    "depth": "profondeur d'imbrication",
    "nodes": "nombre d'éléments (alias développés)",
    "aliases": "nombre d'alias YAML",
    "scalar_chars": "longueur d'une valeur (caractères)",
    "text_chars": "quantité de texte (caractères, alias développés)",
}
