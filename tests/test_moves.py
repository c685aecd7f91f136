"""Every move phase_of makes is a move of the generated machine and drawn in its diagrams; every
action move is on the pathway (legal without an override) in some record; outcome moves happen
from every phase."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinic import Clinic, Do, exam, facet, herniation
from spinepath import PROFILES, Phase, Profile, apply, check, evaluate, make_event
from spinepath.model import PatientRecord, PostureAssessment
from spinepath.pathway import ACTION_PHASE, TRANSITIONS, Status, diagram, phase_of
from spinepath.pathway.diagram import ANY_PHASE
from spinepath.pathway.machine import Cause
from spinepath.rules import Action, ActionKind
from spinepath.rules.actions import kind_of
from spinepath.testing import strategies as sps

P, K = Phase, ActionKind
SHIPPED = sorted(PROFILES.values(), key=lambda p: p.name)


_EDGE = re.compile(
    r"^\s*(?P<source>\w+) (?:->|-->|==>|-\.->)(?:\|\"[^\"]*\"\|)? (?P<target>\w+)\b", re.M
)


def _drawn(text: str) -> set[tuple[str, str]]:
    """(source, target) of every edge of a DOT or Mermaid diagram, "any other phase" expanded."""
    pairs: set[tuple[str, str]] = set()
    for edge in _EDGE.finditer(text):
        source, target = edge["source"], edge["target"]
        if source == "start":
            continue
        sources = [p.value for p in Phase if p.value != target] if source == ANY_PHASE else [source]
        pairs |= {(s, target) for s in sources}
    return pairs


DRAWN = {form: _drawn(diagram(form)) for form in ("dot", "mermaid")}


def test_the_diagram_parser_reads_edges_and_expands_any_phase() -> None:
    text = (
        "digraph x {\n    start -> cesi_outcome;\n    surgery -> post_operative [label=x];\n"
        '    any_phase -> maintenance [label="y"];\n}\n'
    )
    assert _drawn(text) == {("surgery", "post_operative")} | {
        (p.value, "maintenance") for p in Phase if p is not P.MAINTENANCE
    }
    assert _drawn('    surgery -.->|"override: S6: MBB"| targeted_non_surgical') == {
        ("surgery", "targeted_non_surgical")
    }


def _check_moves(record: PatientRecord, profile: Profile, *, legal: bool) -> None:
    phases = [phase_of(record, profile, upto=i) for i in range(len(record.events) + 1)]
    for i, (before, after) in enumerate(itertools.pairwise(phases)):
        if before is after:
            continue
        pair = (before.value, after.value)
        assert pair in DRAWN["dot"], f"{pair} not drawn in DOT"
        assert pair in DRAWN["mermaid"], f"{pair} not drawn in Mermaid"
        event = record.events[i]
        kind = kind_of(event)
        moves = [t for t in TRANSITIONS if (t.source, t.target) == (before, after)]
        if kind is None:  # an outcome report or a post-operative visit
            assert any(t.cause is Cause.OUTCOME for t in moves), (pair, event)
        else:
            made = [t for t in moves if kind in t.actions]
            assert made, (pair, kind)
            if legal and event.override is None:  # the engine allowed it: on the pathway
                assert not any(t.override for t in made), (pair, kind)


@pytest.mark.parametrize("profile", SHIPPED, ids=lambda p: p.name)
@settings(max_examples=60)
@given(data=st.data())
def test_every_move_of_a_legal_history_is_drawn(profile: Profile, data: st.DataObject) -> None:
    reach = data.draw(st.sampled_from([None, *Phase]), label="reach")
    record = data.draw(sps.patient_records(profile=profile, reach=reach, max_events=30))
    _check_moves(record, profile, legal=True)


@pytest.mark.parametrize("profile", SHIPPED, ids=lambda p: p.name)
@settings(max_examples=60)
@given(record=sps.arbitrary_records(max_events=15))
def test_every_move_of_an_off_pathway_record_is_drawn(
    profile: Profile, record: PatientRecord
) -> None:
    # events of any kind in any order, some with overrides: what phase_of meets outside the
    # engine's walks
    _check_moves(record, profile, legal=False)


# -- every action move is on the pathway in some record --------------------------------------------

# A man with left C6 radicular pain, a foraminal herniation at C5-6 and right C4-5 facet
# arthropathy whose CESI failed, and who has since had a positive MBB and confirmatory MBB at
# C4-5 right, a failed GON block, a successful SCS trial (not implanted) and a consultation:
# every kind of action has a target whose preconditions hold.
READY = (
    Clinic(birth="1960-05-01", sex="male")
    .intake(
        0,
        arm=7,
        neck=7,
        radiating=["left C6"],
        onset=-200,
        quality_of_life="severe",
        exam=exam(motor={"left C6": 4}),
    )
    .mri(7, herniation("C5-6", "left", "foraminal"), facet("C4-5", "right"))
    .cesi(21, "interlaminar", "C6-7", "central")
    .outcome(pain_before=7, pain_after=6, relief=10)
    .re_evaluation(56, arm=7, neck=7, radiating=["left C6"])
    .mbb(60, "C4-5", side="right")
    .outcome(pain_before=7, pain_after=0, relief=100, concordant=True)
    .mbb(75, "C4-5", side="right", series_position=2)
    .outcome(pain_before=7, pain_after=0, relief=100, concordant=True)
    .gon(80, "left")
    .outcome(pain_before=7, pain_after=7, relief=0)
    .psych(100)
    .scs_trial(100)
    .outcome(pain_before=7, pain_after=0, relief=100, day=107)
    .consult(120)
)

# Events from day 130 that put READY in each phase.
INTO: dict[Phase, Callable[[Clinic], Clinic]] = {
    P.CESI_OUTCOME: lambda c: c.cesi(130, "transforaminal", "C5-6", "left"),
    P.RE_EVALUATION: lambda c: c.re_evaluation(130, arm=7, neck=7, radiating=["left C6"]),
    P.TARGETED_NON_SURGICAL: lambda c: c.pt(130, "deep_stabilisation"),
    P.ADVANCED_INTERVENTIONAL: lambda c: c.regenerative(130),
    P.SURGICAL_CONSULTATION: lambda c: c.consult(130),
    P.SURGERY: lambda c: c.foraminotomy(130, "C5-6", "left"),
    # a further operation needs a consultation since the last one, which moves the patient on
    # to consultation; the earlier operation's outcome then moves them to follow-up
    P.POST_OPERATIVE: lambda c: (
        c.foraminotomy(130, "C5-6", "left")
        .consult(140)
        .outcome(pain_before=7, pain_after=5, relief=30, of="foraminotomy-1", day=160)
    ),
    P.MAINTENANCE: lambda c: c.discharge(130),
}

ONE_OF_EACH: dict[ActionKind, Action] = {
    K.DISCHARGE: Do.discharge(),
    K.RE_EVALUATION: Do.re_evaluation(),
    K.IMAGING: Do.imaging("mri"),
    K.POSTURE_REVIEW: Do.posture_review(),
    K.SELECTIVE_NERVE_ROOT_BLOCK: Do.snrb("left C6"),
    K.CESI: Do.cesi("transforaminal", "C6-7", "left"),
    K.MEDIAL_BRANCH_BLOCK: Do.mbb("C4-5", "right"),
    K.RADIOFREQUENCY_ABLATION: Do.rfa("C4-5", "right"),
    K.GREATER_OCCIPITAL_NERVE_BLOCK: Do.gon("left"),
    K.MEDICATION_TRIAL: Do.drug("gabapentin"),
    K.ADVANCED_PHYSICAL_THERAPY: Do.advanced_pt(),
    K.SPINAL_CORD_STIMULATOR_TRIAL: Do.scs_trial(),
    K.SPINAL_CORD_STIMULATOR_IMPLANT: Do.scs_implant(),
    K.REGENERATIVE_THERAPY: Do.regenerative(),
    K.SURGICAL_CONSULTATION: Do.consult(urgent=False),
    K.ACDF: Do.acdf("C5-6"),
    K.LAMINOFORAMINOTOMY: Do.foraminotomy("C5-6", "left"),
}


# What an action cannot know, to record it as an event.
DETAILS: dict[ActionKind, dict[str, Any]] = {
    K.POSTURE_REVIEW: {
        "assessment": PostureAssessment(forward_head_posture=True, thoracic_stiffness=True)
    },
}


def test_one_action_of_each_kind() -> None:
    assert set(ONE_OF_EACH) == set(ActionKind)
    assert all(a.kind is k for k, a in ONE_OF_EACH.items())


@pytest.mark.parametrize("profile", SHIPPED, ids=lambda p: p.name)
@pytest.mark.parametrize("source", list(Phase), ids=lambda p: p.value)
def test_every_action_move_is_on_the_pathway_in_some_record(
    source: Phase, profile: Profile
) -> None:
    clinic = INTO[source](READY)
    record = clinic.record
    assert phase_of(record, profile) is source
    day = clinic.day(330)  # past every interval between procedures
    for kind, act in ONE_OF_EACH.items():
        target = ACTION_PHASE[kind]
        if target is source:
            continue  # not a move
        option = evaluate(record, act, profile, as_of=day)
        assert option.status is not Status.BLOCKED, (kind, [str(r) for r in option.failed])
        event = make_event(act, id="next", date=day, record=record, **DETAILS.get(kind, {}))
        assert check(record, event, profile) == ()
        after = apply(record, event, profile)  # no override needed
        assert phase_of(after, profile) is target
        [move] = [
            t for t in TRANSITIONS if (t.source, t.target) == (source, target) and kind in t.actions
        ]
        assert not move.override


# -- outcome moves happen from every phase ---------------------------------------------------------


def _pending(clinic: Clinic, made: str) -> Clinic:
    """An intervention on day 125 whose outcome is reported later."""
    if made == "cesi":
        return clinic.cesi(125, "transforaminal", "C6-7", "left")
    return clinic.acdf(125, "C6-7")


@pytest.mark.parametrize("profile", SHIPPED, ids=lambda p: p.name)
@pytest.mark.parametrize(
    ("made", "relief", "target"),
    [
        ("cesi", 100, P.MAINTENANCE),  # adequate relief that lasted a year
        ("cesi", 0, P.RE_EVALUATION),  # a failed CESI
        ("acdf", 30, P.POST_OPERATIVE),  # an operation's outcome, whatever it is
    ],
)
def test_an_outcome_moves_the_patient_on_from_every_phase(
    made: str, relief: int, target: Phase, profile: Profile
) -> None:
    for source in Phase:
        if source is target:
            continue
        clinic = INTO[source](_pending(READY, made))
        assert phase_of(clinic.record, profile) is source
        reported = clinic.outcome(
            pain_before=7,
            pain_after=7 - relief * 7 // 100,
            relief=relief,
            lasting=365 if relief else None,
            of=f"{made}-{2 if made == 'cesi' else 1}",
            day=200,
        )
        assert phase_of(reported.record, profile) is target, source
        assert any(
            t.cause is Cause.OUTCOME
            for t in TRANSITIONS
            if (t.source, t.target) == (source, target)
        )
