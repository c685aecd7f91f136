"""Calibration targets: the estimators and endpoints on hand-built steps (each can fail), the
calibration run (every target in range or explained), and the validation page kept current."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from spinepath import sim
from spinepath.errors import InvalidValue
from spinepath.rules.profiles import Grade
from spinepath.sim import targets as tg
from spinepath.sim.measures import (
    Measurement,
    Observations,
    count,
    km_median,
    mean,
    rate,
    risk_ratio,
    rolling_max,
    share,
)
from spinepath.sim.targets import TARGETS, Target, target_named
from spinepath.sim.validation import (
    EXPLAINED,
    IN_RANGE,
    OUT_OF_RANGE,
    PAGE_HORIZON,
    PAGE_SEED,
    ValidationReport,
    validate,
)

DOCS = Path(__file__).resolve().parent.parent / "docs"

# -- estimators ------------------------------------------------------------------------------------


def test_wilson_interval_matches_published_values() -> None:
    # Newcombe (1998), Table I: 81 of 263 gives 0.2553 to 0.3662; 0 of 10 gives 0 to 0.2775
    m = share(np.arange(263) < 81)
    assert (m.events, m.n) == (81, 263)
    assert m.lower == pytest.approx(0.2553, abs=5e-5)
    assert m.upper == pytest.approx(0.3662, abs=5e-5)
    empty = share(np.zeros(10, dtype=bool))
    assert (empty.value, empty.lower) == (0.0, 0.0)
    assert empty.upper == pytest.approx(0.2775, abs=5e-5)
    assert not share([]).estimable


def test_km_median_with_censoring() -> None:
    # 1, 2 (censored), 3, 4, 5: survival 0.8 after 1, 0.533 after 3, 0.267 after 4
    m = km_median([1, 2, 3, 4, 5], [True, False, True, True, True])
    assert m.value == 4
    assert m.lower <= 4 <= (m.upper if math.isfinite(m.upper) else math.inf)
    assert not km_median([10, 20], [False, False]).estimable  # median not reached


def test_rate_interval_is_near_the_exact_poisson_interval() -> None:
    # exact 95% interval for 10 events: 4.795 to 18.39
    m = rate(10, 100.0)
    assert m.value == pytest.approx(0.10)
    assert m.lower == pytest.approx(0.04795, rel=0.01)
    assert m.upper == pytest.approx(0.1839, rel=0.01)
    assert rate(0, 50.0).lower == 0.0
    assert not rate(0, 0.0).estimable


def test_risk_ratio_and_an_empty_cell() -> None:
    m = risk_ratio(np.arange(100) < 20, np.arange(200) < 20)
    assert m.value == pytest.approx(2.0)
    se = math.sqrt(1 / 20 - 1 / 100 + 1 / 20 - 1 / 200)
    assert m.lower == pytest.approx(2.0 * math.exp(-1.959964 * se), rel=1e-4)
    zero = risk_ratio(np.zeros(10, dtype=bool), np.arange(10) < 5)
    assert zero.estimable
    assert zero.value < 0.2
    assert "0.5 added" in zero.method


def test_mean_count_and_rolling_windows() -> None:
    assert mean([1.0, 2.0, 3.0]).value == 2.0
    assert count([True, False, True], 3).value == 2
    # patient 0: days 0, 100, 300 (three within 365), patient 2: 0 and 400
    most = rolling_max([0, 0, 0, 2, 2], [0, 100, 300, 0, 400], 3, 365)
    assert most.tolist() == [3.0, 0.0, 1.0]


# -- endpoints on hand-built steps -----------------------------------------------------------------

_STEP: dict[str, Any] = {
    "day": 0,
    "kind": "re_evaluation",
    "result_day": np.nan,
    "success": False,
    "relief_percent": np.nan,
    "relief_days": np.nan,
    "relief_lasting": False,
    "complications": "",
    "nerve": None,
    "segments": None,
    "side": None,
    "series": None,
    "urgent": False,
    "presentation": "radicular_single",
    "lesion": "herniation",
    "true_nerve": "left C6",
    "first_nerve_cesi": False,
}


def _observed(rows: list[dict[str, Any]], horizon: int = 730, n: int | None = None) -> Observations:
    steps = pd.DataFrame([{**_STEP, **row} for row in rows])
    steps["nth"] = steps.groupby(["patient", "kind"], sort=False).cumcount() + 1
    count_ = n if n is not None else int(steps["patient"].max()) + 1
    patients = pd.DataFrame({"patient": range(count_), "truncated": [False] * count_})
    return Observations(steps, patients, horizon)


def _cesi(patient: int, day: int, relief: float, days: float, **more: Any) -> dict[str, Any]:
    return {
        "patient": patient,
        "day": day,
        "kind": "cesi",
        "nerve": "left C6",
        "relief_percent": relief,
        "relief_days": days,
        "result_day": day + days,
        "success": relief >= 50,
        "first_nerve_cesi": True,
        **more,
    }


def test_cesi_endpoint_counts_relief_lasting_three_months_at_the_root() -> None:
    obs = _observed(
        [
            _cesi(0, 10, 70, 120),  # counts
            _cesi(1, 10, 70, 60),  # relief wore off before 3 months
            _cesi(2, 10, 30, 42),  # failed
            _cesi(3, 10, 80, 30, relief_lasting=True),  # still lasting at the horizon: counts
            _cesi(4, 700, 80, 30),  # too late to see 3 months: not in the denominator
            _cesi(5, 10, 80, 200, true_nerve="right C7"),  # missed the root: not counted
            _cesi(6, 10, 80, 200, first_nerve_cesi=False),  # a repeat: not counted
        ]
    )
    m = tg.cesi_first_3_months(obs)
    assert (m.events, m.n) == (2, 4)


def test_cesi_after_a_positive_snrb_is_its_own_target() -> None:
    snrb = {"patient": 0, "day": 5, "kind": "selective_nerve_root_block", "nerve": "left C6"}
    obs = _observed([{**snrb, "success": True}, _cesi(0, 20, 70, 120), _cesi(1, 20, 70, 120)])
    assert tg.cesi_after_snrb_3_months(obs).n == 1
    assert tg.cesi_first_3_months(obs).n == 1


def test_repeat_cesi_after_success_counts_only_repeats_of_a_success() -> None:
    obs = _observed(
        [
            _cesi(0, 0, 70, 120),
            _cesi(0, 200, 40, 42, first_nerve_cesi=False),  # after a success: failed
            _cesi(1, 0, 20, 42),
            _cesi(1, 100, 80, 200, first_nerve_cesi=False),  # after a failure: not counted
        ]
    )
    m = tg.cesi_repeat_after_success(obs)
    assert (m.events, m.n) == (0, 1)


def _rfa(patient: int, day: int, relief: float, days: float, **more: Any) -> dict[str, Any]:
    return {
        "patient": patient,
        "day": day,
        "kind": "radiofrequency_ablation",
        "segments": "C4-5",
        "side": "left",
        "relief_percent": relief,
        "relief_days": days,
        "result_day": day + days,
        "success": relief >= 50,
        **more,
    }


def _mbb(patient: int, relief: float) -> dict[str, Any]:
    return {
        "patient": patient,
        "day": 0,
        "kind": "medial_branch_block",
        "segments": "C4-5",
        "side": "left",
        "series": 1,
        "relief_percent": relief,
        "relief_days": 0.0,
        "result_day": 0.0,
        "success": relief > 50,
    }


def test_rfa_endpoints_by_block_band_duration_and_rolling_limit() -> None:
    obs = _observed(
        [
            _mbb(0, 90),
            _rfa(0, 20, 85, 300),  # strong block; >=80% for 6 months: MacVicar success
            _rfa(0, 200, 60, 100),  # second within a year
            _rfa(0, 330, 60, 100),  # third within 365 days of the first
            _mbb(1, 60),
            _rfa(1, 20, 60, 100),  # moderate block; wore off before 6 months
        ]
    )
    assert (tg.rfa_strong_block(obs).events, tg.rfa_strong_block(obs).n) == (1, 1)
    assert (tg.rfa_macvicar(obs).events, tg.rfa_macvicar(obs).n) == (1, 1)
    assert (tg.rfa_moderate_block(obs).events, tg.rfa_moderate_block(obs).n) == (0, 1)
    assert tg.rfa_per_year(obs).value == 1
    assert tg.rfa_repeat_duration(obs).n == 2


def test_gon_repeat_after_a_failed_block_on_that_side_is_caught() -> None:
    gon = {"kind": "greater_occipital_nerve_block", "presentation": "occipital"}
    obs = _observed(
        [
            {**gon, "patient": 0, "day": 0, "side": "left", "relief_percent": 20.0},
            {**gon, "patient": 0, "day": 30, "side": "right", "relief_percent": 70.0},
            {**gon, "patient": 0, "day": 60, "side": "bilateral", "relief_percent": 70.0},
            {**gon, "patient": 1, "day": 0, "side": "left", "relief_percent": 70.0},
            {**gon, "patient": 1, "day": 40, "side": "left", "relief_percent": 70.0},
        ]
    )
    assert tg.gon_after_failure(obs).value == 1  # the bilateral block repeats a failed left


def test_operations_wrong_level_and_segment_disease() -> None:
    acdf = {"kind": "acdf", "side": None, "relief_percent": 80.0, "result_day": 90.0}
    obs = _observed(
        [
            {**acdf, "patient": 0, "day": 0, "segments": "C5-6", "success": True},  # C6: right
            {**acdf, "patient": 1, "day": 0, "segments": "C6-7", "success": True},  # misses C6
            {
                **acdf,
                "patient": 2,
                "day": 0,
                "segments": "C5-6",
                "success": True,
                "complications": "adjacent_segment_disease",
                "result_day": 365.25,
            },
        ],
        horizon=730,
    )
    wrong = tg.wrong_level_surgery(obs)
    assert (wrong.events, wrong.n) == (1, 1)
    asd = tg.asd_rate(obs)
    assert asd.events == 1
    assert asd.n == pytest.approx((730 + 730 + 365.25) / 365.25)
    assert tg._covers("C7-T1", None, "left C8")
    assert not tg._covers("C5-6", "right", "left C6")


def test_surgical_opinion_before_a_stimulator_trial() -> None:
    rows: list[dict[str, Any]] = [
        {"patient": 0, "day": 10, "kind": "surgical_consultation"},
        {"patient": 0, "day": 50, "kind": "spinal_cord_stimulator_trial"},
        {"patient": 1, "day": 50, "kind": "spinal_cord_stimulator_trial"},
        {"patient": 1, "day": 90, "kind": "surgical_consultation"},
    ]
    m = tg.scs_after_opinion(_observed(rows))
    assert (m.events, m.n) == (1, 2)
    acdf = {"kind": "acdf", "segments": "C5-6", "success": True, "result_day": 140.0}
    m = tg.scs_before_surgery(_observed([*rows, {**acdf, "patient": 1, "day": 100}]))
    assert (m.events, m.n) == (1, 2)


def test_a_target_out_of_range_fails_the_validation() -> None:
    """End to end: stimulator trials that rarely work leave Levine's range, unexplained."""
    worse = sim.DEFAULT_PARAMETERS.derive(scs_trial_success=0.2)
    report = validate(3_000, parameters=worse, horizon=730, targets=["scs_trial_success"])
    assert report.verdicts == (OUT_OF_RANGE,)
    assert report.failures == ("scs_trial_success",)
    assert report["scs_trial_success"].upper < 0.3


