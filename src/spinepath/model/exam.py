"""The neurological examination: strength, sensation, reflexes and signs of cord compression."""

from __future__ import annotations

import enum

import attrs

from spinepath._checks import integer, is_a, items, optional
from spinepath.anatomy import NerveRoot, Side, lateral
from spinepath.errors import InvalidValue

__all__ = [
    "MotorFinding",
    "MyelopathySigns",
    "NeuroExam",
    "Reflex",
    "ReflexFinding",
    "SensoryChange",
    "SensoryFinding",
]

_MYOTOMES = frozenset({NerveRoot.C5, NerveRoot.C6, NerveRoot.C7, NerveRoot.C8})


@attrs.frozen
class MotorFinding:
    """Strength of one myotome on one side on the MRC scale (0 no contraction ... 5 normal)."""

    root: NerveRoot = attrs.field(validator=is_a(NerveRoot))
    side: Side = attrs.field(validator=lateral)
    grade: int = attrs.field(validator=integer(0, 5))

    def __attrs_post_init__(self) -> None:
        if self.root not in _MYOTOMES:
            raise InvalidValue("root", f"{self.root} has no limb myotome to test (C5-C8)")


class SensoryChange(enum.StrEnum):
    """A change of sensation in a dermatome."""

    DIMINISHED = "diminished"
    ABSENT = "absent"
    PARAESTHESIA = "paraesthesia"
    HYPERAESTHESIA = "hyperaesthesia"


@attrs.frozen
class SensoryFinding:
    """Abnormal sensation in one dermatome on one side."""

    root: NerveRoot = attrs.field(validator=is_a(NerveRoot))
    side: Side = attrs.field(validator=lateral)
    change: SensoryChange = attrs.field(validator=is_a(SensoryChange))


class Reflex(enum.StrEnum):
    """Upper-limb deep tendon reflexes and the root each mainly tests."""

    BICEPS = "biceps"
    BRACHIORADIALIS = "brachioradialis"
    TRICEPS = "triceps"

    @property
    def root(self) -> NerveRoot:
        return {"biceps": NerveRoot.C5, "brachioradialis": NerveRoot.C6}.get(
            self.value, NerveRoot.C7
        )


@attrs.frozen
class ReflexFinding:
    """One reflex on one side, NINDS grade 0 (absent) to 4 (clonus); 2 is normal."""

    reflex: Reflex = attrs.field(validator=is_a(Reflex))
    side: Side = attrs.field(validator=lateral)
    grade: int = attrs.field(validator=integer(0, 4))


@attrs.frozen(kw_only=True)
class MyelopathySigns:
    """Signs of spinal cord compression (S12): any one is a red flag."""

    hoffmann: bool = attrs.field(default=False, validator=is_a(bool))
    hyperreflexia: bool = attrs.field(default=False, validator=is_a(bool))
    gait_disturbance: bool = attrs.field(default=False, validator=is_a(bool))
    hand_clumsiness: bool = attrs.field(default=False, validator=is_a(bool))
    bowel_bladder_dysfunction: bool = attrs.field(default=False, validator=is_a(bool))

    @property
    def present(self) -> tuple[str, ...]:
        """Names of the signs found."""
        return tuple(name for name in _SIGNS if getattr(self, name))

    def __bool__(self) -> bool:
        return bool(self.present)


_SIGNS = tuple(a.name for a in attrs.fields(MyelopathySigns))


@attrs.frozen(kw_only=True)
class NeuroExam:
    """A neurological examination; only abnormal sensation is listed, strength as tested."""

    motor: tuple[MotorFinding, ...] = attrs.field(default=(), validator=items(MotorFinding))
    sensory: tuple[SensoryFinding, ...] = attrs.field(default=(), validator=items(SensoryFinding))
    reflexes: tuple[ReflexFinding, ...] = attrs.field(default=(), validator=items(ReflexFinding))
    myelopathy: MyelopathySigns = attrs.field(
        factory=MyelopathySigns, validator=is_a(MyelopathySigns)
    )
    mjoa: int | None = attrs.field(default=None, validator=optional(integer(0, 18)))

    def __attrs_post_init__(self) -> None:
        for name, key in (("motor", "root"), ("sensory", "root"), ("reflexes", "reflex")):
            seen: set[tuple[object, Side]] = set()
            for i, finding in enumerate(getattr(self, name)):
                place = (getattr(finding, key), finding.side)
                if place in seen:
                    raise InvalidValue(f"{name}[{i}]", f"{place[1]} {place[0]} is examined twice")
                seen.add(place)

    def strength(self, root: NerveRoot, side: Side) -> int | None:
        """MRC grade at a myotome and side, or None when not tested."""
        for finding in self.motor:
            if finding.root is root and finding.side is side:
                return finding.grade
        return None

    @property
    def weakness(self) -> tuple[MotorFinding, ...]:
        """Myotomes weaker than normal (MRC < 5)."""
        return tuple(f for f in self.motor if f.grade < 5)
