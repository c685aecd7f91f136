"""Results: per-patient and per-step tables, summaries, exports, records, costs and QALYs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from spinepath.errors import InvalidValue
from spinepath.model import Complication, Intervention, PatientRecord
from spinepath.rules.actions import ActionKind
from spinepath.sim import Costs, Results, Utilities, economics, simulate
from spinepath.sim.results import PROCEDURES


@pytest.fixture(scope="module")
def run() -> Results:
    return simulate(1_500, seed=77)


def test_one_row_per_patient_and_per_step(run: Results) -> None:
    patients, steps = run.patients, run.steps
    assert len(patients) == run.n
    assert list(patients["patient"]) == list(range(run.n))
    assert steps["patient"].is_monotonic_increasing
    assert (patients["steps"].to_numpy() == np.bincount(steps["patient"], minlength=run.n)).all()
    for column in (
        "reached_surgery",
        "consultation_day",
        "surgery_day",
        "procedures",
        "complications",
        "pain_at_horizon",
        "mean_pain",
        "status",
    ):
        assert column in patients
    assert set(patients["status"]) <= {"relieved", "discharged", "in care", "step limit"}
    assert (patients["surgery_day"].dropna() >= patients["consultation_day"].dropna().min()).all()


def test_tables_agree_with_the_records(run: Results) -> None:
    procedure_kinds = {k.value for k in PROCEDURES}
    for i in range(0, run.n, 150):
        record = run.record(i)
        assert isinstance(record, PatientRecord)
        row = run.patients.iloc[i]
        simulated = [e for e in record.events if e.date >= run.spec.cohort.entry_date]
        interventions = [e for e in simulated if isinstance(e, Intervention)]
        assert row["procedures"] == sum(e.kind in procedure_kinds for e in interventions)
        if row["reached_surgery"]:
            assert any(e.kind in ("acdf", "laminoforaminotomy") for e in interventions)
        assert len(run.rows(i)) == row["steps"]


def test_pain_starts_at_the_index_pain(run: Results) -> None:
    pain = run.pain_at([0, 365, run.horizon])
    assert (pain[:, 0] == run.patients["index_pain"].to_numpy()).all()
    assert (pain[:, 2] == run.patients["pain_at_horizon"].to_numpy()).all()
    assert ((pain >= 0) & (pain <= 10)).all()
    mean = run.patients["mean_pain"].to_numpy()
    assert ((mean >= 0) & (mean <= 10)).all()


def test_summary(run: Results) -> None:
    summary = run.summary()
    metrics = summary.metrics()
    assert 0 <= metrics["share_surgery"] <= metrics["share_surgical_consultation"] <= 1
    assert metrics["surgery_by_horizon"] == pytest.approx(metrics["share_surgery"])
    assert "procedures_per_patient" in metrics
    text = str(summary)
    assert "Reached (share, 95% CI)" in text
    assert "Kaplan-Meier" in text
    km = run.kaplan_meier("consultation")
    assert km["cumulative"].iloc[-1] == pytest.approx(metrics["share_surgical_consultation"])
    with pytest.raises(ValueError, match="surgery"):
        run.kaplan_meier("death")


@pytest.mark.parametrize("which", ["patients", "steps"])
def test_csv_and_parquet_read_back(run: Results, tmp_path: Path, which: str) -> None:
    table = run.table(which)
    csv = run.save(tmp_path / f"{which}.csv", which)
    parquet = run.save(tmp_path / f"{which}.parquet", which)
    from_parquet = pd.read_parquet(parquet)
    assert list(from_parquet.columns) == list(table.columns)
    assert len(from_parquet) == len(table)
    pd.testing.assert_frame_equal(
        from_parquet.reset_index(drop=True),
        table.reset_index(drop=True),
        check_dtype=False,
        check_categorical=False,
    )
    from_csv = pd.read_csv(csv)
    assert len(from_csv) == len(table)
    assert list(from_csv.columns) == list(table.columns)
    with pytest.raises(ValueError, match=r"csv or \.parquet"):
        run.save(tmp_path / "x.xlsx", which)


def test_costs_and_qalys(run: Results) -> None:
    costs = Costs(
        {
            ActionKind.RADIOFREQUENCY_ABLATION: 1_800.0,
            ActionKind.ACDF: 15_000.0,
            ActionKind.LAMINOFORAMINOTOMY: 11_000.0,
        },
        per_complication={Complication.DYSPHAGIA: 500.0},
        complication_default=100.0,
    )
    utilities = Utilities.linear(0.85, 0.35)
    money = economics(run, costs=costs, utilities=utilities, discount_rate=0.035)
    flat = economics(run, costs=costs, utilities=utilities, discount_rate=0.0)
    assert (money["cost"] <= money["cost_undiscounted"] + 1e-9).all()
    assert (money["qalys"] <= money["qalys_undiscounted"] + 1e-9).all()
    assert np.allclose(flat["cost"], flat["cost_undiscounted"])
    assert np.allclose(flat["qalys"], flat["qalys_undiscounted"])
    years = run.horizon / 365.25
    assert (money["qalys_undiscounted"] <= 0.85 * years + 1e-9).all()
    assert (money["qalys_undiscounted"] >= 0.35 * years - 1e-9).all()
    # QALYs follow mean pain: utility is linear in pain here
    expected = (0.85 - 0.05 * run.patients["mean_pain"].to_numpy()) * years
    assert np.allclose(flat["qalys"], expected, atol=1e-6)
    no_operation = (
        ~run.patients["reached_surgery"]
        & (run.patients["rfa"] == 0)
        & (run.patients["complications"] == 0)
    )
    assert (money.loc[no_operation, "cost"] == 0).all()


def test_bad_prices_and_utilities_are_refused() -> None:
    with pytest.raises(InvalidValue):
        Costs({ActionKind.ACDF: -1.0})
    with pytest.raises(InvalidValue):
        Utilities((1.0,) * 10)
    with pytest.raises(InvalidValue):
        Utilities((2.0,) * 11)
    with pytest.raises(InvalidValue):
        economics(simulate(5, seed=1), discount_rate=1.5)


def test_an_empty_run() -> None:
    run = simulate(0, seed=1)
    assert len(run.patients) == 0
    assert len(run.steps) == 0
