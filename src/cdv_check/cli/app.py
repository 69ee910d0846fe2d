"""The command line: typer commands declare their options and call the core; nothing else."""

from __future__ import annotations

import os
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cdv_check import __version__
from cdv_check.cli import referentiel_command
from cdv_check.cli.check import (
    CheckOptions,
    CommandFailed,
    color_wanted,
    load_referentiel,
    run_check,
    width,
)
from cdv_check.cli.click_french import DefaultCommandGroup, FrenchCommand
from cdv_check.reporters import FORMATS
from cdv_check.text.safety import clean_lines

if TYPE_CHECKING:
    from cdv_check.core.registry import Rule
    from cdv_check.model.referentiel import Referentiel

Format = StrEnum("Format", {name: name for name in FORMATS})  # type: ignore[misc]


class MinSeverity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


app = typer.Typer(
    cls=DefaultCommandGroup,
    name="cdv-check",
    help="Vérifie les demandes de subvention à un appel à projets d'un Contrat de Ville avant leur dépôt.",
    no_args_is_help=True,
    subcommand_metavar="COMMANDE [ARGUMENTS]...",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


_REFERENTIEL_OPTION = typer.Option(
    "--referentiel", metavar="FICHIER", dir_okay=False,
    help="Le référentiel de l'appel (par défaut : celui de la configuration, « referentiel », sinon celui "
    "intégré à cdv-check).",
)


def _referentiel(path: Path | None) -> Referentiel:
    """The command's référentiel: --referentiel, else the configuration file's, else the one
    shipped with cdv-check; read once for the command."""
    if path is None:
        from cdv_check.core.config import ConfigError, load

        try:
            path = load().referentiel
        except ConfigError as exc:
            raise CommandFailed(f"configuration : {exc}") from None
    return load_referentiel(path)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cdv-check {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Affiche la version."),
    ] = False,
) -> None:
    """Vérifie les demandes de subvention à un appel à projets d'un Contrat de Ville avant leur
    dépôt, selon le référentiel de l'appel (celui intégré à cdv-check, ou --referentiel FICHIER).
    Exemple : cdv-check dossier.yaml"""


@app.command("check", cls=FrenchCommand, short_help="Vérifie des dossiers et rend un rapport en français.")
def check(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="CHEMIN",
            help="Dossiers à vérifier : fichiers .yaml/.yml/.json, dossiers (parcourus "
            "récursivement), motifs (*.yaml), ou - pour l'entrée standard.",
            show_default=False,
        ),
    ] = None,
    format: Annotated[
        Format | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="Format du rapport : " + ", ".join(FORMATS)
            + " (par défaut : rich dans un terminal, text sinon).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FICHIER", help="Écrit le rapport dans ce fichier, entier ou pas du "
                     "tout (un rapport précédent de ce nom est remplacé) ; sans --format, le format suit l'extension : "
                     ".json .jsonl .xml .sarif .csv .xlsx .html .txt.",
                     dir_okay=False),
    ] = None,
    strict: Annotated[
        bool | None,
        typer.Option("--strict/--no-strict", help="Les avertissements font aussi échouer (--no-strict : "
                     "annule strict de la configuration).", show_default=False),
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option("--select", metavar="ID,...", help="Règles à appliquer seulement (ID ou préfixes : PCE,BUD03 ; "
                     "l'option peut se répéter)."),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option("--ignore", metavar="ID,...", help="Règles à ne pas appliquer (ID ou préfixes ; l'option peut "
                     "se répéter)."),
    ] = None,
    date_depot: Annotated[
        str | None,
        typer.Option("--date-depot", metavar="DATE", help="Date de dépôt si le dossier n'en donne pas "
                     "(AAAA-MM-JJ ou JJ/MM/AAAA ; par défaut : aujourd'hui)."),
    ] = None,
    no_files: Annotated[
        bool | None,
        typer.Option("--no-files/--files", help="N'ouvre pas les pièces : vérifie seulement qu'elles sont "
                     "déclarées (--files : annule no-files de la configuration).", show_default=False),
    ] = None,
    referentiel: Annotated[Path | None, _REFERENTIEL_OPTION] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, metavar="N",
                     help="Dossiers vérifiés en parallèle (par défaut : nombre de cœurs)."),
    ] = None,
    min_severity: Annotated[
        MinSeverity | None,
        typer.Option("--min-severity", metavar="GRAVITÉ", help="N'écrit pas les constats moins graves : error "
                     "(erreurs seules), warning (erreurs et avertissements) ou info (tout, par défaut) ; les codes "
                     "de sortie ne changent pas.", show_default=False),
    ] = None,
) -> None:
    """Vérifie un ou plusieurs dossiers et rend un rapport en français."""
    options = CheckOptions(
        paths=tuple(paths or ()), format=format.value if format is not None else None, output=output,
        strict=strict, select=_joined(select), ignore=_joined(ignore), date_depot=date_depot, no_files=no_files,
        referentiel=referentiel, jobs=jobs, min_severity=min_severity.value if min_severity is not None else None,
    )
    raise typer.Exit(run_check(options))


