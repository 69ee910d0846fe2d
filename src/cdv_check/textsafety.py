"""Text from a dossier must never drive the terminal or a CI log: no control characters."""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, and the bidirectional overrides/isolates/marks (U+202E and friends).
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """One line of inert text: controls become spaces (newlines too), nothing else changes."""
    return _CONTROLS.sub(" ", text)
