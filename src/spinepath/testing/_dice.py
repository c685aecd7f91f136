"""Many small choices carved out of a few wide Hypothesis draws, for the walks of ``_walk``.

A walk makes dozens of small choices per event (which option, how many days later, which
outcome, the fields of a visit). Drawing each from Hypothesis costs far more than the engine
does, because every draw is a choice Hypothesis records, replays and mutates. :class:`Dice`
draws a block of bytes at once (one choice) and reads each small choice from one to four of
its bytes, so a walk step is usually a single draw.

Shrinking still works choice by choice: Hypothesis shrinks a block of bytes byte by byte
towards zero, and every reading here maps a smaller byte to a simpler choice (the first item,
``False``, ``None``, the lower bound, the shortest list), so a zero block is the simplest step.
The value builders below mirror the distributions of the strategies in
:mod:`spinepath.testing._values` (the same branches with the same odds, lists of the same
average size), with the same edges; floats are drawn from Hypothesis itself, since its float
distribution (subnormals, near-bound values) is the point of drawing them.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import TypeVar

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from spinepath.anatomy import NerveRoot, Segment, Side, SpinalNerve
from spinepath.model import (
    AsaClass,
    CentralStenosis,
    DiscHerniation,
    FacetArthropathy,
    ForaminalStenosis,
    HealthFactors,
    HerniationZone,
    ImagingFinding,
    Instability,
    InstabilityKind,
    MotorFinding,
    MyelopathySigns,
    NdiScale,
    NeckDisabilityIndex,
    NeuroExam,
    Patient,
    PostureAssessment,
    PostureFinding,
    Reflex,
    ReflexFinding,
    SensoryChange,
    SensoryFinding,
    Sex,
    StenosisGrade,
)
from spinepath.testing._values import _ID_CHARS, _ID_START, _RELIEF_EDGES, _SIGN_NAMES, Draw

__all__ = ["Dice", "dice_of"]

T = TypeVar("T")

BLOCK_BYTES = 32
"""Bytes drawn at once: enough for all but a few walk steps (one that needs more draws
another block)."""
_BLOCK = st.binary(min_size=BLOCK_BYTES, max_size=BLOCK_BYTES)


class Dice:
    """Small choices read from blocks of uniformly random bytes, drawn as they are needed.

    Calling the dice with a strategy draws from it directly (it is a ``Draw``), for the few
    values better left to Hypothesis.
    """

    __slots__ = ("_at", "_bytes", "_draw")

    def __init__(self, draw: Draw) -> None:
        self._draw = draw
        self._bytes = b""
        self._at = 0

    def __call__(self, strategy: SearchStrategy[T], label: object = None) -> T:
        return self._draw(strategy, label)

    def _byte(self) -> int:
        at = self._at
        if at >= len(self._bytes):
            self._bytes = self._draw(_BLOCK)
            at = 0
        self._at = at + 1
        return self._bytes[at]

    def below(self, n: int) -> int:
        """0 to ``n - 1``, near-uniformly (bias under 3%), smaller bytes giving smaller numbers."""
        if n <= 1:
            return 0
        value = self._byte()
        scale = 256
        while scale < n * 32:
            value = value << 8 | self._byte()
            scale <<= 8
        return value * n // scale

    def between(self, low: int, high: int) -> int:
        """``low`` to ``high`` inclusive, shrinking towards ``low``."""
        return low + self.below(high - low + 1)

    def integer(self, low: int, high: int) -> int:
        """As ``st.integers(low, high)``: over a range wider than 128 the bounds and the values
        next to them are drawn more often (one time in twenty-one), as Hypothesis does."""
        if high - low <= 127:
            return low + self.below(high - low + 1)
        edge = self._byte() >> 1
        if edge < 6:
            return (low, low, low + 1, high - 1, high, high)[edge]
        return low + self.below(high - low + 1)

    def flip(self) -> bool:
        """A fair boolean, shrinking towards False (as ``st.booleans()``)."""
        return self._byte() >= 128

    def chance(self, numerator: int, denominator: int) -> bool:
        """True with probability numerator/denominator; shrinks towards True."""
        return self.below(denominator) < numerator

    def one(self, items: Sequence[T]) -> T:
        """One of ``items``, shrinking towards the first (as ``st.sampled_from``)."""
        return items[self.below(len(items))]

    def maybe(self, items: Sequence[T]) -> T | None:
        """``st.none() | st.sampled_from(items)``: None half the time, shrinking to None."""
        return self.one(items) if self.flip() else None

    def size(self, min_size: int, max_size: int) -> int:
        """A list length as ``st.lists(..., min_size, max_size)`` draws it, shrinking towards
        ``min_size``."""
        if min_size >= max_size:
            return min_size
        roll = self._byte() << 8 | self._byte()
        for extra, threshold in enumerate(_size_thresholds(min_size, max_size)):
            if roll < threshold:
                return min_size + extra
        return max_size

    def distinct(self, pool: Sequence[T], count: int) -> list[T]:
        """``count`` different items of ``pool`` in random order (as a unique list draws them)."""
        left = list(pool)
        return [left.pop(self.below(len(left))) for _ in range(min(count, len(left)))]


def dice_of(draw: Draw) -> Dice:
    """``draw`` itself if it already is dice, else dice drawing through it."""
    return draw if isinstance(draw, Dice) else Dice(draw)


@functools.cache
def _size_thresholds(min_size: int, max_size: int) -> tuple[int, ...]:
    """Cumulative odds (out of 2**16) of 0, 1, ... extra elements beyond ``min_size``, as
    Hypothesis's lists draw them: each further element with a fixed probability, chosen so
    the average length is ``min(max(2 * min_size, min_size + 5), (min_size + max_size) / 2)``.
    """
    average = min(max(min_size * 2, min_size + 5), 0.5 * (min_size + max_size))
    extra, most = average - min_size, max_size - min_size

    def mean(p: float) -> float:  # expected extra elements: p + p**2 + ... + p**most
        return sum(p**k for k in range(1, most + 1))

    low, high = 0.0, 1.0
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if mean(middle) < extra else (low, middle)
    p = low
    odds = [p**k * (1 - p) for k in range(most)]
    thresholds: list[int] = []
    total = 0.0
    for odd in odds:
        total += odd
        thresholds.append(round(total * (1 << 16)))
    return tuple(thresholds)


# -- values -----------------------------------------------------------------------------------

_SEGMENTS = tuple(Segment)
_ROOTS = tuple(NerveRoot)
_LATERAL = (Side.LEFT, Side.RIGHT)
_ONE_OR_BOTH = (Side.LEFT, Side.RIGHT, Side.BILATERAL)
_SEXES = tuple(Sex)
_ASA = tuple(AsaClass)
_ANY_NERVES = tuple(SpinalNerve(root, side) for root in NerveRoot for side in _LATERAL)
_ROOTED_NERVES = tuple(n for n in _ANY_NERVES if n.root.exit_segment is not None)
_MYOTOME_SIDES = tuple(
    (root, side)
    for root in (NerveRoot.C5, NerveRoot.C6, NerveRoot.C7, NerveRoot.C8)
    for side in _LATERAL
)
_DERMATOME_SIDES = tuple((root, side) for root in NerveRoot for side in _LATERAL)
_REFLEX_SIDES = tuple((reflex, side) for reflex in Reflex for side in _LATERAL)
_SENSORY_CHANGES = tuple(SensoryChange)
_ZONES = tuple(HerniationZone)
_GRADES = tuple(StenosisGrade)
_INSTABILITY_KINDS = tuple(InstabilityKind)
_NDI_SCALES = tuple(NdiScale)
_POSTURE_FINDINGS = tuple(PostureFinding)
_FLOATS: dict[float, SearchStrategy[float]] = {}


def a_float(dice: Dice, high: float) -> float:
    """``st.floats(0, high)``, drawn by Hypothesis (its edges and awkward values included)."""
    strategy = _FLOATS.get(high)
    if strategy is None:
        strategy = _FLOATS.setdefault(
            high, st.floats(0, high, allow_nan=False, allow_infinity=False)
        )
    return dice(strategy)


def relief_percent(dice: Dice) -> float:
    """As ``relief_percents()``: an edge (0, 100, a threshold), a whole percent or any float."""
    branch = dice.below(3)
    if branch == 0:
        return dice.one(_RELIEF_EDGES)
    if branch == 1:
        return float(dice.below(101))
    return a_float(dice, 100.0)


def maybe_relief(dice: Dice) -> float | None:
    """``st.none() | relief_percents()``: one in four None, as that union's four branches."""
    branch = dice.below(4)
    if branch == 0:
        return None
    if branch == 1:
        return dice.one(_RELIEF_EDGES)
    if branch == 2:
        return float(dice.below(101))
    return a_float(dice, 100.0)


