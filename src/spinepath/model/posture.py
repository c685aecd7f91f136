"""A physical therapist's review of posture and mechanics (S4), the foundation of later PT (S9)."""

from __future__ import annotations

import enum

import attrs

from spinepath._checks import is_a, items, number, optional, real

__all__ = ["PostureAssessment", "PostureFinding"]


class PostureFinding(enum.StrEnum):
    """Mechanical findings beyond the two the article names, as a therapist would record them."""

    ROUNDED_SHOULDERS = "rounded_shoulders"
    SCAPULAR_DYSKINESIS = "scapular_dyskinesis"
    DEEP_NECK_FLEXOR_WEAKNESS = "deep_neck_flexor_weakness"
    REDUCED_CERVICAL_ROTATION = "reduced_cervical_rotation"
    UPPER_CROSSED_SYNDROME = "upper_crossed_syndrome"
    POOR_WORKSTATION_ERGONOMICS = "poor_workstation_ergonomics"


@attrs.frozen(kw_only=True)
class PostureAssessment:
    """Forward head posture and thoracic stiffness keep irritating the root (S4)."""

    forward_head_posture: bool = attrs.field(validator=is_a(bool))
    thoracic_stiffness: bool = attrs.field(validator=is_a(bool))
    findings: tuple[PostureFinding, ...] = attrs.field(
        default=(), validator=items(PostureFinding, unique=True)
    )
    craniovertebral_angle_degrees: float | None = attrs.field(
        default=None, converter=real, validator=optional(number(0, 90))
    )

    @property
    def needs_correction(self) -> bool:
        """Whether the review found anything for physical therapy to correct."""
        return self.forward_head_posture or self.thoracic_stiffness or bool(self.findings)
