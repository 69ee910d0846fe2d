"""Property tests: whatever a dossier holds, checking it gives a report, never an exception.

Dossiers start from the complete example and are mutated (keys removed, values of every wrong
type, unicode, huge numbers, dates out of range, nested junk, unknown keys), then written as YAML
or JSON; the raw text of the example is also cut and spliced with junk. Each must give a
`DossierResult` whose findings name registered rules with valid severities and positions, and
whose JSON report follows the contract of `spec/cli.md`.

By default a thousand examples per property; by hand, `pytest tests/test_properties.py
--hypothesis-profile=long` (or HYPOTHESIS_PROFILE=long) tries 100 000 per property.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cdv_check.core.checker import DossierResult, Settings, check_path
from cdv_check.core.findings import Severity
from cdv_check.core.registry import all_rules
from cdv_check.core.summary import Summary
from cdv_check.model.referentiel import Referentiel, load
from cdv_check.reading.loading import read_structured
from cdv_check.reporters.json_report import JsonReporter
from cdv_check.reporters.text import TextReporter
from conftest import PROPERTY_SETTINGS

_CI = settings(max_examples=1000, **PROPERTY_SETTINGS)
# The profile chosen by hand (`--hypothesis-profile=long`, see conftest.py) when it asks for more.
_DEFAULT = settings.default
PROFILE = _DEFAULT if _DEFAULT is not None and _DEFAULT.max_examples > _CI.max_examples else _CI

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "nouvelle-action"
BASE: dict[str, Any] = read_structured(EXAMPLE / "dossier.yaml").data
BASE_TEXT = (EXAMPLE / "dossier.yaml").read_text(encoding="utf-8")
RULES = all_rules()
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
SETTINGS = Settings(today=date(2016, 1, 5))


# --- where to mutate ------------------------------------------------------------------------

def _paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*here, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*here, index))
    return found


PATHS = _paths(BASE)[1:]
KEYS = sorted({p[-1] for p in PATHS if isinstance(p[-1], str)})


# --- what to put there -----------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**60), max_value=10**60),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    st.sampled_from(
        [
            "", " ", "oui", "non", "NON", "~", "null", "0", "-1", "1e999", "NaN", ".inf",
            "0000-01-01", "2016-02-30", "9999-12-31", "31/12/99999", "99999999999999999999",
            "4 000,50 €", "-4000", "1 000 000 000", "2.", "1.10", "W57", "\u202e", "\x1b[31m",
            "[link=https://x]x[/link]", "::warning::x", "../../etc/passwd", "/dev/zero",
            "C:\\x.pdf", "\\\\h\\s\\x.pdf", "pieces", "Bellecroix", "2.1.2", "1", "1.1",
        ]
    ),
    st.dates(),
    st.sampled_from([date.min, date.max, date(1, 1, 1), date(9999, 12, 31)]),
)
junk = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), inner, max_size=4),
    ),
    max_leaves=12,
)


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        path = draw(st.sampled_from(PATHS))
        try:
            parent = _parent(data, path)
            parent[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced this place
        if not isinstance(parent, (dict, list)):
            continue  # replaced by text, which can be indexed but not changed
        action = draw(st.sampled_from(["remove", "replace", "replace", "add_key", "wrap"]))
        if action == "remove":
            del parent[path[-1]]
        elif action == "replace":
            parent[path[-1]] = draw(junk)
        elif action == "wrap":
            parent[path[-1]] = [parent[path[-1]]] if draw(st.booleans()) else {"x": parent[path[-1]]}
        elif isinstance(parent, dict):
            parent[draw(st.one_of(st.sampled_from(KEYS), st.text(max_size=12)))] = draw(junk)
    if draw(st.integers(0, 20)) == 0:
        data = draw(junk)  # sometimes not even a mapping
    return data


def _default(value: Any) -> Any:
    return str(value)


def _write(data: Any, as_json: bool, path: Path, *, ascii_only: bool = False) -> None:
    if as_json:
        text = json.dumps(data, default=_default, ensure_ascii=ascii_only)
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
    else:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        path.write_bytes(text.encode("utf-8", "surrogatepass"))


# --- what must hold --------------------------------------------------------------------------

def _assert_sound(result: DossierResult, ref: Referentiel) -> None:
    assert isinstance(result, DossierResult)
    for f in result.findings:
        assert f.rule in RULES, f.rule
        assert isinstance(f.severity, Severity)
        assert f.severity in RULES[f.rule].severities, (f.rule, f.severity)
        assert f.line is None or f.line >= 1
        assert f.column is None or f.column >= 1
        assert f.message.strip()
    assert len(result.findings) <= SETTINGS.limits.findings_per_dossier
    counts = result.counts()
    assert sum(counts.values()) == len(result.findings) + result.omitted
    _assert_json_contract(result, ref)
    text = TextReporter().dossier(result)
    assert not FORBIDDEN.search(text)
    assert len(text.splitlines()) == len(result.findings) + (1 if result.omitted else 0)


def _assert_json_contract(result: DossierResult, ref: Referentiel) -> None:
    reporter = JsonReporter(ref_id=ref.id, version="0")
    summary = Summary()
    summary.add(result)
    out = reporter.begin() + reporter.dossier(result) + "".join(reporter.end(summary))
    report = json.loads(out)
    assert set(report) >= {"tool", "version", "referentiel", "dossiers", "summary"}
    [dossier] = report["dossiers"]
    assert set(dossier) >= {"file", "passed", "counts", "findings"}
    assert dossier["passed"] is result.passed()
    assert set(dossier["counts"]) == {"error", "warning", "info"}
    for finding in dossier["findings"]:
        assert set(finding) == {"rule", "severity", "message", "path", "line", "column"}
        assert finding["severity"] in {"error", "warning", "info"}
        assert finding["line"] is None or isinstance(finding["line"], int)
    assert report["summary"]["dossiers"] == 1


@pytest.fixture(scope="module")
def ref() -> Referentiel:
    return load()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's folder (with its pieces), where each generated dossier is written."""
    target = tmp_path_factory.mktemp("proprietes") / "dossier"
    shutil.copytree(EXAMPLE, target)
    return target


