"""One truth for the schema: for any value drawn at a typed place of a dossier, `cdv-check schema`
accepts it exactly when `check` reads it (no SCH04 there); and a JSON made from a spreadsheet is
read where its meaning is plain, refused with what to write where it is not."""

from __future__ import annotations

import copy
import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdv_check.core.checker import Settings, check_path, dotted
from cdv_check.model import forms
from cdv_check.model.referentiel import load
from cdv_check.model.schema import build
from cdv_check.reading.loading import read_structured
from conftest import EXAMPLES

BASE: dict[str, Any] = read_structured(EXAMPLES / "nouvelle-action" / "dossier.yaml").data
VALIDATOR = jsonschema.Draft202012Validator(build(load()))
SETTINGS = Settings(today=date(2016, 1, 5), check_files=False, select=("SCH",))
EXAMPLES_PER_PLACE = 1500 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 60
"""As test_properties: HYPOTHESIS_PROFILE=long for the long run (1 500 values per place)."""

# Interesting texts: spreadsheet exports, French forms, near misses.
SPREADSHEET = [
    "VRAI", "faux", " Oui ", "NON", "true", "1", "28.0", "28,0", "28.5", "-0", "-0.0", "1 200",
    "10 000 000", "10 000 001", "012", "2016-03-01T00:00:00.000Z", "2016-03-01T00:00:00",
    "2016-03-01 00:00", "2016-03-01T10:30:00", "2016-02-29", "2015-02-29", "2000-02-29",
    "1900-02-29", "0000-01-01", "29/02/2016", "31/04/2016", "1/2/2016", "42430", "42430.0",
    "4 000,50 €", "4000EUR", "4000,505", "999 999 999", "1 000 000 000", "- 5", "2.7.3, 1.10",
    "2.7.3; 1.10", "2.7.3", "borny", "jeunesse", "jeunesse, egalite_femmes_hommes", "", " ",
]
TEXT_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Cn", "Zl", "Zp"))


# The float noise of a spreadsheet's sum: a cent off by less than a millionth of a euro.
NOISE = st.sampled_from([0.0, 1e-9, -1e-9, 3e-8, -4e-7, 9e-7, -9.5e-7])


def _near_cents() -> st.SearchStrategy[float]:
    """Amounts in cents, some with float noise (`199.99999999999997`); never one that JSON writes
    with an exponent, nor more than a millionth off (model.schema: a JSON number cannot say it)."""
    cents = st.decimals(min_value=-10**8, max_value=10**8, places=2)
    noisy = st.tuples(cents.filter(lambda d: abs(d) >= 1), NOISE).map(lambda pair: float(pair[0]) + pair[1])
    return st.one_of(cents.map(float), noisy.filter(lambda f: "e" not in repr(f)))


def _scalars(amount: bool) -> st.SearchStrategy[Any]:
    numbers = (
        _near_cents()
        if amount  # a JSON number with more than two decimals: see model.schema's docstring
        else st.floats(allow_nan=False, allow_infinity=False)
    )
    return st.one_of(
        st.booleans(),
        st.integers(min_value=-10**12, max_value=10**12),
        numbers,
        st.sampled_from(SPREADSHEET),
        st.text(TEXT_CHARS, max_size=12),
        st.from_regex(forms.BOOLEAN, fullmatch=True),
        st.from_regex(forms.COUNT, fullmatch=True),
        st.from_regex(forms.AMOUNT, fullmatch=True),
        st.from_regex(forms.DATE, fullmatch=True),
    )


def _values(amount: bool, optional: bool) -> st.SearchStrategy[Any]:
    scalar = _scalars(amount)
    options = [scalar, st.lists(scalar, max_size=3), st.dictionaries(st.just("a"), scalar, max_size=1)]
    if optional:
        options.append(st.none())
    return st.one_of(*options)


# Each typed place: (path, amount, optional).
PLACES = [
    (("porteur", "premiere_demande"), False, False),
    (("action", "public", "scolaire"), False, False),
    (("budget", "subvention_demandee"), True, False),
    (("budget", "charges", 0, "montant"), True, False),
    (("action", "debut"), False, False),
    (("date_depot",), False, True),
    (("action", "public", "beneficiaires"), False, False),
    (("action", "public", "beneficiaires_qpv"), False, True),
    (("action", "objectifs"), False, True),
    (("action", "quartiers"), False, True),
    (("action", "axes_transversaux"), False, True),
    (("action", "partenaires"), False, True),
    (("action", "intitule"), False, False),
    (("porteur", "changement_statuts"), False, True),
    (("budget", "produits", 0, "politique_de_la_ville"), False, True),
    (("action", "lieu"), False, True),
]


