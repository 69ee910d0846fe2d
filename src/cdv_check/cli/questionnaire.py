"""The questions of `cdv-check init`: everything the call asks, each answer checked as it comes.

The questions go through two injected functions, `ask(question, default) -> answer` and
`say(text)`, so that the command line uses the terminal and tests can drive them. An answer is
checked by the rules themselves: the rule that would report it in the dossier (IDN01 for a
SIRET, IDN03 for an e-mail, ELG03 for a QPV, ELG04 for objective codes, ELG02 for the QPV
residents, BUD01 for the balance of the budget, SCH09 for a text that says nothing…) runs on the
answer, and its message is what the carrier reads. Choices are numbered; an empty answer to a
required question says why the call asks it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from cdv_check.cli.init import PIECE_FILES, TODO, Ask, Draft, Line, Person, Say
from cdv_check.core.findings import Issue
from cdv_check.model.dossier import Montant, Nombre, parse_date
from cdv_check.model.placeholders import placeholder_reason
from cdv_check.model.referentiel import Referentiel
from cdv_check.text.words import example_objective, first_commune, of_objectives_table, section_number, the_call
from cdv_check.text.words import priorities as priorities_words


class _Rules:
    """Runs a rule of the catalogue on a dossier made of the answers given so far."""

    def __init__(self, ref: Referentiel) -> None:
        import cdv_check.rules  # noqa: F401  (registers the rules)
        from cdv_check.core.registry import all_rules

        self.ref = ref
        self.rules = all_rules()

    def issues(
        self, rule_id: str, data: dict[str, Any], path: tuple[str | int, ...] = (), *, deposit: date | None = None
    ) -> list[Issue]:
        from cdv_check.core.registry import Context
        from cdv_check.model.dossier import Dossier

        check = self.rules[rule_id].check
        assert check is not None
        dossier = Dossier.model_validate(data)
        context = Context(dossier, self.ref, deposit or self.ref.calendrier.date_limite, None, {}, check_files=False)
        return [i for i in check(context) if i.path[: len(path)] == path]

    def say_first(self, say: Say, rule_id: str, data: dict[str, Any], path: tuple[str | int, ...] = ()) -> bool:
        """Say the rule's first finding on `path`; True when there is none."""
        found = self.issues(rule_id, data, path)
        if found:
            say(f"  {found[0].message} {found[0].advice}")
        return not found


# --- answers -------------------------------------------------------------------------------------


def _text(
    ask: Ask, say: Say, ref: Referentiel, question: str, *, why: str = "", path: str = "",
    optional: bool = False, default: str | None = None,
) -> Any:
    """A text; required unless `optional` (an empty answer then says `why`); SCH09 refuses a
    placeholder or a text too short for what the call asks."""
    while True:
        answer = " ".join(ask(question, default if default is not None else ("" if optional else None)).split())
        if not answer:
            if optional:
                return None
            say(f"  Réponse nécessaire : {why}" if why else "  Réponse nécessaire.")
            continue
        reason = placeholder_reason(answer, ref, path)
        if reason is None:
            return answer
        say(f"  « {answer} » : {reason}. Écrivez la vraie réponse.")


def _yes(ask: Ask, say: Say, question: str, default: bool) -> bool:
    while True:
        answer = ask(f"{question} (oui/non)", "oui" if default else "non").strip().casefold()
        if answer in ("oui", "o", "non", "n"):
            return answer.startswith("o")
        say("  Répondez oui ou non.")


def _numbered(say: Say, options: Iterable[str]) -> None:
    for number, label in enumerate(options, start=1):
        say(f"  {number}. {label}")


def _parts(answer: str) -> list[str]:
    """The items of a one-line list: « 1, 3 », « 2.7.3, 1.10 », « nord; le val »."""
    if ";" in answer or "," in answer:
        return [p.strip() for p in re.split(r"[;,]", answer) if p.strip()]
    return answer.split()


def _choice(ask: Ask, say: Say, question: str, options: list[tuple[str, str]], *, why: str) -> str:
    """One option by its number (or its identifier)."""
    _numbered(say, (label for _, label in options))
    while True:
        answer = ask(question, "1").strip()
        if answer.isdecimal() and 1 <= int(answer) <= len(options):
            return options[int(answer) - 1][0]
        found = next((key for key, _ in options if key == answer.casefold()), None)
        if found is not None:
            return found
        say(f"  Répondez par un numéro de 1 à {len(options)} : {why}")


