"""LOT01's groups and what they change in the totals: a group counts once, by its first file in the
batch's order; the ready files after it are « doublon »."""

from __future__ import annotations

from decimal import Decimal

from cdv_check.core.synthesis import Builder, Demande, content_key, synthesize
from cdv_check.model.referentiel import Referentiel
from cdv_check.rules.lot import duplicate_groups

SIRET = "44306184100047"


def ask(amount: str, *, key: bytes | None = None, siret: str | None = None, title: str | None = None,
        qpv: tuple[str, ...] = ("borny",)) -> Demande:
    return Demande(siret=siret, intitule=title, quartiers=qpv, content_key=key,
                   subvention_demandee=Decimal(amount), cout_total=Decimal(amount) * 2)


def test_the_content_key_ignores_the_order_of_keys() -> None:
    assert content_key({"a": 1, "b": {"c": 2, "d": 3}}) == content_key({"b": {"d": 3, "c": 2}, "a": 1})
    assert content_key({"a": 1}) != content_key({"a": 2})
    assert content_key({}) is None and content_key([1]) is None
    assert content_key({1: "x", "1": "y"}) is None  # keys of two types: no key, no crash


def test_a_group_counts_once_by_its_first_file(ref: Referentiel) -> None:
    builder = Builder(ref)
    statuses = [
        builder.add("a.yaml", "pret", ask("9000", key=b"k", siret=SIRET, title="Médiation de rue Patrotte")),
        builder.add("b.yaml", "pret", ask("9000", key=b"other", siret=SIRET, title="MEDIATION DE RUE  PATROTTE")),
        builder.add("c.yaml", "a_corriger", ask("500", key=b"k")),
        builder.add("d.yaml", "pret", ask("1000", key=b"alone")),
    ]
    assert statuses == ["pret", "doublon", "a_corriger", "pret"]
    built = builder.build()
    assert (built.totals.dossiers, built.totals.subvention_demandee) == (2, Decimal("10000"))
    assert (built.ready.dossiers, built.ready.subvention_demandee) == (2, Decimal("10000"))
    assert built.totals.cout_total == Decimal("20000")
    assert built.statuses == {"pret": 2, "a_corriger": 1, "illisible": 0, "doublon": 1}
    borny = next(r for r in built.by_qpv if r.key == "borny")
    assert (borny.dossiers, borny.subvention_demandee, borny.subvention_prets) == (2, Decimal("10000"),
                                                                                    Decimal("10000"))
    assert borny.dossiers_prets == 2
    [carrier] = [c for c in built.carriers if c.siret == SIRET]
    assert carrier.subvention_demandee == Decimal("9000") and carrier.prets == 1
    lot01 = [f for f in built.findings if f.rule == "LOT01"]
    assert [f.files for f in lot01] == [("a.yaml", "c.yaml"), ("a.yaml", "b.yaml")]
    assert all("Seul « a.yaml », le premier du lot, compte dans les totaux." in f.message for f in lot01)


def test_a_ready_file_after_one_to_fix_is_the_doublon(ref: Referentiel) -> None:
    built = synthesize([("a.yaml", "a_corriger", ask("100", key=b"k")), ("b.yaml", "pret", ask("100", key=b"k"))],
                       ref)
    assert built.statuses["doublon"] == 1 and built.ready.dossiers == 0
    assert built.totals.subvention_demandee == Decimal("100")


def test_without_lot01_every_file_counts(ref: Referentiel) -> None:
    entries = [("a.yaml", "pret", ask("100", key=b"k")), ("b.yaml", "pret", ask("100", key=b"k"))]
    for options in ({"ignore": ("LOT01",)}, {"select": ("BUD",)}):
        built = synthesize(entries, ref, **options)  # type: ignore[arg-type]
        assert built.statuses["doublon"] == 0 and built.ready.subvention_demandee == Decimal("200")
    assert synthesize(entries, ref, ignore=("LOT02",)).ready.subvention_demandee == Decimal("100")


def test_two_groups_of_the_same_content_stay_apart(ref: Referentiel) -> None:
    builder = Builder(ref)
    for file, key in (("a", b"1"), ("b", b"2"), ("c", b"1"), ("d", b"2"), ("e", b"3")):
        builder.add(file, "pret", ask("1", key=key))
    assert list(duplicate_groups(builder)) == [("content", ["a", "c"], None), ("content", ["b", "d"], None)]


def test_a_title_group_within_a_content_group_is_not_told_twice_the_next_one_is(ref: Referentiel) -> None:
    builder = Builder(ref)
    builder.add("a", "pret", ask("1", key=b"same", siret=SIRET, title="Atelier vélo"))
    builder.add("b", "pret", ask("1", key=b"same", siret=SIRET, title="Atelier vélo"))
    builder.add("c", "pret", ask("1", key=b"c", siret=SIRET, title="Jardin partagé"))
    builder.add("d", "pret", ask("1", key=b"d", siret=SIRET, title="JARDIN PARTAGE"))
    assert list(duplicate_groups(builder)) == [
        ("content", ["a", "b"], None),
        ("title", ["c", "d"], "JARDIN PARTAGE"),
    ]
    builder.add("e", "pret", ask("1", key=b"e", siret="73282932000074", title="Atelier vélo"))
    assert len(list(duplicate_groups(builder))) == 2  # another SIRET: another action


