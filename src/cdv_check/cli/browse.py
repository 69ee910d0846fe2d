"""Browsing the référentiel: the tree of objectives and the QPV.

Pure functions: they return rich renderables or JSON-ready dicts and never print. This is the
only core module that imports rich (the commands `objectives` and `qpv` display what it builds).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cache
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from cdv_check.model.codes import closest_objective_codes
from cdv_check.model.referentiel import (
    Axe,
    ObjectifFin,
    ObjectifOperationnel,
    ObjectifStrategique,
    ObjectivePath,
    Priorite,
    Qpv,
    Referentiel,
    fold,
    walk,
)
from cdv_check.reporters.whole import Responsive, Whole
from cdv_check.text.french import french_int, of
from cdv_check.text.safety import clean
from cdv_check.text.stemming import STOPWORDS, stem, word_score
from cdv_check.text.words import number_words, objectives_heading, objectives_table, of_objectives_table
from cdv_check.text.words import priorities as priorities_words

_CODE_STYLE = "bold cyan"
_MATCH_STYLE = "bold yellow"


class UnknownObjectiveError(LookupError):
    """A code that is not among the call's objectives; `closest` holds the nearest valid codes."""

    def __init__(self, code: str, closest: list[str], table: str) -> None:
        self.code = code
        self.closest = closest
        hint = f" Codes proches : {', '.join(closest)}." if closest else ""
        super().__init__(f"code « {code} » absent {of(table)}.{hint}")


def all_codes(ref: Referentiel) -> list[str]:
    """Every code of the objectives: the axes, then each x.y and x.y.z once."""
    return [axe.code for axe in ref.annexe1] + list(ref.objective_codes())


def find_code(ref: Referentiel, code: str) -> list[ObjectivePath]:
    """The nodes printed with this code (two for 1.5.3); empty when unknown."""
    wanted = code.strip()
    return [p for p in walk(ref.annexe1) if p.code is not None and p.code == wanted]


def closest_codes(ref: Referentiel, code: str, *, n: int = 5) -> list[str]:
    """Valid codes (axes included) that look like an unknown one, nearest first."""
    return closest_objective_codes(ref, code, n=n, axes=True)


# --- search ------------------------------------------------------------------------------------

# One stemmer for every search (text.stemming); `stem` stays importable from here.
_STOPWORDS = STOPWORDS
_word_score = word_score


def _query(text: str) -> list[str]:
    words = fold(text).split()
    kept = [w for w in words if w not in _STOPWORDS]
    return list(dict.fromkeys(stem(w) for w in (kept or words)))


def _stems(text: str) -> set[str]:
    return set(_label_stems(text))


@cache
def _label_stems(text: str) -> frozenset[str]:
    """The stems of a label of the référentiel, once per process: a search reads each label once
    for itself and again for every node below it (half the time of `objectives --search`)."""
    return frozenset(stem(w) for w in fold(text).split())


def _ranked(items: list[tuple[object, set[str], set[str]]], words: list[str]) -> list[object]:
    """Items (thing, own stems, context stems) ranked: all words first, the most own words first.

    An item must hold at least one word itself; the others may be in its context (its ancestors'
    labels). When no item holds every word, those that hold the most are given.
    """
    scored: list[tuple[int, int, int, object]] = []
    for order, (thing, own, context) in enumerate(items):
        own_scores = [_word_score(w, own) for w in words]
        if not any(own_scores):
            continue
        found = sum(1 for w, score in zip(words, own_scores, strict=True) if score or _word_score(w, context))
        scored.append((found, sum(own_scores), order, thing))
    if not scored:
        return []
    best = max(found for found, *_ in scored)
    kept = [entry for entry in scored if entry[0] == best]
    kept.sort(key=lambda entry: (-entry[1], entry[2]))
    return [thing for *_, thing in kept]


