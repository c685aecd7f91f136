"""Every simulated step is legal under the engine, or an override naming the policy."""

from __future__ import annotations

import pytest

from spinepath.anatomy import Segment, Side
from spinepath.errors import IllegalTransition
from spinepath.model import Override, PatientRecord
from spinepath.pathway import Assessment, Option, apply, assess
from spinepath.rules.actions import Action, ActionKind
from spinepath.rules.profiles import profile_named
from spinepath.sim import Results, StepContext, simulate


def entry_events(results: Results, record: PatientRecord) -> int:
    """How many of a record's events came before entry (the MRI, the intake visit, any
    antithrombotic drug and its hold, the failed CESI, the screen, any HbA1c, the outcome)."""
    entry = results.spec.cohort.entry_date
    return sum(e.date < entry for e in record.events)


def _replay(results: Results, indices: range) -> int:
    """Rebuild each record and add its simulated events one by one with ``apply``."""
    profile = profile_named(results.profile)
    replayed = 0
    for i in indices:
        full = results.record(i)
        n = entry_events(results, full)
        record = PatientRecord(full.patient, full.events[:n])
        for event in full.events[n:]:
            record = apply(record, event, profile)
            replayed += 1
        assert record == full
    return replayed


@pytest.mark.parametrize("profile", ["consensus-2022", "strict-payer"])
@pytest.mark.parametrize(
    "policy", ["engine", "early-surgical-referral", "exhaust-non-surgical", "no-rfa"]
)
def test_every_trajectory_replays_through_apply(policy: str, profile: str) -> None:
    results = simulate(2_000, seed=33, policy=policy, profile=profile)
    # patients of every presentation, from across the run
    assert _replay(results, range(0, 2_000, 25)) > 300


def test_records_are_the_ones_the_record_path_builds() -> None:
    fast = simulate(30, seed=12)
    record = simulate(30, seed=12, engine="record")
    for i in range(30):
        assert fast.record(i) == record.record(i)


RFA_C56_LEFT = Action(
    kind=ActionKind.RADIOFREQUENCY_ABLATION, segments=(Segment.C5_6,), side=Side.LEFT
)


def _pick_rfa_anyway(assessment: Assessment, context: StepContext) -> Option | Action | None:
    """Ablate C5-6 left at the second step, whatever the blocks showed."""
    if context.step == 1:
        return RFA_C56_LEFT
    return assessment.first


def test_a_blocked_choice_is_an_illegal_transition() -> None:
    with pytest.raises(IllegalTransition) as caught:
        simulate(20, seed=1, policy=_pick_rfa_anyway)
    assert "Radiofrequency ablation C5-6 left" in str(caught.value)
    assert any("S6" in reason for reason in caught.value.failed)


def test_with_overrides_the_step_is_recorded_as_one() -> None:
    results = simulate(20, seed=1, policy=_pick_rfa_anyway, allow_overrides=True)
    steps = results.steps
    overridden = steps[steps["override"]]
    assert len(overridden) == 20
    assert set(overridden["action"]) == {"Radiofrequency ablation C5-6 left"}
    record = results.record(0)
    n = entry_events(results, record)
    event = record.events[n + 1]
    assert isinstance(event.override, Override)
    assert "_pick_rfa_anyway" in event.override.reason
    assert "S6" in event.override.rules
    # the record path agrees, and replaying accepts the override
    assert results.same_as(
        simulate(20, seed=1, policy=_pick_rfa_anyway, allow_overrides=True, engine="record")
    )
    assert _replay(results, range(20)) > 20
    # and the engine itself would have refused it
    before = PatientRecord(record.patient, record.events[: n + 1])
    option = assess(before, as_of=event.date).option(RFA_C56_LEFT)
    assert option is None or not option.legal
