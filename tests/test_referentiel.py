"""The embedded référentiel holds the 2016 call exactly, and a broken one is refused."""

from __future__ import annotations

import copy
import json
import unicodedata
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from cdv_check.model import referentiel
from cdv_check.model.referentiel import Referentiel, ReferentielError, embedded_path, fold, fold_together, load
from cdv_check.reading.loading import read_structured
from conftest import yaml_data, yaml_text

ROOT = Path(__file__).resolve().parents[1]


@cache
def _parsed() -> dict[str, Any]:
    data = yaml_data(embedded_path().read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _raw() -> dict[str, Any]:
    """The embedded référentiel as PyYAML reads it: parsed once, a copy of its own for each test."""
    return copy.deepcopy(_parsed())


@pytest.fixture(scope="module")
def ref() -> Referentiel:
    return load()


def _fins(ref: Referentiel, axis: str) -> list[tuple[str, str]]:
    return [
        (fin.code, fin.libelle)
        for axe in ref.annexe1
        if axe.code == axis
        for strat in axe.objectifs_strategiques
        for op in strat.objectifs_operationnels
        for fin in op.objectifs
    ]


def test_identity(ref: Referentiel) -> None:
    assert ref.id == "metz-metropole-2016"
    assert ref.appel.titre == "Appel à projets 2016"
    assert ref.appel.contrat == "Contrat de Ville de Metz Métropole 2015-2020"
    assert ref.appel.date_signature == date(2015, 7, 3)
    assert len(ref.appel.signataires) == 19
    assert [p.id for p in ref.appel.piliers] == [
        "cohesion_sociale",
        "cadre_de_vie_renouvellement_urbain",
        "developpement_economique_emploi",
    ]
    assert [a.id for a in ref.appel.axes_transversaux] == [
        "egalite_femmes_hommes",
        "lutte_discriminations",
        "jeunesse",
    ]


def test_qpv_and_their_figures(ref: Referentiel) -> None:
    figures = {q.slug: (q.nom, q.commune, q.habitants, q.revenu_median) for q in ref.qpv}
    assert figures == {
        "borny": ("Borny", "Metz", 10140, 7400),
        "bellecroix": ("Bellecroix", "Metz", 3230, 8300),
        "hauts-de-vallieres": ("Hauts-de-Vallières", "Metz", 1302, 9400),
        "sablon-sud": ("Sablon Sud", "Metz", 1350, 8900),
        "patrotte-metz-nord": ("La Patrotte/Metz Nord", "Metz", 3080, 10300),
        "saint-eloy-boileau-pre-genie": ("Saint Eloy-Boileau Pré Génie", "Woippy/Metz", 8300, 9700),
    }
    assert ref.population is not None
    assert sum(q.habitants or 0 for q in ref.qpv) == ref.population.habitants == 27402
    assert ref.population.part_agglomeration_pct == Decimal("12.3")
    assert "CGET" in ref.population.source


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("HAUTS DE VALLIERES", "hauts-de-vallieres"),
        ("borny", "borny"),
        ("Borny", "borny"),
        ("Metz Nord", "patrotte-metz-nord"),
        ("La Patrotte/Metz Nord", "patrotte-metz-nord"),
        ("patrotte", "patrotte-metz-nord"),
        ("Saint-Éloy", "saint-eloy-boileau-pre-genie"),
        ("Boileau", "saint-eloy-boileau-pre-genie"),
        ("pré génie", "saint-eloy-boileau-pre-genie"),
        ("sablon sud", "sablon-sud"),
    ],
)
def test_qpv_by_spelling(ref: Referentiel, typed: str, slug: str) -> None:
    found = ref.qpv_by_spelling(typed)
    assert found is not None and found.slug == slug


def test_qpv_by_spelling_unknown(ref: Referentiel) -> None:
    assert ref.qpv_by_spelling("Montigny-lès-Metz") is None
    assert ref.qpv_by_spelling("Metz") is None