@settings(PROFILE)
@given(data=mutated(), as_json=st.booleans(), ascii_only=st.booleans())
def test_any_mutated_dossier_gives_a_sound_report(
    data: Any, as_json: bool, ascii_only: bool, ref: Referentiel, folder: Path
) -> None:
    path = folder / ("genere.json" if as_json else "genere.yaml")
    _write(data, as_json, path, ascii_only=ascii_only)
    _assert_sound(check_path(path, ref, SETTINGS), ref)


@settings(PROFILE)
@given(
    cut=st.integers(min_value=0, max_value=len(BASE_TEXT)),
    drop=st.integers(min_value=0, max_value=40),
    insert=st.one_of(
        st.text(max_size=20),
        st.sampled_from(["\t", ": ", "- ", "&a ", "*a", "!!python/name:os.system ", "<<: ",
                         "\n---\n", "[", "{", "'", '"', "\ufeff", "\x00", "\x85", "#"]),
    ),
)
def test_any_spliced_text_gives_a_sound_report(
    cut: int, drop: int, insert: str, ref: Referentiel, folder: Path
) -> None:
    path = folder / "coupe.yaml"
    text = BASE_TEXT[:cut] + insert + BASE_TEXT[cut + drop :]
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    _assert_sound(check_path(path, ref, SETTINGS), ref)


@settings(PROFILE)
@given(raw=st.binary(max_size=300), prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"porteur:\n  nom: "]))
def test_any_bytes_give_a_sound_report(raw: bytes, prefix: bytes, ref: Referentiel, folder: Path) -> None:
    path = folder / "octets.yaml"
    path.write_bytes(prefix + raw)
    _assert_sound(check_path(path, ref, SETTINGS), ref)

