"""The call for projects as data: pydantic models of `data/referentiel.yaml` and its loading.

Everything specific to one year's call (QPV, Annexe 1, calendar, pieces, contacts, thresholds) lives in the
YAML file; this module only knows its shape and its invariants.
"""


import json
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from functools import cache, cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


class _Frozen(BaseModel):
    # defer_build: only Referentiel is validated (once), with its parts inside; see model.dossier.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


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
    habitants: int = Field(gt=0)
    revenu_median: int = Field(gt=0)
    variantes: list[str] = []

    def spellings(self) -> set[str]:
        return set(self._folded_spellings)

    @cached_property
    def _folded_spellings(self) -> frozenset[str]:
        # fold() is costly and called for every name of every dossier: once per process is enough.
        return frozenset(fold(s) for s in (self.slug, self.nom, *self.variantes))


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


class ObjectifOperationnel(_Frozen):
    code: str
    libelle: str
    objectifs: list[ObjectifFin] = []


class ObjectifStrategique(_Frozen):
    libelle: str
    objectifs_operationnels: list[ObjectifOperationnel]


class Axe(_Frozen):
    code: str
    libelle: str
    """The title as Annexe 1 prints it, in capitals without accents."""
    intitule: str
    """The same title as the call quotes it in the axis' introduction, for reports."""
    introduction: str
    objectifs_strategiques: list[ObjectifStrategique]


class ObjectivePath:
    """One node of Annexe 1 with its ancestors (the deeper fields are None above its level).

    A plain class, not a dataclass: it is built at every start (the référentiel's validation
    walks the tree), where a dataclass would compile its generated methods each time.
    """

    __slots__ = ("axe", "objectif", "operationnel", "strategique")

    def __init__(
        self,
        axe: Axe,
        strategique: ObjectifStrategique | None = None,
        operationnel: ObjectifOperationnel | None = None,
        objectif: ObjectifFin | None = None,
    ) -> None:
        self.axe = axe
        self.strategique = strategique
        self.operationnel = operationnel
        self.objectif = objectif

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
        parts = (self.axe, self.strategique, self.operationnel, self.objectif)
        return [p for p in parts if p is not None]


def walk(annexe1: Iterable[Axe]) -> Iterator[ObjectivePath]:
    """Every node of Annexe 1 (or of the axes given), in the call's order, parents before
    children: the one walk of the nested tree (axe → stratégique → opérationnel → objectif)."""
    for axe in annexe1:
        yield ObjectivePath(axe)
        for strat in axe.objectifs_strategiques:
            yield ObjectivePath(axe, strat)
            for op in strat.objectifs_operationnels:
                yield ObjectivePath(axe, strat, op)
                for fin in op.objectifs:
                    yield ObjectivePath(axe, strat, op, fin)


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


class Calendrier(_Frozen):
    date_limite: date
    annee_action: Periode
    annees_scolaires: list[Periode]


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


class Depot(_Frozen):
    saisie_en_ligne: str
    courriel: str
    cerfa: str
    contact_codes_extranet: str = Field(description="institution to ask for extranet codes")


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


class Referentiel(_Frozen):
    id: str
    appel: Appel
    qpv: list[Qpv]
    population: Population
    priorites: list[Priorite]
    annexe1: list[Axe]
    calendrier: Calendrier
    statuts_porteur: list[StatutPorteur]
    criteres_eligibilite: list[str]
    criteres_examen: list[str]
    pieces: list[Piece]
    depot: Depot
    contacts: list[Contact]
    seuils: Seuils
    textes_a_completer: TextesACompleter

    @model_validator(mode="after")
    def _consistent(self) -> "Referentiel":
        _unique("qpv.slug", [q.slug for q in self.qpv])
        _unique("priorites.id", [p.id for p in self.priorites])
        _unique("pieces.id", [p.id for p in self.pieces])
        _check_pieces(self.pieces)
        _unique("statuts_porteur.id", [s.id for s in self.statuts_porteur])
        _unique("appel.axes_transversaux.id", [a.id for a in self.appel.axes_transversaux])
        slugs = {q.slug for q in self.qpv}
        axes = {a.id for a in self.appel.axes_transversaux}
        for p in self.priorites:
            if p.qpv is not None and p.qpv not in slugs:
                raise ValueError(f"la priorité « {p.id} » vise le QPV inconnu « {p.qpv} »")
            for axis in p.axes:
                if axis not in axes:
                    raise ValueError(f"la priorité « {p.id} » nomme l'axe transversal inconnu « {axis} »")
        for axe in self.annexe1:
            if fold(axe.intitule) != fold(axe.libelle) or f"« {axe.intitule} »" not in axe.introduction:
                raise ValueError(
                    f"l'intitulé de l'axe {axe.code} n'est pas son libellé tel que son introduction le cite"
                )
        operational: list[str] = []
        for path in walk(self.annexe1):
            op, fin = path.operationnel, path.objectif
            if fin is not None and op is not None and fin.code.rsplit(".", 1)[0] != op.code:
                raise ValueError(f"l'objectif {fin.code} n'est pas sous {op.code}")
            if fin is None and op is not None:
                if op.code.split(".")[0] != path.axe.code:
                    raise ValueError(f"l'objectif {op.code} n'est pas sous l'axe {path.axe.code}")
                operational.append(op.code)
        _unique("annexe1 objectifs opérationnels", operational)
        return self

    # Lookups used by the rules and the commands.

    @cached_property
    def piece_ids(self) -> frozenset[str]:
        """The keys a dossier's `pieces` may hold."""
        return frozenset(p.id for p in self.pieces)

    def qpv_by_spelling(self, text: str) -> Qpv | None:
        if len(text) > self.longest_qpv_spelling * 4:  # not a name: spare folding a long text
            return None
        return self._qpv_by_folded.get(fold(text))

    @cached_property
    def longest_qpv_spelling(self) -> int:
        return max(len(spelling) for q in self.qpv for spelling in q.spellings())

    @cached_property
    def _qpv_by_folded(self) -> dict[str, Qpv]:
        index: dict[str, Qpv] = {}
        for q in self.qpv:
            for spelling in q._folded_spellings:
                index.setdefault(spelling, q)  # the first QPV in the call's order wins
        return index

    def qpv_in_commune(self, text: str) -> list[Qpv]:
        """The QPV of a commune typed where a QPV is expected (« Woippy »), in the call's order."""
        if len(text) > self.longest_qpv_spelling * 4:
            return []
        folded = fold(text)
        return [q for q in self.qpv if folded in {fold(c) for c in q.commune.split("/")}]

    def objective_codes(self) -> dict[str, list[str]]:
        """Every valid objective code (x.y and x.y.z) with its label(s); 1.5.3 has two."""
        return dict(self._objective_codes)

    @cached_property
    def _objective_codes(self) -> dict[str, list[str]]:
        codes: dict[str, list[str]] = {}
        for path in walk(self.annexe1):
            if path.operationnel is not None and path.code is not None:  # x.y and x.y.z
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


