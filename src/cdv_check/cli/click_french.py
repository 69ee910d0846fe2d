"""Usage errors of the command line (unknown option, bad value…) in French."""

from __future__ import annotations

import difflib
import re

from typer._click import exceptions as click_errors


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
    (re.compile(r"(?:Value error, )?'(.*)' is not one of (.*?)\.?$"), r"« \1 » n'est pas une valeur possible ; valeurs possibles : \2"),
    (re.compile(r"Input should be greater than or equal to (\S+)"), r"la valeur doit être au moins \1"),
    (re.compile(r"Input should be a valid integer.*"), "un nombre entier est attendu"),
    (re.compile(r"(?:File|Path) '(.*)' is a directory\.", re.IGNORECASE), r"« \1 » est un dossier, un fichier est attendu"),
)


def _french_detail(message: str) -> str:
    for pattern, replacement in _DETAILS:
        if pattern.search(message):
            return pattern.sub(replacement, message)
    return message.removeprefix("Value error, ").rstrip(".")
