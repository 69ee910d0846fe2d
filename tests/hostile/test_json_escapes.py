"""JSON's UTF-16 escapes: an emoji as `json.dumps` writes it (`"\\ud83d\\ude00"`, what
cdv-check's own JSON reports write too) is that character; a lone half is a refused value
(SCH04) at its place, the rest of the dossier still checked; every column stays the file's."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdv_check.reading.loading import Document, parse_text, read_structured

from .conftest import VALID_EXAMPLE, Batch


def _valid_data() -> dict[str, Any]:
    data: dict[str, Any] = read_structured(VALID_EXAMPLE / "dossier.yaml").data
    return data


@pytest.mark.parametrize("title", ["Atelier 😀", "Atelier 𝄞 et 😀😀", "日本語 🇫🇷"])
def test_an_emoji_escaped_as_json_writes_it_is_read_as_that_character(batch: Batch, title: str) -> None:
    data = _valid_data()
    data["action"]["intitule"] = title
    text = json.dumps(data, default=str)
    assert "\\ud83d" in text or "\\ud834" in text or "\\ud83c" in text
    path = batch.write("emoji.json", text)
    report = batch.check(path)
    dossier = report.dossier(path)
    assert dossier["passed"], dossier["findings"]
    assert not [f for f in dossier["findings"] if f["severity"] != "info"]
    assert read_structured(path).data["action"]["intitule"] == title


@pytest.mark.parametrize("half", ["\\ud83d", "\\ude00", "\\udbff\\ud800"])
def test_a_lone_half_is_a_refused_value_not_a_fatal_error(batch: Batch, half: str) -> None:
    data = _valid_data()
    data["action"]["intitule"] = "Atelier @@"
    data["action"]["lieu"] = "Centre 😀"
    text = json.dumps(data, default=str).replace("@@", half)
    path = batch.write("moitie.json", text)
    findings = batch.check(path).findings(path)
    rules = {f["rule"] for f in findings}
    assert "SCH02" not in rules
    (refused,) = [f for f in findings if f["rule"] == "SCH04"]
    assert refused["path"] == "action.intitule"
    assert (refused["line"], refused["column"]) == (1, text.index('"Atelier') + 1)
    assert half.split("\\")[1] in refused["message"]
    assert "ELG06" in rules  # the other rules ran


def test_columns_after_escapes_on_the_same_line_are_the_file_s(batch: Batch) -> None:
    data = _valid_data()
    data["action"]["intitule"] = "😀" * 20
    data["action"]["clef_inconnue"] = "x"
    text = json.dumps(data, default=str)
    path = batch.write("colonnes.json", text)
    (unknown,) = [f for f in batch.check(path).findings(path) if f["rule"] == "SCH05"]
    assert (unknown["line"], unknown["column"]) == (1, text.index('"clef_inconnue"') + 1)


@pytest.mark.parametrize(
    ("yaml_text", "value"),
    [
        ("lieu: C:\\ud83d\\ude00\n", "C:\\ud83d\\ude00"),  # plain: no escapes there
        ("lieu: 'a\\ud83d'\n", "a\\ud83d"),  # single quotes: no escapes there
        ('lieu: "a\\\\ud83d"\n', "a\\ud83d"),  # an escaped backslash, then text
    ],
)
def test_outside_double_quotes_the_text_is_kept_as_written(batch: Batch, yaml_text: str, value: str) -> None:
    path = batch.write("texte.yaml", yaml_text)
    assert read_structured(path).data == {"lieu": value}


@pytest.mark.parametrize("refused", ['"Centre \\ud83d"', "!foo Centre"], ids=["lone-half", "tag"])
def test_an_alias_to_a_refused_value_is_refused_too_not_fatal(batch: Batch, refused: str) -> None:
    text = _valid_yaml().replace("  lieu: Centre social de Bellecroix", f"  lieu: &lieu {refused}")
    text = text.replace("  partenaires: [", "  partenaires: [*lieu, ")
    path = batch.write("alias.yaml", text)
    findings = batch.check(path).findings(path)
    assert "SCH02" not in {f["rule"] for f in findings}
    assert {f["path"] for f in findings if f["rule"] == "SCH04"} == {"action.lieu", "action.partenaires[0]"}
    assert "ELG06" in {f["rule"] for f in findings}


def _valid_yaml() -> str:
    return (VALID_EXAMPLE / "dossier.yaml").read_text(encoding="utf-8")


def _has_lone_half(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


@settings(max_examples=max(300, getattr(settings.default, "max_examples", 0)), deadline=None)
@given(
    values=st.dictionaries(st.text("abcdefgh", min_size=1, max_size=6), st.text(max_size=20), max_size=4),
    indent=st.booleans(),
)
def test_any_text_json_dumps_writes_reads_back_the_same(values: dict[str, str], indent: bool) -> None:
    """Whatever the text (emoji, private-use characters beside them, lone halves), what
    json.dumps writes reads back as that text, or as a refused value for a lone half."""
    text = json.dumps(values, ensure_ascii=True, indent=2 if indent else None)
    document = Document("x.json")
    parse_text(text, document)
    for key, value in values.items():
        if _has_lone_half(value):
            assert (key,) in document.dropped
        elif value:
            assert document.data[key] == value


def test_a_private_use_character_beside_an_emoji_is_kept() -> None:
    document = Document("x.json")
    parse_text(json.dumps({"a": "\ue000😀\ue400", "b": "\uf000"}), document)
    assert document.data == {"a": "\ue000😀\ue400", "b": "\uf000"}
