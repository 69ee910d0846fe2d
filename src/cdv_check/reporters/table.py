"""The table of requests, one row per dossier: the columns shared by csv, xlsx and html.

Every value comes from the synthesis (`Demande`, the dossier's status and counts); the formats
only write it their way (French text for csv, typed cells for xlsx, escaped HTML).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from cdv_check.core.synthesis import STATUS_LABELS

if TYPE_CHECKING:
    from cdv_check.core.checker import DossierResult
    from cdv_check.core.synthesis import Synthesis
    from cdv_check.model.referentiel import Referentiel

Cell = str | int | Decimal | date | bool | None

COLUMNS: tuple[str, ...] = (
    "Fichier", "Statut", "Porteur", "Sigle", "SIRET", "Statut du porteur", "Intitulé",
    "Action nouvelle", "QPV", "Objectifs", "Axes stratégiques", "Axes transversaux",
    "Priorités 2016", "Début", "Fin", "Bénéficiaires", "dont habitants des QPV", "Coût total",
    "Contributions en nature", "Subvention demandée", "Date de dépôt", "Erreurs",
    "Avertissements", "Conseils", "Constats du lot",
)
AMOUNT_COLUMNS = frozenset({"Coût total", "Contributions en nature", "Subvention demandée"})
DATE_COLUMNS = frozenset({"Début", "Fin", "Date de dépôt"})
COUNT_COLUMNS = frozenset({"Bénéficiaires", "dont habitants des QPV", "Erreurs", "Avertissements", "Conseils"})


@dataclass(frozen=True, slots=True)
class Row:
    """One dossier of the table (what its report line needs, not the whole result)."""

    file: str
    statut: str
    cells: tuple[Cell, ...]
    """The values of COLUMNS but the last (the batch findings, known at the end)."""

    def values(self, synthesis: Synthesis) -> tuple[Cell, ...]:
        rules = sorted({f.rule for f in synthesis.findings_about(self.file)})
        return (*self.cells, ", ".join(rules) or None)


def row_of(result: DossierResult, ref: Referentiel) -> Row:
    d = result.demande
    counts = result.counts()
    names = {q.slug: q.nom for q in ref.qpv}
    cells: tuple[Cell, ...] = (
        result.file,
        STATUS_LABELS[result.statut],
        d.porteur_nom,
        d.porteur_sigle,
        d.siret,
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
    return Row(result.file, result.statut, cells)
