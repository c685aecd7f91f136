"""From compact simulated steps to real events and records.

The kernel keeps each simulated step as one row of numpy columns (:data:`COLUMNS`); a
:class:`Decision` says what the step did. This module turns a patient's rows back into the
model's events with the engine's own :func:`~spinepath.pathway.make_event`, so a simulated
trajectory *is* a :class:`~spinepath.PatientRecord`: the record-by-record path builds them as
it goes, the fast path builds one only when a reason is read or a classification is checked
against the engine, and results rebuild any patient's record on demand.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import attrs
import numpy as np

from spinepath.model import (
    ClinicalVisit,
    Complication,
    Discharge,
    DischargeReason,
    Event,
    ImagingStudy,
    Modality,
    Outcome,
    OutcomeReport,
    Override,
    PatientRecord,
    Trajectory,
    VisitPurpose,
)
from spinepath.model.safety import (
    AntithromboticUse,
    DrugStatus,
    PsychologicalEvaluation,
    SharedDecision,
)
from spinepath.model.safety import Decision as Choice
from spinepath.pathway import make_event
from spinepath.pathway.events import Construct, checked
from spinepath.rules.actions import Action, ActionKind
from spinepath.sim.cohort import DRUGS, ExamVariant, PatientView

__all__ = [
    "COLUMNS",
    "COMPLICATIONS",
    "DISCHARGE",
    "KINDS",
    "TRAJECTORIES",
    "Decision",
    "DecisionTable",
    "StepRow",
    "build_record",
    "complications_of",
    "step_events",
    "trusted",
]

K = ActionKind
KINDS = tuple(ActionKind)
COMPLICATIONS = tuple(Complication)
TRAJECTORIES = tuple(Trajectory)
DISCHARGE = Action(kind=K.DISCHARGE)

NONE = -1
LASTING = -2
"""``duration`` code of relief still lasting when last seen (``relief_duration_days=None``)."""

COLUMNS: dict[str, Any] = {
    "pos": np.int64,  # row of the patient in its chunk (the patient index in results)
    "step": np.int16,
    "day": np.int32,  # the step's event, in days from entry
    "decision": np.int32,  # into a DecisionTable
    "kind": np.int8,  # index of the decision's ActionKind in KINDS
    "exam": np.int8,  # ExamVariant in force at the step
    "progressed": np.bool_,  # a new deficit happened before this step
    "traj": np.int8,  # a re-evaluation's trajectory (index into TRAJECTORIES), -1 otherwise
    "result_day": np.int32,  # outcome report or imaging study, -1 none
    "success": np.bool_,
    "relief": np.int16,  # whole percent, -1 none
    "duration": np.int32,  # relief days; -1 none; -2 still lasting
    "concordant": np.int8,  # -1 none, 0, 1
    "complications": np.int32,  # bit i: COMPLICATIONS[i]
    "pain_before": np.int8,
    "pain_after": np.int8,
    "visit_day": np.int32,  # post-operative visit, -1 none
    "prog_day": np.int32,  # visit showing a new deficit, -1 none
    "declined": np.bool_,  # declined the operation at a consultation (or none offered)
    "hold": np.int16,  # days the antithrombotic was held before the step, -1 none
    "shared": np.int8,  # shared decision on surgery recorded: -1 none, 0 declined, 1 consented
    "psych": np.int8,  # psychological evaluation recorded: -1 none, 0 unsuitable, 1 suitable
}
"""The columns of one simulated step, with their numpy types."""


@attrs.frozen
class Decision:
    """What one simulated step does: the action, any override, and a discharge's reason."""

    action: Action
    override: Override | None = None
    reason: DischargeReason | None = None

    @property
    def kind(self) -> ActionKind:
        return self.action.kind


