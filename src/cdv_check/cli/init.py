"""`cdv-check init`: a new dossier, from a short questionnaire or as the commented template.

The questions go through two injected functions, `ask(question, default) -> answer` and
`say(text)`, so that the command line can use its prompts and tests can drive them. Both modes
fill a `Draft` and render it the same way: every key of the format appears, the ones left empty
as commented examples, and the file reads back with no SCH finding.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter, ValidationError

from cdv_check.model.dossier import Montant, Nombre, parse_date
from cdv_check.model.referentiel import Referentiel
from cdv_check.reporters.output import write_new as write_new  # the one never-overwrite writer

Ask = Callable[[str, str | None], str]
Say = Callable[[str], None]

TODO = "À compléter"
PIECE_FILES = {
    "cerfa": "pieces/cerfa-12156.pdf",
    "fiche_synthese": "pieces/fiche-synthese.pdf",
    "rib": "pieces/rib.pdf",
    "rapport_activite": "pieces/rapport-activite.pdf",
    "statuts_bureau": "pieces/statuts-bureau.pdf",
    "bilan_precedent": "pieces/bilan-2015.pdf",
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

    nom: str = f"{TODO} : nom de la structure"
    sigle: str | None = None
    statut: str = "association"
    siret: str | None = f"{TODO} : 14 chiffres"
    rna: str | None = f"{TODO} : W suivi de 9 chiffres"
    registre: tuple[str, str, str] | None = None
    adresse: str = f"{TODO} : adresse du siège"
    representant: Person = field(default_factory=Person)
    premiere_demande: bool = True
    intitule: str = f"{TODO} : intitulé de l'action"
    nouvelle: bool = True
    quartiers: list[str] = field(default_factory=list)
    objectifs: list[str] = field(default_factory=list)
    axes: list[str] | None = None
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
    w.comment(f"Demande de subvention au Contrat de Ville de Metz Métropole ({ref.appel.titre}).")
    w.comment("Vérifiez-la avec : cdv-check dossier.yaml ; le format complet : cdv-check schema")
    w.comment("(et le README, « Éditeurs : schéma JSON », pour l'aide de votre éditeur).")
    w.comment("Les lignes commentées (« # clé: … ») sont facultatives : retirez le # pour les remplir.")
    w.key("date_depot", None, "date d'envoi du dossier (sinon la date du jour)",
          example=ref.calendrier.date_limite)
    _porteur(w, draft, ref)
    _action(w, draft, ref)
    _budget(w, draft)
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
    tribunal, volume, folio = d.registre or ("Metz", "142", "37")
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
    w.key("changement_statuts", None, "statuts ou bureau modifiés depuis la dernière demande",
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
    w.key("objectifs", d.objectifs, "codes de l'Annexe 1 (cdv-check objectives --search MOT)", indent=2)
    axes = " | ".join(a.id for a in ref.appel.axes_transversaux)
    w.key("axes_transversaux", d.axes, axes, indent=2, example=[ref.appel.axes_transversaux[0].id])
    w.key("priorites", None, "priorités 2016 des quartiers (cdv-check qpv)", indent=2,
          example=[ref.priorites[0].id])
    w.key("besoin", d.besoin, "le besoin avéré auquel l'action répond", indent=2)
    w.key("description", d.description, indent=2)
    w.mapping("public", indent=2)
    w.key("description", d.public, indent=4)
    w.key("scolaire", d.scolaire, "public scolaire ou action en milieu scolaire (oui/non)", indent=4)
    w.key("beneficiaires", d.beneficiaires, "nombre de personnes touchées", indent=4)
    w.key("beneficiaires_qpv", d.beneficiaires_qpv, "dont habitants des QPV", indent=4, example=0)
    year = ref.calendrier.annee_action
    w.key("debut", d.debut or year.debut, "2016-01-08 ou 08/01/2016", indent=2)
    w.key("fin", d.fin or year.fin, indent=2)
    w.key("lieu", d.lieu, indent=2, example="Centre social")
    w.key("partenaires", d.partenaires, "les partenaires de l'action", indent=2)
    w.mapping("evaluation", indent=2)
    w.key("modalites", f"{TODO} : comment l'action sera évaluée", indent=4)
    w.key("indicateurs", [], "les indicateurs suivis", indent=4)
    w.key("lien_contrat_de_ville", None, "obligatoire pour un renouvellement (nouvelle: non)", indent=2,
          example="En quoi l'action répond au nouveau Contrat de Ville")


def _budget(w: _Writer, d: Draft) -> None:
    w.mapping("budget")
    for name, lines, accounts in (("charges", d.charges, "60 à 68, et 86"), ("produits", d.produits, "70 à 79, et 87")):
        w.mapping(name, f"comptes {accounts} du CERFA ; une ligne « - compte: … » par poste", indent=2)
        for line in lines:
            w.key("- compte", line.compte, indent=4)
            w.key("libelle", line.libelle, indent=6)
            w.key("montant", line.montant, "en euros", indent=6)
            if line.politique_de_la_ville:
                w.key("politique_de_la_ville", True, "demandé au titre du Contrat de Ville", indent=6)
    w.key("subvention_demandee", d.subvention, "total demandé au titre du Contrat de Ville", indent=2)


def _pieces(w: _Writer, d: Draft, ref: Referentiel) -> None:
    w.mapping("pieces", "chemins des fichiers, relatifs au dossier de ce fichier")
    for piece in ref.pieces:
        w.key(piece.id, d.pieces.get(piece.id), piece.libelle, indent=2, example=PIECE_FILES.get(piece.id, "pieces/"))


def template(ref: Referentiel) -> str:
    """The commented template of `--no-input`."""
    return render(Draft(), ref)


# --- the questionnaire --------------------------------------------------------------------------


def questionnaire(ask: Ask, say: Say, ref: Referentiel) -> Draft:
    """Ask the carrier what the dossier needs, in French; the answers are checked as they come."""
    d = Draft(siret=None, rna=None, lieu=None)
    say("Nouveau dossier : quelques questions (Entrée garde la valeur proposée entre crochets).")
    say("\nLa structure")
    d.nom = _text(ask, "Nom de la structure qui porte l'action")
    d.sigle = _text(ask, "Sigle (Entrée : aucun)", optional=True)
    d.statut = _choice(ask, say, "Statut de la structure", [(s.id, s.libelle) for s in ref.statuts_porteur])[0]
    d.siret = _siret(ask, say)
    if d.statut == "association":
        if _yes(ask, "Association de droit local (Alsace-Moselle), inscrite au registre du tribunal ?", False):
            d.registre = (
                _text(ask, "Tribunal du registre", default="Metz"),
                _text(ask, "Volume du registre"),
                _text(ask, "Folio du registre"),
            )
        else:
            d.rna = _text(ask, "Numéro RNA (W suivi de 9 chiffres ; Entrée : plus tard)", optional=True)
    d.adresse = _text(ask, "Adresse du siège")
    d.representant = Person(
        _text(ask, "Représentant légal : prénom et nom"),
        _text(ask, "Sa qualité (ex. Présidente)"),
        _text(ask, "Son adresse électronique"),
        _text(ask, "Son téléphone (Entrée : aucun)", optional=True),
    )
    d.premiere_demande = _yes(ask, "Première demande au titre de la politique de la ville ?", True)
    say("\nL'action")
    d.intitule = _text(ask, "Intitulé de l'action")
    d.nouvelle = _yes(ask, "Action nouvelle ?", True)
    d.quartiers = _choice(ask, say, "Quartiers visés (un ou plusieurs numéros, ex. 1,3)",
                          [(q.slug, f"{q.nom} ({q.commune})") for q in ref.qpv], several=True)
    d.objectifs = _objectives(ask, say, ref)
    d.axes = _choice(ask, say, "Axes transversaux pris en compte (numéros ; Entrée : aucun)",
                     [(a.id, a.libelle) for a in ref.appel.axes_transversaux], several=True, optional=True) or None
    d.besoin = _text(ask, "Le besoin avéré du territoire auquel l'action répond")
    d.description = _text(ask, "Description de l'action")
    d.public = _text(ask, "Public visé")
    d.scolaire = _yes(ask, "Public scolaire ou action en milieu scolaire ?", False)
    d.beneficiaires = _count(ask, say, "Nombre de personnes touchées")
    d.beneficiaires_qpv = _count(ask, say, "Dont habitants des quartiers prioritaires")
    d.debut = _date(ask, say, "Date de début (2016-02-01 ou 01/02/2016)")
    d.fin = _date(ask, say, "Date de fin", after=d.debut)
    d.lieu = _text(ask, "Lieu de l'action (Entrée : plus tard)", optional=True)
    partners = _text(ask, "Partenaires, séparés par des points-virgules (Entrée : plus tard)", optional=True)
    d.partenaires = [p.strip() for p in (partners or "").split(";") if p.strip()]
    say("\nLe budget (à détailler ensuite par compte du CERFA)")
    _amounts(ask, say, d)
    say("\nLes pièces jointes (chemins relatifs au dossier du fichier ; « - » : pas encore)")
    d.pieces = _piece_paths(ask, d, ref)
    return d


def _text(ask: Ask, question: str, *, optional: bool = False, default: str | None = None) -> Any:
    while True:
        answer = ask(question, default if default is not None else ("" if optional else None)).strip()
        if answer or optional:
            return answer or None


def _yes(ask: Ask, question: str, default: bool) -> bool:
    while True:
        answer = ask(f"{question} (oui/non)", "oui" if default else "non").strip().casefold()
        if answer in ("oui", "o", "non", "n"):
            return answer.startswith("o")


def _choice(
    ask: Ask, say: Say, question: str, options: list[tuple[str, str]], *, several: bool = False, optional: bool = False
) -> list[str]:
    for number, (_, label) in enumerate(options, start=1):
        say(f"  {number}. {label}")
    while True:
        answer = ask(question, "" if optional else None if several else "1")
        if optional and not answer.strip():
            return []
        picked = [_pick(part, options) for part in answer.replace(",", " ").split()]
        if picked and None not in picked and (several or len(picked) == 1):
            return list(dict.fromkeys(p for p in picked if p is not None))
        say(f"Répondez par {'un ou plusieurs numéros' if several else 'un numéro'} de la liste.")


def _pick(answer: str, options: list[tuple[str, str]]) -> str | None:
    if answer.isdecimal() and 1 <= int(answer) <= len(options):
        return options[int(answer) - 1][0]
    return next((key for key, _ in options if key == answer.casefold()), None)


def _siret(ask: Ask, say: Say) -> str | None:
    while True:
        answer = ask("Numéro SIRET (14 chiffres ; Entrée : plus tard)", "").strip()
        if not answer:
            return None
        if "".join(answer.split()).isdecimal() and len("".join(answer.split())) == 14:
            return answer
        say("Un SIRET a 14 chiffres (espaces permis).")


def _objectives(ask: Ask, say: Say, ref: Referentiel) -> list[str]:
    from cdv_check.cli.browse import search_objectives

    codes = ref.objective_codes()
    chosen: list[str] = []
    say("Objectifs de l'Annexe 1 : donnez un code (ex. 2.7.3) ou des mots à chercher (ex. santé).")
    while True:
        answer = ask(f"Objectif{' (Entrée : fini)' if chosen else ''}", "" if chosen else None).strip()
        if not answer:
            if chosen:
                return chosen
            continue
        if answer in codes:
            if answer not in chosen:
                chosen.append(answer)
            say(f"  retenu : {answer} {codes[answer][0]}")
            continue
        found = [p for p in search_objectives(ref, answer) if p.code in codes]
        if not found:
            say("  aucun objectif ne correspond ; essayez un autre mot (cdv-check objectives montre l'arbre).")
        for path in found[:12]:
            say(f"  {path.code}  {path.libelle}")
        if len(found) > 12:
            say(f"  … et {len(found) - 12} autres : précisez la recherche.")


def _count(ask: Ask, say: Say, question: str, *, optional: bool = False) -> Any:
    while True:
        answer = ask(question, "" if optional else None).strip()
        if not answer and optional:
            return None
        try:
            return TypeAdapter(Nombre).validate_python(answer)
        except ValidationError:
            say("Un nombre entier est attendu (ex. 60).")


def _date(ask: Ask, say: Say, question: str, *, after: date | None = None) -> date:
    while True:
        try:
            value: date = parse_date(ask(question, None))
        except ValueError as exc:
            say(f"{str(exc).capitalize()}.")
            continue
        if after is None or value >= after:
            return value
        say("La fin ne peut pas précéder le début.")


def _amount(ask: Ask, say: Say, question: str) -> Decimal:
    while True:
        try:
            value: Decimal = TypeAdapter(Montant).validate_python(ask(question, None))
        except ValidationError:
            say("Un montant en euros est attendu (ex. 4000 ou 4 000,50).")
            continue
        if value >= 0:
            return value
        say("Le montant ne peut pas être négatif.")


def _amounts(ask: Ask, say: Say, d: Draft) -> None:
    total = _amount(ask, say, "Coût total de l'action (euros)")
    while True:
        asked = _amount(ask, say, "Subvention demandée au titre du Contrat de Ville (euros)")
        if asked <= total:
            break
        say("La subvention demandée ne peut pas dépasser le coût total.")
    d.subvention = asked
    d.charges = [Line("60", f"{TODO} : à détailler par compte (60 à 68)", total)]
    d.produits = [Line("74", "Contrat de Ville - politique de la ville", asked, True)]
    if total > asked:
        d.produits.append(Line("74", f"{TODO} : autres financements, à détailler (70 à 79)", total - asked))


def _piece_paths(ask: Ask, d: Draft, ref: Referentiel) -> dict[str, str | None]:
    paths: dict[str, str | None] = {}
    for piece in ref.pieces:
        # For a renewal, the bilan is asked for; the bilan intermédiaire is its stand-in.
        renewal = not d.nouvelle and piece.id == "bilan_precedent"
        if not piece.required(first_or_new_statutes=d.premiere_demande, renewal=renewal):
            continue
        answer = ask(piece.libelle[:1].upper() + piece.libelle[1:], PIECE_FILES.get(piece.id, "")).strip()
        paths[piece.id] = None if answer in ("", "-") else answer
    return paths