def test_a_title_group_larger_than_the_content_group_is_told(ref: Referentiel) -> None:
    builder = Builder(ref)
    builder.add("a", "pret", ask("1", key=b"same", siret=SIRET, title="Atelier vélo"))
    builder.add("b", "pret", ask("1", key=b"same", siret=SIRET, title="Atelier vélo"))
    builder.add("c", "pret", ask("1", key=b"c", siret=SIRET, title="Atelier  VELO"))
    assert list(duplicate_groups(builder)) == [
        ("content", ["a", "b"], None),
        ("title", ["a", "b", "c"], "Atelier vélo"),
    ]
    assert builder.statuses["doublon"] == 2 and builder.totals.dossiers == 1


def test_files_without_siret_or_title_are_no_title_group(ref: Referentiel) -> None:
    builder = Builder(ref)
    builder.add("a", "pret", ask("1", siret=SIRET))
    builder.add("b", "pret", ask("1", siret=SIRET))
    builder.add("c", "pret", ask("1", title="Atelier"))
    builder.add("d", "pret", ask("1", title="Atelier"))
    assert list(duplicate_groups(builder)) == [] and builder.totals.dossiers == 4


def test_funders_unknown_amounts_and_ready_shares_in_every_breakdown(ref: Referentiel) -> None:
    builder = Builder(ref)
    builder.add("a.yaml", "pret", Demande(
        quartiers=("borny", "bellecroix"), axes_strategiques=("2",), axes_transversaux=("jeunesse",),
        subvention_demandee=Decimal("7000"),
        financeurs=(("etat", Decimal("4000")), ("ville-de-metz", Decimal("2000")), (None, Decimal("1000"))),
    ))
    builder.add("b.yaml", "a_corriger", Demande(
        quartiers=("borny",), subvention_demandee=Decimal("500"), financeurs=(("inconnu", Decimal("500")),),
    ))
    builder.add("c.yaml", "illisible", Demande())
    builder.add("d.yaml", "illisible", Demande())
    built = builder.build()
    assert (built.totals.sans_montant, built.ready.sans_montant) == (2, 0)
    funders = {r.key: r for r in built.by_funder}
    assert (funders["etat"].subvention_demandee, funders["etat"].subvention_prets) == (Decimal(4000), Decimal(4000))
    assert funders["ville-de-metz"].dossiers_prets == 1
    # An id the référentiel does not know is « non précisé », as a line naming none.
    assert (funders[None].dossiers, funders[None].subvention_demandee, funders[None].subvention_prets) == (
        2, Decimal(1500), Decimal(1000))
    assert sum(r.subvention_demandee for r in built.by_funder) == built.totals.subvention_demandee
    by_qpv = {funder.key: {r.key: r for r in rows} for funder, rows in built.by_funder_qpv}
    assert by_qpv["etat"]["borny"].subvention_demandee == by_qpv["etat"]["bellecroix"].subvention_demandee == 2000
    assert by_qpv["etat"]["borny"].subvention_prets == 2000 and by_qpv[None]["borny"].subvention_prets == 500
    assert by_qpv[None]["borny"].subvention_demandee == Decimal(1000)  # 500 + half of a's 1000
    by_axis = {funder.key: {r.key: r for r in rows} for funder, rows in built.by_funder_axis}
    assert by_axis["etat"]["2"].subvention_prets == 4000 and by_axis[None][None].subvention_demandee == 500
    axes = {r.key: r for r in built.by_strategic_axis}
    transversal = {r.key: r for r in built.by_transversal_axis}
    assert (axes["2"].dossiers_prets, axes["2"].subvention_prets) == (1, Decimal(7000))
    assert (transversal["jeunesse"].dossiers_prets, transversal["jeunesse"].subvention_prets) == (1, Decimal(7000))
    as_json = built.as_json()
    assert as_json["par_financeur"][-1]["cle"] == "non_precise"
    assert [f["cle"] for f in as_json["par_financeur_qpv"]][-1] == "non_precise"


def test_a_priority_claimed_names_its_first_files_and_counts_the_others(ref: Referentiel) -> None:
    priority = ref.priorites[0].id
    builder = Builder(ref)
    for n in range(5):
        builder.add(f"{n}.yaml", "pret" if n % 2 else "a_corriger", Demande(priorites=(priority,)))
    [coverage] = [c for c in builder.build().priorities if c.id == priority]
    assert (coverage.dossiers, coverage.prets, coverage.files) == (5, 2, ["0.yaml", "1.yaml", "2.yaml"])
    assert coverage.as_json()["dossiers"] == 5 and coverage.as_json()["dossiers_prets"] == 2
