"""Dated events of a record: the base class, overrides, and the care events around procedures.

Every event has an ``id`` unique within its record (outcomes refer to interventions by it) and a
calendar ``date``. Each concrete event class names its JSON tag in ``kind``.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import ClassVar

import attrs

from spinepath._checks import a_date, is_a, items, optional, text
from spinepath._privacy import private_repr
from spinepath.errors import InvalidValue
from spinepath.model.exam import NeuroExam
from spinepath.model.imaging import IMAGING_FINDINGS, ImagingFinding, Modality
from spinepath.model.outcomes import Outcome
from spinepath.model.patient import HealthFactors, identifier
from spinepath.model.posture import PostureAssessment
from spinepath.model.symptoms import Symptoms

__all__ = [
    "ClinicalVisit",
    "Discharge",
    "DischargeReason",
    "Event",
    "HealthUpdate",
    "ImagingOrder",
    "ImagingReason",
    "ImagingStudy",
    "OutcomeReport",
    "Override",
    "PostureReview",
    "SurgicalConsultation",
    "Urgency",
    "VisitPurpose",
]


@attrs.frozen(kw_only=True)
class Override:
    """A clinician's recorded decision to proceed off-pathway, kept with the event it allowed.

    ``reason`` is clinical free text: it is stored and exported, never echoed in error messages
    or reprs. ``rules`` lists the rule ids whose preconditions were overridden (also kept out
    of reprs and errors: nothing checks that they are only rule ids).
    """

    reason: str = attrs.field(validator=text(1000), repr=private_repr)
    rules: tuple[str, ...] = attrs.field(
        default=(), validator=items(str, unique=True), repr=private_repr
    )


@attrs.frozen(kw_only=True)
class Event:
    """Something that happened to the patient on a date. Subclasses are the concrete kinds."""

    kind: ClassVar[str] = "event"
    id: str = attrs.field(validator=identifier, repr=private_repr)
    date: dt.date = attrs.field(validator=a_date)
    override: Override | None = attrs.field(default=None, validator=optional(is_a(Override)))


class VisitPurpose(enum.StrEnum):
    """Why a clinical visit took place (S1 re-evaluation, follow-up after a treatment, ...)."""

    INTAKE = "intake"
    RE_EVALUATION = "re_evaluation"
    FOLLOW_UP = "follow_up"
    POST_OPERATIVE = "post_operative"


@attrs.frozen(kw_only=True)
class ClinicalVisit(Event):
    """A visit with the patient's symptoms and, usually, a neurological exam (S1 re-evaluation)."""

    kind: ClassVar[str] = "clinical_visit"
    purpose: VisitPurpose = attrs.field(validator=is_a(VisitPurpose))
    symptoms: Symptoms = attrs.field(validator=is_a(Symptoms))
    exam: NeuroExam | None = attrs.field(default=None, validator=optional(is_a(NeuroExam)))


@attrs.frozen(kw_only=True)
class PostureReview(Event):
    """A physical therapist's review of posture and mechanics (S4)."""

    kind: ClassVar[str] = "posture_review"
    assessment: PostureAssessment = attrs.field(validator=is_a(PostureAssessment))


class ImagingReason(enum.StrEnum):
    """Why updated imaging was ordered (S2 changed symptoms, S12 red flags, ...)."""

    SYMPTOMS_CHANGED = "symptoms_changed"
    RED_FLAG = "red_flag"
    PRE_OPERATIVE = "pre_operative"
    BASELINE = "baseline"


@attrs.frozen(kw_only=True)
class ImagingOrder(Event):
    """An order for updated imaging (S2)."""

    kind: ClassVar[str] = "imaging_order"
    modality: Modality = attrs.field(validator=is_a(Modality))
    reason: ImagingReason = attrs.field(validator=is_a(ImagingReason))


@attrs.frozen(kw_only=True)
class ImagingStudy(Event):
    """A performed imaging study and its findings; an empty tuple means nothing relevant."""

    kind: ClassVar[str] = "imaging_study"
    modality: Modality = attrs.field(validator=is_a(Modality))
    findings: tuple[ImagingFinding, ...] = attrs.field(
        default=(), validator=items(IMAGING_FINDINGS, unique=True)
    )

    def __attrs_post_init__(self) -> None:
        if self.modality.shows_soft_tissue:
            return
        for i, finding in enumerate(self.findings):
            if finding.soft_tissue:
                raise InvalidValue(
                    f"findings[{i}]", f"a {finding.kind} cannot be seen on {self.modality}"
                )
            if getattr(finding, "cord_signal_change", False):
                raise InvalidValue(
                    f"findings[{i}].cord_signal_change", f"cannot be seen on {self.modality}"
                )


class Urgency(enum.StrEnum):
    """How soon a surgical consultation is needed: urgent on red flags (S12), else routine."""

    URGENT = "urgent"
    ROUTINE = "routine"


@attrs.frozen(kw_only=True)
class SurgicalConsultation(Event):
    """A spine surgeon's consultation: urgent on red flags (S12), routine after failure (S11)."""

    kind: ClassVar[str] = "surgical_consultation"
    urgency: Urgency = attrs.field(validator=is_a(Urgency))


@attrs.frozen(kw_only=True)
class OutcomeReport(Event):
    """The outcome of an earlier intervention of the same record, named by its id."""

    kind: ClassVar[str] = "outcome_report"
    intervention_id: str = attrs.field(validator=identifier, repr=private_repr)
    outcome: Outcome = attrs.field(validator=is_a(Outcome))


@attrs.frozen(kw_only=True)
class HealthUpdate(Event):
    """New health factors from this date on (anticoagulation started, pregnancy, ...)."""

    kind: ClassVar[str] = "health_update"
    health: HealthFactors = attrs.field(validator=is_a(HealthFactors))


class DischargeReason(enum.StrEnum):
    """Why active treatment ended."""

    ADEQUATE_RELIEF = "adequate_relief"
    PATIENT_CHOICE = "patient_choice"
    LOST_TO_FOLLOW_UP = "lost_to_follow_up"


@attrs.frozen(kw_only=True)
class Discharge(Event):
    """The end of active treatment; a later event re-enters the pathway."""

    kind: ClassVar[str] = "discharge"
    reason: DischargeReason = attrs.field(validator=is_a(DischargeReason))
