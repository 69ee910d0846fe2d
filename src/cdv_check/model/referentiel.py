"""The call for projects as data: pydantic models of `data/referentiel.yaml` and its loading.

Everything specific to one year's call (QPV, objectives, calendar, pieces, contacts, thresholds) lives in the
YAML file; this module only knows its shape and its invariants.
"""


import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Literal, NamedTuple, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cdv_check.model.fields import keys_at


class _Frozen(BaseModel):
    # defer_build: only Referentiel is validated (once), with its parts inside; see model.dossier.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy with other values (`update`), without what was worked out from the old ones:
        pydantic copies the instance's dictionary, where each cached property keeps its value."""
        copied = super().model_copy(update=update, deep=deep)
        for name in _cached_properties(type(self)):
            copied.__dict__.pop(name, None)
        return copied


@cache
def _cached_properties(cls: type) -> tuple[str, ...]:
    return tuple(name for klass in cls.__mro__ for name, v in vars(klass).items() if isinstance(v, cached_property))


_LATIN_FOLDING: dict[int, str | None] = {
    c: None if unicodedata.combining(chr(c)) else " "
    for c in (*range(0x370), *range(0x2000, 0x2070))
    if not chr(c).isalnum()
}
"""What `fold` does to each character of Latin text, as one translation: a punctuation mark or a
space (ASCII, Latin-1, « ’ … — » and the no-break spaces) becomes a space, a combining accent
(U+0300–U+036F, all but the grapheme joiner U+034F, which is no accent) is dropped."""


