"""Safety properties of the pathway engine, each checked over generated legal histories.

Every test here is marked ``safety`` and takes its example count from the Hypothesis profile
(tests/conftest.py): 100 locally, 1,000 in CI, 20,000 with ``thorough``. The oracles restate
pathway.md's rules from the record itself, independently of the engine's own facts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import spinepath
from spinepath import (
    CONSENSUS_2022,
    STRICT_PAYER,
    Action,
    ActionKind,
    Assessment,
    CentralStenosis,
    ClinicalVisit,
    DiscHerniation,
    Event,
    ForaminalStenosis,
    HerniationZone,
    IllegalTransition,
    ImagingFinding,
    ImagingStudy,
    Intervention,
    MedialBranchBlock,
    MotorFinding,
    NeuroExam,
    Outcome,
    OutcomeReport,
    PatientRecord,
    Phase,
    Profile,
    RadiofrequencyAblation,
    SensoryChange,
    SensoryFinding,
    Side,
    SpinalNerve,
    Status,
    Surgery,
    SurgicalConsultation,
    Threshold,
    Urgency,
)
from spinepath.rules.catalogue import RULE_IDS, SAFETY_RULE_IDS
from spinepath.testing import check_assessment
from spinepath.testing import strategies as sps

pytestmark = pytest.mark.safety

PROFILES = (CONSENSUS_2022, STRICT_PAYER)
REACHES = (
    None,
    None,
    Phase.TARGETED_NON_SURGICAL,
    Phase.ADVANCED_INTERVENTIONAL,
    Phase.SURGERY,
    Phase.POST_OPERATIVE,
    Phase.MAINTENANCE,
)
FACETS = frozenset({ActionKind.MEDIAL_BRANCH_BLOCK, ActionKind.RADIOFREQUENCY_ABLATION})
SURGICAL = frozenset(
    {ActionKind.SURGICAL_CONSULTATION, ActionKind.ACDF, ActionKind.LAMINOFORAMINOTOMY}
)
# (reach, preferred kinds of action): free walks, walks steered into each deep phase, and
# walks that favour facet procedures (blocks, ablations, repeat ablations) or surgery.
Walk = tuple[Phase | None, frozenset[ActionKind]]
NOTHING: frozenset[ActionKind] = frozenset()
WALKS: tuple[Walk, ...] = (
    *((reach, NOTHING) for reach in REACHES),
    (None, FACETS),
    (None, FACETS),
    (None, SURGICAL),
)
FACET_WALKS: tuple[Walk, ...] = (
    (None, FACETS),
    (None, FACETS),
    (Phase.ADVANCED_INTERVENTIONAL, NOTHING),
    (None, NOTHING),
)
SURGICAL_WALKS: tuple[Walk, ...] = (
    (None, SURGICAL),
    (Phase.SURGERY, NOTHING),
    (Phase.POST_OPERATIVE, NOTHING),
    (None, NOTHING),
)
LENGTHS = {FACETS: (10, 30), SURGICAL: (6, 20), NOTHING: (0, 20)}
RECORDS = {
    (profile.name, walk, flag): sps.patient_records(
        profile=profile,
        reach=walk[0],
        prefer=walk[1],
        red_flag=flag,
        min_events=LENGTHS[walk[1]][0],
        max_events=LENGTHS[walk[1]][1],
    )
    for profile in PROFILES
    for walk in set(WALKS)
    for flag in (None, True, False)
}
URGENT_CONSULTATION = Action(kind=ActionKind.SURGICAL_CONSULTATION, urgency=Urgency.URGENT)
SURGERY_KINDS = (ActionKind.ACDF, ActionKind.LAMINOFORAMINOTOMY)
LOSS = {SensoryChange.DIMINISHED: 1, SensoryChange.ABSENT: 2}
THREADS = ThreadPoolExecutor(max_workers=4)

KNOWN_IDS = (*RULE_IDS, *SAFETY_RULE_IDS)


@attrs.frozen
class Moment:
    """A record as it stood on a date, judged under a profile (maybe not the one it was walked
    under: every property must hold whichever profile is active)."""

    record: PatientRecord
    profile: Profile
    as_of: dt.date


@st.composite
def moments(
    draw: st.DrawFn,
    red_flag: bool | None = None,
    walks: tuple[Walk, ...] = WALKS,
    focus: tuple[ActionKind, ...] = (),
) -> Moment:
    """A moment of a generated history: often just before the walk performed an action (when
    the engine had called it legal), otherwise the record cut short and judged some days on."""
    walked = draw(st.sampled_from(PROFILES), label="walked under")
    walk = draw(st.sampled_from(walks), label="reach and preferred actions")
    flag = draw(st.sampled_from((None, True)), label="red flag") if red_flag is None else red_flag
    record = draw(RECORDS[walked.name, walk, flag])
    events = record.events
    performed = [i for i in range(4, len(events)) if spinepath.action_of(events[i]) is not None]
    focused = [i for i in performed if _kind(events[i]) in focus]
    if bool(focused) and draw(st.booleans(), label="just before a focused action"):
        performed = focused
    if bool(performed) and draw(st.booleans(), label="just before an action"):
        i = draw(st.sampled_from(performed), label="action")
        prefix, day = PatientRecord(record.patient, events[:i]), events[i].date
    else:
        cut = draw(st.integers(0, len(events) - 4), label="events cut from the end")
        prefix = PatientRecord(record.patient, events[: len(events) - cut])
        assert prefix.last_date is not None
        later = draw(st.sampled_from((0, 1, 84, 90, 183, 365)) | st.integers(0, 400))
        day = prefix.last_date + dt.timedelta(days=later)
    profile = draw(st.sampled_from(PROFILES), label="judged under")
    return Moment(prefix, profile, day)


def _kind(event: Event) -> ActionKind | None:
    action = spinepath.action_of(event)
    return None if action is None else action.kind


def assess(moment: Moment) -> Assessment:
    return spinepath.assess(moment.record, moment.profile, moment.as_of)


def legal(assessment: Assessment, *kinds: ActionKind) -> list[Action]:
    return [
        o.action for o in (*assessment.recommended, *assessment.allowed) if o.action.kind in kinds
    ]


# -- what the record says, read directly from its events -----------------------------------------


def known(record: PatientRecord, as_of: dt.date) -> list[Event]:
    return [e for e in record.events if e.date <= as_of]


def outcomes(events: Iterable[Event]) -> dict[str, Outcome]:
    return {e.intervention_id: e.outcome for e in events if isinstance(e, OutcomeReport)}


def met(figure: object, relief: float) -> bool:
    assert isinstance(figure, Threshold)
    return figure.met(relief)


def s6_allows_rfa(moment: Moment, action: Action) -> bool:
    """S6 read from the record: at each joint of the target, a first ablation needs enough
    positive (concordant, above threshold) medial branch blocks there; a repeat needs the
    previous ablation there to have given enough relief for long enough, and the profile's
    minimum interval since the last ablation at the target."""
    p = moment.profile
    events = known(moment.record, moment.as_of)
    reported = outcomes(events)
    ablated: list[dt.date] = []
    for joint in action.joints:
        prior = [e for e in events if isinstance(e, RadiofrequencyAblation) and joint in e.joints]
        if prior:
            last = reported.get(prior[-1].id)
            if last is None or not met(p.repeat_rfa_prior_relief.value, last.relief):
                return False
            if (last.relief_duration_days or 0) < p.repeat_rfa_prior_relief_days.value:
                return False
            ablated.extend(e.date for e in prior)
            continue
        positive = [
            e
            for e in events
            if isinstance(e, MedialBranchBlock)
            and joint in e.joints
            and e.id in reported
            and reported[e.id].concordant is not False
            and met(p.mbb_positive_relief.value, reported[e.id].relief)
        ]
        if len(positive) < p.mbb_blocks_required.value:
            return False
    if ablated and (moment.as_of - max(ablated)).days < p.repeat_rfa_min_interval_days.value:
        return False
    return bool(action.joints)


def exams(events: list[Event]) -> list[tuple[dt.date, NeuroExam]]:
    return [(e.date, e.exam) for e in events if isinstance(e, ClinicalVisit) and e.exam]


def unanswered_red_flags(moment: Moment) -> list[str]:
    """S12 read from the record in its order: red flags shown by the latest exam (since the last
    operation) that no surgical consultation recorded after their first showing has seen.

    Exams compared: those since the last operation, the first of them being the baseline (and
    itself compared with the last exam before the operation). A red flag is:

    - a myelopathy sign not at the baseline, when the myelopathy is urgent: after an operation,
      with no mJOA, a moderate or severe mJOA band, an mJOA decline, or bowel/bladder change
      (bowel/bladder change is a red flag whatever the band);
    - before an operation, an mJOA in the moderate or severe band;
    - an mJOA at least the band's minimum important change below the best earlier score;
    - a progressive deficit: weaker strength, or more sensory loss, than an earlier exam;
    - before an operation, a myotome at or below the profile's severe MRC grade.

    Each first shows at the start of the unbroken run of exams showing it.
    """
    p = moment.profile
    events = known(moment.record, moment.as_of)
    operations = [i for i, e in enumerate(events) if isinstance(e, Surgery)]
    since = operations[-1] if operations else -1
    exams = [(i, e.exam) for i, e in enumerate(events) if isinstance(e, ClinicalVisit) and e.exam]
    found = [(i, exam) for i, exam in exams if i > since]
    if not found:
        return []
    operated = since >= 0
    before = [(i, exam) for i, exam in exams if i < since]
    if operated and len(found) == 1 and before:
        found = [before[-1], *found]
    latest = found[-1][1]
    baseline = found[0][1] if operated and len(found) > 1 else None
    consulted = [i for i, e in enumerate(events) if isinstance(e, SurgicalConsultation)]

    def band(mjoa: int | None) -> str | None:
        if mjoa is None or mjoa > p.mjoa_myelopathy_max.value:
            return None
        if mjoa <= p.mjoa_severe_max.value:
            return "severe"
        return "moderate" if mjoa <= p.mjoa_moderate_max.value else "mild"

    def first_showing(shows: Callable[[NeuroExam], bool | None]) -> int | None:
        """Where the trailing run of exams at least this bad starts, if an earlier exam since
        the operation was better (None: the deficit has not progressed)."""
        start: int | None = None
        for i, exam in reversed(found):
            result = shows(exam)
            if result is None:  # not examined there: the run goes on
                continue
            if not result:  # a better exam: the deficit progressed at `start`
                return start
            start = i
        return None

    flags: list[tuple[int | None, str]] = []
    scores = [exam.mjoa for _, exam in found[:-1] if exam.mjoa is not None]
    declined = False
    if scores and latest.mjoa is not None:
        best = max(scores)
        mcid = {"severe": p.mjoa_mcid_severe, "moderate": p.mjoa_mcid_moderate}.get(
            band(best) or "mild", p.mjoa_mcid_mild
        ).value
        if best - latest.mjoa >= mcid:
            declined = True
            floor = best - mcid
            flags.append(
                (_whole_run(found, lambda e: e.mjoa is not None and e.mjoa <= floor), "mJOA fell")
            )
    new_signs = [
        s for s in latest.myelopathy.present if not (baseline and getattr(baseline.myelopathy, s))
    ]
    urgent = (
        operated
        or latest.mjoa is None
        or band(latest.mjoa) in ("moderate", "severe")
        or declined
        or "bowel_bladder_dysfunction" in new_signs
    )
    for sign in new_signs if urgent else ():

        def has(exam: NeuroExam, sign: str = sign) -> bool:
            return bool(getattr(exam.myelopathy, sign))

        flags.append((_whole_run(found, has), sign))
    if not operated and band(latest.mjoa) in ("moderate", "severe"):
        flags.append(
            (_whole_run(found, lambda e: band(e.mjoa) in ("moderate", "severe")), "mJOA band")
        )
    severe = p.severe_weakness_mrc_max.value
    for motor in latest.motor:

        def as_weak(exam: NeuroExam, m: MotorFinding = motor) -> bool | None:
            grade = exam.strength(m.root, m.side)
            return None if grade is None else grade <= m.grade

        def as_severe(exam: NeuroExam, m: MotorFinding = motor) -> bool:
            grade = exam.strength(m.root, m.side)
            return grade is not None and grade <= severe

        start = first_showing(as_weak)
        if start is None and not operated and motor.grade <= severe:
            start = _whole_run(found, as_severe)
        flags.append((start, f"weaker {motor.side} {motor.root}"))
    for sensory in latest.sensory:
        level = LOSS.get(sensory.change, 0)
        if level == 0:
            continue

        def as_numb(exam: NeuroExam, f: SensoryFinding = sensory, level: int = level) -> bool:
            here = [
                LOSS.get(s.change, 0) for s in exam.sensory if (s.root, s.side) == (f.root, f.side)
            ]
            return max(here, default=0) >= level

        flags.append((first_showing(as_numb), f"less sensation {sensory.side} {sensory.root}"))
    return [
        text for start, text in flags if start is not None and not any(c > start for c in consulted)
    ]


def _whole_run(found: list[tuple[int, NeuroExam]], shows: Callable[[NeuroExam], bool]) -> int:
    """Where the trailing run of exams showing a sign starts (the latest shows it)."""
    start = found[-1][0]
    for i, exam in reversed(found):
        if not shows(exam):
            break
        start = i
    return start


def myelopathy_now(moment: Moment) -> bool:
    """Signs of cord compression on the latest exam since the last operation."""
    events = known(moment.record, moment.as_of)
    operations = [i for i, e in enumerate(events) if isinstance(e, Surgery)]
    since = operations[-1] if operations else -1
    found = [
        e.exam
        for i, e in enumerate(events)
        if i > since and isinstance(e, ClinicalVisit) and e.exam
    ]
    if not found:
        return False
    limit = moment.profile.mjoa_myelopathy_max.value
    return bool(found[-1].myelopathy) or (found[-1].mjoa is not None and found[-1].mjoa <= limit)


def consultations_since_last_operation(events: list[Event]) -> list[SurgicalConsultation]:
    operations = [e.date for e in events if isinstance(e, Surgery)]
    since = max(operations, default=dt.date.min)
    return [e for e in events if isinstance(e, SurgicalConsultation) and e.date >= since]


def current_findings(events: list[Event]) -> list[ImagingFinding]:
    """The latest MRI/CT/myelogram's findings, plus what later X-rays showed."""
    studies = [e for e in events if isinstance(e, ImagingStudy)]
    sections = [s for s in studies if s.modality.shows_soft_tissue]
    if not sections:
        return [f for s in studies for f in s.findings]
    latest = sections[-1]
    return [f for s in studies if s is latest or s.date >= latest.date for f in s.findings]


