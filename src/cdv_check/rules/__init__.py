"""The rules of the call, one module per part of it; importing this package registers them all.

`TABLE` lists every rule by ID with the function that checks it (`module.function`, in this
package), or only the module that declares it when its findings come from reading the file (the
SCH rules: `reading/loading.py`, `core/checker.py` and `model/placeholders.py` find them). The
LOT rules are checks like the others, whose context is the batch's synthesis (`batch=True`,
run once per run after the dossiers). Severities,
titles and explanations are in the registry: `cdv-check rules` and `cdv-check rules ID` show them.
A test checks that this table and the registry agree: a new rule gets its line here.
"""

from __future__ import annotations

from cdv_check.rules import (  # noqa: F401  (importing a module registers its rules)
    budget,
    eligibilite,
    examen,
    identifiants,
    lot,
    objectifs,
    pieces,
    pieces_fichiers,
    schema,
)

TABLE: dict[str, str] = {
    # Lecture du fichier (format du dossier): found while reading and modelling the file.
    "SCH01": "schema",  # unreadable file
    "SCH02": "schema",  # YAML or JSON syntax
    "SCH03": "schema",  # required key absent or blank
    "SCH04": "schema",  # value of the wrong type or form
    "SCH05": "schema",  # unknown key
    "SCH06": "schema",  # duplicate key
    "SCH07": "schema",  # safety limit
    "SCH08": "schema",  # not UTF-8
    "SCH09": "schema",  # placeholder text
    "SCH10": "schema",  # what was typed is not what is read
    # Éligibilité (3.1).
    "ELG01": "eligibilite.carrier_status",
    "ELG02": "eligibilite.qpv_beneficiaries",
    "ELG03": "eligibilite.qpv_known",
    "ELG04": "eligibilite.objectives_known",
    "ELG05": "eligibilite.need_described",
    "ELG06": "eligibilite.deadline",
    # Examen du dossier (3.2).
    "EXA01": "examen.action_dates",
    "EXA02": "examen.evaluation",
    "EXA03": "examen.renewal_link",
    "EXA04": "examen.partners",
    # Pièces (3.2 and 4).
    "PCE01": "pieces.cerfa_present",
    "PCE02": "pieces.fiche_synthese_present",
    "PCE03": "pieces.rib_present",
    "PCE04": "pieces.rapport_activite_present",
    "PCE05": "pieces.statuts_present",
    "PCE06": "pieces.bilan_present",
    "PCE07": "pieces.piece_files",
    "PCE08": "pieces.cerfa_is_pdf",
    "PCE09": "pieces.extranet_codes",
    "PCE10": "pieces_fichiers.same_file",
    "PCE11": "pieces_fichiers.form_number",
    # Objectifs et priorités.
    "OBJ01": "objectifs.finer_objectives",
    "OBJ02": "objectifs.transversal_axes",
    "OBJ03": "objectifs.priorities_known",
    "OBJ04": "objectifs.priority_ideas",
    # Budget prévisionnel (the request form).
    "BUD01": "budget.balanced",
    "BUD02": "budget.in_kind_balanced",
    "BUD03": "budget.requested_consistent",
    "BUD04": "budget.accounts_valid",
    "BUD05": "budget.requested_within_bounds",  # only where the référentiel states bounds
    # Identification du porteur (the request form).
    "IDN01": "identifiants.siret_valid",
    "IDN02": "identifiants.rna_valid",
    "IDN03": "identifiants.emails_valid",
    "IDN04": "identifiants.phones_french",
    # Le lot (the batch): checked across the dossiers of one run, from the synthesis.
    "LOT01": "lot.same_action",
    "LOT02": "lot.one_siret_two_names",
    "LOT03": "lot.uncovered_priorities",
}
