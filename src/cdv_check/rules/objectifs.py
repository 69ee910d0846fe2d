"""OBJ: the orientation of the action, as the call's priorities ask (objectives, transversal axes, QPV priorities)."""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator
from typing import NamedTuple

from cdv_check.core.findings import Issue, Severity
from cdv_check.core.registry import Context, rule
from cdv_check.core.suggestions import Suggestions
from cdv_check.model.derived import per_referentiel
from cdv_check.model.dossier import Action
from cdv_check.model.referentiel import ObjectifOperationnel, Priorite, Qpv, Referentiel
from cdv_check.text.french import join_fr, plural, quoted, shorten

_SECTION = "Priorités de l'appel (objectifs)"
_MAX_IDEAS = 6
_ALL_QPV = "Tous QPV"


def known_qpv(ref: Referentiel, action: Action) -> list[Qpv]:
    """The QPV the action names and the référentiel knows, once each, in the dossier's order."""
    found: dict[str, Qpv] = {}
    for name in action.quartiers or []:
        q = ref.qpv_by_spelling(name)
        if q is not None:
            found.setdefault(q.slug, q)
    return list(found.values())


def _qpv_name(ref: Referentiel, slug: str | None) -> str:
    if slug is None:
        return _ALL_QPV
    return next((q.nom for q in ref.qpv if q.slug == slug), slug)


# --- OBJ01 -----------------------------------------------------------------------------------


def _finer_issue(op: ObjectifOperationnel, index: int, chosen: set[str]) -> Issue:
    codes = list(dict.fromkeys(f.code for f in op.objectifs))
    already = [c for c in codes if c in chosen]
    path = ("action", "objectifs", index)
    if already:
        return Issue(
            f"{op.code} est déjà précisé par {join_fr(already)}, cité aussi.",
            f"Vous pouvez retirer {op.code} : l'objectif plus fin suffit.",
            path,
        )
    labelled = " ; ".join(f"{f.code} {quoted(shorten(f.libelle, 60))}" for f in op.objectifs)
    return Issue(
        f"{op.code} a des objectifs plus fins : {join_fr(codes)}.",
        f"Choisissez celui (ou ceux) qui décrit le mieux l'action : {labelled}.",
        path,
    )


@rule("OBJ01", Severity.INFO, section=_SECTION, title="Objectif à préciser")
def finer_objectives(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : pour chaque code x.y cité qui a des objectifs plus fins, un conseil les
    nomme : un code plus fin dit mieux au référent ce que fait l'action.

    Exemple refusé :

        action:
          objectifs: [{{objectif_a_preciser}}]

    Correction :

        action:
          objectifs: [{{objectif_precise}}]

    Que faire : remplacez x.y par le ou les x.y.z qui décrivent l'action (cdv-check objectives
    x.y les montre).
    """
    action = ctx.dossier.action
    if action is None or not action.objectifs:
        return
    chosen = {code.strip() for code in action.objectifs}
    seen: set[str] = set()
    for index, raw in enumerate(action.objectifs):
        code = raw.strip()
        if code in seen:
            continue
        seen.add(code)
        op = ctx.ref.operational(code)
        if op is not None and op.objectifs:
            yield _finer_issue(op, index, chosen)


# --- OBJ02 -----------------------------------------------------------------------------------


@rule("OBJ02", Severity.WARNING, section=_SECTION, title="Aucun axe transversal",
      reads={"action.axes_transversaux[*]": "la liste des axes transversaux est incomplète"})
def transversal_axes(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : action.axes_transversaux est donné et non vide (avertissement sinon).

    Exemple refusé :

        action:
          axes_transversaux: []

    Correction :

        action:
          axes_transversaux: [egalite_femmes_hommes]

    Que faire : indiquez le ou les axes que l'action prend en compte, et dites comment dans la
    description.
    """
    action = ctx.dossier.action
    if action is None or action.axes_transversaux:
        return
    axes = [f"{a.id} ({a.libelle})" for a in ctx.ref.appel.axes_transversaux]
    yield Issue(
        "Aucun axe transversal n'est indiqué (action.axes_transversaux).",
        f"Indiquez le ou les axes que l'action prend en compte : {join_fr(axes, 'ou')}, "
        "et dites comment dans la description.",
        ("action", "axes_transversaux"),
    )


# --- OBJ03 -----------------------------------------------------------------------------------


class _Priorities(NamedTuple):
    """The référentiel's priorities as OBJ03 and OBJ04 read them, worked out once (`per_referentiel`)."""

    by_id: dict[str, Priorite]
    own: dict[str, list[tuple[int, Priorite]]]
    """Each QPV's priorities (by slug), each with its place in the call's list."""
    everywhere: list[tuple[int, Priorite]]
    """The priorities of « Tous QPV », each with its place, in the call's order."""
    shown: dict[int, str]
    """Each priority's line in OBJ04's advice, by its place in the call's list."""
    with_axes: list[tuple[Priorite, frozenset[str]]]
    """The « Tous QPV » priorities that name transversal axes, with those axes."""


