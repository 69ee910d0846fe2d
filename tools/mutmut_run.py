"""mutmut 3.8 for cdv-check: the same command line, but the bodies of the rules are mutated too.

mutmut 3 leaves every decorated function alone (a decorator runs at import, and copying one can
register it twice). Every rule is decorated with `@rule(...)`, so without this launcher the checks
themselves would never be mutated. Here a function whose only decorators are `rule(...)` calls is
mutated like any other: the trampoline keeps the decorator (the registry holds the trampoline,
which calls the active mutant), its copies lose it (nothing is registered twice).

Usage (see README, « Développement ») : .venv/bin/python tools/mutmut_run.py run "cdv_check.rules.budget*"
"""

from __future__ import annotations

import sys
from typing import Any

import libcst as cst
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


_visitor._skip_node_and_children = _skip_node_and_children
file_mutation.function_trampoline_arrangement = _function_trampoline_arrangement

if __name__ == "__main__":
    sys.exit(cli())
