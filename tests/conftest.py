"""Shared test helpers: dossiers made from the complete example, with textual edits."""

from __future__ import annotations

import contextlib
import functools
import io
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import pytest
import yaml
from hypothesis import HealthCheck, settings

import cdv_check
from cdv_check.core.checker import DossierResult, Settings, check_path
from cdv_check.core.findings import Finding
from cdv_check.model.referentiel import Referentiel, load

# pytest caches the test modules it rewrites as bytecode; an environment that forbids bytecode
# (PYTHONDONTWRITEBYTECODE=1, as Docker images set it) makes every run rewrite them all again,
# a third of the fast subset's time on the project's machine.
sys.dont_write_bytecode = False

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
    "tests/hostile/test_signals.py": "signals to a process and its workers",
    "tests/hostile/test_signal_last_phase.py": "signals to a process, 1 500 dossiers",
    "tests/hostile/test_interrupt.py": "signals to a process",
    "tests/hostile/test_nonblocking_stdout.py": "a pipe read slowly",
    "tests/hostile/test_deep_folders.py": "a thousand levels of folders",
    "tests/hostile/test_parallelism.py": "worker pools started to count their workers",
}
SLOW_TESTS = {
    "tests/test_exports.py::test_html_in_chromium_shows_what_json_says_and_hostile_text_as_text": "Chromium",
    "tests/test_narrow.py::test_a_command_error_in_a_narrow_terminal_splits_no_word": "a pseudo-terminal",
    "tests/test_no_call_facts.py::test_init_in_a_terminal_names_no_fact_of_2016": "a pseudo-terminal",
    "tests/test_schema_agreement.py::test_schema_and_check_agree_on_every_value": "property test inside",
    "tests/hostile/test_linear_time.py::test_twice_the_items_less_than_two_and_a_half_times_the_work": "megabytes",
    "tests/hostile/test_linear_time.py::test_near_misses_are_looked_up_once_per_distinct_value_and_no_more_than_shown":
        "dossiers of a thousand items",
    "tests/test_synthesis_units.py::test_past_the_bound_the_lot01_keys_and_the_carriers_leave_memory":
        "a thousand dossiers, under tracemalloc",
    "tests/hostile/test_structure.py::test_billion_laughs_stops_at_the_node_limit": "megabytes",
    "tests/hostile/test_structure.py::test_sixty_mebibyte_scalar_is_refused_by_size": "megabytes",
    "tests/hostile/test_structure.py::test_sixty_mebibytes_on_standard_input_are_refused_by_size": "megabytes",
    "tests/hostile/test_structure.py::test_long_value_repeated_by_aliases_stops_at_the_text_limit": "megabytes",
    "tests/hostile/test_structure.py::test_two_hundred_thousand_keys_stop_at_the_node_limit": "megabytes",
    "tests/hostile/test_structure.py::test_ten_thousand_findings_are_capped_and_counted": "megabytes",
    "tests/hostile/test_structure.py::test_ten_thousand_findings_keep_the_text_report_short": "megabytes",
    # the modules a fresh interpreter imports
    "tests/test_cli.py::test_browsing_the_call_does_not_load_the_rules": "a fresh interpreter's imports",
    "tests/test_api.py::test_the_everyday_check_does_not_import_the_library_door": "a fresh interpreter's imports",
    "tests/test_exports.py::test_the_everyday_formats_do_not_import_jinja2_nor_openpyxl":
        "a fresh interpreter's imports",
    "tests/rules/test_cerfa_pdf.py::test_pypdf_is_loaded_only_to_read_a_cerfa": "a fresh interpreter's imports",
    "tests/rules/test_cerfa_pdf.py::test_a_whole_pdf_naming_the_form_is_recognised_without_pypdf":
        "a fresh interpreter's imports",
    # standard streams closed, cut or full, and the locale, as a process gets them
    "tests/hostile/test_streams.py::test_closed_stdout_still_gives_the_exit_code": "a closed stream",
    "tests/hostile/test_streams.py::test_closed_stdin_is_an_empty_dossier": "a closed stream",
    "tests/hostile/test_streams.py::test_a_reader_that_leaves_early_stops_the_report_quietly": "a pipe cut",
    "tests/hostile/test_streams.py::test_a_full_disk_is_a_french_message_and_exit_2": "a full disk as stdout",
    "tests/hostile/test_init_answers.py::test_an_answer_in_windows_1252_is_read_as_text_and_said":
        "the locale of a process",
    # worker pools
    "tests/test_batch.py::test_the_first_result_comes_before_the_discovery_ends": "a worker pool, 300 dossiers",
    "tests/test_batch.py::test_parallel_jobs_give_the_same_report_in_the_same_order": "a worker pool",
    "tests/hostile/test_workers.py::test_killed_worker_loses_no_dossier": "a worker pool, one worker killed",
    # the contributor hook's own command
    "tests/test_pre_commit.py::test_the_schema_hook_passes_on_the_committed_schema_and_fails_on_a_stale_one":
        "the hook's command in a shell",
}
"""Tests left out of the fast subset, `pytest -m "not slow"` (README, « Contribuer »), besides
every hypothesis test (marked below) and the runs of the program in a process of its own whose
twin runs in this process (the `cdv` fixture, below): the full suite (`pytest`, .ci/run) runs
them all. The list is kept here, not in each file, so that one place says what the fast subset
leaves out, and why."""


