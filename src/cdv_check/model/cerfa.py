"""The CERFA's budget arithmetic: its accounts and the totals of charges and products,
read by the BUD rules and the batch synthesis alike.

The accounts are those of the CERFA's budget table (plan comptable associatif), not a fact of one
year's call: they are constants here, not référentiel data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from cdv_check.model.dossier import LigneBudget

CHARGES_ACCOUNTS = frozenset({"60", "61", "62", "63", "64", "65", "66", "67", "68"})
PRODUITS_ACCOUNTS = frozenset({"70", "71", "72", "73", "74", "75", "76", "77", "78", "79"})
IN_KIND_CHARGES = "86"
IN_KIND_PRODUITS = "87"
_ACCOUNT = re.compile(r"[0-9]{2,}")


def account_class(compte: str | None) -> str | None:
    """The two-digit CERFA account of `compte` (« 6064 » → « 60 »); None if not all digits."""
    if compte is None:
        return None
    text = compte.strip()
    return text[:2] if _ACCOUNT.fullmatch(text) else None


def total_of(lines: Iterable[LigneBudget], accounts: frozenset[str]) -> Decimal:
    """Sum of the lines whose account is in `accounts`. A line whose account or amount was
    refused or is missing never reaches here: the rules that total declare what they read, and
    are not run over a refused value (core.checker)."""
    return sum((line.montant for line in lines if account_class(line.compte) in accounts and line.montant is not None),
               Decimal(0))


def action_cost(charges: Iterable[LigneBudget]) -> Decimal:
    """The action's cost: the charges 60 to 68 (the contributions in kind, 86, aside)."""
    return total_of(charges, CHARGES_ACCOUNTS)


def in_kind(charges: Iterable[LigneBudget]) -> Decimal:
    """The contributions in kind used (account 86)."""
    return total_of(charges, frozenset({IN_KIND_CHARGES}))


def marked_total(produits: list[LigneBudget] | None) -> Decimal | None:
    """The products marked `politique_de_la_ville` (what is asked of the Contrat de Ville)."""
    if produits is None:
        return None
    return sum((line.montant for line in produits if line.politique_de_la_ville is True and line.montant is not None),
               Decimal(0))
