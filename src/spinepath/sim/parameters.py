"""The simulation's parameters: response probabilities, durations of relief, complication rates,
rates of progression and delays, each an :class:`Estimate` naming its source.

Figures are published ones where a source gives one (CESI response about 50%, RFA
success 56-74%, RFA relief median 263 days, GON relief about 27 days, SCS trial 23 of 35,
adjacent segment disease about 3% a year, ...); every other default is graded ``assumption`` and
says why it is what it is. Override any value in code (``DEFAULT_PARAMETERS.derive(
rfa_success=0.7)``) or from a TOML or JSON file (:func:`load_parameters`), read as strictly as a
record document: unknown names, wrong types and out-of-range values raise
:class:`~spinepath.InvalidDocument` listing every problem with its path.

An estimate may carry an ``uncertainty`` distribution (Beta for probabilities, Gamma or
LogNormal for durations); :meth:`Parameters.sample` draws a parameter set from them for
probabilistic sensitivity analysis.
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Mapping
from pathlib import Path
from statistics import NormalDist
from typing import TYPE_CHECKING, Any, cast

import attrs
import numpy as np

if TYPE_CHECKING:
    import pandas as pd

from spinepath._checks import is_a, optional, text
from spinepath.errors import InvalidDocument, InvalidValue
from spinepath.io.problems import describe, key, quoted
from spinepath.rules.profiles import Grade
from spinepath.sim.distributions import (
    DISTRIBUTIONS,
    Beta,
    Distribution,
    Gamma,
    LogNormal,
    endpoint_response,
    fit_two_endpoints,
)

__all__ = [
    "DEFAULT_PARAMETERS",
    "PARAMETER_SETS",
    "UNITS",
    "Estimate",
    "Parameters",
    "load_parameters",
    "parameter_set",
    "parameters_from_mapping",
]

UNITS: dict[str, tuple[float, float]] = {
    "probability": (0.0, 1.0),
    "days": (1.0, 36500.0),
    "per year": (0.0, 100.0),
    "log-sd": (0.0, 5.0),
    "count": (0.0, 100.0),
}
"""The units an estimate can have, with the range of values each allows."""


@attrs.frozen
class Estimate:
    """One parameter value with its unit, its source and how sure we are of it."""

    value: float = attrs.field(converter=float)
    unit: str = attrs.field(validator=attrs.validators.in_(tuple(UNITS)))
    source: str = attrs.field(validator=text(500))
    grade: Grade = attrs.field(validator=is_a(Grade))
    uncertainty: Distribution | None = attrs.field(
        default=None, validator=optional(is_a(Distribution))
    )

    def __attrs_post_init__(self) -> None:
        low, high = UNITS[self.unit]
        if not math.isfinite(self.value) or not low <= self.value <= high:
            raise InvalidValue("value", _range_problem(self.value, self.unit))
        if self.uncertainty is not None:
            # a probability's distribution must stay within [0, 1]; durations and rates must
            # not go negative (draws beyond a finite bound are clipped to it)
            lo, hi = self.uncertainty.support()
            if lo < 0 or (self.unit == "probability" and hi > high):
                raise InvalidValue(
                    "uncertainty",
                    f"a {self.uncertainty.name} distribution can draw values outside "
                    f"{low:g}..{high:g} ({self.unit})",
                )

    def __str__(self) -> str:
        return f"{self.value:g} {self.unit}"


def _range_problem(value: float, unit: str) -> str:
    low, high = UNITS[unit]
    if not math.isfinite(value):
        return f"{value} is not a finite number"
    side = "below" if value < low else "above"
    bound = low if value < low else high
    return f"{value:g} is {side} {bound:g} ({unit})"


def _estimate(unit: str) -> Any:
    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, Estimate):
            raise InvalidValue(attribute.name, f"expected an Estimate, got {type(value).__name__}")
        if value.unit != unit:
            raise InvalidValue(attribute.name, f"is in {unit}, not {value.unit}")

    return check


R, S, U, A = Grade.READ, Grade.SECONDARY, Grade.UNVERIFIED, Grade.ASSUMPTION

STATPEARLS = (
    'StatPearls "Cervical Epidural Injection" (2023): about 50% get >=50% relief at 3 months'
)
COHEN_2014 = "Cohen et al., Anesthesiology 2014;121:1045"
RFA_SUCCESS = (
    "RFA success 56-74%: Cohen 2007 (Hurley et al. 2022, Table 17: 56% and 58%); MacVicar et al., "
    "Pain Med 2012;13:647 (74% and 61%); the mean of the four figures"
)
LORD_1996 = "Lord et al., NEJM 1996;335:1721: median 263 days to return to 50% of baseline pain"
GON_2012 = "J Headache Pain 2012 (doi:10.1007/s10194-012-0417-x): >=50% response lasted ~27 days"
LEVINE_2016 = "Levine et al., Can J Neurol Sci 2016: 23 of 35 trialled were implanted"
HILIBRAND = "Hilibrand 1999 via Jack et al., Can J Neurol Sci 2016: about 3% a year"
JOSR_2020 = "J Orthop Surg Res 2020 meta-analysis of ACDF vs posterior foraminotomy"
LIU_2016 = (
    "Liu et al., Orthop Surg 2016 (systematic review of ACDF vs posterior foraminotomy): mean "
    "complication rate 7% vs 4%"
)


def _p(
    value: float,
    unit: str,
    source: str,
    grade: Grade,
    uncertainty: Distribution | None = None,
) -> Estimate:
    return Estimate(value, unit, source, grade, uncertainty)


P, D, Y, L, N = "probability", "days", "per year", "log-sd", "count"


@attrs.frozen(kw_only=True)
class Parameters:
    """Every number the simulation model uses besides the guideline profile's thresholds.

    Probabilities are per procedure (or per visit) unless the unit says per year; durations are
    medians of log-normal distributions across responders (GON relief: a mean) in days.

    A response probability is the chance of adequate relief at the first follow-up; the share
    of *all treated* patients still relieved at a later time is the response times the share of
    responders whose relief lasts that long. Where a source reports such an endpoint, the
    response is fitted to it together with the duration (:func:`~spinepath.sim.distributions.
    endpoint_response`), and its source says how; change a duration and the endpoint moves.
    """

    # -- epidural injections ----------------------------------------------------------------
    cesi_response: Estimate = attrs.field(validator=_estimate(P))
    cesi_stenosis_response: Estimate = attrs.field(validator=_estimate(P))
    targeted_cesi_response: Estimate = attrs.field(validator=_estimate(P))
    cesi_repeat_response: Estimate = attrs.field(validator=_estimate(P))
    cesi_repeat_success_response: Estimate = attrs.field(validator=_estimate(P))
    cesi_off_target_response: Estimate = attrs.field(validator=_estimate(P))
    cesi_relief_median_days: Estimate = attrs.field(validator=_estimate(D))
    # -- diagnostic blocks --------------------------------------------------------------------
    snrb_sensitivity: Estimate = attrs.field(validator=_estimate(P))
    snrb_false_positive: Estimate = attrs.field(validator=_estimate(P))
    mbb_strong_relief: Estimate = attrs.field(validator=_estimate(P))
    mbb_moderate_relief: Estimate = attrs.field(validator=_estimate(P))
    mbb_confirmation: Estimate = attrs.field(validator=_estimate(P))
    # -- radiofrequency ablation ------------------------------------------------------------
    rfa_success: Estimate = attrs.field(validator=_estimate(P))
    rfa_repeat_success: Estimate = attrs.field(validator=_estimate(P))
    rfa_relief_median_days: Estimate = attrs.field(validator=_estimate(D))
    rfa_repeat_relief_median_days: Estimate = attrs.field(validator=_estimate(D))
    rfa_complete_relief: Estimate = attrs.field(validator=_estimate(P))
    # -- occipital nerve block, medication, physical therapy ----------------------------------
    gon_response: Estimate = attrs.field(validator=_estimate(P))
    gon_relief_mean_days: Estimate = attrs.field(validator=_estimate(D))
    medication_response: Estimate = attrs.field(validator=_estimate(P))
    medication_relief_median_days: Estimate = attrs.field(validator=_estimate(D))
    advanced_pt_response: Estimate = attrs.field(validator=_estimate(P))
    advanced_pt_relief_median_days: Estimate = attrs.field(validator=_estimate(D))
    # -- advanced interventional ------------------------------------------------------------
    scs_trial_success: Estimate = attrs.field(validator=_estimate(P))
    scs_implant_response: Estimate = attrs.field(validator=_estimate(P))
    scs_relief_median_days: Estimate = attrs.field(validator=_estimate(D))
    regenerative_response: Estimate = attrs.field(validator=_estimate(P))
    regenerative_relief_median_days: Estimate = attrs.field(validator=_estimate(D))
    # -- surgery ----------------------------------------------------------------------------
    surgery_acceptance: Estimate = attrs.field(validator=_estimate(P))
    surgery_success: Estimate = attrs.field(validator=_estimate(P))
    surgery_off_level_success: Estimate = attrs.field(validator=_estimate(P))
    revision_success: Estimate = attrs.field(validator=_estimate(P))
    operations_limit: Estimate = attrs.field(validator=_estimate(N))
    acdf_recurrence_per_year: Estimate = attrs.field(validator=_estimate(Y))
    foraminotomy_recurrence_per_year: Estimate = attrs.field(validator=_estimate(Y))
    # -- dispersion of every relief duration --------------------------------------------------
    relief_sigma: Estimate = attrs.field(validator=_estimate(L))
    # -- complications (per procedure) --------------------------------------------------------
    injection_minor_complication: Estimate = attrs.field(validator=_estimate(P))
    injection_serious_complication: Estimate = attrs.field(validator=_estimate(P))
    rfa_neuritis: Estimate = attrs.field(validator=_estimate(P))
    medication_side_effect: Estimate = attrs.field(validator=_estimate(P))
    scs_lead_migration: Estimate = attrs.field(validator=_estimate(P))
    acdf_dysphagia: Estimate = attrs.field(validator=_estimate(P))
    surgery_c5_palsy: Estimate = attrs.field(validator=_estimate(P))
    surgery_serious_complication: Estimate = attrs.field(validator=_estimate(P))
    # -- natural history ----------------------------------------------------------------------
    deficit_per_year: Estimate = attrs.field(validator=_estimate(Y))
    symptoms_changed: Estimate = attrs.field(validator=_estimate(P))
    # -- delays (medians in days; each patient's delay is log-normal around it) ---------------
    visit_interval_days: Estimate = attrs.field(validator=_estimate(D))
    block_interval_days: Estimate = attrs.field(validator=_estimate(D))
    imaging_wait_days: Estimate = attrs.field(validator=_estimate(D))
    treatment_follow_up_days: Estimate = attrs.field(validator=_estimate(D))
    medication_trial_days: Estimate = attrs.field(validator=_estimate(D))
    pt_course_days: Estimate = attrs.field(validator=_estimate(D))
    scs_trial_days: Estimate = attrs.field(validator=_estimate(D))
    surgery_wait_days: Estimate = attrs.field(validator=_estimate(D))
    urgent_wait_days: Estimate = attrs.field(validator=_estimate(D))
    post_operative_follow_up_days: Estimate = attrs.field(validator=_estimate(D))
    delay_sigma: Estimate = attrs.field(validator=_estimate(L))

    # -- reading ----------------------------------------------------------------------------
    def estimates(self) -> dict[str, Estimate]:
        """Every estimate by name, in declaration order."""
        return {a.name: getattr(self, a.name) for a in attrs.fields(Parameters)}

    def values(self) -> dict[str, float]:
        """Every value by name (what the simulation kernel reads)."""
        return {name: e.value for name, e in self.estimates().items()}

    def __getitem__(self, name: str) -> float:
        estimate: Estimate = getattr(self, name)
        return estimate.value

    # -- changing ---------------------------------------------------------------------------
    def derive(self, **changes: float | Estimate | Distribution) -> Parameters:
        """A copy with some estimates replaced.

        A bare number keeps the unit and records the source as a user override (its
        uncertainty is dropped: it described the old value); an :class:`Estimate` is taken as
        is; a :class:`Distribution` keeps the value and sets its uncertainty.
        """
        fields = attrs.fields_dict(Parameters)
        updates: dict[str, Estimate] = {}
        problems: list[str] = []
        for name, change in changes.items():
            if name not in fields:
                problems.append(f"{name}: unknown parameter")
                continue
            old: Estimate = getattr(self, name)
            try:
                updates[name] = _changed(old, change)
            except InvalidValue as error:
                problems.append(f"{name}: {error.problem}")
        if problems:
            raise InvalidDocument(problems, what="parameters")
        return attrs.evolve(self, **updates)

    def sample(self, rng: np.random.Generator) -> Parameters:
        """One draw of every uncertain estimate (certain ones are kept), for PSA."""
        updates: dict[str, Estimate] = {}
        for name, estimate in self.estimates().items():
            if estimate.uncertainty is not None:
                low, high = UNITS[estimate.unit]
                drawn = min(max(estimate.uncertainty.sample(rng), low), high)
                updates[name] = attrs.evolve(estimate, value=drawn)
        return attrs.evolve(self, **updates)

    def uncertain(self) -> tuple[str, ...]:
        """Names of the estimates that carry an uncertainty distribution."""
        return tuple(n for n, e in self.estimates().items() if e.uncertainty is not None)

    def to_dict(self) -> dict[str, Any]:
        """A parameter-file mapping of every estimate (reads back with the same values)."""
        out: dict[str, Any] = {}
        for name, e in self.estimates().items():
            entry: dict[str, Any] = {"value": e.value, "source": e.source, "grade": str(e.grade)}
            if e.uncertainty is not None:
                entry["uncertainty"] = e.uncertainty.to_dict()
            out[name] = entry
        return out

    def table(self) -> pd.DataFrame:
        """Every estimate as a row for a paper's appendix: ``parameter``, ``value``, ``unit``,
        ``source``, ``grade`` and ``uncertainty`` (the distribution, or empty)."""
        import pandas as pd

        rows = [
            {
                "parameter": name,
                "value": e.value,
                "unit": e.unit,
                "source": e.source,
                "grade": str(e.grade),
                "uncertainty": "" if e.uncertainty is None else repr(e.uncertainty),
            }
            for name, e in self.estimates().items()
        ]
        return pd.DataFrame(rows)

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)


def _changed(old: Estimate, change: object) -> Estimate:
    if isinstance(change, Estimate):
        if change.unit != old.unit:
            raise InvalidValue("unit", f"is in {old.unit}, not {change.unit}")
        return change
    if isinstance(change, Distribution):
        try:
            return attrs.evolve(old, uncertainty=change)
        except InvalidValue as error:
            raise InvalidValue("uncertainty", error.problem) from None
    if isinstance(change, bool) or not isinstance(change, int | float):
        raise InvalidValue("", f"expected a number, got {type(change).__name__}")
    low, high = UNITS[old.unit]
    if not math.isfinite(change) or not low <= change <= high:
        raise InvalidValue("", _range_problem(float(change), old.unit))
    return Estimate(float(change), old.unit, "user override", Grade.USER)


# -- endpoint-true fits ---------------------------------------------------------------------------
# Each published endpoint counts all treated patients still relieved at a time; the simulation
# draws a response at the first follow-up and a log-normal duration for responders. The fits
# below solve response * S(time) = endpoint (S: the share of responders whose relief lasts that
# long), so the simulated endpoint reproduces the source. Times: 3 months = 91 days, 6 months =
# 182 days, 27 weeks = 189 days, a month = 30.44 days.
RELIEF_SIGMA = 0.5
"""Log-sd of every relief duration (the ``relief_sigma`` default), used by the fits below."""

_MONTH = 30.44
_YOON_HERNIATION, _YOON_STENOSIS, _YOON_OVERALL = 0.829, 0.560, 0.681
_CESI_AT_3_MONTHS = 0.50  # StatPearls: about half get >=50% relief at 3 months
_CESI_MEDIAN = float(
    round(91 * math.exp(RELIEF_SIGMA * NormalDist().inv_cdf(_CESI_AT_3_MONTHS / _YOON_OVERALL)))
)
"""Responders' median CESI relief (124 days): Yoon's 68.1% responding, half still relieved at 3
months (StatPearls), 0.681 * S(91 days) = 0.50."""
_TARGETED_AT_3_MONTHS = 0.569  # Cohen 2014: 56.9% positive at 3 months, injection + care
_TARGETED = round(endpoint_response(_TARGETED_AT_3_MONTHS, 91, _CESI_MEDIAN, RELIEF_SIGMA), 3)

# RFA, Lord 1996 with Cohen 2007: all treated back to 50% of baseline pain at a median 263 days
# (p * S(263) = 0.5) and >=50% relief lasting >=6 months in 56-58% (p * S(182) = 0.57).
_LORD_P, _LORD_MEDIAN = fit_two_endpoints((182, 0.57), (263, 0.50), RELIEF_SIGMA)
_LORD_P, _LORD_MEDIAN = round(_LORD_P, 3), float(round(_LORD_MEDIAN))
# MacVicar 2012: relief 17-20 months after the first RFA (median of responders, 18.5 months),
# 15 months after repeats; success (complete or >=80% relief for >=6 months) 74% and 61%.
_MACVICAR_MEDIAN = float(round(18.5 * _MONTH))
_MACVICAR_REPEAT_MEDIAN = float(round(15 * _MONTH))
_MACVICAR_P = round(endpoint_response((0.74 + 0.61) / 2, 182, _MACVICAR_MEDIAN, RELIEF_SIGMA), 3)

LORD_FIT = (
    f"fitted: {_LORD_P:.1%} respond, responders' median {_LORD_MEDIAN:.0f} days (log-sd "
    f"{RELIEF_SIGMA:g}), so that all treated return to 50% of baseline pain at a median 263 days "
    "(Lord et al., NEJM 1996;335:1721) and 57% keep >=50% relief for >=6 months (Cohen 2007: 56% "
    "and 58%, Hurley et al. 2022, Table 17)"
)
MACVICAR_FIT = (
    f"fitted: {_MACVICAR_P:.1%} respond so that 67.5% of all treated (MacVicar et al., Pain Med "
    "2012;13:647: 74% and 61% in two practices) keep complete or >=80% relief for >=6 months, "
    f"with responders' relief lasting a median 18.5 months ({_MACVICAR_MEDIAN:.0f} days, "
    "MacVicar: 17-20 months)"
)


DEFAULT_PARAMETERS = Parameters(
    cesi_response=_p(
        _YOON_HERNIATION,
        P,
        "Yoon et al., Korean J Radiol 2015: 82.9% of CESIs for disc herniation worked at the "
        "first follow-up (>=50% relief); a first injection at the generating root (Lee et al., "
        "Pain Physician 2022: interlaminar and transforaminal alike beyond 1 month)",
        R,
        Beta.from_mean(_YOON_HERNIATION, 60),
    ),
    cesi_stenosis_response=_p(
        _YOON_STENOSIS,
        P,
        "Yoon et al., Korean J Radiol 2015: 56.0% of CESIs for foraminal stenosis worked at the "
        "first follow-up; a first injection at the generating root",
        R,
        Beta.from_mean(_YOON_STENOSIS, 60),
    ),
    targeted_cesi_response=_p(
        _TARGETED,
        P,
        f"assumption: fitted so that {_TARGETED_AT_3_MONTHS:.1%} of transforaminal injections "
        "at an SNRB-confirmed root keep >=50% relief at 3 months, as injection plus "
        f"conservative care in {COHEN_2014} ({_TARGETED:.3f} x S(91 days) = 0.569, responders' "
        f"median {_CESI_MEDIAN:.0f} days)",
        A,
        Beta.from_mean(_TARGETED, 60),
    ),
    cesi_repeat_response=_p(
        0.25,
        P,
        "assumption: the same injection again after it failed; half the first-injection "
        "response (S0 advises re-evaluation instead)",
        A,
        Beta.from_mean(0.25, 20),
    ),
    cesi_repeat_success_response=_p(
        _YOON_OVERALL,
        P,
        "assumption: the same injection again after it worked and its relief wore off reaches "
        "the generator as it did before; responds as the first injections in Yoon et al. 2015 "
        "(68.1% overall)",
        A,
        Beta.from_mean(_YOON_OVERALL, 20),
    ),
    cesi_off_target_response=_p(
        0.15,
        P,
        "assumption: an injection that misses the generating root works only by spread",
        A,
        Beta.from_mean(0.15, 20),
    ),
    cesi_relief_median_days=_p(
        _CESI_MEDIAN,
        D,
        f"fitted: responders' median so that {_YOON_OVERALL:.1%} responding (Yoon 2015, overall) "
        f"and {_CESI_AT_3_MONTHS:.0%} of all treated with >=50% relief at 3 months ({STATPEARLS}) "
        "agree",
        R,
        Gamma.from_mean(_CESI_MEDIAN, 0.25),
    ),
    snrb_sensitivity=_p(
        0.85,
        P,
        "assumption: no authoritative SNRB figure was found (a working definition)",
        A,
        Beta.from_mean(0.85, 30),
    ),
    snrb_false_positive=_p(
        0.20,
        P,
        "assumption: no authoritative SNRB figure was found (a working definition)",
        A,
        Beta.from_mean(0.20, 30),
    ),
    mbb_strong_relief=_p(
        0.40,
        P,
        "assumption: share of first medial branch blocks with >=80% relief in "
        "facet-type pain (facet prevalence in chronic neck pain is unverified)",
        A,
        Beta.from_mean(0.40, 30),
    ),
    mbb_moderate_relief=_p(
        0.25,
        P,
        "assumption: share of first medial branch blocks with 51-79% relief (Cohen 2007 "
        "reports RFA after both bands, Hurley 2022 Table 17)",
        A,
        Beta.from_mean(0.25, 30),
    ),
    mbb_confirmation=_p(
        0.75,
        P,
        "assumption: a confirmatory comparative block repeats >=80% relief (strict "
        "profile, Medicare facet LCDs)",
        A,
        Beta.from_mean(0.75, 30),
    ),
    rfa_success=_p(_LORD_P, P, LORD_FIT, R, Beta.from_mean(_LORD_P, 60)),
    rfa_repeat_success=_p(
        _LORD_P,
        P,
        "assumption: a repeat RFA (allowed only after one that worked) works as often as the "
        "first (McDonald et al., Neurosurgery 1999: relief after a successful first procedure "
        "could be reinstated by a repeat)",
        A,
        Beta.from_mean(_LORD_P, 30),
    ),
    rfa_relief_median_days=_p(_LORD_MEDIAN, D, LORD_FIT, R, Gamma.from_mean(_LORD_MEDIAN, 0.2)),
    rfa_repeat_relief_median_days=_p(
        float(round(_LORD_MEDIAN * 15 / 18.5)),
        D,
        "assumption: repeats last 15/18.5 of the first RFA's relief, as in MacVicar et al., "
        "Pain Med 2012;13:647 (15 months after repeats, 17-20 after the first)",
        A,
        Gamma.from_mean(round(_LORD_MEDIAN * 15 / 18.5), 0.2),
    ),
    rfa_complete_relief=_p(
        1.0,
        P,
        "Lord et al., NEJM 1996;335:1721: 7 of 12 treated (58%) free of pain at 27 weeks, as "
        "many as still had >=50% relief: responders' relief is complete",
        S,
    ),
    gon_response=_p(
        0.60,
        P,
        "assumption: " + GON_2012 + " gives durations, not rates; 42/44 satisfied in "
        "occipital neuralgia (PMC6130929) is an upper bound",
        A,
        Beta.from_mean(0.60, 20),
    ),
    gon_relief_mean_days=_p(27, D, GON_2012, R, Gamma.from_mean(27, 0.25)),
    medication_response=_p(
        0.35,
        P,
        "assumption: no published gabapentinoid figure for cervical radicular pain was found",
        A,
        Beta.from_mean(0.35, 20),
    ),
    medication_relief_median_days=_p(
        180, D, "assumption: relief lasts while the drug is continued", A, LogNormal(180, 0.3)
    ),
    advanced_pt_response=_p(
        0.268,
        P,
        COHEN_2014 + ": 26.8% positive at 3 months with conservative care alone",
        R,
        Beta.from_mean(0.268, 60),
    ),
    advanced_pt_relief_median_days=_p(
        180,
        D,
        "assumption: relief from a completed course lasts about six months",
        A,
        LogNormal(180, 0.3),
    ),
    scs_trial_success=_p(23 / 35, P, LEVINE_2016, R, Beta.from_counts(23, 35)),
    scs_implant_response=_p(
        0.70,
        P,
        "assumption: most implanted after a successful trial keep >=50% relief",
        A,
        Beta.from_mean(0.70, 20),
    ),
    scs_relief_median_days=_p(
        730, D, "assumption: stimulator relief is measured in years", A, LogNormal(730, 0.3)
    ),
    regenerative_response=_p(
        0.30,
        P,
        "assumption: no published figure was found",
        A,
        Beta.from_mean(0.30, 10),
    ),
    regenerative_relief_median_days=_p(
        180, D, "assumption: no published figure was found", A, LogNormal(180, 0.3)
    ),
    surgery_acceptance=_p(
        0.80,
        P,
        "assumption: most patients offered an operation after consultation accept it",
        A,
        Beta.from_mean(0.80, 20),
    ),
    surgery_success=_p(
        0.85,
        P,
        "assumption for both operations at the level and side of the generating root: "
        + JOSR_2020
        + " finds similar pain, disability and satisfaction, so one figure serves both",
        A,
        Beta.from_mean(0.85, 40),
    ),
    surgery_off_level_success=_p(
        0.15,
        P,
        "assumption: an operation that misses the generating root (another level or side) "
        "relieves its pain only by chance, as an injection that misses it",
        A,
        Beta.from_mean(0.15, 20),
    ),
    revision_success=_p(
        0.60,
        P,
        "assumption: a revision (any operation after an earlier one) at the generating root "
        "succeeds less often than a first operation (scarring, a less favourable patient)",
        A,
        Beta.from_mean(0.60, 20),
    ),
    operations_limit=_p(
        2,
        N,
        "assumption: the first operation and at most one revision; a surgeon offers no third "
        "cervical operation for radicular pain that two failed to relieve",
        A,
    ),
    acdf_recurrence_per_year=_p(
        0.03,
        Y,
        "adjacent segment disease after ACDF, " + HILIBRAND + "; for every fused patient from the "
        "day of surgery",
        R,
        Gamma.from_mean(0.03, 0.3),
    ),
    foraminotomy_recurrence_per_year=_p(
        0.05,
        Y,
        "assumption: " + JOSR_2020 + " finds more reoperations after foraminotomy; the "
        "rate is assumed",
        A,
        Gamma.from_mean(0.05, 0.4),
    ),
    relief_sigma=_p(
        RELIEF_SIGMA,
        L,
        "assumption: log-sd that puts the seed article's 6-12 months of RFA relief within the "
        "spread of responders' durations; the endpoint fits use it",
        A,
    ),
    injection_minor_complication=_p(
        0.02, P, "assumption: vasovagal reactions and transient flares per needle procedure", A
    ),
    injection_serious_complication=_p(
        0.0005, P, "assumption: epidural haematoma, infection, nerve injury are rare", A
    ),
    rfa_neuritis=_p(0.05, P, "assumption: post-ablation neuritis per RFA session", A),
    medication_side_effect=_p(0.25, P, "assumption: dizziness or somnolence on a gabapentinoid", A),
    scs_lead_migration=_p(0.10, P, "assumption: lead migration per stimulator implant", A),
    acdf_dysphagia=_p(
        0.035,
        P,
        "assumption: the ACDF-only share of " + LIU_2016 + " (7% complications after ACDF, 4% "
        "after foraminotomy): 7% less the complications both operations share",
        A,
    ),
    surgery_c5_palsy=_p(
        0.025,
        P,
        "assumption: C5 palsy, part of the 4% of complications after either operation ("
        + LIU_2016
        + ")",
        A,
    ),
    surgery_serious_complication=_p(
        0.015,
        P,
        "assumption: infection and other serious complications, the rest of the 4% after "
        "either operation (" + LIU_2016 + "; " + JOSR_2020 + ": rates similar)",
        A,
    ),
    deficit_per_year=_p(
        0.03,
        Y,
        "assumption: rate at which radicular pain progresses to a motor deficit (S12)",
        A,
        Gamma.from_mean(0.03, 0.5),
    ),
    symptoms_changed=_p(
        0.15, P, "assumption: at a re-evaluation, symptoms have changed since the last MRI (S2)", A
    ),
    visit_interval_days=_p(14, D, "assumption: two weeks between clinic steps", A),
    block_interval_days=_p(
        14,
        D,
        "assumption: two weeks from a diagnostic block to the next "
        "step (at least the 14-day epidural interval, eviCore)",
        A,
    ),
    imaging_wait_days=_p(14, D, "assumption: two weeks from order to study", A),
    treatment_follow_up_days=_p(
        42, D, "assumption: a failed treatment is judged at a six-week follow-up", A
    ),
    medication_trial_days=_p(56, D, "assumption: an eight-week titration and trial", A),
    pt_course_days=_p(42, D, "assumption: a six-week course of advanced physical therapy", A),
    scs_trial_days=_p(7, D, "assumption: a one-week stimulator trial", A),
    surgery_wait_days=_p(42, D, "assumption: six weeks from routine consultation to surgery", A),
    urgent_wait_days=_p(
        7, D, "assumption: a week from a red flag to the surgeon, and on to decompression (S12)", A
    ),
    post_operative_follow_up_days=_p(90, D, "assumption: outcome judged at three months", A),
    delay_sigma=_p(0.3, L, "assumption: spread of every delay around its median", A),
)
"""The shipped parameter set, ``lord-1996`` (published figures where found, the rest marked as
assumptions; all listed in ``docs/evidence.md``)."""

_MACVICAR_PARAMETERS = attrs.evolve(
    DEFAULT_PARAMETERS,
    rfa_success=_p(_MACVICAR_P, P, MACVICAR_FIT, R, Beta.from_mean(_MACVICAR_P, 60)),
    rfa_repeat_success=attrs.evolve(
        DEFAULT_PARAMETERS.rfa_repeat_success,
        value=_MACVICAR_P,
        uncertainty=Beta.from_mean(_MACVICAR_P, 30),
    ),
    rfa_relief_median_days=_p(
        _MACVICAR_MEDIAN, D, MACVICAR_FIT, R, Gamma.from_mean(_MACVICAR_MEDIAN, 0.2)
    ),
    rfa_repeat_relief_median_days=_p(
        _MACVICAR_REPEAT_MEDIAN,
        D,
        "MacVicar et al., Pain Med 2012;13:647: relief lasted 15 months after repeat RFAs",
        R,
        Gamma.from_mean(_MACVICAR_REPEAT_MEDIAN, 0.2),
    ),
    rfa_complete_relief=_p(
        1.0,
        P,
        "MacVicar et al., Pain Med 2012;13:647: success is complete (or >=80%) relief; patients "
        "were selected by complete relief after controlled blocks",
        R,
    ),
)

PARAMETER_SETS: dict[str, Parameters] = {
    "lord-1996": DEFAULT_PARAMETERS,
    "macvicar-2012": _MACVICAR_PARAMETERS,
}
"""Named parameter sets where sources disagree, by name. They differ in RFA only:

* ``lord-1996`` (the default): all treated return to 50% of baseline pain at a median 263 days
  (Lord 1996) and 56-58% keep >=50% relief for 6 months (Cohen 2007); responders' relief lasts
  a median of about 14 months;
* ``macvicar-2012``: 61-74% keep complete (or >=80%) relief for 6 months and relief lasts 17-20
  months after the first RFA, 15 after repeats (MacVicar 2012), in patients selected by complete
  relief after controlled blocks.
"""


def parameter_set(name: str) -> Parameters:
    """A named parameter set (see :data:`PARAMETER_SETS`); an unknown name raises
    :class:`~spinepath.InvalidValue` listing the known ones."""
    found = PARAMETER_SETS.get(name) if isinstance(name, str) else None
    if found is None:
        known = ", ".join(sorted(PARAMETER_SETS))
        raise InvalidValue("parameters", f"{name!r} is not a known parameter set ({known})")
    return found


# -- reading parameter files ----------------------------------------------------------------------

_ENTRY_KEYS = frozenset({"value", "source", "grade", "uncertainty"})
_TOP_KEYS = frozenset({"title", "set"})


def load_parameters(path: str | Path, base: Parameters = DEFAULT_PARAMETERS) -> Parameters:
    """Read a TOML (``.toml``) or JSON parameter file; values not named keep ``base``'s (or
    those of the named set the file chooses with ``set = "macvicar-2012"``).

    A file names parameters at its top level, each as a number or as a table::

        rfa_success = 0.7
        [rfa_relief_median_days]
        value = 240
        source = "our clinic's audit, 2024"
        uncertainty = { distribution = "gamma", shape = 25, scale = 9.6 }

    Raises :class:`~spinepath.InvalidDocument` listing every problem with its path.
    """
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as error:
        raise InvalidDocument(
            [f"cannot read {file.name}: {error.strerror}"], what="parameters"
        ) from None
    return parameters_from_text(raw, toml=file.suffix.lower() == ".toml", base=base)


def parameters_from_text(
    raw: bytes | str, *, toml: bool, base: Parameters = DEFAULT_PARAMETERS
) -> Parameters:
    """Read parameter-file text (TOML when ``toml``, else JSON); see :func:`load_parameters`."""
    try:
        text_ = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as error:
        raise InvalidDocument(
            [f"document is not UTF-8 text (invalid byte at offset {error.start})"],
            what="parameters",
        ) from None
    if toml:
        try:
            data: Any = tomllib.loads(text_)
        except tomllib.TOMLDecodeError as error:
            raise InvalidDocument([f"not valid TOML: {error}"], what="parameters") from None
        except RecursionError:  # tomllib recurses once per nested array or inline table
            raise InvalidDocument(
                ["not valid TOML: nested too deeply"], what="parameters"
            ) from None
    else:
        from spinepath.io.jsontext import parse

        try:
            data = parse(text_)
        except InvalidDocument as error:
            raise InvalidDocument(
                error.problems, what="parameters", total=error.total, complete=error.complete
            ) from None
    return parameters_from_mapping(data, base=base)


def parameters_from_mapping(data: object, base: Parameters = DEFAULT_PARAMETERS) -> Parameters:
    """Parameters from a parsed file (a mapping of names to numbers or tables)."""
    if not isinstance(data, Mapping):
        raise InvalidDocument(
            [f"expected a table of parameters, got {describe(data)}"], what="parameters"
        )
    fields = attrs.fields_dict(Parameters)
    problems: list[str] = []
    updates: dict[str, Estimate] = {}
    named = data.get("set")
    if isinstance(named, str):
        if named in PARAMETER_SETS:
            base = PARAMETER_SETS[named]
        else:
            known = ", ".join(sorted(PARAMETER_SETS))
            problems.append(f"set: {quoted(named)} is not a known parameter set ({known})")
    for name, entry in data.items():
        where = key(str(name))
        if name in _TOP_KEYS:
            if not isinstance(entry, str):
                problems.append(f"{where}: expected text, got {describe(entry)}")
            continue
        if name not in fields:
            problems.append(f"{where}: unknown parameter")
            continue
        estimate = _read_entry(where, entry, getattr(base, name), problems)
        if estimate is not None:
            updates[name] = estimate
    if problems:
        raise InvalidDocument(problems, what="parameters")
    return attrs.evolve(base, **updates)


def _number(where: str, value: object, problems: list[str]) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(f"{where}: expected a number, got {describe(value)}")
        return None
    if not math.isfinite(value):
        problems.append(f"{where}: {value} is not a finite number")
        return None
    return float(value)


def _read_entry(where: str, entry: object, old: Estimate, problems: list[str]) -> Estimate | None:
    if not isinstance(entry, Mapping):
        value = _number(where, entry, problems)
        if value is None:
            return None
        return _checked(where, value, old.unit, "user override", Grade.USER, None, problems)
    before = len(problems)
    for name in entry:
        if name not in _ENTRY_KEYS:
            problems.append(f"{where}.{key(str(name))}: unknown field")
    value = old.value
    if "value" in entry:
        read = _number(f"{where}.value", entry["value"], problems)
        value = old.value if read is None else read
    source = entry.get("source", "user override" if "value" in entry else old.source)
    if not isinstance(source, str) or not source.strip() or len(source) > 500:
        problems.append(f"{where}.source: expected non-blank text of at most 500 characters")
    grade = Grade.USER if "value" in entry else old.grade
    if "grade" in entry:
        try:
            grade = Grade(entry["grade"])
        except ValueError:
            known = ", ".join(g.value for g in Grade)
            problems.append(f"{where}.grade: must be one of {known}")
    uncertainty = old.uncertainty if "value" not in entry else None
    if "uncertainty" in entry:
        uncertainty = _read_distribution(f"{where}.uncertainty", entry["uncertainty"], problems)
    if len(problems) > before:
        return None
    return _checked(where, value, old.unit, str(source), grade, uncertainty, problems)


def _checked(
    where: str,
    value: float,
    unit: str,
    source: str,
    grade: Grade,
    uncertainty: Distribution | None,
    problems: list[str],
) -> Estimate | None:
    try:
        return Estimate(value, unit, source, grade, uncertainty)
    except InvalidValue as error:
        path = where if error.field == "value" else f"{where}.{error.field}"
        problems.append(f"{path}: {error.problem}")
        return None


def _read_distribution(where: str, entry: object, problems: list[str]) -> Distribution | None:
    if not isinstance(entry, Mapping):
        problems.append(f"{where}: expected a table, got {describe(entry)}")
        return None
    tag = entry.get("distribution")
    cls = DISTRIBUTIONS.get(tag) if isinstance(tag, str) else None
    if cls is None:
        known = ", ".join(sorted(DISTRIBUTIONS))
        shown = quoted(tag) if isinstance(tag, str) else describe(tag)
        problems.append(f"{where}.distribution: {shown} is not one of {known}")
        return None
    names = {a.name: a for a in attrs.fields(cast(Any, cls))}
    kwargs: dict[str, float] = {}
    before = len(problems)
    for name, value in entry.items():
        if name == "distribution":
            continue
        if name not in names:
            problems.append(f"{where}.{key(str(name))}: unknown field of a {tag} distribution")
            continue
        read = _number(f"{where}.{name}", value, problems)
        if read is not None:
            kwargs[str(name)] = read
    for name, attribute in names.items():
        if name not in entry and attribute.default is attrs.NOTHING:
            problems.append(f"{where}.{name}: required field is missing")
    if len(problems) > before:
        return None
    try:
        distribution: Distribution = cls(**kwargs)
    except InvalidValue as error:
        problems.append(f"{where}.{error.field}: {error.problem}")
        return None
    return distribution
