"""Values that break naive readers: huge or non-finite numbers, impossible dates, tabs,
duplicate JSON keys. Each is a located finding; nothing overflows or hangs."""

from __future__ import annotations

import json

import pytest

from cdv_check.reading.loading import read_structured

from .conftest import VALID_EXAMPLE, Batch, line_of

AMOUNT_LINE = "  subvention_demandee: 7 000"


@pytest.mark.parametrize(
    "value",
    ["9" * 5000, "-" + "9" * 5000, ".nan", ".NaN", ".inf", "-.inf", "1e999", "0x7fffffff",
     "٧٠٠٠", "７０００"],  # digits of other scripts are not read as euros
)
def test_absurd_amount_is_refused_at_its_value(batch: Batch, value: str) -> None:
    text = batch.valid.read_text(encoding="utf-8").replace(AMOUNT_LINE, f"  subvention_demandee: {value}")
    hostile = batch.write("montant.yaml", text)
    report = batch.check(hostile)
    assert report.exit_code == 1
    [finding] = report.findings(hostile, "SCH04")
    assert finding["path"] == "budget.subvention_demandee"
    assert (finding["line"], finding["column"]) == (line_of(text, "subvention_demandee:"), 24)
    assert len(finding["message"]) < 400  # the value is shown cut, not in full


@pytest.mark.parametrize("value", ["9" * 5000, "1e999", ".nan", "-3", "٢٤"])
def test_absurd_count_is_refused_at_its_value(batch: Batch, value: str) -> None:
    text = batch.valid.read_text(encoding="utf-8").replace(
        "beneficiaires: 24", f"beneficiaires: {value}"
    )
    hostile = batch.write("nombre.yaml", text)
    report = batch.check(hostile)
    assert report.exit_code == 1
    [finding] = report.findings(hostile, "SCH04")
    assert finding["path"] == "action.public.beneficiaires"
    assert finding["line"] == line_of(text, "beneficiaires: " + value[:5])


def _as_json(**changes: str) -> str:
    """The valid example as JSON text, with raw JSON tokens put in place of some values."""
    data = read_structured(VALID_EXAMPLE / "dossier.yaml").data
    text = json.dumps(data, ensure_ascii=False, indent=2)
    for old, new in changes.items():
        assert text.count(old) == 1
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1" * 5000])
def test_json_non_finite_number_is_refused_at_its_value(batch: Batch, token: str) -> None:
    text = _as_json(**{'"subvention_demandee": "7 000"': f'"subvention_demandee": {token}'})
    hostile = batch.write("montant.json", text)
    report = batch.check(hostile)
    assert report.exit_code == 1
    [finding] = report.findings(hostile, "SCH04")
    assert finding["path"] == "budget.subvention_demandee"
    assert finding["line"] == line_of(text, '"subvention_demandee"')


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("0000-01-01", "n'existe pas"),
        ("2016-02-30", "n'existe pas"),
        ("9999-99-99", "n'existe pas"),
        ("99999-01-01", "format"),
        ("-2016-01-01", "format"),
        ("31/12/99999", "format"),
        ("1" * 5000, "format"),
    ],
)
def test_date_out_of_range_is_refused_at_its_value(batch: Batch, value: str, said: str) -> None:
    text = batch.valid.read_text(encoding="utf-8").replace("debut: 2016-02-01", f"debut: '{value}'")
    hostile = batch.write("date.yaml", text)
    report = batch.check(hostile)
    assert report.exit_code == 1
    [finding] = report.findings(hostile, "SCH04")
    assert finding["path"] == "action.debut"
    assert finding["line"] == line_of(text, "debut: '")
    assert said in finding["message"]


def test_extreme_but_real_dates_do_not_overflow(batch: Batch) -> None:
    text = batch.valid.read_text(encoding="utf-8").replace(
        "debut: 2016-02-01", "debut: 0001-01-01"
    ).replace("fin: 2016-12-15", "fin: 9999-12-31").replace(
        "date_depot: 2016-01-06", "date_depot: 9999-12-31"
    )
    hostile = batch.write("dates.yaml", text)
    report = batch.check(hostile)
    assert report.exit_code == 1
    assert report.findings(hostile, "EXA01")  # outside 2016
    assert report.findings(hostile, "ELG06")  # far too late
    assert not report.findings(hostile, "SCH04")


def test_tab_indentation_is_a_located_syntax_error(batch: Batch) -> None:
    text = batch.valid.read_text(encoding="utf-8").replace("  sigle: FAB", "\tsigle: FAB")
    hostile = batch.write("tab.yaml", text)
    report = batch.check(hostile)
    assert report.exit_code == 1
    [finding] = report.findings(hostile)
    assert finding["rule"] == "SCH02"
    assert (finding["line"], finding["column"]) == (line_of(text, "\tsigle"), 1)
    assert "tabulation" in finding["message"]


def test_json_duplicate_key_names_both_lines(batch: Batch) -> None:
    text = _as_json(**{'"sigle": "FAB",': '"sigle": "FAB",\n    "sigle": "AUTRE",'})
    hostile = batch.write("double.json", text)
    report = batch.check(hostile)
    assert report.exit_code == 1
    [finding] = report.findings(hostile, "SCH06")
    assert finding["line"] == line_of(text, '"sigle": "AUTRE"')
    first = line_of(text, '"sigle": "FAB"')
    assert f"ligne {first}" in finding["message"]
    assert not report.findings(hostile, "SCH05")


def test_json_duplicate_top_level_section_keeps_the_first(batch: Batch) -> None:
    text = _as_json()
    text = text[:-2] + ',\n  "budget": {}\n}'
    hostile = batch.write("double.json", text)
    report = batch.check(hostile)
    [finding] = [f for f in report.findings(hostile) if f["severity"] != "info"]
    assert finding["rule"] == "SCH06"
    assert finding["line"] == line_of(text, '"budget": {}')
