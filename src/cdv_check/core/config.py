"""Settings of `check`: defaults, a configuration file, then what the caller gives, merged in
one place (`resolve`) for the command line, its quick reader and the library alike.

The configuration file is looked for from the current folder upward, in each folder first
`.cdv-check.yaml`, then the `[tool.cdv-check]` table of `pyproject.toml` (a `pyproject.toml`
without that table is passed over); the first found is the only one read.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from cdv_check.reading.limits import DEFAULT_LIMITS, Limits
from cdv_check.reading.loading import InputRefused, read_bounded, read_structured

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cdv_check.core.checker import Settings

YAML_NAME = ".cdv-check.yaml"
PYPROJECT = "pyproject.toml"
TABLE = "cdv-check"
KEYS = ("select", "ignore", "strict", "format", "jobs", "no_files", "date_depot", "min_severity", "referentiel")


class ConfigError(Exception):
    """A configuration file that cannot be used; the message is French and names the file."""


class SettingsError(ValueError):
    """Settings that cannot be used (a configuration file, an option); the message is French,
    whole, and names the option or the file."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FileConfig(NamedTuple):
    """What a configuration file sets; None where it says nothing."""

    source: Path | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    strict: bool | None = None
    format: str | None = None
    jobs: int | None = None
    no_files: bool | None = None
    date_depot: date | None = None
    min_severity: str | None = None
    referentiel: Path | None = None
    """The référentiel to use, its path made relative to the configuration file's folder."""


def find(start: Path, limits: Limits = DEFAULT_LIMITS) -> tuple[Path, dict[str, Any]] | None:
    """The first configuration from `start` upward, with its raw settings."""
    for folder in (start, *start.parents):
        yaml_file = folder / YAML_NAME
        if yaml_file.is_file():
            return yaml_file, _read_yaml(yaml_file, limits)
        pyproject = folder / PYPROJECT
        if pyproject.is_file():
            table = _read_pyproject(pyproject, limits)
            if table is not None:
                return pyproject, table
    return None


def load(start: Path | None = None, limits: Limits = DEFAULT_LIMITS) -> FileConfig:
    """The configuration that applies in `start` (default: the current folder), read within
    `limits` as a dossier is."""
    found = find((start or Path.cwd()).absolute(), limits)
    if found is None:
        return FileConfig()
    source, raw = found
    return parse(raw, source)


def _read_yaml(path: Path, limits: Limits) -> dict[str, Any]:
    document = read_structured(path, limits)
    if document.problems:
        problem = document.problems[0]
        where = f", ligne {problem.line}" if problem.line else ""
        raise ConfigError(f"{path}{where} : {problem.message}")
    if document.data is None:
        return {}
    if not isinstance(document.data, dict):
        raise ConfigError(f"{path} : la configuration doit être un ensemble de clés (select:, strict:…).")
    return document.data