def _priorities(ref: Referentiel) -> _Priorities:
    own: dict[str, list[tuple[int, Priorite]]] = {}
    for index, p in enumerate(ref.priorites):
        if p.qpv is not None:
            own.setdefault(p.qpv, []).append((index, p))
    return _Priorities(
        by_id={p.id: p for p in ref.priorites},
        own=own,
        everywhere=[(index, p) for index, p in enumerate(ref.priorites) if p.qpv is None],
        shown={
            index: f"{p.id} ({_qpv_name(ref, p.qpv)} : {quoted(shorten(p.texte, 60))})"
            for index, p in enumerate(ref.priorites)
        },
        with_axes=[(p, frozenset(p.axes)) for p in ref.priorites if p.qpv is None and p.axes],
    )


def closest_priorities(ref: Referentiel, text: str, n: int = 3) -> list[str]:
    import difflib

    by_folded = {p.id.casefold(): p.id for p in ref.priorites}
    close = difflib.get_close_matches(text.strip().casefold(), list(by_folded), n=n, cutoff=0.6)
    return [by_folded[c] for c in close]


@rule("OBJ03", Severity.WARNING, section=_SECTION, title="Priorité inconnue ou d'un autre QPV",
      reads={"action.quartiers[*]": "la liste des quartiers est incomplète"})
