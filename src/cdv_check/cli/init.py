"""`cdv-check init`: the dossier it writes, from the questions (cli.questionnaire) or as the
commented template.

Both modes fill a `Draft` and render it the same way: every key of the format appears, the ones
left empty as commented examples, and the file reads back with no syntax or shape finding. What
is not answered stays « À compléter : … », which SCH09 refuses until it is replaced.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from cdv_check.model.referentiel import Referentiel
from cdv_check.reporters.output import write_new as write_new  # the one never-overwrite writer
from cdv_check.text.words import call_title, first_commune, of_objectives_table
from cdv_check.text.words import priorities as priorities_words

Ask = Callable[[str, str | None], str]
Say = Callable[[str], None]

TODO = "À compléter"
PIECE_FILES = {
    "cerfa": "pieces/cerfa.pdf",
    "fiche_synthese": "pieces/fiche-synthese.pdf",
    "rib": "pieces/rib.pdf",
    "rapport_activite": "pieces/rapport-activite.pdf",
    "statuts_bureau": "pieces/statuts-bureau.pdf",
    "bilan_precedent": "pieces/bilan-precedent.pdf",
    "bilan_intermediaire": "pieces/bilan-intermediaire.pdf",
}


@dataclass(frozen=True, slots=True)
class Line:
    """One budget line of the CERFA."""

    compte: str
    libelle: str
    montant: Decimal
    politique_de_la_ville: bool = False


@dataclass(slots=True)
class Person:
    nom: str = f"{TODO} : prénom et nom"
    qualite: str = f"{TODO} : Présidente, Président…"
    courriel: str = f"{TODO} : adresse électronique"
    telephone: str | None = None


@dataclass(slots=True)
class Draft:
    """What the new dossier says; the defaults are the template's placeholders."""

    date_depot: date | None = None
    """None: the template shows the deadline as an example, commented."""
    nom: str = f"{TODO} : nom de la structure"
    sigle: str | None = None
    statut: str = "association"
    siret: str | None = f"{TODO} : 14 chiffres"
    rna: str | None = f"{TODO} : W suivi de 9 chiffres"
    registre: tuple[str, str, str] | None = None
    adresse: str = f"{TODO} : adresse du siège"
    representant: Person = field(default_factory=Person)
    premiere_demande: bool = True
    changement_statuts: bool | None = None
    intitule: str = f"{TODO} : intitulé de l'action"
    nouvelle: bool = True
    quartiers: list[str] = field(default_factory=list)
    objectifs: list[str] = field(default_factory=list)
    axes: list[str] | None = None
    priorites: list[str] | None = None
    partenaires: list[str] = field(default_factory=list)
    besoin: str = f"{TODO} : le besoin avéré du territoire, constaté par qui, chiffré si possible"
    description: str = f"{TODO} : ce que fait l'action, pour qui, avec qui, à quel rythme"
    public: str = f"{TODO} : le public visé"
    scolaire: bool = False
    beneficiaires: int = 0
    beneficiaires_qpv: int | None = 0
    debut: date | None = None
    """None: the template proposes the call's action year (from the référentiel)."""
    fin: date | None = None
    lieu: str | None = f"{TODO} : lieu de l'action"
    modalites: str = f"{TODO} : comment l'action sera évaluée"
    indicateurs: list[str] = field(default_factory=list)
    lien: str | None = None
    """The link with the new Contrat de Ville, asked for a renewal."""
    charges: list[Line] = field(
        default_factory=lambda: [Line("60", f"{TODO} : une ligne par compte (60 à 68)", Decimal(0))]
    )
    produits: list[Line] = field(
        default_factory=lambda: [Line("74", "État - politique de la ville", Decimal(0), True)]
    )
    subvention: Decimal = Decimal(0)
    pieces: dict[str, str | None] = field(
        default_factory=lambda: {
            name: path for name, path in PIECE_FILES.items() if name not in ("bilan_precedent", "bilan_intermediaire")
        }
    )


