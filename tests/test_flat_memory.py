"""The synthesis's growing tables (carriers, LOT01 keys) moved to disk give the same reports, byte
for byte, as when they stay in memory (core/tables.py): the bound is lowered to 1, 2 and 3 rows so
that every batch of the tests moves, and carriers are merged across windows."""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cdv_check.core import tables
from cdv_check.core.synthesis import Builder, Demande, Synthesis
from cdv_check.core.tables import FirstSeen, Store
from cdv_check.model.referentiel import Referentiel, load
from mixed_batch import run


@pytest.fixture(scope="module")
def ref() -> Referentiel:
    return load()


def entries() -> Iterator[tuple[str, str, Demande]]:
    """A batch where every table has rows in several windows: SIRETs that come back (under two
    names), same content and same title far apart, no SIRET, undecodable file names."""
    names = ["Fil et Aiguille", "FIL ET  AIGUILLE", "Maison des jeunes", None]
    for n in range(60):
        siret = None if n % 7 == 0 else f"{n % 9:014}"
        key = b"same" if n % 11 == 3 else n.to_bytes(2, "big")
        title = "Atelier vélo" if n % 13 == 5 else f"Action {n}"
        file = f"lot/d{n:02}\udcff/dossier.yaml" if n % 5 == 0 else f"lot/d{n:02}/dossier.yaml"
        statut = ("pret", "a_corriger", "illisible")[n % 3] if n % 4 else "pret"
        yield file, statut, Demande(
            porteur_nom=names[n % 4], siret=siret, intitule=title, content_key=key,
            subvention_demandee=Decimal(1000 + n) / 100 if n % 6 else None, cout_total=Decimal(n),
            quartiers=("borny",) if n % 2 else (), priorites=("borny-aide-aux-devoirs",),
        )


def gathered(ref: Referentiel, bound: int | None) -> tuple[list[str], Synthesis, Builder]:
    builder = Builder(ref, in_memory=bound)
    statuses = [builder.add(file, statut, demande) for file, statut, demande in entries()]
    return statuses, builder.build(), builder


def test_the_synthesis_is_the_same_from_disk(ref: Referentiel) -> None:
    statuses, expected, memory = gathered(ref, None)
    assert not memory.carriers._moved and "doublon" in statuses
    assert {f.rule for f in expected.findings} >= {"LOT01", "LOT02"}
    for bound in (1, 2, 3):
        moved_statuses, synthesis, builder = gathered(ref, bound)
        assert builder.carriers._moved
        assert moved_statuses == statuses
        assert synthesis.as_json() == expected.as_json()
        assert [c.as_json() for c in synthesis.carriers] == [c.as_json() for c in expected.carriers]
        assert [[n.files for n in c.names_seen.values()] for c in builder.carriers.values()] == [
            [n.files for n in c.names_seen.values()] for c in memory.carriers.values()]
        assert len(synthesis.carriers) == len(expected.carriers) == 10
        assert synthesis.carriers[-1].siret is None
        assert synthesis.carriers[0].as_json() == expected.carriers[0].as_json()
        assert [c.siret for c in synthesis.carriers[1:3]] == [c.siret for c in expected.carriers[1:3]]
        with pytest.raises(IndexError):
            synthesis.carriers[10]


def test_first_seen_gives_the_first_file_from_disk() -> None:
    store = Store()
    seen = FirstSeen(store, "seen", bound=2)
    assert [seen.setdefault(k, f) for k, f in ((b"a", "1"), (b"b", "2\udcff"), (b"a", "3"), (b"c", "4"))] == [
        "1", "2\udcff", "1", "4"]
    assert seen.setdefault(b"b", "5") == "2\udcff" and len(seen) == 3


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "html", "text", "junit", "sarif"])
def test_reports_are_the_same_byte_for_byte(
    fmt: str, mixed_batch: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = run("--format", fmt, "lot").stdout
    for bound in (1, 2):
        monkeypatch.setattr(tables, "IN_MEMORY", bound)
        assert run("--format", fmt, "lot").stdout == expected


def test_the_workbook_is_the_same(own_mixed_batch: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import load_workbook

    def cells() -> list[Any]:
        run("--format", "xlsx", "--output", "rapport.xlsx", "lot")
        book = load_workbook(io.BytesIO(Path("rapport.xlsx").read_bytes()))
        return [(sheet.title, [[c.value for c in row] for row in sheet.iter_rows()]) for sheet in book]

    expected = cells()
    monkeypatch.setattr(tables, "IN_MEMORY", 1)
    assert cells() == expected
