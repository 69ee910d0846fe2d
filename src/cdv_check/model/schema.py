"""The dossier's JSON Schema (draft 2020-12), for editors: `cdv-check schema`.

Built from the pydantic model, whose field descriptions are French. The loader keeps every scalar
as the text the user typed and the model reads it the French way, so the schema accepts those
texts too: `oui`/`non` for booleans, `4 000,50 €` for amounts, `JJ/MM/AAAA` for dates, and numbers
where a text is expected (`compte: 60`, `objectifs: [2.1]` are typed unquoted).

The string patterns are the reading's own (`model.forms`): what the schema accepts, `check`
reads, and the reverse (a property test draws values and compares). One thing a JSON Schema
cannot say of a JSON number is « at most two decimals » (`multipleOf: 0.01` fails on binary
floating point): an amount written as the number `4000.123` passes the schema and is refused by
`check` (SCH04).
"""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from cdv_check.model import dossier, forms
from cdv_check.model.dossier import Dossier
from cdv_check.model.referentiel import Referentiel
from cdv_check.text.french import join_fr

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "urn:cdv-check:schema:dossier"

TEXT: JsonSchemaValue = {"type": ["string", "number", "boolean"]}
"""A text field keeps the scalar as typed: `compte: 60`, `intitule: true` are texts."""
BOOLEAN: JsonSchemaValue = {
    "anyOf": [{"type": "boolean"}, {"type": "string", "pattern": forms.BOOLEAN}],
    "examples": ["oui", "non"],
}
AMOUNT: JsonSchemaValue = {
    "anyOf": [
        {"type": "number", "exclusiveMinimum": -forms.MAX_AMOUNT, "exclusiveMaximum": forms.MAX_AMOUNT},
        {"type": "string", "pattern": forms.AMOUNT},
    ],
    "examples": [4000, "4 000,50 €"],
}
DATE: JsonSchemaValue = {"type": "string", "pattern": forms.DATE}
"""A date; with a référentiel, its examples are the call's deadline in both forms."""
COUNT: JsonSchemaValue = {
    "anyOf": [
        {"type": "integer", "minimum": 0, "maximum": forms.MAX_COUNT},
        {"type": "string", "pattern": forms.COUNT},
    ],
}
SINGLE_CODE: JsonSchemaValue = {
    "anyOf": [{"type": ["number", "boolean"]}, {"type": "string", "pattern": forms.SINGLE_CODE}]
}


class _FrenchForms(GenerateJsonSchema):
    """Every scalar type of the dossier model, as the texts its validators read."""

    def bool_schema(self, schema: core_schema.BoolSchema) -> JsonSchemaValue:
        return dict(BOOLEAN)

    def decimal_schema(self, schema: core_schema.DecimalSchema) -> JsonSchemaValue:
        return dict(AMOUNT)

    def date_schema(self, schema: core_schema.DateSchema) -> JsonSchemaValue:
        return dict(DATE)

    def int_schema(self, schema: core_schema.IntSchema) -> JsonSchemaValue:
        return dict(COUNT)

    def str_schema(self, schema: core_schema.StringSchema) -> JsonSchemaValue:
        return dict(TEXT)

    def function_before_schema(self, schema: core_schema.BeforeValidatorFunctionSchema) -> JsonSchemaValue:
        inner = super().function_before_schema(schema)
        function = schema.get("function", {}).get("function")
        if function is dossier._as_list:  # a single value is read as a list of one
            return {"anyOf": [inner["items"], inner]}
        if function is dossier._as_code_list:  # one code, not several in one text
            return {"anyOf": [dict(SINGLE_CODE), inner]}
        return inner

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False  # the French description says it; generated titles would be English-like

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        return self.generate_inner(schema["schema"])  # no `default: null` for editors to insert


