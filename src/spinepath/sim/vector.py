"""The rule catalogue evaluated over a whole cohort at once: the simulation's fast path.

The engine classifies one record at a time: it derives named facts from the record's events
(:mod:`spinepath.rules.facts`) and evaluates each rule's condition over them. Rules are data
(:mod:`spinepath.rules.expressions`), so the same conditions can be evaluated over numpy arrays
instead, for every simulated patient and every candidate action at once. This module keeps, for
each patient, the compact state the facts are computed from (what a simulated record holds, in
the order and with the dates the facts look at), computes each fact the catalogue names as an
array, walks the catalogue's condition trees over them, and so classifies every candidate as
recommended, allowed or blocked exactly as :func:`spinepath.assess` would.

The fact implementations mirror :mod:`spinepath.rules.facts` for the records the simulation
writes. :data:`FINGERPRINT` records the engine code they were checked against: when it changes,
:func:`supported` answers False and the simulation falls back to the record-by-record path
instead of guessing. The simulation also checks its first classifications in every chunk
against the engine itself, and the tests compare whole trajectories with the record-by-record
path. :meth:`VectorState.canonical` keys a patient's state by exactly what the facts read, so a
state seen before need not be classified again.
"""

from __future__ import annotations

import hashlib
import inspect
import io
import threading
import tokenize
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from spinepath.anatomy import Side
from spinepath.model import Approach, Urgency
from spinepath.pathway import ACTION_PHASE, Phase
from spinepath.rules.actions import Action, ActionKind
from spinepath.rules.expressions import All, AnyOf, Condition, Fact, Not
from spinepath.rules.profiles import Profile
from spinepath.sim.cohort import SEGMENTS, PatientTable

__all__ = ["FINGERPRINT", "Universe", "VectorState", "fingerprint", "supported"]

K = ActionKind
KINDS = tuple(ActionKind)
PHASES = tuple(Phase)
B = npt.NDArray[np.bool_]
I64 = npt.NDArray[np.int64]
NEVER = 1 << 40  # a day beyond any horizon
LONG_AGO = -(1 << 40)  # a day before anything
NONE = -1
LASTING = -2  # relief duration not reported: still lasting
NERVES = 18  # codes root * 2 + side for roots C1..C8
JOINTS = 12  # codes segment * 2 + side for C2-3..C7-T1
_KIND = {k: i for i, k in enumerate(KINDS)}
_SIDE_CODE = {Side.LEFT: 0, Side.RIGHT: 1, Side.BILATERAL: 2, Side.CENTRAL: 3}
_LATERAL_BITS = (1, 2, 3, 0)  # left, right, bilateral, central as bits (left 1, right 2)


def _bits(values: list[int]) -> int:
    out = 0
    for v in values:
        out |= 1 << v
    return out


def nerve_code(root: Any, side: Side) -> int:
    return int(root.value[1:]) * 2 + _SIDE_CODE[side]


# -- which engine this was written against -------------------------------------------------------


def fingerprint() -> str:
    """A hash of the code whose behaviour the vectorised facts reproduce.

    It covers what decides a classification: every fact's computation and the helpers it
    calls (found through the names its code uses), :class:`~spinepath.rules.RecordFacts`,
    the phase machine, events from actions, the engine's candidates and judging, and
    :class:`~spinepath.rules.Action`. Only code counts (names, operators, numbers,
    structure), not strings, comments or the code that writes reason texts, so rewording a
    reason leaves it alone. Rule conditions are not part of it: the fast path reads them as
    data.
    """
    from spinepath.pathway import engine, events, machine
    from spinepath.rules import actions, facts

    sources: list[str] = [inspect.getsource(facts.RecordFacts)]
    seen: set[str] = set()
    pending = [d.compute for d in facts.FACTS.values()]
    while pending:
        function = pending.pop()
        name = getattr(function, "__name__", "")
        if name in seen:
            continue
        seen.add(name)
        sources.append(_body(inspect.getsource(function)))
        for used in _names(function.__code__):
            value = vars(facts).get(used)
            if inspect.isfunction(value) and value.__module__ == facts.__name__:
                pending.append(value)
    sources += [
        inspect.getsource(machine._after),
        inspect.getsource(machine.phase_of),
        repr(sorted((str(k), str(v)) for k, v in machine.ACTION_PHASE.items())),
        inspect.getsource(events),
        inspect.getsource(actions.Action),
    ]
    for name in ("assess", "candidates", "_surgical_levels", "_judge", "_classifier"):
        sources.append(inspect.getsource(getattr(engine, name)))
    digest = hashlib.sha256()
    for source in sources:
        digest.update(_code_tokens(source).encode())
    return digest.hexdigest()[:16]


def _body(source: str) -> str:
    """A function's source without its decorators (they write reason texts)."""
    lines = source.splitlines()
    for i, line in enumerate(lines):
        if line.lstrip().startswith(("def ", "async def ")):
            return "\n".join(lines[i:])
    return source


def _names(code: Any) -> set[str]:
    found = set(code.co_names)
    for const in code.co_consts:
        if inspect.iscode(const):
            found |= _names(const)
    return found


def _code_tokens(source: str) -> str:
    skip = {tokenize.STRING, tokenize.COMMENT, tokenize.NL, tokenize.ENCODING}
    start = getattr(tokenize, "FSTRING_START", None)
    end = getattr(tokenize, "FSTRING_END", None)
    depth = 0
    kept: list[str] = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == start:
            depth += 1
            continue
        if token.type == end:
            depth -= 1
            continue
        if depth or token.type in skip:
            continue
        if token.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            kept.append(tokenize.tok_name[token.type])
        else:
            kept.append(token.string)
    return " ".join(kept)


FINGERPRINT = "c5ed8939522b2e8b"
""":func:`fingerprint` of the engine the fact implementations below were checked against."""


def supported() -> bool:
    """Whether the fast path may be used: every fact the catalogue names has a vectorised
    implementation, and the engine is the one they were written for (worked out once per
    process)."""
    with _SUPPORTED_LOCK:
        if not _SUPPORTED:
            _SUPPORTED.append(_check_supported())
        return _SUPPORTED[0] and fingerprint_matches()


def fingerprint_matches() -> bool:
    """Whether the engine's fingerprint (computed once) is :data:`FINGERPRINT`."""
    if not _FINGERPRINT:
        _FINGERPRINT.append(fingerprint())
    return _FINGERPRINT[0] == FINGERPRINT


def _check_supported() -> bool:
    from spinepath.rules.catalogue import RULES

    names: set[str] = set()
    for rule in RULES:
        for _, condition in rule.conditions():
            names |= condition.names()
    return names <= VECTOR_FACTS.keys()


_SUPPORTED: list[bool] = []
_FINGERPRINT: list[str] = []
_SUPPORTED_LOCK = threading.Lock()


# -- the universe of candidate actions -------------------------------------------------------------


class Universe:
    """Every action seen so far, numbered; per-action attributes as arrays for numpy."""

    def __init__(self) -> None:
        self.actions: list[Action] = []
        self.index: dict[Action, int] = {}
        self._cache: dict[str, Any] = {}
        self._size = -1

    def col(self, action: Action) -> int:
        found = self.index.get(action)
        if found is None:
            found = self.index[action] = len(self.actions)
            self.actions.append(action)
        return found

    def __len__(self) -> int:
        return len(self.actions)

    def attr(self, name: str) -> I64:
        if self._size != len(self.actions):
            self._build()
        out: I64 = self._cache[name]
        return out

    def _build(self) -> None:
        def nerve(a: Action) -> int:
            n = a.nerve
            return nerve_code(n.root, n.side) if n is not None else -1

        def joints(a: Action) -> int:
            return _bits([SEGMENTS.index(j.segment) * 2 + _SIDE_CODE[j.side] for j in a.joints])

        def foramen(a: Action) -> int:
            f = a.foramen
            return SEGMENTS.index(f.segment) * 2 + _SIDE_CODE[f.side] if f is not None else -1

        table: dict[str, Callable[[Action], int]] = {
            "kind": lambda a: _KIND[a.kind],
            "nerve": nerve,
            "joints": joints,
            "segs": lambda a: _bits([SEGMENTS.index(s) for s in a.segments]),
            "side": lambda a: -1 if a.side is None else _SIDE_CODE[a.side],
            "drug": lambda a: (
                -1 if a.drug is None else ("gabapentin", "pregabalin").index(a.drug.value)
            ),
            "urgent": lambda a: int(a.urgency is Urgency.URGENT),
            "tf": lambda a: int(a.approach is Approach.TRANSFORAMINAL),
            "series": lambda a: a.series_position or 0,
            "foramen": foramen,
            "nsegs": lambda a: len(a.segments),
            "first_seg": lambda a: SEGMENTS.index(a.segments[0]) if a.segments else -1,
        }
        for name, of in table.items():
            self._cache[name] = np.array([of(a) for a in self.actions], dtype=np.int64)
        self._size = len(self.actions)


# -- per-patient state


def _popcount(x: I64) -> I64:
    count = np.zeros(x.shape, dtype=np.int64)
    y = x.copy()
    while np.any(y):
        count += y & 1
        y >>= 1
    return count


