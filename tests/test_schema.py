"""The generated JSON Schema accepts every valid document and refuses typical invalid ones."""

from __future__ import annotations

import copy
import json
import pathlib
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings

from spinepath import examples
from spinepath.anatomy import Side
from spinepath.io import dumps
from spinepath.io.schema import document_schema, main, record_schema
from spinepath.model import EVENT_TYPES, IMAGING_FINDINGS, Outcome, PatientRecord
from spinepath.testing import strategies as sps

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCHEMA = record_schema()
VALIDATOR = jsonschema.Draft202012Validator(
    SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)


def example_document() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(examples.path("failed-cesi-two-level-foraminal").read_text())
    return data


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["required"] == ["schema_version", "patient"]
    assert SCHEMA["properties"]["schema_version"] == {"const": 3}


def test_every_object_forbids_unknown_properties() -> None:
    assert SCHEMA["additionalProperties"] is False
    for name, definition in SCHEMA["$defs"].items():
        if definition.get("type") == "object":
            assert definition["additionalProperties"] is False, name


def test_events_and_findings_are_tagged_unions() -> None:
    items = SCHEMA["properties"]["events"]["items"]["oneOf"]
    assert len(items) == len(EVENT_TYPES)
    for cls in (*EVENT_TYPES, *IMAGING_FINDINGS):
        definition = SCHEMA["$defs"][cls.__name__]
        assert definition["properties"]["kind"] == {"const": cls.kind}
        assert "kind" in definition["required"]


def test_bounds_come_from_the_validators() -> None:
    defs = SCHEMA["$defs"]
    assert defs["Symptoms"]["properties"]["arm_pain"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": 10,
    }
    relief = defs["Outcome"]["properties"]["relief_percent"]["anyOf"][0]
    assert (relief["minimum"], relief["maximum"]) == (0, 100)
    assert defs["MedialBranchBlock"]["properties"]["segments"]["minItems"] == 1
    assert defs["Override"]["properties"]["reason"]["maxLength"] == 1000
    assert defs["Side"]["enum"] == ["left", "right", "bilateral", "central"]
    assert defs["AsaClass"]["enum"] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("name", examples.names())
def test_examples_validate(name: str) -> None:
    VALIDATOR.validate(json.loads(examples.path(name).read_text()))


@settings(max_examples=40, deadline=None)
@given(sps.arbitrary_records())
def test_generated_documents_validate(record: PatientRecord) -> None:
    VALIDATOR.validate(json.loads(dumps(record)))


def _set(data: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    target: Any = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("schema_version",), 4),
        (("patient", "nickname"), "Jo"),
        (("patient", "id"), "has space"),
        (("patient", "birth_date"), "12/04/1968"),
        (("patient", "sex"), "f"),
        (("events", 1, "symptoms", "arm_pain"), 11),
        (("events", 1, "symptoms", "arm_pain"), "7"),
        (("events", 1, "symptoms", "radiating", 0, "side"), "bilateral"),
        (("events", 2, "kind"), "foo"),
        (("events", 3, "outcome", "relief_percent"), 140),
        (("events", 0, "findings", 0, "kind"), "tumour"),
        (("events", 0, "findings"), {}),
    ],
)
def test_invalid_documents_do_not_validate(path: tuple[str | int, ...], value: Any) -> None:
    data = example_document()
    VALIDATOR.validate(data)
    assert not VALIDATOR.is_valid(_set(data, path, value))


def test_missing_required_fields_do_not_validate() -> None:
    data = example_document()
    del data["patient"]
    assert not VALIDATOR.is_valid(data)
    data = example_document()
    del data["events"][2]["kind"]
    assert not VALIDATOR.is_valid(data)


def test_documents_of_other_types() -> None:
    schema = document_schema(Outcome)
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(json.loads(dumps(Outcome(pain_before=7, pain_after=2))))
    assert not validator.is_valid({"schema_version": 1, "pain_before": 7})
    with pytest.raises(TypeError, match="attrs classes"):
        document_schema(Side)


@settings(max_examples=5, deadline=None)
@given(sps.outcomes())
def test_generated_outcomes_validate(outcome: Outcome) -> None:
    jsonschema.Draft202012Validator(document_schema(Outcome)).validate(json.loads(dumps(outcome)))


def test_published_schema_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    published = json.loads((ROOT / "docs" / "record.schema.json").read_text())
    assert published == SCHEMA, (
        "regenerate: python -m spinepath.io.schema > docs/record.schema.json"
    )
    assert main() == 0
    assert json.loads(capsys.readouterr().out) == SCHEMA
