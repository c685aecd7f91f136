"""spinepath.testing.strategies: valid values, edge values, legal walks, steering, registration."""

from __future__ import annotations

import collections
import datetime as dt
import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from typing import Any, TypeVar

import attrs
import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

import spinepath
from spinepath import (
    CONSENSUS_2022,
    STRICT_PAYER,
    ClinicalVisit,
    Event,
    ImagingStudy,
    InvalidDocument,
    OutcomeReport,
    PatientRecord,
    Phase,
    Profile,
    Segment,
    VisitPurpose,
)
from spinepath.testing import PathwayStateMachine
from spinepath.testing import strategies as sps

T = TypeVar("T")

QUICK = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SAMPLING = settings(
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def sample(strategy: SearchStrategy[T], n: int) -> list[T]:
    """``n`` values drawn the way a test would see them (deterministically, for counting)."""
    drawn: list[T] = []

    @settings(SAMPLING, max_examples=n)
    @given(strategy)
    def collect(value: T) -> None:
        drawn.append(value)

    collect()
    return drawn


def edge(strategy: SearchStrategy[T], condition: Callable[[T], bool]) -> T:
    """A value meeting ``condition`` within 2,000 examples of a fixed seed (so CI is not flaky)."""
    return find(
        strategy, condition, settings=settings(max_examples=2000, database=None, derandomize=True)
    )


def replay(record: PatientRecord, profile: Profile = CONSENSUS_2022) -> PatientRecord:
    """Rebuild ``record`` from its patient, applying every event through the engine."""
    rebuilt = PatientRecord(record.patient)
    for event in record.events:
        rebuilt = spinepath.apply(rebuilt, event, profile)
    return rebuilt


def prefixes(record: PatientRecord) -> list[PatientRecord]:
    return [PatientRecord(record.patient, record.events[:k]) for k in range(1, len(record) + 1)]


# -- single values ----------------------------------------------------------------------------

VALUE_STRATEGIES: list[tuple[Callable[[], SearchStrategy[Any]], type]] = [
    (sps.patients, spinepath.Patient),
    (sps.health_factors, spinepath.HealthFactors),
    (sps.symptoms, spinepath.Symptoms),
    (sps.neck_disability_indices, spinepath.NeckDisabilityIndex),
    (sps.neuro_exams, spinepath.NeuroExam),
    (sps.motor_findings, spinepath.MotorFinding),
    (sps.sensory_findings, spinepath.SensoryFinding),
    (sps.reflex_findings, spinepath.ReflexFinding),
    (sps.myelopathy_signs, spinepath.MyelopathySigns),
    (
        sps.imaging_findings,
        (
            spinepath.DiscHerniation,
            spinepath.ForaminalStenosis,
            spinepath.CentralStenosis,
            spinepath.FacetArthropathy,
            spinepath.Instability,
        ),
    ),  # type: ignore[list-item]
    (sps.outcomes, spinepath.Outcome),
    (sps.posture_assessments, spinepath.PostureAssessment),
    (sps.overrides, spinepath.Override),
    (sps.facet_joints, spinepath.FacetJoint),
    (sps.spinal_nerves, spinepath.SpinalNerve),
    (sps.foramina, spinepath.Foramen),
    (sps.actions, spinepath.Action),
    (sps.thresholds, spinepath.Threshold),
    (sps.profiles, spinepath.Profile),
]


@pytest.mark.parametrize(
    ("make", "kind"), VALUE_STRATEGIES, ids=lambda x: getattr(x, "__name__", "")
)
@QUICK
@given(data=st.data())
def test_value_strategies_give_valid_values(
    make: Callable[[], SearchStrategy[Any]], kind: type, data: st.DataObject
) -> None:
    value: Any = data.draw(make())
    if attrs.has(type(value)):
        again: Any = attrs.evolve(value)  # the validators accept it again
        assert again == value
    assert isinstance(value, kind)


@pytest.mark.parametrize("event_type", spinepath.EVENT_TYPES, ids=lambda t: t.kind)
@QUICK
@given(data=st.data())
def test_each_event_strategy_gives_its_type_and_survives_json(
    event_type: type[Event], data: st.DataObject
) -> None:
    event = data.draw(sps.EVENT_STRATEGIES[event_type]())
    assert type(event) is event_type
    assert spinepath.loads(spinepath.dumps(event), event_type) == event


@QUICK
@given(sps.events(override=False), sps.events(override=True))
def test_events_honour_the_override_switch(without: Event, with_: Event) -> None:
    assert without.override is None
    assert with_.override is not None


@QUICK
@given(sps.arbitrary_records())
def test_arbitrary_records_are_valid_and_round_trip(record: PatientRecord) -> None:
    assert spinepath.loads(spinepath.dumps(record), PatientRecord) == record


@QUICK
@given(sps.actions())
def test_actions_can_be_performed_by_an_event(action: spinepath.Action) -> None:
    details: dict[str, Any] = {}
    if action.kind is spinepath.ActionKind.RE_EVALUATION:
        details["symptoms"] = spinepath.Symptoms(arm_pain=5, neck_pain=3)
    if action.kind is spinepath.ActionKind.POSTURE_REVIEW:
        details["assessment"] = spinepath.PostureAssessment(
            forward_head_posture=True, thoracic_stiffness=False
        )
    event = spinepath.make_event(action, id="e1", date=dt.date(2024, 1, 8), **details)
    assert spinepath.action_of(event) == action


# -- edge values --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("strategy", "condition"),
    [
        (sps.symptoms(), lambda s: s.arm_pain == 0),
        (sps.symptoms(), lambda s: s.arm_pain == 10),
        (sps.symptoms(), lambda s: s.neck_pain == 10),
        (sps.neuro_exams(), lambda e: any(f.grade == 0 for f in e.motor)),
        (sps.neuro_exams(), lambda e: any(f.grade == 5 for f in e.motor)),
        (sps.neuro_exams(), lambda e: e.mjoa == 0),
        (sps.neuro_exams(), lambda e: e.mjoa == 18),
        (sps.outcomes(), lambda o: o.relief_percent == 0),
        (sps.outcomes(), lambda o: o.relief_percent == 100),
        (sps.outcomes(), lambda o: o.relief_percent == 50),  # the consensus thresholds
        (sps.outcomes(), lambda o: o.relief_percent == 80),  # the strict payer's
        (sps.medial_branch_blocks(), lambda b: Segment.C2_3 in b.segments),
        (sps.medial_branch_blocks(), lambda b: Segment.C7_T1 in b.segments),
        (sps.imaging_findings(), lambda f: f.segment is Segment.C7_T1),
        (sps.identifiers(), lambda i: len(i) == 64),
        (sps.identifiers(), lambda i: len(i) == 1),
    ],
)
def test_strategies_reach_the_edges(
    strategy: SearchStrategy[Any], condition: Callable[[Any], bool]
) -> None:
    assert condition(edge(strategy, condition))


