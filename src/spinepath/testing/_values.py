"""Strategies for single domain values: anatomy, findings, events, actions and profiles.

Every strategy here builds values through the model's own constructors, so what it generates is
valid by construction (an invalid value cannot exist), and each leans on the edges of its range
(NRS 0 and 10, MRC 0 and 5, mJOA 0 and 18, C2-3 and C7-T1, 0% and 100% relief and the profile
thresholds between) because that is where code built on spinepath breaks. The public names are
re-exported, with the record strategies, from :mod:`spinepath.testing.strategies`.
"""

from __future__ import annotations

import datetime as dt
import functools
import string
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, cast

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from spinepath.anatomy import (
    FacetJoint,
    Foramen,
    Nerve,
    NerveRoot,
    Segment,
    Side,
    SpinalNerve,
    Vertebra,
)
from spinepath.model import (
    AnteriorCervicalDiscectomyFusion,
    Antithrombotic,
    AntithromboticUse,
    Approach,
    AsaClass,
    CentralStenosis,
    CervicalEpiduralSteroidInjection,
    ClinicalVisit,
    Complication,
    Decision,
    Discharge,
    DischargeReason,
    DiscHerniation,
    DrugStatus,
    Event,
    FacetArthropathy,
    ForaminalStenosis,
    FunctionalChange,
    GreaterOccipitalNerveBlock,
    HeadachePattern,
    HealthFactors,
    HealthUpdate,
    HerniationZone,
    ImagingFinding,
    ImagingOrder,
    ImagingReason,
    ImagingStudy,
    Instability,
    InstabilityKind,
    Intervention,
    LabResult,
    LabTest,
    MedialBranchBlock,
    Medication,
    MedicationTrial,
    Modality,
    MotorFinding,
    MyelopathySigns,
    NdiScale,
    NeckDisabilityIndex,
    NeuroExam,
    Outcome,
    OutcomeReport,
    Override,
    Patient,
    PhysicalTherapyCourse,
    PhysicalTherapyFocus,
    PosteriorLaminoforaminotomy,
    PostureAssessment,
    PostureFinding,
    PostureReview,
    PsychologicalEvaluation,
    QualityOfLifeImpact,
    RadiofrequencyAblation,
    Reflex,
    ReflexFinding,
    RegenerativeKind,
    RegenerativeTherapy,
    SelectiveNerveRootBlock,
    SensoryChange,
    SensoryFinding,
    SeriousPathologyScreen,
    Sex,
    SharedDecision,
    SpinalCordStimulatorImplant,
    SpinalCordStimulatorTrial,
    StenosisGrade,
    Steroid,
    Surgery,
    SurgicalConsultation,
    Symptoms,
    Trajectory,
    Urgency,
    VisitPurpose,
)
from spinepath.rules.actions import Action, ActionKind
from spinepath.rules.profiles import (
    CONSENSUS_2022,
    PROFILES,
    Figure,
    Grade,
    Profile,
    Threshold,
)

__all__ = [
    "EARLIEST_BIRTH",
    "EARLIEST_EVENT",
    "LATEST_EVENT",
    "actions",
    "antithrombotic_uses",
    "lab_results",
    "psychological_evaluations",
    "serious_pathology_screens",
    "shared_decisions",
    "anterior_cervical_discectomy_fusions",
    "central_stenoses",
    "cervical_epidural_steroid_injections",
    "clinical_visits",
    "dates",
    "disc_herniations",
    "discharges",
    "events",
    "facet_arthropathies",
    "facet_joints",
    "figures",
    "foramina",
    "foraminal_stenoses",
    "greater_occipital_nerve_blocks",
    "health_factors",
    "health_updates",
    "identifiers",
    "imaging_findings",
    "imaging_orders",
    "imaging_studies",
    "instabilities",
    "interventions",
    "lateral_sides",
    "medial_branch_blocks",
    "medication_trials",
    "motor_findings",
    "mrc_grades",
    "myelopathy_signs",
    "neck_disability_indices",
    "nerve_roots",
    "nerves",
    "neuro_exams",
    "outcome_reports",
    "outcomes",
    "overrides",
    "pain_scores",
    "patients",
    "physical_therapy_courses",
    "posterior_laminoforaminotomies",
    "posture_assessments",
    "posture_reviews",
    "profiles",
    "radiofrequency_ablations",
    "reflex_findings",
    "regenerative_therapies",
    "relief_percents",
    "segments",
    "selective_nerve_root_blocks",
    "sensory_findings",
    "sides",
    "spinal_cord_stimulator_implants",
    "spinal_cord_stimulator_trials",
    "spinal_nerves",
    "surgeries",
    "surgical_consultations",
    "symptoms",
    "thresholds",
    "vertebrae",
]

T = TypeVar("T")
E = TypeVar("E", bound=Event)
E_co = TypeVar("E_co", bound=Event, covariant=True)

EARLIEST_BIRTH = dt.date(1920, 1, 1)
"""The earliest birth date :func:`patients` draws."""
EARLIEST_EVENT = dt.date(2000, 1, 1)
"""The earliest date a standalone event is drawn on."""
LATEST_EVENT = dt.date(2040, 12, 31)
"""The latest date a standalone event is drawn on."""

_MYOTOMES = (NerveRoot.C5, NerveRoot.C6, NerveRoot.C7, NerveRoot.C8)
_LATERAL = (Side.LEFT, Side.RIGHT)
_ONE_OR_BOTH = (Side.LEFT, Side.RIGHT, Side.BILATERAL)
_ID_CHARS = string.ascii_letters + string.digits + "._:-"
_ID_START = string.ascii_letters + string.digits

# Relief percentages worth hitting exactly: the ends of the range and every profile threshold
# (>30%, >50%, >=50%, >=80%), with the values either side of the strict ones.
_RELIEF_EDGES: tuple[float, ...] = (0.0, 100.0, 30.0, 31.0, 50.0, 51.0, 49.0, 79.0, 80.0, 81.0)


