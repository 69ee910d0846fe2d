"""`cdv-check referentiel FICHIER`: a référentiel checked as strictly as a dossier, then summed up.

Every mistake is said at its line and column with what to write (the same validation `--referentiel`
uses); a valid file gets a short French summary of what it defines. Exit codes as for `check`: 0
valid, 1 mistakes found (an unreadable or unparsable file included), 2 a path that does not exist.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cdv_check.cli.check import CommandFailed
from cdv_check.text.french import french_date, join_fr, plural
from cdv_check.text.money import french_amount
from cdv_check.text.safety import clean_lines

if TYPE_CHECKING:
    from cdv_check.model.referentiel import Referentiel

PLATFORMS = {
    "extranet": "un extranet",
    "dauphin": "la plateforme Dauphin",
    "demarches_simplifiees": "Démarches Simplifiées",
    "courriel": "courriel",
    "papier": "dossier papier",
}


def referentiel(
    fichier: Annotated[
        Path,
        typer.Argument(metavar="FICHIER", help="Le référentiel à vérifier (YAML ou JSON).", show_default=False),
    ],
) -> None:
    """Vérifie un référentiel (le format est décrit dans docs/spec/referentiel.md) : chaque erreur
    à sa ligne et sa colonne, avec ce qu'il faut écrire ; puis, s'il est valide, ce qu'il définit.

    \b
    Exemple :
      cdv-check referentiel appel-2025.yaml
    """
    from cdv_check.model.referentiel import validate

    if not fichier.exists():
        raise CommandFailed(f"« {clean_lines(str(fichier))} » n'existe pas.")
    ref, problems = validate(fichier)
    if ref is None:
        name = clean_lines(str(fichier))
        for p in problems:
            place = f"{name}:{p.line}:{p.column}" if p.line is not None else name
            key = f"{clean_lines(p.key)} : " if p.key else ""
            typer.echo(f"{place}: {key}{clean_lines(p.message)}")
        typer.echo(f"Référentiel invalide : {plural(len(problems), 'erreur')}.")
        raise typer.Exit(1)
    typer.echo("\n".join(clean_lines(line) for line in summary(ref)))


def _school_years(count: int) -> str:
    years = plural(count, "année scolaire", "années scolaires")
    return f", ou pour une action scolaire {years} ({'admise' if count == 1 else 'admises'})."


def summary(ref: Referentiel) -> list[str]:
    """What a valid référentiel defines, in a few French lines."""
    cal, depot = ref.calendrier, ref.depot
    codes = ref.objective_codes()
    tree = "liste plate" if all(axe.leaf for axe in ref.annexe1) else "arbre"
    lines = [
        f"Référentiel valide : {ref.id} (format {ref.format}).",
        f"{ref.appel.titre} — {ref.appel.contrat}.",
        f"QPV : {len(ref.qpv)} dans {plural(len({q.commune for q in ref.qpv}), 'commune')}"
        + ("" if all(q.habitants is not None for q in ref.qpv) else " (sans population pour certains)")
        + ".",
        f"Objectifs : {plural(len(ref.annexe1), 'entrée')} de premier niveau ({tree}), "
        f"{plural(len(codes), 'code')} qu'un dossier peut citer.",
        "Priorités : " + (
            f"{len(ref.priorites)} ({sum(p.qpv is None for p in ref.priorites)} pour tous les QPV)."
            if ref.priorites else "aucune (OBJ03 et OBJ04 ne disent rien)."
        ),
        "Calendrier : "
        + (f"ouverture le {french_date(cal.date_ouverture)}, " if cal.date_ouverture else "")
        + f"date limite le {french_date(cal.date_limite)} ; action du {french_date(cal.annee_action.debut)} "
        f"au {french_date(cal.annee_action.fin)}"
        + (_school_years(len(cal.annees_scolaires)) if cal.annees_scolaires else "."),
        f"Pièces : {len(ref.pieces)} ({join_fr([f'{p.id} {p.regle}' for p in ref.pieces])}).",
        f"Dépôt : {PLATFORMS[depot.plateforme]}"
        + (f" ({depot.saisie_en_ligne})" if depot.saisie_en_ligne else "")
        + (f", envoi à {depot.courriel}" if depot.courriel else "")
        + f" ; formulaire CERFA {depot.cerfa}"
        + (f" ; codes d'accès à demander à {depot.contact_codes_extranet} (PCE09)." if depot.contact_codes_extranet
           else " ; pas de codes d'accès à demander."),
    ]
    bounds = ref.subvention
    if bounds is None:
        lines.append("Subvention : aucune borne (BUD05 ne dit rien).")
    else:
        said = []
        if bounds.part_max_cout_pct is not None:
            said.append(f"au plus {bounds.part_max_cout_pct} % du coût de l'action")
        if bounds.minimum is not None:
            said.append(f"au moins {french_amount(bounds.minimum)}")
        if bounds.maximum is not None:
            said.append(f"au plus {french_amount(bounds.maximum)}")
        lines.append(f"Subvention : {join_fr(said) if said else 'aucune borne'} (BUD05).")
    return lines
