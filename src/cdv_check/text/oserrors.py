"""System errors (errno) said in French, for every message that reports one."""

from __future__ import annotations

import errno

_FRENCH = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.EEXIST: "le fichier existe déjà",
    errno.EISDIR: "c'est un dossier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.ELOOP: "trop de liens symboliques, sans doute une boucle",
    errno.ENAMETOOLONG: "nom trop long",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EDQUOT: "quota de disque dépassé",
    errno.EFBIG: "fichier trop gros",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.EIO: "erreur d'entrée-sortie du disque",
    errno.EAGAIN: "fichier verrouillé ou pas encore prêt",
    errno.EBADF: "la sortie n'est pas ouverte en écriture",
    errno.ENXIO: "périphérique absent",
}


def french_os_error(exc: OSError) -> str:
    """What went wrong, in French; the errno number when it is not one of the usual ones."""
    return _FRENCH.get(exc.errno or 0, f"erreur système n° {exc.errno}")
