"""BUD: the action's budget as the request form (CERFA) presents it (charges and produits by account);
the arithmetic (accounts, totals) is the model's (model.cerfa), shared with the batch synthesis.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from cdv_check.core.findings import Issue, Severity
from cdv_check.core.registry import Context, rule
from cdv_check.model.cerfa import (
    CHARGES_ACCOUNTS,
    IN_KIND_CHARGES,
    IN_KIND_PRODUITS,
    PRODUITS_ACCOUNTS,
    account_class,
    marked_total,
    total_of,
)
from cdv_check.model.dossier import Budget, LigneBudget
from cdv_check.model.referentiel import Referentiel, fold
from cdv_check.text.money import french_amount

_SECTION = "Budget prévisionnel"

ACCEPTED = {
    "charges": CHARGES_ACCOUNTS | {IN_KIND_CHARGES},
    "produits": PRODUITS_ACCOUNTS | {IN_KIND_PRODUITS},
}
# The labels of the request form's budget table, offered by `cdv-check init`.
CERFA_ACCOUNTS = {
    "charges": {
        "60": "Achats (prestations, matières et fournitures)",
        "61": "Services extérieurs (locations, entretien, assurances)",
        "62": "Autres services extérieurs (honoraires, publicité, déplacements)",
        "63": "Impôts et taxes",
        "64": "Charges de personnel (salaires et charges sociales)",
        "65": "Autres charges de gestion courante",
        "66": "Charges financières",
        "67": "Charges exceptionnelles",
        "68": "Dotation aux amortissements",
        "86": "Emplois des contributions volontaires en nature (bénévolat, mise à disposition)",
    },
    "produits": {
        "70": "Vente de produits finis, prestations de services, marchandises",
        "71": "Production stockée",
        "72": "Production immobilisée",
        "73": "Dotations et produits de tarification",
        "74": "Subventions d'exploitation (État, Région, Département, Commune, autres)",
        "75": "Autres produits de gestion courante (cotisations, dons)",
        "76": "Produits financiers",
        "77": "Produits exceptionnels",
        "78": "Reprises sur amortissements et provisions",
        "79": "Transferts de charges",
        "87": "Contributions volontaires en nature (bénévolat, prestations en nature)",
    },
}
_LEADING_DIGITS = re.compile(r"[0-9]{2,}")
_SIDE_RANGE = {"charges": "60 à 68 et 86", "produits": "70 à 79 et 87"}


_total = total_of
_IN_KIND_CHARGES = frozenset({IN_KIND_CHARGES})
_IN_KIND_PRODUITS = frozenset({IN_KIND_PRODUITS})


def _budget(ctx: Context) -> Budget | None:
    return ctx.dossier.budget


def _operating_totals(budget: Budget) -> tuple[Decimal | None, Decimal | None]:
    """Both totals, or None where a side is absent (SCH03 says so)."""
    if budget.charges is None or budget.produits is None:
        return None, None
    return _total(budget.charges, CHARGES_ACCOUNTS), _total(budget.produits, PRODUITS_ACCOUNTS)


@rule("BUD01", Severity.ERROR, section=_SECTION, title="Budget non équilibré", reads={
    "budget.charges[*].compte": "le total des charges est incomplet",
    "budget.charges[*].montant": "le total des charges est incomplet",
    "budget.produits[*].compte": "le total des produits est incomplet",
    "budget.produits[*].montant": "le total des produits est incomplet",
})
def balanced(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : le total des charges (comptes 60 à 68) est égal au total des produits
    (comptes 70 à 79) ; un sous-compte comme 6064 compte dans 60. Le message donne les deux totaux
    et l'écart. Les contributions en nature (86 et 87) sont comparées à part (BUD02). La règle ne
    dit rien tant qu'un compte ou un montant est refusé (BUD04, SCH04) : le total serait incomplet.

    Exemple refusé :

        budget:
          charges:
            - {compte: "64", libelle: Animatrice, montant: 2500}
          produits:
            - {compte: "74", libelle: État - politique de la ville, montant: 2000}

    Correction :

        budget:
          charges:
            - {compte: "64", libelle: Animatrice, montant: 2500}
          produits:
            - {compte: "74", libelle: État - politique de la ville, montant: 2000}
            - {compte: "75", libelle: Cotisations, montant: 500}

    Que faire : ajustez les charges ou les produits (une autre ressource, une charge surestimée)
    jusqu'à ce que les deux totaux soient égaux.
    """
    budget = _budget(ctx)
    if budget is None:
        return
    charges, produits = _operating_totals(budget)
    if charges is None or produits is None or charges == produits:
        return
    gap = french_amount(abs(charges - produits))
    larger = "les charges dépassent les produits" if charges > produits else (
        "les produits dépassent les charges"
    )
    yield Issue(
        f"Budget déséquilibré : charges (60 à 68) {french_amount(charges)}, produits (70 à 79) "
        f"{french_amount(produits)} ; {larger} de {gap}.",
        "Le budget prévisionnel doit être équilibré : ajustez les charges ou les produits pour que "
        "les deux totaux soient égaux.",
        ("budget",),
    )