def _given(value: T | SearchStrategy[T] | None, default: SearchStrategy[T]) -> SearchStrategy[T]:
    """A strategy from an optional fixed value or strategy, else ``default``."""
    if value is None:
        return default
    if isinstance(value, SearchStrategy):
        return value
    return st.just(value)


F = TypeVar("F", bound=Callable[..., Any])


class Draw(Protocol):
    """Anything that draws a value from a strategy: a composite's ``draw`` or ``data.draw``."""

    def __call__(self, strategy: SearchStrategy[T], label: object = None) -> T: ...


def _cached(function: F) -> F:
    """Build each strategy once per distinct arguments: constructing and validating a strategy
    costs far more than drawing from it, and the walks draw from the same ones thousands of
    times."""
    cached = functools.lru_cache(maxsize=256)(function)

    @functools.wraps(function)
    def strategy(*args: Any, **kwargs: Any) -> Any:
        try:
            return cached(*args, **kwargs)
        except TypeError:  # an unhashable argument (a list, say): build it afresh
            return function(*args, **kwargs)

    return cast(F, strategy)


@functools.lru_cache(maxsize=1024)
def _ints(low: int, high: int) -> SearchStrategy[int]:
    return st.integers(low, high)


@functools.lru_cache(maxsize=1024)
def _pick(values: Any) -> SearchStrategy[Any]:
    return st.sampled_from(values)


_BOOLS = st.booleans()


# -- primitives ---------------------------------------------------------------------------------


@_cached
def identifiers() -> SearchStrategy[str]:
    """Opaque identifiers as the model accepts them: 1-64 letters, digits and ``._:-``.

    Short ones dominate, but a single character and the full 64 both occur.
    """
    body = st.text(alphabet=_ID_CHARS, max_size=63)
    return st.builds(lambda head, tail: head + tail, st.sampled_from(_ID_START), body) | st.just(
        "P" * 64
    )


@_cached
def dates(
    min_value: dt.date = EARLIEST_EVENT, max_value: dt.date = LATEST_EVENT
) -> SearchStrategy[dt.date]:
    """Calendar dates (never datetimes: the pathway counts days)."""
    return st.dates(min_value=min_value, max_value=max_value)


@_cached
def pain_scores() -> SearchStrategy[int]:
    """A 0-10 numeric rating scale score (0 and 10 included)."""
    return st.integers(min_value=0, max_value=10)


@_cached
def mrc_grades() -> SearchStrategy[int]:
    """A Medical Research Council strength grade, 0 (no contraction) to 5 (normal)."""
    return st.integers(min_value=0, max_value=5)


@_cached
def relief_percents() -> SearchStrategy[float]:
    """Percent relief of the index pain, 0-100, hitting 0, 100 and every profile threshold."""
    return st.one_of(
        st.sampled_from(_RELIEF_EDGES),
        st.integers(min_value=0, max_value=100).map(float),
        st.floats(min_value=0, max_value=100, allow_nan=False, allow_infinity=False),
    )


# -- anatomy ------------------------------------------------------------------------------------


_VERTEBRAE = st.sampled_from(Vertebra)
_SEGMENTS = st.sampled_from(Segment)
_NERVE_ROOTS = st.sampled_from(NerveRoot)
_SIDES = st.sampled_from(Side)
_LATERAL_SIDES = st.sampled_from(_LATERAL)
_NERVES = st.sampled_from(Nerve)


def vertebrae() -> SearchStrategy[Vertebra]:
    """A cervical vertebra C1-C7, or T1."""
    return _VERTEBRAE


def segments() -> SearchStrategy[Segment]:
    """A motion segment C2-3 ... C7-T1 (both ends included)."""
    return _SEGMENTS


def nerve_roots() -> SearchStrategy[NerveRoot]:
    """A cervical nerve root C1-C8."""
    return _NERVE_ROOTS


def sides() -> SearchStrategy[Side]:
    """Any side: left, right, bilateral or central."""
    return _SIDES


def lateral_sides() -> SearchStrategy[Side]:
    """Left or right: the side of a sided target such as a facet joint or a foramen."""
    return _LATERAL_SIDES


def nerves() -> SearchStrategy[Nerve]:
    """A peripheral nerve the pathway blocks directly (the greater occipital nerve)."""
    return _NERVES


@_cached
def facet_joints() -> SearchStrategy[FacetJoint]:
    """One facet joint: a segment on the left or the right."""
    return st.builds(FacetJoint, segments(), lateral_sides())


@_cached
def spinal_nerves() -> SearchStrategy[SpinalNerve]:
    """One nerve root on one side (``left C6``)."""
    return st.builds(SpinalNerve, nerve_roots(), lateral_sides())


@_cached
def foramina() -> SearchStrategy[Foramen]:
    """One neural foramen (segment and side)."""
    return st.builds(Foramen, segments(), lateral_sides())


@_cached
def _segment_runs(
    *, contiguous: bool = False, max_size: int = 6
) -> SearchStrategy[tuple[Segment, ...]]:
    """Non-empty tuples of distinct segments in anatomical order (contiguous when asked)."""
    if contiguous:
        order = tuple(Segment)
        return st.integers(0, len(order) - 1).flatmap(
            lambda start: st.integers(1, min(max_size, len(order) - start)).map(
                lambda n: order[start : start + n]
            )
        )
    return st.lists(segments(), min_size=1, max_size=max_size, unique=True).map(
        lambda s: tuple(sorted(s))
    )


# -- the patient --------------------------------------------------------------------------------


@_cached
@st.composite
def health_factors(draw: st.DrawFn, *, sex: Sex | None = None) -> HealthFactors:
    """Health factors that gate procedures; never pregnant for a patient recorded as male."""
    flags = _BOOLS
    return HealthFactors(
        anticoagulated=draw(flags),
        bleeding_disorder=draw(flags),
        low_platelets=draw(flags),
        liver_disease=draw(flags),
        kidney_disease=draw(flags),
        contrast_allergy=draw(flags),
        contrast_plan=draw(flags),
        diabetes=draw(flags),
        pregnant=draw(flags) if sex is not Sex.MALE else False,
        active_infection=draw(flags),
        asa_class=draw(_OPTIONAL_ASA),
    )