class VectorState:
    """What the facts of each simulated patient's record are computed from, as numpy arrays.

    ``absorb`` takes each simulated step (the kernel's frame) in the order its events reach the
    record; ``classify`` evaluates the catalogue for some patients on a day.
    """

    def __init__(
        self,
        table: PatientTable,
        profile: Profile,
        universe: Universe,
        entry_cesi: I64,
        true_nerve: I64,
    ) -> None:
        from spinepath.sim.cohort import ENTRY_OFFSETS

        self.profile = profile
        self.universe = universe
        t = table
        m = len(t)
        self.m = m
        radicular = t.presentation <= 1
        myelo = t.presentation == 4
        self.radicular = radicular
        self.myelo = myelo
        # static: what imaging, symptoms and health say -------------------------------------------
        seg = t.seg.astype(np.int64)
        side = t.side.astype(np.int64)
        foraminal = np.zeros(m, dtype=np.int64)
        nerves = np.zeros(m, dtype=np.int64)
        for s_col, side_col in ((seg, side), (t.seg2.astype(np.int64), t.side2.astype(np.int64))):
            present = radicular & (s_col >= 0)
            for lat in (0, 1):
                covered = present & ((side_col == lat) | (side_col == 2))
                foraminal |= np.where(covered, 1 << (s_col * 2 + lat), 0)
                nerves |= np.where(covered, 1 << ((s_col + 3) * 2 + lat), 0)
        self.foraminal = foraminal
        self.implicated = nerves
        self.symptomatic = nerves  # radiating = the implicated nerves; exams find no others
        self.candidate_nerves = nerves
        self.radiating = nerves != 0
        facet = np.zeros(m, dtype=np.int64)
        for s_col in (t.facet_seg.astype(np.int64), t.facet_seg2.astype(np.int64)):
            for lat in (0, 1):
                covered = (s_col >= 0) & ((t.facet_side == lat) | (t.facet_side == 2))
                facet |= np.where(covered, 1 << (s_col * 2 + lat), 0)
        self.facet = facet
        compressive = np.where(radicular | myelo, 1 << np.maximum(seg, 0), 0)
        compressive |= np.where(radicular & (t.seg2 >= 0), 1 << np.maximum(t.seg2, 0), 0)
        self.compressive = compressive.astype(np.int64)
        self.cord = np.where(myelo, 1 << np.maximum(seg, 0), 0).astype(np.int64)
        self.headache = t.headache.astype(np.int64)
        self.headache_side = t.headache_side.astype(np.int64)
        self.bleeding = t.anticoagulated.astype(np.bool_)
        self.unfit = t.asa > 4
        self.needs_correction = (t.forward_head | t.thoracic).astype(np.bool_)
        self.onset_day = ENTRY_OFFSETS["intake"] - t.onset.astype(np.int64)
        self.base_arm = t.arm.astype(np.int64)
        self.base_neck = t.neck.astype(np.int64)
        self.base_qol = np.isin(t.qol, (3, 4))  # severe, debilitating
        grade = t.grade.astype(np.int64)
        self.entry_deficit = np.where(radicular, 5 - grade, 0)
        # what red flag texts depend on: the signs, the mJOA, the weak root and its grade
        self.flag_base = (
            (t.signs.astype(np.int64) * 32 + t.mjoa.astype(np.int64) + 1) * 128 + true_nerve + 1
        ) * 8 + np.maximum(grade, 0)
        static = np.column_stack(
            [
                self.foraminal,
                self.candidate_nerves,
                self.radiating,
                facet,
                self.compressive,
                self.cord,
                self.headache,
                self.headache_side,
                self.bleeding,
                self.unfit,
                self.needs_correction,
            ]
        ).astype(np.int64)
        self.static_id = _hash_columns(static)[0]
        # dynamic: as the entry events leave it --------------------------------------------------
        self.n_events = np.full(m, 4, dtype=np.int64)
        self.arm = self.base_arm.copy()
        self.neck = self.base_neck.copy()
        self.qol = self.base_qol.copy()
        self.changed_day = np.full(m, LONG_AGO, dtype=np.int64)
        self.imaging_day = np.full(m, ENTRY_OFFSETS["imaging"], dtype=np.int64)
        self.deficit = self.entry_deficit.copy()
        self.run_start = np.full((m, 6), -1, dtype=np.int64)
        self.has_below = np.zeros((m, 6), dtype=np.bool_)
        self._exam(np.arange(m), np.full(m, 1), self.entry_deficit)
        self.myelo_run = np.where(myelo, 1, -1).astype(np.int64)
        self.signs = myelo.copy()
        self.reeval_day = np.full(m, LONG_AGO, dtype=np.int64)
        self.posture_day = np.full(m, LONG_AGO, dtype=np.int64)
        self.advpt_day = np.full(m, LONG_AGO, dtype=np.int64)
        self.posture_any = np.zeros(m, dtype=np.bool_)
        self.advpt_any = np.zeros(m, dtype=np.bool_)
        self.gon_day = np.full((m, 3), LONG_AGO, dtype=np.int64)
        self.gon_worked = np.zeros((m, 3), dtype=np.bool_)
        kc = 4
        self.cesi_col = np.full((m, kc), -1, dtype=np.int64)
        self.cesi_day = np.full((m, kc), LONG_AGO, dtype=np.int64)
        self.cesi_nerve = np.full((m, kc), -1, dtype=np.int64)
        self.cesi_tf = np.zeros((m, kc), dtype=np.bool_)
        self.cesi_rep = np.zeros((m, kc), dtype=np.bool_)
        self.cesi_relief = np.zeros((m, kc), dtype=np.int64)
        self.cesi_dur = np.full((m, kc), NONE, dtype=np.int64)
        self.n_cesi = np.ones(m, dtype=np.int64)
        self.cesi_col[:, 0] = entry_cesi
        self.cesi_day[:, 0] = ENTRY_OFFSETS["cesi"]
        tf = t.cesi_approach == 1
        cesi_side = np.where(tf, t.cesi_side, 0).astype(np.int64)
        self.cesi_nerve[:, 0] = np.where(tf, (t.cesi_seg.astype(np.int64) + 3) * 2 + cesi_side, -1)
        self.cesi_tf[:, 0] = tf
        self.cesi_rep[:, 0] = True
        self.cesi_relief[:, 0] = t.cesi_relief
        self.cesi_dur[:, 0] = t.cesi_days
        worked = self._cesi_worked(self.cesi_relief[:, 0], self.cesi_dur[:, 0])
        self.failure_day = np.where(worked, LONG_AGO, ENTRY_OFFSETS["cesi_outcome"]).astype(
            np.int64
        )
        self.failure_set = ~worked
        self.last_worked = worked
        self.targeted_failed = np.zeros(m, dtype=np.bool_)
        self.blocks_failed = np.zeros(m, dtype=np.bool_)
        self.tx_has = np.ones(m, dtype=np.bool_)
        self.tx_relief = self.cesi_relief[:, 0].copy()
        self.tx_day = np.full(m, ENTRY_OFFSETS["cesi"], dtype=np.int64)
        self.tx_dur = self.cesi_dur[:, 0].copy()
        self.snrb_done = np.zeros(m, dtype=np.int64)
        self.snrb_pos = np.zeros(m, dtype=np.int64)
        self.snrb_first = np.full((m, NERVES), NEVER, dtype=np.int64)
        self.mbb_pos = np.zeros((m, JOINTS), dtype=np.int64)
        self.mbb_neg = np.zeros((m, JOINTS), dtype=np.bool_)
        self.mbb_any = np.zeros(m, dtype=np.int64)
        self.rfa_count = np.zeros((m, JOINTS), dtype=np.int64)
        self.rfa_last_day = np.full((m, JOINTS), LONG_AGO, dtype=np.int64)
        self.rfa_last_rep = np.zeros((m, JOINTS), dtype=np.bool_)
        self.rfa_last_relief = np.zeros((m, JOINTS), dtype=np.int64)
        self.rfa_last_dur = np.full((m, JOINTS), NONE, dtype=np.int64)
        self.rfa_days = np.full((m, 2), LONG_AGO, dtype=np.int64)
        # joints in the order of their first ablation, as base-13 digits (joint + 1)
        self.rfa_order = np.zeros(m, dtype=np.int64)
        self.n_rfa = np.zeros(m, dtype=np.int64)
        self.extra_rfa: dict[int, set[int]] = {}
        self.med_tried = np.zeros((m, 2), dtype=np.bool_)
        self.med_stop = np.full((m, 2), LONG_AGO, dtype=np.int64)
        self.scs_trial = np.zeros(m, dtype=np.bool_)
        self.scs_ok = np.zeros(m, dtype=np.bool_)
        self.scs_implanted = np.zeros(m, dtype=np.bool_)
        self.consult_day = np.full(m, LONG_AGO, dtype=np.int64)
        self.consult_idx = np.full(m, -1, dtype=np.int64)
        self.surgery_day = np.full(m, LONG_AGO, dtype=np.int64)
        self.fused = np.zeros(m, dtype=np.int64)
        # the entry CESI's outcome moved the phase to maintenance (it worked) or re-evaluation
        self.phase = np.where(
            worked, PHASES.index(Phase.MAINTENANCE), PHASES.index(Phase.RE_EVALUATION)
        ).astype(np.int64)
        self.last_cesi_col = entry_cesi.copy()

    # -- helpers ---------------------------------------------------------------------------------
    def _cesi_worked(self, relief: I64, duration: I64) -> B:
        p = self.profile
        lasting = (duration == LASTING) | (duration >= int(p.cesi_adequate_relief_days.value))
        out: B = _met(p.cesi_adequate_relief.value, relief) & lasting
        return out

    def _exam(self, rows: I64, index: I64, deficit: I64) -> None:
        """A new exam at event ``index`` with this weakness at the patient's true root."""
        self.deficit[rows] = deficit
        for v in range(1, 6):
            at_least = deficit >= v
            start = self.run_start[rows, v]
            self.run_start[rows, v] = np.where(at_least, np.where(start >= 0, start, index), -1)
            self.has_below[rows, v] |= ~at_least

    def _visit(
        self,
        rows: I64,
        index: I64,
        day: I64,
        arm: I64,
        neck: I64,
        qol: B,
        changed: B,
        deficit: I64,
        signs: B,
    ) -> None:
        self.arm[rows] = arm
        self.neck[rows] = neck
        self.qol[rows] = qol
        self.changed_day[rows] = np.where(changed, day, self.changed_day[rows])
        self._exam(rows, index, np.where(self.radicular[rows], deficit, 0))
        myelo = self.myelo[rows]
        run = self.myelo_run[rows]
        self.myelo_run[rows] = np.where(myelo & signs, np.where(run >= 0, run, index), -1)
        self.signs[rows] = myelo & signs

    def _next_index(self, rows: I64, where: B) -> I64:
        index = self.n_events[rows].copy()
        self.n_events[rows] += where
        return index

    # -- taking in one simulated step
    def absorb(self, frame: dict[str, npt.NDArray[Any]], decisions: list[Action]) -> None:
        """Update the state with one step's events (the kernel's frame for these patients)."""
        rows = frame["pos"].astype(np.int64)
        kinds = frame["kind"].astype(np.int64)
        day = frame["day"].astype(np.int64)
        cols = _columns_of(self.universe, decisions)[frame["decision"].astype(np.int64)]
        u = self.universe
        k = rows.size
        always = np.ones(k, dtype=np.bool_)

        def is_(*which: ActionKind) -> B:
            out: B = np.isin(kinds, [_KIND[w] for w in which])
            return out

        main = self._next_index(rows, always)
        # -- the step's own event ----------------------------------------------------------------
        phase_of_kind = np.array([PHASES.index(ACTION_PHASE[kk]) for kk in KINDS], dtype=np.int64)
        new_phase = phase_of_kind[kinds]
        self.phase[rows] = new_phase
        sel = is_(K.RE_EVALUATION)
        if sel.any():
            r = rows[sel]
            progressed = frame["progressed"][sel].astype(np.bool_)
            arm = np.minimum(self.base_arm[r] + progressed, 10)
            exam = frame["exam"][sel].astype(np.int64)
            deficit = self._deficit_of(r, exam)
            self._visit(
                r,
                main[sel],
                day[sel],
                arm,
                self.base_neck[r],
                progressed | self.base_qol[r],
                frame["traj"][sel] >= 2,
                deficit,
                exam != 2,
            )
            self.reeval_day[r] = day[sel]
        sel = is_(K.IMAGING)
        if sel.any():
            self.imaging_day[rows[sel]] = np.maximum(self.imaging_day[rows[sel]], day[sel])
        sel = is_(K.POSTURE_REVIEW)
        if sel.any():
            self.posture_day[rows[sel]] = day[sel]
            self.posture_any[rows[sel]] = True
        sel = is_(K.SELECTIVE_NERVE_ROOT_BLOCK)
        if sel.any():
            r = rows[sel]
            nerve = u.attr("nerve")[cols[sel]]
            self.snrb_done[r] |= 1 << nerve
            self.snrb_first[r, nerve] = np.minimum(self.snrb_first[r, nerve], day[sel])
        sel = is_(K.CESI)
        if sel.any():
            self._grow_cesi()
            r = rows[sel]
            slot = self.n_cesi[r]
            self.cesi_col[r, slot] = cols[sel]
            self.cesi_day[r, slot] = day[sel]
            self.cesi_nerve[r, slot] = u.attr("nerve")[cols[sel]]
            self.cesi_tf[r, slot] = u.attr("tf")[cols[sel]] == 1
            self.cesi_rep[r, slot] = False
            self.n_cesi[r] += 1
            self.last_cesi_col[r] = cols[sel]
            # the latest CESI has no outcome yet: no failure date until it is reported
            self.failure_set[r] = False
            self.failure_day[r] = LONG_AGO
            self.last_worked[r] = False
        sel = is_(K.MEDIAL_BRANCH_BLOCK)
        if sel.any():
            self.mbb_any[rows[sel]] |= u.attr("joints")[cols[sel]]
        sel = is_(K.RADIOFREQUENCY_ABLATION)
        if sel.any():
            r = rows[sel]
            joints = u.attr("joints")[cols[sel]]
            for j in range(JOINTS):
                hit = (joints >> j) & 1 == 1
                if hit.any():
                    rr = r[hit]
                    first = self.rfa_count[rr, j] == 0
                    self.rfa_order[rr[first]] = self.rfa_order[rr[first]] * 13 + j + 1
                    self.rfa_count[rr, j] += 1
                    self.rfa_last_day[rr, j] = day[sel][hit]
                    self.rfa_last_rep[rr, j] = False
            if self.n_rfa[r].max() >= self.rfa_days.shape[1]:
                self.rfa_days = np.pad(
                    self.rfa_days, ((0, 0), (0, self.rfa_days.shape[1])), constant_values=LONG_AGO
                )
            self.rfa_days[r, self.n_rfa[r]] = day[sel]
            self.n_rfa[r] += 1
            self._extra_rfa(r, cols[sel])
        sel = is_(K.MEDIAL_BRANCH_BLOCK)
        if sel.any():
            self._extra_rfa(rows[sel], cols[sel])
        sel = is_(K.GREATER_OCCIPITAL_NERVE_BLOCK)
        if sel.any():
            side = u.attr("side")[cols[sel]]
            self.gon_day[rows[sel], side] = day[sel]
        sel = is_(K.MEDICATION_TRIAL)
        if sel.any():
            r = rows[sel]
            drug = u.attr("drug")[cols[sel]]
            self.med_tried[r, drug] = True
            stop = frame["result_day"][sel].astype(np.int64)
            stop = np.where(stop >= 0, stop, NEVER)
            self.med_stop[r, drug] = np.maximum(self.med_stop[r, drug], stop)
        sel = is_(K.ADVANCED_PHYSICAL_THERAPY)
        if sel.any():
            self.advpt_day[rows[sel]] = day[sel]
            self.advpt_any[rows[sel]] = True
        sel = is_(K.SPINAL_CORD_STIMULATOR_TRIAL)
        if sel.any():
            self.scs_trial[rows[sel]] = True
            self.scs_ok[rows[sel]] = False
        sel = is_(K.SPINAL_CORD_STIMULATOR_IMPLANT)
        if sel.any():
            self.scs_implanted[rows[sel]] = True
        sel = is_(K.SURGICAL_CONSULTATION)
        if sel.any():
            self.consult_day[rows[sel]] = day[sel]
            self.consult_idx[rows[sel]] = main[sel]
        sel = is_(K.ACDF, K.LAMINOFORAMINOTOMY)
        if sel.any():
            r = rows[sel]
            self.surgery_day[r] = day[sel]
            acdf = kinds[sel] == _KIND[K.ACDF]
            self.fused[r] |= np.where(acdf, u.attr("segs")[cols[sel]], 0)
            # only exams after the last operation count for red flags
            self.run_start[r] = -1
            self.has_below[r] = False
            self.myelo_run[r] = -1
        # -- a post-operative visit, then the outcome or the study, then a new deficit
        visit = frame["visit_day"] >= 0
        if visit.any():
            r = rows[visit]
            index = self._next_index(r, np.ones(r.size, dtype=np.bool_))
            relief = frame["relief"][visit].astype(np.int64)
            scale = np.where(relief >= 0, 100 - relief, 100)
            arm = np.rint(self.base_arm[r] * scale / 100).astype(np.int64)
            neck = np.rint(self.base_neck[r] * scale / 100).astype(np.int64)
            success = frame["success"][visit].astype(np.bool_)
            exam = np.where(success, 2, frame["exam"][visit]).astype(np.int64)
            self._visit(
                r,
                index,
                frame["visit_day"][visit].astype(np.int64),
                arm,
                neck,
                np.maximum(arm, neck) >= 6,
                np.zeros(r.size, dtype=np.bool_),
                self._deficit_of(r, exam),
                exam != 2,
            )
            at_surgery = self.phase[r] == PHASES.index(Phase.SURGERY)
            self.phase[r] = np.where(at_surgery, PHASES.index(Phase.POST_OPERATIVE), self.phase[r])
        result = frame["result_day"] >= 0
        study = result & is_(K.IMAGING)
        if study.any():
            r = rows[study]
            self._next_index(r, np.ones(r.size, dtype=np.bool_))
            self.imaging_day[r] = np.maximum(self.imaging_day[r], frame["result_day"][study])
        report = result & ~is_(
            K.IMAGING, K.RE_EVALUATION, K.POSTURE_REVIEW, K.SURGICAL_CONSULTATION, K.DISCHARGE
        )
        if report.any():
            self._report(frame, rows, kinds, cols, report)
        new_deficit = frame["prog_day"] >= 0
        if new_deficit.any():
            r = rows[new_deficit]
            index = self._next_index(r, np.ones(r.size, dtype=np.bool_))
            self._visit(
                r,
                index,
                frame["prog_day"][new_deficit].astype(np.int64),
                np.minimum(self.base_arm[r] + 1, 10),
                self.base_neck[r],
                np.ones(r.size, dtype=np.bool_),
                np.ones(r.size, dtype=np.bool_),
                self._deficit_of(r, np.ones(r.size, dtype=np.int64)),
                np.ones(r.size, dtype=np.bool_),
            )
            self.changed_day[r] = frame["prog_day"][new_deficit]

    def _deficit_of(self, rows: I64, exam: I64) -> I64:
        """Weakness at the true root for an exam variant (entry, after a deficit, post-op)."""
        entry = self.entry_deficit[rows]
        out: I64 = np.where(exam == 1, np.minimum(entry + 1, 5), np.where(exam == 2, 0, entry))
        return np.where(self.radicular[rows], out, 0)

    def _extra_rfa(self, rows: I64, cols: I64) -> None:
        """RFA at the target of a block or ablation done, when that is not one joint."""
        u = self.universe
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            action = u.actions[c]
            if len(action.joints) > 1:
                rfa = Action(
                    kind=K.RADIOFREQUENCY_ABLATION, segments=action.segments, side=action.side
                )
                self.extra_rfa.setdefault(r, set()).add(u.col(rfa))

    def _grow_cesi(self) -> None:
        if int(self.n_cesi.max()) < self.cesi_col.shape[1]:
            return
        width = self.cesi_col.shape[1]
        for name, fill in (
            ("cesi_col", -1),
            ("cesi_day", LONG_AGO),
            ("cesi_nerve", -1),
            ("cesi_tf", False),
            ("cesi_rep", False),
            ("cesi_relief", 0),
            ("cesi_dur", NONE),
        ):
            old = getattr(self, name)
            setattr(self, name, np.pad(old, ((0, 0), (0, width)), constant_values=fill))

    def _report(
        self, frame: dict[str, npt.NDArray[Any]], rows: I64, kinds: I64, cols: I64, report: B
    ) -> None:
        p = self.profile
        u = self.universe
        r = rows[report]
        kd = kinds[report]
        c = cols[report]
        self._next_index(r, np.ones(r.size, dtype=np.bool_))
        relief = frame["relief"][report].astype(np.int64)
        duration = frame["duration"][report].astype(np.int64)
        concordant = frame["concordant"][report].astype(np.int64)
        day = frame["day"][report].astype(np.int64)
        result_day = frame["result_day"][report].astype(np.int64)
        adequate = _met(p.adequate_relief.value, relief)

        def of(*which: ActionKind) -> B:
            out: B = np.isin(kd, [_KIND[w] for w in which])
            return out

        purely_diagnostic = of(
            K.SELECTIVE_NERVE_ROOT_BLOCK, K.MEDIAL_BRANCH_BLOCK, K.SPINAL_CORD_STIMULATOR_TRIAL
        )
        treatment = ~purely_diagnostic
        self.tx_has[r[treatment]] = True
        self.tx_relief[r[treatment]] = relief[treatment]
        self.tx_day[r[treatment]] = day[treatment]
        self.tx_dur[r[treatment]] = duration[treatment]
        not_false = concordant != 0
        sel = of(K.SELECTIVE_NERVE_ROOT_BLOCK)
        if sel.any():
            positive = not_false[sel] & _met(p.snrb_positive_relief.value, relief[sel])
            nerve = u.attr("nerve")[c[sel]]
            self.snrb_pos[r[sel]] |= np.where(positive, 1 << nerve, 0)
        sel = of(K.CESI)
        if sel.any():
            rr = r[sel]
            slot = self.n_cesi[rr] - 1
            self.cesi_rep[rr, slot] = True
            self.cesi_relief[rr, slot] = relief[sel]
            self.cesi_dur[rr, slot] = duration[sel]
            worked = self._cesi_worked(relief[sel], duration[sel])
            self.last_worked[rr] = worked
            self.failure_set[rr] = ~worked
            self.failure_day[rr] = np.where(worked, LONG_AGO, result_day[sel])
            failed = ~adequate[sel] & (slot >= 1)
            self.targeted_failed[rr] |= failed
            self.blocks_failed[rr] |= failed & self.cesi_tf[rr, slot]
        sel = of(K.MEDIAL_BRANCH_BLOCK)
        if sel.any():
            rr = r[sel]
            positive = not_false[sel] & _met(p.mbb_positive_relief.value, relief[sel])
            joints = u.attr("joints")[c[sel]]
            for j in range(JOINTS):
                hit = (joints >> j) & 1 == 1
                if hit.any():
                    self.mbb_pos[rr[hit], j] += positive[hit]
                    self.mbb_neg[rr[hit], j] |= ~positive[hit]
        sel = of(K.RADIOFREQUENCY_ABLATION)
        if sel.any():
            rr = r[sel]
            joints = u.attr("joints")[c[sel]]
            for j in range(JOINTS):
                hit = (joints >> j) & 1 == 1
                if hit.any():
                    self.rfa_last_rep[rr[hit], j] = True
                    self.rfa_last_relief[rr[hit], j] = relief[sel][hit]
                    self.rfa_last_dur[rr[hit], j] = duration[sel][hit]
            self.targeted_failed[rr] |= ~adequate[sel]
            self.blocks_failed[rr] |= ~adequate[sel]
        sel = of(K.GREATER_OCCIPITAL_NERVE_BLOCK)
        if sel.any():
            rr = r[sel]
            side = u.attr("side")[c[sel]]
            worked = _met(p.gon_block_response.value, relief[sel])
            self.gon_worked[rr, side] |= worked
            self.targeted_failed[rr] |= ~adequate[sel]
            self.blocks_failed[rr] |= ~adequate[sel]
        sel = of(K.SPINAL_CORD_STIMULATOR_TRIAL)
        if sel.any():
            self.scs_ok[r[sel]] = _met(p.scs_trial_success.value, relief[sel])
        sel = of(K.SPINAL_CORD_STIMULATOR_IMPLANT, K.REGENERATIVE_THERAPY)
        if sel.any():
            self.targeted_failed[r[sel]] |= ~adequate[sel]
        # the phase (machine._after): surgery -> post-operative; diagnostic kinds keep it; a CESI
        # -> maintenance if it worked, else re-evaluation; other treatments -> maintenance if
        # adequate
        surgery = of(K.ACDF, K.LAMINOFORAMINOTOMY)
        diagnostic = purely_diagnostic | of(K.GREATER_OCCIPITAL_NERVE_BLOCK)
        cesi = of(K.CESI)
        cesi_worked = self._cesi_worked(relief, duration)
        maintenance = PHASES.index(Phase.MAINTENANCE)
        phase = self.phase[r]
        phase = np.where(
            surgery,
            PHASES.index(Phase.POST_OPERATIVE),
            np.where(
                diagnostic,
                phase,
                np.where(
                    cesi,
                    np.where(cesi_worked, maintenance, PHASES.index(Phase.RE_EVALUATION)),
                    np.where(adequate, maintenance, phase),
                ),
            ),
        )
        self.phase[r] = phase

    # -- facts -------------------------------------------------------------------------------------
    def context(self, rows: I64, day: I64) -> FactContext:
        return FactContext(self, rows, day)

    def canonical_all(self, rows: I64, day: I64) -> tuple[I64, I64]:
        """:meth:`canonical` for ``rows``, computed over every patient of the chunk when they
        are most of it (no copying of the state arrays)."""
        if rows.size < 0.6 * self.m:
            return self.canonical(rows, day)
        every = np.arange(self.m)
        full_day = np.zeros(self.m, dtype=np.int64)
        full_day[rows] = day
        h1, h2 = self.canonical(every, full_day, whole=True)
        return h1[rows], h2[rows]

    def candidates(self, rows: I64) -> tuple[B, I64]:
        """Which universe actions are candidates for each patient (engine.candidates), and the
        position each takes in the engine's candidate order."""
        u = self.universe
        _ensure_universe(u)
        g = _groups(u)
        k = rows.size
        cand = np.zeros((k, len(u)), dtype=np.bool_)
        cand[:, g.fixed] = True
        cand[np.arange(k), self.last_cesi_col[rows]] = True
        nerves = self.candidate_nerves[rows] | self.snrb_done[rows]
        cand[:, g.nerve_cols] = ((nerves[:, None] >> g.nerve_of[None, :]) & 1) == 1
        joint_set = self.facet[rows] | self.mbb_any[rows]
        in_set = ((joint_set[:, None] >> g.joint_of[None, :]) & 1) == 1
        needed = int(self.profile.mbb_blocks_required.value)
        if needed >= 2:
            positive = self.mbb_pos[rows][:, g.joint_of] >= 1
            want = np.where(positive, 2, 1)
        else:
            want = np.ones((k, g.joint_of.size), dtype=np.int64)
        cand[:, g.joint_cols] = in_set & ((g.series_of[None, :] == want) | (g.series_of == 0))
        # RFA again wherever an ablation was done (engine: an RFA per block or ablation done)
        ablated = _mask(self.rfa_count[rows] > 0)
        again = ((ablated[:, None] >> g.joint_of[None, :]) & 1) == 1
        cand[:, g.joint_cols] |= again & (g.series_of == 0) & g.is_rfa[None, :]
        for i, r in enumerate(rows.tolist()):
            for col in self.extra_rfa.get(r, ()):
                cand[i, col] = True
        hside = self.headache_side[rows]
        lateral = np.where(hside >= 0, np.array(_LATERAL_BITS)[np.maximum(hside, 0)], 3)
        has_headache = (self.headache[rows] > 0)[:, None]
        cand[:, g.gon_cols] = has_headache & (((lateral[:, None] >> g.gon_side[None, :]) & 1) == 1)
        compressive = self.compressive[rows]
        for col, segs in zip(g.acdf_cols.tolist(), g.acdf_segs.tolist(), strict=True):
            cand[:, col] = _surgical_level(compressive, segs)
        cand[:, g.lamino_cols] = ((self.foraminal[rows][:, None] >> g.foramen_of[None, :]) & 1) == 1
        return cand, g.order

    def canonical(self, rows: I64, day: I64, whole: bool = False) -> tuple[I64, I64]:
        """A 128-bit key per patient of everything the facts read on ``day``: two patients with
        the same key get the same classification. Dates and event positions enter only as the
        comparisons the facts make of them (windows, intervals, "since the failure", "after
        the last consultation"), so the key repeats across patients and steps."""
        f = FactContext(self, rows, day, whole=whole)
        p = self.profile
        myelo, myelo_place, progressive, place = _flags(f)
        ongoing = _ongoing(f)
        needed = int(p.mbb_blocks_required.value)
        repeat_ok = f.cesi_rep & _met(p.repeat_cesi_requires_prior_relief.value, f.cesi_relief)
        targeted = np.zeros(rows.size, dtype=np.int64)
        for i in range(f.cesi_col.shape[1]):
            nerve = f.cesi_nerve[:, i]
            first = f.snrb_first[np.arange(rows.size), np.maximum(nerve, 0)]
            done = (nerve >= 0) & (first < NEVER) & (f.cesi_day[:, i] >= first)
            targeted |= np.where(done, 1 << np.maximum(nerve, 0), 0)
        qualifies = (
            (f.rfa_count > 0)
            & f.rfa_last_rep
            & (f.rfa_last_dur >= 0)
            & _met(p.repeat_rfa_prior_relief.value, f.rfa_last_relief)
            & (f.rfa_last_dur >= int(p.repeat_rfa_prior_relief_days.value))
        )
        interval_ok = (f.rfa_last_day == LONG_AGO) | (
            f.day[:, None] - f.rfa_last_day >= int(p.repeat_rfa_min_interval_days.value)
        )
        extra = np.array([r in self.extra_rfa for r in rows.tolist()], dtype=np.bool_)
        # each field with the bits it needs (64: a word of its own)
        fields: list[tuple[npt.ArrayLike, int]] = [
            (f.static_id, 64),
            (np.where(myelo | progressive, f.flag_base, 0), 64),
            (np.where(extra, self.index_of(rows), 0), 64),
            (self.orphan_order(rows), 64),
            (f.last_cesi_col + 1, 24),
            (targeted, 20),
            (f.snrb_done, 20),
            (f.snrb_pos, 20),
            (_mask(f.mbb_pos >= 1), 12),
            (_mask(f.mbb_pos >= needed), 12),
            (_mask(f.mbb_neg), 12),
            (f.mbb_any, 12),
            (_mask(f.rfa_count > 0), 12),
            (_mask(qualifies), 12),
            (_mask(interval_ok), 12),
            (f.fused, 6),
            (f.phase, 4),
        ]
        fields += [(f.cesi_col[:, i] + 1, 24) for i in range(f.cesi_col.shape[1])]
        flags = [
            # pain only as the facts compare it (facet signs, radicular pain)
            f.arm > 0,
            f.neck > 0,
            f.neck >= f.arm,
            f.arm >= f.neck,
            f.qol,
            _symptoms_changed(f),
            myelo,
            progressive,
            myelo & (myelo_place > f.consult_idx),
            progressive & (place > f.consult_idx),
            f.since_failure(f.reeval_day),
            f.since_failure(f.posture_day),
            f.since_failure(f.advpt_day),
            f.posture_any,
            f.advpt_any,
            _cesi_on_record(f),
            _cesi_failed(f),
            _epidural_frequency_ok(f),
            _epidural_interval_ok(f),
            f.targeted_failed,
            f.blocks_failed,
            _adequate_relief(f),
            _rfa_frequency_ok(f, np.zeros(1, dtype=np.int64))[:, 0],
            f.scs_trial,
            f.scs_ok,
            f.scs_implanted,
            _consulted(f),
            _conservative_care_long_enough(f),
            _facet_care_long_enough(f),
        ]
        for b in range(3):
            flags += [f.since_failure(f.gon_day[:, b]), f.gon_worked[:, b]]
        for d in range(2):
            flags += [f.med_tried[:, d], ongoing[:, d]]
        flags += [repeat_ok[:, i] for i in range(f.cesi_col.shape[1])]
        fields += [(flag, 1) for flag in flags]
        return _hash_columns(_pack(fields, rows.size))

    def orphan_order(self, rows: I64) -> I64:
        """For patients with ablations at two or more joints that are not block candidates,
        the order of those ablations (the engine lists them chronologically); else 0."""
        joint_set = self.facet[rows] | self.mbb_any[rows]
        orphans = _mask(self.rfa_count[rows] > 0) & ~joint_set
        several = _popcount(orphans) >= 2
        out: I64 = np.where(several, self.rfa_order[rows], 0)
        return out

    def index_of(self, rows: I64) -> I64:
        out: I64 = rows.astype(np.int64) + 1
        return out

    def classify(self, rows: I64, day: I64, cand: B) -> tuple[I64, B]:
        """Status of every candidate (0 not a candidate, 1 allowed, 2 recommended, 3 blocked)
        and whether each recommendation is urgent, for each patient on ``day``."""
        from spinepath.rules.catalogue import rules_for

        u = self.universe
        ctx = self.context(rows, day)
        kind = u.attr("kind")
        k, a = cand.shape
        status = np.zeros((k, a), dtype=np.int64)
        urgent = np.zeros((k, a), dtype=np.bool_)
        any_cand = cand.any(axis=0)
        for code, action_kind in enumerate(KINDS):
            cols = np.flatnonzero((kind == code) & any_cand)
            if cols.size == 0:
                continue
            blocked = np.zeros((k, cols.size), dtype=np.bool_)
            favoured = np.zeros((k, cols.size), dtype=np.bool_)
            urgent_k = np.zeros((k, cols.size), dtype=np.bool_)
            for rule in rules_for(action_kind):
                scope = ctx.evaluate(rule.scope, cols) if rule.scope is not None else True
                fails = (~ctx.evaluate(rule.requires, cols)) if rule.requires is not None else False
                blocked |= scope & fails
                if rule.favours is not None:
                    holds = scope & ~np.asarray(fails) & ctx.evaluate(rule.favours, cols)
                    favoured |= holds
                    if rule.urgent:
                        urgent_k |= holds
            st = np.where(blocked, 3, np.where(favoured, 2, 1))
            status[:, cols] = st
            urgent[:, cols] = urgent_k & ~blocked
        status = np.where(cand, status, 0)
        return status, urgent & cand