def test_annexe1_counts(ref: Referentiel) -> None:
    assert [a.code for a in ref.annexe1] == ["1", "2", "3", "4"]
    # Section 2 of the call says « 14 objectifs stratégiques »; its Annexe 1 table holds 15
    # (4 + 4 + 3 + 4). The référentiel follows the table.
    strategic = [len(a.objectifs_strategiques) for a in ref.annexe1]
    assert strategic == [4, 4, 3, 4]
    assert sum(strategic) == 15
    operational = [
        [op.code for s in a.objectifs_strategiques for op in s.objectifs_operationnels]
        for a in ref.annexe1
    ]
    assert [len(ops) for ops in operational] == [10, 13, 9, 14]
    for axe, ops in zip(ref.annexe1, operational, strict=True):
        assert ops == [f"{axe.code}.{i}" for i in range(1, len(ops) + 1)]
    assert [len(_fins(ref, a)) for a in "1234"] == [31, 36, 37, 0]
    codes = ref.objective_codes()
    assert len(codes) == 46 + 103  # 104 finer objectives, 1.5.3 twice


def test_operational_children_counts(ref: Referentiel) -> None:
    counts = {
        op.code: len(op.objectifs)
        for a in ref.annexe1
        for s in a.objectifs_strategiques
        for op in s.objectifs_operationnels
    }
    assert counts["1.4"] == 4  # 1.4.3 and 1.4.4 are printed in the wrong column
    assert counts["1.5"] == 5  # 1.5.1, 1.5.2, 1.5.3 twice, 1.5.4
    assert counts["2.5"] == 3  # 2.5.3 printed in the wrong column
    assert counts["2.10"] == 2  # 2.10.2 likewise
    assert counts["2.13"] == 3  # 2.13.3 likewise
    assert counts["3.9"] == 8
    assert all(counts[f"4.{i}"] == 0 for i in range(1, 15))


def test_rejoined_labels(ref: Referentiel) -> None:
    assert ref.objective_codes()["1.5.3"][0] == (
        "Réaliser des aménagements urbains de qualité prenant en compte les usages, les enjeux "
        "de gestion et de sûreté et anticipant les évolutions et mutations futures"
    )
    op = ref.operational("3.9")
    assert op is not None
    assert op.libelle == (
        "En accompagnant et pérennisant les aménagements réalisés et ceux à venir "
        "(par une gestion urbaine et sociale de proximité)"
    )


def test_code_153_printed_twice(ref: Referentiel) -> None:
    entries = [f for f in (ref.operational("1.5") or pytest.fail()).objectifs if f.code == "1.5.3"]
    assert len(entries) == 2
    assert entries[0].note is None
    assert entries[1].libelle == "Développer et diffuser des contenus médiatiques"
    assert entries[1].note
    assert len(ref.objective_codes()["1.5.3"]) == 2
    assert ref.objective_codes()["1.5.4"] == ["En valorisant les talents et réussites des habitants"]


def test_labels_have_no_code_prefix(ref: Referentiel) -> None:
    for code, labels in ref.objective_codes().items():
        for label in labels:
            assert label[:1].isupper(), (code, label)
            assert label == label.strip()


def test_priorities(ref: Referentiel) -> None:
    slugs = {q.slug for q in ref.qpv}
    assert all(p.qpv is None or p.qpv in slugs for p in ref.priorites)
    per_qpv = {slug: sum(p.qpv == slug for p in ref.priorites) for slug in [None, *slugs]}
    assert per_qpv == {
        None: 16,
        "borny": 5,
        "bellecroix": 3,
        "hauts-de-vallieres": 1,
        "sablon-sud": 2,
        "patrotte-metz-nord": 3,
        "saint-eloy-boileau-pre-genie": 6,
    }
    by_id = {p.id: p for p in ref.priorites}
    aide = by_id["borny-aide-aux-devoirs"]
    assert aide.qpv == "borny"
    assert aide.texte == "Aide aux devoirs pour le quartier Michelet-Bergson."
    for p in ref.priorites:
        prefix = "tous" if p.qpv is None else p.qpv
        assert p.id.startswith(prefix + "-"), p.id
    # Same text, different QPV, different ids.
    debris = [p for p in ref.priorites if "jet de débris" in p.texte]
    assert [p.qpv for p in debris] == ["borny", "patrotte-metz-nord"]
    assert [p.id for p in ref.priorities_for({"sablon-sud"})][-2:] == [
        "sablon-sud-place-sans-nom",
        "sablon-sud-entrees-immeuble",
    ]


