"""Simulated rates match the parameters within binomial bounds, at n = 20,000."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from spinepath.sim import DEFAULT_PARAMETERS, Results, kaplan_meier, median_time, simulate
from spinepath.sim.cohort import generate

P = DEFAULT_PARAMETERS
N = 20_000


@pytest.fixture(scope="module")
def run() -> Results:
    return simulate(N, seed=2024, policy="exhaust-non-surgical")


@pytest.fixture(scope="module")
def steps(run: Results) -> pd.DataFrame:
    return run.steps


def _within(successes: int, trials: int, p: float, z: float = 4.0) -> None:
    assert trials > 50, f"too few trials ({trials}) to test a rate"
    sd = math.sqrt(trials * p * (1 - p))
    assert abs(successes - trials * p) <= z * sd, (successes, trials, p, successes / trials)


def _outcomes(steps: pd.DataFrame, kind: str) -> pd.DataFrame:
    return steps[(steps["kind"] == kind) & steps["result_day"].notna()]


@pytest.mark.parametrize(
    ("kind", "parameter"),
    [
        ("medication_trial", "medication_response"),
        ("advanced_physical_therapy", "advanced_pt_response"),
        ("spinal_cord_stimulator_trial", "scs_trial_success"),
        ("greater_occipital_nerve_block", "gon_response"),
        ("regenerative_therapy", "regenerative_response"),
    ],
)
def test_response_rates(steps: pd.DataFrame, kind: str, parameter: str) -> None:
    done = _outcomes(steps, kind)
    _within(int(done["success"].sum()), len(done), P[parameter])


def test_rfa_success_first_and_repeat(steps: pd.DataFrame) -> None:
    done = _outcomes(steps, "radiofrequency_ablation")
    first = ~done.duplicated("patient")
    _within(int(done[first]["success"].sum()), int(first.sum()), P["rfa_success"])
    if (~first).sum() > 50:
        _within(int(done[~first]["success"].sum()), int((~first).sum()), P["rfa_repeat_success"])


def test_surgery_success_and_acceptance(steps: pd.DataFrame) -> None:
    operations = steps[steps["kind"].isin(["acdf", "laminoforaminotomy"])]
    _within(int(operations["success"].sum()), len(operations), P["surgery_success"])
    consultations = steps[steps["kind"] == "surgical_consultation"]
    declined = int(consultations["declined_surgery"].sum())
    _within(declined, len(consultations), 1 - P["surgery_acceptance"])


def test_complication_rates(steps: pd.DataFrame) -> None:
    rfa = steps[steps["kind"] == "radiofrequency_ablation"]
    neuritis = rfa["complications"].str.contains("post_ablation_neuritis")
    _within(int(neuritis.sum()), len(rfa), P["rfa_neuritis"])
    trials = steps[steps["kind"] == "medication_trial"]
    side_effects = trials["complications"].str.contains("medication_side_effect")
    _within(int(side_effects.sum()), len(trials), P["medication_side_effect"])


def test_rfa_relief_lasts_a_median_of_263_days(steps: pd.DataFrame) -> None:
    relieved = _outcomes(steps, "radiofrequency_ablation")
    relieved = relieved[relieved["success"] & relieved["new_deficit_day"].isna()]
    lasting = relieved["relief_lasting"].to_numpy()
    days = np.where(lasting, relieved["result_day"] - relieved["day"], relieved["relief_days"])
    km = kaplan_meier(days, ~lasting)  # relief still lasting at the horizon is censored
    assert median_time(km) == pytest.approx(P["rfa_relief_median_days"], rel=0.06)


def test_gon_relief_lasts_about_27_days_on_average(steps: pd.DataFrame) -> None:
    relieved = _outcomes(steps, "greater_occipital_nerve_block")
    relieved = relieved[relieved["success"] & ~relieved["relief_lasting"]]
    assert relieved["relief_days"].mean() == pytest.approx(P["gon_relief_mean_days"], rel=0.12)


def test_progression_to_a_deficit(run: Results) -> None:
    table = generate(run.spec.cohort, run.seed, np.arange(N), P["deficit_per_year"])
    radicular = table.presentation <= 1
    within = (table.progression <= run.horizon) & radicular
    expected = 1 - math.exp(-P["deficit_per_year"] * run.horizon / 365.25)
    _within(int(within.sum()), int(radicular.sum()), expected)
    # and every one of them appears, unless an operation decompressed the root first
    patients = run.patients
    deficit = patients["new_deficit"].to_numpy()
    before = np.where(np.isnan(patients["surgery_day"]), np.inf, patients["surgery_day"])
    due = within & (table.progression < before)
    assert np.array_equal(deficit, due)


def test_the_cohort_mix(run: Results) -> None:
    counts = run.patients["presentation"].value_counts()
    for presentation, share in run.spec.cohort.mix().items():
        _within(int(counts[str(presentation)]), N, share)