def neck_disability_index(dice: Dice) -> NeckDisabilityIndex:
    scale = dice.one(_NDI_SCALES)
    top = scale.maximum
    branch = dice.below(3)
    if branch == 0:
        score = dice.one((0.0, top))
    elif branch == 1:
        score = float(dice.below(int(top) + 1))
    else:
        score = a_float(dice, top)
    return NeckDisabilityIndex(score, scale)


def maybe_ndi(dice: Dice) -> NeckDisabilityIndex | None:
    return neck_disability_index(dice) if dice.flip() else None


def identifier(dice: Dice) -> str:
    """As ``identifiers()``: half the time 64 characters, otherwise mostly short."""
    if dice.flip():
        return "P" * 64
    length = dice.size(0, 63)
    return dice.one(_ID_START) + "".join(dice.one(_ID_CHARS) for _ in range(length))


def patient(dice: Dice, adult_on: dt.date) -> Patient:
    """As ``patients(adult_on=..., healthy=True)``: 18 to about 100 years old on that day."""
    try:
        latest = adult_on.replace(year=adult_on.year - 18)
    except ValueError:  # 29 February
        latest = adult_on.replace(year=adult_on.year - 18, day=28)
    birth = latest - dt.timedelta(days=dice.integer(0, 82 * 365))
    sex = dice.one(_SEXES)
    return Patient(id=identifier(dice), birth_date=birth, sex=sex, health=HealthFactors())


