"""The assessment as a document: dumps/loads give back an equal assessment, the published
schema is current and every ``assess --json`` answer is valid under it, one JSON shape for an
action, stable option ids, coded red flags; problems as values; schemas for embedding."""

from __future__ import annotations

import contextlib
import copy
import gzip
import io
import json
import pickle
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

import spinepath as sp
from spinepath.cli import main as cli_main
from spinepath.errors import Problem, format_path
from spinepath.io.schema import OPENAPI_REF_TEMPLATE, components, record_schema
from spinepath.pathway.document import assessment_schema
from spinepath.pathway.document import main as schema_main
from spinepath.testing.strategies import assessments

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(str(p) for p in (ROOT / "examples").glob("*.json"))
SCHEMA = assessment_schema()
VALIDATOR = jsonschema.Draft202012Validator(
    SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)
FEW = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def example(name: str) -> sp.Assessment:
    return sp.assess(sp.examples.load(name))


# -- round trip ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sp.examples.names())
@pytest.mark.parametrize("profile", [sp.CONSENSUS_2022, sp.STRICT_PAYER])
def test_loads_gives_back_an_equal_assessment(name: str, profile: sp.Profile) -> None:
    assessment = sp.assess(sp.examples.load(name), profile)
    text = sp.dumps(assessment)
    again = sp.loads(text, sp.Assessment)
    assert again == assessment
    assert again.notes == assessment.notes
    assert [o.failed for o in again.blocked] == [o.failed for o in assessment.blocked]
    assert sp.dumps(again) == text
    assert json.loads(text) == assessment.to_dict()


@FEW
@given(assessments())
def test_every_assessment_round_trips_and_is_valid(assessment: sp.Assessment) -> None:
    document = assessment.to_dict()
    VALIDATOR.validate(document)
    assert sp.loads(json.dumps(document), sp.Assessment) == assessment


def test_the_document_is_versioned_like_a_record() -> None:
    document = example("occipital-headache").to_dict()
    assert document["schema_version"] == sp.io.CURRENT_VERSION
    newer = {**document, "schema_version": sp.io.CURRENT_VERSION + 1}
    with pytest.raises(sp.InvalidDocument) as caught:
        sp.loads(json.dumps(newer), sp.Assessment)
    assert caught.value.problems[0].code == "unsupported_version"


# -- shape -------------------------------------------------------------------------------------
def test_phase_has_its_code_and_label() -> None:
    document = example("progressive-arm-weakness").to_dict()
    phase = sp.Phase(document["phase"]["code"])
    assert document["phase"] == {"code": phase.value, "label": phase.label}


def test_an_action_has_one_json_shape_everywhere() -> None:
    assessment = example("facet-axial-neck-pain")
    document = assessment.to_dict()
    entries = [*document["recommended"], *document["allowed"], *document["blocked"]]
    assert len(entries) == len(assessment.options)
    for entry, option in zip(entries, assessment.options, strict=True):
        alone = json.loads(sp.dumps(option.action))
        del alone["schema_version"]
        assert entry["action"] == alone
        assert sp.loads(sp.dumps(option.action), sp.Action) == option.action
        assert entry["text"] == str(option.action)


def test_option_ids_are_stable_and_unique() -> None:
    seen: dict[str, sp.Action] = {}
    for name in sp.examples.names():
        for profile in (sp.CONSENSUS_2022, sp.STRICT_PAYER):
            assessment = sp.assess(sp.examples.load(name), profile)
            ids = [o.id for o in assessment.options]
            assert len(set(ids)) == len(ids)
            for option in assessment.options:
                assert seen.setdefault(option.id, option.action) == option.action
                assert option.id == sp.pathway.option_id(option.action)
    rfa = sp.Action(
        kind=sp.ActionKind.RADIOFREQUENCY_ABLATION, segments=(sp.Segment.C5_6,), side=sp.Side.LEFT
    )
    assert sp.pathway.option_id(rfa) == "radiofrequency_ablation:segments=C5-6:side=left"