def fold(text: str) -> str:
    """Case- and accent-insensitive form used to compare names typed by users."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    latin = decomposed.translate(_LATIN_FOLDING)
    if latin.isascii():  # French text: one translation gives what the loop below would
        return " ".join(latin.split())
    kept = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(kept.split())


_ASCII_FOLDING = bytes(
    c if c == 0 else ord(chr(c).lower()) if chr(c).isalnum() else 32 for c in range(128)
) + bytes(range(128, 256))
"""`fold` of each ASCII character as a byte (a letter lowered, a digit kept, the rest a space), but
NUL, which stays and separates texts (`fold_together`); a byte of a longer character stays."""
_ASCII_BYTES = bytes(range(128))
_CHARACTER_FOLDS: dict[str, str | None] = {}
"""`_character_fold` of the characters seen, so that each is folded once per process; emptied
when full (a text may hold any character)."""


def _character_fold(c: str) -> str | None:
    """What `fold` makes of the character `c` (before spaces are joined), when it is lowercase
    ASCII letters, digits and spaces: « é » gives « e », « ’ » and « « » a space, « ß » « ss »,
    « ﬁ » « fi ». None otherwise (« œ », a Greek letter, « ᴬ », which gives an uppercase A)."""
    folded = _CHARACTER_FOLDS.get(c, "")
    if folded == "":
        # `fold` is that, letter by letter, once each text's accents and marks are dropped.
        decomposed = unicodedata.normalize("NFKD", c.casefold())
        text = "".join(x if x.isalnum() else " " for x in decomposed if not unicodedata.combining(x))
        folded = text if text.isascii() and text == text.lower() else None
        if len(_CHARACTER_FOLDS) >= 4096:
            _CHARACTER_FOLDS.clear()
        _CHARACTER_FOLDS[c] = folded
    return folded


_REPLACED = 32
"""Beyond this many characters to fold, `fold_together` translates in one pass rather than
replacing each throughout (a text of thousands of distinct characters would be read as often)."""


def fold_together(texts: list[str]) -> tuple[bytes, list[int]] | None:
    """The texts folded at once, as `fold` folds each one but for its spaces (a run of spaces
    is not joined into one, nor trimmed at the ends): one ASCII string of bytes where NUL ends each
    text. Also, the indices of the texts that hold a character folded otherwise than into
    lowercase ASCII (« œ »): their part is not their fold, call `fold` on them. None when a
    text holds NUL itself.

    One translation of all the texts of a dossier, with each of their characters beyond ASCII
    folded once per process, costs a tenth of a `fold` of each text.
    """
    joined = "\x00".join(texts)
    if joined.count("\x00") != max(len(texts) - 1, 0):
        return None
    others: set[str] = set()
    if not joined.isascii():
        folds: dict[str, str] = {}
        # Its characters beyond ASCII: its UTF-8 bytes but the ASCII ones, read back (a pass at C
        # speed; a regular expression's search for them costs ten times as much).
        beyond = joined.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
        for c in set(beyond.decode("utf-8", "surrogatepass")):
            folded = _character_fold(c)
            if folded is None:
                others.add(c)
            else:
                folds[c] = folded
        if len(folds) <= _REPLACED:  # a few accents: one replacement each, at C speed
            for c, folded in folds.items():
                joined = joined.replace(c, folded)
        else:  # a hostile text of many characters: one pass all the same
            joined = joined.translate({ord(c): folded for c, folded in folds.items()})
    data = joined.encode("utf-8", "surrogatepass").translate(_ASCII_FOLDING)
    if not others:
        return data, []
    return data, [index for index, text in enumerate(texts) if not others.isdisjoint(text)]


_REMEMBERED = 4096
"""Names looked up that a référentiel keeps (`qpv_named`, `financeur_by_spelling`): a lot names a
few QPV and funders over and over; beyond this many, a hostile lot is forgotten and started again."""
_REMEMBERED_LENGTH = 200
"""Longer texts are no names: not worth the memory."""


def _remember(known: dict[str, Any], text: str, found: Any) -> None:
    if len(text) > _REMEMBERED_LENGTH:
        return
    if len(known) >= _REMEMBERED:
        known.clear()
    known[text] = found


FORMAT = 2
"""The référentiel format this cdv-check reads (docs/spec/referentiel.md). A file without
`format:` is read as format 1, the first one (data/referentiel.yaml before the key existed):
format 2 only added keys and made others optional, so both read the same way. A newer format is
refused: it may say what this version cannot check."""


def name_words(text: str) -> list[str]:
    """The words of a name, folded, whatever joins them (space, hyphen, slash, apostrophe)."""
    return "".join(c if c.isalnum() else " " for c in fold(text)).split()


class Pilier(_Frozen):
    id: str
    libelle: str


class AxeTransversal(_Frozen):
    id: str
    libelle: str


class Appel(_Frozen):
    id: str
    titre: str
    contrat: str
    date_signature: date
    signataires: list[str]
    piliers: list[Pilier]
    axes_transversaux: list[AxeTransversal]


class Qpv(_Frozen):
    slug: str
    nom: str
    commune: str
    habitants: int | None = Field(default=None, gt=0)
    revenu_median: int | None = Field(default=None, gt=0)
    variantes: list[str] = []

    def spellings(self) -> set[str]:
        return set(self._folded_spellings)

    @cached_property
    def _folded_spellings(self) -> frozenset[str]:
        # fold() is costly and called for every name of every dossier: once per process is enough.
        return frozenset(fold(s) for s in (self.slug, self.nom, *self.variantes))

    @cached_property
    def spelling_words(self) -> tuple[tuple[str, ...], ...]:
        """Each spelling as its words (« Le Val/Haut Nord » → le, val, haut, nord)."""
        return tuple(tuple(name_words(s)) for s in (self.slug, self.nom, *self.variantes))


class Population(_Frozen):
    habitants: int
    part_agglomeration_pct: Decimal
    source: str


class Priorite(_Frozen):
    id: str
    qpv: str | None = Field(description="slug of the QPV, or null for « Tous QPV »")
    texte: str
    axes: list[str] = Field(default=[], description="transversal axes the priority names")


class ObjectifFin(_Frozen):
    code: str
    libelle: str
    note: str | None = None
    objectifs: "list[ObjectifFin]" = []
    """Finer objectives still, to any depth: each is cited by its code like its parent."""


class ObjectifOperationnel(_Frozen):
    code: str
    libelle: str
    objectifs: list[ObjectifFin] = []


class ObjectifStrategique(_Frozen):
    libelle: str
    objectifs_operationnels: list[ObjectifOperationnel]


class Axe(_Frozen):
    """A top node of the objectives: an axis of a numbered tree, or a pilier or thématique of a
    flat list (no children: then its own code is what a dossier names)."""

    code: str
    libelle: str
    """The title as the call prints it (in capitals, for instance)."""
    intitule: str = ""
    """The same title as reports show it; the `libelle` when not given."""
    introduction: str | None = None
    objectifs_strategiques: list[ObjectifStrategique] = []
    objectifs_operationnels: list[ObjectifOperationnel] = []
    """Objectives directly under the axis, without a strategic objective between."""

    @model_validator(mode="before")
    @classmethod
    def _titled(cls, data: object) -> object:
        if isinstance(data, dict) and not data.get("intitule") and isinstance(data.get("libelle"), str):
            return {**data, "intitule": data["libelle"]}
        return data

    @property
    def leaf(self) -> bool:
        """A pilier or thématique of a flat list: nothing under it, its code is chosen."""
        return not self.objectifs_strategiques and not self.objectifs_operationnels


class ObjectivePath:
    """One node of the objectives (`annexe1`) with its ancestors (the deeper fields are None above its level).

    A plain class, not a dataclass: it is built at every start (the référentiel's validation
    walks the tree), where a dataclass would compile its generated methods each time.
    """

    __slots__ = ("above", "axe", "objectif", "operationnel", "strategique")

    def __init__(
        self,
        axe: Axe,
        strategique: ObjectifStrategique | None = None,
        operationnel: ObjectifOperationnel | None = None,
        objectif: ObjectifFin | None = None,
        above: tuple[ObjectifFin, ...] = (),
    ) -> None:
        self.axe = axe
        self.strategique = strategique
        self.operationnel = operationnel
        self.objectif = objectif
        self.above = above
        """The finer objectives between `operationnel` and `objectif`, in a tree deeper than x.y.z."""

    @property
    def node(self) -> Axe | ObjectifStrategique | ObjectifOperationnel | ObjectifFin:
        return self.objectif or self.operationnel or self.strategique or self.axe

    @property
    def code(self) -> str | None:
        """The node's code; strategic objectives have none in the call."""
        node = self.node
        return None if isinstance(node, ObjectifStrategique) else node.code

    @property
    def libelle(self) -> str:
        return self.node.libelle

    def chain(self) -> list[Axe | ObjectifStrategique | ObjectifOperationnel | ObjectifFin]:
        """The node and its ancestors, from the axis down."""
        parts = (self.axe, self.strategique, self.operationnel, *self.above, self.objectif)
        return [p for p in parts if p is not None]


