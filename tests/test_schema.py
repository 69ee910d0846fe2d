"""`cdv-check schema`: a draft 2020-12 JSON Schema that agrees with the checker on the examples."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from jsonschema.exceptions import ValidationError, best_match
from typer.testing import CliRunner

from cdv_check.cli.app import app
from cdv_check.core.checker import Settings, check_path
from cdv_check.model.referentiel import load
from cdv_check.reading.loading import read_structured
from conftest import EXAMPLES, VALID_EXAMPLE

EXAMPLE_FILES = sorted(
    p for p in EXAMPLES.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.is_file()
)
SHAPE_RULES = {"SCH03", "SCH04", "SCH05"}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema)


def _flat(errors: list[ValidationError]) -> list[ValidationError]:
    """The errors and those of the branches they tried (`anyOf`)."""
    return [x for e in errors for x in (e, *_flat(list(e.context or [])))]


def _example() -> dict[str, Any]:
    data = read_structured(VALID_EXAMPLE / "dossier.yaml").data
    assert isinstance(data, dict)
    return data


def test_schema_is_a_valid_draft_2020_12_schema(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] and "Metz Métropole" in schema["title"]
    jsonschema.Draft202012Validator.check_schema(schema)


def test_descriptions_are_french(schema: dict[str, Any]) -> None:
    action = schema["$defs"]["Action"]["properties"]
    assert action["quartiers"]["description"] == "QPV concernés (un ou plusieurs)"
    assert schema["required"] == ["porteur", "action", "budget"]


def test_there_are_examples() -> None:
    assert VALID_EXAMPLE / "dossier.yaml" in EXAMPLE_FILES
    assert any(p.suffix == ".json" for p in EXAMPLE_FILES)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_schema_agrees_with_the_checker_on_every_example(
    path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    """A dossier with no SCH finding is accepted; one with an unknown key is refused."""
    result = check_path(path, load(), Settings(today=date(2016, 1, 5), check_files=False))
    shape = {f.rule for f in result.findings} & SHAPE_RULES
    errors = list(validator.iter_errors(read_structured(path).data))
    if not shape:
        assert errors == [], [e.message for e in errors]
    if "SCH05" in shape:
        assert any(e.validator == "additionalProperties" for e in _flat(errors))


@pytest.mark.parametrize(
    ("where", "key"),
    [((), "porteurs"), (("action",), "quartier"), (("budget", "charges", 0), "montnat"), (("pieces",), "RIB")],
)
def test_a_misspelt_key_is_refused(
    validator: jsonschema.Draft202012Validator, where: tuple[Any, ...], key: str
) -> None:
    data = _example()
    target: Any = data
    for part in where:
        target = target[part]
    target[key] = "x"
    error = best_match(validator.iter_errors(data))
    assert error is not None
    assert error.validator == "additionalProperties" and key in error.message


@pytest.mark.parametrize(
    ("path", "value", "accepted"),
    [
        (("porteur", "premiere_demande"), "OUI", True),
        (("porteur", "premiere_demande"), False, True),
        (("porteur", "premiere_demande"), "peut-être", False),
        (("budget", "subvention_demandee"), "4 000,50 €", True),
        (("budget", "subvention_demandee"), 4000.5, True),
        (("budget", "subvention_demandee"), "4000,505", False),
        (("budget", "subvention_demandee"), "quatre mille", False),
        (("action", "debut"), "08/01/2016", True),
        (("action", "debut"), "2016-01-08", True),
        (("action", "debut"), "8 janvier 2016", False),
        (("action", "objectifs"), [2.1, "2.7.3"], True),
        (("action", "objectifs"), "2.7.3", True),
        (("action", "public", "beneficiaires"), "1 200", True),
        (("action", "public", "beneficiaires"), -3, False),
        (("porteur", "statut"), "association", True),
        (("porteur", "statut"), "club", False),
        (("action", "axes_transversaux"), ["jeunesse"], True),
        (("action", "axes_transversaux"), ["vieillesse"], False),
        (("action", "intitule"), None, False),
        (("porteur", "sigle"), None, True),
    ],
)
def test_values_in_the_forms_the_model_reads(
    validator: jsonschema.Draft202012Validator, path: tuple[str, ...], value: Any, accepted: bool
) -> None:
    data = copy.deepcopy(_example())
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    assert validator.is_valid(data) is accepted


def test_a_missing_required_key_is_refused(validator: jsonschema.Draft202012Validator) -> None:
    data = _example()
    del data["action"]["debut"]
    [error] = validator.iter_errors(data)
    assert error.validator == "required" and "debut" in error.message


def test_committed_schema_file_is_the_one_the_command_writes() -> None:
    """The examples point editors at cdv-check.schema.json: it must not drift from the model."""
    from typer.testing import CliRunner

    from cdv_check.cli.app import app

    result = CliRunner().invoke(app, ["schema"])
    committed = (Path(__file__).resolve().parents[1] / "cdv-check.schema.json").read_text(encoding="utf-8")
    assert result.stdout == committed, "regenerate: cdv-check schema > cdv-check.schema.json"
