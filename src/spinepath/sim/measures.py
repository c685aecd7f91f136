"""Measuring a run against published figures: the steps as a clinic's audit would read them,
and the estimators (with 95% intervals) that calibration targets use.

:class:`Observations` reads a run's public tables (``results.steps``, ``results.patients``,
the decisions steps took, and each patient as generated on entry) into one step table with
what an audit needs beside each step: the target the step reached (segments, side, nerve), the
patient's presentation, the root that truly generated their pain (which only a simulation
knows) and the lesion imaging showed. The estimators turn a selection of it into a
:class:`Measurement`: a share with its Wilson interval, a Kaplan-Meier median with its log-log
band, a mean, a rate per person-year (Byar's approximation to the exact Poisson interval), a
risk ratio (Katz's log interval), or a plain count.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from spinepath.model import CervicalEpiduralSteroidInjection, DiscHerniation
from spinepath.sim.cohort import PatientView
from spinepath.sim.survival import kaplan_meier

if TYPE_CHECKING:
    from spinepath.sim.results import Results

__all__ = [
    "Measurement",
    "Observations",
    "count",
    "km_median",
    "mean",
    "rate",
    "risk_ratio",
    "rolling_max",
    "share",
]

Z95 = NormalDist().inv_cdf(0.975)
F64 = npt.NDArray[np.float64]


@attrs.frozen
class Measurement:
    """A simulated estimate with its 95% interval.

    ``n`` is the size of the denominator (procedures, patients, person-years), ``events`` the
    count behind a share or a rate, ``method`` how the interval was found. ``value`` is NaN
    when the estimate cannot be made (an empty denominator, a median not reached).
    """

    value: float
    lower: float
    upper: float
    n: float
    method: str
    events: int | None = None

    @property
    def estimable(self) -> bool:
        return math.isfinite(self.value)


def share(hits: npt.ArrayLike) -> Measurement:
    """The share of true values, with its Wilson score interval."""
    x = np.asarray(hits, dtype=np.bool_)
    n, k = int(x.size), int(x.sum())
    if n == 0:
        return Measurement(math.nan, math.nan, math.nan, 0, "Wilson", 0)
    p = k / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    lower = 0.0 if k == 0 else centre - half
    upper = 1.0 if k == n else centre + half
    return Measurement(p, lower, upper, n, "Wilson", k)


def km_median(time: npt.ArrayLike, ended: npt.ArrayLike) -> Measurement:
    """The Kaplan-Meier median of ``time`` (censored where not ``ended``), with the times at
    which the log-log band's bounds cross one half (as lifelines reads a median's interval)."""
    t = np.asarray(time, dtype=np.float64)
    e = np.asarray(ended, dtype=np.bool_)
    method = "Kaplan-Meier, log-log band"
    if t.size == 0:
        return Measurement(math.nan, math.nan, math.nan, 0, method, 0)
    km = kaplan_meier(t, e)

    def first(column: str) -> float:
        below = km.loc[km[column] <= 0.5, "time"]
        return float(below.iloc[0]) if len(below) else math.nan

    return Measurement(
        first("survival"), first("lower"), first("upper"), t.size, method, int(e.sum())
    )


def mean(values: npt.ArrayLike) -> Measurement:
    """The mean with a normal 95% interval."""
    x = np.asarray(values, dtype=np.float64)
    if x.size == 0:
        return Measurement(math.nan, math.nan, math.nan, 0, "normal")
    m = float(x.mean())
    se = float(x.std(ddof=1)) / math.sqrt(x.size) if x.size > 1 else math.nan
    return Measurement(m, m - Z95 * se, m + Z95 * se, x.size, "normal")


def rate(events: int, person_years: float) -> Measurement:
    """Events per person-year with Byar's approximation to the exact Poisson interval."""
    method = "Poisson (Byar)"
    if person_years <= 0:
        return Measurement(math.nan, math.nan, math.nan, 0.0, method, events)
    k = events
    low = 0.0 if k == 0 else k * (1 - 1 / (9 * k) - Z95 / (3 * math.sqrt(k))) ** 3
    k1 = k + 1
    high = k1 * (1 - 1 / (9 * k1) + Z95 / (3 * math.sqrt(k1))) ** 3
    return Measurement(
        k / person_years, low / person_years, high / person_years, person_years, method, k
    )


def risk_ratio(numerator: npt.ArrayLike, denominator: npt.ArrayLike) -> Measurement:
    """The ratio of the share true in ``numerator`` to that in ``denominator``, with Katz's log
    interval (half a patient added to every cell when one is empty); ``n`` is the size of both
    groups together."""
    a = np.asarray(numerator, dtype=np.bool_)
    b = np.asarray(denominator, dtype=np.bool_)
    method = "risk ratio, Katz log interval"
    n = int(a.size + b.size)
    ka, kb = int(a.sum()), int(b.sum())
    if a.size == 0 or b.size == 0:
        return Measurement(math.nan, math.nan, math.nan, n, method, ka + kb)
    na, nb, xa, xb = float(a.size), float(b.size), float(ka), float(kb)
    if 0 in (ka, kb, a.size - ka, b.size - kb):
        na, nb, xa, xb = na + 1, nb + 1, xa + 0.5, xb + 0.5
        method += " (0.5 added to each cell)"
    ratio = (xa / na) / (xb / nb)
    se = math.sqrt(1 / xa - 1 / na + 1 / xb - 1 / nb)
    return Measurement(
        ratio, ratio * math.exp(-Z95 * se), ratio * math.exp(Z95 * se), n, method, ka + kb
    )


