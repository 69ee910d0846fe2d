"""The rule registry, the catalogue of spec/rules.md and `cdv-check rules` list the same rules."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from typer.testing import CliRunner

from cdv_check.cli.app import app
from cdv_check.core.registry import HEADINGS, all_rules
from cdv_check.rules import TABLE

ROOT = Path(__file__).resolve().parents[1]
SHARED_SPEC = ROOT.parent / "shared" / "spec" / "rules.md"
COPIED_SPEC = ROOT / "docs" / "spec" / "rules.md"
"""The contract as shipped beside the checkout, and the copy kept in the repository."""


def _spec_text() -> str:
    copied = COPIED_SPEC.read_text(encoding="utf-8")
    if SHARED_SPEC.exists():
        assert SHARED_SPEC.read_text(encoding="utf-8") == copied, "docs/spec is out of date"
    return copied


def _spec_rules() -> dict[str, set[str]]:
    rules: dict[str, set[str]] = {}
    for match in re.finditer(r"^\| ([A-Z]{3}\d\d) \| ([a-z /]+) \|", _spec_text(), re.M):
        rules[match.group(1)] = {s.strip() for s in match.group(2).split("/")}
    return rules


PENDING: set[str] = set()
"""Rules the contract added (issues 17 and 19) that are not written yet. Each must stay out of the
registry while it is listed here: whoever writes one removes it from this set."""


def test_registry_matches_the_spec() -> None:
    spec = _spec_rules()
    registry = all_rules()
    assert not PENDING & set(registry), "a pending rule is written: remove it from PENDING"
    assert sorted(registry) == sorted(set(spec) - PENDING)
    for rule_id, severities in spec.items():
        if rule_id in PENDING:
            continue
        assert {s.value for s in registry[rule_id].severities} == severities, rule_id


def test_the_table_of_rules_lists_every_registered_rule_where_it_is_written() -> None:
    # A newcomer reads rules.TABLE to find a rule's code: it must name every rule, and truly.
    registry = all_rules()
    assert sorted(TABLE) == sorted(registry), "add (or remove) the rule's line in rules/__init__.py TABLE"
    for rule_id, written in TABLE.items():
        check = registry[rule_id].check
        module, _, function = written.partition(".")
        assert importlib.util.find_spec(f"cdv_check.rules.{module}") is not None, rule_id
        if check is None:
            assert not function, f"{rule_id} is declared (no check function): write only its module"
        else:
            assert (check.__module__, check.__name__) == (f"cdv_check.rules.{module}", function), rule_id


def test_every_rule_is_explained_in_french() -> None:
    for rule in all_rules().values():
        assert rule.title and rule.section
        assert "Que faire" in rule.explanation or len(rule.explanation) > 80, rule.id


def test_rules_command_lists_and_explains() -> None:
    runner = CliRunner()
    listing = runner.invoke(app, ["rules"])
    assert listing.exit_code == 0
    assert all(rule_id in listing.stdout for rule_id in all_rules())
    one = runner.invoke(app, ["rules", "pce07"])
    assert one.exit_code == 0
    assert "PCE07" in one.stdout and "Section de l'appel : " in one.stdout
    unknown = runner.invoke(app, ["rules", "PCE77"])
    assert unknown.exit_code == 2
    assert "inconnue" in unknown.stderr


def test_rules_command_shows_the_parts_in_order_and_the_examples_as_written() -> None:
    shown = CliRunner().invoke(app, ["rules", "BUD03"])
    assert shown.exit_code == 0
    lines = shown.stdout.splitlines()
    starts = [next(i for i, line in enumerate(lines) if line.startswith(f"{h} :")) for h in HEADINGS]
    assert starts == sorted(starts)
    refused = dict(all_rules()["BUD03"].parts)["Exemple refusé"]
    assert refused in shown.stdout  # the YAML fragment, indentation kept, ready to copy
    prose = [line for line in lines if not line.startswith("    ")]
    assert max(len(line) for line in prose) <= 100
    assert not any(line.lstrip().startswith((":", ";", "»")) for line in prose)  # French spacing kept