def walk(annexe1: Iterable[Axe]) -> Iterator[ObjectivePath]:
    """Every node of the objectives (or of the axes given), in the call's order, parents before
    children: the one walk of the nested tree (axe → stratégique → opérationnel → objectif)."""
    for axe in annexe1:
        yield ObjectivePath(axe)
        for op in axe.objectifs_operationnels:
            yield ObjectivePath(axe, None, op)
            for above, fin in _finer(op.objectifs):
                yield ObjectivePath(axe, None, op, fin, above)
        for strat in axe.objectifs_strategiques:
            yield ObjectivePath(axe, strat)
            for op in strat.objectifs_operationnels:
                yield ObjectivePath(axe, strat, op)
                for above, fin in _finer(op.objectifs):
                    yield ObjectivePath(axe, strat, op, fin, above)


def _finer(objectifs: list[ObjectifFin]) -> Iterator[tuple[tuple[ObjectifFin, ...], ObjectifFin]]:
    """Each finer objective, to any depth, parents first, with the finer ones above it."""
    stack: list[tuple[tuple[ObjectifFin, ...], ObjectifFin]] = [((), fin) for fin in reversed(objectifs)]
    while stack:  # iterative: a référentiel's depth is not bounded by the interpreter's stack
        above, fin = stack.pop()
        yield above, fin
        stack.extend(((*above, fin), child) for child in reversed(fin.objectifs))


class Periode(_Frozen):
    debut: date
    fin: date

    @model_validator(mode="after")
    def _ordered(self) -> "Periode":
        if self.fin < self.debut:
            raise ValueError(f"fin ({self.fin}) avant debut ({self.debut})")
        return self

    def contains(self, start: date, end: date) -> bool:
        return self.debut <= start and end <= self.fin


class ExceptionScolaire(_Frozen):
    """The call's exception for actions that follow the school year, as `init` explains it."""

    citation: str
    """The call's words, quoted when `init` asks whether the public is a school public."""
    publics_adultes: list[str] = []
    """Words that describe a public of adults (parents, mères…): claimed for such a public, the
    exception is said to be reserved to a school public."""


class Calendrier(_Frozen):
    date_ouverture: date | None = None
    date_limite: date
    annee_action: Periode
    annees_scolaires: list[Periode] = []
    """Periods a school action may follow instead of `annee_action`; none when the call has no
    such exception."""
    exception_scolaire: ExceptionScolaire | None = None
    """The call's words on that exception, which `init` quotes; absent: nothing quoted."""

    @model_validator(mode="after")
    def _deadline_inside(self) -> "Calendrier":
        if self.date_ouverture is not None and self.date_limite < self.date_ouverture:
            raise ValueError(
                f"la date limite ({self.date_limite}) est avant la date d'ouverture ({self.date_ouverture})"
            )
        if self.date_limite > self.annee_action.fin:
            raise ValueError(
                f"la date limite ({self.date_limite}) est après la fin de la période de l'action "
                f"({self.annee_action.fin})"
            )
        return self


class StatutPorteur(_Frozen):
    id: str
    libelle: str
    eligible: bool


PieceCondition = Literal["toujours", "premiere_demande_ou_changement_statuts", "renouvellement"]

PIECE_RULES = ("PCE01", "PCE02", "PCE03", "PCE04", "PCE05", "PCE06")
"""The rule IDs a piece can be reported under (`regle`): each says the pieces listed under it that
are missing. The checks that apply to every piece (its file, its form) have IDs of their own."""

WARNING_PIECE_RULES = ("PCE06",)
"""The rules that can also warn: a piece with a provisional alternative is listed under one."""


class PieceTextes(_Frozen):
    """What a user reads about a piece, when the call words it its own way: `{courriel}` is the
    deposit address. For a piece: when it is missing; for a provisional alternative (`provisoire`):
    when it stands alone in place of the piece it replaces."""

    message: str
    conseil: str


class Piece(_Frozen):
    id: str
    libelle: str
    condition: PieceCondition = "toujours"
    regle: str
    pdf: bool = False
    """The file must be a PDF (PCE08)."""
    formulaire: bool = False
    """The file is the call's form (`depot.formulaire`): its number is looked for in it, and a RIB
    sent in its place is recognised."""
    releve_bancaire: bool = False
    """The piece is the bank details (RIB): where a RIB sent in the form's place belongs."""
    alternative_a: str | None = None
    """The id of the piece this one may replace: never missing itself; the other is not missing
    when this one is given."""
    provisoire: bool = False
    """An alternative that stands in for the other piece for now: alone, a warning says the other
    is still due."""
    textes: PieceTextes | None = None
    meme_fichier_que: list[str] = []
    """The ids of the pieces whose file this one's may be (a form that holds the summary sheet):
    two pieces naming one file are otherwise an error (PCE10)."""

    def required(self, *, first_or_new_statutes: bool, renewal: bool) -> bool:
        """Whether the call asks for this piece: always, for a first request or after a change of
        statutes or bureau, or for a renewal (its `condition`). An alternative is never required."""
        if self.alternative_a is not None:
            return False
        if self.condition == "premiere_demande_ou_changement_statuts":
            return first_or_new_statutes
        if self.condition == "renouvellement":
            return renewal
        return True  # "toujours"


class Contact(_Frozen):
    institution: str
    nom: str
    fonction: str
    telephone: str
    courriel: str


Plateforme = Literal["extranet", "dauphin", "demarches_simplifiees", "courriel", "papier"]