_OPTIONAL_ASA = st.none() | st.sampled_from(AsaClass)


@st.composite
def patients(
    draw: st.DrawFn,
    *,
    adult_on: dt.date | None = None,
    healthy: bool | None = None,
) -> Patient:
    """A patient: an opaque id, a birth date, a sex and health factors.

    ``adult_on`` makes the patient 18 to 100 years old on that date. ``healthy=True`` gives
    default health factors (nothing gating a procedure), ``False`` or ``None`` draws them.
    """
    if adult_on is None:
        birth = draw(_BIRTH_DATES)
    else:
        latest = _years_before(adult_on, 18)
        birth = latest - dt.timedelta(days=draw(_AGES_PAST_18))
    sex = draw(_pick(Sex))
    health = HealthFactors() if healthy else draw(health_factors(sex=sex))
    return Patient(id=draw(identifiers()), birth_date=birth, sex=sex, health=health)


_BIRTH_DATES = st.dates(EARLIEST_BIRTH, dt.date(2010, 12, 31))
_AGES_PAST_18 = st.integers(0, 82 * 365)  # days past the 18th birthday: 18 to about 100


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# -- symptoms -----------------------------------------------------------------------------------


@_cached
@st.composite
def neck_disability_indices(draw: st.DrawFn) -> NeckDisabilityIndex:
    """A Neck Disability Index on either scale, from 0 to the scale's maximum."""
    scale = draw(_pick(NdiScale))
    return NeckDisabilityIndex(draw(_NDI_SCORES[scale]), scale)


_NDI_SCORES = {
    scale: st.sampled_from((0.0, scale.maximum))
    | st.integers(0, int(scale.maximum)).map(float)
    | st.floats(0, scale.maximum, allow_nan=False)
    for scale in NdiScale
}


@_cached
@st.composite
def symptoms(
    draw: st.DrawFn,
    *,
    arm_pain: int | SearchStrategy[int] | None = None,
    neck_pain: int | SearchStrategy[int] | None = None,
    radiating: tuple[SpinalNerve, ...] | SearchStrategy[tuple[SpinalNerve, ...]] | None = None,
    quality_of_life: QualityOfLifeImpact | SearchStrategy[QualityOfLifeImpact | None] | None = None,
    trajectory: Trajectory | SearchStrategy[Trajectory | None] | None = None,
    before: dt.date | None = None,
) -> Symptoms:
    """What a patient reports at a visit: arm and neck pain, radiation, headache, NDI, impact.

    Every field can be fixed (a value) or steered (a strategy); ``before`` bounds the onset date.
    """
    return symptoms_drawn(
        draw,
        arm_pain=arm_pain,
        neck_pain=neck_pain,
        radiating=radiating,
        quality_of_life=quality_of_life,
        trajectory=trajectory,
        before=before,
    )


def symptoms_drawn(
    draw: Draw,
    *,
    arm_pain: int | SearchStrategy[int] | None = None,
    neck_pain: int | SearchStrategy[int] | None = None,
    radiating: tuple[SpinalNerve, ...] | SearchStrategy[tuple[SpinalNerve, ...]] | None = None,
    quality_of_life: QualityOfLifeImpact | SearchStrategy[QualityOfLifeImpact | None] | None = None,
    trajectory: Trajectory | SearchStrategy[Trajectory | None] | None = None,
    before: dt.date | None = None,
) -> Symptoms:
    """:func:`symptoms`, drawn with ``draw`` directly (no strategy is built per call)."""
    nerves_ = _value(draw, radiating, _RADIATING)
    headache = draw(_pick(HeadachePattern))
    head_side = None if headache is HeadachePattern.NONE else draw(_HEAD_SIDES)
    onset = None
    if draw(_BOOLS):
        latest = before if before is not None else LATEST_EVENT
        onset = latest - dt.timedelta(days=draw(_ONSET_DAYS))
    return Symptoms(
        arm_pain=_value(draw, arm_pain, _PAIN),
        neck_pain=_value(draw, neck_pain, _PAIN),
        radiating=nerves_,
        headache=headache,
        headache_side=head_side,
        onset=onset,
        trajectory=_value(draw, trajectory, _OPTIONAL_TRAJECTORY),
        ndi=draw(_OPTIONAL_NDI),
        quality_of_life=_value(draw, quality_of_life, _OPTIONAL_QUALITY),
    )


def _value(draw: Draw, given: T | SearchStrategy[T] | None, default: SearchStrategy[T]) -> T:
    if given is None:
        return draw(default)
    if isinstance(given, SearchStrategy):
        drawn: T = draw(given)
        return drawn
    return given


_PAIN = st.integers(0, 10)
_RADIATING = st.lists(
    st.builds(SpinalNerve, st.sampled_from(NerveRoot), st.sampled_from(_LATERAL)),
    max_size=3,
    unique=True,
).map(tuple)
_HEAD_SIDES = st.none() | st.sampled_from(_ONE_OR_BOTH)
_ONSET_DAYS = st.integers(0, 3650)
_OPTIONAL_TRAJECTORY = st.none() | st.sampled_from(Trajectory)
_OPTIONAL_QUALITY = st.none() | st.sampled_from(QualityOfLifeImpact)
_OPTIONAL_NDI = st.none() | neck_disability_indices()


# -- the neurological exam ----------------------------------------------------------------------


@_cached
def motor_findings() -> SearchStrategy[MotorFinding]:
    """Strength of one myotome (C5-C8) on one side, MRC 0-5."""
    return st.builds(MotorFinding, st.sampled_from(_MYOTOMES), lateral_sides(), mrc_grades())


@_cached
def sensory_findings() -> SearchStrategy[SensoryFinding]:
    """Abnormal sensation in one dermatome on one side."""
    return st.builds(SensoryFinding, nerve_roots(), lateral_sides(), st.sampled_from(SensoryChange))


