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
from cdv_check.reading.piece_files import Directories, PieceCheck, inspect_piece

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
    with mock.patch.object(os, "lstat", side_effect=AssertionError("filesystem touched")):
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


# --- every refusal in full, each boundary on both sides ------------------------------------------

RELATIVE = (
    "Écrivez un chemin relatif au répertoire du fichier du dossier, avec des « / » "
    "(ex. pieces/rib.pdf), et placez-y le fichier."
)


@pytest.mark.parametrize(
    ("declared", "reason", "advice"),
    [
        ("pieces/rib\x00.pdf", "le chemin contient un caractère nul", RELATIVE),
        ("  ", "le chemin est vide", RELATIVE),
        ("\\\\serveur\\rib.pdf", "« \\\\serveur\\rib.pdf » est un chemin réseau Windows (partage UNC)", RELATIVE),
        ("C:\\Users\\rib.pdf", "« C:\\Users\\rib.pdf » est un chemin Windows absolu (lecteur C:)", RELATIVE),
        ("pieces\\rib.pdf", "« pieces\\rib.pdf » contient des barres obliques inverses « \\ »",
         "Écrivez « pieces/rib.pdf » : les chemins s'écrivent avec des « / », relatifs au répertoire "
         "du fichier du dossier."),
        ("/etc/passwd", "« /etc/passwd » est un chemin absolu : seules les pièces du répertoire du "
         "dossier sont lues", RELATIVE),
        ("pieces/../../x.pdf", "« pieces/../../x.pdf » remonte hors du répertoire du dossier (« .. »)", RELATIVE),
        ("./", "« ./ » ne nomme pas un fichier", RELATIVE),
    ],
)
def test_each_refusal_from_the_string_in_full(folder: Path, declared: str, reason: str, advice: str) -> None:
    assert inspect_piece(folder, declared, HEADER) == PieceCheck(False, reason=reason, advice=advice)


def test_a_missing_file_is_named_without_its_empty_and_dot_components(folder: Path) -> None:
    assert inspect_piece(folder, "./pieces//bilan.pdf", HEADER) == PieceCheck(
        False,
        reason="le fichier « pieces/bilan.pdf » est introuvable dans le répertoire du dossier",
        advice="Le nom s'écrit exactement comme sur le disque (majuscules, accents, extension) ; le "
        "chemin est relatif au répertoire du fichier du dossier.",
    )


def test_a_name_too_long_for_the_system_is_said_in_french(folder: Path) -> None:
    result = inspect_piece(folder, "pieces/" + "x" * 300 + ".pdf", HEADER)
    assert result == PieceCheck(False, reason="le fichier ne peut pas être lu (nom trop long)", advice=RELATIVE)


def test_an_unreadable_file_in_full(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refusing_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "open", refusing_open)
    assert inspect_piece(folder, "pieces/rib.pdf", HEADER) == PieceCheck(
        False,
        reason="le fichier ou un répertoire du chemin n'est pas lisible (permission refusée)",
        advice="Donnez le droit de lecture sur le fichier, ou copiez-le ailleurs dans le répertoire.",
    )


def test_a_file_replaced_by_another_regular_file_after_the_check_is_refused(folder: Path) -> None:
    checked = os.lstat(folder / "pieces" / "rib.pdf")
    other = folder / "pieces" / "autre.pdf"
    other.write_bytes(b"%PDF-1.7 autre")
    result = files._read_header(other, checked, HEADER)
    assert result == PieceCheck(False, reason="le fichier a changé pendant la vérification", advice=RELATIVE)


def test_a_file_emptied_after_the_check_is_refused_as_empty(folder: Path) -> None:
    piece = folder / "pieces" / "rib.pdf"
    checked = os.lstat(piece)
    piece.write_bytes(b"")  # the same file, truncated
    result = files._read_header(piece, checked, HEADER)
    assert result == PieceCheck(False, reason="le fichier est vide (0 octet)", advice=RELATIVE)


def test_a_one_byte_file_is_read(folder: Path) -> None:
    (folder / "pieces" / "un.pdf").write_bytes(b"%")
    assert inspect_piece(folder, "pieces/un.pdf", HEADER)[:2] == PieceCheck(True, header=b"%")[:2]


def test_a_piece_the_system_gives_in_small_reads_is_read_to_the_header_size(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, size: real_read(fd, 1))  # as a network disk may
    assert inspect_piece(folder, "pieces/rib.pdf", HEADER).header == b"%PDF-1.4"


