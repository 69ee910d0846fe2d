"""`cdv-check init`: the template and the questionnaire write dossiers that read back without SCH
findings, and an existing file is never replaced."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from cdv_check.cli.app import app
from cdv_check.cli.questionnaire import questionnaire
from cdv_check.core.checker import DossierResult, Settings, check_path
from cdv_check.model.dossier import Dossier
from cdv_check.model.fields import model_in
from cdv_check.model.referentiel import load
from cdv_check.reading.loading import read_structured

# One answer per question, in the order asked; comments say which question and what is checked.
ANSWERS = [
    "06/01/2016",  # date de dépôt
    'Les "Amis" : 100% # Borny',  # nom
    "",  # sigle: none
    "9",  # statut: not in the list, asked again
    "1",  # statut: association
    "443 061 841 00048",  # SIRET: wrong key (IDN01), asked again
    "443 061 841 00047",  # SIRET
    "non",  # droit local?
    "W57200432",  # RNA: 8 digits (IDN02), asked again
    "W572004321",  # RNA
    "3 rue de Toul, 57070 Metz",  # adresse
    "Aïcha Mansouri",  # représentant
    "Présidente",
    "paul@asso",  # no dot in the domain (IDN03), asked again
    "presidente@exemple.fr",
    "presidente@exemple.fr",  # an e-mail for a phone (IDN04), asked again
    "0387741234",  # téléphone, leading zero
    "oui",  # première demande
    "null",  # intitulé: a word YAML would read as nothing
    "oui",  # nouvelle
    "",  # quartiers: required, says why
    "2, la patrote",  # Bellecroix, and a misspelt La Patrotte
    "",  # « vouliez-vous dire La Patrotte/Metz Nord ? » oui
    "devoirs",  # objectifs: words only priorities hold
    "sante",  # a search, numbered
    "2.1.2, 1.11",  # 1.11 does not exist (ELG04, 1.10 suggested first), asked again
    "2.1.2, 1.10",  # a list on one line, with the code YAML would read as 1.1
    "",  # no other objective
    "3",  # axe: jeunesse
    "",  # priorités: none
    "TODO",  # besoin: a placeholder (SCH09), asked again
    "Un besoin constaté par le centre social : 140 femmes sans qualification.",  # < 80 (ELG05)
    "non",  # not completed now
    "- Deux ateliers par semaine, au centre social",  # description starting like a YAML list item
    "Femmes de Bellecroix",
    "",  # scolaire: default non
    "24",
    "30",  # more QPV residents than people reached (ELG02): both asked again
    "24",
    "22",
    "31/02/2016",  # no such date, asked again
    "01/02/2016",
    "15/12/2017",  # ends in 2017 (EXA01): both asked again
    "01/02/2016",
    "15/12/2016",
    "Centre social",
    "Centre social",  # partners, one per line
    "Pôle Emploi",
    "",
    "Entretien individuel en fin de parcours et bilan collectif avec les partenaires.",
    "Nombre de participantes assidues",  # indicators, one per line
    "Entrées en formation",
    "",
    "5",  # charges: 64 Charges de personnel
    "",  # its label: the CERFA's
    "dix mille",  # not an amount, asked again
    "10 200",
    "",  # no other charge
    "7 000,50 €",  # the Contrat de Ville
    "6",  # another produit: 75
    "Cotisations",
    "1 000",
    "",  # done: unbalanced (BUD01), a line is asked for
    "2",  # a line of produits
    "5",  # 74
    "Ville de Metz",
    "2 199,50",
    "",  # cerfa: default path
    "-",  # fiche de synthèse: not yet
    "",
    "",
    "pieces/statuts 2015.pdf",
]


def _check(path: Path) -> DossierResult:
    return check_path(path, load(), Settings(today=date(2016, 1, 5), check_files=False))


def _shape_findings(path: Path) -> list[str]:
    """Findings about the file's shape (SCH09, the placeholders to replace, aside)."""
    return [f"{f.rule} {f.message}" for f in _check(path).findings if f.rule.startswith("SCH") and f.rule != "SCH09"]