def test_red_flags_are_coded() -> None:
    assessment = example("progressive-arm-weakness")
    assert assessment.red_flags
    flags = assessment.to_dict()["red_flags"]
    assert [f["text"] for f in flags] == list(assessment.red_flags)
    assert {f["code"] for f in flags} <= {c.value for c in sp.RedFlagCode}
    assert "progressive_weakness" in {f["code"] for f in flags}


def test_every_red_flag_text_the_engine_wrote_has_a_code() -> None:
    with gzip.open(ROOT / "tests" / "data" / "assessments.json.gz", "rt") as f:
        cases = json.load(f)["cases"]
    texts = {t for c in cases for a in c["answers"] for t in a["assessment"]["red_flags"]}
    assert len(texts) > 10
    uncoded = sorted(
        t for t in texts if sp.pathway.assessment.red_flag_code(t) is sp.RedFlagCode.OTHER
    )
    assert not uncoded


# -- a document that does not hold together ---------------------------------------------------
def test_loads_refuses_a_document_that_does_not_hold_together() -> None:
    document = example("facet-axial-neck-pain").to_dict()
    bad = copy.deepcopy(document)
    bad["phase"]["label"] = "Somewhere"
    bad["recommended"][0]["id"] = "discharge"
    bad["recommended"][0]["rank"] = 3
    bad["blocked"][0]["urgent"] = True
    bad["blocked"][1]["action"]["side"] = "up"
    with pytest.raises(sp.InvalidDocument) as caught:
        sp.loads(json.dumps(bad), sp.Assessment)
    paths = {p.path: p.code for p in caught.value.problems}
    assert paths == {
        ("blocked", 1, "action", "side"): "not_allowed",
    }, "a field that cannot be read is reported first, alone"
    del bad["blocked"][1]
    with pytest.raises(sp.InvalidDocument) as caught:
        sp.loads(json.dumps(bad), sp.Assessment)
    assert {p.path for p in caught.value.problems} == {
        ("phase", "label"),
        ("recommended", 0, "id"),
        ("recommended", 0, "rank"),
        ("blocked", 0, "urgent"),
    }
    assert "recommended[0].rank: expected 1" in str(caught.value)


# -- assess --json against the published schema ---------------------------------------------
def test_published_assessment_schema_is_current() -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        schema_main()
    published = (ROOT / "docs" / "assessment.schema.json").read_text(encoding="utf-8")
    assert published == out.getvalue(), (
        "regenerate: python -m spinepath.pathway.document > docs/assessment.schema.json"
    )
    jsonschema.Draft202012Validator.check_schema(json.loads(published))


@pytest.mark.parametrize("profile", ["consensus-2022", "strict-payer"])
def test_every_assess_json_answer_is_valid_under_the_schema(profile: str) -> None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = cli_main(["assess", "--json", "--profile", profile, *EXAMPLES])
    assert status == 0
    files = json.loads(out.getvalue())["files"]
    assert len(files) == len(EXAMPLES)
    for result in files:
        VALIDATOR.validate(result["assessment"])
        assert sp.loads(json.dumps(result["assessment"]), sp.Assessment).profile == profile


def test_the_schema_refuses_what_loads_refuses() -> None:
    document = example("occipital-headache").to_dict()
    assert not VALIDATOR.is_valid({**document, "extra": 1})
    assert not VALIDATOR.is_valid({**document, "phase": {"code": "nowhere", "label": "x"}})
    action = document["allowed"][0]["action"]
    assert not VALIDATOR.is_valid(
        {**document, "allowed": [{**document["allowed"][0], "action": {**action, "kind": "x"}}]}
    )


