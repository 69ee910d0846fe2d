"""One dossier, one way: path → loading → model → rules → located findings → `DossierResult`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple, Protocol

from pydantic import ValidationError

from cdv_check.core.findings import Finding, Issue, Severity, screen
from cdv_check.core.registry import Context, Rule, all_rules, overlaps, parse_path, selected
from cdv_check.core.synthesis import DUPLICATE, NOTHING, READY, UNREADABLE, Demande, content_key, demande_of, status_of
from cdv_check.model.dossier import Dossier, field_is_required_at, known_keys, missing_required
from cdv_check.model.errors_fr import french_message
from cdv_check.model.placeholders import Text, placeholders
from cdv_check.model.referentiel import Referentiel, fold
from cdv_check.reading.limits import DEFAULT_LIMITS, Limits
from cdv_check.reading.loading import Document, Loc, ReadProblem, read_structured
from cdv_check.text.french import join_fr

_PRUNE_ROUNDS = 4


class Settings(NamedTuple):
    """What the command line (or a configuration file) asks of a check run."""

    today: date
    deposit_date: date | None = None
    """`--date-depot`: used when the dossier gives no `date_depot`."""
    check_files: bool = True
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    strict: bool = False
    limits: Limits = DEFAULT_LIMITS
    min_severity: Severity = Severity.INFO
    """`--min-severity`: findings below it are counted but not listed."""


class DossierResult(NamedTuple):
    """Everything the reporters need to know about one checked dossier."""

    file: str
    findings: tuple[Finding, ...]
    omitted: int = 0
    """Findings beyond the per-dossier cap, counted but not listed."""
    omitted_counts: Mapping[str, int] = MappingProxyType({})
    deposit_date: date | None = None
    deadline: date | None = None
    title: str | None = None
    quartiers: tuple[str, ...] = ()
    """Slugs of the QPV the dossier names (for batch summaries)."""
    requested: Decimal | None = None
    statut: str = UNREADABLE
    """`pret`, `a_corriger` or `illisible` (core.synthesis)."""
    demande: Demande = NOTHING
    """What the dossier asks for, for the batch synthesis."""
    hidden_counts: Mapping[str, int] = MappingProxyType({})
    """Findings below `--min-severity`: counted, not listed."""
    counted: bool = True
    """Whether the batch's totals count it: not a later file of a LOT01 group (core.synthesis)."""

    def counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Severity}
        for f in self.findings:
            counts[f.severity.value] += 1
        for severity, n in self.omitted_counts.items():
            counts[severity] += n
        for severity, n in self.hidden_counts.items():
            counts[severity] += n
        return counts

    def passed(self, *, strict: bool = False, counts: dict[str, int] | None = None) -> bool:
        """The same notion as `statut`: `pret` or `doublon` (no error; with `strict`, no warning
        of the dossier's own either); `counts`, when given, are this result's."""
        if self.statut not in (READY, DUPLICATE):
            return False
        counts = counts if counts is not None else self.counts()
        return counts["error"] == 0 and not (strict and counts["warning"] > 0)

    def to_json(self, *, strict: bool = False) -> dict[str, Any]:
        """The dossier's object in the JSON report (`file`, `passed`, `counts`, `findings`,
        `dossier`), as Python values."""
        from cdv_check.reporters.json_report import dossier_object

        return dossier_object(self, strict=strict)


def check_path(
    path: Path | str, ref: Referentiel, settings: Settings, *, stdin: Any = None, follow_links: bool = True
) -> DossierResult:
    """Check one file; `follow_links=False` for a file found by walking (batch.Expansion)."""
    document = read_structured(path, settings.limits, stdin=stdin, follow_links=follow_links)
    folder = None if str(path) == "-" else Path(path).parent
    return check_document(document, ref, settings, folder)


