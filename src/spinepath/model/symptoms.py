"""What the patient reports: pain scores, where it goes, how it is changing, what it costs them."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs

from spinepath._checks import a_date, is_a, items, nrs, number, optional, real
from spinepath.anatomy import Side, SpinalNerve
from spinepath.errors import InvalidValue

__all__ = [
    "HeadachePattern",
    "NdiScale",
    "NeckDisabilityIndex",
    "QualityOfLifeImpact",
    "Symptoms",
    "Trajectory",
]


class NdiScale(enum.StrEnum):
    """The two ways the Neck Disability Index is reported; a threshold must name its scale."""

    POINTS_50 = "points_0_50"
    PERCENT_100 = "percent_0_100"

    @property
    def maximum(self) -> float:
        return 50.0 if self is NdiScale.POINTS_50 else 100.0


def _ndi_score(
    instance: NeckDisabilityIndex, attribute: attrs.Attribute[Any], value: object
) -> None:
    number(0, 100)(instance, attribute, value)


@attrs.frozen
class NeckDisabilityIndex:
    """A Neck Disability Index score with its scale (0-50 points or 0-100 percent)."""

    score: float = attrs.field(converter=real, validator=_ndi_score)
    scale: NdiScale = attrs.field(default=NdiScale.POINTS_50, validator=is_a(NdiScale))

    def __attrs_post_init__(self) -> None:
        if self.score > self.scale.maximum:
            raise InvalidValue(
                "score", f"{self.score:g} is above {self.scale.maximum:g} ({self.scale})"
            )

    @property
    def percent(self) -> float:
        """The score on the 0-100 percent scale."""
        return self.score * 100.0 / self.scale.maximum


class HeadachePattern(enum.StrEnum):
    """Head pain that may come from the neck (S7)."""

    NONE = "none"
    OCCIPITAL_NEURALGIA = "occipital_neuralgia"
    CERVICOGENIC_HEADACHE = "cervicogenic_headache"


class Trajectory(enum.StrEnum):
    """How symptoms have moved since the last imaging (S2 orders new imaging on change)."""

    IMPROVING = "improving"
    UNCHANGED = "unchanged"
    WORSENING = "worsening"
    CHANGED = "changed"


class QualityOfLifeImpact(enum.StrEnum):
    """How much the pain limits daily life; ``debilitating`` is the S11 threshold."""

    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"
    DEBILITATING = "debilitating"


_HEAD_SIDES = frozenset({Side.LEFT, Side.RIGHT, Side.BILATERAL})


@attrs.frozen(kw_only=True)
class Symptoms:
    """The patient's report at a visit. Pain is NRS 0-10; ``radiating`` is dermatomal arm pain."""

    arm_pain: int = attrs.field(validator=nrs)
    neck_pain: int = attrs.field(validator=nrs)
    radiating: tuple[SpinalNerve, ...] = attrs.field(
        default=(), validator=items(SpinalNerve, unique=True)
    )
    headache: HeadachePattern = attrs.field(
        default=HeadachePattern.NONE, validator=is_a(HeadachePattern)
    )
    headache_side: Side | None = attrs.field(default=None, validator=optional(is_a(Side)))
    onset: dt.date | None = attrs.field(default=None, validator=optional(a_date))
    trajectory: Trajectory | None = attrs.field(default=None, validator=optional(is_a(Trajectory)))
    ndi: NeckDisabilityIndex | None = attrs.field(
        default=None, validator=optional(is_a(NeckDisabilityIndex))
    )
    quality_of_life: QualityOfLifeImpact | None = attrs.field(
        default=None, validator=optional(is_a(QualityOfLifeImpact))
    )

    def __attrs_post_init__(self) -> None:
        if self.headache is HeadachePattern.NONE and self.headache_side is not None:
            raise InvalidValue("headache_side", "is given but headache is none")
        if self.headache_side is not None and self.headache_side not in _HEAD_SIDES:
            raise InvalidValue(
                "headache_side", f"{self.headache_side} is not left, right or bilateral"
            )

    @property
    def worst_pain(self) -> int:
        return max(self.arm_pain, self.neck_pain)
