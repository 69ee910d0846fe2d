"""PCE10 and PCE11: the pieces are really the pieces (issue 19). Each dossier of the issue is
checked through the command, as a carrier runs it."""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cdv_check.cli.app import app
from cdv_check.core.checker import Settings, check_path
from cdv_check.model.referentiel import load
from conftest import EXAMPLES, MakeCase

sys.path.insert(0, str(EXAMPLES))
from make_pdf import tiny_pdf

PIECES = """pieces:
  cerfa: pieces/cerfa-12156.pdf
  fiche_synthese: pieces/fiche-synthese.pdf
  rib: pieces/rib.pdf
  rapport_activite: pieces/rapport-activite-2014.pdf
  statuts_bureau: pieces/statuts-bureau.pdf
"""


def _report(path: Path) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["check", "--format", "json", "--jobs", "1", "--date-depot", "2016-01-06",
                                      str(path)])
    assert "Traceback" not in result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    dossiers: list[dict[str, Any]] = data["dossiers"]
    [dossier] = dossiers
    return dossier


def _found(path: Path, prefix: str = "PCE") -> list[tuple[str, str, str]]:
    return [(f["rule"], f["severity"], f["message"]) for f in _report(path)["findings"] if f["rule"].startswith(prefix)]


def test_five_pieces_naming_one_file_are_four_errors_each_naming_both(make_case: MakeCase) -> None:
    one = "pieces/cerfa-12156.pdf"
    case = make_case({
        "fiche_synthese: pieces/fiche-synthese.pdf": f"fiche_synthese: {one}", "rib: pieces/rib.pdf": f"rib: {one}",
        "rapport_activite: pieces/rapport-activite-2014.pdf": f"rapport_activite: {one}",
        "statuts_bureau: pieces/statuts-bureau.pdf": f"statuts_bureau: {one}",
    })
    report = _report(case.path)
    assert not report["passed"]
    found = [f for f in report["findings"] if f["rule"] == "PCE10"]
    assert [(f["path"], f["severity"]) for f in found] == [
        ("pieces.fiche_synthese", "error"), ("pieces.rib", "error"), ("pieces.rapport_activite", "error"),
        ("pieces.statuts_bureau", "error"),
    ]
    assert "Les pièces « cerfa » et « rib » sont le même fichier « pieces/cerfa-12156.pdf »" in found[1]["message"]
    assert found[1]["line"] == case.line_of("rib: pieces/cerfa-12156.pdf")


def test_a_hard_link_is_the_same_file(make_case: MakeCase) -> None:
    case = make_case({"rib: pieces/rib.pdf": "rib: pieces/rib-banque.pdf"})
    os.link(case.path.parent / "pieces" / "cerfa-12156.pdf", case.path.parent / "pieces" / "rib-banque.pdf")
    [(rule, severity, message)] = _found(case.path, "PCE10")
    assert (rule, severity) == ("PCE10", "error")
    assert "sous deux noms (« pieces/cerfa-12156.pdf » et « pieces/rib-banque.pdf »)" in message


def test_a_copy_is_the_same_document(make_case: MakeCase) -> None:
    case = make_case({"statuts_bureau: pieces/statuts-bureau.pdf": "statuts_bureau: pieces/statuts.pdf"})
    folder = case.path.parent / "pieces"
    (folder / "statuts.pdf").write_bytes((folder / "rapport-activite-2014.pdf").read_bytes())
    [(_, _, message)] = _found(case.path, "PCE10")
    assert "« rapport_activite » (« pieces/rapport-activite-2014.pdf ») et « statuts_bureau »" in message
    assert "exactement le même contenu" in message


def test_the_referentiel_may_let_one_file_serve_two_pieces(make_case: MakeCase) -> None:
    ref = load()
    pieces = [p.model_copy(update={"meme_fichier_que": ["fiche_synthese"]}) if p.id == "cerfa" else p
              for p in ref.pieces]
    lenient = ref.model_copy(update={"pieces": pieces})
    case = make_case({"fiche_synthese: pieces/fiche-synthese.pdf": "fiche_synthese: pieces/cerfa-12156.pdf"})
    settings = Settings(today=date(2016, 1, 5))
    assert [f.rule for f in check_path(case.path, lenient, settings).findings if f.rule == "PCE10"] == []
    assert [f.rule for f in check_path(case.path, ref, settings).findings if f.rule == "PCE10"] == ["PCE10"]


def _cerfa(case: Any, data: bytes) -> None:
    (case.path.parent / "pieces" / "cerfa-12156.pdf").write_bytes(data)


@pytest.mark.own_pieces
def test_an_older_version_of_the_form_is_an_error_naming_the_expected_one(make_case: MakeCase) -> None:
    case = make_case()
    _cerfa(case, tiny_pdf("Cerfa 12156*02 - Demande de subvention"))
    report = _report(case.path)
    assert not report["passed"]
    [(rule, severity, message)] = _found(case.path, "PCE11")
    assert (rule, severity) == ("PCE11", "error")
    assert "est le formulaire 12156*02, une autre version : l'appel demande le CERFA 12156*03" in message


def _compressed_pdf(pages: list[str]) -> bytes:
    """A PDF whose page text is compressed: its bytes never show it, only pypdf reads it."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for text in pages:
        writer.append(PdfReader(io.BytesIO(tiny_pdf(text))))
    for page in writer.pages:
        page.compress_content_streams()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.own_pieces
def test_an_older_version_read_by_pypdf_is_said_too(make_case: MakeCase) -> None:
    case = make_case()
    data = _compressed_pdf(["Demande de subvention", "cerfa N 12156 * 2"])
    assert b"12156" not in data  # compressed: only pypdf reads it
    _cerfa(case, data)
    [(rule, severity, _)] = _found(case.path, "PCE11")
    assert (rule, severity) == ("PCE11", "error")


@pytest.mark.own_pieces
def test_a_pdf_whose_text_has_no_form_number_is_a_warning(make_case: MakeCase) -> None:
    case = make_case()
    _cerfa(case, tiny_pdf("Document"))
    report = _report(case.path)
    assert [(rule, severity) for rule, severity, _ in _found(case.path, "PCE11")] == [("PCE11", "warning")]
    assert report["passed"]  # a warning: ready, but said
    assert "ne porte nulle part le numéro du formulaire 12156*03" in _found(case.path, "PCE11")[0][2]


@pytest.mark.own_pieces
def test_a_scan_is_a_conseil_saying_what_could_not_be_checked(make_case: MakeCase) -> None:
    case = make_case()
    _cerfa(case, tiny_pdf(""))
    [(rule, severity, message)] = _found(case.path, "PCE11")
    assert (rule, severity) == ("PCE11", "info")
    assert "pas de texte lisible (un scan ?) : le numéro du formulaire (12156*03) n'a pas pu être vérifié" in message


@pytest.mark.own_pieces
def test_the_example_cerfa_and_a_cerfa_naming_its_number_alone_say_nothing(make_case: MakeCase) -> None:
    case = make_case()
    assert _found(case.path, "PCE1") == []
    _cerfa(case, tiny_pdf("Formulaire 12156 - demande de subvention"))
    assert _found(case.path, "PCE1") == []
