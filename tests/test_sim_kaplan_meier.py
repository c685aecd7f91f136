"""Kaplan-Meier estimates written in numpy: textbook values and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinepath.sim import kaplan_meier, median_time, survival_at

# Freireich et al. 1963, 6-MP arm (remission times in weeks; 0 = censored), as in every
# survival-analysis textbook; product-limit values and log-log bands as R's survfit gives them.
TIMES = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
EVENTS = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]


def test_textbook_example() -> None:
    km = kaplan_meier(TIMES, EVENTS)
    at = {row.time: row for row in km.itertuples()}
    assert at[6.0].survival == pytest.approx(0.857143, abs=1e-6)
    assert at[7.0].survival == pytest.approx(0.806723, abs=1e-6)
    assert at[10.0].survival == pytest.approx(0.752941, abs=1e-6)
    assert at[13.0].survival == pytest.approx(0.690196, abs=1e-6)
    assert at[16.0].survival == pytest.approx(0.627451, abs=1e-6)
    assert at[22.0].survival == pytest.approx(0.537815, abs=1e-6)
    assert at[23.0].survival == pytest.approx(0.448179, abs=1e-6)
    assert (at[6.0].lower, at[6.0].upper) == pytest.approx((0.619718, 0.951552), abs=1e-5)
    assert at[6.0].at_risk == 21
    assert at[6.0].events == 3
    assert at[6.0].censored == 1
    assert median_time(km) == 23.0
    assert survival_at(km, 12.0) == pytest.approx(0.752941, abs=1e-6)
    assert survival_at(km, 0.0) == 1.0


def test_without_censoring_it_is_one_minus_the_empirical_distribution() -> None:
    times = np.array([3, 1, 4, 1, 5, 9, 2, 6])
    km = kaplan_meier(times, np.ones(times.size, dtype=bool))
    for t in range(11):
        assert survival_at(km, t) == pytest.approx(float((times > t).mean()))


def test_everyone_censored_means_no_events() -> None:
    km = kaplan_meier([5, 10, 10], [False, False, False])
    assert (km["survival"] == 1.0).all()
    assert np.isnan(median_time(km))


@settings(max_examples=60)
@given(
    st.lists(st.tuples(st.integers(0, 100), st.booleans()), min_size=1, max_size=60),
)
def test_estimates_are_monotone_and_banded(data: list[tuple[int, bool]]) -> None:
    times = [t for t, _ in data]
    events = [e for _, e in data]
    km = kaplan_meier(times, events)
    s = km["survival"].to_numpy()
    assert np.all(np.diff(s) <= 1e-12)
    assert np.all((s >= 0) & (s <= 1))
    assert np.all(km["lower"].to_numpy() <= s + 1e-12)
    assert np.all(km["upper"].to_numpy() >= s - 1e-12)
    assert km["events"].sum() == sum(events)
    assert km["events"].sum() + km["censored"].sum() == len(data)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="equal length"):
        kaplan_meier([1, 2], [True])
    with pytest.raises(ValueError, match="non-negative"):
        kaplan_meier([-1], [True])
