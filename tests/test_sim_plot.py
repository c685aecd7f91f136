"""Pictures: Sankey, Kaplan-Meier with numbers at risk, CE plane, CEAC and tornado."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from spinepath.sim import Results, ceac, simulate, simulate_arms

plot = pytest.importorskip("spinepath.sim.plot")
matplotlib = pytest.importorskip("matplotlib")
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402


@pytest.fixture(scope="module")
def run() -> Results:
    return simulate(2_000, seed=4)


def test_sankey_paths_account_for_every_patient(run: Results) -> None:
    paths = plot._paths(run)
    assert sum(paths.values()) == run.n
    assert all(path[0] == "entry" for path in paths)
    assert all(path[-1] in ("relieved", "discharged", "in care") for path in paths)
    reached = sum(count for path, count in paths.items() if "surgery" in path)
    assert reached == int(run.patients["reached_surgery"].sum())


def test_sankey_ribbons_take_the_colour_they_leave_and_labels_clear_them(run: Results) -> None:
    fig = Figure()
    ax = fig.add_subplot()
    assert plot.sankey_figure(run, ax=ax) is fig
    ribbons = {to_hex(p.get_facecolor()).upper() for p in ax.patches if isinstance(p, PathPatch)}
    outcomes = {plot.PHASE_COLOURS[k].upper() for k in ("relieved", "discharged", "in care")}
    assert not ribbons & outcomes  # no ribbon takes an outcome's colour (its destination)
    phases = {c.upper() for k, c in plot.PHASE_COLOURS.items() if k not in outcomes}
    assert ribbons <= phases | {"#D0D0D0"}
    # phase labels sit above the columns, where no ribbon runs (ribbons stay within 0..1)
    texts = {t.get_text().split("\n")[0]: t for t in ax.texts}
    for label in ("Failed CESI", "Re-evaluation", "Surgery"):
        assert texts[label].get_position()[1] > 1.0
    assert texts["Relieved"].get_position()[0] > 6  # outcomes beside the last column


def test_kaplan_meier_has_numbers_at_risk_censoring_and_clipped_axes() -> None:
    runs = simulate_arms(1_000, {"engine": "engine", "early": "early-surgical-referral"}, seed=2)
    fig = Figure()
    assert plot.kaplan_meier_figure(runs, fig=fig, events=("surgery",)) is fig
    curves, table = fig.axes
    assert curves.get_ylim()[0] == 0
    assert curves.get_xlim()[0] == 0
    km = runs["early"].kaplan_meier("surgery")
    at_6_months = int(km.loc[km["time"] >= 6 * 30.44, "at_risk"].iloc[0])
    numbers = [t.get_text() for t in table.texts]
    assert f"{at_6_months:,}" in numbers
    assert "1,000" in numbers  # everyone is at risk at entry
    assert "engine" in numbers
    assert "early" in numbers
    # a censoring mark at the horizon on each curve
    marks = [line for line in curves.lines if line.get_marker() == "|"]
    assert len(marks) == 2
    assert all(line.get_xdata()[-1] == pytest.approx(730 / 30.44) for line in marks)


def test_kaplan_meier_estimates_agree_with_lifelines(run: Results) -> None:
    lifelines = pytest.importorskip("lifelines")
    days = run.patients["surgery_day"].to_numpy()
    happened = ~np.isnan(days)
    time = np.where(happened, days, 730.0)
    fitter = lifelines.KaplanMeierFitter().fit(time, happened)
    ours = run.kaplan_meier("surgery").set_index("time")
    theirs = fitter.survival_function_["KM_estimate"]
    np.testing.assert_allclose(ours["survival"].to_numpy(), theirs.reindex(ours.index).to_numpy())
    band = fitter.confidence_interval_survival_function_
    np.testing.assert_allclose(
        ours["lower"].to_numpy()[1:],
        band.iloc[:, 0].reindex(ours.index).to_numpy()[1:],
        rtol=1e-6,
    )
    at_risk = fitter.event_table["at_risk"].reindex(ours.index)
    np.testing.assert_array_equal(ours["at_risk"].to_numpy()[1:], at_risk.to_numpy()[1:])


def _psa() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for draw in range(30):
        for name, cost, qalys in (("a", 1000, 1.0), ("b", 1500, 1.02)):
            rows.append(
                {
                    "draw": draw,
                    "strategy": name,
                    "mean_cost": cost + rng.normal(0, 50),
                    "mean_qalys": qalys + rng.normal(0, 0.01),
                }
            )
    return pd.DataFrame(rows)


def test_economic_figures_draw_on_the_given_axes() -> None:
    table = _psa()
    fig = Figure()
    left, middle, right = fig.subplots(1, 3)
    assert plot.ce_plane_figure(table, wtp=25_000, ax=left) is fig
    points = left.collections[0].get_offsets()
    assert len(points) == 29  # every draw but the base case
    assert plot.ceac_figure(ceac(table, [0, 25_000, 50_000]), ax=middle) is fig
    assert middle.get_ylim() == (0, 1)
    dsa = pd.DataFrame(
        {
            "parameter": ["p", "q"],
            "low": [0.1, 1.0],
            "high": [0.9, 2.0],
            "outcome_low": [-50.0, 5.0],
            "outcome_high": [80.0, -5.0],
            "outcome_base": [10.0, 10.0],
            "swing": [130.0, 10.0],
        }
    )
    assert plot.tornado_figure(dsa, ax=right) is fig
    bars = right.patches
    assert len(bars) == 4
    # the widest swing is drawn on top (the last y position)
    assert [t.get_text() for t in right.get_yticklabels()][-1].startswith("p ")


def test_pictures_are_small_pngs(run: Results, tmp_path: Path) -> None:
    other = simulate(2_000, seed=4, policy="early-surgical-referral")
    for name, figure in (
        ("sankey.png", plot.sankey_figure(run)),
        ("km.png", plot.kaplan_meier_figure({"engine": run, "early referral": other})),
        ("km-one.png", plot.kaplan_meier_figure(run, events=("surgery",))),
        ("ce.png", plot.ce_plane_figure(_psa(), wtp=25_000)),
        ("ceac.png", plot.ceac_figure(ceac(_psa(), np.linspace(0, 60_000, 13)))),
    ):
        path = tmp_path / name
        figure.savefig(path, dpi=110)
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert 10_000 < len(data) < 300_000
