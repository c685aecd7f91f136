"""What each kind of step does to a patient: the simulation model, one function per action.

A handler receives the patients of one step who took that kind of action and fills in what
happened, vectorised: whether it worked (a response probability from
:class:`~spinepath.sim.Parameters`), how much relief and for how long (reported when the
relief wears off, or at follow-up when it failed), complications, and how long until the next
step. Every number is drawn from the patient's own stream at a fixed slot of the step.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from spinepath.model import Complication, Trajectory
from spinepath.rules.actions import ActionKind
from spinepath.sim.cohort import ExamVariant
from spinepath.sim.distributions import lognormal_days
from spinepath.sim.records import COMPLICATIONS, KINDS, TRAJECTORIES
from spinepath.sim.registry import (
    decision_nerves,
    decision_segments,
    decision_series,
    decision_side,
    decision_urgent,
)
from spinepath.sim.streams import Slot

if TYPE_CHECKING:
    from spinepath.sim.kernel import Chunk

__all__ = ["HANDLERS", "NEVER"]

K = ActionKind
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Frame = dict[str, npt.NDArray[Any]]

NEVER = np.iinfo(np.int32).max // 2
"""A day no simulation reaches."""
_KIND = {kind: i for i, kind in enumerate(KINDS)}
_BIT = {c: 1 << i for i, c in enumerate(COMPLICATIONS)}

Draw = Callable[[int], F64]
"""A step's draws for one slot (:class:`~spinepath.sim.streams.Slot`), one per patient."""
Handler = Callable[["Chunk", Frame, I64, I64, Draw, F64, npt.NDArray[np.bool_]], None]


def _relief(u: F64, low: int, high: int) -> F64:
    """A whole percentage, uniform on ``low..high``."""
    out: F64 = low + np.floor(u * (high - low + 1))
    return out


def _complicate(
    ch: Chunk, f: Frame, sel: I64, u: Draw, risks: tuple[tuple[Complication, str], ...]
) -> None:
    bits = np.zeros(sel.size, dtype=np.int32)
    for i, (complication, name) in enumerate(risks):
        hit = u(Slot.COMPLICATION + i)[sel] < ch.values[name]
        bits |= np.where(hit, _BIT[complication], 0).astype(np.int32)
    f["complications"][sel] = bits


_INJECTION = (
    (Complication.VASOVAGAL_REACTION, "injection_minor_complication"),
    (Complication.NERVE_INJURY, "injection_serious_complication"),
)


def _treat(
    ch: Chunk,
    f: Frame,
    sel: I64,
    u: Draw,
    p: F64 | float,
    low: int,
    high: int,
    median: F64 | float,
    fail_after: float,
    complete: float = 0.0,
) -> None:
    """A therapeutic step: it works with probability ``p`` and relief lasts a log-normal time
    (reported when it wears off); otherwise it is judged a failure at follow-up. A share
    ``complete`` of responders is free of the index pain (100% relief), the others get
    ``low..high``%."""
    v = ch.values
    ok = u(Slot.RESPONSE)[sel] < p
    r = u(Slot.RELIEF)[sel]
    partial = _relief(
        np.clip((r - complete) / max(1.0 - complete, 1e-12), 0.0, 1.0 - 1e-12), low, high
    )
    relief = np.where(ok, np.where(r < complete, 100.0, partial), _relief(r, 0, 45))
    lasts = lognormal_days(
        median, v["relief_sigma"], u(Slot.DURATION_A)[sel], u(Slot.DURATION_B)[sel]
    )
    fails = lognormal_days(
        fail_after, v["delay_sigma"], u(Slot.RESULT_A)[sel], u(Slot.RESULT_B)[sel]
    )
    duration = np.where(ok, lasts, fails)
    f["success"][sel] = ok
    f["relief"][sel] = relief
    f["duration"][sel] = duration
    f["result_day"][sel] = f["day"][sel] + duration


def _block(f: Frame, sel: I64, relief: F64, positive: npt.NDArray[np.bool_]) -> None:
    f["success"][sel] = positive
    f["relief"][sel] = relief
    f["concordant"][sel] = positive
    f["duration"][sel] = 0
    f["result_day"][sel] = f["day"][sel]


def _visit(ch: Chunk, f: Frame, sel: I64, rows: I64, u: Draw, gap: F64, stop: Any) -> None:
    changed = u(Slot.TRAJECTORY)[sel] < ch.values["symptoms_changed"]
    f["traj"][sel] = np.where(
        changed, TRAJECTORIES.index(Trajectory.CHANGED), TRAJECTORIES.index(Trajectory.UNCHANGED)
    )


