"""Where a step's decision comes from: the engine on every real record, or the fast path.

* :class:`RecordOracle` (``engine="record"``): each patient's real
  :class:`~spinepath.PatientRecord` is kept with :func:`~spinepath.pathway.apply` and assessed
  with :func:`~spinepath.assess` at every step. The reference; tens to hundreds of
  microseconds per patient and step.
* :class:`FastOracle` (``engine="fast"``): the rule catalogue evaluated over all patients at
  once (:mod:`.vector`). A patient state seen before is looked up; a new one is classified with
  numpy; each distinct classification becomes one :class:`~spinepath.Assessment` (its reasons
  written from a representative patient's record, on demand), and the first few per chunk are
  checked against the engine itself.

Either way the policy chooses from an Assessment, and the choice passes the engine's legality
check (:meth:`Chunk.choose`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from spinepath.errors import SpinepathError
from spinepath.model import PatientRecord
from spinepath.pathway import Assessment, Option, Phase, Status, apply, assess, evaluate
from spinepath.rules.actions import Action, ActionKind
from spinepath.rules.profiles import Profile
from spinepath.sim.cohort import PatientView, generate
from spinepath.sim.records import COLUMNS, StepRow, build_record, step_events
from spinepath.sim.registry import DECISIONS, HISTORIES, LOCK, UNIVERSE
from spinepath.sim.tables import HashTable
from spinepath.sim.vector import flag_keys

if TYPE_CHECKING:
    from spinepath.sim.kernel import Chunk

__all__ = ["REMEMBER_STATES", "FastOracle", "FastPathMismatch", "Oracle", "RecordOracle"]

I64 = npt.NDArray[np.int64]
Frame = dict[str, npt.NDArray[Any]]
PHASES = tuple(Phase)
_DAY = __import__("datetime").timedelta(days=1)

_OWN_RECORD = -2
REMEMBER_STATES = True
"""Whether the fast path looks states up before classifying them (tests switch it off to
check that remembering changes nothing)."""


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
            ctx = ch.context(j, s, d, self.actions.get(j, ()))
            as_of = ctx.as_of
            assessment = assess(record, profile, as_of)
            ch.engine_calls += 1

            def judge(action: Action, r: PatientRecord = record, when: Any = as_of) -> Option:
                return evaluate(r, action, profile, when)

            out[i] = ch.choose(assessment, ctx, judge, bool(ch.declined[j]))
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
    """The fast path: the catalogue evaluated over all patients at once (:mod:`.vector`);
    each distinct classification becomes one Assessment, shared by every patient in it."""

    def __init__(self, verify: int) -> None:
        self.verify = verify

    def decide(self, ch: Chunk, s: int, rows: I64, day: I64) -> I64:
        vs = ch.vstate
        assert vs is not None
        policy = ch.spec.policy
        memo = ch.fast_memo
        # 1. the classification of each patient's state: states seen before are looked up,
        # the others classified (vectorised) and their classifications built once each
        c1, c2 = vs.canonical_all(rows, day)
        if REMEMBER_STATES:
            sig = memo.canonical.get(c1, c2)
        else:
            sig = np.full(rows.size, -1, dtype=np.int64)
        missing = np.flatnonzero(sig < 0)
        if missing.size:
            _, first, back = np.unique(c1[missing], return_index=True, return_inverse=True)
            reps = missing[first]
            sub = rows[reps]
            cand, order = vs.candidates(sub)
            status, urgent = vs.classify(sub, day[reps], cand)
            used = np.flatnonzero(cand.any(axis=0))
            codes = (status + 4 * urgent)[:, used]
            extra = np.column_stack(
                [
                    vs.last_cesi_col[sub],
                    vs.phase[sub],
                    flag_keys(vs, sub, day[reps]),
                    vs.orphan_order(sub),
                ]
            )
            h1, h2 = _hash_rows(codes, used, extra)
            found = memo.signatures.get(h1, h2)
            new = np.flatnonzero(found < 0)
            if new.size:
                _, first_new = np.unique(h1[new], return_index=True)
                built = new[first_new]
                rows_of = ch.rows_of_many(sub[built], s)
                ids = []
                for b, steps in zip(built.tolist(), rows_of, strict=True):
                    nz = np.flatnonzero(codes[b])
                    key = (
                        tuple(zip(used[nz].tolist(), codes[b, nz].tolist(), strict=True)),
                        *extra[b].tolist(),
                    )
                    ids.append(len(memo.entries))
                    memo.entries.append(
                        self._build(ch, s, int(sub[b]), int(day[reps[b]]), key, order, steps)
                    )
                memo.signatures.put(h1[built], h2[built], np.array(ids, dtype=np.int64))
                found = memo.signatures.get(h1, h2)
            memo.canonical.put(c1[reps], c2[reps], found)
            sig[missing] = found[back.reshape(-1)]
        # 2. the policy's choice: once per (classification, history, declined) when memoizable
        history = ch.history[rows]
        declined = ch.declined[rows].astype(np.int64)
        if policy.memoizable:
            table = memo.decisions.setdefault(policy, HashTable())
            key1 = (sig << 40) | (history << 1) | declined
            key2 = np.zeros_like(key1)
            out = table.get(key1, key2)
            missing = np.flatnonzero(out == -1)
            if missing.size:
                _, first, back = np.unique(key1[missing], return_index=True, return_inverse=True)
                chosen = np.empty(first.size, dtype=np.int64)
                for u_i, i in enumerate(missing[first].tolist()):
                    chosen[u_i] = self._choose(ch, s, memo, rows, day, sig, history, declined, i)
                table.put(key1[missing[first]], key2[missing[first]], chosen)
                out[missing] = chosen[back.reshape(-1)]
            for i in np.flatnonzero(out == _OWN_RECORD).tolist():
                out[i] = self._own(ch, s, memo, rows, day, sig, history, declined, i)
            return out
        decisions = np.empty(rows.size, dtype=np.int64)
        for i in range(rows.size):
            chosen_id = self._choose(ch, s, memo, rows, day, sig, history, declined, i)
            if chosen_id == _OWN_RECORD:
                chosen_id = self._own(ch, s, memo, rows, day, sig, history, declined, i)
            decisions[i] = chosen_id
        return decisions

    def _choose(
        self,
        ch: Chunk,
        s: int,
        memo: _FastMemo,
        rows: I64,
        day: I64,
        sig: I64,
        history: I64,
        declined: I64,
        i: int,
    ) -> int:
        """Patient ``i``'s decision from its classification's Assessment; ``_OWN_RECORD``
        when the policy chose an action that is not a candidate (its legality then depends on
        the patient's own record, not on the classification)."""
        entry = memo.entries[int(sig[i])]
        ctx = ch.context(
            int(rows[i]), s, int(day[i]), HISTORIES.actions(int(history[i]), DECISIONS)
        )
        found = ch.choose(entry.assessment, ctx, entry.judge, bool(declined[i]))
        action = DECISIONS[found].action
        if entry.assessment.option(action) is None:
            return _OWN_RECORD
        return found

    def _own(
        self,
        ch: Chunk,
        s: int,
        memo: _FastMemo,
        rows: I64,
        day: I64,
        sig: I64,
        history: I64,
        declined: I64,
        i: int,
    ) -> int:
        """A decision judged on the patient's own record (for non-candidate actions)."""
        entry = memo.entries[int(sig[i])]
        j = int(rows[i])
        ctx = ch.context(j, s, int(day[i]), HISTORIES.actions(int(history[i]), DECISIONS))
        record = ch.record_of(j, s)
        profile = ch.spec.profile

        def judge(action: Action) -> Option:
            return evaluate(record, action, profile, ctx.as_of)

        ch.engine_calls += 1
        return ch.choose(entry.assessment, ctx, judge, bool(declined[i]))

    def _build(
        self, ch: Chunk, s: int, j: int, day: int, key: Any, order: I64, steps: list[StepRow]
    ) -> Any:
        """The Assessment of a new classification, on patient ``j``'s record (built lazily,
        only if reasons are read), checked against the engine for the first few."""
        profile = ch.spec.profile
        cols = np.array([c for c, _ in key[0]], dtype=np.int64)
        codes = np.array([v for _, v in key[0]], dtype=np.int64)
        last, phase, flags, orphans = key[1], key[2], key[3], key[4]
        rep = _Representative(ch, j, steps, day)
        place = _places(cols, order, last, _digits(orphans))
        in_order = np.lexsort((cols, place))
        cols, codes = cols[in_order], codes[in_order]
        status = codes & 3
        urgent = codes >= 4
        actions = UNIVERSE.actions
        explain = rep.explainer
        recommended = np.flatnonzero(status == 2)
        ranks = _sort_ranks()
        recommended = recommended[np.lexsort((ranks[cols[recommended]], ~urgent[recommended]))]
        red_flags: tuple[str, ...] = ()
        if flags:
            texts = ch.fast_memo.flag_texts.get(flags)
            if texts is None:
                from spinepath.rules.facts import RecordFacts

                facts = RecordFacts(rep.record, profile, rep.as_of)
                texts = tuple(t for _, t in facts.red_flags)
                ch.fast_memo.flag_texts[flags] = texts
            red_flags = texts
        ranked = []
        for rank, i in enumerate(recommended.tolist(), start=1):
            a = actions[cols[i]]
            ranked.append(
                Option(
                    action=a,
                    status=Status.RECOMMENDED,
                    urgent=bool(urgent[i]),
                    rank=rank,
                    explain=explain(a),
                )
            )
        allowed = []
        blocked = []
        for c, st in zip(cols.tolist(), status.tolist(), strict=True):
            if st == 1:
                a = actions[c]
                allowed.append(Option(action=a, status=Status.ALLOWED, explain=explain(a)))
            elif st == 3:
                a = actions[c]
                blocked.append(Option(action=a, status=Status.BLOCKED, explain=explain(a)))
        assessment = Assessment(
            as_of=rep.as_of,
            profile=profile.name,
            phase=PHASES[phase],
            red_flags=red_flags,
            recommended=tuple(ranked),
            allowed=tuple(allowed),
            blocked=tuple(blocked),
        )
        if self.verify > 0:
            self.verify -= 1
            ch.engine_calls += 1
            truth = assess(rep.record, profile, rep.as_of)
            problem = _difference(assessment, truth)
            if problem is not None:
                raise FastPathMismatch(
                    f"the fast path classified patient {int(ch.table.index[j])} at step {s} "
                    f"differently from the engine ({problem}); simulate with engine='record' "
                    "and report this"
                )
        return _VectorEntry(assessment, rep)


def _places(cols: I64, order: I64, last: int, chronological: list[int]) -> I64:
    """Where the engine lists each candidate: in the order candidates are generated, the last
    injection first after the fixed steps; an RFA at a joint that is not a block candidate
    comes from an ablation already done, listed after every joint in the order done."""
    place = order[cols].copy()
    place[cols == last] = 12
    kind = UNIVERSE.attr("kind")[cols]
    rfa = np.flatnonzero(kind == _RFA)
    if rfa.size:
        joints = UNIVERSE.attr("joints")[cols]
        orphan = rfa[~np.isin(joints[rfa], joints[kind == _MBB])]
        for i in orphan.tolist():
            joint = int(joints[i]).bit_length() - 1
            place[i] = 2000 + (chronological.index(joint) if joint in chronological else joint)
    return place


_RANKS: list[I64] = []


def _sort_ranks() -> I64:
    """Each universe action's position in the engine's ranking order (kind, then name)."""
    if not _RANKS or _RANKS[0].size != len(UNIVERSE):
        keys = [a.sort_key for a in UNIVERSE.actions]
        ranks = np.empty(len(keys), dtype=np.int64)
        ranks[sorted(range(len(keys)), key=keys.__getitem__)] = np.arange(len(keys))
        _RANKS[:] = [ranks]
    return _RANKS[0]


def _digits(order: int) -> list[int]:
    """The joints of :meth:`VectorState.orphan_order`, first ablated first."""
    joints: list[int] = []
    while order:
        joints.append(order % 13 - 1)
        order //= 13
    return joints[::-1]


_RFA = list(ActionKind).index(ActionKind.RADIOFREQUENCY_ABLATION)
_MBB = list(ActionKind).index(ActionKind.MEDIAL_BRANCH_BLOCK)


class FastPathMismatch(SpinepathError):
    """The vectorised classification disagreed with :func:`spinepath.assess`."""


class _Representative:
    """A patient's record at a step, built only when someone needs it (reasons, overrides,
    the check against the engine); holds no reference to the chunk."""

    def __init__(self, ch: Chunk, j: int, steps: list[StepRow], day: int) -> None:
        self.rows = steps
        self.spec = ch.spec
        self.index = int(ch.table.index[j])
        self.profile = ch.spec.profile
        self.as_of = ch.entry_date + _DAY * day
        self._record: PatientRecord | None = None
        self._evaluated: dict[Action, Option] = {}

    @property
    def record(self) -> PatientRecord:
        if self._record is None:
            spec = self.spec
            table = generate(
                spec.cohort, spec.seed, [self.index], spec.parameters.deficit_per_year.value
            )
            view = PatientView(table, 0, spec.cohort.entry_date)
            self._record = build_record(view, self.rows, DECISIONS)
        return self._record

    def evaluate(self, action: Action) -> Option:
        found = self._evaluated.get(action)
        if found is None:
            found = self._evaluated[action] = evaluate(
                self.record, action, self.profile, self.as_of
            )
        return found

    def explainer(self, action: Action) -> Callable[[], Any]:
        return functools.partial(_explain, self, action)


def _explain(rep: _Representative, action: Action) -> Any:
    option = rep.evaluate(action)
    return option.reasons, option.failed


@attrs.frozen
class _VectorEntry:
    assessment: Assessment
    representative: _Representative

    def judge(self, action: Action) -> Option:
        return self.representative.evaluate(action)


def _difference(mine: Assessment, truth: Assessment) -> str | None:
    if mine.phase != truth.phase:
        return f"phase {mine.phase} vs {truth.phase}"
    if mine.red_flags != truth.red_flags:
        return f"red flags {mine.red_flags} vs {truth.red_flags}"
    for part in ("recommended", "allowed", "blocked"):
        a = [(str(o.action), o.urgent) for o in getattr(mine, part)]
        b = [(str(o.action), o.urgent) for o in getattr(truth, part)]
        if a != b:
            return f"{part}: fast path {a} vs engine {b}"
    return None


class _FastMemo:
    """What the fast path remembers for one profile in this process: state -> classification,
    classification -> Assessment, and each policy's choices."""

    def __init__(self) -> None:
        self.canonical = HashTable()
        self.signatures = HashTable()
        self.entries: list[_VectorEntry] = []
        self.decisions: dict[Any, HashTable] = {}
        self.flag_texts: dict[int, tuple[str, ...]] = {}


_FAST_MEMOS: dict[Profile, _FastMemo] = {}


def fast_memo(profile: Profile) -> _FastMemo:
    """The fast path's memo of a profile in this process (made on first use)."""
    with LOCK:
        found = _FAST_MEMOS.get(profile)
        if found is None:
            found = _FAST_MEMOS[profile] = _FastMemo()
        return found


_HASH_SEEDS = np.random.default_rng(20240611).integers(1, 2**63, size=(2, 4096), dtype=np.int64)
_EXTRA = 8  # the last seeds hash the extra columns; the others the universe's columns


def _hash_rows(codes: I64, used: I64, extra: I64) -> tuple[I64, I64]:
    """Two independent 64-bit linear hashes of each row: small codes at universe columns
    ``used`` (so a key does not depend on which columns a step happens to use), then
    ``extra``. Wrap-around arithmetic is intended."""
    if used.size and int(used.max()) >= _HASH_SEEDS.shape[1] - _EXTRA:
        raise RuntimeError("more candidate actions than the fast path can key")
    out = []
    with np.errstate(over="ignore"):
        for seeds in _HASH_SEEDS:
            h = codes.astype(np.int64) @ seeds[used]
            h = h + extra.astype(np.int64) @ seeds[-_EXTRA:][: extra.shape[1]]
            out.append(h)
    return out[0], out[1]
