"""`--output` replaces only a file that reads as a report of cdv-check (any format): a typo that
names a user's dossier, or any other file, leaves it as it is (exit 2). Reports written inside
the batch folder are never taken for dossiers, nor refused on the next run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdv_check.cli.app import app

from .conftest import VALID_EXAMPLE


@pytest.fixture
def lot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(VALID_EXAMPLE, tmp_path / "lot")
    shutil.copy(tmp_path / "lot" / "dossier.yaml", tmp_path / "lot" / "autre.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "lot"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["check", "--jobs", "1", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_a_json_dossier_named_by_mistake_is_not_replaced(lot: Path) -> None:
    dossier = lot / "b.json"
    dossier.write_text('{"porteur": {"nom": "Mon association"}}', encoding="utf-8")
    code, output = _run("lot/dossier.yaml", "--output", "lot/b.json")
    assert code == 2
    assert dossier.read_text(encoding="utf-8") == '{"porteur": {"nom": "Mon association"}}'
    assert "n'est pas un rapport de cdv-check" in output and "il n'est pas remplacé" in output


@pytest.mark.parametrize("content", ["mes notes\n", "Nom;Montant\nA;1\n", "<html><body>page</body></html>\n"])
def test_a_file_that_is_not_a_report_is_left_as_it_is(lot: Path, content: str) -> None:
    other = lot / "rapport.txt"
    other.write_text(content, encoding="utf-8")
    code, _ = _run("lot/dossier.yaml", "--format", "text", "--output", "lot/rapport.txt")
    assert code == 2
    assert other.read_text(encoding="utf-8") == content


@pytest.mark.parametrize(("name", "fmt"), [
    ("r.json", "json"), ("r.jsonl", "jsonl"), ("r.xml", "junit"), ("r.sarif", "sarif"), ("r.csv", "csv"),
    ("r.xlsx", "xlsx"), ("r.html", "html"), ("r.txt", "text"), ("r2.txt", "rich"), ("r.log", "github"),
])
def test_each_format_replaces_its_own_report(lot: Path, name: str, fmt: str) -> None:
    first, _ = _run("lot/dossier.yaml", "--format", fmt, "--output", name)
    again, output = _run("lot/dossier.yaml", "lot/autre.yaml", "--format", fmt, "--output", name)
    assert (first, again) == (0, 0), output
    assert Path(name).stat().st_size > 0


def test_an_empty_file_is_replaced(lot: Path) -> None:
    Path("vide.json").touch()
    assert _run("lot/dossier.yaml", "--output", "vide.json")[0] == 0
    assert Path("vide.json").read_text(encoding="utf-8").startswith('{"tool": "cdv-check"')


def test_a_report_inside_the_batch_folder_is_neither_a_dossier_nor_refused(lot: Path) -> None:
    import json

    for _ in range(2):
        code, output = _run("lot", "--format", "json", "--output", "lot/rapport.json")
        assert code == 0, output
        report = json.loads((lot / "rapport.json").read_text(encoding="utf-8"))
        assert [d["file"] for d in report["dossiers"]] == ["lot/autre.yaml", "lot/dossier.yaml"]
    code, output = _run("lot", "--format", "json")  # without --output: the old report is not checked
    assert code == 0 and "rapport.json" not in output


def test_the_advice_never_names_the_very_file_it_refuses(lot: Path) -> None:
    _run("lot/dossier.yaml", "--output", "lot/rapport.json")
    code, output = _run("lot/rapport.json", "lot/dossier.yaml", "--output", "lot/rapport.json")
    assert code == 2
    assert "est un dossier, pas un rapport" in output
    advice = output.split("Choisissez un autre nom", 1)[1]
    assert "rapport.json" not in advice and ".json" in advice
