"""JSON I/O: lossless round trips, the document format, strict parsing, every problem reported."""

from __future__ import annotations

import ast
import datetime as dt
import enum
import json
import pathlib
from typing import Any

import attrs
import cattrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spinepath
import spinepath.anatomy as anatomy
import spinepath.model as model
from spinepath.anatomy import NerveRoot, Segment, Side, SpinalNerve
from spinepath.errors import InvalidDocument, InvalidValue, SpinepathError
from spinepath.io import converter, dumps, loads, make_converter, structure, unstructure
from spinepath.io import migrations as mig
from spinepath.model import (
    Approach,
    CervicalEpiduralSteroidInjection,
    ClinicalVisit,
    DiscHerniation,
    Event,
    HerniationZone,
    ImagingStudy,
    Intervention,
    Modality,
    Outcome,
    OutcomeReport,
    Patient,
    PatientRecord,
    Sex,
    Symptoms,
    VisitPurpose,
)
from spinepath.testing import strategies as sps

SRC = pathlib.Path(spinepath.__file__).parent
ABSTRACT = {Event, Intervention, model.Surgery}


def small_record() -> PatientRecord:
    patient = Patient(id="pt-1", birth_date=dt.date(1968, 4, 12), sex=Sex.FEMALE)
    return PatientRecord(
        patient,
        (
            ImagingStudy(
                id="mri-1",
                date=dt.date(2023, 12, 2),
                modality=Modality.MRI,
                findings=(
                    DiscHerniation(
                        segment=Segment.C5_6, side=Side.LEFT, zone=HerniationZone.FORAMINAL
                    ),
                ),
            ),
            ClinicalVisit(
                id="visit-1",
                date=dt.date(2024, 1, 8),
                purpose=VisitPurpose.INTAKE,
                symptoms=Symptoms(
                    arm_pain=7, neck_pain=4, radiating=(SpinalNerve(NerveRoot.C6, Side.LEFT),)
                ),
            ),
            CervicalEpiduralSteroidInjection(
                id="cesi-1",
                date=dt.date(2024, 1, 22),
                approach=Approach.TRANSFORAMINAL,
                segment=Segment.C5_6,
                side=Side.LEFT,
            ),
            OutcomeReport(
                id="cesi-1-outcome",
                date=dt.date(2024, 2, 19),
                intervention_id="cesi-1",
                outcome=Outcome(pain_before=7, pain_after=6, relief_percent=20),
            ),
        ),
    )


def document() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(dumps(small_record()))
    return data


def problems_of(data: Any, cls: type[Any] = PatientRecord) -> tuple[str, ...]:
    text = data if isinstance(data, str | bytes) else json.dumps(data)
    with pytest.raises(InvalidDocument) as caught:
        loads(text, cls)
    return caught.value.problems


# -- round trips --------------------------------------------------------------------------------
def _concrete_model_classes() -> set[type[Any]]:
    found = {
        obj
        for name in model.__all__
        if isinstance(obj := getattr(model, name), type) and attrs.has(obj)
    }
    return (found - ABSTRACT) | {anatomy.FacetJoint, anatomy.SpinalNerve, anatomy.Foramen}


def test_every_model_type_has_a_round_trip_strategy() -> None:
    assert set(sps.MODEL_STRATEGIES) == _concrete_model_classes()


@pytest.mark.parametrize("cls", list(sps.MODEL_STRATEGIES), ids=lambda c: c.__name__)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_round_trip(cls: type[Any], data: st.DataObject) -> None:
    value = data.draw(sps.MODEL_STRATEGIES[cls]())
    text = dumps(value)
    assert loads(text, cls) == value
    assert dumps(loads(text, cls)) == text
    assert structure(unstructure(value), cls) == value


@settings(max_examples=60, deadline=None)
@given(sps.arbitrary_records(max_events=12))
def test_record_round_trip(record: PatientRecord) -> None:
    back = loads(dumps(record), PatientRecord)
    assert back == record
    assert [type(e) for e in back] == [type(e) for e in record]