@_cached
def reflex_findings() -> SearchStrategy[ReflexFinding]:
    """One deep tendon reflex on one side, NINDS grade 0-4."""
    return st.builds(ReflexFinding, st.sampled_from(Reflex), lateral_sides(), st.integers(0, 4))


@_cached
@st.composite
def myelopathy_signs(draw: st.DrawFn, *, present: bool | None = None) -> MyelopathySigns:
    """Signs of cord compression; ``present=True`` gives at least one, ``False`` none."""
    if present is False:
        return MyelopathySigns()
    chosen = draw(_SIGN_LISTS[bool(present)])
    return MyelopathySigns(**dict.fromkeys(chosen, True))


_SIGN_NAMES = (
    "hoffmann",
    "hyperreflexia",
    "gait_disturbance",
    "hand_clumsiness",
    "bowel_bladder_dysfunction",
)
_SIGN_LISTS = {
    present: st.lists(st.sampled_from(_SIGN_NAMES), unique=True, min_size=int(present), max_size=5)
    for present in (False, True)
}


def _unique_by(
    items: SearchStrategy[T], key: Callable[[T], object], max_size: int
) -> SearchStrategy[tuple[T, ...]]:
    return st.lists(items, max_size=max_size, unique_by=key).map(tuple)


@_cached
@st.composite
def neuro_exams(draw: st.DrawFn, *, myelopathy: bool | None = None) -> NeuroExam:
    """A neurological exam: strength, sensation, reflexes, myelopathy signs and maybe an mJOA.

    ``myelopathy=False`` gives an exam with no sign of cord compression (no myelopathy sign and
    an mJOA, when scored, of 18); ``True`` gives at least one sign.
    """
    motor = draw(_MOTOR)
    sensory = draw(_SENSORY)
    reflexes = draw(_REFLEXES)
    signs = draw(myelopathy_signs(present=myelopathy))
    mjoa = draw(_QUIET_MJOA if myelopathy is False else _MJOA)
    return NeuroExam(motor=motor, sensory=sensory, reflexes=reflexes, myelopathy=signs, mjoa=mjoa)


_MOTOR = _unique_by(motor_findings(), lambda f: (f.root, f.side), 8)
_SENSORY = _unique_by(sensory_findings(), lambda f: (f.root, f.side), 4)
_REFLEXES = _unique_by(reflex_findings(), lambda f: (f.reflex, f.side), 6)
_QUIET_MJOA = st.none() | st.just(18)
_MJOA = st.none() | st.sampled_from((0, 18)) | st.integers(0, 18)


# -- imaging ------------------------------------------------------------------------------------


@_cached
@st.composite
def disc_herniations(draw: st.DrawFn) -> DiscHerniation:
    """A disc herniation: central on the midline, paracentral or foraminal on a side."""
    zone = draw(_pick(HerniationZone))
    side = Side.CENTRAL if zone is HerniationZone.CENTRAL else draw(_pick(_ONE_OR_BOTH))
    return DiscHerniation(segment=draw(segments()), side=side, zone=zone)


@_cached
def foraminal_stenoses() -> SearchStrategy[ForaminalStenosis]:
    """Foraminal stenosis at a segment, left, right or bilateral, mild to severe."""
    return st.builds(
        ForaminalStenosis,
        segment=segments(),
        side=st.sampled_from(_ONE_OR_BOTH),
        grade=st.sampled_from(StenosisGrade),
    )


@_cached
def central_stenoses(*, cord_signal: bool | None = None) -> SearchStrategy[CentralStenosis]:
    """Central canal stenosis, with or without cord compression and cord signal change."""
    return st.builds(
        CentralStenosis,
        segment=segments(),
        grade=st.sampled_from(StenosisGrade),
        cord_compression=st.booleans() if cord_signal is not False else st.just(False),
        cord_signal_change=st.booleans() if cord_signal is None else st.just(cord_signal),
    )


@_cached
def facet_arthropathies() -> SearchStrategy[FacetArthropathy]:
    """Facet arthropathy at a segment, left, right or bilateral."""
    return st.builds(FacetArthropathy, segment=segments(), side=st.sampled_from(_ONE_OR_BOTH))


@_cached
def instabilities() -> SearchStrategy[Instability]:
    """Instability or spondylolisthesis, with a translation of 0-30 mm when measured."""
    return st.builds(
        Instability,
        segment=segments(),
        form=st.sampled_from(InstabilityKind),
        translation_mm=st.none() | st.sampled_from((0.0, 30.0)) | st.floats(0, 30),
    )


@_cached
def imaging_findings(
    *, soft_tissue: bool = True, cord_signal: bool | None = None
) -> SearchStrategy[ImagingFinding]:
    """Any imaging finding; ``soft_tissue=False`` keeps to what a plain X-ray can show."""
    bone: list[SearchStrategy[Any]] = [
        foraminal_stenoses(),
        facet_arthropathies(),
        instabilities(),
        central_stenoses(cord_signal=cord_signal if soft_tissue else False),
    ]
    if soft_tissue:
        bone.insert(0, disc_herniations())
    return st.one_of(*bone)


# -- outcomes and posture -----------------------------------------------------------------------


@_cached
@st.composite
def outcomes(
    draw: st.DrawFn,
    *,
    relief: float | SearchStrategy[float] | None = None,
    pain_before: int | SearchStrategy[int] | None = None,
) -> Outcome:
    """The outcome of an intervention: pain before and after, relief, duration, complications.

    Relief is reported as a percentage most of the time (hitting 0, 100 and every profile
    threshold), otherwise left to be derived from the pain scores. Fix or steer it with
    ``relief``; ``pain_before`` fixes the baseline score.
    """
    before = _value(draw, pain_before, _PAIN)
    reported = relief is not None or draw(_ints(0, 3)) > 0
    percent = _value(draw, relief, _RELIEF) if reported else None
    if percent is not None:
        # A pain score after consistent with the reported relief, give or take a point.
        expected = round(before * (100.0 - percent) / 100.0)
        after = draw(_ints(max(0, expected - 1), min(10, expected + 1)))
    else:
        after = draw(_PAIN)
    return Outcome(
        pain_before=before,
        pain_after=after,
        relief_percent=percent,
        relief_duration_days=draw(_DURATIONS),
        concordant=draw(_OPTIONAL_BOOLS),
        complications=draw(_COMPLICATIONS),
        function=draw(_OPTIONAL_FUNCTION),
        ndi_after=draw(_OPTIONAL_NDI),
    )


