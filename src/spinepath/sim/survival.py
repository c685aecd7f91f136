"""Kaplan-Meier estimates, written out in numpy (no survival-analysis dependency).

Times to a surgical consultation or to surgery are censored: a patient who has not had one by
the end of follow-up (the horizon) only tells us it happens later, if at all. The product-limit
estimator uses every patient for as long as they are followed; Greenwood's variance with the
log-log transform gives confidence bands that stay within [0, 1].
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["kaplan_meier", "median_time", "survival_at"]


def kaplan_meier(
    time: npt.ArrayLike, event: npt.ArrayLike, *, confidence: float = 0.95
) -> pd.DataFrame:
    """The product-limit estimate of the probability of no event by each time.

    ``time`` is the time of the event, or of censoring where ``event`` is false. Returns one row
    per distinct time (plus time 0) with ``at_risk``, ``events``, ``censored``, ``survival``,
    its ``lower``/``upper`` confidence bounds (Greenwood, log-log) and ``cumulative`` (1 -
    survival: the share who had the event by then).
    """
    t = np.asarray(time, dtype=np.float64)
    e = np.asarray(event, dtype=np.bool_)
    if t.shape != e.shape or t.ndim != 1:
        raise ValueError("time and event must be one-dimensional and of equal length")
    if t.size and (np.isnan(t).any() or (t < 0).any()):
        raise ValueError("times must be non-negative numbers")
    times, inverse = np.unique(t, return_inverse=True)
    events = np.bincount(inverse, weights=e, minlength=times.size)
    leaving = np.bincount(inverse, minlength=times.size).astype(np.float64)
    censored = leaving - events
    at_risk = t.size - np.concatenate([[0.0], np.cumsum(leaving)[:-1]])
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(at_risk > 0, 1.0 - events / at_risk, 1.0)
        survival = np.cumprod(factor)
        term = np.where(
            (at_risk > events) & (at_risk > 0), events / (at_risk * (at_risk - events)), 0.0
        )
        greenwood = np.cumsum(term)
        z = NormalDist().inv_cdf(0.5 + confidence / 2)
        log_s = np.log(survival)
        se = np.sqrt(greenwood) / np.abs(log_s)
        inner = np.log(-log_s)
        lower = np.exp(-np.exp(inner + z * se))
        upper = np.exp(-np.exp(inner - z * se))
    defined = (survival > 0) & (survival < 1)
    lower = np.where(defined, lower, survival)
    upper = np.where(defined, upper, survival)
    frame = pd.DataFrame(
        {
            "time": times,
            "at_risk": at_risk.astype(np.int64),
            "events": events.astype(np.int64),
            "censored": censored.astype(np.int64),
            "survival": survival,
            "lower": lower,
            "upper": upper,
        }
    )
    if not times.size or times[0] > 0:
        start = pd.DataFrame(
            {
                "time": [0.0],
                "at_risk": [t.size],
                "events": [0],
                "censored": [0],
                "survival": [1.0],
                "lower": [1.0],
                "upper": [1.0],
            }
        )
        frame = pd.concat([start, frame], ignore_index=True)
    frame["cumulative"] = 1.0 - frame["survival"]
    return frame


def survival_at(table: pd.DataFrame, time: float) -> float:
    """The estimated probability of no event by ``time`` (a step function, right-continuous)."""
    times = table["time"].to_numpy()
    i = int(np.searchsorted(times, time, side="right")) - 1
    return float(table["survival"].iloc[max(i, 0)])


def median_time(table: pd.DataFrame) -> float:
    """The first time the survival estimate falls to 0.5 or below (NaN if it never does)."""
    below = table.loc[table["survival"] <= 0.5, "time"]
    return float(below.iloc[0]) if len(below) else math.nan