# -- schemas for embedding -------------------------------------------------------------------
def test_schemas_embed_as_openapi_components() -> None:
    record = components(record_schema(), name="PatientRecordDocument")
    assessment = components(SCHEMA, name="AssessmentDocument")
    shared = record.keys() & assessment.keys()
    assert all(record[name] == assessment[name] for name in shared)
    merged = {**record, **assessment}
    text = json.dumps(merged)
    assert "#/$defs/" not in text
    assert OPENAPI_REF_TEMPLATE.format(name="Action") in text
    openapi = {"openapi": "3.1.0", "components": {"schemas": merged}}
    resource = Resource.from_contents(openapi, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource("urn:api", resource)
    for name, document in (
        ("AssessmentDocument", example("progressive-arm-weakness").to_dict()),
        ("PatientRecordDocument", json.loads(sp.dumps(sp.examples.load("occipital-headache")))),
    ):
        ref = {"$ref": f"urn:api#/components/schemas/{name}"}
        validator = jsonschema.Draft202012Validator(ref, registry=registry)
        validator.validate(document)
        assert not validator.is_valid({**document, "schema_version": 99})


# -- problems as values ----------------------------------------------------------------------
def test_problems_are_values_with_path_code_and_message() -> None:
    document = json.loads(sp.dumps(sp.examples.load("occipital-headache")))
    document["patient"]["nick name"] = "Jo"
    document["events"][0]["date"] = 12
    del document["patient"]["sex"]
    with pytest.raises(sp.InvalidDocument) as caught:
        sp.loads(json.dumps(document), sp.PatientRecord)
    found = {(p.path, p.code) for p in caught.value.problems}
    assert found == {
        (("patient", "nick name"), "unknown_field"),
        (("patient", "sex"), "missing_field"),
        (("events", 0, "date"), "wrong_type"),
    }
    by_path = {p.path: p for p in caught.value.problems}
    problem = by_path[("events", 0, "date")]
    assert problem == "events[0].date: expected a date as YYYY-MM-DD, got 12"
    assert problem.message == "expected a date as YYYY-MM-DD, got 12"
    assert problem.pointer == "/events/0/date"
    assert str(by_path[("patient", "nick name")]) == "patient['nick name']: unknown field"
    assert pickle.loads(pickle.dumps(problem)).path == problem.path
    with pytest.raises(AttributeError):
        problem.code = "x"


def test_problem_of_a_line_and_the_truncation_entry() -> None:
    assert Problem.of("rfa.uncertainty[2]: too wide").path == ("rfa", "uncertainty", 2)
    assert Problem.of("not valid JSON: Extra data").path == ()
    assert Problem.of("not valid JSON: Extra data").code == "invalid_json"
    assert format_path(("a", 1, "b c")) == "a[1]['b c']"
    error = sp.InvalidDocument([f"p{i}: bad" for i in range(150)])
    assert error.total == 150
    assert error.problems[-1] == "and 50 more problems"
    assert error.problems[-1].code == "truncated"
    assert error.problems[0].path == ("p0",)


def test_problem_details_is_an_rfc_9457_document() -> None:
    with pytest.raises(sp.InvalidDocument) as caught:
        sp.loads('{"schema_version": 2, "patient": 1, "events": []}', sp.PatientRecord)
    details = sp.problem_details(caught.value, instance="/assess")
    assert details["status"] == 422
    assert details["type"].endswith("/invalid-document")
    assert details["instance"] == "/assess"
    assert details["problems"] == [
        {
            "path": ["patient"],
            "pointer": "/patient",
            "code": "wrong_type",
            "message": "expected an object, got 1",
        }
    ]
    json.dumps(details)
    illegal = sp.problem_details(sp.IllegalTransition("ACDF C5-6", ["S14: no consultation"]))
    assert illegal["status"] == 409
    assert illegal["problems"][0]["message"] == "S14: no consultation"
    assert re.fullmatch(
        r"[^\n]+", sp.problem_details(sp.InvalidValue("nrs", "11 is above 10"))["detail"]
    )
