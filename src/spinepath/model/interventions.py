"""Interventions, each a type of its own with its own target: the procedures of S3-S15.

All are events (they have an ``id`` and a ``date``); their outcomes arrive later as
:class:`~spinepath.model.events.OutcomeReport` events naming the intervention's id.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from typing import ClassVar

import attrs

from spinepath._checks import a_date, integer, is_a, items, number, one_of, optional, real
from spinepath.anatomy import FacetJoint, Foramen, NerveRoot, Segment, Side, SpinalNerve, lateral
from spinepath.errors import InvalidValue
from spinepath.model.events import Event

__all__ = [
    "AnteriorCervicalDiscectomyFusion",
    "Approach",
    "CervicalEpiduralSteroidInjection",
    "GreaterOccipitalNerveBlock",
    "Intervention",
    "MedialBranchBlock",
    "Medication",
    "MedicationTrial",
    "PhysicalTherapyCourse",
    "PhysicalTherapyFocus",
    "PosteriorLaminoforaminotomy",
    "RadiofrequencyAblation",
    "RegenerativeKind",
    "RegenerativeTherapy",
    "SelectiveNerveRootBlock",
    "SpinalCordStimulatorImplant",
    "SpinalCordStimulatorTrial",
    "Steroid",
    "Surgery",
]

_LATERAL_OR_BOTH = one_of((Side.LEFT, Side.RIGHT, Side.BILATERAL), "left, right or bilateral")
_SEGMENTS = items(Segment, unique=True, nonempty=True, ordered=True)


def _joints(segments: tuple[Segment, ...], side: Side) -> tuple[FacetJoint, ...]:
    return tuple(FacetJoint(s, lat) for s in segments for lat in side.lateral)


@attrs.frozen(kw_only=True)
class Intervention(Event):
    """Base of every procedure, medication trial and therapy course."""

    kind: ClassVar[str] = "intervention"
    diagnostic: ClassVar[bool] = False
    epidural: ClassVar[bool] = False


class Approach(enum.StrEnum):
    """The route of an epidural injection; a transforaminal one is aimed at one side."""

    INTERLAMINAR = "interlaminar"
    TRANSFORAMINAL = "transforaminal"


class Steroid(enum.StrEnum):
    """The steroid injected (dexamethasone is the non-particulate one)."""

    DEXAMETHASONE = "dexamethasone"
    TRIAMCINOLONE = "triamcinolone"
    METHYLPREDNISOLONE = "methylprednisolone"
    BETAMETHASONE = "betamethasone"


@attrs.frozen(kw_only=True)
class CervicalEpiduralSteroidInjection(Intervention):
    """A CESI: steroid and local anaesthetic into the epidural space (S0).

    A transforaminal injection targets one side's foramen; an interlaminar one enters at the
    midline or paramedian and may be recorded central. Dexamethasone is non-particulate.
    """

    kind: ClassVar[str] = "cesi"
    epidural: ClassVar[bool] = True
    approach: Approach = attrs.field(validator=is_a(Approach))
    segment: Segment = attrs.field(validator=is_a(Segment))
    side: Side = attrs.field(validator=is_a(Side))
    steroid: Steroid = attrs.field(default=Steroid.DEXAMETHASONE, validator=is_a(Steroid))
    particulate: bool = attrs.field(default=False, validator=is_a(bool))
    steroid_dose_mg: float | None = attrs.field(
        default=None, converter=real, validator=optional(number(0.001, 200))
    )
    """The dose of steroid injected, in mg of the named steroid (None: not recorded)."""

    def __attrs_post_init__(self) -> None:
        if self.approach is Approach.TRANSFORAMINAL and self.side not in (Side.LEFT, Side.RIGHT):
            raise InvalidValue(
                "side", f"a transforaminal injection is left or right, not {self.side}"
            )
        if self.steroid is Steroid.DEXAMETHASONE and self.particulate:
            raise InvalidValue("particulate", "dexamethasone is a non-particulate steroid")

    @property
    def nerve(self) -> SpinalNerve | None:
        """The root a transforaminal injection reaches (the one exiting at its segment)."""
        if self.approach is Approach.TRANSFORAMINAL:
            return SpinalNerve(self.segment.exiting_root, self.side)
        return None


@attrs.frozen(kw_only=True)
class SelectiveNerveRootBlock(Intervention):
    """Local anaesthetic on one root under fluoroscopy, to find the pain generator (S3).

    ``steroid`` (with ``steroid_dose_mg``) records a block given with a corticosteroid as well
    as the anaesthetic; None is anaesthetic only. A block with steroid is an epidural steroid
    injection too: a profile may count it toward the epidural limits and intervals.
    """

    kind: ClassVar[str] = "selective_nerve_root_block"
    diagnostic: ClassVar[bool] = True
    epidural: ClassVar[bool] = True
    root: NerveRoot = attrs.field(validator=is_a(NerveRoot))
    side: Side = attrs.field(validator=lateral)
    steroid: Steroid | None = attrs.field(default=None, validator=optional(is_a(Steroid)))
    steroid_dose_mg: float | None = attrs.field(
        default=None, converter=real, validator=optional(number(0.001, 200))
    )

    def __attrs_post_init__(self) -> None:
        if self.steroid_dose_mg is not None and self.steroid is None:
            raise InvalidValue("steroid_dose_mg", "is given but steroid is none (anaesthetic only)")

    @property
    def with_steroid(self) -> bool:
        return self.steroid is not None

    @property
    def nerve(self) -> SpinalNerve:
        return SpinalNerve(self.root, self.side)


@attrs.frozen(kw_only=True)
class MedialBranchBlock(Intervention):
    """A diagnostic block of the medial branches supplying facet joints (S6).

    ``segments`` are the facet joint levels; ``series_position`` is 1 for a single or first
    block and 2 for the confirmatory block of a comparative series.
    """

    kind: ClassVar[str] = "medial_branch_block"
    diagnostic: ClassVar[bool] = True
    segments: tuple[Segment, ...] = attrs.field(validator=_SEGMENTS)
    side: Side = attrs.field(validator=_LATERAL_OR_BOTH)
    series_position: int = attrs.field(default=1, validator=integer(1, 2))

    @functools.cached_property
    def joints(self) -> tuple[FacetJoint, ...]:
        return _joints(self.segments, self.side)


@attrs.frozen(kw_only=True)
class RadiofrequencyAblation(Intervention):
    """Heat lesioning of the medial branches of facet joints already shown painful (S6)."""

    kind: ClassVar[str] = "radiofrequency_ablation"
    segments: tuple[Segment, ...] = attrs.field(validator=_SEGMENTS)
    side: Side = attrs.field(validator=_LATERAL_OR_BOTH)

    @functools.cached_property
    def joints(self) -> tuple[FacetJoint, ...]:
        return _joints(self.segments, self.side)


@attrs.frozen(kw_only=True)
class GreaterOccipitalNerveBlock(Intervention):
    """A block of the greater occipital nerve, diagnostic and therapeutic (S7)."""

    kind: ClassVar[str] = "greater_occipital_nerve_block"
    diagnostic: ClassVar[bool] = True
    side: Side = attrs.field(validator=_LATERAL_OR_BOTH)


class Medication(enum.StrEnum):
    """Nerve-stabilising medications (S8), with the labelled maximum daily dose in mg."""

    GABAPENTIN = "gabapentin"
    PREGABALIN = "pregabalin"

    @property
    def max_daily_mg(self) -> int:
        return 3600 if self is Medication.GABAPENTIN else 600


@attrs.frozen(kw_only=True)
class MedicationTrial(Intervention):
    """A trial of gabapentin or pregabalin from ``date`` to ``stop_date`` (None: ongoing) (S8)."""

    kind: ClassVar[str] = "medication_trial"
    drug: Medication = attrs.field(validator=is_a(Medication))
    daily_dose_mg: float = attrs.field(converter=real, validator=number(0.001))
    stop_date: dt.date | None = attrs.field(default=None, validator=optional(a_date))

    def __attrs_post_init__(self) -> None:
        if self.daily_dose_mg > self.drug.max_daily_mg:
            raise InvalidValue(
                "daily_dose_mg",
                f"{self.daily_dose_mg:g} is above the labelled {self.drug} maximum of "
                f"{self.drug.max_daily_mg} mg a day",
            )
        if self.stop_date is not None and self.stop_date < self.date:
            raise InvalidValue("stop_date", f"{self.stop_date} is before the start {self.date}")


class PhysicalTherapyFocus(enum.StrEnum):
    """What a course of physical therapy works on (S4, S9)."""

    POSTURE = "posture"
    DEEP_STABILISATION = "deep_stabilisation"
    CORE = "core"
    THORACIC_MOBILITY = "thoracic_mobility"
    GENERAL = "general"


@attrs.frozen(kw_only=True)
class PhysicalTherapyCourse(Intervention):
    """A course of physical therapy; deep stabilisation, core and posture make it advanced (S9)."""

    kind: ClassVar[str] = "physical_therapy_course"
    focus: tuple[PhysicalTherapyFocus, ...] = attrs.field(
        validator=items(PhysicalTherapyFocus, unique=True, nonempty=True)
    )
    sessions: int | None = attrs.field(default=None, validator=optional(integer(1, 200)))
    end_date: dt.date | None = attrs.field(default=None, validator=optional(a_date))

    def __attrs_post_init__(self) -> None:
        if self.end_date is not None and self.end_date < self.date:
            raise InvalidValue("end_date", f"{self.end_date} is before the start {self.date}")

    @property
    def advanced(self) -> bool:
        return bool(set(self.focus) & _ADVANCED_FOCUS)


_ADVANCED_FOCUS = frozenset(
    {
        PhysicalTherapyFocus.DEEP_STABILISATION,
        PhysicalTherapyFocus.CORE,
        PhysicalTherapyFocus.POSTURE,
    }
)


@attrs.frozen(kw_only=True)
class SpinalCordStimulatorTrial(Intervention):
    """A temporary spinal cord stimulator trial (S10); success is judged on its outcome."""

    kind: ClassVar[str] = "spinal_cord_stimulator_trial"
    diagnostic: ClassVar[bool] = True


@attrs.frozen(kw_only=True)
class SpinalCordStimulatorImplant(Intervention):
    """A permanent spinal cord stimulator, legal only after a successful trial (S10)."""

    kind: ClassVar[str] = "spinal_cord_stimulator_implant"


class RegenerativeKind(enum.StrEnum):
    """The kind of regenerative therapy (S10)."""

    PLATELET_RICH_PLASMA = "platelet_rich_plasma"
    BONE_MARROW_CONCENTRATE = "bone_marrow_concentrate"
    PROLOTHERAPY = "prolotherapy"


@attrs.frozen(kw_only=True)
class RegenerativeTherapy(Intervention):
    """A regenerative injection (S10), optionally at a segment."""

    kind: ClassVar[str] = "regenerative_therapy"
    therapy: RegenerativeKind = attrs.field(validator=is_a(RegenerativeKind))
    segment: Segment | None = attrs.field(default=None, validator=optional(is_a(Segment)))


@attrs.frozen(kw_only=True)
class Surgery(Intervention):
    """Base of the operations of S14-S16."""

    kind: ClassVar[str] = "surgery"


@attrs.frozen(kw_only=True)
class AnteriorCervicalDiscectomyFusion(Surgery):
    """ACDF at one or more segments: removes root or cord compression and fuses (S14)."""

    kind: ClassVar[str] = "acdf"
    segments: tuple[Segment, ...] = attrs.field(validator=_SEGMENTS)

    def __attrs_post_init__(self) -> None:
        for upper, lower in zip(self.segments, self.segments[1:], strict=False):
            if not upper.adjacent_to(lower):
                raise InvalidValue("segments", f"{upper} and {lower} are not contiguous")


@attrs.frozen(kw_only=True)
class PosteriorLaminoforaminotomy(Surgery):
    """Posterior laminoforaminotomy of one foramen: frees the exiting root, keeps motion (S15)."""

    kind: ClassVar[str] = "laminoforaminotomy"
    segment: Segment = attrs.field(validator=is_a(Segment))
    side: Side = attrs.field(validator=lateral)

    @property
    def foramen(self) -> Foramen:
        return Foramen(self.segment, self.side)
