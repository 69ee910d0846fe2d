"""A generated batch a referent would meet: several-QPV dossiers, an unreadable file, the same
action sent twice, one SIRET under two names, a renewal, faulty and hostile dossiers."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from cdv_check.cli.app import app
from conftest import EXAMPLES

GOOD = EXAMPLES / "nouvelle-action"
HOSTILE_TITLE = "<script>alert(1)</script>"
FORMULA_TITLE = '=HYPERLINK("http://exemple.invalid","clic")'


def _copy(source: Path, target: Path, edits: dict[str, str] | None = None) -> None:
    shutil.copytree(source, target)
    original = target / "dossier.yaml"
    text = original.read_text(encoding="utf-8")
    for old, new in (edits or {}).items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    original.write_text(text, encoding="utf-8")


TITLE = "  intitule: Atelier couture, premier pas vers l'emploi\n"

FILES = [
    "lot/a-atelier/dossier.yaml",
    "lot/b-trois-qpv/dossier.yaml",
    "lot/c-copie/dossier.yaml",
    "lot/d-meme-titre/dossier.yaml",
    "lot/e-renouvellement/dossier.yaml",
    "lot/f-illisible.yaml",
    "lot/g-erreurs/dossier.yaml",
    "lot/h-autre-nom/dossier.yaml",
    "lot/i-deux-qpv-a-corriger/dossier.yaml",
    "lot/j-hostile/dossier.yaml",
    "lot/k-formule/dossier.yaml",
]
"""In the order the folder `lot` is searched (files first, then folders: f comes first)."""

ORDER = ["lot/f-illisible.yaml", *[f for f in FILES if f != "lot/f-illisible.yaml"]]


def make_batch(root: Path) -> list[str]:
    """Write the batch under `root/lot`; its files as relative paths, in the order of a search."""
    lot = root / "lot"
    lot.mkdir()
    _copy(GOOD, lot / "a-atelier")
    _copy(GOOD, lot / "b-trois-qpv", {
        "quartiers: [Bellecroix]": "quartiers: [Bellecroix, Borny, Sablon Sud]",
        TITLE: "  intitule: Couture dans trois quartiers\n",
    })
    _copy(GOOD, lot / "c-copie", {"# Exemple": "# Une copie, autrement commentée. Exemple"})
    _copy(GOOD, lot / "d-meme-titre", {
        TITLE: "  intitule: ATELIER  couture, premier pas vers l’Emploi\n",
        "beneficiaires: 24": "beneficiaires: 25",
    })
    shutil.copytree(EXAMPLES / "renouvellement-scolaire", lot / "e-renouvellement")
    (lot / "f-illisible.yaml").write_bytes(b"\x00\xff\x00 pas un dossier")
    shutil.copytree(EXAMPLES / "erreurs-typiques", lot / "g-erreurs")
    _copy(GOOD, lot / "h-autre-nom", {
        "  nom: Fil et Aiguille Bellecroix\n": "  nom: Maison des jeunes de Borny\n",
        TITLE: "  intitule: Accueil des jeunes le samedi\n",
        "quartiers: [Bellecroix]": "quartiers: [Borny]",
        "priorites: [bellecroix-emploi-femmes]": "priorites: [borny-aide-aux-devoirs]",
    })
    _copy(GOOD, lot / "i-deux-qpv-a-corriger", {
        "quartiers: [Bellecroix]": "quartiers: [Borny, Hauts-de-Vallières]",
        "priorites: [bellecroix-emploi-femmes]": "priorites: [borny-aide-aux-devoirs]",
        TITLE: "  intitule: Couture à Borny et aux Hauts-de-Vallières\n",
        "beneficiaires_qpv: 22": "beneficiaires_qpv: 30",  # more than beneficiaires: ELG02
    })
    _copy(GOOD, lot / "j-hostile", {TITLE: f"  intitule: '{HOSTILE_TITLE}'\n"})
    _copy(GOOD, lot / "k-formule", {TITLE: f"  intitule: '{FORMULA_TITLE}'\n"})
    return ORDER


def run(*args: str) -> Any:
    """`cdv-check check` on the batch, one process, with the deposit date the batch is made for."""
    return CliRunner().invoke(app, ["check", "--jobs", "1", "--date-depot", "2016-01-06", *args])
