"""The actions the pathway can take next, each with a concrete anatomical target.

Rules speak of actions (S6 is about radiofrequency ablation at a facet joint), so the action
vocabulary lives here, below the rules; the pathway layer turns actions into events and back.
"""

from __future__ import annotations

import functools
from typing import Any

import attrs

from spinepath._checks import integer, is_a, items, optional
from spinepath.anatomy import FacetJoint, Foramen, NerveRoot, Segment, Side, SpinalNerve
from spinepath.errors import InvalidValue
from spinepath.model import (
    AnteriorCervicalDiscectomyFusion,
    Approach,
    CervicalEpiduralSteroidInjection,
    ClinicalVisit,
    Discharge,
    Event,
    GreaterOccipitalNerveBlock,
    ImagingOrder,
    MedialBranchBlock,
    Medication,
    MedicationTrial,
    Modality,
    PhysicalTherapyCourse,
    PosteriorLaminoforaminotomy,
    PostureReview,
    RadiofrequencyAblation,
    RegenerativeTherapy,
    SelectiveNerveRootBlock,
    SpinalCordStimulatorImplant,
    SpinalCordStimulatorTrial,
    SurgicalConsultation,
    Urgency,
    VisitPurpose,
)
from spinepath.model.options import ActionKind

__all__ = ["ACTION_TYPES", "Action", "ActionKind", "action", "kind_of"]


# Which target fields each kind needs; anything else must be left empty.
_NEEDS: dict[ActionKind, frozenset[str]] = {
    ActionKind.IMAGING: frozenset({"modality"}),
    ActionKind.SELECTIVE_NERVE_ROOT_BLOCK: frozenset({"root", "side"}),
    ActionKind.CESI: frozenset({"approach", "segments", "side"}),
    ActionKind.MEDIAL_BRANCH_BLOCK: frozenset({"segments", "side", "series_position"}),
    ActionKind.RADIOFREQUENCY_ABLATION: frozenset({"segments", "side"}),
    ActionKind.GREATER_OCCIPITAL_NERVE_BLOCK: frozenset({"side"}),
    ActionKind.SURGICAL_CONSULTATION: frozenset({"urgency"}),
    ActionKind.ACDF: frozenset({"segments"}),
    ActionKind.LAMINOFORAMINOTOMY: frozenset({"segments", "side"}),
}
_MAY_NAME: dict[ActionKind, frozenset[str]] = {
    ActionKind.MEDICATION_TRIAL: frozenset({"drug"}),  # none: a gabapentinoid, either drug
}
_MODALITY_NAMES = {
    Modality.MRI: "MRI",
    Modality.CT: "CT",
    Modality.CT_MYELOGRAPHY: "CT myelography",
    Modality.XRAY: "X-ray",
}
_TARGET_FIELDS = ("segments", "side", "root", "approach", "drug", "urgency", "modality")


