"""Shared test helpers: dossiers made from the complete example, with textual edits."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

import cdv_check
from cdv_check.core.checker import DossierResult, Settings, check_path
from cdv_check.core.findings import Finding
from cdv_check.model.referentiel import Referentiel, load

# Long fuzzing, by hand only (hours): `pytest tests/test_properties.py --hypothesis-profile=long`
# (or HYPOTHESIS_PROFILE=long). Registered here, before hypothesis reads the option.
PROPERTY_SETTINGS: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "derandomize": False,
}
settings.register_profile("long", max_examples=100_000, **PROPERTY_SETTINGS)
if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])

SLOW_MODULES = {
    "tests/test_properties.py": "property tests",
    "tests/test_init_terminal.py": "questions in a pseudo-terminal",
}
SLOW_TESTS = {
    "tests/test_exports.py::test_html_in_chromium_shows_what_json_says_and_hostile_text_as_text": "Chromium",
    "tests/test_narrow.py::test_a_command_error_in_a_narrow_terminal_splits_no_word": "a pseudo-terminal",
    "tests/test_schema_agreement.py::test_schema_and_check_agree_on_every_value": "property test inside",
    "tests/hostile/test_linear_time.py::test_twice_the_items_less_than_two_and_a_half_times_the_work": "megabytes",
    "tests/hostile/test_structure.py::test_billion_laughs_stops_at_the_node_limit": "megabytes",
    "tests/hostile/test_structure.py::test_sixty_mebibyte_scalar_is_refused_by_size": "megabytes",
    "tests/hostile/test_structure.py::test_sixty_mebibytes_on_standard_input_are_refused_by_size": "megabytes",
    "tests/hostile/test_structure.py::test_long_value_repeated_by_aliases_stops_at_the_text_limit": "megabytes",
    "tests/hostile/test_structure.py::test_two_hundred_thousand_keys_stop_at_the_node_limit": "megabytes",
    "tests/hostile/test_structure.py::test_ten_thousand_findings_are_capped_and_counted": "megabytes",
    "tests/hostile/test_structure.py::test_ten_thousand_findings_keep_the_text_report_short": "megabytes",
}
"""Tests left out of the fast subset, `pytest -m "not slow"` (README, « Contribuer »), besides
every hypothesis test (marked below): the full suite (`pytest`, .ci/run) runs them all. The
list is kept here, not in each file, so that one place says what the fast subset leaves out."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    slow = pytest.mark.slow
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        test = item.nodeid.split("[", 1)[0]
        function = getattr(item, "obj", None)
        if module in SLOW_MODULES or test in SLOW_TESTS or getattr(function, "is_hypothesis_test", False):
            item.add_marker(slow)


ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
VALID_EXAMPLE = EXAMPLES / "nouvelle-action"
TODAY = date(2016, 1, 5)
"""A fixed "today" before the 2016 deadline, so that results do not depend on the test date."""


@pytest.fixture(scope="session")
def ref() -> Referentiel:
    return cdv_check.load_referentiel()


@dataclass
class Case:
    path: Path
    text: str

    def line_of(self, needle: str) -> int:
        """1-based line of the first line containing `needle`."""
        for number, line in enumerate(self.text.splitlines(), start=1):
            if needle in line:
                return number
        raise AssertionError(f"{needle!r} not in the dossier")

    def at(self, needle: str) -> tuple[int, int]:
        """1-based line and column of the first occurrence of `needle` (which must occur)."""
        assert needle in self.text, f"{needle!r} not in the dossier"
        index = self.text.index(needle)
        return self.text.count("\n", 0, index) + 1, index - (self.text.rfind("\n", 0, index) + 1) + 1

    def check(self, **settings: Any) -> DossierResult:
        settings.setdefault("today", TODAY)
        return check_path(self.path, load(), Settings(**settings))

    def findings(self, rule: str, **settings: Any) -> list[Finding]:
        return [f for f in self.check(**settings).findings if f.rule == rule]

    def located(self, rule: str, **settings: Any) -> list[Located]:
        """(rule, path, line, column) of each finding of `rule`: what a test asserts first."""
        return located(self.findings(rule, **settings))


Located = tuple[str, str, int | None, int | None]


def located(findings: list[Finding]) -> list[Located]:
    """(rule, path, line, column) of each finding, in order."""
    return [(f.rule, f.path, f.line, f.column) for f in findings]


MakeCase = Callable[..., Case]


@pytest.fixture
def make_case(tmp_path: Path) -> MakeCase:
    """Copy the complete example (with its pieces) and apply textual edits to its dossier.

    `make_case({"old text": "new text"})` replaces each old text (which must occur exactly once);
    `make_case(text="...")` writes a dossier of its own beside the example's pieces.
    """
    counter = iter(range(1000))

    def make(
        replacements: dict[str, str] | None = None,
        *,
        text: str | None = None,
        name: str = "dossier.yaml",
    ) -> Case:
        folder = tmp_path / f"case{next(counter)}"
        shutil.copytree(VALID_EXAMPLE, folder)
        if text is None:
            text = (VALID_EXAMPLE / "dossier.yaml").read_text(encoding="utf-8")
            for old, new in (replacements or {}).items():
                assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
                text = text.replace(old, new)
        path = folder / name
        if name != "dossier.yaml":
            (folder / "dossier.yaml").unlink()
        path.write_text(text, encoding="utf-8")
        return Case(path, text)

    return make


@pytest.fixture
def mixed_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The batch of tests/mixed_batch.py, written in the current folder (no CI annotations)."""
    from mixed_batch import make_batch

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return make_batch(tmp_path)
