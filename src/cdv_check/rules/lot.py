"""LOT: the batch, checked across the dossiers of one run.

These rules read no dossier alone: they compare the dossiers of a batch of two or more, from what
the synthesis gathered (`core.synthesis.Builder`), in the engine's second pass. They are ordinary
registered rules (`batch=True`): `cdv-check rules LOT01`, `--select`, `--ignore` and
`--min-severity` treat them as the others, and their findings are the same `Finding`, naming the
files they concern (`files`) and placed nowhere in a file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from cdv_check.core.findings import Issue, Severity
from cdv_check.core.registry import BatchContext, rule
from cdv_check.text.french import join_fr, plural, quoted, shorten
from cdv_check.text.words import priorities

if TYPE_CHECKING:
    from cdv_check.core.synthesis import Builder, Coverage

_SECTION_SENT = "Modalités de dépôt (une demande par action)"
_SECTION_PRIORITIES = "Priorités de l'appel (par QPV)"


def _some(files: list[str], most: int = 3, count: int | None = None) -> str:
    """A few file names between « », and how many more (of `count`, when only the first few of
    them are kept)."""
    total = len(files) if count is None else count
    shown = [quoted(f) for f in files[:most]]
    if total > most:
        shown.append(plural(total - most, "autre"))
    return join_fr(shown)


def duplicate_groups(builder: Builder) -> Iterator[tuple[str, list[str], str | None]]:
    """Groups of dossiers sent twice: (why, files, title); a group of the same content is not
    reported again as the same SIRET and title."""
    content_groups = list(builder.same_content.values())
    for files in content_groups:
        yield "content", files, None
    for key, files in builder.same_title.items():
        if any(set(files) <= set(group) for group in content_groups):
            continue
        yield "title", files, builder.titles.get(key)


@rule("LOT01", Severity.WARNING,
      section=_SECTION_SENT, title="Même action envoyée deux fois",
      batch=True)
def same_action(ctx: BatchContext) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

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
    """
    for why, files, title in duplicate_groups(ctx.batch):
        if why == "content":
            message = f"Même dossier envoyé {len(files)} fois : {_some(files, 6)} disent la même chose."
        else:
            message = (
                f"Même action envoyée {len(files)} fois : {_some(files, 6)} ont le même "
                f"SIRET et le même intitulé {quoted(shorten(title or '', 60))}."
            )
        message += f" Seul {quoted(files[0])}, le premier du lot, compte dans les totaux."
        yield Issue(
            message,
            "Gardez un seul dossier par action et retirez les autres du lot ; s'il s'agit de deux "
            "actions différentes, donnez-leur des intitulés qui les distinguent.",
            files=tuple(files),
        )


@rule("LOT02", Severity.WARNING,
      section=_SECTION_SENT, title="Un SIRET sous deux noms de porteur",
      batch=True)
def one_siret_two_names(ctx: BatchContext) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

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
    """
    for carrier in ctx.batch.carriers.values():
        if carrier.siret is None or len(carrier.names_seen) < 2:
            continue
        seen = carrier.names_seen.values()
        named = [f"{quoted(shorten(n.name, 50))} ({_some(n.files, count=n.count)})" for n in seen]
        named_files = tuple(f for n in seen for f in n.files)
        yield Issue(
            f"Le SIRET {carrier.siret} est donné sous {plural(len(named), 'nom')} de porteur : "
            f"{join_fr(named)}.",
            "Vérifiez le SIRET de chaque porteur (avis de situation SIRENE) et écrivez le nom de la "
            "structure de la même façon dans tous ses dossiers.",
            files=named_files,
        )


@rule("LOT03", Severity.INFO,
      section=_SECTION_PRIORITIES, title="{{Priorite}} qu'aucun dossier prêt ne reprend",
      batch=True)
def uncovered_priorities(ctx: BatchContext) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : dans un lot de deux dossiers ou plus, les {{priorites}} (d'un QPV ou de
    « Tous QPV ») qu'aucun dossier prêt du lot (sans erreur) ne cite dans action.priorites, en un
    constat par QPV qui les nomme toutes. Un conseil pour le comité de programmation, pas un
    défaut d'un dossier. Il n'est donné que sur le programme entier (un dossier ou un motif) :
    pas sur une liste de fichiers (pre-commit, fichiers changés d'un diff).

    Exemple refusé :
        # aucun dossier prêt du lot ne cite cette priorité de {{qpv_a}}
        action:
          quartiers: [{{qpv_a}}]
          priorites: []

    Correction :
        # un dossier prêt qui la reprend
        action:
          quartiers: [{{qpv_a}}]
          priorites: [{{priorite_a}}]

    Que faire : signalez la priorité aux porteurs des quartiers concernés, ou aidez un dossier à
    corriger qui la reprend à être complété ; la grille des priorités du rapport (html, xlsx) dit
    qui cite quoi.
    """
    if not ctx.whole:  # a list of files (pre-commit, a diff): not the whole programme
        return
    uncovered: dict[str, list[Coverage]] = {}
    for coverage in ctx.batch.priorities.values():
        if not coverage.prets:
            uncovered.setdefault(coverage.qpv_label, []).append(coverage)
    for label, coverages in uncovered.items():
        listed = join_fr([
            c.id + (f" (citée par {plural(c.dossiers, 'dossier')} à corriger)" if c.dossiers else "")
            for c in coverages
        ])
        yield Issue(
            f"{label} : {len(coverages)} {priorities(ctx.ref, plural=len(coverages) > 1)} qu'aucun "
            f"dossier prêt du lot ne reprend : {listed}.",
            "Pour le comité : signalez-les aux porteurs des quartiers concernés, ou aidez un dossier "
            "qui les cite à être complété (leur texte : cdv-check qpv).",
        )