class DecisionTable:
    """Decisions numbered in order of first use, so steps can store an integer."""

    def __init__(self, decisions: Iterable[Decision] = ()) -> None:
        self._list: list[Decision] = []
        self._ids: dict[Decision, int] = {}
        for decision in decisions:
            self.id_of(decision)

    def id_of(self, decision: Decision) -> int:
        found = self._ids.get(decision)
        if found is None:
            found = self._ids[decision] = len(self._list)
            self._list.append(decision)
        return found

    def __getitem__(self, index: int) -> Decision:
        return self._list[index]

    def __len__(self) -> int:
        return len(self._list)

    def __iter__(self) -> Any:
        return iter(self._list)

    def kinds(self) -> np.ndarray[Any, np.dtype[np.int8]]:
        """Each decision's kind as an index into :data:`KINDS`."""
        return np.array([KINDS.index(d.kind) for d in self._list], dtype=np.int8)


class StepRow(NamedTuple):
    """One step of one patient (the :data:`COLUMNS` as Python values)."""

    pos: int
    step: int
    day: int
    decision: int
    kind: int
    exam: int
    progressed: bool
    traj: int
    result_day: int
    success: bool
    relief: int
    duration: int
    concordant: int
    complications: int
    pain_before: int
    pain_after: int
    visit_day: int
    prog_day: int
    declined: bool
    hold: int
    shared: int
    psych: int


@functools.cache
def complications_of(bits: int) -> tuple[Complication, ...]:
    return tuple(c for i, c in enumerate(COMPLICATIONS) if bits >> i & 1)


_OUTCOME_KINDS = frozenset(
    {
        K.SELECTIVE_NERVE_ROOT_BLOCK,
        K.CESI,
        K.MEDIAL_BRANCH_BLOCK,
        K.RADIOFREQUENCY_ABLATION,
        K.GREATER_OCCIPITAL_NERVE_BLOCK,
        K.MEDICATION_TRIAL,
        K.ADVANCED_PHYSICAL_THERAPY,
        K.SPINAL_CORD_STIMULATOR_TRIAL,
        K.SPINAL_CORD_STIMULATOR_IMPLANT,
        K.REGENERATIVE_THERAPY,
        K.ACDF,
        K.LAMINOFORAMINOTOMY,
    }
)


_VARIANTS = tuple(ExamVariant)
SURGERY_OPTIONS = (K.ACDF, K.LAMINOFORAMINOTOMY)
"""The options a shared decision about surgery names (declining surgery declines both)."""
_FIELDS: dict[type, tuple[tuple[str, Any], ...]] = {}


def trusted(cls: type[Any], **values: Any) -> Any:
    """An instance of a frozen model class built from values the simulation made itself,
    without checking them again (every check ran when the cohort and parameters were made,
    and :func:`build_record` builds checked records from the same steps)."""
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = tuple((f.name, f.default) for f in attrs.fields(cls))
    made = object.__new__(cls)
    set_ = object.__setattr__
    for name, default in fields:
        if name in values:
            set_(made, name, values[name])
        elif isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            set_(made, name, default.factory())
        else:
            set_(made, name, default)
    return made


