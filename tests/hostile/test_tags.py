"""YAML tags: none is ever constructed; each is refused with SCH04 at its place."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Batch, line_of

NAME_LINE = "  nom: Fil et Aiguille Bellecroix"


@pytest.mark.parametrize(
    "tagged",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
        "!!python/name:os.system",
        "!!python/module:os",
        "!!python/tuple [a, b]",
        "!!binary ZWNobyBoZWxsbw==",
        "!!set {{a, b}}",
        "!!omap [a: 1]",
        "!!timestamp 2016-01-06",
        "!inconnue valeur",
        "!<tag:exemple.org,2016:objet> valeur",
    ],
)
def test_tag_is_refused_and_never_run(batch: Batch, tagged: str, tmp_path: Path) -> None:
    marker = tmp_path / "execute"
    value = tagged.format(marker=marker)
    text = batch.valid.read_text(encoding="utf-8").replace(NAME_LINE, f"  nom: {value}")
    hostile = batch.write("etiquette.yaml", text)
    report = batch.check(hostile)
    assert report.exit_code == 1
    [finding] = report.findings(hostile, "SCH04")
    assert (finding["line"], finding["column"]) == (line_of(text, "  nom: !"), 8)
    assert finding["path"] == "porteur.nom"
    assert "Étiquette YAML" in finding["message"]
    # The refused value is not read, and not reported a second time as missing.
    assert not report.findings(hostile, "SCH03")
    assert not marker.exists()


def test_tag_on_a_whole_section_drops_the_section_once(batch: Batch) -> None:
    text = batch.valid.read_text(encoding="utf-8").replace("porteur:\n", "porteur: !!python/object:x\n")
    hostile = batch.write("section.yaml", text)
    report = batch.check(hostile)
    [finding] = report.findings(hostile, "SCH04")
    assert finding["line"] == line_of(text, "porteur: !!")
    assert not [f for f in report.findings(hostile, "SCH03") if f["path"].startswith("porteur")]


def test_tag_on_a_key_is_refused_with_its_value(batch: Batch) -> None:
    text = batch.valid.read_text(encoding="utf-8").replace("  sigle: FAB", "  !!python/name:os.system sigle: FAB")
    hostile = batch.write("cle.yaml", text)
    report = batch.check(hostile)
    assert report.exit_code == 1
    [finding] = [f for f in report.findings(hostile) if f["severity"] != "info"]
    assert finding["rule"] == "SCH04"
    assert (finding["line"], finding["column"]) == (line_of(text, "!!python/name"), 3)
    assert "!!python/name:os.system" in finding["message"]


def test_standard_tags_are_read(batch: Batch) -> None:
    text = batch.valid.read_text(encoding="utf-8").replace("  sigle: FAB", "  !!str sigle: !!str FAB")
    report = batch.check(batch.write("str.yaml", text))
    assert report.exit_code == 0