def _several(
    ask: Ask, say: Say, question: str, options: list[tuple[str, str]], *, optional: bool = True
) -> list[str]:
    """Options by their numbers, on one line (« 1, 3 »); an empty answer chooses none."""
    _numbered(say, (label for _, label in options))
    while True:
        answer = ask(question, "" if optional else None).strip()
        if not answer and optional:
            return []
        picked: list[str] = []
        for part in _parts(answer):
            key = next((k for k, _ in options if k == part.casefold()), None)
            if part.isdecimal() and 1 <= int(part) <= len(options):
                key = options[int(part) - 1][0]
            if key is None:
                break
            picked.append(key)
        else:
            if picked:
                return list(dict.fromkeys(picked))
        say(f"  Répondez par un ou plusieurs numéros de 1 à {len(options)}, séparés par des virgules.")


def _checked(
    ask: Ask, say: Say, question: str, check: Callable[[str], bool], *, why: str, optional: bool
) -> str | None:
    """A value that `check` accepts (it says why not); empty: None when optional."""
    while True:
        answer = ask(question, "" if optional else None).strip()
        if not answer:
            if optional:
                return None
            say(f"  Réponse nécessaire : {why}")
            continue
        if check(answer):
            return answer


def _count(ask: Ask, say: Say, question: str, *, why: str) -> int:
    while True:
        answer = ask(question, None).strip()
        if not answer:
            say(f"  Réponse nécessaire : {why}")
            continue
        try:
            value: int = TypeAdapter(Nombre).validate_python(answer)
            return value
        except ValidationError:
            say("  Un nombre entier est attendu (ex. 60).")


def _amount(ask: Ask, say: Say, question: str, *, default: str | None = None) -> Decimal:
    while True:
        try:
            value: Decimal = TypeAdapter(Montant).validate_python(ask(question, default))
        except ValidationError:
            say("  Un montant en euros est attendu (ex. 4000 ou 4 000,50).")
            continue
        if value > 0:
            return value
        say("  Le montant doit être positif.")


def _date(ask: Ask, say: Say, question: str, default: str | None = None) -> date:
    while True:
        try:
            value: date = parse_date(ask(question, default))
            return value
        except ValueError as exc:
            say(f"  {str(exc).capitalize()}.")


def valid_text(ask: Ask, say: Say) -> Ask:
    """`ask`, its answers made valid text as they are read: bytes a terminal sent that are not
    UTF-8 (kept by the terminal's reading as lone surrogates, which no file can hold) are read as
    Windows-1252, as the loader reads such a file, and the carrier is told what was read."""

    def asked(question: str, default: str | None) -> str:
        answer = ask(question, default)
        if answer.isascii() or not any("\ud800" <= c <= "\udfff" for c in answer):
            return answer
        raw = bytearray()
        for char in answer:
            code = ord(char)
            if 0xDC80 <= code <= 0xDCFF:  # a byte the terminal's reading could not decode
                raw.append(code - 0xDC00)
            else:
                raw += char.encode("utf-8", "replace")
        try:
            text, name = raw.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            try:
                text, name = raw.decode("cp1252"), "Windows-1252"
            except UnicodeDecodeError:
                text, name = raw.decode("latin-1"), "Latin-1"
        say(f"  Votre terminal n'envoie pas du texte UTF-8 : la réponse est lue « {text} » (comme du {name}). "
            "Si ce n'est pas ce que vous avez tapé, corrigez-la dans le fichier, ou réglez le terminal en UTF-8.")
        return text

    return asked


# --- the questionnaire ---------------------------------------------------------------------------


def new_draft() -> Draft:
    """The draft a questionnaire fills: what is not asked yet is left out, not « À compléter »."""
    return Draft(siret=None, rna=None, lieu=None)


def questionnaire(
    ask: Ask, say: Say, ref: Referentiel, *, draft: Draft | None = None, today: date | None = None
) -> Draft:
    """Ask the carrier what the dossier needs, in French; the answers are checked as they come.
    `draft` is filled as the answers come (what an interruption keeps)."""
    rules = _Rules(ref)
    ask = valid_text(ask, say)
    d = draft if draft is not None else new_draft()
    say("Nouveau dossier : les questions de l'appel, une à une. Entrée garde la valeur entre crochets ; "
        "Ctrl-C arrête, et propose de garder vos réponses dans un brouillon.")
    d.date_depot = _deposit(ask, say, ref, rules, today or date.today())
    _porteur(ask, say, ref, rules, d)
    _action(ask, say, ref, rules, d)
    _budget(ask, say, rules, d)
    say("\nLes pièces jointes (chemins relatifs au dossier du fichier, avec des « / » ; « - » : pas encore)")
    d.pieces = _piece_paths(ask, d, ref)
    return d