def search_objectives(ref: Referentiel, text: str) -> list[ObjectivePath]:
    """The nodes of the objectives that match `text`, best first.

    Words in any order, case and accents ignored, whole words (« sport » does not find
    « transports ») in any plural or feminine form, a word of four letters or more also finding
    the words it begins. A node holding every word (itself, or with its ancestors) comes before
    one that holds fewer; when none holds them all, those that hold the most are given.
    """
    words = _query(text)
    if not words:
        return []
    items: list[tuple[object, set[str], set[str]]] = []
    for path in walk(ref.annexe1):
        context: set[str] = set()
        for node in path.chain()[:-1]:
            context |= _stems(node.libelle)
        items.append((path, _stems(path.libelle), context))
    found = _ranked(items, words)
    return [p for p in found if isinstance(p, ObjectivePath)]


def search_priorities(ref: Referentiel, text: str) -> list[Priorite]:
    """The call's priorities whose text or identifier match `text`, best first (as the objectives)."""
    words = _query(text)
    if not words:
        return []
    items: list[tuple[object, set[str], set[str]]] = [
        (p, _stems(p.texte) | _stems(p.id.replace("-", " ")), set()) for p in ref.priorites
    ]
    return [p for p in _ranked(items, words) if isinstance(p, Priorite)]


def holds_every_word(path: ObjectivePath, text: str) -> bool:
    """Whether the node and its ancestors hold every word of `text` (not only some)."""
    stems: set[str] = set()
    for node in path.chain():
        stems |= _stems(node.libelle)
    return all(_word_score(w, stems) for w in _query(text))


def usable_codes(path: ObjectivePath) -> list[str]:
    """The operational codes a dossier can give for this node: itself, or those under it."""
    if path.operationnel is not None:
        return [path.code] if path.code else []
    return [
        under.operationnel.code
        for under in walk([path.axe])
        if under.objectif is None and under.operationnel is not None
        and (path.strategique is None or under.strategique is path.strategique)
    ]


# --- selecting what to show --------------------------------------------------------------------


@dataclass(frozen=True)
class _View:
    visible: frozenset[int]  # id() of the nodes to show
    highlighted: frozenset[int]  # id() of the nodes asked for (matches, or the code's nodes)


def _whole(ref: Referentiel) -> _View:
    return _View(frozenset(id(p.node) for p in walk(ref.annexe1)), frozenset())


def _around(ref: Referentiel, targets: list[ObjectivePath], *, descendants: bool) -> _View:
    """The targets with their ancestors, and with their descendants when asked."""
    target_ids = {id(t.node) for t in targets}
    visible = {id(node) for t in targets for node in t.chain()}
    if descendants:
        for path in walk(ref.annexe1):
            if any(id(node) in target_ids for node in path.chain()):
                visible.add(id(path.node))
    return _View(frozenset(visible), frozenset(target_ids))


def _view_for_code(ref: Referentiel, code: str | None) -> _View:
    if code is None:
        return _whole(ref)
    targets = find_code(ref, code)
    if not targets:
        raise UnknownObjectiveError(code.strip(), closest_codes(ref, code), objectives_table(ref))
    return _around(ref, targets, descendants=True)


# --- rich rendering ----------------------------------------------------------------------------


def _label(path: ObjectivePath, *, highlighted: bool) -> Text:
    style = _MATCH_STYLE if highlighted else ""
    node = path.node
    if isinstance(node, Axe):
        return Text.assemble(
            (f"Axe {node.code}", _CODE_STYLE), " – ", (node.libelle, style or "bold")
        )
    if isinstance(node, ObjectifStrategique):
        return Text.assemble(("Objectif stratégique : ", "italic"), (node.libelle, style or "italic"))
    text = Text.assemble((node.code, _CODE_STYLE), " ", (node.libelle, style))
    if isinstance(node, ObjectifFin) and node.note:
        text.append(f" ({node.note})", style="dim")
    return text


def _tree(ref: Referentiel, view: _View, title: str) -> Tree:
    root = Tree(Text(title, style="bold"), guide_style="dim")
    branches: dict[int, Tree] = {}
    for path in walk(ref.annexe1):
        node = path.node
        if id(node) not in view.visible:
            continue
        chain = path.chain()
        parent = branches[id(chain[-2])] if len(chain) > 1 else root
        branches[id(node)] = parent.add(_label(path, highlighted=id(node) in view.highlighted))
    return root


