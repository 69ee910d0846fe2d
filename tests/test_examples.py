"""The examples a carrier learns from: the valid ones pass, the faulty one fails as documented."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cdv_check.cli.app import app
from conftest import EXAMPLES

VALID = ["nouvelle-action", "renouvellement-scolaire", "association-droit-local", "dossier-json"]


def _dossier(name: str) -> Path:
    return next((EXAMPLES / name).glob("dossier.*"))


def _run(*args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(app, ["check", "--format", "json", *args])
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize("name", VALID)
def test_valid_examples_pass(name: str) -> None:
    code, report = _run(str(_dossier(name)))
    assert code == 0
    counts = report["dossiers"][0]["counts"]
    assert counts["error"] == 0
    # The JSON example shows the one warning of a renewal sent with an intermediate report only.
    expected_warnings = 1 if name == "dossier-json" else 0
    assert counts["warning"] == expected_warnings


def test_faulty_example_fails_with_the_typical_mistakes() -> None:
    code, report = _run(str(_dossier("erreurs-typiques")))
    assert code == 1
    rules = {(f["rule"], f["severity"]) for f in report["dossiers"][0]["findings"]}
    assert rules == {
        ("ELG06", "error"),  # sent after 10 January 2016
        ("IDN01", "error"),  # SIRET checksum
        ("IDN03", "error"),  # e-mail without a domain
        ("SCH05", "error"),  # « quartier » for « quartiers » (one finding: no ELG03 « no QPV » too)
        ("ELG04", "error"),  # objective 1.11 does not exist
        ("ELG05", "warning"),  # need described too briefly
        ("ELG02", "error"),  # more QPV residents than people reached
        ("EXA01", "error"),  # ends in 2017
        ("EXA02", "warning"),  # no indicators
        ("EXA03", "error"),  # renewal without link to the new Contrat de Ville
        ("EXA04", "warning"),  # no partners
        ("OBJ02", "warning"),  # no transversal axis
        ("BUD01", "error"),  # charges 2 500 € vs produits 2 000 €
        ("PCE03", "error"),  # no RIB
        ("PCE06", "error"),  # renewal without last year's report
        ("PCE08", "error"),  # the CERFA is not a PDF
    }


def test_whole_examples_folder_is_one_batch() -> None:
    code, report = _run(str(EXAMPLES))
    assert code == 1
    assert report["summary"]["dossiers"] == 5
    assert report["summary"]["failed"] == 1


def test_the_readme_counts_as_examples_to_imitate_only_the_ones_that_pass() -> None:
    import re

    readme = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    match = re.search(r"en donne (\w+) à imiter \(([^)]*)\)", readme)
    assert match, "the README says how many examples are to imitate, and which"
    numbers = {"deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6}
    named = re.findall(r"`([^`]+)`", match.group(2))
    assert numbers[match.group(1)] == len(named) and sorted(named) == sorted(VALID)
    examples = {p.name for p in EXAMPLES.iterdir() if p.is_dir() and any(p.glob("dossier.*"))}
    faulty = examples - set(VALID)
    assert faulty == {"erreurs-typiques"}
