"""Safe inspection of the piece files a dossier declares.

Dossiers come from third parties: a declared path may try to leave the dossier's folder
(`../../etc/passwd`, `/dev/zero`, a symbolic link), name a pipe that would block a read forever,
or a device that never ends. `inspect_piece` refuses all of these, first from the string alone,
then component by component without following any link, and reads at most a few bytes.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from pathlib import Path
from stat import S_ISDIR, S_ISLNK, S_ISREG
from typing import NamedTuple

from cdv_check.text.oserrors import french_os_error

_DRIVE = re.compile(r"^[A-Za-z]:")
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_BINARY", 0)
)
_RELATIVE_ADVICE = (
    "Écrivez un chemin relatif au répertoire du fichier du dossier, avec des « / » "
    "(ex. pieces/rib.pdf), et placez-y le fichier."
)


class PieceCheck(NamedTuple):
    """The outcome of inspecting one declared piece: its first bytes, or why it is refused."""

    ok: bool
    header: bytes = b""
    reason: str = ""
    """French clause saying what is wrong (« le fichier est vide »), empty when ok."""
    advice: str = ""
    """French sentence saying what to do, empty when ok."""
    identity: tuple[int, int] | None = None
    """The file's device and inode, when ok: two pieces naming one file (PCE10) share them."""
    size: int = 0
    """The file's size in bytes, when ok."""
    path: str = ""
    """The file's path as found (the folder, then each name as on disk), when ok."""
    content: bytes | None = None
    """The whole file, when it was read whole (at most `_WHOLE` bytes, or all of a smaller
    `header_bytes`): PCE10 hashes it rather than opening the file again."""


def _refused(reason: str, advice: str = _RELATIVE_ADVICE) -> PieceCheck:
    return PieceCheck(False, reason=reason, advice=advice)


Directories = dict[str, tuple[str, os.stat_result]]
"""The folders already walked through for one dossier's pieces (`_walk`), by path: each with its
name on disk and its lstat."""


def inspect_piece(
    folder: Path, declared: str, header_bytes: int, directories: Directories | None = None
) -> PieceCheck:
    """Check that `declared` names a regular, non-empty file inside `folder`; read its first bytes.

    Symbolic links are refused altogether, wherever they are in the path: following one could
    leave the folder, and a dossier sent by e-mail never needs one. `directories`, given the same
    for the pieces of one dossier, spares looking at their common folders again.
    """
    parts = _parts_or_refusal(declared)
    if isinstance(parts, PieceCheck):
        return parts
    try:
        found = _walk(str(folder), parts, directories)
        if isinstance(found, PieceCheck):
            return found
        path, seen = found
        return _read_header(path, seen, header_bytes)
    except PermissionError:
        return _refused(
            "le fichier ou un répertoire du chemin n'est pas lisible (permission refusée)",
            "Donnez le droit de lecture sur le fichier, ou copiez-le ailleurs dans le répertoire.",
        )
    except OSError as exc:
        return _refused(f"le fichier ne peut pas être lu ({french_os_error(exc)})")


def _parts_or_refusal(declared: str) -> list[str] | PieceCheck:
    """The path's components, or a refusal decided from the string alone (no filesystem call)."""
    if "\x00" in declared:
        return _refused("le chemin contient un caractère nul")
    text = declared.strip()
    if not text:
        return _refused("le chemin est vide")
    if text.startswith("\\\\"):
        return _refused(f"« {text} » est un chemin réseau Windows (partage UNC)")
    if _DRIVE.match(text):
        return _refused(f"« {text} » est un chemin Windows absolu (lecteur {text[:2]})")
    if "\\" in text:
        return _refused(
            f"« {text} » contient des barres obliques inverses « \\ »",
            f"Écrivez « {text.replace(chr(92), '/')} » : les chemins s'écrivent avec des « / », "
            "relatifs au répertoire du fichier du dossier.",
        )
    if text.startswith("/"):
        return _refused(
            f"« {text} » est un chemin absolu : seules les pièces du répertoire du dossier "
            "sont lues"
        )
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if ".." in parts:
        return _refused(f"« {text} » remonte hors du répertoire du dossier (« .. »)")
    if not parts:
        return _refused(f"« {text} » ne nomme pas un fichier")
    return parts


def _walk(
    folder: str, parts: list[str], directories: Directories | None = None
) -> tuple[str, os.stat_result] | PieceCheck:
    """Follow `parts` from `folder` with lstat only; refuse links, missing or odd components.

    Gives the file's path and its lstat, which the opened file must still match. A folder on the
    way found in `directories` is not looked at again; one found here is added to it.
    """
    current = folder
    seen: os.stat_result | None = None
    last = len(parts) - 1
    for index, part in enumerate(parts):
        here = _join(current, part)
        found = directories.get(here) if directories is not None and index < last else None
        if found is None:
            found = _entry(current, part, here)
            if found is None:
                what = "le fichier" if index == last else "le répertoire"
                near = _similar_entry(current, part)
                hint = f"Vouliez-vous dire « {'/'.join([*parts[:index], near])} » ? " if near else ""
                return _refused(
                    f"{what} « {'/'.join(parts[: index + 1])} » est introuvable dans le répertoire du dossier",
                    f"{hint}Le nom s'écrit exactement comme sur le disque (majuscules, accents, "
                    "extension) ; le chemin est relatif au répertoire du fichier du dossier.",
                )
        entry, seen = found
        current = here if entry == part else _join(current, entry)
        mode = seen.st_mode
        if S_ISLNK(mode):
            return _refused(
                f"« {'/'.join(parts[: index + 1])} » est un lien symbolique : les liens ne sont jamais suivis",
                "Copiez le fichier lui-même dans le répertoire du dossier.",
            )
        if index < last:
            if not S_ISDIR(mode):
                return _refused(f"« {'/'.join(parts[: index + 1])} » n'est pas un répertoire")
            if directories is not None:
                directories[here] = found
    assert seen is not None  # parts is never empty
    return current, seen