def check_document(
    document: Document, ref: Referentiel, settings: Settings, folder: Path | None
) -> DossierResult:
    """One read document through the stages of a check: what reading found, the model built
    (its refusals), the rules run on it, the findings the selection keeps, those shown."""
    rules = all_rules()
    stage = _Findings(document, rules)  # what reading found: SCH01-SCH05, SCH09…
    key = content_key(document.data) if document.readable else None
    pruner = _Pruner(document.data)
    model = _build_model(document, ref, stage.add, pruner) if document.readable else None
    deposit = None
    if model is not None:
        deposit = _run_rules(stage, model, ref, settings, folder, pruner)
    kept = _selected(stage, document, settings)
    # `statut` and `passed` are one notion: with --strict, a warning makes the dossier fail.
    failing = (Severity.ERROR, Severity.WARNING) if settings.strict else (Severity.ERROR,)
    statut = status_of((f.rule for f in kept), sum(f.severity in failing for f in kept))
    shown, omitted, hidden_counts = screen(kept, settings.min_severity, settings.limits.findings_per_dossier)
    return DossierResult(
        file=document.source,
        findings=tuple(shown),
        omitted=len(omitted),
        omitted_counts=_counts(omitted),
        deposit_date=deposit,
        deadline=ref.calendrier.date_limite,
        title=model.action.intitule if model and model.action else None,
        quartiers=_qpv_slugs(model, ref),
        requested=model.budget.subvention_demandee if model and model.budget else None,
        statut=statut,
        demande=demande_of(model, ref, key, stage.pieces, folder) if document.readable else NOTHING,
        hidden_counts=hidden_counts,
    )


class _Findings:
    """The findings of one dossier as the stages add them, with the values they refused."""

    def __init__(self, document: Document, rules: dict[str, Rule]) -> None:
        self.document = document
        self.rules = rules
        self.list = [_from_problem(problem, rules) for problem in document.problems]
        self.refusals = _Refusals()
        self.pieces: dict[str, Any] = {}
        """What the rules read of each piece file (Context.piece_checks), for the synthesis."""
        for index, problem in enumerate(document.problems):
            if problem.path and problem.path in document.dropped:  # a tagged value, a merge key
                self.refusals.add(problem.path, index)

    def add(self, rule_id: str, issue: Issue, *, refuses: bool = False, also: tuple[Loc, ...] = ()) -> None:
        if refuses:
            for loc in (issue.path, *also):
                self.refusals.add(loc, len(self.list))
        self.list.append(_locate(self.rules[rule_id], issue, self.document))


def _run_rules(
    stage: _Findings, model: Dossier, ref: Referentiel, settings: Settings, folder: Path | None, pruner: _Pruner
) -> date | None:
    """The selected rules on the model, each issue on a refused value left to its refusal; the
    deposit date the rules used (None when it was written but could not be read)."""
    deposit = model.date_depot or settings.deposit_date or settings.today
    context = Context(model, ref, deposit, folder, {}, settings.check_files, settings.limits)
    stage.pieces = context.piece_checks  # what the rules read of each piece file, for the synthesis
    refusals = stage.refusals
    for rule in _run_order(tuple(settings.select), tuple(settings.ignore)):
        if rule.check is None or (refusals.by_path and refusals.block(rule)):  # most dossiers refuse nothing
            continue
        for issue in rule.check(context):
            issue = pruner.in_file(issue)  # the model's lists lack their refused items
            if not refusals.covers(issue.path):
                stage.add(rule.id, issue, refuses=rule.refuses)
    stage.list = refusals.explain(stage.list)
    if refusals.covers(("date_depot",)):
        return None  # written but unreadable: not today's date either
    return deposit


def _selected(stage: _Findings, document: Document, settings: Settings) -> list[Finding]:
    """The findings of the rules `--select` and `--ignore` keep."""
    # A file that cannot be read or parsed fails whatever the selection (cli.md's exit 1).
    unread = {p.rule for p in document.problems} if not document.readable else set()
    # A refusal that silenced a selected rule stands for it, unless its own rule is ignored.
    standing = stage.refusals.standing
    return [
        f for index, f in enumerate(stage.list)
        if f.rule in unread
        or selected(f.rule, settings.select, settings.ignore)
        or (index in standing and selected(f.rule, (), settings.ignore))
    ]


def _counts(findings: Iterable[Finding]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.severity.value] = counts.get(f.severity.value, 0) + 1
    return counts


