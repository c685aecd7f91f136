"""Simulated rates match the parameters within binomial bounds, at n = 20,000."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from spinepath.anatomy import SpinalNerve
from spinepath.pathway import action_of
from spinepath.sim import (
    DEFAULT_PARAMETERS,
    Results,
    kaplan_meier,
    median_time,
    simulate,
    survival_at,
)
from spinepath.sim.cohort import SEGMENTS, generate

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


def _generating_level(run: Results, operations: pd.DataFrame) -> np.ndarray:
    """Whether each operation decompresses the generating root (radicular pain) or the
    compressed level (myelopathy)."""
    table = run.cohort
    hit = []
    for patient, action in zip(operations["patient"], operations["action"], strict=True):
        view = run.view(int(patient))
        nerve = view.true_nerve()
        if nerve is None:
            level = str(SEGMENTS[int(table.seg[patient])])
            hit.append(level in action)
        else:
            level = str(nerve.root.exit_segment)
            side = "" if action.startswith("ACDF") else f" {nerve.side}"
            hit.append(f"{level}{side}" in action)
    return np.array(hit, dtype=np.bool_)


def test_surgery_succeeds_at_the_generating_level(run: Results, steps: pd.DataFrame) -> None:
    operations = steps[steps["kind"].isin(["acdf", "laminoforaminotomy"])]
    first = ~operations.duplicated("patient")
    hit = _generating_level(run, operations)
    ok = operations["success"].to_numpy()
    index = first.to_numpy() & hit
    _within(int(ok[index].sum()), int(index.sum()), P["surgery_success"])
    missed = ~hit
    _within(int(ok[missed].sum()), int(missed.sum()), P["surgery_off_level_success"])
    revisions = ~first.to_numpy() & hit
    if revisions.sum() > 50:
        _within(int(ok[revisions].sum()), int(revisions.sum()), P["revision_success"])
    # no patient has more operations than the limit
    assert operations.groupby("patient").size().max() <= P["operations_limit"]


def test_surgery_acceptance(steps: pd.DataFrame) -> None:
    operated = steps[steps["kind"].isin(["acdf", "laminoforaminotomy"])]
    done = operated.groupby("patient")["step"].apply(list).to_dict()
    consultations = steps[steps["kind"] == "surgical_consultation"]
    limit = int(P["operations_limit"])
    offered = [
        sum(s < step for s in done.get(patient, [])) < limit
        for patient, step in zip(consultations["patient"], consultations["step"], strict=True)
    ]
    offered_to = consultations[np.array(offered, dtype=np.bool_)]
    declined = int(offered_to["declined_surgery"].sum())
    _within(declined, len(offered_to), 1 - P["surgery_acceptance"])
    # past the limit no operation is offered
    assert consultations[~np.array(offered, dtype=np.bool_)]["declined_surgery"].all()


def test_complication_rates(steps: pd.DataFrame) -> None:
    rfa = steps[steps["kind"] == "radiofrequency_ablation"]
    neuritis = rfa["complications"].str.contains("post_ablation_neuritis")
    _within(int(neuritis.sum()), len(rfa), P["rfa_neuritis"])
    trials = steps[steps["kind"] == "medication_trial"]
    side_effects = trials["complications"].str.contains("medication_side_effect")
    _within(int(side_effects.sum()), len(trials), P["medication_side_effect"])


def _relief_days(done: pd.DataFrame, responders: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Days of adequate relief (0 for a failure) and whether it ended (else censored)."""
    lasting = done["relief_lasting"].to_numpy()
    days = np.where(lasting, done["result_day"] - done["day"], done["relief_days"])
    worked = done["success"].to_numpy()
    return np.where(worked, days, 0), ~(lasting & worked)


def test_rfa_relief_reproduces_lord_and_cohen(steps: pd.DataFrame) -> None:
    """First RFAs: responders' median as fitted; all treated back to 50% of baseline pain at a
    median 263 days (Lord 1996); 56-58% keep >=50% relief for 6 months (Cohen 2007)."""
    done = _outcomes(steps, "radiofrequency_ablation")
    done = done[~done.duplicated("patient") & done["new_deficit_day"].isna()]
    days, ended = _relief_days(done)
    worked = done["success"].to_numpy()
    responders = kaplan_meier(days[worked], ended[worked])  # still lasting: censored
    assert median_time(responders) == pytest.approx(P["rfa_relief_median_days"], rel=0.06)
    everyone = kaplan_meier(days, ended)
    assert median_time(everyone) == pytest.approx(263, rel=0.06)
    assert survival_at(everyone, 182) == pytest.approx(0.57, abs=0.03)
    assert (done.loc[worked, "relief_percent"] == 100).all()  # Lord: responders pain-free


def _root_label(nerve: SpinalNerve | None) -> str | None:
    """How a transforaminal injection at the nerve names its target (``C5-6 left``)."""
    return None if nerve is None else f"{nerve.root.exit_segment} {nerve.side}"


def test_cesi_relief_reproduces_its_sources(run: Results, steps: pd.DataFrame) -> None:
    """Injections at the generating root, first time: the lesion decides the response (Yoon
    2015); half of all treated keep >=50% relief at 3 months where the lesions are mixed as in
    Yoon's series (StatPearls)."""
    done = _outcomes(steps, "cesi")
    done = done[~done.duplicated("patient") & done["new_deficit_day"].isna()]
    views = {p: run.view(int(p)) for p in done["patient"].unique()}
    roots = {p: _root_label(view.true_nerve()) for p, view in views.items()}
    entry = {p: str(action_of(view.entry_cesi())) for p, view in views.items()}
    at_root = np.array(
        [
            roots[p] is not None
            and f"transforaminal {roots[p]}" in a
            and a != entry[p]  # not the failed injection again
            for p, a in zip(done["patient"], done["action"], strict=True)
        ]
    )
    snrb = steps[(steps["kind"] == "selective_nerve_root_block") & steps["success"]]
    first_positive = snrb.groupby("patient")["day"].min()
    before = done["patient"].map(first_positive).to_numpy()
    confirmed = before < done["day"].to_numpy()  # NaN (never) compares False
    lesion = run.cohort.lesion[done["patient"].to_numpy()]
    ok = done["success"].to_numpy()
    for stenosis, parameter in ((False, "cesi_response"), (True, "cesi_stenosis_response")):
        index = at_root & ~confirmed & ((lesion == 2) == stenosis)
        _within(int(ok[index].sum()), int(index.sum()), P[parameter])
    days, ended = _relief_days(done)
    targeted = at_root & confirmed
    km = kaplan_meier(days[targeted], ended[targeted])
    assert survival_at(km, 91) == pytest.approx(0.569, abs=0.04)  # Cohen 2014, assumed


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
