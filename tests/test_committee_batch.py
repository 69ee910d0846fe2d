"""The batch of issue 18, as a referent meets it: 42 requests over the six QPV, requests of several
QPV, renewals, five broken, two duplicates and two unreadable files. Every total is recomputed here
from what the test wrote (never from the report), and every format is read back: json, csv (csv
module), xlsx (openpyxl, its formulas checked), html (parsed)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cdv_check.cli.app import app
from cdv_check.model.referentiel import load
from conftest import EXAMPLES

GOOD = EXAMPLES / "nouvelle-action"
RENEWAL = EXAMPLES / "renouvellement-scolaire"
QPV = [q.nom for q in load().qpv]
CITY_FUNDERS = ["Ville de Metz", "metz-metropole", "VILLE DE WOIPPY", "caf"]
FUNDER_IDS = {"Ville de Metz": "ville-de-metz", "metz-metropole": "metz-metropole",
              "VILLE DE WOIPPY": "ville-de-woippy", "caf": "caf"}


@dataclass
class Expected:
    """What the test wrote: per counted file, its status, amount, QPV and funders' amounts."""

    files: list[str] = field(default_factory=list)
    ready: dict[str, Decimal] = field(default_factory=dict)
    to_fix: dict[str, Decimal] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)
    doubles: list[str] = field(default_factory=list)
    qpv: dict[str, list[str]] = field(default_factory=dict)
    funders: dict[str, dict[str, Decimal]] = field(default_factory=dict)


def _write(source: Path, target: Path, edits: list[tuple[str, str]]) -> None:
    shutil.copytree(source, target)
    path = target / "dossier.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def make_programme(root: Path) -> Expected:
    expected = Expected()
    lot = root / "programme"
    lot.mkdir()
    for n in range(28):  # new actions, ready: each QPV, some in two or three
        names = [QPV[n % 6]] + ([QPV[(n + 1) % 6]] if n % 4 == 0 else []) + ([QPV[(n + 3) % 6]] if n % 9 == 0 else [])
        state, city = 4000 + 100 * (n % 10), 3000 - 100 * (n % 10)
        city_funder = CITY_FUNDERS[n % 4]
        name = f"{n:02d}-action"
        _write(GOOD, lot / name, [
            ("  intitule: Atelier couture, premier pas vers l'emploi\n", f"  intitule: Action numéro {n}\n"),
            ("quartiers: [Bellecroix]", f"quartiers: [{', '.join(names)}]"),
            ("priorites: [bellecroix-emploi-femmes]", "priorites: []"),
            ("montant: 4 000, politique_de_la_ville: oui, financeur: etat",
             f"montant: {state}, politique_de_la_ville: oui, financeur: etat"),
            ("montant: 3 000, politique_de_la_ville: oui, financeur: Ville de Metz",
             f"montant: {city}, politique_de_la_ville: oui, financeur: {city_funder}"),
        ])
        file = f"programme/{name}/dossier.yaml"
        expected.ready[file] = Decimal(7000)
        expected.qpv[file] = names
        expected.funders[file] = {"etat": Decimal(state), FUNDER_IDS[city_funder]: Decimal(city)}
    for n in range(5):  # renewals, ready, with last year's amount; asked of the State, no funder named
        name = f"30-renouvellement-{n}"
        _write(RENEWAL, lot / name, [
            ("  intitule: Aide aux devoirs Michelet-Bergson\n", f"  intitule: Aide aux devoirs, groupe {n}\n"),
            ("  subvention_demandee: 4000\n", f"  subvention_demandee: 4000\n  subvention_precedente: {3500 + n}\n"),
        ])
        file = f"programme/{name}/dossier.yaml"
        expected.ready[file] = Decimal(4000)
        expected.qpv[file] = ["Borny"]
        expected.funders[file] = {"non_precise": Decimal(4000)}
    for n in range(5):  # broken: more QPV residents than people reached (ELG02, an error)
        name = f"40-a-corriger-{n}"
        _write(GOOD, lot / name, [
            ("  intitule: Atelier couture, premier pas vers l'emploi\n", f"  intitule: Action à corriger {n}\n"),
            ("beneficiaires_qpv: 22", "beneficiaires_qpv: 30"),
        ])
        file = f"programme/{name}/dossier.yaml"
        expected.to_fix[file] = Decimal(7000)
        expected.qpv[file] = ["Bellecroix"]
        expected.funders[file] = {"etat": Decimal(4000), "ville-de-metz": Decimal(3000)}
    for n in (0, 1):  # the same dossier sent again, differently commented: counted once
        name = f"50-copie-{n}"
        _write(lot / f"0{n}-action", lot / name, [("# Exemple", "# Envoyé une seconde fois. Exemple")])
        expected.doubles.append(f"programme/{name}/dossier.yaml")
    for n in (0, 1):
        (lot / f"60-illisible-{n}.yaml").write_bytes(b"\x00\xff\x00 pas un dossier")
        expected.unreadable.append(f"programme/60-illisible-{n}.yaml")
    expected.files = sorted([*expected.ready, *expected.to_fix, *expected.doubles, *expected.unreadable])
    return expected


