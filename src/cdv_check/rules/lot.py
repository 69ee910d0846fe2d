"""LOT: the batch, checked across the dossiers of one run (reported in the synthesis).

These rules read no dossier alone: they compare the dossiers of a batch of two or more, from what
the synthesis gathered (`core.synthesis.Builder`). They are registered like the others, so that
`cdv-check rules LOT01`, `--select` and `--ignore` know them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from cdv_check.core.findings import Severity
from cdv_check.core.registry import declare
from cdv_check.text.french import join_fr, plural, quoted, shorten

if TYPE_CHECKING:
    from cdv_check.core.synthesis import BatchFinding, Builder, Coverage

_SECTION_SENT = "4 Modalités de dépôt (une demande par action)"
_SECTION_PRIORITIES = "2 Les priorités de l'appel à projets (priorités par QPV)"

declare(
    "LOT01",
    Severity.WARNING,
    section=_SECTION_SENT,
    title="Même action envoyée deux fois",
    explanation="""
    L'appel : « La demande de subvention se fait exclusivement à partir du dossier CERFA
    12156*03 saisi en ligne » (4 Modalités de dépôt) : une action, une demande.

    Ce qui est vérifié : dans un lot de deux dossiers ou plus, deux dossiers du même porteur
    (même SIRET) pour une action de même intitulé (majuscules, accents et espaces mis à part), ou
    deux fichiers qui disent exactement la même chose (commentaires et mise en page mis à part).
    Le constat nomme tous les fichiers concernés. Le premier fichier du groupe, dans l'ordre
    du lot, est le seul compté dans les totaux de la synthèse ; les suivants qui sont prêts ont
    le statut « doublon possible ».

    Exemple refusé :
        # lot/b.yaml ; lot/a.yaml a le même SIRET et l'intitulé « Atelier vélo »
        porteur:
          siret: "44306184100047"
        action:
          intitule: ATELIER  VÉLO

    Correction :
        # lot/b.yaml : une autre action, dite par son intitulé (ou le fichier retiré du lot)
        porteur:
          siret: "44306184100047"
        action:
          intitule: Atelier vélo des vacances d'été

    Que faire : gardez un seul dossier par action (le plus récent) et retirez les autres du lot ;
    si ce sont deux actions différentes, donnez-leur des intitulés qui les distinguent.
    """,
)

declare(
    "LOT02",
    Severity.WARNING,
    section=_SECTION_SENT,
    title="Un SIRET sous deux noms de porteur",
    explanation="""
    L'appel : « Les porteurs de projets de la Politique de la Ville sont des associations, des
    bailleurs, des collectivités territoriales ou des établissements publics » (3.1 Critères
    d'éligibilité) :
    une structure, identifiée par son SIRET, porte ses demandes sous son nom.

    Ce qui est vérifié : dans un lot de deux dossiers ou plus, un même SIRET écrit avec des noms
    de porteur différents (majuscules, accents et espaces mis à part) : une faute de frappe dans
    le SIRET ou dans le nom, ou deux structures qui se sont trompées de SIRET.

    Exemple refusé :
        # lot/b.yaml ; lot/a.yaml donne ce SIRET pour « Fabrique à vélos »
        porteur:
          nom: Maison des jeunes
          siret: "443 061 841 00047"

    Correction :
        # lot/b.yaml, avec le SIRET de la Maison des jeunes
        porteur:
          nom: Maison des jeunes
          siret: "732 829 320 00074"

    Que faire : vérifiez le SIRET de chaque porteur (avis de situation SIRENE) et écrivez le nom
    de la structure de la même façon dans tous ses dossiers.
    """,
)

declare(
    "LOT03",
    Severity.INFO,
    section=_SECTION_PRIORITIES,
    title="Priorité 2016 qu'aucun dossier prêt ne reprend",
    explanation="""
    L'appel : « Lors d'ateliers de travail par quartiers, sur la base des 3 piliers du Contrat de
    Ville, des priorités ont été définies par QPV » (2 Les priorités de l'appel à projets).

    Ce qui est vérifié : dans un lot de deux dossiers ou plus, les priorités 2016 (d'un QPV ou de
    « Tous QPV ») qu'aucun dossier prêt du lot (sans erreur) ne cite dans action.priorites, en un
    constat par QPV qui les nomme toutes. Un conseil pour le comité de programmation, pas un
    défaut d'un dossier.

    Exemple refusé :
        # aucun dossier prêt du lot ne cite cette priorité de Borny
        action:
          quartiers: [Borny]
          priorites: []

    Correction :
        # un dossier prêt qui la reprend
        action:
          quartiers: [Borny]
          priorites: [borny-aide-aux-devoirs]

    Que faire : signalez la priorité aux porteurs des quartiers concernés, ou aidez un dossier à
    corriger qui la reprend à être complété ; la grille des priorités du rapport (html, xlsx) dit
    qui cite quoi.
    """,
)


def _some(files: list[str], most: int = 3) -> str:
    """A few file names between « », and how many more."""
    shown = [quoted(f) for f in files[:most]]
    if len(files) > most:
        shown.append(plural(len(files) - most, "autre"))
    return join_fr(shown)


def batch_findings(builder: Builder) -> Iterator[BatchFinding]:
    """The LOT findings of a batch, from what the synthesis gathered."""
    from cdv_check.core.synthesis import BatchFinding, duplicate_groups

    for why, files, title in duplicate_groups(builder):
        if why == "content":
            message = f"Même dossier envoyé {len(files)} fois : {_some(files, 6)} disent la même chose."
        else:
            message = (
                f"Même action envoyée {len(files)} fois : {_some(files, 6)} ont le même "
                f"SIRET et le même intitulé {quoted(shorten(title or '', 60))}."
            )
        message += f" Seul {quoted(files[0])}, le premier du lot, compte dans les totaux."
        yield BatchFinding(
            "LOT01", Severity.WARNING, message,
            "Gardez un seul dossier par action et retirez les autres du lot ; s'il s'agit de deux "
            "actions différentes, donnez-leur des intitulés qui les distinguent.",
            tuple(files),
        )
    for carrier in builder.carriers.values():
        if carrier.siret is None or not carrier.others:
            continue
        by_name = carrier.files_by_name()
        named = [f"{quoted(shorten(name, 50))} ({_some(by_name[key])})" for key, name in carrier.names.items()]
        named_files = tuple(f for key in carrier.names for f in by_name[key])
        yield BatchFinding(
            "LOT02", Severity.WARNING,
            f"Le SIRET {carrier.siret} est donné sous {plural(len(named), 'nom')} de porteur : "
            f"{join_fr(named)}.",
            "Vérifiez le SIRET de chaque porteur (avis de situation SIRENE) et écrivez le nom de la "
            "structure de la même façon dans tous ses dossiers.",
            named_files,
        )
    uncovered: dict[str, list[Coverage]] = {}
    for coverage in builder.priorities.values():
        if not coverage.ready_files:
            uncovered.setdefault(coverage.qpv_label, []).append(coverage)
    for label, coverages in uncovered.items():
        listed = join_fr([
            c.id + (f" (citée par {plural(len(c.files), 'dossier')} à corriger)" if c.files else "")
            for c in coverages
        ])
        yield BatchFinding(
            "LOT03", Severity.INFO,
            f"{label} : {plural(len(coverages), 'priorité')} 2016 qu'aucun dossier prêt du lot ne "
            f"reprend : {listed}.",
            "Pour le comité : signalez-les aux porteurs des quartiers concernés, ou aidez un dossier "
            "qui les cite à être complété (leur texte : cdv-check qpv).",
        )