def _joined(values: list[str] | None) -> str | None:
    """A repeated --select or --ignore adds up, as one comma-separated list."""
    return ",".join(values) if values else None


@app.command("rules", cls=FrenchCommand, short_help="Le catalogue des règles, ou l'explication d'une règle.")
def rules(
    rule_id: Annotated[
        str | None,
        typer.Argument(metavar="ID", help="Une règle (ex. BUD01) ; sans ID, tout le catalogue.", show_default=False),
    ] = None,
    referentiel: Annotated[Path | None, _REFERENTIEL_OPTION] = None,
) -> None:
    """Le catalogue des règles ; avec un ID, son explication et la section de l'appel."""
    import difflib

    from cdv_check.core.registry import all_rules

    catalogue = all_rules()
    ref = _referentiel(referentiel)
    if rule_id is None:
        for r in catalogue.values():
            levels = "/".join(s.label for s in r.severities)
            typer.echo(f"{r.id}  {levels:<24} {r.title_for(ref)}  [{r.section_for(ref)}]")
        return
    key = rule_id.strip().upper()
    if key not in catalogue:
        close = difflib.get_close_matches(key, list(catalogue), n=3)
        hint = f" Règles proches : {', '.join(close)}." if close else ""
        raise CommandFailed(f"règle « {rule_id} » inconnue.{hint} La liste : cdv-check rules.")
    bold = color_wanted(None)
    typer.echo(_explained(catalogue[key], ref, width=min(width(), 100), bold=bold), nl=False, color=bold)


def _explained(rule: Rule, ref: Referentiel, *, width: int, bold: bool) -> str:
    """A rule's explanation for the terminal: each part starts with its heading (in bold in a
    terminal), its text re-wrapped to the width, the dossier examples kept as written."""
    import textwrap

    def heading(text: str) -> str:
        return typer.style(text, bold=True) if bold else text

    def wrapped(text: str, title: str = "") -> list[str]:
        # No line starts with « : », « ; » or « » » (French spacing), nor ends with « « »: those
        # spaces, and the heading's, are no-break while wrapping.
        glued = re.sub(r" ([:;?!»])", "\u00a0\\1", re.sub(r"« ", "«\u00a0", " ".join(text.split())))
        head = f"{title}\u00a0:".replace(" ", "\u00a0") if title else ""
        lines = textwrap.wrap(f"{head} {glued}" if head else glued, width=width, subsequent_indent="  ",
                              break_on_hyphens=False)
        if head:
            lines[0] = lines[0].replace(head, heading(f"{title} :"), 1)
        return [line.replace("\u00a0", " ") for line in lines]

    out = [heading(f"{rule.id} — {rule.title_for(ref)}"),
           f"Gravité : {' ou '.join(s.label for s in rule.severities)}",
           f"Section de l'appel : {rule.section_for(ref)}"]
    for title, text in rule.parts_for(ref):
        out.append("")
        blocks = text.split("\n\n")
        if blocks[0].startswith("    ") or not blocks[0]:  # a heading alone, then a dossier fragment
            out.append(heading(f"{title} :"))
        else:
            out.extend(wrapped(blocks.pop(0), title))
        for block in blocks:
            out.extend(block.splitlines() if block.startswith("    ") else wrapped(block))
    return "\n".join(out) + "\n"



# --- browse commands ---
class BrowseFormat(StrEnum):
    rich = "rich"
    json = "json"


_BROWSE_FORMAT_HELP = "Format : rich (arbre ou tableau, par défaut) ou json."
_BROWSE_FORMAT_OPTION = typer.Option("--format", "-f", metavar="FORMAT", help=_BROWSE_FORMAT_HELP, show_default=False)


def _show(renderable: Any) -> None:
    from rich.console import Console

    # crop=False: a word longer than the line (an identifier, an address) is never cut.
    Console(no_color=not color_wanted(None), highlight=False, width=width()).print(renderable, crop=False)


