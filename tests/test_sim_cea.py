"""Cost-effectiveness: ICERs and dominance as dampack computes them, NMB, CEAC, EVPI, DSA."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from spinepath.errors import InvalidValue
from spinepath.rules.actions import ActionKind
from spinepath.sim import (
    Costs,
    Results,
    Utilities,
    cea,
    ceac,
    dsa,
    evpi,
    icers,
    parameter_range,
    psa,
    simulate_arms,
)
from spinepath.sim.parameters import DEFAULT_PARAMETERS


def test_dampack_herc_example_strong_and_extended_dominance() -> None:
    """dampack's own test of ``calculate_icers`` (tests/testthat/test_calculate_icers.R, the
    example of the VA Health Economics Resource Center's cost-effectiveness page): A is
    strongly dominated by B, C extendedly dominated between B and D."""
    table = icers(
        cost=[55000, 35000, 25000, 10000, 12000, 5000],
        effect=[5, 4, 3, 2, 1.5, 1],
        strategies=["E", "D", "C", "B", "A", "UC"],
    )
    assert table["strategy"].tolist() == ["UC", "B", "D", "E", "C", "A"]
    assert table["status"].tolist() == ["ND", "ND", "ND", "ND", "ED", "D"]
    assert table["cost"].tolist() == [5000, 10000, 35000, 55000, 25000, 12000]
    assert table["effect"].tolist() == [1, 2, 4, 5, 3, 1.5]
    expected = pd.DataFrame(
        {
            "inc_cost": [math.nan, 5000, 25000, 20000, math.nan, math.nan],
            "inc_effect": [math.nan, 1, 2, 1, math.nan, math.nan],
            "icer": [math.nan, 5000, 12500, 20000, math.nan, math.nan],
        }
    )
    pd.testing.assert_frame_equal(table[["inc_cost", "inc_effect", "icer"]], expected)


def test_dampack_vignette_hiv_screening() -> None:
    """dampack's "Basic Cost Effectiveness Analysis" vignette, example 1: HIV screening
    (Paltiel et al., Ann Intern Med 2006;145:797, Table 4, high-risk population); annual
    screening is strongly dominated, the rest form the frontier."""
    qalys = [q / 12 for q in (277.25, 277.57, 277.78, 277.83, 277.76)]
    table = icers(
        [26000, 27000, 28020, 28440, 29440],
        qalys,
        ["status quo", "one time", "5yr", "3yr", "annual"],
    )
    assert table["strategy"].tolist() == ["status quo", "one time", "5yr", "3yr", "annual"]
    assert table["status"].tolist() == ["ND", "ND", "ND", "ND", "D"]
    assert table["icer"].iloc[1:4].round(0).tolist() == [37500.0, 58286.0, 100800.0]


def test_dampack_equal_effect_cheaper_strategy_dominates() -> None:
    """dampack's "default reference strategy" case: equal QALYs, the cheaper one wins."""
    table = icers(
        [163771.0, 164848.7, 163765.1],
        [6.48273, 6.52861, 6.52861],
        ["No Treat", "Treat all", "Test & treat"],
    )
    assert table["strategy"].iloc[0] == "Test & treat"
    status = dict(zip(table["strategy"], table["status"], strict=True))
    assert status == {"Test & treat": "ND", "No Treat": "D", "Treat all": "D"}


def test_one_strategy_and_bad_input() -> None:
    table = icers([1.0], [2.0], ["s"])
    assert table["status"].tolist() == ["ND"]
    assert math.isnan(table["icer"].iloc[0])
    with pytest.raises(InvalidValue):
        icers([1.0, 2.0], [1.0], ["a", "b"])
    with pytest.raises(InvalidValue):
        icers([1.0, 2.0], [1.0, 2.0], ["a", "a"])


COSTS = Costs(
    {
        ActionKind.SURGICAL_CONSULTATION: 250.0,
        ActionKind.MEDIAL_BRANCH_BLOCK: 700.0,
        ActionKind.RADIOFREQUENCY_ABLATION: 1_800.0,
        ActionKind.ACDF: 15_000.0,
        ActionKind.LAMINOFORAMINOTOMY: 11_000.0,
    },
    complication_default=300.0,
)
UTILITIES = Utilities.linear(at_zero=0.85, at_ten=0.35)


@pytest.fixture(scope="module")
def arms() -> dict[str, Results]:
    return simulate_arms(
        600, {"engine": "engine", "early": "early-surgical-referral", "no RFA": "no-rfa"}, seed=5
    )


def test_cea_increments_are_paired_and_match_the_frontier(arms: dict[str, Results]) -> None:
    result = cea(arms, costs=COSTS, utilities=UTILITIES, wtp=20_000)
    table = result.strategies.set_index("strategy")
    assert list(table.index) == ["engine", "early", "no RFA"]
    assert table.loc["early", "paired"]
    # the increment is the difference of the means, and NMB is wtp x QALYs - cost
    cost = table["cost"]
    inc = cost["early"] - cost["engine"]
    assert table.loc["early", "inc_cost"] == pytest.approx(inc)
    nmb = 20_000 * table["qalys"] - table["cost"]
    np.testing.assert_allclose(table["nmb"], nmb)
    assert result.best == nmb.idxmax()
    frontier = icers(table["cost"].tolist(), table["qalys"].tolist(), list(table.index))
    pd.testing.assert_frame_equal(result.icers, frontier)
    for column in ("cost", "qalys", "inc_cost", "inc_qalys"):
        row = table.loc["early"]
        assert row[f"{column}_lower"] < row[column] < row[f"{column}_upper"]
    text = str(result)
    assert "Frontier:" in text
    assert f"Best at this willingness to pay: {result.best}" in text


