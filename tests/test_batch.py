"""Checking many dossiers at once: folders, globs, stdin, parallel jobs in a stable order, exit codes."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cdv_check.cli.app import app
from conftest import EXAMPLES, in_shared_folder

GOOD = EXAMPLES / "nouvelle-action"

# The files of the batch below, in the order a folder is searched (files, then sub-folders, sorted).
LOT = [
    "lot/binaire.yaml",
    "lot/lien-casse.yaml",
    "lot/a/dossier.yaml",
    "lot/b/dossier.yaml",
    "lot/c/dossier.json",
    "lot/d/dossier.yaml",
    "lot/e/sous-dossier/dossier.yaml",
    "lot/f/dossier.yml",
    "lot/g/dossier.yaml",
]


def _copy(source: Path, target: Path, name: str = "dossier.yaml", edits: dict[str, str] | None = None) -> None:
    shutil.copytree(source, target)
    original = next(p for p in target.iterdir() if p.suffix in (".yaml", ".json"))
    text = original.read_text(encoding="utf-8")
    for old, new in (edits or {}).items():
        assert old in text
        text = text.replace(old, new)
    original.unlink()
    (target / name).write_text(text, encoding="utf-8")


def _make_lot(parent: Path) -> Path:
    root = parent / "lot"
    root.mkdir()
    (root / "binaire.yaml").write_bytes(b"\x00\xff\x00 binaire")
    os.symlink(root / "absent.yaml", root / "lien-casse.yaml")
    (root / "notes.txt").write_text("pas un dossier", encoding="utf-8")
    _copy(GOOD, root / "a")
    _copy(GOOD, root / "b", edits={"beneficiaires_qpv: 22": "beneficiaires_qpv: 30"})  # ELG02 error
    _copy(EXAMPLES / "dossier-json", root / "c", name="dossier.json")
    _copy(EXAMPLES / "erreurs-typiques", root / "d")
    _copy(GOOD, root / "e" / "sous-dossier")
    _copy(GOOD, root / "f", name="dossier.yml")
    _copy(GOOD, root / "g", edits={"quartiers: [Bellecroix]": "quartier: [Bellecroix]"})  # SCH05
    _copy(GOOD, root / ".cache")  # hidden folders are not searched
    return root


@pytest.fixture(scope="module")
def _lot_made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _make_lot(tmp_path_factory.mktemp("batch"))


@pytest.fixture
def lot(_lot_made: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The batch above, in the current folder, written once for the tests that only read it."""
    with in_shared_folder(_lot_made.parent, monkeypatch):
        yield _lot_made


@pytest.fixture
def own_lot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The batch above, in the current folder, `tmp_path`: for a test that changes it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return _make_lot(tmp_path)


def _invoke(*args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(app, ["check", "--date-depot", "2016-01-06", *args], input=stdin)


def _dossiers(*args: str, stdin: str | None = None) -> tuple[int, list[dict[str, Any]]]:
    result = _invoke("--format", "jsonl", *args, stdin=stdin)
    *dossiers, last = [json.loads(line) for line in result.stdout.splitlines()]
    assert last["type"] == "synthese" and last["summary"]["dossiers"] == len(dossiers)
    return result.exit_code, dossiers


def test_a_folder_is_searched_recursively_in_a_stable_order(lot: Path) -> None:
    code, dossiers = _dossiers("--jobs", "1", "lot")
    assert code == 1
    assert [d["file"] for d in dossiers] == LOT


def test_parallel_jobs_give_the_same_report_in_the_same_order(lot: Path) -> None:
    one = _invoke("--format", "jsonl", "--jobs", "1", "lot")
    two = _invoke("--format", "jsonl", "--jobs", "2", "lot")
    assert len(one.stdout.splitlines()) == len(LOT) + 1 >= 9  # the last line: the synthesis
    assert two.stdout == one.stdout
    assert two.exit_code == one.exit_code == 1
    text_one = _invoke("--format", "text", "--jobs", "1", "lot")
    text_two = _invoke("--format", "text", "--jobs", "2", "lot")
    assert text_two.stdout == text_one.stdout


def test_unreadable_files_fail_and_the_batch_goes_on(lot: Path) -> None:
    _, dossiers = _dossiers("--jobs", "2", "lot")
    by_file = {d["file"]: d for d in dossiers}
    for unreadable in ("lot/binaire.yaml", "lot/lien-casse.yaml"):
        assert by_file[unreadable]["passed"] is False
        assert [f["rule"] for f in by_file[unreadable]["findings"]] == ["SCH01"]
    assert by_file["lot/a/dossier.yaml"]["passed"] is True
    assert "SCH05" in {f["rule"] for f in by_file["lot/g/dossier.yaml"]["findings"]}


def test_globs_are_expanded_by_the_tool(lot: Path) -> None:
    _, dossiers = _dossiers("--jobs", "1", "lot/*/dossier.yaml")
    assert [d["file"] for d in dossiers] == ["lot/a/dossier.yaml", "lot/b/dossier.yaml", "lot/d/dossier.yaml",
                                             "lot/g/dossier.yaml"]
    _, dossiers = _dossiers("--jobs", "1", "lot/**/dossier.y*ml", "lot/c/*.json")
    assert [d["file"] for d in dossiers] == [
        "lot/a/dossier.yaml", "lot/b/dossier.yaml", "lot/d/dossier.yaml", "lot/e/sous-dossier/dossier.yaml",
        "lot/f/dossier.yml", "lot/g/dossier.yaml", "lot/c/dossier.json",
    ]


def test_a_dossier_named_several_ways_is_checked_once(lot: Path) -> None:
    absolute = str((lot / "a" / "dossier.yaml").resolve())
    _, dossiers = _dossiers("--jobs", "1", "lot/a/dossier.yaml", "./lot/a/dossier.yaml", absolute, "lot/a")
    assert [d["file"] for d in dossiers] == ["lot/a/dossier.yaml"]


def test_a_glob_matching_nothing_is_a_usage_error(lot: Path) -> None:
    result = _invoke("lot/*.toml")
    assert result.exit_code == 2 and "lot/*.toml" in result.stderr and result.stdout == ""


def test_dash_reads_standard_input_among_other_files(lot: Path) -> None:
    text = (GOOD / "dossier.yaml").read_text(encoding="utf-8")
    code, dossiers = _dossiers("--no-files", "-", "lot/a/dossier.yaml", stdin=text)
    assert code == 0
    assert [(d["file"], d["passed"]) for d in dossiers] == [("-", True), ("lot/a/dossier.yaml", True)]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["lot/a/dossier.yaml", "lot/e"], 0),
        (["lot/a/dossier.yaml", "lot/b/dossier.yaml"], 1),
        (["lot/binaire.yaml"], 1),
        (["lot"], 1),
        (["lot/a/dossier.yaml", "lot/absent.yaml"], 2),
        (["--jobs", "0", "lot/a/dossier.yaml"], 2),
        (["--stritc", "lot/a/dossier.yaml"], 2),
    ],
)
def test_exit_codes(lot: Path, args: list[str], code: int) -> None:
    assert _invoke("--format", "text", *args).exit_code == code


