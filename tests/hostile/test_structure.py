"""Hostile structures: alias bombs, deep nesting, huge values, many keys, odd documents.

Each is refused with SCH07 naming the limit it crosses (or the SCH rule of its kind), at the
place where reading stopped, and the valid dossier checked with it is still reported.
"""

from __future__ import annotations

from cdv_check.reading.limits import DEFAULT_LIMITS, LIMIT_LABELS

from .conftest import Batch, line_of

LAUGHS = """\
a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_billion_laughs_stops_at_the_node_limit(batch: Batch) -> None:
    hostile = batch.write("rires.yaml", LAUGHS)
    report = batch.check(hostile)
    assert report.exit_code == 1
    [finding] = report.findings(hostile)
    assert finding["rule"] == "SCH07"
    assert LIMIT_LABELS["nodes"] in finding["message"]
    # Each line weighs ten times the one before (11, 111, 1111, 11111 nodes): `e` crosses 50 000.
    assert finding["line"] == line_of(LAUGHS, "e: &e")


def test_many_small_aliases_stop_at_the_alias_limit(batch: Batch) -> None:
    count = DEFAULT_LIMITS.aliases + 1
    text = "a: &a x\nb: [" + ", ".join(["*a"] * count) + "]\n"
    hostile = batch.write("alias.yaml", text)
    report = batch.check(hostile)
    assert report.exit_code == 1
    [finding] = report.findings(hostile)
    assert finding["rule"] == "SCH07"
    assert LIMIT_LABELS["aliases"] in finding["message"]
    assert finding["line"] == 2


def test_hundred_thousand_brackets_are_refused_at_the_depth_limit(batch: Batch) -> None:
    hostile = batch.write("crochets.yaml", "[" * 100_000 + "]" * 100_000 + "\n")
    report = batch.check(hostile)
    assert report.exit_code == 1
    [finding] = report.findings(hostile)
    assert finding["rule"] == "SCH07"
    assert LIMIT_LABELS["depth"] in finding["message"]
    assert finding["line"] == 1


def test_hundred_thousand_json_objects_deep_are_refused_at_the_depth_limit(batch: Batch) -> None:
    hostile = batch.write("accolades.json", '{"a": ' * 100_000 + "1" + "}" * 100_000)
    report = batch.check(hostile)
    [finding] = report.findings(hostile)
    assert (finding["rule"], finding["line"]) == ("SCH07", 1)
    assert LIMIT_LABELS["depth"] in finding["message"]


def test_unclosed_brackets_are_refused_too(batch: Batch) -> None:
    hostile = batch.write("ouverts.yaml", "action: " + "[" * 100_000)
    report = batch.check(hostile)
    [finding] = report.findings(hostile)
    assert finding["rule"] == "SCH07"


def test_indented_nesting_is_refused_at_the_depth_limit(batch: Batch) -> None:
    depth = DEFAULT_LIMITS.depth + 5
    text = "".join("  " * level + "a:\n" for level in range(depth)) + "  " * depth + "fin\n"
    hostile = batch.write("escalier.yaml", text)
    report = batch.check(hostile)
    [finding] = report.findings(hostile)
    assert finding["rule"] == "SCH07"
    assert LIMIT_LABELS["depth"] in finding["message"]
    # The mapping one level too deep is the value of the key on the line before it.
    assert finding["line"] == DEFAULT_LIMITS.depth + 1


def test_sixty_mebibyte_scalar_is_refused_by_size(batch: Batch) -> None:
    hostile = batch.folder / "enorme.yaml"
    with hostile.open("wb") as out:
        out.write(b"porteur:\n  nom: ")
        block = b"x" * (1 << 20)
        for _ in range(60):
            out.write(block)
        out.write(b"\n")
    report = batch.check(hostile)
    assert report.exit_code == 1
    [finding] = report.findings(hostile)
    assert finding["rule"] == "SCH07"
    assert LIMIT_LABELS["file_bytes"] in finding["message"]
    assert finding["line"] is None


def test_sixty_mebibytes_on_standard_input_are_refused_by_size(batch: Batch) -> None:
    from typer.testing import CliRunner

    from cdv_check.cli.app import app

    data = b"porteur:\n  nom: " + b"x" * (60 << 20) + b"\n"
    result = CliRunner().invoke(app, ["check", "--format", "json", "-"], input=data)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    import json

    [dossier] = json.loads(result.stdout)["dossiers"]
    assert [f["rule"] for f in dossier["findings"]] == ["SCH07"]
    assert LIMIT_LABELS["file_bytes"] in dossier["findings"][0]["message"]


def test_long_value_under_the_size_limit_is_refused_by_its_length(batch: Batch) -> None:
    text = "porteur:\n  nom: " + "x" * (DEFAULT_LIMITS.scalar_chars + 1) + "\n"
    hostile = batch.write("long.yaml", text)
    report = batch.check(hostile)
    [finding] = report.findings(hostile)
    assert (finding["rule"], finding["line"], finding["column"]) == ("SCH07", 2, 8)
    assert LIMIT_LABELS["scalar_chars"] in finding["message"]


def test_long_value_repeated_by_aliases_stops_at_the_text_limit(batch: Batch) -> None:
    # Few nodes and few aliases, but 30 copies of a long name: as much text as a 3 MB file,
    # that every rule comparing names would otherwise walk through again and again.
    long_name = "Bellecroix" + "x" * (DEFAULT_LIMITS.scalar_chars - 100)
    aliases = "".join("    - *q\n" for _ in range(30))
    text = batch.valid.read_text(encoding="utf-8").replace(
        "  quartiers: [Bellecroix]\n", f"  quartiers:\n    - &q {long_name}\n{aliases}"
    )
    hostile = batch.write("repetition.yaml", text)
    report = batch.check(hostile)
    assert report.exit_code == 1
    [finding] = report.findings(hostile)
    assert finding["rule"] == "SCH07"
    assert LIMIT_LABELS["text_chars"] in finding["message"]
    per_copy = len(long_name)
    copies = DEFAULT_LIMITS.text_chars // per_copy  # the alias that crosses the limit
    assert finding["line"] == line_of(text, "- &q") + copies


def _names(count: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [
        letters[i // 17576 % 26] + letters[i // 676 % 26] + letters[i // 26 % 26] + letters[i % 26]
        for i in range(count)
    ]


def test_two_hundred_thousand_keys_stop_at_the_node_limit(batch: Batch) -> None:
    text = "".join(f"{name}:\n" for name in _names(200_000))
    assert len(text.encode()) < DEFAULT_LIMITS.file_bytes  # the node limit is what stops it
    hostile = batch.write("cles.yaml", text)
    report = batch.check(hostile)
    assert report.exit_code == 1
    [finding] = report.findings(hostile)
    assert finding["rule"] == "SCH07"
    assert LIMIT_LABELS["nodes"] in finding["message"]
    # The root mapping, then a key and its value per line.
    assert finding["line"] == DEFAULT_LIMITS.nodes // 2


def test_cyclic_alias_is_refused(batch: Batch) -> None:
    hostile = batch.write("cycle.yaml", "porteur:\n  nom: x\na: &x [*x]\n")
    report = batch.check(hostile)
    [finding] = report.findings(hostile)
    assert (finding["rule"], finding["line"], finding["column"]) == ("SCH07", 3, 8)
    assert "*x" in finding["message"]


def test_cyclic_alias_in_a_mapping_is_refused(batch: Batch) -> None:
    hostile = batch.write("cycle2.yaml", "a: &x\n  b: *x\n")
    report = batch.check(hostile)
    [finding] = report.findings(hostile)
    assert (finding["rule"], finding["line"]) == ("SCH07", 2)


def test_merge_key_is_refused_at_its_line(batch: Batch) -> None:
    text = batch.valid.read_text(encoding="utf-8").replace(
        "  contact:\n", "  contact:\n    <<: *rep\n"
    ).replace("  representant_legal:\n", "  representant_legal: &rep\n")
    hostile = batch.write("fusion.yaml", text)
    report = batch.check(hostile)
    assert report.exit_code == 1
    [finding] = report.findings(hostile, "SCH05")
    assert finding["line"] == line_of(text, "<<: *rep")
    assert "<<" in finding["message"]
    # What the merge would have brought in is not read: the contact is still complete.
    assert not report.findings(hostile, "SCH06")


def test_two_documents_are_refused_at_the_second(batch: Batch) -> None:
    text = batch.valid.read_text(encoding="utf-8") + "---\nporteur:\n  nom: Autre\n"
    hostile = batch.write("deux.yaml", text)
    report = batch.check(hostile)
    assert report.exit_code == 1
    [finding] = report.findings(hostile)
    assert finding["rule"] == "SCH02"
    assert finding["line"] == line_of(text, "---")


def test_top_level_list_is_refused(batch: Batch) -> None:
    hostile = batch.write("liste.yaml", "- porteur\n- action\n")
    report = batch.check(hostile)
    assert report.exit_code == 1
    [finding] = report.findings(hostile)
    assert finding["rule"] == "SCH04"
    assert "pas une liste" in finding["message"]


def test_top_level_scalar_is_refused(batch: Batch) -> None:
    hostile = batch.write("valeur.json", '"un dossier"')
    report = batch.check(hostile)
    assert report.exit_code == 1
    [finding] = report.findings(hostile)
    assert finding["rule"] == "SCH04"
    assert "valeur seule" in finding["message"]


def test_empty_file_is_refused(batch: Batch) -> None:
    hostile = batch.write("vide.yaml", b"")
    report = batch.check(hostile)
    assert report.exit_code == 1
    [finding] = report.findings(hostile)
    assert finding["rule"] == "SCH03"
    assert "vide" in finding["message"]


def test_comments_only_file_is_refused_as_empty(batch: Batch) -> None:
    hostile = batch.write("commentaires.yaml", "# rien\n\n   \n# toujours rien\n")
    report = batch.check(hostile)
    assert [f["rule"] for f in report.findings(hostile)] == ["SCH03"]


def test_ten_thousand_findings_are_capped_and_counted(batch: Batch) -> None:
    text = batch.valid.read_text(encoding="utf-8")
    text += "".join(f"inconnue_{i}: x\n" for i in range(10_000))
    hostile = batch.write("bavard.yaml", text)
    report = batch.check(hostile)
    assert report.exit_code == 1
    dossier = report.dossier(hostile)
    cap = DEFAULT_LIMITS.findings_per_dossier
    # The errors are kept first, in file order; the rest is counted, not listed.
    assert len(dossier["findings"]) == cap
    assert {f["rule"] for f in dossier["findings"]} == {"SCH05"}
    assert dossier["findings"][0]["line"] == line_of(text, "inconnue_0:")
    assert dossier["counts"]["error"] == 10_000
    assert dossier["omitted"] == sum(dossier["counts"].values()) - cap
    assert report.data["summary"]["error"] == 10_000


def test_ten_thousand_findings_keep_the_text_report_short(batch: Batch) -> None:
    from .conftest import check

    text = batch.valid.read_text(encoding="utf-8")
    text += "".join(f"inconnue_{i}: x\n" for i in range(10_000))
    hostile = batch.write("bavard.yaml", text)
    report = check(hostile, batch.valid, options=("--format", "text"))
    assert report.exit_code == 1
    lines = report.stdout.splitlines()
    about_hostile = [line for line in lines if line.startswith(str(hostile)) and ": LOT0" not in line]
    cap = DEFAULT_LIMITS.findings_per_dossier
    assert len(about_hostile) == cap + 1
    omitted = 10_000 + 3 - cap  # the example's three pieces of advice come after the errors
    assert f"{omitted} autres constats non affichés" in about_hostile[-1]
    assert any(line.startswith(str(batch.valid)) for line in lines)
