"""The batch synthesis: what each dossier asks for, and the totals referents prepare the
programming committee from (cli.md, « The batch synthesis »).

A worker process reads the dossier and carries what the synthesis needs in its result (a
`Demande`, picklable): the synthesis never reads a file again. `synthesize` is a pure function
of the batch's results; the command feeds the same fold (`Builder`) as dossiers finish, so that
no list of results is kept, and every reporter reads the one `Synthesis` it gives.

How amounts are counted: a dossier of several QPV counts once in each QPV's number of dossiers,
and its requested amount is split between them in equal shares (to the cent, the remaining cents
going to the first ones): each column of a breakdown adds up to the grand total. Strategic and
transversal axes are counted the same way; a dossier that names none is counted in a row of its
own (key None), so that nothing is left out of a column.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from cdv_check.core import tables
from cdv_check.core.findings import Finding, Issue, Severity, screen
from cdv_check.core.registry import BatchContext, Rule, all_rules, selected
from cdv_check.core.tables import FirstSeen, Store, Table
from cdv_check.model.cerfa import action_cost, in_kind
from cdv_check.model.dossier import siret_form
from cdv_check.reading.limits import DEFAULT_LIMITS
from cdv_check.text.safety import unicode_only
from cdv_check.text.words import of_objectives_table

if TYPE_CHECKING:
    from cdv_check.model.dossier import Budget, Dossier
    from cdv_check.model.referentiel import Referentiel

READY = "pret"
TO_FIX = "a_corriger"
UNREADABLE = "illisible"
DUPLICATE = "doublon"
"""Ready, but in a LOT01 group whose first file in the run's order is the one counted."""
STATUSES = (READY, TO_FIX, UNREADABLE, DUPLICATE)
STATUS_LABELS = {READY: "prêt", TO_FIX: "à corriger", UNREADABLE: "illisible", DUPLICATE: "doublon possible"}
UNREADABLE_RULES = frozenset({"SCH01", "SCH02", "SCH07"})
METHOD = (
    "Un dossier de plusieurs QPV (ou axes) compte une fois dans le nombre de dossiers de chacun ; "
    "son montant y est réparti à parts égales, au centime près : chaque colonne a pour total le "
    "total général. Les dossiers sans QPV (ou sans axe) reconnu ont leur propre ligne. Les "
    "fichiers d'une même action (LOT01) comptent une fois : le premier dans l'ordre du lot est "
    "compté, les suivants ne le sont dans aucun total (statut « doublon possible » s'ils sont prêts)."
)
METHOD_SHORT = (
    "Montant d'un dossier de plusieurs QPV réparti à parts égales : la colonne a pour total le "
    "total général."
)
ZERO = Decimal(0)
UNSPECIFIED = "non_precise"
"""The key of the amounts that name no funder of the référentiel (JSON, columns)."""
UNSPECIFIED_LABEL = "Financeur non précisé"


def money(amount: Decimal | None) -> str | None:
    """An amount as a decimal string with two decimals (`4000.00`), never a float."""
    return None if amount is None else f"{amount:.2f}"


