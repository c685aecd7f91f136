"""Cervical anatomy as closed vocabularies, so an invalid level such as C9 or C3-5 cannot exist.

Vertebrae C1-T1, the motion segments C2-3 to C7-T1 that injections and operations target, the
nerve roots C1-C8 with the foramen each exits through, sides, and the sided targets the pathway
treats: a facet joint (medial branch block, radiofrequency ablation), a spinal nerve (selective
nerve root block) and a foramen (laminoforaminotomy).
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from spinepath._checks import is_a
from spinepath.errors import InvalidValue

__all__ = [
    "LATERAL_SIDES",
    "FacetJoint",
    "Foramen",
    "Nerve",
    "NerveRoot",
    "Segment",
    "Side",
    "SpinalNerve",
    "Vertebra",
    "lateral",
    "parse_segment",
]


class Vertebra(enum.StrEnum):
    """A vertebra of the cervical spine, plus T1 that closes the lowest cervical segment."""

    C1 = "C1"
    C2 = "C2"
    C3 = "C3"
    C4 = "C4"
    C5 = "C5"
    C6 = "C6"
    C7 = "C7"
    T1 = "T1"

    @property
    def position(self) -> int:
        """Position from the skull down, C1 = 0."""
        return _VERTEBRAE.index(self)


_VERTEBRAE = tuple(Vertebra)


class Segment(enum.StrEnum):
    """A motion segment (disc level) between two adjacent vertebrae, C2-3 to C7-T1.

    Values sort from the skull down, as their names do.
    """

    C2_3 = "C2-3"
    C3_4 = "C3-4"
    C4_5 = "C4-5"
    C5_6 = "C5-6"
    C6_7 = "C6-7"
    C7_T1 = "C7-T1"

    @property
    def cranial(self) -> Vertebra:
        """The vertebra above the disc (C5 for C5-6)."""
        return _VERTEBRAE[_SEGMENTS.index(self) + 1]

    @property
    def caudal(self) -> Vertebra:
        """The vertebra below the disc (C6 for C5-6)."""
        return _VERTEBRAE[_SEGMENTS.index(self) + 2]

    @property
    def exiting_root(self) -> NerveRoot:
        """The root that exits through this segment's foramina (C6 exits at C5-6)."""
        return _ROOTS[_SEGMENTS.index(self) + 2]

    def adjacent_to(self, other: Segment) -> bool:
        return abs(_SEGMENTS.index(self) - _SEGMENTS.index(other)) == 1


_SEGMENTS = tuple(Segment)


class NerveRoot(enum.StrEnum):
    """A cervical nerve root; it names its dermatome and myotome too. Sorts C1 to C8."""

    C1 = "C1"
    C2 = "C2"
    C3 = "C3"
    C4 = "C4"
    C5 = "C5"
    C6 = "C6"
    C7 = "C7"
    C8 = "C8"

    @property
    def exit_segment(self) -> Segment | None:
        """The motion segment whose foramen this root exits (C6 at C5-6; C8 at C7-T1).

        C1 leaves between the occiput and C1 and C2 between C1 and C2, above the first motion
        segment (C2-3) the pathway treats, so both answer ``None``.
        """
        i = _ROOTS.index(self)
        return _SEGMENTS[i - 2] if i >= 2 else None


_ROOTS = tuple(NerveRoot)


class Side(enum.StrEnum):
    """Where a finding or a target lies across the midline."""

    LEFT = "left"
    RIGHT = "right"
    BILATERAL = "bilateral"
    CENTRAL = "central"

    @property
    def lateral(self) -> tuple[Side, ...]:
        """The left/right sides this side covers: bilateral covers both, central neither."""
        if self is Side.BILATERAL:
            return (Side.LEFT, Side.RIGHT)
        if self is Side.CENTRAL:
            return ()
        return (self,)

    def covers(self, other: Side) -> bool:
        """Whether every lateral side of ``other`` lies within this side."""
        return set(other.lateral) <= set(self.lateral) and (
            other is not Side.CENTRAL or self is Side.CENTRAL
        )


LATERAL_SIDES = frozenset({Side.LEFT, Side.RIGHT})
"""The sides a sided target (a facet joint, a foramen, a spinal nerve) can be on."""


def lateral(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: left or right; a sided target cannot be bilateral or central."""
    if not isinstance(value, Side):
        raise InvalidValue(attribute.name, f"expected Side, got {type(value).__name__}")
    if value not in LATERAL_SIDES:
        raise InvalidValue(attribute.name, f"{value!s} is not left or right")


class Nerve(enum.StrEnum):
    """Peripheral nerves the pathway blocks directly."""

    GREATER_OCCIPITAL = "greater occipital nerve"

    @property
    def origin(self) -> NerveRoot:
        """The root whose dorsal ramus forms the nerve (the greater occipital nerve: C2)."""
        return NerveRoot.C2


def parse_segment(text: str) -> Segment:
    """Read ``"C5-6"`` (also ``"C5-C6"``, ``"c5/6"``, ``"C7-T1"``) as a Segment."""
    cleaned = text.strip().upper().replace("/", "-").replace(" ", "")
    if cleaned.count("-") == 1:
        upper, lower = cleaned.split("-")
        if lower.startswith("C") and lower != "C":
            lower = lower[1:]
        cleaned = f"{upper}-{lower}"
    try:
        return Segment(cleaned)
    except ValueError:
        raise InvalidValue(
            "segment", f"{text!r} is not a cervical motion segment (C2-3 ... C7-T1)"
        ) from None


@attrs.frozen(order=True)
class FacetJoint:
    """One facet (zygapophyseal) joint: the target of a medial branch block and of RFA."""

    segment: Segment = attrs.field(validator=is_a(Segment))
    side: Side = attrs.field(validator=lateral)

    def __str__(self) -> str:
        return f"{self.segment} {self.side}"


@attrs.frozen(order=True)
class SpinalNerve:
    """One nerve root on one side (``left C6``): what a selective nerve root block tests."""

    root: NerveRoot = attrs.field(validator=is_a(NerveRoot))
    side: Side = attrs.field(validator=lateral)

    def __str__(self) -> str:
        return f"{self.side} {self.root}"


@attrs.frozen(order=True)
class Foramen:
    """One neural foramen: what a laminoforaminotomy decompresses; its root is the exiting one."""

    segment: Segment = attrs.field(validator=is_a(Segment))
    side: Side = attrs.field(validator=lateral)

    @property
    def nerve(self) -> SpinalNerve:
        return SpinalNerve(self.segment.exiting_root, self.side)

    def __str__(self) -> str:
        return f"{self.segment} {self.side} foramen"