def build(ref: Referentiel | None = None) -> dict[str, Any]:
    """The JSON Schema of a dossier; with a référentiel, its carrier types and axes as enums and
    its pieces as the keys of `pieces` (without, any key is accepted there)."""
    generated = Dossier.model_json_schema(schema_generator=_FrenchForms)
    definitions: dict[str, Any] = generated.pop("$defs", {})
    for model in (generated, *definitions.values()):
        _required_not_null(model)
    if ref is not None:
        _enums(definitions, ref)
        _pieces(generated, definitions, ref)
        _dated(generated, ref)
        _dated(definitions, ref)
    for model in (generated, *definitions.values()):
        _optional_may_be_empty(model)
    title = "Dossier de demande de subvention au Contrat de Ville"
    if ref is not None:
        title = f"Dossier de demande de subvention : {ref.appel.contrat} ({ref.appel.titre})"
    head = {"$schema": DRAFT, "$id": SCHEMA_ID, "title": title}
    generated.pop("title", None)
    return {**head, **generated, "$defs": dict(sorted(definitions.items()))}


def _required_not_null(model: dict[str, Any]) -> None:
    """A required key left empty is reported missing (SCH03): the schema refuses null there."""
    for name in model.get("required", []):
        prop = model["properties"][name]
        branches = [b for b in prop.get("anyOf", []) if b != {"type": "null"}]
        if "anyOf" in prop and len(branches) == 1:
            del prop["anyOf"]
            prop.update(branches[0])
        elif "anyOf" in prop:
            prop["anyOf"] = branches


def _pieces(generated: dict[str, Any], definitions: dict[str, Any], ref: Referentiel) -> None:
    """`pieces` holds exactly the référentiel's pieces, each a path described by its label."""
    prop = generated["properties"]["pieces"]
    prop["anyOf"] = [{"$ref": "#/$defs/Pieces"}, {"type": "null"}]
    path = {"anyOf": [dict(TEXT), {"type": "null"}]}
    definitions["Pieces"] = {
        "additionalProperties": False,
        "properties": {p.id: {**path, "description": p.libelle[:1].upper() + p.libelle[1:]} for p in ref.pieces},
        "title": "Pieces",
        "type": "object",
    }


def _dated(node: Any, ref: Referentiel) -> None:
    """The dates' examples are the call's deadline, in both forms."""
    if isinstance(node, dict):
        if node.get("pattern") == forms.DATE:
            d = ref.calendrier.date_limite
            node["examples"] = [d.isoformat(), f"{d.day:02d}/{d.month:02d}/{d.year}"]
        for value in node.values():
            _dated(value, ref)
    elif isinstance(node, list):
        for value in node:
            _dated(value, ref)


EMPTY: JsonSchemaValue = {"const": ""}
"""An empty cell: an optional field left `""` is absent, whatever its type."""


def _optional_may_be_empty(model: dict[str, Any]) -> None:
    """What a spreadsheet writes for an empty optional cell, `""`, is read as absent (as `null`):
    the schema accepts it there too."""
    required = set(model.get("required", []))
    for name, prop in model.get("properties", {}).items():
        if name in required:
            continue
        if "anyOf" in prop:
            prop["anyOf"].append(dict(EMPTY))
        else:
            kept = {k: prop.pop(k) for k in ("description", "examples") if k in prop}
            inner = dict(prop)
            prop.clear()
            prop.update(kept, anyOf=[inner, dict(EMPTY)])


def _enums(definitions: dict[str, Any], ref: Referentiel) -> None:
    statut = definitions["Porteur"]["properties"]["statut"]
    statut.pop("type", None)
    statut["enum"] = [s.id for s in ref.statuts_porteur]
    statut["description"] = "Type de structure : " + join_fr([s.id for s in ref.statuts_porteur], "ou")
    action = definitions["Action"]["properties"]
    action["axes_transversaux"]["description"] = "Axes transversaux : " + ", ".join(
        a.id for a in ref.appel.axes_transversaux
    )
    example = next(iter(ref.objective_codes()))
    action["objectifs"]["description"] = f"Codes des objectifs de l'appel, ex. {example} (cdv-check objectives)"
    action["priorites"]["description"] = (
        "Identifiants des priorités de l'appel pour les QPV visés (cdv-check qpv)"
        if ref.priorites else "L'appel n'a pas de priorités : rien à écrire ici"
    )
    axes = [a.id for a in ref.appel.axes_transversaux]
    definitions["Action"]["properties"]["axes_transversaux"]["anyOf"] = [
        {"enum": axes},
        {"type": "array", "items": {"enum": axes}},
        {"type": "null"},
    ]
