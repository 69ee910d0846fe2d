from __future__ import annotations

import os
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from cdv_check.reading import piece_files as files
from cdv_check.reading.piece_files import PieceCheck, inspect_piece

HEADER = 8


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "dossier"
    (root / "pieces").mkdir(parents=True)
    (root / "pieces" / "rib.pdf").write_bytes(b"%PDF-1.4\n" + b"x" * 100)
    return root


def test_regular_file_gives_its_first_bytes_only(folder: Path) -> None:
    result = inspect_piece(folder, "pieces/rib.pdf", HEADER)
    assert result.ok
    assert result.header == b"%PDF-1.4"


def test_dot_components_and_double_slashes_are_harmless(folder: Path) -> None:
    assert inspect_piece(folder, "./pieces//rib.pdf", HEADER).ok


@pytest.mark.parametrize(
    ("declared", "said"),
    [
        ("/dev/zero", "chemin absolu"),
        ("/etc/passwd", "chemin absolu"),
        ("../dossier/pieces/rib.pdf", "remonte"),
        ("pieces/../../secret.pdf", "remonte"),
        ("C:\\Users\\rib.pdf", "lecteur C:"),
        ("c:/rib.pdf", "lecteur c:"),
        ("\\\\serveur\\partage\\rib.pdf", "réseau Windows"),
        ("pieces\\rib.pdf", "barres obliques inverses"),
        ("pieces/rib\x00.pdf", "caractère nul"),
        ("", "vide"),
        ("   ", "vide"),
        (".", "ne nomme pas un fichier"),
    ],
)
def test_refused_from_the_string_alone(folder: Path, declared: str, said: str) -> None:
    with mock.patch.object(files.os, "lstat", side_effect=AssertionError("filesystem touched")):
        result = inspect_piece(folder, declared, HEADER)
    assert not result.ok
    assert said in result.reason
    assert result.advice


def test_backslash_advice_gives_the_forward_slash_path(folder: Path) -> None:
    assert "« pieces/rib.pdf »" in inspect_piece(folder, "pieces\\rib.pdf", HEADER).advice


def test_missing_file_and_missing_directory(folder: Path) -> None:
    assert "fichier « pieces/bilan.pdf » est introuvable" in inspect_piece(
        folder, "pieces/bilan.pdf", HEADER
    ).reason
    assert "répertoire « annexes » est introuvable" in inspect_piece(
        folder, "annexes/bilan.pdf", HEADER
    ).reason


def test_a_file_used_as_a_directory_is_refused(folder: Path) -> None:
    result = inspect_piece(folder, "pieces/rib.pdf/autre.pdf", HEADER)
    assert not result.ok
    assert "n'est pas un répertoire" in result.reason


def test_directory_is_refused(folder: Path) -> None:
    result = inspect_piece(folder, "pieces", HEADER)
    assert not result.ok
    assert "répertoire, pas un fichier" in result.reason


def test_empty_file_is_refused(folder: Path) -> None:
    (folder / "pieces" / "vide.pdf").write_bytes(b"")
    result = inspect_piece(folder, "pieces/vide.pdf", HEADER)
    assert not result.ok
    assert "vide (0 octet)" in result.reason


def _without_blocking(call: Callable[[], PieceCheck]) -> PieceCheck:
    """Run `call` in a thread: a blocked open on a FIFO would hang the test run otherwise."""
    results: list[PieceCheck] = []
    worker = threading.Thread(target=lambda: results.append(call()), daemon=True)
    worker.start()
    worker.join(timeout=5)
    assert not worker.is_alive(), "blocked on the FIFO"
    return results[0]


def test_fifo_is_refused_without_blocking(folder: Path) -> None:
    os.mkfifo(folder / "pieces" / "tube.pdf")
    result = _without_blocking(lambda: inspect_piece(folder, "pieces/tube.pdf", HEADER))
    assert not result.ok
    assert "tube nommé" in result.reason


def test_fifo_swapped_in_after_the_check_is_opened_without_blocking(folder: Path) -> None:
    fifo = folder / "pieces" / "tube.pdf"
    os.mkfifo(fifo)
    regular = os.lstat(folder / "pieces" / "rib.pdf")
    result = _without_blocking(lambda: files._read_header(fifo, regular, HEADER))
    assert not result.ok
    assert "a changé" in result.reason


def test_link_to_dev_zero_is_refused_as_a_link(folder: Path) -> None:
    (folder / "pieces" / "zero.pdf").symlink_to("/dev/zero")
    result = inspect_piece(folder, "pieces/zero.pdf", HEADER)
    assert not result.ok
    assert "lien symbolique" in result.reason


def test_link_inside_the_folder_is_refused_too(folder: Path) -> None:
    (folder / "pieces" / "copie.pdf").symlink_to("rib.pdf")
    assert "lien symbolique" in inspect_piece(folder, "pieces/copie.pdf", HEADER).reason


def test_linked_directory_leading_outside_is_refused(folder: Path, tmp_path: Path) -> None:
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    (outside / "secret.pdf").write_bytes(b"%PDF-secret")
    (folder / "annexes").symlink_to(outside, target_is_directory=True)
    result = inspect_piece(folder, "annexes/secret.pdf", HEADER)
    assert not result.ok
    assert "« annexes » est un lien symbolique" in result.reason


def test_device_is_refused_even_if_reached() -> None:
    # /dev/null is reachable as a plain component from the folder "/dev": its kind refuses it.
    result = inspect_piece(Path("/dev"), "null", HEADER)
    assert not result.ok
    assert "périphérique" in result.reason


def test_decomposed_name_on_disk_is_found_from_a_composed_declaration(folder: Path) -> None:
    on_disk = unicodedata.normalize("NFD", "relevé.pdf")
    (folder / "pieces" / on_disk).write_bytes(b"%PDF-1.7")
    declared = "pieces/" + unicodedata.normalize("NFC", "relevé.pdf")
    assert declared != "pieces/" + on_disk
    result = inspect_piece(folder, declared, HEADER)
    assert result.ok
    assert result.header == b"%PDF-1.7"


def test_composed_name_on_disk_is_found_from_a_decomposed_declaration(folder: Path) -> None:
    (folder / unicodedata.normalize("NFC", "Pièces")).mkdir()
    (folder / "Pièces" / "rib.pdf").write_bytes(b"%PDF-1.7")
    result = inspect_piece(folder, unicodedata.normalize("NFD", "Pièces/rib.pdf"), HEADER)
    assert result.ok


def test_unreadable_file_is_refused_with_a_reason(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests may run as root, who reads everything: simulate the refusal at the system call.
    real_open = os.open

    def refusing_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith("rib.pdf"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    result = inspect_piece(folder, "pieces/rib.pdf", HEADER)
    assert not result.ok
    assert "permission refusée" in result.reason
