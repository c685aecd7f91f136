"""Policies: how the simulated clinic chooses the next step from the engine's assessment.

A policy is a callable ``(assessment, context) -> Option | Action | None``: it picks one of the
assessment's options (or names an action), or answers ``None`` to stop active treatment (the
patient is discharged). Whatever it picks goes through the engine's legality check: a blocked
step is an :class:`~spinepath.IllegalTransition` unless the run allows overrides, in which case
the event carries an :class:`~spinepath.Override` naming the policy.

Shipped policies (by name): ``engine`` (the default: the engine's first recommendation),
``early-surgical-referral``, ``exhaust-non-surgical`` and ``no-rfa``. Write your own as a plain
function, or wrap it with :func:`policy` to name it and to declare it *memoizable*: a
memoizable policy's choice depends only on the assessment and ``context.actions`` (the steps
taken so far), so the fast simulation path asks it once per distinct state instead of once per
patient and step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Protocol, runtime_checkable

import attrs
import numpy as np

from spinepath.errors import InvalidValue
from spinepath.model import Urgency
from spinepath.pathway import Assessment, Option
from spinepath.rules.actions import Action, ActionKind
from spinepath.sim.streams import Slot, counter, uniform

__all__ = [
    "POLICIES",
    "Choice",
    "Policy",
    "PolicyFunction",
    "StepContext",
    "early_surgical_referral",
    "exhaust_non_surgical",
    "follow_engine",
    "no_rfa",
    "policy",
    "policy_named",
    "resolve_policy",
]

K = ActionKind
Choice = Option | Action | None
"""What a policy returns: an option of the assessment, an action, or None to stop."""

_POLICY_DRAWS = 4


@attrs.define(kw_only=True)
class StepContext:
    """What a policy may know besides the assessment: who, when, what was done so far, and a
    source of randomness that is reproducible per patient and step.

    ``actions`` are the steps taken since entry (oldest first). ``random()`` returns the next
    of this step's uniform draws; ``rng`` is a numpy Generator for more (made on first use,
    from ``SeedSequence(entropy=seed, spawn_key=(index, step + 1))``).
    """

    index: int
    step: int
    day: int
    as_of: dt.date
    actions: tuple[Action, ...]
    seed: int
    key: int
    surgery_declined: bool = False
    """The patient declined surgery at their last consultation (a recorded shared decision):
    the operations stay allowed, but a policy should not choose them."""
    _draws: int = 0
    _rng: np.random.Generator | None = None

    def random(self) -> float:
        """A uniform draw in [0, 1) from this patient's stream (four per step, then ``rng``)."""
        if self._draws < _POLICY_DRAWS:
            value = uniform(self.key, int(counter(self.step, int(Slot.POLICY) + self._draws)))
            self._draws += 1
            return value
        return float(self.rng.random())

    @property
    def rng(self) -> np.random.Generator:
        if self._rng is None:
            sequence = np.random.SeedSequence(
                entropy=self.seed, spawn_key=(self.index, self.step + 1)
            )
            self._rng = np.random.default_rng(sequence)
        return self._rng

    def done(self, kind: ActionKind) -> bool:
        """Whether a step of this kind was taken since entry."""
        return any(a.kind is kind for a in self.actions)


PolicyFunction = Callable[[Assessment, StepContext], Choice]


@runtime_checkable
class Policy(Protocol):
    """A named policy; ``memoizable`` declares that the choice depends only on the assessment
    and ``context.actions``."""

    @property
    def name(self) -> str: ...

    @property
    def memoizable(self) -> bool: ...

    def __call__(self, assessment: Assessment, context: StepContext) -> Choice: ...


@attrs.frozen
class _Named:
    name: str
    function: PolicyFunction
    memoizable: bool = False

    def __call__(self, assessment: Assessment, context: StepContext) -> Choice:
        return self.function(assessment, context)


def policy(name: str, *, memoizable: bool = False) -> Callable[[PolicyFunction], Policy]:
    """Decorator naming a policy function (and declaring it memoizable when it is)::

        @sim.policy("imaging-first", memoizable=True)
        def imaging_first(assessment, context):
            ...

    The function returns an ``Option``, an ``Action`` or ``None``, as any policy does.
    """
    if not isinstance(name, str) or not name.strip():
        raise InvalidValue("name", "a policy needs a non-blank name")

    def wrap(function: PolicyFunction) -> Policy:
        return _Named(name, function, memoizable)

    return wrap


# -- the shipped policies ------------------------------------------------------------------------