def symptomatic_nerves(events: list[Event]) -> set[SpinalNerve]:
    visits = [e for e in events if isinstance(e, ClinicalVisit)]
    nerves: set[SpinalNerve] = set(visits[-1].symptoms.radiating) if visits else set()
    found = exams(events)
    if found:
        exam = found[-1][1]
        nerves.update(SpinalNerve(f.root, f.side) for f in exam.motor if f.grade < 5)
        nerves.update(SpinalNerve(f.root, f.side) for f in exam.sensory)
    return nerves


def compresses_root(finding: ImagingFinding, segment: object, side: Side) -> bool:
    if isinstance(finding, ForaminalStenosis):
        return finding.segment == segment and finding.side.covers(side)
    if isinstance(finding, DiscHerniation) and finding.zone is not HerniationZone.CENTRAL:
        return finding.segment == segment and finding.side.covers(side)
    return False


def compresses_cord(finding: ImagingFinding, segment: object) -> bool:
    if isinstance(finding, CentralStenosis):
        return finding.segment == segment and (
            finding.cord_compression or finding.cord_signal_change
        )
    return (
        isinstance(finding, DiscHerniation)
        and finding.zone is HerniationZone.CENTRAL
        and finding.segment == segment
    )


def imaging_correlates(moment: Moment, action: Action) -> bool:
    """S13: a lesion at the operation's level (and side) that matches the symptoms."""
    events = known(moment.record, moment.as_of)
    findings = current_findings(events)
    nerves = symptomatic_nerves(events)
    myelopathy = myelopathy_now(moment)
    if action.kind is ActionKind.LAMINOFORAMINOTOMY:
        assert action.side is not None
        places = [(action.segments[0], action.side)]
    else:
        places = [(s, side) for s in action.segments for side in (Side.LEFT, Side.RIGHT)]
    for segment, side in places:
        root = SpinalNerve(segment.exiting_root, side)
        if root in nerves and any(compresses_root(f, segment, side) for f in findings):
            return True
    return (
        action.kind is ActionKind.ACDF
        and myelopathy
        and any(compresses_cord(f, s) for f in findings for s in action.segments)
    )