def count(offending: npt.ArrayLike, among: int) -> Measurement:
    """How many of ``among`` offend (a trajectory check: exact, no interval)."""
    k = int(np.asarray(offending, dtype=np.bool_).sum())
    return Measurement(float(k), float(k), float(k), among, "exact count", k)


class Observations:
    """A run's steps as an audit reads them (``steps``), one row per simulated step.

    Besides the columns of ``results.steps``: ``presentation`` (the patient's), ``lesion``
    (``herniation`` or ``stenosis`` for radicular pain, else empty), ``true_nerve`` (the root
    truly generating radicular pain, e.g. ``left C6``), ``nerve`` (the root the step reached:
    an SNRB's or a transforaminal injection's), ``segments`` and ``side`` of its target,
    ``series`` (a medial branch block's place in its series), ``urgent`` (an urgent
    consultation), ``nth`` (1 for the patient's first step of that kind) and
    ``first_nerve_cesi`` (no earlier epidural injection, the failed one on entry included,
    reached this step's root).
    """

    def __init__(self, steps: pd.DataFrame, patients: pd.DataFrame, horizon: int) -> None:
        self.steps = steps
        self.patients = patients
        self.horizon = horizon
        self.n = len(patients)

    @classmethod
    def of(cls, results: Results) -> Observations:
        """A run's observations (the patients as generated are read for radicular patients)."""
        return cls(cls._steps(results), results.patients, results.horizon)

    def kind(self, kind: str) -> pd.DataFrame:
        """The steps of one kind (an :class:`~spinepath.rules.actions.ActionKind` value)."""
        return self.steps[self.steps["kind"] == kind]

    @staticmethod
    def _steps(results: Results) -> pd.DataFrame:
        steps = results.steps.copy()
        decisions = list(results.decisions)
        actions = [d.action for d in decisions]

        def per_decision(values: list[Any]) -> npt.NDArray[Any]:
            table = np.array([*values, None], dtype=object)
            return table[results.raw["decision"]] if len(steps) else table[:0]

        steps["nerve"] = per_decision([_text(a.nerve) for a in actions])
        steps["segments"] = per_decision(
            [" ".join(str(s) for s in a.segments) or None for a in actions]
        )
        steps["side"] = per_decision([_text(a.side) for a in actions])
        steps["series"] = per_decision([a.series_position for a in actions])
        steps["urgent"] = per_decision(
            [a.urgency is not None and a.urgency.value == "urgent" for a in actions]
        ).astype(np.bool_)
        steps["nth"] = steps.groupby(["patient", "kind"], sort=False).cumcount() + 1
        who = _patients(results)
        for column in ("presentation", "lesion", "true_nerve", "entry_nerve"):
            steps[column] = who[column].to_numpy()[steps["patient"].to_numpy()]
        steps["first_nerve_cesi"] = _first_nerve_cesi(steps)
        return steps.drop(columns="entry_nerve")


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _patients(results: Results) -> pd.DataFrame:
    """Per patient: presentation, lesion, the root generating the pain, the root the failed
    CESI on entry reached (each from the patient as generated: the public model values)."""
    cohort = results.cohort
    entry = results.spec.cohort.entry_date
    presentation = results.patients["presentation"].astype(str).to_numpy()
    lesion = np.full(results.n, None, dtype=object)
    true = np.full(results.n, None, dtype=object)
    entry_nerve = np.full(results.n, None, dtype=object)
    columns = cohort.columns()
    for i in np.flatnonzero(np.isin(presentation, ("radicular_single", "radicular_multi"))):
        view = PatientView(cohort, int(i), entry, columns)
        true[i] = _text(view.true_nerve())
        herniated = any(isinstance(f, DiscHerniation) for f in view.findings())
        lesion[i] = "herniation" if herniated else "stenosis"
        for event in view.entry_events():
            if isinstance(event, CervicalEpiduralSteroidInjection):
                entry_nerve[i] = _text(event.nerve)
    return pd.DataFrame(
        {
            "presentation": presentation,
            "lesion": lesion,
            "true_nerve": true,
            "entry_nerve": entry_nerve,
        }
    )


def _first_nerve_cesi(steps: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Whether each step is a CESI reaching a root no earlier CESI (entry's included) did."""
    out = np.zeros(len(steps), dtype=np.bool_)
    cesi = steps[(steps["kind"] == "cesi") & steps["nerve"].notna()]
    seen_before = cesi.duplicated(["patient", "nerve"], keep="first").to_numpy()
    at_entry = (cesi["nerve"] == cesi["entry_nerve"]).to_numpy()
    out[steps.index.get_indexer(cesi.index)] = ~seen_before & ~at_entry
    return out


def rolling_max(patient: npt.ArrayLike, day: npt.ArrayLike, n: int, window: int) -> F64:
    """Per patient ``0..n-1``: the most of their events within any ``window`` days."""
    p = np.asarray(patient, dtype=np.int64)
    d = np.asarray(day, dtype=np.int64)
    order = np.lexsort((d, p))
    p, d = p[order], d[order]
    out = np.zeros(n)
    start = 0
    for i in range(p.size):
        while p[start] != p[i] or d[i] - d[start] >= window:
            start += 1
        out[p[i]] = max(out[p[i]], i - start + 1)
    return out
