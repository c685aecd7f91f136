"""A record as a FHIR collection Bundle and back: every record round-trips, every resource
validates with fhir.resources, and what cannot be mapped is named by entry and element."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given

import spinepath as sp
import spinepath.testing.strategies as sps

pytest.importorskip("fhir.resources", reason="the 'fhir' extra")

from fhir.resources.R4B.bundle import Bundle

from spinepath import fhir
from spinepath.errors import InvalidDocument


@given(sps.patient_records())
def test_every_record_round_trips_through_a_bundle(record: sp.PatientRecord) -> None:
    bundle = fhir.record_to_bundle(record)
    assert fhir.bundle_to_record(bundle) == record
    assert fhir.bundle_to_record(json.dumps(bundle)) == record


@pytest.mark.parametrize("name", sp.examples.names())
def test_examples_round_trip_through_json_text_and_fhir_models(name: str) -> None:
    record = sp.examples.load(name)
    bundle = fhir.record_to_bundle(record)
    model = Bundle.model_validate_json(json.dumps(bundle))
    assert model.type == "collection"
    assert fhir.bundle_to_record(model) == record
    assert fhir.bundle_to_record(model.model_dump_json()) == record
    for entry in bundle["entry"]:
        fhir.validate(entry["resource"])


def _bundle(name: str = "failed-cesi-two-level-foraminal") -> dict[str, Any]:
    return copy.deepcopy(fhir.record_to_bundle(sp.examples.load(name)))


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_the_bundle_carries_patient_visits_procedures_and_outcomes() -> None:
    record = sp.examples.load("failed-cesi-two-level-foraminal")
    bundle = _bundle()
    (patient,) = _resources(bundle, "Patient")
    assert patient["birthDate"] == record.patient.birth_date.isoformat()
    assert patient["identifier"][0]["value"] == record.patient.id
    codes = {
        c["code"]
        for r in _resources(bundle, "Observation")
        for c in r["code"].get("coding", [])
        if c["system"] == fhir.OBSERVATION_SYSTEM
    }
    assert {"arm-pain-nrs", "neck-pain-nrs"} <= codes
    procedures = _resources(bundle, "Procedure")
    assert any(c["system"] == fhir.CPT for p in procedures for c in p["code"].get("coding", []))
    outcomes = [r for r in _resources(bundle, "Observation") if "partOf" in r]
    assert outcomes
    ids = {f"Procedure/{p['id']}" for p in procedures} | {
        f"MedicationStatement/{m['id']}" for m in _resources(bundle, "MedicationStatement")
    }
    for outcome in outcomes:
        assert outcome["partOf"][0]["reference"] in ids
        assert {c["code"]["coding"][0]["code"] for c in outcome["component"]} >= {
            "pain-before",
            "pain-after",
        }
    for resource in (e["resource"] for e in bundle["entry"][1:]):
        urls = [x["url"] for x in resource.get("extension", [])]
        assert urls in ([fhir.EVENT_EXTENSION], [])


def test_a_resource_without_the_extension_is_read_from_its_elements() -> None:
    record = sp.examples.load("failed-cesi-two-level-foraminal")
    bundle = _bundle()
    index, procedure = next(
        (i, e["resource"])
        for i, e in enumerate(bundle["entry"])
        if e["resource"]["resourceType"] == "Procedure"
    )
    del procedure["extension"]
    again = fhir.bundle_to_record(bundle)
    original = record.event(procedure["identifier"][0]["value"])
    read = again.event(original.id)
    assert type(read) is type(original)
    assert read.date == original.date
    del procedure["performedDateTime"]
    with pytest.raises(InvalidDocument) as caught:
        fhir.bundle_to_record(bundle)
    (problem,) = caught.value.problems
    assert problem.path == ("entry", index, "resource", "performedDateTime")
    assert str(problem).startswith(f"entry[{index}].resource.performedDateTime: ")
    assert f"Procedure/{procedure['id']}" in str(problem)
    assert problem.code == "missing_field"


def test_a_foreign_resource_is_noted_not_refused() -> None:
    bundle = _bundle()
    bundle["entry"].append(
        {
            "resource": {
                "resourceType": "Condition",
                "id": "c1",
                "subject": {"reference": "Patient/patient"},
                "code": {"coding": [{"system": fhir.ICD_10_CM, "code": "I10"}]},
            }
        }
    )
    found = fhir.read_bundle(bundle)
    assert found.record == sp.examples.load("failed-cesi-two-level-foraminal")
    (note,) = found.notes
    assert note.path == ("entry", len(bundle["entry"]) - 1, "resource")
    assert note.code == "ignored"
    assert "Condition/c1" in note.message


def test_a_bad_event_inside_the_extension_names_the_field() -> None:
    bundle = _bundle()
    index, resource = next(
        (i, e["resource"])
        for i, e in enumerate(bundle["entry"])
        if e["resource"]["resourceType"] == "Encounter"
    )
    event = json.loads(resource["extension"][0]["valueString"])
    event["date"] = "not a date"
    resource["extension"][0]["valueString"] = json.dumps(event)
    with pytest.raises(InvalidDocument) as caught:
        fhir.bundle_to_record(bundle)
    (problem,) = caught.value.problems
    assert problem.path == ("entry", index, "resource", "extension", "valueString", "date")
    assert f"Encounter/{resource['id']}" in problem.message


def test_an_event_under_the_wrong_resource_type_is_refused() -> None:
    bundle = _bundle()
    visit = _resources(bundle, "Encounter")[0]
    procedure = _resources(bundle, "Procedure")[0]
    procedure["extension"] = visit["extension"]
    with pytest.raises(InvalidDocument, match="is written as Encounter, not Procedure"):
        fhir.bundle_to_record(bundle)
    bundle = _bundle()
    _resources(bundle, "Encounter")[0]["resourceType"] = "Procedure"
    with pytest.raises(InvalidDocument, match=r"resource\.period: Procedure/event-\d+: Extra"):
        fhir.bundle_to_record(bundle)  # fhir.resources refuses an Encounter's elements


def test_not_a_bundle_and_no_patient() -> None:
    with pytest.raises(InvalidDocument, match="expected a FHIR Bundle"):
        fhir.bundle_to_record({"resourceType": "Patient"})
    with pytest.raises(InvalidDocument, match="not valid JSON"):
        fhir.bundle_to_record("{")
    with pytest.raises(InvalidDocument, match="no Patient"):
        fhir.bundle_to_record({"resourceType": "Bundle", "type": "collection"})


def test_events_out_of_order_are_refused_as_a_document() -> None:
    bundle = _bundle()
    entries = bundle["entry"]
    entries[1], entries[-1] = entries[-1], entries[1]
    with pytest.raises(InvalidDocument):
        fhir.bundle_to_record(bundle)