class _Refusals:
    """One cause, one finding: the values refused so far (by reading: SCH03, SCH04, SCH05,
    SCH09; or by a rule that `refuses`, as BUD04 an account), each with the finding that
    refused it.

    A rule's issue on or under a refused value is dropped: the refusal already says what to fix.
    A rule that `reads` a refused value is not run at all (it would compute from what is not
    there), and the refusing finding says what is then missing and which checks wait for it.
    """

    def __init__(self) -> None:
        self.by_path: dict[Loc, int] = {}
        self.waiting: dict[int, dict[str, list[Rule]]] = {}
        self.standing: set[int] = set()
        """Refusals that silenced a rule's issue or a whole rule: they are shown even when
        `--select` leaves their own rule out, or the selected rule would vanish unexplained."""

    def add(self, loc: Loc, finding: int) -> None:
        if loc:
            self.by_path.setdefault(loc, finding)

    def covers(self, loc: Loc) -> bool:
        """Whether `loc` is a refused value, or inside one (the refusal then stands for it)."""
        if not self.by_path:  # the usual dossier: nothing was refused
            return False
        for n in range(1, len(loc) + 1):
            if (finding := self.by_path.get(loc[:n])) is not None:
                self.standing.add(finding)
                return True
        return False

    def block(self, rule: Rule) -> bool:
        """Whether `rule` reads a refused value; if so, the refusal will say what waits for it."""
        if not self.by_path or not rule.reads:
            return False
        blocked = False
        for pattern, missing in rule.reads:
            finding = next((f for loc, f in self.by_path.items() if overlaps(pattern, loc)), None)
            if finding is not None:
                waiting = self.waiting.setdefault(finding, {}).setdefault(missing, [])
                if rule not in waiting:
                    waiting.append(rule)
                self.standing.add(finding)
                blocked = True
        return blocked

    def explain(self, findings: list[Finding]) -> list[Finding]:
        """The findings, each refusal saying what it leaves unchecked meanwhile."""
        out = list(findings)
        for index, missing in self.waiting.items():
            parts = []
            for what, rules in missing.items():
                parts.append(join_fr([f"{r.id} « {r.title} »" for r in rules], "et") + f" ({what})")
            count = sum(len(rules) for rules in missing.values())
            verb = "n'est pas vérifiée" if count == 1 else "ne sont pas vérifiées"
            note = f"Sans cette valeur, {verb} : {', '.join(parts)}."
            found = out[index]
            out[index] = found._replace(advice=f"{found.advice} {note}".strip())
        return out


class _Add(Protocol):
    def __call__(self, rule_id: str, issue: Issue, *, refuses: bool = False, also: tuple[Loc, ...] = ()) -> None: ...


@cache
def _run_order(select: tuple[str, ...], ignore: tuple[str, ...]) -> tuple[Rule, ...]:
    """The rules a check runs, refusals first (they silence the others): once per selection."""
    chosen = [r for r in all_rules().values()
              if r.check is not None and not r.batch and selected(r.id, select, ignore)]
    return tuple(sorted(chosen, key=lambda r: not r.refuses))


def _build_model(document: Document, ref: Referentiel, add: _Add, pruner: _Pruner) -> Dossier | None:
    data = document.data
    if data is None:
        add("SCH03", Issue(
            "Le fichier est vide.",
            "Écrivez le dossier : porteur, action, budget et pieces (cdv-check init en donne un "
            "modèle commenté).",
        ))
        return None
    if not isinstance(data, dict):
        add("SCH04", Issue(
            "Le dossier doit être un ensemble de clés (porteur:, action:, budget:, pieces:), "
            "pas une liste ni une valeur seule.",
            "Partez du modèle donné par cdv-check init.",
        ))
        return None
    context, with_minimum = _for_model(ref)
    for _ in range(_PRUNE_ROUNDS):
        try:
            model = Dossier.model_validate(data, context=context)
        except ValidationError as exc:
            refused = [_loc_of(err) for err in exc.errors(include_url=False)]
            issues = list(_schema_issues(exc, document, pruner, ref))
            # All of this round's refused values removed at once: no removal shifts an index.
            removed = dict(zip(refused, pruner.remove(refused), strict=True))
            for current, issue, rule_id, meant in issues:
                pruned = removed[current]
                document.dropped.update((pruned, *meant))
                add(rule_id, issue, refuses=True, also=(pruned, *meant))
            continue
        for loc in map(pruner.in_file_loc, missing_required(model)):
            if not document.was_dropped(loc):
                add("SCH03", _blank(loc) if loc in document.value_marks else _missing(loc), refuses=True)
        for text, path, reason in placeholders(model, ref, with_minimum):
            text = text._replace(loc=pruner.in_file_loc(text.loc))
            if not document.was_dropped(text.loc):
                add("SCH09", _placeholder(text, reason, required=text.required or bool(path)), refuses=True)
                document.dropped.add(text.loc)
        if document.bullets or document.bare_numbers:
            for issue in _typed_as_read(model, document, ref, pruner):
                add("SCH10", issue)
        return model
    return None


