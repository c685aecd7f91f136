"""The simulation model's clinical shape: facet care by session, operations at the generating
level and their limit, adjacent segment disease from the day of surgery, named parameter sets."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from spinepath.anatomy import FacetJoint
from spinepath.model import FacetArthropathy, ImagingStudy
from spinepath.pathway import Status, assess, evaluate
from spinepath.rules.actions import ActionKind
from spinepath.sim import DEFAULT_PARAMETERS, Results, kaplan_meier, simulate, survival_at
from spinepath.sim.kernel import facet_session
from spinepath.sim.records import build_record

K = ActionKind
FACET_KINDS = ("medial_branch_block", "radiofrequency_ablation")


@pytest.fixture(scope="module")
def engine_run() -> Results:
    return simulate(3_000, seed=11)


def _region(run: Results, patient: int) -> frozenset[FacetJoint]:
    """The facet joints imaging shows for a patient (the painful region)."""
    record = run.record(patient)
    joints: set[FacetJoint] = set()
    for event in record.events:
        if isinstance(event, ImagingStudy):
            for finding in event.findings:
                if isinstance(finding, FacetArthropathy):
                    joints.update(FacetJoint(finding.segment, s) for s in finding.side.lateral)
    return frozenset(joints)


def test_one_session_treats_every_joint_of_the_painful_region(engine_run: Results) -> None:
    steps = engine_run.steps
    facet = steps[steps["kind"].isin(FACET_KINDS)]
    assert len(facet) > 100
    decisions = {str(d.action): d.action for d in engine_run.decisions}
    for patient, label in zip(facet["patient"], facet["action"], strict=True):
        assert frozenset(decisions[label].joints) == _region(engine_run, int(patient)), label
    # one diagnostic block per patient (one comparative block per session in this profile)
    blocks = facet[facet["kind"] == "medial_branch_block"].groupby("patient").size()
    assert blocks.max() == 1
    # sessions, not joints: a few RFAs over two years, each a repeat after one that worked
    rfa = facet[facet["kind"] == "radiofrequency_ablation"]
    assert rfa.groupby("patient").size().max() <= 4
    for _, done in rfa.groupby("patient"):
        assert done["success"].iloc[:-1].all() or len(done) == 1


def test_without_sessions_each_joint_is_blocked_and_ablated_alone() -> None:
    run = simulate(600, seed=11, facet_sessions=False)
    decisions = {str(d.action): d.action for d in run.decisions}
    facet = run.steps[run.steps["kind"].isin(FACET_KINDS)]
    assert len(facet) > 10
    assert all(len(decisions[label].joints) == 1 for label in facet["action"])


def test_facet_session_widens_a_joint_to_the_region_the_engine_allows(
    engine_run: Results,
) -> None:
    steps = engine_run.steps
    first = steps[steps["kind"] == "medial_branch_block"].iloc[0]
    patient, step = int(first["patient"]), int(first["step"])
    view = engine_run.view(patient)
    rows = engine_run.rows(patient)
    record = build_record(view, rows[:step], engine_run.decisions)
    assessment = assess(record, as_of=view.date(rows[step].day))
    chosen = next(
        o.action
        for o in assessment.recommended
        if o.action.kind is K.MEDIAL_BRANCH_BLOCK and len(o.action.joints) == 1
    )
    session = facet_session(assessment, chosen)
    assert session is not None
    assert set(chosen.joints) < set(session.joints) or len(_region(engine_run, patient)) == 1
    assert frozenset(session.joints) == _region(engine_run, patient)
    assert session.series_position == chosen.series_position
    # the session is legal on the patient's record, as the simulation checked
    judged = evaluate(record, session, as_of=view.date(rows[step].day))
    assert judged.status is not Status.BLOCKED


@pytest.fixture(scope="module")
def surgical_run() -> Results:
    return simulate(6_000, seed=5, policy="early-surgical-referral", horizon_days=1825)


def test_adjacent_segment_disease_threatens_every_fusion_from_the_day_of_surgery(
    surgical_run: Results,
) -> None:
    """After a successful ACDF, relief lasts until adjacent segment disease: about 3% a year
    from the day of surgery (Hilibrand 1999), not from the follow-up visit."""
    steps = surgical_run.steps
    fused = steps[(steps["kind"] == "acdf") & steps["success"] & steps["new_deficit_day"].isna()]
    lasting = fused["relief_lasting"].to_numpy()
    days = np.where(lasting, fused["result_day"] - fused["day"], fused["relief_days"])
    km = kaplan_meier(days, ~lasting)
    rate = DEFAULT_PARAMETERS["acdf_recurrence_per_year"]
    expected = math.exp(-rate * 2)
    n = len(fused)
    assert n > 500
    sd = math.sqrt(expected * (1 - expected) / n)
    assert survival_at(km, 730.5) == pytest.approx(expected, abs=4 * sd + 0.005)
    # disease before the 3-month visit is seen too (its relief ends before the report)
    early = fused[(fused["relief_days"] < 90) & ~fused["relief_lasting"]]
    assert early["complications"].str.contains("adjacent_segment_disease").all()


def test_operations_are_limited_to_one_revision(surgical_run: Results) -> None:
    operations = surgical_run.steps[surgical_run.steps["kind"].isin(["acdf", "laminoforaminotomy"])]
    per_patient = operations.groupby("patient").size()
    assert per_patient.max() == DEFAULT_PARAMETERS["operations_limit"]
    # a second operation follows a failed one or the end of the first one's relief
    for _, done in operations.groupby("patient"):
        if len(done) > 1:
            first = done.iloc[0]
            ended = first["relief_days"] if not first["relief_lasting"] else math.inf
            assert (not first["success"]) or first["day"] + ended <= done.iloc[1]["day"]


def test_complications_per_operation_follow_the_comparison(surgical_run: Results) -> None:
    """Liu et al. 2016: about 7% of ACDFs and 4% of foraminotomies have a complication."""
    steps = surgical_run.steps
    for kind, expected in (("acdf", 0.073), ("laminoforaminotomy", 0.040)):
        done = steps[steps["kind"] == kind]
        other = done["complications"].str.replace("adjacent_segment_disease", "", regex=False)
        hit = int((other.str.strip(";") != "").sum())
        sd = math.sqrt(len(done) * expected * (1 - expected))
        assert abs(hit - len(done) * expected) <= 4 * sd, (kind, hit, len(done))


def test_a_parameter_set_is_chosen_by_name() -> None:
    lord = simulate(300, seed=3, policy="no-rfa")
    named = simulate(300, seed=3, policy="no-rfa", parameters="lord-1996")
    assert lord.same_as(named)
    macvicar = simulate(1_500, seed=3, parameters="macvicar-2012")
    rfa = macvicar.steps[macvicar.steps["kind"] == "radiofrequency_ablation"]
    assert len(rfa) > 20
    assert macvicar.spec.parameters["rfa_relief_median_days"] == 563


def test_repeat_cesis_after_success_have_their_own_response(engine_run: Results) -> None:
    """The same injection again after one that worked is judged as such, not as a repeat of
    a failure (which would respond a quarter of the time)."""
    steps = engine_run.steps
    cesi = steps[steps["kind"] == "cesi"].sort_values(["patient", "step"])
    previous = cesi.groupby("patient")[["action", "success"]].shift()
    again = cesi[(previous["action"] == cesi["action"]) & (previous["success"] == True)]  # noqa: E712
    assert len(again) > 100
    p = DEFAULT_PARAMETERS["cesi_repeat_success_response"]
    sd = math.sqrt(len(again) * p * (1 - p))
    assert abs(int(again["success"].sum()) - len(again) * p) <= 4 * sd
    assert isinstance(again, pd.DataFrame)