def _with(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


def _schema_refuses(data: dict[str, Any], path: tuple[Any, ...]) -> bool:
    return any(tuple(e.absolute_path)[: len(path)] == path for e in VALIDATOR.iter_errors(data))


def _check_refuses(data: dict[str, Any], path: tuple[Any, ...], folder: Path) -> bool:
    file = folder / "dossier.json"
    file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    findings = check_path(file, load(), SETTINGS).findings
    assert not [f for f in findings if f.rule in ("SCH01", "SCH02", "SCH07")], findings
    where = dotted(path)
    return any(
        f.rule == "SCH04" and (f.path == where or f.path.startswith((where + "[", where + ".")))
        for f in findings
    )


@pytest.mark.parametrize(("path", "amount", "optional"), PLACES, ids=[dotted(p[0]) for p in PLACES])
def test_schema_and_check_agree_on_every_value(
    tmp_path_factory: pytest.TempPathFactory, path: tuple[Any, ...], amount: bool, optional: bool
) -> None:
    folder = tmp_path_factory.mktemp("agreement")

    @settings(max_examples=EXAMPLES_PER_PLACE, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(value=_values(amount, optional))
    def agree(value: Any) -> None:
        data = _with(path, value)
        assert _schema_refuses(data, path) == _check_refuses(data, path, folder), value

    agree()


# --- a JSON made from a spreadsheet ----------------------------------------------------------


def _json_case(tmp_path: Path, **changes: Any) -> list[Any]:
    data = json.loads((EXAMPLES / "dossier-json" / "dossier.json").read_text(encoding="utf-8"))
    for dotted_path, value in changes.items():
        target = data
        parts = dotted_path.split("__")
        for part in parts[:-1]:
            target = target[part]
        target[parts[-1]] = value
    file = tmp_path / "dossier.json"
    file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return list(check_path(file, load(), Settings(today=date(2016, 1, 5), check_files=False)).findings)


def test_a_spreadsheet_json_is_read_where_its_meaning_is_plain(tmp_path: Path) -> None:
    findings = _json_case(
        tmp_path,
        porteur__premiere_demande="FAUX",
        action__public__scolaire="faux",
        action__public__beneficiaires=300.0,
        action__public__beneficiaires_qpv="300.0",
        action__debut="2016-03-01T00:00:00.000Z",
        action__fin="2016-10-31T00:00:00",
    )
    assert [f for f in findings if f.rule.startswith("SCH")] == []
    assert [f for f in findings if f.severity == "error"] == []


def test_an_excel_serial_date_is_refused_with_the_date_to_write(tmp_path: Path) -> None:
    [finding] = [f for f in _json_case(tmp_path, action__debut=42430) if f.severity == "error"]
    assert (finding.rule, finding.path) == ("SCH04", "action.debut")
    assert "« 42430 » est un numéro de date de tableur (01/03/2016)" in finding.message
    assert "2016-03-01" in finding.message


def test_a_time_that_is_not_midnight_is_refused_naming_the_day(tmp_path: Path) -> None:
    [finding] = [f for f in _json_case(tmp_path, action__debut="2016-02-29T23:00:00.000Z") if f.severity == "error"]
    assert (finding.rule, finding.path) == ("SCH04", "action.debut")
    assert "une date sans heure est attendue : écrivez 2016-02-29" in finding.message


def test_codes_in_one_text_are_refused_as_a_list_to_write(tmp_path: Path) -> None:
    findings = _json_case(tmp_path, action__objectifs="2.7.3, 1.10")
    [finding] = [f for f in findings if f.severity == "error"]
    assert (finding.rule, finding.path) == ("SCH04", "action.objectifs")
    assert "une liste est attendue : écrivez [2.7.3, 1.10]" in finding.message
    assert '(en JSON : ["2.7.3", "1.10"])' in finding.message
    assert "n'existe pas" not in finding.text


def test_empty_cells_of_a_spreadsheet_are_absent_whatever_their_type(tmp_path: Path) -> None:
    # issue 19: `""` was absent for a text but refused for a boolean and for the contact block
    findings = _json_case(
        tmp_path,
        porteur__changement_statuts="",
        porteur__contact={"nom": "", "qualite": "", "courriel": "", "telephone": ""},
        porteur__sigle="",
        action__public__beneficiaires_qpv="",
        budget__produits=[
            {"compte": "74", "libelle": "État", "montant": 3000, "politique_de_la_ville": "oui"},
            {"compte": "75", "libelle": "Cotisations", "montant": 500, "politique_de_la_ville": ""},
        ],
    )
    assert [f for f in findings if f.rule.startswith("SCH")] == []


def test_a_required_field_left_empty_is_still_said(tmp_path: Path) -> None:
    findings = _json_case(tmp_path, porteur__premiere_demande="", porteur__adresse="")
    assert {(f.rule, f.path) for f in findings if f.rule.startswith("SCH")} == {
        ("SCH04", "porteur.premiere_demande"), ("SCH03", "porteur.adresse"),
    }


def test_the_float_noise_of_a_sum_is_read_as_the_cent(tmp_path: Path) -> None:
    # issue 19: `4999.999999999999` (a spreadsheet's sum) was refused; 5 000 € was meant
    for written, errors in (("4999.999999999999", []), ("5000.0000004", []), ("4999.996", ["SCH04"])):
        findings = _json_case(tmp_path, budget__subvention_demandee=float(written))
        assert [f.rule for f in findings if f.severity == "error"] == errors, written


def test_the_schema_says_the_same_of_those_values() -> None:
    base = json.loads((EXAMPLES / "dossier-json" / "dossier.json").read_text(encoding="utf-8"))
    for path, value, accepted in [
        (("porteur", "premiere_demande"), "VRAI", True),
        (("action", "public", "beneficiaires"), 28.0, True),
        (("action", "public", "beneficiaires"), "28.0", True),
        (("action", "debut"), "2016-03-01T00:00:00.000Z", True),
        (("action", "debut"), 42430, False),
        (("action", "debut"), "42430", False),
        (("action", "objectifs"), "2.7.3, 1.10", False),
        (("action", "objectifs"), "2.7.3", True),
        (("porteur", "changement_statuts"), "", True),
        (("porteur", "changement_statuts"), "  ", False),
        (("porteur", "premiere_demande"), "", False),
        (("porteur", "contact"), {"nom": "", "qualite": "", "courriel": ""}, True),
        (("action", "public", "beneficiaires_qpv"), "", True),
        (("budget", "subvention_demandee"), "199.99999999999997", True),
        (("budget", "subvention_demandee"), 199.99999999999997, True),
        (("budget", "subvention_demandee"), "199.994", False),
    ]:
        data = copy.deepcopy(base)
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
        assert VALIDATOR.is_valid(data) is accepted, (path, value)