# --- writing ------------------------------------------------------------------------------------


# Plain YAML scalars that read back as typed (the loader keeps scalars as text): no indicator
# character, no ": " or " #", no comma (list items), nothing at either end to trim.
_PLAIN = re.compile(r"\w(?:[\w .'/()-]*[\w.)])?")


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (int, Decimal, date)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    text = str(value)
    if _PLAIN.fullmatch(text) and text.casefold() not in ("null", "~"):
        return text
    # A JSON string is a YAML double-quoted scalar: whatever was typed reads back as that text.
    return json.dumps(text, ensure_ascii=False)


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def comment(self, text: str, indent: int = 0) -> None:
        self.lines.append(" " * indent + "# " + text)

    def key(self, name: str, value: Any, note: str = "", *, indent: int = 0, example: Any = None) -> None:
        """`name: value  # note`, or the commented example when the value is None."""
        shown = value if value is not None else example
        text = f"{name}:" if shown is None else f"{name}: {_scalar(shown)}"
        prefix = " " * indent + ("" if value is not None else "# ")
        self.lines.append(prefix + text + (f"  # {note}" if note else ""))

    def mapping(self, name: str, note: str = "", *, indent: int = 0, commented: bool = False) -> None:
        """`name:` opening a block; commented when the block is left out."""
        prefix = " " * indent + ("# " if commented else "")
        self.lines.append(prefix + f"{name}:" + (f"  # {note}" if note else ""))

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def render(draft: Draft, ref: Referentiel) -> str:
    """The dossier as commented YAML."""
    w = _Writer()
    w.comment(f"Demande de subvention : {call_title(ref)} ({ref.appel.titre}).")
    w.comment("Vérifiez-la avec : cdv-check dossier.yaml ; le format complet : cdv-check schema")
    w.comment("(et le README, « Éditeurs : schéma JSON », pour l'aide de votre éditeur).")
    w.comment("Les lignes commentées (« # clé: … ») sont facultatives : retirez le # pour les remplir.")
    w.key("date_depot", draft.date_depot, "date d'envoi du dossier (sinon la date du jour)",
          example=ref.calendrier.date_limite)
    _porteur(w, draft, ref)
    _action(w, draft, ref)
    _budget(w, draft, ref)
    _pieces(w, draft, ref)
    return w.text()


def _porteur(w: _Writer, d: Draft, ref: Referentiel) -> None:
    w.mapping("porteur")
    w.key("nom", d.nom, "la structure qui porte l'action", indent=2)
    w.key("sigle", d.sigle, indent=2, example="ABC")
    statuts = " | ".join(s.id for s in ref.statuts_porteur)
    w.key("statut", d.statut, statuts, indent=2)
    w.key("siret", d.siret, "14 chiffres, espaces permis", indent=2, example="732 829 320 00074")
    w.key("rna", d.rna, "associations loi 1901 : W + 9 chiffres", indent=2, example="W572001234")
    w.mapping("registre_tribunal", "associations de droit local (Alsace-Moselle), à la place du RNA",
              indent=2, commented=d.registre is None)
    tribunal, volume, folio = d.registre or (first_commune(ref), "142", "37")
    for name, value in (("tribunal", tribunal), ("volume", volume), ("folio", folio)):
        w.key(name, value if d.registre else None, indent=4, example=value)
    w.key("adresse", d.adresse, "adresse du siège", indent=2)
    w.mapping("representant_legal", indent=2)
    _person(w, d.representant, commented=False)
    w.mapping("contact", "la personne chargée du dossier, si ce n'est pas le représentant légal",
              indent=2, commented=True)
    _person(w, Person("Karim Benali", "Coordinateur", "k.benali@exemple.fr", "03 87 00 00 00"), commented=True)
    w.key("premiere_demande", d.premiere_demande, "première demande au titre de la politique de la ville "
          "(oui/non)", indent=2)
    w.key("changement_statuts", d.changement_statuts, "statuts ou bureau modifiés depuis la dernière demande",
          indent=2, example=False)