def _deposit(ask: Ask, say: Say, ref: Referentiel, rules: _Rules, today: date) -> date:
    """The deposit date, the deadline's countdown said first; a date after it is said at once."""
    from cdv_check.text.french import french_date, plural

    limit = ref.calendrier.date_limite
    days = (limit - today).days
    if days > 0:
        countdown = f"dans {plural(days, 'jour')}"
    elif days == 0:
        countdown = "c'est aujourd'hui"
    else:
        countdown = f"passée depuis {plural(-days, 'jour')}"
    say(f"\nLa date de dépôt : date limite le {french_date(limit)} ({countdown}).")
    default = today.strftime("%d/%m/%Y") if days >= 0 else None
    while True:
        value = _date(ask, say, "Date de dépôt du dossier (le jour de l'envoi, JJ/MM/AAAA)", default)
        if value <= limit:
            return value
        late = rules.issues("ELG06", {}, deposit=value)
        if late:
            say(f"  {late[0].message}")
        if _yes(ask, say, "Garder cette date quand même ?", False):
            return value


def _porteur(ask: Ask, say: Say, ref: Referentiel, rules: _Rules, d: Draft) -> None:
    say("\nLa structure")
    d.nom = _text(ask, say, ref, "Nom de la structure qui porte l'action",
                  why="le CERFA identifie la structure qui demande la subvention.")
    d.sigle = _text(ask, say, ref, "Sigle (Entrée : aucun)", optional=True)
    d.statut = _choice(ask, say, "Statut de la structure (numéro)", [(s.id, s.libelle) for s in ref.statuts_porteur],
                       why="l'appel dit quelles structures peuvent porter une action.")

    def siret_ok(answer: str) -> bool:
        return rules.say_first(say, "IDN01", {"porteur": {"siret": answer}})

    later = Draft()  # what is left for later stays « À compléter », refused until replaced
    d.siret = _checked(ask, say, "Numéro SIRET (14 chiffres ; Entrée : plus tard)", siret_ok, why="",
                       optional=True) or later.siret
    if d.statut == "association":
        if _yes(ask, say, "Association de droit local (Alsace-Moselle), inscrite au registre du tribunal ?", False):
            d.registre = (
                _text(ask, say, ref, "Tribunal du registre", default=first_commune(ref)),
                _text(ask, say, ref, "Volume du registre", why="il identifie l'association à la place du RNA."),
                _text(ask, say, ref, "Folio du registre", why="il identifie l'association à la place du RNA."),
            )
        else:
            def rna_ok(answer: str) -> bool:
                return rules.say_first(say, "IDN02", {"porteur": {"statut": "association", "rna": answer}},
                                       ("porteur", "rna"))

            d.rna = _checked(ask, say, "Numéro RNA (W suivi de 9 chiffres ; Entrée : plus tard)", rna_ok, why="",
                             optional=True) or later.rna
    d.adresse = _text(ask, say, ref, "Adresse du siège", why="le CERFA la demande pour identifier la structure.")
    d.representant = _person(ask, say, ref, rules)
    d.premiere_demande = _yes(ask, say, "Première demande au titre de la politique de la ville ?", True)
    if not d.premiere_demande:
        d.changement_statuts = _yes(ask, say, "Statuts ou bureau modifiés depuis la dernière demande ?", False)


def _person(ask: Ask, say: Say, ref: Referentiel, rules: _Rules) -> Person:
    why = "le CERFA demande qui représente légalement la structure, et comment la joindre."
    nom = _text(ask, say, ref, "Représentant légal : prénom et nom", why=why)
    qualite = _text(ask, say, ref, "Sa qualité (ex. Présidente)", why=why)

    def email_ok(answer: str) -> bool:
        return rules.say_first(say, "IDN03", {"porteur": {"representant_legal": {"courriel": answer}}})

    def phone_ok(answer: str) -> bool:
        return rules.say_first(say, "IDN04", {"porteur": {"representant_legal": {"telephone": answer}}})

    courriel = _checked(ask, say, "Son adresse électronique", email_ok, why="les référents répondent par courriel.",
                        optional=False)
    telephone = _checked(ask, say, "Son téléphone (Entrée : aucun)", phone_ok, why="", optional=True)
    return Person(nom, qualite, courriel or "", telephone)


