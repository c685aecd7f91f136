"""Policies: the shipped strategies do what they say; users can write their own."""

from __future__ import annotations

import pytest

from spinepath.errors import InvalidValue
from spinepath.pathway import Assessment, Option
from spinepath.rules.actions import ActionKind
from spinepath.sim import POLICIES, Results, StepContext, policy, policy_named, simulate

N = 3_000


@pytest.fixture(scope="module")
def runs() -> dict[str, Results]:
    return {name: simulate(N, seed=5, policy=name) for name in POLICIES}


def test_early_referral_sends_more_patients_to_a_surgeon_sooner(runs: dict[str, Results]) -> None:
    engine, early = runs["engine"].summary(), runs["early-surgical-referral"].summary()
    e, x = engine.metrics(), early.metrics()
    assert x["share_surgical_consultation"] > 1.25 * e["share_surgical_consultation"]
    assert x["consultation_by_1_year"] > e["consultation_by_1_year"]
    assert x["share_surgery"] > e["share_surgery"]
    first = runs["early-surgical-referral"].patients["consultation_day"].median()
    assert first < runs["engine"].patients["consultation_day"].median()


def test_exhausting_non_surgical_care_means_more_procedures_first(
    runs: dict[str, Results],
) -> None:
    exhaust, early = runs["exhaust-non-surgical"], runs["early-surgical-referral"]
    before = []
    for results in (exhaust, early):
        steps = results.steps
        consult = results.patients["consultation_day"].to_numpy()
        procedures = steps[
            steps["kind"].isin(
                [
                    "radiofrequency_ablation",
                    "medial_branch_block",
                    "medication_trial",
                    "advanced_physical_therapy",
                    "spinal_cord_stimulator_trial",
                ]
            )
        ]
        early_steps = procedures[procedures["day"] < consult[procedures["patient"]]]
        before.append(len(early_steps) / results.n)
    assert before[0] > before[1]


def test_no_rfa_never_blocks_or_ablates(runs: dict[str, Results]) -> None:
    kinds = set(runs["no-rfa"].steps["kind"])
    assert "radiofrequency_ablation" not in kinds
    assert "medial_branch_block" not in kinds
    assert "radiofrequency_ablation" in set(runs["engine"].steps["kind"])


def test_a_memoizable_policy_gives_what_the_same_function_gives() -> None:
    def prefer_imaging(assessment: Assessment, context: StepContext) -> Option | None:
        for option in assessment.recommended:
            if option.action.kind is ActionKind.IMAGING:
                return option
        return assessment.first

    remembered = policy("prefer-imaging", memoizable=True)(prefer_imaging)
    a = simulate(800, seed=2, policy=remembered)
    b = simulate(800, seed=2, policy=prefer_imaging)
    assert a.same_as(b)
    assert a.policy == "prefer-imaging"
    assert b.policy == "prefer_imaging"


def coin(assessment: Assessment, context: StepContext) -> Option | None:
    """Follow the engine, but stop after any step with probability 0.2 (and use the rng)."""
    context.rng.random()
    if context.random() < 0.2:
        return None
    return assessment.first


def test_random_policies_are_reproducible_and_chunk_invariant() -> None:
    a = simulate(300, seed=8, policy=coin, chunk_size=300)
    b = simulate(300, seed=8, policy=coin, chunk_size=41)
    assert a.same_as(b)
    assert not a.same_as(simulate(300, seed=9, policy=coin))
    engine = simulate(300, seed=8)
    assert a.patients["steps"].mean() < engine.patients["steps"].mean()


def test_a_policy_must_answer_an_option_an_action_or_none() -> None:
    def chatty(assessment: Assessment, context: StepContext) -> str:
        return "discharge"

    with pytest.raises(InvalidValue, match="not an Option"):
        simulate(3, seed=1, policy=chatty)  # type: ignore[arg-type]


def test_names() -> None:
    assert set(POLICIES) == {"engine", "early-surgical-referral", "exhaust-non-surgical", "no-rfa"}
    with pytest.raises(InvalidValue, match="not a known policy"):
        policy_named("aggressive")
    with pytest.raises(InvalidValue):
        policy(" ")
    from spinepath.cli.simulate import POLICY_NAMES

    assert set(POLICY_NAMES) == set(POLICIES)
