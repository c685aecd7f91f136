"""apply, check and overrides: what the engine lets a record become, and what it refuses."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinic import (
    Clinic,
    Do,
    failed_cesi,
    foraminal,
    left_c6_radiculopathy,
    right_facet_pain,
)
from spinepath import (
    CONSENSUS_2022,
    STRICT_PAYER,
    Action,
    ActionKind,
    IllegalTransition,
    InvalidRecord,
    Profile,
    action_of,
    apply,
    assess,
    check,
    examples,
    make_event,
)
from spinepath.anatomy import Segment, Side
from spinepath.model import (
    Antithrombotic,
    AntithromboticUse,
    ClinicalVisit,
    Decision,
    DrugStatus,
    Event,
    HealthFactors,
    HealthUpdate,
    ImagingStudy,
    LabResult,
    LabTest,
    Modality,
    Outcome,
    OutcomeReport,
    Override,
    PatientRecord,
    PhysicalTherapyCourse,
    PhysicalTherapyFocus,
    PostureAssessment,
    PsychologicalEvaluation,
    RadiofrequencyAblation,
    SeriousPathologyScreen,
    SharedDecision,
    Symptoms,
    VisitPurpose,
)
from spinepath.testing import strategies

# One action of every kind, with a realistic target.
EVERY_ACTION: tuple[Action, ...] = (
    Do.discharge(),
    Do.re_evaluation(),
    Do.imaging("mri"),
    Do.imaging("ct_myelography"),
    Do.posture_review(),
    Do.snrb("left C6"),
    Do.cesi("interlaminar", "C6-7", "central"),
    Do.cesi("transforaminal", "C5-6", "left"),
    Do.mbb("C5-6", "right"),
    Do.mbb("C5-6", "right", series_position=2),
    Do.rfa("C4-5", "bilateral"),
    Do.gon("left"),
    Do.drug("gabapentin"),
    Do.drug("pregabalin"),
    Do.advanced_pt(),
    Do.scs_trial(),
    Do.scs_implant(),
    Do.regenerative(),
    Do.consult(urgent=True),
    Do.consult(urgent=False),
    Do.acdf("C5-6"),
    Do.acdf("C5-6", "C6-7"),
    Do.foraminotomy("C5-6", "left"),
)

DAY = dt.date(2024, 6, 3)
POSTURE = PostureAssessment(forward_head_posture=True, thoracic_stiffness=False)
SYMPTOMS = Symptoms(arm_pain=6, neck_pain=3)


def _details(action: Action) -> dict[str, Any]:
    """What make_event cannot know for an action of this kind."""
    if action.kind is ActionKind.RE_EVALUATION:
        return {"symptoms": SYMPTOMS}
    if action.kind is ActionKind.POSTURE_REVIEW:
        return {"assessment": POSTURE}
    return {}


def _event(action: Action, record: PatientRecord, day: dt.date, **extra: Any) -> Event:
    return make_event(action, id="next-1", date=day, record=record, **_details(action), **extra)


# -- make_event / action_of ------------------------------------------------------------------------


def test_every_action_kind_is_exercised() -> None:
    assert {a.kind for a in EVERY_ACTION} == set(ActionKind)


@pytest.mark.parametrize("action", EVERY_ACTION, ids=str)
def test_make_event_and_action_of_round_trip(action: Action) -> None:
    event = make_event(action, id="e-1", date=DAY, **_details(action))
    assert event.id == "e-1"
    assert event.date == DAY
    assert action_of(event) == action


def test_a_re_evaluation_reuses_the_latest_symptoms_and_exam() -> None:
    record = failed_cesi().record
    event = make_event(Do.re_evaluation(), id="rv-1", date=DAY, record=record)
    assert isinstance(event, ClinicalVisit)
    assert event.purpose is VisitPurpose.RE_EVALUATION
    latest = record.of_type(ClinicalVisit)[-1]
    assert (event.symptoms, event.exam) == (latest.symptoms, latest.exam)


def test_make_event_details_override_the_defaults() -> None:
    event = make_event(Do.drug("pregabalin"), id="d-1", date=DAY, daily_dose_mg=300.0)
    assert getattr(event, "daily_dose_mg", None) == 300.0


# -- check and apply -------------------------------------------------------------------------------


def test_apply_records_a_legal_event_and_leaves_the_input_alone() -> None:
    record = failed_cesi().record
    events = record.events
    event = _event(Do.re_evaluation(), record, record.events[-1].date)
    assert check(record, event) == ()
    after = apply(record, event)
    assert after.events == (*events, event)
    assert record.events is events


def test_an_illegal_event_raises_listing_every_failed_precondition() -> None:
    # RFA with no diagnostic block, on anticoagulants, under the strict profile
    clinic = right_facet_pain().health_update(60, anticoagulated=True)
    record = clinic.record
    before = PatientRecord(record.patient, record.events)
    events = record.events
    rfa = RadiofrequencyAblation(
        id="rfa-1", date=clinic.day(61), segments=(Segment.C5_6,), side=Side.RIGHT
    )
    failed = check(record, rfa, STRICT_PAYER)
    assert [str(r) for r in failed] == [
        "S6: needs one of 2 alternatives, neither holds: [no positive MBB at C5-6 right (this "
        "profile needs >=80% relief on 2 comparative blocks); or no earlier RFA at C5-6 right]",
        "SF1: anticoagulated (health factors) with no anticoagulant named: record the drug and "
        "a hold of its interval before an intermediate-risk procedure",
    ]
    with pytest.raises(IllegalTransition) as raised:
        apply(record, rfa, STRICT_PAYER)
    error = raised.value
    assert error.action == "Radiofrequency ablation C5-6 right"
    assert error.failed == tuple(str(r) for r in failed)
    assert str(error) == (
        "Radiofrequency ablation C5-6 right is not legal now:\n  " + "\n  ".join(error.failed)
    )
    assert record == before
    assert record.events is events


def test_surgery_without_consultation_or_correlation_lists_both() -> None:
    clinic = failed_cesi().mri(60, foraminal("C6-7", "right", "severe"))
    event = make_event(Do.foraminotomy("C6-7", "right"), id="op-1", date=clinic.day(61))
    with pytest.raises(IllegalTransition) as raised:
        apply(clinic.record, event)
    assert raised.value.failed == (
        "S13: no surgical consultation",
        "S13: imaging does not correlate at C6-7 right "
        "(no lesion at the target matches the symptoms)",
    )


def test_check_judges_as_of_the_event_date() -> None:
    clinic = left_c6_radiculopathy().outcome(pain_before=7, pain_after=7, relief=0, day=28)
    action = Do.cesi("transforaminal", "C5-6", "left")
    soon = _event(action, clinic.record, clinic.day(30))
    assert [str(r) for r in check(clinic.record, soon)] == [
        "S0: only 9 days since the last epidural injection on 2024-01-29 (minimum 14 days)"
    ]
    assert check(clinic.record, _event(action, clinic.record, clinic.day(35))) == ()


def test_an_override_is_accepted_and_kept() -> None:
    record = right_facet_pain().record
    override = Override(
        reason="Pre-authorised by the payer after multidisciplinary review", rules=("S6",)
    )
    rfa = make_event(
        Do.rfa("C5-6", "right"), id="rfa-1", date=record.events[-1].date, override=override
    )
    assert check(record, rfa)  # still off-pathway
    after = apply(record, rfa)
    assert after.events[-1] is rfa
    assert after.events[-1].override == override
    assert override.rules == ("S6",)


def test_an_override_does_not_excuse_a_contradictory_record() -> None:
    record = failed_cesi().record
    clash = make_event(
        Do.discharge(),
        id=record.events[0].id,
        date=record.events[-1].date,
        override=Override(reason="duplicate id", rules=("S0",)),
    )
    with pytest.raises(InvalidRecord):
        apply(record, clash)


def _non_actions(record: PatientRecord, day: dt.date) -> list[Event]:
    cesi_id = next(e.id for e in record.events if e.kind == "cesi")
    return [
        ImagingStudy(id="mri-9", date=day, modality=Modality.MRI),
        HealthUpdate(id="health-9", date=day, health=HealthFactors(anticoagulated=True)),
        ClinicalVisit(id="visit-9", date=day, purpose=VisitPurpose.FOLLOW_UP, symptoms=SYMPTOMS),
        PhysicalTherapyCourse(id="pt-9", date=day, focus=(PhysicalTherapyFocus.GENERAL,)),
        AntithromboticUse(
            id="drug-9", date=day, drug=Antithrombotic.APIXABAN, status=DrugStatus.TAKING
        ),
        SeriousPathologyScreen(id="screen-9", date=day, fever=True),
        LabResult(id="lab-9", date=day, test=LabTest.GLUCOSE, value=350),
        PsychologicalEvaluation(id="psych-9", date=day, suitable=False),
        SharedDecision(
            id="decision-9", date=day, options=(ActionKind.CESI,), decision=Decision.DECLINED
        ),
    ] + (
        []
        if record.outcome_of(cesi_id) is not None
        else [
            OutcomeReport(
                id="out-9",
                date=day,
                intervention_id=cesi_id,
                outcome=Outcome(pain_before=7, pain_after=7),
            )
        ]
    )


@pytest.mark.parametrize("profile", [CONSENSUS_2022, STRICT_PAYER], ids=lambda p: p.name)
def test_non_action_events_are_always_legal(profile: Profile) -> None:
    # a pregnant, anticoagulated patient with an active infection: every procedure is blocked
    for clinic in (left_c6_radiculopathy(), failed_cesi()):
        clinic = clinic.health_update(60, pregnant=True, anticoagulated=True, active_infection=True)
        record = clinic.record
        for event in _non_actions(record, clinic.day(61)):
            assert action_of(event) is None
            assert check(record, event, profile) == ()
            assert apply(record, event, profile).events[-1] is event


# -- assess and check agree ------------------------------------------------------------------------


def _stories() -> list[PatientRecord]:
    return [
        *(examples.load(name) for name in examples.names()),
        failed_cesi().record,
        right_facet_pain().record,
        Clinic().intake(0, arm=5, neck=5, radiating=["right C7"]).record,
    ]


@pytest.mark.parametrize("profile", [CONSENSUS_2022, STRICT_PAYER], ids=lambda p: p.name)
def test_check_agrees_with_assess_on_every_candidate(profile: Profile) -> None:
    """Performing any option on the assessment's date fails exactly its failed preconditions."""
    for record in _stories():
        a = assess(record, profile)
        for option in a.options:
            event = _event(option.action, record, a.as_of)
            assert check(record, event, profile) == option.failed, option.action
            if option.legal:
                assert apply(record, event, profile).events[-1] is event
            else:
                with pytest.raises(IllegalTransition):
                    apply(record, event, profile)


@settings(max_examples=40)
@given(
    record=strategies.patient_records(max_events=25),
    profile=st.sampled_from([CONSENSUS_2022, STRICT_PAYER]),
)
def test_check_agrees_with_assess_on_walked_histories(
    record: PatientRecord, profile: Profile
) -> None:
    a = assess(record, profile)
    for option in a.options:
        event = _event(option.action, record, a.as_of)
        assert check(record, event, profile) == option.failed, option.action
