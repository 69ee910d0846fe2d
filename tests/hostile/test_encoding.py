"""Bytes that are not a UTF-8 text: NUL, binary garbage, BOMs, UTF-16, cp1252, controls."""

from __future__ import annotations

import random

import pytest

from .conftest import Batch, line_of


def _valid_bytes(batch: Batch) -> str:
    return batch.valid.read_text(encoding="utf-8")


def test_nul_byte_is_refused_at_its_place(batch: Batch) -> None:
    text = _valid_bytes(batch).replace("  sigle: FAB", "  sigle: F\x00AB")
    hostile = batch.write("nul.yaml", text)
    report = batch.check(hostile)
    assert report.exit_code == 1
    [finding] = report.findings(hostile)
    assert finding["rule"] == "SCH01"
    assert (finding["line"], finding["column"]) == (line_of(text, "sigle: F"), 11)


def test_binary_garbage_is_refused(batch: Batch) -> None:
    garbage = random.Random(2016).randbytes(64 * 1024)
    hostile = batch.write("bruit.yaml", garbage)
    report = batch.check(hostile)
    assert report.exit_code == 1
    [finding] = report.findings(hostile)
    assert finding["rule"] == "SCH01"


def test_bytes_cp1252_leaves_out_are_read_as_latin1_and_refused_at_their_place(batch: Batch) -> None:
    # 0x81, 0x8D, 0x8F, 0x90 and 0x9D are neither UTF-8 here nor cp1252 characters: Latin-1 reads
    # them, as C1 controls, which a dossier may not hold.
    hostile = batch.write("bruit.json", b'{"porteur": "\x81\x8d\x8f\x90\x9d"}')
    report = batch.check(hostile)
    assert report.rules(hostile) == {"SCH08", "SCH02"}
    [warning] = report.findings(hostile, "SCH08")
    assert "Latin-1" in warning["message"]
    [control] = report.findings(hostile, "SCH02")
    assert (control["line"], control["column"]) == (1, 14)


def test_pdf_given_as_a_dossier_is_refused(batch: Batch) -> None:
    pdf = (batch.folder / "pieces" / "cerfa-12156.pdf").read_bytes()
    hostile = batch.write("cerfa.yaml", pdf)
    report = batch.check(hostile)
    assert report.exit_code == 1
    assert report.rules(hostile) <= {"SCH01", "SCH02"} and report.rules(hostile)


def test_utf8_bom_is_read(batch: Batch) -> None:
    hostile = batch.write("bom.yaml", b"\xef\xbb\xbf" + _valid_bytes(batch).encode("utf-8"))
    report = batch.check(hostile)
    assert report.exit_code == 0
    assert report.dossier(hostile)["passed"]
    assert not report.findings(hostile, "SCH08")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_read(batch: Batch, encoding: str) -> None:
    bom = {"utf-16-le": "\ufeff", "utf-16-be": "\ufeff"}.get(encoding, "")
    hostile = batch.write("utf16.yaml", (bom + _valid_bytes(batch)).encode(encoding))
    report = batch.check(hostile)
    assert report.exit_code == 0
    assert [f["severity"] for f in report.findings(hostile)] == ["info"] * len(
        report.findings(hostile)
    )


def test_utf16_without_bom_is_refused_not_misread(batch: Batch) -> None:
    hostile = batch.write("utf16.yaml", _valid_bytes(batch).encode("utf-16-le"))
    report = batch.check(hostile)
    assert report.exit_code == 1
    assert [f["rule"] for f in report.findings(hostile)] == ["SCH01"]


def test_cp1252_is_read_with_a_warning(batch: Batch) -> None:
    hostile = batch.write("windows.yaml", _valid_bytes(batch).encode("cp1252"))
    report = batch.check(hostile)
    assert report.exit_code == 0
    [warning] = [f for f in report.findings(hostile) if f["severity"] != "info"]
    assert warning["rule"] == "SCH08"
    assert warning["severity"] == "warning"
    strict = batch.check(hostile, "--strict")
    assert strict.exit_code == 1


def test_cp1252_accents_are_read_right(batch: Batch) -> None:
    from typer.testing import CliRunner

    from cdv_check.cli.app import app

    hostile = batch.write("windows.yaml", _valid_bytes(batch).encode("cp1252"))
    result = CliRunner().invoke(app, ["check", "--format", "text", "--select", "PCE09", str(hostile)])
    assert "Préfecture de Moselle" in result.stdout


def test_control_character_in_the_file_is_refused_at_its_place(batch: Batch) -> None:
    text = _valid_bytes(batch).replace("  sigle: FAB", "  sigle: F\x1b[31mAB")
    hostile = batch.write("ctrl.yaml", text)
    report = batch.check(hostile)
    assert report.exit_code == 1
    [finding] = report.findings(hostile)
    assert finding["rule"] == "SCH02"
    assert (finding["line"], finding["column"]) == (line_of(text, "sigle: F"), 11)
    assert "U+001B" in finding["message"]


def test_control_character_after_accents_is_placed_right(batch: Batch) -> None:
    # libyaml counts bytes: each accent before the character would shift the place reported.
    text = _valid_bytes(batch).replace("  lieu: Centre social", "  lieu: Centre\x07 social")
    hostile = batch.write("ctrl.yaml", text)
    report = batch.check(hostile)
    [finding] = report.findings(hostile)
    assert finding["rule"] == "SCH02"
    assert (finding["line"], finding["column"]) == (line_of(text, "lieu: Centre"), 15)
