"""The reading layer with small `Limits`: every bound tested on both sides, every branch of the
located tree (aliases, tags, keys that are not words), each problem at its line:column.

A limit of 3 costs three nodes, not fifty thousand: the boundaries are exact and cheap here; the
hostile tests (tests/hostile) show the same refusals at the real limits, through the CLI.
"""

from __future__ import annotations

import codecs
import io
import os
from pathlib import Path

import pytest

from cdv_check.reading.limits import DEFAULT_LIMITS, LIMIT_LABELS, Limits
from cdv_check.reading.loading import (
    Document,
    InputRefused,
    ReadProblem,
    _char_index,
    decode,
    parse_text,
    read_bounded,
    read_stream_bounded,
    read_structured,
    where,
)


def _read(text: str, **limits: int) -> Document:
    doc = Document("test.yaml")
    parse_text(text, doc, Limits(**limits))
    return doc


def _only(doc: Document) -> ReadProblem:
    [problem] = doc.problems
    return problem


def _over(doc: Document, name: str, value: int, limit: int, where: tuple[int, int], path: tuple[object, ...]) -> None:
    """The document was refused (no data) with SCH07 naming `name`, `value > limit`, at `where`,
    the value at `path`."""
    problem = _only(doc)
    assert (problem.rule, problem.path, problem.line, problem.column) == ("SCH07", path, *where)
    assert problem.message == (
        f"Limite de sécurité dépassée : {LIMIT_LABELS[name]} ({value} > {limit})."
    )
    assert doc.data is None
    assert not doc.readable


# --- file size -----------------------------------------------------------------------------------


def test_a_file_of_exactly_the_size_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_bytes(b"a: 12345\n")  # 9 bytes
    assert read_bounded(path, 9) == b"a: 12345\n"
    doc = read_structured(path, Limits(file_bytes=9))
    assert doc.problems == [] and doc.data == {"a": "12345"}


