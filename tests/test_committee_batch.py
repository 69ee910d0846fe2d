"""The batch of issue 18, as a referent meets it: 42 requests over the six QPV, requests of several
QPV, renewals, five broken, two duplicates and two unreadable files. Every total is recomputed here
from what the test wrote (never from the report), and every format is read back: json, csv (csv
module), xlsx (openpyxl, its formulas checked), html (parsed, and as headless Chromium renders it:
totals, the funders' columns and the committee's cells)."""

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
from conftest import EXAMPLES, browser

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


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Expected]:
    root = tmp_path_factory.mktemp("lot-42")
    return root, make_programme(root)


@pytest.fixture
def programme(written: tuple[Path, Expected], monkeypatch: pytest.MonkeyPatch) -> Expected:
    """The batch, written once for the module: the tests only read it (each writes its report
    beside the folder, under a name of its own)."""
    root, expected = written
    monkeypatch.chdir(root)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return expected


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
    assert len(rows) == 42 and sheet.cell(row=45, column=1).value == "Total (chaque action comptée une fois)"
    column = {title: index for index, title in enumerate(header)}
    counted = get_column_letter(column["Compté dans les totaux"] + 1)
    for title in ("Subvention demandée", "Demandé à État - politique de la ville", "Financeur non précisé"):
        letter = get_column_letter(column[title] + 1)
        assert sheet[f"{letter}45"].value == f'=SUMIF({counted}2:{counted}43,"oui",{letter}2:{letter}43)'
    # What the formula computes: the rows the totals count (the two copies are « non »).
    statuses = [r[column["Statut"]] for r in rows]
    assert statuses.count("doublon possible") == 2
    assert [r[column["Statut"]] for r in rows if r[column["Compté dans les totaux"]] == "non"] == [
        "doublon possible"] * 2
    asked = sum(money(r[column["Subvention demandée"]]) for r in rows if r[column["Compté dans les totaux"]] == "oui")
    assert asked == sum(programme.ready.values()) + sum(programme.to_fix.values())
    proposed = [t for t in header if t.endswith(" : montant proposé")]
    assert len(proposed) == len(load().financeurs)
    for title in proposed:
        letter = get_column_letter(column[title] + 1)
        assert sheet[f"{letter}45"].value == f"=SUM({letter}2:{letter}43)"
        assert all(r[column[title]] is None for r in rows)  # for the committee to fill
    formulas = [c.value for row in sheet.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")]
    assert all(f.startswith(("=SUM(", "=SUMIF(")) for f in formulas)  # no dossier text became a formula


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
    # The committee's sheet, as written (Chromium's reading is the slow test below): the requests
    # to decide on, a line per funder asked, three cells to fill on each.
    committee = _Rendered()
    committee.feed(page)
    assert sorted(committee.requests) == sorted([*programme.ready, *programme.to_fix])
    assert set(committee.to_fill_per_line) == {3}
    assert committee.funder_totals[""] == sum(programme.ready.values()) + sum(programme.to_fix.values())


# --- the html as Chromium renders it ----------------------------------------------------------


class _Rendered(HTMLParser):
    """What the committee reads in the DOM Chromium rendered: the totals, the « Par financeur »
    breakdown, and the committee's table (per request, a line per funder asked, cells to fill)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.heading = ""
        self.text_by_id: dict[str, str] = {}
        self.totals: dict[str, str] = {}
        self.by_funder: dict[str, str] = {}
        """« Par financeur »: data-cle → data-montant."""
        self.requests: dict[str, list[tuple[str, Decimal]]] = {}
        """The committee's table: file → (funder, amount asked) of each of its lines."""
        self.funder_totals: dict[str, Decimal] = {}
        self.to_fill: list[str] = []
        """The text of every cell left for the committee (montant proposé, avis, commentaire)."""
        self.to_fill_per_line: list[int] = []
        self.columns: list[str] = []

    def _attribute(self, tag: str, name: str) -> str | None:
        return next((a.get(name) for t, a in reversed(self.stack) if t == tag and a.get(name) is not None), None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.stack.append((tag, attributes))
        classes = (attributes.get("class") or "").split()
        in_committee = any(a.get("id") == "table-comite" for _, a in self.stack)
        if tag == "h3":
            self.heading = ""
        if tag == "td" and attributes.get("data-montant") is not None:
            row_id = self._attribute("tr", "id")
            if row_id in ("total-tous", "total-prets"):
                self.totals[row_id] = attributes["data-montant"] or ""
            elif self.heading == "Par financeur":
                self.by_funder[self._attribute("tr", "data-cle") or ""] = attributes["data-montant"] or ""
        if not in_committee:
            return
        if tag == "tr" and any(t == "tbody" for t, _ in self.stack):
            self.to_fill_per_line.append(0)
        if tag == "td" and attributes.get("data-demande") is not None:
            funder = self._attribute("tr", "data-financeur") or ""
            amount = Decimal(attributes["data-demande"] or "0")
            if any(t == "tfoot" for t, _ in self.stack):
                self.funder_totals[funder] = amount
            else:
                self.requests.setdefault(self._attribute("tbody", "data-fichier") or "", []).append((funder, amount))
        if tag == "td" and "a-remplir" in classes:
            self.to_fill.append("")
            if any(t == "tbody" for t, _ in self.stack):
                self.to_fill_per_line[-1] += 1

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][0] == "h3":
            self.heading += data
        if self.stack and self.stack[-1][0] == "td" and "a-remplir" in (self.stack[-1][1].get("class") or ""):
            self.to_fill[-1] += data
        if any(a.get("id") == "table-comite" for _, a in self.stack) and self.stack[-1][0] == "th" and any(
                t == "thead" for t, _ in self.stack):
            self.columns.append(data.strip())
        for _, attributes in self.stack:
            if attributes.get("id"):
                key = attributes["id"] or ""
                self.text_by_id[key] = self.text_by_id.get(key, "") + data


@pytest.mark.slow
def test_the_html_as_chromium_renders_it_has_the_totals_and_the_committee_columns(
    programme: Expected, tmp_path: Path
) -> None:
    assert cdv("--output", "chromium.html").exit_code == 1
    page = Path("chromium.html").resolve()
    dumped = browser("--dump-dom", page.as_uri(), timeout=180)
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = _Rendered()
    dom.feed(dumped.stdout)
    every = sum(programme.ready.values()) + sum(programme.to_fix.values())
    ready = sum(programme.ready.values())
    assert (Decimal(dom.totals["total-tous"]), Decimal(dom.totals["total-prets"])) == (every, ready)
    assert dom.text_by_id["nb-dossiers"] == "42" and dom.text_by_id["nb-prets"] == "33"
    assert dom.text_by_id["nb-doublons"] == "2" and dom.text_by_id["nb-illisibles"] == "2"
    # Per funder, what the test asked of each (the copies counted once), adding up to the total.
    names = {f.id: f.nom for f in load().financeurs} | {"non_precise": "Financeur non précisé"}
    expected = {key: sum((f.get(key, Decimal(0)) for f in programme.funders.values()), Decimal(0)) for key in names}
    shown = {key: Decimal(amount) for key, amount in dom.by_funder.items()}
    assert shown == {("" if key == "non_precise" else key): total for key, total in expected.items()}
    assert sum(shown.values()) == every
    # The committee's table: the ready requests and those to fix, a line per funder asked with
    # the amount asked of it, three empty cells per line, and per funder a total.
    assert dom.columns == ["Demande", "Financeur", "Demandé", "Montant proposé", "Avis", "Commentaire"]
    assert sorted(dom.requests) == sorted([*programme.ready, *programme.to_fix])
    for file, lines in dom.requests.items():
        asked = {names[key]: amount for key, amount in programme.funders[file].items()}
        assert dict(lines) == asked, file
        assert len(lines) == len(asked)
    assert set(dom.to_fill_per_line) == {3} and all(text.strip() == "" for text in dom.to_fill)
    assert dom.funder_totals.pop("") == every  # the grand total
    for label, total in dom.funder_totals.items():
        assert total == sum(amount for lines in dom.requests.values() for funder, amount in lines if funder == label)
        key = next(k for k, n in names.items() if n == label)
        assert total == expected[key], label
    assert sum(dom.funder_totals.values()) == every
    # Printed: A4 landscape, the committee's sheet in it.
    pdf = tmp_path / "programme.pdf"
    printed = browser("--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri(), timeout=180)
    assert printed.returncode == 0, printed.stderr[-2000:]
    from pypdf import PdfReader

    pages = PdfReader(pdf).pages
    assert {(round(float(p.mediabox.width) / 72 * 25.4), round(float(p.mediabox.height) / 72 * 25.4))
            for p in pages} == {(297, 210)}
    text = "".join(p.extract_text() for p in pages)
    assert "Décisions du comité" in text and "Montant proposé" in text
    shot = tmp_path / "programme.png"
    taken = browser(f"--screenshot={shot}", "--window-size=1400,2400", page.as_uri() + "#comite", timeout=180)
    assert taken.returncode == 0 and shot.read_bytes().startswith(b"\x89PNG")