class Depot(_Frozen):
    plateforme: Plateforme = "extranet"
    saisie_en_ligne: str | None = None
    """The address of the platform where the request is typed (extranet, Dauphin, Démarches
    Simplifiées)."""
    courriel: str | None = None
    """The address the form and pieces are sent to, when they are sent by e-mail."""
    adresse_postale: str | None = None
    """Where a paper dossier is sent."""
    cerfa: str
    """The form's number with its version (« NNNNN*VV »)."""
    contact_codes_extranet: str | None = Field(
        default=None, description="institution to ask for access codes; none: no codes to request (no PCE09)"
    )

    @model_validator(mode="after")
    def _reachable(self) -> "Depot":
        needed = {
            "courriel": ("courriel", self.courriel),
            "papier": ("adresse_postale", self.adresse_postale),
        }.get(self.plateforme, ("saisie_en_ligne", self.saisie_en_ligne))
        if needed[1] is None:
            raise ValueError(f"un dépôt « {self.plateforme} » demande son adresse : écrivez « {needed[0]}: … »")
        if self.contact_codes_extranet is not None and self.saisie_en_ligne is None:
            raise ValueError(
                "des codes d'accès à demander supposent une saisie en ligne : écrivez « saisie_en_ligne: … »"
            )
        return self

    @property
    def envoi(self) -> str:
        """Where the pieces go, to follow « envoyez la pièce »: « à courriel », « sur site »…"""
        if self.courriel is not None:
            return f"à {self.courriel}"
        if self.plateforme == "papier" and self.adresse_postale is not None:
            return f"par courrier à {self.adresse_postale}"
        return f"sur {self.saisie_en_ligne}"

    @property
    def saisie(self) -> str:
        """Where the form is filled in, to follow « saisissez-le »: « sur site », or nothing."""
        return f" sur {self.saisie_en_ligne}" if self.saisie_en_ligne is not None else ""


class Subvention(_Frozen):
    """The bounds the call sets to a request (BUD05); none, no bound."""

    part_max_cout_pct: Decimal | None = Field(default=None, gt=0, le=100)
    """The largest share of the action's total cost the request may be, in percent."""
    minimum: Decimal | None = Field(default=None, ge=0)
    maximum: Decimal | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> "Subvention":
        if self.minimum is not None and self.maximum is not None and self.maximum < self.minimum:
            raise ValueError(f"le maximum ({self.maximum}) est sous le minimum ({self.minimum})")
        return self


class Financeur(_Frozen):
    """A funder of the call (a signatory or co-financer) that a budget product line may name."""

    id: str
    nom: str
    variantes: list[str] = Field(default=[], description="other names a dossier may give it")

    def spellings(self) -> list[str]:
        return [self.id, self.nom, *self.variantes]


class Seuils(_Frozen):
    besoin_longueur_min: int = Field(ge=0)
    textes_longueur_min: dict[str, int] = Field(
        default_factory=dict, description="dossier path (action.besoin) → minimum length (SCH09)"
    )


class TextesACompleter(_Frozen):
    """SCH09's placeholders, compared folded (see `fold`)."""

    en_tete: list[str] = Field(description="a text that begins with one of these")
    partout: list[str] = Field(description="a text that holds one of these as whole words")

    @cached_property
    def folded(self) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
        """The heads folded; each marker folded between two spaces (a whole word of a folded text
        put between spaces holds it so), with the marker as written."""
        return tuple(fold(t) for t in self.en_tete), tuple((f" {fold(t)} ", t) for t in self.partout)


class Textes(_Frozen):
    """The words users read about the call beyond its data: the reports' headings, the help texts,
    the section each family of rules comes from and the call's sentences the rules' documentation
    quotes (`cdv-check rules ID`, SARIF). Every key is optional: without it cdv-check says « l'appel »."""

    titre: str | None = Field(default=None, description="the call in a few words, for page titles")
    demandes: str | None = Field(default=None, description="the reports' heading, « Demandes de subvention au … »")
    priorites: str | None = Field(
        default=None, description="what names the call's priorities after « priorités » (a year, say)"
    )
    objectifs: str | None = Field(
        default=None, description="the call's table of objectives, with its article (« l'annexe 2 »)"
    )
    titre_objectifs: str | None = Field(
        default=None, description="the heading of `cdv-check objectives` before the call's title"
    )
    rubriques: dict[str, str] = Field(
        default_factory=dict, description="rule family (ELG…) → where the report's heading says it comes from"
    )
    sections: dict[str, str] = Field(
        default_factory=dict, description="rule family or rule ID → the call's section it comes from"
    )
    citations: dict[str, str] = Field(
        default_factory=dict, description="rule ID → the call's words « quoted » with their section"
    )