def test_one_byte_over_the_size_limit_is_refused_with_both_sizes(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_bytes(b"a: 12345\n")
    with pytest.raises(InputRefused) as refused:
        read_bounded(path, 8)
    assert refused.value.problem.rule == "SCH07"
    assert refused.value.problem.message.startswith("Fichier trop gros : 9 octets,")
    assert refused.value.problem.message.endswith(f"« {LIMIT_LABELS['file_bytes']} » (8).")
    doc = read_structured(path, Limits(file_bytes=8))
    assert [p.rule for p in doc.problems] == ["SCH07"] and doc.data is None


PROC_FILE = Path("/proc/self/status")
"""A regular file whose size is announced as 0: only the reading loop can bound it."""


@pytest.mark.skipif(not PROC_FILE.is_file(), reason="needs Linux /proc")
def test_a_file_larger_than_announced_is_read_whole_under_the_limit_and_bounded_over_it() -> None:
    assert PROC_FILE.stat().st_size == 0
    whole = read_bounded(PROC_FILE, 1 << 20)
    assert whole.startswith(b"Name:") and len(whole) > 100
    with pytest.raises(InputRefused) as refused:
        read_bounded(PROC_FILE, 40)
    # The loop stops one byte past the limit: it never reads the whole file to refuse it.
    assert refused.value.problem.message.startswith("Fichier trop gros : 41 octets,")


def test_standard_input_of_exactly_the_limit_is_read() -> None:
    assert read_stream_bounded(io.BytesIO(b"a: 1\n"), 5) == b"a: 1\n"
    doc = read_structured("-", Limits(file_bytes=5), stdin=io.BytesIO(b"a: 1\n"))
    assert doc.problems == [] and doc.data == {"a": "1"}


def test_standard_input_over_the_limit_is_refused_after_reading_one_byte_more() -> None:
    stream = io.BytesIO(b"x" * 1000)
    with pytest.raises(InputRefused) as refused:
        read_stream_bounded(stream, 10)
    assert refused.value.problem.message.startswith("Fichier trop gros : 11 octets,")
    assert stream.tell() == 11  # an endless pipe is not read to its end
    doc = read_structured("-", Limits(file_bytes=4), stdin=io.BytesIO(b"a: 1\n"))
    assert [p.rule for p in doc.problems] == ["SCH07"] and doc.data is None


# --- nesting, nodes, aliases, value length, text --------------------------------------------------


def test_depth_at_the_limit_is_read_and_one_deeper_is_refused_where_it_opens() -> None:
    assert _read("a: {b: 1}\n", depth=2).data == {"a": {"b": "1"}}
    _over(_read("a: {b: [1]}\n", depth=2), "depth", 3, 2, (1, 8), ("a", "b"))
    _over(_read("a:\n  - 1\n", depth=1), "depth", 2, 1, (2, 3), ("a",))


def test_nodes_count_the_mapping_its_keys_and_values() -> None:
    assert _read("a: b\n", nodes=3).data == {"a": "b"}  # mapping, key, value
    _over(_read("a: b\n", nodes=2), "nodes", 3, 2, (1, 4), ("a",))
    _over(_read("a: b\nc: d\n", nodes=3), "nodes", 4, 3, (2, 1), ("c",))  # the key c is the 4th


def test_an_alias_to_a_list_counts_the_list_and_its_items() -> None:
    text = "a: &x [1, 2]\nb: *x\n"
    # mapping, a, [ ], 1, 2, b = 6 nodes, and *x repeats 3 of them: 9.
    assert _read(text, nodes=9).data == {"a": ["1", "2"], "b": ["1", "2"]}
    _over(_read(text, nodes=8), "nodes", 9, 8, (2, 4), ("b",))


def test_an_alias_to_a_mapping_counts_its_keys_and_values() -> None:
    text = "a: &x {k: v, l: w}\nb: *x\n"
    # mapping, a, { }, k, v, l, w, b = 8 nodes, and *x repeats 5 of them: 13.
    assert _read(text, nodes=13).data == {"a": {"k": "v", "l": "w"}, "b": {"k": "v", "l": "w"}}
    _over(_read(text, nodes=12), "nodes", 13, 12, (2, 4), ("b",))


def test_an_alias_to_a_scalar_counts_one_node_and_its_text() -> None:
    text = "a: &x abc\nb: *x\n"
    assert _read(text, nodes=5, text_chars=8).data == {"a": "abc", "b": "abc"}
    _over(_read(text, nodes=4), "nodes", 5, 4, (2, 4), ("b",))
    _over(_read(text, text_chars=7), "text_chars", 8, 7, (2, 4), ("b",))  # a, abc, b, abc


def test_text_counts_keys_values_and_what_an_alias_repeats() -> None:
    text = "a: &x {k: vv}\nb: *x\n"
    # a, k, vv, b = 5 characters, and *x repeats k and vv: 8.
    assert _read(text, text_chars=8).problems == []
    _over(_read(text, text_chars=7), "text_chars", 8, 7, (2, 4), ("b",))
    _over(_read("ab: c\n", text_chars=2), "text_chars", 3, 2, (1, 5), ("ab",))
    _over(_read("abc: d\n", text_chars=2), "text_chars", 3, 2, (1, 1), ("abc",))


def test_nested_anchors_count_once_each() -> None:
    text = "a: &x [&y p, q]\nb: *y\nc: *x\n"
    # mapping, a, [ ], p, q, b, *y (1), c, *x (3) = 11 nodes.
    assert _read(text, nodes=11).data == {"a": ["p", "q"], "b": "p", "c": ["p", "q"]}
    _over(_read(text, nodes=10), "nodes", 11, 10, (3, 4), ("c",))


def test_aliases_at_the_limit_are_read_and_one_more_is_refused() -> None:
    text = "a: &x v\nb: [*x, *x]\n"
    assert _read(text, aliases=2).data == {"a": "v", "b": ["v", "v"]}
    _over(_read(text, aliases=1), "aliases", 2, 1, (2, 9), ("b", 1))


def test_a_value_of_exactly_scalar_chars_is_read_and_one_more_is_refused() -> None:
    assert _read("a: xyz\n", scalar_chars=3).data == {"a": "xyz"}
    doc = _read("a: xyzw\n", scalar_chars=3)
    _over(doc, "scalar_chars", 4, 3, (1, 4), ("a",))
    assert doc.problems[0].path == ("a",)


def test_a_key_over_scalar_chars_is_refused_at_the_key() -> None:
    assert _read("abc: x\n", scalar_chars=3).data == {"abc": "x"}
    doc = _read("ok: 1\nabcd: x\n", scalar_chars=3)
    _over(doc, "scalar_chars", 4, 3, (2, 1), ("abcd",))
    assert doc.problems[0].path == ("abcd",)


def test_the_default_limits_read_a_dossier_with_room() -> None:
    assert Limits() == DEFAULT_LIMITS
    assert DEFAULT_LIMITS.depth >= 8 and DEFAULT_LIMITS.nodes >= 10_000


# --- aliases and anchors --------------------------------------------------------------------------


def test_an_alias_gives_a_copy_of_the_anchors_value_at_its_own_place() -> None:
    doc = _read("a: &x {k: v}\nb: *x\n")
    assert doc.data == {"a": {"k": "v"}, "b": {"k": "v"}}
    assert doc.data["b"] is not doc.data["a"]  # a later change to one is not seen in the other
    assert doc.locate(("b",)) == (2, 4)
    assert doc.locate(("b", "k")) == (2, 4)
    assert doc.locate(("a", "k")) == (1, 11)


def test_an_alias_to_a_scalar_gives_its_value() -> None:
    doc = _read("nom: &n Fil et Aiguille\nsigle: *n\n")
    assert doc.data == {"nom": "Fil et Aiguille", "sigle": "Fil et Aiguille"}


def test_an_anchor_redefined_gives_the_latest_value() -> None:
    assert _read("a: &x 1\nb: &x 2\nc: *x\n").data == {"a": "1", "b": "2", "c": "2"}


def test_an_undefined_alias_stops_reading_at_the_alias() -> None:
    doc = _read("a: 1\nb: *nope\n")
    problem = _only(doc)
    assert (problem.rule, problem.path, problem.line, problem.column) == ("SCH02", ("b",), 2, 4)
    assert problem.message == "Alias « *nope » sans ancre « &nope » définie avant lui."
    assert doc.data is None and not doc.readable


def test_an_alias_used_before_its_anchor_is_undefined() -> None:
    problem = _only(_read("a: *x\nb: &x 1\n"))
    assert (problem.rule, problem.line, problem.column) == ("SCH02", 1, 4)


def test_a_recursive_alias_is_refused() -> None:
    doc = _read("a: &x [1, *x]\n")
    problem = _only(doc)
    assert (problem.rule, problem.path, problem.line, problem.column) == ("SCH07", ("a", 1), 1, 11)
    assert "récursif" in problem.message
    assert doc.data is None


def test_an_alias_to_a_closed_anchor_beside_is_not_recursive() -> None:
    assert _read("a: &x [1]\nb: [*x, *x]\n").data == {"a": ["1"], "b": [["1"], ["1"]]}


def test_an_alias_as_a_key_is_refused_and_the_rest_is_read() -> None:
    doc = _read("a: &x k\n*x : v\nb: w\n")
    problem = _only(doc)
    assert (problem.rule, problem.line, problem.column) == ("SCH04", 2, 1)
    assert problem.message == "Un alias YAML est utilisé comme clé : ni la clé ni sa valeur ne sont lues."
    assert doc.data == {"a": "k", "b": "w"}


# --- keys that are not words, tags -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where", "data"),
    [("? [a, b]\n: v\nc: 1\n", (1, 3), {"c": "1"}), ("{[a]: 1, b: 2}\n", (1, 2), {"b": "2"}),
     ("p:\n  ? {x: [1, {y: 2}]}\n  : [v, w]\n  q: 3\n", (2, 5), {"p": {"q": "3"}})],
)
def test_a_list_or_mapping_as_a_key_is_refused_and_the_rest_is_read(
    text: str, where: tuple[int, int], data: object
) -> None:
    doc = _read(text)
    problem = _only(doc)
    assert (problem.rule, problem.line, problem.column) == ("SCH04", *where)
    assert problem.message == "Une liste ou un tableau est utilisé comme clé : ni la clé ni sa valeur ne sont lues."
    assert doc.data == data