def _title(ref: Referentiel) -> str:
    return f"{objectives_heading(ref)} ({ref.appel.titre})"


def objectives_tree(ref: Referentiel, code: str | None = None) -> Tree:
    """The tree of objectives, or the subtree of an axis, x.y or x.y.z code (with its ancestors).

    Raises UnknownObjectiveError for a code that is not in the call.
    """
    view = _view_for_code(ref, code)
    title = _title(ref) if code is None else f"{_title(ref)} – code {code.strip()}"
    return _tree(ref, view, title)


def search_tree(ref: Referentiel, text: str) -> RenderableType:
    """The objectives and the call's priorities that match `text`, best first.

    Each objective is shown with its code and, below, the way down to it from its axis; a
    strategic objective or an axis with the operational codes a dossier can give for it; each
    priority with its QPV and the identifier to write in action.priorites.
    """
    matches = search_objectives(ref, text)
    priorities = search_priorities(ref, text)
    shown = clean(text)
    if not matches and not priorities:
        return Text(f"Aucun objectif ni aucune priorité ne contient « {shown} ».")
    partial = bool(matches) and not holds_every_word(matches[0], text)
    parts: list[RenderableType] = [Whole(Text(
        f"Recherche « {shown} » dans l'{ref.appel.titre[0].lower()}{ref.appel.titre[1:]} : "
        f"{_count(len(matches), 'résultat')} dans {objectives_table(ref)}, "
        f"{_count(len(priorities), 'priorité')} des quartiers",
        style="bold",
    ))]
    if partial:
        parts.append(Whole(Text("Aucun objectif ne contient tous ces mots : voici ceux qui en contiennent le plus.",
                                style="italic")))
    if matches:
        parts.append(Text(""))
        parts.append(Text(f"Objectifs {of_objectives_table(ref)} (le plus proche d'abord)", style="bold underline"))
        for path in matches:
            parts.extend(_hit(path))
    elif priorities:
        parts.append(Whole(Text(f"Aucun objectif {of_objectives_table(ref)} ne contient « {shown} ».",
                                style="italic")))
    if priorities:
        parts.append(Text(""))
        parts.append(Whole(Text(f"{priorities_words(ref, capital=True)} (identifiant à écrire dans action.priorites)",
                                style="bold underline")))
        for priority in priorities:
            parts.extend(_priority_lines(ref, priority))
    return Group(*parts)


def _hit(path: ObjectivePath) -> list[RenderableType]:
    label = _label(path, highlighted=True)
    lines: list[RenderableType] = [Whole(label, "  ", "  ")]
    ancestors = path.chain()[:-1]
    if ancestors:
        way = " › ".join(
            f"Axe {n.code}" if isinstance(n, Axe) else n.code if isinstance(n, ObjectifOperationnel | ObjectifFin)
            else n.libelle
            for n in ancestors
        )
        lines.append(Whole(Text(f"dans : {way}", style="dim"), "    ", "  "))
    if path.operationnel is None:
        codes = usable_codes(path)
        lines.append(Whole(Text.assemble(
            ("codes à indiquer : ", "dim"), (", ".join(codes), _CODE_STYLE),
            (f" (cdv-check objectives {codes[0]} détaille le premier)", "dim"),
        ), "    ", "  ") if codes else Text(""))
    return lines


def _priority_lines(ref: Referentiel, priority: Priorite) -> list[RenderableType]:
    where = _qpv_label(ref, priority.qpv)
    return [
        Whole(Text.assemble(("• ", ""), (priority.id, _CODE_STYLE), (f"  ({where})", "dim")), "  "),
        Whole(Text(priority.texte), "    "),
    ]


def _qpv_label(ref: Referentiel, slug: str | None) -> str:
    if slug is None:
        return "Tous QPV"
    return next((q.nom for q in ref.qpv if q.slug == slug), slug)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n > 1 else ''}"


# --- JSON --------------------------------------------------------------------------------------