_RELIEF = relief_percents()
_DURATIONS = st.none() | st.sampled_from((0, 90, 180, 365)) | st.integers(0, 36500)
_OPTIONAL_BOOLS = st.none() | st.booleans()
_COMPLICATIONS = st.lists(st.sampled_from(Complication), max_size=2, unique=True).map(tuple)
_OPTIONAL_FUNCTION = st.none() | st.sampled_from(FunctionalChange)


@_cached
@st.composite
def posture_assessments(draw: st.DrawFn) -> PostureAssessment:
    """A physical therapist's posture review, with or without anything to correct."""
    return PostureAssessment(
        forward_head_posture=draw(_BOOLS),
        thoracic_stiffness=draw(_BOOLS),
        findings=draw(_POSTURE_FINDINGS),
        craniovertebral_angle_degrees=draw(_ANGLES),
    )


_POSTURE_FINDINGS = st.lists(st.sampled_from(PostureFinding), max_size=3, unique=True).map(tuple)
_ANGLES = st.none() | st.sampled_from((0.0, 90.0)) | st.floats(0, 90)


# -- events -------------------------------------------------------------------------------------

_Stamp = tuple[str, dt.date, Override | None]


@_cached
def overrides() -> SearchStrategy[Override]:
    """A clinician's recorded decision to go off-pathway, citing rule ids."""
    reason = st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
        min_size=1,
        max_size=60,
    ).filter(lambda s: bool(s.strip()))
    rules = st.lists(st.sampled_from([f"S{i}" for i in range(17)]), unique=True, max_size=3)
    return st.builds(Override, reason=reason, rules=rules.map(tuple))


@st.composite
def _stamp(
    draw: st.DrawFn,
    id: str | SearchStrategy[str] | None,
    date: dt.date | SearchStrategy[dt.date] | None,
    override: bool | None,
) -> _Stamp:
    """The fields every event has: an id, a date and maybe an override."""
    chosen_id = draw(_given(id, identifiers()))
    chosen_date = draw(_given(date, dates()))
    with_override = draw(st.booleans()) if override is None else override
    return chosen_id, chosen_date, draw(overrides()) if with_override else None


_EventArgs = dict[str, Any]


def _event(
    cls: type[E],
    fields: _Fields,
    id: str | SearchStrategy[str] | None,
    date: dt.date | SearchStrategy[dt.date] | None,
    override: bool | None,
) -> SearchStrategy[E]:
    @st.composite
    def build(draw: st.DrawFn) -> E:
        event_id, day, chosen = draw(_stamp(id, date, override))
        return cls(id=event_id, date=day, override=chosen, **fields(draw, day))

    return build()


_EVENT_DOC = """

    ``id`` and ``date`` fix the event's id and date (a value) or steer them (a strategy);
    ``override=None`` sometimes attaches an :class:`~spinepath.model.Override`, ``True`` always,
    ``False`` never.
"""


def _event_doc(function: F) -> F:
    """Append the ``id``/``date``/``override`` text every event strategy shares to the docstring."""
    function.__doc__ = (function.__doc__ or "") + _EVENT_DOC
    return function


IdArg = str | SearchStrategy[str] | None
DateArg = dt.date | SearchStrategy[dt.date] | None
_Fields = Callable[[st.DrawFn, dt.date], _EventArgs]


class EventStrategy(Protocol[E_co]):
    """A strategy function for one kind of event: ``id``, ``date`` and ``override`` as in
    :func:`events`."""

    __name__: str

    def __call__(
        self, *, id: IdArg = None, date: DateArg = None, override: bool | None = None
    ) -> SearchStrategy[E_co]: ...


def _event_strategy(cls: type[E]) -> Callable[[_Fields], EventStrategy[E]]:
    """Make ``fields`` (which draws an event's own fields for its date) into the public,
    cached strategy function of the same name for ``cls``, documented by ``fields``'s docstring
    and the ``id``/``date``/``override`` text every event strategy shares."""

    def decorate(fields: _Fields) -> EventStrategy[E]:
        def strategy(
            *, id: IdArg = None, date: DateArg = None, override: bool | None = None
        ) -> SearchStrategy[E]:
            return _event(cls, fields, id, date, override)

        strategy.__name__ = fields.__name__
        strategy.__qualname__ = fields.__qualname__
        strategy.__doc__ = fields.__doc__
        strategy.__annotations__["return"] = f"SearchStrategy[{cls.__name__}]"
        return _cached(_event_doc(strategy))

    return decorate


@_cached
@_event_doc
def clinical_visits(
    *,
    id: IdArg = None,
    date: DateArg = None,
    override: bool | None = None,
    purpose: VisitPurpose | None = None,
) -> SearchStrategy[ClinicalVisit]:
    """A clinic visit with the patient's symptoms and maybe an exam."""
    return _event(
        ClinicalVisit,
        lambda draw, day: {
            "purpose": purpose or draw(st.sampled_from(VisitPurpose)),
            "symptoms": draw(symptoms(before=day)),
            "exam": draw(st.none() | neuro_exams()),
        },
        id,
        date,
        override,
    )


@_event_strategy(PostureReview)
def posture_reviews(draw: st.DrawFn, day: dt.date) -> _EventArgs:
    """A physical therapist's posture and mechanics review (S4)."""
    return {"assessment": draw(posture_assessments())}


@_event_strategy(ImagingOrder)
def imaging_orders(draw: st.DrawFn, day: dt.date) -> _EventArgs:
    """An order for updated imaging (S2)."""
    return {
        "modality": draw(st.sampled_from(Modality)),
        "reason": draw(st.sampled_from(ImagingReason)),
    }