def priorities_known(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : chaque identifiant de action.priorites est une {{priorite}} (les
    identifiants proches sont proposés), de « Tous QPV » ou d'un QPV que l'action vise
    (action.quartiers). Pour un appel qui ne définit pas de priorités, des priorités citées sont
    signalées une fois : elles ne sont pas lues.

    Exemple refusé :

        action:
          quartiers: [{{qpv_b}}]
          priorites: [{{priorite_a}}]

    Correction :

        action:
          quartiers: [{{qpv_b}}]
          priorites: [{{priorite_b}}]

    Que faire : corrigez l'identifiant ; pour une priorité d'un autre QPV, ajoutez ce quartier si
    l'action s'y déroule, sinon retirez la priorité.
    """
    action = ctx.dossier.action
    if action is None or not action.priorites:
        return
    if not ctx.ref.priorites:  # what the carrier wrote is not silently left unread
        cited = ", ".join(p.strip() for p in action.priorites if p.strip())
        yield Issue(
            f"L'appel ne définit pas de priorités : action.priorites ({cited[:120] or 'vide'}) n'est pas lu.",
            "Retirez action.priorites ; si l'appel en a, vérifiez que le référentiel utilisé est le bon "
            "(--referentiel ou la clé referentiel de la configuration).",
            ("action", "priorites"),
        )
        return
    by_id = per_referentiel(ctx.ref, _priorities).by_id
    covered = {q.slug for q in known_qpv(ctx.ref, action)}
    suggest: Suggestions[list[str]] = Suggestions(
        lambda text: closest_priorities(ctx.ref, text), [], ctx.limits.findings_per_dossier
    )
    for index, raw in enumerate(action.priorites):
        path = ("action", "priorites", index)
        priority = by_id.get(raw.strip())
        if not raw.strip():
            yield Issue(
                "Élément vide dans action.priorites.",
                "Retirez-le, ou écrivez l'identifiant d'une priorité (cdv-check qpv les donne).",
                path,
            )
        elif priority is None:
            close = suggest(raw)
            names = join_fr([quoted(c) for c in close], "ou")
            hint = f"Vouliez-vous dire {names} ? " if close else ""
            yield Issue(
                f"Priorité « {shorten(raw, 50)} » inconnue.",
                f"{hint}Les identifiants des priorités sont donnés par cdv-check qpv.",
                path,
            )
        elif covered and priority.qpv is not None and priority.qpv not in covered:
            name = _qpv_name(ctx.ref, priority.qpv)
            yield Issue(
                f"La priorité « {priority.id} » est une priorité de {name}, quartier que l'action "
                "ne vise pas.",
                f"Ajoutez {name} à action.quartiers si l'action s'y déroule, sinon retirez cette "
                "priorité.",
                path,
            )


# --- OBJ04 -----------------------------------------------------------------------------------


def _unclaimed(ref: Referentiel, slugs: Iterable[str], claimed: Container[str]) -> list[tuple[int, Priorite]]:
    """(place, priority) of the priorities of the QPV `slugs`, then of « Tous QPV », not `claimed`."""
    table = per_referentiel(ref, _priorities)
    own: list[tuple[int, Priorite]] = []
    for slug in dict.fromkeys(slugs):
        own += table.own.get(slug, ())
    if len(own) > 1:
        own.sort(key=_place)  # the call's order, whatever the dossier's order of its QPV
    return [(index, p) for index, p in own + table.everywhere if p.id not in claimed]


def _place(item: tuple[int, Priorite]) -> int:
    return item[0]


def unclaimed_priorities(ref: Referentiel, action: Action) -> list[Priorite]:
    """Priorities of the action's QPV, then of « Tous QPV », that the action does not claim."""
    claimed = {p.strip() for p in action.priorites or []}
    return [p for _, p in _unclaimed(ref, (q.slug for q in known_qpv(ref, action)), claimed)]


@rule("OBJ04", Severity.INFO, section=_SECTION, title="Priorités des QPV à considérer", reads={
    "action.quartiers[*]": "la liste des quartiers est incomplète",
    "action.priorites[*]": "la liste des priorités est incomplète",
})
def priority_ideas(ctx: Context) -> Iterator[Issue]:
    """
    L'appel : {{appel}}

    Ce qui est vérifié : ce conseil liste les {{priorites}} des QPV visés par l'action (et de
    « Tous QPV ») que le dossier ne cite pas dans action.priorites : des idées, pas une
    obligation. Il ne paraît que si au moins un QPV du dossier est reconnu. À part, et quel que
    soit le QPV : quand le dossier indique des axes transversaux mais ni la lutte contre les
    discriminations ni l'égalité entre les femmes et les hommes, un conseil cite en entier la
    priorité « Tous QPV » qui les demande « dans l'ensemble des projets » (sans aucun axe, c'est
    l'avertissement OBJ02).

    Exemple refusé :

        action:
          quartiers: [{{qpv_b}}]

    Correction :

        action:
          quartiers: [{{qpv_b}}]
          priorites: [{{priorite_b}}]

    Que faire : si l'action répond à l'une d'elles, ajoutez son identifiant à action.priorites et
    montrez-le dans la description : elle quitte la liste. Sinon, ignorez ce conseil (--ignore
    OBJ04).
    """
    action = ctx.dossier.action
    if action is None:
        return
    ref = ctx.ref
    claimed = {p.strip() for p in action.priorites or []}
    axis_priorities = _axis_priorities_missed(ref, action, claimed)
    for priority in axis_priorities:
        named = join_fr([_axis_name(ref, a) for a in priority.axes], "ni")
        yield Issue(
            f"Le dossier ne revendique ni {named}, alors que la priorité « Tous QPV » "
            f"{priority.id} le demande : {quoted(priority.texte)}",
            "Si l'action les prend en compte, ajoutez-les à action.axes_transversaux et dites "
            f"comment dans la description (ou ajoutez {priority.id} à action.priorites).",
            ("action", "axes_transversaux"),
        )
    known = known_qpv(ref, action)
    if not known:
        return
    if axis_priorities:  # quoted already: by id, comparing pydantic models is slow
        claimed |= {p.id for p in axis_priorities}
    ideas = _unclaimed(ref, (q.slug for q in known), claimed)
    if not ideas:
        return
    lines = per_referentiel(ref, _priorities).shown
    shown = [lines[index] for index, _ in ideas[:_MAX_IDEAS]]
    more = len(ideas) - len(shown)
    rest = f" ; et {plural(more, 'autre')} (cdv-check qpv les liste toutes)" if more else ""
    if len(ideas) == 1:
        message = "1 priorité de vos quartiers n'est pas citée : une idée pour l'action."
        lead = "Si l'action y répond"
    else:
        message = f"{len(ideas)} priorités de vos quartiers ne sont pas citées : des idées pour l'action."
        lead = "Si l'action répond à l'une d'elles"
    yield Issue(
        message,
        f"{lead}, ajoutez son identifiant à action.priorites : {' ; '.join(shown)}{rest}.",
        ("action", "priorites"),
    )


def _axis_priorities_missed(ref: Referentiel, action: Action, claimed: Container[str]) -> list[Priorite]:
    """The « Tous QPV » priorities naming transversal axes of which the dossier claims none.

    Only when it claims some axis: with none at all, OBJ02 already warns (and quotes them)."""
    if not action.axes_transversaux:
        return []
    claimed_axes = set(action.axes_transversaux)
    return [
        p for p, axes in per_referentiel(ref, _priorities).with_axes
        if not claimed_axes & axes and p.id not in claimed
    ]


def _axis_name(ref: Referentiel, axis: str) -> str:
    return next((a.libelle for a in ref.appel.axes_transversaux if a.id == axis), axis)