def _action(ask: Ask, say: Say, ref: Referentiel, rules: _Rules, d: Draft) -> None:
    say("\nL'action")
    d.intitule = _text(ask, say, ref, "Intitulé de l'action", why="c'est le nom de l'action dans le CERFA.")
    d.nouvelle = _yes(ask, say, "Action nouvelle ?", True)
    d.quartiers = _quartiers(ask, say, ref, rules)
    d.objectifs = _objectives(ask, say, ref, rules)
    say("Axes transversaux de l'appel que l'action prend en compte :")
    d.axes = _several(ask, say, "Numéros (ex. 1, 3 ; Entrée : aucun)",
                      [(a.id, a.libelle) for a in ref.appel.axes_transversaux]) or None
    d.priorites = _priorities(ask, say, ref, d.quartiers) or None
    while True:
        d.besoin = _text(ask, say, ref, "Le besoin avéré du territoire auquel l'action répond (constaté par qui, "
                         "combien)",
                         why=f"{the_call(ref, 'ELG')} ne retient qu'un projet qui répond à un besoin avéré.",
                         path="action.besoin")
        if rules.say_first(say, "ELG05", {"action": {"besoin": d.besoin}}) or not _yes(
            ask, say, "Le compléter maintenant ?", True
        ):
            break
    d.description = _text(ask, say, ref, "Description de l'action (ce qu'elle fait, pour qui, avec qui, à quel rythme)",
                          why=_in_section("c'est ce que les référents examinent", ref, "EXA"),
                          path="action.description")
    d.public = _text(ask, say, ref, "Public visé", why="le CERFA demande le public de l'action.",
                     path="action.public.description")
    d.scolaire = _school_public(ask, say, ref, d.public)
    d.beneficiaires, d.beneficiaires_qpv = _beneficiaries(ask, say, ref, rules)
    d.debut, d.fin = _dates(ask, say, ref, rules, d.scolaire)
    d.lieu = _text(ask, say, ref, "Lieu de l'action (Entrée : plus tard)", optional=True)
    say("Les partenaires de l'action, un par ligne (Entrée sur une ligne vide : fini) :")
    d.partenaires = _one_per_line(ask, say, ref, "Partenaire")
    d.modalites = _text(ask, say, ref, "Modalités d'évaluation : comment l'action sera évaluée",
                        why=f"{the_call(ref, 'EXA')} examine les modalités d'évaluation de l'action.",
                        path="action.evaluation.modalites")
    say("Les indicateurs suivis, un par ligne (ex. Nombre de participants assidus ; Entrée sur une ligne vide : "
        "fini) :")
    d.indicateurs = _one_per_line(ask, say, ref, "Indicateur")
    if not d.nouvelle:
        d.lien = _text(ask, say, ref, "En quoi l'action répond-elle au nouveau Contrat de Ville ?",
                       why=f"{the_call(ref, 'EXA')} le demande pour une action existante ou déjà financée.",
                       path="action.lien_contrat_de_ville")


def _school_public(ask: Ask, say: Say, ref: Referentiel, public: str) -> bool:
    """Whether the action follows the school year; the call's words said first, and an exception
    claimed for a public described as adults questioned at once."""
    from cdv_check.model.referentiel import fold
    from cdv_check.text.stemming import stem

    exception = ref.calendrier.exception_scolaire
    if exception is not None:
        say(f"L'appel : « {exception.citation} ».")
    scolaire = _yes(ask, say, "Public scolaire ou action en milieu scolaire ?", False)
    if not scolaire or exception is None:
        return scolaire
    adults = {stem(w) for word in exception.publics_adultes for w in fold(word).split()}
    named = [w for w in public.split() if stem(fold(w).strip(".,;:()«»\"'")) in adults]
    if not named:
        return scolaire
    say(f"  Le public décrit, « {public} », n'est pas un public scolaire ({', '.join(named)}) : l'appel réserve "
        f"l'exception à un public scolaire ou au milieu scolaire : « {exception.citation} ».")
    return _yes(ask, say, "L'action se déroule-t-elle vraiment pour un public scolaire ou en milieu scolaire ?", False)


def _one_per_line(ask: Ask, say: Say, ref: Referentiel, label: str) -> list[str]:
    """Items typed one per line, until an empty line: a comma inside one stays in it."""
    items: list[str] = []
    while True:
        item = _text(ask, say, ref, f"{label} n° {len(items) + 1} (Entrée : fini)", optional=True)
        if item is None:
            return items
        items.append(item)


