"""A Hypothesis state machine that drives the pathway engine, for downstream suites to extend.

Subclass :class:`PathwayStateMachine`, override its hooks to mirror each step in your own
application (a store, an EHR adapter, a screen), assert there that the application agrees with
the engine, and let Hypothesis search for the sequence of events where it does not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import ClassVar

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule

from spinepath.errors import IllegalTransition, InvalidValue
from spinepath.model import DischargeReason, Event, PatientRecord
from spinepath.pathway import Assessment, Phase, Status, apply, assess, make_event
from spinepath.rules.actions import ActionKind
from spinepath.rules.profiles import CONSENSUS_2022, Profile
from spinepath.testing import _walk
from spinepath.testing._walk import Walk

__all__ = ["MOVES", "PathwayStateMachine", "check_assessment"]

_URGENT_KINDS = frozenset(
    {ActionKind.SURGICAL_CONSULTATION, ActionKind.ACDF, ActionKind.LAMINOFORAMINOTOMY}
)

MOVES = (
    "apply_legal_option",
    "record_outcome",
    "add_visit",
    "try_blocked_option",
    "show_red_flag",
)
"""The moves of :class:`PathwayStateMachine`, simplest first (a failing run shrinks towards
performing options): each is a method taking Hypothesis's ``data`` and a key of ``weights``."""

_ALWAYS = frozenset({"apply_legal_option", "add_visit"})  # moves that can always be made


def check_assessment(assessment: Assessment) -> None:
    """Assert what every assessment must satisfy (pathway.md), whatever the record.

    The three classes partition the candidates, each option sits in the list of its status,
    recommended options are ranked 1..n with urgent ones first, every recommended or allowed
    option cites a rule id and every blocked one names a failed precondition with its rule.
    """
    seen: set[object] = set()
    for status, group in (
        (Status.RECOMMENDED, assessment.recommended),
        (Status.ALLOWED, assessment.allowed),
        (Status.BLOCKED, assessment.blocked),
    ):
        for option in group:
            assert option.status is status, f"{option} is listed {status} but is {option.status}"
            assert option.action not in seen, f"{option} is a candidate twice"
            seen.add(option.action)
            if status is Status.BLOCKED:
                assert option.failed, f"blocked {option} names no failed precondition"
                assert all(r.rule for r in option.failed), f"blocked {option}: a reason has no rule"
            else:
                assert option.reasons, f"{status} {option} cites no rule"
                assert all(r.rule for r in option.reasons), f"{option}: a reason has no rule id"
    ranks = [o.rank for o in assessment.recommended]
    assert ranks == list(range(1, len(ranks) + 1)), f"recommended ranks are {ranks}"
    urgent = [o.urgent for o in assessment.recommended]
    assert urgent == sorted(urgent, reverse=True), "an urgent option ranks below a routine one"