def _posture(ch: Chunk, f: Frame, sel: I64, rows: I64, u: Draw, gap: F64, stop: Any) -> None:
    return None


def _imaging(ch: Chunk, f: Frame, sel: I64, rows: I64, u: Draw, gap: F64, stop: Any) -> None:
    v = ch.values
    wait = lognormal_days(
        v["imaging_wait_days"], v["delay_sigma"], u(Slot.RESULT_A)[sel], u(Slot.RESULT_B)[sel]
    )
    f["result_day"][sel] = f["day"][sel] + wait


def _snrb(ch: Chunk, f: Frame, sel: I64, rows: I64, u: Draw, gap: F64, stop: Any) -> None:
    v = ch.values
    nerves = decision_nerves()[f["decision"][sel]]
    true = nerves == ch.true_nerve[rows]
    p = np.where(true, v["snrb_sensitivity"], v["snrb_false_positive"])
    positive = u(Slot.RESPONSE)[sel] < p
    r = u(Slot.RELIEF)[sel]
    _block(f, sel, np.where(positive, _relief(r, 60, 100), _relief(r, 0, 40)), positive)
    _complicate(ch, f, sel, u, _INJECTION)
    gap[sel] = v["block_interval_days"]
    ch.snrb_true[rows[positive & true]] = True


def _cesi(ch: Chunk, f: Frame, sel: I64, rows: I64, u: Draw, gap: F64, stop: Any) -> None:
    """An epidural injection: its response depends on whether it reaches the generating root
    (confirmed by an SNRB or not), on the lesion there (Yoon 2015: disc herniation responds
    more often than foraminal stenosis), and, for the same injection again, on whether the
    last one worked."""
    v = ch.values
    dec = f["decision"][sel].astype(np.int64)
    nerves = decision_nerves()[dec]
    true = (nerves >= 0) & (nerves == ch.true_nerve[rows])
    again = dec == ch.last_cesi[rows]
    after_success = again & ch.last_cesi_ok[rows]
    repeat = (dec == ch.entry_cesi[rows]) | again
    stenosis = ch.table.lesion[rows] == 2
    at_root = np.where(stenosis, v["cesi_stenosis_response"], v["cesi_response"])
    p = np.where(
        after_success,
        v["cesi_repeat_success_response"],
        np.where(
            repeat,
            v["cesi_repeat_response"],
            np.where(
                true & ch.snrb_true[rows],
                v["targeted_cesi_response"],
                np.where(true, at_root, v["cesi_off_target_response"]),
            ),
        ),
    )
    _treat(ch, f, sel, u, p, 50, 90, v["cesi_relief_median_days"], v["treatment_follow_up_days"])
    _complicate(ch, f, sel, u, _INJECTION)
    ch.last_cesi[rows] = dec
    ch.last_cesi_ok[rows] = f["success"][sel]


def _mbb(ch: Chunk, f: Frame, sel: I64, rows: I64, u: Draw, gap: F64, stop: Any) -> None:
    v = ch.values
    second = decision_series()[f["decision"][sel]] == 2
    r = u(Slot.RELIEF)[sel]
    first_u = u(Slot.RESPONSE)[sel]
    strong = first_u < v["mbb_strong_relief"]
    moderate = ~strong & (first_u < v["mbb_strong_relief"] + v["mbb_moderate_relief"])
    relief = np.where(
        strong, _relief(r, 80, 100), np.where(moderate, _relief(r, 51, 79), _relief(r, 0, 50))
    )
    confirmed = u(Slot.CONFIRM)[sel] < v["mbb_confirmation"]
    relief = np.where(second, np.where(confirmed, _relief(r, 80, 100), _relief(r, 0, 50)), relief)
    _block(f, sel, relief, relief > 50)
    _complicate(ch, f, sel, u, _INJECTION[:1])
    gap[sel] = v["block_interval_days"]


def _rfa(ch: Chunk, f: Frame, sel: I64, rows: I64, u: Draw, gap: F64, stop: Any) -> None:
    """A radiofrequency ablation session: a repeat (after one that worked, as the rules require)
    has its own response and duration (MacVicar 2012: relief lasts less after repeats)."""
    v = ch.values
    repeat = ch.n_rfa[rows] > 0
    p = np.where(repeat, v["rfa_repeat_success"], v["rfa_success"])
    median = np.where(repeat, v["rfa_repeat_relief_median_days"], v["rfa_relief_median_days"])
    _treat(
        ch,
        f,
        sel,
        u,
        p,
        50,
        95,
        median,
        v["treatment_follow_up_days"],
        v["rfa_complete_relief"],
    )
    _complicate(ch, f, sel, u, ((Complication.POST_ABLATION_NEURITIS, "rfa_neuritis"),))
    ch.n_rfa[rows] += 1