@settings(max_examples=30, deadline=None)
@given(st.one_of([sps.MODEL_STRATEGIES[t]() for t in model.EVENT_TYPES]))
def test_events_read_through_their_base_class(event: Event) -> None:
    back = loads(dumps(event), Event)
    assert type(back) is type(event)
    assert back == event


def _enums() -> list[type[enum.Enum]]:
    found = []
    for module in (model, anatomy):
        for name in module.__all__:
            obj = getattr(module, name)
            if isinstance(obj, type) and issubclass(obj, enum.Enum):
                found.append(obj)
    return found


@pytest.mark.parametrize("cls", _enums(), ids=lambda c: c.__name__)
def test_enums_round_trip_by_value(cls: type[enum.Enum]) -> None:
    for member in cls:
        text = dumps(member)
        assert json.loads(text) == {"schema_version": 3, "value": member.value}
        assert loads(text, cls) is member


def test_a_date_round_trips_as_a_value_document() -> None:
    assert loads(dumps(dt.date(2024, 2, 29)), dt.date) == dt.date(2024, 2, 29)
    assert problems_of({"schema_version": 1, "value": "x", "extra": 1}, dt.date) == (
        "extra: unknown field",
        "value: expected a date as YYYY-MM-DD, got a string in another form",
    )


# -- the document format ------------------------------------------------------------------------
def test_record_document_format() -> None:
    data = document()
    assert list(data) == ["schema_version", "patient", "events"]
    assert data["schema_version"] == 3
    assert data["patient"]["birth_date"] == "1968-04-12"
    assert data["patient"]["sex"] == "female"
    kinds = [e["kind"] for e in data["events"]]
    assert kinds == ["imaging_study", "clinical_visit", "cesi", "outcome_report"]
    assert list(data["events"][0])[:3] == ["kind", "id", "date"]
    assert data["events"][0]["findings"][0] == {
        "kind": "disc_herniation",
        "segment": "C5-6",
        "side": "left",
        "zone": "foraminal",
    }
    assert data["events"][1]["symptoms"]["radiating"] == [{"root": "C6", "side": "left"}]
    assert data["events"][2]["override"] is None


def test_every_document_has_a_schema_version() -> None:
    outcome = json.loads(dumps(Outcome(pain_before=3, pain_after=1)))
    assert outcome["schema_version"] == 3
    assert outcome["pain_before"] == 3
    event = json.loads(dumps(small_record().events[2]))
    assert event["schema_version"] == 3
    assert event["kind"] == "cesi"


def test_unstructure_gives_plain_json_values() -> None:
    data = converter.unstructure(small_record())
    assert isinstance(data["events"], list)
    assert type(data["patient"]["sex"]) is str
    assert type(data["events"][0]["modality"]) is str
    assert data == unstructure(small_record())
    assert json.loads(json.dumps(data)) == data


def test_dumps_indent() -> None:
    assert "\n" not in dumps(Outcome(pain_before=3, pain_after=1), indent=None)
    assert dumps(Outcome(pain_before=3, pain_after=1)).startswith('{\n  "schema_version": 3')


def test_public_exports() -> None:
    assert spinepath.dumps is dumps
    assert spinepath.loads is loads
    assert spinepath.converter is converter
    assert isinstance(converter, cattrs.Converter)
    fresh = make_converter()
    assert fresh is not converter
    assert fresh.structure(converter.unstructure(small_record()), PatientRecord) == small_record()


def test_io_imports_only_lower_layers() -> None:
    allowed = ("spinepath.model", "spinepath.anatomy", "spinepath.errors", "spinepath._checks")
    for path in (SRC / "io").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                if name.startswith("spinepath"):
                    assert name.startswith((*allowed, "spinepath.io")), f"{path.name}: {name}"


