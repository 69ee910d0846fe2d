"""The dossier (one grant request) as a pydantic model: the input contract of `spec/dossier.md`.

The loader hands over text scalars; the types below read them the French way (`oui`/`non`,
`JJ/MM/AAAA`, `4 000,50 €`). Every field is optional at the type level so that the rules can run
on whatever is present; the fields the contract requires carry a marker, checked by
`missing_required` (SCH03) and written into the JSON Schema's `required` lists.
"""


import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticKnownError

from cdv_check.model import forms
from cdv_check.model.fields import keys_at, model_in

_REQUIRED = "x-requis"
_compiled = cache(re.compile)
"""A pattern of `forms`, compiled at its first use (cheaper to look up than through `re`)."""


def yes_no(value: object, *, expected: str = "« oui » ou « non » attendu") -> bool:
    """`oui`/`non` (or `true`/`false`, `vrai`/`faux`, any case) as a bool; ValueError(`expected`)
    otherwise. The dossier's booleans and the configuration file's settings are read by this
    one function, in the forms of `forms.BOOLEAN`.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and (word := _BOOLEAN_WORDS.get(value)) is not None:
        return word  # the usual spelling, as the pattern below reads it
    if isinstance(value, str) and (m := _compiled(forms.BOOLEAN).fullmatch(value)):
        return m.group(1).casefold() in forms.TRUE_WORDS
    raise ValueError(expected)


_BOOLEAN_WORDS = {**dict.fromkeys(forms.TRUE_WORDS, True), **dict.fromkeys(forms.FALSE_WORDS, False)}


_SPACES = re.compile(forms.SPACE + "+")


def unspaced(text: str) -> str:
    """The text without any space, including the no-break spaces French typing puts in numbers
    (`443 061 841 00048`, `4\u202f000`)."""
    return _SPACES.sub("", text)


def siret_form(text: str) -> str:
    """A SIRET's one normal form, for IDN01 and LOT02 alike: the text without its spaces
    (`443 061 841 00047` → `44306184100047`); what is not 14 digits is left so, for IDN01."""
    return unspaced(text.strip())


def siret_grouped(siret: str) -> str:
    """A SIRET as INSEE prints it, `443 061 841 00047` (a spreadsheet keeps it as text); what is
    not 14 digits is left as written."""
    if len(siret) == 14 and siret.isascii() and siret.isdigit():
        return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    return siret


def _parse_amount(value: Any) -> Any:
    if value.__class__ is str and len(value) <= 9 and value.isdigit() and value.isascii():
        return Decimal(value)  # the usual amount (`4000`), as forms.AMOUNT reads it: whole euros
    if isinstance(value, bool):
        raise ValueError("un montant en euros est attendu")
    if isinstance(value, (int, Decimal)):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError("un montant en euros est attendu (ex. 4000 ou « 4 000,50 € »)")
    m = _compiled(forms.AMOUNT).fullmatch(value)
    if m is None:
        digits = re.sub(r"[^0-9]", "", value.split(",")[0].split(".")[0])
        if len(digits) >= 10 and re.fullmatch(r"[\s\u00a0\u202f0-9.,€EUR-]*", value):
            raise ValueError("montant invraisemblable (un milliard d'euros ou plus)")
        raise ValueError(
            "montant illisible : écrivez des chiffres, avec au plus deux décimales "
            "(ex. 4000, 4 000,50 ou « 4 000,50 € »)"
        )
    sign, whole, cents, noise = m.groups()
    amount = Decimal(f"{sign}{unspaced(whole)}" + (f".{cents}{noise or ''}" if cents else ""))
    return amount.quantize(_CENT, ROUND_HALF_UP) if noise else amount


_CENT = Decimal("0.01")


_ISO_DATE = re.compile(r"\s*([0-9]{4})-([0-9]{2})-([0-9]{2})(.*)", re.S)
_FR_DATE = re.compile(r"\s*([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})\s*")
_SERIAL = re.compile(r"\s*([0-9]{5})(?:\.0+)?\s*")
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(value: Any) -> Any:
    """A date in the forms of `forms.DATE`; otherwise ValueError saying what to write."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError("date attendue au format AAAA-MM-JJ ou JJ/MM/AAAA")
    # The usual date (`AAAA-MM-JJ`): one that exists is the one forms.DATE reads; any other text
    # goes on below.
    if len(value) == 10 and value[4] == "-" == value[7] and value.isascii() and (
            value[:4].isdigit() and value[5:7].isdigit() and value[8:].isdigit()):
        try:
            return date(int(value[:4]), int(value[5:7]), int(value[8:]))
        except ValueError:
            pass
    if _compiled(forms.DATE).fullmatch(value):
        if m := _ISO_DATE.fullmatch(value):
            year, month, day = (int(g) for g in m.groups()[:3])
        elif m := _FR_DATE.fullmatch(value):
            day, month, year = (int(g) for g in m.groups())
        return date(year, month, day)
    text = value.strip()
    if m := _ISO_DATE.fullmatch(value):
        if m.group(4).strip():  # a time that is not midnight
            raise ValueError(
                f"une date sans heure est attendue : écrivez {m.group(1)}-{m.group(2)}-{m.group(3)} "
                "si c'est bien ce jour (un tableur exporte parfois la veille à 23 h)"
            )
        raise ValueError(f"cette date n'existe pas ({text})")
    if _FR_DATE.fullmatch(value):
        raise ValueError(f"cette date n'existe pas ({text})")
    if m := _SERIAL.fullmatch(value):
        serial = int(m.group(1))
        if 20000 <= serial <= 80000:
            meant = _EXCEL_EPOCH + timedelta(days=serial)
            raise ValueError(
                f"« {serial} » est un numéro de date de tableur ({meant.day:02d}/{meant.month:02d}/"
                f"{meant.year}) : écrivez la date elle-même, {meant.isoformat()} ou "
                f"{meant.day:02d}/{meant.month:02d}/{meant.year}"
            )
    raise ValueError("date attendue au format AAAA-MM-JJ ou JJ/MM/AAAA")


