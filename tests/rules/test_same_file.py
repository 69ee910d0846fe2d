"""PCE10 through the checker itself (the CLI tests run it in a worker): the whole finding, a
permitted share followed by a forbidden one, two files of one size, a RIB sent as two pieces."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from cdv_check.core.checker import Settings, check_path
from cdv_check.core.findings import Finding
from cdv_check.model.referentiel import Referentiel, load
from conftest import EXAMPLES, TODAY, Case, MakeCase, located

sys.path.insert(0, str(EXAMPLES))
from make_pdf import tiny_pdf

FICHE = "fiche_synthese: pieces/fiche-synthese.pdf"
RIB = "rib: pieces/rib.pdf"
CERFA = "cerfa: pieces/cerfa-12156.pdf"
STATUTS = "statuts_bureau: pieces/statuts-bureau.pdf"


def _pce10(case: Case, ref: Referentiel | None = None) -> list[Finding]:
    findings = check_path(case.path, ref or load(), Settings(today=TODAY)).findings
    return [f for f in findings if f.rule == "PCE10"]


def _value(case: Case, entry: str) -> tuple[int, int]:
    """Line and column of the value of the pieces entry `entry` (« key: value »)."""
    line, column = case.at(entry)
    return line, column + entry.index(": ") + 2


def test_two_pieces_at_one_path_are_one_finding_at_the_second(make_case: MakeCase) -> None:
    case = make_case({RIB: "rib: pieces/cerfa-12156.pdf"})
    [finding] = _pce10(case)
    assert finding.message == (
        "Les pièces « cerfa » et « rib » sont le même fichier « pieces/cerfa-12156.pdf » : chaque pièce est un "
        "document à part."
    )
    assert finding.advice == (
        "Indiquez sous « rib: » le fichier de cette pièce-là ; tout dossier incomplet ne sera pas instruit."
    )
    assert located([finding]) == [("PCE10", "pieces.rib", *_value(case, "rib: pieces/cerfa-12156.pdf"))]


def test_a_share_the_referentiel_allows_does_not_hide_a_later_one(make_case: MakeCase) -> None:
    ref = load()
    lenient = ref.model_copy(update={"pieces": [
        p.model_copy(update={"meme_fichier_que": ["fiche_synthese"]}) if p.id == "cerfa" else p for p in ref.pieces
    ]})
    case = make_case({FICHE: "fiche_synthese: pieces/cerfa-12156.pdf", RIB: "rib: pieces/cerfa-12156.pdf"})
    assert located(_pce10(case, lenient)) == [("PCE10", "pieces.rib", *_value(case, "rib: pieces/cerfa-12156.pdf"))]


def test_two_files_of_one_size_are_the_same_document_only_when_their_bytes_are(make_case: MakeCase) -> None:
    case = make_case(
        {RIB: "rib: pieces/rib-2.pdf", "statuts_bureau: pieces/statuts-bureau.pdf": "statuts_bureau: pieces/s.pdf"}
    )
    folder = case.path.parent / "pieces"
    (folder / "rib-2.pdf").write_bytes(tiny_pdf("Relevé A"))
    (folder / "s.pdf").write_bytes(tiny_pdf("Relevé B"))  # same size, other bytes
    assert _pce10(case) == []
    (folder / "s.pdf").write_bytes(tiny_pdf("Relevé A"))
    [finding] = _pce10(case)
    assert finding.message == (
        "Les pièces « rib » (« pieces/rib-2.pdf ») et « statuts_bureau » (« pieces/s.pdf ») ont exactement le "
        "même contenu : c'est deux fois le même document."
    )
    assert finding.advice == (
        "Indiquez sous « statuts_bureau: » le fichier de cette pièce-là ; tout dossier incomplet ne sera pas instruit."
    )
    assert located([finding]) == [("PCE10", "pieces.statuts_bureau", *case.at("pieces/s.pdf"))]


def test_a_rib_given_as_the_form_and_as_the_sheet_is_pce10_for_the_sheet_only(make_case: MakeCase) -> None:
    # The RIB given as the form is PCE01's (one cause, one finding); given as the synthesis sheet
    # as well, the sheet is missing: PCE10, at the sheet.
    case = make_case({CERFA: "cerfa: pieces/rib.pdf", FICHE: "fiche_synthese: pieces/rib.pdf"})
    findings = check_path(case.path, load(), Settings(today=TODAY)).findings
    assert located([f for f in findings if f.rule == "PCE10"]) == [
        ("PCE10", "pieces.fiche_synthese", *_value(case, "fiche_synthese: pieces/rib.pdf"))
    ]
    assert [f.path for f in findings if f.rule == "PCE01"] == ["pieces.cerfa"]


@pytest.mark.own_pieces
def test_a_form_without_its_number_given_as_the_rib_too_is_pce10(make_case: MakeCase) -> None:
    # Not a RIB (no bank details): the form and the RIB in one file is PCE10's.
    case = make_case({RIB: "rib: pieces/cerfa-12156.pdf"})
    (case.path.parent / "pieces" / "cerfa-12156.pdf").write_bytes(tiny_pdf("Document"))
    assert located(_pce10(case)) == [("PCE10", "pieces.rib", *_value(case, "rib: pieces/cerfa-12156.pdf"))]


def test_pieces_of_one_small_size_are_compared_without_being_opened_again(
    make_case: MakeCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    case = make_case({RIB: "rib: pieces/rib-2.pdf", STATUTS: "statuts_bureau: pieces/s.pdf"})
    folder = case.path.parent / "pieces"
    (folder / "rib-2.pdf").write_bytes(tiny_pdf("Relevé A"))
    (folder / "s.pdf").write_bytes(tiny_pdf("Relevé A"))
    opened: list[str] = []
    real_open = os.open

    def counting_open(path: Any, *args: Any, **kwargs: Any) -> int:
        opened.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", counting_open)
    assert located(_pce10(case)) == [("PCE10", "pieces.statuts_bureau", *case.at("pieces/s.pdf"))]
    pieces = [p for p in opened if "/pieces/" in p]
    assert len(pieces) == len(set(pieces)) == 5


@pytest.mark.parametrize("same", [True, False])
def test_pieces_of_one_large_size_are_read_again_to_be_compared(make_case: MakeCase, same: bool) -> None:
    from cdv_check.reading.piece_files import _WHOLE

    case = make_case({RIB: "rib: pieces/rib-2.pdf", STATUTS: "statuts_bureau: pieces/s.pdf"})
    folder = case.path.parent / "pieces"
    (folder / "rib-2.pdf").write_bytes(b"%PDF-1.4\n" + b"a" * _WHOLE)
    (folder / "s.pdf").write_bytes(b"%PDF-1.4\n" + (b"a" if same else b"b") * _WHOLE)
    expected = [("PCE10", "pieces.statuts_bureau", *case.at("pieces/s.pdf"))] if same else []
    assert located(_pce10(case)) == expected
