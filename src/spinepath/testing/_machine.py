"""A Hypothesis state machine that drives the pathway engine, for downstream suites to extend.

Subclass :class:`PathwayStateMachine`, override its hooks to mirror each step in your own
application (a store, an EHR adapter, a screen), assert there that the application agrees with
the engine, and let Hypothesis search for the sequence of events where it does not.
"""

from __future__ import annotations

from typing import ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from spinepath.errors import IllegalTransition, InvalidValue
from spinepath.model import DischargeReason, Event, PatientRecord
from spinepath.pathway import Assessment, Status, apply, assess, make_event
from spinepath.rules.actions import ActionKind
from spinepath.rules.profiles import CONSENSUS_2022, Profile
from spinepath.testing import _walk
from spinepath.testing._walk import Walk

__all__ = ["PathwayStateMachine", "check_assessment"]

_URGENT_KINDS = frozenset(
    {ActionKind.SURGICAL_CONSULTATION, ActionKind.ACDF, ActionKind.LAMINOFORAMINOTOMY}
)


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
    outcome) and then interleaves these steps, each on a date 0-60 days after the last:
    assess the record and check the assessment's invariants; perform a legal option; try a
    blocked option and expect :class:`~spinepath.IllegalTransition` with the record
    unchanged; report the outcome of an intervention; add a follow-up visit; and, unless
    ``red_flag`` is False, add an exam that shows a red flag.

    Subclass it and override the hooks (``on_start``, ``on_assessed``, ``on_applied``,
    ``on_rejected``) to mirror each step in your application and assert that it agrees; run
    it with ``TestMyApp = MyMachine.TestCase``. Class attributes choose the guideline
    ``profile`` and whether red flags appear (``red_flag``: None sometimes, False never).
    ``self.record`` is the engine's record so far.
    """

    profile: ClassVar[Profile] = CONSENSUS_2022
    red_flag: ClassVar[bool | None] = None

    def __init__(self) -> None:
        super().__init__()
        self._walk: Walk | None = None

    # -- hooks for subclasses ---------------------------------------------------------------
    def on_start(self, record: PatientRecord) -> None:
        """Called once with the entry record (patient, intake, imaging, CESI and outcome)."""

    def on_assessed(self, record: PatientRecord, assessment: Assessment) -> None:
        """Called with what :func:`spinepath.assess` says of ``record`` (as of its last event)."""

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

    def _accepted(self, before: PatientRecord, event: Event) -> None:
        self.walk.due.clear()  # outcomes are this machine's own rule, not queued
        after = self.walk.record
        assert len(after.events) == len(before.events) + 1, "apply did not add one event"
        assert after.events[-1] == event
        self.on_applied(after, event)

    # -- rules ------------------------------------------------------------------------------
    @initialize(data=st.data())
    def start(self, data: st.DataObject) -> None:
        self._walk = _walk.start_walk(data.draw, self.profile, red_flag=False)
        self.on_start(self.record)

    @rule()
    def assess_and_check(self) -> None:
        record = self.record
        assessment = assess(record, self.profile)
        check_assessment(assessment)
        assert assess(record, self.profile) == assessment, "assess is not deterministic"
        assert self.record is record
        for option in assessment.recommended:
            if option.urgent:  # S12: only a consultation or the decompression it leads to
                assert option.action.kind in _URGENT_KINDS, f"{option} is marked urgent"
        self.on_assessed(record, assessment)

    @rule(data=st.data())
    def apply_legal_option(self, data: st.DataObject) -> None:
        walk = self.walk
        walk.advance(data.draw(st.integers(0, 60), label="days later"))
        option = _walk.choose(data.draw, walk, assess(walk.record, self.profile, walk.today))
        if option is None:
            return
        before = walk.record
        event = _walk.perform(data.draw, walk, option)
        self._accepted(before, event)

    @rule(data=st.data())
    def try_blocked_option(self, data: st.DataObject) -> None:
        walk = self.walk
        walk.advance(data.draw(st.integers(0, 60), label="days later"))
        record = walk.record
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

    @precondition(lambda self: self._walk is not None and bool(self._walk.pending))
    @rule(data=st.data())
    def record_outcome(self, data: st.DataObject) -> None:
        walk = self.walk
        walk.advance(data.draw(st.integers(0, 60), label="days later"))
        done = data.draw(st.sampled_from(walk.pending), label="intervention")
        before = walk.record
        self._accepted(before, _walk.report(data.draw, walk, done))

    @rule(data=st.data())
    def add_visit(self, data: st.DataObject) -> None:
        walk = self.walk
        walk.advance(data.draw(st.integers(0, 60), label="days later"))
        before = walk.record
        visit = _walk.draw_visit(data.draw, walk)
        walk.add(visit)
        self._accepted(before, visit)

    @precondition(lambda self: self.red_flag is not False)
    @rule(data=st.data())
    def show_red_flag(self, data: st.DataObject) -> None:
        walk = self.walk
        walk.advance(data.draw(st.integers(0, 60), label="days later"))
        before = walk.record
        self._accepted(before, _walk.flag_visit(data.draw, walk))
