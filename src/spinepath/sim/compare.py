"""Comparing strategies: one tidy table of outcomes per arm with 95% confidence intervals, and
paired differences from a reference arm.

Runs that share their patients (the same ``n``, ``seed`` and cohort) meet the same people with
the same luck under every policy (common random numbers: patient ``i`` draws from its own
stream whatever the policy), so a difference between arms is estimated from each patient's own
difference, whose spread is much smaller than that of two independent samples. Runs that do not
share patients are compared as independent samples, and the table says which it did.

Intervals: Wilson for shares in one arm; normal (mean +- z x standard error) for means and for
differences; the log-log Kaplan-Meier band for quantiles of a time to an event in one arm
(as ``lifelines.utils.median_survival_times`` reads it off the band), and a paired bootstrap
over patients for differences of quantiles.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from statistics import NormalDist
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from spinepath.errors import InvalidValue
from spinepath.sim.economics import Costs, Utilities, economics
from spinepath.sim.results import Results
from spinepath.sim.survival import kaplan_meier

__all__ = ["Comparison", "compare", "shares_patients", "simulate_arms"]

F64 = npt.NDArray[np.float64]


def shares_patients(a: Results, b: Results) -> bool:
    """Whether two runs simulated the same patients (same n, seed, cohort and deficit rate),
    so that their per-patient outcomes can be paired."""
    return (
        a.n == b.n
        and a.seed == b.seed
        and a.spec.cohort == b.spec.cohort
        and a.spec.parameters.deficit_per_year.value == b.spec.parameters.deficit_per_year.value
    )


def simulate_arms(
    n: int,
    policies: Mapping[str, Any] | Sequence[str],
    *,
    seed: int = 0,
    **options: Any,
) -> dict[str, Results]:
    """Simulate the same ``n`` patients (one ``seed``) under each policy: one run per arm.

    ``policies`` maps arm names to policies (names, :class:`~spinepath.sim.Policy` values or
    functions), or lists policy names. Every other keyword goes to
    :func:`~spinepath.sim.simulate` unchanged, so the arms differ only by their policy.
    """
    from spinepath.sim.runner import simulate

    named = dict(policies) if isinstance(policies, Mapping) else {p: p for p in policies}
    if len(named) < 1:
        raise InvalidValue("policies", "expected at least one policy")
    return {name: simulate(n, seed=seed, policy=p, **options) for name, p in named.items()}


@attrs.frozen
class _Outcome:
    name: str
    label: str
    kind: str  # "share", "mean" or "quantile"
    values: Callable[[Results], F64]
    quantile: float = 0.5


def _column(name: str) -> Callable[[Results], F64]:
    def read(results: Results) -> F64:
        out: F64 = results.patients[name].to_numpy(dtype=np.float64)
        return out

    return read


def _restricted(event: str) -> Callable[[Results], F64]:
    """Days free of the event, up to the horizon (its mean is the restricted mean time)."""

    def read(results: Results) -> F64:
        days = results.patients[f"{event}_day"].to_numpy(dtype=np.float64)
        out: F64 = np.where(np.isnan(days), float(results.horizon), days)
        return np.minimum(out, float(results.horizon))

    return read


def _time_to(event: str) -> Callable[[Results], F64]:
    """Days to the event, infinity when it did not happen within the horizon."""

    def read(results: Results) -> F64:
        days = results.patients[f"{event}_day"].to_numpy(dtype=np.float64)
        out: F64 = np.where(np.isnan(days), np.inf, days)
        return out

    return read


def _pain_on(day: int) -> Callable[[Results], F64]:
    def read(results: Results) -> F64:
        out: F64 = results.pain_at([day])[:, 0]
        return out

    return read


def _any(name: str) -> Callable[[Results], F64]:
    def read(results: Results) -> F64:
        out: F64 = (results.patients[name].to_numpy() > 0).astype(np.float64)
        return out

    return read


def _outcomes(horizon: int, pain_days: Sequence[int]) -> list[_Outcome]:
    out = [
        _Outcome(
            "consulted", "surgical consultation", "share", _column("reached_surgical_consultation")
        ),
        _Outcome("operated", "surgery", "share", _column("reached_surgery")),
        _Outcome("relieved", "adequate relief at some point", "share", _column("reached_relief")),
    ]
    for q, word in ((0.25, "first quartile"), (0.5, "median"), (0.75, "third quartile")):
        out.append(
            _Outcome(
                f"surgery_days_q{round(q * 100)}",
                f"time to surgery, {word} (days)",
                "quantile",
                _time_to("surgery"),
                q,
            )
        )
    out += [
        _Outcome(
            "surgery_free_days",
            f"days without surgery, restricted mean to day {horizon}",
            "mean",
            _restricted("surgery"),
        ),
        _Outcome(
            "consultation_free_days",
            f"days without a surgical consultation, restricted mean to day {horizon}",
            "mean",
            _restricted("consultation"),
        ),
        _Outcome("procedures", "procedures per patient", "mean", _column("procedures")),
        _Outcome("injections", "injections per patient", "mean", _column("injections")),
        _Outcome("rfa", "RFAs per patient", "mean", _column("rfa")),
    ]
    for day in pain_days:
        if day <= horizon:
            out.append(
                _Outcome(f"pain_day_{day}", f"index pain (NRS) on day {day}", "mean", _pain_on(day))
            )
    out += [
        _Outcome("complication", "patients with a complication", "share", _any("complications")),
        _Outcome(
            "serious_complication",
            "patients with a serious complication",
            "share",
            _any("serious_complications"),
        ),
    ]
    return out


def _z(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def _wilson(x: F64, z: float) -> tuple[float, float]:
    n = x.size
    if n == 0:
        return (math.nan, math.nan)
    p = float(x.mean())
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (centre - half, centre + half)


def _normal(x: F64, z: float) -> tuple[float, float, float]:
    if x.size == 0:
        return (math.nan, math.nan, math.nan)
    mean = float(x.mean())
    se = float(x.std(ddof=1)) / math.sqrt(x.size) if x.size > 1 else math.nan
    return (mean, mean - z * se, mean + z * se)


def _quantile(times: F64, q: float) -> float:
    """The first time by which a share ``q`` had the event (NaN when never within follow-up).

    With censoring only at the horizon this is the Kaplan-Meier quantile."""
    if times.size == 0:
        return math.nan
    k = math.ceil(q * times.size) - 1
    value = float(np.partition(times, k)[k])
    return value if math.isfinite(value) else math.nan


def _km_quantile(times: F64, horizon: int, q: float, confidence: float) -> tuple[float, ...]:
    happened = np.isfinite(times)
    km = kaplan_meier(np.where(happened, times, float(horizon)), happened, confidence=confidence)

    def first(column: str) -> float:
        below = km.loc[km[column] <= 1 - q, "time"]
        return float(below.iloc[0]) if len(below) else math.nan

    return (first("survival"), first("lower"), first("upper"))


@attrs.frozen
class Comparison:
    """The result of :func:`compare`: ``table`` has one row per outcome and arm.

    Columns: ``outcome`` (a short name), ``label``, ``arm``, ``estimate``, ``lower``,
    ``upper``, ``difference`` from the reference arm with ``diff_lower``/``diff_upper``
    (empty for the reference itself), ``paired`` (whether the difference pairs each patient
    with themself) and ``method`` (how the intervals were found).
    """

    table: pd.DataFrame
    reference: str
    confidence: float

    def wide(self) -> pd.DataFrame:
        """One row per outcome, a column per arm ("estimate (lower to upper)") and one per
        difference from the reference, as text for a paper's table."""
        rows: dict[str, dict[str, str]] = {}
        arms = list(dict.fromkeys(self.table["arm"]))
        differences = [f"{arm} - {self.reference}" for arm in arms if arm != self.reference]
        for rec in self.table.to_dict("records"):
            row = rows.setdefault(str(rec["label"]), {})
            row[str(rec["arm"])] = _cell(
                rec["estimate"], rec["lower"], rec["upper"], rec["outcome"]
            )
            if rec["arm"] != self.reference:
                row[f"{rec['arm']} - {self.reference}"] = _cell(
                    rec["difference"], rec["diff_lower"], rec["diff_upper"], rec["outcome"], True
                )
        return pd.DataFrame.from_dict(rows, orient="index")[[*arms, *differences]]

    def __str__(self) -> str:
        return self.wide().to_string()