def _all_keys(cls: type[BaseModel] = Dossier) -> set[str]:
    keys: set[str] = set()
    for name, info in cls.model_fields.items():
        keys.add(name)
        inner = model_in(info.annotation)
        if inner is not None:
            keys |= _all_keys(inner)
    return keys


def _uncomment(text: str) -> str:
    """The template with every optional key written in."""
    return re.sub(r"^(\s*)# (\w+:)", r"\1\2", text, flags=re.MULTILINE)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "400")  # one line per message (the narrow case has its own test)
    return tmp_path


def test_no_input_writes_the_commented_template(here: Path) -> None:
    result = CliRunner().invoke(app, ["init", "--no-input"])
    assert result.exit_code == 0, result.stderr
    path = here / "dossier.yaml"
    assert "Dossier écrit : dossier.yaml" in result.stdout
    text = path.read_text(encoding="utf-8")
    assert _shape_findings(path) == []
    for key in _all_keys():
        assert re.search(rf"^\s*(# )?(- )?{key}:", text, re.MULTILINE), key
    assert "# sigle:" in text and "À compléter" in text


def test_the_template_with_its_optional_keys_written_in_reads_back(here: Path) -> None:
    CliRunner().invoke(app, ["init", "--no-input", "modele.yaml"])
    full = here / "complet.yaml"
    full.write_text(_uncomment((here / "modele.yaml").read_text(encoding="utf-8")), encoding="utf-8")
    assert _shape_findings(full) == []
    data = read_structured(full).data
    assert data["porteur"]["registre_tribunal"] == {"tribunal": "Metz", "volume": "142", "folio": "37"}
    assert data["porteur"]["contact"]["nom"] == "Karim Benali"


def test_off_a_terminal_the_template_is_written_without_questions(here: Path) -> None:
    result = CliRunner().invoke(app, ["init", "nouveau.yaml"], input="")
    assert result.exit_code == 0
    assert (here / "nouveau.yaml").read_text(encoding="utf-8") == _template_text(here)


def _template_text(here: Path) -> str:
    CliRunner().invoke(app, ["init", "--no-input", "reference.yaml"])
    return (here / "reference.yaml").read_text(encoding="utf-8")


def test_a_dash_writes_the_template_to_standard_output(here: Path) -> None:
    result = CliRunner().invoke(app, ["init", "-"])
    assert result.exit_code == 0
    assert result.stdout == _template_text(here)
    assert not (here / "-").exists()


def test_a_name_that_is_not_yaml_is_refused(here: Path) -> None:
    result = CliRunner().invoke(app, ["init", "--no-input", "dossier.json"])
    assert result.exit_code == 2 and "init écrit un dossier YAML" in result.stderr
    assert not (here / "dossier.json").exists()


def test_a_folder_that_does_not_exist_is_said_in_french(here: Path) -> None:
    result = CliRunner().invoke(app, ["init", "--no-input", "sous/dossier/nouveau.yaml"])
    assert result.exit_code == 1
    assert "impossible d'écrire « sous/dossier/nouveau.yaml » : fichier ou dossier introuvable." in result.stderr


@pytest.mark.parametrize("args", [["--no-input"], ["--input"]])
def test_an_existing_file_is_never_replaced(here: Path, args: list[str]) -> None:
    path = here / "dossier.yaml"
    path.write_bytes(b"porteur: mon travail\n")
    result = CliRunner().invoke(app, ["init", *args, "dossier.yaml"], input="\n".join(ANSWERS) + "\n")
    assert result.exit_code == 1
    assert "« dossier.yaml » existe déjà ; il n'est pas remplacé" in result.stderr
    assert "Nom de la structure" not in result.stdout  # refused before any question
    assert path.read_bytes() == b"porteur: mon travail\n"


