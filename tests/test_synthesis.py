"""The batch synthesis (cli.md) and the batch rules LOT01-LOT03, on a generated mixed batch: every
total is recomputed here from the dossiers' own `dossier` objects."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cdv_check.cli.app import app
from cdv_check.core.synthesis import Demande, shares, synthesize
from cdv_check.model.referentiel import load
from mixed_batch import FORMULA_TITLE, HOSTILE_TITLE, run


def report(*args: str) -> dict[str, Any]:
    result = run("--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


LotReport = Callable[[], dict[str, Any]]


@pytest.fixture(scope="module")
def _lot_text() -> list[str]:
    return []


@pytest.fixture
def lot_report(mixed_batch: list[str], _lot_text: list[str]) -> LotReport:
    """`report("lot")` on the shared mixed batch: its JSON report made once for the module (five
    tests read it), read anew for each call."""

    def made() -> dict[str, Any]:
        if not _lot_text:
            result = run("--format", "json", "lot")
            assert result.exit_code in (0, 1), result.output
            _lot_text.append(result.stdout)
        parsed: dict[str, Any] = json.loads(_lot_text[0])
        return parsed

    return made


def amount(text: str | None) -> Decimal:
    return Decimal(text) if text is not None else Decimal(0)


def test_each_dossier_says_what_it_asks_for(mixed_batch: list[str], lot_report: LotReport) -> None:
    dossiers = {d["file"]: d["dossier"] for d in lot_report()["dossiers"]}
    assert list(dossiers) == mixed_batch
    good = dossiers["lot/a-atelier/dossier.yaml"]
    assert good == {
        "porteur": {"nom": "Fil et Aiguille Bellecroix", "sigle": "FAB", "siret": "44306184100047",
                    "statut": "association"},
        "intitule": "Atelier couture, premier pas vers l'emploi", "nouvelle": True,
        "quartiers": ["bellecroix"], "objectifs": ["2.1.2", "2.12.2"], "axes_strategiques": ["2"],
        "axes_transversaux": ["egalite_femmes_hommes"], "priorites": ["bellecroix-emploi-femmes"],
        "debut": "2016-02-01", "fin": "2016-12-15", "beneficiaires": 24, "beneficiaires_qpv": 22,
        "cout_total": "9400.00", "contributions_nature": "1000.00", "subvention_demandee": "7000.00",
        "date_depot": "2016-01-06", "statut": "pret",
        "financeurs": {"etat": "4000.00", "ville-de-metz": "3000.00"}, "subvention_precedente": None,
        "pieces": {
            "cerfa": {"fichier": "cerfa-12156.pdf", "taille": 644, "pages": 1},
            **{piece: {"fichier": name, "taille": size, "pages": None} for piece, name, size in (
                ("fiche_synthese", "fiche-synthese.pdf", 619), ("rib", "rib.pdf", 605),
                ("rapport_activite", "rapport-activite-2014.pdf", 625), ("statuts_bureau", "statuts-bureau.pdf", 634))},
        },
    }
    unreadable = dossiers["lot/f-illisible.yaml"]
    assert unreadable["statut"] == "illisible"
    assert unreadable["intitule"] is None and unreadable["subvention_demandee"] is None
    assert dossiers["lot/g-erreurs/dossier.yaml"]["statut"] == "a_corriger"
    assert dossiers["lot/e-renouvellement/dossier.yaml"]["nouvelle"] is False
    assert dossiers["lot/j-hostile/dossier.yaml"]["intitule"] == HOSTILE_TITLE
    assert dossiers["lot/k-formule/dossier.yaml"]["intitule"] == FORMULA_TITLE


def test_every_total_is_the_recomputed_one(mixed_batch: list[str], lot_report: LotReport) -> None:
    full = lot_report()
    synthese = full["synthese"]
    # A LOT01 group counts once, by its first file in the batch's order; the ready others are
    # « doublon », in no total.
    groups = [f["dossiers"] for f in synthese["findings"] if f["rule"] == "LOT01"]
    left_out = {file for group in groups for file in group[1:]}
    assert left_out == {"lot/c-copie/dossier.yaml", "lot/d-meme-titre/dossier.yaml"}
    every = [(d["file"], d["dossier"]) for d in full["dossiers"]]
    assert {f for f, d in every if d["statut"] == "doublon"} == left_out
    assert all(d["passed"] is (d["dossier"]["statut"] in ("pret", "doublon")) for d in full["dossiers"])
    dossiers = [(f, d) for f, d in every if f not in left_out]
    ready = [(f, d) for f, d in dossiers if d["statut"] == "pret"]
    for key, chosen in (("tous", dossiers), ("prets", ready)):
        totals = synthese["totaux"][key]
        assert totals["dossiers"] == len(chosen)
        assert amount(totals["subvention_demandee"]) == sum(amount(d["subvention_demandee"]) for _, d in chosen)
        assert amount(totals["cout_total"]) == sum(amount(d["cout_total"]) for _, d in chosen)
    assert synthese["totaux"]["tous"]["subvention_demandee"] == "48000.00"  # 62 000 with c and d
    assert synthese["statuts"] == dict(Counter(d["statut"] for _, d in every)) | {
        s: 0 for s in ("pret", "a_corriger", "illisible", "doublon") if s not in {d["statut"] for _, d in every}
    }
    grand = amount(synthese["totaux"]["tous"]["subvention_demandee"])
    grand_ready = amount(synthese["totaux"]["prets"]["subvention_demandee"])
    for table, field in (("par_qpv", "quartiers"), ("par_axe_strategique", "axes_strategiques"),
                         ("par_axe_transversal", "axes_transversaux")):
        rows = synthese[table]
        # Each column adds up to the grand total: the amounts split, the dossiers not lost.
        assert sum(amount(r["subvention_demandee"]) for r in rows) == grand, table
        assert sum(amount(r["subvention_prets"]) for r in rows) == grand_ready, table
        for row in rows:
            named = [d for _, d in dossiers if (row["cle"] in d[field] if row["cle"] else not d[field])]
            assert row["dossiers"] == len(named), (table, row["cle"])
            assert row["dossiers_prets"] == sum(d["statut"] == "pret" for d in named)
            exact = sum((Fraction(amount(d["subvention_demandee"])) / max(1, len(d[field])) for d in named),
                        Fraction(0))
            assert abs(Fraction(amount(row["subvention_demandee"])) - exact) < Fraction(len(named) + 1, 100)
    borny = next(r for r in synthese["par_qpv"] if r["cle"] == "borny")
    # b (7000 in three QPV: 2333.33 here), e (4000), h (7000) and i (7000 in two: 3500, to fix).
    assert (borny["dossiers"], borny["subvention_demandee"]) == (4, "16833.33")
    assert (borny["dossiers_prets"], borny["subvention_prets"]) == (3, "13333.33")
    nowhere = synthese["par_qpv"][-1]
    assert (nowhere["cle"], nowhere["dossiers"]) == (None, 2)  # the unreadable one and g (a misspelt key)


def test_carriers_and_priorities(mixed_batch: list[str], lot_report: LotReport) -> None:
    full = lot_report()
    dossiers = [(d["file"], d["dossier"]) for d in full["dossiers"]]
    synthese = full["synthese"]
    by_siret: dict[str | None, list[str]] = {}
    for file, d in dossiers:
        by_siret.setdefault(d["porteur"]["siret"], []).append(file)
    assert {c["siret"]: c["dossiers"] for c in synthese["par_porteur"]} == {k: len(v) for k, v in by_siret.items()}
    fab = next(c for c in synthese["par_porteur"] if c["siret"] == "44306184100047")
    assert fab["noms"] == ["Fil et Aiguille Bellecroix", "Maison des jeunes de Borny"]
    assert amount(fab["subvention_demandee"]) == 6 * 7000  # 8 files, c and d counted in a
    for priority in synthese["priorites"]:
        claims = [f for f, d in dossiers if priority["id"] in d["priorites"]]
        assert priority["dossiers"] == len(claims)
        assert priority["dossiers_prets"] == len([f for f, d in dossiers if f in claims and d["statut"] == "pret"])
    uncovered = [p["id"] for p in synthese["priorites"] if not p["dossiers_prets"]]
    assert synthese["priorites_non_couvertes"] == uncovered
    assert "bellecroix-emploi-femmes" not in uncovered and "borny-aide-aux-devoirs" not in uncovered
    assert len(uncovered) == len(load().priorites) - len(
        {p for _, d in dossiers if d["statut"] == "pret" for p in d["priorites"]}
    )


def test_the_batch_rules(mixed_batch: list[str], lot_report: LotReport) -> None:
    findings = lot_report()["synthese"]["findings"]
    lot01 = [f["dossiers"] for f in findings if f["rule"] == "LOT01"]
    assert lot01 == [
        ["lot/a-atelier/dossier.yaml", "lot/c-copie/dossier.yaml"],  # the same content
        ["lot/a-atelier/dossier.yaml", "lot/c-copie/dossier.yaml", "lot/d-meme-titre/dossier.yaml"],
    ]
    lot02 = [f for f in findings if f["rule"] == "LOT02"]
    assert len(lot02) == 1 and "lot/h-autre-nom/dossier.yaml" in lot02[0]["dossiers"]
    assert "Maison des jeunes de Borny" in lot02[0]["message"]
    # LOT03: one finding per QPV (and « Tous QPV »), naming each priority no ready dossier claims.
    lot03 = [f for f in findings if f["rule"] == "LOT03"]
    synthese = lot_report()["synthese"]
    uncovered = [p for p in synthese["priorites"] if p["id"] in synthese["priorites_non_couvertes"]]
    assert [f["message"].split(" : ")[0] for f in lot03] == list(dict.fromkeys(p["qpv_nom"] for p in uncovered))
    assert all(f["dossiers"] == [] for f in lot03)
    for p in uncovered:
        [about] = [f for f in lot03 if f["message"].startswith(p["qpv_nom"] + " :")]
        assert p["id"] in about["message"]
    assert "borny-aide-aux-devoirs" not in " ".join(f["message"] for f in lot03)
    for f in findings:
        assert set(f) == {"rule", "severity", "message", "path", "line", "column", "dossiers"}
        assert f["severity"] == {"LOT01": "warning", "LOT02": "warning", "LOT03": "info"}[f["rule"]]


def test_batch_rules_are_selected_ignored_and_counted_by_strict(mixed_batch: list[str]) -> None:
    copies = ["lot/a-atelier/dossier.yaml", "lot/c-copie/dossier.yaml"]
    assert run("--format", "text", *copies).exit_code == 0
    strict = run("--format", "text", "--strict", *copies)
    assert strict.exit_code == 1 and "LOT01 avertissement" in strict.stdout
    assert run("--format", "text", "--strict", "--ignore", "LOT01,LOT02", *copies).exit_code == 0
    selected = report("--select", "LOT", "lot")
    assert {f["rule"] for f in selected["synthese"]["findings"]} == {"LOT01", "LOT02", "LOT03"}
    assert {f["rule"] for d in selected["dossiers"] for f in d["findings"]} <= {"SCH01"}
    ignored = report("--ignore", "LOT03", "lot")
    assert "LOT03" not in {f["rule"] for f in ignored["synthese"]["findings"]}
    quiet = report("--min-severity", "warning", "lot")
    assert {f["rule"] for f in quiet["synthese"]["findings"]} == {"LOT01", "LOT02"}


def test_one_dossier_has_no_batch_finding(mixed_batch: list[str]) -> None:
    assert report("lot/a-atelier/dossier.yaml")["synthese"]["findings"] == []


def test_the_rules_command_explains_the_batch_rules() -> None:
    for rule_id in ("LOT01", "LOT02", "LOT03"):
        shown = CliRunner().invoke(app, ["rules", rule_id.lower()])
        assert shown.exit_code == 0
        for part in ("L'appel :", "Ce qui est vérifié :", "Exemple refusé :", "Correction :", "Que faire :"):
            assert part in shown.stdout, (rule_id, part)


@pytest.mark.parametrize("parts", [1, 2, 3, 7])
@pytest.mark.parametrize("value", ["7000", "0.01", "1000.00", "99999.99", "-10.00", "0"])
def test_equal_shares_add_up_to_the_amount(value: str, parts: int) -> None:
    split = shares(Decimal(value), parts)
    assert sum(split) == Decimal(value) and len(split) == parts
    assert max(split) - min(split) <= Decimal("0.01")


def test_synthesize_is_a_pure_function_of_the_results() -> None:
    ref = load()
    entries = [
        ("a", "pret", Demande(quartiers=("borny", "bellecroix"), subvention_demandee=Decimal("100.01"))),
        ("b", "a_corriger", Demande(quartiers=("borny",), subvention_demandee=Decimal("50"))),
        ("c", "illisible", Demande()),
    ]
    first, again = synthesize(entries, ref), synthesize(entries, ref)
    assert first.as_json() == again.as_json()
    rows = {r.key: r for r in first.by_qpv}
    assert (rows["borny"].subvention_demandee, rows["bellecroix"].subvention_demandee) == (
        Decimal("100.01"), Decimal("50.00"))
    assert rows[None].dossiers == 1 and first.totals.sans_montant == 1


# --- the batch in the other formats ---------------------------------------------------------


def test_rich_summary_counts_each_euro_once(mixed_batch: list[str]) -> None:
    out = run("--format", "rich", "lot").stdout
    summary = out[out.index("Bilan"):]
    flat = " ".join(summary.split())
    assert "Demandé : 48 000,00 € pour 9 dossiers" in flat
    assert "dont 39 000,00 € pour 6 dossiers prêt(s)" in flat
    total = next(line for line in summary.splitlines() if line.strip().startswith("Total"))
    assert "48 000,00 €" in total and "39 000,00 €" in total  # c and d, doublons, not counted
    assert "Doublons possibles, non comptés : 2." in flat
    borny = next(line for line in summary.splitlines() if line.strip().startswith("Borny"))
    assert "16 833,33 €" in borny  # not 7 000 € counted whole in each of the three QPV
    frequent = summary[summary.index("Règles les plus fréquentes"):summary.index("Demandes par quartier")]
    assert "ELG02" in frequent and "OBJ04" not in frequent and "PCE09" not in frequent
    assert "LOT01" in summary[summary.index("Constats du lot"):]


def test_junit_and_sarif_attach_batch_findings_to_the_dossiers_they_name(mixed_batch: list[str]) -> None:
    import xml.etree.ElementTree as ET

    copies = ["lot/a-atelier/dossier.yaml", "lot/c-copie/dossier.yaml", "lot/e-renouvellement/dossier.yaml"]
    suite = ET.fromstring(run("--format", "junit", *copies).stdout).find("testsuite")
    assert suite is not None
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    for file in copies[:2]:
        assert "LOT01 avertissement" in (cases[file].findtext("system-out") or "")
    assert "LOT01" not in (cases[copies[2]].findtext("system-out") or "")
    assert suite.findtext("system-out") is None  # a list of files: not the whole programme, no LOT03
    strict = ET.fromstring(run("--format", "junit", "--strict", *copies).stdout).find("testsuite")
    assert strict is not None and strict.get("failures") == "2"
    failed = [c.get("name") for c in strict.iter("testcase") if c.find("failure") is not None]
    assert failed == copies[:2]

    sarif = json.loads(run("--format", "sarif", *copies).stdout)["runs"][0]
    lot01 = [r for r in sarif["results"] if r["ruleId"] == "LOT01"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in lot01] == copies[:2]
    assert lot01[0]["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == copies[1]


def test_github_appends_a_markdown_job_summary(mixed_batch: list[str], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    step_summary = tmp_path / "step-summary.md"
    step_summary.write_text("# Étape précédente\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step_summary))
    result = run("--format", "github", "lot")
    assert result.exit_code == 1
    markdown = step_summary.read_text(encoding="utf-8")
    assert markdown.startswith("# Étape précédente\n## cdv-check : 11 dossiers")
    assert "| Tous | 9 | 48 000,00 € |" in markdown and "| Prêts | 6 | 39 000,00 € |" in markdown
    assert "2 doublon(s) possible(s), non compté(s)." in markdown
    assert "### Dossiers à corriger (3)" in markdown
    assert "lot/g\\-erreurs/dossier\\.yaml" in markdown
    assert "**LOT01**" in markdown
    monkeypatch.delenv("GITHUB_STEP_SUMMARY")
    assert run("--format", "github", "lot").stdout == result.stdout  # the annotations are the same


def test_markdown_keeps_dossier_text_inert() -> None:
    from cdv_check.reporters.github import md

    assert md("<script>alert(1)</script> | [x](javascript:y)") == (
        "&lt;script&gt;alert\\(1\\)&lt;/script&gt; \\| \\[x\\]\\(javascript:y\\)"
    )


def test_strategic_axes_are_named_as_the_call_quotes_them(mixed_batch: list[str], lot_report: LotReport) -> None:
    rows = {r["cle"]: r["libelle"] for r in lot_report()["synthese"]["par_axe_strategique"]}
    assert rows["1"] == "Développer les potentiels des quartiers"
    assert rows["3"] == "Mieux arrimer les quartiers à la trame urbaine et économique de l'agglomération"


def test_what_a_dossier_asks_is_valid_unicode_whatever_reached_the_model() -> None:
    # The reader never lets a lone UTF-16 half through; should a model hold one all the same,
    # the Demande the reports write from shows it as U+FFFD, never as an invalid escape.
    from cdv_check.core.synthesis import demande_of
    from cdv_check.model.dossier import Dossier

    model = Dossier.model_validate({"porteur": {"nom": "Assoc \udc80"}, "action": {"priorites": ["p\ud800"]}})
    demande = demande_of(model, load(), None)
    assert demande.porteur_nom == "Assoc \ufffd"
    assert demande.priorites == ("p\ufffd",)
    json.dumps(demande.as_json("pret"), ensure_ascii=False).encode("utf-8")  # no lone half left


def test_a_list_of_files_is_no_programme_wide_finding(mixed_batch: list[str]) -> None:
    # pre-commit, or a CI job on a diff: the files given, not the whole programme.
    listed = report(*mixed_batch)["synthese"]["findings"]
    assert "LOT03" not in {f["rule"] for f in listed}
    assert {"LOT01", "LOT02"} <= {f["rule"] for f in listed}  # the files given are still compared
    for whole in (("lot",), ("lot/*",), (mixed_batch[0], "lot")):
        assert "LOT03" in {f["rule"] for f in report(*whole)["synthese"]["findings"]}, whole
