"""The CI formats (junit, sarif, github), each read back with a standard parser on a mixed batch."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest
from typer.testing import CliRunner

from cdv_check.cli.app import app
from cdv_check.core.findings import Severity
from cdv_check.core.registry import all_rules
from conftest import EXAMPLES, Main, in_shared_folder

HOSTILE_SIRET = 'siret: "1\\n::warning::x\\a\\x1b[31m\\u202e"'


def _batch(root: Path) -> list[str]:
    """A batch of good and bad dossiers, as relative paths from `root` (the current folder)."""
    shutil.copytree(EXAMPLES / "nouvelle-action", root / "bon")
    shutil.copytree(EXAMPLES / "erreurs-typiques", root / "erreurs")
    shutil.copytree(EXAMPLES / "nouvelle-action", root / "hostile")
    hostile = root / "hostile" / "dossier.yaml"
    text = hostile.read_text(encoding="utf-8")
    text = text.replace('siret: "443 061 841 00047"', HOSTILE_SIRET)
    text = text.replace("  sigle: FAB\n", '  sigle: FAB\n  "cl\\u00e9\\n::error::y</failure>&": 1\n')
    hostile.write_text(text, encoding="utf-8")
    (root / "binaire.yaml").write_bytes(b"\x00\x01\x02 pas un dossier")
    (root / "virgule, deux:points.yaml").write_text(
        (EXAMPLES / "nouvelle-action" / "dossier.yaml").read_text(encoding="utf-8").replace(
            "quartiers:", "quartier:"
        ),
        encoding="utf-8",
    )
    return [
        "bon/dossier.yaml",
        "erreurs/dossier.yaml",
        "hostile/dossier.yaml",
        "binaire.yaml",
        "virgule, deux:points.yaml",
    ]


@pytest.fixture(scope="module")
def _batch_made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("formats")
    return root, _batch(root)


@pytest.fixture
def batch(_batch_made: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The batch above in the current folder, written once for the tests that only read it."""
    root, files = _batch_made
    with in_shared_folder(root, monkeypatch):
        yield files


@pytest.fixture
def own_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The batch above in the current folder, `tmp_path`: for a test that writes there."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return _batch(tmp_path)


def _run(fmt: str, files: list[str], *extra: str) -> tuple[int, str]:
    # The whole batch is given with its folder « . » after the files: the whole programme (a
    # list of files alone gives no LOT03), the files in the order given (those found again in
    # the folder are not checked twice).
    whole = ["."] if len(files) > 1 else []
    result = CliRunner().invoke(
        app, ["check", "--format", fmt, "--jobs", "1", "--date-depot", "2016-01-06", *extra, *files, *whole]
    )
    return result.exit_code, result.stdout


@pytest.fixture(scope="module")
def _reports_of_batch() -> dict[tuple[str, ...], tuple[int, str]]:
    return {}


Report = Callable[..., tuple[int, str]]


@pytest.fixture
def batch_report(batch: list[str], _reports_of_batch: dict[tuple[str, ...], tuple[int, str]]) -> Report:
    """`batch_report(fmt, *extra)`: `_run(fmt, batch, *extra)` on the shared batch, made once for the
    module, as several tests read the same report (junit, sarif)."""

    def made(fmt: str, *extra: str) -> tuple[int, str]:
        if (fmt, *extra) not in _reports_of_batch:
            _reports_of_batch[fmt, *extra] = _run(fmt, batch, *extra)
        return _reports_of_batch[fmt, *extra]

    return made


def _json(files: list[str], *extra: str) -> dict[str, dict[str, Any]]:
    _code, out = _run("json", files, *extra)
    return {d["file"]: d for d in json.loads(out)["dossiers"]}


def _batch_findings(files: list[str], *extra: str) -> list[dict[str, Any]]:
    """The batch rules' findings (LOT), from the json synthesis of the same batch."""
    _code, out = _run("json", files, *extra)
    findings: list[dict[str, Any]] = json.loads(out)["synthese"]["findings"]
    return findings


# --- text ---------------------------------------------------------------------------------------


