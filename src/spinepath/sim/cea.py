"""Cost-effectiveness analysis: ICERs with strong and extended dominance, net monetary benefit,
acceptability curves, the expected value of perfect information, and one-way sensitivity.

The rules are those of dampack's ``calculate_icers`` (R; Alarid-Escudero, Enns, Knowlton and
the DARTH team): order the strategies by cost; a strategy is *strongly dominated* (``D``) when
another costs no more and gains no less (one of them strictly); of the rest, a strategy is
*extendedly dominated* (``ED``) when the ICERs along the frontier fall at it (a mix of its two
neighbours would do better), which is removed and the ICERs recomputed until they rise; the
remaining strategies (``ND``) form the efficient frontier, each with its ICER against the
next cheaper one. The tests reproduce dampack's own examples.

Net monetary benefit at a willingness to pay ``wtp`` per QALY is ``wtp * qalys - cost``; the
strategy with the highest expected NMB is the one to choose at that ``wtp``. No willingness to
pay ships as a default: it is the decision maker's, in their currency.
"""

from __future__ import annotations

import itertools
import math
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from statistics import NormalDist
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from spinepath.errors import InvalidValue
from spinepath.sim.compare import shares_patients
from spinepath.sim.economics import Costs, Utilities, economics
from spinepath.sim.results import Results

__all__ = [
    "CostEffectiveness",
    "cea",
    "ceac",
    "dsa",
    "evpi",
    "icers",
    "incremental_nmb",
    "parameter_range",
]

F64 = npt.NDArray[np.float64]


def icers(
    cost: Sequence[float], effect: Sequence[float], strategies: Sequence[str]
) -> pd.DataFrame:
    """The ICER table of mutually exclusive strategies (dampack's ``calculate_icers``).

    Returns one row per strategy: ``strategy``, ``cost``, ``effect``, ``inc_cost``,
    ``inc_effect`` and ``icer`` (against the next cheaper strategy on the frontier; empty for
    the cheapest and for dominated strategies) and ``status``: ``ND`` non-dominated, ``ED``
    extendedly dominated, ``D`` strongly dominated. Frontier strategies come first by cost,
    then ``ED``, then ``D``.
    """
    if not (len(cost) == len(effect) == len(strategies)) or not strategies:
        raise InvalidValue("strategies", "expected one cost and one effect for each strategy")
    if len(set(strategies)) != len(strategies):
        raise InvalidValue("strategies", "strategy names must differ")
    c = np.asarray(cost, dtype=np.float64)
    e = np.asarray(effect, dtype=np.float64)
    if not (np.isfinite(c).all() and np.isfinite(e).all()):
        raise InvalidValue("cost", "costs and effects must be finite numbers")
    order = sorted(range(len(c)), key=lambda i: (c[i], -e[i]))
    status = dict.fromkeys(order, "ND")
    for i in order:
        for j in order:
            if j == i:
                continue
            no_worse = c[j] <= c[i] and e[j] >= e[i]
            strictly = c[j] < c[i] or e[j] > e[i]
            # identical strategies: the later one in cost order is the dominated one
            same = c[j] == c[i] and e[j] == e[i] and order.index(j) < order.index(i)
            if no_worse and (strictly or same):
                status[i] = "D"
                break
    frontier = [i for i in order if status[i] == "ND"]
    while len(frontier) > 2:
        ratios = [(c[b] - c[a]) / (e[b] - e[a]) for a, b in itertools.pairwise(frontier)]
        kink = next((k for k in range(len(ratios) - 1) if ratios[k] > ratios[k + 1]), None)
        if kink is None:
            break
        status[frontier[kink + 1]] = "ED"
        del frontier[kink + 1]
    rows = []
    for rank, i in enumerate(frontier):
        inc_c = inc_e = ratio = math.nan
        if rank:
            prev = frontier[rank - 1]
            inc_c, inc_e = c[i] - c[prev], e[i] - e[prev]
            ratio = inc_c / inc_e
        rows.append((strategies[i], c[i], e[i], inc_c, inc_e, ratio, "ND"))
    for kind in ("ED", "D"):
        for i in order:
            if status[i] == kind:
                rows.append((strategies[i], c[i], e[i], math.nan, math.nan, math.nan, kind))
    return pd.DataFrame(
        rows, columns=["strategy", "cost", "effect", "inc_cost", "inc_effect", "icer", "status"]
    )


