"""`cdv-check init` in a real terminal (a pseudo-terminal driven by pexpect): the prompts a person
answers, Ctrl-C, and what the file written then gives to `cdv-check`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import VALID_EXAMPLE

pexpect = pytest.importorskip("pexpect")  # in the test extra; absent only where no pty exists

PROMPT = r" : (?: \r)?$"  # « : » then a space (readline may add « \r » when the prompt fills the line)

# A complete dossier, answered as a person would (every question, in order).
COMPLETE = [
    "08/01/2016",  # date de dépôt
    "Les Amis de Borny",  # nom
    "LAB",  # sigle
    "1",  # association
    "443 061 841 00047",  # SIRET
    "non",  # droit local
    "W572004321",  # RNA
    "3 rue de Toul, 57070 Metz",
    "Aïcha Mansouri",
    "Présidente",
    "presidente@amis-de-borny.fr",
    "03 87 74 12 34",
    "oui",  # première demande
    "Aide aux devoirs à Borny",
    "oui",  # nouvelle
    "la patrote, borny",
    "oui",  # La Patrotte/Metz Nord meant
    "2.7.3, 1.10.2",
    "",  # no other objective
    "3",  # jeunesse
    "2, 8",  # priorités: the two « aide aux devoirs »
    "Un besoin constaté par le collège de Borny et le centre social : 60 élèves restent sans aide le soir.",
    "Deux séances d'aide aux devoirs par semaine au centre social, avec des bénévoles et le collège.",
    "Collégiens de Borny et de La Patrotte",
    "oui",  # scolaire
    "30",
    "28",
    "01/02/2016",
    "30/06/2016",
    "Centre social",
    "Centre social",  # partners, one per line
    "Collège",
    "",
    "Assiduité suivie chaque semaine, entretien avec les parents en fin d'année scolaire.",
    "Nombre d'élèves assidus",  # indicators, one per line
    "Progression des notes",
    "",
    "1",  # 60 Achats
    "Fournitures scolaires",
    "1 000",
    "5",  # 64 Charges de personnel
    "",  # its label, the CERFA's
    "3 000",
    "10",  # 86 Contributions en nature
    "Bénévolat",
    "500",
    "",  # its twin, 87, with the CERFA's label
    "",  # no other charge
    "3 500",  # the Contrat de Ville
    "6",  # 75
    "Cotisations",
    "500",
    "",  # no other produit: balanced
    "pieces/cerfa-12156.pdf",
    "pieces/fiche-synthese.pdf",
    "pieces/rib.pdf",
    "pieces/rapport-activite-2014.pdf",
    "pieces/statuts-bureau.pdf",
]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copytree(VALID_EXAMPLE / "pieces", tmp_path / "pieces")
    return tmp_path


def _spawn(folder: Path, *args: str, columns: int = 100) -> object:
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    return pexpect.spawn(
        sys.executable, ["-m", "cdv_check", "init", *args], cwd=str(folder), encoding="utf-8", timeout=90,
        dimensions=(50, columns), env={**env, "TERM": "xterm", "NO_COLOR": "1"},
    )


def _answer(child: object, answers: list[str]) -> str:
    """Each answer after its prompt; the whole transcript."""
    seen: list[str] = []
    for answer in answers:
        child.expect(PROMPT)  # type: ignore[attr-defined]
        seen.append(child.before + child.after)  # type: ignore[attr-defined]
        child.sendline(answer)  # type: ignore[attr-defined]
    child.expect(pexpect.EOF)  # type: ignore[attr-defined]
    seen.append(child.before)  # type: ignore[attr-defined]
    child.close()  # type: ignore[attr-defined]
    return "".join(seen)


def _check(
    folder: Path, name: str = "dossier.yaml", date_depot: str | None = "2016-01-08"
) -> subprocess.CompletedProcess[str]:
    deposit = ["--date-depot", date_depot] if date_depot else []
    return subprocess.run(
        [sys.executable, "-m", "cdv_check", name, "--format", "text", *deposit],
        cwd=folder, capture_output=True, text=True, timeout=60,
    )


def test_a_complete_questionnaire_writes_a_dossier_that_passes(folder: Path) -> None:
    child = _spawn(folder, "dossier.yaml")
    transcript = _answer(child, COMPLETE)
    assert child.exitstatus == 0, transcript  # type: ignore[attr-defined]
    assert "« la patrote » : vouliez-vous dire « La Patrotte/Metz Nord » ?" in transcript
    assert "  5. 64 Charges de personnel" in transcript  # the CERFA's accounts, numbered
    assert "Dossier écrit : dossier.yaml" in transcript
    checked = _check(folder)
    assert checked.returncode == 0, checked.stdout
    assert " 1 prêt(s), 0 à corriger ; 0 erreur(s), 0 avertissement(s)" in checked.stdout
    text = (folder / "dossier.yaml").read_text(encoding="utf-8")
    assert "priorites: [borny-aide-aux-devoirs, patrotte-metz-nord-aide-aux-devoirs]" in text
    assert "À compléter" not in text


def _interrupt(child: object, then: str = PROMPT) -> None:
    """Ctrl-C, then what the program says to it; pressed again if the first was lost (sent as the
    prompt appears, it can reach the terminal before the child has started reading the line, as
    Ctrl-D can in test_end_of_input_keeps_the_answers_in_a_draft)."""
    for _ in range(5):
        child.sendintr()  # type: ignore[attr-defined]
        if child.expect([then, pexpect.TIMEOUT], timeout=10) == 0:  # type: ignore[attr-defined]
            return
    raise AssertionError(f"Ctrl-C pressed five times, never answered with {then!r}")


def _interrupt_after(child: object, answers: list[str]) -> None:
    for answer in answers:
        child.expect(PROMPT)  # type: ignore[attr-defined]
        child.sendline(answer)  # type: ignore[attr-defined]
    child.expect(PROMPT)  # type: ignore[attr-defined]
    _interrupt(child, r"Garder vos \d+ réponses dans le\s+brouillon")


def test_ctrl_c_offers_a_draft_and_writes_nothing_when_refused(folder: Path) -> None:
    child = _spawn(folder, "dossier.yaml")
    _interrupt_after(child, COMPLETE[:5])
    child.expect(PROMPT)  # type: ignore[attr-defined]
    child.sendline("non")  # type: ignore[attr-defined]
    child.expect(pexpect.EOF)  # type: ignore[attr-defined]
    said = child.before  # type: ignore[attr-defined]
    child.close()  # type: ignore[attr-defined]
    assert child.exitstatus == 130, said  # type: ignore[attr-defined]
    assert "Questionnaire interrompu (Ctrl-C) : aucun fichier écrit." in said
    assert "Traceback" not in said
    assert sorted(p.name for p in folder.iterdir()) == ["pieces"]


def test_an_interrupted_run_is_kept_as_a_draft_and_resumed_to_a_dossier_that_passes(folder: Path) -> None:
    # issue 19: Ctrl-C at the 19th question lost the 18 answers before it
    child = _spawn(folder, "dossier.yaml")
    _interrupt_after(child, COMPLETE[:19])
    child.expect(PROMPT)  # type: ignore[attr-defined]
    child.sendline("")  # type: ignore[attr-defined]
    child.expect(pexpect.EOF)  # type: ignore[attr-defined]
    said = " ".join(child.before.split())  # type: ignore[attr-defined]
    child.close()  # type: ignore[attr-defined]
    assert child.exitstatus == 130, said  # type: ignore[attr-defined]
    assert "vos 19 réponses sont gardées dans dossier.brouillon.yaml" in said
    assert "cdv-check init --reprendre dossier.yaml" in said
    draft = folder / "dossier.brouillon.yaml"
    assert "nom: Les Amis de Borny" in draft.read_text(encoding="utf-8")
    assert not (folder / "dossier.yaml").exists()

    again = _spawn(folder, "dossier.yaml")  # without --reprendre: the draft is not lost
    again.expect(pexpect.EOF)  # type: ignore[attr-defined]
    again.close()  # type: ignore[attr-defined]
    assert again.exitstatus == 1  # type: ignore[attr-defined]
    assert "Reprenez-le avec cdv-check init --reprendre dossier.yaml" in " ".join(again.before.split())  # type: ignore[attr-defined]

    child = _spawn(folder, "--reprendre", "dossier.yaml")
    transcript = _answer(child, COMPLETE[19:])
    assert child.exitstatus == 0, transcript  # type: ignore[attr-defined]
    assert "Brouillon repris : 19 réponses" in transcript
    assert not draft.exists()
    checked = _check(folder, date_depot=None)
    assert checked.returncode == 0, checked.stdout
    assert " 1 prêt(s), 0 à corriger ; 0 erreur(s), 0 avertissement(s)" in checked.stdout
    text = (folder / "dossier.yaml").read_text(encoding="utf-8")
    assert "date_depot: 2016-01-08" in text
    assert "partenaires: [Centre social, Collège]" in text
    assert "compte: \"87\"" in text or "compte: 87" in text


def test_end_of_input_keeps_the_answers_in_a_draft(folder: Path) -> None:
    child = _spawn(folder, "dossier.yaml")
    for answer in COMPLETE[:3]:
        child.expect(PROMPT)  # type: ignore[attr-defined]
        child.sendline(answer)  # type: ignore[attr-defined]
    child.expect(PROMPT)  # type: ignore[attr-defined]
    # Ctrl-D, pressed again if the first was lost: sent as the prompt appears, it can reach the
    # terminal before the child has started reading the line (the line editor's mode switch).
    for _ in range(5):
        child.sendeof()  # type: ignore[attr-defined]
        if child.expect([pexpect.EOF, pexpect.TIMEOUT], timeout=10) == 0:  # type: ignore[attr-defined]
            break
    child.close()  # type: ignore[attr-defined]
    assert child.exitstatus == 130  # type: ignore[attr-defined]
    assert "Les Amis de Borny" in (folder / "dossier.brouillon.yaml").read_text(encoding="utf-8")


def test_minimal_answers_write_a_dossier_that_does_not_pass_until_completed(folder: Path) -> None:
    minimal = [
        "08/01/2016", "Les Amis", "", "", "", "", "", "3 rue de Toul", "Aïcha Mansouri", "Présidente", "a@exemple.fr",
        "", "", "Soutien scolaire", "", "1", "2.7.3", "", "", "",
        "Un besoin constaté par le collège et par les familles du quartier, soixante élèves au moins.",
        "Deux séances par semaine au centre social.", "Collégiens", "", "10", "10", "01/02/2016", "30/06/2016",
        "", "", "Un bilan avec les familles en juin.", "", "1", "", "100", "", "100", "",
        "-", "-", "-", "-", "-",
    ]
    child = _spawn(folder, "dossier.yaml")
    transcript = _answer(child, minimal)
    assert child.exitstatus == 0, transcript  # type: ignore[attr-defined]
    checked = _check(folder)
    assert checked.returncode == 1
    assert "porteur.siret" in checked.stdout and " SCH09 erreur " in checked.stdout  # « À compléter »
    assert " PCE03 erreur " in checked.stdout  # the pieces left for later


def test_an_empty_answer_to_a_required_question_says_why(folder: Path) -> None:
    child = _spawn(folder, "dossier.yaml")
    child.expect(PROMPT)  # type: ignore[attr-defined]
    child.sendline("08/01/2016")  # type: ignore[attr-defined]
    child.expect(PROMPT)  # type: ignore[attr-defined]
    child.sendline("")  # type: ignore[attr-defined]
    child.expect(PROMPT)  # type: ignore[attr-defined]
    assert "Réponse nécessaire : le CERFA identifie la structure qui demande la subvention." in child.before  # type: ignore[attr-defined]
    _interrupt(child)
    child.sendline("non")  # type: ignore[attr-defined]
    child.expect(pexpect.EOF)  # type: ignore[attr-defined]
    child.close()  # type: ignore[attr-defined]


def test_the_template_does_not_pass_until_every_placeholder_is_replaced(folder: Path) -> None:
    child = _spawn(folder, "--no-input", "modele.yaml")
    child.expect(pexpect.EOF)  # type: ignore[attr-defined]
    child.close()  # type: ignore[attr-defined]
    assert child.exitstatus == 0  # type: ignore[attr-defined]
    checked = _check(folder, "modele.yaml")
    assert checked.returncode == 1
    assert checked.stdout.count(" SCH09 erreur ") >= 5


def test_in_a_narrow_terminal_the_questions_wrap_between_words(folder: Path) -> None:
    child = _spawn(folder, "dossier.yaml", columns=41)
    answers = [
        "08/01/2016", "Les Amis", "", "1", "", "non", "", "3 rue de Toul", "Aïcha Mansouri", "Présidente", "paul@asso",
    ]
    for answer in answers:
        child.expect(PROMPT)  # type: ignore[attr-defined]
        child.sendline(answer)  # type: ignore[attr-defined]
    child.expect(PROMPT)  # type: ignore[attr-defined]
    lines = child.before.replace("\r", "").splitlines()  # type: ignore[attr-defined]
    _interrupt(child)
    child.sendline("non")  # type: ignore[attr-defined]
    child.expect(pexpect.EOF)  # type: ignore[attr-defined]
    child.close()  # type: ignore[attr-defined]
    said = [line for line in lines if line.startswith(" ")]
    assert said and max(len(line) for line in said) <= 40
    assert "Courriel du représentant légal « paul@asso » invalide" in " ".join(line.strip() for line in said)
    assert any(line.endswith("nom@domaine.fr.") for line in said)  # whole, never split


def test_a_list_longer_than_the_screen_pauses_and_an_answer_typed_there_is_kept(folder: Path) -> None:
    # issue 19: the 24 priorities of two QPV scrolled off an 80×24 screen
    child = pexpect.spawn(
        sys.executable, ["-m", "cdv_check", "init", "dossier.yaml"], cwd=str(folder), encoding="utf-8", timeout=90,
        dimensions=(24, 80), env={**os.environ, "TERM": "xterm", "NO_COLOR": "1", "COLUMNS": "80", "LINES": "24"},
    )
    for answer in COMPLETE[:20]:
        child.expect(PROMPT)
        child.sendline(answer)
    child.expect(r"\(Entrée : la suite ; ou votre réponse\)")
    shown = child.before
    assert "Priorités" in shown and "  1. " in shown and "  24. " not in shown
    child.expect(PROMPT)
    child.sendline("2, 8")  # answered at the pause
    child.expect(PROMPT)
    asked = " ".join(child.before.split())
    assert "auxquelles l'action répond (Entrée : aucune) : 2, 8" in asked
    assert "Le besoin avéré du territoire" in asked
    _interrupt(child)
    child.sendline("non")
    child.expect(pexpect.EOF)
    child.close()
