"""Paths → dossier files → results, in parallel processes, in a stable order."""

from __future__ import annotations

import glob
import os
import signal
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdv_check.core.checker import DossierResult, Settings, check_path
from cdv_check.core.findings import Finding, Severity
from cdv_check.model.referentiel import Referentiel, load

SUFFIXES = (".yaml", ".yml", ".json")
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class Expansion:
    files: list[str]
    missing: list[str]
    """Paths given on the command line that name nothing (exit 2)."""


def expand(paths: Iterable[str]) -> Expansion:
    """Files to check, in the order given; folders searched recursively, globs expanded here."""
    files: list[str] = []
    missing: list[str] = []
    for given in paths:
        if given == "-":
            files.append(given)
        elif _GLOB_CHARS & set(given) and not os.path.lexists(given):
            matches = sorted(glob.glob(given, recursive=True))
            found = [m for m in matches if not os.path.isdir(m)]
            for folder in (m for m in matches if os.path.isdir(m)):
                found.extend(_dossiers_in(folder))
            (files.extend(found) if found else missing.append(given))
        elif os.path.isdir(given):
            files.extend(_dossiers_in(given))
        elif os.path.lexists(given):
            files.append(given)
        else:
            missing.append(given)
    return Expansion(_once_each(files), missing)


def _once_each(files: list[str]) -> list[str]:
    """Each file once, under the first spelling given: `a.yaml`, `./a.yaml` and its absolute path
    are one dossier. Links are not resolved: two names of one file are two dossiers."""
    first: dict[str, str] = {}
    for path in files:
        first.setdefault(path if path == "-" else os.path.normpath(os.path.abspath(path)), path)
    return list(first.values())


def _dossiers_in(folder: str) -> list[str]:
    found: list[str] = []
    for root, dirs, names in os.walk(folder):  # does not follow links to folders
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(
            os.path.join(root, n)
            for n in sorted(names)
            if n.endswith(SUFFIXES) and not n.startswith(".")
        )
    return found


# Per worker process: loaded once by the initializer.
_worker: dict[str, Any] = {}


def _init_worker(referentiel: Path | None, settings: Settings) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C for everyone
    _worker["ref"] = load(referentiel)
    _worker["settings"] = settings


def _check_in_worker(path: str) -> DossierResult:
    return check_one(path, _worker["ref"], _worker["settings"])


def check_one(path: str, ref: Referentiel, settings: Settings, *, stdin: Any = None) -> DossierResult:
    """Check one file; a bug of cdv-check on one file is reported on that file, the batch goes on."""
    try:
        return check_path(path, ref, settings, stdin=stdin)
    except RecursionError:
        reason = "structure trop profonde"
    except Exception as exc:  # noqa: BLE001  (reported as a finding, never swallowed)
        reason = f"{type(exc).__name__}: {exc}"
    finding = Finding(
        "SCH01",
        Severity.ERROR,
        f"Erreur interne de cdv-check sur ce fichier ({reason}).",
        "Merci de signaler ce problème avec le fichier ; les autres dossiers sont vérifiés.",
        "",
        None,
        None,
    )
    return DossierResult(file=path, findings=(finding,))


def run(
    files: list[str],
    *,
    ref: Referentiel,
    referentiel: Path | None,
    settings: Settings,
    jobs: int,
) -> Iterator[DossierResult]:
    """Results in the order of `files`, each yielded as soon as it and those before it are done.

    Ctrl-C raises KeyboardInterrupt only from the iteration itself (see `_between_results`).
    """
    yield from _between_results(
        _results(files, ref=ref, referentiel=referentiel, settings=settings, jobs=jobs)
    )


def _between_results(results: Iterator[DossierResult]) -> Iterator[DossierResult]:
    """Let Ctrl-C stop the batch only while waiting for the next result.

    Raised while the caller writes a dossier's report or adds it to the summary, the interrupt
    would leave half a line, or a summary counting a dossier the report does not show. A first
    SIGINT that comes then is kept for the next wait; a second one is obeyed at once.
    """
    if threading.current_thread() is not threading.main_thread():
        yield from results
        return
    state = {"waiting": False, "pending": False}

    def on_sigint(signum: int, frame: Any) -> None:
        if state["waiting"] or state["pending"]:
            raise KeyboardInterrupt
        state["pending"] = True

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        while True:
            state["waiting"] = True
            try:
                if state["pending"]:
                    raise KeyboardInterrupt
                result = next(results)
            except StopIteration:
                return
            finally:
                state["waiting"] = False
            yield result
    finally:
        signal.signal(signal.SIGINT, previous)
        close = getattr(results, "close", None)
        if close is not None:
            close()


def _results(
    files: list[str],
    *,
    ref: Referentiel,
    referentiel: Path | None,
    settings: Settings,
    jobs: int,
) -> Iterator[DossierResult]:
    if jobs <= 1 or len(files) < 4 or "-" in files:
        for path in files:
            yield check_one(path, ref, settings, stdin=sys.stdin.buffer if path == "-" else None)
        return
    from concurrent.futures import ProcessPoolExecutor  # imported here: one dossier never pays for it
    from concurrent.futures.process import BrokenProcessPool

    workers = min(jobs, len(files))
    chunk = max(1, min(64, len(files) // (workers * 8)))
    executor = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_context(),
        initializer=_init_worker,
        initargs=(referentiel, settings),
    )
    done = 0
    try:
        for result in executor.map(_check_in_worker, files, chunksize=chunk):
            done += 1
            yield result
    except BrokenProcessPool:
        # A worker was killed (by the system, short of memory…): the rest is checked here.
        executor.shutdown(wait=False, cancel_futures=True)
        for path in files[done:]:
            yield check_one(path, ref, settings)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _context() -> Any:
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")