def test_the_questionnaire_writes_what_was_answered(here: Path) -> None:
    result = CliRunner().invoke(app, ["init", "--input", "demande.yaml"], input="\n".join(ANSWERS) + "\n")
    assert result.exit_code == 0, result.stdout + result.stderr
    out = result.stdout
    # Each answer is checked on the spot, by the rule that would report it in the dossier.
    assert "Répondez par un numéro de 1 à 5" in out
    assert "SIRET « 443 061 841 00048 » invalide : sa clé de contrôle ne correspond pas" in out
    assert "Numéro RNA « W57200432 » invalide" in out
    assert "Courriel du représentant légal « paul@asso » invalide" in out
    assert "Téléphone du représentant légal « presidente@exemple.fr » : ce n'est pas un numéro français" in out
    assert "Réponse nécessaire : l'appel (3.1) ne retient qu'un projet qui concerne un ou plusieurs QPV." in out
    assert "« la patrote » : vouliez-vous dire « La Patrotte/Metz Nord » ?" in out
    assert "mais des priorités des quartiers : borny-aide-aux-devoirs" in out
    assert re.search(r"^  \d+\. 2\.5\.2 ", out, re.MULTILINE)  # the search's objectives are numbered
    assert "L'objectif « 1.11 » n'existe pas dans l'Annexe 1. Codes proches : 1.10 «" in out
    assert "« TODO » : « TODO » marque un texte à compléter" in out
    assert "Le besoin est décrit en 72 caractères seulement" in out
    assert "30 bénéficiaires habitant un QPV, plus que les 24 personnes touchées." in out
    assert "Cette date n'existe pas (31/02/2016)." in out
    assert "L'action va du 1er février 2016 au 15 décembre 2017" in out
    assert "  5. 64 Charges de personnel" in out
    assert "Budget déséquilibré : charges (60 à 68) 10 200,00 €, produits (70 à 79) 8 000,50 €" in out

    path = here / "demande.yaml"
    assert _shape_findings(path) == []
    data = read_structured(path).data
    porteur, action, budget = data["porteur"], data["action"], data["budget"]
    assert porteur["nom"] == 'Les "Amis" : 100% # Borny'
    assert "sigle" not in porteur
    assert (porteur["statut"], porteur["siret"], porteur["rna"]) == ("association", "443 061 841 00047", "W572004321")
    assert porteur["representant_legal"]["telephone"] == "0387741234"
    assert action["intitule"] == "null"
    assert action["quartiers"] == ["bellecroix", "patrotte-metz-nord"]
    assert action["objectifs"] == ["2.1.2", "1.10"]
    assert action["axes_transversaux"] == ["jeunesse"]
    assert action["description"] == "- Deux ateliers par semaine, au centre social"
    assert action["public"] == {
        "description": "Femmes de Bellecroix", "scolaire": "non", "beneficiaires": "24", "beneficiaires_qpv": "22",
    }
    assert (action["debut"], action["fin"]) == ("2016-02-01", "2016-12-15")
    assert action["partenaires"] == ["Centre social", "Pôle Emploi"]
    assert action["evaluation"] == {
        "modalites": "Entretien individuel en fin de parcours et bilan collectif avec les partenaires.",
        "indicateurs": ["Nombre de participantes assidues", "Entrées en formation"],
    }
    assert budget["subvention_demandee"] == "7000.50"
    assert budget["charges"] == [{"compte": "64", "libelle": "Charges de personnel", "montant": "10200"}]
    assert [(line["compte"], line["libelle"], line["montant"]) for line in budget["produits"]] == [
        ("74", "État - politique de la ville (Contrat de Ville)", "7000.50"),
        ("75", "Cotisations", "1000"),
        ("74", "Ville de Metz", "2199.50"),
    ]
    assert data["pieces"] == {
        "cerfa": "pieces/cerfa.pdf",
        "rib": "pieces/rib.pdf",
        "rapport_activite": "pieces/rapport-activite.pdf",
        "statuts_bureau": "pieces/statuts 2015.pdf",
    }
    checked = _check(path)
    assert [f.rule for f in checked.findings if f.severity == "error"] == ["PCE02"]  # the fiche: « - »
    assert checked.requested == Decimal("7000.50")


