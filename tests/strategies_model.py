"""Hypothesis strategies for every model type, valid by construction (a private test helper).

The public, registered strategies live in ``spinepath.testing.strategies``; these are kept
independent of them so that the model's and the I/O layer's tests stand on their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs
from hypothesis import strategies as st

from spinepath.anatomy import FacetJoint, Foramen, NerveRoot, Segment, Side, SpinalNerve
from spinepath.model import (
    AnteriorCervicalDiscectomyFusion,
    Approach,
    AsaClass,
    CentralStenosis,
    CervicalEpiduralSteroidInjection,
    ClinicalVisit,
    Complication,
    Discharge,
    DischargeReason,
    DiscHerniation,
    Event,
    FacetArthropathy,
    ForaminalStenosis,
    FunctionalChange,
    GreaterOccipitalNerveBlock,
    HeadachePattern,
    HealthFactors,
    HealthUpdate,
    HerniationZone,
    ImagingOrder,
    ImagingReason,
    ImagingStudy,
    Instability,
    InstabilityKind,
    Intervention,
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
    PatientRecord,
    PhysicalTherapyCourse,
    PhysicalTherapyFocus,
    PosteriorLaminoforaminotomy,
    PostureAssessment,
    PostureFinding,
    PostureReview,
    QualityOfLifeImpact,
    RadiofrequencyAblation,
    Reflex,
    ReflexFinding,
    RegenerativeKind,
    RegenerativeTherapy,
    SelectiveNerveRootBlock,
    SensoryChange,
    SensoryFinding,
    Sex,
    SpinalCordStimulatorImplant,
    SpinalCordStimulatorTrial,
    StenosisGrade,
    Steroid,
    SurgicalConsultation,
    Symptoms,
    Trajectory,
    Urgency,
    VisitPurpose,
)

S = st.SearchStrategy

LATERAL: S[Side] = st.sampled_from([Side.LEFT, Side.RIGHT])
LATERAL_OR_BOTH: S[Side] = st.sampled_from([Side.LEFT, Side.RIGHT, Side.BILATERAL])
MYOTOMES = (NerveRoot.C5, NerveRoot.C6, NerveRoot.C7, NerveRoot.C8)

dates: S[dt.date] = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
identifiers: S[str] = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}", fullmatch=True)
pain: S[int] = st.integers(0, 10)
segments: S[Segment] = st.sampled_from(Segment)


def maybe(strategy: S[Any]) -> S[Any]:
    return st.none() | strategy


def real(low: float, high: float) -> S[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def tuples_of(strategy: S[Any], *, max_size: int = 4, **kwargs: Any) -> S[tuple[Any, ...]]:
    return st.lists(strategy, max_size=max_size, **kwargs).map(tuple)


# -- anatomy ------------------------------------------------------------------------------------
facet_joints = st.builds(FacetJoint, segments, LATERAL)
spinal_nerves = st.builds(SpinalNerve, st.sampled_from(NerveRoot), LATERAL)
foramina = st.builds(Foramen, segments, LATERAL)
ordered_segments: S[tuple[Segment, ...]] = st.lists(
    segments, min_size=1, max_size=3, unique=True
).map(lambda s: tuple(sorted(s)))


@st.composite
def contiguous_segments(draw: st.DrawFn) -> tuple[Segment, ...]:
    all_segments = tuple(Segment)
    start = draw(st.integers(0, len(all_segments) - 1))
    length = draw(st.integers(1, min(3, len(all_segments) - start)))
    return all_segments[start : start + length]


# -- exam ---------------------------------------------------------------------------------------
motor_findings = st.builds(MotorFinding, st.sampled_from(MYOTOMES), LATERAL, st.integers(0, 5))
sensory_findings = st.builds(
    SensoryFinding, st.sampled_from(NerveRoot), LATERAL, st.sampled_from(SensoryChange)
)
reflex_findings = st.builds(ReflexFinding, st.sampled_from(Reflex), LATERAL, st.integers(0, 4))
myelopathy_signs = st.builds(
    MyelopathySigns,
    hoffmann=st.booleans(),
    hyperreflexia=st.booleans(),
    gait_disturbance=st.booleans(),
    hand_clumsiness=st.booleans(),
    bowel_bladder_dysfunction=st.booleans(),
)
neuro_exams = st.builds(
    NeuroExam,
    motor=tuples_of(motor_findings, unique_by=lambda f: (f.root, f.side)),
    sensory=tuples_of(sensory_findings, unique_by=lambda f: (f.root, f.side)),
    reflexes=tuples_of(reflex_findings, unique_by=lambda f: (f.reflex, f.side)),
    myelopathy=myelopathy_signs,
    mjoa=maybe(st.integers(0, 18)),
)

# -- imaging ------------------------------------------------------------------------------------
disc_herniations = st.builds(
    DiscHerniation,
    segment=segments,
    side=st.just(Side.CENTRAL),
    zone=st.just(HerniationZone.CENTRAL),
) | st.builds(
    DiscHerniation,
    segment=segments,
    side=LATERAL_OR_BOTH,
    zone=st.sampled_from([HerniationZone.PARACENTRAL, HerniationZone.FORAMINAL]),
)
foraminal_stenoses = st.builds(
    ForaminalStenosis, segment=segments, side=LATERAL_OR_BOTH, grade=st.sampled_from(StenosisGrade)
)


def central_stenoses(*, signal: S[bool] | None = None) -> S[CentralStenosis]:
    return st.builds(
        CentralStenosis,
        segment=segments,
        grade=st.sampled_from(StenosisGrade),
        cord_compression=st.booleans(),
        cord_signal_change=st.booleans() if signal is None else signal,
    )


facet_arthropathies = st.builds(FacetArthropathy, segment=segments, side=LATERAL_OR_BOTH)
instabilities = st.builds(
    Instability,
    segment=segments,
    form=st.sampled_from(InstabilityKind),
    translation_mm=maybe(real(0, 30)),
)
imaging_findings: S[Any] = st.one_of(
    disc_herniations, foraminal_stenoses, central_stenoses(), facet_arthropathies, instabilities
)
bone_findings: S[Any] = st.one_of(
    foraminal_stenoses,
    central_stenoses(signal=st.just(False)),
    facet_arthropathies,
    instabilities,
)

# -- symptoms, patient, posture, outcomes -------------------------------------------------------
ndis: S[NeckDisabilityIndex] = st.sampled_from(NdiScale).flatmap(
    lambda scale: st.builds(NeckDisabilityIndex, real(0, scale.maximum), st.just(scale))
)


@st.composite
def symptoms(draw: st.DrawFn) -> Symptoms:
    headache = draw(st.sampled_from(HeadachePattern))
    side = (
        None
        if headache is HeadachePattern.NONE
        else draw(maybe(st.sampled_from([Side.LEFT, Side.RIGHT, Side.BILATERAL])))
    )
    return Symptoms(
        arm_pain=draw(pain),
        neck_pain=draw(pain),
        radiating=draw(tuples_of(spinal_nerves, unique=True)),
        headache=headache,
        headache_side=side,
        onset=draw(maybe(dates)),
        trajectory=draw(maybe(st.sampled_from(Trajectory))),
        ndi=draw(maybe(ndis)),
        quality_of_life=draw(maybe(st.sampled_from(QualityOfLifeImpact))),
    )


def health_factors(*, pregnant: S[bool] | None = None) -> S[HealthFactors]:
    return st.builds(
        HealthFactors,
        anticoagulated=st.booleans(),
        bleeding_disorder=st.booleans(),
        diabetes=st.booleans(),
        pregnant=st.booleans() if pregnant is None else pregnant,
        active_infection=st.booleans(),
        asa_class=maybe(st.sampled_from(AsaClass)),
    )


@st.composite
def patients(draw: st.DrawFn, births: S[dt.date] | None = None) -> Patient:
    sex = draw(st.sampled_from(Sex))
    health = draw(health_factors(pregnant=st.just(False) if sex is Sex.MALE else None))
    born = draw(births if births is not None else dates)
    return Patient(id=draw(identifiers), birth_date=born, sex=sex, health=health)


posture_assessments = st.builds(
    PostureAssessment,
    forward_head_posture=st.booleans(),
    thoracic_stiffness=st.booleans(),
    findings=tuples_of(st.sampled_from(PostureFinding), unique=True),
    craniovertebral_angle_degrees=maybe(real(0, 90)),
)
outcomes = st.builds(
    Outcome,
    pain_before=pain,
    pain_after=pain,
    relief_percent=maybe(real(0, 100)),
    relief_duration_days=maybe(st.integers(0, 36500)),
    concordant=maybe(st.booleans()),
    complications=tuples_of(st.sampled_from(Complication), unique=True),
    function=maybe(st.sampled_from(FunctionalChange)),
    ndi_after=maybe(ndis),
)
overrides = st.builds(
    Override,
    reason=st.text(min_size=1, max_size=40).filter(str.strip),
    rules=tuples_of(st.text(max_size=4), unique=True),
)

# -- events -------------------------------------------------------------------------------------
EventStrategy = Callable[[S[str], S[dt.date]], S[Any]]


def _event(cls: type[Any], **fields: S[Any]) -> EventStrategy:
    def build(ids: S[str], days: S[dt.date]) -> S[Any]:
        return st.builds(cls, id=ids, date=days, override=maybe(overrides), **fields)

    return build


def _imaging_study(ids: S[str], days: S[dt.date]) -> S[Any]:
    def with_modality(modality: Modality) -> S[ImagingStudy]:
        findings = imaging_findings if modality.shows_soft_tissue else bone_findings
        return st.builds(
            ImagingStudy,
            id=ids,
            date=days,
            override=maybe(overrides),
            modality=st.just(modality),
            findings=tuples_of(findings, unique=True),
        )

    return st.sampled_from(Modality).flatmap(with_modality)


def _cesi(ids: S[str], days: S[dt.date]) -> S[Any]:
    def build(approach: Approach, steroid: Steroid) -> S[CervicalEpiduralSteroidInjection]:
        return st.builds(
            CervicalEpiduralSteroidInjection,
            id=ids,
            date=days,
            override=maybe(overrides),
            approach=st.just(approach),
            segment=segments,
            side=LATERAL if approach is Approach.TRANSFORAMINAL else st.sampled_from(Side),
            steroid=st.just(steroid),
            particulate=st.just(False) if steroid is Steroid.DEXAMETHASONE else st.booleans(),
        )

    return st.tuples(st.sampled_from(Approach), st.sampled_from(Steroid)).flatmap(
        lambda pair: build(*pair)
    )


def _medication_trial(ids: S[str], days: S[dt.date]) -> S[Any]:
    @st.composite
    def build(draw: st.DrawFn) -> MedicationTrial:
        drug = draw(st.sampled_from(Medication))
        start = draw(days)
        stop = draw(maybe(st.integers(0, 400).map(lambda n: start + dt.timedelta(days=n))))
        return MedicationTrial(
            id=draw(ids),
            date=start,
            override=draw(maybe(overrides)),
            drug=drug,
            daily_dose_mg=draw(real(0.001, drug.max_daily_mg)),
            stop_date=stop,
        )

    return build()


def _physical_therapy(ids: S[str], days: S[dt.date]) -> S[Any]:
    @st.composite
    def build(draw: st.DrawFn) -> PhysicalTherapyCourse:
        start = draw(days)
        end = draw(maybe(st.integers(0, 400).map(lambda n: start + dt.timedelta(days=n))))
        return PhysicalTherapyCourse(
            id=draw(ids),
            date=start,
            override=draw(maybe(overrides)),
            focus=draw(
                st.lists(st.sampled_from(PhysicalTherapyFocus), min_size=1, unique=True).map(tuple)
            ),
            sessions=draw(maybe(st.integers(1, 200))),
            end_date=end,
        )

    return build()


EVENT_BUILDERS: dict[type[Any], EventStrategy] = {
    ClinicalVisit: _event(
        ClinicalVisit,
        purpose=st.sampled_from(VisitPurpose),
        symptoms=symptoms(),
        exam=maybe(neuro_exams),
    ),
    PostureReview: _event(PostureReview, assessment=posture_assessments),
    ImagingOrder: _event(
        ImagingOrder, modality=st.sampled_from(Modality), reason=st.sampled_from(ImagingReason)
    ),
    ImagingStudy: _imaging_study,
    SurgicalConsultation: _event(SurgicalConsultation, urgency=st.sampled_from(Urgency)),
    OutcomeReport: _event(OutcomeReport, intervention_id=identifiers, outcome=outcomes),
    HealthUpdate: _event(HealthUpdate, health=health_factors()),
    Discharge: _event(Discharge, reason=st.sampled_from(DischargeReason)),
    CervicalEpiduralSteroidInjection: _cesi,
    SelectiveNerveRootBlock: _event(
        SelectiveNerveRootBlock, root=st.sampled_from(NerveRoot), side=LATERAL
    ),
    MedialBranchBlock: _event(
        MedialBranchBlock,
        segments=ordered_segments,
        side=LATERAL_OR_BOTH,
        series_position=st.integers(1, 2),
    ),
    RadiofrequencyAblation: _event(
        RadiofrequencyAblation, segments=ordered_segments, side=LATERAL_OR_BOTH
    ),
    GreaterOccipitalNerveBlock: _event(GreaterOccipitalNerveBlock, side=LATERAL_OR_BOTH),
    MedicationTrial: _medication_trial,
    PhysicalTherapyCourse: _physical_therapy,
    SpinalCordStimulatorTrial: _event(SpinalCordStimulatorTrial),
    SpinalCordStimulatorImplant: _event(SpinalCordStimulatorImplant),
    RegenerativeTherapy: _event(
        RegenerativeTherapy,
        therapy=st.sampled_from(RegenerativeKind),
        segment=maybe(segments),
    ),
    AnteriorCervicalDiscectomyFusion: _event(
        AnteriorCervicalDiscectomyFusion, segments=contiguous_segments()
    ),
    PosteriorLaminoforaminotomy: _event(
        PosteriorLaminoforaminotomy, segment=segments, side=LATERAL
    ),
}


def events_of(cls: type[Any]) -> S[Any]:
    """Standalone events of one concrete type."""
    return EVENT_BUILDERS[cls](identifiers, dates)


events: S[Any] = st.one_of([events_of(cls) for cls in EVENT_BUILDERS])


@st.composite
def records(draw: st.DrawFn, max_events: int = 8) -> PatientRecord:
    """A consistent record: events in date order after birth, unique ids, outcomes that name
    an earlier intervention once."""
    patient = draw(patients(births=st.dates(dt.date(1920, 1, 1), dt.date(2010, 12, 31))))
    offsets = sorted(draw(st.lists(st.integers(0, 365 * 80), max_size=max_events)))
    kinds = [cls for cls in EVENT_BUILDERS if cls is not OutcomeReport]
    unreported: list[str] = []
    built: list[Event] = []
    for index, offset in enumerate(offsets):
        day = patient.birth_date + dt.timedelta(days=offset)
        event_id = f"e{index}"
        report_now: bool = draw(st.booleans()) if unreported else False
        if report_now:
            target = draw(st.sampled_from(unreported))
            unreported.remove(target)
            event: Event = OutcomeReport(
                id=event_id,
                date=day,
                intervention_id=target,
                outcome=draw(outcomes),
            )
        else:
            cls = draw(st.sampled_from(kinds))
            event = draw(EVENT_BUILDERS[cls](st.just(event_id), st.just(day)))
            if isinstance(event, HealthUpdate) and patient.sex is Sex.MALE:
                event = attrs.evolve(event, health=attrs.evolve(event.health, pregnant=False))
            if isinstance(event, Intervention):
                unreported.append(event_id)
        built.append(event)
    return PatientRecord(patient, tuple(built))


MODEL_STRATEGIES: dict[type[Any], S[Any]] = {
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
    CentralStenosis: central_stenoses(),
    FacetArthropathy: facet_arthropathies,
    Instability: instabilities,
    NeckDisabilityIndex: ndis,
    Symptoms: symptoms(),
    HealthFactors: health_factors(),
    Patient: patients(),
    PostureAssessment: posture_assessments,
    Outcome: outcomes,
    Override: overrides,
    **{cls: events_of(cls) for cls in EVENT_BUILDERS},
    PatientRecord: records(),
}
"""A strategy for every concrete attrs type of the model and the sided anatomy targets."""
