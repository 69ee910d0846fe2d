"""`cdv-check init` fed bytes that are not UTF-8 (a terminal set to Windows-1252 or Latin-1, a
pasted file): each answer is made valid text as it is read, the carrier is told what was read,
and the dossier is written (issue 20, point 5)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import VALID_EXAMPLE

# The answers of tests/test_init_terminal.py's complete run after the deposit date and the
# carrier's name (given in Windows-1252).
ANSWERS = [
    "LAB", "1", "443 061 841 00047", "non", "W572004321", "3 rue de Toul, 57070 Metz", "Aïcha Mansouri",
    "Présidente", "presidente@amis-de-borny.fr", "03 87 74 12 34", "oui", "Aide aux devoirs à Borny", "oui",
    "borny", "2.7.3, 1.10.2", "", "3", "",
    "Un besoin constaté par le collège de Borny et le centre social : 60 élèves restent sans aide le soir.",
    "Deux séances d'aide aux devoirs par semaine au centre social, avec des bénévoles et le collège.",
    "Collégiens de Borny", "oui", "30", "28", "01/02/2016", "30/06/2016", "Centre social",
    "Centre social", "Collège", "",
    "Assiduité suivie chaque semaine, entretien avec les parents en fin d'année scolaire.",
    "Nombre d'élèves assidus", "", "1", "Fournitures scolaires", "1 000", "5", "", "3 000", "", "3 500", "6",
    "Cotisations", "500", "", "pieces/cerfa-12156.pdf", "pieces/fiche-synthese.pdf", "pieces/rib.pdf",
    "pieces/rapport-activite-2014.pdf", "pieces/statuts-bureau.pdf",
]


@pytest.mark.parametrize("lang", ["C.UTF-8", "en_US.UTF-8"])
def test_an_answer_in_windows_1252_is_read_as_text_and_said(tmp_path: Path, lang: str) -> None:
    shutil.copytree(VALID_EXAMPLE / "pieces", tmp_path / "pieces")
    name = "Les Amis de l'Été à Borny".encode("cp1252")
    typed = b"08/01/2016\n" + name + b"\n" + "\n".join(ANSWERS).encode("utf-8") + b"\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONUTF8", "PYTHONIOENCODING"))}
    done = subprocess.run(
        [sys.executable, "-m", "cdv_check", "init", "--input", "dossier.yaml"], input=typed, cwd=tmp_path,
        capture_output=True, timeout=120, env={**env, "LANG": lang},
    )
    said = done.stdout.decode("utf-8", "replace") + done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in said
    assert done.returncode == 0, said
    assert "la réponse est lue « Les Amis de l'Été à Borny » (comme du Windows-1252)" in " ".join(said.split())
    text = (tmp_path / "dossier.yaml").read_text(encoding="utf-8")
    assert "nom: Les Amis de l'Été à Borny" in text