def test_calendar_and_pieces(ref: Referentiel) -> None:
    cal = ref.calendrier
    assert cal.date_limite == date(2016, 1, 10)
    assert (cal.annee_action.debut, cal.annee_action.fin) == (date(2016, 1, 1), date(2016, 12, 31))
    assert [(p.debut, p.fin) for p in cal.annees_scolaires] == [
        (date(2015, 9, 1), date(2016, 8, 31)),
        (date(2016, 9, 1), date(2017, 8, 31)),
    ]
    assert [(p.id, p.regle, p.condition) for p in ref.pieces] == [
        ("cerfa", "PCE01", "toujours"),
        ("fiche_synthese", "PCE02", "toujours"),
        ("rib", "PCE03", "toujours"),
        ("rapport_activite", "PCE04", "toujours"),
        ("statuts_bureau", "PCE05", "premiere_demande_ou_changement_statuts"),
        ("bilan_precedent", "PCE06", "renouvellement"),
        ("bilan_intermediaire", "PCE06", "renouvellement"),
    ]
    assert [p.id for p in ref.pieces if p.pdf] == ["cerfa"]
    assert ref.depot.cerfa == "12156*03"
    assert ref.depot.saisie_en_ligne == "extranet.lacse.fr"
    assert ref.depot.courriel == "contratdeville@metzmetropole.fr"
    assert ref.depot.contact_codes_extranet == "Préfecture de Moselle"


def test_statuts_criteres_contacts(ref: Referentiel) -> None:
    assert {s.id: s.eligible for s in ref.statuts_porteur} == {
        "association": True,
        "bailleur": True,
        "collectivite": True,
        "etablissement_public": True,
        "autre": False,
    }
    assert len(ref.criteres_eligibilite) == 3
    assert len(ref.criteres_examen) == 5
    assert [c.nom for c in ref.contacts] == [
        "Patricia METZEN",
        "Jennifer NICOLAS",
        "Sandy ARON",
        "Alexis LAMBERT",
        "Brigitte ARNOULD",
    ]
    assert ref.contacts[3].telephone == "03 87 55 56 48"
    assert ref.seuils.besoin_longueur_min == 80


# --- a broken référentiel is refused ---------------------------------------------------------


def _broken_priority(data: dict[str, Any]) -> None:
    data["priorites"][0]["qpv"] = "montigny"


def _orphan_finer(data: dict[str, Any]) -> None:
    op = data["annexe1"][0]["objectifs_strategiques"][0]["objectifs_operationnels"][0]
    op["objectifs"].append({"code": "1.99.1", "libelle": "Sous un objectif absent"})


def _operational_twice(data: dict[str, Any]) -> None:
    ops = data["annexe1"][1]["objectifs_strategiques"][0]["objectifs_operationnels"]
    ops.append(copy.deepcopy(ops[0]))


def _unknown_field(data: dict[str, Any]) -> None:
    data["qpv"][0]["habitant"] = 3


def _code_as_number(data: dict[str, Any]) -> None:
    data["annexe1"][0]["objectifs_strategiques"][0]["objectifs_operationnels"][0]["code"] = 1.1


def _axis_title_drifted(data: dict[str, Any]) -> None:
    data["annexe1"][0]["intitule"] = "Développer les quartiers"


BREAKAGES = {
    "axis-title-not-the-quoted-one": (_axis_title_drifted, "axe 1"),
    "priority-unknown-qpv": (_broken_priority, "montigny"),
    "finer-under-missing-operational": (_orphan_finer, "1.99.1"),
    "operational-twice": (_operational_twice, "2.1"),
    "unknown-field": (_unknown_field, "habitant"),
    "code-as-number": (_code_as_number, "code"),
}


@pytest.mark.parametrize("name", BREAKAGES)
def test_broken_referentiel_is_refused(name: str) -> None:
    breakage, mentioned = BREAKAGES[name]
    data = _raw()
    breakage(data)
    with pytest.raises(ValidationError, match=mentioned):
        Referentiel.model_validate(data)


def test_duplicate_finer_code_is_accepted() -> None:
    # The call prints 1.5.3 twice; only x.y codes must be unique.
    Referentiel.model_validate(_raw())


