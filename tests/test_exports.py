"""csv, xlsx and html of a mixed batch, each read back by a real reader (the csv module, openpyxl,
headless Chromium's DOM) and compared with the json synthesis of the same batch; --output and
--min-severity as cli.md says."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from cdv_check.model.referentiel import load
from cdv_check.reporters.table import columns
from conftest import Main, browser
from mixed_batch import FORMULA_TITLE, HOSTILE_TITLE, run

COLUMNS = columns(load())

LABELS = {"pret": "prêt", "a_corriger": "à corriger", "illisible": "illisible", "doublon": "doublon possible"}


def reference() -> dict[str, Any]:
    """The json report of the same batch: what every other format must say."""
    report: dict[str, Any] = json.loads(run("--format", "json", "lot").stdout)
    return report


def amount(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


# --- csv ----------------------------------------------------------------------------------------


def test_csv_opens_in_a_french_spreadsheet_and_says_what_json_says(own_mixed_batch: list[str]) -> None:
    result = run("--output", "rapport.csv", "lot")  # the format follows the extension
    assert result.exit_code == 1 and result.stdout == ""
    raw = Path("rapport.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert tuple(rows[0]) == COLUMNS
    table = [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]
    expected = reference()["dossiers"]
    assert [r["Fichier"] for r in table] == [d["file"] for d in expected]
    for row, d in zip(table, expected, strict=True):
        asked = d["dossier"]
        assert row["Statut"] == LABELS[asked["statut"]]
        for column, key in (("Subvention demandée", "subvention_demandee"), ("Coût total", "cout_total"),
                            ("Contributions en nature", "contributions_nature")):
            written = row[column]
            assert (Decimal(written.replace(",", ".")) if written else None) == amount(asked[key]), column
            assert "." not in written
        if asked["debut"]:
            assert datetime.strptime(row["Début"], "%d/%m/%Y").date() == date.fromisoformat(asked["debut"])
        assert row["Erreurs"] == str(d["counts"]["error"])
    by_file = {r["Fichier"]: r for r in table}
    assert by_file["lot/j-hostile/dossier.yaml"]["Intitulé"] == HOSTILE_TITLE
    # A formula written by a third party stays text: a leading ' and the formula as written.
    assert by_file["lot/k-formule/dossier.yaml"]["Intitulé"] == "'" + FORMULA_TITLE
    assert by_file["lot/a-atelier/dossier.yaml"]["Constats du lot"] == "LOT01, LOT02"
    assert by_file["lot/a-atelier/dossier.yaml"]["Action nouvelle"] == "oui"
    assert by_file["lot/b-trois-qpv/dossier.yaml"]["QPV"] == "Bellecroix, Borny, Sablon Sud"


def test_every_text_cell_that_looks_like_a_formula_is_inert() -> None:
    from cdv_check.reporters.csv_report import inert

    for hostile in ("=1+1", "+33 3 87", "-2", "@SUM(A1)", "\t=1", "\r=1"):
        assert inert(hostile).startswith("'"), hostile
    assert inert("Atelier = couture") == "Atelier = couture"


# --- xlsx ---------------------------------------------------------------------------------------


def test_xlsx_is_a_typed_workbook_that_says_what_json_says(own_mixed_batch: list[str]) -> None:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    assert run("--output", "rapport.xlsx", "lot").exit_code == 1
    book = load_workbook("rapport.xlsx")
    assert book.sheetnames == ["Demandes", "Constats", "Totaux", "Priorités"]
    sheet = book["Demandes"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
    header = [c.value for c in sheet[1]]
    funders = load().financeurs
    decisions = [f"{f.nom} : {what}" for f in funders for what in ("montant proposé", "avis", "commentaire")]
    assert tuple(header) == (*COLUMNS, *decisions)  # the committee's columns, empty, after the table
    expected = reference()
    count = len(expected["dossiers"])
    every = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    rows, total = every[:count], every[-1]
    assert all(value is None for row in rows for value in (row[d] for d in decisions))
    # The totals are formulas over the rows, written by cdv-check: what is asked, over the rows the
    # totals count (a LOT01 group once: the copies are « non »), so that the sheet's total is the
    # report's; what the committee proposes, over every row.
    last = count + 1
    letter = {title: get_column_letter(index) for index, title in enumerate(header, start=1)}
    counted = letter["Compté dans les totaux"]
    for title in ("Subvention demandée", "Demandé à État - politique de la ville"):
        assert total[title] == f'=SUMIF({counted}2:{counted}{last},"oui",{letter[title]}2:{letter[title]}{last})'
    assert total[decisions[0]] == f"=SUM({letter[decisions[0]]}2:{letter[decisions[0]]}{last})"
    assert [r["Fichier"] for r in rows if r["Compté dans les totaux"] == "non"] == [
        "lot/c-copie/dossier.yaml", "lot/d-meme-titre/dossier.yaml"]
    summed = sum(Decimal(str(r["Subvention demandée"] or 0)) for r in rows if r["Compté dans les totaux"] == "oui")
    assert summed == Decimal(expected["synthese"]["totaux"]["tous"]["subvention_demandee"])
    [choices] = [v for v in sheet.data_validations.dataValidation if v.type == "list"][:1]
    assert choices.formula1 == '"Favorable,Favorable (montant réduit),Défavorable,Ajourné"'
    assert str(choices.sqref) == f"{letter[decisions[1]]}2:{letter[decisions[1]]}{last}"
    assert [r["Fichier"] for r in rows] == [d["file"] for d in expected["dossiers"]]
    for row, d in zip(rows, expected["dossiers"], strict=True):
        asked = d["dossier"]
        requested = row["Subvention demandée"]
        assert (None if requested is None else Decimal(str(requested))) == amount(asked["subvention_demandee"])
        if asked["debut"]:
            assert isinstance(row["Début"], datetime) and row["Début"].date().isoformat() == asked["debut"]
        assert row["Erreurs"] == d["counts"]["error"]
    formula = next(c for c in sheet["G"] if c.value == FORMULA_TITLE)
    assert formula.data_type == "s"  # text, not a formula
    assert any(c.value == HOSTILE_TITLE for c in sheet["G"])
    findings = [[c.value for c in row] for row in book["Constats"].iter_rows(min_row=2)]
    assert sum(len(d["findings"]) for d in expected["dossiers"]) + sum(
        max(1, len(f["dossiers"])) for f in expected["synthese"]["findings"]) == len(findings)
    assert ["lot/c-copie/dossier.yaml", "LOT01"] in [row[:2] for row in findings]
    totals = [[c.value for c in row] for row in book["Totaux"].iter_rows(min_row=4)]
    assert Decimal(str(totals[0][4])) == Decimal(expected["synthese"]["totaux"]["tous"]["subvention_demandee"])
    qpv = [row for row in totals if row[0] == "QPV"]
    assert sum(Decimal(str(row[4])) for row in qpv) == Decimal(str(totals[0][4]))
    assert book["Priorités"].max_row == 1 + len(expected["synthese"]["priorites"])


def test_xlsx_refuses_a_terminal(mixed_batch: list[str], monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    from cdv_check.cli.check import CheckOptions, CommandFailed, run_check

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdout", Terminal())
    with pytest.raises(CommandFailed) as refused:
        run_check(CheckOptions(paths=("lot",), format="xlsx", jobs=1))
    assert "--output" in refused.value.message and refused.value.code == 2


# --- html, in a real browser --------------------------------------------------------------------


class Dom(HTMLParser):
    """The elements of the page the test reads, after Chromium ran its script."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.rows: list[list[tuple[dict[str, str | None], str]]] = []
        self.cell: list[str] | None = None
        self.cell_attrs: dict[str, str | None] = {}
        self.scripts = 0
        self.headers: list[dict[str, str | None]] = []
        self.text_by_id: dict[str, str] = {}
        self.amounts: list[tuple[str, str]] = []
        self.resources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.stack.append((tag, attributes))
        self.resources += [v or "" for k, v in attrs if k in ("src", "href") and not (v or "").startswith("#")]
        if tag == "script":
            self.scripts += 1
        in_requests = any(a.get("id") == "table-demandes" for _, a in self.stack)
        if in_requests and tag == "tr" and any(t == "tbody" for t, _ in self.stack):
            self.rows.append([])
        if in_requests and tag == "th":
            self.headers.append(attributes)
        if in_requests and tag == "td" and self.rows:
            self.cell, self.cell_attrs = [], attributes
        if tag == "td" and "data-montant" in attributes:
            row_key = next((a.get("data-cle") for t, a in reversed(self.stack) if t == "tr"), None)
            self.amounts.append((row_key or "", attributes["data-montant"] or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self.cell is not None:
            self.rows[-1].append((self.cell_attrs, " ".join("".join(self.cell).split())))
            self.cell = None
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
        for _, attributes in self.stack:
            if attributes.get("id"):
                self.text_by_id[attributes["id"] or ""] = self.text_by_id.get(attributes["id"] or "", "") + data


def test_html_in_chromium_shows_what_json_says_and_hostile_text_as_text(
    own_mixed_batch: list[str], tmp_path: Path
) -> None:
    assert run("--output", "rapport.html", "lot").exit_code == 1
    page = (tmp_path / "rapport.html").read_text(encoding="utf-8")
    assert "<link" not in page and "http://" not in page.replace("http://exemple.invalid", "")
    assert "https://" not in page and "@import" not in page and "url(" not in page
    dumped = browser("--dump-dom", (tmp_path / "rapport.html").as_uri())
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    dom = Dom()
    dom.feed(dumped.stdout)
    assert dom.scripts == 1  # the page's own; the hostile title is text
    assert dom.resources == []  # nothing to fetch
    assert all(h.get("tabindex") == "0" for h in dom.headers)  # the sorting script ran
    expected = reference()
    assert [row[0][1] for row in dom.rows] == [d["file"] for d in expected["dossiers"]]
    for row, d in zip(dom.rows, expected["dossiers"], strict=True):
        asked = d["dossier"]
        assert row[1][1] == LABELS[asked["statut"]]
        assert row[3][1] == (asked["intitule"] or "—")
        assert amount(row[6][0].get("data-tri") or None) == amount(asked["subvention_demandee"])
        assert row[8][1] == str(d["counts"]["error"])
    assert any(row[3][1] == HOSTILE_TITLE for row in dom.rows)
    totals = expected["synthese"]["totaux"]
    assert [a for _, a in dom.amounts[:2]] == [totals["tous"]["subvention_demandee"],
                                                totals["prets"]["subvention_demandee"]]
    shown = [r for r in expected["synthese"]["par_qpv"] if r["cle"] is not None or r["dossiers"]]
    assert dom.amounts[2:2 + len(shown)] == [(r["cle"] or "", r["subvention_demandee"]) for r in shown]
    assert "11" in dom.text_by_id["nb-dossiers"] and "6" in dom.text_by_id["nb-prets"]
    assert "2" in dom.text_by_id["nb-doublons"]  # c and d: the same action as a, not counted
    pdf = tmp_path / "rapport.pdf"  # printed: A4 pages, each dossier's findings shown
    printed = browser("--no-pdf-header-footer", f"--print-to-pdf={pdf}", (tmp_path / "rapport.html").as_uri())
    assert printed.returncode == 0
    from pypdf import PdfReader

    pages = PdfReader(pdf).pages
    def mm(points: float) -> int:
        return round(float(points) / 72 * 25.4)

    millimetres = {(mm(p.mediabox.width), mm(p.mediabox.height)) for p in pages}
    assert millimetres == {(297, 210)}  # A4 landscape: the table of requests is wide
    assert "lot/e-renouvellement/dossier.yaml:" in "".join(p.extract_text() for p in pages).replace("\n", "")
    shot = tmp_path / "rapport.png"
    taken = browser(f"--screenshot={shot}", "--window-size=1280,1600", (tmp_path / "rapport.html").as_uri())
    assert taken.returncode == 0 and shot.read_bytes().startswith(b"\x89PNG")


# --- --output, --min-severity, imports --------------------------------------------------------


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_output_takes_the_permissions_the_umask_gives(
    cdv: Main, own_mixed_batch: list[str], tmp_path: Path, umask: int, mode: int
) -> None:
    previous = os.umask(umask)  # a process started here inherits it
    try:
        done = cdv(["--date-depot", "2016-01-06", "--jobs", "1", "--output", "rapport.json",
                    "lot/a-atelier/dossier.yaml"], cwd=tmp_path)
    finally:
        os.umask(previous)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE((tmp_path / "rapport.json").stat().st_mode) == mode


def test_min_severity_leaves_out_findings_not_exit_codes(own_mixed_batch: list[str], tmp_path: Path) -> None:
    full = json.loads(run("--format", "json", "lot").stdout)
    quiet = run("--format", "json", "--min-severity", "warning", "lot")
    errors_only = run("--format", "text", "--min-severity", "error", "lot")
    assert quiet.exit_code == errors_only.exit_code == 1
    report = json.loads(quiet.stdout)
    assert all(f["severity"] != "info" for d in report["dossiers"] for f in d["findings"])
    assert [d["counts"] for d in report["dossiers"]] == [d["counts"] for d in full["dossiers"]]
    assert " conseil " not in errors_only.stdout and " avertissement " not in errors_only.stdout
    warnings, advice = (sum(d["counts"][k] for d in full["dossiers"]) for k in ("warning", "info"))
    assert f"(non affichés, --min-severity : {warnings} avertissement(s), {advice} conseil(s))" in errors_only.stdout
    (tmp_path / "pyproject.toml").write_text('[tool.cdv-check]\nmin_severity = "error"\n', encoding="utf-8")
    configured = json.loads(run("--format", "json", "lot").stdout)
    assert {f["severity"] for d in configured["dossiers"] for f in d["findings"]} == {"error"}
    assert run("--format", "json", "--min-severity", "grave", "lot").exit_code == 2


def test_the_everyday_formats_do_not_import_jinja2_nor_openpyxl(own_mixed_batch: list[str], tmp_path: Path) -> None:
    for fmt, heavy in (("json", set()), ("csv", set()), ("text", set()), ("html", {"jinja2"})):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "cdv_check", "--format", fmt, "--jobs", "1", "lot"],
            capture_output=True, text=True, timeout=120, cwd=tmp_path,
        )
        assert done.returncode == 1, done.stderr[-2000:]  # the batch has faulty dossiers
        imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "import time:" in line}
        assert imported & {"jinja2", "openpyxl"} == heavy, fmt