def _person(w: _Writer, p: Person, *, commented: bool) -> None:
    for name, value in (("nom", p.nom), ("qualite", p.qualite), ("courriel", p.courriel)):
        w.key(name, None if commented else value, indent=4, example=value)
    w.key("telephone", None if commented else p.telephone, "facultatif", indent=4, example="03 87 00 00 00")


def _action(w: _Writer, d: Draft, ref: Referentiel) -> None:
    w.mapping("action")
    w.key("intitule", d.intitule, indent=2)
    w.key("nouvelle", d.nouvelle, "oui : action nouvelle ; non : existante ou déjà financée", indent=2)
    w.key("quartiers", d.quartiers, ", ".join(q.slug for q in ref.qpv) + " (cdv-check qpv)", indent=2)
    w.key("objectifs", d.objectifs, f"codes {of_objectives_table(ref)} (cdv-check objectives --search MOT)",
          indent=2)
    axes = " | ".join(a.id for a in ref.appel.axes_transversaux)
    w.key("axes_transversaux", d.axes, axes, indent=2, example=[a.id for a in ref.appel.axes_transversaux[:1]])
    w.key("priorites", d.priorites, f"{priorities_words(ref)} des quartiers (cdv-check qpv)", indent=2,
          example=[p.id for p in ref.priorites[:1]])
    w.key("besoin", d.besoin, "le besoin avéré auquel l'action répond", indent=2)
    w.key("description", d.description, indent=2)
    w.mapping("public", indent=2)
    w.key("description", d.public, indent=4)
    w.key("scolaire", d.scolaire, "public scolaire ou action en milieu scolaire (oui/non)", indent=4)
    w.key("beneficiaires", d.beneficiaires, "nombre de personnes touchées", indent=4)
    w.key("beneficiaires_qpv", d.beneficiaires_qpv, "dont habitants des QPV", indent=4, example=0)
    year = ref.calendrier.annee_action
    w.key("debut", d.debut or year.debut, "AAAA-MM-JJ ou JJ/MM/AAAA", indent=2)
    w.key("fin", d.fin or year.fin, indent=2)
    w.key("lieu", d.lieu, indent=2, example="Centre social")
    w.key("partenaires", d.partenaires, "les partenaires de l'action", indent=2)
    w.mapping("evaluation", indent=2)
    w.key("modalites", d.modalites, indent=4)
    w.key("indicateurs", d.indicateurs, "les indicateurs suivis", indent=4)
    w.key("lien_contrat_de_ville", d.lien, "obligatoire pour un renouvellement (nouvelle: non)", indent=2,
          example="En quoi l'action répond au nouveau Contrat de Ville")


def _budget(w: _Writer, d: Draft, ref: Referentiel) -> None:
    w.mapping("budget")
    for name, lines, accounts in (("charges", d.charges, "60 à 68, et 86"), ("produits", d.produits, "70 à 79, et 87")):
        w.mapping(name, f"comptes {accounts} du CERFA ; une ligne « - compte: … » par poste", indent=2)
        for line in lines:
            w.key("- compte", line.compte, indent=4)
            w.key("libelle", line.libelle, indent=6)
            w.key("montant", line.montant, "en euros", indent=6)
            if line.politique_de_la_ville:
                w.key("politique_de_la_ville", True, "demandé au titre du Contrat de Ville", indent=6)
                if ref.financeurs:
                    w.key("financeur", None, "le financeur à qui la ligne est demandée (identifiant ou nom)",
                          indent=6, example=ref.financeurs[0].id)
    w.key("subvention_demandee", d.subvention, "total demandé au titre du Contrat de Ville", indent=2)
    w.key("subvention_precedente", None, "renouvellement : montant accordé l'an dernier", indent=2,
          example=d.subvention)