# -- targets as values -----------------------------------------------------------------------------


def test_targets_are_unique_sourced_and_name_their_endpoint() -> None:
    ids = [t.id for t in TARGETS]
    assert len(ids) == len(set(ids))
    published = [t for t in TARGETS if not t.hard]
    assert len(published) >= 20
    for t in TARGETS:
        assert t.source
        assert t.endpoint
        assert t.grade in Grade
    assert target_named("pt_3_months").unit == "share"
    with pytest.raises(InvalidValue, match="'nope' is not one of"):
        target_named("nope")


def test_a_target_checks_its_range() -> None:
    kwargs: dict[str, Any] = {
        "id": "x",
        "figure": "f",
        "source": "s",
        "grade": Grade.READ,
        "endpoint": "e",
        "measure": tg.pt_3_months,
        "unit": "share",
    }
    with pytest.raises(InvalidValue, match="give a low or a high"):
        Target(**kwargs)
    with pytest.raises(InvalidValue, match=r"0\.6 is above 0\.5"):
        Target(**kwargs, low=0.6, high=0.5)
    t = Target(**kwargs, low=0.4, high=0.5)
    assert t.reaches(Measurement(0.55, 0.49, 0.6, 100, "Wilson"))
    assert not t.reaches(Measurement(0.55, 0.51, 0.6, 100, "Wilson"))
    assert not t.reaches(Measurement(math.nan, math.nan, math.nan, 0, "Wilson"))