def _mask(per_joint: npt.NDArray[np.bool_]) -> I64:
    """Boolean columns (one per joint) as the bits of one integer per row."""
    out: I64 = per_joint.astype(np.int64) @ (np.int64(1) << np.arange(per_joint.shape[1]))
    return out


def _pack(fields: list[tuple[npt.ArrayLike, int]], n: int) -> I64:
    """Fields of the given widths (in bits) packed into as few int64 words as they fit in."""
    words: list[I64] = []
    current = np.zeros(n, dtype=np.int64)
    used = 0
    for value, width in fields:
        column = np.asarray(value, dtype=np.int64)
        if width >= 64:
            words.append(column)
            continue
        if used + width > 63:
            words.append(current)
            current = np.zeros(n, dtype=np.int64)
            used = 0
        current |= (column & ((1 << width) - 1)) << used
        used += width
    words.append(current)
    out: I64 = np.column_stack(words)
    return out


_SEEDS = np.random.default_rng(0x5EED).integers(1, 2**63, size=(2, 512)).astype(np.uint64)


def _hash_columns(columns: I64) -> tuple[I64, I64]:
    """Two independent 64-bit hashes of each row: every value is mixed (SplitMix64's
    finaliser, salted by its column) and the mixes are combined with random multipliers, so
    distinct rows collide with probability about 2**-64 per hash."""
    global _SEEDS
    width = columns.shape[1]
    if width > _SEEDS.shape[1]:
        _SEEDS = np.random.default_rng(width).integers(1, 2**63, size=(2, width)).astype(np.uint64)
    z: Any
    with np.errstate(over="ignore"):
        z = columns.astype(np.uint64) + np.arange(1, width + 1, dtype=np.uint64) * np.uint64(
            0x9E3779B97F4A7C15
        )
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z ^= z >> np.uint64(31)
        first = (z * _SEEDS[0, :width]).sum(axis=1, dtype=np.uint64)
        second = (z * _SEEDS[1, :width]).sum(axis=1, dtype=np.uint64)
    return first.view(np.int64), second.view(np.int64)