def _in_section(text: str, ref: Referentiel, family: str) -> str:
    number = section_number(ref, family)
    return f"{text} ({number})." if number else f"{text}."


def _quartiers(ask: Ask, say: Say, ref: Referentiel, rules: _Rules) -> list[str]:
    short_name = min((q.nom for q in ref.qpv), key=len, default="nom").lower()
    say("Quartiers prioritaires (QPV) où se déroule l'action :")
    _numbered(say, (f"{q.nom} ({q.commune})" for q in ref.qpv))
    while True:
        answer = ask(f"Numéros ou noms, séparés par des virgules (ex. 1, 3 ou {short_name})", None).strip()
        if not answer:
            say(f"  Réponse nécessaire : {the_call(ref, 'ELG')} ne retient qu'un projet qui concerne un ou "
                "plusieurs QPV.")
            continue
        chosen: list[str] = []
        several = "," in answer or ";" in answer or answer.replace(" ", "").isdecimal()
        for part in _parts(answer) if several else [answer]:
            slug = _one_quartier(ask, say, ref, rules, part)
            if slug is None:
                break
            chosen.append(slug)
        else:
            return list(dict.fromkeys(chosen))


def _one_quartier(ask: Ask, say: Say, ref: Referentiel, rules: _Rules, part: str) -> str | None:
    if part.isdecimal() and 1 <= int(part) <= len(ref.qpv):
        return ref.qpv[int(part) - 1].slug
    from cdv_check.cli.browse import find_qpv

    known = find_qpv(ref, part)
    if known is not None:
        return known.slug
    from cdv_check.rules.eligibilite import closest_qpv

    close = closest_qpv(ref, part)
    if close is not None and _yes(ask, say, f"  « {part} » : vouliez-vous dire « {close.nom} » ?", True):
        return close.slug
    rules.say_first(say, "ELG03", {"action": {"quartiers": [part]}})
    return None


_CODE = re.compile(r"[0-9]+(?:\.[0-9]+)+")


def _objectives(ask: Ask, say: Say, ref: Referentiel, rules: _Rules) -> list[str]:
    """Objectives, line after line: codes (« 2.7.3, 1.10 » in a numbered tree) kept, words (« santé ») searched, both
    on one line; then « ajouter un autre objectif ? »."""
    codes = ref.objective_codes()
    examples = ", ".join(dict.fromkeys((example_objective(ref), *list(codes)[:1])))
    say(f"Objectifs opérationnels {of_objectives_table(ref)} : des codes (ex. {examples}), des mots à chercher "
        "(ex. santé), ou les deux sur une ligne.")
    chosen: list[str] = []
    while True:
        for code in _objective_line(ask, say, ref, rules, required=not chosen):
            if code not in chosen:
                chosen.append(code)
                say(f"  retenu : {code} {codes[code][0]}")
        if not _yes(ask, say, "Ajouter un autre objectif ?", False):
            return chosen


def _objective_line(ask: Ask, say: Say, ref: Referentiel, rules: _Rules, *, required: bool) -> list[str]:
    """The codes of one answer, and those picked among what its words find."""
    from cdv_check.cli.browse import search_objectives, search_priorities, usable_codes

    codes = ref.objective_codes()
    offered: list[str] = []
    kept: list[str] = []
    while True:
        answer = ask("Codes, mots à chercher, ou numéros de la liste", None if required and not kept else "").strip()
        if not answer:
            if kept or not required:
                return kept
            say(f"  Réponse nécessaire : {the_call(ref, 'ELG')} demande les objectifs opérationnels auxquels l'action "
                "répond.")
            continue
        parts = _parts(answer)
        numbers = [p for p in parts if p.isdecimal()]
        if offered and numbers and len(numbers) == len(parts):
            if all(1 <= int(p) <= len(offered) for p in numbers):
                return kept + [offered[int(p) - 1] for p in numbers]
            say(f"  Répondez par des numéros de 1 à {len(offered)}, ou cherchez d'autres mots.")
            continue
        given = [p for p in parts if _CODE.fullmatch(p)]
        words = " ".join(p for p in parts if not _CODE.fullmatch(p) and not p.isdecimal())
        if not given and not words:
            say("  Répondez par des codes (ex. 2.7.3) ou des mots à chercher ; un axe seul (2) n'est pas un objectif.")
            continue
        if given:
            unknown = rules.issues("ELG04", {"action": {"objectifs": given}}, ("action", "objectifs"))
            for issue in unknown:
                say(f"  {issue.message} {issue.advice}")
            if unknown:
                continue
            kept = list(dict.fromkeys([*kept, *given]))
        if not words:
            return kept
        found = search_objectives(ref, words)
        offered = list(dict.fromkeys(code for path in found for code in usable_codes(path)))[:15]
        if given:
            say(f"  Codes gardés : {', '.join(given)} ; « {words} » est cherché :")
        if not offered:
            priorities = search_priorities(ref, words)
            if priorities:
                names = ", ".join(p.id for p in priorities[:3])
                say(f"  Aucun objectif {of_objectives_table(ref)} ne contient « {words} », mais des priorités "
                    f"des quartiers : {names}. Cherchez l'objectif avec un mot plus général.")
            else:
                say(f"  Aucun objectif ne contient « {words} » ; essayez d'autres mots (cdv-check objectives "
                    "montre l'arbre).")
            continue
        _numbered(say, (f"{code} {codes[code][0]}" for code in offered))
        say("  Répondez par les numéros retenus (ex. 1, 3), ou cherchez d'autres mots"
            + (" ; Entrée : seulement les codes gardés." if kept else "."))


