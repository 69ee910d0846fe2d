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
from typing import Any

from pydantic import TypeAdapter, ValidationError

from cdv_check.cli.init import PIECE_FILES, TODO, Ask, Draft, Line, Person, Say
from cdv_check.core.findings import Issue
from cdv_check.model.dossier import Montant, Nombre, parse_date
from cdv_check.model.placeholders import placeholder_reason
from cdv_check.model.referentiel import Referentiel


class _Rules:
    """Runs a rule of the catalogue on a dossier made of the answers given so far."""

    def __init__(self, ref: Referentiel) -> None:
        import cdv_check.rules  # noqa: F401  (registers the rules)
        from cdv_check.core.registry import all_rules

        self.ref = ref
        self.rules = all_rules()

    def issues(self, rule_id: str, data: dict[str, Any], path: tuple[str | int, ...] = ()) -> list[Issue]:
        from cdv_check.core.registry import Context
        from cdv_check.model.dossier import Dossier

        check = self.rules[rule_id].check
        assert check is not None
        dossier = Dossier.model_validate(data)
        context = Context(dossier, self.ref, self.ref.calendrier.date_limite, None, {}, check_files=False)
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
    """The items of a one-line list: « 1, 3 », « 2.7.3, 1.10 », « borny; la patrote »."""
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


def _date(ask: Ask, say: Say, question: str) -> date:
    while True:
        try:
            value: date = parse_date(ask(question, None))
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


def questionnaire(ask: Ask, say: Say, ref: Referentiel) -> Draft:
    """Ask the carrier what the dossier needs, in French; the answers are checked as they come."""
    rules = _Rules(ref)
    ask = valid_text(ask, say)
    d = Draft(siret=None, rna=None, lieu=None)
    say("Nouveau dossier : les questions de l'appel, une à une. Entrée garde la valeur entre crochets ; "
        "Ctrl-C arrête sans rien écrire.")
    _porteur(ask, say, ref, rules, d)
    _action(ask, say, ref, rules, d)
    _budget(ask, say, rules, d)
    say("\nLes pièces jointes (chemins relatifs au dossier du fichier, avec des « / » ; « - » : pas encore)")
    d.pieces = _piece_paths(ask, d, ref)
    return d


def _porteur(ask: Ask, say: Say, ref: Referentiel, rules: _Rules, d: Draft) -> None:
    say("\nLa structure")
    d.nom = _text(ask, say, ref, "Nom de la structure qui porte l'action",
                  why="le CERFA identifie la structure qui demande la subvention.")
    d.sigle = _text(ask, say, ref, "Sigle (Entrée : aucun)", optional=True)
    d.statut = _choice(ask, say, "Statut de la structure (numéro)", [(s.id, s.libelle) for s in ref.statuts_porteur],
                       why="l'appel (3.1) dit quelles structures peuvent porter une action.")

    def siret_ok(answer: str) -> bool:
        return rules.say_first(say, "IDN01", {"porteur": {"siret": answer}})

    later = Draft()  # what is left for later stays « À compléter », refused until replaced
    d.siret = _checked(ask, say, "Numéro SIRET (14 chiffres ; Entrée : plus tard)", siret_ok, why="",
                       optional=True) or later.siret
    if d.statut == "association":
        if _yes(ask, say, "Association de droit local (Alsace-Moselle), inscrite au registre du tribunal ?", False):
            d.registre = (
                _text(ask, say, ref, "Tribunal du registre", default="Metz"),
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
                         "combien)", why="l'appel (3.1) ne retient qu'un projet qui répond à un besoin avéré.",
                         path="action.besoin")
        if rules.say_first(say, "ELG05", {"action": {"besoin": d.besoin}}) or not _yes(
            ask, say, "Le compléter maintenant ?", True
        ):
            break
    d.description = _text(ask, say, ref, "Description de l'action (ce qu'elle fait, pour qui, avec qui, à quel rythme)",
                          why="c'est ce que les référents examinent (3.2).", path="action.description")
    d.public = _text(ask, say, ref, "Public visé", why="le CERFA demande le public de l'action.",
                     path="action.public.description")
    d.scolaire = _yes(ask, say, "Public scolaire ou action en milieu scolaire ?", False)
    d.beneficiaires, d.beneficiaires_qpv = _beneficiaries(ask, say, rules)
    d.debut, d.fin = _dates(ask, say, ref, rules, d.scolaire)
    d.lieu = _text(ask, say, ref, "Lieu de l'action (Entrée : plus tard)", optional=True)
    partners = _text(ask, say, ref, "Partenaires, séparés par des points-virgules (Entrée : aucun)", optional=True)
    d.partenaires = [p.strip() for p in (partners or "").split(";") if p.strip()]
    d.modalites = _text(ask, say, ref, "Modalités d'évaluation : comment l'action sera évaluée",
                        why="l'appel (3.2) examine les modalités d'évaluation de l'action.",
                        path="action.evaluation.modalites")
    indicators = _text(ask, say, ref, "Indicateurs suivis, séparés par des points-virgules (ex. Nombre de "
                       "participants assidus ; Entrée : aucun)", optional=True)
    d.indicateurs = [p.strip() for p in (indicators or "").split(";") if p.strip()]
    if not d.nouvelle:
        d.lien = _text(ask, say, ref, "En quoi l'action répond-elle au nouveau Contrat de Ville ?",
                       why="l'appel (3.2) le demande pour une action existante ou déjà financée.",
                       path="action.lien_contrat_de_ville")