@st.composite
def _study_fields(
    draw: st.DrawFn, modality: Modality | None, cord_signal: bool | None
) -> _EventArgs:
    chosen = modality or draw(st.sampled_from(Modality))
    findings = st.lists(
        imaging_findings(soft_tissue=chosen.shows_soft_tissue, cord_signal=cord_signal),
        max_size=4,
        unique=True,
    )
    return {"modality": chosen, "findings": tuple(draw(findings))}


@_cached
@_event_doc
def imaging_studies(
    *,
    id: IdArg = None,
    date: DateArg = None,
    override: bool | None = None,
    modality: Modality | None = None,
    cord_signal: bool | None = None,
) -> SearchStrategy[ImagingStudy]:
    """A performed MRI, CT, CT myelogram or X-ray and its findings (only what the modality can
    show). ``cord_signal=False`` leaves out cord signal change."""
    return _event(
        ImagingStudy,
        lambda draw, _: draw(_study_fields(modality, cord_signal)),
        id,
        date,
        override,
    )


@_event_strategy(SurgicalConsultation)
def surgical_consultations(draw: st.DrawFn, day: dt.date) -> _EventArgs:
    """A spine surgeon's consultation, urgent or routine."""
    return {"urgency": draw(st.sampled_from(Urgency))}


@_cached
@_event_doc
def outcome_reports(
    *,
    id: IdArg = None,
    date: DateArg = None,
    override: bool | None = None,
    intervention_id: IdArg = None,
) -> SearchStrategy[OutcomeReport]:
    """The outcome of an intervention, named by ``intervention_id`` (drawn when not given)."""
    return _event(
        OutcomeReport,
        lambda draw, _: {
            "intervention_id": draw(_given(intervention_id, identifiers())),
            "outcome": draw(outcomes()),
        },
        id,
        date,
        override,
    )


@_cached
@_event_doc
def health_updates(
    *,
    id: IdArg = None,
    date: DateArg = None,
    override: bool | None = None,
    sex: Sex | None = None,
) -> SearchStrategy[HealthUpdate]:
    """New health factors from a date on; ``sex=Sex.MALE`` never reports a pregnancy."""
    return _event(
        HealthUpdate,
        lambda draw, _: {"health": draw(health_factors(sex=sex))},
        id,
        date,
        override,
    )


@_event_strategy(AntithromboticUse)
def antithrombotic_uses(draw: st.DrawFn, day: dt.date) -> _EventArgs:
    """An anticoagulant or antiplatelet drug taken, held or stopped from a date (SF1)."""
    return {
        "drug": draw(st.sampled_from(Antithrombotic)),
        "status": draw(st.sampled_from(DrugStatus)),
        "daily_dose_mg": draw(st.none() | st.sampled_from((2.5, 5.0, 20.0, 75.0, 100.0))),
    }


_SCREEN_ITEM = st.sampled_from((None, False, False, False, False, False, True))


@_event_strategy(SeriousPathologyScreen)
def serious_pathology_screens(draw: st.DrawFn, day: dt.date) -> _EventArgs:
    """A serious spinal pathology screen, each item present, absent or not asked (SF2)."""
    return {name: draw(_SCREEN_ITEM) for name in SeriousPathologyScreen.ITEMS}


@_event_strategy(LabResult)
def lab_results(draw: st.DrawFn, day: dt.date) -> _EventArgs:
    """An HbA1c (%) or blood glucose (mg/dL) result (SF4)."""
    test = draw(st.sampled_from(LabTest))
    if test is LabTest.HBA1C:
        return {"test": test, "value": draw(st.sampled_from((5.4, 7.0, 9.0, 9.5, 12.0)))}
    return {"test": test, "value": draw(st.sampled_from((90.0, 180.0, 300.0, 320.0)))}


@_event_strategy(PsychologicalEvaluation)
def psychological_evaluations(draw: st.DrawFn, day: dt.date) -> _EventArgs:
    """A psychological evaluation before a stimulator trial (SF6)."""
    return {"suitable": draw(st.booleans())}


@_event_strategy(SharedDecision)
def shared_decisions(draw: st.DrawFn, day: dt.date) -> _EventArgs:
    """An informed patient's consent to, or refusal of, one or more options (SF5)."""
    kinds = draw(st.lists(st.sampled_from(ActionKind), min_size=1, max_size=3, unique=True))
    return {"options": tuple(kinds), "decision": draw(st.sampled_from(Decision))}


@_event_strategy(Discharge)
def discharges(draw: st.DrawFn, day: dt.date) -> _EventArgs:
    """The end of active treatment, with its reason."""
    return {"reason": draw(st.sampled_from(DischargeReason))}


# -- interventions ------------------------------------------------------------------------------


@st.composite
def _cesi_fields(draw: st.DrawFn) -> _EventArgs:
    approach = draw(st.sampled_from(Approach))
    side = draw(lateral_sides()) if approach is Approach.TRANSFORAMINAL else draw(sides())
    steroid = draw(st.sampled_from(Steroid))
    particulate = False if steroid is Steroid.DEXAMETHASONE else draw(st.booleans())
    return {
        "approach": approach,
        "segment": draw(segments()),
        "side": side,
        "steroid": steroid,
        "particulate": particulate,
        "steroid_dose_mg": draw(st.none() | st.sampled_from((4.0, 8.0, 10.0, 40.0, 80.0))),
    }


@_event_strategy(CervicalEpiduralSteroidInjection)
def cervical_epidural_steroid_injections(draw: st.DrawFn, day: dt.date) -> _EventArgs:
    """A CESI, interlaminar (any side) or transforaminal (left or right), with its steroid."""
    return draw(_cesi_fields())


@_event_strategy(SelectiveNerveRootBlock)
def selective_nerve_root_blocks(draw: st.DrawFn, day: dt.date) -> _EventArgs:
    """A diagnostic block of one root on one side (S3)."""
    return {"root": draw(nerve_roots()), "side": draw(lateral_sides())}