@attrs.frozen(kw_only=True, order=False, cache_hash=True)
class Action:
    """A next step with its target: ``Action(kind=RADIOFREQUENCY_ABLATION, segments=(C5_6,),
    side=LEFT)`` reads "Radiofrequency ablation C5-6 left"."""

    kind: ActionKind = attrs.field(validator=is_a(ActionKind))
    segments: tuple[Segment, ...] = attrs.field(
        default=(), validator=items(Segment, unique=True, ordered=True)
    )
    side: Side | None = attrs.field(default=None, validator=optional(is_a(Side)))
    root: NerveRoot | None = attrs.field(default=None, validator=optional(is_a(NerveRoot)))
    approach: Approach | None = attrs.field(default=None, validator=optional(is_a(Approach)))
    drug: Medication | None = attrs.field(default=None, validator=optional(is_a(Medication)))
    urgency: Urgency | None = attrs.field(default=None, validator=optional(is_a(Urgency)))
    modality: Modality | None = attrs.field(default=None, validator=optional(is_a(Modality)))
    series_position: int | None = attrs.field(default=None, validator=optional(integer(1, 2)))

    def __attrs_post_init__(self) -> None:
        needs = _NEEDS.get(self.kind, frozenset())
        may = needs | _MAY_NAME.get(self.kind, frozenset())
        for name in (*_TARGET_FIELDS, "series_position"):
            value: Any = getattr(self, name)
            given = value not in (None, ())
            if name in needs and not given:
                raise InvalidValue(name, f"is required for {self.kind.label}")
            if name not in may and given:
                raise InvalidValue(name, f"does not apply to {self.kind.label}")
        if self.kind is ActionKind.LAMINOFORAMINOTOMY and len(self.segments) != 1:
            raise InvalidValue("segments", "a laminoforaminotomy treats one foramen")
        if self.kind is ActionKind.CESI and len(self.segments) != 1:
            raise InvalidValue("segments", "an epidural injection enters at one segment")

    # -- targets as anatomy -----------------------------------------------------------------------
    @functools.cached_property
    def joints(self) -> tuple[FacetJoint, ...]:
        """Facet joints of an MBB or RFA target (both sides when bilateral)."""
        if self.side is None:
            return ()
        return tuple(FacetJoint(s, lat) for s in self.segments for lat in self.side.lateral)

    @functools.cached_property
    def nerve(self) -> SpinalNerve | None:
        """The spinal nerve an SNRB tests or a transforaminal injection reaches."""
        if self.kind is ActionKind.SELECTIVE_NERVE_ROOT_BLOCK and self.root and self.side:
            return SpinalNerve(self.root, self.side)
        if (
            self.kind is ActionKind.CESI
            and self.approach is Approach.TRANSFORAMINAL
            and self.side is not None
        ):
            return SpinalNerve(self.segments[0].exiting_root, self.side)
        return None

    @functools.cached_property
    def foramen(self) -> Foramen | None:
        if self.kind is ActionKind.LAMINOFORAMINOTOMY and self.side is not None:
            return Foramen(self.segments[0], self.side)
        return None

    @functools.cached_property
    def target(self) -> str:
        """The target in clinical shorthand (``C5-6 left``, ``left C6``, ``urgent``)."""
        parts: list[str] = []
        if self.approach is not None:
            parts.append(str(self.approach))
        if self.root is not None and self.side is not None:
            parts.append(f"{self.side} {self.root}")
        else:
            if self.segments:
                parts.append(", ".join(str(s) for s in self.segments))
            if self.side is not None:
                parts.append(str(self.side))
        for extra in (self.drug, self.urgency):
            if extra is not None:
                parts.append(str(extra))
        if self.kind is ActionKind.MEDICATION_TRIAL and self.drug is None:
            parts.append("(a gabapentinoid: gabapentin or pregabalin)")
        if self.modality is not None:
            parts.append(_MODALITY_NAMES[self.modality])
        return " ".join(parts)

    def __str__(self) -> str:
        # The series position says which block of a series this is, not where it goes, so it
        # is part of the name and not of the target that fact texts quote.
        target = f"{self.target} (confirmatory block)" if self.series_position == 2 else self.target
        return f"{self.kind.label} {target}" if target else self.kind.label

    @functools.cached_property
    def sort_key(self) -> tuple[int, str]:
        return (list(ActionKind).index(self.kind), str(self))


@functools.lru_cache(maxsize=4096)
def action(
    kind: ActionKind,
    segments: tuple[Segment, ...] = (),
    side: Side | None = None,
    root: NerveRoot | None = None,
    approach: Approach | None = None,
    drug: Medication | None = None,
    urgency: Urgency | None = None,
    modality: Modality | None = None,
    series_position: int | None = None,
) -> Action:
    """An :class:`Action`, built once per distinct target and shared (actions are immutable),
    so the engine does not validate the same target on every assessment."""
    return Action(
        kind=kind,
        segments=segments,
        side=side,
        root=root,
        approach=approach,
        drug=drug,
        urgency=urgency,
        modality=modality,
        series_position=series_position,
    )


def kind_of(event: Event) -> ActionKind | None:
    """The kind of action an event performs, without building the action (a hot path)."""
    if isinstance(event, ClinicalVisit):
        return ActionKind.RE_EVALUATION if event.purpose is VisitPurpose.RE_EVALUATION else None
    if isinstance(event, PhysicalTherapyCourse):
        return ActionKind.ADVANCED_PHYSICAL_THERAPY if event.advanced else None
    return _KINDS.get(type(event))


_KINDS: dict[type, ActionKind] = {  # see also ACTION_TYPES below
    Discharge: ActionKind.DISCHARGE,
    PostureReview: ActionKind.POSTURE_REVIEW,
    ImagingOrder: ActionKind.IMAGING,
    SelectiveNerveRootBlock: ActionKind.SELECTIVE_NERVE_ROOT_BLOCK,
    CervicalEpiduralSteroidInjection: ActionKind.CESI,
    MedialBranchBlock: ActionKind.MEDIAL_BRANCH_BLOCK,
    RadiofrequencyAblation: ActionKind.RADIOFREQUENCY_ABLATION,
    GreaterOccipitalNerveBlock: ActionKind.GREATER_OCCIPITAL_NERVE_BLOCK,
    MedicationTrial: ActionKind.MEDICATION_TRIAL,
    SpinalCordStimulatorTrial: ActionKind.SPINAL_CORD_STIMULATOR_TRIAL,
    SpinalCordStimulatorImplant: ActionKind.SPINAL_CORD_STIMULATOR_IMPLANT,
    RegenerativeTherapy: ActionKind.REGENERATIVE_THERAPY,
    SurgicalConsultation: ActionKind.SURGICAL_CONSULTATION,
    AnteriorCervicalDiscectomyFusion: ActionKind.ACDF,
    PosteriorLaminoforaminotomy: ActionKind.LAMINOFORAMINOTOMY,
}

ACTION_TYPES: frozenset[type] = frozenset(_KINDS)
"""The event types that perform an action (besides re-evaluation visits and advanced
physical therapy courses, which do depending on their fields)."""