def test_text_gives_the_position_when_known_and_never_a_made_up_one(own_batch: list[str], tmp_path: Path) -> None:
    (tmp_path / "liste.json").write_text("[1, 2]\n", encoding="utf-8")  # no key to point at
    _, out = _run("text", [*own_batch, "liste.json"])
    findings = out.splitlines()[:-1]
    assert any(re.match(r"bon/dossier\.yaml:\d+:\d+: [A-Z]{3}\d\d ", line) for line in findings)
    assert [line for line in findings if line.startswith("liste.json")] == [
        next(line for line in findings if re.match(r"liste\.json: SCH04 erreur ", line))
    ]
    assert not any(":0:" in line for line in findings)


# --- junit --------------------------------------------------------------------------------------


def test_junit_is_xml_with_one_testcase_per_dossier(batch: list[str], batch_report: Report) -> None:
    code, out = batch_report("junit")
    assert code == 1
    suite = ET.fromstring(out).find("testsuite")
    assert suite is not None
    cases = {case.get("name", ""): case for case in suite.iter("testcase")}
    assert list(cases) == batch
    expected = _json(batch)
    assert suite.get("tests") == str(len(batch))
    assert suite.get("failures") == str(sum(not d["passed"] for d in expected.values()))
    for file, case in cases.items():
        failure = case.find("failure")
        assert (failure is None) == expected[file]["passed"], file
        if failure is not None:
            errors = [f for f in expected[file]["findings"] if f["severity"] == "error"]
            lines = (failure.text or "").splitlines()
            assert len(lines) == len(errors)
            for line, finding in zip(lines, errors, strict=True):
                place = f"{file}:{finding['line'] or 0}:{finding['column'] or 0}"
                assert line.startswith(f"{place} {finding['rule']} erreur ")


def test_junit_attributes_and_system_out_say_what_the_json_says(batch: list[str], batch_report: Report) -> None:
    _, out = batch_report("junit")
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')
    root = ET.fromstring(out)
    expected = _json(batch)
    failed = str(sum(not d["passed"] for d in expected.values()))
    assert root.tag == "testsuites"
    assert root.attrib == {"name": "cdv-check", "tests": str(len(batch)), "failures": failed, "errors": "0"}
    [suite] = list(root)
    assert suite.attrib == {**root.attrib, "skipped": "0"}
    batch_findings = _batch_findings(batch)
    # The batch findings that name no dossier (LOT03) are the suite's own output, after the cases.
    assert suite[-1].tag == "system-out"
    assert [line.split(" ")[0] for line in (suite[-1].text or "").splitlines()] == [
        f["rule"] for f in batch_findings if not f["dossiers"]
    ]
    for case in suite.iter("testcase"):
        file = case.get("name", "")
        assert case.attrib == {"name": file, "classname": "cdv-check", "file": file}
        # A batch finding (LOT) is also said in each test case of a dossier it names.
        findings = expected[file]["findings"] + [f for f in batch_findings if file in f["dossiers"]]
        failure = case.find("failure")
        if failure is not None:
            errors = sum(f["severity"] == "error" for f in findings)
            warnings = sum(f["severity"] == "warning" for f in findings)
            message = f"{errors} erreur(s), {warnings} avertissement(s)"
            assert failure.attrib == {"message": message, "type": "cdv-check"}
        others = [f for f in findings if f["severity"] != "error"]
        said = (case.findtext("system-out") or "").splitlines()
        rules = [re.search(r" ([A-Z]{3}\d\d) (\w+) ", line) for line in said]
        assert [m.groups() if m else line for m, line in zip(rules, said, strict=True)] == [
            (f["rule"], Severity(f["severity"]).label) for f in others
        ]


def test_junit_keeps_hostile_text_inert(batch_report: Report) -> None:
    _, out = batch_report("junit")
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    case = next(c for c in ET.fromstring(out).iter("testcase") if c.get("name") == "hostile/dossier.yaml")
    failure = case.find("failure")
    assert failure is not None
    assert "</failure>&" in (failure.text or "")  # escaped in the XML, the text itself after parsing


def test_junit_strict_fails_a_dossier_with_warnings_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(EXAMPLES / "nouvelle-action", tmp_path / "d")
    path = tmp_path / "d" / "dossier.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  axes_transversaux: [egalite_femmes_hommes]\n", ""),
                    encoding="utf-8")
    [finding] = [f for f in _json(["d/dossier.yaml"])["d/dossier.yaml"]["findings"] if f["severity"] == "warning"]

    code, out = _run("junit", ["d/dossier.yaml"])
    case = next(ET.fromstring(out).iter("testcase"))
    assert code == 0 and case.find("failure") is None
    assert finding["rule"] in (case.findtext("system-out") or "")

    code, out = _run("junit", ["d/dossier.yaml"], "--strict")
    case = next(ET.fromstring(out).iter("testcase"))
    assert code == 1
    failure = case.find("failure")
    assert failure is not None and f"{finding['rule']} avertissement" in (failure.text or "")


