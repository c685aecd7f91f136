"""Where a step's decision comes from: the engine on every real record, or the fast path.

* :class:`RecordOracle` (``engine="record"``): each patient's real
  :class:`~spinepath.PatientRecord` is kept with :func:`~spinepath.pathway.apply` and assessed
  with :func:`~spinepath.assess` at every step. The reference; tens to hundreds of
  microseconds per patient and step.
* :class:`FastOracle` (``engine="fast"``): each patient's fact state
  (:class:`~spinepath.rules.FactState`, the very state a record carries) folded step by step,
  with no record built. Decisions are remembered by the state's key
  (:meth:`~spinepath.rules.FactState.key`): a situation seen before, for any patient, is not
  judged again; a new one is judged by the engine on that patient's state. The first few
  remembered answers per chunk are checked against the engine on the patient's own state.

Either way the policy chooses from an Assessment, and the choice passes the engine's legality
check (:meth:`Chunk.choose`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from spinepath.errors import SpinepathError
from spinepath.model import Event, PatientRecord
from spinepath.pathway import Assessment, Option, Status, apply, assess, evaluate
from spinepath.pathway.assessment import Judgement
from spinepath.pathway.engine import assess_state, assessment_of, classify, evaluate_state
from spinepath.rules.actions import Action
from spinepath.rules.facts import Facts
from spinepath.rules.phases import Phase
from spinepath.rules.profiles import Profile
from spinepath.rules.state import FactState, fold_all
from spinepath.sim.records import COLUMNS, StepRow, step_events
from spinepath.sim.registry import DECISIONS, HISTORIES, LOCK

if TYPE_CHECKING:
    from spinepath.sim.kernel import Chunk, Judged

__all__ = ["REMEMBER_STATES", "FastOracle", "FastPathMismatch", "Oracle", "RecordOracle"]

I64 = npt.NDArray[np.int64]
Frame = dict[str, npt.NDArray[Any]]
_DAY = dt.timedelta(days=1)

_OWN_RECORD = -2
REMEMBER_STATES = True
"""Whether the fast path looks decisions up by state key before judging (tests switch it off
to check that remembering changes nothing)."""


class Oracle:
    """A source of decisions for a chunk's patients at one step."""

    def decide(self, ch: Chunk, s: int, rows: I64, day: I64) -> I64:
        raise NotImplementedError

    def observe(self, ch: Chunk, s: int, frame: Frame) -> None:
        """Called with each step once carried out."""


class RecordOracle(Oracle):
    """The record-by-record path: real records, kept with ``apply``, assessed every step."""

    def __init__(self) -> None:
        self.records: dict[int, PatientRecord] = {}
        self.actions: dict[int, tuple[Action, ...]] = {}

    def decide(self, ch: Chunk, s: int, rows: I64, day: I64) -> I64:
        profile = ch.spec.profile
        out = np.empty(rows.size, dtype=np.int64)
        for i, (j, d) in enumerate(zip(rows.tolist(), day.tolist(), strict=True)):
            record = self.records.get(j)
            if record is None:
                view = ch.view(j)
                record = self.records[j] = PatientRecord(view.patient(), tuple(view.entry_events()))
            actions = self.actions.get(j, ())

            def judge(
                extra: tuple[Event, ...],
                at: int,
                base: PatientRecord = record,
                j: int = j,
                actions: tuple[Action, ...] = actions,
            ) -> Judged:
                r = base
                for event in extra:
                    r = r.add(event)
                as_of = ch.entry_date + _DAY * at
                assessment = assess(r, profile, as_of)
                ch.engine_calls += 1

                def evaluate_(action: Action) -> Option:
                    return evaluate(r, action, profile, as_of)

                def choose(on: int) -> int:
                    ctx = ch.context(j, s, on, actions)
                    return ch.choose(assessment, ctx, evaluate_, bool(ch.declined[j]))

                def status(action: Action) -> Status:
                    return (assessment.option(action) or evaluate_(action)).status

                return choose, status

            out[i] = ch.decide_one(j, s, d, judge)
        return out

    def observe(self, ch: Chunk, s: int, frame: Frame) -> None:
        profile = ch.spec.profile
        names = list(COLUMNS)
        for i in range(frame["pos"].size):
            row = StepRow(*(frame[name][i].item() for name in names))
            j = row.pos
            decision = DECISIONS[row.decision]
            record = self.records[j]
            for event in step_events(ch.view(j), row, decision):
                record = apply(record, event, profile)
            self.records[j] = record
            self.actions[j] = (*self.actions.get(j, ()), decision.action)