# -- the properties ---------------------------------------------------------------------------


@given(moments(walks=FACET_WALKS, focus=(ActionKind.RADIOFREQUENCY_ABLATION,)))
def test_rfa_needs_a_positive_mbb_or_a_qualifying_prior_rfa(moment: Moment) -> None:
    for action in legal(assess(moment), ActionKind.RADIOFREQUENCY_ABLATION):
        assert s6_allows_rfa(moment, action), (
            f"{action} is legal under {moment.profile.name} on {moment.as_of}"
        )


@given(moments(red_flag=True))
def test_an_unanswered_red_flag_puts_urgent_consultation_first(moment: Moment) -> None:
    unanswered = unanswered_red_flags(moment)
    if unanswered:
        first = assess(moment).first
        assert first is not None, f"no recommendation despite {unanswered}"
        assert first.action == URGENT_CONSULTATION, f"{first} ranks first despite {unanswered}"
        assert first.urgent
        assert first.rank == 1


@given(moments(walks=SURGICAL_WALKS, focus=SURGERY_KINDS))
def test_surgery_needs_a_consultation_and_correlating_imaging(moment: Moment) -> None:
    events = known(moment.record, moment.as_of)
    for action in legal(assess(moment), *SURGERY_KINDS):
        assert consultations_since_last_operation(events), f"{action} legal without a consult"
        assert imaging_correlates(moment, action), f"{action} legal without correlating imaging"


