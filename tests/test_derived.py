"""model.derived: tables worked out once per référentiel, by its identity, within a bound."""

from __future__ import annotations

from cdv_check.model import derived
from cdv_check.model.referentiel import Referentiel


def _count(ref: Referentiel) -> int:
    return len(ref.priorites)


def test_a_table_is_built_once_per_referentiel_and_again_for_a_copy(ref: Referentiel) -> None:
    built: list[Referentiel] = []

    def build(r: Referentiel) -> int:
        built.append(r)
        return len(r.priorites)

    assert derived.per_referentiel(ref, build) == derived.per_referentiel(ref, build) == len(ref.priorites)
    assert built == [ref]
    fewer = ref.model_copy(update={"priorites": ref.priorites[:1]})
    assert derived.per_referentiel(fewer, build) == 1
    assert [id(r) for r in built] == [id(ref), id(fewer)]


def test_the_referentiels_kept_are_bounded(ref: Referentiel) -> None:
    copies = [ref.model_copy() for _ in range(derived._KEPT + 3)]
    for copy in copies:
        assert derived.per_referentiel(copy, _count) == len(ref.priorites)
        assert len(derived._tables) <= derived._KEPT
    assert all(entry[0] is not copies[0] for entry in derived._tables.values())
