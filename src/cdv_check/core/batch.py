"""Paths → dossier files → results, in parallel processes, in a stable order."""

from __future__ import annotations

import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from cdv_check.core.checker import DossierResult, Settings, check_path
from cdv_check.core.findings import Finding, Severity
from cdv_check.core.interruption import Interruption
from cdv_check.core.registry import all_rules
from cdv_check.model.referentiel import Referentiel, load

if TYPE_CHECKING:  # the pool is imported only when a batch needs it
    from concurrent.futures import Future

SUFFIXES = (".yaml", ".yml", ".json")
_GLOB_CHARS = frozenset("*?[")


class Expansion(NamedTuple):
    files: list[str]
    missing: list[str]
    """Paths given on the command line that name nothing (exit 2)."""
    walked: frozenset[str] = frozenset()
    """The files found by walking a folder or expanding a pattern (not named on the command line):
    a symbolic link among them is not followed, see `follows_links`."""

    def follows_links(self, path: str) -> bool:
        """One policy for links, as for piece files: a link found by walking a folder or by a
        pattern is not followed (a dossier folder must not lead to `/etc/passwd` or to a file
        outside it); a path named on the command line is the user's choice, and is followed."""
        return path not in self.walked


def expand(paths: Iterable[str]) -> Expansion:
    """Files to check, in the order given; folders searched recursively, globs expanded here."""
    discovery = Discovery(paths)
    files: list[str] = []
    walked: set[str] = set()
    for path, follow in discovery:
        files.append(path)
        if not follow:
            walked.add(path)
    return Expansion(files, discovery.missing, frozenset(walked))


class Discovery:
    """The files of a run, found as the check goes: a folder is walked while its first dossiers
    are already being checked (`run_tasks`), not before.

    What must be known before anything is checked is known at once: the paths that name nothing
    (`missing`), whether standard input is read (`stdin`). A pattern is expanded whole when the
    discovery is made (its matches come sorted, as from glob). Iterating gives each file once,
    under the first spelling given (`a.yaml`, `./a.yaml` and its absolute path are one dossier;
    links are not resolved: two names of one file are two dossiers), with whether a link there
    is followed (`Expansion.follows_links`).
    """

    def __init__(self, paths: Iterable[str]) -> None:
        self.missing: list[str] = []
        self.stdin = False
        self._named: set[str] = set()
        self._plan: list[tuple[str, list[str] | None]] = []
        """(path, None) for a path named or a folder to walk; (pattern, its files) for a pattern."""
        for given in paths:
            if given == "-":
                self.stdin = True
                self._plan.append((given, None))
            elif _GLOB_CHARS & set(given) and not os.path.lexists(given):
                matches = _glob(given)
                found = [m for m in matches if not _real_folder(m)]
                for folder in (m for m in matches if _real_folder(m)):
                    found.extend(_dossiers_in(folder))
                (self._plan.append((given, found)) if found else self.missing.append(given))
            elif os.path.isdir(given) or os.path.lexists(given):
                self._plan.append((given, None))
                if not os.path.isdir(given):
                    self._named.add(given)
            else:
                self.missing.append(given)

    def __iter__(self) -> Iterator[_Task]:
        # One folder walked, or one file, gives each file once: no set of every path is kept then
        # (in a batch of 100 000 dossiers, some 15 MB).
        once = len(self._plan) == 1 and self._plan[0][1] is None
        seen: set[str] = set()
        for given, found in self._plan:
            walked = found is not None or (given != "-" and os.path.isdir(given))
            if found is not None:
                files: Iterable[str] = found
            elif walked:
                files = _walk_dossiers(given)
            else:
                files = (given,)
            for path in files:
                if not once:
                    key = path if path == "-" else os.path.normpath(os.path.abspath(path))
                    if key in seen:
                        continue
                    seen.add(key)
                yield path, not walked or path in self._named


def _dossiers_in(folder: str) -> list[str]:
    return list(_walk_dossiers(folder))


def _walk_dossiers(folder: str) -> Iterator[str]:
    for root, _dirs, names in _walk(folder):
        yield from (os.path.join(root, n) for n in names if n.endswith(SUFFIXES) and not n.startswith("."))


