"""The everyday command line, `cdv-check PATH... [--format F] [--strict] [--no-files]`, read
without typer.

Importing typer and building the command costs some 40 ms, a tenth of a one-dossier run; a
carrier who checks again after each fix, or a CI job per dossier, should not pay it. Only this narrow form is
read here. Anything else (a command name, any other option, --help, a repeated option, a value
typer would refuse, shell completion) gives None and goes to the typer application, which stays
the reference: tests/test_quick_argv.py checks that both read the same options.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from cdv_check.cli.check import COMMANDS, CheckOptions

_FLAGS: dict[str, tuple[str, Any]] = {
    "--strict": ("strict", True),
    "--no-strict": ("strict", False),
    "--no-files": ("no_files", True),
    "--files": ("no_files", False),
}
_FORMAT_OPTIONS = ("--format", "-f")
_COMPLETION_VARIABLE = "_CDV_CHECK_COMPLETE"


def plain_check(argv: Sequence[str], environ: Mapping[str, str], formats: Collection[str]) -> CheckOptions | None:
    """The options of an everyday `check` command line, or None when typer must read it."""
    if not argv or argv[0] in COMMANDS or _COMPLETION_VARIABLE in environ:
        return None
    paths: list[str] = []
    given: dict[str, Any] = {}
    words = iter(argv)
    for word in words:
        if word == "-" or not word.startswith("-"):
            paths.append(word)
            continue
        name, equals, value = word.partition("=")
        if name in _FLAGS and not equals:
            key, setting = _FLAGS[name]
        elif word in _FORMAT_OPTIONS or (name == "--format" and equals):  # not -fjson nor -f=json
            key, setting = "format", value if equals else next(words, "")
            if setting not in formats:
                return None
        else:
            return None
        if key in given:
            return None
        given[key] = setting
    if not paths:
        return None
    return CheckOptions(paths=tuple(paths), **given)