# -- every problem, with its path ---------------------------------------------------------------
def test_every_problem_is_listed_with_its_path() -> None:
    data = document()
    data["patient"]["nickname"] = "Jo"
    data["patient"]["birth_date"] = 12
    data["events"][0]["findings"][0]["zone"] = "lateral"
    data["events"][1]["kind"] = "foo"
    del data["events"][2]["date"]
    data["events"][3]["outcome"]["relief_percent"] = 140
    data["events"][3]["outcome"]["pain_after"] = 11
    problems = problems_of(data)
    assert problems[0] == "patient.nickname: unknown field"
    assert problems[1] == "patient.birth_date: expected a date as YYYY-MM-DD, got 12"
    assert problems[2].startswith("events[0].findings[0].zone: 'lateral' is not one of 'central'")
    assert problems[3].startswith(
        "events[1].kind: 'foo' is not one of 'acdf', 'antithrombotic_use', 'cesi',"
    )
    assert "'surgical_consultation'" in problems[3]
    assert problems[4] == "events[2].date: required field is missing"
    assert problems[5] == "events[3].outcome.pain_after: 11 is above 10"
    assert problems[6] == "events[3].outcome.relief_percent: 140 is above 100"
    assert len(problems) == 7


def test_invalid_document_message_lists_the_problems() -> None:
    data = document()
    data["events"][3]["outcome"]["relief_percent"] = 140
    with pytest.raises(InvalidDocument) as caught:
        loads(json.dumps(data), PatientRecord)
    message = str(caught.value)
    assert message.startswith("invalid document: 1 problem")
    assert "events[3].outcome.relief_percent: 140 is above 100" in message
    assert isinstance(caught.value, SpinepathError)


def test_cross_field_errors_carry_the_object_path() -> None:
    data = document()
    data["events"][0]["modality"] = "xray"
    assert problems_of(data) == ("events[0].findings[0]: a disc_herniation cannot be seen on xray",)
    data = document()
    data["events"][2]["date"] = "2023-01-01"
    assert problems_of(data) == (
        "events[2].date: 2023-01-01 is before the previous event (2024-01-08)",
    )
    data = document()
    data["events"][3]["intervention_id"] = "visit-1"
    assert problems_of(data) == (
        "events[3].intervention_id: names events[1], a clinical_visit, not an intervention",
    )
    data = document()
    data["events"][2]["approach"] = "transforaminal"
    data["events"][2]["side"] = "central"
    assert problems_of(data) == (
        "events[2].side: a transforaminal injection is left or right, not central",
    )


def test_missing_and_unknown_fields() -> None:
    data = document()
    del data["patient"]["sex"]
    data["events"][1]["symptoms"]["mood"] = "low"
    data["events"][1]["weird key!"] = 1
    assert problems_of(data) == (
        "patient.sex: required field is missing",
        "events[1]['weird key!']: unknown field",
        "events[1].symptoms.mood: unknown field",
    )
    data = document()
    del data["events"][0]["kind"]
    assert problems_of(data)[0].startswith("events[0].kind: required field is missing (one of")
    data = document()
    data["events"][2]["kind"] = 3
    assert problems_of(data)[0].startswith("events[2].kind: 3 is not one of")


