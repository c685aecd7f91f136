"""Between actions and events: the event that performs an action, and the action an event is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from spinepath.errors import InvalidValue
from spinepath.model import (
    AnteriorCervicalDiscectomyFusion,
    CervicalEpiduralSteroidInjection,
    ClinicalVisit,
    Discharge,
    DischargeReason,
    Event,
    GreaterOccipitalNerveBlock,
    ImagingOrder,
    ImagingReason,
    MedialBranchBlock,
    Medication,
    MedicationTrial,
    PhysicalTherapyCourse,
    PhysicalTherapyFocus,
    PosteriorLaminoforaminotomy,
    PostureReview,
    RadiofrequencyAblation,
    RegenerativeKind,
    RegenerativeTherapy,
    SelectiveNerveRootBlock,
    SpinalCordStimulatorImplant,
    SpinalCordStimulatorTrial,
    Steroid,
    SurgicalConsultation,
    VisitPurpose,
)
from spinepath.model.record import PatientRecord
from spinepath.rules.actions import Action, ActionKind, kind_of
from spinepath.rules.facts import default_gabapentinoid

__all__ = ["Construct", "action_of", "checked", "kind_of", "make_event"]

K = ActionKind

# Starting doses from the products' labels: gabapentin 300 mg on day one, pregabalin 150 mg a day.
_START_DOSE = {Medication.GABAPENTIN: 300.0, Medication.PREGABALIN: 150.0}
_ADVANCED_PT = (
    PhysicalTherapyFocus.POSTURE,
    PhysicalTherapyFocus.DEEP_STABILISATION,
    PhysicalTherapyFocus.CORE,
)


Construct = Callable[..., Any]


def checked(cls: Any, **values: Any) -> Any:
    """``cls(**values)``: a model value built with every field checked (how events are built
    unless a caller that made the values itself says otherwise)."""
    return cls(**values)


def make_event(
    action: Action,
    *,
    id: str,
    date: dt.date,
    record: PatientRecord | None = None,
    construct: Construct = checked,
    **details: Any,
) -> Event:
    """The event that performs ``action`` on ``date``.

    ``details`` supply what an action cannot know and override defaults: ``symptoms`` (and
    ``exam``) for a re-evaluation visit, which default to the latest recorded in ``record``;
    ``drug`` for a gabapentinoid trial that names none (gabapentin, or pregabalin when the
    record shows gabapentin tried);
    ``assessment`` for a posture review; ``daily_dose_mg``, ``focus``, ``steroid``, ``therapy``,
    ``reason``, ``override`` and so on for the others. ``construct(cls, **fields)`` builds the
    event (the class itself, checking every field, unless a caller that made the values itself
    says otherwise: the simulation).
    """
    base: dict[str, Any] = {"id": id, "date": date}
    kind = action.kind
    if kind is K.RE_EVALUATION:
        if "symptoms" not in details and record is not None:
            visits = record.of_type(ClinicalVisit)
            if visits:
                details.setdefault("symptoms", visits[-1].symptoms)
                details.setdefault("exam", visits[-1].exam)
        if "symptoms" not in details:
            raise InvalidValue("symptoms", "required to record a re-evaluation visit")
        event: Event = construct(
            ClinicalVisit, **base, purpose=VisitPurpose.RE_EVALUATION, **details
        )
        return event
    if kind is K.POSTURE_REVIEW:
        if "assessment" not in details:
            raise InvalidValue("assessment", "required to record a posture review")
        review: Event = construct(PostureReview, **base, **details)
        return review
    target: dict[str, Any] = {}
    cls: type[Event]
    if kind is K.DISCHARGE:
        cls, target = Discharge, {"reason": DischargeReason.ADEQUATE_RELIEF}
    elif kind is K.IMAGING:
        cls, target = (
            ImagingOrder,
            {"modality": action.modality, "reason": ImagingReason.SYMPTOMS_CHANGED},
        )
    elif kind is K.SELECTIVE_NERVE_ROOT_BLOCK:
        cls, target = SelectiveNerveRootBlock, {"root": action.root, "side": action.side}
    elif kind is K.CESI:
        cls = CervicalEpiduralSteroidInjection
        target = {
            "approach": action.approach,
            "segment": action.segments[0],
            "side": action.side,
            "steroid": Steroid.DEXAMETHASONE,
            "particulate": False,
        }
    elif kind is K.MEDIAL_BRANCH_BLOCK:
        cls = MedialBranchBlock
        target = {
            "segments": action.segments,
            "side": action.side,
            "series_position": action.series_position,
        }
    elif kind is K.RADIOFREQUENCY_ABLATION:
        cls, target = RadiofrequencyAblation, {"segments": action.segments, "side": action.side}
    elif kind is K.GREATER_OCCIPITAL_NERVE_BLOCK:
        cls, target = GreaterOccipitalNerveBlock, {"side": action.side}
    elif kind is K.MEDICATION_TRIAL:
        tried = () if record is None else (t.drug for t in record.of_type(MedicationTrial))
        drug = details.pop("drug", None) or action.drug or default_gabapentinoid(tried)
        cls, target = MedicationTrial, {"drug": drug, "daily_dose_mg": _START_DOSE[drug]}
    elif kind is K.ADVANCED_PHYSICAL_THERAPY:
        cls, target = PhysicalTherapyCourse, {"focus": _ADVANCED_PT}
    elif kind is K.SPINAL_CORD_STIMULATOR_TRIAL:
        cls = SpinalCordStimulatorTrial
    elif kind is K.SPINAL_CORD_STIMULATOR_IMPLANT:
        cls = SpinalCordStimulatorImplant
    elif kind is K.REGENERATIVE_THERAPY:
        cls, target = RegenerativeTherapy, {"therapy": RegenerativeKind.PLATELET_RICH_PLASMA}
    elif kind is K.SURGICAL_CONSULTATION:
        cls, target = SurgicalConsultation, {"urgency": action.urgency}
    elif kind is K.ACDF:
        cls, target = AnteriorCervicalDiscectomyFusion, {"segments": action.segments}
    else:
        cls = PosteriorLaminoforaminotomy
        target = {"segment": action.segments[0], "side": action.side}
    made: Event = construct(cls, **{**base, **target, **details})
    return made


def action_of(event: Event) -> Action | None:
    """The pathway action an event performs, or None for events that are not actions
    (outcome reports, imaging studies, health updates, visits other than re-evaluations)."""
    if isinstance(event, ClinicalVisit):
        return Action(kind=K.RE_EVALUATION) if event.purpose is VisitPurpose.RE_EVALUATION else None
    converter = _ACTIONS.get(type(event))
    return converter(event) if converter is not None else None


def _cesi(e: Any) -> Action:
    return Action(kind=K.CESI, approach=e.approach, segments=(e.segment,), side=e.side)


_ACTIONS: dict[type, Any] = {
    Discharge: lambda e: Action(kind=K.DISCHARGE),
    PostureReview: lambda e: Action(kind=K.POSTURE_REVIEW),
    ImagingOrder: lambda e: Action(kind=K.IMAGING, modality=e.modality),
    SelectiveNerveRootBlock: lambda e: Action(
        kind=K.SELECTIVE_NERVE_ROOT_BLOCK, root=e.root, side=e.side
    ),
    CervicalEpiduralSteroidInjection: _cesi,
    MedialBranchBlock: lambda e: Action(
        kind=K.MEDIAL_BRANCH_BLOCK,
        segments=e.segments,
        side=e.side,
        series_position=e.series_position,
    ),
    RadiofrequencyAblation: lambda e: Action(
        kind=K.RADIOFREQUENCY_ABLATION, segments=e.segments, side=e.side
    ),
    GreaterOccipitalNerveBlock: lambda e: Action(kind=K.GREATER_OCCIPITAL_NERVE_BLOCK, side=e.side),
    MedicationTrial: lambda e: Action(kind=K.MEDICATION_TRIAL, drug=e.drug),
    PhysicalTherapyCourse: lambda e: (
        Action(kind=K.ADVANCED_PHYSICAL_THERAPY) if e.advanced else None
    ),
    SpinalCordStimulatorTrial: lambda e: Action(kind=K.SPINAL_CORD_STIMULATOR_TRIAL),
    SpinalCordStimulatorImplant: lambda e: Action(kind=K.SPINAL_CORD_STIMULATOR_IMPLANT),
    RegenerativeTherapy: lambda e: Action(kind=K.REGENERATIVE_THERAPY),
    SurgicalConsultation: lambda e: Action(kind=K.SURGICAL_CONSULTATION, urgency=e.urgency),
    AnteriorCervicalDiscectomyFusion: lambda e: Action(kind=K.ACDF, segments=e.segments),
    PosteriorLaminoforaminotomy: lambda e: Action(
        kind=K.LAMINOFORAMINOTOMY, segments=(e.segment,), side=e.side
    ),
}
