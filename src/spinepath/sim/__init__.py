"""Cohort microsimulation of the pathway after a failed cervical epidural steroid injection.

Researchers compare strategies (refer early or exhaust non-surgical care, with or without RFA,
under strict or consensus block criteria) and estimate what a clinic will see: how many reach
surgery, how fast, with how many procedures, at what pain::

    from spinepath import sim

    results = sim.simulate(20_000, seed=1, policy="early-surgical-referral")
    print(results.summary())
    results.patients            # one row per patient (pandas)
    results.kaplan_meier("surgery")
    results.record(17)          # patient 17's trajectory as a real PatientRecord
    print(sim.validate(20_000))  # every published figure it cites: reproduced or not, and why

Every simulated step goes through the pathway engine: the policy chooses from
:func:`spinepath.assess`'s options and the choice must be legal. Results depend only on the
parameters, policy, profile, cohort, seed, n and horizon, never on chunking or executors.
Needs the ``sim`` extra (numpy, pandas, pyarrow); :mod:`spinepath.sim.plot` needs ``plot``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from spinepath.sim._extras import MissingExtra  # first: names the extra if numpy is missing
from spinepath.sim.cea import (
    CostEffectiveness,
    cea,
    ceac,
    dsa,
    evpi,
    icers,
    incremental_nmb,
    parameter_range,
)
from spinepath.sim.cohort import DEFAULT_COHORT, Cohort, Presentation
from spinepath.sim.compare import Comparison, compare, shares_patients, simulate_arms
from spinepath.sim.distributions import Beta, Distribution, Gamma, LogNormal, Normal, Uniform
from spinepath.sim.economics import Costs, Utilities, economics
from spinepath.sim.files import (
    cohort_from_mapping,
    costs_from_mapping,
    load_cohort,
    load_costs,
    load_utilities,
    save_inputs,
    utilities_from_mapping,
)
from spinepath.sim.kernel import ENGINES
from spinepath.sim.measures import Measurement, Observations
from spinepath.sim.oracles import FastPathMismatch
from spinepath.sim.parameters import (
    DEFAULT_PARAMETERS,
    PARAMETER_SETS,
    Estimate,
    Parameters,
    load_parameters,
    parameter_set,
    parameters_from_mapping,
    parameters_from_text,
)
from spinepath.sim.policies import (
    POLICIES,
    Policy,
    StepContext,
    early_surgical_referral,
    exhaust_non_surgical,
    follow_engine,
    no_rfa,
    policy,
    policy_named,
)
from spinepath.sim.psa import draw_parameters, psa
from spinepath.sim.results import Results, Summary
from spinepath.sim.runner import simulate
from spinepath.sim.survival import kaplan_meier, median_time, survival_at
from spinepath.sim.targets import TARGETS, Target

if TYPE_CHECKING:
    from spinepath.sim.validation import ValidationReport, validate

__all__ = [
    "DEFAULT_COHORT",
    "DEFAULT_PARAMETERS",
    "ENGINES",
    "PARAMETER_SETS",
    "POLICIES",
    "TARGETS",
    "Beta",
    "Cohort",
    "Comparison",
    "CostEffectiveness",
    "Costs",
    "Distribution",
    "Estimate",
    "FastPathMismatch",
    "Gamma",
    "LogNormal",
    "Measurement",
    "MissingExtra",
    "Normal",
    "Observations",
    "Parameters",
    "Policy",
    "Presentation",
    "Results",
    "StepContext",
    "Summary",
    "Target",
    "Uniform",
    "Utilities",
    "ValidationReport",
    "cea",
    "ceac",
    "cohort_from_mapping",
    "compare",
    "costs_from_mapping",
    "draw_parameters",
    "dsa",
    "early_surgical_referral",
    "economics",
    "evpi",
    "exhaust_non_surgical",
    "follow_engine",
    "icers",
    "incremental_nmb",
    "kaplan_meier",
    "load_cohort",
    "load_costs",
    "load_parameters",
    "load_utilities",
    "median_time",
    "no_rfa",
    "parameter_range",
    "parameter_set",
    "parameters_from_mapping",
    "parameters_from_text",
    "policy",
    "policy_named",
    "psa",
    "save_inputs",
    "shares_patients",
    "simulate",
    "simulate_arms",
    "survival_at",
    "utilities_from_mapping",
    "validate",
]


def __getattr__(name: str) -> Any:
    # imported when first asked for, so that ``python -m spinepath.sim.validation`` (which
    # regenerates the validation page) does not find its own module already imported
    if name in ("ValidationReport", "validate"):
        from spinepath.sim import validation

        return getattr(validation, name)
    raise AttributeError(f"module 'spinepath.sim' has no attribute {name!r}")