def test_load_reports_a_broken_file(tmp_path: Path) -> None:
    data = _raw()
    _broken_priority(data)
    broken = tmp_path / "referentiel.yaml"
    broken.write_text(yaml_text(data), encoding="utf-8")
    with pytest.raises(ReferentielError, match="montigny"):
        load(broken)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "empty.yaml:1:1: un référentiel est un ensemble de clés"),
        ("- a\n", "empty.yaml:1:1: un référentiel est un ensemble de clés"),
        ("id: x\nappel: {}\n", "empty.yaml:2:8: appel.id : clé obligatoire absente"),
    ],
)
def test_load_says_what_is_wrong_in_french(tmp_path: Path, text: str, said: str) -> None:
    broken = tmp_path / "empty.yaml"
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(ReferentielError) as caught:
        load(broken)
    assert said in str(caught.value)
    assert "Input should" not in str(caught.value) and "Field required" not in str(caught.value)


def test_load_of_a_missing_file_shows_no_made_up_position(tmp_path: Path) -> None:
    with pytest.raises(ReferentielError, match=r"absent\.yaml: Fichier illisible"):
        load(tmp_path / "absent.yaml")


@given(st.text(
    alphabet=st.characters(max_codepoint=0x36F)
    | st.sampled_from("\u00a0\u202f\u034f\u0483\u1ab0\u20d0\ufe20ﬁœß²́Ωй東😀’…—«»°\u2070\u2071\u2066")
))
@example("a\u034fb")
@example("Cre\u0301teil \u2014 Bellecroix")
@example("a\u20d0b")
@example("Association de quartier n\u00b0 1 \u2014 l\u2019\u00e9t\u00e9")
@settings(max_examples=max(1000, getattr(settings.default, "max_examples", 0)))  # the long profile's when larger
def test_fold_reads_latin_text_as_every_text(text: str) -> None:
    # The shortcut for Latin texts (ASCII once the accents are dropped) gives what the
    # letter-by-letter reading gives, the grapheme joiner U+034F and non-Latin marks included.
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    assert fold(text) == " ".join(kept.split())


_LATIN_AND_MORE = st.characters(max_codepoint=0x36F) | st.sampled_from(
    "\u00a0\u202f\u034f\u0483\u1ab0\u20d0\ufe20ﬁœß²́Ωй東😀’…—«»°\u2070\u2071\u2066\u1d2c\ud800"
)