def _check_pieces(pieces: list[Piece]) -> None:
    ids = {p.id for p in pieces}
    for p in pieces:
        if p.regle not in PIECE_RULES:
            raise ValueError(
                f"la pièce « {p.id} » est rangée sous la règle inconnue « {p.regle} » ; "
                f"règles possibles : {', '.join(PIECE_RULES)}"
            )
        if p.alternative_a is not None and (p.alternative_a not in ids or p.alternative_a == p.id):
            raise ValueError(
                f"la pièce « {p.id} » remplace la pièce inconnue « {p.alternative_a} » ; "
                f"pièces possibles : {', '.join(sorted(ids - {p.id}))}"
            )
        if p.provisoire and p.alternative_a is None:
            raise ValueError(f"la pièce « {p.id} » est provisoire sans remplacer une autre pièce (alternative_a)")
        replaced = next((r for r in pieces if r.id == p.alternative_a), None)
        if p.provisoire and replaced is not None and replaced.regle not in WARNING_PIECE_RULES:
            raise ValueError(
                f"la pièce « {replaced.id} », qu'une pièce provisoire (« {p.id} ») peut remplacer, "
                f"doit être rangée sous {' ou '.join(WARNING_PIECE_RULES)} (la seule règle qui avertit)"
            )


def _unique(what: str, values: list[str]) -> None:
    seen: set[str] = set()
    for v in values:
        if v in seen:
            raise ValueError(f"{what} : « {v} » apparaît deux fois")
        seen.add(v)


def embedded_path() -> Path:
    """The référentiel shipped in the wheel, or the source tree's copy in a development checkout."""
    packaged = Path(__file__).parents[1] / "data" / "referentiel.yaml"
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[3] / "data" / "referentiel.yaml"


COMPILED_NAME = "referentiel.json"
"""Beside the YAML in the wheel: its data as cdv-check's reader gives it (text scalars), written
at build time by hatch_build.py. json reads it in a tenth of a millisecond, the YAML takes three,
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


@cache
def load(path: Path | None = None) -> Referentiel:
    """Load and validate a référentiel once per process (the embedded one by default)."""
    from cdv_check.model.errors_fr import french_message
    from cdv_check.reading.loading import read_structured, where

    if path is None and (compiled := _compiled_data()) is not None:
        try:
            return Referentiel.model_validate(compiled)
        except ValidationError:
            pass  # said below, at its line and column in the YAML
    source = path or embedded_path()
    document = read_structured(source)
    if document.problems:
        first = document.problems[0]
        raise ReferentielError(f"{where(str(source), first.line, first.column)}: {first.message}")
    if not isinstance(document.data, dict):
        raise ReferentielError(
            f"{where(str(source), 1, 1)}: un référentiel est un ensemble de clés (id:, appel:, qpv:…), "
            "comme data/referentiel.yaml."
        )
    try:
        return Referentiel.model_validate(document.data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors(include_url=False)[:10]:
            line, column = document.locate(err["loc"])
            key = ".".join(str(p) for p in err["loc"]) or "(racine)"
            lines.append(f"{where(str(source), line, column)}: {key} : {french_message(err)}")
        raise ReferentielError("référentiel invalide :\n" + "\n".join(lines)) from None