class Demande(NamedTuple):
    """What one dossier asks for, read from its file (None where unreadable or refused)."""

    porteur_nom: str | None = None
    porteur_sigle: str | None = None
    siret: str | None = None
    porteur_statut: str | None = None
    intitule: str | None = None
    nouvelle: bool | None = None
    quartiers: tuple[str, ...] = ()
    """Slugs of the QPV the référentiel knows, in the dossier's order."""
    objectifs: tuple[str, ...] = ()
    axes_strategiques: tuple[str, ...] = ()
    """Axes of the objectives that are codes of the call."""
    axes_transversaux: tuple[str, ...] = ()
    priorites: tuple[str, ...] = ()
    debut: date | None = None
    fin: date | None = None
    beneficiaires: int | None = None
    beneficiaires_qpv: int | None = None
    cout_total: Decimal | None = None
    contributions_nature: Decimal | None = None
    subvention_demandee: Decimal | None = None
    date_depot: date | None = None
    content_key: bytes | None = None
    """A digest of the dossier's data (comments and layout aside), for LOT01."""
    financeurs: tuple[tuple[str | None, Decimal], ...] = ()
    """What is asked of each funder of the référentiel (None: « non précisé »): the products
    marked politique_de_la_ville that name it; the rest of subvention_demandee is « non
    précisé », so that the amounts add up to it. Empty when the requested amount is unknown."""
    subvention_precedente: Decimal | None = None
    pieces: tuple[tuple[str, str, int | None, int | None], ...] = ()
    """(piece id, file name, size in bytes, PDF pages) of each piece the dossier gives; size and
    pages None where the file was not read (--no-files, a refused path) or the pages not seen."""

    def as_json(self, statut: str) -> dict[str, Any]:
        """The `dossier` object of the JSON report."""
        return {
            "porteur": {
                "nom": self.porteur_nom,
                "sigle": self.porteur_sigle,
                "siret": self.siret,
                "statut": self.porteur_statut,
            },
            "intitule": self.intitule,
            "nouvelle": self.nouvelle,
            "quartiers": list(self.quartiers),
            "objectifs": list(self.objectifs),
            "axes_strategiques": list(self.axes_strategiques),
            "axes_transversaux": list(self.axes_transversaux),
            "priorites": list(self.priorites),
            "debut": _iso(self.debut),
            "fin": _iso(self.fin),
            "beneficiaires": self.beneficiaires,
            "beneficiaires_qpv": self.beneficiaires_qpv,
            "cout_total": money(self.cout_total),
            "contributions_nature": money(self.contributions_nature),
            "subvention_demandee": money(self.subvention_demandee),
            "date_depot": _iso(self.date_depot),
            "statut": statut,
            "financeurs": {UNSPECIFIED if key is None else key: money(amount) for key, amount in self.financeurs},
            "subvention_precedente": money(self.subvention_precedente),
            "pieces": {
                piece: {"fichier": name, "taille": size, "pages": pages} for piece, name, size, pages in self.pieces
            },
        }


NOTHING = Demande()
"""What an unreadable file asks for: nothing known."""


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


_CANONICAL = json.JSONEncoder(ensure_ascii=False, check_circular=False, sort_keys=True, default=str)
"""`json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)`, made once; no check for a
cycle: the reader builds a tree (an alias is a copy, a recursive one is refused)."""


def content_key(data: Any) -> bytes | None:
    """A digest of a dossier's data: two files that say the same thing have the same key."""
    if not isinstance(data, dict) or not data:
        return None
    try:
        text = _CANONICAL.encode(data)
    except (TypeError, ValueError):  # keys of several types: not a dossier anyone sends twice
        return None
    return _digest(text)


def demande_of(
    model: Dossier | None, ref: Referentiel, key: bytes | None, checks: Mapping[str, Any] | None = None,
    folder: Path | None = None,
) -> Demande:
    """What the dossier asks for, from its model (values the reading refused are None there);
    `checks`: what the rules read of each piece file, by declared path (Context.piece_checks)."""
    if model is None:
        return Demande(content_key=key)
    porteur, action, budget = model.porteur, model.action, model.budget
    public = action.public if action else None
    objectives = _texts(action.objectifs if action else None)
    codes = ref.objective_labels
    axes = tuple(dict.fromkeys(code.split(".")[0] for code in objectives if code in codes))
    charges = budget.charges if budget else None
    quartiers: tuple[str, ...] = ()
    if action is not None:
        found = (ref.qpv_by_spelling(name) for name in action.quartiers or [])
        quartiers = tuple(dict.fromkeys(q.slug for q in found if q is not None))
    return Demande(
        porteur_nom=_text(porteur.nom) if porteur else None,
        porteur_sigle=_text(porteur.sigle) if porteur else None,
        siret=_siret(porteur.siret) if porteur else None,
        porteur_statut=_text(porteur.statut) if porteur else None,
        intitule=_text(action.intitule) if action else None,
        nouvelle=action.nouvelle if action else None,
        quartiers=quartiers,
        objectifs=objectives,
        axes_strategiques=axes,
        axes_transversaux=_texts(action.axes_transversaux if action else None),
        priorites=_texts(action.priorites if action else None),
        debut=action.debut if action else None,
        fin=action.fin if action else None,
        beneficiaires=public.beneficiaires if public else None,
        beneficiaires_qpv=public.beneficiaires_qpv if public else None,
        cout_total=action_cost(charges) if charges is not None else None,
        contributions_nature=in_kind(charges) if charges is not None else None,
        subvention_demandee=budget.subvention_demandee if budget else None,
        date_depot=model.date_depot,
        content_key=key,
        financeurs=_funders(budget, ref) if budget else (),
        subvention_precedente=budget.subvention_precedente if budget else None,
        pieces=_pieces(model, checks or {}, folder),
    )


