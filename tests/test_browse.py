"""Browsing Annexe 1 and the QPV: trees, search, JSON, and the two commands."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from rich.console import Console, RenderableType

from cdv_check.cli import browse
from cdv_check.model.referentiel import Referentiel, load, walk
from cdv_check.text.french import french_int


@pytest.fixture(scope="module")
def ref() -> Referentiel:
    return load()


def render(renderable: RenderableType) -> str:
    console = Console(file=io.StringIO(), width=240, color_system=None, legacy_windows=False)
    console.print(renderable)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(out, str)
    return out


def _all_nodes(data: dict[str, Any]) -> list[tuple[str | None, str]]:
    """(code, libelle) of every node of a JSON tree, strategic objectives with code None."""
    return [(node.get("code"), node["libelle"]) for node in _walk_json(data)]


def _expected_nodes(ref: Referentiel) -> list[tuple[str | None, str]]:
    return [(p.code, p.libelle) for p in walk(ref.annexe1)]


# --- objectives --------------------------------------------------------------------------------


def test_json_holds_every_code_and_label(ref: Referentiel) -> None:
    data = browse.objectives_json(ref, None)
    json.dumps(data)  # serialisable as is
    assert _all_nodes(data) == _expected_nodes(ref)
    labels = {(c, label) for c, labels in ref.objective_codes().items() for label in labels}
    assert labels <= set(_all_nodes(data))
    assert len(_all_nodes(data)) == 4 + 15 + 46 + 104


def test_whole_tree_shows_every_code_and_label(ref: Referentiel) -> None:
    out = render(browse.objectives_tree(ref, None))
    for code, label in _expected_nodes(ref):
        if code is not None:
            assert code in out
        assert label.split()[0] in out


def test_subtree_of_an_operational_code(ref: Referentiel) -> None:
    data = browse.objectives_json(ref, "2.7")
    assert data["code"] == "2.7"
    codes = [c for c, _ in _all_nodes(data) if c is not None]
    assert codes == ["2", "2.7", "2.7.1", "2.7.2", "2.7.3", "2.7.4"]
    assert data["axes"][0]["objectifs_strategiques"][0]["libelle"] == (
        "Améliorer la réussite scolaire et lever les difficultés éducatives"
    )
    out = render(browse.objectives_tree(ref, "2.7"))
    assert "2.7.4 Accompagner les décrocheurs de plus de 16 ans" in out
    assert "2.6" not in out and "2.8" not in out


def test_subtree_of_an_axis(ref: Referentiel) -> None:
    data = browse.objectives_json(ref, "4")
    codes = [c for c, _ in _all_nodes(data) if c is not None]
    assert codes == ["4"] + [f"4.{i}" for i in range(1, 15)]


def test_finer_code_printed_twice(ref: Referentiel) -> None:
    data = browse.objectives_json(ref, "1.5.3")
    fins = data["axes"][0]["objectifs_strategiques"][0]["objectifs_operationnels"][0]["objectifs"]
    assert [f["code"] for f in fins] == ["1.5.3", "1.5.3"]
    assert "note" in fins[1]
    out = render(browse.objectives_tree(ref, " 1.5.3 "))
    assert out.count("1.5.3 ") >= 2
    assert "1.5.1" not in out


def test_unknown_code(ref: Referentiel) -> None:
    with pytest.raises(browse.UnknownObjectiveError) as err:
        browse.objectives_tree(ref, "9.9")
    assert err.value.code == "9.9"
    assert err.value.closest and all(c in browse.all_codes(ref) for c in err.value.closest)
    assert "9.9" in str(err.value)
    with pytest.raises(browse.UnknownObjectiveError):
        browse.objectives_json(ref, "1.1.9")


@pytest.mark.parametrize(
    ("code", "near"),
    [("9.9", "1.9"), ("1.11", "1.1"), ("2.7.9", "2.7.4"), ("2,7", "2.7"), ("1.10.3", "1.10.2")],
)
def test_closest_codes(ref: Referentiel, code: str, near: str) -> None:
    assert near in browse.closest_codes(ref, code)


@pytest.mark.parametrize("code", ["1.11", "1.1O", "1.1o"])
def test_the_yaml_traps_give_1_10_first(ref: Referentiel, code: str) -> None:
    assert browse.closest_codes(ref, code)[0] == "1.10"
    result = _run("objectives", code)
    assert result.exit_code == 2 and "Codes proches : 1.10," in result.stderr


def test_search_is_case_and_accent_insensitive(ref: Referentiel) -> None:
    codes = [p.code for p in browse.search_objectives(ref, "sante")]
    assert codes == [None, "2.5", "2.5.2", "2.5.3"]  # None: the strategic objective
    assert [p.code for p in browse.search_objectives(ref, "SANTÉ")] == codes
    assert browse.search_objectives(ref, "") == []
    assert browse.search_objectives(ref, "introuvable") == []


def test_search_needs_every_word(ref: Referentiel) -> None:
    found = browse.search_objectives(ref, "décroch 16")
    assert [p.code for p in found] == ["2.7.3", "2.7.4"]
    # one family of words: décrochage, décrocher, décrocheurs (2.7.4)
    assert [p.code for p in browse.search_objectives(ref, "decrochage")] == ["2.7", "2.7.3", "2.7.4"]


def test_a_verb_finds_its_noun(ref: Referentiel) -> None:
    # issue 19: « apprendre le français » did not find 2.11 « … l'apprentissage du français »
    assert "2.11" in [p.code for p in browse.search_objectives(ref, "apprendre le français")]
    assert "2.11" in [p.code for p in browse.search_objectives(ref, "apprentissage")]
    result = _run("objectives", "--search", "apprendre le français")
    assert result.exit_code == 0 and "2.11" in result.stdout


def _codes(ref: Referentiel, text: str) -> list[str | None]:
    return [p.code for p in browse.search_objectives(ref, text)]


def test_search_takes_whole_words_in_any_form(ref: Referentiel) -> None:
    # « sport » finds sports and « sportives », never « transports » (3.8.1).
    assert _codes(ref, "sport") == ["1.3", "1.3.3"]
    assert _codes(ref, "sports") == ["1.3", "1.3.3"] and "1.3.3" in _codes(ref, "sportive")
    assert "3.8.1" in _codes(ref, "transports") and "3.8.1" in _codes(ref, "transport")
    assert _codes(ref, "jeune") == _codes(ref, "JEUNES")
    assert "1.9" in _codes(ref, "jeunes")


def test_search_words_in_any_order_ranked(ref: Referentiel) -> None:
    assert _codes(ref, "16 décrochage") == _codes(ref, "décrochage 16")
    # « emploi jeunes »: no label holds both; the objective under « …accès à l'emploi… » that is
    # about the young comes, and the priorities that speak of one or the other.
    assert _codes(ref, "emploi jeunes")[0] == "2.13.3"
    assert browse.search_priorities(ref, "emploi jeunes")
    # The best match first: both words before one.
    found = _codes(ref, "femmes emploi")
    assert found[:2] == ["2.1.1", "2.1.2"] or set(found[:2]) <= {"2.1.1", "2.1.2", "2.1.3"}


def test_search_finds_the_priorities_of_the_quartiers(ref: Referentiel) -> None:
    wanted = ["borny-aide-aux-devoirs", "patrotte-metz-nord-aide-aux-devoirs"]
    assert [p.id for p in browse.search_priorities(ref, "devoirs")] == wanted
    assert [p.id for p in browse.search_priorities(ref, "aide aux devoirs")][:2] == wanted
    out = render(browse.search_tree(ref, "aide aux devoirs"))
    assert "borny-aide-aux-devoirs  (Borny)" in out
    assert "patrotte-metz-nord-aide-aux-devoirs  (La Patrotte/Metz Nord)" in out
    assert "Proposer de l'aide aux devoirs." in out
    data = browse.search_json(ref, "devoirs")
    assert [(p["id"], p["quartier"]) for p in data["priorites"]] == [
        ("borny-aide-aux-devoirs", "Borny"), ("patrotte-metz-nord-aide-aux-devoirs", "La Patrotte/Metz Nord")
    ]


def test_a_strategic_or_axis_hit_shows_the_codes_to_give(ref: Referentiel) -> None:
    out = render(browse.search_tree(ref, "jeunesse"))
    assert "Objectif stratégique : Mieux prendre en compte les besoins et envies d'agir de la jeunesse" in out
    assert "codes à indiquer : 1.9, 1.10" in out
    [hit] = browse.search_json(ref, "jeunesse")["classement"]
    assert hit["codes_a_indiquer"] == ["1.9", "1.10"]
    axis = next(p for p in walk(ref.annexe1) if p.code == "4")
    assert browse.usable_codes(axis) == [f"4.{i}" for i in range(1, 15)]


def test_search_tree_and_json(ref: Referentiel) -> None:
    out = render(browse.search_tree(ref, "sante"))
    assert "4 résultats" in out
    assert "Axe 2" in out and "2.5.3 Permettre l'ouverture des droits à la couverture santé" in out
    assert "2.5.1" not in out  # not a match, and matches are shown without their children
    data = browse.search_json(ref, "sante")
    assert data["resultats"] == 4
    matched = [n for n in _walk_json(data) if n.get("correspond")]
    assert [n.get("code") for n in matched] == [None, "2.5", "2.5.2", "2.5.3"]
    assert "aucun" in render(browse.search_tree(ref, "xyzzy")).lower()


def _walk_json(data: dict[str, Any]) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    for axe in data["axes"]:
        nodes.append(axe)
        for strat in axe["objectifs_strategiques"]:
            nodes.append(strat)
            for op in strat["objectifs_operationnels"]:
                nodes.append(op)
                nodes.extend(op["objectifs"])
    return nodes


def test_labels_are_not_read_as_markup(ref: Referentiel) -> None:
    data = ref.model_dump()
    data["annexe1"][0]["objectifs_strategiques"][0]["objectifs_operationnels"][0]["libelle"] = (
        "En luttant [bold]contre[/bold] [link=x]"
    )
    odd = Referentiel.model_validate(data)
    assert "En luttant [bold]contre[/bold] [link=x]" in render(browse.objectives_tree(odd, "1.1"))


# --- QPV ---------------------------------------------------------------------------------------


def test_french_numbers() -> None:
    assert french_int(10140) == "10 140"
    assert french_int(980) == "980"
    assert french_int(1234567) == "1 234 567"
    assert browse.format_euros(7400) == "7 400 €"


def test_qpv_table(ref: Referentiel) -> None:
    out = render(browse.qpv_table(ref))
    for q in ref.qpv:
        assert q.nom in out and q.commune in out
        assert q.habitants is not None and q.revenu_median is not None
        assert french_int(q.habitants) in out
        assert browse.format_euros(q.revenu_median) in out
    assert "10 140" in out and "7 400 €" in out
    assert "Tous QPV" in out and "27 402" in out
    for p in ref.priorites:
        assert p.id in out
    assert "Aide aux devoirs pour le quartier Michelet-Bergson." in out


def test_qpv_json(ref: Referentiel) -> None:
    data = browse.qpv_json(ref)
    json.dumps(data)
    assert [q["slug"] for q in data["qpv"]] == [q.slug for q in ref.qpv]
    borny = data["qpv"][0]
    assert (borny["nom"], borny["commune"], borny["habitants"], borny["revenu_median"]) == (
        "Borny",
        "Metz",
        10140,
        7400,
    )
    aide = {"id": "borny-aide-aux-devoirs", "texte": "Aide aux devoirs pour le quartier Michelet-Bergson."}
    assert aide in borny["priorites"]
    assert len(data["tous_qpv"]["priorites"]) == 16
    listed = len(data["tous_qpv"]["priorites"]) + sum(len(q["priorites"]) for q in data["qpv"])
    assert listed == len(ref.priorites) == 36
    assert data["population"]["habitants"] == 27402


# --- the commands ------------------------------------------------------------------------------


def _app() -> Any:
    from cdv_check.cli.app import app

    return app


def _run(*args: str) -> Any:
    from typer.testing import CliRunner

    return CliRunner().invoke(_app(), list(args))


def test_cli_objectives_json_holds_every_code(ref: Referentiel) -> None:
    result = _run("objectives", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert _all_nodes(data) == _expected_nodes(ref)


def test_cli_objectives_subtree() -> None:
    result = _run("objectives", "2.7")
    assert result.exit_code == 0, result.output
    assert "2.7.1" in result.stdout and "2.7.4" in result.stdout
    assert "2.8" not in result.stdout


def test_cli_objectives_unknown_code() -> None:
    result = _run("objectives", "9.9")
    assert result.exit_code == 2
    assert "9.9" in result.stderr
    assert "1.9" in result.stderr


def test_cli_objectives_search() -> None:
    result = _run("objectives", "--search", "sante")
    assert result.exit_code == 0, result.output
    assert "2.5.3" in result.stdout
    result = _run("objectives", "--search", "sante", "--format", "json")
    assert json.loads(result.stdout)["resultats"] == 4


def test_a_search_text_is_shown_inert() -> None:
    result = _run("objectives", "--search", "[bold]rien\x1b[2J")
    assert result.exit_code == 0
    assert "Aucun objectif ni aucune priorité ne contient « [bold]rien [2J »." in result.stdout
    assert "\x1b" not in result.stdout


def test_cli_qpv_one_quartier() -> None:
    result = _run("qpv", "borny")
    assert result.exit_code == 0, result.output
    assert "Borny (Metz)" in result.stdout and "borny-aide-aux-devoirs" in result.stdout
    assert "Bellecroix" not in result.stdout and "bellecroix-hors-les-murs" not in result.stdout
    assert "tous-discriminations-egalite" in result.stdout  # « Tous QPV » applies to Borny too
    data = json.loads(_run("qpv", "BORNY", "--format", "json").stdout)
    assert [q["slug"] for q in data["qpv"]] == ["borny"]
    assert "Sablon Sud (Metz)" in _run("qpv", "sablon").stdout  # the words of one QPV's name
    woippy = json.loads(_run("qpv", "woippy", "--format", "json").stdout)  # a commune: its QPV
    assert [q["slug"] for q in woippy["qpv"]] == ["saint-eloy-boileau-pre-genie"]
    result = _run("qpv", "la patrote")
    assert result.exit_code == 2 and "Vouliez-vous dire « La Patrotte/Metz Nord » ?" in result.stderr


def test_cli_qpv() -> None:
    result = _run("qpv")
    assert result.exit_code == 0, result.output
    assert "Borny" in result.stdout
    data = json.loads(_run("qpv", "--format", "json").stdout)
    assert len(data["qpv"]) == 6