def _json_axes(ref: Referentiel, view: _View, *, mark: bool) -> list[dict[str, Any]]:
    axes: list[dict[str, Any]] = []
    children: dict[int, list[dict[str, Any]]] = {}  # id() of a node → the list of its children
    for path in walk(ref.annexe1):
        node = path.node
        if id(node) not in view.visible:
            continue
        item, inner = _json_node(node)
        if inner is not None:
            children[id(node)] = item[inner] = []
        if mark and id(node) in view.highlighted:
            item["correspond"] = True
        chain = path.chain()
        (children[id(chain[-2])] if len(chain) > 1 else axes).append(item)
    return axes


def _json_node(
    node: Axe | ObjectifStrategique | ObjectifOperationnel | ObjectifFin,
) -> tuple[dict[str, Any], str | None]:
    """A node's own fields, and the key under which its children go (None for a leaf)."""
    if isinstance(node, Axe):
        return {"code": node.code, "libelle": node.libelle, "introduction": node.introduction}, "objectifs_strategiques"
    if isinstance(node, ObjectifStrategique):
        return {"libelle": node.libelle}, "objectifs_operationnels"
    if isinstance(node, ObjectifOperationnel):
        return {"code": node.code, "libelle": node.libelle}, "objectifs"
    item: dict[str, Any] = {"code": node.code, "libelle": node.libelle}
    if node.note:
        item["note"] = node.note
    return item, None


def objectives_json(ref: Referentiel, code: str | None = None) -> dict[str, Any]:
    """Codes and labels, nested axes → objectifs_strategiques → objectifs_operationnels → objectifs.

    With a code, only the branch leading to it and its whole subtree. Raises UnknownObjectiveError
    for a code that is not in the call.
    """
    view = _view_for_code(ref, code)
    result: dict[str, Any] = {"referentiel": ref.id}
    if code is not None:
        result["code"] = code.strip()
    result["axes"] = _json_axes(ref, view, mark=False)
    return result


def search_json(ref: Referentiel, text: str) -> dict[str, Any]:
    """The matches of `search_objectives`, best first (« classement ») and under their ancestors
    (matched nodes carry "correspond": true), and the matching priorities of the QPV."""
    matches = search_objectives(ref, text)
    view = _around(ref, matches, descendants=False)
    return {
        "referentiel": ref.id,
        "recherche": text,
        "resultats": len(matches),
        "classement": [
            {"code": p.code, "libelle": p.libelle, "codes_a_indiquer": usable_codes(p)} for p in matches
        ],
        "axes": _json_axes(ref, view, mark=True),
        "priorites": [
            {"id": p.id, "qpv": p.qpv, "quartier": _qpv_label(ref, p.qpv), "texte": p.texte}
            for p in search_priorities(ref, text)
        ],
    }


# --- QPV ---------------------------------------------------------------------------------------


def find_qpv(ref: Referentiel, text: str) -> Qpv | None:
    """The QPV named by `text`: the référentiel's one matching of QPV names (any of its
    spellings, or words that name it and no other QPV: « Ville-Quartier », « quartier »), or None. A
    commune's name alone names no QPV."""
    return ref.qpv_by_spelling(text)


def qpv_matching(ref: Referentiel, text: str) -> tuple[Qpv, ...]:
    """What `qpv NAME` shows: the QPV so named (all of them when several communes use the name),
    else those of a commune so named."""
    return ref.qpv_named(text) or tuple(ref.qpv_in_commune(text))


def qpv_label(ref: Referentiel, q: Qpv) -> str:
    """A QPV's name, with its commune when another QPV bears the same name."""
    namesakes = sum(1 for other in ref.qpv if other.nom == q.nom)
    return f"{q.nom} ({q.commune})" if namesakes > 1 else q.nom


def closest_qpv_name(ref: Referentiel, text: str) -> str | None:
    """The name of the QPV nearest to a misspelt one (« le vall » → « Le Val »)."""
    from cdv_check.rules.eligibilite import closest_qpv

    close = closest_qpv(ref, text)
    return qpv_label(ref, close) if close is not None else None


def format_euros(n: int) -> str:
    return f"{french_int(n)} €"


