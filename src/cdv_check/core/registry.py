"""The rule registry and the context rules run in.

A rule is a function registered with `@rule(...)`: it reads the `Context` and yields `Issue`s
(core.findings: what is wrong, what to do, where in the dossier). It never prints, exits or
chooses its ID. The checker stamps each issue with the rule's ID and severity and the position in
the file. Every rule is listed in `cdv_check.rules.TABLE`, by ID.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from cdv_check.core.findings import Issue, Severity
from cdv_check.reading.limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from cdv_check.core.synthesis import Builder
    from cdv_check.model.dossier import Dossier
    from cdv_check.model.referentiel import Referentiel
    from cdv_check.reading.loading import Loc


class Context(NamedTuple):
    """Everything a rule may read: the dossier, the call, and the run's settings."""

    dossier: Dossier
    ref: Referentiel
    deposit_date: date
    folder: Path | None
    """The dossier file's folder, where pieces are looked up; None for standard input."""
    piece_checks: dict[Any, Any]
    """What reading each declared piece file gave, by declared path, filled by the rules
    (rules.pieces): several rules look at the same file, which is opened once per dossier. Give
    each dossier an empty one. What they make of it is kept under keys that are not strings
    (the CERFA's PDF facts: `("pdf", path)`), so that no declared path can name it."""
    check_files: bool = True
    limits: Limits = DEFAULT_LIMITS
    """The run's bounds (`Settings.limits`): the bytes read of a piece file, among others."""


class BatchContext(NamedTuple):
    """What a batch rule (LOT) reads: what the synthesis gathered over the dossiers of a run."""

    batch: Builder
    ref: Referentiel
    whole: bool = True
    """Whether the run covers the whole programme (a folder or a glob), not a list of files:
    programme-wide rules (LOT03) run only then."""


Check = Callable[[Any], Iterable[Issue]]
"""A dossier rule's check reads a `Context`, a batch rule's a `BatchContext`."""
F = TypeVar("F", bound=Check)


class Rule(NamedTuple):
    id: str
    severities: tuple[Severity, ...]
    """The first is the rule's main severity; an issue may pick another one listed here."""
    section: str
    title: str
    doc: str
    """The explanation as written in the source (indented); `explanation` is it cleaned."""
    check: Check | None = None
    """None for the SCH rules: their findings come from reading the file, not from a check."""
    reads: tuple[tuple[Loc, str], ...] = ()
    """What the rule computes from beyond the paths it reports on: (path pattern, what is then
    missing). When a value there was refused, the rule is not run: it would only repeat the
    refusal (a total over a line whose account was refused, a deadline from today when the
    written date was unreadable). `*` stands for any list index."""
    refuses: bool = False
    """Its findings refuse the value they point at, as reading refuses a value (SCH04): the
    other rules are silent about it (BUD04's account that is not a CERFA account)."""
    batch: bool = False
    """A rule of the batch (LOT): its check reads a `BatchContext`, once per run, after the
    dossiers (the second pass of the engine, core.synthesis)."""

    @property
    def severity(self) -> Severity:
        return self.severities[0]

    @property
    def explanation(self) -> str:
        """The explanation for the embedded référentiel; see `explained`."""
        return self.explained(_embedded())

    @property
    def parts(self) -> list[tuple[str, str]]:
        """The explanation's parts (`HEADINGS`), as `cdv-check rules ID` shows them."""
        return explanation_parts(self.explanation)

    def explained(self, ref: Referentiel) -> str:
        """The explanation filled from `ref`: « L'appel » quotes that référentiel's call, the
        examples use its QPV, codes and dates. Cleaned and filled when asked (`rules ID`, SARIF),
        not for each rule at each start."""
        from cdv_check.text.words import doc_words, render

        words = {**doc_words(ref), "appel": self._quoted(ref)}
        return render(inspect.cleandoc(self.doc), words)

    def parts_for(self, ref: Referentiel) -> list[tuple[str, str]]:
        return explanation_parts(self.explained(ref))

    def section_for(self, ref: Referentiel) -> str:
        """The call's section the rule comes from, as `ref` names it (else the rule's own words)."""
        from cdv_check.text.words import rule_section

        return rule_section(ref, self.id, self.section)

    def title_for(self, ref: Referentiel) -> str:
        if "{{" not in self.title:
            return self.title
        from cdv_check.text.words import doc_words, render

        return render(self.title, doc_words(ref))

    def _quoted(self, ref: Referentiel) -> str:
        quoted = ref.textes.citations.get(self.id)
        if quoted:
            return quoted
        return f"ce référentiel ne cite pas l'appel pour cette règle (section : {self.section_for(ref)})."

    @property
    def family(self) -> str:
        return self.id.rstrip("0123456789")