_COLUMNS: dict[int, I64] = {}


def _columns_of(u: Universe, decisions: list[Action]) -> I64:
    """The universe column of each decision's action (decision numbers only grow)."""
    found = _COLUMNS.get(id(u))
    if found is None or found.size < len(decisions):
        start = 0 if found is None else found.size
        more = np.array([u.col(a) for a in decisions[start:]], dtype=np.int64)
        found = _COLUMNS[id(u)] = more if found is None else np.concatenate([found, more])
    return found


def _met(threshold: Any, relief: npt.ArrayLike) -> B:
    values = np.asarray(relief)
    out: B = values >= threshold.value if threshold.inclusive else values > threshold.value
    return out


def _surgical_level(compressive: I64, segs: int) -> B:
    """Whether an ACDF target is one of ``engine._surgical_levels`` of the compressed segments:
    a single compressed segment, or a maximal contiguous run of two or more."""
    single = segs & (segs - 1) == 0
    if single:
        out: B = (compressive & segs) == segs
        return out
    # a run: every segment compressed, and the segments just outside it not compressed
    low = segs & -segs
    high = 1 << (segs.bit_length() - 1)
    contiguous = segs == ((high << 1) - low)
    if not contiguous:
        return np.zeros(compressive.shape, dtype=np.bool_)
    inside = (compressive & segs) == segs
    below = (compressive & (low >> 1)) != 0
    above = (compressive & (high << 1)) != 0
    result: B = inside & ~below & ~above
    return result