def health_factors(dice: Dice, sex: Sex | None) -> HealthFactors:
    return HealthFactors(
        anticoagulated=dice.flip(),
        bleeding_disorder=dice.flip(),
        low_platelets=dice.chance(1, 4),
        liver_disease=dice.chance(1, 4),
        kidney_disease=dice.chance(1, 4),
        contrast_allergy=dice.chance(1, 4),
        contrast_plan=dice.flip(),
        diabetes=dice.flip(),
        pregnant=dice.flip() if sex is not Sex.MALE else False,
        active_infection=dice.flip(),
        asa_class=dice.maybe(_ASA),
    )


def quiet_exam(dice: Dice) -> NeuroExam:
    """As ``neuro_exams(myelopathy=False)`` without its mJOA (the walk sets its own)."""
    motor = tuple(
        MotorFinding(root, side, dice.below(6))
        for root, side in dice.distinct(_MYOTOME_SIDES, dice.size(0, 8))
    )
    sensory = tuple(
        SensoryFinding(root, side, dice.one(_SENSORY_CHANGES))
        for root, side in dice.distinct(_DERMATOME_SIDES, dice.size(0, 4))
    )
    reflexes = tuple(
        ReflexFinding(reflex, side, dice.below(5))
        for reflex, side in dice.distinct(_REFLEX_SIDES, dice.size(0, 6))
    )
    return NeuroExam(motor=motor, sensory=sensory, reflexes=reflexes)


def myelopathy_signs(dice: Dice) -> MyelopathySigns:
    """As ``myelopathy_signs(present=True)``: at least one sign."""
    chosen = dice.distinct(_SIGN_NAMES, dice.size(1, 5))
    return MyelopathySigns(**dict.fromkeys(chosen, True))


def imaging_finding(dice: Dice, *, soft_tissue: bool = True) -> ImagingFinding:
    """As ``imaging_findings(soft_tissue=...)``: each kind of finding equally often."""
    kind = dice.below(5 if soft_tissue else 4) + (0 if soft_tissue else 1)
    segment = dice.one(_SEGMENTS)
    if kind == 0:
        zone = dice.one(_ZONES)
        side = Side.CENTRAL if zone is HerniationZone.CENTRAL else dice.one(_ONE_OR_BOTH)
        return DiscHerniation(segment=segment, side=side, zone=zone)
    if kind == 1:
        return ForaminalStenosis(
            segment=segment, side=dice.one(_ONE_OR_BOTH), grade=dice.one(_GRADES)
        )
    if kind == 2:
        return FacetArthropathy(segment=segment, side=dice.one(_ONE_OR_BOTH))
    if kind == 3:
        branch = dice.below(3)
        translation = (
            None if branch == 0 else dice.one((0.0, 30.0)) if branch == 1 else a_float(dice, 30.0)
        )
        return Instability(
            segment=segment, form=dice.one(_INSTABILITY_KINDS), translation_mm=translation
        )
    return CentralStenosis(
        segment=segment,
        grade=dice.one(_GRADES),
        cord_compression=dice.flip() if soft_tissue else False,
        cord_signal_change=dice.flip() if soft_tissue else False,
    )


def imaging_findings(dice: Dice, *, soft_tissue: bool = True) -> list[ImagingFinding]:
    """As ``st.lists(imaging_findings(...), max_size=2)``."""
    return [imaging_finding(dice, soft_tissue=soft_tissue) for _ in range(dice.size(0, 2))]


def radiating(dice: Dice, *, surgical: bool) -> tuple[SpinalNerve, ...]:
    """Nerves arm pain follows: for a surgical walk one or two with a foramen (C3-C8), else
    up to two, half of them drawn among those with a foramen."""
    if surgical:
        return tuple(dice.distinct(_ROOTED_NERVES, dice.size(1, 2)))
    found: list[SpinalNerve] = []
    for _ in range(dice.size(0, 2)):
        for _attempt in range(3):  # a repeat is redrawn, as a unique list does
            nerve = dice.one(_ROOTED_NERVES if dice.flip() else _ANY_NERVES)
            if nerve not in found:
                found.append(nerve)
                break
    return tuple(found)


def posture_assessment(dice: Dice) -> PostureAssessment:
    """As ``posture_assessments()``."""
    forward = dice.flip()
    stiff = dice.flip()
    findings = tuple(dice.distinct(_POSTURE_FINDINGS, dice.size(0, 3)))
    branch = dice.below(3)
    angle = None if branch == 0 else dice.one((0.0, 90.0)) if branch == 1 else a_float(dice, 90.0)
    return PostureAssessment(
        forward_head_posture=forward,
        thoracic_stiffness=stiff,
        findings=findings,
        craniovertebral_angle_degrees=angle,
    )


def nerve_root(dice: Dice) -> NerveRoot:
    """As ``nerve_roots()``."""
    return dice.one(_ROOTS)