class Referentiel(_Frozen):
    format: int = Field(default=1, ge=1, le=FORMAT)
    id: str
    appel: Appel
    textes: Textes = Textes()
    qpv: list[Qpv]
    population: Population | None = None
    priorites: list[Priorite] = []
    annexe1: list[Axe]
    calendrier: Calendrier
    statuts_porteur: list[StatutPorteur]
    criteres_eligibilite: list[str]
    criteres_examen: list[str]
    pieces: list[Piece]
    depot: Depot
    contacts: list[Contact]
    subvention: Subvention | None = None
    seuils: Seuils
    textes_a_completer: TextesACompleter
    financeurs: list[Financeur] = Field(
        default=[], description="the call's funders, that a product line names (budget.produits[].financeur)"
    )

    @model_validator(mode="after")
    def _consistent(self) -> "Referentiel":
        problems = list(_cross_references(self))
        if problems:
            raise CrossReferences(problems)
        return self

    # Lookups used by the rules and the commands.

    @cached_property
    def piece_ids(self) -> frozenset[str]:
        """The keys a dossier's `pieces` may hold."""
        return frozenset(p.id for p in self.pieces)

    def qpv_by_spelling(self, text: str) -> Qpv | None:
        """The one QPV a name typed by a user means; None when unknown or when several QPV bear
        that name. The one matching of QPV names: `init`, `qpv`, the check and the batch all ask
        here (through `qpv_named`)."""
        found = self.qpv_named(text)
        return found[0] if len(found) == 1 else None

    def qpv_named(self, text: str) -> tuple[Qpv, ...]:
        """Every QPV written so (several when one name is used in two communes): one of its
        spellings (case and accents aside), or else words that name one QPV and no other
        (« Ville-Quartier », « quartier de Quartier », « quartier »)."""
        if len(text) > self.longest_qpv_spelling * 4:  # not a name: spare folding a long text
            return ()
        known = self._qpv_named_before
        found = known.get(text)
        if found is None:
            found = self._qpv_by_folded.get(fold(text), ()) or self._qpv_by_words(text)
            _remember(known, text, found)
        return found

    @cached_property
    def _qpv_named_before(self) -> dict[str, tuple[Qpv, ...]]:
        """`qpv_named` of the names asked before: each dossier names its QPV in the checker, two
        rules and the synthesis, and the dossiers of one programme name the same QPV."""
        return {}

    def _qpv_by_words(self, text: str) -> tuple[Qpv, ...]:
        """The one QPV whose spelling holds each word of `text` (a word of four letters or more may
        begin one of its words), once a commune's name and « quartier », « QPV », « de » are set
        aside; nothing when no QPV, or more than one, is so named, or when a commune alone is."""
        kept = [w for w in name_words(text) if w not in self._words_aside]
        if not kept:
            return ()

        def holds(words: tuple[str, ...]) -> bool:
            return all(any(w == t or (len(w) >= 4 and t.startswith(w)) for t in words) for w in kept)

        matching = [q for q in self.qpv if any(holds(words) for words in q.spelling_words)]
        return (matching[0],) if len(matching) == 1 else ()

    @cached_property
    def _words_aside(self) -> frozenset[str]:
        communes = {w for q in self.qpv for w in name_words(q.commune)}
        return frozenset(communes | {"quartier", "quartiers", "qpv", "de", "du", "des", "d"})

    @cached_property
    def longest_qpv_spelling(self) -> int:
        return max(len(spelling) for q in self.qpv for spelling in q.spellings())

    @cached_property
    def _qpv_by_folded(self) -> dict[str, tuple[Qpv, ...]]:
        index: dict[str, tuple[Qpv, ...]] = {}
        names: dict[str, int] = {}
        for q in self.qpv:
            names[fold(q.nom)] = names.get(fold(q.nom), 0) + 1
        for q in self.qpv:
            spellings = set(q._folded_spellings)
            if names[fold(q.nom)] > 1:  # « Centre-ville (Aubeval) » tells it from its namesake
                spellings.add(fold(f"{q.nom} {q.commune}"))
            for spelling in spellings:
                index[spelling] = (*index.get(spelling, ()), q)
        return index

    def financeur_by_spelling(self, text: str) -> Financeur | None:
        """The funder a product line names, by its id, name or a variant (case and accents aside)."""
        known = self._financeur_named_before
        if text in known:
            return known[text]
        found = self._financeur_by_folded.get(fold(text))
        _remember(known, text, found)
        return found

    @cached_property
    def _financeur_named_before(self) -> dict[str, Financeur | None]:
        """`financeur_by_spelling` of the names asked before (the same few in every budget)."""
        return {}

    @cached_property
    def _financeur_by_folded(self) -> dict[str, Financeur]:
        index: dict[str, Financeur] = {}
        for f in self.financeurs:
            for spelling in f.spellings():
                index.setdefault(fold(spelling), f)
        return index

    def qpv_in_commune(self, text: str) -> list[Qpv]:
        """The QPV of a commune typed where a QPV is expected (a commune's name), in the call's order."""
        if len(text) > self.longest_qpv_spelling * 4:
            return []
        folded = fold(text)
        return [q for q in self.qpv if folded in {fold(c) for c in q.commune.split("/")}]

    def objective_codes(self) -> dict[str, list[str]]:
        """Every valid objective code (x.y and x.y.z) with its label(s); 1.5.3 has two."""
        return dict(self._objective_codes)

    @property
    def objective_labels(self) -> Mapping[str, list[str]]:
        """`objective_codes` to read only, not copied: the rules and the synthesis ask for each
        dossier."""
        return self._objective_codes

    @cached_property
    def _objective_codes(self) -> dict[str, list[str]]:
        codes: dict[str, list[str]] = {}
        for path in walk(self.annexe1):
            chosen = path.operationnel is not None or (path.strategique is None and path.axe.leaf)
            if chosen and path.code is not None:  # x.y and x.y.z, or a pilier of a flat list
                codes.setdefault(path.code, []).append(path.libelle)
        return codes

    def operational(self, code: str) -> ObjectifOperationnel | None:
        return self._operational_by_code.get(code)

    @cached_property
    def _operational_by_code(self) -> dict[str, ObjectifOperationnel]:
        """Indexed once: a rule asks for each code of a dossier, which may cite thousands."""
        index: dict[str, ObjectifOperationnel] = {}
        for path in walk(self.annexe1):
            if path.objectif is None and path.operationnel is not None:
                index.setdefault(path.operationnel.code, path.operationnel)
        return index

    def priorities_for(self, slugs: set[str]) -> list[Priorite]:
        """The priorities of « Tous QPV » and of the given QPV, in the call's order."""
        return [p for p in self.priorites if p.qpv is None or p.qpv in slugs]


