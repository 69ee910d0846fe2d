"""Funders: a product line names one of the référentiel's funders (id or name, case and accents
aside); an unknown one is BUD04 with « vouliez-vous dire »; the synthesis totals requests per
funder, per funder × QPV and per funder × axis, each column adding up to the grand total."""

from __future__ import annotations

import csv
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cdv_check.model.referentiel import load
from conftest import EXAMPLES
from mixed_batch import run

GOOD = EXAMPLES / "nouvelle-action" / "dossier.yaml"


def amount(text: str | None) -> Decimal:
    return Decimal(text) if text is not None else Decimal(0)


def report(*args: str) -> dict[str, Any]:
    result = run("--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def written(tmp_path: Path, name: str, old: str, new: str) -> str:
    folder = tmp_path / name
    shutil.copytree(GOOD.parent, folder)
    text = GOOD.read_text(encoding="utf-8")
    assert text.count(old) == 1
    (folder / "dossier.yaml").write_text(text.replace(old, new), encoding="utf-8")
    return str(folder / "dossier.yaml")


def test_a_funder_is_named_by_id_or_name_whatever_the_case_and_accents() -> None:
    ref = load()
    assert ref.financeur_by_spelling("ÉTAT") is ref.financeur_by_spelling("etat") is not None
    assert ref.financeur_by_spelling("  ville  de METZ ") is ref.financeur_by_spelling("ville-de-metz")
    assert ref.financeur_by_spelling("Mairie de Nancy") is None


def test_the_example_asks_4000_of_the_state_and_3000_of_the_city() -> None:
    [dossier] = report(str(GOOD))["dossiers"]
    assert dossier["dossier"]["financeurs"] == {"etat": "4000.00", "ville-de-metz": "3000.00"}
    assert dossier["passed"] is True


def test_an_unknown_funder_is_bud04_with_the_closest(tmp_path: Path) -> None:
    path = written(tmp_path, "faute", "financeur: Ville de Metz}", "financeur: Vile de Mets}")
    [dossier] = report(path)["dossiers"]
    [bud04] = [f for f in dossier["findings"] if f["rule"] == "BUD04"]
    assert bud04["severity"] == "error" and bud04["path"] == "budget.produits[1].financeur"
    assert "Financeur « Vile de Mets » inconnu du référentiel : vouliez-vous dire « ville-de-metz »" in bud04["message"]
    assert dossier["dossier"]["financeurs"] == {"etat": "4000.00", "non_precise": "3000.00"}


def test_a_funder_on_a_charge_is_bud04(tmp_path: Path) -> None:
    path = written(tmp_path, "charge", "    - {compte: \"60\"", "    - {financeur: etat, compte: \"60\"")
    [dossier] = report(path)["dossiers"]
    assert any(f["rule"] == "BUD04" and "ligne de charges" in f["message"] for f in dossier["findings"])


def test_lines_without_funder_are_not_specified_and_stay_valid(tmp_path: Path) -> None:
    path = written(tmp_path, "sans", "financeur: Ville de Metz}", "}")
    [dossier] = report(path)["dossiers"]
    assert dossier["passed"] is True
    assert dossier["dossier"]["financeurs"] == {"etat": "4000.00", "non_precise": "3000.00"}


def test_last_years_amount_of_a_renewal(tmp_path: Path) -> None:
    path = written(tmp_path, "renouv", "  subvention_demandee: 7 000\n",
                   "  subvention_demandee: 7 000\n  subvention_precedente: 6 500\n")
    [dossier] = report(path)["dossiers"]
    assert dossier["dossier"]["subvention_precedente"] == "6500.00" and dossier["passed"] is True


@pytest.mark.usefixtures("mixed_batch")
def test_every_funder_column_adds_up_to_the_grand_total() -> None:
    full = report("lot")
    synthese = full["synthese"]
    grand = amount(synthese["totaux"]["tous"]["subvention_demandee"])
    grand_ready = amount(synthese["totaux"]["prets"]["subvention_demandee"])
    funders = synthese["par_financeur"]
    assert sum(amount(r["subvention_demandee"]) for r in funders) == grand
    assert sum(amount(r["subvention_prets"]) for r in funders) == grand_ready
    # Recomputed from the dossiers' own objects: doublons aside, each funder's amounts summed.
    counted = [d["dossier"] for d in full["dossiers"] if d["dossier"]["statut"] != "doublon"]
    for row in funders:
        expected = sum((amount(d["financeurs"].get(row["cle"])) for d in counted), Decimal(0))
        assert amount(row["subvention_demandee"]) == expected, row["cle"]
    by_key = {r["cle"]: r for r in funders}
    for crossed, rows_key in (("par_financeur_qpv", "par_qpv"),
                              ("par_financeur_axe_strategique", "par_axe_strategique")):
        for funder in synthese[crossed]:
            total = sum(amount(r["subvention_demandee"]) for r in funder[rows_key])
            assert total == amount(by_key[funder["cle"]]["subvention_demandee"]), (crossed, funder["cle"])
    assert {r["cle"] for r in funders} == {f.id for f in load().financeurs} | {"non_precise"}


@pytest.mark.usefixtures("own_mixed_batch")
def test_csv_has_one_column_per_funder_adding_up_to_the_request() -> None:
    result = run("--output", "rapport.csv", "lot")
    assert result.exit_code == 1
    rows = list(csv.DictReader(io.StringIO(Path("rapport.csv").read_bytes().decode("utf-8-sig")), delimiter=";"))
    funder_columns = [f"Demandé à {f.nom}" for f in load().financeurs] + ["Financeur non précisé"]
    assert all(c in rows[0] for c in funder_columns)

    def number(text: str) -> Decimal:
        return Decimal(text.replace(",", ".")) if text else Decimal(0)

    for row in rows:
        if row["Subvention demandée"]:
            assert sum(number(row[c]) for c in funder_columns) == number(row["Subvention demandée"]), row["Fichier"]
    good = next(r for r in rows if r["Fichier"] == "lot/a-atelier/dossier.yaml")
    assert good["SIRET"] == "443 061 841 00047"  # grouped as INSEE prints it: kept as text
    assert good["Demandé à État - politique de la ville"] == "4000,00"
    assert good["Objectifs (libellés)"].startswith("2.1.2 ")