def _walk(top: str, *, links_listed: bool = True) -> Iterator[tuple[str, list[str], list[str]]]:
    """`os.walk(top)` without recursion (Python 3.11's recurses, and a folder 1 000 levels deep
    would exhaust the interpreter's stack), in the same order: each folder, then each of its
    subfolders in name order, depth first. Hidden folders (`.x`) are neither listed nor entered;
    links to folders are never entered, and listed among the folders only when `links_listed`.
    A folder that cannot be read is passed over, as by os.walk."""
    stack = [top]
    while stack:
        root = stack.pop()
        dirs: list[str] = []
        real: list[str] = []
        names: list[str] = []
        try:
            with os.scandir(root) as entries:
                for entry in entries:
                    if not _is_dir(entry):
                        names.append(entry.name)
                    elif entry.name.startswith("."):
                        continue
                    elif not _is_link(entry):
                        dirs.append(entry.name)
                        real.append(entry.name)
                    elif links_listed:
                        dirs.append(entry.name)
        except OSError:
            continue
        dirs.sort()
        names.sort()
        yield root, dirs, names
        stack.extend(os.path.join(root, d) for d in sorted(real, reverse=True))


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_link(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return False


def _real_folder(path: str) -> bool:
    return os.path.isdir(path) and not os.path.islink(path)


def _glob(pattern: str) -> list[str]:
    """What `glob.glob(pattern, recursive=True)` gives, in order, except that a link met while
    matching a wildcard is never entered: `**` walks real folders only, so `ln -s . a` makes no
    loop (glob would enter a/a/a/… until the path is too long). A folder named literally in the
    pattern is the user's choice and is entered, link or not. Hidden names (`.x`) match only a
    part that starts with a dot, as in glob.
    """
    from fnmatch import fnmatchcase

    parts = [part for part in pattern.split("/") if part]
    base = "/" if pattern.startswith("/") else ""
    found: list[str] = []
    seen: set[tuple[str, int]] = set()
    stack = [(base, 0)]
    while stack:
        folder, index = stack.pop()
        if (folder, index) in seen or index >= len(parts):
            continue
        seen.add((folder, index))
        part, last = parts[index], index == len(parts) - 1
        if part == "**" and last:
            # The folder, walked for its dossiers (not every file below, as glob); listing each
            # folder below too would only give the same dossiers again, 1 000 times over in a
            # folder 1 000 levels deep.
            found.append(folder or ".")
        elif part == "**":
            stack.extend((b, index + 1) for b in [folder, *_real_folders_below(folder)])
        elif not _GLOB_CHARS & set(part):
            path = os.path.join(folder, part)
            if last and os.path.lexists(path):
                found.append(path)
            elif not last and os.path.isdir(path):
                stack.append((path, index + 1))
        else:
            for entry in _entries(folder):
                if (entry.name.startswith(".") and not part.startswith(".")) or not fnmatchcase(entry.name, part):
                    continue
                path = os.path.join(folder, entry.name)
                if last:
                    found.append(path)
                elif _entry_is_real_folder(entry):
                    stack.append((path, index + 1))
    return sorted(set(found))


def _entries(folder: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder or ".") as entries:
            return list(entries)
    except OSError:  # not a folder, or not readable: nothing matches there, as in glob
        return []


def _entry_is_real_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _real_folders_below(folder: str) -> list[str]:
    """Every folder under `folder` (spelled as the pattern spells it), hidden ones left out as by
    glob's `**`, links to folders neither listed nor entered."""
    below: list[str] = []
    for root, dirs, _names in _walk(folder or ".", links_listed=False):
        spelled = root if folder else os.path.relpath(root)
        below.extend(d if spelled == "." else os.path.join(spelled, d) for d in dirs)
    return below


# Per worker process: loaded once by the initializer.
_worker: dict[str, Any] = {}


def _init_worker(referentiel: Path | None, settings: Settings, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C for everyone…
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # …and ends its workers with SIGTERM
    _end_with(parent)
    # A worker writes nothing: it must not hold the report's stdout or stderr open (a reader
    # waiting for the end of the output would wait for it too).
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)
    _worker["ref"] = load(referentiel)
    _worker["settings"] = settings


def _end_with(parent: int) -> None:
    """A parent killed outright (SIGKILL, the system short of memory) cannot end its workers:
    on Linux, the system sends them SIGTERM when it dies, so that none is left blocked forever."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # no prctl: the parent's own handlers still end the workers
        return
    if os.getppid() != parent:  # it died before the request was made
        os._exit(1)


def _check_in_worker(path: str, follow_links: bool = True) -> DossierResult:
    return check_one(path, _worker["ref"], _worker["settings"], follow_links=follow_links)


def check_one(
    path: str, ref: Referentiel, settings: Settings, *, stdin: Any = None, follow_links: bool = True
) -> DossierResult:
    """Check one file; a bug of cdv-check on one file is reported on that file, the batch goes on."""
    try:
        return check_path(path, ref, settings, stdin=stdin, follow_links=follow_links)
    except RecursionError:
        reason = "structure trop profonde"
    except Exception as exc:
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


MAX_WORKERS = 16
"""Worker processes at most, whatever is asked: each holds the référentiel and the rules (some
50 MB), and beyond this the parent, which writes the report in order, is the bottleneck."""


def workers(requested: int | None, dossiers: int) -> int:
    """The one bound on parallelism, wherever the number comes from (`--jobs`, configuration,
    default): no more than the cores this process may use, the dossiers, and MAX_WORKERS."""
    cores = _usable_cores()
    return max(1, min(requested or cores, cores, dossiers, MAX_WORKERS))


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # a container or `taskset` may allow fewer than the machine has
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def run(
    files: list[str],
    *,
    ref: Referentiel,
    referentiel: Path | None,
    settings: Settings,
    jobs: int | None,
    interruption: Interruption | None = None,
    walked: frozenset[str] = frozenset(),
) -> Iterator[DossierResult]:
    """Results in the order of `files`: `run_tasks` over a list known in advance.

    A symbolic link is followed only for a file not in `walked` (see `Expansion.follows_links`)."""
    yield from run_tasks(
        [(path, path not in walked) for path in files], ref=ref, referentiel=referentiel, settings=settings,
        jobs=jobs, interruption=interruption, in_process="-" in files,
    )


def run_tasks(
    tasks: Iterable[_Task],
    *,
    ref: Referentiel,
    referentiel: Path | None,
    settings: Settings,
    jobs: int | None,
    interruption: Interruption | None = None,
    in_process: bool = False,
) -> Iterator[DossierResult]:
    """Results in the order of `tasks`, each yielded as soon as it and those before it are done.

    `tasks` may be a `Discovery` still walking its folders: the first dossiers are checked while
    the walk goes on (only the first few are looked at before the first is sent to a worker).
    `in_process` (standard input is read) checks everything in this process.

    With an `interruption`, a signal stops the batch with KeyboardInterrupt raised from the
    iteration itself, never while the caller writes a result; the workers are then ended.
    """
    interruption = interruption or Interruption()
    stream = iter(tasks)
    head = list(islice(stream, MAX_WORKERS))
    count = workers(jobs, len(head))
    if count <= 1 or len(head) < 4 or in_process:
        yield from _one_by_one(chain(head, stream), ref, settings, interruption)
    else:
        yield from _in_workers(chain(head, stream), ref, referentiel, settings, interruption, count)


_Task = tuple[str, bool]
"""A file to check, and whether a link there is followed."""


def _one_by_one(
    tasks: Iterable[_Task], ref: Referentiel, settings: Settings, interruption: Interruption
) -> Iterator[DossierResult]:
    for path, follow in tasks:
        with interruption.waiting():  # a dossier being checked here stops at the signal
            stdin = sys.stdin.buffer if path == "-" else None
            result = check_one(path, ref, settings, stdin=stdin, follow_links=follow)
        yield result


_LARGEST_CHUNK = 16
"""A chunk's results come back together, when its last dossier is checked. 16 dossiers (some
40 ms of checking) cost few messages between the processes; 64 made a batch's end four times
longer, for a saving of 45 messages of a few kilobytes in a batch of 1 000."""


def _chunks(tasks: Iterator[_Task], workers: int) -> Iterator[list[_Task]]:
    """The tasks in chunks of 1, 2, 4… up to 16 dossiers: the first dossier goes to a worker at
    once, and a large batch still costs few messages between the processes.

    Once every task is known (the walk is over), the chunks shrink towards the end, each at most
    an equal share of what is left: the workers then finish together, not one idle while the
    other checks a last full chunk alone."""
    size = 1
    known: deque[_Task] = deque()
    walked = False
    while True:
        # Read ahead only as far as the next few chunks, so the first is sent before the walk ends.
        while not walked and len(known) < 2 * workers * size:
            task = next(tasks, None)
            if task is None:
                walked = True
            else:
                known.append(task)
        if not known:
            return
        share = size if not walked else max(1, min(size, len(known) // (2 * workers)))
        yield [known.popleft() for _ in range(min(share, len(known)))]
        size = min(size * 2, _LARGEST_CHUNK)


def _in_workers(
    tasks: Iterator[_Task],
    ref: Referentiel,
    referentiel: Path | None,
    settings: Settings,
    interruption: Interruption,
    count: int,
) -> Iterator[DossierResult]:
    """The pool is driven by this thread alone, which never gets an exception from a signal
    handler: a KeyboardInterrupt raised inside the pool's code (while it forks a worker, say)
    would leave a worker it does not know of. The signal is looked at between short waits."""
    from concurrent.futures import ProcessPoolExecutor  # imported here: one dossier never pays for it
    from concurrent.futures.process import BrokenProcessPool

    # The rule modules, which each worker would import at its first dossier and this process at the
    # end (the batch's synthesis runs LOT01-LOT03): imported once, here, and inherited by the fork.
    all_rules()
    chunks = _chunks(tasks, count)
    executor = ProcessPoolExecutor(
        max_workers=count,
        mp_context=_context(),
        initializer=_init_worker,
        initargs=(referentiel, settings, os.getpid()),
    )
    pending: deque[tuple[Future[list[DossierResult]], list[_Task]]] = deque()
    unsent: list[_Task] = []
    all_sent = False
    try:
        while True:
            while not all_sent and len(pending) < count * 4:
                chunk = next(chunks, None)
                if chunk is None:
                    # Nothing more to send: the workers end as soon as the last chunk is done,
                    # while this process still writes its results (the chunks sent still run).
                    all_sent = True
                    executor.shutdown(wait=False)
                    break
                unsent = chunk
                pending.append((executor.submit(_check_chunk, chunk), chunk))
                unsent = []
            if not pending:
                return
            results = _wait(pending[0][0], interruption)
            pending.popleft()
            yield from results
    except BrokenProcessPool:
        # A worker was killed (by the system, short of memory…): the rest is checked here.
        _end_workers(executor)
        left = [task for _future, chunk in pending for task in chunk]
        rest = chain.from_iterable(chunks)  # the tasks read ahead by `_chunks`, then the others
        yield from _one_by_one(chain(left, unsent, rest), ref, settings, interruption)
    except BaseException:  # a signal, or the reader stopped (GeneratorExit): no worker outlives us
        _end_workers(executor)
        raise
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _wait(future: Future[list[DossierResult]], interruption: Interruption) -> list[DossierResult]:
    while True:
        interruption.check()
        try:
            return future.result(timeout=0.05)
        except TimeoutError:
            continue


def _check_chunk(tasks: list[_Task]) -> list[DossierResult]:
    return [_check_in_worker(path, follow) for path, follow in tasks]


def _end_workers(executor: Any) -> None:
    """Stop the pool now: pending dossiers cancelled, every worker process ended and reaped.

    A worker ended while it sends a result leaves half a message in the results pipe, and the
    pool's manager thread (which the interpreter joins at exit) would wait for the rest forever:
    once the workers are gone, this process closes its own end for writing, so the manager reads
    the end of the pipe, declares the pool broken and stops; it is joined here, not at exit.
    """
    processes = list((getattr(executor, "_processes", None) or {}).values())
    results = getattr(executor, "_result_queue", None)
    manager = getattr(executor, "_executor_manager_thread", None)
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()  # SIGTERM: the workers keep its default action, to die
    for process in processes:
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()
    writer = getattr(results, "_writer", None)
    if writer is not None:
        writer.close()
    if manager is not None:
        manager.join(5)


def _context() -> Any:
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")