TWIN_PER: dict[str, tuple[str, ...]] = {
    "tests/hostile/test_any_name_any_encoding.py::test_every_format_on_an_output_that_cannot_carry_every_character":
        ("encoding",),
    "tests/test_exports.py::test_output_takes_the_permissions_the_umask_gives": ("umask",),
}
"""The subprocess twin of a test that takes the `cdv` fixture (below) runs for the test's first
parameters only, or, for the tests named here, once per value of the parameters that act on the
process itself (its output encoding, its umask): what a process of its own proves (the entry
function, the streams as the interpreter opens them, the exit code) does not depend on the format
or the file name, which every parameter set still tests in this process. `pytest --all-twins`
runs every twin."""


PROPERTIES_INSIDE = {"tests/test_schema_agreement.py::test_schema_and_check_agree_on_every_value"}
"""Tests that run a hypothesis property of their own inside (marked `property` as the others)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--all-twins", action="store_true",
                     help="run the subprocess twin of every parameter set of the cdv fixture's tests")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    slow = pytest.mark.slow
    twins: set[tuple[str, ...]] = set()
    left_out: list[pytest.Item] = []
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        test = item.nodeid.split("[", 1)[0]
        function = getattr(item, "obj", None)
        hypothesis = getattr(function, "is_hypothesis_test", False) or test in PROPERTIES_INSIDE
        if hypothesis:
            item.add_marker(pytest.mark.property)
        if module in SLOW_MODULES or test in SLOW_TESTS or hypothesis:
            item.add_marker(slow)
        params = getattr(getattr(item, "callspec", None), "params", {})
        if params.get("cdv") == "subprocess" and not config.getoption("--all-twins"):
            twin = (test, *(repr(params[name]) for name in TWIN_PER.get(test, ())))
            if twin in twins:
                left_out.append(item)
            twins.add(twin)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        kept = set(map(id, items)) - set(map(id, left_out))
        items[:] = [item for item in items if id(item) in kept]


def _built_once(build: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`build(app)` made once per app (the app kept, so that its id stays its own)."""
    built: dict[int, tuple[object, Any]] = {}

    def once(app: Any) -> Any:
        if id(app) not in built:
            built[id(app)] = (app, build(app))
        return built[id(app)][1]

    return once


@pytest.fixture(autouse=True, scope="session")
def _one_click_command_per_app() -> Iterator[None]:
    """typer builds the click command anew at each `invoke` of CliRunner and at each run of the
    program's entry function in this process (`main_in_process`), 10 to 20 ms each (it reads
    every command function's signature), which the tests do a thousand times; the program
    builds it once per run. Built once per app here, once for each of the two doors (typer's
    `get_command`, which the program calls, and typer.testing's own import of it, private: left
    alone if a typer version names it otherwise). The program's command is made French in
    place at each run (`click_french._frenchify`), the same each time."""
    import typer.main
    import typer.testing

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.main, "get_command", _built_once(typer.main.get_command))
        testing = getattr(typer.testing, "_get_command", None)
        if testing is not None:
            patch.setattr(typer.testing, "_get_command", _built_once(testing))
        yield