@rule("BUD02", Severity.ERROR, section=_SECTION, title="Contributions en nature déséquilibrées", reads={
    "budget.charges[*].compte": "le total du compte 86 est incomplet",
    "budget.charges[*].montant": "le total du compte 86 est incomplet",
    "budget.produits[*].compte": "le total du compte 87 est incomplet",
    "budget.produits[*].montant": "le total du compte 87 est incomplet",
})
def in_kind_balanced(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : le total des comptes 86 (mise à disposition de locaux, de personnel,
    bénévolat) est égal au total des comptes 87, sous-comptes compris.

    Exemple refusé :

        budget:
          charges:
            - {compte: "86", libelle: Mise à disposition de la salle, montant: 1000}
          produits:
            - {compte: "87", libelle: Salle prêtée par le centre social, montant: 800}

    Correction :

        budget:
          charges:
            - {compte: "86", libelle: Mise à disposition de la salle, montant: 1000}
          produits:
            - {compte: "87", libelle: Salle prêtée par le centre social, montant: 1000}

    Que faire : inscrivez chaque contribution en nature deux fois, au même montant : en 86 dans
    les charges et en 87 dans les produits.
    """
    budget = _budget(ctx)
    if budget is None or budget.charges is None or budget.produits is None:
        return
    used = _total(budget.charges, _IN_KIND_CHARGES)
    given = _total(budget.produits, _IN_KIND_PRODUITS)
    if used == given:
        return
    yield Issue(
        f"Contributions en nature : total 86 (charges) {french_amount(used)}, total 87 "
        f"(produits) {french_amount(given)} ; écart de {french_amount(abs(used - given))}.",
        "Chaque contribution en nature s'inscrit au même montant en 86 (charges) et en 87 "
        "(produits) : corrigez l'un des deux totaux.",
        ("budget",),
    )


@rule("BUD03", Severity.ERROR, section=_SECTION, title="Subvention demandée incohérente", reads={
    "budget.charges[*].compte": "le total des charges est incomplet",
    "budget.charges[*].montant": "le total des charges est incomplet",
    "budget.produits[*].montant": "la somme des produits « politique_de_la_ville » est incomplète",
    "budget.produits[*].politique_de_la_ville": "la somme des produits « politique_de_la_ville » est incomplète",
})
def requested_consistent(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : trois points, chacun signalé à part avec les montants : la subvention
    demandée est positive ; elle est égale à la somme des produits marqués
    « politique_de_la_ville: oui » ; elle ne dépasse pas le total des charges de l'action
    (comptes 60 à 68, sans les contributions en nature du compte 86, qui ne se financent pas par
    une subvention).

    Exemple refusé :

        budget:
          charges:
            - {compte: "64", libelle: Animatrice, montant: 7000}
          produits:
            - {compte: "74", libelle: État - politique de la ville, montant: 4000}
            - {compte: "74", libelle: Ville de {{commune_a}}, montant: 3000}
          subvention_demandee: 7000

    Correction :

        budget:
          charges:
            - {compte: "64", libelle: Animatrice, montant: 7000}
          produits:
            - {compte: "74", libelle: État - politique de la ville, montant: 4000, politique_de_la_ville: oui}
            - {compte: "74", libelle: Ville de {{commune_a}}, montant: 3000, politique_de_la_ville: oui}
          subvention_demandee: 7000

    Que faire : marquez « politique_de_la_ville: oui » chaque financement demandé au titre du
    Contrat de Ville (État, Ville…), et faites que leur somme soit la subvention demandée.
    """
    budget = _budget(ctx)
    if budget is None or budget.subvention_demandee is None:
        return
    asked = budget.subvention_demandee
    where = ("budget", "subvention_demandee")
    if asked <= 0:
        yield Issue(
            f"Subvention demandée de {french_amount(asked)} : elle doit être positive.",
            "Indiquez le total demandé au titre du Contrat de Ville.",
            where,
        )
    marked = marked_total(budget.produits)
    if marked is not None and marked != asked:
        yield Issue(
            f"Subvention demandée {french_amount(asked)}, mais les produits marqués "
            f"« politique_de_la_ville: oui » totalisent {french_amount(marked)}.",
            "Marquez « politique_de_la_ville: oui » chaque ligne de produit demandée au titre du "
            "Contrat de Ville, et faites que leur somme égale la subvention demandée.",
            where,
        )
    charges = _total(budget.charges, CHARGES_ACCOUNTS) if budget.charges is not None else None
    if charges is not None and asked > charges:
        yield Issue(
            f"Subvention demandée {french_amount(asked)}, supérieure au total des charges "
            f"(60 à 68) de {french_amount(charges)}.",
            "Une subvention ne peut pas dépasser le coût de l'action : revoyez le montant demandé "
            "ou les charges.",
            where,
        )


@rule("BUD04", Severity.ERROR, section=_SECTION, title="Compte ou montant invalide", refuses=True)
def accounts_valid(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : chaque ligne a un compte du CERFA de son côté (pas de 7x dans les
    charges, de 65 dans les produits, de « 99 ») et un montant qui n'est pas négatif. Un compte
    s'écrit avec ses deux chiffres (« 64 ») ; un sous-compte plus long (« 6064 ») est accepté
    quand ses deux premiers chiffres sont permis. Une ligne de produits qui nomme son financeur
    (« financeur: ») nomme un financeur du référentiel, par son identifiant ou son nom
    (majuscules et accents mis à part) ; sans financeur, sa part est « non précisé » dans la
    synthèse.

    Exemple refusé :

        budget:
          charges:
            - {compte: "74", libelle: Subvention de la Ville, montant: 3000}
            - {compte: "99", libelle: Divers, montant: -200}

    Correction :

        budget:
          charges:
            - {compte: "60", libelle: Achats de fournitures, montant: 200}
          produits:
            - {compte: "74", libelle: Subvention de la Ville, montant: 3000}

    Que faire : placez la ligne du bon côté, sous un compte du CERFA, avec un montant positif.
    """
    budget = _budget(ctx)
    if budget is None:
        return
    for side, lines in (("charges", budget.charges), ("produits", budget.produits)):
        accepted = ACCEPTED[side]
        for index, line in enumerate(lines or []):
            compte, montant = line.compte, line.montant
            # What _line_issues looks at, looked at first: most lines have nothing to say.
            if (compte is not None and account_class(compte) not in accepted and compte.strip()) or (
                montant is not None and montant < 0
            ):
                yield from _line_issues(side, index, line)
            if line.financeur is not None and line.financeur.strip():
                yield from _funder_issues(ctx.ref, side, index, line.financeur)


def _funder_issues(ref: Referentiel, side: str, index: int, named: str) -> Iterator[Issue]:
    where = ("budget", side, index, "financeur")
    if side == "charges":
        yield Issue(
            f"Financeur « {named} » sur une ligne de charges : un financeur se donne sur une ligne "
            "de produits.",
            "Retirez « financeur: » de cette charge, ou mettez-le sur le produit qu'il finance.",
            where,
        )
        return
    if ref.financeur_by_spelling(named) is not None:
        return
    import difflib  # only for an unknown funder: a check without one does not pay its import

    folded = {fold(spelling): f for f in ref.financeurs for spelling in f.spellings()}
    meant = [folded[k] for k in difflib.get_close_matches(fold(named), list(folded), n=1, cutoff=0.6)]
    listed = ", ".join(f"« {f.id} » ({f.nom})" for f in ref.financeurs)
    yield Issue(
        f"Financeur « {named} » inconnu du référentiel"
        + (f" : vouliez-vous dire « {meant[0].id} » ({meant[0].nom}) ?" if meant else "."),
        f"Nommez le financeur par son identifiant ou son nom : {listed}"
        + " ; sans financeur, la ligne compte dans « non précisé »." if ref.financeurs
        else "Ce référentiel ne nomme aucun financeur : retirez « financeur: » de la ligne.",
        where,
    )


def _line_issues(side: str, index: int, line: LigneBudget) -> Iterator[Issue]:
    here = ("budget", side, index)
    if line.compte is not None and line.compte.strip() and account_class(line.compte) not in ACCEPTED[side]:
        yield Issue(
            f"Compte « {line.compte} » inconnu dans les {side} : le CERFA y utilise "
            f"les comptes {_SIDE_RANGE[side]}.",
            _account_advice(side, line.compte),
            (*here, "compte"),
        )
    if line.montant is not None and line.montant < 0:
        yield Issue(
            f"Montant négatif ({french_amount(line.montant)}) "
            f"pour « {line.libelle or line.compte} ».",
            "Écrivez un montant positif : une ressource se met dans les produits, une dépense dans "
            "les charges.",
            (*here, "montant"),
        )


def _account_advice(side: str, compte: str) -> str:
    other = "produits" if side == "charges" else "charges"
    if account_class(compte) in ACCEPTED[other]:
        return (
            f"Un compte {compte.strip()} est un compte de {other} : déplacez la ligne "
            f"sous « {other}: »."
        )
    leading = _LEADING_DIGITS.match(compte.strip())
    if leading and account_class(leading.group()) in ACCEPTED[side]:
        return (
            f"Écrivez le compte seul, en chiffres (« {leading.group()} ») ; le libellé va dans "
            "« libelle: »."
        )
    example = min(ACCEPTED[side])
    return f"Choisissez un compte du CERFA ({_SIDE_RANGE[side]}), en chiffres (ex. « {example} »)."


@rule("BUD05", Severity.ERROR, section="Règlement de l'appel : montant de la subvention",
      title="Subvention hors des bornes de l'appel", reads={
    "budget.charges[*].compte": "le total des charges est incomplet",
    "budget.charges[*].montant": "le total des charges est incomplet",
})
def requested_within_bounds(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : les bornes qu'il fixe à la subvention, quand il en fixe (« la subvention demandée
    ne dépasse pas 80 % du coût total de l'action », par exemple) ; le référentiel les donne sous
    « subvention: » (part_max_cout_pct, minimum, maximum). Un appel qui n'en fixe pas n'a pas de
    BUD05 (1 Le référentiel de l'appel).

    Ce qui est vérifié : la subvention demandée (budget.subvention_demandee) n'est pas au-dessus
    du plafond en pourcentage du coût de l'action (total des charges, comptes 60 à 68, sans les
    contributions en nature du compte 86), ni sous le montant minimum, ni au-dessus du montant
    maximum. Chaque borne dépassée est signalée avec les montants.

    Exemple refusé :

        budget:
          charges:
            - {compte: "64", libelle: Animatrice, montant: 5000}
          produits:
            - {compte: "74", libelle: État - politique de la ville, montant: 5000, politique_de_la_ville: oui}
          subvention_demandee: 5000

    Correction :

        budget:
          charges:
            - {compte: "64", libelle: Animatrice, montant: 5000}
          produits:
            - {compte: "74", libelle: État - politique de la ville, montant: 4000, politique_de_la_ville: oui}
            - {compte: "75", libelle: Cotisations, montant: 1000}
          subvention_demandee: 4000

    Que faire : ramenez la demande dans les bornes de l'appel, en trouvant d'autres financements
    (cofinanceurs, fonds propres) pour le reste du coût.
    """
    bounds, budget = ctx.ref.subvention, _budget(ctx)
    if bounds is None or budget is None or budget.subvention_demandee is None or budget.subvention_demandee <= 0:
        return
    asked = budget.subvention_demandee
    where = ("budget", "subvention_demandee")
    charges = _total(budget.charges, CHARGES_ACCOUNTS) if budget.charges is not None else None
    if bounds.part_max_cout_pct is not None and charges is not None and charges > 0:
        ceiling = (charges * bounds.part_max_cout_pct / 100).quantize(Decimal("0.01"))
        if asked > ceiling:
            share = (asked * 100 / charges).quantize(Decimal("0.1"))
            yield Issue(
                f"Subvention demandée {french_amount(asked)}, soit {_pct(share)} du coût de l'action "
                f"({french_amount(charges)}, comptes 60 à 68) : l'appel en finance au plus "
                f"{_pct(bounds.part_max_cout_pct)}, soit {french_amount(ceiling)}.",
                f"Demandez au plus {french_amount(ceiling)} et financez le reste autrement "
                "(cofinanceurs, fonds propres), ou revoyez le budget de l'action.",
                where,
            )
    if bounds.minimum is not None and asked < bounds.minimum:
        yield Issue(
            f"Subvention demandée {french_amount(asked)}, sous le minimum de l'appel "
            f"({french_amount(bounds.minimum)}).",
            f"L'appel ne retient pas de demande sous {french_amount(bounds.minimum)} : regroupez "
            "l'action avec une autre, ou cherchez un autre financement.",
            where,
        )
    if bounds.maximum is not None and asked > bounds.maximum:
        yield Issue(
            f"Subvention demandée {french_amount(asked)}, au-dessus du maximum de l'appel "
            f"({french_amount(bounds.maximum)}).",
            f"Demandez au plus {french_amount(bounds.maximum)} et financez le reste autrement.",
            where,
        )


def _pct(value: Decimal) -> str:
    text = f"{value.normalize():f}".replace(".", ",")
    return f"{text}\u00a0%"