@given(moments())
def test_options_are_partitioned_and_explained(moment: Moment) -> None:
    assessment = assess(moment)
    check_assessment(assessment)
    groups = (assessment.recommended, assessment.allowed, assessment.blocked)
    actions = [o.action for group in groups for o in group]
    assert len(actions) == len(set(actions)), "an action is in two classes"
    assert actions, "no candidate at all"
    for status, group in zip(Status, groups, strict=True):
        assert all(o.status is status for o in group)
    for option in (*assessment.recommended, *assessment.allowed):
        assert option.reasons, f"{option} cites no rule"
        assert all(r.rule in KNOWN_IDS for r in option.reasons), option.reasons
    for option in assessment.blocked:
        assert option.failed, f"blocked {option} names no failed precondition"
        assert all(r.rule in KNOWN_IDS and r.text for r in option.failed), option.failed


@given(moments())
def test_assess_is_pure_deterministic_and_thread_safe(moment: Moment) -> None:
    record = moment.record
    patient, events = record.patient, record.events
    first = assess(moment)
    assert assess(moment) == first
    assert record.patient is patient
    assert record.events is events
    assert record == PatientRecord(patient, events)
    concurrent = list(THREADS.map(lambda _: assess(moment), range(8)))
    assert all(a == first for a in concurrent)


