"""Comparisons of arms: confidence intervals, paired differences with common random numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from spinepath.errors import InvalidValue
from spinepath.rules.actions import ActionKind
from spinepath.sim import Costs, Results, Utilities, compare, shares_patients, simulate_arms


@pytest.fixture(scope="module")
def arms() -> dict[str, Results]:
    return simulate_arms(800, ["engine", "early-surgical-referral"], seed=11)


def _row(table: object, outcome: str, arm: str) -> dict[str, object]:
    import pandas as pd

    assert isinstance(table, pd.DataFrame)
    rows = table[(table["outcome"] == outcome) & (table["arm"] == arm)].to_dict("records")
    assert len(rows) == 1
    return {str(k): v for k, v in rows[0].items()}


def test_arms_share_patients(arms: dict[str, Results]) -> None:
    engine, early = arms.values()
    assert shares_patients(engine, early)
    assert engine.patients["index_pain"].equals(early.patients["index_pain"])
    assert not shares_patients(engine, simulate_arms(800, ["engine"], seed=12)["engine"])


def test_estimates_and_paired_differences_are_those_of_the_patients(
    arms: dict[str, Results],
) -> None:
    result = compare(arms)
    table = result.table
    assert result.reference == "engine"
    engine, early = (r.patients for r in arms.values())
    row = _row(table, "operated", "early-surgical-referral")
    share = float(early["reached_surgery"].mean())
    assert row["estimate"] == pytest.approx(share)
    assert row["paired"] is True
    diff = early["reached_surgery"].to_numpy(float) - engine["reached_surgery"].to_numpy(float)
    assert row["difference"] == pytest.approx(diff.mean())
    half = 1.959964 * diff.std(ddof=1) / math.sqrt(diff.size)
    assert row["diff_upper"] == pytest.approx(diff.mean() + half, rel=1e-5)
    # restricted mean surgery-free days: min(day of surgery, horizon), averaged
    days = np.fmin(early["surgery_day"].to_numpy(), 730.0)
    rmst = _row(table, "surgery_free_days", "early-surgical-referral")
    assert rmst["estimate"] == pytest.approx(days.mean())
    ref = _row(table, "operated", "engine")
    assert math.isnan(float(str(ref["difference"])))
    assert ref["paired"] is None


def test_median_time_to_surgery_from_kaplan_meier(arms: dict[str, Results]) -> None:
    early = arms["early-surgical-referral"]
    km = early.kaplan_meier("surgery")
    row = _row(compare(arms).table, "surgery_days_q25", "early-surgical-referral")
    first = float(km.loc[km["survival"] <= 0.75, "time"].iloc[0])
    assert row["estimate"] == first
    assert float(str(row["lower"])) <= first <= float(str(row["upper"]))
    # the engine arm never reaches a quarter operated: not reached, and no difference
    engine_row = _row(compare(arms).table, "surgery_days_q75", "engine")
    assert math.isnan(float(str(engine_row["estimate"])))


def test_costs_qalys_and_the_wide_table(arms: dict[str, Results]) -> None:
    result = compare(
        arms,
        reference="early-surgical-referral",
        costs=Costs({ActionKind.ACDF: 15_000.0}),
        utilities=Utilities.linear(0.85, 0.35),
    )
    outcomes = set(result.table["outcome"])
    assert {"cost", "qalys", "pain_day_365", "complication"} <= outcomes
    row = _row(result.table, "cost", "engine")
    assert float(str(row["difference"])) < 0  # the engine operates less: it costs less
    wide = result.wide()
    assert list(wide.columns) == [
        "engine",
        "early-surgical-referral",
        "engine - early-surgical-referral",
    ]
    assert str(wide.loc["surgery", "engine"]).endswith("%)")
    assert "surgery" in str(result)


def test_unpaired_arms_and_bad_arguments(arms: dict[str, Results]) -> None:
    other = simulate_arms(500, ["engine"], seed=3)["engine"]
    result = compare({"a": arms["engine"], "b": other})
    row = _row(result.table, "procedures", "b")
    assert row["paired"] is False
    assert "independent" in str(row["method"])
    with pytest.raises(InvalidValue):
        compare({})
    with pytest.raises(InvalidValue):
        compare(arms, reference="nobody")
    with pytest.raises(InvalidValue):
        compare(arms, bootstrap=1)