_NUMBERED = re.compile(r"[0-9]+(?:\.[0-9]+)*")
"""A code of a numbered tree (2, 2.1, 2.1.3): there, a child's code begins with its parent's."""

Loc = tuple[str | int, ...]


class AtKey(tuple[Any, ...]):
    """The place of a cross-reference problem that is the key itself, not its value."""


class CrossReferences(ValueError):
    """The référentiel's parts disagree: each problem with its place (a path in the file)."""

    def __init__(self, problems: list[tuple[Loc, str]]) -> None:
        super().__init__(problems[0][1])
        self.problems = problems


def _cross_references(ref: "Referentiel") -> Iterator[tuple[Loc, str]]:
    """Every disagreement between the référentiel's parts, in the file's order of keys."""
    yield from _duplicates(("appel", "axes_transversaux"), "id", [a.id for a in ref.appel.axes_transversaux])
    yield from _duplicates(("qpv",), "slug", [q.slug for q in ref.qpv])
    yield from _qpv_names(ref.qpv)
    yield from _duplicates(("priorites",), "id", [p.id for p in ref.priorites])
    slugs = [q.slug for q in ref.qpv]
    axes = [a.id for a in ref.appel.axes_transversaux]
    for i, p in enumerate(ref.priorites):
        if p.qpv is not None and p.qpv not in slugs:
            yield ("priorites", i, "qpv"), (
                f"la priorité « {p.id} » vise le QPV inconnu « {p.qpv} » : écrivez l'identifiant (slug) d'un "
                f"QPV de la liste qpv ({', '.join(slugs)}), ou null pour tous les QPV"
            )
        for j, axis in enumerate(p.axes):
            if axis not in axes:
                yield ("priorites", i, "axes", j), (
                    f"la priorité « {p.id} » nomme l'axe transversal inconnu « {axis} » : axes possibles : "
                    f"{', '.join(axes)}"
                )
    yield from _objectives(ref)
    yield from _duplicates(("statuts_porteur",), "id", [s.id for s in ref.statuts_porteur])
    yield from _duplicates(("pieces",), "id", [p.id for p in ref.pieces])
    yield from _pieces(ref.pieces)
    yield from _duplicates(("financeurs",), "id", [f.id for f in ref.financeurs])
    yield from _text_minimums(ref)


def _text_minimums(ref: "Referentiel") -> Iterator[tuple[Loc, str]]:
    """Each key of `seuils.textes_longueur_min` names one text of the dossier: a misspelt path
    (or an empty one) would otherwise give a minimum that no text ever meets."""
    if not ref.seuils.textes_longueur_min:
        return
    from cdv_check.model.dossier import Dossier

    texts = _text_paths(Dossier)
    for path in ref.seuils.textes_longueur_min:
        if path in texts:
            continue
        import difflib

        close = difflib.get_close_matches(path, texts, n=1, cutoff=0.6)
        hint = f"vouliez-vous dire « {close[0]} » ? " if close else ""
        named = f"« {path} »" if path.strip() else "une clé vide"
        yield AtKey(("seuils", "textes_longueur_min", path)), (
            f"{named} n'est pas le chemin d'un texte du dossier : {hint}un minimum de longueur se donne à un "
            f"texte, par son chemin (ex. action.description) ; textes possibles : {', '.join(texts)}"
        )


def _text_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    """The dotted paths of a model's texts, in its fields' order, through its nested models (a
    list's items have no single path: none is given)."""
    from typing import get_args, get_origin

    from cdv_check.model.fields import model_in

    paths: list[str] = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if any(get_origin(a) in (list, dict, tuple) for a in (annotation, *get_args(annotation))):
            continue
        nested = model_in(annotation)
        if nested is not None:
            paths += _text_paths(nested, f"{prefix}{name}.")
        elif annotation is str or str in get_args(annotation):
            paths.append(prefix + name)
    return paths