def test_a_refused_tag_in_a_list_keeps_the_place_of_the_item() -> None:
    doc = _read("a: [!!python/object x, y, !!set {x}, z]\n")
    assert doc.data == {"a": [None, "y", None, "z"]}
    assert [(p.rule, p.path, p.line, p.column) for p in doc.problems] == [
        ("SCH04", ("a", 0), 1, 5),
        ("SCH04", ("a", 2), 1, 27),
    ]
    assert doc.problems[0].message == "Étiquette YAML « !!python/object » refusée : la valeur n'est pas lue."
    assert doc.locate(("a", 0)) == (1, 5) and doc.locate(("a", 2)) == (1, 27)
    assert doc.was_dropped(("a", 0)) and doc.was_dropped(("a", 2, "x"))
    assert not doc.was_dropped(("a", 1)) and not doc.was_dropped(("a",))
    assert doc.readable  # a refused value is reported, the rest is checked


def test_a_refused_tag_on_a_value_leaves_the_key_out() -> None:
    doc = _read("a: !!binary aGk=\nb: !custom {x: 1}\nc: 1\n")
    assert doc.data == {"c": "1"}
    assert [(p.path, p.line, p.column) for p in doc.problems] == [(("a",), 1, 4), (("b",), 2, 4)]
    assert "« !custom »" in doc.problems[1].message
    assert doc.was_dropped(("b", "x"))


def test_a_refused_tag_on_a_key_leaves_the_key_and_its_value_out() -> None:
    doc = _read("!!python/name:os.system k: v\nz: 1\n")
    assert doc.data == {"z": "1"}
    problem = _only(doc)
    assert (problem.rule, problem.path, problem.line, problem.column) == ("SCH04", ("k",), 1, 1)
    assert doc.was_dropped(("k",))


def test_the_standard_tags_are_accepted_and_the_value_stays_text() -> None:
    doc = _read("a: !!int 3\nb: !!str null\nc: !!float 1.10\nd: !!bool oui\ne: !!seq [x]\nf: ! 7\n")
    assert doc.data == {"a": "3", "b": "null", "c": "1.10", "d": "oui", "e": ["x"], "f": "7"}
    assert doc.problems == []


@pytest.mark.parametrize("null", ["", "~", "null", "Null", "NULL"])
def test_a_plain_null_is_none_and_a_quoted_one_is_text(null: str) -> None:
    assert _read(f"a: {null}\nb: '{null}'\n").data == {"a": None, "b": null}


def test_nul_is_text() -> None:
    assert _read("a: nul\nb: NONE\n").data == {"a": "nul", "b": "NONE"}


def test_a_merge_key_is_refused_and_a_quoted_one_is_a_key() -> None:
    doc = _read("base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n")
    assert doc.data == {"base": {"x": "1"}, "c": {"y": "2"}}
    problem = _only(doc)
    assert (problem.rule, problem.path, problem.line, problem.column) == ("SCH05", ("c", "<<"), 3, 3)
    assert doc.was_dropped(("c", "<<"))
    assert _read("'<<': 1\n").data == {"<<": "1"}


def test_a_duplicate_key_keeps_the_first_value_and_names_its_place() -> None:
    doc = _read("p:\n  a: 1\n  b: 2\n  a: 3\n")
    assert doc.data == {"p": {"a": "1", "b": "2"}}
    problem = _only(doc)
    assert (problem.rule, problem.path, problem.line, problem.column) == ("SCH06", ("p", "a"), 4, 3)
    assert "déjà écrite ligne 2, colonne 3" in problem.message
    assert doc.locate(("p", "a")) == (2, 6)


def test_a_duplicate_of_a_refused_key_is_still_a_duplicate() -> None:
    doc = _read("a: !!binary aGk=\na: 2\n")
    assert doc.data == {}
    assert [p.rule for p in doc.problems] == ["SCH04", "SCH06"]


def test_same_key_in_two_mappings_is_no_duplicate() -> None:
    doc = _read("p: {a: 1}\nq: {a: 2}\nl: [{a: 1}, {a: 2}]\n")
    assert doc.problems == []
    assert doc.locate(("l", 1, "a"), key=True) == (3, 14)