_SURGERY = frozenset({K.ACDF, K.LAMINOFORAMINOTOMY})
_WORK_UP = frozenset({K.RE_EVALUATION, K.IMAGING, K.POSTURE_REVIEW})
_NON_SURGICAL_TREATMENTS = (
    K.SELECTIVE_NERVE_ROOT_BLOCK,
    K.MEDIAL_BRANCH_BLOCK,
    K.RADIOFREQUENCY_ABLATION,
    K.GREATER_OCCIPITAL_NERVE_BLOCK,
    K.MEDICATION_TRIAL,
    K.ADVANCED_PHYSICAL_THERAPY,
    K.SPINAL_CORD_STIMULATOR_TRIAL,
    K.SPINAL_CORD_STIMULATOR_IMPLANT,
    K.REGENERATIVE_THERAPY,
)


def _first(options: tuple[Option, ...], keep: Callable[[Option], bool]) -> Option | None:
    return next((o for o in options if keep(o)), None)


def _routine_consultation(option: Option) -> bool:
    action = option.action
    return action.kind is K.SURGICAL_CONSULTATION and action.urgency is Urgency.ROUTINE


def _follow(assessment: Assessment, _: StepContext) -> Choice:
    return assessment.first


def _early(assessment: Assessment, context: StepContext) -> Choice:
    urgent = _first(assessment.recommended, lambda o: o.urgent)
    if urgent is not None:
        return urgent
    legal = (*assessment.recommended, *assessment.allowed)
    work_up = _first(assessment.recommended, lambda o: o.action.kind in _WORK_UP)
    if work_up is not None:
        return work_up
    surgical_lesion = any(o.action.kind in _SURGERY for o in assessment.options)
    consulted = context.done(K.SURGICAL_CONSULTATION)
    if surgical_lesion and not consulted:
        consult = _first(legal, _routine_consultation)
        if consult is not None:
            return consult
    if consulted and not context.surgery_declined and not any(context.done(k) for k in _SURGERY):
        operation = _first(legal, lambda o: o.action.kind in _SURGERY)
        if operation is not None:
            return operation
    return assessment.first


def _exhaust(assessment: Assessment, context: StepContext) -> Choice:
    urgent = _first(assessment.recommended, lambda o: o.urgent)
    if urgent is not None:
        return urgent
    surgical = _SURGERY | {K.SURGICAL_CONSULTATION}
    recommended = _first(assessment.recommended, lambda o: o.action.kind not in surgical)
    if recommended is not None:
        return recommended
    for kind in _NON_SURGICAL_TREATMENTS:
        if not context.done(kind):
            untried = next((o for o in assessment.allowed if o.action.kind is kind), None)
            if untried is not None:
                return untried
    legal = (*assessment.recommended, *assessment.allowed)
    if not context.done(K.SURGICAL_CONSULTATION) and any(
        o.action.kind in _SURGERY for o in assessment.options
    ):
        consult = _first(legal, _routine_consultation)
        if consult is not None:
            return consult
    if not context.surgery_declined and not any(context.done(k) for k in _SURGERY):
        operation = _first(legal, lambda o: o.action.kind in _SURGERY)
        if operation is not None:
            return operation
    return None


def _no_rfa(assessment: Assessment, _: StepContext) -> Choice:
    return _first(
        assessment.recommended,
        lambda o: o.action.kind not in (K.RADIOFREQUENCY_ABLATION, K.MEDIAL_BRANCH_BLOCK),
    )


follow_engine: Policy = _Named("engine", _follow, True)
"""Take the engine's first recommendation; stop when nothing is recommended (the default)."""

early_surgical_referral: Policy = _Named("early-surgical-referral", _early, True)
"""Work up (re-evaluation, imaging, posture review) as recommended, then refer to a surgeon at
once when imaging shows a surgical lesion, and operate when the operation is legal."""

exhaust_non_surgical: Policy = _Named("exhaust-non-surgical", _exhaust, True)
"""Take every recommended non-surgical step, then every legal non-surgical treatment not yet
tried; only then a routine surgical consultation and an operation (red flags still jump the
queue)."""

no_rfa: Policy = _Named("no-rfa", _no_rfa, True)
"""The engine's first recommendation, never a medial branch block or RFA (no ablation
service)."""

POLICIES: dict[str, Policy] = {
    p.name: p for p in (follow_engine, early_surgical_referral, exhaust_non_surgical, no_rfa)
}
"""The shipped policies by name."""


def policy_named(name: str) -> Policy:
    """A shipped policy by name (see :data:`POLICIES`); an unknown name raises InvalidValue."""
    try:
        return POLICIES[name]
    except KeyError:
        known = ", ".join(sorted(POLICIES))
        raise InvalidValue("policy", f"{name!r} is not a known policy ({known})") from None


def resolve_policy(value: str | Policy | PolicyFunction) -> Policy:
    """A policy from a name, a :class:`Policy` or a plain function (not memoizable)."""
    if isinstance(value, str):
        return policy_named(value)
    if isinstance(value, Policy):
        return value
    if callable(value):
        name = getattr(value, "__name__", "custom")
        return _Named(name if name != "<lambda>" else "custom", value, False)
    raise InvalidValue("policy", f"expected a policy name or callable, got {type(value).__name__}")