@given(st.lists(st.text(alphabet=_LATIN_AND_MORE)))
@example(["Crèche « l’été »", "mise en œuvre", "ᴬbc", "", "  ", "x\u0301"])
@example(["a\x00b", "c"])
@example(["".join(map(chr, range(0xC0, 0x180))), "œ" + "".join(map(chr, range(0xFF21, 0xFF5B)))])  # many to fold
@settings(max_examples=max(300, getattr(settings.default, "max_examples", 0)), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # a loaded machine
def test_fold_together_folds_each_text_as_fold(texts: list[str]) -> None:
    together = fold_together(texts)
    if any("\x00" in text for text in texts):
        assert together is None
        return
    assert together is not None
    data, others = together
    parts = data.split(b"\x00")
    assert len(parts) == max(1, len(texts))
    for index, text in enumerate(texts):
        if index in others:
            assert any(fold(c) != fold(c).lower() or not fold(c).isascii() for c in text)
        else:
            assert parts[index].isascii()
            assert " ".join(parts[index].decode().split()) == fold(text)


# --- the référentiel compiled into the wheel ----------------------------------------------------

def _hatch_build() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("hatch_build", ROOT / "hatch_build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_wheel_json_loads_as_the_yaml_s_referentiel() -> None:
    hook = _hatch_build()
    assert hook.COMPILED_NAME == referentiel.COMPILED_NAME  # the file the build writes is the one load() reads
    compiled = json.loads(hook.compiled_json(ROOT))
    assert Referentiel.model_validate(compiled) == load.__wrapped__(ROOT / "data" / "referentiel.yaml")
    assert compiled.keys() == read_structured(ROOT / "data" / "referentiel.yaml").data.keys()  # no default added


def test_a_referentiel_that_is_not_valid_stops_the_build_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    text = (ROOT / "data" / "referentiel.yaml").read_text(encoding="utf-8")
    assert text.count("\nid: ") == 1
    (tmp_path / "data" / "referentiel.yaml").write_text(text.replace("\nid: ", "\nid: [liste]\nautre: "),
                                                      encoding="utf-8")
    (tmp_path / "src").symlink_to(ROOT / "src")
    with pytest.raises(referentiel.ReferentielError, match=r"referentiel\.yaml:\d+:\d+"):
        _hatch_build().compiled_json(tmp_path)


def test_the_embedded_referentiel_is_the_yaml_whichever_file_is_read() -> None:
    # Installed from a wheel, load() reads the JSON; from a checkout, the YAML: the same référentiel.
    from_yaml = Referentiel.model_validate(read_structured(embedded_path()).data)
    assert load.__wrapped__() == from_yaml


def test_load_reads_the_json_beside_the_package_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = read_structured(ROOT / "data" / "referentiel.yaml").data
    data["id"] = "lu-dans-le-json"
    compiled = tmp_path / "referentiel.json"
    compiled.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(referentiel, "COMPILED_PATH", compiled)
    assert load.__wrapped__().id == "lu-dans-le-json"
    # An explicit --referentiel is always the file given.
    assert load.__wrapped__(ROOT / "data" / "referentiel.yaml").id == "metz-metropole-2016"


def test_a_json_that_does_not_validate_gives_way_to_the_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    compiled = tmp_path / "referentiel.json"
    compiled.write_text(json.dumps({"id": "incomplet"}), encoding="utf-8")
    monkeypatch.setattr(referentiel, "COMPILED_PATH", compiled)
    assert load.__wrapped__().id == "metz-metropole-2016"
    monkeypatch.setattr(referentiel, "COMPILED_PATH", tmp_path / "absent.json")
    assert load.__wrapped__().id == "metz-metropole-2016"


def test_names_looked_up_are_remembered_within_bounds() -> None:
    ref = Referentiel.model_validate(_raw())
    for n in range(referentiel._REMEMBERED + 10):
        ref.financeur_by_spelling(f"financeur {n}")
    assert len(ref._financeur_named_before) <= referentiel._REMEMBERED
    long_name = "Ville de Metz " * 100
    assert ref.financeur_by_spelling(long_name) is None and long_name not in ref._financeur_named_before
    assert ref.financeur_by_spelling("Etat") is ref.financeur_by_spelling("Etat") is not None
    assert ref.qpv_named("Borny") == ref.qpv_named("Borny") != ()


def test_fold_together_folds_french_text_without_fold() -> None:
    assert fold_together(["Crèche « l’été »", "ÉCOLE ﬁn", ""]) == (b"creche   l ete  \x00ecole fin\x00", [])
    assert fold_together(["mise en œuvre", "ᴬ", "e\u0301"]) == (b"mise en \xc5\x93uvre\x00\xe1\xb4\xac\x00e", [0, 1])
    assert fold_together([]) == (b"", [])
    assert referentiel._character_fold("é") == "e" and referentiel._character_fold("œ") is None


def test_each_character_is_folded_once_and_names_of_up_to_200_characters_are_remembered() -> None:
    referentiel._CHARACTER_FOLDS.clear()
    assert [referentiel._character_fold(c) for c in "éœ’ﬁᴬ²"] == ["e", None, " ", "fi", None, "2"]
    assert referentiel._CHARACTER_FOLDS == {"é": "e", "œ": None, "’": " ", "ﬁ": "fi", "ᴬ": None, "²": "2"}
    known: dict[str, Any] = {}
    referentiel._remember(known, "n" * 200, 1)
    referentiel._remember(known, "n" * 201, 2)
    assert known == {"n" * 200: 1}
    for n in range(referentiel._REMEMBERED - 1):
        referentiel._remember(known, str(n), n)
    assert len(known) == referentiel._REMEMBERED
    referentiel._remember(known, "de trop", 0)
    assert known == {"de trop": 0}


def test_a_copy_with_other_values_does_not_keep_what_was_worked_out_from_the_old_ones() -> None:
    # A library user (or a test) who copies the référentiel with other pieces or QPV must get
    # lookups of the copy, not the original's, cached before the copy was made.
    ref = load()
    assert len(ref.piece_ids) == len(ref.pieces) > 2 and ref.qpv_by_spelling(ref.qpv[-1].nom) is not None
    copied = ref.model_copy(update={"pieces": ref.pieces[:2], "qpv": ref.qpv[:1]})
    assert copied.piece_ids == {p.id for p in ref.pieces[:2]}
    assert copied.qpv_by_spelling(ref.qpv[-1].nom) is None
    assert len(ref.piece_ids) == len(ref.pieces)  # the original keeps its own