_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def _pieces(
    model: Dossier, checks: Mapping[str, Any], folder: Path | None
) -> tuple[tuple[str, str, int | None, int | None], ...]:
    """Each piece given: its file name; its size and PDF pages when the rules read the file (a
    file they accepted: inside the dossier's folder, no link). Pages are counted in the bytes
    read, when they are the whole file and its page objects are not compressed."""
    out = []
    base = os.path.join(str(folder), "") if folder is not None else ""
    for piece, path in (model.pieces or {}).items():
        name = _text(path)
        if path is None or name is None:
            continue
        check = checks.get(path)
        size = pages = None
        if folder is not None and check is not None and getattr(check, "ok", False):
            # `os.path.join(str(folder), path)`, the folder joined once (an accepted path is relative).
            joined = path if path.startswith("/") else base + path
            if getattr(check, "path", None) == joined:  # found as written: its size is known
                size = check.size
            else:  # found through another spelling (« ./ », a Unicode form): as written, if it is there
                try:
                    size = os.lstat(folder / path).st_size
                except OSError:
                    size = None
            header: bytes = check.header
            if header.startswith(b"%PDF-") and len(header) == size:
                pages = len(_PAGE.findall(header)) or None
        out.append((piece, name.replace("\\", "/").rsplit("/", 1)[-1], size, pages))
    return tuple(out)


def _funders(budget: Budget, ref: Referentiel) -> tuple[tuple[str | None, Decimal], ...]:
    """What the dossier asks of each funder (see `Demande.financeurs`)."""
    asked = budget.subvention_demandee
    if asked is None:
        return ()
    amounts: dict[str | None, Decimal] = {}
    for line in budget.produits or []:
        if line.politique_de_la_ville is not True or line.montant is None or not line.financeur:
            continue
        funder = ref.financeur_by_spelling(line.financeur)
        if funder is not None:
            amounts[funder.id] = amounts.get(funder.id, ZERO) + line.montant
    rest = asked - sum(amounts.values(), ZERO)
    if rest or not amounts:
        amounts[None] = rest
    return tuple(amounts.items())


def _text(value: str | None) -> str | None:
    """A dossier's text as the reports write it: spaces collapsed, and valid Unicode (see
    `unicode_only`), so that no report has to go through a Demande again."""
    if value is None:
        return None
    text = " ".join(value.split())
    if not text.isascii():  # an ASCII text holds no lone surrogate
        text = unicode_only(text)
    return text or None


def _texts(values: list[str] | None) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for value in values or ():
        text = _text(value)
        if text:
            found[text] = None
    return tuple(found)


def _siret(value: str | None) -> str | None:
    """The SIRET in its one normal form (model.dossier.siret_form, as IDN01 reads it), or as
    written when it is not digits (« en cours »)."""
    text = _text(value)
    if text is None:
        return None
    packed = siret_form(text)
    return packed if packed.isascii() and packed.isdigit() else text


def status_of(rules_found: Iterable[str], errors: int) -> str:
    """`illisible` (SCH01/SCH02/SCH07), `a_corriger` (errors; with --strict, the caller counts
    warnings among them) or `pret` (none). `doublon` is given by the batch (`Builder.add`)."""
    if UNREADABLE_RULES.intersection(rules_found):
        return UNREADABLE
    return TO_FIX if errors else READY


# --- the synthesis ---------------------------------------------------------------------------


# The totals below are plain classes: a dataclass compiles its methods at each start.