@pytest.fixture(autouse=True, scope="session")
def _html_templates_compiled_once() -> Iterator[None]:
    """The html report compiles its Jinja2 templates at its first dossier (0.1 to 0.2 s), once
    per run of the program; the tests run the program in this process a few dozen times in html.
    Compiled once per test session here: the same templates, from the same files, render each
    report (a subprocess twin, in the full suite, still compiles its own)."""
    from cdv_check.reporters import html_report

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(html_report, "_templates", functools.cache(html_report._templates))
        yield


def yaml_data(text: str) -> Any:
    """`yaml.safe_load(text)`, by libyaml when PyYAML has it: the same data, ten times as fast on
    the référentiel (0.25 s in pure Python, which tests that read it pay at each run)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def yaml_text(data: Any) -> str:
    """`yaml.safe_dump(data, allow_unicode=True, sort_keys=False)`, by libyaml when PyYAML has it:
    the same text."""
    return yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), allow_unicode=True, sort_keys=False)


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


Snapshot = dict[str, tuple[int, int, int]]


def snapshot(tree: Path) -> Snapshot:
    """Each entry under `tree` (and `tree` itself) with its mode, size and modification time: what
    a write, a new file, a removal or a chmod changes."""
    status = os.lstat(tree)
    seen: Snapshot = {".": (status.st_mode, status.st_size, status.st_mtime_ns)}

    def walk(folder: str, prefix: str) -> None:  # the keys os.walk and os.path.relpath would give
        with os.scandir(folder) as entries:
            for entry in entries:
                status = entry.stat(follow_symlinks=False)
                seen[prefix + entry.name] = (status.st_mode, status.st_size, status.st_mtime_ns)
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, f"{prefix}{entry.name}/")

    walk(os.fspath(tree), "")
    return seen


class ExamplePieces:
    """One copy per test session of the complete example's pieces, which a test's folder gets as
    hard links instead of copies (a copy is 2 to 3 times the file-system work of a link on a slow
    disk, and most tests copy the example only to read it). A test that writes into a linked
    piece (or changes its mode) fails, and the session's copy is made again for the tests that
    follow; such a test is marked `own_pieces` and gets copies of its own."""

    def __init__(self, folder: Path) -> None:
        assert sorted(os.listdir(VALID_EXAMPLE)) == ["dossier.yaml", "pieces"], "the example, as linked"
        self.folder = folder
        shutil.copytree(VALID_EXAMPLE / "pieces", folder)
        self.names = sorted(os.listdir(folder))

    def give(self, pieces: Path, *, own: bool) -> None:
        """The example's pieces in the new folder `pieces`: links, or copies if `own`."""
        if own:
            shutil.copytree(self.folder, pieces, copy_function=shutil.copyfile)
            return
        pieces.mkdir(parents=True)
        for name in self.names:
            os.link(self.folder / name, pieces / name)

    @contextlib.contextmanager
    def kept(self, request: pytest.FixtureRequest) -> Iterator[bool]:
        """Whether the test has pieces of its own (marked `own_pieces`); around it, the check
        that it left the linked ones alone."""
        own = request.node.get_closest_marker("own_pieces") is not None
        before = None if own else snapshot(self.folder)
        yield own
        if before is not None and snapshot(self.folder) != before:
            shutil.rmtree(self.folder)
            shutil.copytree(VALID_EXAMPLE / "pieces", self.folder)
            pytest.fail("this test changed a piece of the example that it got as a hard link: mark it own_pieces")


@pytest.fixture(scope="session")
def example_pieces(tmp_path_factory: pytest.TempPathFactory) -> ExamplePieces:
    return ExamplePieces(tmp_path_factory.mktemp("example") / "pieces")