def test_records_have_same_day_events_and_positive_and_negative_blocks() -> None:
    records = sample(sps.patient_records(max_events=20), 150)
    same_day = [
        r
        for r in records
        if any(a.date == b.date for a, b in zip(r.events[4:], r.events[5:], strict=False))
    ]
    assert same_day
    mbb_reliefs = [
        report.outcome.relief
        for r in records
        for report in r.of_type(OutcomeReport)
        if isinstance(r.event(report.intervention_id), spinepath.MedialBranchBlock)
    ]
    assert any(x > 50 for x in mbb_reliefs)
    assert any(x <= 50 for x in mbb_reliefs)


def test_failing_walks_shrink_to_short_plain_ones() -> None:
    """A property that fails on long records shrinks to the shortest walk that fails, made of
    the simplest choices (here every event on the first day)."""
    record = find(
        sps.patient_records(),
        lambda r: len(r) >= 12,
        settings=settings(max_examples=500, database=None, derandomize=True),
    )
    assert len(record) == 12
    assert {e.date for e in record.events} == {record.events[0].date}


# -- legal walks --------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", [CONSENSUS_2022, STRICT_PAYER], ids=lambda p: p.name)
@QUICK
@given(data=st.data())
def test_patient_records_are_legal_event_by_event(profile: Profile, data: st.DataObject) -> None:
    record = data.draw(sps.patient_records(profile=profile, max_events=25))
    assert replay(record, profile) == record
    intake, study, cesi, report = record.events[:4]
    assert isinstance(intake, ClinicalVisit)
    assert intake.purpose is VisitPurpose.INTAKE
    assert isinstance(study, ImagingStudy)
    assert isinstance(cesi, spinepath.CervicalEpiduralSteroidInjection)
    assert isinstance(report, OutcomeReport)
    assert report.intervention_id == cesi.id
    assert 4 <= len(record) <= 4 + 25