class Amounts:
    __slots__ = ("cout_total", "dossiers", "sans_montant", "subvention_demandee")

    def __init__(self) -> None:
        self.dossiers = 0
        self.subvention_demandee = ZERO
        self.cout_total = ZERO
        self.sans_montant = 0
        """Dossiers whose requested amount is unknown (unreadable or refused): counted as 0."""

    def as_json(self) -> dict[str, Any]:
        return {
            "dossiers": self.dossiers,
            "subvention_demandee": money(self.subvention_demandee),
            "cout_total": money(self.cout_total),
            "sans_montant": self.sans_montant,
        }


class Row:
    """One line of a breakdown (a QPV, an axis; key None: the dossiers that name none)."""

    __slots__ = ("dossiers", "dossiers_prets", "key", "label", "subvention_demandee", "subvention_prets")

    def __init__(self, key: str | None, label: str) -> None:
        self.key = key
        self.label = label
        self.dossiers = 0
        self.subvention_demandee = ZERO
        self.dossiers_prets = 0
        self.subvention_prets = ZERO

    def as_json(self) -> dict[str, Any]:
        return {
            "cle": self.key,
            "libelle": self.label,
            "dossiers": self.dossiers,
            "subvention_demandee": money(self.subvention_demandee),
            "dossiers_prets": self.dossiers_prets,
            "subvention_prets": money(self.subvention_prets),
        }


SHOWN = 3
"""How many files a carrier's name or a priority keeps to name (the rest are counted): the
synthesis keeps totals, not a list of every dossier."""


class Named:
    """One carrier name: as first written, how many files give it, the first few of them."""

    __slots__ = ("count", "files", "name")

    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0
        self.files: list[str] = []

    def add(self, file: str) -> None:
        self.count += 1
        if len(self.files) < SHOWN:
            self.files.append(file)


class Carrier:
    """The requests of one SIRET (key None: the dossiers that give no SIRET): counts and totals,
    and per name (folded: case, accents and spaces aside) the first few files (LOT02)."""

    __slots__ = ("dossiers", "names_seen", "prets", "siret", "subvention_demandee")

    def __init__(self, siret: str | None) -> None:
        self.siret = siret
        self.dossiers = 0
        self.subvention_demandee = ZERO
        self.prets = 0
        self.names_seen: dict[str, Named] = {}
        """Folded name → the name, in the order they appeared (files giving no name aside)."""

    def add(self, file: str, name: str | None) -> None:
        self.dossiers += 1
        if name is None:
            return
        from cdv_check.model.referentiel import fold

        key = fold(name)
        named = self.names_seen.get(key)
        if named is None:
            named = self.names_seen[key] = Named(name)
        named.add(file)

    def merge(self, later: Carrier) -> None:
        """Take in the same SIRET's requests from later in the batch (`core.tables.Table`)."""
        self.dossiers += later.dossiers
        self.subvention_demandee += later.subvention_demandee
        self.prets += later.prets
        for key, named in later.names_seen.items():
            mine = self.names_seen.get(key)
            if mine is None:
                self.names_seen[key] = named
                continue
            mine.count += named.count
            mine.files.extend(named.files[: SHOWN - len(mine.files)])

    @property
    def names(self) -> dict[str, str]:
        """Folded name → the name as first written, in the order they appeared."""
        return {key: named.name for key, named in self.names_seen.items()}

    def as_json(self) -> dict[str, Any]:
        return {
            "siret": self.siret,
            "noms": list(self.names.values()),
            "dossiers": self.dossiers,
            "subvention_demandee": money(self.subvention_demandee),
            "dossiers_prets": self.prets,
        }


class Coverage:
    """Who claims one priority of the call: how many dossiers, how many ready, the first few."""

    __slots__ = ("dossiers", "files", "id", "prets", "qpv", "qpv_label", "text")

    def __init__(self, id: str, qpv: str | None, qpv_label: str, text: str) -> None:
        self.id = id
        self.qpv = qpv
        self.qpv_label = qpv_label
        self.text = text
        self.dossiers = 0
        self.prets = 0
        self.files: list[str] = []
        """The first files that claim it (at most SHOWN)."""

    def add(self, file: str, ready: bool) -> None:
        self.dossiers += 1
        self.prets += ready
        if len(self.files) < SHOWN:
            self.files.append(file)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "qpv": self.qpv,
            "qpv_nom": self.qpv_label,
            "texte": self.text,
            "dossiers": self.dossiers,
            "dossiers_prets": self.prets,
        }