def test_strict_turns_warnings_into_failure(own_lot: Path) -> None:
    warned = own_lot / "a" / "dossier.yaml"
    warned.write_text(warned.read_text(encoding="utf-8").replace("  axes_transversaux: [egalite_femmes_hommes]\n", ""),
                      encoding="utf-8")
    code, [dossier] = _dossiers("lot/a/dossier.yaml")
    assert code == 0 and dossier["passed"] is True and dossier["counts"]["warning"] == 1
    code, [dossier] = _dossiers("--strict", "lot/a/dossier.yaml")
    assert code == 1 and dossier["passed"] is False


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ([], 1),
        (["--ignore", "ELG02"], 0),
        (["--ignore", "elg"], 0),
        (["--select", "PCE,OBJ"], 0),
        (["--select", "ELG0"], 1),
        (["--select", "ELG", "--ignore", "ELG02"], 0),
    ],
)
def test_select_and_ignore_with_prefixes(lot: Path, args: list[str], code: int) -> None:
    result, [dossier] = _dossiers(*args, "lot/b/dossier.yaml")
    assert result == code
    rules = {f["rule"] for f in dossier["findings"]}
    assert ("ELG02" in rules) == (code == 1)


def test_the_walk_goes_on_while_the_first_dossiers_are_checked(tmp_path: Path) -> None:
    """A folder is walked as its dossiers are needed: what the walk has not reached yet when the
    first dossier comes is not there to be found (here, removed in the meantime)."""
    from cdv_check.core.batch import Discovery

    for name in ("a", "m", "z"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "dossier.yaml").write_text("x: 1\n", encoding="utf-8")
    found = iter(Discovery([str(tmp_path)]))
    assert next(found) == (str(tmp_path / "a" / "dossier.yaml"), False)
    shutil.rmtree(tmp_path / "z")
    assert list(found) == [(str(tmp_path / "m" / "dossier.yaml"), False)]


def test_the_first_result_comes_before_the_discovery_ends(tmp_path: Path) -> None:
    from datetime import date

    from cdv_check.core import batch
    from cdv_check.core.checker import Settings
    from cdv_check.model.referentiel import load

    dossier = tmp_path / "dossier.yaml"
    shutil.copy(GOOD / "dossier.yaml", dossier)
    given: list[int] = []

    def discovery() -> Any:
        for n in range(300):
            given.append(n)
            yield str(dossier), True

    results = batch.run_tasks(discovery(), ref=load(), referentiel=None, jobs=2,
                              settings=Settings(today=date(2016, 1, 5), check_files=False))
    first = next(results)
    assert first.file == str(dossier) and len(given) < 300
    assert len(list(results)) == 299 and len(given) == 300


def test_the_chunks_sent_to_the_workers_shrink_at_the_end_and_lose_no_dossier() -> None:
    """Chunks of 1, 2, 4… 16 dossiers; once the walk is over, each at most an equal share of what
    is left, so that both workers finish together; never read far ahead of what is sent."""
    from cdv_check.core.batch import _chunks

    read: list[int] = []

    def walk() -> Iterator[tuple[str, bool]]:
        for n in range(100):
            read.append(n)
            yield f"d{n}.yaml", False

    chunks = _chunks(walk(), 2)
    first = next(chunks)
    assert first == [("d0.yaml", False)] and len(read) <= 4
    sizes = [len(first)] + [len(chunk) for chunk in chunks]
    assert sizes[:5] == [1, 2, 4, 8, 16]
    assert sum(sizes) == 100 and max(sizes) == 16
    assert sizes[-4:] == sorted(sizes[-4:], reverse=True) and sizes[-1] == 1
    everything = [task for chunk in _chunks(walk(), 2) for task in chunk]
    assert everything == [(f"d{n}.yaml", False) for n in range(100)]