class _Groups:
    """The universe's columns grouped by how candidacy is decided, with their sort order."""

    def __init__(self, u: Universe) -> None:
        kind = u.attr("kind")
        nerve = u.attr("nerve")
        joints = u.attr("joints")
        single = _popcount(joints) == 1
        joint = np.where(single, np.log2(np.maximum(joints, 1)).astype(np.int64), 0)
        a = len(u)
        self.size = a
        self.fixed = _fixed_columns(u)
        is_snrb = kind == _KIND[K.SELECTIVE_NERVE_ROOT_BLOCK]
        is_tf = (kind == _KIND[K.CESI]) & (u.attr("tf") == 1) & (nerve >= 0)
        self.nerve_cols = np.flatnonzero(is_snrb | is_tf)
        self.nerve_of = nerve[self.nerve_cols]
        is_mbb = (kind == _KIND[K.MEDIAL_BRANCH_BLOCK]) & single
        is_rfa = (kind == _KIND[K.RADIOFREQUENCY_ABLATION]) & single
        self.joint_cols = np.flatnonzero(is_mbb | is_rfa)
        self.joint_of = joint[self.joint_cols]
        self.series_of = np.where(is_mbb, u.attr("series"), 0)[self.joint_cols]
        self.is_rfa = is_rfa[self.joint_cols]
        is_gon = (
            (kind == _KIND[K.GREATER_OCCIPITAL_NERVE_BLOCK])
            & (u.attr("side") >= 0)
            & (u.attr("side") <= 1)
        )
        self.gon_cols = np.flatnonzero(is_gon)
        self.gon_side = u.attr("side")[self.gon_cols]
        is_acdf = kind == _KIND[K.ACDF]
        self.acdf_cols = np.flatnonzero(is_acdf)
        self.acdf_segs = u.attr("segs")[self.acdf_cols]
        is_lamino = (kind == _KIND[K.LAMINOFORAMINOTOMY]) & (u.attr("foramen") >= 0)
        self.lamino_cols = np.flatnonzero(is_lamino)
        self.foramen_of = u.attr("foramen")[self.lamino_cols]
        order = np.full(a, 10**6, dtype=np.int64)
        order[self.fixed] = np.arange(self.fixed.size)
        order = np.where(is_snrb, 100 + 4 * nerve, np.where(is_tf, 101 + 4 * nerve, order))
        order = np.where(is_mbb, 1000 + 4 * joint, np.where(is_rfa, 1001 + 4 * joint, order))
        extra_rfa = (kind == _KIND[K.RADIOFREQUENCY_ABLATION]) & ~single
        order = np.where(extra_rfa, 2000 + np.arange(a), order)
        order = np.where(is_gon, 3000 + u.attr("side"), order)
        order = np.where(
            is_acdf, 4000 + np.where(u.attr("nsegs") > 1, 100, 0) + u.attr("first_seg"), order
        )
        self.order = np.where(is_lamino, 5000 + u.attr("foramen"), order)


