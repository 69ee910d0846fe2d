"""`cdv-check referentiel FICHIER`: each kind of mistake said at its place with what to write, a
valid file summed up, exit codes as for `check`."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from cdv_check.cli.app import app
from cdv_check.model.referentiel import Referentiel, embedded_path

FIXTURE = Path(__file__).parent / "referentiels" / "autre-appel-fictif.yaml"
TEXT = FIXTURE.read_text(encoding="utf-8")


def _run(path: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, ["referentiel", str(path)])
    return result.exit_code, result.output.splitlines()


def _broken(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    assert TEXT.count(old) == 1, old
    text = TEXT.replace(old, new)
    path = tmp_path / "appel.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def _at(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def test_the_fixture_and_the_embedded_referentiel_are_valid_and_summed_up() -> None:
    code, lines = _run(FIXTURE)
    assert code == 0
    assert lines[0] == "Référentiel valide : autre-appel-fictif (format 2)."
    assert "QPV : 3 dans 2 communes (sans population pour certains)." in lines
    assert "Priorités : aucune (OBJ03 et OBJ04 ne disent rien)." in lines
    assert any(line.startswith("Dépôt : la plateforme Dauphin (dauphin.valombre.example)") for line in lines)
    assert "pas de codes d'accès à demander" in lines[-2]
    assert lines[-1] == (
        "Subvention : au plus 80 % du coût de l'action, au moins 1 500,00 € et au plus 30 000,00 € (BUD05)."
    )
    code, lines = _run(embedded_path())
    assert code == 0
    assert lines[0] == "Référentiel valide : metz-metropole-2016 (format 2)."
    assert lines[-1] == "Subvention : aucune borne (BUD05 ne dit rien)."


def test_a_path_that_does_not_exist_is_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["referentiel", str(tmp_path / "absent.yaml")])
    assert result.exit_code == 2
    assert "absent.yaml » n'existe pas" in result.output


TREE = TEXT[TEXT.index("annexe1:\n") : TEXT.index("calendrier:")]

MISTAKES = {
    # name: (old, new, needle where it is said (its nth occurrence in the new text), what is said)
    "yaml-syntax": ('  titre: "Appel à projets fictif 2024"', '  titre: "Appel à projets', ("contrat:", 0), ""),
    "unknown-key": (  # a required key misspelt: one mistake, said once, where it is
        "  date_limite:", "  date_limit:", ("date_limit", 0),
        "calendrier.date_limit : clé inconnue : vouliez-vous dire « date_limite », clé obligatoire absente ici ? "
        "Renommez « date_limit » en « date_limite »",
    ),
    "unknown-optional-key": (  # an optional key misspelt: nothing is missing, the keys possible are listed
        "  date_ouverture:", "  date_ouvertur:", ("date_ouvertur", 0),
        "calendrier.date_ouvertur : clé inconnue : vouliez-vous dire « date_ouverture » ? Clés possibles ici : ",
    ),
    "missing-key": (
        '  cerfa: "12156*06"\n', "", ("plateforme: dauphin", 0),
        "depot.cerfa : clé obligatoire absente : écrivez « cerfa: … »",
    ),
    "wrong-value": (
        'date_limite: "2024-10-31"', 'date_limite: "31 octobre"', ('"31 octobre"', 0),
        "calendrier.date_limite : une date est attendue",
    ),
    "duplicate-id": (
        "slug: les-tilleuls", "slug: centre-ville-bermont", ("centre-ville-bermont", 1),
        "qpv.2.slug : qpv.slug : « centre-ville-bermont » apparaît deux fois",
    ),
    "same-qpv-name-same-commune": (
        '    commune: "Aubeval"', '    commune: "Bermont"', ('"Centre-ville"', 1),
        "qpv.1.nom : deux QPV s'appellent « Centre-ville » dans la même commune (Bermont)",
    ),
    "priority-of-an-unknown-qpv": (
        "annexe1:", "priorites:\n  - id: p1\n    qpv: montigny\n    texte: Une priorité.\nannexe1:", ("montigny", 0),
        "priorites.0.qpv : la priorité « p1 » vise le QPV inconnu « montigny » : écrivez l'identifiant (slug) "
        "d'un QPV de la liste qpv (centre-ville-aubeval, centre-ville-bermont, les-tilleuls), ou null",
    ),
    "priority-of-an-unknown-axis": (
        "annexe1:", "priorites:\n  - id: p1\n    qpv: null\n    texte: T.\n    axes: [jeunesse]\nannexe1:",
        ("jeunesse", 0),
        "priorites.0.axes.0 : la priorité « p1 » nomme l'axe transversal inconnu « jeunesse » : axes possibles : "
        "citoyennete, numerique",
    ),
    "piece-of-an-unknown-rule": (
        "regle: PCE02", "regle: PCE12", ("PCE12", 0),
        "pieces.1.regle : la pièce « contrat_engagement » est rangée sous la règle inconnue « PCE12 » ; règles "
        "possibles : PCE01, PCE02, PCE03, PCE04, PCE05, PCE06",
    ),
    "piece-of-an-unknown-condition": (
        "condition: renouvellement", "condition: renouvelement", ("renouvelement", 0),
        "pieces.4.condition : valeurs possibles : 'toujours', 'premiere_demande_ou_changement_statuts' or "
        "'renouvellement'",
    ),
    "piece-replacing-an-unknown-piece": (
        "    regle: PCE06\n", "    regle: PCE06\n    alternative_a: bilan\n", ("bilan", 0),
        "pieces.4.alternative_a : la pièce « compte_rendu » remplace la pièce inconnue « bilan »",
    ),
    "tree-with-no-usable-code": (
        TREE,
        'annexe1:\n  - code: "A"\n    libelle: "Axe"\n    objectifs_strategiques:\n'
        '      - libelle: "Rien de codé"\n        objectifs_operationnels: []\n\n',
        ('- code: "A"', 0),
        "annexe1 : l'arbre des objectifs (annexe1) ne donne aucun code qu'un dossier puisse citer",
    ),
    "empty-tree": (TREE, "annexe1: []\n\n", ("[]", 0), "annexe1 : l'arbre des objectifs (annexe1) est vide"),
    "numbered-code-outside-its-axis": (
        '  - code: "COH"', '  - code: "1"', ('"COH-EDU"', 0),
        "annexe1.0.objectifs_operationnels.0.code : l'objectif COH-EDU n'est pas sous l'axe 1",
    ),
    "deadline-after-the-action": (
        'date_limite: "2024-10-31"', 'date_limite: "2026-01-15"', ("date_ouverture", 0),
        "calendrier : la date limite (2026-01-15) est après la fin de la période de l'action (2025-12-31)",
    ),
    "deadline-before-the-opening": (
        'date_ouverture: "2024-09-02"', 'date_ouverture: "2024-11-02"', ("date_ouverture", 0),
        "calendrier : la date limite (2024-10-31) est avant la date d'ouverture (2024-11-02)",
    ),
    "platform-without-its-address": (
        '  saisie_en_ligne: "dauphin.valombre.example"\n', "", ("plateforme: dauphin", 0),
        "depot : un dépôt « dauphin » demande son adresse : écrivez « saisie_en_ligne: … »",
    ),
    "subsidy-bounds-reversed": (
        'minimum: "1500"', 'minimum: "50000"', ("part_max_cout_pct", 0),
        "subvention : le maximum (30000) est sous le minimum (50000)",
    ),
    "newer-format": ("format: 2", "format: 9", ("9", 0), "format : ce référentiel est au format 9, plus récent"),
}


@pytest.mark.parametrize("name", MISTAKES)
def test_each_kind_of_mistake_is_said_at_its_place(tmp_path: Path, name: str) -> None:
    old, new, (needle, nth), said = MISTAKES[name]
    path, text = _broken(tmp_path, old, new)
    code, lines = _run(path)
    assert code == 1, lines
    assert lines[-1].startswith("Référentiel invalide : ")
    line, column = _at(text, needle, nth)
    mistakes = [row for row in lines[:-1] if row.startswith(f"{path}:")]
    assert len(mistakes) == len(lines) - 1, lines
    if name == "yaml-syntax":  # the reader's own message, at the unclosed quote's line
        assert mistakes[0].startswith(f"{path}:{line}:"), mistakes
        return
    expected = f"{path}:{line}:{column}: {said}"
    assert any(row.startswith(expected) for row in mistakes), (expected, mistakes)
    if name.startswith("unknown"):
        assert len(mistakes) == 1, mistakes


def test_the_documented_example_is_a_valid_referentiel(tmp_path: Path) -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "spec" / "referentiel.md").read_text(encoding="utf-8")
    example = doc.split("## Un référentiel complet et court")[1].split("```yaml\n")[1].split("```")[0]
    path = tmp_path / "petite-ville.yaml"
    path.write_text(example, encoding="utf-8")
    code, lines = _run(path)
    assert code == 0, lines
    assert lines[0] == "Référentiel valide : petite-ville-2025 (format 2)."
    assert "Dépôt : courriel, envoi à politique-ville@petite-ville.fr ; formulaire CERFA 12156*06 ; pas de codes " \
        "d'accès à demander." in lines


def _keys(model: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> set[str]:
    seen = seen if seen is not None else set()
    seen.add(model)
    keys: set[str] = set()
    for name, field in model.model_fields.items():
        keys.add(name)
        for inner in (field.annotation, *get_args(field.annotation)):
            for part in (inner, *get_args(inner)):
                if isinstance(part, type) and issubclass(part, BaseModel) and part not in seen:
                    keys |= _keys(part, seen)
    return keys


def test_the_format_document_names_every_key() -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "spec" / "referentiel.md").read_text(encoding="utf-8")
    missing = sorted(key for key in _keys(Referentiel) if f"`{key}`" not in doc and f"{key}:" not in doc)
    assert missing == [], "document these keys in docs/spec/referentiel.md"


@pytest.mark.parametrize(("key", "said"), [
    ("action.descriptoin", "« action.descriptoin » n'est pas le chemin d'un texte du dossier : vouliez-vous dire "
                           "« action.description » ?"),
    ('""', "une clé vide n'est pas le chemin d'un texte du dossier"),
    ("budget.cout_total", "« budget.cout_total » n'est pas le chemin d'un texte du dossier"),
])
def test_a_minimum_length_for_no_text_of_the_dossier_is_said_at_its_key(tmp_path: Path, key: str, said: str) -> None:
    # Such a minimum would be met by no text: SCH09 would silently never say a text is too short.
    path, text = _broken(tmp_path, "  besoin_longueur_min: 40\n",
                         f"  besoin_longueur_min: 40\n  textes_longueur_min:\n    action.besoin: 20\n    {key}: 20\n")
    code, lines = _run(path)
    line, column = _at(text, f"    {key}: 20")
    assert code == 1
    assert lines[0].startswith(f"{path}:{line}:{column + 4}: seuils.textes_longueur_min.")
    assert said in lines[0] and "textes possibles : porteur.nom, " in lines[0]
    assert lines[-1] == "Référentiel invalide : 1 erreur."
