"""`cdv-check check`: from the options to the report and the exit code, without typer.

Both readers of the command line end here: the typer command (`cli.check`) and the quick reader
of the common form (`quick_argv`), so the check behaves the same whichever parsed the options.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from cdv_check import __version__

if TYPE_CHECKING:
    from cdv_check.core.config import Given
    from cdv_check.model.referentiel import Referentiel


COMMANDS = ("check", "rules", "objectives", "qpv", "schema", "init", "referentiel")
"""The typer application's commands: a first word among them is a command, any other a path."""


class CheckOptions(NamedTuple):
    """The options of `cdv-check check`; None means "not given" (the configuration decides)."""

    paths: tuple[str, ...] = ()
    format: str | None = None
    output: Path | None = None
    strict: bool | None = None
    select: str | None = None
    ignore: str | None = None
    date_depot: str | None = None
    no_files: bool | None = None
    referentiel: Path | None = None
    jobs: int | None = None
    min_severity: str | None = None

    def given(self) -> Given:
        """The options that are settings, for `core.config.resolve`."""
        from cdv_check.core.config import Given

        return Given(
            select=self.select, ignore=self.ignore, strict=self.strict, format=self.format, jobs=self.jobs,
            no_files=self.no_files, date_depot=self.date_depot, min_severity=self.min_severity,
            referentiel=self.referentiel, output=self.output,
        )


class CommandFailed(Exception):
    """A problem of the command line or of the setup: a French message, and the exit code."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def report_failure(exc: CommandFailed) -> int:
    """Write the message to standard error, each line made inert (it may quote a configuration
    file or a référentiel from elsewhere); the exit code."""
    from cdv_check.text.safety import clean_lines

    text = f"cdv-check : {clean_lines(exc.message)}"
    if sys.stderr.isatty():  # wrapped between words: a name or a path is never split by the terminal
        import shutil
        import textwrap

        columns = shutil.get_terminal_size((100, 24)).columns - 1
        text = "\n".join(
            "\n".join(textwrap.wrap(line, columns, break_long_words=False, break_on_hyphens=False) or [line])
            for line in text.split("\n")
        )
    sys.stderr.write(text + "\n")
    return exc.code


def load_referentiel(path: Path | None) -> Referentiel:
    from cdv_check.model.referentiel import ReferentielError, load

    try:
        return load(path)
    except ReferentielError as exc:
        raise CommandFailed(f"référentiel illisible : {exc}") from None


def color_wanted(output: Path | None) -> bool:
    """NO_COLOR and FORCE_COLOR first (no-color.org, force-color.org), then: a terminal."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return output is None and sys.stdout.isatty()


def width() -> int:
    import shutil

    return shutil.get_terminal_size((100, 24)).columns if sys.stdout.isatty() else 100


def _quoted(paths: Sequence[str]) -> str:
    """Paths as the user typed them, each between « », made inert (a glob may hold anything)."""
    from cdv_check.text.safety import clean

    return ", ".join(f"« {clean(path)} »" for path in paths)


def _replaceable(output: Path, files: Sequence[str]) -> None:
    """A previous report of cdv-check is replaced (cli.md); anything else that is there is not:
    a folder, a link or device, one of the dossiers checked, any file that does not read as a
    report (a dossier named by mistake, a user's notes…)."""
    from cdv_check.reporters.output import reads_as_report
    from cdv_check.text.safety import clean

    if not os.path.lexists(output):
        return
    shown = clean(str(output))
    if os.path.isdir(output) and not os.path.islink(output):
        raise CommandFailed(f"--output « {shown} » est un répertoire : donnez un nom de fichier (ex. rapport.html).")
    if os.path.islink(output) or not os.path.isfile(output):
        raise CommandFailed(f"--output « {shown} » n'est pas un fichier ordinaire (lien, périphérique…) : "
                            "il n'est pas remplacé. Choisissez un autre nom.")
    checked = [f for f in files if f != "-" and os.path.lexists(f)]
    if any(os.path.samefile(output, f) for f in checked):
        raise CommandFailed(f"--output « {shown} » est un dossier, pas un rapport : il n'est pas remplacé. "
                            f"Choisissez un autre nom (ex. {_other_name(output)}).")
    if not reads_as_report(output):
        raise CommandFailed(f"--output « {shown} » existe et n'est pas un rapport de cdv-check : il n'est pas "
                            f"remplacé. Choisissez un autre nom (ex. {_other_name(output)}).")


def _other_name(output: Path) -> str:
    """An example of a report name beside `output`, never `output`'s own name."""
    from cdv_check.core.config import REPORT_SUFFIXES

    suffix = output.suffix.lower() if output.suffix.lower() in REPORT_SUFFIXES else ".json"
    for name in (f"rapport{suffix}", f"rapport-cdv-check{suffix}"):
        if name != output.name:
            return name
    return f"rapport-1{suffix}"  # pragma: no cover (the two names above differ)


def _reports_left_out(tasks: Iterator[tuple[str, bool]]) -> Iterator[tuple[str, bool]]:
    """The files to check but the reports of cdv-check found in a folder or by a pattern (a
    `.json` report written inside the batch folder): not dossiers. A file named on the command
    line (`follow` true) is checked as the user asks."""
    from cdv_check.reporters.output import reads_as_report

    return (task for task in tasks if task[1] or not (task[0].endswith(".json") and reads_as_report(task[0])))