_GROUPS: dict[int, _Groups] = {}


def _groups(u: Universe) -> _Groups:
    found = _GROUPS.get(id(u))
    if found is None or found.size != len(u):
        found = _GROUPS[id(u)] = _Groups(u)
    return found


_FIXED_CACHE: dict[int, I64] = {}


def _fixed_columns(u: Universe) -> I64:
    from spinepath.pathway.engine import _FIXED

    found = _FIXED_CACHE.get(id(u))
    if found is None or found.size != len(_FIXED):
        found = np.array([u.col(a) for a in _FIXED], dtype=np.int64)
        _FIXED_CACHE[id(u)] = found
    return found


def _ensure_universe(u: Universe) -> None:
    """Register every action a simulated patient's candidates can name, so that candidate
    sets are columns of one matrix."""
    if getattr(u, "_complete", False):
        return
    from spinepath.anatomy import NerveRoot, Segment

    _fixed_columns(u)
    lateral = (Side.LEFT, Side.RIGHT)
    for root in NerveRoot:
        for side in lateral:
            u.col(Action(kind=K.SELECTIVE_NERVE_ROOT_BLOCK, root=root, side=side))
            segment = root.exit_segment
            if segment is not None:
                u.col(
                    Action(
                        kind=K.CESI,
                        approach=Approach.TRANSFORAMINAL,
                        segments=(segment,),
                        side=side,
                    )
                )
    for segment in Segment:
        for side in lateral:
            for series in (1, 2):
                u.col(
                    Action(
                        kind=K.MEDIAL_BRANCH_BLOCK,
                        segments=(segment,),
                        side=side,
                        series_position=series,
                    )
                )
            u.col(Action(kind=K.RADIOFREQUENCY_ABLATION, segments=(segment,), side=side))
            u.col(Action(kind=K.LAMINOFORAMINOTOMY, segments=(segment,), side=side))
    for side in lateral:
        u.col(Action(kind=K.GREATER_OCCIPITAL_NERVE_BLOCK, side=side))
    segments = tuple(Segment)
    for i in range(len(segments)):
        for j in range(i, len(segments)):
            u.col(Action(kind=K.ACDF, segments=segments[i : j + 1]))
    u._complete = True  # type: ignore[attr-defined]


# -- facts as arrays

Global = Callable[["FactContext"], B]
Targeted = Callable[["FactContext", I64], B]
VECTOR_FACTS: dict[str, tuple[bool, Any]] = {}


def _global(name: str) -> Callable[[Global], Global]:
    def register(fn: Global) -> Global:
        VECTOR_FACTS[name] = (False, fn)
        return fn

    return register


def _target(name: str) -> Callable[[Targeted], Targeted]:
    def register(fn: Targeted) -> Targeted:
        VECTOR_FACTS[name] = (True, fn)
        return fn

    return register


class FactContext:
    """The facts of some patients on one day, computed on first use."""

    def __init__(self, state: VectorState, rows: I64, day: I64, whole: bool = False) -> None:
        self.s = state
        self.rows = rows
        self.whole = whole
        self.day = day
        self.p = state.profile
        self.u = state.universe
        self._global: dict[str, B] = {}
        self._target: dict[tuple[str, bytes], B] = {}

    def get(self, name: str) -> B:
        found = self._global.get(name)
        if found is None:
            found = self._global[name] = VECTOR_FACTS[name][1](self)
        return found

    def target(self, name: str, cols: I64) -> B:
        key = (name, cols.tobytes())
        found = self._target.get(key)
        if found is None:
            found = self._target[key] = VECTOR_FACTS[name][1](self, cols)
        return found

    def evaluate(self, condition: Condition, cols: I64) -> B:
        """A condition over these patients (rows) and actions (columns)."""
        if isinstance(condition, Fact):
            about_target, _ = VECTOR_FACTS[condition.name]
            if about_target:
                return self.target(condition.name, cols)
            out: B = np.broadcast_to(self.get(condition.name)[:, None], (self.rows.size, cols.size))
            return out
        if isinstance(condition, All):
            result = self.evaluate(condition.parts[0], cols)
            for part in condition.parts[1:]:
                result = result & self.evaluate(part, cols)
            return result
        if isinstance(condition, AnyOf):
            result = self.evaluate(condition.parts[0], cols)
            for part in condition.parts[1:]:
                result = result | self.evaluate(part, cols)
            return result
        if isinstance(condition, Not):
            negated: B = ~self.evaluate(condition.part, cols)
            return negated
        raise TypeError(f"cannot evaluate {type(condition).__name__} over a cohort")

    # shorthands for state columns of these patients
    def __getattr__(self, name: str) -> Any:
        value = getattr(self.s, name)
        if not self.whole and isinstance(value, np.ndarray) and value.shape[:1] == (self.s.m,):
            value = value[self.rows]
        self.__dict__[name] = value
        return value

    def attr(self, name: str, cols: I64) -> I64:
        return self.u.attr(name)[cols]

    def since_failure(self, day: I64) -> B:
        """Whether an event on ``day`` counts as after the latest failed CESI (or ever, when
        there is none)."""
        failure = np.where(self.failure_set, self.failure_day, LONG_AGO)
        if day.ndim == 2:
            failure = failure[:, None]
        out: B = (day >= failure) & (day > LONG_AGO)
        return out