@QUICK
@given(sps.patient_records(min_events=5, max_events=7))
def test_patient_records_respect_the_event_bounds(record: PatientRecord) -> None:
    assert 4 + 5 <= len(record) <= 4 + 7


@pytest.mark.parametrize(
    "arguments",
    [
        {"min_events": 5, "max_events": 2},
        {"min_events": -1},
        {"max_events": 1.5},
        {"reach": "surgery"},
        {"red_flag": "yes"},
        {"profile": "consensus-2022"},
        {"red_flag": True, "max_events": 0},
        {"prefer": ["radiofrequency_ablation"]},
    ],
)
def test_patient_records_refuse_bad_arguments(arguments: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument):
        sps.patient_records(**arguments)


@pytest.mark.parametrize("phase", list(Phase), ids=str)
def test_reach_steers_the_walk_into_the_phase(phase: Phase) -> None:
    steered = sample(sps.patient_records(reach=phase), 40)
    ending = sum(spinepath.assess(r).phase is phase for r in steered)
    assert ending >= 0.8 * len(steered), f"only {ending} of {len(steered)} end in {phase}"


def test_reach_makes_rare_phases_common() -> None:
    free = collections.Counter(spinepath.assess(r).phase for r in sample(sps.patient_records(), 60))
    for phase in (Phase.SURGERY, Phase.POST_OPERATIVE, Phase.ADVANCED_INTERVENTIONAL):
        steered = sample(sps.patient_records(reach=phase), 30)
        reached = sum(spinepath.assess(r).phase is phase for r in steered)
        assert reached / len(steered) > free[phase] / 60 + 0.5


def test_prefer_steers_the_walk_towards_those_actions() -> None:
    facets = {
        spinepath.ActionKind.MEDIAL_BRANCH_BLOCK,
        spinepath.ActionKind.RADIOFREQUENCY_ABLATION,
    }
    preferred = sample(sps.patient_records(prefer=facets, min_events=10, max_events=20), 40)
    free = sample(sps.patient_records(min_events=10, max_events=20), 40)

    def ablated(records: list[PatientRecord]) -> int:
        return sum(bool(r.of_type(spinepath.RadiofrequencyAblation)) for r in records)

    assert ablated(preferred) >= max(10, 3 * ablated(free))


def test_red_flag_true_always_shows_a_red_flag() -> None:
    for record in sample(sps.patient_records(red_flag=True, max_events=12), 40):
        assert any(spinepath.assess(p).red_flags for p in prefixes(record))


def test_red_flag_false_never_shows_one() -> None:
    for record in sample(sps.patient_records(red_flag=False, max_events=12), 40):
        assert not any(spinepath.assess(p).red_flags for p in prefixes(record))


def test_red_flag_none_shows_some() -> None:
    records = sample(sps.patient_records(max_events=12), 80)
    flagged = sum(any(spinepath.assess(p).red_flags for p in prefixes(r)) for r in records)
    assert 0 < flagged < len(records)


# -- invalid documents --------------------------------------------------------------------------


@pytest.mark.parametrize("flaw", sps.DOCUMENT_FLAWS)
@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_invalid_documents_are_refused(flaw: str, data: st.DataObject) -> None:
    text = data.draw(sps.invalid_documents(flaws=(flaw,)))
    with pytest.raises(InvalidDocument):
        spinepath.loads(text, PatientRecord)


@QUICK
@given(sps.invalid_documents(records=sps.patient_records(max_events=5)))
def test_invalid_documents_from_legal_records_are_refused(text: str) -> None:
    with pytest.raises(InvalidDocument):
        spinepath.loads(text, PatientRecord)


def _named(problem: str, path: str) -> bool:
    """Whether ``problem`` (``path: what is wrong``) is about ``path`` or a part of it."""
    where = problem.split(": ", 1)[0]
    return where == path or where.startswith((f"{path}.", f"{path}["))