class Synthesis(NamedTuple):
    totals: Amounts
    ready: Amounts
    statuses: dict[str, int]
    by_qpv: list[Row]
    by_strategic_axis: list[Row]
    by_transversal_axis: list[Row]
    carriers: Sequence[Carrier]
    """By SIRET, the carrier without one last (read from disk in a large batch: iterate it)."""
    priorities: list[Coverage]
    by_funder: list[Row]
    """Per funder of the référentiel, and a last row (key None) for « non précisé »."""
    by_funder_qpv: list[tuple[Row, list[Row]]]
    """Per funder, its amounts per QPV (split as by_qpv's)."""
    by_funder_axis: list[tuple[Row, list[Row]]]
    findings: list[Finding]
    """The LOT findings shown (selected, at or above --min-severity, within the cap)."""
    counts: dict[str, int]
    """Every LOT finding by severity, shown or not (exit codes count them all)."""

    @property
    def funder_labels(self) -> list[str]:
        """The funders' names, in the référentiel's order, « non précisé » last."""
        return [row.label for row in self.by_funder]

    @property
    def uncovered(self) -> list[Coverage]:
        """The priorities that no ready dossier claims."""
        return [c for c in self.priorities if not c.prets]

    def findings_about(self, file: str) -> list[Finding]:
        return [f for f in self.findings if file in f.files]

    @property
    def unattached(self) -> list[Finding]:
        """The findings that name no dossier (LOT03)."""
        return [f for f in self.findings if not f.files]

    def as_json(self) -> dict[str, Any]:
        return {
            "methode": METHOD,
            "totaux": {"tous": self.totals.as_json(), "prets": self.ready.as_json()},
            "statuts": dict(self.statuses),
            "par_qpv": [r.as_json() for r in self.by_qpv],
            "par_axe_strategique": [r.as_json() for r in self.by_strategic_axis],
            "par_axe_transversal": [r.as_json() for r in self.by_transversal_axis],
            "par_porteur": [c.as_json() for c in self.carriers],
            "priorites": [c.as_json() for c in self.priorities],
            "priorites_non_couvertes": [c.id for c in self.uncovered],
            "par_financeur": [_funder_json(r) for r in self.by_funder],
            "par_financeur_qpv": [
                {"cle": _funder_key(f), "libelle": f.label, "par_qpv": [r.as_json() for r in rows]}
                for f, rows in self.by_funder_qpv
            ],
            "par_financeur_axe_strategique": [
                {"cle": _funder_key(f), "libelle": f.label, "par_axe_strategique": [r.as_json() for r in rows]}
                for f, rows in self.by_funder_axis
            ],
            "findings": [f.as_json() for f in self.findings],
        }


def _funder_key(row: Row) -> str:
    return UNSPECIFIED if row.key is None else row.key


def _funder_json(row: Row) -> dict[str, Any]:
    return row.as_json() | {"cle": _funder_key(row)}


def shares(amount: Decimal, parts: int) -> list[Decimal]:
    """`amount` split in `parts` equal shares to the cent; their sum is exactly `amount`."""
    cents = int((amount * 100).to_integral_value())
    base, extra = divmod(cents, parts)
    return [Decimal(base + (1 if i < extra else 0)) / 100 for i in range(parts)]