@pytest.fixture
def programme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Expected:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return make_programme(tmp_path)


def cdv(*args: str) -> Any:
    return CliRunner().invoke(app, ["check", "--date-depot", "2016-01-06", *args, "programme"])


def money(value: Any) -> Decimal:
    if value in (None, ""):
        return Decimal(0)
    return Decimal(str(value).replace(",", ".").replace("\u202f", "").replace(" ", "").rstrip("€"))


def test_the_json_totals_are_the_recomputed_ones(programme: Expected) -> None:
    result = cdv("--format", "json")
    assert result.exit_code == 1  # five broken, two unreadable
    report = json.loads(result.stdout)
    dossiers = {d["file"]: d for d in report["dossiers"]}
    assert len(dossiers) == 42 and sorted(dossiers) == programme.files
    statuses = {file: d["dossier"]["statut"] for file, d in dossiers.items()}
    assert {f for f, s in statuses.items() if s == "doublon"} == set(programme.doubles)
    assert {f for f, s in statuses.items() if s == "illisible"} == set(programme.unreadable)
    assert {f for f, s in statuses.items() if s == "a_corriger"} == set(programme.to_fix)
    assert {f for f, s in statuses.items() if s == "pret"} == set(programme.ready)
    assert all(d["passed"] is (statuses[f] in ("pret", "doublon")) for f, d in dossiers.items())
    synthese = report["synthese"]
    every = sum(programme.ready.values()) + sum(programme.to_fix.values())
    ready = sum(programme.ready.values())
    tous = synthese["totaux"]["tous"]
    # 42 files, the two copies counted in no total: 40 requests, two of them of unknown amount.
    assert (tous["dossiers"], tous["subvention_demandee"], tous["sans_montant"]) == (40, f"{every:.2f}", 2)
    assert synthese["totaux"]["prets"]["dossiers"] == 33
    assert Decimal(synthese["totaux"]["prets"]["subvention_demandee"]) == ready == Decimal(28 * 7000 + 5 * 4000)
    assert report["summary"]["passed"] == 35 and synthese["statuts"] == {
        "pret": 33, "a_corriger": 5, "illisible": 2, "doublon": 2}
    # Per QPV: a request of several QPV split in equal shares; the column adds up to the total.
    names = {q.nom: q.slug for q in load().qpv}
    by_qpv = {r["cle"]: r for r in synthese["par_qpv"]}
    for nom, slug in names.items():
        claiming = [f for f, qpv in programme.qpv.items() if nom in qpv]
        assert by_qpv[slug]["dossiers"] == len(claiming), nom
        exact = sum((programme.ready.get(f, programme.to_fix.get(f, Decimal(0))) / len(programme.qpv[f])
                     for f in claiming), Decimal(0))
        assert abs(Decimal(by_qpv[slug]["subvention_demandee"]) - exact) <= Decimal("0.01") * len(claiming)
    assert sum(Decimal(r["subvention_demandee"]) for r in synthese["par_qpv"]) == every
    # Per funder: what the test named, each column adding up to the grand total.
    funders = {r["cle"]: Decimal(r["subvention_demandee"]) for r in synthese["par_financeur"]}
    for key, total in funders.items():
        assert total == sum((f.get(key, Decimal(0)) for f in programme.funders.values()), Decimal(0)), key
    assert sum(funders.values()) == every
    for crossed in synthese["par_financeur_qpv"]:
        assert sum(Decimal(r["subvention_demandee"]) for r in crossed["par_qpv"]) == funders[crossed["cle"]]
    renewal = dossiers["programme/30-renouvellement-2/dossier.yaml"]["dossier"]
    assert renewal["subvention_precedente"] == "3502.00" and renewal["nouvelle"] is False