@st.composite
def next_events(draw: st.DrawFn, moment: Moment) -> Event:
    """An event that could be recorded next (fresh id, on or after the last date): a legal or
    blocked option, any action, any event, sometimes overridden."""
    record = moment.record
    assessment = assess(moment)
    event_id = f"next-{len(record)}"
    day = moment.as_of
    how = draw(st.sampled_from(("option", "action", "event", "outcome")))
    pending = [e.id for e in record.of_type(Intervention) if record.outcome_of(e.id) is None]
    if how == "outcome" and pending:
        return draw(
            sps.outcome_reports(
                id=event_id, date=day, override=False, intervention_id=st.sampled_from(pending)
            )
        )
    if how in ("option", "action"):
        if how == "option":
            action = draw(st.sampled_from(assessment.options)).action
        else:
            action = draw(sps.actions())
        details: dict[str, Any] = {}
        if action.kind is ActionKind.POSTURE_REVIEW:
            details["assessment"] = draw(sps.posture_assessments())
        if draw(st.integers(0, 5)) == 0:
            details["override"] = draw(sps.overrides())
        return spinepath.make_event(action, id=event_id, date=day, record=record, **details)
    kinds = [t for t in spinepath.EVENT_TYPES if t is not OutcomeReport]
    kind = draw(st.sampled_from(kinds))
    if kind is spinepath.HealthUpdate:
        return draw(sps.health_updates(id=event_id, date=day, sex=record.patient.sex))
    event: Event = draw(sps.EVENT_STRATEGIES[kind](id=event_id, date=day))
    return event


