"""Settings of `check` read from a configuration file; the command line overrides them.

Looked for from the current folder upward, in each folder first `.cdv-check.yaml`, then the
`[tool.cdv-check]` table of `pyproject.toml` (a `pyproject.toml` without that table is passed
over); the first found is the only one read.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from cdv_check.reading.limits import DEFAULT_LIMITS, Limits
from cdv_check.reading.loading import InputRefused, read_bounded, read_structured

YAML_NAME = ".cdv-check.yaml"
PYPROJECT = "pyproject.toml"
TABLE = "cdv-check"
KEYS = ("select", "ignore", "strict", "format", "jobs", "no_files", "date_depot", "min_severity")


class ConfigError(Exception):
    """A configuration file that cannot be used; the message is French and names the file."""


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
            values[name] = _READERS[name](value)
        except ValueError as exc:
            raise ConfigError(f"{source} : valeur de « {key} » refusée : {exc}.") from None
    return FileConfig(source=source, **values)


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