def test_defaults_may_be_left_out() -> None:
    data = document()
    for event in data["events"]:
        del event["override"]
    del data["patient"]["health"]
    assert loads(json.dumps(data), PatientRecord) == small_record()
    bare = json.dumps({"schema_version": 1, "patient": data["patient"]})
    assert loads(bare, PatientRecord).events == ()


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        (("events", 1, "symptoms", "arm_pain"), "5", "expected a whole number, got a string"),
        (("events", 1, "symptoms", "arm_pain"), True, "expected a whole number, got true"),
        (("events", 1, "symptoms", "arm_pain"), 5.0, "expected a whole number, got 5.0"),
        (("events", 1, "symptoms", "arm_pain"), None, "expected a whole number, got null"),
        (("events", 3, "outcome", "relief_percent"), "20", "expected a number, got a string"),
        (("events", 3, "outcome", "relief_percent"), False, "expected a number, got false"),
        (("events", 2, "particulate"), 0, "expected true or false, got 0"),
        (("events", 2, "id"), 7, "expected a string, got 7"),
        (("patient", "health"), [], "expected an object, got an array"),
        (("events", 1, "symptoms", "radiating"), {}, "expected an array, got an object"),
        (("patient", "birth_date"), "12/04/1968", "expected a date as YYYY-MM-DD, got a string"),
        (("patient", "birth_date"), "1968-02-30", "'1968-02-30' is not a calendar date"),
        (("patient", "birth_date"), "1968-4-12", "expected a date as YYYY-MM-DD"),
        (("patient", "sex"), "F", "'F' is not one of 'female', 'male', 'unknown'"),
        (("patient", "health", "asa_class"), "2", "'2' is not one of 1, 2, 3, 4, 5, 6"),
        (("patient", "health", "asa_class"), 7, "7 is not one of 1, 2, 3, 4, 5, 6"),
        (("patient", "health", "asa_class"), True, "true is not one of 1, 2"),
        (
            ("events", 1, "symptoms", "radiating", 0, "side"),
            "bilateral",
            "bilateral is not left or right",
        ),
    ],
)
def test_types_are_strict(path: tuple[str | int, ...], value: Any, problem: str) -> None:
    data = document()
    target: Any = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    problems = problems_of(data)
    assert len(problems) == 1
    where = "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in path).lstrip(".")
    assert problems[0].startswith(f"{where}: {problem}")


def test_an_integer_is_a_valid_float() -> None:
    data = document()
    data["events"][3]["outcome"]["relief_percent"] = 20
    record = loads(json.dumps(data), PatientRecord)
    outcome = record.outcome_of("cesi-1")
    assert outcome is not None
    assert type(outcome.relief_percent) is float


def test_messages_do_not_echo_free_text() -> None:
    data = document()
    data["patient"]["id"] = "John Smith"
    data["patient"]["birth_date"] = "John Smith 1968"
    problems = problems_of(data)
    assert problems == (
        "patient.id: must be 1-64 letters, digits or . _ : - and start with a letter or digit",
        "patient.birth_date: expected a date as YYYY-MM-DD, got a string in another form",
    )
    assert all("John" not in p for p in problems)


# -- malformed and hostile text -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "not valid JSON: Expecting value at line 1, column 1"),
        ('{"schema_version": 1,', "not valid JSON"),
        ("[1, 2]", "expected a JSON object, got an array"),
        ("null", "expected a JSON object, got null"),
        ('{"schema_version": 1, "patient": NaN}', "NaN is not a JSON number"),
        ('{"schema_version": Infinity}', "Infinity is not a JSON number"),
        ('{"schema_version": -Infinity}', "-Infinity is not a JSON number"),
        ('{"schema_version": 1e999}', "'1e999' is out of range for a number"),
        ('{"schema_version": 1' + "0" * 40 + "}", "a 41-digit integer is too large"),
        ('{"schema_version": 1' + "0" * 5000 + "}", "a 5001-digit integer is too large"),
        ('{"a": 1, "a": 2}', "duplicate key 'a' in an object"),
        ("{}", "schema_version: required field is missing (this release writes 3)"),
        ('{"schema_version": "1"}', "schema_version: expected a whole number, got a string"),
        ('{"schema_version": true}', "schema_version: expected a whole number, got true"),
        ('{"schema_version": 4}', "schema_version: 4 is newer than this release"),
        ('{"schema_version": 0}', "schema_version: 0 is not a version"),
    ],
)
def test_malformed_documents(text: str, problem: str) -> None:
    problems = problems_of(text)
    assert problems[0].startswith(problem), problems


def test_every_duplicate_key_is_reported() -> None:
    text = '{"schema_version": 1, "schema_version": 1, "patient": {"id": "a", "id": "b"}}'
    assert problems_of(text) == (  # inner objects are finished first
        "duplicate key 'id' in an object",
        "duplicate key 'schema_version' in an object",
    )


