"""The table of requests, one row per dossier: the columns shared by csv, xlsx and html.

Every value comes from the synthesis (`Demande`, the dossier's status and counts); the formats
only write it their way (French text for csv, typed cells for xlsx, escaped HTML).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from cdv_check.core.synthesis import STATUS_LABELS, UNSPECIFIED_LABEL
from cdv_check.model.derived import per_referentiel
from cdv_check.model.dossier import siret_grouped

if TYPE_CHECKING:
    from cdv_check.core.checker import DossierResult
    from cdv_check.core.synthesis import Synthesis
    from cdv_check.model.referentiel import Referentiel

Cell = str | int | Decimal | date | bool | None

COLUMNS: tuple[str, ...] = (
    "Fichier", "Statut", "Porteur", "Sigle", "SIRET", "Statut du porteur", "Intitulé",
    "Action nouvelle", "QPV", "Objectifs", "Axes stratégiques", "Axes transversaux",
    "Priorités", "Début", "Fin", "Bénéficiaires", "dont habitants des QPV", "Coût total",
    "Contributions en nature", "Subvention demandée", "Date de dépôt", "Erreurs",
    "Avertissements", "Conseils", "Constats du lot",
)
"""The table's columns; « Priorités » is named as the référentiel names them (`columns`)."""


AMOUNT_COLUMNS = frozenset({"Coût total", "Contributions en nature", "Subvention demandée"})
COUNTED_COLUMN = "Compté dans les totaux"
"""« non » for a later file of a LOT01 group: the action is counted once, by the group's first file."""
LABELS_COLUMN = "Objectifs (libellés)"
PREVIOUS_COLUMN = "Subvention de l'an dernier"
PIECES_COLUMN = "Pièces jointes"
FUNDER_PREFIX = "Demandé à "


def funder_columns(ref: Referentiel) -> tuple[str, ...]:
    """One column per funder of the référentiel, and one for what names none."""
    return (*(FUNDER_PREFIX + f.nom for f in ref.financeurs), UNSPECIFIED_LABEL)


def columns(ref: Referentiel) -> tuple[str, ...]:
    """The table's columns: COLUMNS, then whether the totals count the row, the objectives'
    labels, the pieces attached (name, size, PDF pages), last year's amount of a renewal,
    and the amount asked of each funder (they add up to « Subvention demandée »)."""
    from cdv_check.text.words import priorities

    named = (priorities(ref, capital=True) if c == "Priorités" else c for c in COLUMNS)  # with the qualifier
    return (*named, COUNTED_COLUMN, LABELS_COLUMN, PIECES_COLUMN, PREVIOUS_COLUMN, *funder_columns(ref))


def amount_columns(ref: Referentiel) -> frozenset[str]:
    return AMOUNT_COLUMNS | {PREVIOUS_COLUMN, *funder_columns(ref)}


DATE_COLUMNS = frozenset({"Début", "Fin", "Date de dépôt"})
COUNT_COLUMNS = frozenset({"Bénéficiaires", "dont habitants des QPV", "Erreurs", "Avertissements", "Conseils"})


@dataclass(frozen=True, slots=True)
class Row:
    """One dossier of the table (what its report line needs, not the whole result)."""

    file: str
    statut: str
    cells: tuple[Cell, ...]
    """The values of COLUMNS but the last (the batch findings, known at the end)."""
    extras: tuple[Cell, ...] = ()
    """The values of the columns after COLUMNS (see `columns`)."""

    def values(self, batch: Mapping[str, str]) -> tuple[Cell, ...]:
        """Its cells, its « Constats du lot » taken from `batch` (`batch_rules`)."""
        return (*self.cells, batch.get(self.file), *self.extras)


def batch_rules(synthesis: Synthesis) -> dict[str, str]:
    """The « Constats du lot » cell of each file the batch findings name: their rules, sorted
    (« LOT01, LOT02 »); worked out once for the whole table."""
    rules: dict[str, set[str]] = {}
    for finding in synthesis.findings:
        for file in finding.files:
            rules.setdefault(file, set()).add(finding.rule)
    return {file: ", ".join(sorted(found)) for file, found in rules.items()}


def _piece(name: str, size: int | None, pages: int | None) -> str:
    """« rib.pdf (605 octets) », « cerfa.pdf (12 Ko, 3 pages) »."""
    facts = []
    if size is not None:
        facts.append(f"{size} octets" if size < 1024 else f"{size // 1024} Ko")
    if pages is not None:
        facts.append(f"{pages} page" + ("s" if pages > 1 else ""))
    return f"{name} ({', '.join(facts)})" if facts else name


def _label_of_code(ref: Referentiel) -> dict[str, str]:
    """Code → label of every coded level of the Annexe 1 tree (axes and objectives alike), the
    label shown beside a code in the table (`per_referentiel`)."""
    from cdv_check.model.referentiel import walk

    return {p.code: p.libelle for p in walk(ref.annexe1) if p.code is not None}


def row_of(result: DossierResult, ref: Referentiel) -> Row:
    d = result.demande
    counts = result.counts()
    names = {q.slug: q.nom for q in ref.qpv}
    cells: tuple[Cell, ...] = (
        result.file,
        STATUS_LABELS[result.statut],
        d.porteur_nom,
        d.porteur_sigle,
        siret_grouped(d.siret) if d.siret else None,  # as INSEE prints it: a spreadsheet keeps it as text
        d.porteur_statut,
        d.intitule,
        d.nouvelle,
        ", ".join(names.get(slug, slug) for slug in d.quartiers) or None,
        ", ".join(d.objectifs) or None,
        ", ".join(d.axes_strategiques) or None,
        ", ".join(d.axes_transversaux) or None,
        ", ".join(d.priorites) or None,
        d.debut,
        d.fin,
        d.beneficiaires,
        d.beneficiaires_qpv,
        d.cout_total,
        d.contributions_nature,
        d.subvention_demandee,
        d.date_depot,
        counts["error"],
        counts["warning"],
        counts["info"],
    )
    asked = dict(d.financeurs)
    labels = per_referentiel(ref, _label_of_code) if d.objectifs else {}
    extras: tuple[Cell, ...] = (
        result.counted,
        " ; ".join(f"{code} {labels[code]}" if code in labels else code for code in d.objectifs) or None,
        " ; ".join(_piece(name, size, pages) for _, name, size, pages in d.pieces) or None,
        d.subvention_precedente,
        *(asked.get(f.id) for f in ref.financeurs),
        asked.get(None),
    )
    return Row(result.file, result.statut, cells, extras)
