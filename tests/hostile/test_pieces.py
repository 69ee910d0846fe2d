"""Piece paths written by a third party: nothing outside the dossier's folder is ever read,
no pipe or device is opened, and each refusal is a PCE07 finding at the piece's line."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest

from cdv_check.reading.piece_files import inspect_piece

from .conftest import Batch, line_of

RIB_LINE = "  rib: pieces/rib.pdf"


def _with_rib(batch: Batch, declared: str, name: str = "pieces.yaml") -> tuple[Path, str]:
    text = batch.valid.read_text(encoding="utf-8").replace(RIB_LINE, f"  rib: {declared}")
    return batch.write(name, text), text


def _refused(batch: Batch, declared: str) -> dict[str, object]:
    hostile, text = _with_rib(batch, declared)
    report = batch.check(hostile)
    assert report.exit_code == 1
    [finding] = [f for f in report.findings(hostile) if f["severity"] != "info"]
    assert finding["rule"] == "PCE07"
    assert finding["path"] == "pieces.rib"
    assert finding["line"] == line_of(text, "  rib: ")
    return finding


@pytest.mark.parametrize(
    ("declared", "said"),
    [
        ("../../etc/passwd", "remonte"),
        ("pieces/../../valide.yaml", "remonte"),
        ("/etc/passwd", "absolu"),
        ("/dev/zero", "absolu"),
        ("'C:\\x.pdf'", "Windows"),
        ("'c:/x.pdf'", "Windows"),
        ("'\\\\host\\share\\x.pdf'", "UNC"),
        ("'pieces\\rib.pdf'", "barres obliques inverses"),
    ],
)
def test_path_leaving_the_folder_is_refused(batch: Batch, declared: str, said: str) -> None:
    finding = _refused(batch, declared)
    assert said in str(finding["message"])


@pytest.mark.parametrize("declared", ["C:\\x.pdf", "c:/x.pdf", "\\\\host\\share\\x.pdf", "/dev/zero", "../x"])
def test_refused_from_the_string_alone(declared: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"filesystem call for {declared!r}")

    for name in ("lstat", "stat", "open", "listdir", "scandir", "readlink"):
        monkeypatch.setattr(os, name, forbidden)
    result = inspect_piece(Path("/nulle/part"), declared, 8)
    assert not result.ok


def test_link_leading_out_is_refused(batch: Batch) -> None:
    (batch.folder / "pieces" / "lien.pdf").symlink_to("/etc/passwd")
    finding = _refused(batch, "pieces/lien.pdf")
    assert "lien symbolique" in str(finding["message"])


def test_linked_folder_leading_out_is_refused(batch: Batch) -> None:
    (batch.folder / "ailleurs").symlink_to("/etc")
    finding = _refused(batch, "ailleurs/passwd")
    assert "lien symbolique" in str(finding["message"])


def test_link_to_dev_zero_is_refused(batch: Batch) -> None:
    (batch.folder / "pieces" / "zero.pdf").symlink_to("/dev/zero")
    _refused(batch, "pieces/zero.pdf")


def test_fifo_is_refused_without_blocking(batch: Batch) -> None:
    os.mkfifo(batch.folder / "pieces" / "tube.pdf")
    finding = _refused(batch, "pieces/tube.pdf")
    assert "tube" in str(finding["message"])


def test_empty_file_is_refused(batch: Batch) -> None:
    (batch.folder / "pieces" / "vide.pdf").write_bytes(b"")
    finding = _refused(batch, "pieces/vide.pdf")
    assert "vide" in str(finding["message"])


def test_folder_is_refused(batch: Batch) -> None:
    finding = _refused(batch, "pieces")
    assert "répertoire" in str(finding["message"])


def test_nfd_name_on_disk_is_found_from_the_nfc_dossier(batch: Batch) -> None:
    name = "relevé-identité.pdf"
    on_disk = unicodedata.normalize("NFD", name)
    assert on_disk != name
    (batch.folder / "pieces" / on_disk).write_bytes(b"%PDF-1.4\n")
    hostile, _ = _with_rib(batch, f"pieces/{name}")
    report = batch.check(hostile)
    assert report.exit_code == 0
    assert not report.findings(hostile, "PCE07")


def test_pieces_are_not_opened_with_no_files(batch: Batch) -> None:
    os.mkfifo(batch.folder / "pieces" / "tube.pdf")
    hostile, _ = _with_rib(batch, "pieces/tube.pdf")
    report = batch.check(hostile, "--no-files")
    assert report.exit_code == 0
    assert not report.findings(hostile, "PCE07")