def test_a_second_document_is_refused_at_its_start() -> None:
    doc = _read("a: 1\n---\nb: 2\n")
    problem = _only(doc)
    assert (problem.rule, problem.line, problem.column) == ("SCH02", 2, 1)
    assert doc.data is None
    assert _read("---\na: 1\n").data == {"a": "1"}  # one document, with its marker


# --- positions ------------------------------------------------------------------------------------


def test_locate_falls_back_to_the_nearest_ancestor_and_keys_to_values() -> None:
    doc = _read("p:\n  l: [x, {y: 1}]\n")
    assert doc.locate(("p", "l", 1, "y")) == (2, 14)
    assert doc.locate(("p", "l", 1, "y"), key=True) == (2, 11)
    assert doc.locate(("p", "l", 1, "z"), key=True) == (2, 10)
    assert doc.locate(("p", "l", 5)) == (2, 6)
    assert doc.locate(("q",)) == (1, 1)
    assert _read("").locate(("q",)) == (None, None)


def test_an_empty_file_has_no_data_and_no_problem() -> None:
    doc = _read("")
    assert doc.data is None and doc.problems == [] and doc.readable


# --- decoding -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_a_bom_chooses_the_encoding_and_is_not_text(bom: bytes, encoding: str) -> None:
    text, warnings = decode(bom + "nom: Élodie\n".encode(encoding))
    assert (text, warnings) == ("nom: Élodie\n", [])


def test_a_truncated_utf16_file_is_refused_at_its_byte() -> None:
    with pytest.raises(InputRefused) as refused:
        decode(codecs.BOM_UTF16_LE + "ab".encode("utf-16-le") + b"c")
    problem = refused.value.problem
    assert problem.rule == "SCH01"
    assert problem.message == "Fichier illisible : l'octet n° 7 n'est pas valide en utf-16."


def test_utf8_is_read_without_warning() -> None:
    assert decode("é".encode()) == ("é", [])


def test_cp1252_and_latin1_are_read_with_a_warning_naming_them() -> None:
    text, [warning] = decode("€ é".encode("cp1252"))
    assert text == "€ é"
    assert warning.rule == "SCH08" and "Windows-1252 (cp1252)" in warning.message
    text, [warning] = decode(b"\x81 \xe9")  # 0x81 is one of the bytes cp1252 leaves out
    assert text == "\x81 é"
    assert "Latin-1 (ISO-8859-1)" in warning.message


def test_a_nul_byte_is_refused_at_its_line_and_column() -> None:
    with pytest.raises(InputRefused) as refused:
        decode(b"a: 1\nbc: \x00\n")
    problem = refused.value.problem
    assert (problem.rule, problem.line, problem.column) == ("SCH01", 2, 5)
    with pytest.raises(InputRefused) as refused:
        decode(b"\x00")
    assert (refused.value.problem.line, refused.value.problem.column) == (1, 1)


# --- syntax ---------------------------------------------------------------------------------------


def test_a_tab_as_indentation_is_named() -> None:
    problem = _only(_read("p:\n\tnom: x\n"))
    assert (problem.rule, problem.line, problem.column) == ("SCH02", 2, 1)
    assert problem.message == "Erreur de syntaxe : une tabulation sert d'indentation."


def test_a_control_character_is_refused_at_its_place_after_accents() -> None:
    problem = _only(_read("nom: Élodie\nvé: a\x07b\n"))
    assert (problem.rule, problem.line, problem.column) == ("SCH02", 2, 6)
    assert problem.message.startswith("Caractère de contrôle U+0007 ")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("a: *\n", "Erreur de syntaxe"),
        ("a: 1\n- b\n", "Erreur de syntaxe : "),
        ("a: 'x'y\n", "Erreur de syntaxe"),
    ],
)
def test_other_syntax_errors_are_sch02_in_french(text: str, said: str) -> None:
    problem = _only(_read(text))
    assert problem.rule == "SCH02" and problem.message.startswith(said)
    assert problem.line is not None and problem.column is not None


# --- every problem in full: what the carrier reads, where ----------------------------------------

_SIMPLIFY = (
    "Simplifiez le fichier : un dossier n'a besoin ni d'alias en cascade ni d'imbrications "
    "profondes."
)
_TAG = ("SCH04", "Étiquette YAML « !!binary » refusée : la valeur n'est pas lue.",
        "Retirez l'étiquette et écrivez la valeur en texte simple.")
_CLOSE_QUOTE = (
    "Fermez le guillemet à la fin du texte de la ligne 1 (et doublez ou échappez un guillemet qui "
    "fait partie du texte)."
)
_REFUSED_ALIAS = (
    "SCH04",
    "Alias « *x » refusé : la valeur de l'ancre « &x » est refusée (voir plus haut), elle n'est "
    "donc pas lue ici non plus.",
    "Corrigez la valeur de l'ancre, ou écrivez la valeur en toutes lettres ici.",
)


