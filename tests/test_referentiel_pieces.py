"""The dossier's pieces are the référentiel's: their keys, what is asked, what `schema` describes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdv_check.cli.app import app
from cdv_check.model.referentiel import ReferentielError, embedded_path, load
from conftest import MakeCase

PIECES_2016 = embedded_path().read_text(encoding="utf-8")
START, END = PIECES_2016.index("\npieces:\n"), PIECES_2016.index("\ndepot:\n")

OTHER_PIECES = """
pieces:
  - id: cerfa
    libelle: "le formulaire CERFA 12156*03"
    regle: PCE01
    pdf: true
    formulaire: true
  - id: contrat_engagement
    libelle: "le contrat d'engagement républicain signé"
    regle: PCE02
  - id: budget_structure
    libelle: "le budget prévisionnel de la structure"
    regle: PCE04
  - id: budget_structure_provisoire
    libelle: "un budget non encore voté par l'assemblée générale"
    regle: PCE04
    alternative_a: budget_structure
"""


def _referentiel(tmp_path: Path, pieces: str) -> Path:
    path = tmp_path / "autre.yaml"
    path.write_text(PIECES_2016[:START] + pieces + PIECES_2016[END:], encoding="utf-8")
    return path


def _check(*args: str) -> dict[str, object]:
    result = CliRunner().invoke(app, ["check", "--format", "json", "--no-files", *args])
    assert result.exit_code in (0, 1), result.output
    report: dict[str, object] = json.loads(result.stdout)
    return report


def _findings(report: dict[str, object], prefix: str) -> list[dict[str, object]]:
    dossiers = report["dossiers"]
    assert isinstance(dossiers, list)
    found = dossiers[0]["findings"]
    return [f for f in found if str(f["rule"]).startswith(prefix) and f["rule"] != "PCE09"]


def _pieces_block(text: str, block: str) -> str:
    return text[: text.index("pieces:\n")] + block


def test_an_unknown_piece_key_is_sch05_with_the_closest_piece_of_the_referentiel(make_case: MakeCase) -> None:
    case = make_case({"  rib: pieces/rib.pdf": "  ribb: pieces/rib.pdf"})
    [finding] = _findings(_check(str(case.path)), "SCH05")
    assert finding["message"] == (
        "Clé « ribb » inconnue dans « pieces » : vouliez-vous dire « rib », clé attendue absente ici ? "
        "Renommez « ribb » en « rib » (les clés s'écrivent sans accent ni majuscule) ; sa valeur n'est "
        "pas lue tant que la clé est mal nommée."
    )
    assert (finding["path"], finding["line"], finding["column"]) == ("pieces.ribb", case.line_of("ribb:"), 3)
    assert _findings(_check(str(case.path)), "PCE03") == []  # one cause, one finding


def test_a_piece_of_another_call_is_unknown_to_2016_and_known_to_that_call(
    make_case: MakeCase, tmp_path: Path
) -> None:
    case = make_case({"  rib: pieces/rib.pdf": "  contrat_engagement: pieces/rib.pdf"})
    [finding] = _findings(_check(str(case.path)), "SCH05")
    assert str(finding["message"]).startswith("Clé « contrat_engagement » inconnue dans « pieces ».")
    assert str(finding["message"]).endswith(
        "Clés possibles : cerfa, fiche_synthese, rib, rapport_activite, statuts_bureau, bilan_precedent, "
        "bilan_intermediaire."
    )
    other = _referentiel(tmp_path, OTHER_PIECES)
    report = _check("--referentiel", str(other), str(case.path))
    unknown = [f["path"] for f in _findings(report, "SCH05")]
    assert unknown == ["pieces.fiche_synthese", "pieces.rapport_activite", "pieces.statuts_bureau"]
    assert [f["path"] for f in _findings(report, "PCE")] == ["pieces.budget_structure"]


def test_another_calls_missing_piece_is_said_under_its_rule(make_case: MakeCase, tmp_path: Path) -> None:
    other = _referentiel(tmp_path, OTHER_PIECES)
    case = make_case()
    text = _pieces_block(case.text, "pieces:\n  cerfa: pieces/cerfa-12156.pdf\n")
    case = make_case(text=text)
    report = _check("--referentiel", str(other), str(case.path))
    missing = [(f["rule"], f["path"], str(f["message"]).split(". ")[0]) for f in _findings(report, "PCE")]
    assert missing == [
        ("PCE02", "pieces.contrat_engagement", "Pièce manquante : le contrat d'engagement républicain signé"),
        ("PCE04", "pieces.budget_structure", "Pièce manquante : le budget prévisionnel de la structure"),
    ]
    [budget] = [f for f in _findings(report, "PCE04")]
    assert "À défaut : un budget non encore voté par l'assemblée générale (« budget_structure_provisoire: … »)." in str(
        budget["message"]
    )


def test_an_alternative_piece_stands_for_the_one_it_replaces(make_case: MakeCase, tmp_path: Path) -> None:
    other = _referentiel(tmp_path, OTHER_PIECES)
    case = make_case()
    text = _pieces_block(
        case.text,
        "pieces:\n  cerfa: a.pdf\n  contrat_engagement: b.pdf\n  budget_structure_provisoire: c.pdf\n",
    )
    case = make_case(text=text)
    assert _findings(_check("--referentiel", str(other), str(case.path)), "PCE") == []


def test_schema_with_a_referentiel_describes_exactly_its_pieces(tmp_path: Path) -> None:
    other = _referentiel(tmp_path, OTHER_PIECES)
    result = CliRunner().invoke(app, ["schema", "--referentiel", str(other)])
    assert result.exit_code == 0, result.output
    pieces = json.loads(result.stdout)["$defs"]["Pieces"]
    assert pieces["additionalProperties"] is False
    assert {k: v["description"] for k, v in pieces["properties"].items()} == {
        "cerfa": "Le formulaire CERFA 12156*03",
        "contrat_engagement": "Le contrat d'engagement républicain signé",
        "budget_structure": "Le budget prévisionnel de la structure",
        "budget_structure_provisoire": "Un budget non encore voté par l'assemblée générale",
    }
    default = json.loads(CliRunner().invoke(app, ["schema"]).stdout)["$defs"]["Pieces"]["properties"]
    assert list(default) == [p.id for p in load().pieces]


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (
            ("regle: PCE02", "regle: PCE99"),
            "la pièce « contrat_engagement » est rangée sous la règle inconnue « PCE99 »",
        ),
        (("regle: PCE02", "regle: BUD01"), "règles possibles : PCE01, PCE02, PCE03, PCE04, PCE05, PCE06"),
        (
            ("alternative_a: budget_structure", "alternative_a: budget"),
            "la pièce « budget_structure_provisoire » remplace la pièce inconnue « budget »",
        ),
        (("regle: PCE02", "regle: PCE02\n    condition: parfois"), "pieces.1.condition"),
        (
            ("alternative_a: budget_structure", "alternative_a: budget_structure\n    provisoire: true"),
            "la pièce « budget_structure », qu'une pièce provisoire (« budget_structure_provisoire ») peut "
            "remplacer, doit être rangée sous PCE06",
        ),
    ],
)
def test_a_piece_that_names_what_does_not_exist_is_refused(
    tmp_path: Path, change: tuple[str, str], said: str
) -> None:
    broken = _referentiel(tmp_path, OTHER_PIECES.replace(*change))
    with pytest.raises(ReferentielError) as caught:
        load(broken)
    assert said in str(caught.value)
    assert f"{broken}:" in str(caught.value)
