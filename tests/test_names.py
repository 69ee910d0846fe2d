"""One matching of QPV names for `init`, `qpv` and the check (issue 19: « Metz-Borny » was taken
for Borny by `init` and `qpv`, then the check suggested « La Patrotte/Metz Nord »)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cdv_check.cli.app import app
from cdv_check.model.referentiel import Referentiel
from conftest import MakeCase


@pytest.mark.parametrize(("typed", "meant"), [
    ("Metz-Borny", "Borny"), ("quartier de Borny", "Borny"), ("Metz Nord", "La Patrotte/Metz Nord"),
    ("Belle Croix", "Bellecroix"), ("sablon", "Sablon Sud"), ("BORNY", "Borny"),
])
def test_the_check_reads_a_qpv_as_init_and_qpv_do(
    make_case: MakeCase, ref: Referentiel, typed: str, meant: str
) -> None:
    case = make_case({"quartiers: [Bellecroix]": f"quartiers: [{typed}]"})
    assert case.findings("ELG03") == []
    assert case.check().quartiers == (next(q.slug for q in ref.qpv if q.nom == meant),)
    result = CliRunner().invoke(app, ["qpv", typed])
    assert result.exit_code == 0 and meant in result.stdout


@pytest.mark.parametrize("typed", ["Metz", "Woippy", "Metz centre", "Borny Bellecroix"])
def test_a_commune_or_a_word_of_several_names_names_no_qpv(make_case: MakeCase, typed: str) -> None:
    case = make_case({"quartiers: [Bellecroix]": f"quartiers: [{typed}]"})
    assert len(case.findings("ELG03")) == 1