def _bit(mask: I64, index: I64) -> B:
    """``mask`` (patients) has bit ``index`` (actions; -1 never) set: patients x actions."""
    out: B = (index[None, :] >= 0) & (((mask[:, None] >> np.maximum(index, 0)[None, :]) & 1) == 1)
    return out


# global facts ------------------------------------------------------------------------------------


@_global("cesi_on_record")
def _cesi_on_record(f: FactContext) -> B:
    out: B = f.cesi_rep.any(axis=1)
    return out


@_global("cesi_failed")
def _cesi_failed(f: FactContext) -> B:
    last = f.n_cesi - 1
    i = np.arange(f.rows.size)
    out: B = f.cesi_rep[i, last] & ~f.last_worked
    return out


@_global("adequate_relief")
def _adequate_relief(f: FactContext) -> B:
    lasting = (f.tx_dur == LASTING) | (f.tx_day + f.tx_dur >= f.day)
    out: B = f.tx_has & _met(f.p.adequate_relief.value, f.tx_relief) & lasting
    return out


@_global("re_evaluated")
def _re_evaluated(f: FactContext) -> B:
    return f.since_failure(f.reeval_day)


@_global("symptoms_changed")
def _symptoms_changed(f: FactContext) -> B:
    out: B = (f.changed_day > LONG_AGO) & (f.imaging_day < f.changed_day)
    return out


@_global("imaging_on_record")
def _imaging_on_record(f: FactContext) -> B:
    return np.ones(f.rows.size, dtype=np.bool_)


@_global("several_candidate_roots")
def _several_candidate_roots(f: FactContext) -> B:
    out: B = _popcount(f.candidate_nerves) >= 2
    return out


@_global("posture_reviewed")
def _posture_reviewed(f: FactContext) -> B:
    return f.since_failure(f.posture_day)


@_global("posture_needs_correction")
def _posture_needs_correction(f: FactContext) -> B:
    out: B = f.posture_any & f.needs_correction
    return out


@_global("facet_signs")
def _facet_signs(f: FactContext) -> B:
    out: B = ((f.neck > 0) & (f.neck >= f.arm)) | (f.headache == 2)
    return out


@_global("radicular_pain")
def _radicular_pain(f: FactContext) -> B:
    out: B = (f.arm > 0) & (f.radiating | (f.arm >= f.neck))
    return out


@_global("occipital_pain")
def _occipital_pain(f: FactContext) -> B:
    out: B = f.headache > 0
    return out


def _flags(f: FactContext) -> tuple[B, I64, B, I64]:
    """(myelopathy flagged, where its run began, progressive weakness, where its run began)."""
    i = np.arange(f.rows.size)
    deficit = f.deficit
    level = np.clip(deficit, 0, 5)
    progressive = (deficit > 0) & f.has_below[i, level]
    place = f.run_start[i, level]
    myelo = f.signs & (f.myelo_run >= 0)
    return myelo, f.myelo_run, progressive, place


@_global("red_flag")
def _red_flag(f: FactContext) -> B:
    myelo, _, progressive, _ = _flags(f)
    out: B = myelo | progressive
    return out


@_global("red_flag_unanswered")
def _red_flag_unanswered(f: FactContext) -> B:
    myelo, myelo_place, progressive, place = _flags(f)
    seen = f.consult_idx
    out: B = (myelo & (myelo_place > seen)) | (progressive & (place > seen))
    return out


@_global("consulted")
def _consulted(f: FactContext) -> B:
    out: B = (f.consult_day > LONG_AGO) & (f.consult_day >= f.surgery_day)
    return out


@_global("advanced_pt_since_failure")
def _advanced_pt_since_failure(f: FactContext) -> B:
    return f.since_failure(f.advpt_day)


@_global("medication_tried")
def _medication_tried(f: FactContext) -> B:
    out: B = f.med_tried.any(axis=1)
    return out


@_global("conservative_care_long_enough")
def _conservative_care_long_enough(f: FactContext) -> B:
    out: B = f.day - f.onset_day >= int(f.p.surgery_conservative_care_days.value)
    return out


@_global("facet_care_long_enough")
def _facet_care_long_enough(f: FactContext) -> B:
    out: B = f.day - f.onset_day >= int(f.p.facet_conservative_care_days.value)
    return out


@_global("no_active_infection")
def _no_active_infection(f: FactContext) -> B:
    return np.ones(f.rows.size, dtype=np.bool_)


@_global("no_bleeding_risk")
def _no_bleeding_risk(f: FactContext) -> B:
    out: B = ~f.bleeding
    return out


@_global("not_pregnant")
def _not_pregnant(f: FactContext) -> B:
    return np.ones(f.rows.size, dtype=np.bool_)


@_global("fit_for_surgery")
def _fit_for_surgery(f: FactContext) -> B:
    out: B = ~f.unfit
    return out


def _cesis_within(f: FactContext, days: int) -> I64:
    recent = (f.cesi_col >= 0) & (f.cesi_day > (f.day - days)[:, None])
    out: I64 = recent.sum(axis=1)
    return out


@_global("epidural_frequency_ok")
def _epidural_frequency_ok(f: FactContext) -> B:
    p = f.p
    ok = _cesis_within(f, 365) < int(p.epidural_max_per_12_months.value)
    six = p.epidural_max_per_6_months.value
    if six is not None:
        ok &= _cesis_within(f, 183) < int(six)
    out: B = ok
    return out


@_global("epidural_interval_ok")
def _epidural_interval_ok(f: FactContext) -> B:
    i = np.arange(f.rows.size)
    last = f.cesi_day[i, f.n_cesi - 1]
    out: B = f.day - last >= int(f.p.epidural_min_interval_days.value)
    return out


@_global("scs_trial_successful")
def _scs_trial_successful(f: FactContext) -> B:
    out: B = f.scs_trial & f.scs_ok
    return out


# facts that are one of the context's precomputed columns, named as in spinepath.rules.facts
_COLUMN_FACTS = {
    "advanced_pt_tried": "advpt_any",
    "targeted_care_failed": "targeted_failed",
    "blocks_failed": "blocks_failed",
    "debilitating_pain": "qol",
    "scs_trial_done": "scs_trial",
    "scs_implanted": "scs_implanted",
}


def _column(attribute: str) -> Global:
    def read(f: FactContext) -> B:
        out: B = getattr(f, attribute)
        return out

    return read


for _name, _attribute in _COLUMN_FACTS.items():
    _global(_name)(_column(_attribute))


# facts about the action's target


@_target("root_candidate")
def _root_candidate(f: FactContext, cols: I64) -> B:
    return _bit(f.candidate_nerves, f.attr("nerve", cols))


@_target("snrb_done")
def _snrb_done(f: FactContext, cols: I64) -> B:
    return _bit(f.snrb_done, f.attr("nerve", cols))


@_target("snrb_positive")
def _snrb_positive(f: FactContext, cols: I64) -> B:
    return _bit(f.snrb_pos, f.attr("nerve", cols))


def _same_cesi(f: FactContext, cols: I64) -> npt.NDArray[np.bool_]:
    """patients x CESI slots x actions: the slot holds an injection at the action's target."""
    out: npt.NDArray[np.bool_] = f.cesi_col[:, :, None] == cols[None, None, :]
    return out


@_target("cesi_repeat")
def _cesi_repeat(f: FactContext, cols: I64) -> B:
    out: B = np.asarray(_same_cesi(f, cols).any(axis=1))
    return out


@_target("repeat_relief_ok")
def _repeat_relief_ok(f: FactContext, cols: I64) -> B:
    same = _same_cesi(f, cols)
    slots = same.shape[1]
    latest = np.where(same, np.arange(slots)[None, :, None], -1).max(axis=1)
    has = latest >= 0
    i = np.arange(f.rows.size)[:, None]
    at = np.maximum(latest, 0)
    reported = f.cesi_rep[i, at]
    good = _met(f.p.repeat_cesi_requires_prior_relief.value, f.cesi_relief[i, at])
    out: B = ~has | (reported & good)
    return out


@_target("targeted_injection_done")
def _targeted_injection_done(f: FactContext, cols: I64) -> B:
    nerve = f.attr("nerve", cols)
    first = f.snrb_first[:, np.maximum(nerve, 0)]  # patients x actions
    at_nerve = f.cesi_nerve[:, :, None] == nerve[None, None, :]
    late = f.cesi_day[:, :, None] >= first[:, None, :]
    done = (at_nerve & late & (f.cesi_col[:, :, None] >= 0)).any(axis=1)
    out: B = (nerve[None, :] >= 0) & (first < NEVER) & done
    return out