def _priorities(ask: Ask, say: Say, ref: Referentiel, quartiers: list[str]) -> list[str]:
    mine = [p for p in ref.priorites if p.qpv in quartiers] + [p for p in ref.priorites if p.qpv is None]
    names = {q.slug: q.nom for q in ref.qpv}
    say(f"{priorities_words(ref, capital=True)} de vos quartiers (facultatif) :")
    return _several(
        ask, say, "Numéros de celles auxquelles l'action répond (Entrée : aucune)",
        [(p.id, f"{names.get(p.qpv or '', 'Tous QPV')} : {p.texte}") for p in mine],
    )


def _beneficiaries(ask: Ask, say: Say, ref: Referentiel, rules: _Rules) -> tuple[int, int]:
    why = f"{the_call(ref, 'ELG')} ne retient qu'une action au bénéfice des habitants des QPV."
    while True:
        total = _count(ask, say, "Nombre de personnes touchées", why=why)
        in_qpv = _count(ask, say, "Dont habitants des quartiers prioritaires", why=why)
        public = {"beneficiaires": total, "beneficiaires_qpv": in_qpv}
        if rules.say_first(say, "ELG02", {"action": {"public": public}}):
            return total, in_qpv


def _dates(ask: Ask, say: Say, ref: Referentiel, rules: _Rules, scolaire: bool) -> tuple[date, date]:
    year = ref.calendrier.annee_action
    while True:
        debut = _date(ask, say, f"Date de début (ex. {year.debut.strftime('%d/%m/%Y')})")
        fin = _date(ask, say, f"Date de fin (ex. {year.fin.strftime('%d/%m/%Y')})")
        if fin < debut:
            say("  La fin ne peut pas précéder le début.")
            continue
        action = {"debut": debut.isoformat(), "fin": fin.isoformat(), "public": {"scolaire": scolaire}}
        if rules.say_first(say, "EXA01", {"action": action}):
            return debut, fin


def _budget(ask: Ask, say: Say, rules: _Rules, d: Draft) -> None:
    from cdv_check.rules.budget import CERFA_ACCOUNTS

    say("\nLe budget prévisionnel (comme le tableau du CERFA : une ligne par compte)")
    d.charges, d.produits = [], []
    say("Les charges de l'action :")
    _lines(ask, say, d.charges, CERFA_ACCOUNTS["charges"], "charges", twins=d.produits)
    say("Les produits : d'abord la subvention demandée au titre du Contrat de Ville (compte 74).")
    d.subvention = _subvention(ask, say, rules, d)
    d.produits.insert(0, Line("74", "État - politique de la ville (Contrat de Ville)", d.subvention, True))
    say("Les autres produits (cofinancements, participation des usagers, fonds propres…) :")
    _lines(ask, say, d.produits, CERFA_ACCOUNTS["produits"], "produits", optional=True, twins=d.charges)
    while True:
        found = [issue for rule_id in ("BUD01", "BUD02", "BUD03", "BUD04")
                 for issue in rules.issues(rule_id, {"budget": _budget_data(d)})]
        if not found:
            return
        for issue in found:
            say(f"  {issue.message} {issue.advice}")
        side = _choice(ask, say, "Ajouter une ligne de charges (1) ou de produits (2), ou changer la subvention (3) ?",
                       [("charges", "une ligne de charges"), ("produits", "une ligne de produits"),
                        ("subvention", "changer la subvention demandée")],
                       why="le budget doit être juste avant d'être écrit.")
        if side == "subvention":
            d.subvention = _subvention(ask, say, rules, d)
            d.produits[0] = Line("74", d.produits[0].libelle, d.subvention, True)
            continue
        _lines(ask, say, d.charges if side == "charges" else d.produits, CERFA_ACCOUNTS[side], side, once=True,
               twins=d.produits if side == "charges" else d.charges)