_DAYS = ("surgery_days", "surgery_free", "consultation_free")
_SHARES = {"consulted", "operated", "relieved", "complication", "serious_complication"}


def _cell(value: Any, lower: Any, upper: Any, outcome: Any, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not estimable" if signed else "not reached"
    sign = "+" if signed else ""
    if outcome in _SHARES:
        form = f"{{:{sign}.1%}}"
        bound = "{:.1%}"
    elif outcome in ("cost", "nmb") or str(outcome).startswith(_DAYS):
        form = f"{{:{sign},.0f}}"
        bound = "{:,.0f}"
    elif outcome == "qalys":
        form = f"{{:{sign}.4f}}"
        bound = "{:.4f}"
    else:
        form = f"{{:{sign}.2f}}"
        bound = "{:.2f}"
    text = form.format(value)
    if any(isinstance(v, float) and math.isnan(v) for v in (lower, upper)):
        return text
    return f"{text} ({bound.format(lower)} to {bound.format(upper)})"


def compare(
    runs: Mapping[str, Results],
    *,
    reference: str | None = None,
    costs: Costs | None = None,
    utilities: Utilities | None = None,
    discount_rate: float = 0.035,
    pain_days: Sequence[int] = (90, 365, 730),
    confidence: float = 0.95,
    bootstrap: int = 200,
    seed: int = 0,
) -> Comparison:
    """Compare arms (``{"arm name": results, ...}``) outcome by outcome, with confidence
    intervals and differences from ``reference`` (the first arm unless named).

    Outcomes: shares consulted, operated and ever relieved; time to surgery (quartiles from
    Kaplan-Meier and the restricted mean of surgery-free days to the horizon); days without a
    consultation; procedures, injections and RFAs per patient; index pain on ``pain_days``;
    patients with a complication and a serious one; and, when ``costs`` and ``utilities`` are
    given, discounted cost and QALYs per patient (:func:`~spinepath.sim.economics`).
    Differences of quantiles use ``bootstrap`` paired resamples of the patients drawn from
    ``seed``. The model does not simulate the Neck Disability Index, so none is reported.
    """
    if not runs:
        raise InvalidValue("runs", "expected at least one arm")
    if not 0 < confidence < 1:
        raise InvalidValue("confidence", f"{confidence!r} is not in (0, 1)")
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int) or bootstrap < 10:
        raise InvalidValue("bootstrap", f"expected at least 10 resamples, got {bootstrap!r}")
    names = list(runs)
    ref = names[0] if reference is None else reference
    if ref not in runs:
        raise InvalidValue("reference", f"{ref!r} is not one of the arms {', '.join(names)}")
    horizon = runs[ref].horizon
    for name in names:
        if runs[name].horizon != horizon:
            raise InvalidValue("runs", f"arm {name!r} has a different horizon from {ref!r}")
    outcomes = _outcomes(horizon, pain_days)
    money: dict[str, pd.DataFrame] = {}
    if costs is not None or utilities is not None:
        money = {
            name: economics(r, costs=costs, utilities=utilities, discount_rate=discount_rate)
            for name, r in runs.items()
        }
        if costs is not None:
            outcomes.append(
                _Outcome("cost", "discounted cost per patient", "mean", _money(runs, money, "cost"))
            )
        if utilities is not None:
            outcomes.append(
                _Outcome(
                    "qalys", "discounted QALYs per patient", "mean", _money(runs, money, "qalys")
                )
            )
    z = _z(confidence)
    rng = np.random.default_rng(seed)
    rows: list[dict[str, Any]] = []
    for outcome in outcomes:
        values = {name: outcome.values(r) for name, r in runs.items()}
        for name in names:
            rows.append(
                _row(outcome, name, ref, values, runs, z, confidence, rng, bootstrap, horizon)
            )
    return Comparison(pd.DataFrame(rows), ref, confidence)