_FOR_MODEL: list[tuple[Referentiel, dict[str, frozenset[str]], dict[Loc, str]]] = []


def _for_model(ref: Referentiel) -> tuple[dict[str, frozenset[str]], dict[Loc, str]]:
    """What the model's build reads of the référentiel, worked out once for a batch's dossiers:
    the validation context (the ids the model accepts) and the texts given a minimum length, by
    place (their paths name no list item: the model's place is the file's), so that no text's
    path is spelt out unless it has one."""
    if not _FOR_MODEL or _FOR_MODEL[0][0] is not ref:
        context = {
            "statuts": frozenset(s.id for s in ref.statuts_porteur),
            "axes": frozenset(a.id for a in ref.appel.axes_transversaux),
            "pieces": ref.piece_ids,
        }
        with_minimum = {parse_path(path): path for path in ref.seuils.textes_longueur_min}
        _FOR_MODEL[:] = [(ref, context, with_minimum)]
    return _FOR_MODEL[0][1], _FOR_MODEL[0][2]


def _loc_of(err: Any) -> Loc:
    """Where a refusal is in the data: a refused key of a mapping (`pieces`) is the key's place."""
    loc: Loc = tuple(err["loc"])
    return loc[:-1] if loc and loc[-1] == "[key]" else loc


def _known(loc: Loc, ref: Referentiel) -> list[str]:
    """The keys accepted in the mapping at `loc`: the référentiel's pieces under `pieces`."""
    return [p.id for p in ref.pieces] if loc == ("pieces",) else known_keys(loc)


def _typed_as_read(model: Dossier, document: Document, ref: Referentiel, pruner: _Pruner) -> Iterator[Issue]:
    """SCH10 where the model shows what the loader could only suspect: bulleted lines read as a
    list of one text, a code whose trailing zero a number dropped."""
    for loc, items in document.bullets.items():
        value: Any = model
        for part in loc:
            value = value[part] if isinstance(part, int) and isinstance(value, list) and part < len(value) else (
                getattr(value, part, None) if isinstance(part, str) else None
            )
        if not (isinstance(value, list) and len(value) == 1) or document.was_dropped(loc):
            continue
        listed = ", ".join(json.dumps(item, ensure_ascii=False) for item in items[:5])
        more = ", …" if len(items) > 5 else ""
        yield Issue(
            f"« {dotted(loc)} » est lu comme un seul élément : « {_short(value[0], 60)} » ; des lignes "
            "qui commencent par « • », « - » ou « * », ou des « • » sur une ligne, ne font pas une liste en YAML.",
            f"Écrivez une liste : {loc[-1]}: [{listed}{more}] (ou un élément par ligne, en retrait, "
            "précédé de « - »).",
            loc,
        )
    codes = ref.objective_codes()
    objectives = model.action.objectifs if model.action is not None else None
    for index, code in enumerate(objectives or []):
        at = pruner.in_file_loc(("action", "objectifs", index))
        if not ({at, at[:-1]} & document.bare_numbers) or f"{code}0" not in codes:
            continue
        yield Issue(
            f"Code d'objectif écrit comme un nombre : lu « {code} » ; un tableur ou un fichier JSON "
            f"écrit souvent {code}0 ainsi (le zéro final d'un nombre tombe).",
            f"Si vous vouliez {code}0, écrivez-le comme un texte, entre guillemets : \"{code}0\" ; si "
            f"c'est bien {code}, écrivez aussi \"{code}\" entre guillemets pour le dire.",
            at,
        )


def _schema_issues(
    exc: ValidationError, document: Document, pruner: _Pruner, ref: Referentiel
) -> Iterator[tuple[Loc, Issue, str, tuple[Loc, ...]]]:
    """Each refusal: where in the data (as the model saw it), what (located in the file), which
    rule, and the key it was meant to be (if absent)."""
    for err in exc.errors(include_url=False):
        current = _loc_of(err)
        loc = pruner.in_file_loc(current)
        if document.was_dropped(loc):
            continue
        if err["type"] == "extra_forbidden":
            meant = _meant_key(current, document.data, ref)
            yield current, _unknown_key(loc, meant, ref), "SCH05", (() if meant is None else ((*loc[:-1], meant),))
        else:
            yield current, _wrong_value(loc, err), "SCH04", ()