def _objectives(ref: "Referentiel") -> Iterator[tuple[Loc, str]]:
    yield from _duplicates(("annexe1",), "code", [axe.code for axe in ref.annexe1])
    operational: list[tuple[Loc, str]] = []
    for a, axe in enumerate(ref.annexe1):
        here: Loc = ("annexe1", a)
        if axe.introduction is not None and (
            fold(axe.intitule) != fold(axe.libelle) or f"« {axe.intitule} »" not in axe.introduction
        ):
            yield (*here, "intitule"), (
                f"l'intitulé de l'axe {axe.code} n'est pas son libellé tel que son introduction le cite "
                "entre « » : corrigez l'un ou l'autre, ou retirez introduction"
            )
        numbered = _NUMBERED.fullmatch(axe.code) is not None
        groups: list[tuple[Loc, list[ObjectifOperationnel]]] = [
            ((*here, "objectifs_operationnels"), axe.objectifs_operationnels)
        ]
        groups += [
            ((*here, "objectifs_strategiques", s, "objectifs_operationnels"), strat.objectifs_operationnels)
            for s, strat in enumerate(axe.objectifs_strategiques)
        ]
        for where, ops in groups:
            for o, op in enumerate(ops):
                operational.append(((*where, o, "code"), op.code))
                if numbered and op.code.split(".")[0] != axe.code:
                    yield (*where, o, "code"), (
                        f"l'objectif {op.code} n'est pas sous l'axe {axe.code} : dans un arbre numéroté, "
                        f"son code commence par « {axe.code}. »"
                    )
                yield from _under(op.code, op.objectifs, (*where, o), numbered)
    seen: set[str] = set()
    for loc, code in operational:
        if code in seen:
            yield loc, f"annexe1 objectifs opérationnels : « {code} » apparaît deux fois : donnez à chacun son code"
        seen.add(code)
    if ref.annexe1 and not ref._objective_codes:
        yield ("annexe1",), (
            "l'arbre des objectifs (annexe1) ne donne aucun code qu'un dossier puisse citer : donnez des "
            "objectifs (objectifs_operationnels) à chaque axe, ou laissez les axes sans enfants (piliers "
            "ou thématiques d'une liste plate)"
        )
    if not ref.annexe1:
        yield ("annexe1",), (
            "l'arbre des objectifs (annexe1) est vide : un dossier ne pourrait citer aucun objectif ; "
            "écrivez au moins un pilier ou une thématique (code, libelle)"
        )


def _under(parent: str, children: list[ObjectifFin], where: Loc, numbered: bool) -> Iterator[tuple[Loc, str]]:
    """In a numbered tree, each finer objective's code begins with its parent's, at any depth."""
    for f, fin in enumerate(children):
        here: Loc = (*where, "objectifs", f)
        if numbered and fin.code.rsplit(".", 1)[0] != parent:
            yield (*here, "code"), (
                f"l'objectif {fin.code} n'est pas sous {parent} : dans un arbre numéroté, son code "
                f"commence par « {parent}. »"
            )
        yield from _under(fin.code, fin.objectifs, here, numbered)


def _qpv_names(qpv: list[Qpv]) -> Iterator[tuple[Loc, str]]:
    """One name may serve two QPV of different communes (a dossier is then asked which); a QPV
    whose name and commune are another's could never be told apart."""
    seen: set[tuple[str, str]] = set()
    for i, q in enumerate(qpv):
        key = (fold(q.nom), fold(q.commune))
        if key in seen:
            yield ("qpv", i, "nom"), (
                f"deux QPV s'appellent « {q.nom} » dans la même commune ({q.commune}) : un dossier ne "
                "pourrait pas dire lequel ; donnez-leur des noms distincts"
            )
        seen.add(key)


def _pieces(pieces: list[Piece]) -> Iterator[tuple[Loc, str]]:
    ids = [p.id for p in pieces]
    for i, p in enumerate(pieces):
        if p.regle not in PIECE_RULES:
            yield ("pieces", i, "regle"), (
                f"la pièce « {p.id} » est rangée sous la règle inconnue « {p.regle} » ; "
                f"règles possibles : {', '.join(PIECE_RULES)}"
            )
        if p.alternative_a is not None and (p.alternative_a not in ids or p.alternative_a == p.id):
            others = ", ".join(x for x in ids if x != p.id)
            yield ("pieces", i, "alternative_a"), (
                f"la pièce « {p.id} » remplace la pièce inconnue « {p.alternative_a} » ; pièces possibles : {others}"
            )
        for j, other in enumerate(p.meme_fichier_que):
            if other not in ids or other == p.id:
                others = ", ".join(x for x in ids if x != p.id)
                yield ("pieces", i, "meme_fichier_que", j), (
                    f"la pièce « {p.id} » peut être le même fichier que la pièce inconnue « {other} » ; "
                    f"pièces possibles : {others}"
                )
        if p.provisoire and p.alternative_a is None:
            yield ("pieces", i, "provisoire"), (
                f"la pièce « {p.id} » est provisoire sans remplacer une autre pièce : écrivez « alternative_a: "
                "id de la pièce » ou retirez provisoire"
            )
        replaced = next((r for r in pieces if r.id == p.alternative_a), None)
        if p.provisoire and replaced is not None and replaced.regle not in WARNING_PIECE_RULES:
            yield ("pieces", i, "provisoire"), (
                f"la pièce « {replaced.id} », qu'une pièce provisoire (« {p.id} ») peut remplacer, "
                f"doit être rangée sous {' ou '.join(WARNING_PIECE_RULES)} (la seule règle qui avertit)"
            )


def _duplicates(where: Loc, key: str, values: list[str]) -> Iterator[tuple[Loc, str]]:
    seen: set[str] = set()
    for i, v in enumerate(values):
        if v in seen:
            yield (*where, i, key), (
                f"{'.'.join(map(str, where))}.{key} : « {v} » apparaît deux fois : chaque {key} est unique"
            )
        seen.add(v)


def embedded_path() -> Path:
    """The référentiel shipped in the wheel, or the source tree's copy in a development checkout."""
    packaged = Path(__file__).parents[1] / "data" / "referentiel.yaml"
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[3] / "data" / "referentiel.yaml"