class Builder:
    """The synthesis, gathered one dossier at a time (only what it needs is kept)."""

    def __init__(
        self,
        ref: Referentiel,
        *,
        select: tuple[str, ...] = (),
        ignore: tuple[str, ...] = (),
        min_severity: Severity = Severity.INFO,
        whole: bool = True,
        cap: int = DEFAULT_LIMITS.findings_per_dossier,
        in_memory: int | None = None,
    ) -> None:
        """`in_memory`: rows each growing table (carriers, LOT01 keys) keeps in memory before it
        moves to a temporary database (`core.tables`; default `tables.IN_MEMORY`)."""
        self.ref = ref
        bound = tables.IN_MEMORY if in_memory is None else in_memory
        self.whole = whole
        """Whether the run covers the whole programme (a folder or a glob): LOT03 then runs."""
        self.cap = cap
        self.select, self.ignore, self.min_severity = select, ignore, min_severity
        self.groups = selected("LOT01", select, ignore)
        """Whether LOT01 groups count once (LOT01 selected)."""
        self.totals, self.ready = Amounts(), Amounts()
        self.statuses = dict.fromkeys(STATUSES, 0)
        self.by_qpv = _rows([(q.slug, q.nom) for q in ref.qpv], "Aucun QPV reconnu")
        no_objective = f"Aucun objectif {of_objectives_table(ref)}"
        self.by_axis = _rows([(a.code, a.intitule) for a in ref.annexe1], no_objective)
        self.by_transversal = _rows(
            [(a.id, a.libelle) for a in ref.appel.axes_transversaux], "Aucun axe transversal"
        )
        self.by_funder = _rows([(f.id, f.nom) for f in ref.financeurs], UNSPECIFIED_LABEL)
        self.by_funder_qpv = {
            key: _rows([(q.slug, q.nom) for q in ref.qpv], "Aucun QPV reconnu") for key in self.by_funder
        }
        self.by_funder_axis = {
            key: _rows([(a.code, a.intitule) for a in ref.annexe1], no_objective)
            for key in self.by_funder
        }
        self.store = Store()
        self.carriers: Table[Carrier] = Table(self.store, "carriers", Carrier, bound)
        """SIRET → its carrier, in the order SIRETs came (LOT02 reads `values()`)."""
        self.priorities = {
            p.id: Coverage(p.id, p.qpv, _qpv_label(ref, p.qpv), p.texte) for p in ref.priorites
        }
        self.first_by_content = FirstSeen(self.store, "first_by_content", bound)
        """The content's digest → the first file that gave it."""
        self.first_by_title = FirstSeen(self.store, "first_by_title", bound)
        """A digest of (SIRET, folded title) → the first file that gave it."""
        self.same_content: dict[bytes, list[str]] = {}
        self.same_title: dict[bytes, list[str]] = {}
        self.titles: dict[bytes, str] = {}

    def add(self, file: str, statut: str, demande: Demande) -> str:
        """Count one dossier; its status in the batch (see `count`)."""
        return self.count(file, statut, demande)[0]

    def count(self, file: str, statut: str, demande: Demande) -> tuple[str, bool]:
        """Count one dossier; its status in the batch (`doublon` for a ready file of a LOT01
        group whose first file came before it) and whether the totals count it: only a group's
        first file does."""
        # Without LOT01 (--ignore, --select), no group: every file counts.
        counted = self._first_of_group(file, demande) or not self.groups
        if not counted and statut == READY:
            statut = DUPLICATE
        self.statuses[statut] += 1
        ready = statut == READY
        asked = demande.subvention_demandee
        amount = asked if asked is not None and counted else ZERO
        self._carrier(file, demande, amount, ready)
        for priority in demande.priorites:
            coverage = self.priorities.get(priority)
            if coverage is not None:
                coverage.add(file, ready)
        if not counted:
            return statut, False
        for totals in (self.totals, self.ready) if ready else (self.totals,):
            totals.dossiers += 1
            totals.subvention_demandee += amount
            totals.cout_total += demande.cout_total or ZERO
            totals.sans_montant += asked is None
        _split(self.by_qpv, demande.quartiers, amount, ready)
        _split(self.by_axis, demande.axes_strategiques, amount, ready)
        _split(self.by_transversal, demande.axes_transversaux, amount, ready)
        for key, share in demande.financeurs:
            key = key if key in self.by_funder else None
            _split(self.by_funder, (key,) if key is not None else (), share, ready)
            _split(self.by_funder_qpv[key], demande.quartiers, share, ready)
            _split(self.by_funder_axis[key], demande.axes_strategiques, share, ready)
        return statut, True

    def _carrier(self, file: str, demande: Demande, amount: Decimal, ready: bool) -> None:
        carrier = self.carriers.row(demande.siret)
        carrier.add(file, demande.porteur_nom)
        carrier.subvention_demandee += amount
        carrier.prets += ready

    def _first_of_group(self, file: str, demande: Demande) -> bool:
        """Note the file's keys (same content; same SIRET and title); whether no file before it
        shared one (it is then the file its LOT01 group counts)."""
        first = True
        key = demande.content_key
        if key is not None:
            earlier = self.first_by_content.setdefault(key, file)
            if earlier != file:
                self.same_content.setdefault(key, [earlier]).append(file)
                first = False
        if demande.siret and demande.intitule:
            from cdv_check.model.referentiel import fold

            title_key = _digest(f"{demande.siret}\x00{fold(demande.intitule)}")
            earlier = self.first_by_title.setdefault(title_key, file)
            if earlier != file:
                self.same_title.setdefault(title_key, [earlier]).append(file)
                self.titles.setdefault(title_key, demande.intitule)
                first = False
        return first

    def build(self) -> Synthesis:
        """The synthesis, and the engine's second pass: the batch rules (LOT) over what was
        gathered, their findings chosen by the same `screen` as a dossier's."""
        found: list[Finding] = []
        if sum(self.statuses.values()) >= 2:
            context = BatchContext(self, self.ref, self.whole)
            for rule in all_rules().values():
                if rule.batch and rule.check is not None and selected(rule.id, self.select, self.ignore):
                    found.extend(_stamp(rule, issue) for issue in rule.check(context))
        counts = dict.fromkeys((s.value for s in Severity), 0)
        for f in found:
            counts[f.severity.value] += 1
        return Synthesis(
            totals=self.totals,
            ready=self.ready,
            statuses=self.statuses,
            by_qpv=list(self.by_qpv.values()),
            by_strategic_axis=list(self.by_axis.values()),
            by_transversal_axis=list(self.by_transversal.values()),
            carriers=self.carriers.ordered(),
            priorities=list(self.priorities.values()),
            by_funder=list(self.by_funder.values()),
            by_funder_qpv=[(self.by_funder[k], list(rows.values())) for k, rows in self.by_funder_qpv.items()],
            by_funder_axis=[(self.by_funder[k], list(rows.values())) for k, rows in self.by_funder_axis.items()],
            findings=screen(found, self.min_severity, self.cap).shown,
            counts=counts,
        )