def step_events(
    view: PatientView, row: StepRow, decision: Decision, construct: Construct = checked
) -> list[Event]:
    """The events of one simulated step, in date order; ``construct(cls, **fields)`` builds
    each (checked by default; :func:`trusted` for the fast path's own state)."""
    when = view.date
    step_id = f"s{row.step}"
    kind = decision.kind
    exam = _VARIANTS[row.exam]
    main: Event
    if kind is K.DISCHARGE:
        main = construct(
            Discharge,
            id=step_id,
            date=when(row.day),
            reason=decision.reason or DischargeReason.ADEQUATE_RELIEF,
            override=decision.override,
        )
    else:
        details: dict[str, Any] = {}
        if kind is K.RE_EVALUATION:
            details["symptoms"] = view.symptoms(
                trajectory=TRAJECTORIES[row.traj], progressed=row.progressed
            )
            details["exam"] = view.exam(exam)
        elif kind is K.POSTURE_REVIEW:
            details["assessment"] = view.posture()
        elif kind is K.MEDICATION_TRIAL and row.result_day >= 0:
            details["stop_date"] = when(row.result_day)
        elif kind is K.ADVANCED_PHYSICAL_THERAPY:
            details["sessions"] = 12
            if row.result_day >= 0:
                details["end_date"] = when(row.result_day)
        if decision.override is not None:
            details["override"] = decision.override
        main = make_event(
            decision.action, id=step_id, date=when(row.day), construct=construct, **details
        )
    events: list[tuple[int, int, Event]] = []
    if row.psych >= 0:
        psych = construct(
            PsychologicalEvaluation,
            id=f"{step_id}-psychology",
            date=when(row.day),
            suitable=bool(row.psych),
        )
        events.append((row.day, -1, psych))
    if row.hold > 0:
        drug = DRUGS[int(view["drug"])]
        held = construct(
            AntithromboticUse,
            id=f"{step_id}-hold",
            date=when(row.day - row.hold),
            drug=drug,
            status=DrugStatus.HELD,
        )
        events.append((row.day - row.hold, -1, held))
    events.append((row.day, 0, main))
    if row.hold > 0:  # taken again once the step is done
        resumed = construct(
            AntithromboticUse,
            id=f"{step_id}-resume",
            date=when(row.day),
            drug=drug,
            status=DrugStatus.TAKING,
        )
        events.append((row.day, 0, resumed))
    if row.shared >= 0:
        shared = construct(
            SharedDecision,
            id=f"{step_id}-decision",
            date=when(row.day),
            options=SURGERY_OPTIONS,
            decision=Choice.CONSENTED if row.shared else Choice.DECLINED,
        )
        events.append((row.day, 0, shared))
    if kind is K.IMAGING and row.result_day >= 0:
        modality = decision.action.modality or Modality.MRI
        study = construct(
            ImagingStudy,
            id=f"{step_id}-study",
            date=when(row.result_day),
            modality=modality,
            findings=view.findings(),
        )
        events.append((row.result_day, 2, study))
    if kind in _OUTCOME_KINDS and row.result_day >= 0:
        duration = None if row.duration == LASTING else max(row.duration, 0)
        outcome = construct(
            Outcome,
            pain_before=row.pain_before,
            pain_after=row.pain_after,
            relief_percent=float(row.relief),
            relief_duration_days=duration,
            concordant=None if row.concordant < 0 else bool(row.concordant),
            complications=complications_of(row.complications),
        )
        report = construct(
            OutcomeReport,
            id=f"{step_id}-outcome",
            date=when(row.result_day),
            intervention_id=step_id,
            outcome=outcome,
        )
        events.append((row.result_day, 2, report))
    if row.visit_day >= 0:
        scale = (100 - row.relief) / 100 if row.relief >= 0 else 1.0
        symptoms = view.symptoms(
            arm=round(int(view["arm"]) * scale),
            neck=round(int(view["neck"]) * scale),
            trajectory=Trajectory.IMPROVING if row.success else Trajectory.UNCHANGED,
        )
        after = ExamVariant.POST_OPERATIVE if row.success else exam
        visit = construct(
            ClinicalVisit,
            id=f"{step_id}-postop",
            date=when(row.visit_day),
            purpose=VisitPurpose.POST_OPERATIVE,
            symptoms=symptoms,
            exam=view.exam(after),
        )
        events.append((row.visit_day, 1, visit))
    if row.prog_day >= 0:
        visit = construct(
            ClinicalVisit,
            id=f"{step_id}-deficit",
            date=when(row.prog_day),
            purpose=VisitPurpose.FOLLOW_UP,
            symptoms=view.symptoms(trajectory=Trajectory.WORSENING, progressed=True),
            exam=view.exam(ExamVariant.PROGRESSED),
        )
        events.append((row.prog_day, 3, visit))
    events.sort(key=lambda e: (e[0], e[1]))
    return [e for _, _, e in events]


def build_record(
    view: PatientView, rows: Iterable[StepRow], decisions: Sequence[Decision] | DecisionTable
) -> PatientRecord:
    """The record of one simulated patient: entry events, then every step's events."""
    events: list[Event] = list(view.entry_events())
    for row in rows:
        events.extend(step_events(view, row, decisions[row.decision]))
    return PatientRecord(view.patient(), tuple(events))