def test_verdicts() -> None:
    t = target_named("pt_3_months")
    e = target_named("rfa_first_duration")
    inside = Measurement(0.25, 0.24, 0.26, 100, "Wilson")
    outside = Measurement(0.9, 0.89, 0.91, 100, "Wilson")
    report = ValidationReport((t, t, e), (inside, outside, outside))
    assert report.verdicts == (IN_RANGE, OUT_OF_RANGE, EXPLAINED)
    assert report.failures == ("pt_3_months",)
    assert "| 90.0% (89.0% to 91.0%) | 100 | out of range |" in report.to_markdown()


# -- the calibration run ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def calibration() -> ValidationReport:
    return validate(20_000, seed=PAGE_SEED, horizon=PAGE_HORIZON)


def test_every_target_is_in_range_or_explained(calibration: ValidationReport) -> None:
    lines = [
        f"{t.id}: {m.value:.4g} ({m.lower:.4g} to {m.upper:.4g}), published {t.range_text}"
        for t, m in zip(calibration.targets, calibration.measurements, strict=True)
        if t.id in calibration.failures
    ]
    assert not lines, "out of range, unexplained:\n" + "\n".join(lines)


def test_the_page_is_current() -> None:
    stored = ValidationReport.from_json((DOCS / "validation.json").read_text())
    assert (DOCS / "validation.md").read_text() == stored.render_markdown(), (
        "regenerate: python -m spinepath.sim.validation"
    )
    picture = DOCS / "img" / "validation.png"
    assert 10_000 < picture.stat().st_size < 300_000