def test_a_renewal_asks_for_the_previous_report_and_a_local_law_register() -> None:
    """Driven through the injected `ask`: the questions depend on the earlier answers."""
    answers = {
        "Statut de la structure": "association",
        "registre du tribunal": "oui",
        "Tribunal du registre": "",
        "Volume du registre": "142",
        "Folio du registre": "37",
        "Première demande": "non",
        "Statuts ou bureau modifiés": "non",
        "Action nouvelle": "non",
        "Numéros ou noms": "borny",
        "Date de dépôt": "2016-01-06",
        "Codes, mots": "2.7.3",
        "Date de début": "2015-09-01",
        "Date de fin": "2016-07-05",
        "Public scolaire": "oui",
        "Nombre de personnes": "12",
        "Dont habitants": "12",
        "Compte de charges": "1",
        "Compte de produits": "",
        "Subvention demandée": "500",
        "Montant": "500",
        "Le compléter": "non",
        "adresse électronique": "presidente@exemple.fr",
        "Libellé de la ligne": "Fournitures",
    }
    asked: list[str] = []
    said: list[str] = []
    given: set[str] = set()

    def ask(question: str, default: str | None) -> str:
        asked.append(question)
        assert len(asked) < 200, said[-3:]  # a question asked again and again: the answer is refused
        for start, answer in answers.items():
            if start in question:
                if start == "Compte de charges" and start in given:
                    return ""
                given.add(start)
                return answer or (default or "")
        if default is not None:
            return default
        return "Une réponse assez longue pour dire quelque chose de l'action."

    draft = questionnaire(ask, said.append, load())
    assert draft.registre == ("Metz", "142", "37") and draft.rna is None
    assert (draft.premiere_demande, draft.changement_statuts, draft.nouvelle) == (False, False, False)
    assert draft.objectifs == ["2.7.3"]
    assert draft.lien == "Une réponse assez longue pour dire quelque chose de l'action."
    pieces = [q for q in asked if q.startswith(("Le bilan", "Une copie des statuts"))]
    assert pieces == ["Le bilan financier et qualitatif de l'année précédente"]
    assert draft.pieces["bilan_precedent"] == "pieces/bilan-precedent.pdf"



def test_codes_and_words_on_one_objective_line_and_another_objective() -> None:
    # issue 19: « 2.11.1, 1.4.1, sante » dropped both codes and searched the whole line
    answers = {
        "Date de dépôt": ["2016-01-06"], "Statut de la structure": ["1"], "registre du tribunal": ["non"],
        "adresse électronique": ["presidente@exemple.fr"], "Numéros ou noms": ["Metz-Borny"],
        "Codes, mots": ["2.11.1, 1.4.1, sante", "1", "apprendre le français", "1"],
        "Ajouter un autre objectif": ["oui", "non"],
        "Date de début": ["2016-02-01"], "Date de fin": ["2016-06-30"], "Nombre de personnes": ["12"],
        "Dont habitants": ["12"], "Compte de charges": ["1", ""], "Libellé de la ligne": ["Fournitures"],
        "Montant": ["500"], "Subvention demandée": ["500"], "Compte de produits": [""], "Le compléter": ["non"],
    }
    draft, _, said = _driven_by(answers)
    text = "\n".join(said)
    assert "Codes gardés : 2.11.1, 1.4.1 ; « sante » est cherché :" in text
    assert draft.quartiers == ["borny"]  # « Metz-Borny »: Borny, as the check reads it
    assert draft.objectifs[:2] == ["2.11.1", "1.4.1"] and len(draft.objectifs) == 4
    assert draft.objectifs[3].startswith("2.11")  # « apprendre » found « apprentissage »