def _meant_key(loc: Loc, data: Any, ref: Referentiel) -> str | None:
    """The known key an unknown one was meant to be (« intitulé », « quartier »), when the
    mapping lacks it: its value is then the one the dossier gives for that key."""
    import difflib

    name = str(loc[-1])
    known = _known(loc[:-1], ref)
    same = [k for k in known if fold(k).replace(" ", "_") == fold(name).replace(" ", "_")]
    close = same or difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    parent = data
    for part in loc[:-1]:
        parent = _child(parent, part)
    if not close or not isinstance(parent, dict) or close[0] in parent:
        return None
    return close[0]


def _unknown_key(loc: Loc, meant: str | None, ref: Referentiel) -> Issue:
    import difflib

    name = str(loc[-1])
    known = _known(loc[:-1], ref)
    where = f"dans « {dotted(loc[:-1])} »" if loc[:-1] else "au premier niveau"
    if meant is not None:
        kind = "obligatoire" if field_is_required_at((*loc[:-1], meant)) else "attendue"
        return Issue(
            f"Clé « {name} » inconnue {where} : vouliez-vous dire « {meant} », clé {kind} "
            "absente ici ?",
            f"Renommez « {name} » en « {meant} » (les clés s'écrivent sans accent ni majuscule) ; "
            "sa valeur n'est pas lue tant que la clé est mal nommée.",
            loc,
            on_key=True,
        )
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        advice = f"Vouliez-vous dire « {close[0]} » ? Sinon retirez-la : elle ne serait pas lue. "
    else:
        advice = (
            "Retirez-la ou corrigez son nom : elle ne serait pas lue. Si c'est la suite d'un "
            "texte qui contient une virgule entre { }, mettez ce texte entre guillemets. "
        )
    advice += "Clés possibles : " + ", ".join(known) + "."
    return Issue(f"Clé « {name} » inconnue {where}.", advice, loc, on_key=True)


def _wrong_value(loc: Loc, err: Any) -> Issue:
    message = french_message(err)
    shown = err.get("input")
    value = f" « {_short(shown)} »" if isinstance(shown, str) else ""
    return Issue(
        f"Valeur{value} refusée pour « {dotted(loc)} » : {message}.",
        "Corrigez la valeur ; elle n'est pas prise en compte par les autres vérifications.",
        loc,
    )


def _placeholder(text: Text, reason: str, *, required: bool) -> Issue:
    where = dotted(text.loc)
    wanted = text.description[:1].lower() + text.description[1:]
    advice = f"Écrivez à la place la vraie réponse : {wanted}"
    if not required:
        advice += " ; ou retirez la ligne si elle ne s'applique pas"
    return Issue(
        f"Texte à compléter pour « {where} » : « {_short(text.value)} » ; {reason}.",
        advice + ". Tant que ce texte reste, les autres vérifications n'en tiennent pas compte.",
        text.loc,
    )


def _blank(loc: Loc) -> Issue:
    return Issue(
        f"Clé obligatoire « {dotted(loc)} » vide.",
        f"Écrivez sa valeur après « {loc[-1]}: » (voir cdv-check schema ou cdv-check init).",
        loc,
    )


def _missing(loc: Loc) -> Issue:
    parent = f"de « {dotted(loc[:-1])} »" if loc[:-1] else "du dossier"
    return Issue(
        f"Clé obligatoire « {loc[-1]} » absente {parent}.",
        f"Ajoutez « {loc[-1]}: … » (voir cdv-check schema ou cdv-check init).",
        loc,
    )


