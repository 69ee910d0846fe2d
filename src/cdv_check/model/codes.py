"""Valid objective codes near one that is not: the one place where codes are suggested.

A code is mistyped in a few typical ways, tried first: a letter for a digit (`1.1O`, `2.l`), a
comma for the dot (`2,7`), one character too many, missing or changed (`1.11` for `1.10`, `2.7.9`
for `2.7.4`). Then the codes of the same family (same x.y, same axis), then look-alikes.
"""

from __future__ import annotations

from cdv_check.model.referentiel import Referentiel

_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "i": "1", ",": ".", ";": ".", " ": ""})


def _one_edit_apart(a: str, b: str) -> bool:
    """True when b is a with one character added, removed or changed."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def closest_objective_codes(ref: Referentiel, code: str, *, n: int = 6, axes: bool = False) -> list[str]:
    """Valid codes near `code`, nearest first (axes' codes too when `axes`)."""
    import difflib

    codes = list(ref.objective_codes())
    if axes:
        codes = [axe.code for axe in ref.annexe1] + codes
    typed = code.strip()
    repaired = typed.translate(_LOOKALIKES).strip(".")
    depth = typed.count(".")
    # The call's own codes (« SANTE ») typed in another case first, then a repaired typing.
    exact = [c for c in codes if c.casefold() == typed.casefold() and c != typed]
    exact += [c for c in codes if c == repaired and c != typed]
    # One character apart: the same depth first (1.11 → 1.10 before 1.1 or 1.1.1), same parent first.
    parent = repaired.rsplit(".", 1)[0] if "." in repaired else ""
    near = [c for c in codes if _one_edit_apart(repaired, c)]
    near.sort(key=lambda c: (
        c.count(".") != depth, not (parent and c.startswith(parent + ".")), len(c) != len(repaired)
    ))
    family = [c for c in codes if parent and (c == parent or c.startswith(parent + "."))]
    alike = difflib.get_close_matches(repaired, codes, n=n, cutoff=0.5)
    return list(dict.fromkeys([*exact, *near, *family, *alike]))[:n]
