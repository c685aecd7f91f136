"""Distributions of uncertain parameters, and the per-patient transforms of uniform draws.

Two different things are random in a simulation and they are kept apart:

* **parameter uncertainty** (probabilistic sensitivity analysis): a response probability is
  only known to lie around 56-74%, so it carries a :class:`Beta`; a median duration carries a
  :class:`Gamma` or :class:`LogNormal`. These are sampled with a numpy ``Generator``, once per
  parameter draw;
* **patient variability**: given the parameters, each patient's relief lasts a log-normal number
  of days. Those draws come from the patient's counter-based stream (:mod:`.streams`) and are
  transformed here in closed form (Box-Muller for normals), so that a vectorised transform of
  many patients' draws and a one-patient transform agree exactly.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import attrs
import numpy as np
import numpy.typing as npt

from spinepath._checks import number
from spinepath.errors import InvalidValue

__all__ = [
    "DISTRIBUTIONS",
    "Beta",
    "Distribution",
    "Gamma",
    "LogNormal",
    "Normal",
    "Uniform",
    "endpoint_response",
    "fit_two_endpoints",
    "lognormal_days",
    "lognormal_quantile_days",
    "lognormal_survival",
    "normal_from_uniforms",
]

F64 = npt.NDArray[np.float64]


class Distribution:
    """Base of the parameter distributions; ``name`` is the tag used in parameter files."""

    name: ClassVar[str] = "distribution"

    def sample(self, rng: np.random.Generator) -> float:
        raise NotImplementedError

    @property
    def mean(self) -> float:
        raise NotImplementedError

    def support(self) -> tuple[float, float]:
        """Smallest and largest value a draw can take."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """The distribution as a parameter-file table: ``{"distribution": "beta", ...}``."""
        return {"distribution": self.name, **attrs.asdict(self)}  # type: ignore[arg-type]


_POSITIVE = number(1e-12)


@attrs.frozen
class Beta(Distribution):
    """Beta(alpha, beta) for probabilities; ``Beta.from_counts(23, 35)`` for 23 of 35."""

    name: ClassVar[str] = "beta"
    alpha: float = attrs.field(validator=_POSITIVE)
    beta: float = attrs.field(validator=_POSITIVE)

    @classmethod
    def from_counts(cls, successes: int, trials: int) -> Beta:
        """The posterior of a uniform prior after ``successes`` of ``trials``."""
        return cls(successes + 1.0, trials - successes + 1.0)

    @classmethod
    def from_mean(cls, mean: float, size: float) -> Beta:
        """A Beta with this mean and "effective sample size" ``alpha + beta``."""
        return cls(mean * size, (1.0 - mean) * size)

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.beta(self.alpha, self.beta))

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)

    def support(self) -> tuple[float, float]:
        return (0.0, 1.0)


@attrs.frozen
class Gamma(Distribution):
    """Gamma(shape, scale) for positive quantities such as durations (mean shape * scale)."""

    name: ClassVar[str] = "gamma"
    shape: float = attrs.field(validator=_POSITIVE)
    scale: float = attrs.field(validator=_POSITIVE)

    @classmethod
    def from_mean(cls, mean: float, cv: float) -> Gamma:
        """A Gamma with this mean and coefficient of variation."""
        shape = 1.0 / (cv * cv)
        return cls(shape, mean / shape)

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.gamma(self.shape, self.scale))

    @property
    def mean(self) -> float:
        return self.shape * self.scale

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)


@attrs.frozen
class LogNormal(Distribution):
    """Log-normal with this ``median`` and ``sigma`` (the standard deviation of the log)."""

    name: ClassVar[str] = "lognormal"
    median: float = attrs.field(validator=_POSITIVE)
    sigma: float = attrs.field(validator=number(0))

    def sample(self, rng: np.random.Generator) -> float:
        return float(self.median * math.exp(self.sigma * rng.standard_normal()))

    @property
    def mean(self) -> float:
        return self.median * math.exp(self.sigma**2 / 2)

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)


@attrs.frozen
class Normal(Distribution):
    """Normal(mean, sd), optionally truncated to ``[low, high]`` by redrawing."""

    name: ClassVar[str] = "normal"
    mu: float = attrs.field(validator=number(-math.inf))
    sd: float = attrs.field(validator=number(0))
    low: float = attrs.field(default=-math.inf)
    high: float = attrs.field(default=math.inf)

    def __attrs_post_init__(self) -> None:
        if not self.low < self.high:
            raise InvalidValue("high", f"{self.high:g} is not above low {self.low:g}")

    def sample(self, rng: np.random.Generator) -> float:
        for _ in range(10_000):
            value = float(rng.normal(self.mu, self.sd))
            if self.low <= value <= self.high:
                return value
        return min(max(self.mu, self.low), self.high)

    @property
    def mean(self) -> float:
        return self.mu

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"distribution": self.name, "mu": self.mu, "sd": self.sd}
        if math.isfinite(self.low):
            out["low"] = self.low
        if math.isfinite(self.high):
            out["high"] = self.high
        return out


@attrs.frozen
class Uniform(Distribution):
    """Uniform on ``[low, high]``: for a range reported without a central estimate."""

    name: ClassVar[str] = "uniform"
    low: float = attrs.field(validator=number(-math.inf))
    high: float = attrs.field(validator=number(-math.inf))

    def __attrs_post_init__(self) -> None:
        if not self.low < self.high:
            raise InvalidValue("high", f"{self.high:g} is not above low {self.low:g}")

    def sample(self, rng: np.random.Generator) -> float:
        return float(rng.uniform(self.low, self.high))

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)


DISTRIBUTIONS: dict[str, type[Distribution]] = {
    d.name: d for d in (Beta, Gamma, LogNormal, Normal, Uniform)
}
"""Distribution classes by the ``distribution`` tag of a parameter file."""


def normal_from_uniforms(u1: F64, u2: F64) -> F64:
    """Standard normal deviates from two uniform draws each (Box-Muller, cosine branch)."""
    radius = np.sqrt(-2.0 * np.log1p(-u1))  # 1 - u1 lies in (0, 1]: no log(0)
    out: F64 = radius * np.cos(2.0 * np.pi * u2)
    return out


def lognormal_days(median: float | F64, sigma: float, u1: F64, u2: F64, minimum: int = 1) -> F64:
    """Whole days from a log-normal with this median and log-sd, at least ``minimum``."""
    days = np.rint(median * np.exp(sigma * normal_from_uniforms(u1, u2)))
    out: F64 = np.maximum(days, float(minimum))
    return out


# -- fitting a response to its source's endpoint ---------------------------------------------------
#
# A source reports an endpoint: the share of *all treated* patients with at least some relief
# still lasting at a time (">=50% relief at 3 months in about half"). The simulation draws a
# response at the first follow-up with probability p and, for responders, a log-normal duration
# of relief; the simulated endpoint is then p * S(t), where S is the duration's survival. So a
# response probability is only endpoint-true together with its duration: p = endpoint / S(t).


def lognormal_survival(days: float, median: float, sigma: float) -> float:
    """P(a log-normal duration with this median and log-sd lasts at least ``days``)."""
    if days <= 0:
        return 1.0
    if sigma == 0:
        return 1.0 if median >= days else 0.0
    z = (math.log(median) - math.log(days)) / sigma
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


def lognormal_quantile_days(share: float, median: float, sigma: float) -> float:
    """The time by which a share ``share`` of log-normal durations have ended."""
    from statistics import NormalDist

    return median * math.exp(sigma * NormalDist().inv_cdf(share))


def endpoint_response(share: float, days: float, median: float, sigma: float) -> float:
    """The response probability p with p * S(days) = share: the share of all treated patients
    whose relief still lasts at ``days`` is the published ``share``.

    Raises :class:`~spinepath.InvalidValue` when no probability can reproduce the endpoint
    (the duration is too short for the share: p would exceed 1).
    """
    if not 0.0 <= share <= 1.0:
        raise InvalidValue("share", f"{share:g} is not a probability")
    surviving = lognormal_survival(days, median, sigma)
    if share > surviving:
        raise InvalidValue(
            "share",
            f"{share:.1%} still relieved at {days:g} days needs relief lasting longer than a "
            f"median {median:g} days (log-sd {sigma:g}): only {surviving:.1%} of responders "
            "last that long",
        )
    return share / surviving


def fit_two_endpoints(
    early: tuple[float, float], late: tuple[float, float], sigma: float
) -> tuple[float, float]:
    """The response p and responders' median duration m (log-normal, log-sd ``sigma``) that
    reproduce two endpoints among all treated: ``early = (days, share)`` and ``late = (days,
    share)``, with p * S(days) = share at each (the later share must be the smaller).

    Solved by bisection on log m: the ratio S(late) / S(early) rises with m from 0 to 1.
    """
    (t1, s1), (t2, s2) = early, late
    if not (0 < t1 < t2 and 0 < s2 < s1 <= 1):
        raise InvalidValue("late", "needs a later time with a smaller share than the early one")
    target = s2 / s1
    low, high = math.log(t1) - 20 * sigma, math.log(t2) + 20 * sigma
    for _ in range(200):
        mid = (low + high) / 2
        m = math.exp(mid)
        ratio = lognormal_survival(t2, m, sigma) / lognormal_survival(t1, m, sigma)
        if ratio < target:
            low = mid
        else:
            high = mid
    median = math.exp((low + high) / 2)
    return s1 / lognormal_survival(t1, median, sigma), median
