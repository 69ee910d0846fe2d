"""The rule API is a leaf: the rule modules import it (core.registry, core.findings) and never the
engine; the engine (core/) loads the rules as a plugin package and never imports a rule module."""

from __future__ import annotations

import ast
from pathlib import Path

import cdv_check

SOURCE = Path(cdv_check.__file__).parent
API = {"cdv_check.core.registry", "cdv_check.core.findings", "cdv_check.core.suggestions"}


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_the_engine_never_imports_a_rule_module() -> None:
    for path in (SOURCE / "core").glob("*.py"):
        assert not {m for m in imports(path) if m.startswith("cdv_check.rules")}, path.name


def test_the_rules_import_only_the_rule_api_of_core() -> None:
    for path in (SOURCE / "rules").glob("*.py"):
        assert {m for m in imports(path) if m.startswith("cdv_check.core")} <= API | {"cdv_check.core.synthesis"}, path
        # core.synthesis only for type names (under TYPE_CHECKING): never run from a rule
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module == "cdv_check.core.synthesis":
                raise AssertionError(f"{path.name} imports the synthesis at run time")


def test_the_api_modules_import_no_engine_module() -> None:
    for module in API:
        path = SOURCE.joinpath(*module.split(".")[1:]).with_suffix(".py")
        engine = {m for m in imports(path) if m.startswith("cdv_check.core") and m not in API}
        assert engine <= {"cdv_check.core.synthesis"}, (module, engine)  # a type name only