# --- sarif --------------------------------------------------------------------------------------


def test_sarif_results_refer_to_the_registry_and_every_dossier_appears(batch: list[str], batch_report: Report) -> None:
    code, out = batch_report("sarif")
    assert code == 1
    report = json.loads(out)
    assert report["version"] == "2.1.0"
    [run] = report["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "cdv-check"
    rules = {r["id"]: r for r in driver["rules"]}
    registry = all_rules()
    assert list(rules) == list(registry)
    assert rules["SCH05"]["shortDescription"]["text"] == registry["SCH05"].title
    assert rules["SCH05"]["fullDescription"]["text"] == registry["SCH05"].explanation
    assert rules["ELG06"]["defaultConfiguration"]["level"] == "error"
    assert [unquote(a["location"]["uri"]) for a in run["artifacts"]] == batch

    expected = _json(batch)
    findings = [(file, f) for file, d in expected.items() for f in d["findings"]]
    batch_findings = _batch_findings(batch)
    # A batch finding is a result on each dossier it names; one that names none, a notification.
    attached = [(file, f) for f in batch_findings for file in f["dossiers"]]
    assert {f["rule"] for f in batch_findings} >= {"LOT01", "LOT03"}
    assert len(run["results"]) == len(findings) + len(attached)
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["associatedRule"]["id"] for n in notes] == [f["rule"] for f in batch_findings if not f["dossiers"]]
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for result, (file, finding) in zip(run["results"], findings + attached, strict=True):
        assert result["ruleId"] in rules
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"] == finding["rule"]
        assert result["level"] == levels[finding["severity"]]
        physical = result["locations"][0]["physicalLocation"]
        assert unquote(physical["artifactLocation"]["uri"]) == file
        if finding["line"] is None:
            assert "region" not in physical
        else:
            assert physical["region"]["startLine"] == finding["line"]
            assert physical["region"]["startColumn"] == finding["column"]


SARIF_SCHEMA = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"
"""The OASIS SARIF 2.1.0 schema (errata 01, from github.com/oasis-tcs/sarif-spec,
sarif-2.1/schema/), shipped here so that the tests need no network."""


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


@pytest.mark.parametrize("extra", [(), ("--strict",)])
def test_sarif_is_valid_against_the_sarif_2_1_0_schema(
    batch_report: Report, sarif_validator: jsonschema.Draft4Validator, extra: tuple[str, ...]
) -> None:
    _, out = batch_report("sarif", *extra)
    report = json.loads(out)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in sarif_validator.iter_errors(report)]
    assert errors == []
    assert report["runs"][0]["results"]  # the batch has findings: they were validated too


def test_the_sarif_schema_refuses_what_sarif_consumers_refuse(
    batch_report: Report, sarif_validator: jsonschema.Draft4Validator
) -> None:
    sarif = json.loads(batch_report("sarif")[1])
    result = sarif["runs"][0]["results"][0]
    result["level"] = "info"  # a cdv-check severity, not a SARIF level
    result["locations"][0]["physicalLocation"]["region"] = {"startLine": 0}
    paths = sorted(list(e.absolute_path)[-1] for e in sarif_validator.iter_errors(sarif))
    assert paths == ["level", "startLine"]


def test_sarif_messages_are_inert(batch_report: Report) -> None:
    _, out = batch_report("sarif")
    texts = [r["message"]["text"] for r in json.loads(out)["runs"][0]["results"]]
    siret = next(t for t in texts if t.startswith("SIRET"))
    assert "\n" not in siret and "\x1b" not in siret and "\u202e" not in siret


# --- github -------------------------------------------------------------------------------------

_ANNOTATION = re.compile(r"::(error|warning|notice)(?: ([^:]*))?::(.*)")


