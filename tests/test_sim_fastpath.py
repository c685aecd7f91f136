"""The fast path against the record-by-record path: same trajectories, same distributions.

The record-by-record path keeps every patient's real record and asks :func:`spinepath.assess`
at every step; the fast path folds each patient's steps into the same fact state a record
carries and remembers decisions by the state's key. Both draw the same random numbers, so for
the same seed they must produce the very same trajectories; on different seeds, the same
distributions.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from spinepath.anatomy import Segment, Side
from spinepath.pathway import Assessment, Option
from spinepath.rules.actions import Action, ActionKind
from spinepath.rules.state import FactState
from spinepath.sim import FastPathMismatch, Results, StepContext, oracles, simulate

POLICIES = ("engine", "early-surgical-referral", "exhaust-non-surgical", "no-rfa")
PROFILES = ("consensus-2022", "strict-payer")


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("policy", POLICIES)
def test_identical_trajectories(policy: str, profile: str) -> None:
    # verify=10**6: every new classification is also checked against assess() itself
    fast = simulate(150, seed=21, policy=policy, profile=profile, verify=10**6)
    record = simulate(150, seed=21, policy=policy, profile=profile, engine="record")
    assert fast.same_as(record)


def test_remembering_states_changes_nothing() -> None:
    remembered = simulate(3_000, seed=8, policy="exhaust-non-surgical")
    oracles.REMEMBER_STATES = False
    try:
        classified = simulate(3_000, seed=8, policy="exhaust-non-surgical")
    finally:
        oracles.REMEMBER_STATES = True
    assert remembered.same_as(classified)


# Critical values at alpha = 0.001 (fixed seeds make the tests deterministic; the small alpha
# keeps them meaningful without being fragile to an unlucky seed).
CHI2_0001 = {1: 10.83, 2: 13.82, 3: 16.27, 4: 18.47, 5: 20.52, 6: 22.46, 7: 24.32, 8: 26.12}


def _chi_square(a: np.ndarray, b: np.ndarray) -> tuple[float, int]:
    """Chi-square statistic of homogeneity for two vectors of category counts."""
    keep = (a + b) > 0
    table = np.vstack([a[keep], b[keep]]).astype(float)
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    return float(((table - expected) ** 2 / expected).sum()), int(keep.sum()) - 1


def _ks(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Two-sample Kolmogorov-Smirnov distance, and its critical value at alpha = 0.001."""
    values = np.union1d(a, b)
    fa = np.searchsorted(np.sort(a), values, side="right") / a.size
    fb = np.searchsorted(np.sort(b), values, side="right") / b.size
    critical = math.sqrt(-math.log(0.001 / 2) / 2) * math.sqrt(
        (a.size + b.size) / (a.size * b.size)
    )
    return float(np.abs(fa - fb).max()), critical


def _furthest(results: Results) -> np.ndarray:
    p = results.patients
    columns = [
        "reached_re_evaluation",
        "reached_targeted_non_surgical",
        "reached_advanced_interventional",
        "reached_surgical_consultation",
        "reached_surgery",
    ]
    furthest = np.zeros(len(p), dtype=int)
    for i, column in enumerate(columns, start=1):
        furthest = np.where(p[column].to_numpy(), i, furthest)
    return np.bincount(furthest, minlength=len(columns) + 1)


@pytest.mark.parametrize("policy", ["engine", "early-surgical-referral"])
def test_same_distributions_on_independent_samples(policy: str) -> None:
    record = simulate(1_200, seed=101, policy=policy, engine="record")
    fast = simulate(6_000, seed=202, policy=policy)
    stat, dof = _chi_square(_furthest(record), _furthest(fast))
    assert stat < CHI2_0001[dof], ("furthest phase", stat, dof)
    procedures = [
        np.bincount(np.minimum(r.patients["procedures"].to_numpy(), 7), minlength=8)
        for r in (record, fast)
    ]
    stat, dof = _chi_square(*procedures)
    assert stat < CHI2_0001[dof], ("procedures", stat, dof)
    status = [
        r.patients["status"]
        .value_counts()
        .reindex(["relieved", "discharged", "in care"], fill_value=0)
        .to_numpy()
        for r in (record, fast)
    ]
    stat, dof = _chi_square(*status)
    assert stat < CHI2_0001[dof], ("status", stat, dof)
    for column in ("consultation_day", "surgery_day", "mean_pain"):
        a = record.patients[column].dropna().to_numpy()
        b = fast.patients[column].dropna().to_numpy()
        if a.size >= 30:
            distance, critical = _ks(a, b)
            assert distance < critical, (column, distance, critical)


def test_a_wrong_remembered_decision_is_caught_against_the_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A key that keeps only the phase: patients in the same phase would share decisions, and
    # the check of remembered decisions against each patient's own state must object.
    monkeypatch.setattr(FactState, "key", lambda self, as_of: (self.phase, ()))
    monkeypatch.setattr(oracles, "_FAST_MEMOS", {})
    with pytest.raises(FastPathMismatch, match="that the engine does not take"):
        simulate(400, seed=3, verify=10**6)


def random_legal(assessment: Assessment, context: StepContext) -> Option | None:
    """Any legal option, uniformly (stopping one time in twelve): wanders through states the
    shipped policies never reach."""
    legal = (*assessment.recommended, *assessment.allowed)
    u = context.random()
    if u < 1 / 12 or not legal:
        return None
    return legal[int(context.random() * len(legal))]


def random_any(assessment: Assessment, context: StepContext) -> Option | None:
    """Any option at all, blocked ones included (recorded as overrides)."""
    options = assessment.options
    if context.random() < 1 / 12:
        return None
    return options[int(context.random() * len(options))]


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("chooser", [random_legal, random_any])
def test_identical_trajectories_under_random_policies(
    chooser: Callable[[Assessment, StepContext], Option | None], profile: str
) -> None:
    options = {
        "seed": 41,
        "policy": chooser,
        "profile": profile,
        "allow_overrides": True,
        "horizon_days": 1_095,
    }
    fast = simulate(120, verify=10**6, **options)  # type: ignore[arg-type]
    record = simulate(120, engine="record", **options)  # type: ignore[arg-type]
    assert fast.same_as(record)
    assert fast.raw["pos"].size > 300


def ablate_twice(assessment: Assessment, context: StepContext) -> Option | Action | None:
    """Two ablations nobody proposed, in an order the engine must remember."""
    if context.step == 1:
        return Action(
            kind=ActionKind.RADIOFREQUENCY_ABLATION, segments=(Segment.C6_7,), side=Side.RIGHT
        )
    if context.step == 2:
        return Action(
            kind=ActionKind.RADIOFREQUENCY_ABLATION, segments=(Segment.C3_4,), side=Side.LEFT
        )
    return assessment.first


def test_identical_trajectories_with_actions_outside_the_candidates() -> None:
    fast = simulate(150, seed=3, policy=ablate_twice, allow_overrides=True, verify=10**6)
    record = simulate(150, seed=3, policy=ablate_twice, allow_overrides=True, engine="record")
    assert fast.same_as(record)