def _money(
    runs: Mapping[str, Results], money: Mapping[str, pd.DataFrame], column: str
) -> Callable[[Results], F64]:
    by_run = {id(runs[name]): frame for name, frame in money.items()}

    def read(results: Results) -> F64:
        out: F64 = by_run[id(results)][column].to_numpy(dtype=np.float64)
        return out

    return read


def _row(
    outcome: _Outcome,
    name: str,
    ref: str,
    values: Mapping[str, F64],
    runs: Mapping[str, Results],
    z: float,
    confidence: float,
    rng: np.random.Generator,
    bootstrap: int,
    horizon: int,
) -> dict[str, Any]:
    x = values[name]
    if outcome.kind == "quantile":
        estimate, lower, upper = _km_quantile(x, horizon, outcome.quantile, confidence)
        method = "Kaplan-Meier, log-log band"
    elif outcome.kind == "share":
        estimate = float(x.mean()) if x.size else math.nan
        lower, upper = _wilson(x, z)
        method = "Wilson"
    else:
        estimate, lower, upper = _normal(x, z)
        method = "normal"
    paired = shares_patients(runs[name], runs[ref])
    diff = lo = hi = math.nan
    if name != ref:
        y = values[ref]
        if outcome.kind == "quantile":
            diff, lo, hi = _bootstrap_quantile(
                x, y, outcome.quantile, paired, rng, bootstrap, confidence
            )
            method += "; difference: bootstrap" + (" (paired)" if paired else "")
        elif paired:
            diff, lo, hi = _normal(x - y, z)
            method += "; difference: paired normal"
        else:
            diff = float(x.mean() - y.mean())
            se = math.sqrt(float(x.var(ddof=1)) / x.size + float(y.var(ddof=1)) / y.size)
            lo, hi = diff - z * se, diff + z * se
            method += "; difference: independent normal"
    return {
        "outcome": outcome.name,
        "label": outcome.label,
        "arm": name,
        "patients": int(x.size),
        "estimate": estimate,
        "lower": lower,
        "upper": upper,
        "difference": diff,
        "diff_lower": lo,
        "diff_upper": hi,
        "paired": paired if name != ref else None,
        "method": method,
    }


def _bootstrap_quantile(
    x: F64,
    y: F64,
    q: float,
    paired: bool,
    rng: np.random.Generator,
    resamples: int,
    confidence: float,
) -> tuple[float, float, float]:
    a, b = _quantile(x, q), _quantile(y, q)
    if math.isnan(a) or math.isnan(b):
        return (math.nan, math.nan, math.nan)
    draws = np.empty(resamples)
    for i in range(resamples):
        ix = rng.integers(0, x.size, x.size)
        iy = ix if paired else rng.integers(0, y.size, y.size)
        draws[i] = _quantile(x[ix], q) - _quantile(y[iy], q)
    tail = (1 - confidence) / 2
    finite = draws[np.isfinite(draws)]
    if finite.size < resamples:  # some resamples never reached the quantile
        return (a - b, math.nan, math.nan)
    low, high = np.quantile(finite, [tail, 1 - tail])
    return (a - b, float(low), float(high))