def _join(directory: str, name: str) -> str:
    """`os.path.join` of a folder and one name (never empty, never beginning with « / »)."""
    return directory + name if not directory or directory.endswith("/") else f"{directory}/{name}"


def _entry(directory: str, name: str, path: str) -> tuple[str, os.stat_result] | None:
    """The directory entry named `name` (at `path`, their join), or one equal to it once
    Unicode-normalized, with its lstat.

    macOS writes names decomposed (NFD), most other systems and editors composed (NFC): « é »
    typed in the dossier must find « é » on disk either way.
    """
    try:
        return name, os.lstat(path)
    except FileNotFoundError:
        pass
    except NotADirectoryError:
        return None
    wanted = unicodedata.normalize("NFC", name)
    if wanted == name and unicodedata.normalize("NFD", name) == name:
        return None
    try:
        entries = os.listdir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return None
    for entry in entries:
        if unicodedata.normalize("NFC", entry) == wanted:
            return entry, os.lstat(_join(directory, entry))
    return None


_MAX_LISTED = 10_000  # entries of a folder compared to a name not found (a folder of pieces has a few)


def _folded(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _similar_entry(directory: str, name: str) -> str | None:
    """The entry of `directory` that `name` was meant to be: the same name but for case, accents
    or their Unicode form (« Fiche de synthese.pdf » for « Fiche de synthèse.pdf »), else a name
    one or two keystrokes away; None when nothing is close."""
    import difflib
    from itertools import islice

    try:
        with os.scandir(directory) as scan:
            entries = [entry.name for entry in islice(scan, _MAX_LISTED)]
    except OSError:
        return None
    wanted = _folded(name)
    same = [entry for entry in entries if _folded(entry) == wanted]
    if same:
        return same[0]
    by_folded = {_folded(entry): entry for entry in entries}
    close = difflib.get_close_matches(wanted, list(by_folded), n=1, cutoff=0.85)
    return by_folded[close[0]] if close else None


_WHOLE = 64 * 1024
"""A piece this small is read whole when it is opened for its header (one read either way): the
pieces of one size are hashed (PCE10) without being opened again."""


def _read_header(path: Path | str, seen: os.stat_result, header_bytes: int) -> PieceCheck:
    if not S_ISREG(seen.st_mode):
        return _refused(_kind_refusal(seen.st_mode))
    if seen.st_size == 0:
        return _refused(
            "le fichier est vide (0 octet)",
            "Enregistrez de nouveau la pièce ; un fichier vide vient souvent d'un envoi "
            "interrompu.",
        )
    fd = os.open(path, _OPEN_FLAGS)
    try:
        opened = os.fstat(fd)
        # The entry may have been replaced between lstat and open.
        identity = (opened.st_dev, opened.st_ino)
        if identity != (seen.st_dev, seen.st_ino) or not S_ISREG(opened.st_mode):
            return _refused("le fichier a changé pendant la vérification")
        size = opened.st_size
        if size == 0:
            return _refused("le fichier est vide (0 octet)")
        path = str(path)
        if size > header_bytes and size > _WHOLE:
            return PieceCheck(True, _read_at_most(fd, header_bytes), "", "", identity, size, path)
        # Read whole, as fstat sizes it: no further read to meet the end of the file.
        data = _read_at_most(fd, size)
        header = data if len(data) <= header_bytes else data[:header_bytes]
        return PieceCheck(True, header, "", "", identity, size, path, data if len(data) == size else None)
    finally:
        os.close(fd)


def _kind_refusal(mode: int) -> str:
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISDIR(mode):
        return "c'est un répertoire, pas un fichier"
    if stat.S_ISFIFO(mode):
        return "c'est un tube nommé (FIFO), pas un fichier"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "c'est un périphérique, pas un fichier"
    if stat.S_ISSOCK(mode):
        return "c'est une socket, pas un fichier"
    return "ce n'est pas un fichier ordinaire"


def _read_at_most(fd: int, size: int) -> bytes:
    chunk = os.read(fd, size) if size > 0 else b""
    if len(chunk) == size or not chunk:  # the usual case: all of it at once, or nothing there
        return chunk
    chunks = [chunk]
    left = size - len(chunk)
    while left > 0:
        chunk = os.read(fd, left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def piece_digest(folder: Path, declared: str, limit: int, directories: Directories | None = None) -> str | None:
    """The SHA-256 of a piece's content, read as `inspect_piece` reads (no link followed, nothing
    but a regular file), or None when it cannot be read or is larger than `limit` bytes."""
    import hashlib

    parts = _parts_or_refusal(declared)
    if isinstance(parts, PieceCheck):
        return None
    try:
        found = _walk(str(folder), parts, directories)
        if isinstance(found, PieceCheck) or not stat.S_ISREG(found[1].st_mode) or found[1].st_size > limit:
            return None
        fd = os.open(found[0], _OPEN_FLAGS)
    except OSError:
        return None
    try:
        opened = os.fstat(fd)
        if (opened.st_dev, opened.st_ino) != (found[1].st_dev, found[1].st_ino) or opened.st_size > limit:
            return None
        digest = hashlib.sha256()
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(1 << 16, left))
            if not chunk:
                break
            digest.update(chunk)
            left -= len(chunk)
        return digest.hexdigest() if left > 0 else None
    except OSError:
        return None
    finally:
        os.close(fd)