def _pieces(w: _Writer, d: Draft, ref: Referentiel) -> None:
    w.mapping("pieces", "chemins des fichiers, relatifs au dossier de ce fichier")
    for piece in ref.pieces:
        w.key(piece.id, d.pieces.get(piece.id), piece.libelle, indent=2, example=PIECE_FILES.get(piece.id, "pieces/"))


def template(ref: Referentiel) -> str:
    """The commented template of `--no-input`."""
    return render(Draft(), ref)


# --- an interrupted questionnaire: its draft, and taking it up again ----------------------------

_ANSWERS_MARK = "# cdv-check init --reprendre : les réponses données (ne modifiez ni cette ligne ni la suivante)"


def draft_path(file: Path) -> Path:
    """`mon-dossier.yaml` → `mon-dossier.brouillon.yaml`, beside it."""
    return file.with_name(f"{file.stem}.brouillon{file.suffix}")


class Stopped(Exception):
    """The questionnaire ends without a dossier: the French message, and the exit code."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class Recorder:
    """The questionnaire's `ask` and `say`: every answer recorded (a draft keeps them all), and
    the answers of a draft given again, silently, before the next question is asked."""

    def __init__(self, ask: Ask, say: Say, replay: list[str]) -> None:
        self._ask, self._say = ask, say
        self.replay = replay
        self.answers: list[str] = []

    @property
    def replaying(self) -> bool:
        return len(self.answers) < len(self.replay)

    def ask(self, question: str, default: str | None) -> str:
        if self.replaying:
            answer = self.replay[len(self.answers)]
            self.answers.append(answer)
            if not self.replaying:
                self._say(f"(Brouillon repris : {len(self.answers)} réponses. La suite :)")
            return answer
        answer = self._ask(question, default)
        self.answers.append(answer)
        return answer

    def say(self, text: str) -> None:
        if not self.replaying:
            self._say(text)


def draft_text(draft: Draft, ref: Referentiel, answers: list[str], file: Path) -> str:
    """The draft file: the dossier as far as it is answered (readable, checkable), then the
    answers themselves, which `--reprendre` gives again to the questionnaire."""
    head = (
        f"# Brouillon de {file.name} : questionnaire interrompu. Reprenez-le avec :\n"
        f"#   cdv-check init --reprendre {file}\n"
        "# (ce qui est modifié ci-dessous n'est pas repris : les réponses de la fin du fichier le sont).\n"
    )
    return head + render(draft, ref) + f"{_ANSWERS_MARK}\n# {json.dumps(answers)}\n"


def draft_answers(path: Path) -> list[str]:
    """The answers a draft holds; Stopped (exit 1) when it is missing or is not a draft."""
    from cdv_check.reading.loading import InputRefused, decode, read_bounded

    if not path.exists():
        raise Stopped(f"Pas de brouillon à reprendre : « {path} » n'existe pas (cdv-check init l'écrit quand un "
                      "questionnaire est interrompu).", 1)
    try:
        text, _ = decode(read_bounded(path, 1 << 22))
    except InputRefused as refused:
        why = refused.problem.message.removeprefix("Fichier illisible : ")
        raise Stopped(f"Brouillon « {path} » illisible : {why}", 1) from None
    lines = text.splitlines()
    try:
        index = lines.index(_ANSWERS_MARK)
        answers = json.loads(lines[index + 1].removeprefix("# "))
    except (ValueError, IndexError):
        answers = None
    if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers):
        raise Stopped(f"« {path} » n'est pas un brouillon de cdv-check init (ses réponses n'y sont pas).", 1)
    return answers


def save_draft(text: str, path: Path, *, replacing: bool) -> None:
    """Write the draft; never over an existing file, except the draft this run took up again
    (replaced whole, once the new one is written)."""
    import os

    if not replacing:
        write_new(path, text)
        return
    spare = path.with_name(f".{path.name}.nouveau")
    write_new(spare, text)
    os.replace(spare, path)