@_event_strategy(MedialBranchBlock)
def medial_branch_blocks(draw: st.DrawFn, day: dt.date) -> _EventArgs:
    """A diagnostic medial branch block at one or more levels, first or confirmatory (S6)."""
    return {
        "segments": draw(_segment_runs()),
        "side": draw(st.sampled_from(_ONE_OR_BOTH)),
        "series_position": draw(st.integers(1, 2)),
    }


@_event_strategy(RadiofrequencyAblation)
def radiofrequency_ablations(draw: st.DrawFn, day: dt.date) -> _EventArgs:
    """Radiofrequency ablation of the medial branches at one or more levels (S6)."""
    return {
        "segments": draw(_segment_runs()),
        "side": draw(st.sampled_from(_ONE_OR_BOTH)),
    }


@_event_strategy(GreaterOccipitalNerveBlock)
def greater_occipital_nerve_blocks(draw: st.DrawFn, day: dt.date) -> _EventArgs:
    """A greater occipital nerve block (S7)."""
    return {"side": draw(st.sampled_from(_ONE_OR_BOTH))}


@_event_strategy(MedicationTrial)
def medication_trials(draw: st.DrawFn, day: dt.date) -> _EventArgs:
    """A gabapentin or pregabalin trial, up to the labelled maximum dose, maybe stopped (S8)."""
    return draw(_medication_fields(day))


@st.composite
def _medication_fields(draw: st.DrawFn, day: dt.date) -> _EventArgs:
    drug = draw(st.sampled_from(Medication))
    top = float(drug.max_daily_mg)
    dose = draw(st.sampled_from((0.001, top)) | st.integers(1, int(top)).map(float))
    stop = draw(st.none() | st.integers(0, 365).map(lambda d: day + dt.timedelta(days=d)))
    return {"drug": drug, "daily_dose_mg": dose, "stop_date": stop}


@_event_strategy(PhysicalTherapyCourse)
def physical_therapy_courses(draw: st.DrawFn, day: dt.date) -> _EventArgs:
    """A course of physical therapy (S4, S9)."""
    return draw(_therapy_fields(day))


@st.composite
def _therapy_fields(draw: st.DrawFn, day: dt.date) -> _EventArgs:
    focus = draw(
        st.lists(st.sampled_from(PhysicalTherapyFocus), min_size=1, max_size=3, unique=True)
    )
    return {
        "focus": tuple(focus),
        "sessions": draw(st.none() | st.integers(1, 200)),
        "end_date": draw(st.none() | st.integers(0, 180).map(lambda d: day + dt.timedelta(days=d))),
    }


@_event_strategy(SpinalCordStimulatorTrial)
def spinal_cord_stimulator_trials(draw: st.DrawFn, day: dt.date) -> _EventArgs:
    """A spinal cord stimulator trial (S10)."""
    return {}


@_event_strategy(SpinalCordStimulatorImplant)
def spinal_cord_stimulator_implants(draw: st.DrawFn, day: dt.date) -> _EventArgs:
    """A permanent spinal cord stimulator (S10)."""
    return {}


@_event_strategy(RegenerativeTherapy)
def regenerative_therapies(draw: st.DrawFn, day: dt.date) -> _EventArgs:
    """A regenerative injection, maybe at a segment (S10)."""
    return {
        "therapy": draw(st.sampled_from(RegenerativeKind)),
        "segment": draw(st.none() | segments()),
    }


@_event_strategy(AnteriorCervicalDiscectomyFusion)
def anterior_cervical_discectomy_fusions(draw: st.DrawFn, day: dt.date) -> _EventArgs:
    """An ACDF over one or more contiguous segments (S14)."""
    return {"segments": draw(_segment_runs(contiguous=True))}


@_event_strategy(PosteriorLaminoforaminotomy)
def posterior_laminoforaminotomies(draw: st.DrawFn, day: dt.date) -> _EventArgs:
    """A posterior laminoforaminotomy of one foramen (S15)."""
    return {"segment": draw(segments()), "side": draw(lateral_sides())}


_INTERVENTIONS: dict[type[Event], Callable[..., SearchStrategy[Any]]] = {
    CervicalEpiduralSteroidInjection: cervical_epidural_steroid_injections,
    SelectiveNerveRootBlock: selective_nerve_root_blocks,
    MedialBranchBlock: medial_branch_blocks,
    RadiofrequencyAblation: radiofrequency_ablations,
    GreaterOccipitalNerveBlock: greater_occipital_nerve_blocks,
    MedicationTrial: medication_trials,
    PhysicalTherapyCourse: physical_therapy_courses,
    SpinalCordStimulatorTrial: spinal_cord_stimulator_trials,
    SpinalCordStimulatorImplant: spinal_cord_stimulator_implants,
    RegenerativeTherapy: regenerative_therapies,
    AnteriorCervicalDiscectomyFusion: anterior_cervical_discectomy_fusions,
    PosteriorLaminoforaminotomy: posterior_laminoforaminotomies,
}

_CARE_EVENTS: dict[type[Event], Callable[..., SearchStrategy[Any]]] = {
    ClinicalVisit: clinical_visits,
    PostureReview: posture_reviews,
    ImagingOrder: imaging_orders,
    ImagingStudy: imaging_studies,
    SurgicalConsultation: surgical_consultations,
    OutcomeReport: outcome_reports,
    HealthUpdate: health_updates,
    Discharge: discharges,
    AntithromboticUse: antithrombotic_uses,
    SeriousPathologyScreen: serious_pathology_screens,
    LabResult: lab_results,
    PsychologicalEvaluation: psychological_evaluations,
    SharedDecision: shared_decisions,
}

EVENT_STRATEGIES: dict[type[Event], Callable[..., SearchStrategy[Any]]] = {
    **_CARE_EVENTS,
    **_INTERVENTIONS,
}
"""The strategy for each concrete event type (each takes ``id``, ``date`` and ``override``)."""

