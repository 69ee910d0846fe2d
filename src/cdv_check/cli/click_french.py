"""Click in French: help, usage errors (unknown option, bad value…), the default command.

The only module that touches typer's private API (`typer._click`, the vendored click, and the
`typer.core` classes): app.py declares the commands with typer's public API and hands them here.
A new typer that moves these is caught by tests/test_cli.py; pyproject.toml bounds typer below 1.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import typer
import typer._click.formatting
import typer.core
from typer._click import exceptions as click_errors

from cdv_check.cli.check import CommandFailed, report_failure
from cdv_check.text.safety import clean_lines

_SECTIONS = {"Options": "Options", "Arguments": "Arguments", "Commands": "Commandes"}
_TYPE_LABEL = re.compile(r" <[^<>]+>$")


class FrenchHelpFormatter(typer._click.formatting.HelpFormatter):
    """Click writes "Usage:" and its section titles in English."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix or "Utilisation : ")

    def section(self, name: str) -> Any:
        return super().section(_SECTIONS.get(name, name))

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        # Typer labels arguments with their Python type (CODE <str>); the metavar says enough.
        rows = [(_TYPE_LABEL.sub("", term), text) for term, text in rows]
        super().write_dl(rows, col_max, col_spacing)


class FrenchContext(typer._click.Context):
    formatter_class = FrenchHelpFormatter


class FrenchCommand(typer.core.TyperCommand):
    context_class = FrenchContext

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except CommandFailed as exc:
            raise typer.Exit(report_failure(exc)) from None


class DefaultCommandGroup(typer.core.TyperGroup):
    """`cdv-check PATH...` means `cdv-check check PATH...` (typer has no default command)."""

    context_class = FrenchContext

    default_command = "check"
    group_options = frozenset({"--help", "--version", "--install-completion", "--show-completion"})

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0].split("=")[0] not in self.group_options:
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


_FRENCH_HELP = {
    "--help": "Affiche cette aide et quitte.",
    "--install-completion": "Installe la complétion pour le shell courant.",
    "--show-completion": "Affiche le script de complétion pour le shell courant.",
}


def _frenchify(command: Any) -> None:
    """Typer and click write their own options' help in English; these are ours in French."""
    for param in command.get_params(command.context_class(command)):
        for name in param.opts:
            if name in _FRENCH_HELP:
                param.help = _FRENCH_HELP[name]
    for sub in getattr(command, "commands", {}).values():
        _frenchify(sub)


def run_french(app: typer.Typer, argv: list[str] | None) -> None:
    """Run the typer app with French help and usage errors; exit with cli.md's codes."""
    command = typer.main.get_command(app)
    _frenchify(command)
    try:
        code = command.main(args=argv, prog_name="cdv-check", standalone_mode=False)
    except KeyboardInterrupt:
        typer.echo("\ncdv-check : interrompu.", err=True)
        sys.exit(130)
    except Exception as exc:
        message = french_usage_error(exc)
        if message is None:
            raise
        sys.stderr.write(clean_lines(message) + "\n")  # it may quote what was typed
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)


def french_usage_error(exc: BaseException) -> str | None:
    """The French message for a usage error, or None when `exc` is not one."""
    if isinstance(exc, click_errors.NoArgsIsHelpError):
        return exc.format_message()
    if not isinstance(exc, click_errors.UsageError):
        return None
    hint = "Aide : cdv-check --help"
    ctx = exc.ctx
    if ctx is not None and ctx.command_path:
        hint = f"Aide : {ctx.command_path} --help"
    if isinstance(exc, click_errors.NoSuchOption):
        import difflib

        close = difflib.get_close_matches(exc.option_name, sorted(exc.possibilities or []), n=1)
        guess = f" Vouliez-vous dire {close[0]} ?" if close else ""
        return f"cdv-check : option inconnue {exc.option_name}.{guess}\n{hint}"
    if isinstance(exc, click_errors.MissingParameter):
        name = exc.param_hint or (exc.param.name if exc.param else None) or "un argument"
        return f"cdv-check : il manque {name}.\n{hint}"
    if isinstance(exc, click_errors.BadParameter):
        name = exc.param_hint or (exc.param.opts[0] if exc.param and exc.param.opts else "une option")
        return f"cdv-check : valeur invalide pour {name} : {_french_detail(exc.message)}.\n{hint}"
    for pattern, french in _USAGES:
        if found := pattern.fullmatch(exc.format_message()):
            return f"cdv-check : {found.expand(french)}.\n{hint}"
    return f"cdv-check : commande incorrecte ({exc.format_message()}).\n{hint}"


_USAGES = (
    (re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)"), r"argument(s) en trop : \1"),
    (re.compile(r"Option '(.*)' requires an argument\."), r"l'option \1 attend une valeur"),
    (re.compile(r"Option '(.*)' requires (\d+) arguments\."), r"l'option \1 attend \2 valeurs"),
    (re.compile(r"Option '(.*)' does not take a value\."), r"l'option \1 ne prend pas de valeur"),
)


_DETAILS = (
    (re.compile(r"(?:Value error, )?'(.*)' is not one of (.*?)\.?$"),
     r"« \1 » n'est pas une valeur possible ; valeurs possibles : \2"),
    (re.compile(r"Input should be greater than or equal to (\S+)"), r"la valeur doit être au moins \1"),
    (re.compile(r"Input should be a valid integer.*"), "un nombre entier est attendu"),
    (re.compile(r"(?:File|Path) '(.*)' is a directory\.", re.IGNORECASE),
     r"« \1 » est un dossier, un fichier est attendu"),
)


def _french_detail(message: str) -> str:
    for pattern, replacement in _DETAILS:
        if pattern.search(message):
            return pattern.sub(replacement, message)
    return message.removeprefix("Value error, ").rstrip(".")