def test_the_csv_says_the_same(programme: Expected) -> None:
    assert cdv("--output", "programme.csv").exit_code == 1
    text = Path("programme.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    assert len(rows) == 42
    counted = [r for r in rows if r["Statut"] not in ("doublon possible",)]
    every = sum(programme.ready.values()) + sum(programme.to_fix.values())
    assert sum(money(r["Subvention demandée"]) for r in counted) == every
    funder_columns = [c for c in rows[0] if c.startswith("Demandé à ")] + ["Financeur non précisé"]
    for row in rows:
        assert sum(money(row[c]) for c in funder_columns) == money(row["Subvention demandée"]), row["Fichier"]
        if row["SIRET"]:
            assert len(row["SIRET"]) == 17 and row["SIRET"].count(" ") == 3  # « 443 061 841 00047 »
    renewal = next(r for r in rows if r["Fichier"] == "programme/30-renouvellement-0/dossier.yaml")
    assert renewal["Subvention de l'an dernier"] == "3500,00"
    assert "cerfa-12156.pdf" in next(r for r in rows if r["Fichier"].startswith("programme/00-"))["Pièces jointes"]


def test_the_xlsx_recomputes_with_its_formulas(programme: Expected) -> None:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    assert cdv("--output", "programme.xlsx").exit_code == 1
    sheet = load_workbook("programme.xlsx")["Demandes"]
    header = [str(c.value) for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2, max_row=43, values_only=True))
    assert len(rows) == 42 and sheet.cell(row=45, column=1).value == "Total"
    column = {title: index for index, title in enumerate(header)}
    for title in ("Subvention demandée", "Demandé à État - politique de la ville", "Financeur non précisé"):
        letter = get_column_letter(column[title] + 1)
        assert sheet[f"{letter}45"].value == f"=SUM({letter}2:{letter}43)"
    # What the formula computes: every row (doublons included: the sheet lists every file).
    statuses = [r[column["Statut"]] for r in rows]
    assert statuses.count("doublon possible") == 2
    asked = sum(money(r[column["Subvention demandée"]]) for r in rows)
    assert asked == sum(programme.ready.values()) + sum(programme.to_fix.values()) + 2 * 7000
    proposed = [t for t in header if t.endswith(" : montant proposé")]
    assert len(proposed) == len(load().financeurs)
    for title in proposed:
        letter = get_column_letter(column[title] + 1)
        assert sheet[f"{letter}45"].value == f"=SUM({letter}2:{letter}43)"
        assert all(r[column[title]] is None for r in rows)  # for the committee to fill
    formulas = [c.value for row in sheet.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")]
    assert all(f.startswith("=SUM(") for f in formulas)  # no dossier text became a formula


class _Rows(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.statuses: list[str] = []
        self.funders: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "tr" and dict(attrs).get("data-fichier"):
            self.statuses.append(classes[0] if classes else "")
        if tag == "span" and "financeur" in classes:
            self._in = "financeur"

    def handle_data(self, data: str) -> None:
        if self._in == "financeur":
            self.funders.append(data)
            self._in = None


def test_the_html_lists_every_request_with_its_funders(programme: Expected) -> None:
    assert cdv("--output", "programme.html").exit_code == 1
    page = Path("programme.html").read_text(encoding="utf-8")
    parsed = _Rows()
    parsed.feed(page)
    assert len(parsed.statuses) == 42 and parsed.statuses.count("doublon") == 2
    assert any(text.startswith("Caisse d'Allocations Familiales : ") for text in parsed.funders)
    assert "@page { size: A4 landscape" in page