VALUE_STRATEGIES: dict[type[Any], Callable[..., SearchStrategy[Any]]] = {
    FacetJoint: facet_joints,
    SpinalNerve: spinal_nerves,
    Foramen: foramina,
    MotorFinding: motor_findings,
    SensoryFinding: sensory_findings,
    ReflexFinding: reflex_findings,
    MyelopathySigns: myelopathy_signs,
    NeuroExam: neuro_exams,
    DiscHerniation: disc_herniations,
    ForaminalStenosis: foraminal_stenoses,
    CentralStenosis: central_stenoses,
    FacetArthropathy: facet_arthropathies,
    Instability: instabilities,
    NeckDisabilityIndex: neck_disability_indices,
    Symptoms: symptoms,
    HealthFactors: health_factors,
    Patient: patients,
    PostureAssessment: posture_assessments,
    Outcome: outcomes,
    Override: overrides,
}
"""The strategy for each concrete value type that is neither an event nor a record (the
public ``MODEL_STRATEGIES`` of :mod:`spinepath.testing.strategies` adds those)."""


@_cached
@_event_doc
def interventions(
    *, id: IdArg = None, date: DateArg = None, override: bool | None = None
) -> SearchStrategy[Intervention]:
    """Any procedure, medication trial or therapy course."""
    return st.one_of(
        *(make(id=id, date=date, override=override) for make in _INTERVENTIONS.values())
    )


@_cached
@_event_doc
def surgeries(
    *, id: IdArg = None, date: DateArg = None, override: bool | None = None
) -> SearchStrategy[Surgery]:
    """An ACDF or a posterior laminoforaminotomy."""
    return st.one_of(
        anterior_cervical_discectomy_fusions(id=id, date=date, override=override),
        posterior_laminoforaminotomies(id=id, date=date, override=override),
    )


@_cached
@_event_doc
def events(
    *, id: IdArg = None, date: DateArg = None, override: bool | None = None
) -> SearchStrategy[Event]:
    """Any single event of any concrete kind, valid on its own (an outcome report's
    ``intervention_id`` need not exist: for whole histories use ``patient_records``)."""
    return st.one_of(
        *(make(id=id, date=date, override=override) for make in EVENT_STRATEGIES.values())
    )


# -- actions and profiles -----------------------------------------------------------------------


@_cached
@st.composite
def actions(draw: st.DrawFn, *, kind: ActionKind | None = None) -> Action:
    """A next step with a target an event can perform (an ACDF's levels are contiguous, a
    laminoforaminotomy's side is left or right, ...). ``kind`` fixes the kind of step."""
    chosen = kind or draw(st.sampled_from(ActionKind))
    fields: dict[str, Any] = {}
    if chosen is ActionKind.IMAGING:
        fields["modality"] = draw(st.sampled_from(Modality))
    elif chosen is ActionKind.SELECTIVE_NERVE_ROOT_BLOCK:
        fields.update(root=draw(nerve_roots()), side=draw(lateral_sides()))
    elif chosen is ActionKind.CESI:
        cesi = draw(_cesi_fields())
        fields.update(approach=cesi["approach"], segments=(cesi["segment"],), side=cesi["side"])
    elif chosen in (ActionKind.MEDIAL_BRANCH_BLOCK, ActionKind.RADIOFREQUENCY_ABLATION):
        fields.update(segments=draw(_segment_runs()), side=draw(st.sampled_from(_ONE_OR_BOTH)))
        if chosen is ActionKind.MEDIAL_BRANCH_BLOCK:
            fields["series_position"] = draw(st.integers(1, 2))
    elif chosen is ActionKind.GREATER_OCCIPITAL_NERVE_BLOCK:
        fields["side"] = draw(st.sampled_from(_ONE_OR_BOTH))
    elif chosen is ActionKind.MEDICATION_TRIAL:
        fields["drug"] = draw(st.sampled_from(Medication))
    elif chosen is ActionKind.SURGICAL_CONSULTATION:
        fields["urgency"] = draw(st.sampled_from(Urgency))
    elif chosen is ActionKind.ACDF:
        fields["segments"] = draw(_segment_runs(contiguous=True))
    elif chosen is ActionKind.LAMINOFORAMINOTOMY:
        fields.update(segments=(draw(segments()),), side=draw(lateral_sides()))
    return Action(kind=chosen, **fields)


@_cached
def thresholds() -> SearchStrategy[Threshold]:
    """A lower bound on a percentage, inclusive (``>=``) or strict (``>``)."""
    return st.builds(
        Threshold,
        st.sampled_from((0.0, 30.0, 50.0, 80.0, 100.0)) | st.floats(0, 100),
        st.booleans(),
    )


@_cached
def figures() -> SearchStrategy[Figure]:
    """A threshold figure with a unit, a source and a grade, as profiles hold them."""
    return st.builds(
        Figure,
        thresholds(),
        st.just("% relief of index pain"),
        st.sampled_from(("a test source", "user override")),
        st.sampled_from(Grade),
    )


@_cached
@st.composite
def profiles(draw: st.DrawFn, *, derived: bool = False) -> Profile:
    """A shipped guideline profile; ``derived=True`` also draws profiles with other
    thresholds (relief, block count, intervals) derived from the consensus profile."""
    shipped = st.sampled_from(tuple(PROFILES.values()))
    if not derived or not draw(st.booleans()):
        return draw(shipped)
    changes: dict[str, Any] = {}
    for name in (
        "mbb_positive_relief",
        "snrb_positive_relief",
        "cesi_adequate_relief",
        "repeat_rfa_prior_relief",
        "scs_trial_success",
    ):
        if draw(st.booleans()):
            changes[name] = draw(st.integers(0, 100))
    if draw(st.booleans()):
        changes["mbb_blocks_required"] = draw(st.integers(1, 2))
    if draw(st.booleans()):
        changes["epidural_min_interval_days"] = draw(st.sampled_from((0, 14, 30)))
    return CONSENSUS_2022.derive(f"derived-{draw(st.integers(0, 999))}", **changes)