@pytest.fixture
def make_case(tmp_path: Path, request: pytest.FixtureRequest, example_pieces: ExamplePieces) -> Iterator[MakeCase]:
    """Copy the complete example (with its pieces) and apply textual edits to its dossier.

    `make_case({"old text": "new text"})` replaces each old text (which must occur exactly once);
    `make_case(text="...")` writes a dossier of its own beside the example's pieces. The pieces
    are hard links unless the test is marked `own_pieces` (ExamplePieces).
    """
    counter = iter(range(1000))

    with example_pieces.kept(request) as own:

        def make(
            replacements: dict[str, str] | None = None,
            *,
            text: str | None = None,
            name: str = "dossier.yaml",
        ) -> Case:
            folder = tmp_path / f"case{next(counter)}"
            example_pieces.give(folder / "pieces", own=own)
            if text is None:
                text = (VALID_EXAMPLE / "dossier.yaml").read_text(encoding="utf-8")
                for old, new in (replacements or {}).items():
                    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
                    text = text.replace(old, new)
            path = folder / name
            path.write_text(text, encoding="utf-8")
            return Case(path, text)

        yield make


CopiesOf = Callable[[str, int], Path]


@pytest.fixture(scope="session")
def copies_of(tmp_path_factory: pytest.TempPathFactory) -> CopiesOf:
    """`copies_of("erreurs-typiques", 40)`: a folder holding d00, d01… d39, each a copy of that
    example (its dossier and its pieces), written once per test session: for the tests that only
    read it (a batch whose report is many times a pipe's buffer, say)."""
    made: dict[tuple[str, int], Path] = {}

    def copies(name: str, count: int) -> Path:
        if (name, count) not in made:
            folder = tmp_path_factory.mktemp(f"{name}-{count}")
            for n in range(count):
                shutil.copytree(EXAMPLES / name, folder / f"d{n:02}")
            made[name, count] = folder
        return made[name, count]

    return copies


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Around a test that shares `folder` with others: the test fails if it changed anything in it."""
    before = snapshot(folder)
    yield
    assert snapshot(folder) == before, f"this test wrote into {folder}, shared by other tests: give it a copy"


@contextlib.contextmanager
def in_shared_folder(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The current folder is `folder`, shared by other tests (no CI annotations): the test fails
    if it changed anything in it (`read_only`)."""
    monkeypatch.chdir(folder)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    with read_only(folder):
        yield


@pytest.fixture(scope="session")
def _mixed_batch_made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    from mixed_batch import make_batch

    folder = tmp_path_factory.mktemp("mixed-batch")
    return folder, make_batch(folder)