@pytest.mark.parametrize("flaw", sps.DOCUMENT_FLAWS)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_loads_names_the_path_of_every_flaw(flaw: str, data: st.DataObject) -> None:
    flawed = data.draw(sps.invalid_documents_with_flaw(flaws=(flaw,)))
    assert flawed.flaw == flaw
    with pytest.raises(InvalidDocument) as refused:
        spinepath.loads(flawed.document, PatientRecord)
    if flaw == "malformed":
        assert flawed.path == ""
        return
    problems = refused.value.problems
    assert any(_named(p, flawed.path) for p in problems), (flawed.path, problems)


def test_flawed_documents_are_the_invalid_documents() -> None:
    records = st.just(PatientRecord(spinepath.examples.load("occipital-headache").patient))
    flawed = sample(sps.invalid_documents_with_flaw(flaws=("missing field",), records=records), 5)
    assert {f.path for f in flawed} <= {
        "schema_version",
        "patient",
        "patient.id",
        "patient.birth_date",
        "patient.sex",
    }
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        flawed[0].path = "x"  # type: ignore[misc]


def test_invalid_documents_refuse_unknown_flaws() -> None:
    with pytest.raises(ValueError, match="flaws"):
        sps.invalid_documents(flaws=("typo",))
    with pytest.raises(ValueError, match="flaws"):
        sps.invalid_documents_with_flaw(flaws=())


def test_invalid_documents_cover_json_that_parses() -> None:
    texts = sample(sps.invalid_documents(flaws=("out of range", "unknown field")), 30)
    assert all(isinstance(json.loads(t), dict) for t in texts)


# -- registration and the state machine ----------------------------------------------------------


REGISTERED = [
    spinepath.PatientRecord,
    spinepath.Patient,
    spinepath.Event,
    spinepath.Intervention,
    spinepath.Surgery,
    spinepath.AnyEvent,
    spinepath.ImagingFinding,
    spinepath.NeuroExam,
    spinepath.Symptoms,
    spinepath.Outcome,
    spinepath.FacetJoint,
    spinepath.Segment,
    spinepath.Side,
    spinepath.Action,
    spinepath.Profile,
    spinepath.Assessment,
    spinepath.Option,
    spinepath.Reason,
    *spinepath.EVENT_TYPES,
]


@pytest.mark.parametrize("kind", REGISTERED, ids=str)
@settings(max_examples=5, deadline=None)
@given(data=st.data())
def test_from_type_finds_a_strategy_for_every_domain_type(kind: Any, data: st.DataObject) -> None:
    value = data.draw(st.from_type(kind))
    assert isinstance(value, getattr(kind, "__args__", kind))


def test_entry_point_registers_without_importing_spinepath_testing() -> None:
    script = textwrap.dedent(
        """
        import sys
        from hypothesis import given, settings, strategies as st
        import spinepath
        assert "spinepath.testing.strategies" not in sys.modules
        drawn = []

        @settings(max_examples=10, database=None)
        @given(st.from_type(spinepath.PatientRecord), st.from_type(spinepath.FacetJoint),
               st.from_type(spinepath.MedialBranchBlock), st.from_type(spinepath.Event))
        def check(record, joint, block, event):
            rebuilt = spinepath.PatientRecord(record.patient)
            for e in record.events:
                rebuilt = spinepath.apply(rebuilt, e)
            assert rebuilt == record and len(record) >= 4
            drawn.append((joint, block, event))

        check()
        assert len(drawn) == 10
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_spinepath_imports_without_hypothesis() -> None:
    script = textwrap.dedent(
        """
        import sys
        sys.modules["hypothesis"] = None  # any import of hypothesis now fails
        import spinepath
        assert "spinepath.testing.strategies" not in sys.modules
        assert spinepath.assess is not None
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr


class StrictMachine(PathwayStateMachine):
    profile = STRICT_PAYER


TestPathwayMachine = PathwayStateMachine.TestCase
TestPathwayMachine.settings = settings(
    max_examples=15, stateful_step_count=25, deadline=None, database=None
)
TestStrictMachine = StrictMachine.TestCase
TestStrictMachine.settings = settings(
    max_examples=10, stateful_step_count=25, deadline=None, database=None
)