def _wtp(wtp: object) -> float:
    if isinstance(wtp, bool) or not isinstance(wtp, int | float) or not 0 <= wtp < math.inf:
        raise InvalidValue("wtp", f"{wtp!r} is not a willingness to pay per QALY")
    return float(wtp)


@attrs.frozen
class CostEffectiveness:
    """The result of :func:`cea`.

    ``strategies``: one row per arm with mean discounted ``cost`` and ``qalys`` per patient,
    their confidence intervals, the differences from the reference (paired where the arms share
    patients) and the net monetary benefit ``nmb`` at ``wtp`` with its interval.
    ``icers``: the frontier table of :func:`icers` on the mean costs and QALYs.
    """

    strategies: pd.DataFrame
    icers: pd.DataFrame
    wtp: float
    reference: str
    confidence: float

    @property
    def best(self) -> str:
        """The strategy with the highest expected net monetary benefit at ``wtp``."""
        position = int(np.argmax(self.strategies["nmb"].to_numpy()))
        return str(self.strategies["strategy"].iloc[position])

    def __str__(self) -> str:
        lines = [f"Per patient, discounted (95% CI); NMB at {self.wtp:,.0f} per QALY"]
        for row in self.strategies.to_dict("records"):
            lines.append(
                f"  {row['strategy']:<28} cost {row['cost']:>10,.0f} "
                f"({row['cost_lower']:,.0f} to {row['cost_upper']:,.0f})  "
                f"QALYs {row['qalys']:.4f} ({row['qalys_lower']:.4f} to {row['qalys_upper']:.4f})  "
                f"NMB {row['nmb']:,.0f}"
            )
        lines.append("Frontier:")
        for row in self.icers.to_dict("records"):
            icer = "" if math.isnan(row["icer"]) else f"ICER {row['icer']:,.0f} per QALY"
            lines.append(f"  {row['strategy']:<28} {row['status']:<3} {icer}".rstrip())
        lines.append(f"Best at this willingness to pay: {self.best}")
        return "\n".join(lines)


def cea(
    runs: Mapping[str, Results],
    *,
    costs: Costs,
    utilities: Utilities,
    wtp: float,
    reference: str | None = None,
    discount_rate: float = 0.035,
    confidence: float = 0.95,
) -> CostEffectiveness:
    """Cost-effectiveness of the arms ``{"name": results, ...}`` at ``wtp`` per QALY.

    Mean discounted costs and QALYs per patient (:func:`~spinepath.sim.economics`), increments
    over ``reference`` (the first arm unless named) with confidence intervals, paired where the
    arms simulated the same patients, net monetary benefit, and the ICER frontier.
    """
    w = _wtp(wtp)
    if not runs:
        raise InvalidValue("runs", "expected at least one arm")
    names = list(runs)
    ref = names[0] if reference is None else reference
    if ref not in runs:
        raise InvalidValue("reference", f"{ref!r} is not one of the arms {', '.join(names)}")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    money = {
        name: economics(r, costs=costs, utilities=utilities, discount_rate=discount_rate)
        for name, r in runs.items()
    }
    rows = []
    for name in names:
        cost = money[name]["cost"].to_numpy()
        qalys = money[name]["qalys"].to_numpy()
        nmb = w * qalys - cost
        row: dict[str, Any] = {"strategy": name, "patients": runs[name].n}
        for column, x in (("cost", cost), ("qalys", qalys), ("nmb", nmb)):
            mean, low, high = _mean_ci(x, z)
            row.update({column: mean, f"{column}_lower": low, f"{column}_upper": high})
        paired = shares_patients(runs[name], runs[ref])
        row["paired"] = paired if name != ref else None
        for column, x in (("cost", cost), ("qalys", qalys), ("nmb", nmb)):
            y = money[ref][column].to_numpy() if column != "nmb" else None
            if y is None:
                y = w * money[ref]["qalys"].to_numpy() - money[ref]["cost"].to_numpy()
            if name == ref:
                diff = low = high = math.nan
            elif paired:
                diff, low, high = _mean_ci(x - y, z)
            else:
                diff = float(x.mean() - y.mean())
                se = math.sqrt(x.var(ddof=1) / x.size + y.var(ddof=1) / y.size)
                low, high = diff - z * se, diff + z * se
            row.update({f"inc_{column}": diff, f"inc_{column}_lower": low})
            row[f"inc_{column}_upper"] = high
        rows.append(row)
    table = pd.DataFrame(rows)
    frontier = icers(table["cost"].tolist(), table["qalys"].tolist(), names)
    return CostEffectiveness(table, frontier, w, ref, confidence)


