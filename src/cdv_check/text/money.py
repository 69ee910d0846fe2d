"""Amounts in euros written the French way, for messages and reports."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from cdv_check.text.french import french_int

_CENT = Decimal("0.01")


def french_amount(amount: Decimal) -> str:
    """`Decimal("9400")` → `9 400,00 €`; `Decimal("-1234.5")` → `-1 234,50 €`.

    Thousands are grouped with an ordinary space (searchable, and safe in any terminal).
    """
    rounded = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    units, cents = f"{abs(rounded):.2f}".split(".")
    return f"{sign}{french_int(int(units))},{cents} €"
