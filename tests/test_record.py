"""PatientRecord: a patient plus dated events, checked whole, changed only by new records."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings

from spinepath.anatomy import Segment, Side
from spinepath.errors import InvalidRecord, InvalidValue
from spinepath.model import (
    Approach,
    CervicalEpiduralSteroidInjection,
    ClinicalVisit,
    Discharge,
    DischargeReason,
    Event,
    HealthFactors,
    HealthUpdate,
    Intervention,
    MedialBranchBlock,
    Outcome,
    OutcomeReport,
    Patient,
    PatientRecord,
    Sex,
    Symptoms,
    VisitPurpose,
)
from spinepath.testing import strategies as sps

BORN = dt.date(1970, 5, 1)
PATIENT = Patient(id="pt-1", birth_date=BORN, sex=Sex.MALE)


def day(n: int) -> dt.date:
    return dt.date(2024, 1, 1) + dt.timedelta(days=n)


def visit(event_id: str, n: int) -> ClinicalVisit:
    return ClinicalVisit(
        id=event_id,
        date=day(n),
        purpose=VisitPurpose.FOLLOW_UP,
        symptoms=Symptoms(arm_pain=5, neck_pain=3),
    )


def cesi(event_id: str, n: int) -> CervicalEpiduralSteroidInjection:
    return CervicalEpiduralSteroidInjection(
        id=event_id,
        date=day(n),
        approach=Approach.TRANSFORAMINAL,
        segment=Segment.C5_6,
        side=Side.LEFT,
    )


def report(event_id: str, n: int, target: str, after: int = 6) -> OutcomeReport:
    return OutcomeReport(
        id=event_id,
        date=day(n),
        intervention_id=target,
        outcome=Outcome(pain_before=7, pain_after=after),
    )


def base() -> PatientRecord:
    return PatientRecord(PATIENT, (visit("v1", 0), cesi("c1", 7), report("o1", 35, "c1")))


def test_a_record_reads_its_events() -> None:
    record = base()
    assert len(record) == 3
    assert [e.id for e in record] == ["v1", "c1", "o1"]
    assert "c1" in record
    assert "nope" not in record
    assert record.event("c1") == cesi("c1", 7)
    assert record.of_type(Intervention) == (cesi("c1", 7),)
    assert record.of_type(OutcomeReport)[0].intervention_id == "c1"
    outcome = record.outcome_of("c1")
    assert outcome is not None
    assert outcome.pain_after == 6
    assert record.outcome_of("v1") is None
    assert record.last_date == day(35)
    assert PatientRecord(PATIENT).last_date is None
    assert PatientRecord(PATIENT).events == ()


def test_event_lookup_names_the_missing_id() -> None:
    with pytest.raises(InvalidValue, match="no event of this record has this id") as caught:
        base().event("x")
    assert caught.value.field == "event_id"
    assert "'x'" not in str(caught.value)  # ids stay out of errors


def test_add_and_extend_return_new_records() -> None:
    record = base()
    later = record.add(visit("v2", 40))
    assert len(later) == 4
    assert len(record) == 3
    both = record.extend(
        [visit("v2", 40), Discharge(id="d", date=day(41), reason=DischargeReason.ADEQUATE_RELIEF)]
    )
    assert [e.id for e in both][-2:] == ["v2", "d"]
    assert both.until(day(35)) == record
    assert record.until(day(100)) is record
    assert record.until(day(6)).events == (visit("v1", 0),)


def test_same_day_events_keep_their_order() -> None:
    record = PatientRecord(PATIENT, (visit("b", 0), visit("a", 0)))
    assert [e.id for e in record] == ["b", "a"]


@pytest.mark.parametrize(
    ("event", "field", "message"),
    [
        (visit("v0", -1), "events[3].date", "before the previous event"),
        (
            ClinicalVisit(
                id="v0",
                date=dt.date(1960, 1, 1),
                purpose=VisitPurpose.INTAKE,
                symptoms=Symptoms(arm_pain=1, neck_pain=1),
            ),
            "events[3].date",
            "before the patient's birth date",
        ),
        (visit("c1", 50), "events[3].id", "is already used by events[1]"),
        (report("o2", 50, "ghost"), "events[3].intervention_id", "names no earlier event"),
        (
            report("o2", 50, "v1"),
            "events[3].intervention_id",
            "names events[0], a clinical_visit, not an intervention",
        ),
        (
            HealthUpdate(id="h", date=day(50), health=HealthFactors(pregnant=True)),
            "events[3].health.pregnant",
            "recorded as male",
        ),
    ],
)
def test_a_failed_add_names_the_problem_and_changes_nothing(
    event: Event, field: str, message: str
) -> None:
    record = base()
    before = record.events
    with pytest.raises(InvalidRecord, match=re.escape(message)) as caught:
        record.add(event)
    assert caught.value.field == field
    assert record.events == before
    assert record == base()


def test_an_outcome_must_follow_its_intervention() -> None:
    with pytest.raises(InvalidRecord, match="names no earlier event") as caught:
        PatientRecord(PATIENT, (report("o1", 0, "c1"), cesi("c1", 0)))
    assert caught.value.field == "events[0].intervention_id"


def test_abstract_events_are_not_record_events() -> None:
    with pytest.raises(InvalidValue, match="expected an event, got Event") as caught:
        PatientRecord(PATIENT, (Event(id="e", date=day(0)),))
    assert caught.value.field == "events[0]"
    with pytest.raises(InvalidValue, match="expected a tuple"):
        PatientRecord(PATIENT, [visit("v", 0)])  # type: ignore[arg-type]
    with pytest.raises(InvalidValue, match="expected Patient"):
        PatientRecord("pt-1", ())  # type: ignore[arg-type]


def test_health_on_follows_updates() -> None:
    patient = Patient(
        id="pt-2", birth_date=BORN, sex=Sex.FEMALE, health=HealthFactors(diabetes=True)
    )
    record = PatientRecord(
        patient,
        (
            visit("v1", 0),
            HealthUpdate(id="h1", date=day(10), health=HealthFactors(anticoagulated=True)),
            HealthUpdate(id="h2", date=day(20), health=HealthFactors(pregnant=True)),
        ),
    )
    assert record.health_on(day(5)) == HealthFactors(diabetes=True)
    assert record.health_on(day(10)).anticoagulated
    assert record.health_on(day(19)).anticoagulated
    assert record.health_on(day(25)).pregnant


def test_records_compare_by_patient_and_events() -> None:
    assert base() == base()
    assert base() != base().add(visit("v9", 90))
    mbb = MedialBranchBlock(id="m", date=day(40), segments=(Segment.C4_5,), side=Side.RIGHT)
    assert base().add(mbb).event("m") is mbb


@settings(max_examples=40, deadline=None)
@given(sps.arbitrary_records())
def test_generated_records_are_consistent(record: PatientRecord) -> None:
    dates = [e.date for e in record]
    assert dates == sorted(dates)
    assert all(d >= record.patient.birth_date for d in dates)
    assert len({e.id for e in record}) == len(record)
    assert PatientRecord(record.patient, record.events) == record
    for event in record.of_type(OutcomeReport):
        assert isinstance(record.event(event.intervention_id), Intervention)