class FastOracle(Oracle):
    """The fast path: every patient's fact state folded step by step; decisions remembered by
    state key, so each distinct situation is judged by the engine once per process."""

    def __init__(self, verify: int) -> None:
        self.verify = verify

    def decide(self, ch: Chunk, s: int, rows: I64, day: I64) -> I64:
        memo = ch.fast_memo
        policy = ch.spec.policy
        entry = ch.entry_date
        histories = ch.history[rows].tolist()
        choices = memo.decisions.setdefault(policy, {}) if policy.memoizable else None
        out = np.empty(rows.size, dtype=np.int64)
        for i, (j, d) in enumerate(zip(rows.tolist(), day.tolist(), strict=True)):
            history = histories[i]

            def judge(
                extra: tuple[Event, ...], at: int, j: int = j, history: int = history
            ) -> Judged:
                state = ch.states[j]
                if extra:
                    state = fold_all(state, extra)
                as_of = entry + _DAY * at
                key = state.key(as_of)
                sig = memo.states.get(key) if REMEMBER_STATES else None
                if sig is None:
                    sig = memo.judge(state, as_of, key)
                elif self.verify > 0:
                    self._check(ch, s, j, state, as_of, memo.entries[sig].assessment)
                flag = ch.flag(j)

                def choose(on: int) -> int:
                    if choices is not None:
                        at_ = (sig, history, flag)
                        chosen = choices.get(at_)
                        if chosen is None:
                            chosen = choices[at_] = self._choose(
                                ch, s, memo, j, on, sig, history, state, as_of
                            )
                    else:
                        chosen = self._choose(ch, s, memo, j, on, sig, history, state, as_of)
                    if chosen == _OWN_RECORD:
                        chosen = self._own(ch, s, memo, j, on, sig, history, state)
                    return chosen

                def status(action: Action) -> Status:
                    found = memo.entries[sig].assessment.option(action)
                    if found is None:
                        found = evaluate_state(state, action, as_of)
                    return found.status

                return choose, status

            out[i] = ch.decide_one(j, s, d, judge)
        return out

    def _check(
        self, ch: Chunk, s: int, j: int, state: FactState, as_of: dt.date, remembered: Assessment
    ) -> None:
        """A remembered answer against the engine on this patient's own state."""
        self.verify -= 1
        ch.engine_calls += 1
        problem = _difference(remembered, assess_state(state, as_of))
        if problem is not None:
            raise FastPathMismatch(
                f"the fast path remembered a decision for patient {int(ch.table.index[j])} at "
                f"step {s} that the engine does not take for it ({problem}); simulate with "
                "engine='record' and report this"
            )

    def _choose(
        self,
        ch: Chunk,
        s: int,
        memo: _FastMemo,
        j: int,
        day: int,
        sig: int,
        history: int,
        state: FactState,
        as_of: dt.date,
    ) -> int:
        """Patient ``j``'s decision from its state's Assessment; ``_OWN_RECORD`` when the
        policy chose an action that is not a candidate (its legality then depends on the
        patient's own state, not on the remembered one)."""
        entry = memo.entries[sig]
        ctx = ch.context(j, s, day, HISTORIES.actions(history, DECISIONS))

        def own(action: Action) -> Option:
            return evaluate_state(state, action, as_of)

        found = ch.choose(entry.assessment, ctx, entry.judge, bool(ch.declined[j]), own)
        if entry.assessment.option(DECISIONS[found].action) is None:
            return _OWN_RECORD
        return found

    def _own(
        self,
        ch: Chunk,
        s: int,
        memo: _FastMemo,
        j: int,
        day: int,
        sig: int,
        history: int,
        state: FactState,
    ) -> int:
        """A decision judged on the patient's own state (for non-candidate actions)."""
        entry = memo.entries[sig]
        ctx = ch.context(j, s, day, HISTORIES.actions(history, DECISIONS))

        def judge(action: Action) -> Option:
            return evaluate_state(state, action, ctx.as_of)

        ch.engine_calls += 1
        return ch.choose(entry.assessment, ctx, judge, bool(ch.declined[j]))