@pytest.mark.parametrize(
    ("text", "limits", "data", "problems"),
    [
        ("a: &x k\n*x : v\n", {}, {"a": "k"}, [
            ("SCH04", "Un alias YAML est utilisé comme clé : ni la clé ni sa valeur ne sont lues.",
             "Écrivez la clé en toutes lettres.",
             (), 2, 1)]),
        ("a: &x [1, *x]\n", {}, None, [
            ("SCH07", "Alias « *x » récursif : il se contient lui-même.",
             "Retirez l'alias et écrivez la valeur en toutes lettres.", ("a", 1), 1, 11)]),
        ("a: &x !!binary aGk=\nb: *x\nc: [*x, 1]\n", {}, {"c": [None, "1"]}, [
            (*_TAG, ("a",), 1, 4), (*_REFUSED_ALIAS, ("b",), 2, 4), (*_REFUSED_ALIAS, ("c", 0), 3, 5)]),
        ("a: 1\nb: *nope\n", {}, None, [
            ("SCH02", "Alias « *nope » sans ancre « &nope » définie avant lui.",
             "Définissez l'ancre avant l'alias, ou écrivez la valeur en toutes lettres.", ("b",), 2, 4)]),
        ("? [a, b]\n: v\n", {}, {}, [
            ("SCH04", "Une liste ou un tableau est utilisé comme clé : ni la clé ni sa valeur ne sont lues.",
             "Une clé est un mot simple, suivi de « : ».", (), 1, 3)]),
        ("b: &b {x: 1}\nc:\n  <<: *b\n", {}, {"b": {"x": "1"}, "c": {}}, [
            ("SCH05", "Clé de fusion YAML « << » refusée : ce qu'elle fusionnerait n'est pas lu.",
             "Recopiez les clés voulues en toutes lettres dans ce tableau.", ("c", "<<"), 3, 3)]),
        ("a: 1\na: 2\n", {}, {"a": "1"}, [
            ("SCH06", "Clé « a » en double : déjà écrite ligne 1, colonne 1. Seule la première est "
             "lue, la seconde est ignorée.", "Gardez une seule fois cette clé, avec la bonne valeur.",
             ("a",), 2, 1)]),
        ("a: 1\n---\nb: 2\n", {}, None, [
            ("SCH02", "Le fichier contient plusieurs documents YAML (séparés par « --- »).",
             "Un fichier = un dossier : gardez un seul document.", (), 2, 1)]),
        ("p:\n\tnom: x\n", {}, None, [
            ("SCH02", "Erreur de syntaxe : une tabulation sert d'indentation.",
             "YAML n'accepte que des espaces pour indenter : remplacez les tabulations par des "
             "espaces.", (), 2, 1)]),
        ("nom: é\x07b\n", {}, None, [
            ("SCH02", "Caractère de contrôle U+0007 non accepté dans un fichier YAML ou JSON.",
             "Retirez ce caractère invisible (souvent venu d'un copier-coller depuis un traitement "
             "de texte).", (), 1, 7)]),
        ('a: "abc\nb: 1\n', {}, None, [
            ("SCH02", "Erreur de syntaxe : le guillemet ouvert ligne 1 n'est jamais fermé.",
             "Fermez le guillemet à la fin du texte de la ligne 1 (et doublez ou échappez un "
             "guillemet qui fait partie du texte).", (), 1, 4)]),
        ('a: "abc\n  def"\nb: c: d\n', {}, None, [
            ("SCH02", "Erreur de syntaxe : un « : » inattendu, après un guillemet ouvert ligne 1 et "
             "pas fermé sur sa ligne.", _CLOSE_QUOTE, (), 3, 5)]),
        ('a: "abc\n  def"\nb: |x\n', {}, None, [
            ("SCH02", "Erreur de syntaxe : à cette position, après un guillemet ouvert ligne 1 et "
             "pas fermé sur sa ligne.", _CLOSE_QUOTE, (), 3, 5)]),
        ("a: |x\n", {}, None, [
            ("SCH02", "Erreur de syntaxe à cette position.",
             "Vérifiez l'indentation, les guillemets et les crochets autour de cette position.",
             (), 1, 5)]),
        ("a: [[1]]\n", {"depth": 2}, None, [
            ("SCH07", f"Limite de sécurité dépassée : {LIMIT_LABELS['depth']} (3 > 2).", _SIMPLIFY,
             ("a", 0), 1, 5)]),
        ("[" * 1100, {"depth": 2000}, None, [
            ("SCH07", f"Limite de sécurité dépassée : {LIMIT_LABELS['depth']} (> 2000).",
             "Simplifiez le fichier : un dossier n'a pas besoin d'imbrications profondes.",
             (), 1, 1001)]),
    ],
)
def test_each_reading_problem_in_full(
    text: str, limits: dict[str, int], data: object, problems: list[tuple[object, ...]]
) -> None:
    doc = _read(text, **limits)
    assert [(p.rule, p.message, p.advice, p.path, p.line, p.column) for p in doc.problems] == problems
    assert doc.data == data