def _command_meant(first: str, missing: list[str]) -> str:
    """`cdv-check objectif 2.7` reads `objectif` as a path; say which command was likely meant."""
    import difflib

    if first not in missing or any(c in first for c in "./\\*"):  # that one looks like a path
        return ""
    close = difflib.get_close_matches(first.casefold(), COMMANDS, n=1, cutoff=0.6)
    return f" Vouliez-vous dire la commande « cdv-check {close[0]} » ?" if close else ""


def _programme_wide(path: str) -> bool:
    """Whether a path given names the whole programme (a folder, or a glob cdv-check expands),
    rather than one file: a run on a list of files (pre-commit, a diff) gives no LOT03."""
    if path == "-":
        return False
    if os.path.isdir(path):
        return True
    return bool(set("*?[") & set(path)) and not os.path.lexists(path)


def run_check(options: CheckOptions) -> int:
    """Check the dossiers, write the report; the exit code of cli.md (0, 1, or 130/143 when
    interrupted by SIGINT/SIGTERM).

    Raises CommandFailed (exit 2) before any dossier is checked when the options or the setup are
    wrong.
    """
    from itertools import chain

    from cdv_check.core.batch import Discovery, run_tasks
    from cdv_check.core.config import SettingsError, resolve
    from cdv_check.core.interruption import signals_caught
    from cdv_check.core.summary import Summary
    from cdv_check.core.synthesis import Builder
    from cdv_check.reporters import BINARY, make, stream
    from cdv_check.reporters.output import open_report
    from cdv_check.text.oserrors import french_os_error
    from cdv_check.text.safety import clean

    output = options.output
    if not options.paths:
        raise CommandFailed("donnez au moins un dossier à vérifier (ex. cdv-check dossier.yaml).")
    try:
        resolved = resolve(options.given())
    except SettingsError as exc:
        raise CommandFailed(exc.message) from None
    settings, strict, chosen = resolved.check, resolved.strict, resolved.format
    ref = load_referentiel(resolved.referentiel)
    discovery = Discovery(options.paths)
    if discovery.missing:
        raise CommandFailed(
            ("chemin introuvable : " if len(discovery.missing) == 1 else "chemins introuvables : ")
            + _quoted(discovery.missing) + "." + _command_meant(options.paths[0], discovery.missing)
        )
    # The folders are walked as the dossiers are checked: the first is sent to a worker before
    # the walk ends. Only when a file already stands where the report goes is every file found
    # first, to make sure it is not one of the dossiers.
    tasks: Iterator[tuple[str, bool]] = _reports_left_out(iter(discovery))
    first = next(tasks, None)
    if first is None:
        raise CommandFailed("aucun fichier .yaml, .yml ou .json dans " + _quoted(options.paths) + ".")
    tasks = chain([first], tasks)
    if output is not None and os.path.lexists(output):
        found = list(tasks)
        _replaceable(output, [path for path, _follow in found])
        tasks = iter(found)
    if discovery.stdin and resolved.check.check_files:
        sys.stderr.write(
            "cdv-check : le dossier lu sur l'entrée standard n'a pas de répertoire : ses pièces ne "
            "sont pas ouvertes. Donnez le chemin du fichier pour qu'elles le soient.\n"
        )
    if chosen in BINARY and output is None and sys.stdout.isatty():
        raise CommandFailed(f"le format {chosen} est un fichier binaire, illisible dans un terminal : "
                            f"donnez --output (ex. --output rapport.{chosen}).")
    reporter = make(
        chosen, ref_id=ref.id, version=__version__, strict=strict, ref=ref,
        color=color_wanted(output), width=width(),
        encoding="utf-8" if output is not None else getattr(sys.stdout, "encoding", None) or "utf-8",
    )
    summary = Summary(strict=strict, builder=Builder(
        ref, select=settings.select, ignore=settings.ignore, min_severity=settings.min_severity,
        # A list of files (pre-commit, a diff) is not the whole programme: no LOT03.
        whole=any(_programme_wide(path) for path in options.paths), cap=settings.limits.findings_per_dossier,
    ))
    with signals_caught() as interruption:
        results = run_tasks(
            tasks, ref=ref, referentiel=resolved.referentiel, settings=settings,
            jobs=resolved.jobs, interruption=interruption, in_process=discovery.stdin,
        )
        try:
            with open_report(output, binary=chosen in BINARY) as out:
                stream(results, reporter, out, summary, interruption)
        except KeyboardInterrupt:  # a signal while the end of the report was written: abandoned
            where = f"« {clean(str(output))} » n'est pas écrit" if output is not None else "il est incomplet"
            sys.stderr.write(f"\ncdv-check : interrompu pendant l'écriture du rapport : {where}.\n")
            return interruption.exit_code
        except BrokenPipeError:
            raise
        except OSError as exc:
            where = f"dans « {output} »" if output is not None else "sur la sortie standard"
            raise CommandFailed(f"impossible d'écrire le rapport {where} : {french_os_error(exc)}.") from None
    if summary.interrupted or interruption.signum is not None:
        return interruption.exit_code
    return summary.exit_code
