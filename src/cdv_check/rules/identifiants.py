"""IDN: the carrier's identifiers (the request form's identification): SIRET, RNA, e-mails, phones."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cdv_check.core.findings import Issue, Severity
from cdv_check.core.registry import Context, rule
from cdv_check.model.dossier import Personne, Porteur, blank, siret_form, unspaced
from cdv_check.reading.loading import Loc

_SECTION = "Identification du porteur"
_RNA = re.compile(r"W[0-9]{9}")
_PHONE_SEPARATORS = re.compile(r"[\s\u00a0\u202f.\-]+")
_FRENCH_PHONE = re.compile(r"0[1-9][0-9]{8}|(?:\+33|0033)(?:\(0\))?[1-9][0-9]{8}")
_PEOPLE = (("representant_legal", "représentant légal"), ("contact", "contact"))


@rule("IDN01", Severity.ERROR, section=_SECTION, title="SIRET absent ou invalide")
def siret_valid(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : porteur.siret est donné, a 14 chiffres (les espaces sont permis) et une
    clé de contrôle juste (algorithme de Luhn sur le SIRET et sur le SIREN, avec l'exception des
    établissements de La Poste) : une clé fausse est le signe d'une faute de frappe.

    Exemple refusé :

        porteur:
          siret: "443 061 841 00048"

    Correction :

        porteur:
          siret: "443 061 841 00047"

    Que faire : recopiez le SIRET depuis l'avis de situation au répertoire SIRENE de l'INSEE
    (14 chiffres : SIREN à 9 chiffres + numéro d'établissement à 5 chiffres).
    """
    porteur = ctx.dossier.porteur
    if porteur is None:
        return
    where: Loc = ("porteur", "siret")
    if blank(porteur.siret):
        yield Issue(
            "Numéro SIRET absent.",
            "Ajoutez « siret: » sous « porteur: » : les 14 chiffres de l'avis de situation SIRENE "
            "de la structure.",
            where,
        )
        return
    shown = (porteur.siret or "").strip()
    digits = siret_form(shown)
    if not digits.isdigit() or not digits.isascii():
        yield Issue(
            f"SIRET « {shown} » : seuls des chiffres (et des espaces) sont permis.",
            "Recopiez les 14 chiffres du SIRET depuis l'avis de situation SIRENE.",
            where,
        )
    elif len(digits) != 14:
        yield Issue(
            f"SIRET « {shown} » : {len(digits)} chiffres au lieu de 14.",
            "Un SIRET a 14 chiffres (SIREN à 9 chiffres + établissement à 5) : recopiez-le depuis "
            "l'avis de situation SIRENE.",
            where,
        )
    elif not siret_checksum_ok(digits):
        yield Issue(
            f"SIRET « {shown} » invalide : sa clé de contrôle ne correspond pas "
            "(faute de frappe ?).",
            "Vérifiez chaque chiffre sur l'avis de situation SIRENE (ou sur annuaire-entreprises."
            "data.gouv.fr).",
            where,
        )


_LA_POSTE_SIREN = "356000000"
_LA_POSTE_HEAD_OFFICE = "35600000000048"


def siret_checksum_ok(digits: str) -> bool:
    """Whether 14 ASCII digits pass the SIRET's and the SIREN's Luhn keys.

    La Poste's establishments (SIREN 356000000, head office aside) use another key: the sum of
    the digits is a multiple of 5. Same answer as `stdnum.fr.siret.is_valid` (checked by the
    tests), without its import cost at each start.
    """
    if digits.startswith(_LA_POSTE_SIREN) and digits != _LA_POSTE_HEAD_OFFICE:
        whole = sum(int(d) for d in digits) % 5 == 0
    else:
        whole = _luhn_ok(digits)
    return whole and _luhn_ok(digits[:9])


_PLAIN = {str(d): d for d in range(10)}
_DOUBLED = {str(d): 2 * d - 9 if d > 4 else 2 * d for d in range(10)}
"""A digit's part in Luhn's sum: as it is, or doubled (less 9 past 9), every second one from the right."""


def _luhn_ok(digits: str) -> bool:
    total = sum(map(_PLAIN.__getitem__, digits[::-2])) + sum(map(_DOUBLED.__getitem__, digits[-2::-2]))
    return total % 10 == 0