def test_a_contribution_in_kind_brings_its_twin_and_the_deadline_is_counted_down() -> None:
    answers = {
        "Date de dépôt": ["2016-01-12", "non", "2016-01-08"], "Statut de la structure": ["1"],
        "registre du tribunal": ["non"], "adresse électronique": ["presidente@exemple.fr"], "Numéros ou noms": ["1"],
        "Codes, mots": ["2.7.3"], "Date de début": ["2016-02-01"], "Date de fin": ["2016-06-30"],
        "Nombre de personnes": ["12"], "Dont habitants": ["12"], "Compte de charges": ["1", "10", ""],
        "Libellé de la ligne": ["Fournitures", "Bénévolat", ""], "Montant": ["500", "300"],
        "Subvention demandée": ["900", "500"], "Compte de produits": [""], "Le compléter": ["non"],
    }
    draft, _, said = _driven_by(answers)
    text = "\n".join(said)
    assert "date limite le 10 janvier 2016 (dans 5 jours)" in text
    assert "Dépôt le 12 janvier 2016, 2 jours après la date limite du 10 janvier 2016" in text
    assert draft.date_depot == date(2016, 1, 8)
    assert "supérieure au total des charges" in text  # 900 € asked for 500 € of charges (BUD03), asked again
    assert [(line.compte, line.montant) for line in draft.produits] == [("74", 500), ("87", 300)]
    assert [(line.compte, line.montant) for line in draft.charges] == [("60", 500), ("86", 300)]


def _driven_by(answers: dict[str, list[str]]) -> tuple[Any, list[str], list[str]]:
    asked: list[str] = []
    said: list[str] = []

    def ask(question: str, default: str | None) -> str:
        asked.append(question)
        assert len(asked) < 250, said[-3:]
        for start, given in answers.items():
            if start in question and given:
                return given.pop(0)
        if default is not None:
            return default
        return "Une réponse assez longue pour dire quelque chose de l'action."

    draft = questionnaire(ask, said.append, load(), today=date(2016, 1, 5))
    return draft, asked, said


def test_the_school_exception_is_explained_and_questioned_for_a_public_of_mothers() -> None:
    # issue 19: a mothers' workshop from 1/9/2015 to 30/6/2016 answered « oui » and passed
    answers = {
        "Date de dépôt": ["2016-01-06"], "Statut de la structure": ["1"], "registre du tribunal": ["non"],
        "adresse électronique": ["presidente@exemple.fr"], "Numéros ou noms": ["1"], "Codes, mots": ["2.11.1"],
        "Public visé": ["Mères du quartier de Borny"], "Public scolaire": ["oui"], "vraiment": ["non"],
        "Date de début": ["2015-09-01", "2016-01-04"], "Date de fin": ["2016-06-30", "2016-06-30"],
        "Nombre de personnes": ["12"], "Dont habitants": ["12"], "Compte de charges": ["1", ""],
        "Libellé de la ligne": ["Fournitures"], "Montant": ["500"], "Subvention demandée": ["500"],
        "Compte de produits": [""], "Le compléter": ["non"],
    }
    draft, _, said = _driven_by(answers)
    text = " ".join(said)
    citation = load().calendrier.exception_scolaire
    assert citation is not None and f"L'appel : « {citation.citation} »." in text
    assert "Le public décrit, « Mères du quartier de Borny », n'est pas un public scolaire (Mères)" in text
    assert draft.scolaire is False
    assert "L'action va du 1er septembre 2015" in text  # the school year refused: asked again
    assert draft.debut == date(2016, 1, 4)


def test_resuming_without_a_draft_says_so(here: Path) -> None:
    result = CliRunner().invoke(app, ["init", "--reprendre", "demande.yaml"], input="")
    assert result.exit_code == 1
    assert "Pas de brouillon à reprendre : « demande.brouillon.yaml » n'existe pas" in result.stderr
    (here / "demande.brouillon.yaml").write_text("porteur: mon travail\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["init", "--reprendre", "demande.yaml"], input="")
    assert result.exit_code == 1 and "n'est pas un brouillon de cdv-check init" in result.stderr
    assert (here / "demande.brouillon.yaml").read_text(encoding="utf-8") == "porteur: mon travail\n"
    assert not (here / "demande.yaml").exists()