def _quartiers(ask: Ask, say: Say, ref: Referentiel, rules: _Rules) -> list[str]:
    say("Quartiers prioritaires (QPV) où se déroule l'action :")
    _numbered(say, (f"{q.nom} ({q.commune})" for q in ref.qpv))
    while True:
        answer = ask("Numéros ou noms, séparés par des virgules (ex. 1, 3 ou borny)", None).strip()
        if not answer:
            say("  Réponse nécessaire : l'appel (3.1) ne retient qu'un projet qui concerne un ou plusieurs QPV.")
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


_CODES_ONLY = re.compile(r"[\d.,;\sOo]+")


def _objectives(ask: Ask, say: Say, ref: Referentiel, rules: _Rules) -> list[str]:
    """Codes on one line (« 2.7.3, 1.10 »), or words to search; found objectives are numbered."""
    from cdv_check.cli.browse import search_objectives, search_priorities, usable_codes

    codes = ref.objective_codes()
    say("Objectifs opérationnels de l'Annexe 1 : des codes sur une ligne (ex. 2.7.3, 1.10), ou des mots à "
        "chercher (ex. santé).")
    offered: list[str] = []
    while True:
        answer = ask("Codes, numéros de la liste ou mots", None).strip()
        if not answer:
            say("  Réponse nécessaire : l'appel (3.1) demande les objectifs opérationnels auxquels l'action "
                "répond.")
            continue
        parts = _parts(answer)
        if offered and all(p.isdecimal() and 1 <= int(p) <= len(offered) for p in parts):
            parts = [offered[int(p) - 1] for p in parts]
        if _CODES_ONLY.fullmatch(answer) or all(p in codes for p in parts):
            unknown = rules.issues("ELG04", {"action": {"objectifs": parts}}, ("action", "objectifs"))
            if not unknown:
                for code in dict.fromkeys(parts):
                    say(f"  retenu : {code} {codes[code][0]}")
                return list(dict.fromkeys(parts))
            for issue in unknown:
                say(f"  {issue.message} {issue.advice}")
            continue
        found = search_objectives(ref, answer)
        offered = list(dict.fromkeys(code for path in found for code in usable_codes(path)))[:15]
        if not offered:
            priorities = search_priorities(ref, answer)
            if priorities:
                names = ", ".join(p.id for p in priorities[:3])
                say(f"  Aucun objectif de l'Annexe 1 ne contient ces mots, mais des priorités 2016 des quartiers : "
                    f"{names}. Cherchez l'objectif avec un mot plus général.")
            else:
                say("  Aucun objectif ne contient ces mots ; essayez-en d'autres (cdv-check objectives montre "
                    "l'arbre).")
            continue
        _numbered(say, (f"{code} {codes[code][0]}" for code in offered))
        say("  Répondez par les numéros ou les codes retenus (ex. 1, 3), ou cherchez d'autres mots.")


def _priorities(ask: Ask, say: Say, ref: Referentiel, quartiers: list[str]) -> list[str]:
    mine = [p for p in ref.priorites if p.qpv in quartiers] + [p for p in ref.priorites if p.qpv is None]
    names = {q.slug: q.nom for q in ref.qpv}
    say("Priorités 2016 de vos quartiers (facultatif) :")
    return _several(
        ask, say, "Numéros de celles auxquelles l'action répond (Entrée : aucune)",
        [(p.id, f"{names.get(p.qpv or '', 'Tous QPV')} : {p.texte}") for p in mine],
    )


def _beneficiaries(ask: Ask, say: Say, rules: _Rules) -> tuple[int, int]:
    why = "l'appel (3.1) ne retient qu'une action au bénéfice des habitants des QPV."
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
    _lines(ask, say, d.charges, CERFA_ACCOUNTS["charges"], "charges")
    say("Les produits : d'abord la subvention demandée au titre du Contrat de Ville (compte 74).")
    asked = _amount(ask, say, "Subvention demandée au titre du Contrat de Ville (euros)")
    d.produits.append(Line("74", "État - politique de la ville (Contrat de Ville)", asked, True))
    d.subvention = asked
    say("Les autres produits (cofinancements, participation des usagers, fonds propres…) :")
    _lines(ask, say, d.produits, CERFA_ACCOUNTS["produits"], "produits", optional=True)
    while True:
        budget = {
            "charges": [
                {"compte": line.compte, "libelle": line.libelle, "montant": str(line.montant)} for line in d.charges
            ],
            "produits": [{"compte": line.compte, "libelle": line.libelle, "montant": str(line.montant)}
                         for line in d.produits],
        }
        if rules.say_first(say, "BUD01", {"budget": budget}):
            return
        side = _choice(ask, say, "Ajouter une ligne de charges (1) ou de produits (2) ?",
                       [("charges", "une ligne de charges"), ("produits", "une ligne de produits")],
                       why="le budget doit être équilibré avant d'être écrit.")
        _lines(ask, say, d.charges if side == "charges" else d.produits, CERFA_ACCOUNTS[side], side, once=True)


def _lines(
    ask: Ask, say: Say, lines: list[Line], accounts: dict[str, str], side: str, *, optional: bool = False,
    once: bool = False,
) -> None:
    """Budget lines: the account among the CERFA's (numbered), a label, an amount."""
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
        lines.append(Line(account, label, _amount(ask, say, "Montant (euros)")))
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
