"""Probabilistic sensitivity analysis: draws of the uncertain parameters, one run each."""

from __future__ import annotations

import pytest

from spinepath.errors import InvalidValue
from spinepath.rules.actions import ActionKind
from spinepath.sim import DEFAULT_PARAMETERS, Costs, Utilities, draw_parameters, psa


def test_psa_rows_are_draws_with_the_base_case_first() -> None:
    table = psa(4, 400, seed=3)
    assert list(table["draw"]) == [0, 1, 2, 3]
    for name in DEFAULT_PARAMETERS.uncertain():
        column = table[f"p_{name}"]
        assert column.iloc[0] == DEFAULT_PARAMETERS[name]
        assert column.nunique() > 1, name
    assert table["share_surgery"].between(0, 1).all()
    again = psa(4, 400, seed=3)
    assert again.equals(table)


def test_draws_are_reproducible_and_distinct() -> None:
    assert draw_parameters(DEFAULT_PARAMETERS, 1, 0) == DEFAULT_PARAMETERS
    a = draw_parameters(DEFAULT_PARAMETERS, 1, 5)
    assert a == draw_parameters(DEFAULT_PARAMETERS, 1, 5)
    assert a != draw_parameters(DEFAULT_PARAMETERS, 1, 6)
    assert a != draw_parameters(DEFAULT_PARAMETERS, 2, 5)


def test_psa_with_costs_and_utilities() -> None:
    seen: list[int] = []
    table = psa(
        2,
        300,
        seed=1,
        costs=Costs({ActionKind.ACDF: 15_000.0}),
        utilities=Utilities.linear(0.85, 0.35),
        progress=lambda done, total: seen.append(done),
    )
    assert {"mean_cost", "mean_qalys"} <= set(table.columns)
    assert seen == [1, 2]


def test_at_least_one_draw() -> None:
    with pytest.raises(InvalidValue):
        psa(0, 10)