@given(data=st.data())
def test_apply_adds_exactly_one_event_or_changes_nothing(data: st.DataObject) -> None:
    moment = data.draw(moments())
    event = data.draw(next_events(moment))
    record = moment.record
    before = (record.patient, record.events)
    after: PatientRecord | None = None
    refusal: IllegalTransition | None = None
    try:
        after = spinepath.apply(record, event, moment.profile)
    except IllegalTransition as error:
        refusal = error
    assert (record.patient, record.events) == before
    assert record == PatientRecord(*before)
    if refusal is not None:
        assert event.override is None, "an overridden event was refused"
        assert refusal.failed
        assert spinepath.check(record, event, moment.profile)
    else:
        assert after is not None
        assert after.patient == record.patient
        assert after.events == (*before[1], event)


@given(moments())
def test_records_survive_the_json_round_trip(moment: Moment) -> None:
    text = spinepath.dumps(moment.record)
    again = spinepath.loads(text, PatientRecord)
    assert again == moment.record
    assert spinepath.assess(again, moment.profile, moment.as_of) == assess(moment)


@given(moments())
def test_a_stricter_profile_never_allows_what_a_looser_one_blocks(moment: Moment) -> None:
    record, day = moment.record, moment.as_of
    loose = spinepath.assess(record, CONSENSUS_2022, day)
    strict = spinepath.assess(record, STRICT_PAYER, day)
    for option in loose.blocked:
        judged = spinepath.evaluate(record, option.action, STRICT_PAYER, day)
        assert judged.status is Status.BLOCKED, (
            f"{option.action} is blocked under {CONSENSUS_2022.name} "
            f"({'; '.join(map(str, option.failed))}) but {judged.status} under {STRICT_PAYER.name}"
        )
    for option in (*strict.recommended, *strict.allowed):
        judged = spinepath.evaluate(record, option.action, CONSENSUS_2022, day)
        assert judged.status is not Status.BLOCKED, (
            f"{option.action} is legal under {STRICT_PAYER.name} but blocked under "
            f"{CONSENSUS_2022.name}: {'; '.join(map(str, judged.failed))}"
        )