def _budget_data(d: Draft) -> dict[str, Any]:
    def lines(items: list[Line]) -> list[dict[str, Any]]:
        return [{"compte": line.compte, "libelle": line.libelle, "montant": str(line.montant),
                 "politique_de_la_ville": line.politique_de_la_ville} for line in items]

    return {"charges": lines(d.charges), "produits": lines(d.produits), "subvention_demandee": str(d.subvention)}


def _subvention(ask: Ask, say: Say, rules: _Rules, d: Draft) -> Decimal:
    """The amount asked of the Contrat de Ville; more than the action's charges is said at once
    (BUD03), and asked again."""
    while True:
        asked = _amount(ask, say, "Subvention demandée au titre du Contrat de Ville (euros)")
        trial = Draft(charges=d.charges, produits=[Line("74", "Contrat de Ville", asked, True)], subvention=asked)
        over = rules.issues("BUD03", {"budget": _budget_data(trial)})
        if not over:
            return asked
        say(f"  {over[0].message} {over[0].advice}")


_TWINS = {"86": ("87", "produits"), "87": ("86", "charges")}
"""Contributions in kind: a charge 86 has its produit 87 of the same amount, and the reverse."""


def _lines(
    ask: Ask, say: Say, lines: list[Line], accounts: dict[str, str], side: str, *, optional: bool = False,
    once: bool = False, twins: list[Line] | None = None,
) -> None:
    """Budget lines: the account among the CERFA's (numbered), a label, an amount; a contribution
    in kind (86 or 87) brings its twin on the other side at once (BUD02)."""
    from cdv_check.rules.budget import CERFA_ACCOUNTS

    options = list(accounts.items())
    _numbered(say, (f"{code} {label}" for code, label in options))
    while True:
        done = optional or bool(lines)
        answer = ask(f"Compte de {side} : numéro de la liste ou compte{' (Entrée : fini)' if done else ''}",
                     "" if done else None).strip()
        if not answer:
            if done:
                return
            say(f"  Réponse nécessaire : le CERFA présente les {side} de l'action, compte par compte.")
            continue
        if answer.isdecimal() and 1 <= int(answer) <= len(options):
            account = options[int(answer) - 1][0]
        elif answer[:2] in accounts and answer.isdecimal():
            account = answer
        else:
            say(f"  Répondez par un numéro de 1 à {len(options)}, ou par un compte ({', '.join(accounts)}).")
            continue
        label = _label(ask, say, account, accounts[account])
        amount = _amount(ask, say, "Montant (euros)")
        lines.append(Line(account, label, amount))
        twin = _TWINS.get(account[:2])
        if twin is not None and twins is not None:
            other, other_side = twin
            say(f"  Contribution en nature : le CERFA l'inscrit aussi au compte {other} des {other_side}, du même "
                f"montant ({amount} €).")
            twin_label = _label(ask, say, other, CERFA_ACCOUNTS[other_side][other])
            twins.append(Line(other, twin_label, amount))
        if once:
            return


def _label(ask: Ask, say: Say, account: str, default: str) -> str:
    while True:
        answer = " ".join(ask(f"Libellé de la ligne {account}", default.split(" (")[0]).split())
        if answer and not answer.casefold().startswith(TODO.casefold()):
            return answer
        say("  Un libellé est nécessaire : il dit aux référents ce que couvre le montant.")


def _piece_paths(ask: Ask, d: Draft, ref: Referentiel) -> dict[str, str | None]:
    paths: dict[str, str | None] = {}
    for piece in ref.pieces:
        # For a renewal, the bilan is asked for; the bilan intermédiaire is its stand-in.
        renewal = not d.nouvelle and piece.id == "bilan_precedent"
        first_or_new = d.premiere_demande or bool(d.changement_statuts)
        if not piece.required(first_or_new_statutes=first_or_new, renewal=renewal):
            continue
        answer = ask(piece.libelle[:1].upper() + piece.libelle[1:], PIECE_FILES.get(piece.id, "")).strip()
        paths[piece.id] = None if answer in ("", "-") else answer
    return paths