class _Pruner:
    """Removes refused values from the data, so that the model is built from the rest and every
    other rule still runs; keeps, for each list it shortened, the file's index of each item left.

    The model (and so each rule) sees the shortened lists: `[bad1, jeunesse, bad2]` becomes
    `[jeunesse]`, whose item 0 is item 1 of the file. Every path said to the user is turned back
    into the file's (`in_file`), so it is found at its own line and column.
    """

    def __init__(self, data: Any) -> None:
        self.data = data
        self._kept: dict[Loc, list[int]] = {}
        """File path of a shortened list → the file index of each of its current items."""

    def in_file_loc(self, loc: Loc) -> Loc:
        """The path in the file of what is at `loc` in the data as it is now."""
        if not self._kept:
            return tuple(loc)
        out: list[str | int] = []
        node = self.data
        for part in loc:
            kept = self._kept.get(tuple(out)) if isinstance(node, list) else None
            if kept is not None and isinstance(part, int) and 0 <= part < len(kept):
                out.append(kept[part])
            else:
                out.append(part)
            node = _child(node, part)
        return tuple(out)

    def in_file(self, issue: Issue) -> Issue:
        return issue._replace(path=self.in_file_loc(issue.path)) if issue.path and self._kept else issue

    def remove(self, locs: list[Loc]) -> list[Loc]:
        """Remove the values at `locs` (paths in the data as it is now, all taken before any
        removal); the file paths removed. The items of a list are removed together, so that no
        removal shifts the index of another.

        The model may name a place inside a plain value: `axes_transversaux: inconnu` is read as
        a list of one, refused at item 0. Then that plain value is what is removed.
        """
        places = [(self.in_file_loc(loc), *self._place(loc)) for loc in locs]
        removed: list[Loc] = []
        from_lists: dict[int, tuple[list[Any], Loc, set[int]]] = {}
        for in_file, container, key, container_path in places:
            if container is None:
                removed.append(in_file)
                continue
            removed.append(in_file[: len(container_path) + 1])
            if isinstance(container, list) and isinstance(key, int):
                if 0 <= key < len(container):  # each list rebuilt once below: linear, whatever the count
                    from_lists.setdefault(id(container), (container, container_path, set()))[2].add(key)
            elif _child(container, key) is not _ABSENT:
                del container[key]
        for items, items_path, gone in from_lists.values():
            kept = self._kept.get(items_path, range(len(items)))
            self._kept[items_path] = [k for i, k in enumerate(kept) if i not in gone]
            items[:] = [item for i, item in enumerate(items) if i not in gone]
        return removed

    def _place(self, loc: Loc) -> tuple[Any, str | int, Loc]:
        """The container that holds what is removed for `loc`, its key there, and the file path
        of that container."""
        if not loc:
            return None, "", ()
        containers = [self.data]  # containers[i] holds loc[i]
        for part in loc[:-1]:
            child = _child(containers[-1], part)
            if not isinstance(child, (dict, list)):
                break
            containers.append(child)
        depth = len(containers) - 1
        return containers[depth], loc[depth], self.in_file_loc(loc[:depth])


_ABSENT = object()


def _child(parent: Any, part: str | int) -> Any:
    if isinstance(parent, dict) and part in parent:
        return parent[part]
    if isinstance(parent, list) and isinstance(part, int) and 0 <= part < len(parent):
        return parent[part]
    return _ABSENT


def _short(text: str, size: int = 40) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def dotted(loc: Loc) -> str:
    """`("budget", "charges", 1, "montant")` → `budget.charges[1].montant`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _from_problem(problem: ReadProblem, rules: dict[str, Rule]) -> Finding:
    """A problem met while reading: it already knows its position."""
    severity = rules[problem.rule].severity
    return Finding(problem.rule, severity, problem.message, problem.advice, dotted(problem.path),
                   problem.line, problem.column)


def _locate(rule: Rule, issue: Issue, document: Document) -> Finding:
    """Stamp an issue with its rule's ID and severity, and its position in the file."""
    severity = issue.severity or rule.severity
    if severity not in rule.severities:
        raise ValueError(f"{rule.id} cannot report with severity {severity}")
    if issue.path:
        line, column = document.locate(issue.path, key=issue.on_key)
    else:
        line, column = None, None  # about the whole dossier, or about a command-line option
    return Finding(rule.id, severity, issue.message, issue.advice, dotted(issue.path), line, column)


def _qpv_slugs(model: Dossier | None, ref: Referentiel) -> tuple[str, ...]:
    if model is None or model.action is None:
        return ()
    found = (ref.qpv_by_spelling(name) for name in model.action.quartiers or [])
    return tuple(dict.fromkeys(q.slug for q in found if q is not None))