def _stamp(rule: Rule, issue: Issue) -> Finding:
    """A batch rule's issue as a finding: about the files it names, at no place in a file."""
    severity = issue.severity if issue.severity in rule.severities else rule.severity
    return Finding(rule.id, severity, issue.message, issue.advice, "", None, None, issue.files)


def _rows(known: list[tuple[str, str]], none_label: str) -> dict[str | None, Row]:
    rows: dict[str | None, Row] = {key: Row(key, label) for key, label in known}
    rows[None] = Row(None, none_label)
    return rows


@lru_cache(maxsize=256)
def _shares(amount: Decimal, parts: int) -> tuple[Decimal, ...]:
    """`shares`, remembered: a dossier's amount is split six times (by QPV, axis, funder…), and
    the main process, which folds the dossiers one after the other, is on a batch's critical path.
    (Equal amounts written differently, 6300 and 6300.00, have the same shares.)"""
    return tuple(shares(amount, parts))


def _split(rows: dict[str | None, Row], keys: tuple[str, ...], amount: Decimal, ready: bool) -> None:
    known: list[str | None] = [k for k in keys if k in rows] or [None]
    for key, share in zip(known, _shares(amount, len(known)), strict=True):
        row = rows[key]
        row.dossiers += 1
        row.subvention_demandee += share
        if ready:
            row.dossiers_prets += 1
            row.subvention_prets += share


def _qpv_label(ref: Referentiel, slug: str | None) -> str:
    if slug is None:
        return "Tous QPV"
    return next((q.nom for q in ref.qpv if q.slug == slug), slug)


def synthesize(
    entries: Iterable[tuple[str, str, Demande]],
    ref: Referentiel,
    *,
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    min_severity: Severity = Severity.INFO,
) -> Synthesis:
    """The synthesis of a batch: (file, statut, demande) of each dossier, in the batch's order."""
    builder = Builder(ref, select=select, ignore=ignore, min_severity=min_severity)
    for file, statut, demande in entries:
        builder.add(file, statut, demande)
    return builder.build()