class PathwayStateMachine(RuleBasedStateMachine):
    """Drives the pathway engine the way a clinic would, one event at a time.

    It starts from a generated pathway entry (intake visit, imaging, the initial CESI and its
    outcome), then takes steps. Each step is one move, drawn by ``weights`` from those that
    can do something now, on a date 0-60 days after the last: perform a legal option
    (``apply_legal_option``); report the outcome of an intervention (``record_outcome``, when
    one is pending); add a follow-up visit (``add_visit``); try a blocked option and expect
    :class:`~spinepath.IllegalTransition` with the record unchanged (``try_blocked_option``,
    once per record); add an exam that shows a red flag (``show_red_flag``: once, and once more
    after each operation, unless ``red_flag`` is False). After the entry and after every event
    the engine accepts, it assesses the record and checks the assessment's invariants, so no
    step is spent only on checking and every step but a refused probe adds an event.

    Subclass it and override the hooks (``on_start``, ``on_assessed``, ``on_applied``,
    ``on_rejected``) to mirror each step in your application and assert that it agrees; run
    it with ``TestMyApp = MyMachine.TestCase``. Class attributes choose the guideline
    ``profile``, whether red flags appear (``red_flag``: None sometimes, False never), the
    steering of :func:`~spinepath.testing.strategies.patient_records` (``reach``: a
    :class:`~spinepath.Phase` to head for, with options that lead there and outcomes that do
    not end treatment early; ``prefer``: kinds of action picked three times in four whenever
    one is legal, their blocks mostly positive) and the ``weights`` of the moves (a mapping
    from move name to a whole number; 0 never makes that move). ``self.record`` is the
    engine's record so far.
    """

    profile: ClassVar[Profile] = CONSENSUS_2022
    red_flag: ClassVar[bool | None] = None
    reach: ClassVar[Phase | None] = None
    prefer: ClassVar[frozenset[ActionKind]] = frozenset()
    weights: ClassVar[Mapping[str, int]] = MappingProxyType(
        {
            "apply_legal_option": 4,
            "record_outcome": 2,
            "add_visit": 1,
            "try_blocked_option": 1,
            "show_red_flag": 1,
        }
    )

    def __init__(self) -> None:
        super().__init__()
        self._moves = _weighted(self.weights)
        if not isinstance(self.profile, Profile):
            raise InvalidArgument(f"profile must be a spinepath Profile, not {self.profile!r}")
        if self.reach is not None and not isinstance(self.reach, Phase):
            raise InvalidArgument(f"reach must be a Phase or None, not {self.reach!r}")
        if not all(isinstance(kind, ActionKind) for kind in self.prefer):
            raise InvalidArgument(f"prefer must hold ActionKind members, not {self.prefer!r}")
        self._walk: Walk | None = None
        self._probed: PatientRecord | None = None
        self._flagged_on: dt.date | None = None

    # -- hooks for subclasses ---------------------------------------------------------------
    def on_start(self, record: PatientRecord) -> None:
        """Called once with the entry record (patient, intake, imaging, CESI and outcome)."""

    def on_assessed(self, record: PatientRecord, assessment: Assessment) -> None:
        """Called with what :func:`spinepath.assess` says of ``record`` (as of its last event),
        after the entry and after every accepted event."""

    def on_applied(self, record: PatientRecord, event: Event) -> None:
        """Called after the engine accepted ``event``; ``record`` now ends with it."""

    def on_rejected(self, record: PatientRecord, event: Event, error: IllegalTransition) -> None:
        """Called after the engine refused ``event``; ``record`` is unchanged."""

    # -- state ------------------------------------------------------------------------------
    @property
    def walk(self) -> Walk:
        assert self._walk is not None, "the machine has not started"
        return self._walk

    @property
    def record(self) -> PatientRecord:
        """The engine's record so far."""
        return self.walk.record

    def assess_and_check(self) -> None:
        """Assess the record as of its last event, check the assessment and call
        :meth:`on_assessed` (done after the entry and after every accepted event)."""
        record = self.record
        assessment = assess(record, self.profile)
        check_assessment(assessment)
        # The same events read afresh (no values carried forward by PatientRecord.add): the
        # same assessment, so assess is deterministic and the incremental fold is the fold.
        again = assess(PatientRecord(record.patient, record.events), self.profile)
        assert again == assessment, "assess differs for the same events read afresh"
        assert self.record is record
        for option in assessment.recommended:
            if option.urgent:  # S12: only a consultation or the decompression it leads to
                assert option.action.kind in _URGENT_KINDS, f"{option} is marked urgent"
        self.on_assessed(record, assessment)

    def _accepted(self, before: PatientRecord, event: Event) -> None:
        self.walk.due.clear()  # outcomes are this machine's own move, not queued
        after = self.walk.record
        assert len(after.events) == len(before.events) + 1, "apply did not add one event"
        assert after.events[-1] == event
        self.on_applied(after, event)
        self.assess_and_check()

    def _can(self, move: str) -> bool:
        """Whether ``move`` would do something now (a move that would not is never drawn)."""
        walk = self.walk
        if move == "record_outcome":
            return bool(walk.pending)
        if move == "try_blocked_option":  # once per record: again would test the same record
            return self._probed is not walk.record
        if move == "show_red_flag":  # once, and once more after each operation
            flagged, operated = self._flagged_on, walk.operated_on
            return self.red_flag is not False and (
                flagged is None or (operated is not None and operated >= flagged)
            )
        return True

    # -- rules ------------------------------------------------------------------------------
    @initialize(data=st.data())
    def start(self, data: st.DataObject) -> None:
        self._walk = _walk.start_walk(
            data.draw, self.profile, reach=self.reach, red_flag=False, prefer=frozenset(self.prefer)
        )
        self.on_start(self.record)
        self.assess_and_check()

    @rule(data=st.data())
    def step(self, data: st.DataObject) -> None:
        """One move, drawn by ``weights`` from the moves that would do something now."""
        possible = {m for m in set(self._moves) if m in _ALWAYS or self._can(m)}
        move = data.draw(st.sampled_from([m for m in self._moves if m in possible]), label="move")
        getattr(self, move)(data)

    # -- moves --------------------------------------------------------------------------------
    def apply_legal_option(self, data: st.DataObject) -> None:
        """Perform an option assess calls recommended or allowed (steered by ``reach`` and
        ``prefer``), through :func:`spinepath.apply`, which must accept it."""
        walk = self.walk
        walk.advance(data.draw(st.integers(0, 60), label="days later"))
        option = _walk.choose(data.draw, walk, assess(walk.record, self.profile, walk.today))
        if option is None:
            return
        before = walk.record
        event = _walk.perform(data.draw, walk, option)
        self._accepted(before, event)

    def try_blocked_option(self, data: st.DataObject) -> None:
        """Build the event of a blocked option and expect apply to refuse it, naming the
        same failed preconditions as assess, with the record unchanged."""
        walk = self.walk
        walk.advance(data.draw(st.integers(0, 60), label="days later"))
        record = walk.record
        self._probed = record
        blocked = assess(record, self.profile, walk.today).blocked
        if not blocked:
            return
        option = data.draw(st.sampled_from(blocked), label="blocked option")
        details = _walk.details(data.draw, walk, option.action)
        if option.action.kind is ActionKind.DISCHARGE:  # the clinic's discharge, not the patient's
            details["reason"] = DischargeReason.ADEQUATE_RELIEF
        if option.action.kind is ActionKind.MEDICATION_TRIAL and option.action.drug is None:
            details.pop("drug", None)  # the drug "a gabapentinoid" starts, as judged
        try:
            event = make_event(
                option.action,
                id=walk.new_id(),
                date=walk.today,
                record=record,
                **details,
            )
        except InvalidValue:  # an action no event can perform: nothing to try
            return
        refusal: IllegalTransition | None = None
        try:
            apply(record, event, self.profile)
        except IllegalTransition as error:
            refusal = error
        assert refusal is not None, f"apply accepted {option}, which assess blocked"
        assert walk.record is record
        assert walk.record == record
        failed = tuple(str(r) for r in option.failed)
        assert refusal.failed == failed, (
            f"apply refused {option} for {refusal.failed}, not {failed}"
        )
        self.on_rejected(record, event, refusal)

    def record_outcome(self, data: st.DataObject) -> None:
        """Report the outcome of a pending intervention (steered by ``reach`` and ``prefer``)."""
        walk = self.walk
        walk.advance(data.draw(st.integers(0, 60), label="days later"))
        done = data.draw(st.sampled_from(walk.pending), label="intervention")
        before = walk.record
        self._accepted(before, _walk.report(data.draw, walk, done))

    def add_visit(self, data: st.DataObject) -> None:
        """Add a follow-up visit whose exam raises no new flag."""
        walk = self.walk
        walk.advance(data.draw(st.integers(0, 60), label="days later"))
        before = walk.record
        visit = _walk.draw_visit(data.draw, walk)
        walk.add(visit)
        self._accepted(before, visit)

    def show_red_flag(self, data: st.DataObject) -> None:
        """Add a follow-up visit whose exam shows a red flag (S12)."""
        walk = self.walk
        walk.advance(data.draw(st.integers(0, 60), label="days later"))
        before = walk.record
        self._accepted(before, _walk.flag_visit(data.draw, walk))
        self._flagged_on = walk.today


def _weighted(weights: Mapping[str, int]) -> tuple[str, ...]:
    """The moves repeated by their weights, in :data:`MOVES` order; checks the weights."""
    if not isinstance(weights, Mapping):
        raise InvalidArgument(f"weights must be a mapping of move names, not {weights!r}")
    unknown = sorted(set(weights) - set(MOVES))
    if unknown:
        raise InvalidArgument(f"weights names unknown moves {unknown}; the moves are {MOVES}")
    for move, weight in weights.items():
        if not isinstance(weight, int) or isinstance(weight, bool) or not 0 <= weight <= 100:
            raise InvalidArgument(f"weights[{move!r}] must be a whole number 0-100, not {weight!r}")
    if not any(weights.get(move, 0) for move in _ALWAYS):
        raise InvalidArgument(
            f"weights must give apply_legal_option or add_visit a weight above 0 (moves that "
            f"can always be made), not {dict(weights)!r}"
        )
    return tuple(move for move in MOVES for _ in range(weights.get(move, 0)))