def _parse_count(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("un nombre entier est attendu")
    text = value if isinstance(value, str) else str(value)
    m = _compiled(forms.COUNT).fullmatch(text)
    if m is None:
        digits = unspaced(text).split(".")[0].split(",")[0]
        if digits.isdigit() and digits.isascii() and int(digits) > forms.MAX_COUNT:
            raise ValueError("nombre invraisemblable")
        raise ValueError("un nombre entier positif est attendu (ex. 60)")
    return int(unspaced(m.group(1)).lstrip("-"))


def blank(value: object) -> bool:
    """Not given: absent, or a text of spaces only (a rule reads `intitule: ""` as no intitulé)."""
    return value is None or (isinstance(value, str) and not value.strip())


def _as_list(value: Any) -> Any:
    """A single value where a list is expected is read as a list of one."""
    if isinstance(value, (list, tuple)):
        return value
    if isinstance(value, str):
        return [value]
    return value


def _as_code_list(value: Any) -> Any:
    """A single code where a list of codes is expected is read as a list of one; several codes
    in one text (`2.7.3, 1.10`, as a spreadsheet cell holds them) are refused with the list to
    write, never read as one code that does not exist."""
    if isinstance(value, str) and not _compiled(forms.SINGLE_CODE).fullmatch(value):
        parts = [p.strip() for p in re.split(f"[{forms.LIST_SEPARATORS}]", value) if p.strip()]
        shown = ", ".join(parts)
        quoted = ", ".join(json.dumps(p, ensure_ascii=False) for p in parts)
        raise ValueError(
            f"une liste est attendue : écrivez [{shown}] (en JSON : [{quoted}]), ou un élément "
            "par ligne précédé de « - »"
        )
    return _as_list(value)


Booleen = Annotated[bool, BeforeValidator(yes_no)]
Montant = Annotated[Decimal, BeforeValidator(_parse_amount)]
Date = Annotated[date, BeforeValidator(parse_date)]
Nombre = Annotated[int, BeforeValidator(_parse_count)]
Texte = str  # pydantic refuses a list or a mapping here (string_type: « un texte est attendu »)
Textes = Annotated[list[Texte], BeforeValidator(_as_list)]
Codes = Annotated[list[Texte], BeforeValidator(_as_code_list)]


def _known_axis(value: str, info: ValidationInfo) -> str:
    known = _context_ids(info, "axes")
    if known is not None and value not in known:
        raise ValueError(
            f"axe transversal « {value} » inconnu ; valeurs possibles : {', '.join(sorted(known))}"
        )
    return value


AxesTransversaux = Annotated[list[Annotated[Texte, AfterValidator(_known_axis)]], BeforeValidator(_as_code_list)]


def required(description: str) -> Any:
    """A field the contract requires: absent, it is reported as SCH03 (see `missing_required`)."""
    return Field(default=None, description=description, json_schema_extra={_REQUIRED: True})


def optional(description: str) -> Any:
    return Field(default=None, description=description)


def _schema_required(schema: dict[str, Any], cls: type[BaseModel]) -> None:
    names = [name for name, f in cls.model_fields.items() if _is_required(f.json_schema_extra)]
    for prop in schema.get("properties", {}).values():
        prop.pop(_REQUIRED, None)
    if names:
        schema["required"] = names


def _is_required(extra: Any) -> bool:
    return isinstance(extra, dict) and bool(extra.get(_REQUIRED))


def _empty(annotation: Any, value: object) -> bool:
    """An empty cell, as a spreadsheet exports it (`""` or `null`), or a block (`contact:`) whose
    every field is one."""
    if value is None or value == "":
        return True
    if not isinstance(value, dict):
        return False
    for inner in value.values():  # most blocks have a filled field first: said at once
        if not (inner is None or inner == "" or isinstance(inner, dict)):
            return False
    model = None if "list[" in str(annotation) else model_in(annotation)  # a list of blocks is no block
    if model is None:
        return False
    fields = model.model_fields
    return all(name in fields and _empty(fields[name].annotation, v) for name, v in value.items())


@cache
def _optional_fields(cls: type[BaseModel]) -> dict[str, Any]:
    """The fields of `cls` the contract does not require, with their types."""
    fields = cls.model_fields.items()
    return {name: info.annotation for name, info in fields if not _is_required(info.json_schema_extra)}


@cache
def _optional_blocks(cls: type[BaseModel]) -> frozenset[str]:
    """The optional fields of `cls` that are blocks of fields (`contact`), not lists of them."""
    return frozenset(
        name for name, annotation in _optional_fields(cls).items()
        if "list[" not in str(annotation) and model_in(annotation) is not None
    )


_BLOCKS: dict[type[BaseModel], frozenset[str]] = {}
"""`_optional_blocks` of each part, as `_Part._empty_is_absent` reads it."""


class _Part(BaseModel):
    # defer_build: only Dossier is validated, so its validator is built once, at the first
    # dossier, with its parts inside; each part's own validator would never be used.
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_schema_required, defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_is_absent(cls, data: Any) -> Any:
        """An optional field left empty (`""`, `null`, a block of empty cells) is absent, whatever
        its type: a spreadsheet writes an empty cell for what does not apply. (A text of spaces is
        not an empty cell: where a text is expected, the rules read it as blank.)"""
        if not isinstance(data, dict):
            return data
        blocks = _BLOCKS.get(cls)  # a dict read: this runs for each part of each dossier
        if blocks is None:
            blocks = _BLOCKS[cls] = _optional_blocks(cls)
        if "" not in data.values() and blocks.isdisjoint(data):
            return data  # the usual part: no empty cell, no optional block
        optional = _optional_fields(cls)
        # `_empty`'s own first test, written out: a filled text is said at once.
        empty = [name for name, value in data.items()
                 if (value is None or value == "" or isinstance(value, dict)) and name in optional
                 and _empty(optional[name], value)]
        if not empty:
            return data
        return {name: value for name, value in data.items() if name not in empty}


class RegistreTribunal(_Part):
    """Inscription au registre des associations du tribunal (droit local d'Alsace-Moselle)."""

    tribunal: Texte | None = required("Tribunal du registre des associations")
    volume: Texte | None = required("Volume du registre")
    folio: Texte | None = required("Folio du registre")


class Personne(_Part):
    nom: Texte | None = required("Nom et prénom")
    qualite: Texte | None = required("Qualité ou fonction (ex. Présidente)")
    courriel: Texte | None = required("Adresse électronique")
    telephone: Texte | None = optional("Téléphone (numéro français)")


class Porteur(_Part):
    nom: Texte | None = required("Nom de la structure qui porte l'action")
    sigle: Texte | None = optional("Sigle")
    statut: Texte | None = required(
        "Type de structure : association, bailleur, collectivite, etablissement_public ou autre"
    )
    siret: Texte | None = optional("Numéro SIRET (14 chiffres, espaces permis)")
    rna: Texte | None = optional("Numéro RNA des associations loi 1901 : W + 9 chiffres")
    registre_tribunal: RegistreTribunal | None = optional(
        "Associations de droit local (Alsace-Moselle) : inscription au registre du tribunal"
    )
    adresse: Texte | None = required("Adresse du siège")
    representant_legal: Personne | None = required("Représentant légal")
    contact: Personne | None = optional("Personne chargée du dossier")
    premiere_demande: Booleen | None = required(
        "Première demande au titre de la politique de la ville (oui/non)"
    )
    changement_statuts: Booleen | None = optional(
        "Statuts ou bureau modifiés depuis la dernière demande (oui/non, non par défaut)"
    )

    @field_validator("statut")
    @classmethod
    def _known_statut(cls, value: str | None, info: ValidationInfo) -> str | None:
        known = _context_ids(info, "statuts")
        if value is not None and known is not None and value not in known:
            raise ValueError(f"statut inconnu ; valeurs possibles : {', '.join(sorted(known))}")
        return value


class PublicVise(_Part):
    description: Texte | None = required("Public visé")
    scolaire: Booleen | None = required("Public scolaire et/ou action en milieu scolaire (oui/non)")
    beneficiaires: Nombre | None = required("Nombre de personnes touchées")
    beneficiaires_qpv: Nombre | None = optional("Dont habitants des QPV")


class Evaluation(_Part):
    modalites: Texte | None = optional("Modalités d'évaluation de l'action")
    indicateurs: Textes | None = optional("Indicateurs suivis")


class Action(_Part):
    intitule: Texte | None = required("Intitulé de l'action")
    nouvelle: Booleen | None = required(
        "oui : action nouvelle ; non : action existante ou déjà financée par la politique de la ville"
    )
    quartiers: Codes | None = optional("QPV concernés (un ou plusieurs)")
    objectifs: Codes | None = optional("Codes des objectifs de l'appel (cdv-check objectives)")
    axes_transversaux: AxesTransversaux | None = optional(
        "Axes transversaux : egalite_femmes_hommes, lutte_discriminations, jeunesse"
    )
    priorites: Codes | None = optional("Identifiants des priorités de l'appel des QPV visés (cdv-check qpv)")
    besoin: Texte | None = optional("Besoin avéré du territoire auquel l'action répond")
    description: Texte | None = required("Description de l'action")
    public: PublicVise | None = required("Public visé")
    debut: Date | None = required("Date de début de l'action")
    fin: Date | None = required("Date de fin de l'action")
    lieu: Texte | None = optional("Lieu de l'action")
    partenaires: Textes | None = optional("Partenaires de l'action")
    evaluation: Evaluation | None = optional("Évaluation de l'action")
    lien_contrat_de_ville: Texte | None = optional(
        "En quoi l'action répond au nouveau Contrat de Ville (obligatoire pour un renouvellement)"
    )


class LigneBudget(_Part):
    compte: Texte | None = required("Compte du plan comptable du CERFA (60 à 68, 86 ; 70 à 79, 87)")
    libelle: Texte | None = required("Libellé de la ligne")
    montant: Montant | None = required("Montant en euros")
    politique_de_la_ville: Booleen | None = optional(
        "Produit demandé au titre de la politique de la ville (oui/non)"
    )
    financeur: Texte | None = optional(
        "Produits : le financeur de la ligne, par son identifiant ou son nom dans le référentiel"
    )


class Budget(_Part):
    charges: list[LigneBudget] | None = required("Charges (comptes 60 à 68 et 86)")
    produits: list[LigneBudget] | None = required("Produits (comptes 70 à 79 et 87)")
    subvention_demandee: Montant | None = required("Total demandé au titre du Contrat de Ville")
    subvention_precedente: Montant | None = optional(
        "Renouvellement : montant accordé l'année précédente au titre de la politique de la ville"
    )


def _known_piece(value: str, info: ValidationInfo) -> str:
    """A key under `pieces` is one of the référentiel's piece ids (given in the context); an
    unknown one is refused as an unknown key (SCH05)."""
    known = _context_ids(info, "pieces")
    if known is not None and value not in known:
        raise PydanticKnownError("extra_forbidden")
    return value


Pieces = dict[Annotated[str, AfterValidator(_known_piece)], Texte | None]
"""The pieces' paths, keyed by the référentiel's piece ids (`pieces[].id`)."""


class Dossier(_Part):
    """Demande de subvention au Contrat de Ville."""

    date_depot: Date | None = optional(
        "Date d'envoi du dossier ; à défaut --date-depot, sinon la date du jour"
    )
    porteur: Porteur | None = required("La structure qui porte l'action")
    action: Action | None = required("L'action pour laquelle la subvention est demandée")
    budget: Budget | None = required("Budget prévisionnel de l'action (CERFA)")
    pieces: Pieces | None = optional("Chemins des pièces jointes, relatifs au dossier du fichier")


def _context_ids(info: ValidationInfo, name: str) -> set[str] | frozenset[str] | None:
    context = info.context
    if isinstance(context, dict) and name in context:
        ids = context[name]
        return ids if isinstance(ids, (set, frozenset)) else set(ids)
    return None


@cache
def _fields_required(cls: type[BaseModel]) -> tuple[tuple[str, bool], ...]:
    """Each field of `cls` and whether the contract requires it (worked out once per class)."""
    return tuple((name, _is_required(info.json_schema_extra)) for name, info in cls.model_fields.items())


@cache
def _required_names(cls: type[BaseModel]) -> frozenset[str]:
    return frozenset(name for name, is_required in _fields_required(cls) if is_required)


def field_is_required(cls: type[BaseModel], name: str) -> bool:
    """Whether the contract requires the field `name` of `cls`."""
    return name in _required_names(cls)


def field_is_required_at(loc: tuple[str | int, ...]) -> bool:
    """Whether the contract requires the key at `loc` (`("action", "intitule")`)."""
    parent: Any = Dossier
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = parent.model_fields.get(part) if isinstance(parent, type) and issubclass(parent, BaseModel) else None
        parent = model_in(info.annotation) if info is not None else None
    if not (isinstance(parent, type) and issubclass(parent, BaseModel)):
        return False
    return field_is_required(parent, str(loc[-1]))


def missing_required(model: BaseModel, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Paths of the required fields left empty (absent, or a blank text), in the model's order."""
    found: list[tuple[str | int, ...]] = []
    _missing_into(found, model, path)
    return iter(found)


def _missing_into(found: list[tuple[str | int, ...]], model: BaseModel, path: tuple[str | int, ...]) -> None:
    values = model.__dict__  # the fields' values, as getattr reads them
    for name, is_required, plain in _missing_plan(type(model)):
        value = values[name]
        if value is None or (isinstance(value, str) and not value.strip()):  # `blank`, written out
            if is_required:
                found.append((*path, name))
        elif plain:
            continue
        elif isinstance(value, BaseModel):
            _missing_into(found, value, (*path, name))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    _missing_into(found, item, (*path, name, index))


@cache
def _missing_plan(cls: type[BaseModel]) -> tuple[tuple[str, bool, bool], ...]:
    """The fields of `cls` that `_missing_into` has something to look at, in order: whether the
    contract requires each, and whether it holds only plain values (never a part to look into).
    An optional field of plain values (a text, a list of codes: most optional fields) is left out,
    worked out once per class: nothing in it is ever missing."""
    plan = []
    for name, is_required in _fields_required(cls):
        plain = _plain(cls.model_fields[name].annotation)
        if is_required or not plain:
            plan.append((name, is_required, plain))
    return tuple(plan)


_PLAIN = (str, bool, int, Decimal, date, type(None))


def _plain(annotation: Any) -> bool:
    """Whether a field of this type holds only texts, numbers, dates, and lists and mappings of
    them, never a part (a BaseModel); any other type (`Any` included) may hold one."""
    if annotation in _PLAIN:
        return True
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _plain(args[0])
    return origin in (Union, UnionType, list, dict) and all(_plain(arg) for arg in args)


def known_keys(loc: tuple[str | int, ...]) -> list[str]:
    """The keys the model accepts in the mapping at `loc` (for "did you mean" suggestions)."""
    return keys_at(Dossier, loc)