def test_the_page_reports_what_the_model_gives_now(calibration: ValidationReport) -> None:
    """The page's run (100,000 patients) contains this run's (its first 20,000): each estimate
    must lie within twice this run's 95% interval, or the model changed since the page."""
    stored = ValidationReport.from_json((DOCS / "validation.json").read_text())
    stale = []
    for t, fresh in zip(calibration.targets, calibration.measurements, strict=True):
        page = stored[t.id]
        if fresh.method == "exact count":
            if (page.value > 0) != (fresh.value > 0):
                stale.append(t.id)
            continue
        if not (fresh.estimable and page.estimable):
            if fresh.estimable != page.estimable:
                stale.append(t.id)
            continue
        half = max(fresh.value - fresh.lower, fresh.upper - fresh.value)
        if abs(page.value - fresh.value) > 2 * half:
            stale.append(t.id)
    assert not stale, "regenerate: python -m spinepath.sim.validation (" + ", ".join(stale) + ")"


def test_the_report_draws_and_round_trips(calibration: ValidationReport) -> None:
    again = ValidationReport.from_json(calibration.to_json())
    assert again.render_markdown() == calibration.render_markdown()
    table = calibration.table
    assert list(table["target"]) == [t.id for t in TARGETS]
    assert set(table["verdict"]) <= {IN_RANGE, EXPLAINED}
    figure = calibration.figure()
    assert len(figure.axes[0].get_yticklabels()) == len(TARGETS)
