"""Inputs as files: costs, utilities, cohorts and parameters, strict and path-naming."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from spinepath.errors import InvalidDocument, InvalidValue
from spinepath.model import Complication
from spinepath.rules.actions import ActionKind
from spinepath.sim import (
    DEFAULT_COHORT,
    DEFAULT_PARAMETERS,
    Cohort,
    Costs,
    Utilities,
    load_cohort,
    load_costs,
    load_parameters,
    load_utilities,
    save_inputs,
)
from spinepath.sim.files import to_toml


def _problems(error: pytest.ExceptionInfo[InvalidDocument]) -> list[str]:
    return list(error.value.problems)


def test_a_misspelt_cost_key_is_an_error_naming_it() -> None:
    with pytest.raises(InvalidValue, match=r"per_step\['acfd'\].*did you mean 'acdf'"):
        Costs({"acfd": 15_000})
    costs = Costs({"acdf": 15_000.0})
    assert costs.per_step == {ActionKind.ACDF: 15_000.0}
    with pytest.raises(InvalidValue, match="complication_default"):
        Costs({}, complication_default=-1.0)


def test_costs_file_round_trip(tmp_path: Path) -> None:
    costs = Costs(
        {ActionKind.ACDF: 15_000.0, ActionKind.RADIOFREQUENCY_ABLATION: 1_800.0},
        {Complication.EPIDURAL_HAEMATOMA: 12_000.0},
        complication_default=300.0,
        currency="GBP",
    )
    for suffix in (".toml", ".json"):
        path = save_inputs(costs, tmp_path / f"costs{suffix}")
        assert load_costs(path) == costs
    text = (tmp_path / "costs.toml").read_text()
    assert "[per_step]\nacdf = 15000.0\n" in text


def test_costs_file_lists_every_problem_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "costs.toml"
    path.write_text(
        'curency = "GBP"\ncomplication_default = -5\n'
        "[per_step]\nacfd = 15000\nrfa = 1800\ncesi = true\n"
        "[per_complication]\nhaematoma = 1\n"
    )
    with pytest.raises(InvalidDocument) as error:
        load_costs(path)
    assert _problems(error) == [
        "curency: unknown field (did you mean 'currency'?)",
        "complication_default: -5 is not a cost (a finite number >= 0)",
        "per_step.acfd: unknown key (did you mean 'acdf'?)",
        "per_step.rfa: unknown key",
        "per_step.cesi: expected a number, got true",
        "per_complication.haematoma: unknown key (did you mean 'epidural_haematoma'?)",
    ]
    path.write_text("not = [toml")
    with pytest.raises(InvalidDocument, match="not valid TOML"):
        load_costs(path)
    with pytest.raises(InvalidDocument, match="cannot read"):
        load_costs(tmp_path / "missing.toml")


def test_utilities_files(tmp_path: Path) -> None:
    linear = tmp_path / "u.json"
    linear.write_text(json.dumps({"at_zero": 0.85, "at_ten": 0.35}))
    assert load_utilities(linear) == Utilities.linear(0.85, 0.35)
    saved = save_inputs(Utilities.linear(0.9, 0.3), tmp_path / "u.toml")
    assert load_utilities(saved) == Utilities.linear(0.9, 0.3)
    linear.write_text(json.dumps({"by_pain": [0.9] * 10 + [2], "at_ten": 0.3, "extra": 1}))
    with pytest.raises(InvalidDocument) as error:
        load_utilities(linear)
    assert _problems(error) == [
        "extra: unknown field",
        "by_pain: give either by_pain or at_zero and at_ten, not both",
        "by_pain[10]: 2 is not a utility in [-1, 1]",
    ]


def test_cohort_files(tmp_path: Path) -> None:
    mine = Cohort(facet_share=0.3, warfarin=0.1, entry_date=dt.date(2026, 3, 2))
    for suffix in (".toml", ".json"):
        path = save_inputs(mine, tmp_path / f"cohort{suffix}")
        assert load_cohort(path) == mine
    path = tmp_path / "bad.toml"
    path.write_text(
        'facet_shar = 0.3\nentry_date = "yesterday"\nage_mean = "old"\nradicular_levels = [1]\n'
        "symptom_days_median = 1.5\n"
    )
    with pytest.raises(InvalidDocument) as error:
        load_cohort(path)
    assert _problems(error) == [
        "facet_shar: unknown field (did you mean 'facet_share'?)",
        "entry_date: expected a date (YYYY-MM-DD)",
        "age_mean: expected a number, got a string",
        "radicular_levels: expected a list of 3 numbers",
        "symptom_days_median: expected a whole number, got 1.5",
    ]
    path.write_text("warfarin = 1.5\n")
    with pytest.raises(InvalidDocument, match="warfarin"):
        load_cohort(path)
    path.write_text("warfarin = 0.7\naspirin = 0.5\n")
    with pytest.raises(InvalidDocument, match=r"antithrombotic shares .* sum to 1\.265"):
        load_cohort(path)
    assert load_cohort(tmp_path / "cohort.toml", base=DEFAULT_COHORT) == mine


def test_parameters_write_and_read_back(tmp_path: Path) -> None:
    mine = DEFAULT_PARAMETERS.derive(rfa_success=0.7)
    for suffix in (".toml", ".json"):
        path = save_inputs(mine, tmp_path / f"p{suffix}")
        assert load_parameters(path) == mine


def test_parameters_table_carries_source_and_grade() -> None:
    table = DEFAULT_PARAMETERS.table()
    assert list(table.columns) == ["parameter", "value", "unit", "source", "grade", "uncertainty"]
    assert len(table) == len(DEFAULT_PARAMETERS.estimates())
    row = table.set_index("parameter").loc["rfa_relief_median_days"]
    assert row["unit"] == "days"
    assert row["source"].startswith("fitted: ")  # to Lord 1996 and Cohen 2007 together
    assert "Lord et al., NEJM 1996" in row["source"]
    assert row["grade"] == "read"
    assert table["source"].str.len().gt(0).all()


def test_toml_writer_escapes_text() -> None:
    import tomllib

    data = {"title": 'a "quoted" \\ line', "n": 3, "t": {"x": [1.5, 2.0], "d": {"a": 1}}}
    assert tomllib.loads(to_toml(data)) == data