def _embedded() -> Referentiel:
    from cdv_check.model.referentiel import load

    return load()


HEADINGS = ("L'appel", "Ce qui est vérifié", "Exemple refusé", "Correction", "Que faire")
"""The parts of every rule's explanation, in this order, each starting a line as « Heading : »."""

_HEADING = re.compile(r"^(" + "|".join(re.escape(h) for h in HEADINGS) + r") :(?: |$)", re.M)


def explanation_parts(explanation: str) -> list[tuple[str, str]]:
    """The (heading, text) parts of an explanation, in the order written; text before the first
    heading, if any, comes under the heading ""."""
    parts: list[tuple[str, str]] = []
    found = list(_HEADING.finditer(explanation))
    if not found or found[0].start() > 0:
        parts.append(("", explanation[: found[0].start() if found else None].strip("\n")))
    for here, after in zip(found, [*found[1:], None], strict=True):
        end = after.start() if after is not None else len(explanation)
        parts.append((here.group(1), explanation[here.end() : end].strip("\n").rstrip()))
    return parts


REGISTRY: dict[str, Rule] = {}
RULES_PACKAGE = "cdv_check.rules"
"""Importing it registers every rule (its modules call `rule` and `declare`)."""


def rule(
    rule_id: str,
    severities: Severity | tuple[Severity, ...],
    *,
    section: str,
    title: str,
    reads: dict[str, str] | None = None,
    refuses: bool = False,
    batch: bool = False,
) -> Callable[[F], F]:
    """Register a check function under `rule_id`; its docstring is the rule's explanation.

    `reads` maps dotted path patterns (`budget.charges[*].compte`) to what is missing, in French,
    when a value there is refused (« le total des charges est incomplet »); see `Rule.reads`.
    """

    def register(check: F) -> F:
        declare(rule_id, severities, section=section, title=title, explanation=check.__doc__ or "",
                check=check, reads=reads, refuses=refuses, batch=batch)
        return check

    return register


def declare(
    rule_id: str,
    severities: Severity | tuple[Severity, ...],
    *,
    section: str,
    title: str,
    explanation: str,
    check: Check | None = None,
    reads: dict[str, str] | None = None,
    refuses: bool = False,
    batch: bool = False,
) -> Rule:
    if rule_id in REGISTRY:
        raise ValueError(f"rule {rule_id} registered twice")
    levels = severities if isinstance(severities, tuple) else (severities,)
    patterns = tuple((parse_path(path), missing) for path, missing in (reads or {}).items())
    registered = Rule(rule_id, levels, section, title, explanation, check, patterns, refuses, batch)
    REGISTRY[rule_id] = registered
    return registered


def parse_path(dotted: str) -> Loc:
    """`budget.charges[*].compte` → `("budget", "charges", "*", "compte")`; `[2]` → 2."""
    loc: list[str | int] = []
    for part in dotted.replace("[", ".[").split("."):
        if not part:
            continue
        if part.startswith("["):
            index = part.strip("[]")
            loc.append(int(index) if index.isdigit() else index)
        else:
            loc.append(part)
    return tuple(loc)


def overlaps(pattern: Loc, path: Loc) -> bool:
    """Whether `path` is on, above or under what `pattern` names (`*` matching any index)."""
    return all(p == q or (p == "*" and isinstance(q, int)) for p, q in zip(pattern, path, strict=False))


def all_rules() -> dict[str, Rule]:
    """The registry, filled by importing every rule module, sorted by ID."""
    # The rules are loaded as plugins: the engine (core/) never imports a rule module by name,
    # and the rule modules import only this API (registry, findings), never the engine.
    importlib.import_module(RULES_PACKAGE)

    return dict(sorted(REGISTRY.items()))


def selected(rule_id: str, select: Iterable[str], ignore: Iterable[str]) -> bool:
    """Whether a rule runs, given `--select`/`--ignore` lists of IDs or prefixes."""
    chosen = tuple(select)
    if chosen and not rule_id.startswith(chosen):
        return False
    return not rule_id.startswith(tuple(ignore))
