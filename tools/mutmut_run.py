"""mutmut 3.8 for cdv-check: the same command line, but the bodies of the rules are mutated too.

mutmut 3 leaves every decorated function alone (a decorator runs at import, and copying one can
register it twice). Every rule is decorated with `@rule(...)`, so without this launcher the checks
themselves would never be mutated. Here a function whose only decorators are `rule(...)` calls is
mutated like any other: the trampoline keeps the decorator (the registry holds the trampoline,
which calls the active mutant), its copies lose it (nothing is registered twice).

Usage (see README, « Développement ») : .venv/bin/python tools/mutmut_run.py run "cdv_check.rules.budget*"

CDV_MUTMUT_TESTS, when set, replaces the test selection of `[tool.mutmut]` (paths separated by
spaces): the batch modules of `core/` are reached by every check, so their mutants are run
against their own unit tests only, e.g.
CDV_MUTMUT_TESTS="tests/test_grouping.py tests/rules/test_lot.py tests/test_synthesis_units.py tests/test_flat_memory.py"
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

import libcst as cst
from mutmut import configuration
from mutmut.__main__ import cli
from mutmut.mutation import file_mutation

_RULE_DECORATORS = frozenset({"rule"})


def _rule_decorated(node: cst.CSTNode) -> bool:
    return (
        isinstance(node, cst.FunctionDef)
        and bool(node.decorators)
        and all(
            isinstance(d.decorator, cst.Call)
            and isinstance(d.decorator.func, cst.Name)
            and d.decorator.func.value in _RULE_DECORATORS
            for d in node.decorators
        )
    )


_visitor = next(
    cls for cls in vars(file_mutation).values()
    if isinstance(cls, type) and "_skip_node_and_children" in vars(cls)
)
_skip = _visitor._skip_node_and_children
_arrange = file_mutation.function_trampoline_arrangement


def _skip_node_and_children(self: Any, node: cst.CSTNode) -> bool:
    if _rule_decorated(node):
        assert isinstance(node, cst.FunctionDef)
        position = self.get_metadata(file_mutation.PositionProvider, node, None)
        if position and position.start.line in self._ignored_node_lines:  # pragma: no mutate block
            return True
        return bool(_skip(self, node.with_changes(decorators=[])))
    return bool(_skip(self, node))


def _function_trampoline_arrangement(function: cst.FunctionDef, mutants: Any, class_name: str | None) -> Any:
    declarations, methods, assignments, names = _arrange(function, mutants, class_name)
    if _rule_decorated(function):
        trampoline, *copies = methods
        methods = [trampoline, *(copy.with_changes(decorators=[]) for copy in copies)]
    return declarations, methods, assignments, names


_read_config = configuration._config_reader


def _config_reader() -> Callable[[str, Any], Any]:
    """`[tool.mutmut]`, its test selection replaced by CDV_MUTMUT_TESTS when set."""
    read = _read_config()
    tests = os.environ.get("CDV_MUTMUT_TESTS", "").split()
    if not tests:
        return read

    def narrowed(key: str, default: Any) -> Any:
        return tests if key == "pytest_add_cli_args_test_selection" else read(key, default)

    return narrowed


_visitor._skip_node_and_children = _skip_node_and_children
file_mutation.function_trampoline_arrangement = _function_trampoline_arrangement
configuration._config_reader = _config_reader

if __name__ == "__main__":
    sys.exit(cli())