def _gon(ch: Chunk, f: Frame, sel: I64, rows: I64, u: Draw, gap: F64, stop: Any) -> None:
    v = ch.values
    median = v["gon_relief_mean_days"] / math.exp(v["relief_sigma"] ** 2 / 2)
    _treat(ch, f, sel, u, v["gon_response"], 50, 100, median, v["block_interval_days"])
    _complicate(ch, f, sel, u, _INJECTION[:1])


def _medication(ch: Chunk, f: Frame, sel: I64, rows: I64, u: Draw, gap: F64, stop: Any) -> None:
    v = ch.values
    _treat(
        ch,
        f,
        sel,
        u,
        v["medication_response"],
        50,
        80,
        v["medication_relief_median_days"],
        v["medication_trial_days"],
    )
    _complicate(ch, f, sel, u, ((Complication.MEDICATION_SIDE_EFFECT, "medication_side_effect"),))


def _physio(ch: Chunk, f: Frame, sel: I64, rows: I64, u: Draw, gap: F64, stop: Any) -> None:
    v = ch.values
    _treat(
        ch,
        f,
        sel,
        u,
        v["advanced_pt_response"],
        50,
        80,
        v["advanced_pt_relief_median_days"],
        v["pt_course_days"],
    )


def _scs_trial(ch: Chunk, f: Frame, sel: I64, rows: I64, u: Draw, gap: F64, stop: Any) -> None:
    v = ch.values
    ok = u(Slot.RESPONSE)[sel] < v["scs_trial_success"]
    r = u(Slot.RELIEF)[sel]
    days = lognormal_days(
        v["scs_trial_days"], v["delay_sigma"], u(Slot.RESULT_A)[sel], u(Slot.RESULT_B)[sel]
    )
    f["success"][sel] = ok
    f["relief"][sel] = np.where(ok, _relief(r, 50, 90), _relief(r, 0, 45))
    f["duration"][sel] = days
    f["result_day"][sel] = f["day"][sel] + days


def _scs_implant(ch: Chunk, f: Frame, sel: I64, rows: I64, u: Draw, gap: F64, stop: Any) -> None:
    v = ch.values
    _treat(
        ch,
        f,
        sel,
        u,
        v["scs_implant_response"],
        50,
        90,
        v["scs_relief_median_days"],
        v["treatment_follow_up_days"],
    )
    _complicate(ch, f, sel, u, ((Complication.LEAD_MIGRATION, "scs_lead_migration"),))


def _regenerative(ch: Chunk, f: Frame, sel: I64, rows: I64, u: Draw, gap: F64, stop: Any) -> None:
    v = ch.values
    _treat(
        ch,
        f,
        sel,
        u,
        v["regenerative_response"],
        50,
        80,
        v["regenerative_relief_median_days"],
        v["treatment_follow_up_days"],
    )
    _complicate(ch, f, sel, u, _INJECTION[:1])


def _consultation(ch: Chunk, f: Frame, sel: I64, rows: I64, u: Draw, gap: F64, stop: Any) -> None:
    v = ch.values
    # a patient may decline the operation; past the operations limit none is offered
    limit = ch.operations[rows] >= v["operations_limit"]
    declines = u(Slot.ACCEPT)[sel] >= v["surgery_acceptance"]
    f["declined"][sel] = declines | limit
    # the patient's decision is recorded (a shared decision declining both operations, or
    # consenting again after declining before); past the limit none is offered and they leave
    before = ch.surgery_declined[rows]
    f["shared"][sel] = np.where(limit, -1, np.where(declines, 0, np.where(before, 1, -1)))
    ch.surgery_declined[rows] = np.where(limit, before, declines)
    urgent = decision_urgent()[f["decision"][sel]]
    gap[sel] = np.where(urgent, v["urgent_wait_days"], v["surgery_wait_days"])