def test_kind_refusals_in_full(folder: Path, tmp_path: Path) -> None:
    import socket

    assert inspect_piece(folder, "pieces", HEADER).reason == "c'est un répertoire, pas un fichier"
    assert inspect_piece(Path("/dev"), "null", HEADER).reason == "c'est un périphérique, pas un fichier"
    os.mkfifo(folder / "pieces" / "tube.pdf")
    tube = _without_blocking(lambda: inspect_piece(folder, "pieces/tube.pdf", HEADER))
    assert tube.reason == "c'est un tube nommé (FIFO), pas un fichier"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(folder / "pieces" / "s.pdf"))
        result = inspect_piece(folder, "pieces/s.pdf", HEADER)
    finally:
        server.close()
    assert result == PieceCheck(False, reason="c'est une socket, pas un fichier", advice=RELATIVE)
    assert files._kind_refusal(0) == "ce n'est pas un fichier ordinaire"  # a kind this system lacks


def test_a_name_one_keystroke_away_is_suggested_and_a_mere_rhyme_is_not(folder: Path) -> None:
    (folder / "pieces" / "avis.pdf").write_bytes(b"%PDF-1.7")
    assert inspect_piece(folder, "pieces/rid.pdf", HEADER).advice.startswith("Vouliez-vous dire « pieces/rib.pdf » ?")
    assert "Vouliez-vous" not in inspect_piece(folder, "pieces/devis.pdf", HEADER).advice


def test_a_folder_is_listed_at_most_max_listed_entries_for_a_suggestion(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "Vouliez-vous dire « pieces/rib.pdf » ?" in inspect_piece(folder, "pieces/RIB.pdf", HEADER).advice
    monkeypatch.setattr(files, "_MAX_LISTED", 0)
    assert "Vouliez-vous" not in inspect_piece(folder, "pieces/RIB.pdf", HEADER).advice


def test_a_folder_walked_through_once_is_not_looked_at_again(folder: Path) -> None:
    # The pieces of one dossier share their folders: each is looked at (lstat) once, and what was
    # found of it (a folder, not a link) stands for the next pieces.
    directories: Directories = {}
    first = inspect_piece(folder, "pieces/rib.pdf", HEADER, directories)
    assert first.ok and list(directories) == [str(folder / "pieces")]
    (folder / "pieces" / "autre.pdf").write_bytes(b"%PDF-1.4 autre")
    second = inspect_piece(folder, "pieces/autre.pdf", HEADER, directories)
    assert second.ok and second.path == str(folder / "pieces" / "autre.pdf")
    # A link is never kept as a folder walked through: it is refused each time.
    (folder / "lien").symlink_to(folder / "pieces")
    for _ in range(2):
        assert "lien symbolique" in inspect_piece(folder, "lien/rib.pdf", HEADER, directories).reason
    assert list(directories) == [str(folder / "pieces")]
    # The last name is always looked at: a file is never taken from the folders walked through.
    assert "n'est pas un répertoire" in inspect_piece(folder, "pieces/rib.pdf/x", HEADER, directories).reason


def test_a_small_piece_is_read_whole_in_the_one_open_of_its_check(folder: Path) -> None:
    result = inspect_piece(folder, "pieces/rib.pdf", HEADER)
    assert result.header == b"%PDF-1.4"
    assert result.content == b"%PDF-1.4\n" + b"x" * 100
    whole = b"%PDF-1.4\n" + b"x" * (files._WHOLE - 9)
    (folder / "pieces" / "juste.pdf").write_bytes(whole)
    assert inspect_piece(folder, "pieces/juste.pdf", HEADER).content == whole


def test_a_larger_piece_gives_its_first_bytes_only(folder: Path) -> None:
    (folder / "pieces" / "gros.pdf").write_bytes(b"%PDF-1.4\n" + b"x" * files._WHOLE)
    result = inspect_piece(folder, "pieces/gros.pdf", HEADER)
    assert result.ok and result.size == files._WHOLE + 9
    assert (result.header, result.content) == (b"%PDF-1.4", None)


def test_a_header_larger_than_the_file_is_the_whole_file(folder: Path) -> None:
    # The CERFA: read up to the PDF limit and one byte more, i.e. whole; header and content are one.
    big = b"%PDF-1.4\n" + b"x" * (2 * files._WHOLE)
    (folder / "pieces" / "cerfa.pdf").write_bytes(big)
    result = inspect_piece(folder, "pieces/cerfa.pdf", 3 * files._WHOLE)
    assert result.header == big
    assert result.content is result.header


def test_a_piece_read_whole_in_small_reads_is_read_to_its_size(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, size: real_read(fd, min(size, 7)))
    result = inspect_piece(folder, "pieces/rib.pdf", HEADER)
    assert (result.header, result.content) == (b"%PDF-1.4", b"%PDF-1.4\n" + b"x" * 100)


def test_a_piece_shorter_than_its_size_when_read_has_no_content(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Truncated between fstat and read: its header still, but no content to hash (PCE10 reads it again).
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, size: real_read(fd, 20) if size > 20 else b"")
    result = inspect_piece(folder, "pieces/rib.pdf", HEADER)
    assert result.ok and (result.header, result.content) == (b"%PDF-1.4", None)