COMPILED_NAME = "referentiel.json"
"""Beside the YAML in the wheel: the référentiel loaded from it and dumped as JSON, written at
build time by hatch_build.py. json reads it in a tenth of a millisecond, the YAML takes three,
at every start. The YAML stays the one source; a development checkout has no JSON."""


COMPILED_PATH = Path(__file__).parents[1] / "data" / COMPILED_NAME


def _compiled_data() -> object | None:
    try:
        data: object = json.loads(COMPILED_PATH.read_bytes())
    except FileNotFoundError:
        return None
    return data


class ReferentielError(Exception):
    """A référentiel that cannot be read or validated; the message is French and names the place."""


class Located(NamedTuple):
    """One mistake of a référentiel file: where (1-based; None when the file gives no place), the
    dotted key, and what is wrong with what to write."""

    line: int | None
    column: int | None
    key: str
    message: str


def validate(source: Path) -> tuple[Referentiel | None, list[Located]]:
    """Read and validate a référentiel file: the référentiel, or every mistake found, located."""
    from cdv_check.reading.loading import read_structured

    document = read_structured(source)
    if document.problems:
        return None, [Located(p.line, p.column, "", p.message) for p in document.problems]
    if not isinstance(document.data, dict):
        return None, [Located(1, 1, "", (
            "un référentiel est un ensemble de clés (format:, id:, appel:, qpv:…), comme "
            "data/referentiel.yaml ; voir docs/spec/referentiel.md"
        ))]
    version = document.data.get("format")
    if isinstance(version, str) and version.isdigit() and int(version) > FORMAT:
        line, column = document.locate(("format",))
        return None, [Located(line, column, "format", (
            f"ce référentiel est au format {version}, plus récent que celui que cette version de cdv-check "
            f"lit ({FORMAT}) : mettez cdv-check à jour"
        ))]
    try:
        return Referentiel.model_validate(document.data), []
    except ValidationError as exc:
        found: list[Located] = []
        errors = exc.errors(include_url=False)
        renamed = _misspelt(errors)
        for err in errors:
            loc = tuple(err["loc"])
            if err["type"] == "missing" and loc in renamed.values():
                continue  # said once, where the misspelt key is
            cause = (err.get("ctx") or {}).get("error")
            said = _said_renamed(loc, renamed[loc]) if loc in renamed else _said(err)
            places = cause.problems if isinstance(cause, CrossReferences) else [((), said)]
            for loc, message in places:
                full = (*err["loc"], *loc)
                line, column = document.locate(full, key=err["type"] == "extra_forbidden" or isinstance(loc, AtKey))
                found.append(Located(line, column, ".".join(str(p) for p in full), message))
        return None, found


def _closest(loc: tuple[Any, ...]) -> str | None:
    """The key the model accepts beside the unknown key at `loc` that is nearest to it in spelling."""
    import difflib

    close = difflib.get_close_matches(str(loc[-1]), _keys_at(loc[:-1]), n=1, cutoff=0.6)
    return close[0] if close else None


def _misspelt(errors: list[Any]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """Unknown key's place → the place of the required key it misspells (absent where it stands):
    one mistake, said once."""
    missing = {tuple(err["loc"]) for err in errors if err["type"] == "missing"}
    renamed: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "extra_forbidden" and (close := _closest(loc)) is not None:
            meant = (*loc[:-1], close)
            if meant in missing and meant not in renamed.values():
                renamed[loc] = meant
    return renamed


def _said_renamed(loc: tuple[Any, ...], meant: tuple[Any, ...]) -> str:
    return (f"clé inconnue : vouliez-vous dire « {meant[-1]} », clé obligatoire absente ici ? "
            f"Renommez « {loc[-1]} » en « {meant[-1]} » (docs/spec/referentiel.md)")


def _said(err: Any) -> str:
    """A pydantic error in French, with what to write: the keys possible where a key is unknown
    or missing."""
    from cdv_check.model.errors_fr import french_message

    message = french_message(err)
    loc = tuple(err["loc"])
    if err["type"] == "extra_forbidden":
        known = _keys_at(loc[:-1])
        close = _closest(loc)
        hint = f" : vouliez-vous dire « {close} » ?" if close else ""
        return f"{message}{hint} Clés possibles ici : {', '.join(known)} (docs/spec/referentiel.md)"
    if err["type"] == "missing":
        return f"{message} : écrivez « {loc[-1]}: … » (docs/spec/referentiel.md)"
    return message


def _keys_at(loc: tuple[Any, ...]) -> list[str]:
    """The keys the model accepts in the mapping at `loc`."""
    return keys_at(Referentiel, loc)


@cache
def load(path: Path | None = None) -> Referentiel:
    """Load and validate a référentiel once per process (the embedded one by default)."""
    from cdv_check.reading.loading import where

    if path is None and (compiled := _compiled_data()) is not None:
        try:
            return Referentiel.model_validate(compiled)
        except ValidationError:
            pass  # said below, at its line and column in the YAML
    source = path or embedded_path()
    ref, problems = validate(source)
    if ref is not None:
        return ref
    first = problems[0]
    if not first.key and len(problems) == 1:
        raise ReferentielError(f"{where(str(source), first.line, first.column)}: {first.message}")
    lines = [
        f"{where(str(source), p.line, p.column)}: {p.key or '(racine)'} : {p.message}" for p in problems[:10]
    ]
    raise ReferentielError("référentiel invalide :\n" + "\n".join(lines))