def test_paired_intervals_are_narrower_than_independent_ones(arms: dict[str, Results]) -> None:
    paired = cea(arms, costs=COSTS, utilities=UTILITIES, wtp=20_000).strategies
    other = simulate_arms(600, {"early": "early-surgical-referral"}, seed=6)
    independent = cea(
        {"engine": arms["engine"], "early": other["early"]},
        costs=COSTS,
        utilities=UTILITIES,
        wtp=20_000,
    ).strategies
    assert not independent["paired"].iloc[1]
    width = paired["inc_qalys_upper"] - paired["inc_qalys_lower"]
    width_ind = independent["inc_qalys_upper"] - independent["inc_qalys_lower"]
    assert width.iloc[1] < width_ind.iloc[1]


def _toy_psa() -> pd.DataFrame:
    # three draws beyond the base case; B costs 100 more and gains 0.01, 0.02 or -0.01 QALYs
    rows = []
    for draw, gain in ((0, 0.01), (1, 0.01), (2, 0.02), (3, -0.01)):
        rows.append({"draw": draw, "strategy": "A", "mean_cost": 1000.0, "mean_qalys": 1.0})
        rows.append({"draw": draw, "strategy": "B", "mean_cost": 1100.0, "mean_qalys": 1.0 + gain})
    return pd.DataFrame(rows)


def test_ceac_and_evpi_by_hand() -> None:
    table = _toy_psa()
    curve = ceac(table, [0, 10_000, 20_000])
    b = curve[curve["strategy"] == "B"].set_index("wtp")
    # B has the higher NMB where wtp x gain > 100: never at 0, in draw 2 at 10,000 (0.02 x
    # 10,000 = 200; draw 1 ties at 100 and argmax keeps A), in draws 1 and 2 at 20,000
    assert b["probability"].tolist() == pytest.approx([0.0, 1 / 3, 2 / 3])
    assert curve.groupby("wtp")["probability"].sum().tolist() == pytest.approx([1, 1, 1])
    assert curve.groupby("wtp")["frontier"].sum().tolist() == [1, 1, 1]
    # EVPI at 20,000: per-draw best NMB minus best mean NMB (dampack's calc_evpi)
    nmb_a = 20_000 * 1.0 - 1000
    nmb_b = [20_000 * (1 + g) - 1100 for g in (0.01, 0.02, -0.01)]
    expected = np.mean([max(nmb_a, x) for x in nmb_b]) - max(nmb_a, float(np.mean(nmb_b)))
    value = evpi(table, [0, 20_000])
    assert value["evpi"].tolist() == pytest.approx([0.0, expected])
    with pytest.raises(InvalidValue):
        ceac(table.drop(columns="mean_qalys"), 1.0)
    with pytest.raises(InvalidValue):
        evpi(table, -1.0)


def test_psa_over_strategies_shares_draws() -> None:
    table = psa(
        3,
        200,
        seed=2,
        policies={"engine": "engine", "early": "early-surgical-referral"},
        costs=COSTS,
        utilities=UTILITIES,
    )
    assert table[["draw", "strategy"]].values.tolist() == [
        [0, "engine"],
        [0, "early"],
        [1, "engine"],
        [1, "early"],
        [2, "engine"],
        [2, "early"],
    ]
    p = table.pivot(index="draw", columns="strategy", values="p_rfa_success")
    assert (p["engine"] == p["early"]).all()
    curve = ceac(table, [0.0, 50_000.0])
    assert set(curve["strategy"]) == {"engine", "early"}


def test_parameter_range_is_the_central_95_percent() -> None:
    low, high = parameter_range(DEFAULT_PARAMETERS, "rfa_success")
    value = DEFAULT_PARAMETERS["rfa_success"]
    assert 0 <= low < value < high <= 1
    assert parameter_range(DEFAULT_PARAMETERS, "rfa_success") == (low, high)
    certain = next(n for n, e in DEFAULT_PARAMETERS.estimates().items() if e.uncertainty is None)
    with pytest.raises(InvalidValue):
        parameter_range(DEFAULT_PARAMETERS, certain)


def test_dsa_swings_sorted_and_base_in_common() -> None:
    table = dsa(
        200,
        {"engine": "engine", "early": "early-surgical-referral"},
        ranges={"surgery_success": (0.6, 0.95), "rfa_success": (0.4, 0.8)},
        costs=COSTS,
        utilities=UTILITIES,
        wtp=20_000,
        seed=1,
    )
    assert set(table["parameter"]) == {"surgery_success", "rfa_success"}
    assert table["swing"].is_monotonic_decreasing
    assert table["outcome_base"].nunique() == 1
    row = table.set_index("parameter").loc["surgery_success"]
    # early referral operates more: better surgery favours it
    assert row["outcome_high"] > row["outcome_low"]
    with pytest.raises(InvalidValue):
        dsa(10, {"a": "engine"})