# --- in a terminal: pages, a draft when interrupted, taking it up again --------------------------


class _Pager:
    """Output longer than the terminal pauses at each screenful (« Entrée : la suite »), so that a
    long list does not scroll away before its question. What is typed at a pause is the answer to
    the question that follows the list (never lost)."""

    def __init__(self, ask: Ask, say: Say, height: int) -> None:
        self._ask, self._say = ask, say
        self.paging = height > 0
        """Off a terminal (height 0), nothing pauses: the answers come from a file or a pipe."""
        self.room = max(height - 3, 5)
        import shutil

        self.columns = max(shutil.get_terminal_size((100, 24)).columns - 1, 20)
        self.said = 0
        self.early: str | None = None

    def ask(self, question: str, default: str | None) -> str:
        self.said = 0
        if self.early is not None:
            answer, self.early = self.early, None
            self._say(f"{question} : {answer}")
            return answer
        return self._ask(question, default)

    def say(self, text: str) -> None:
        if self.early is not None:
            return  # answered at a pause: the rest of the list is not needed
        lines = sum(max(1, -(-len(line) // self.columns)) for line in text.split("\n"))  # as wrapped
        if self.paging and self.said + lines > self.room and self.said > 0:
            answer = self._ask("(Entrée : la suite ; ou votre réponse)", "").strip()
            self.said = 0
            if answer:
                self.early = answer
                return
        self.said += lines
        self._say(text)


def interview(
    file: Path, ref: Referentiel, ask: Ask, say: Say, *, resume: bool, height: int, today: date | None = None
) -> tuple[str, Path | None]:
    """The questionnaire in a terminal, for the dossier `file`: its text, and the draft it took
    up (to remove once the dossier is written). Interrupted (Ctrl-C, end of input), the answers
    are kept in a draft, if the carrier agrees, and `Stopped` says so (exit 130)."""
    import signal
    import threading

    from cdv_check.cli.init import Recorder, Stopped, draft_answers, draft_path, draft_text, render, save_draft

    if threading.current_thread() is threading.main_thread():
        # Ctrl-C must reach the questionnaire, even when started where SIGINT is ignored (a job
        # started in the background of a shell script passes SIGINT ignored to its children).
        signal.signal(signal.SIGINT, signal.default_int_handler)
    draft_file = draft_path(file)
    if resume:
        replay = draft_answers(draft_file)
    elif draft_file.exists():
        raise Stopped(f"Un brouillon de ce dossier existe : « {draft_file} ». Reprenez-le avec cdv-check init "
                      f"--reprendre {file}, ou supprimez-le pour tout recommencer.", 1)
    else:
        replay = []
    pager = _Pager(ask, say, height)
    recorder = Recorder(pager.ask, pager.say, replay)
    draft = new_draft()
    try:
        questionnaire(recorder.ask, recorder.say, ref, draft=draft, today=today)
    except (KeyboardInterrupt, EOFError) as stop:
        how = "Ctrl-C" if isinstance(stop, KeyboardInterrupt) else "fin de l'entrée"
        answers = recorder.answers
        if not answers:
            raise Stopped(f"\nQuestionnaire interrompu ({how}) : aucune réponse, aucun fichier écrit.", 130) from None
        keep = True
        if isinstance(stop, KeyboardInterrupt):
            try:
                keep = _yes(ask, say, f"\nQuestionnaire interrompu. Garder vos {len(answers)} réponses dans le "
                            f"brouillon {draft_file.name}, pour les reprendre plus tard ?", True)
            except (KeyboardInterrupt, EOFError):
                keep = True  # asked and not answered: nothing typed is lost
        if not keep:
            raise Stopped(f"Questionnaire interrompu ({how}) : aucun fichier écrit.", 130) from None
        try:
            save_draft(draft_text(draft, ref, answers, file), draft_file, replacing=resume)
        except OSError as exc:
            from cdv_check.text.oserrors import french_os_error

            raise Stopped(f"Questionnaire interrompu ({how}) ; le brouillon « {draft_file} » n'a pas pu être "
                          f"écrit : {french_os_error(exc)}.", 130) from None
        raise Stopped(f"\nQuestionnaire interrompu ({how}) : vos {len(answers)} réponses sont gardées dans "
                      f"{draft_file}. Reprenez avec : cdv-check init --reprendre {file}", 130) from None
    return render(draft, ref), (draft_file if resume else None)
