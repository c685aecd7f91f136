"""The simulation kernel: one chunk of patients, advanced step by step in lock-step.

At each step every patient still in care is at a decision day. An oracle (:mod:`.oracles`)
supplies the engine's assessment and the policy's choice; the step is then carried out for all
patients at once with numpy (:mod:`.handlers`): the event's outcome, relief and how long it
lasts, complications, delays and a possible new neurological deficit, each drawn from the
patient's own stream (:mod:`.streams`) at a fixed slot of the step. Both oracles see the same
draws, so the fast path and the record-by-record path produce the same trajectories, and a
patient's trajectory never depends on the chunk it was simulated in.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from spinepath.anatomy import Side
from spinepath.errors import IllegalTransition, InvalidValue
from spinepath.model import Approach, DischargeReason, Event, Override, PatientRecord
from spinepath.model.safety import AntithromboticUse, DrugStatus, PsychologicalEvaluation
from spinepath.pathway import Assessment, Option, Status
from spinepath.rules.actions import Action, ActionKind
from spinepath.rules.profiles import BleedingRisk, Profile
from spinepath.rules.state import FactState, fold_all, initial_state
from spinepath.sim.cohort import (
    DRUGS,
    SEGMENTS,
    SIDES,
    Cohort,
    ExamVariant,
    PatientTable,
    PatientView,
    generate,
)
from spinepath.sim.distributions import lognormal_days
from spinepath.sim.handlers import HANDLERS, NEVER
from spinepath.sim.oracles import FastOracle, Oracle, RecordOracle, fast_memo
from spinepath.sim.parameters import Parameters
from spinepath.sim.policies import Choice, Policy, StepContext
from spinepath.sim.records import (
    COLUMNS,
    DISCHARGE,
    KINDS,
    LASTING,
    Decision,
    StepRow,
    build_record,
    step_events,
    trusted,
)
from spinepath.sim.registry import DECISIONS, HISTORIES, LOCK
from spinepath.sim.streams import Slot, counter, uniforms

__all__ = ["ENGINES", "Chunk", "ChunkResult", "RunSpec", "facet_session", "run_chunk"]

K = ActionKind
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Frame = dict[str, npt.NDArray[Any]]
Judged = tuple[Callable[[int], int], Callable[[Action], Status]]
"""What an oracle answers about a patient's record with some events added, on a day: a
function choosing the decision on a day (the policy's, checked), and one giving the status of
any action."""

ENGINES = ("fast", "record")
"""The ways :func:`~spinepath.sim.simulate` can run: the fast path, or record by record."""
_SCS_TRIAL = Action(kind=K.SPINAL_CORD_STIMULATOR_TRIAL)
_KIND = {kind: i for i, kind in enumerate(KINDS)}
_PACKED = np.dtype([(name, t) for name, t in COLUMNS.items()])


@attrs.frozen(kw_only=True)
class RunSpec:
    """Everything a run's results depend on besides the patients' indices."""

    cohort: Cohort
    parameters: Parameters
    profile: Profile
    policy: Policy
    seed: int
    horizon_days: int = 730
    max_steps: int = 200
    allow_overrides: bool = False
    engine: str = "fast"
    verify: int = 16
    facet_sessions: bool = True
    """Carry out a medial branch block or RFA chosen at one joint as a session treating every
    joint of the painful region (:func:`facet_session`)."""


@attrs.frozen
class ChunkResult:
    """A chunk's steps as numpy columns, with the decisions its steps use."""

    start: int
    stop: int
    steps: Frame
    decisions: tuple[Decision, ...]
    truncated: npt.NDArray[np.bool_]
    engine_calls: int
    engine: str


def _pack(frame: Frame) -> npt.NDArray[np.void]:
    """A frame as one structured array, so that a patient's row is one record."""
    packed = np.empty(frame["pos"].size, dtype=_PACKED)
    for name in COLUMNS:
        packed[name] = frame[name]
    return packed


class Chunk:
    """Patients ``start`` to ``stop - 1`` of a run, and everything known about them so far."""

    def __init__(self, spec: RunSpec, start: int, stop: int) -> None:
        self.spec = spec
        self.start = start
        self.values = spec.parameters.values()
        self.table: PatientTable = generate(
            spec.cohort, spec.seed, np.arange(start, stop), self.values["deficit_per_year"]
        )
        t = self.table
        m = len(t)
        self.m = m
        self.entry_date = spec.cohort.entry_date
        self.horizon = int(spec.horizon_days)
        # where each patient stands
        self.next_day = np.zeros(m, dtype=np.int64)
        self.active = np.ones(m, dtype=np.bool_)
        self.truncated = np.zeros(m, dtype=np.bool_)
        self.progressed = np.zeros(m, dtype=np.bool_)
        self.prog = np.where(np.isfinite(t.progression), t.progression, NEVER).astype(np.int64)
        self.operated = np.zeros(m, dtype=np.bool_)
        self.exam = np.zeros(m, dtype=np.int8)
        self.declined = np.zeros(m, dtype=np.bool_)  # no operation offered: the patient leaves
        self.surgery_declined = np.zeros(m, dtype=np.bool_)  # a recorded decline in force
        self.psych = np.full(m, -1, dtype=np.int8)  # psychological evaluation on record
        self.hold_days = self._hold_days()
        self.holds = np.zeros(m, dtype=np.int64)  # this step's hold, set by the oracle
        self.evaluated = np.full(m, -1, dtype=np.int8)  # this step's evaluation, by the oracle
        self.snrb_true = np.zeros(m, dtype=np.bool_)
        self.n_rfa = np.zeros(m, dtype=np.int32)
        self.operations = np.zeros(m, dtype=np.int32)
        self.last_cesi_ok = np.zeros(m, dtype=np.bool_)
        self.history = np.zeros(m, dtype=np.int64)
        self.index_pain = np.where(
            (t.presentation <= 1) | (t.presentation == 4), t.arm, t.neck
        ).astype(np.int64)
        with LOCK:
            self._prepare()
        self.frames: list[Frame] = []
        self.packed: list[npt.NDArray[np.void]] = []
        self.engine_calls = 0
        self.engine = spec.engine
        self.fast_memo = fast_memo(spec.profile)
        self.views: dict[int, PatientView] = {}
        self.columns = t.columns()
        self.states: list[FactState] = []
        if self.engine == "fast":
            profile = spec.profile
            for j in range(m):
                view = self.view(j)
                entry = initial_state(view.patient(), profile)
                self.states.append(fold_all(entry, view.entry_events(trusted)))

    def _prepare(self) -> None:
        """What the handlers need beyond the table's codes: the root that truly generates the
        pain (a spinal nerve code) and the failed CESI as a decision."""
        t = self.table
        radicular = t.presentation <= 1
        bilateral = radicular & (t.side == 2)
        second = radicular & (t.true_nerve == 1) & ~bilateral
        seg = np.where(second, t.seg2, t.seg).astype(np.int64)
        side = np.where(bilateral, t.true_nerve, np.where(second, t.side2, t.side)).astype(np.int64)
        # the root exiting at segment index s (0 = C2-3) is C(s + 3)
        self.true_nerve = np.where(radicular, (seg + 3) * 4 + side, -1).astype(np.int64)
        combos = (
            t.cesi_approach.astype(np.int64) * 64
            + t.cesi_seg.astype(np.int64) * 8
            + t.cesi_side.astype(np.int64)
        )
        unique, inverse = np.unique(combos, return_inverse=True)
        ids = []
        for approach, seg_i, side_i in ((c // 64, c // 8 % 8, c % 8) for c in unique.tolist()):
            action = Action(
                kind=K.CESI,
                approach=(Approach.INTERLAMINAR, Approach.TRANSFORAMINAL)[approach],
                segments=(SEGMENTS[seg_i],),
                side=SIDES[side_i],
            )
            ids.append(DECISIONS.id_of(Decision(action)))
        self.entry_cesi = np.array(ids, dtype=np.int64)[inverse.reshape(-1)]
        self.last_cesi = self.entry_cesi.copy()

    def _hold_days(self) -> npt.NDArray[np.int64]:
        """Each patient's hold before a procedure: the longest interval the profile sets for
        their drug (0 without one). With the simulated drugs the interval is the same for
        every class that needs a hold, so one hold fits any procedure."""
        profile = self.spec.profile
        days = [
            max((profile.hold_days(drug, risk) or 0 for risk in BleedingRisk), default=0)
            for drug in DRUGS
        ]
        codes = self.table.drug.astype(np.int64)
        out: npt.NDArray[np.int64] = np.where(
            codes >= 0, np.array([*days, 0], dtype=np.int64)[codes], 0
        )
        return out

    def hold_for(self, j: int, day: int, leaving: bool) -> AntithromboticUse | None:
        """The hold the clinic would arrange for patient ``j`` at a decision on ``day``: their
        drug held from that day (None without a drug to hold, when the procedure would fall
        after the horizon, or when the patient leaves)."""
        hold = int(self.hold_days[j])
        if not hold or leaving or day + hold > self.horizon:
            return None
        drug = DRUGS[int(self.table.drug[j])]
        held: AntithromboticUse = trusted(
            AntithromboticUse,
            id="planned-hold",
            date=self.entry_date + dt.timedelta(days=day),
            drug=drug,
            status=DrugStatus.HELD,
            daily_dose_mg=None,
            override=None,
        )
        return held

    def evaluation_for(self, j: int, day: int) -> PsychologicalEvaluation:
        """The psychological evaluation recorded before patient ``j``'s first stimulator trial
        (suitable as the cohort drew it)."""
        found: PsychologicalEvaluation = trusted(
            PsychologicalEvaluation,
            id="planned-psychology",
            date=self.entry_date + dt.timedelta(days=day),
            suitable=bool(self.table.psych_suitable[j]),
            override=None,
        )
        return found

    def flag(self, j: int) -> int:
        """What a memoizable policy's choice depends on besides the state's classification and
        the history: whether the patient leaves (1) and whether a decline of surgery is in
        force (2)."""
        return int(self.declined[j]) + 2 * int(self.surgery_declined[j])

    def decide_one(
        self, j: int, s: int, day: int, judge: Callable[[tuple[Event, ...], int], Judged]
    ) -> int:
        """Patient ``j``'s decision at step ``s``, the same on both paths. ``judge(extra, at)``
        answers the engine's assessment of the patient's record with ``extra`` events added
        (dated ``day``) on day ``at``, and a function choosing from it (the decision id).

        Two things the clinic arranges before a step (recorded with the step):

        * a drug to hold (SF1): the policy is asked about the state with the drug held from
          today, on the day the hold is complete; when it chooses a step the drug blocks today,
          the hold starts today and the step is done that day (delayed by the hold), and the
          drug is taken again after it (``holds[j]``);
        * a psychological evaluation before a first stimulator trial (SF6): when the policy
          chooses the trial with none on record, the evaluation is recorded today and the
          policy asked again with it (an unsuitable patient gets another step)
          (``evaluated[j]``).
        """
        self.holds[j] = 0
        self.evaluated[j] = -1
        leaving = bool(self.declined[j])
        held = self.hold_for(j, day, leaving)
        if held is not None:
            later = day + int(self.hold_days[j])
            choose, held_status = judge((held,), later)
            chosen = choose(later)
            action = DECISIONS[chosen].action
            _, status = judge((), day)
            if status(action) is Status.BLOCKED:
                self.holds[j] = later - day
                return self._evaluated(j, chosen, later, (held,), judge, held_status)
        choose, status = judge((), day)
        return self._evaluated(j, choose(day), day, (), judge, status)

    def _evaluated(
        self,
        j: int,
        chosen: int,
        day: int,
        extra: tuple[Event, ...],
        judge: Callable[[tuple[Event, ...], int], Judged],
        status: Callable[[Action], Status],
    ) -> int:
        """The decision once a psychological evaluation is on record: when the policy chose a
        first stimulator trial without one, or would choose it once one is on record (a profile
        that requires the evaluation blocks the trial until then)."""
        if self.psych[j] >= 0:
            return chosen
        if DECISIONS[chosen].kind is not K.SPINAL_CORD_STIMULATOR_TRIAL:
            if status(_SCS_TRIAL) is not Status.BLOCKED:
                return chosen
            planned = attrs.evolve(self.evaluation_for(j, day), suitable=True)
            choose, _ = judge((*extra, planned), day)
            if DECISIONS[choose(day)].kind is not K.SPINAL_CORD_STIMULATOR_TRIAL:
                return chosen
        evaluation = self.evaluation_for(j, day)
        self.evaluated[j] = int(evaluation.suitable)
        choose, _ = judge((*extra, evaluation), day)
        return choose(day)

    def view(self, j: int) -> PatientView:
        found = self.views.get(j)
        if found is None:
            found = self.views[j] = PatientView(self.table, j, self.entry_date, self.columns)
        return found

    def absorb(self, frame: Frame) -> None:
        """Fold each patient's step into their fact state (the fast path's only record)."""
        states = self.states
        columns = [frame[name].tolist() for name in COLUMNS]
        for values in zip(*columns, strict=True):
            row = StepRow(*values)
            j = row.pos
            events = step_events(self.view(j), row, DECISIONS[row.decision], trusted)
            states[j] = fold_all(states[j], events)

    # -- running
    def run(self, oracle: Oracle) -> ChunkResult:
        for s in range(self.spec.max_steps):
            rows = np.flatnonzero(self.active)
            day = self.next_day[rows]
            late = day > self.horizon
            if late.any():
                self.active[rows[late]] = False
                rows, day = rows[~late], day[~late]
            if rows.size == 0:
                break
            with LOCK:
                decisions = oracle.decide(self, s, rows, day)
                holds = self.holds[rows]
                frame = self.perform(s, rows, day + holds, decisions)
                frame["hold"] = np.where(holds > 0, holds, -1).astype(np.int16)
                evaluated = self.evaluated[rows]
                frame["psych"] = evaluated
                done = evaluated >= 0
                self.psych[rows[done]] = evaluated[done]
                self.frames.append(frame)
                self.packed.append(_pack(frame))
                oracle.observe(self, s, frame)
                history = HISTORIES.advance(self.history[rows], decisions.astype(np.int64))
                self.history[rows] = history
                if self.states:
                    self.absorb(frame)
        else:
            self.truncated |= self.active & (self.next_day <= self.horizon)
        return self.result()

    def rows_of(self, j: int, before: int | None = None) -> list[StepRow]:
        """Patient ``j``'s steps so far (all, or those before step ``before``)."""
        found: list[StepRow] = []
        for frame, packed in zip(self.frames[:before], self.packed[:before], strict=True):
            pos = frame["pos"]
            i = int(np.searchsorted(pos, j))
            if i < pos.size and pos[i] == j:
                found.append(StepRow(*packed[i].item()))
        return found

    def record_of(self, j: int, before: int | None = None) -> PatientRecord:
        return build_record(self.view(j), self.rows_of(j, before), DECISIONS)

    def context(self, j: int, step: int, day: int, actions: tuple[Action, ...]) -> StepContext:
        return StepContext(
            index=int(self.table.index[j]),
            step=step,
            day=day,
            as_of=self.entry_date + dt.timedelta(days=day),
            actions=actions,
            seed=self.spec.seed,
            key=int(self.table.key[j]),
            surgery_declined=bool(self.surgery_declined[j]),
        )

    def choose(
        self,
        assessment: Assessment,
        context: StepContext,
        evaluate_action: Callable[[Action], Option],
        forced_stop: bool,
        own: Callable[[Action], Option] | None = None,
    ) -> int:
        """Ask the policy (unless no operation is offered and the patient leaves), check the
        choice's legality with the engine, and number the decision. ``own`` judges an action
        on the patient's own state, for the rules an override names (the fast path's
        ``assessment`` may be another patient's in the same classification, whose blocked
        options can fail other rules).

        A blocked choice raises :class:`~spinepath.IllegalTransition`, or, when the run allows
        overrides, is recorded with an :class:`~spinepath.Override` naming the policy and the
        rules it overrides.
        """
        policy = self.spec.policy
        choice: Choice = None if forced_stop else policy(assessment, context)
        reason: DischargeReason | None = None
        if choice is None:
            action = DISCHARGE
            reason = DischargeReason.PATIENT_CHOICE
        elif isinstance(choice, Option):
            action = choice.action
        elif isinstance(choice, Action):
            action = choice
        else:
            raise InvalidValue(
                "policy",
                f"{policy.name} returned {type(choice).__name__}, not an Option, an Action or None",
            )
        override: Override | None = None
        if self.spec.facet_sessions and action.kind in _FACET:
            action = _widened(assessment, action, evaluate_action)
        option = (
            None if reason is not None else assessment.option(action) or evaluate_action(action)
        )
        if option is not None and option.status is Status.BLOCKED:  # a patient may always leave
            failed = (option if own is None else own(action)).failed
            if not self.spec.allow_overrides:
                raise IllegalTransition(str(action), (str(r) for r in failed))
            override = Override(
                reason=f"simulated policy {policy.name!r} chose a step the pathway blocks",
                rules=tuple(sorted({r.rule for r in failed})),
            )
        if action.kind is K.DISCHARGE and reason is None:
            reason = DischargeReason.ADEQUATE_RELIEF
        return DECISIONS.id_of(Decision(action, override, reason))

    # -- carrying a step out
    def perform(self, s: int, rows: I64, day: I64, decisions: I64) -> Frame:
        n = rows.size
        keys = self.table.key[rows]
        drawn: dict[int, F64] = {}

        def u(slot: int) -> F64:
            got = drawn.get(slot)
            if got is None:
                got = drawn[slot] = uniforms(keys, counter(s, slot))
            return got

        f: Frame = {
            name: np.full(n, -1 if np.dtype(t).kind == "i" else 0, dtype=t)
            for name, t in COLUMNS.items()
        }
        f["pos"] = rows.astype(np.int64)
        f["step"][:] = s
        f["day"] = day.astype(np.int32)
        f["decision"] = decisions.astype(np.int32)
        kinds = DECISIONS.kinds()[decisions]
        f["kind"] = kinds
        f["exam"] = self.exam[rows]
        f["progressed"] = self.progressed[rows]
        f["complications"][:] = 0
        f["pain_before"] = self.index_pain[rows].astype(np.int8)
        f["pain_after"] = f["pain_before"].copy()
        gap = np.full(n, self.values["visit_interval_days"])
        stop = np.zeros(n, dtype=np.bool_)
        v = self.values
        for code in np.unique(kinds).tolist():
            kind = KINDS[code]
            sel = np.flatnonzero(kinds == code)
            handler = HANDLERS[kind]
            handler(self, f, sel, rows[sel], u, gap, stop)
        # censor at the horizon what would be seen after it
        h = self.horizon
        has_result = f["result_day"] >= 0
        late = has_result & (f["result_day"] > h)
        if late.any():
            lasting = late & f["success"] & (f["duration"] >= 0)
            f["duration"] = np.where(lasting, LASTING, f["duration"]).astype(np.int32)
            cut = late & ~lasting & (f["duration"] >= 0)
            f["duration"] = np.where(cut, h - f["day"], f["duration"]).astype(np.int32)
            imaging = late & (kinds == _KIND[K.IMAGING])
            f["result_day"] = np.where(imaging, -1, np.where(late, h, f["result_day"]))
            f["result_day"] = f["result_day"].astype(np.int32)
        f["visit_day"] = np.where(f["visit_day"] > h, -1, f["visit_day"]).astype(np.int32)
        end = np.maximum.reduce([f["day"], f["result_day"], f["visit_day"]]).astype(np.int64)
        wait = lognormal_days(gap, v["delay_sigma"], u(Slot.GAP_A), u(Slot.GAP_B))
        nxt = end + wait.astype(np.int64)
        # a new neurological deficit before the next step (radicular pain, not yet operated)
        prog = self.prog[rows]
        pending = ~self.progressed[rows] & ~self.operated[rows] & (prog <= h)
        hit = pending & ((prog <= nxt) | stop)
        if hit.any():
            visit = np.maximum(prog, f["day"])
            during = (
                hit
                & (f["result_day"] >= 0)
                & (visit < f["result_day"])
                & (kinds != _KIND[K.IMAGING])
            )
            f["duration"] = np.where(during, visit - f["day"], f["duration"]).astype(np.int32)
            f["result_day"] = np.where(during, visit, f["result_day"]).astype(np.int32)
            dropped = hit & (kinds == _KIND[K.IMAGING]) & (visit < f["result_day"])
            f["result_day"] = np.where(dropped, -1, f["result_day"]).astype(np.int32)
            visit = np.maximum(visit, np.where(f["result_day"] >= 0, f["result_day"], visit))
            f["prog_day"] = np.where(hit, visit, -1).astype(np.int32)
            urgent = lognormal_days(
                v["urgent_wait_days"],
                v["delay_sigma"],
                u(Slot.PROGRESSION_A),
                u(Slot.PROGRESSION_B),
            ).astype(np.int64)
            nxt = np.where(hit, visit + urgent, nxt)
            self.progressed[rows[hit]] = True
            self.exam[rows[hit]] = ExamVariant.PROGRESSED
            stop = stop & ~hit
        f["pain_after"] = np.where(
            f["relief"] >= 0,
            np.rint(f["pain_before"] * (100 - f["relief"].astype(np.int64)) / 100),
            f["pain_before"],
        ).astype(np.int8)
        self.next_day[rows] = np.where(stop, NEVER, nxt)
        self.active[rows[stop]] = False
        self.declined[rows] = f["declined"] & (f["shared"] < 0)
        return f

    def result(self) -> ChunkResult:
        names = list(COLUMNS)
        if self.frames:
            steps = {n: np.concatenate([fr[n] for fr in self.frames]) for n in names}
            order = np.lexsort((steps["step"], steps["pos"]))
            steps = {n: col[order] for n, col in steps.items()}
        else:
            steps = {n: np.zeros(0, dtype=t) for n, t in COLUMNS.items()}
        used = np.unique(steps["decision"]) if steps["decision"].size else np.zeros(0, np.int64)
        remap = np.full(len(DECISIONS), -1, dtype=np.int32)
        remap[used] = np.arange(used.size, dtype=np.int32)
        steps["decision"] = remap[steps["decision"]] if used.size else steps["decision"]
        steps["pos"] = steps["pos"] + self.start
        return ChunkResult(
            start=self.start,
            stop=self.start + self.m,
            steps=steps,
            decisions=tuple(DECISIONS[int(i)] for i in used.tolist()),
            truncated=self.truncated,
            engine_calls=self.engine_calls,
            engine=self.engine,
        )


_FACET = frozenset({K.MEDIAL_BRANCH_BLOCK, K.RADIOFREQUENCY_ABLATION})


def facet_session(assessment: Assessment, action: Action) -> Action | None:
    """The session a clinic performs for a medial branch block or RFA chosen at some joints:
    the same procedure (and, for an MBB, the same place in its series) at every joint of the
    painful region, the joints where the engine does not block it. A session is billed and
    guided per region (CPT 64490-64492, 64633-64634 by level; Hurley et al. 2022 treat the
    joints of the painful region together), and one session relieves the region's pain.

    ``None`` when those joints do not form one target (levels times sides) containing the
    chosen one's joints."""
    joints = set(action.joints)
    for option in assessment.options:
        other = option.action
        if (
            other.kind is action.kind
            and other.series_position == action.series_position
            and option.status is not Status.BLOCKED
        ):
            joints.update(other.joints)
    segments = tuple(sorted({j.segment for j in joints}))
    lateral = frozenset(j.side for j in joints)
    if not segments or not lateral:
        return None
    side = Side.BILATERAL if len(lateral) == 2 else next(iter(lateral))
    session = attrs.evolve(action, segments=segments, side=side)
    return session if set(session.joints) == joints else None


def _widened(
    assessment: Assessment, action: Action, evaluate_action: Callable[[Action], Option]
) -> Action:
    """The chosen facet procedure as a session, when the engine does not block the session."""
    session = facet_session(assessment, action)
    if session is None or session == action:
        return action
    option = assessment.option(session) or evaluate_action(session)
    return action if option.status is Status.BLOCKED else session


def run_chunk(spec: RunSpec, start: int, stop: int) -> ChunkResult:
    """Simulate patients ``start`` to ``stop - 1`` of the run ``spec``."""
    if spec.engine not in ENGINES:
        raise InvalidValue("engine", f"{spec.engine!r} is not one of {', '.join(ENGINES)}")
    # The chunk allocates millions of small objects and frees them by reference counting (the
    # fact state and the engine's facts hold no reference cycles); the cyclic garbage
    # collector would only keep scanning the memo of states, so it rests for the chunk.
    collecting = gc.isenabled()
    gc.disable()
    try:
        chunk = Chunk(spec, start, stop)
        oracle: Oracle = FastOracle(spec.verify) if chunk.engine == "fast" else RecordOracle()
        return chunk.run(oracle)
    finally:
        if collecting:
            gc.enable()
