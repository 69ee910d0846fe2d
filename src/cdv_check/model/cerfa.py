"""The CERFA's budget arithmetic: its accounts and the totals of charges and products,
read by the BUD rules and the batch synthesis alike.

The accounts are those of the CERFA's budget table (plan comptable associatif), not a fact of one
year's call: they are constants here, not référentiel data.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from cdv_check.model.dossier import LigneBudget

CHARGES_ACCOUNTS = frozenset({"60", "61", "62", "63", "64", "65", "66", "67", "68"})
PRODUITS_ACCOUNTS = frozenset({"70", "71", "72", "73", "74", "75", "76", "77", "78", "79"})
IN_KIND_CHARGES = "86"
IN_KIND_PRODUITS = "87"
_IN_KIND = frozenset({IN_KIND_CHARGES})
_TWO_DIGITS = {f"{n:02d}": f"{n:02d}" for n in range(100)}
"""The accounts written as two digits and nothing else, as most are: each is its own class."""


def account_class(compte: str | None) -> str | None:
    """The two-digit CERFA account of `compte` (« 6064 » → « 60 »); None if not all digits."""
    if compte is None:
        return None
    found = _TWO_DIGITS.get(compte)
    if found is not None:
        return found
    text = compte.strip()
    # ASCII digits only, at least two (« ６０ » or « ²⁰ » are digits to str.isdigit, not accounts).
    return text[:2] if len(text) >= 2 and text.isascii() and text.isdigit() else None


def total_of(lines: Iterable[LigneBudget], accounts: frozenset[str]) -> Decimal:
    """Sum of the lines whose account is in `accounts`. A line whose account or amount was
    refused or is missing never reaches here: the rules that total declare what they read, and
    are not run over a refused value (core.checker)."""
    total = Decimal(0)
    two_digits = _TWO_DIGITS.get
    for line in lines:
        montant = line.montant
        if montant is None:
            continue
        compte = line.compte
        # account_class(compte), its commonest case first without a call.
        found = two_digits(compte) if compte is not None else None
        if (found if found is not None else account_class(compte)) in accounts:
            total += montant
    return total


def action_cost(charges: Iterable[LigneBudget]) -> Decimal:
    """The action's cost: the charges 60 to 68 (the contributions in kind, 86, aside)."""
    return total_of(charges, CHARGES_ACCOUNTS)


def in_kind(charges: Iterable[LigneBudget]) -> Decimal:
    """The contributions in kind used (account 86)."""
    return total_of(charges, _IN_KIND)


def marked_total(produits: list[LigneBudget] | None) -> Decimal | None:
    """The products marked `politique_de_la_ville` (what is asked of the Contrat de Ville)."""
    if produits is None:
        return None
    return sum((line.montant for line in produits if line.politique_de_la_ville is True and line.montant is not None),
               Decimal(0))