@pytest.fixture
def mixed_batch(_mixed_batch_made: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The batch of tests/mixed_batch.py in the current folder (no CI annotations), written once
    per test session for the tests that only read it: the current folder is shared, so a test
    that writes a file (a report, say) takes `own_mixed_batch`."""
    folder, files = _mixed_batch_made
    with in_shared_folder(folder, monkeypatch):
        yield files


@pytest.fixture
def own_mixed_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _mixed_batch_made: tuple[Path, list[str]]
) -> Iterator[list[str]]:
    """The batch of tests/mixed_batch.py in the current folder, `tmp_path` (no CI annotations),
    for a test that writes there: its files hard links to the session's batch, which the test
    must leave as it is."""
    folder, files = _mixed_batch_made
    with read_only(folder):
        shutil.copytree(folder / "lot", tmp_path / "lot", symlinks=True, copy_function=os.link)
        monkeypatch.chdir(tmp_path)
        monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
        yield files


# --- the program as the console script runs it ------------------------------------------------


@dataclass(frozen=True)
class Ran:
    """What `cdv-check ARGS` did: its exit code and what it wrote (bytes, and as UTF-8 text)."""

    returncode: int
    out: bytes
    err: bytes

    @property
    def stdout(self) -> str:
        return self.out.decode("utf-8")

    @property
    def stderr(self) -> str:
        return self.err.decode("utf-8")


class _KeptBytes(io.BytesIO):
    """A stream's bytes, kept readable after the program closed the stream."""

    def close(self) -> None:
        pass


class _OsWithoutExit:
    """`os` as `cdv_check.__main__` sees it in this process: os._exit ends the run, not pytest."""

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    @staticmethod
    def _exit(code: int) -> NoReturn:
        raise SystemExit(code)


def main_in_process(
    args: Sequence[str],
    *,
    stdin: bytes = b"",
    env: Mapping[str, str] | None = None,
    cwd: Path | str | None = None,
    encoding: str = "utf-8",
) -> Ran:
    """`python -m cdv_check ARGS` run in this process, through the console script's own entry
    function (`cdv_check.__main__.main`: the fast path, typer, the exit codes, the flush at the
    end), with its own arguments, environment (`env` replaces it all, as subprocess's does),
    working folder and standard streams in `encoding` (as PYTHONIOENCODING sets them; none is a
    terminal). What needs a process of its own (signals, pipes and closed streams, the modules a
    fresh interpreter imports) is run by `main_in_subprocess` instead, in the slow set."""
    import cdv_check.__main__ as entry

    out, err = _KeptBytes(), _KeptBytes()
    streams = {
        "stdin": io.TextIOWrapper(io.BytesIO(stdin), encoding=encoding),
        "stdout": io.TextIOWrapper(out, encoding=encoding),
        "stderr": io.TextIOWrapper(err, encoding=encoding, errors="backslashreplace"),
    }
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    code: int
    saved = dict(os.environ)  # restored afterwards: main sets PYDANTIC_DISABLE_PLUGINS, say
    with pytest.MonkeyPatch.context() as patch:
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        if cwd is not None:
            patch.chdir(cwd)
        patch.setattr(sys, "argv", ["cdv-check", *args])
        for name, stream in streams.items():
            patch.setattr(sys, name, stream)
            patch.setattr(sys, f"__{name}__", stream)  # shutil.get_terminal_size asks __stdout__
        patch.setattr(entry, "os", _OsWithoutExit())
        try:
            entry.main()
            code = 0
        except SystemExit as exc:
            if isinstance(exc.code, str):
                streams["stderr"].write(exc.code + "\n")
            code = 1 if isinstance(exc.code, str) else exc.code or 0
        finally:
            for stream in streams.values():
                try:
                    stream.flush()
                except (OSError, ValueError):
                    pass
            for signum, handler in handlers.items():
                signal.signal(signum, handler)
            os.environ.clear()
            os.environ.update(saved)
    return Ran(code, out.getvalue(), err.getvalue())


def main_in_subprocess(
    args: Sequence[str],
    *,
    stdin: bytes = b"",
    env: Mapping[str, str] | None = None,
    cwd: Path | str | None = None,
    encoding: str = "utf-8",
) -> Ran:
    """`python -m cdv_check ARGS` in a process of its own, the same arguments as `main_in_process`."""
    environment = dict(os.environ if env is None else env)
    if encoding != "utf-8":
        environment["PYTHONIOENCODING"] = encoding
    done = subprocess.run(
        [sys.executable, "-m", "cdv_check", *args],
        input=stdin, capture_output=True, env=environment, cwd=cwd, timeout=300,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


Main = Callable[..., Ran]


@pytest.fixture(params=["in-process", pytest.param("subprocess", marks=pytest.mark.slow)])
def cdv(request: pytest.FixtureRequest) -> Main:
    """`python -m cdv_check ARGS`, run in this process (the fast subset) and again, in the full
    suite, in a process of its own: a test of what the program says, with its exit code, runs in
    the inner loop without paying a Python start-up, and the real process still proves it."""
    return main_in_process if request.param == "in-process" else main_in_subprocess


# --- a real browser, for the html reports ---------------------------------------------------


def chromium() -> str:
    """Debian's chromium (or a namesake); in CI its absence fails the test, elsewhere skips it."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("chromium absent in CI: .ci/run installs it (apt-get install -y chromium)")
    pytest.skip("chromium absent: apt-get install -y chromium (CI installs it)")


def browser(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Headless Chromium with `args`, its profile in the current folder."""
    return subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--user-data-dir=" + str(Path.cwd() / ".chromium"), *args],
        capture_output=True, text=True, timeout=timeout,
    )