@pytest.mark.parametrize("opening", ["[", '{"a":', '{"a": [{"b":'])
def test_deep_nesting_is_refused_without_recursion(opening: str) -> None:
    text = opening * 100_000
    assert problems_of(text) == ("document is nested deeper than 64 levels",)


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    data = document()
    data["events"][2]["override"] = {"reason": "[" * 500 + "{" * 500, "rules": []}
    record = loads(json.dumps(data), PatientRecord)
    assert record.events[2].override is not None


def test_depth_and_size_limits_are_configurable() -> None:
    text = dumps(small_record())
    with pytest.raises(InvalidDocument, match="nested deeper than 3 levels"):
        loads(text, PatientRecord, max_depth=3)
    with pytest.raises(InvalidDocument, match="over the limit of 100"):
        loads(text, PatientRecord, max_size=100)
    with pytest.raises(InvalidDocument, match="bytes, over the limit of 100"):
        loads(text.encode(), PatientRecord, max_size=100)
    assert loads(text, PatientRecord, max_size=len(text)) == small_record()


def test_bytes_input() -> None:
    text = dumps(small_record())
    assert loads(text.encode(), PatientRecord) == small_record()
    assert loads(b"\xef\xbb\xbf" + text.encode(), PatientRecord) == small_record()
    assert problems_of(b'{"a": "\xff"}') == (
        "document is not UTF-8 text (invalid byte at offset 7)",
    )


def test_non_text_input() -> None:
    with pytest.raises(InvalidDocument, match="expected JSON text, got int"):
        loads(12, PatientRecord)  # type: ignore[arg-type]


# -- migrations ---------------------------------------------------------------------------------
def test_current_version_reads_without_migration() -> None:
    assert mig.CURRENT_VERSION == 3
    assert sorted(mig.MIGRATIONS) == [1, 2]
    assert mig.upgrade({"schema_version": 3, "a": 1}) == {"a": 1}


def test_version_1_documents_read_as_version_2_with_one_follow_up_each() -> None:
    # a version-1 record (one outcome report per intervention) reads unchanged: its report
    # is the intervention's first and latest follow-up
    text = dumps(small_record())
    old = json.loads(text)
    old["schema_version"] = 1
    record = loads(json.dumps(old), PatientRecord)
    assert record == loads(text, PatientRecord)
    assert mig.upgrade(old) == {k: v for k, v in json.loads(text).items() if k != "schema_version"}
    assert len(record.follow_ups("cesi-1")) == 1


def test_version_2_reads_follow_ups_of_one_intervention() -> None:
    record = small_record()
    cesi = record.of_type(Intervention)[0]
    later = OutcomeReport(
        id="o-later",
        date=dt.date(2024, 4, 19),
        intervention_id=cesi.id,
        outcome=Outcome(pain_before=7, pain_after=6, relief_duration_days=40),
    )
    grown = record.add(later)
    back = loads(dumps(grown), PatientRecord)
    assert back == grown
    assert [r.id for r in back.follow_ups(cesi.id)][-1] == "o-later"
    assert back.outcome_of(cesi.id) == later.outcome


def test_older_versions_are_upgraded_step_by_step() -> None:
    def one_to_two(body: dict[str, Any]) -> dict[str, Any]:
        return {**body, "steps": [*body.get("steps", []), "1->2"]}

    def two_to_three(body: dict[str, Any]) -> dict[str, Any]:
        return {**body, "steps": [*body["steps"], "2->3"]}

    steps = {1: one_to_two, 2: two_to_three}
    assert mig.upgrade({"schema_version": 1}, current=3, migrations=steps) == {
        "steps": ["1->2", "2->3"]
    }
    assert mig.upgrade({"schema_version": 2, "steps": []}, current=3, migrations=steps) == {
        "steps": ["2->3"]
    }
    with pytest.raises(InvalidDocument, match="1 is too old for this release"):
        mig.upgrade({"schema_version": 1}, current=3, oldest=2, migrations=steps)


