"""Browsing the référentiel: the Annexe 1 tree of objectives and the six QPV.

Pure functions: they return rich renderables or JSON-ready dicts and never print. This is the
only core module that imports rich (the commands `objectives` and `qpv` display what it builds).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from cdv_check.model.referentiel import (
    Axe,
    ObjectifFin,
    ObjectifOperationnel,
    ObjectifStrategique,
    ObjectivePath,
    Referentiel,
    fold,
    walk,
)
from cdv_check.text.french import french_int
from cdv_check.text.safety import clean

_CODE_STYLE = "bold cyan"
_MATCH_STYLE = "bold yellow"


class UnknownObjectiveError(LookupError):
    """A code that is not in Annexe 1; `closest` holds the nearest valid codes."""

    def __init__(self, code: str, closest: list[str]) -> None:
        self.code = code
        self.closest = closest
        hint = f" Codes proches : {', '.join(closest)}." if closest else ""
        super().__init__(f"code « {code} » absent de l'Annexe 1.{hint}")


def all_codes(ref: Referentiel) -> list[str]:
    """Every code of Annexe 1: the axes, then each x.y and x.y.z once."""
    return [axe.code for axe in ref.annexe1] + list(ref.objective_codes())


def find_code(ref: Referentiel, code: str) -> list[ObjectivePath]:
    """The nodes printed with this code (two for 1.5.3); empty when unknown."""
    wanted = code.strip()
    return [p for p in walk(ref.annexe1) if p.code is not None and p.code == wanted]


def closest_codes(ref: Referentiel, code: str, *, n: int = 5) -> list[str]:
    """Valid codes that look like an unknown one, nearest first."""
    return difflib.get_close_matches(code.strip(), all_codes(ref), n=n, cutoff=0.5)


def search_objectives(ref: Referentiel, text: str) -> list[ObjectivePath]:
    """Nodes whose label holds every word of `text`, ignoring case and accents ("sante" finds "santé")."""
    words = fold(text).split()
    if not words:
        return []
    return [p for p in walk(ref.annexe1) if all(w in fold(p.libelle) for w in words)]


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
        raise UnknownObjectiveError(code.strip(), closest_codes(ref, code))
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
    return f"Annexe 1 – Tableau des objectifs stratégiques et opérationnels ({ref.appel.titre})"


def objectives_tree(ref: Referentiel, code: str | None = None) -> Tree:
    """The Annexe 1 tree, or the subtree of an axis, x.y or x.y.z code (with its ancestors).

    Raises UnknownObjectiveError for a code that is not in the call.
    """
    view = _view_for_code(ref, code)
    title = _title(ref) if code is None else f"{_title(ref)} – code {code.strip()}"
    return _tree(ref, view, title)


def search_tree(ref: Referentiel, text: str) -> RenderableType:
    """The objectives whose label matches `text`, each under its ancestors."""
    matches = search_objectives(ref, text)
    shown = clean(text)
    if not matches:
        return Text(f"Aucun objectif ne contient « {shown} ».")
    title = f"{_title(ref)} – recherche « {shown} » : {_count(len(matches), 'résultat')}"
    return _tree(ref, _around(ref, matches, descendants=False), title)


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


def _json_node(node: Axe | ObjectifStrategique | ObjectifOperationnel | ObjectifFin) -> tuple[dict[str, Any], str | None]:
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
    """The matches of `search_objectives` under their ancestors; matched nodes carry "correspond": true."""
    matches = search_objectives(ref, text)
    view = _around(ref, matches, descendants=False)
    return {
        "referentiel": ref.id,
        "recherche": text,
        "resultats": len(matches),
        "axes": _json_axes(ref, view, mark=True),
    }


# --- QPV ---------------------------------------------------------------------------------------


def format_euros(n: int) -> str:
    return f"{french_int(n)} €"


def _priorities_text(ref: Referentiel, slug: str | None) -> Text:
    text = Text()
    for p in ref.priorites:
        if p.qpv != slug:
            continue
        if text:
            text.append("\n")
        text.append("• ")
        text.append(p.texte)
        text.append(f" ({p.id})", style="dim")
    return text


def qpv_table(ref: Referentiel) -> RenderableType:
    """The six QPV (commune, habitants, revenu médian) with their 2016 priorities, after « Tous QPV »."""
    table = Table(
        title=f"Quartiers prioritaires de la Politique de la Ville – {ref.appel.titre}",
        show_lines=True,
    )
    table.add_column("Commune", max_width=12)
    table.add_column("Quartier", style="bold")
    table.add_column("Habitants", justify="right", no_wrap=True)
    table.add_column("Revenu médian", justify="right", max_width=9)
    table.add_column("Priorités 2016 (identifiant)", overflow="fold", ratio=1)
    table.add_row(
        "Metz, Woippy",
        Text("Tous QPV", style="italic"),
        french_int(sum(q.habitants for q in ref.qpv)),
        "",
        _priorities_text(ref, None),
    )
    for q in ref.qpv:
        table.add_row(
            q.commune,
            q.nom,
            french_int(q.habitants),
            format_euros(q.revenu_median),
            _priorities_text(ref, q.slug),
        )
    pop = ref.population
    pct = f"{pop.part_agglomeration_pct}".replace(".", ",")
    caption = Text(
        f"{french_int(pop.habitants)} habitants, soit {pct} % de la population de "
        f"l’agglomération. Source : {pop.source}",
        style="dim",
    )
    return Group(table, caption)


def qpv_json(ref: Referentiel) -> dict[str, Any]:
    """The QPV, their figures and their 2016 priorities, with those of « Tous QPV »."""

    def priorities(slug: str | None) -> list[dict[str, str]]:
        return [{"id": p.id, "texte": p.texte} for p in ref.priorites if p.qpv == slug]

    pop = ref.population
    return {
        "referentiel": ref.id,
        "population": {
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
        ],
    }