def _mean_ci(x: F64, z: float) -> tuple[float, float, float]:
    mean = float(x.mean())
    se = float(x.std(ddof=1)) / math.sqrt(x.size) if x.size > 1 else math.nan
    return (mean, mean - z * se, mean + z * se)


def _matrices(table: pd.DataFrame, base_case: bool) -> tuple[list[str], F64, F64]:
    """Mean cost and QALYs per draw (rows) and strategy (columns) of a multi-arm PSA table."""
    missing = {"draw", "strategy", "mean_cost", "mean_qalys"} - set(table.columns)
    if missing:
        raise InvalidValue(
            "table",
            f"expected a PSA over strategies with costs and utilities; missing {sorted(missing)}",
        )
    rows = table if base_case else table[table["draw"] != 0]
    if rows.empty:
        raise InvalidValue("table", "no parameter draws beyond the base case")
    cost = rows.pivot(index="draw", columns="strategy", values="mean_cost")
    qalys = rows.pivot(index="draw", columns="strategy", values="mean_qalys")
    order = list(dict.fromkeys(rows["strategy"]))
    return (
        order,
        cost[order].to_numpy(dtype=np.float64),
        qalys[order].to_numpy(dtype=np.float64),
    )


def _wtps(wtp: float | Iterable[float]) -> list[float]:
    values = [wtp] if isinstance(wtp, int | float) else list(wtp)
    return [_wtp(w) for w in values]


def ceac(
    table: pd.DataFrame, wtp: float | Iterable[float], *, base_case: bool = False
) -> pd.DataFrame:
    """The cost-effectiveness acceptability curves of a PSA over strategies
    (:func:`~spinepath.sim.psa` with ``policies=``).

    One row per willingness to pay and strategy: ``probability`` that the strategy has the
    highest net monetary benefit among the parameter draws, and ``frontier`` (whether it has the
    highest expected NMB there: the acceptability frontier). Draw 0, the base case, is left out
    unless ``base_case``.
    """
    names, cost, qalys = _matrices(table, base_case)
    rows = []
    for w in _wtps(wtp):
        nmb = w * qalys - cost
        best = np.argmax(nmb, axis=1)
        chosen = int(np.argmax(nmb.mean(axis=0)))
        for s, name in enumerate(names):
            rows.append(
                {
                    "wtp": w,
                    "strategy": name,
                    "probability": float((best == s).mean()),
                    "frontier": s == chosen,
                }
            )
    return pd.DataFrame(rows)


def evpi(
    table: pd.DataFrame, wtp: float | Iterable[float], *, base_case: bool = False
) -> pd.DataFrame:
    """The expected value of perfect information per patient at each willingness to pay:
    the mean over draws of the best NMB, less the best mean NMB (as dampack's ``calc_evpi``)."""
    _, cost, qalys = _matrices(table, base_case)
    rows = []
    for w in _wtps(wtp):
        nmb = w * qalys - cost
        value = float(nmb.max(axis=1).mean() - nmb.mean(axis=0).max())
        rows.append({"wtp": w, "evpi": max(value, 0.0)})
    return pd.DataFrame(rows)