def test_a_failing_migration_reports_the_field() -> None:
    def refuse(body: dict[str, Any]) -> dict[str, Any]:
        raise InvalidValue("patient.weight", "cannot be converted")

    with pytest.raises(InvalidDocument) as caught:
        mig.upgrade({"schema_version": 1}, current=2, migrations={1: refuse})
    assert caught.value.problems == (
        "patient.weight: cannot be converted (while upgrading from version 1)",
    )


def test_migration_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    registry: dict[int, mig.Migration] = {}
    monkeypatch.setattr(mig, "MIGRATIONS", registry)

    @mig.migration(1)
    def rename(body: dict[str, Any]) -> dict[str, Any]:
        return body

    assert registry == {1: rename}
    with pytest.raises(ValueError, match="already registered"):
        mig.migration(1)(rename)


# -- no input raises anything but InvalidDocument -----------------------------------------------
def _loads_or_invalid(text: str | bytes) -> None:
    problems: tuple[str, ...] = ("",)
    try:
        result = loads(text, PatientRecord)
    except InvalidDocument as error:
        problems = error.problems
    else:
        assert isinstance(result, PatientRecord)
        return
    assert problems
    assert all(isinstance(p, str) and p for p in problems)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_arbitrary_text_raises_only_invalid_document(text: str) -> None:
    _loads_or_invalid(text)


@settings(max_examples=150, deadline=None)
@given(st.binary())
def test_arbitrary_bytes_raise_only_invalid_document(data: bytes) -> None:
    _loads_or_invalid(data)
    _loads_or_invalid(data.decode("utf-8", errors="replace"))


@settings(max_examples=150, deadline=None)
@given(json_values)
def test_arbitrary_json_values_raise_only_invalid_document(value: Any) -> None:
    _loads_or_invalid(json.dumps(value))
    if isinstance(value, dict):
        _loads_or_invalid(json.dumps({"schema_version": 1, **value}))


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for name, child in value.items():
            found.extend(_paths(child, (*prefix, name)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.extend(_paths(child, (*prefix, index)))
    return found


@st.composite
def mutated_documents(draw: st.DrawFn) -> str:
    data = json.loads(dumps(draw(sps.arbitrary_records(max_events=5))))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["drop", "add", "replace"]))
        if action == "drop":
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=8))] = draw(json_values)
        else:
            parent[path[-1]] = draw(json_values)
    return json.dumps(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_documents())
def test_mutated_documents_raise_only_invalid_document(text: str) -> None:
    _loads_or_invalid(text)


@settings(max_examples=50, deadline=None)
@given(sps.arbitrary_records(max_events=6), st.data())
def test_an_out_of_range_pain_score_is_reported_at_its_path(
    record: PatientRecord, data: st.DataObject
) -> None:
    record = record.add(
        ClinicalVisit(
            id="visit-extra",
            date=record.last_date or record.patient.birth_date,
            purpose=VisitPurpose.FOLLOW_UP,
            symptoms=Symptoms(arm_pain=3, neck_pain=3),
        )
    )
    visits = [i for i, e in enumerate(record.events) if isinstance(e, ClinicalVisit)]
    index = data.draw(st.sampled_from(visits))
    score = data.draw(st.integers(11, 10**6) | st.integers(-(10**6), -1))
    document = json.loads(dumps(record))
    document["events"][index]["symptoms"]["neck_pain"] = score
    problems = problems_of(document)
    assert len(problems) == 1
    assert problems[0].startswith(f"events[{index}].symptoms.neck_pain: {score} is ")


def test_a_concrete_class_checks_the_tag_it_is_given() -> None:
    cesi = json.loads(dumps(small_record().events[2]))
    assert loads(json.dumps(cesi), CervicalEpiduralSteroidInjection) == small_record().events[2]
    del cesi["kind"]
    assert loads(json.dumps(cesi), CervicalEpiduralSteroidInjection) == small_record().events[2]
    assert problems_of(cesi, Event)[0].startswith("kind: required field is missing (one of")
    cesi["kind"] = "clinical_visit"
    assert problems_of(cesi, CervicalEpiduralSteroidInjection) == (
        "kind: 'clinical_visit' is not 'cesi'",
    )
