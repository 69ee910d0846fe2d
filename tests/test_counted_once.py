"""A LOT01 group counts once in every total, whatever the status of its later files: a copy still
« à corriger » is listed as such, marked « non » in « Compté dans les totaux », left out of the
committee's sheet, and summed by no formula; the library says what the command says."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import cdv_check
from cdv_check.cli.app import app
from conftest import EXAMPLES, TODAY
from mixed_batch import _copy

GOOD = EXAMPLES / "nouvelle-action"
TITLE = "  intitule: Atelier couture, premier pas vers l'emploi\n"
FILES = ["lot/a-premier/dossier.yaml", "lot/b-meme-action-a-corriger/dossier.yaml",
         "lot/c-autre-action/dossier.yaml", "lot/d-copie-de-c/dossier.yaml"]


@pytest.fixture(scope="module")
def lot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("groupe")
    (root / "lot").mkdir()
    _copy(GOOD, root / "lot" / "a-premier")
    # The same action (same SIRET, same title), sent again with an error (ELG02).
    _copy(GOOD, root / "lot" / "b-meme-action-a-corriger", {"beneficiaires_qpv: 22": "beneficiaires_qpv: 30"})
    other = {TITLE: "  intitule: Atelier vélo du samedi\n"}
    _copy(GOOD, root / "lot" / "c-autre-action", other)
    _copy(GOOD, root / "lot" / "d-copie-de-c", {**other, "# Exemple": "# Envoyé deux fois. Exemple"})
    return root


def cdv(root: Path, *args: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(root)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return CliRunner().invoke(app, ["check", "--jobs", "1", "--date-depot", "2016-01-06", *args, "lot"])


def test_the_report_counts_the_group_once_and_keeps_each_status(lot: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = json.loads(cdv(lot, "--format", "json", monkeypatch=monkeypatch).stdout)
    assert [(d["file"], d["dossier"]["statut"]) for d in report["dossiers"]] == [
        (FILES[0], "pret"), (FILES[1], "a_corriger"), (FILES[2], "pret"), (FILES[3], "doublon")]
    assert report["synthese"]["totaux"]["tous"]["subvention_demandee"] == "14000.00"  # a and c, 7 000 € each


def test_csv_says_which_rows_the_totals_count(lot: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = cdv(lot, "--format", "csv", monkeypatch=monkeypatch).stdout
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert [(r["Fichier"], r["Statut"], r["Compté dans les totaux"]) for r in rows] == [
        (FILES[0], "prêt", "oui"), (FILES[1], "à corriger", "non"), (FILES[2], "prêt", "oui"),
        (FILES[3], "doublon possible", "non")]


def test_the_workbook_total_is_the_report_s(lot: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    assert cdv(lot, "--output", "rapport.xlsx", monkeypatch=monkeypatch).exit_code == 1
    sheet = load_workbook(lot / "rapport.xlsx")["Demandes"]
    header = [str(c.value) for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2, max_row=5)]
    total = dict(zip(header, (c.value for c in sheet[7]), strict=True))
    # The formula, evaluated as a spreadsheet would: =SUMIF(counted, "oui", amounts).
    match = re.fullmatch(r'=SUMIF\(([A-Z]+)2:\1(5),"oui",([A-Z]+)2:\3\2\)', str(total["Subvention demandée"]))
    assert match is not None
    column_of = {get_column_letter(n): title for n, title in enumerate(header, start=1)}
    counted, amounts = column_of[match[1]], column_of[match[3]]
    assert (counted, amounts) == ("Compté dans les totaux", "Subvention demandée")
    assert sum(Decimal(str(r[amounts])) for r in rows if r[counted] == "oui") == Decimal(14000)


def test_the_committee_sheet_lists_each_action_once(lot: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cdv(lot, "--output", "rapport.html", monkeypatch=monkeypatch).exit_code == 1
    page = (lot / "rapport.html").read_text(encoding="utf-8")
    table = page[page.index('id="table-comite"'):]
    table = table[:table.index("</table>")]
    body, foot = table.split("<tfoot>")
    requests = page[page.index('id="table-demandes"'):page.index('id="comite"')]
    assert re.findall(r'<tr class="[a-z_]+" data-fichier="([^"]+)">(?:(?!</tr>).)*\(non compté\)', requests, re.S) == [
        FILES[1], FILES[3]]
    assert re.findall(r'<tbody class="[a-z_]+" data-fichier="([^"]+)"', body) == [FILES[0], FILES[2]]
    lines = sum(Decimal(amount) for amount in re.findall(r'data-demande="([0-9.]+)"', body))
    grand = re.search(r'class="total-general">.*?data-demande="([0-9.]+)"', foot, re.S)
    assert grand is not None and lines == Decimal(grand[1]) == Decimal(14000)


def test_the_library_gives_the_batch_statuses_of_the_command(lot: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    command = json.loads(cdv(lot, "--format", "json", monkeypatch=monkeypatch).stdout)
    batch = cdv_check.check_batch(["lot"], today=TODAY, deposit_date=date(2016, 1, 6))
    assert [(r.statut, r.counted) for r in batch.dossiers] == [
        ("pret", True), ("a_corriger", False), ("pret", True), ("doublon", False)]
    assert batch.to_json() == command