def test_file_problems_in_full(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_bytes(b"a: 12345\n")
    with pytest.raises(InputRefused) as refused:
        read_bounded(path, 8)
    assert refused.value.problem == ReadProblem(
        "SCH07",
        f"Fichier trop gros : 9 octets, au-delà de la limite de sécurité « {LIMIT_LABELS['file_bytes']} » (8).",
        "Un dossier tient en quelques kilo-octets : joignez les documents comme pièces, pas dans le fichier.",
    )
    assert str(refused.value) == refused.value.problem.message
    with pytest.raises(InputRefused) as refused:
        decode(codecs.BOM_UTF16_LE + b"a\x00b")
    assert refused.value.problem == ReadProblem(
        "SCH01", "Fichier illisible : l'octet n° 5 n'est pas valide en utf-16.", "Enregistrez le fichier en UTF-8."
    )
    with pytest.raises(InputRefused) as refused:
        decode("é: 1\nab\x00".encode())
    assert refused.value.problem == ReadProblem(
        "SCH01",
        "Fichier illisible : il contient un octet nul, ce n'est pas un texte YAML ou JSON.",
        "Donnez le fichier texte du dossier, pas un document binaire (PDF, traitement de texte…).",
        line=2,
        column=3,
    )
    missing = read_structured(tmp_path / "absent.yaml")
    assert [(p.rule, p.message, p.advice) for p in missing.problems] == [(
        "SCH01", "Fichier illisible : le fichier n'existe pas (ou est un lien brisé).",
        "Vérifiez le chemin et donnez un fichier YAML ou JSON ordinaire.",
    )]
    folder = read_structured(tmp_path)
    assert [p.message for p in folder.problems] == ["Fichier illisible : c'est un dossier, pas un fichier."]


def test_a_link_is_read_when_named_and_refused_when_found(tmp_path: Path) -> None:
    target = tmp_path / "vrai.yaml"
    target.write_bytes(b"a: 1\n")
    link = tmp_path / "lien.yaml"
    link.symlink_to(target)
    assert read_bounded(link, 100) == b"a: 1\n"
    assert read_structured(link).data == {"a": "1"}
    with pytest.raises(InputRefused) as refused:
        read_bounded(link, 100, follow_links=False)
    assert refused.value.problem == ReadProblem(
        "SCH01",
        "Fichier non lu : c'est un lien symbolique, trouvé en parcourant un dossier ou par un motif ; "
        "un tel lien n'est pas suivi (il pourrait mener hors du dossier des demandes).",
        "Remplacez le lien par le fichier lui-même, ou donnez ce chemin tel quel sur la ligne de "
        "commande : un chemin nommé explicitement est lu, lien ou non.",
    )
    doc = read_structured(link, follow_links=False)
    assert [p.message for p in doc.problems] == [refused.value.problem.message] and doc.data is None
    assert read_bounded(target, 100, follow_links=False) == b"a: 1\n"
    broken = tmp_path / "brise.yaml"
    broken.symlink_to(tmp_path / "nulle-part.yaml")
    with pytest.raises(InputRefused) as refused:
        read_bounded(broken, 100, follow_links=False)
    assert refused.value.problem.message.startswith("Fichier non lu : c'est un lien symbolique")
    with pytest.raises(InputRefused) as refused:
        read_bounded(broken, 100)
    assert refused.value.problem.message == "Fichier illisible : le fichier n'existe pas (ou est un lien brisé)."


def test_a_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "tube.yaml"
    os.mkfifo(fifo)
    with pytest.raises(InputRefused) as refused:
        read_bounded(fifo, 100)
    assert refused.value.problem.message == (
        "Fichier illisible : ce n'est pas un fichier ordinaire (tube, périphérique…)."
    )


def test_a_file_of_several_chunks_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "long.yaml"
    content = b"a: " + b"x" * 200_000 + b"\n"
    path.write_bytes(content)
    assert read_bounded(path, len(content)) == content
    with pytest.raises(InputRefused):
        read_bounded(path, len(content) - 1)


def test_a_refused_alias_is_dropped_at_its_own_place() -> None:
    doc = _read("a: &x !!binary aGk=\nb: *x\nc: [*x, 1]\n")
    assert doc.was_dropped(("b",)) and doc.was_dropped(("c", 0)) and not doc.was_dropped(("c", 1))
    assert doc.locate(("c", 0)) == (3, 5)


def test_an_alias_copies_nested_values_too() -> None:
    doc = _read("a: &x {k: [1]}\nb: *x\n")
    assert doc.data["b"]["k"] == ["1"] and doc.data["b"]["k"] is not doc.data["a"]["k"]


def test_the_first_nul_byte_is_placed_after_undecodable_bytes() -> None:
    with pytest.raises(InputRefused) as refused:
        decode(b"caf\xe9: 1\nab\x00c\x00")
    assert (refused.value.problem.line, refused.value.problem.column) == (2, 3)
    with pytest.raises(InputRefused) as refused:
        decode(b"\xe9\xe9\x00")
    assert (refused.value.problem.line, refused.value.problem.column) == (1, 3)


def test_where_writes_what_is_known_as_compilers_do() -> None:
    assert where("d.yaml", None, None) == "d.yaml"
    assert where("d.yaml", 3, None) == "d.yaml:3"
    assert where("d.yaml", 3, 4) == "d.yaml:3:4"


def test_a_control_character_is_found_from_a_byte_or_a_character_offset() -> None:
    assert _char_index("é\x07", 2, 7) == 1  # libyaml: bytes of UTF-8 before it
    assert _char_index("é\x07", 1, 7) == 1  # the pure-Python reader: characters before it
    assert _char_index("\x07a", 0, 7) == 0
    assert _char_index("ab", 5, 7) is None  # nowhere near: no made-up position
    assert _char_index("ab", None, 7) is None and _char_index("ab", 1, None) is None
    assert _char_index("\ud800\x07", 1, 7) == 1  # a lone surrogate before it does not stop the search


def test_standard_input_over_the_limit_names_the_limit() -> None:
    with pytest.raises(InputRefused) as refused:
        read_stream_bounded(io.BytesIO(b"x" * 20), 10)
    assert refused.value.problem.message == (
        f"Fichier trop gros : 11 octets, au-delà de la limite de sécurité « {LIMIT_LABELS['file_bytes']} » (10)."
    )


def test_json_surrogate_escapes_at_the_edges_of_their_ranges() -> None:
    text = (
        r'{"a": "\ud800\udc00 \udbff\udfff", "b": "\ud800", "c": "\udfff x \udfff", '
        r'"\ud83d\ude00": 1, "d": "x\ud83d\ude00y\ud83d\ude00"}'
    )
    doc = _read(text)
    assert doc.data == {"a": "\U00010000 \U0010ffff", "😀": "1", "d": "x😀y😀"}
    half = "Valeur refusée : elle contient une moitié de caractère seule (échappement {}) ; elle n'est pas lue."
    assert [(p.rule, p.message, p.path, p.line, p.column) for p in doc.problems] == [
        ("SCH04", half.format(r"« \ud800 » sans son autre moitié"), ("b",), 1, 41),
        ("SCH04", half.format(r"« \udfff », « \udfff » sans son autre moitié"), ("c",), 1, 56),
    ]
    assert doc.problems[0].advice == (
        r"Écrivez le caractère lui-même, ou la paire d'échappements complète (ex. « \ud83d\ude00 » pour 😀)."
    )


def test_a_doubled_single_quote_at_the_end_of_a_line_leaves_the_quote_open() -> None:
    problem = _only(_read("a: 'l''\nb: c: d\n"))
    assert problem.message == "Erreur de syntaxe : le guillemet ouvert ligne 1 n'est jamais fermé."
    assert _only(_read("a: 'l''eau'\nb: c: d\n")).message == "Erreur de syntaxe : un « : » inattendu."


@pytest.mark.parametrize(
    ("raw", "name"), [("€ é".encode("cp1252"), "Windows-1252 (cp1252)"), (b"\x81 \xe9", "Latin-1 (ISO-8859-1)")]
)
def test_the_encoding_warning_in_full(raw: bytes, name: str) -> None:
    _, [warning] = decode(raw)
    assert warning == ReadProblem(
        "SCH08",
        f"Le fichier n'est pas en UTF-8 : il a été lu comme du {name}.",
        "Enregistrez-le en UTF-8 (« Enregistrer sous… », codage UTF-8) pour éviter les accents mal lus.",
    )


def test_a_refused_key_does_not_make_the_dossier_empty(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cdv_check.cli.app import app

    dossier = tmp_path / "d.yaml"
    dossier.write_text("? [a, b]\n: v\nporteur:\n  nom: Asso\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--format", "text", "--no-files", "--select", "SCH", str(dossier)])
    assert "Le fichier est vide" not in result.stdout
    assert "Clé obligatoire « statut » absente de « porteur »" in result.stdout  # porteur is read


def test_an_alias_to_a_mapping_whose_tag_is_refused_is_refused_too() -> None:
    doc = _read("a: &x !!set {k}\nb: *x\nc: [*x, 1]\nd: &x {k: 1}\ne: *x\n")
    assert doc.data == {"c": [None, "1"], "d": {"k": "1"}, "e": {"k": "1"}}
    assert [(p.rule, p.path, p.line, p.column) for p in doc.problems] == [
        ("SCH04", ("a",), 1, 4), ("SCH04", ("b",), 2, 4), ("SCH04", ("c", 0), 3, 5)]
    assert doc.problems[1].message.startswith("Alias « *x » refusé : la valeur de l'ancre « &x » est refusée")


def test_an_alias_over_a_limit_is_refused_at_the_alias_path() -> None:
    doc = _read("a: &x [1, 2]\nb: *x\n", nodes=8)
    assert [(p.rule, p.path, p.line, p.column) for p in doc.problems] == [("SCH07", ("b",), 2, 4)]
    doc = _read("a: &x abc\nl: [*x]\n", text_chars=6)
    assert [(p.rule, p.path, p.line, p.column) for p in doc.problems] == [("SCH07", ("l", 0), 2, 5)]


@pytest.mark.parametrize(
    ("text", "data"),
    [
        ("a: \\ud83d x \\ud83d\n", {"a": "\\ud83d x \\ud83d"}),  # plain: no escape there, as written
        ("a: 'y\\ude00 \\ud83d\\ude00'\n", {"a": "y\\ude00 \\ud83d\\ude00"}),
        ('a: ["\\ud83d\\ude00", \\ud83d\\ude00]\n', {"a": ["😀", "\\ud83d\\ude00"]}),
    ],
)
def test_utf16_escapes_outside_double_quotes_stay_as_written(text: str, data: object) -> None:
    doc = _read(text)
    assert doc.problems == [] and doc.data == data


def test_two_low_halves_or_a_high_half_before_a_private_character_are_lone_halves() -> None:
    doc = _read('{"a": "\\udc00\\udc00", "b": "\\ud83d\\ue800", "c": "\\ud83d\\ude00\\ue800"}')
    assert doc.data == {"c": "😀\ue800"}
    assert [(p.rule, p.path) for p in doc.problems] == [("SCH04", ("a",)), ("SCH04", ("b",))]


def test_a_key_with_a_lone_half_is_read_with_a_replacement_character() -> None:
    doc = _read('{"nom\\ud83d": 1, "b": 2}\n')
    assert doc.data == {"nom\ufffd": "1", "b": "2"}
    assert doc.problems == []


def test_a_control_character_that_cannot_be_placed_is_said_without_a_position() -> None:
    from yaml.reader import ReaderError

    from cdv_check.reading.loading import _reader_problem

    problem = _reader_problem(ReaderError("d.yaml", 50, 7, "utf-8", "special characters are not allowed"), "ab")
    assert (problem.rule, problem.line, problem.column) == ("SCH02", None, None)
    assert problem.message == "Caractère de contrôle U+0007 non accepté dans un fichier YAML ou JSON."


def test_a_key_over_a_limit_is_refused_at_the_key_path() -> None:
    doc = _read("a: b\nc: d\n", nodes=3)
    assert [(p.rule, p.path, p.line, p.column) for p in doc.problems] == [("SCH07", ("c",), 2, 1)]
    doc = _read("p:\n  abc: d\n", text_chars=3)
    assert [(p.rule, p.path, p.line, p.column) for p in doc.problems] == [("SCH07", ("p", "abc"), 2, 3)]


def test_what_is_inside_a_refused_key_is_placed_under_a_question_mark() -> None:
    doc = _read("? [a, b]\n: !!binary aGk=\nc: 1\n")
    assert [(p.rule, p.path, p.line, p.column) for p in doc.problems] == [
        ("SCH04", (), 1, 3), ("SCH04", ("?",), 2, 3)]
    assert doc.data == {"c": "1"}


def test_a_file_is_read_with_the_limits_given(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_bytes(b"a: [1]\n")
    assert read_structured(path, Limits(depth=2)).data == {"a": ["1"]}
    doc = read_structured(path, Limits(depth=1))
    _over(doc, "depth", 2, 1, (1, 4), ("a",))


def test_a_lone_half_in_a_list_keeps_the_place_of_the_item() -> None:
    doc = _read('{"l": ["\\ud800", "x"], "m": "\\udfff"}')
    assert doc.data == {"l": [None, "x"]}
    assert [(p.rule, p.path, p.line, p.column) for p in doc.problems] == [
        ("SCH04", ("l", 0), 1, 8), ("SCH04", ("m",), 1, 29)]
    assert doc.locate(("l", 0)) == (1, 8)
    assert doc.was_dropped(("l", 0)) and doc.was_dropped(("m",)) and not doc.was_dropped(("l", 1))


def test_an_anchor_redefined_on_a_readable_value_is_no_longer_refused() -> None:
    doc = _read("a: &x !!binary aGk=\nb: &x ok\nc: *x\n")
    assert doc.data == {"b": "ok", "c": "ok"}
    assert [(p.rule, p.path) for p in doc.problems] == [("SCH04", ("a",))]


@pytest.mark.parametrize(
    ("text", "inside"),
    [("? [!!binary aGk=]\n: v\n", ("?", 0)), ("? {k: !!binary aGk=}\n: v\n", ("?", "k"))],
)
def test_what_is_inside_a_list_or_mapping_key_is_placed_under_a_question_mark(
    text: str, inside: tuple[object, ...]
) -> None:
    doc = _read(text)
    assert [(p.rule, p.path) for p in doc.problems] == [("SCH04", ()), ("SCH04", inside)]
    assert doc.data == {}


def test_a_list_or_mapping_over_the_node_limit_is_refused_where_it_opens() -> None:
    assert _read("a: [1]\n", nodes=4).data == {"a": ["1"]}
    _over(_read("a: [1]\n", nodes=2), "nodes", 3, 2, (1, 4), ("a",))
    _over(_read("a: {b: 1}\n", nodes=2), "nodes", 3, 2, (1, 4), ("a",))


def test_a_missing_file_is_said_missing_whether_links_are_followed_or_not(tmp_path: Path) -> None:
    for follow_links in (True, False):
        with pytest.raises(InputRefused) as refused:
            read_bounded(tmp_path / "absent.yaml", 100, follow_links=follow_links)
        assert refused.value.problem.message == "Fichier illisible : le fichier n'existe pas (ou est un lien brisé)."


@pytest.mark.skipif(not PROC_FILE.is_file(), reason="needs Linux /proc")
def test_a_file_larger_than_announced_and_given_in_small_reads_is_refused_one_byte_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, size: real_read(fd, min(size, 5)))  # as a network disk may
    with pytest.raises(InputRefused) as refused:
        read_bounded(PROC_FILE, 10)
    assert refused.value.problem.message == (
        f"Fichier trop gros : 11 octets, au-delà de la limite de sécurité « {LIMIT_LABELS['file_bytes']} » (10)."
    )
    assert read_bounded(PROC_FILE, 1 << 20).startswith(b"Name:")


def test_a_disk_error_while_reading_is_said_in_french(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    path = tmp_path / "d.yaml"
    path.write_bytes(b"a: 1\n")

    def failing_read(fd: int, size: int) -> bytes:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "read", failing_read)
    with pytest.raises(InputRefused) as refused:
        read_bounded(path, 100)
    assert refused.value.problem == ReadProblem(
        "SCH01",
        "Fichier illisible : erreur de lecture (erreur d'entrée-sortie du disque).",
        "Vérifiez le chemin et donnez un fichier YAML ou JSON ordinaire.",
    )


def test_private_use_characters_written_in_the_file_are_not_taken_for_escaped_halves() -> None:
    # The halves are hidden in a block of characters the file does not use, written or escaped.
    doc = _read('{"a": "\ue000\\ud83d\\ude00", "b": "\\uE800\\ud83d\\ude00"}')
    assert doc.problems == []
    assert doc.data == {"a": "\ue000😀", "b": "\ue800😀"}


def test_a_file_using_every_hiding_block_is_still_read() -> None:
    from cdv_check.reading.loading import _SurrogateEscapes

    every = "".join(chr(block) for block in _SurrogateEscapes._BLOCKS)
    doc = _read(f'{{"a": "{every}", "b": "\\ud83d\\ude00"}}')
    assert doc.problems == []
    assert doc.data == {"a": every, "b": "😀"}