@rule(
    "IDN02",
    (Severity.ERROR, Severity.WARNING),
    section=_SECTION,
    title="RNA invalide ou association sans immatriculation",
)
def rna_valid(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : un RNA donné a cette forme exacte (W majuscule, sans espace ; le message
    propose la forme corrigée quand elle est évidente) : erreur sinon. Une association
    (porteur.statut: association) donne rna ou registre_tribunal : avertissement sinon. Les
    associations de droit local d'Alsace-Moselle n'ont pas de RNA mais une inscription au
    registre du tribunal.

    Exemple refusé :

        porteur:
          statut: association
          rna: w 572 004 321

    Correction :

        porteur:
          statut: association
          rna: W572004321

    Que faire : recopiez le RNA depuis le récépissé de la préfecture ; pour une
    association de droit local (Alsace-Moselle), donnez registre_tribunal (tribunal, volume, folio).
    """
    porteur = ctx.dossier.porteur
    if porteur is None:
        return
    if not blank(porteur.rna):
        yield from _rna_format(porteur.rna or "")
    elif porteur.statut == "association" and porteur.registre_tribunal is None:
        yield Issue(
            "Association sans numéro RNA ni inscription au registre du tribunal.",
            "Indiquez « rna: » (W + 9 chiffres) pour une association loi 1901, ou "
            "« registre_tribunal: » (tribunal, volume, folio) pour une association de droit "
            "local d'Alsace-Moselle.",
            ("porteur", "rna"),
            severity=Severity.WARNING,
        )


def _rna_format(rna: str) -> Iterator[Issue]:
    shown = rna.strip()
    if _RNA.fullmatch(shown):
        return
    fixed = unspaced(shown).upper()
    advice = (
        f"Écrivez « {fixed} »."
        if _RNA.fullmatch(fixed)
        else "Recopiez le numéro RNA du récépissé de la préfecture : W suivi de 9 chiffres."
    )
    yield Issue(
        f"Numéro RNA « {shown} » invalide : W majuscule suivi de 9 chiffres attendu.",
        advice,
        ("porteur", "rna"),
    )


def _people(porteur: Porteur) -> Iterator[tuple[str, str, Personne]]:
    for key, label in _PEOPLE:
        person = getattr(porteur, key)
        if isinstance(person, Personne):
            yield key, label, person


# email_validator explains in English: its usual reasons, in French, found by regular expression.
_EMAIL_REASONS = (
    (r"An email address must have an @-sign", "il manque le « @ »"),
    (r"There must be something before the @-sign", "rien avant le « @ »"),
    (r"There must be something after the @-sign", "rien après le « @ »"),
    (r"The part after the @-sign is not valid\. It should have a period",
     "le domaine après le « @ » n'a pas de point (ex. .fr)"),
    (r"The part after the @-sign is not valid\. It is not within a valid top-level",
     "le domaine après le « @ » n'a pas d'extension valide (ex. .fr)"),
    (r"The part after the @-sign is a special-use",
     "le domaine après le « @ » est réservé et ne reçoit pas de courriel"),
    (r"An email address cannot have two periods in a row", "deux points se suivent"),
    (r"An email address cannot start with a (?P<sign>period|hyphen)", "{sign} au début"),
    (r"An email address cannot end with a (?P<sign>period|hyphen)", "{sign} à la fin"),
    (r"An email address cannot have a (?P<sign>period|hyphen) immediately before the @-sign",
     "{sign} juste avant le « @ »"),
    (r"An email address cannot have a (?P<sign>period|hyphen) immediately after the @-sign",
     "{sign} juste après le « @ »"),
    (r"The email address contains invalid characters before the @-sign(?:: (?P<chars>.*))?",
     "caractère interdit avant le « @ »{chars}"),
    (r"The part after the @-sign contains invalid characters(?:: (?P<chars>.*))?",
     "caractère interdit après le « @ »{chars}"),
    (r"Internationalized characters before the @-sign", "caractère non permis avant le « @ »"),
    (r"The email address is too long", "adresse trop longue"),
    (r"After the @-sign, periods cannot be separated by so many characters",
     "une partie du domaine entre deux points dépasse 63 caractères"),
    (r"The email address contains unsafe characters", "caractère invisible ou interdit"),
    (r"A display name and angle brackets",
     "un nom et des chevrons « < > » entourent l'adresse : gardez l'adresse seule"),
)
_SIGNS = {"period": "un point", "hyphen": "un tiret"}


def _french_reason(english: str) -> str:
    for pattern, french in _EMAIL_REASONS:
        match = re.match(pattern, english)
        if match is None:
            continue
        groups = match.groupdict()
        sign = _SIGNS.get(groups.get("sign") or "", "")
        chars = groups.get("chars")
        listed = f" ({chars.rstrip('.').replace('SPACE', 'espace')})" if chars else ""
        return french.format(sign=sign, chars=listed)
    return "forme non reconnue"


def email_reason(address: str) -> str | None:
    """Why `address` is not a valid e-mail address (in French), or None if it is valid."""
    if not address.strip():
        return "adresse vide"
    if address.count("@") > 1:
        return "plusieurs « @ » (une seule adresse par champ)"
    if plainly_valid_email(address.strip()):
        return None
    from email_validator import EmailNotValidError, validate_email  # ~30 ms: only when needed

    try:
        validate_email(address.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        return _french_reason(str(exc))
    return None


_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*")
_PLAIN_DOMAIN = re.compile(r"(?:[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\.)+[A-Za-z]{2,}")
"""Labels of letters and digits, a hyphen inside; two at least, the last of two letters or more."""
_SPECIAL_USE_TLDS = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})


def plainly_valid_email(address: str) -> bool:
    """An ASCII address of the everyday shape (julie.marchal@asso-quartier.fr), that email_validator
    accepts too (checked by the tests); anything else is left to email_validator."""
    local, _, domain = address.partition("@")
    if not (
        len(address) <= 254
        and len(local) <= 64
        and _PLAIN_LOCAL.fullmatch(local) is not None
        and _PLAIN_DOMAIN.fullmatch(domain) is not None
    ):
        return False
    labels = domain.split(".")
    return (len(domain) <= 63 or all(len(label) <= 63 for label in labels)) and (
        labels[-1].lower() not in _SPECIAL_USE_TLDS
    )


@rule("IDN03", Severity.ERROR, section=_SECTION, title="Adresse électronique invalide")
def emails_valid(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : la forme de chaque adresse (porteur.representant_legal.courriel,
    porteur.contact.courriel) : un seul « @ », un domaine avec une extension, pas de caractère
    interdit. La règle ne vérifie pas que la boîte existe.

    Exemple refusé :

        porteur:
          representant_legal:
            courriel: paul.martin@sport-{{qpv_b_id}}

    Correction :

        porteur:
          representant_legal:
            courriel: paul.martin@sport-{{qpv_b_id}}.fr

    Que faire : recopiez l'adresse exacte (par exemple presidente@association.fr).
    """
    porteur = ctx.dossier.porteur
    if porteur is None:
        return
    for key, label, person in _people(porteur):
        if person.courriel is None:
            continue
        courriel = person.courriel.strip()  # blank: SCH03 refused it, and silences what follows
        reason = email_reason(courriel)
        if reason is not None:
            yield Issue(
                f"Courriel du {label} « {courriel} » invalide : {reason}.",
                "Recopiez l'adresse exacte, de la forme nom@domaine.fr.",
                ("porteur", key, "courriel"),
            )


def is_french_phone(number: str) -> bool:
    """10 digits starting 0[1-9], or +33 / 0033 and 9 digits (the usual « (0) » between them
    allowed); spaces, dots and dashes allowed."""
    return _FRENCH_PHONE.fullmatch(_PHONE_SEPARATORS.sub("", number.strip())) is not None


@rule("IDN04", Severity.WARNING, section=_SECTION, title="Numéro de téléphone non français")
def phones_french(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : chaque numéro (porteur.representant_legal.telephone,
    porteur.contact.telephone) est un numéro français : 10 chiffres commençant par 01 à 09, ou
    +33 ou 0033 suivi de 9 chiffres (le premier n'étant pas 0 ; « +33 (0)3… » est admis) ; les
    espaces, points et tirets sont permis (avertissement sinon).

    Exemple refusé :

        porteur:
          contact:
            telephone: 3 87 74 12 34

    Correction :

        porteur:
          contact:
            telephone: 03 87 74 12 34

    Que faire : écrivez le numéro comme 03 87 74 12 34 ou +33 3 87 74 12 34.
    """
    porteur = ctx.dossier.porteur
    if porteur is None:
        return
    for key, label, person in _people(porteur):
        if person.telephone is None or is_french_phone(person.telephone):
            continue
        yield Issue(
            f"Téléphone du {label} « {person.telephone.strip()} » : ce n'est pas un numéro "
            "français.",
            "Écrivez 10 chiffres commençant par 0 (ex. 03 87 74 12 34), ou +33 suivi de "
            "9 chiffres (ex. +33 3 87 74 12 34).",
            ("porteur", key, "telephone"),
        )