def _read_pyproject(path: Path, limits: Limits) -> dict[str, Any] | None:
    try:  # bounded: the current folder may hold files from third parties
        raw = read_bounded(path, limits.file_bytes)
    except InputRefused as refused:
        raise ConfigError(f"{path} : {refused.problem.message}") from None
    if not _may_name_the_table(raw):
        return None
    import tomllib

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path} illisible : l'octet n° {exc.start + 1} n'est pas de l'UTF-8.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} illisible : {_toml_problem(str(exc))}") from None
    except RecursionError:  # tomllib reads nested arrays and tables by recursion
        raise ConfigError(
            f"{path} illisible : tableaux ou tables imbriqués trop profondément. "
            f"Corrigez le fichier (voir la table [tool.{TABLE}] du README)."
        ) from None
    except ValueError:  # an integer of thousands of digits (Python refuses to convert it)
        raise ConfigError(
            f"{path} illisible : un nombre a trop de chiffres. "
            f"Corrigez le fichier (voir la table [tool.{TABLE}] du README)."
        ) from None
    tool = data.get("tool")
    table = tool.get(TABLE) if isinstance(tool, dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{path} : [tool.{TABLE}] doit être une table.")
    return table


def _toml_problem(message: str) -> str:
    """tomllib says « Expected ']' … (at line 1, column 16) »: keep the place, in French."""
    place = re.search(r"at line (\d+), column (\d+)", message)
    where = f" à la ligne {place[1]}, colonne {place[2]}" if place else ""
    return f"syntaxe TOML invalide{where}. Corrigez le fichier (voir la table [tool.{TABLE}] du README)."


_TOOL = rb"""\s*(?:tool|"tool"|'tool')\s*"""
_NAME = rb"""\s*(?:cdv-check|"cdv-check"|'cdv-check')\s*"""
_NAMES_THE_TABLE = re.compile(
    rb"^\s*\[\[?" + _TOOL + rb"(?:\." + _NAME + rb"|\])"  # [tool.cdv-check…, [tool]: a header (even unclosed)
    rb"|^" + _TOOL + rb"(?:\." + _NAME + rb"|=)",  # tool.cdv-check.strict = …, tool = {cdv-check = …}
    re.MULTILINE,
)


def _may_name_the_table(raw: bytes) -> bool:
    """A TOML file names [tool.cdv-check] literally, or through a \\u escape in a quoted key.

    Most folders have a pyproject.toml of their own; reading TOML costs more than the rest of
    the configuration, so a file that cannot name the table is passed over unread. Naming it
    takes a table header under `tool` (`[tool.cdv-check]`, or `[tool]` then a `cdv-check` key)
    or a key line starting with `tool` (`tool.cdv-check.strict = true`): cdv-check as a
    dependency (`"cdv-check>=0.1"`) or as a script name does not.
    """
    if b"\\u" in raw or b"\\U" in raw:
        return True
    return TABLE.encode() in raw and _NAMES_THE_TABLE.search(raw) is not None


def parse(raw: dict[str, Any], source: Path) -> FileConfig:
    """Check and type the raw settings of one file."""
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = str(key).replace("-", "_")
        if name not in KEYS:
            import difflib

            known = [k.replace("_", "-") for k in KEYS]
            close = difflib.get_close_matches(str(key).replace("_", "-"), known, n=1)
            guess = f" Vouliez-vous dire « {close[0]} » ?" if close else ""
            raise ConfigError(
                f"{source} : clé « {key} » inconnue.{guess} Clés possibles : {', '.join(known)}."
            )
        if name in values:
            raise ConfigError(f"{source} : « {key} » est donné deux fois.")
        try:
            values[name] = _path(value, source) if name == "referentiel" else _READERS[name](value)
        except ValueError as exc:
            raise ConfigError(f"{source} : valeur de « {key} » refusée : {exc}.") from None
    return FileConfig(source=source, **values)


def _path(value: Any, source: Path) -> Path:
    """A file named in the configuration: relative to the configuration file's folder, so that
    it means the same file wherever cdv-check is run from."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("un chemin de fichier est attendu (ex. referentiel: appel-2021.yaml)")
    return source.parent / Path(value.strip()).expanduser()


def rule_ids(value: Any) -> tuple[str, ...]:
    """Rule IDs or prefixes, from `PCE,BUD03` or a list of them, upper-cased."""
    if isinstance(value, str):
        parts = value.split(",")
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        parts = [p for v in value for p in v.split(",")]
    else:
        raise ValueError("une liste d'identifiants de règles est attendue (ex. [PCE, BUD03])")
    return tuple(p.strip().upper() for p in parts if p.strip())


def _bool(value: Any) -> bool:
    from cdv_check.model.dossier import yes_no

    return yes_no(value, expected="true ou false attendu")


def _format(value: Any) -> str:
    from cdv_check.reporters import FORMATS

    if not isinstance(value, str) or value.strip() not in FORMATS:
        raise ValueError("formats possibles : " + ", ".join(FORMATS))
    return value.strip()


_MANY_JOBS = 10**18
"""Any `jobs` above is read as this: the number is bounded where the workers are started."""


SEVERITIES = ("error", "warning", "info")


def _severity(value: Any) -> str:
    if not isinstance(value, str) or value.strip().casefold() not in SEVERITIES:
        raise ValueError("valeurs possibles : " + ", ".join(SEVERITIES))
    return value.strip().casefold()


def _jobs(value: Any) -> int:
    """At least 1; a larger number is taken as it is and bounded where the workers are started
    (`batch.workers`), like `--jobs`, however many digits it has."""
    number = 0
    if isinstance(value, int) and not isinstance(value, bool):
        number = min(value, _MANY_JOBS)
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        digits = value.strip().lstrip("0") or "0"
        number = int(digits) if len(digits) <= 18 else _MANY_JOBS
    if number < 1:
        raise ValueError("un nombre entier d'au moins 1 est attendu")
    return number


def _date(value: Any) -> date:
    from cdv_check.model.dossier import parse_date

    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    parsed: date = parse_date(value)
    return parsed


_READERS = {
    "select": rule_ids,
    "ignore": rule_ids,
    "strict": _bool,
    "format": _format,
    "jobs": _jobs,
    "no_files": _bool,
    "date_depot": _date,
    "min_severity": _severity,
}


class Given(NamedTuple):
    """What the caller asks for (the command line's options, the library's arguments); None
    where it says nothing and the configuration file, then the default, decides."""

    select: str | Sequence[str] | None = None
    """Rule IDs or prefixes, `PCE,BUD03` as typed or a list of them."""
    ignore: str | Sequence[str] | None = None
    strict: bool | None = None
    format: str | None = None
    jobs: int | None = None
    no_files: bool | None = None
    date_depot: str | date | None = None
    min_severity: str | None = None
    referentiel: Path | None = None
    output: Path | None = None
    """Where the report goes: its extension gives the format when none is given."""


class Resolved(NamedTuple):
    """The settings of one run, every source merged."""

    check: Settings
    """What each dossier's check needs (core.checker)."""
    format: str
    jobs: int | None
    """None: as many workers as cores (core.batch)."""
    referentiel: Path | None
    """None: the référentiel shipped with cdv-check."""
    source: Path | None
    """The configuration file read, if any."""

    @property
    def strict(self) -> bool:
        return self.check.strict

    @property
    def no_files(self) -> bool:
        return not self.check.check_files


REPORT_SUFFIXES = {
    ".json": "json", ".jsonl": "jsonl", ".xml": "junit", ".sarif": "sarif", ".csv": "csv",
    ".xlsx": "xlsx", ".html": "html", ".htm": "html", ".txt": "text",
}
"""`--output`'s extension gives the format when `--format` is not given (cli.md)."""


def format_of(output: Path | None) -> str | None:
    return REPORT_SUFFIXES.get(output.suffix.lower()) if output is not None else None


def default_format() -> str:
    """github in a GitHub Actions job, rich in a terminal (or FORCE_COLOR), text otherwise."""
    import os
    import sys

    from cdv_check.reporters import FORMATS

    if os.environ.get("GITHUB_ACTIONS") == "true" and "github" in FORMATS:
        return "github"
    return "rich" if sys.stdout.isatty() or os.environ.get("FORCE_COLOR") else "text"


def resolve(
    given: Given | None = None, *, today: date | None = None, config: FileConfig | None = None
) -> Resolved:
    """The settings of a run: `given` wins over the configuration file, key by key, and the
    file over the defaults. `config` is read from the current folder upward when not given.

    Raises SettingsError (a French message naming the option or the file) for a configuration
    file that cannot be read, a date that is not one, rule IDs that name no rule.
    """
    from cdv_check.core.checker import Settings
    from cdv_check.core.findings import Severity

    given = given or Given()
    if config is None:
        try:
            config = load()
        except ConfigError as exc:
            raise SettingsError(f"configuration : {exc}") from None
    strict = given.strict if given.strict is not None else bool(config.strict)
    no_files = given.no_files if given.no_files is not None else bool(config.no_files)
    deposit = config.date_depot
    if isinstance(given.date_depot, date):
        deposit = given.date_depot
    elif given.date_depot is not None:
        from cdv_check.model.dossier import parse_date

        try:
            deposit = parse_date(given.date_depot)
        except ValueError as exc:
            raise SettingsError(f"--date-depot « {given.date_depot} » : {exc}.") from None
    select = (_given_ids(given.select, "--select") if given.select is not None
              else _known_ids(config.select or (), "select (configuration)"))
    ignore = (_given_ids(given.ignore, "--ignore") if given.ignore is not None
              else _known_ids(config.ignore or (), "ignore (configuration)"))
    check = Settings(
        today=today or date.today(),
        deposit_date=deposit,
        check_files=not no_files,
        select=select,
        ignore=ignore,
        strict=strict,
        min_severity=Severity(given.min_severity or config.min_severity or "info"),
    )
    return Resolved(
        check=check,
        format=given.format or format_of(given.output) or config.format or default_format(),
        jobs=given.jobs or config.jobs,
        referentiel=given.referentiel or config.referentiel,
        source=config.source,
    )


def _given_ids(value: str | Sequence[str], option: str) -> tuple[str, ...]:
    try:
        ids = rule_ids(value if isinstance(value, str) else list(value))
    except ValueError as exc:
        raise SettingsError(f"{option} : {exc}.") from None
    if not ids:  # it would silently mean "every rule"
        raise SettingsError(f"{option} sans règle : donnez des ID ou préfixes (ex. {option} PCE,BUD03).")
    return _known_ids(ids, option)


def _known_ids(ids: tuple[str, ...], option: str) -> tuple[str, ...]:
    """Rule IDs or prefixes; one that names no rule is a usage error (it would select nothing)."""
    if not ids:
        return ids
    from cdv_check.core.registry import all_rules

    known = all_rules()
    unknown = [i for i in ids if not any(rule_id.startswith(i) for rule_id in known)]
    if unknown:
        raise SettingsError(
            f"{option} : {', '.join(unknown)} ne désigne aucune règle "
            "(ID comme BUD03 ou préfixe comme PCE ; la liste : cdv-check rules)."
        )
    return ids
