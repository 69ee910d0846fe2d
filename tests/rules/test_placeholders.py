"""SCH09: a text that still holds a placeholder, or says nothing, is one error at its place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from typer.testing import CliRunner

from cdv_check.cli.app import app
from cdv_check.core.checker import Settings, check_path
from cdv_check.core.findings import Severity
from cdv_check.core.registry import all_rules
from cdv_check.model.placeholders import Loc, placeholder_reason, placeholders, texts
from cdv_check.model.referentiel import load
from conftest import TODAY, MakeCase

LIEU = "lieu: Centre social de Bellecroix"
LIBELLE = "libelle: Location de machines à coudre"
PARTENAIRES = "Pôle Emploi Metz Borny, Mission"
MODALITES = (
    "modalites: Bilan à mi-parcours et en fin d'année avec les partenaires ; entretien avec chaque participante."
)


def test_every_placeholder_of_the_init_template_is_one_sch09_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(app, ["init", "--no-input"]).exit_code == 0
    path = tmp_path / "dossier.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    placeholders = {n for n, line in enumerate(lines, 1) if "À compléter" in line and not line.lstrip().startswith("#")}
    assert len(placeholders) >= 10  # the carrier, the action, its evaluation and the budget
    findings = check_path(path, load(), Settings(today=TODAY, check_files=False)).findings
    flagged = [f.line or 0 for f in findings if f.rule == "SCH09"]
    assert sorted(flagged) == sorted(placeholders)
    # One cause, one finding: nothing else is said of a value still to replace.
    refused = {f.path for f in findings if f.rule == "SCH09"}
    assert [f.rule for f in findings if f.path in refused and f.rule != "SCH09"] == []


@pytest.mark.parametrize(
    "value",
    ["TODO", "todo : à écrire", "xxx", "XXXX XXX", "...", "…", "?", "à définir", "A DEFINIR",
     "Lorem ipsum dolor sit amet", "À  compléter plus tard", "A completer", "Voir TODO ici"],
)
def test_a_value_that_says_nothing_is_refused_wherever_it_is(make_case: MakeCase, value: str) -> None:
    case = make_case({LIEU: f'lieu: "{value}"'})
    findings = case.check().findings
    [finding] = [f for f in findings if f.rule == "SCH09"]
    assert finding.severity is Severity.ERROR
    assert finding.path == "action.lieu"
    assert (finding.line, finding.column) == (case.line_of("  lieu:"), 9)
    assert "retirez la ligne" in finding.advice  # lieu is optional


def test_budget_labels_and_list_items_are_texts_too(make_case: MakeCase) -> None:
    case = make_case({LIBELLE: "libelle: TODO", PARTENAIRES: "xxx, Mission"})
    paths = {f.path for f in case.findings("SCH09")}
    assert paths == {"budget.charges[1].libelle", "action.partenaires[1]"}


def test_a_list_item_after_a_refused_one_is_named_at_its_place_in_the_file(make_case: MakeCase) -> None:
    # The refused first item is left out of the model, where « xxx » becomes item 0; the finding
    # still names item 1, at its own column.
    case = make_case({"Centre social de Bellecroix, Pôle Emploi Metz Borny": "{a: 1}, xxx"})
    [refused] = case.findings("SCH04")
    [finding] = case.findings("SCH09")
    assert refused.path == "action.partenaires[0]"
    assert finding.path == "action.partenaires[1]"
    line = case.line_of("  partenaires:")
    assert (finding.line, finding.column) == (line, case.text.splitlines()[line - 1].index("xxx") + 1)


def test_a_substantive_text_shorter_than_the_threshold_says_nothing(make_case: MakeCase) -> None:
    case = make_case({MODALITES: "modalites: Bilan."})
    [finding] = case.findings("SCH09")
    assert finding.path == "action.evaluation.modalites"
    assert "6 caractères, au moins 20 attendus" in finding.message
    assert "modalités d'évaluation de l'action" in finding.advice


def test_a_need_that_says_nothing_is_an_error_not_also_a_short_need(make_case: MakeCase) -> None:
    case = make_case(text=_example().replace(_besoin_block(), "  besoin: Desc\n"))
    assert [f.path for f in case.findings("SCH09")] == ["action.besoin"]
    assert case.findings("ELG05") == []


def test_ordinary_words_are_not_placeholders(make_case: MakeCase) -> None:
    case = make_case({
        LIEU: "lieu: Permanence pour aider les familles à compléter leurs dossiers",
        PARTENAIRES: "Maison des XXXe siècles, Mission",
    })
    assert case.findings("SCH09") == []


def test_the_lists_live_in_the_referentiel() -> None:
    ref = load()
    assert "À compléter" in ref.textes_a_completer.en_tete
    assert {"TODO", "xxx", "lorem ipsum"} <= set(ref.textes_a_completer.partout)
    assert ref.seuils.textes_longueur_min["action.description"] > 0


def test_sch09_is_documented_in_fixed_parts() -> None:
    explanation = all_rules()["SCH09"].explanation
    parts = ["L'appel :", "Ce qui est vérifié :", "Exemple refusé :", "Correction :", "Que faire :"]
    positions = [explanation.index(p) for p in parts]
    assert positions == sorted(positions)


def _example() -> str:
    from conftest import VALID_EXAMPLE

    return (VALID_EXAMPLE / "dossier.yaml").read_text(encoding="utf-8")


def _besoin_block() -> str:
    lines = _example().splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("  besoin:"))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith("    "))
    return "".join(lines[start:end])


class _Line(BaseModel):
    libelle: str | None = None


class _Texts(BaseModel):
    besoin: str | None = None
    lieu: str | None = None
    partenaires: list[str] = []
    lignes: list[_Line] = []


_WORDS = st.sampled_from([
    "TODO", "todo", "Tbd", "FIXME", "xxx", "XXXX", "x", "xx", "lorem", "ipsum", "Lorem  ipsum", "À", "a", "compléter",
    "completer", "définir", "À compléter :", "A  DEFINIR", "...", "?", "…", "«", "»", "’", "-", "œuvre", "Crèche",
    "ᴬ", "ﬁn", "\u00a0", "\u0301", "\ud800", "Ω", "atelier", "Borny", "2016", "", " ", "\t", "\n", "\x00",
])
_CLEAN = st.sampled_from([
    "atelier", "Borny", "2016", "Crèche", "œuvre", "ᴬ", "ﬁn", "’", "«", "»", "\u00a0", "\u0301", "a", "compléter",
    "définir", "x", "xx", "xx-x", "lorem", "todos", "Ω", "\ud800", "l’été", "-", "n°",
])
"""Words that make no placeholder but together (« a compléter »)."""


def _texts_of(words: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, Any]]:
    text = st.lists(words, min_size=1, max_size=6).map(" ".join)
    return st.fixed_dictionaries({
        "besoin": text, "lieu": text, "partenaires": st.lists(text, max_size=4),
        "lignes": st.lists(text.map(lambda x: _Line(libelle=x)), max_size=3),
    })


@given(st.one_of(_texts_of(_CLEAN), _texts_of(_WORDS), _texts_of(st.text(max_size=8))))
@settings(max_examples=max(200, getattr(settings.default, "max_examples", 0)), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # a loaded machine
def test_placeholders_of_all_texts_at_once_are_those_of_each_text(fields: dict[str, Any]) -> None:
    # Folding all the texts together and looking closely only at the suspects finds what
    # placeholder_reason finds on each text, in the same order.
    model = _Texts(**fields)
    minimum_at: dict[Loc, str] = {("besoin",): "action.besoin"}
    expected = [
        (text, minimum_at.get(text.loc, ""), reason)
        for text in texts(model)
        if (reason := placeholder_reason(text.value, REF, minimum_at.get(text.loc, ""))) is not None
    ]
    assert list(placeholders(model, REF, minimum_at)) == expected


REF = load()


def test_what_is_done_with_a_value_is_decided_once_per_type() -> None:
    from datetime import date as day
    from decimal import Decimal

    from cdv_check.model import placeholders as ph

    class _Name(str):
        pass

    ph._KINDS.clear()
    assert [ph._kind(cls) for cls in (str, _Name, _Line, _Texts, dict, list, type(None), int, Decimal, day)] == [
        ph._STR, ph._STR, ph._MODEL, ph._MODEL, ph._DICT, ph._LIST, ph._NOTHING, ph._NOTHING, ph._NOTHING, ph._NOTHING
    ]
    assert ph._KINDS[_Name] == ph._STR and len(ph._KINDS) == 10
    ph._KINDS.clear()
    model = _Texts(besoin="a", partenaires=["b"], lignes=[_Line(libelle="c"), _Line()])
    assert [t.loc for t in texts(model)] == [("besoin",), ("partenaires", 0), ("lignes", 0, "libelle")]


def test_only_the_texts_that_may_hold_a_placeholder_are_looked_at_closely() -> None:
    from cdv_check.model.placeholders import _needles, _suspects

    # A French dossier's texts: none is a suspect; « œ » is folded by fold(), its text a suspect.
    assert _suspects(["Atelier « couture » à l’été", "Crèche n° 2", "pieces/rib.pdf"], REF) == set()
    assert _suspects(["Atelier", "mise en œuvre", "Bilan"], REF) == {1}
    for suspect in ("TODO", "xxxx", "…", " ", "À compléter", "Voir lorem ipsum"):
        assert _suspects(["Atelier", suspect], REF) is None, suspect
    assert _suspects(["a\x00b"], REF) is None
    # The longest word of each head and marker; a word beyond lowercase ASCII cannot be in a text
    # folded into ASCII.
    assert _needles((("a completer", "œuvre a faire"), ((" todo ", "TODO"), (" lorem ipsum ", "lorem ipsum")))) == (
        b" xxx", b" completer ", b" todo ", b" lorem "
    )
    # A word, not a part of one; in any text, the first or the last.
    for suspect in ("todo", "Voir : TODO.", "à compléter"):
        assert _suspects([suspect, "Atelier"], REF) is None and _suspects(["Atelier", suspect], REF) is None
    assert _suspects(["todos", "método", "xxx", "Atelier"], REF) is None  # « xxx » begins a filler
    assert _suspects(["todos", "método", "Atelier"], REF) == set()


def test_a_text_of_just_the_minimum_length_is_long_enough() -> None:
    minimum = REF.seuils.textes_longueur_min["action.besoin"]
    assert placeholder_reason("b" * minimum, REF, "action.besoin") is None
    assert "au moins" in (placeholder_reason("b" * (minimum - 1), REF, "action.besoin") or "")
    model = _Texts(besoin="b" * (minimum - 3) + "   b")  # spaces joined: one short of the minimum
    assert [path for _, path, _ in placeholders(model, REF, {("besoin",): "action.besoin"})] == ["action.besoin"]


def test_fields_typed_only_as_numbers_dates_or_yes_no_are_not_looked_at_for_texts() -> None:
    from datetime import date, datetime
    from decimal import Decimal
    from typing import Annotated, Any, Optional, Union

    from pydantic import BeforeValidator

    from cdv_check.model import placeholders as module
    from cdv_check.model.dossier import Action, LigneBudget

    never = module._never_text
    assert never(bool) and never(int) and never(Decimal) and never(date) and never(datetime) and never(type(None))
    assert never(Optional[Annotated[bool, BeforeValidator(bool)]])  # noqa: UP045 (the form pydantic reports)
    assert never(Decimal | None) and never(Union[int, date, None])  # noqa: UP007
    for maybe in (str, str | None, list[str], dict[str, str | None], Any, Annotated[str, "x"], int | str, LigneBudget,
                  list[LigneBudget] | None):
        assert not never(maybe), maybe
    assert [name for name, _, _ in module._text_fields(LigneBudget)] == ["compte", "libelle", "financeur"]
    assert "nouvelle" not in [name for name, _, _ in module._text_fields(Action)]
    assert "intitule" in [name for name, _, _ in module._text_fields(Action)]