def _show_json(data: Any) -> None:
    import json

    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@app.command("objectives", cls=FrenchCommand, short_help="Les objectifs de l'appel.")
def objectives(
    code: Annotated[
        str | None,
        typer.Argument(metavar="CODE", help="Le code d'un axe ou d'un objectif de l'appel : lui et ce qu'il contient ; "
                       "sans CODE, tous.", show_default=False),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", "-s", metavar="TEXTE", help="Cherche ces mots (dans n'importe quel ordre, sans tenir "
                     "compte des majuscules, des accents, du pluriel ni du féminin) dans les objectifs et les "
                     "priorités de l'appel ; les plus proches d'abord."),
    ] = None,
    format: Annotated[BrowseFormat, _BROWSE_FORMAT_OPTION] = BrowseFormat.rich,
    referentiel: Annotated[Path | None, _REFERENTIEL_OPTION] = None,
) -> None:
    """Les objectifs de l'appel, tels que son référentiel les donne (par exemple l'arbre des axes, objectifs
    stratégiques, opérationnels et leurs déclinaisons)."""
    from cdv_check.cli import browse

    if code is not None and search is not None:
        raise CommandFailed("donnez un CODE ou --search, pas les deux.")
    ref = _referentiel(referentiel)
    json_wanted = format is BrowseFormat.json
    data: Any
    try:
        if search is not None:
            data = browse.search_json(ref, search) if json_wanted else browse.search_tree(ref, search)
        else:
            data = browse.objectives_json(ref, code) if json_wanted else browse.objectives_tree(ref, code)
    except browse.UnknownObjectiveError as exc:
        raise CommandFailed(f"{exc} L'arbre complet : cdv-check objectives.") from None
    if json_wanted:
        _show_json(data)
    else:
        _show(data)


@app.command("qpv", cls=FrenchCommand, short_help="Les quartiers prioritaires de l'appel et leurs priorités.")
def qpv(
    quartier: Annotated[
        str | None,
        typer.Argument(metavar="QUARTIER", help="Un seul quartier, par son nom ou son identifiant ; sans "
                       "QUARTIER, tous ceux de l'appel.", show_default=False),
    ] = None,
    format: Annotated[BrowseFormat, _BROWSE_FORMAT_OPTION] = BrowseFormat.rich,
    referentiel: Annotated[Path | None, _REFERENTIEL_OPTION] = None,
) -> None:
    """Les quartiers prioritaires (QPV) de l'appel : commune, chiffres que donne le référentiel et priorités."""
    from cdv_check.cli import browse

    ref = _referentiel(referentiel)
    slugs = None
    if quartier is not None:
        found = browse.qpv_matching(ref, quartier)
        if not found:
            close = browse.closest_qpv_name(ref, quartier)
            hint = f" Vouliez-vous dire « {close} » ?" if close else ""
            names = ", ".join(browse.qpv_label(ref, q) for q in ref.qpv)
            raise CommandFailed(f"quartier « {clean_lines(quartier)} » inconnu.{hint} Les QPV : {names}.")
        slugs = [q.slug for q in found]
    if format is BrowseFormat.json:
        _show_json(browse.qpv_json(ref, slugs))
    else:
        _show(browse.qpv_table(ref, slugs))
# --- end of browse commands ---


@app.command("schema", cls=FrenchCommand, short_help="Le schéma JSON du dossier, pour les éditeurs.")
def schema(
    referentiel: Annotated[Path | None, _REFERENTIEL_OPTION] = None,
) -> None:
    """Le schéma JSON (draft 2020-12) du dossier que le référentiel accepte, pour l'aide des éditeurs.

    \b
    Exemple :
      cdv-check schema > cdv-check.schema.json
    puis, en première ligne du dossier :
      # yaml-language-server: $schema=cdv-check.schema.json
    """
    import json

    from cdv_check.model.schema import build

    typer.echo(json.dumps(build(_referentiel(referentiel)), ensure_ascii=False, indent=2))


def _wrapped(text: str) -> list[str]:
    """`text` wrapped between words to the terminal's width (a word, an e-mail or a code is never
    split), continuation lines indented under an indented first line."""
    import shutil
    import textwrap

    columns = shutil.get_terminal_size((100, 24)).columns - 1
    indent = text[: len(text) - len(text.lstrip(" "))]
    return textwrap.wrap(text, columns, subsequent_indent=indent + ("  " if indent else ""),
                         break_long_words=False, break_on_hyphens=False) or [text]