def _at_generator(ch: Chunk, f: Frame, sel: I64, rows: I64) -> npt.NDArray[np.bool_]:
    """Whether each operation decompresses what generates the pain: the generating root's level
    (and, for a foraminotomy, its side) for radicular pain, the compressed level for
    myelopathy. The clinic does not know the generating root; the operation's result does."""
    dec = f["decision"][sel]
    segments = decision_segments()[dec]
    side = decision_side()[dec]
    nerve = ch.true_nerve[rows]
    radicular = nerve >= 0
    seg = np.where(radicular, nerve // 4 - 3, ch.table.seg[rows].astype(np.int64))
    covered = (seg >= 0) & ((segments >> np.maximum(seg, 0)) & 1).astype(np.bool_)
    sided = (side < 0) | (side == 2) | ~radicular | (side == nerve % 4)
    out: npt.NDArray[np.bool_] = covered & sided
    return out


def _surgery(ch: Chunk, f: Frame, sel: I64, rows: I64, u: Draw, gap: F64, stop: Any) -> None:
    """An operation: it succeeds as often as ``surgery_success`` at the generating level (a
    revision: ``revision_success``), rarely elsewhere. Adjacent segment disease threatens every
    fused patient from the day of surgery; it ends a successful operation's relief, reported
    at the later of the follow-up visit and its onset."""
    v = ch.values
    acdf = f["kind"][sel] == _KIND[K.ACDF]
    hit = _at_generator(ch, f, sel, rows)
    revision = ch.operations[rows] > 0
    p = np.where(
        hit,
        np.where(revision, v["revision_success"], v["surgery_success"]),
        v["surgery_off_level_success"],
    )
    ok = u(Slot.RESPONSE)[sel] < p
    r = u(Slot.RELIEF)[sel]
    follow = lognormal_days(
        v["post_operative_follow_up_days"],
        v["delay_sigma"],
        u(Slot.RESULT_A)[sel],
        u(Slot.RESULT_B)[sel],
    )
    rate = np.where(acdf, v["acdf_recurrence_per_year"], v["foraminotomy_recurrence_per_year"])
    with np.errstate(divide="ignore"):
        recur = np.floor(-np.log1p(-u(Slot.DURATION_A)[sel]) / (rate / 365.25))
    recur = np.maximum(np.minimum(np.where(np.isfinite(recur), recur, NEVER), NEVER), 1)
    duration = np.where(ok, recur, follow)
    reported = np.where(ok, np.maximum(follow, recur), follow)
    f["success"][sel] = ok
    f["relief"][sel] = np.where(ok, _relief(r, 60, 100), _relief(r, 0, 45))
    f["duration"][sel] = np.minimum(duration, NEVER)
    f["result_day"][sel] = np.minimum(f["day"][sel] + reported, NEVER)
    f["visit_day"][sel] = f["day"][sel] + follow
    risks: tuple[tuple[Complication, str], ...] = (
        (Complication.DYSPHAGIA, "acdf_dysphagia"),
        (Complication.C5_PALSY, "surgery_c5_palsy"),
        (Complication.INFECTION, "surgery_serious_complication"),
    )
    _complicate(ch, f, sel, u, risks)
    no_dysphagia = np.where(acdf, -1, ~_BIT[Complication.DYSPHAGIA]).astype(np.int32)
    f["complications"][sel] &= no_dysphagia
    # seen when it happens before the report (and before the horizon)
    segment_disease = acdf & (recur <= reported) & (f["day"][sel] + recur <= ch.horizon)
    f["complications"][sel] |= np.where(
        segment_disease, _BIT[Complication.ADJACENT_SEGMENT_DISEASE], 0
    ).astype(np.int32)
    ch.operated[rows] = True
    ch.operations[rows] += 1
    ch.exam[rows[ok]] = ExamVariant.POST_OPERATIVE


def _discharge(ch: Chunk, f: Frame, sel: I64, rows: I64, u: Draw, gap: F64, stop: Any) -> None:
    stop[sel] = True


HANDLERS: dict[ActionKind, Handler] = {
    K.DISCHARGE: _discharge,
    K.RE_EVALUATION: _visit,
    K.IMAGING: _imaging,
    K.POSTURE_REVIEW: _posture,
    K.SELECTIVE_NERVE_ROOT_BLOCK: _snrb,
    K.CESI: _cesi,
    K.MEDIAL_BRANCH_BLOCK: _mbb,
    K.RADIOFREQUENCY_ABLATION: _rfa,
    K.GREATER_OCCIPITAL_NERVE_BLOCK: _gon,
    K.MEDICATION_TRIAL: _medication,
    K.ADVANCED_PHYSICAL_THERAPY: _physio,
    K.SPINAL_CORD_STIMULATOR_TRIAL: _scs_trial,
    K.SPINAL_CORD_STIMULATOR_IMPLANT: _scs_implant,
    K.REGENERATIVE_THERAPY: _regenerative,
    K.SURGICAL_CONSULTATION: _consultation,
    K.ACDF: _surgery,
    K.LAMINOFORAMINOTOMY: _surgery,
}
