"""A dossier's object and a carrier's in the JSON and JSON Lines reports are written as text directly (the
findings' texts escaped once per distinct text): it must be the very text `json.dumps` writes of
`dossier_object`, whatever a dossier holds, and the escaped texts kept stay bounded."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from cdv_check.core.checker import DossierResult
from cdv_check.core.findings import Finding, Severity
from cdv_check.core.synthesis import Demande
from cdv_check.reporters import json_report
from cdv_check.reporters.json_report import JsonLinesReporter, JsonReporter, dossier_object, dossier_text

# Lone surrogates (undecodable bytes of a file name), controls, bidi marks, an Actions command.
_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=40) | st.sampled_from(
    ["##[error]x", "a\u202eb", "\x1b[31m", "\udcff", "😀", "«\u00a0»", ""]
)
_FINDING = st.builds(
    Finding,
    rule=st.sampled_from(["OBJ04", "ELG06", "SCH04"]),
    severity=st.sampled_from(list(Severity)),
    message=_TEXT,
    advice=_TEXT,
    path=_TEXT,
    line=st.none() | st.integers(1, 10**6),
    column=st.none() | st.integers(1, 10**6),
)


def _result(file: str, findings: list[Finding], omitted: int, statut: str, title: str) -> DossierResult:
    return DossierResult(
        file=file, findings=tuple(findings), omitted=omitted,
        omitted_counts={"info": omitted} if omitted else {}, statut=statut,
        demande=Demande(intitule=title, porteur_nom=title),
    )


@settings(max_examples=300, deadline=None)
@given(
    file=_TEXT, findings=st.lists(_FINDING, max_size=5), omitted=st.integers(0, 3),
    statut=st.sampled_from(["pret", "a_corriger", "doublon", "illisible"]), title=_TEXT, strict=st.booleans(),
)
def test_the_dossier_text_is_what_json_dumps_writes_of_the_dossier_object(
    file: str, findings: list[Finding], omitted: int, statut: str, title: str, strict: bool
) -> None:
    result = _result(file, findings, omitted, statut, title)
    expected = json.dumps(dossier_object(result, strict=strict), ensure_ascii=True).replace("##[", "#\\u0023[")
    assert dossier_text(result, strict=strict) == expected
    assert json.loads(expected)["findings"] == json.loads(dossier_text(result, strict=strict))["findings"]


def test_both_json_reports_write_that_text() -> None:
    finding = Finding("ELG06", Severity.INFO, "J-5 : dépôt ##[x]", "Saisissez…", "date_depot", 2, 13)
    result = _result("d.yaml", [finding, finding], 0, "pret", "Atelier")
    expected = json.dumps(dossier_object(result, strict=False), ensure_ascii=True).replace("##[", "#\\u0023[")
    assert "#\\u0023[x]" in expected
    assert JsonReporter(ref_id="r", version="0").dossier(result) == expected
    assert JsonLinesReporter().dossier(result) == expected + "\n"


def test_the_escaped_texts_kept_are_bounded_and_a_long_text_is_not_kept() -> None:
    many = [Finding("OBJ04", Severity.INFO, f"texte {n} é", "", "", None, None) for n in range(3000)]
    long = Finding("OBJ04", Severity.INFO, "é" * (json_report._ESCAPED_LENGTH + 1), "", "", None, None)
    result = _result("d.yaml", [*many, long], 0, "a_corriger", "")
    text = dossier_text(result, strict=False)
    assert len(json_report._ESCAPED) <= json_report._ESCAPED_SIZE
    assert long.text not in json_report._ESCAPED
    assert json.loads(text)["findings"][2999]["message"] == "texte 2999 é"
    assert json.loads(text)["findings"][-1]["message"] == long.text


@settings(max_examples=300, deadline=None)
@given(
    siret=st.none() | _TEXT, names=st.lists(_TEXT, max_size=4), files=st.integers(0, 3), ready=st.integers(0, 3),
    cents=st.integers(-10**12, 10**12),
)
def test_a_carrier_text_is_what_json_dumps_writes_of_its_object(
    siret: str | None, names: list[str], files: int, ready: int, cents: int
) -> None:
    from decimal import Decimal

    from cdv_check.core.synthesis import Carrier

    carrier = Carrier(siret)
    for n, name in enumerate(names):
        carrier.add(f"d{n}.yaml", name)
    carrier.dossiers += files
    carrier.prets += ready
    carrier.subvention_demandee += Decimal(cents) / 100
    expected = json_report._dumps(json_report._inert(carrier.as_json()))
    assert json_report.carrier_text(carrier) == expected