class FastPathMismatch(SpinepathError):
    """A remembered decision disagreed with :func:`spinepath.assess` on a patient's own
    state."""


class _Entry:
    """One judged situation: the engine's assessment of it, on the first patient met in it."""

    __slots__ = ("_evaluated", "as_of", "assessment", "state")

    def __init__(self, assessment: Assessment, state: FactState, as_of: dt.date) -> None:
        self.assessment = assessment
        self.state = state
        self.as_of = as_of
        self._evaluated: dict[Action, Option] = {}

    def judge(self, action: Action) -> Option:
        found = self._evaluated.get(action)
        if found is None:
            found = self._evaluated[action] = evaluate_state(self.state, action, self.as_of)
        return found


def _difference(mine: Assessment, truth: Assessment) -> str | None:
    if mine.phase != truth.phase:
        return f"phase {mine.phase} vs {truth.phase}"
    if mine.red_flags != truth.red_flags:
        return f"red flags {mine.red_flags} vs {truth.red_flags}"
    for part in ("recommended", "allowed", "blocked"):
        a = [(str(o.action), o.urgent) for o in getattr(mine, part)]
        b = [(str(o.action), o.urgent) for o in getattr(truth, part)]
        if a != b:
            return f"{part}: remembered {a} vs engine {b}"
    return None


Classification = tuple[Phase, tuple[str, ...], tuple[Judgement, ...]]


class _FastMemo:
    """What the fast path remembers for one profile in this process: state key ->
    classification (phase, red flags, every candidate's status), classification -> one
    :class:`~spinepath.Assessment` (built on the first patient met in it), and each memoizable
    policy's choices per (classification, history, declined)."""

    def __init__(self) -> None:
        self.states: dict[tuple[FactState, tuple[int, ...]], int] = {}
        self.classes: dict[Classification, int] = {}
        self.entries: list[_Entry] = []
        self.decisions: dict[Any, dict[tuple[int, int, int], int]] = {}

    def judge(
        self, state: FactState, as_of: dt.date, key: tuple[FactState, tuple[int, ...]]
    ) -> int:
        """The classification of a state not met before (a new one is numbered)."""
        facts = Facts(state, as_of)
        judged = classify(facts)
        found: Classification = (state.phase, state.surgical.red_flags, judged)
        sig = self.classes.get(found)
        if sig is None:
            sig = self.classes[found] = len(self.entries)
            self.entries.append(_Entry(assessment_of(facts, judged), state, as_of))
        # the key keeps a bare copy of the state: equal, hashing alike, without notes and dates
        self.states[(state.bare(), key[1]) if key[0] is state else key] = sig
        return sig


_FAST_MEMOS: dict[Profile, _FastMemo] = {}


def fast_memo(profile: Profile) -> _FastMemo:
    """The fast path's memo of a profile in this process (made on first use)."""
    with LOCK:
        found = _FAST_MEMOS.get(profile)
        if found is None:
            found = _FAST_MEMOS[profile] = _FastMemo()
        return found
