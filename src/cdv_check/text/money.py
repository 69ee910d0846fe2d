"""Amounts in euros written the French way, for messages and reports."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_CENT = Decimal("0.01")


def french_amount(amount: Decimal) -> str:
    """`Decimal("9400")` → `9 400,00 €`; `Decimal("-1234.5")` → `-1 234,50 €`.

    Thousands are grouped with an ordinary space (searchable, and safe in any terminal).
    """
    rounded = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    units, cents = f"{abs(rounded):.2f}".split(".")
    groups: list[str] = []
    while len(units) > 3:
        groups.insert(0, units[-3:])
        units = units[:-3]
    groups.insert(0, units)
    return f"{sign}{' '.join(groups)},{cents} €"