def parameter_range(
    parameters: Any, name: str, *, coverage: float = 0.95, samples: int = 20_000
) -> tuple[float, float]:
    """The central ``coverage`` interval of a parameter's uncertainty distribution (the
    percentiles of ``samples`` seeded draws), the default range of one-way sensitivity."""
    estimate = parameters.estimates()[name]
    if estimate.uncertainty is None:
        raise InvalidValue(name, "has no uncertainty distribution: give its range")
    from spinepath.sim.parameters import UNITS

    sequence = np.random.SeedSequence(entropy=0x7E5, spawn_key=(zlib.crc32(name.encode()),))
    rng = np.random.default_rng(sequence)
    draws = np.array([estimate.uncertainty.sample(rng) for _ in range(samples)])
    draws = np.clip(draws, *UNITS[estimate.unit])
    tail = (1 - coverage) / 2
    low, high = np.quantile(draws, [tail, 1 - tail])
    return (float(low), float(high))


Outcome = Callable[[Mapping[str, Results]], float]


def incremental_nmb(
    costs: Costs,
    utilities: Utilities,
    wtp: float,
    *,
    discount_rate: float = 0.035,
) -> Outcome:
    """The outcome of :func:`dsa` by default: mean NMB of the last arm less that of the first."""
    w = _wtp(wtp)

    def outcome(runs: Mapping[str, Results]) -> float:
        values = []
        for name in (next(iter(runs)), list(runs)[-1]):
            money = economics(
                runs[name], costs=costs, utilities=utilities, discount_rate=discount_rate
            )
            values.append(float((w * money["qalys"] - money["cost"]).mean()))
        return values[1] - values[0]

    return outcome


def dsa(
    n: int,
    policies: Mapping[str, Any],
    *,
    outcome: Outcome | None = None,
    ranges: Mapping[str, tuple[float, float]] | Sequence[str] | None = None,
    costs: Costs | None = None,
    utilities: Utilities | None = None,
    wtp: float | None = None,
    discount_rate: float = 0.035,
    seed: int = 0,
    parameters: Any = None,
    **options: Any,
) -> pd.DataFrame:
    """One-way deterministic sensitivity analysis: each parameter at its low and its high
    value, the others at their base values; every run meets the same patients (``seed``).

    ``outcome(runs)`` reduces the arms' results to one number; by default (given ``costs``,
    ``utilities`` and ``wtp``) the incremental net monetary benefit of the last arm over the
    first. ``ranges`` names the parameters with their ``(low, high)``, or lists names whose
    range is the central 95% of their uncertainty (:func:`parameter_range`); by default every
    uncertain parameter. Other keywords go to :func:`~spinepath.sim.simulate`.

    Returns one row per parameter, widest swing first: ``parameter``, ``unit``, ``base``,
    ``low``, ``high``, ``outcome_low``, ``outcome_high``, ``outcome_base`` and ``swing``.
    """
    from spinepath.sim.compare import simulate_arms
    from spinepath.sim.parameters import DEFAULT_PARAMETERS

    base = DEFAULT_PARAMETERS if parameters is None else parameters
    if outcome is None:
        if costs is None or utilities is None or wtp is None:
            raise InvalidValue(
                "outcome", "give an outcome function, or costs, utilities and wtp for NMB"
            )
        outcome = incremental_nmb(costs, utilities, wtp, discount_rate=discount_rate)
    if ranges is None:
        ranges = base.uncertain()
    if not isinstance(ranges, Mapping):
        ranges = {name: parameter_range(base, name) for name in ranges}
    estimates = base.estimates()
    for name in ranges:
        if name not in estimates:
            raise InvalidValue("ranges", f"{name!r} is not a parameter")

    def run(parameters: Any) -> float:
        return outcome(simulate_arms(n, policies, seed=seed, parameters=parameters, **options))

    at_base = run(base)
    rows = []
    for name, (low, high) in ranges.items():
        results = [run(base.derive(**{name: float(value)})) for value in (low, high)]
        rows.append(
            {
                "parameter": name,
                "unit": estimates[name].unit,
                "base": estimates[name].value,
                "low": float(low),
                "high": float(high),
                "outcome_low": results[0],
                "outcome_high": results[1],
                "outcome_base": at_base,
                "swing": abs(results[1] - results[0]),
            }
        )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    return frame.sort_values("swing", ascending=False, ignore_index=True)