def _all_joints(f: FactContext, cols: I64, per_joint: npt.NDArray[np.bool_]) -> B:
    """Every joint of each action's target satisfies ``per_joint`` (patients x 12); false when
    the target has no joints."""
    joints = f.attr("joints", cols)
    ok_mask = np.zeros(f.rows.size, dtype=np.int64)
    for j in range(JOINTS):
        ok_mask |= per_joint[:, j].astype(np.int64) << j
    out: B = (joints[None, :] > 0) & ((ok_mask[:, None] & joints[None, :]) == joints[None, :])
    return out


def _any_joint(f: FactContext, cols: I64, per_joint: npt.NDArray[np.bool_]) -> B:
    joints = f.attr("joints", cols)
    mask = np.zeros(f.rows.size, dtype=np.int64)
    for j in range(JOINTS):
        mask |= per_joint[:, j].astype(np.int64) << j
    out: B = (mask[:, None] & joints[None, :]) != 0
    return out


@_target("facet_arthropathy_at")
def _facet_arthropathy_at(f: FactContext, cols: I64) -> B:
    joints = f.attr("joints", cols)
    out: B = (joints[None, :] > 0) & ((f.facet[:, None] & joints[None, :]) == joints[None, :])
    return out


@_target("mbb_positive")
def _mbb_positive(f: FactContext, cols: I64) -> B:
    needed = int(f.p.mbb_blocks_required.value)
    return _all_joints(f, cols, f.mbb_pos >= needed)


@_target("mbb_first_positive")
def _mbb_first_positive(f: FactContext, cols: I64) -> B:
    second = f.attr("series", cols) == 2
    positive = _all_joints(f, cols, f.mbb_pos >= 1)
    out: B = ~second[None, :] | positive
    return out


@_target("mbb_negative")
def _mbb_negative(f: FactContext, cols: I64) -> B:
    return _any_joint(f, cols, f.mbb_neg)


@_target("rfa_prior")
def _rfa_prior(f: FactContext, cols: I64) -> B:
    return _any_joint(f, cols, f.rfa_count > 0)


@_target("repeat_rfa_qualifies")
def _repeat_rfa_qualifies(f: FactContext, cols: I64) -> B:
    p = f.p
    qualifies = (
        (f.rfa_count > 0)
        & f.rfa_last_rep
        & (f.rfa_last_dur >= 0)
        & _met(p.repeat_rfa_prior_relief.value, f.rfa_last_relief)
        & (f.rfa_last_dur >= int(p.repeat_rfa_prior_relief_days.value))
    )
    return _all_joints(f, cols, qualifies)


@_target("rfa_interval_ok")
def _rfa_interval_ok(f: FactContext, cols: I64) -> B:
    joints = f.attr("joints", cols)
    latest = np.full((f.rows.size, cols.size), LONG_AGO, dtype=np.int64)
    for j in range(JOINTS):
        hit = ((joints >> j) & 1) == 1
        if hit.any():
            latest[:, hit] = np.maximum(latest[:, hit], f.rfa_last_day[:, j][:, None])
    days = f.day[:, None] - latest
    out: B = (latest == LONG_AGO) | (days >= int(f.p.repeat_rfa_min_interval_days.value))
    return out


@_target("rfa_frequency_ok")
def _rfa_frequency_ok(f: FactContext, cols: I64) -> B:
    limit = f.p.rfa_max_per_12_months.value
    if limit is None:
        return np.ones((f.rows.size, cols.size), dtype=np.bool_)
    recent = (f.rfa_days > (f.day - 365)[:, None]).sum(axis=1)
    out: B = np.broadcast_to((recent < int(limit))[:, None], (f.rows.size, cols.size))
    return out


def _covers(block_side: I64, action_side: I64) -> npt.NDArray[np.bool_]:
    """Side.covers over codes (0 left, 1 right, 2 bilateral, 3 central)."""
    bits = np.array(_LATERAL_BITS)
    mine = bits[np.maximum(block_side, 0)]
    theirs = bits[np.maximum(action_side, 0)]
    out: npt.NDArray[np.bool_] = ((theirs & ~mine) == 0) & ((action_side != 3) | (block_side == 3))
    return out


@_target("occipital_pain_on_side")
def _occipital_pain_on_side(f: FactContext, cols: I64) -> B:
    side = f.attr("side", cols)
    painful = np.where(f.headache_side >= 0, f.headache_side, 2)
    covers = _covers(painful[:, None], side[None, :])
    out: B = (f.headache[:, None] > 0) & (side[None, :] >= 0) & covers
    return out


@_target("gon_block_worked_before")
def _gon_block_worked_before(f: FactContext, cols: I64) -> B:
    side = f.attr("side", cols)
    out = np.zeros((f.rows.size, cols.size), dtype=np.bool_)
    for block_side in (0, 1, 2):
        covers = _covers(np.array([block_side]), side)[None, :] & (side[None, :] >= 0)
        out |= f.gon_worked[:, block_side][:, None] & covers
    return out


@_target("gon_block_done")
def _gon_block_done(f: FactContext, cols: I64) -> B:
    side = f.attr("side", cols)
    out = np.zeros((f.rows.size, cols.size), dtype=np.bool_)
    for block_side in (0, 1, 2):
        covers = _covers(np.array([block_side]), side)[None, :] & (side[None, :] >= 0)
        done = f.since_failure(f.gon_day[:, block_side])
        out |= done[:, None] & covers
    return out


def _ongoing(f: FactContext) -> npt.NDArray[np.bool_]:
    out: npt.NDArray[np.bool_] = f.med_tried & (f.med_stop >= f.day[:, None])
    return out


@_target("medication_ongoing")
def _medication_ongoing(f: FactContext, cols: I64) -> B:
    drug = f.attr("drug", cols)
    out: B = (drug[None, :] >= 0) & _ongoing(f)[:, np.maximum(drug, 0)]
    return out


@_target("other_gabapentinoid_ongoing")
def _other_gabapentinoid_ongoing(f: FactContext, cols: I64) -> B:
    drug = f.attr("drug", cols)
    ongoing = _ongoing(f)
    out = np.zeros((f.rows.size, cols.size), dtype=np.bool_)
    for d in (0, 1):
        out |= ongoing[:, d][:, None] & (drug[None, :] != d)
    return out


@_target("medication_tried_before")
def _medication_tried_before(f: FactContext, cols: I64) -> B:
    drug = f.attr("drug", cols)
    out: B = (drug[None, :] >= 0) & f.med_tried[:, np.maximum(drug, 0)]
    return out


@_target("imaging_correlates")
def _imaging_correlates(f: FactContext, cols: I64) -> B:
    segs = f.attr("segs", cols)
    foramen = f.attr("foramen", cols)
    myelo, _, _, _ = _flags(f)
    ok = (segs[None, :] > 0) & np.ones((f.rows.size, 1), dtype=np.bool_)
    for s in range(len(SEGMENTS)):
        in_target = ((segs >> s) & 1) == 1
        if not in_target.any():
            continue
        level = np.zeros((f.rows.size, cols.size), dtype=np.bool_)
        for lat in (0, 1):
            allowed = (foramen < 0) | (foramen == s * 2 + lat)
            lesion = ((f.foraminal >> (s * 2 + lat)) & 1) == 1
            nerve = (s + 3) * 2 + lat
            symptomatic = ((f.symptomatic >> nerve) & 1) == 1
            level |= (lesion & symptomatic)[:, None] & allowed[None, :]
        cord = (((f.cord >> s) & 1) == 1) & myelo
        level |= cord[:, None] & (foramen < 0)[None, :]
        ok &= np.where(in_target[None, :], level, True)
    return ok


@_target("foraminal_lesion_at")
def _foraminal_lesion_at(f: FactContext, cols: I64) -> B:
    return _bit(f.foraminal, f.attr("foramen", cols))


@_target("cord_compression_at")
def _cord_compression_at(f: FactContext, cols: I64) -> B:
    out: B = (f.cord[:, None] & f.attr("segs", cols)[None, :]) != 0
    return out


@_target("instability_at")
def _instability_at(f: FactContext, cols: I64) -> B:
    return np.zeros((f.rows.size, cols.size), dtype=np.bool_)


@_target("already_fused")
def _already_fused(f: FactContext, cols: I64) -> B:
    out: B = (f.fused[:, None] & f.attr("segs", cols)[None, :]) != 0
    return out


@_target("transforaminal")
def _transforaminal(f: FactContext, cols: I64) -> B:
    out: B = np.broadcast_to((f.attr("tf", cols) == 1)[None, :], (f.rows.size, cols.size))
    return out


@_target("urgent_request")
def _urgent_request(f: FactContext, cols: I64) -> B:
    out: B = np.broadcast_to((f.attr("urgent", cols) == 1)[None, :], (f.rows.size, cols.size))
    return out


def flag_keys(state: VectorState, rows: I64, day: I64) -> I64:
    """Which red flags each patient has, with what their texts depend on (0: none)."""
    ctx = state.context(rows, day)
    myelo, _, progressive, _ = _flags(ctx)
    kind = myelo.astype(np.int64) + 2 * progressive.astype(np.int64)
    out: I64 = np.where(kind > 0, kind + 4 * state.flag_base[rows], 0)
    return out
