"""Probabilistic sensitivity analysis: how much do the answers move with the parameters?

Each uncertain :class:`~spinepath.sim.Estimate` carries a distribution (Beta for
probabilities, Gamma or LogNormal for durations and rates). :func:`psa` draws ``draws``
parameter sets from them, simulates the same cohort under each, and returns one row per draw:
the parameter values drawn beside the run's summary metrics (:meth:`Summary.metrics`).

Draw ``d`` uses ``numpy.random.SeedSequence(entropy=seed, spawn_key=(PSA_KEY, d))`` for its
parameters and simulation seed ``seed``: every draw meets the same patients (common random
numbers), so differences between draws come from the parameters, not from the sampling of
patients.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from spinepath.errors import InvalidValue
from spinepath.rules.profiles import CONSENSUS_2022, Profile
from spinepath.sim.cohort import DEFAULT_COHORT, Cohort
from spinepath.sim.economics import Costs, Utilities, economics
from spinepath.sim.parameters import DEFAULT_PARAMETERS, Parameters
from spinepath.sim.policies import Policy, PolicyFunction
from spinepath.sim.runner import Executor, simulate

__all__ = ["PSA_KEY", "draw_parameters", "psa"]

PSA_KEY = 0x5A5A
"""The first element of the spawn key of parameter draws (patients use ``(index,)``)."""


def draw_parameters(parameters: Parameters, seed: int, draw: int) -> Parameters:
    """Parameter set number ``draw`` (0 is the base case: the point estimates)."""
    if draw == 0:
        return parameters
    sequence = np.random.SeedSequence(entropy=seed, spawn_key=(PSA_KEY, draw))
    return parameters.sample(np.random.default_rng(sequence))


def psa(
    draws: int,
    n: int,
    *,
    seed: int = 0,
    policy: str | Policy | PolicyFunction = "engine",
    profile: str | Profile = CONSENSUS_2022.name,
    cohort: Cohort | None = None,
    parameters: Parameters | None = None,
    horizon_days: int = 730,
    executor: Executor | None = None,
    costs: Costs | None = None,
    utilities: Utilities | None = None,
    discount_rate: float = 0.035,
    progress: Callable[[int, int], None] | None = None,
    policies: Mapping[str, str | Policy | PolicyFunction] | None = None,
) -> pd.DataFrame:
    """Simulate ``n`` patients under ``draws`` parameter sets drawn from their uncertainty.

    Row 0 is the base case (the point estimates); rows 1.. are draws. Columns: ``draw``, every
    uncertain parameter's value (prefixed ``p_``), every summary metric, and mean discounted
    costs and QALYs when ``costs``/``utilities`` are given. Runs use ``executor`` when given.

    With ``policies`` (``{"strategy name": policy, ...}``, instead of ``policy``) every draw
    runs each strategy on the same patients with the same parameters, one row per draw and
    strategy (column ``strategy``): the input of :func:`~spinepath.sim.ceac`,
    :func:`~spinepath.sim.evpi` and the CE plane. ``progress(done, total)`` counts runs.
    """
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise InvalidValue("draws", f"expected a positive whole number, got {draws!r}")
    parameters = DEFAULT_PARAMETERS if parameters is None else parameters
    cohort = DEFAULT_COHORT if cohort is None else cohort
    uncertain = parameters.uncertain()
    if policies is not None and not policies:
        raise InvalidValue("policies", "expected at least one strategy")
    arms: dict[str | None, Any] = {None: policy}
    if policies is not None:
        arms = {str(name): chosen for name, chosen in policies.items()}
    rows: list[dict[str, Any]] = []
    total = draws * len(arms)
    for d, (arm, chosen) in itertools.product(range(draws), arms.items()):
        drawn = draw_parameters(parameters, seed, d)
        results = simulate(
            n,
            seed=seed,
            policy=chosen,
            profile=profile,
            cohort=cohort,
            parameters=drawn,
            horizon_days=horizon_days,
            executor=executor,
        )
        row: dict[str, Any] = {"draw": d}
        if arm is not None:
            row["strategy"] = arm
        row.update({f"p_{name}": drawn[name] for name in uncertain})
        row.update(results.summary().metrics())
        if costs is not None or utilities is not None:
            money = economics(
                results, costs=costs, utilities=utilities, discount_rate=discount_rate
            )
            for column in ("cost", "qalys"):
                if column in money:
                    row[f"mean_{column}"] = float(money[column].mean())
        rows.append(row)
        if progress is not None:
            progress(len(rows), total)
    return pd.DataFrame(rows)
