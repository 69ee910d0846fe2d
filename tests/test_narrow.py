"""Nothing a reader copies is ever cut: ids, codes, e-mails, addresses, paths and amounts stay whole
on one line of the rich report, of `objectives` and of `qpv`, at 40, 60, 80 and 120 columns."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console, RenderableType

from cdv_check.cli import browse
from cdv_check.core.checker import DossierResult, Settings, check_path
from cdv_check.model.referentiel import Referentiel
from cdv_check.reporters.rich_report import RichReporter
from conftest import EXAMPLES, ROOT, TODAY, MakeCase

WIDTHS = [40, 60, 80, 120]
# What a reader copies: e-mails, web addresses, file paths, dotted paths and codes, ids with « - »
# or « _ », amounts in euros.
_AMOUNT = re.compile(r"-?\d{1,3}(?: \d{3})*,\d\d €")
_COPIED = re.compile(r"[\w%*+-]+(?:[@./_-][\w%*+-]+)+")


def _copied(text: str) -> set[str]:
    tokens = {t for t in _COPIED.findall(text) if re.search(r"[@./_]|\w-\w", t) and len(t) >= 5}
    return tokens | set(_AMOUNT.findall(text))


def _tokens(result: DossierResult) -> set[str]:
    tokens = {result.file}
    for f in result.findings:
        tokens |= {*_copied(f.message), *_copied(f.advice)}
        if f.rule != "OBJ04":  # the ideas are listed apart, without their rule
            tokens.add(f.rule)
        if f.path:
            tokens.add(f.path)
    return tokens


def _report(ref: Referentiel, result: DossierResult, width: int) -> str:
    return RichReporter(ref=ref, width=width).dossier(result)


@pytest.fixture
def typical(ref: Referentiel) -> DossierResult:
    return check_path(Path("examples/erreurs-typiques/dossier.yaml"), ref, Settings(today=TODAY))


@pytest.fixture(autouse=True)
def _at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_typical_mistakes_report_keeps_what_is_copied_whole(
    ref: Referentiel, typical: DossierResult, width: int
) -> None:
    out = _report(ref, typical, width)
    tokens = _tokens(typical)
    assert {"contratdeville@metzmetropole.fr", "annuaire-entreprises.data.gouv.fr",
            "action.public.beneficiaires_qpv", "2 500,00 €", "pieces/cerfa-12156.pdf"} <= tokens
    missing = sorted(t for t in tokens if t not in out)
    assert missing == [], f"cut at {width} columns"


@pytest.mark.parametrize("width", WIDTHS)
def test_values_longer_than_the_line_stay_whole(make_case: MakeCase, ref: Referentiel, width: int) -> None:
    long_mail = "coordination.des.actions.educatives@association-des-habitants-de-bellecroix.fr"
    case = make_case({
        "courriel: presidente@fil-aiguille-bellecroix.fr": f"courriel: {long_mail[:-3]}",
        "cerfa: pieces/cerfa-12156.pdf":
            "cerfa: pieces/cerfa-12156-version-definitive-signee-par-la-presidente-2016.pdf",
    })
    result = case.check()
    out = _report(ref, result, width)
    tokens = _tokens(result)
    assert "pieces/cerfa-12156-version-definitive-signee-par-la-presidente-2016.pdf" in tokens
    assert long_mail[:-3] in tokens
    assert sorted(t for t in tokens if t not in out) == []


def test_under_80_columns_the_findings_are_stacked(ref: Referentiel, typical: DossierResult) -> None:
    narrow = _report(ref, typical, 60)
    assert "╭" not in narrow  # no frame whose title would cut the path
    assert re.search(r"^✗ erreur ELG06 \d+:\d+$", narrow, re.MULTILINE)
    assert max(len(line) for line in narrow.splitlines()) <= 60
    wide = _report(ref, typical, 120)
    assert re.search(r"^✗ erreur +ELG06 +\d+:\d+ +Dépôt le", wide, re.MULTILINE)


def _render(renderable: RenderableType, width: int) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, legacy_windows=False)
    console.print(renderable, crop=False)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(out, str)
    return out


@pytest.mark.parametrize("width", [*WIDTHS, 100])
def test_qpv_keeps_every_priority_id_whole(ref: Referentiel, width: int) -> None:
    out = _render(browse.qpv_table(ref), width)
    for p in ref.priorites:
        assert p.id in out, (width, p.id)
    for q in ref.qpv:
        assert q.nom in out


@pytest.mark.parametrize("width", WIDTHS)
def test_objectives_keep_codes_and_priority_ids_whole(ref: Referentiel, width: int) -> None:
    out = _render(browse.search_tree(ref, "aide aux devoirs"), width)
    assert "borny-aide-aux-devoirs" in out and "patrotte-metz-nord-aide-aux-devoirs" in out
    out = _render(browse.objectives_tree(ref, "2.7"), width)
    for code in ("2.7", "2.7.1", "2.7.2", "2.7.3", "2.7.4"):
        assert re.search(rf"(^|\s){re.escape(code)} ", out, re.MULTILINE), code


def test_the_real_command_at_60_columns(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cdv_check.cli.app import app

    monkeypatch.setattr("cdv_check.cli.check.width", lambda: 60)
    monkeypatch.setattr("cdv_check.cli.app.width", lambda: 60)
    dossier = EXAMPLES / "erreurs-typiques" / "dossier.yaml"
    result = CliRunner().invoke(app, ["check", "--format", "rich", str(dossier)])
    assert "contratdeville@metzmetropole.fr" in result.stdout
    assert "annuaire-entreprises.data.gouv.fr" in result.stdout
    result = CliRunner().invoke(app, ["qpv"])
    assert "tous-discriminations-egalite" in result.stdout


# The examples' folder: the whole programme, so that LOT03 names the priorities no dossier takes.
_PROGRAMME = ["check", "--date-depot", "2016-01-08", str(EXAMPLES.relative_to(ROOT))]


@pytest.fixture(scope="module")
def programme_findings() -> list[str]:
    """The batch findings of the examples' folder, from its json report (the same at any width)."""
    from typer.testing import CliRunner

    from cdv_check.cli.app import app

    lot = json.loads(CliRunner().invoke(app, [*_PROGRAMME, "--format", "json"]).stdout)
    return [json.dumps(f, ensure_ascii=False) for f in lot["synthese"]["findings"]]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_batch_summary_keeps_ids_and_amounts_whole(
    monkeypatch: pytest.MonkeyPatch, ref: Referentiel, programme_findings: list[str], width: int
) -> None:
    from typer.testing import CliRunner

    from cdv_check.cli.app import app

    monkeypatch.setattr("cdv_check.cli.check.width", lambda: width)
    result = CliRunner().invoke(app, [*_PROGRAMME, "--format", "rich"])
    summary = result.stdout[result.stdout.index("Bilan"):]
    texts = programme_findings
    ids = {p.id for p in ref.priorites if any(p.id in t for t in texts)}
    assert ids, "the batch names priorities"
    assert sorted(i for i in ids if i not in summary) == [], f"cut at {width} columns"
    amounts = set(_AMOUNT.findall(summary.replace("\n", " ")))
    assert amounts and sorted(a for a in amounts if a not in summary) == []


def test_a_command_error_in_a_narrow_terminal_splits_no_word(tmp_path: Path) -> None:
    import os
    import sys

    pexpect = pytest.importorskip("pexpect")
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}
    child = pexpect.spawn(sys.executable, ["-m", "cdv_check", "qpv", "la patrote"], encoding="utf-8", timeout=30,
                          dimensions=(24, 60), env=env, cwd=str(tmp_path))
    child.expect(pexpect.EOF)
    lines = child.before.replace("\r", "").splitlines()
    child.close()
    assert child.exitstatus == 2
    assert max(map(len, lines)) <= 60
    assert any("Hauts-de-Vallières" in line for line in lines)
