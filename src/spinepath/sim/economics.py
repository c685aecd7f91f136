"""Costs and QALYs, when a user supplies the prices and the utilities (none ship as defaults).

Costs are per step of a kind (a consultation, an RFA, an ACDF) and per complication; QALYs
come from a utility for each NRS pain level, integrated over each patient's pain over time.
Both are discounted to entry at an annual rate: a cost on day ``t`` counts
``(1 + rate) ** -(t / 365.25)``, and utility is discounted continuously along the way.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from spinepath.errors import InvalidValue
from spinepath.io.problems import describe, quoted
from spinepath.model import Complication
from spinepath.rules.actions import ActionKind
from spinepath.sim.records import COMPLICATIONS, KINDS
from spinepath.sim.results import Results

__all__ = ["Costs", "Utilities", "economics"]

F64 = npt.NDArray[np.float64]


def _keyed(value: object, kind: type[ActionKind] | type[Complication], field: str) -> Any:
    """Keys of a price mapping as members of ``kind`` (given as members or their values,
    ``"acdf"``); anything else (a misspelt key would silently cost nothing) is an error."""
    if not isinstance(value, Mapping):
        return value
    out: dict[Any, object] = {}
    for name, price in value.items():
        if isinstance(name, kind):
            out[name] = price
            continue
        member = None
        if isinstance(name, str):
            try:
                member = kind(name)
            except ValueError:
                member = None
        if member is None:
            shown = quoted(name) if isinstance(name, str) else describe(name)
            close = difflib.get_close_matches(str(name), [m.value for m in kind], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise InvalidValue(f"{field}[{shown}]", f"is not a kind of {kind.__name__}{hint}")
        out[member] = price
    return out


def _step_kinds(value: object) -> Any:
    return _keyed(value, ActionKind, "per_step")


def _complication_kinds(value: object) -> Any:
    return _keyed(value, Complication, "per_complication")


def _prices(_: object, attribute: attrs.Attribute[object], value: object) -> None:
    if not isinstance(value, Mapping):
        raise InvalidValue(attribute.name, f"expected a mapping, got {type(value).__name__}")
    for key, price in value.items():
        if (
            isinstance(price, bool)
            or not isinstance(price, int | float)
            or not math.isfinite(price)
            or price < 0
        ):
            raise InvalidValue(f"{attribute.name}[{key}]", f"{price!r} is not a cost")


def _cost(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise InvalidValue(attribute.name, f"{value!r} is not a cost")
    if not math.isfinite(value):
        raise InvalidValue(attribute.name, f"{value!r} is not a cost")


@attrs.frozen
class Costs:
    """What each kind of step costs (``{ActionKind.RADIOFREQUENCY_ABLATION: 1800.0, ...}`` or
    ``{"radiofrequency_ablation": 1800.0}``; kinds not named cost nothing, a key that names no
    kind is an error) and what a complication adds (by kind, or ``complication_default``).
    No prices ship: every figure is the user's, in ``currency``. Files: :func:`load_costs`."""

    per_step: Mapping[ActionKind, float] = attrs.field(converter=_step_kinds, validator=_prices)
    per_complication: Mapping[Complication, float] = attrs.field(
        factory=dict, converter=_complication_kinds, validator=_prices
    )
    complication_default: float = attrs.field(default=0.0, validator=_cost)
    currency: str = attrs.field(default="", validator=attrs.validators.instance_of(str))

    def step_prices(self) -> F64:
        return np.array([float(self.per_step.get(k, 0.0)) for k in KINDS])

    def complication_prices(self) -> F64:
        return np.array(
            [float(self.per_complication.get(c, self.complication_default)) for c in COMPLICATIONS]
        )


def _levels(_: object, attribute: attrs.Attribute[object], value: object) -> None:
    if not isinstance(value, tuple) or len(value) != 11:
        raise InvalidValue(attribute.name, "expected 11 utilities, for NRS 0 to 10")
    for i, u in enumerate(value):
        if isinstance(u, bool) or not isinstance(u, int | float) or not -1 <= u <= 1:
            raise InvalidValue(f"{attribute.name}[{i}]", f"{u!r} is not a utility in [-1, 1]")


@attrs.frozen
class Utilities:
    """The health utility of living a year at each NRS pain level 0..10 (user-supplied)."""

    by_pain: tuple[float, ...] = attrs.field(validator=_levels)

    @classmethod
    def linear(cls, at_zero: float, at_ten: float) -> Utilities:
        """Utilities falling linearly from ``at_zero`` (no pain) to ``at_ten``."""
        return cls(tuple(at_zero + (at_ten - at_zero) * p / 10 for p in range(11)))


def _discount(days: F64, rate: float) -> F64:
    out: F64 = (1.0 + rate) ** (-np.asarray(days, dtype=np.float64) / 365.25)
    return out


def _discounted_years(start: F64, end: F64, rate: float) -> F64:
    """Discounted years lived between two days (continuous discounting)."""
    a = np.asarray(start, dtype=np.float64) / 365.25
    b = np.asarray(end, dtype=np.float64) / 365.25
    if rate == 0:
        out: F64 = b - a
        return out
    r = math.log1p(rate)
    discounted: F64 = (np.exp(-r * a) - np.exp(-r * b)) / r
    return discounted


def economics(
    results: Results,
    *,
    costs: Costs | None = None,
    utilities: Utilities | None = None,
    discount_rate: float = 0.035,
) -> pd.DataFrame:
    """Per patient: ``cost`` (discounted), ``cost_undiscounted``, ``qalys`` (discounted) and
    ``qalys_undiscounted`` over the horizon, for whichever of costs and utilities are given."""
    if isinstance(discount_rate, bool) or not 0 <= discount_rate < 1:
        raise InvalidValue("discount_rate", f"{discount_rate!r} is not a rate in [0, 1)")
    raw = results.raw
    n = results.n
    out = pd.DataFrame({"patient": np.arange(n)})
    if costs is not None:
        price = costs.step_prices()[raw["kind"]]
        bits = raw["complications"]
        extra = np.zeros(bits.shape)
        for i, p in enumerate(costs.complication_prices()):
            extra += ((bits >> i) & 1) * p
        day = raw["day"].astype(np.float64)
        total = price + extra
        out["cost_undiscounted"] = np.bincount(raw["pos"], weights=total, minlength=n)
        out["cost"] = np.bincount(
            raw["pos"], weights=total * _discount(day, discount_rate), minlength=n
        )
    if utilities is not None:
        values = np.asarray(utilities.by_pain)
        for rate, column in ((discount_rate, "qalys"), (0.0, "qalys_undiscounted")):
            out[column] = _qalys(results, values, rate)
    return out


def _qalys(results: Results, values: F64, rate: float) -> F64:
    """Integrate utility(pain) over each patient's horizon: baseline pain (worse after a new
    deficit) except during relief periods."""
    h = float(results.horizon)
    base, prog = results.baseline_pain()
    n = results.n
    worse = np.minimum(base + 1, 10).astype(np.int64)
    before = np.minimum(prog, h)
    total = values[base.astype(np.int64)] * _discounted_years(np.zeros(n), before, rate)
    total += values[worse] * _discounted_years(before, np.full(n, h), rate)
    pos, start, end, pain = results.relief_periods()
    start_c = np.minimum(start, h)
    end_c = np.minimum(end, h)
    baseline_then = np.where(prog[pos] <= start, worse[pos], base[pos].astype(np.int64))
    gain = values[pain.astype(np.int64)] - values[baseline_then]
    np.add.at(total, pos, gain * _discounted_years(start_c, end_c, rate))
    return total