def _annotations(out: str) -> list[tuple[str, dict[str, str], str]]:
    parsed = []
    for line in out.splitlines():
        match = _ANNOTATION.fullmatch(line)
        assert match, f"not an annotation: {line!r}"
        props = dict(p.split("=", 1) for p in match.group(2).split(",")) if match.group(2) else {}
        parsed.append((match.group(1), props, match.group(3)))
    return parsed


def test_github_one_annotation_per_finding_and_a_summary(batch: list[str]) -> None:
    code, out = _run("github", batch)
    assert code == 1
    annotations = _annotations(out)
    expected = _json(batch)
    findings: list[tuple[str | None, dict[str, Any]]] = [
        (file, f) for file, d in expected.items() for f in d["findings"]
    ]
    # Then the batch findings, each at the first dossier it names (or at none).
    findings += [(f["dossiers"][0] if f["dossiers"] else None, f) for f in _batch_findings(batch)]
    assert len(annotations) == len(findings) + 1
    commands = {"error": "error", "warning": "warning", "info": "notice"}
    labels = {"error": "erreur", "warning": "avertissement", "info": "conseil"}
    for (command, props, message), (file, finding) in zip(annotations, findings, strict=False):  # + the summary
        assert command == commands[finding["severity"]]  # GitHub's protocol stays English
        assert message.startswith(f"{labels[finding['severity']]} : ")  # what a person reads is French
        assert props["title"] == finding["rule"]
        if file is None:
            assert "file" not in props
            continue
        assert props["file"] == file.replace(",", "%2C").replace(":", "%3A")
        if finding["line"] is not None:
            assert (props["line"], props["col"]) == (str(finding["line"]), str(finding["column"]))
        else:
            assert "line" not in props
    command, props, summary = annotations[-1]
    assert command == "notice" and "5 dossier(s)" in summary and "file" not in props
    assert " prêt(s), " in summary and "conforme" not in summary


def test_github_no_dossier_text_starts_a_command(batch: list[str]) -> None:
    _, out = _run("github", ["hostile/dossier.yaml"])
    assert "\x1b" not in out and "\x07" not in out
    annotations = _annotations(out)
    [siret] = [a for a in annotations if a[1].get("title") == "IDN01"]
    assert "::warning::x" in siret[2]  # kept as inert text on the finding's own line
    assert [a[1].get("title") for a in annotations].count("SCH05") == 1


def test_github_percent_and_newlines_are_escaped() -> None:
    from cdv_check.reporters.github import command

    line = command("error", "100% sûr\r\nfin", file="a,b:c.yaml", title="X%")
    assert line == "::error file=a%2Cb%3Ac.yaml,title=X%25::100%25 sûr  fin\n"


def test_github_is_the_default_in_github_actions(batch: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = CliRunner().invoke(app, ["check", "--jobs", "1", "bon/dossier.yaml"])
    assert result.stdout.splitlines()[-1].startswith("::notice title=cdv-check::1 dossier(s)")


# --- --output -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["junit", "sarif", "github", "json"])
def test_output_file_holds_the_whole_report(own_batch: list[str], fmt: str, tmp_path: Path) -> None:
    _, shown = _run(fmt, own_batch)
    code, out = _run(fmt, own_batch, "--output", "rapport.out")
    assert code == 1 and out == ""
    assert (tmp_path / "rapport.out").read_text(encoding="utf-8") == shown
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file() and p.name.startswith(".")) == []


def test_output_replaces_a_previous_report_but_never_a_dossier(cdv: Main, own_batch: list[str], tmp_path: Path) -> None:
    previous = tmp_path / "rapport.xml"
    previous.write_bytes(b'<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="cdv-check" tests="0">\n')
    result = cdv(["--format", "junit", "--output", "rapport.xml", *own_batch], cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert ET.fromstring(previous.read_text(encoding="utf-8")).tag == "testsuites"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".rapport")] == []
    dossier = tmp_path / "bon" / "dossier.yaml"
    before = dossier.read_bytes()
    for target in ("bon/dossier.yaml", "autre.yml"):
        (tmp_path / "autre.yml").write_bytes(b"precieux: oui\n")
        refused = cdv(["--format", "json", "--output", target, *own_batch], cwd=tmp_path)
        assert refused.returncode == 2, target
        assert "pas un rapport" in refused.stderr and refused.stdout == ""
    assert dossier.read_bytes() == before and (tmp_path / "autre.yml").read_bytes() == b"precieux: oui\n"