def _say(text: str) -> None:
    """A line of the questionnaire, wrapped to the terminal."""
    for line in text.split("\n"):
        typer.echo("\n".join(_wrapped(line)) if line.strip() else line)


def _prompt(question: str, default: str | None) -> str:
    """One answer typed in the terminal; Entrée keeps the default shown between brackets."""
    lines = _wrapped(f"{question}{f' [{default}]' if default else ''} :")
    for line in lines[:-1]:
        typer.echo(line)
    answer = input(lines[-1] + " ")
    return answer if answer.strip() else (default or "")


@app.command("init", cls=FrenchCommand, short_help="Écrit un nouveau dossier à compléter.")
def init(
    file: Annotated[
        str,
        typer.Argument(metavar="FICHIER", help="Le dossier à créer, en .yaml (par défaut : dossier.yaml) ; jamais "
                       "remplacé s'il existe ; - écrit le modèle commenté sur la sortie standard.",
                       show_default=False),
    ] = "dossier.yaml",
    interactive: Annotated[
        bool | None,
        typer.Option("--input/--no-input", help="Pose les questions (par défaut dans un terminal) ; --no-input "
                     "écrit le modèle commenté.", show_default=False),
    ] = None,
    reprendre: Annotated[
        bool,
        typer.Option("--reprendre", help="Reprend le questionnaire interrompu de ce dossier, là où il s'est arrêté "
                     "(ses réponses sont dans FICHIER.brouillon.yaml).", show_default=False),
    ] = False,
    referentiel: Annotated[Path | None, _REFERENTIEL_OPTION] = None,
) -> None:
    """Écrit un nouveau dossier : pose quelques questions dans un terminal, sinon écrit le modèle commenté."""
    from cdv_check.cli import init as new_dossier
    from cdv_check.text.oserrors import french_os_error

    if file == "-":
        typer.echo(new_dossier.template(_referentiel(referentiel)), nl=False)
        return
    if not file.lower().endswith((".yaml", ".yml")):
        raise CommandFailed(f"« {file} » : init écrit un dossier YAML ; donnez un nom qui finit par .yaml "
                            "(ex. dossier.yaml).")
    if os.path.lexists(file):
        raise CommandFailed(f"« {file} » existe déjà ; il n'est pas remplacé. Choisissez un autre nom.", 1)
    ref = _referentiel(referentiel)
    if reprendre and interactive is False:
        raise CommandFailed("--reprendre pose les questions qui restent : il ne va pas avec --no-input.")
    if interactive if interactive is not None else (reprendre or sys.stdin.isatty()):
        import shutil

        from cdv_check.cli.questionnaire import interview

        try:
            import readline  # noqa: F401  (line editing and history for input(), where it exists)
        except ImportError:
            pass
        reconfigure = getattr(sys.stdin, "reconfigure", None)
        if reconfigure is not None:  # bytes that are not UTF-8 reach the questionnaire, to be read there
            reconfigure(errors="surrogateescape")
        try:
            text, resumed = interview(Path(file), ref, _prompt, _say, resume=reprendre,
                                      height=shutil.get_terminal_size().lines if sys.stdout.isatty() else 0)
        except new_dossier.Stopped as stopped:
            typer.echo(stopped.message, err=True)
            raise typer.Exit(stopped.code) from None
    else:
        resumed = None
        text = new_dossier.template(ref)
    try:
        new_dossier.write_new(Path(file), text)
    except FileExistsError:
        raise CommandFailed(f"« {file} » existe déjà ; il n'est pas remplacé. Choisissez un autre nom.", 1) from None
    except OSError as exc:
        raise CommandFailed(f"impossible d'écrire « {file} » : {french_os_error(exc)}.", 1) from None
    if resumed is not None:
        resumed.unlink(missing_ok=True)  # its answers are all in the dossier now
    typer.echo(f"Dossier écrit : {file}. Complétez-le, puis vérifiez-le : cdv-check {file}")
# --- end of schema and init commands ---

app.command("referentiel", cls=FrenchCommand, short_help="Vérifie un référentiel et dit ce qu'il définit.")(
    referentiel_command.referentiel
)

def run(argv: list[str] | None = None) -> None:
    """Entry point: runs the app with French help, French usage errors and cli.md's exit codes."""
    from cdv_check.cli.click_french import run_french

    run_french(app, argv)