def _priorities_block(ref: Referentiel, slug: str | None) -> list[RenderableType]:
    """Each priority of a QPV (or of « Tous QPV »): its text, then its identifier, whole."""
    lines: list[RenderableType] = []
    for p in ref.priorites:
        if p.qpv == slug:
            lines.append(Whole(Text.assemble("• ", p.texte, " ", (f"({p.id})", "dim")), "  "))
    return lines


def _qpv_heading(q: Qpv) -> Text:
    figures = []  # the référentiel may give no figures: nothing is said of them then
    if q.habitants is not None:
        figures.append(f"{french_int(q.habitants)} habitants")
    if q.revenu_median is not None:
        figures.append(f"revenu médian {format_euros(q.revenu_median)}")
    return Text.assemble((q.nom, "bold"), f" ({q.commune})" + (f" — {', '.join(figures)}" if figures else ""))


def _or_blank(value: int | None, shown: Callable[[int], str]) -> str:
    return "" if value is None else shown(value)


def qpv_table(ref: Referentiel, slugs: Collection[str] | None = None) -> RenderableType:
    """The QPV (commune, habitants, revenu médian) and their priorities, after « Tous QPV ».

    With `slugs`, those QPV only: their figures, their priorities and those of « Tous QPV ». The
    figures are a table from 80 columns; the priorities are always listed one under the other,
    their identifiers whole.
    """
    chosen = [q for q in ref.qpv if slugs is None or q.slug in slugs]
    title = f"Quartiers prioritaires de la Politique de la Ville – {ref.appel.titre}"
    table = Table(title=title)
    table.add_column("Commune")
    table.add_column("Quartier", style="bold")
    table.add_column("Habitants", justify="right", no_wrap=True)
    table.add_column("Revenu médian", justify="right", no_wrap=True)
    for q in chosen:
        table.add_row(q.commune, q.nom, _or_blank(q.habitants, french_int), _or_blank(q.revenu_median, format_euros))
    if slugs is None:
        known = [q.habitants for q in ref.qpv if q.habitants is not None]
        table.add_row(", ".join(dict.fromkeys(c.strip() for q in ref.qpv for c in q.commune.split("/"))),
                      Text("Tous QPV", style="italic"),
                      french_int(sum(known)) if len(known) == len(ref.qpv) else "", "")
    narrow = Whole(Text(title, style="bold"))  # the figures follow, in each QPV's heading
    parts: list[RenderableType] = [Responsive(table, narrow)]
    for q in chosen:
        parts += [Text(""), Whole(_qpv_heading(q)), *_priorities_block(ref, q.slug)]
    parts += [Text(""), Whole(Text.assemble(("Tous QPV", "bold italic"),
                                            f" — priorités de chacun des {number_words(len(ref.qpv))} quartiers")),
              *_priorities_block(ref, None)]
    if slugs is None and (pop := ref.population) is not None:
        pct = f"{pop.part_agglomeration_pct}".replace(".", ",")
        parts += [Text(""), Whole(Text(
            f"{french_int(pop.habitants)} habitants, soit {pct} % de la population de "
            f"l’agglomération. Source : {pop.source}",
            style="dim",
        ))]
    return Group(*parts)


def qpv_json(ref: Referentiel, slugs: Collection[str] | None = None) -> dict[str, Any]:
    """The QPV (or those of `slugs`), their figures and priorities, with those of « Tous QPV »."""

    def priorities(slug: str | None) -> list[dict[str, str]]:
        return [{"id": p.id, "texte": p.texte} for p in ref.priorites if p.qpv == slug]

    pop = ref.population
    return {
        "referentiel": ref.id,
        "population": None if pop is None else {
            "habitants": pop.habitants,
            "part_agglomeration_pct": float(pop.part_agglomeration_pct),
            "source": pop.source,
        },
        "tous_qpv": {"priorites": priorities(None)},
        "qpv": [
            {
                "slug": q.slug,
                "nom": q.nom,
                "commune": q.commune,
                "habitants": q.habitants,
                "revenu_median": q.revenu_median,
                "variantes": list(q.variantes),
                "priorites": priorities(q.slug),
            }
            for q in ref.qpv
            if slugs is None or q.slug in slugs
        ],
    }
