"""Worked examples for every model type: valid values, derived properties, refused values."""

from __future__ import annotations

import datetime as dt
import pathlib
import re
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import spinepath.model as model
from spinepath.anatomy import FacetJoint, Foramen, NerveRoot, Segment, Side, SpinalNerve
from spinepath.errors import InvalidValue
from spinepath.model import (
    EVENT_TYPES,
    INTERVENTION_TYPES,
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
    Surgery,
    SurgicalConsultation,
    Symptoms,
    Urgency,
    VisitPurpose,
)

L, R, B, C = Side.LEFT, Side.RIGHT, Side.BILATERAL, Side.CENTRAL
DOCS = pathlib.Path(__file__).resolve().parent.parent / "docs" / "model.md"
DAY = dt.date(2024, 3, 1)


def refused(field: str, match: str | None = None) -> Any:
    """``pytest.raises(InvalidValue)`` that also checks the field the error names."""
    return _Refused(field, match)


class _Refused:
    def __init__(self, field: str, match: str | None) -> None:
        self.field = field
        self.match = match
        self.raises = pytest.raises(InvalidValue, match=match)

    def __enter__(self) -> None:
        self.info = self.raises.__enter__()

    def __exit__(self, *exc: Any) -> bool:
        suppressed = self.raises.__exit__(*exc)
        assert self.info.value.field == self.field
        return bool(suppressed)


# -- events and kinds ---------------------------------------------------------------------------
def test_event_kinds_are_unique_and_named() -> None:
    kinds = [t.kind for t in EVENT_TYPES]
    assert len(set(kinds)) == len(kinds) == 25
    assert "event" not in kinds
    assert all(issubclass(t, model.Intervention) for t in INTERVENTION_TYPES)
    assert CervicalEpiduralSteroidInjection in INTERVENTION_TYPES
    assert ClinicalVisit.kind not in {t.kind for t in INTERVENTION_TYPES}
    assert issubclass(AnteriorCervicalDiscectomyFusion, Surgery)


def test_diagnostic_and_epidural_flags() -> None:
    assert SelectiveNerveRootBlock.diagnostic
    assert SelectiveNerveRootBlock.epidural
    assert MedialBranchBlock.diagnostic
    assert not MedialBranchBlock.epidural
    assert CervicalEpiduralSteroidInjection.epidural
    assert not CervicalEpiduralSteroidInjection.diagnostic
    assert not RadiofrequencyAblation.diagnostic


@pytest.mark.parametrize("bad", ["", "-x", "has space", "x" * 65, "naïve"])
def test_identifiers_are_opaque_tokens(bad: str) -> None:
    with refused("id", "must be 1-64"):
        Discharge(id=bad, date=DAY, reason=DischargeReason.PATIENT_CHOICE)


def test_event_date_must_be_a_date_not_a_datetime() -> None:
    with refused("date", "expected a date"):
        Discharge(
            id="d1",
            date=dt.datetime(2024, 1, 1, 9, 0),
            reason=DischargeReason.PATIENT_CHOICE,
        )
    with refused("date"):
        Discharge(id="d1", date="2024-01-01", reason=DischargeReason.PATIENT_CHOICE)  # type: ignore[arg-type]


def test_override_keeps_reason_and_rules() -> None:
    override = Override(reason="Patient declined MBB; proceeding after discussion", rules=("S6",))
    event = RadiofrequencyAblation(
        id="rfa-1", date=DAY, segments=(Segment.C4_5,), side=R, override=override
    )
    assert event.override is override
    with refused("reason", "blank"):
        Override(reason="   ")
    with refused("reason", "longer than 1000"):
        Override(reason="x" * 1001)
    with refused("rules", "listed twice"):
        Override(reason="ok", rules=("S6", "S6"))


def test_events_are_frozen_and_evolve() -> None:
    visit = SurgicalConsultation(id="c1", date=DAY, urgency=Urgency.ROUTINE)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        visit.urgency = Urgency.URGENT  # type: ignore[misc]
    urgent = attrs.evolve(visit, urgency=Urgency.URGENT)
    assert urgent.urgency is Urgency.URGENT
    assert visit.urgency is Urgency.ROUTINE
    with refused("urgency"):
        attrs.evolve(visit, urgency="urgent")  # type: ignore[arg-type]


# -- patient ------------------------------------------------------------------------------------
def test_patient_age_and_health() -> None:
    patient = Patient(id="pt-1", birth_date=dt.date(1970, 6, 15), sex=Sex.FEMALE)
    assert patient.age_on(dt.date(2024, 6, 14)) == 53
    assert patient.age_on(dt.date(2024, 6, 15)) == 54
    assert patient.health == HealthFactors()
    assert not patient.health.bleeding_risk
    assert HealthFactors(anticoagulated=True).bleeding_risk
    assert HealthFactors(bleeding_disorder=True).bleeding_risk
    assert HealthFactors(asa_class=AsaClass.III).asa_class == 3


def test_patient_refusals() -> None:
    with refused("health.pregnant", "recorded as male"):
        Patient(
            id="p",
            birth_date=dt.date(1980, 1, 1),
            sex=Sex.MALE,
            health=HealthFactors(pregnant=True),
        )
    with refused("sex"):
        Patient(id="p", birth_date=dt.date(1980, 1, 1), sex="male")  # type: ignore[arg-type]
    with refused("asa_class"):
        HealthFactors(asa_class=3)  # type: ignore[arg-type]
    with refused("diabetes", "expected bool"):
        HealthFactors(diabetes=1)  # type: ignore[arg-type]


# -- symptoms -----------------------------------------------------------------------------------
def test_symptoms() -> None:
    symptoms = Symptoms(
        arm_pain=7,
        neck_pain=3,
        radiating=(SpinalNerve(NerveRoot.C6, L),),
        headache=HeadachePattern.CERVICOGENIC_HEADACHE,
        headache_side=L,
    )
    assert symptoms.worst_pain == 7
    with refused("headache_side", "headache is none"):
        Symptoms(arm_pain=1, neck_pain=1, headache_side=L)
    with refused("headache_side", "not left, right or bilateral"):
        Symptoms(
            arm_pain=1,
            neck_pain=1,
            headache=HeadachePattern.OCCIPITAL_NEURALGIA,
            headache_side=C,
        )
    with refused("radiating", "listed twice"):
        Symptoms(arm_pain=1, neck_pain=1, radiating=(SpinalNerve(NerveRoot.C6, L),) * 2)


@given(st.integers().filter(lambda n: not 0 <= n <= 10), st.sampled_from(["arm_pain", "neck_pain"]))
def test_nrs_outside_0_to_10_is_refused(score: int, field: str) -> None:
    values: dict[str, Any] = {"arm_pain": 5, "neck_pain": 5, field: score}
    with refused(field):
        Symptoms(**values)


@given(st.sampled_from([True, 5.0, "5", None]))
def test_nrs_must_be_a_whole_number(score: object) -> None:
    with refused("arm_pain", "whole number"):
        Symptoms(arm_pain=score, neck_pain=0)  # type: ignore[arg-type]


def test_neck_disability_index_scales() -> None:
    points = NeckDisabilityIndex(20)
    assert points.scale is NdiScale.POINTS_50
    assert points.percent == 40.0
    assert NeckDisabilityIndex(40, NdiScale.PERCENT_100).percent == 40.0
    assert NeckDisabilityIndex(50).percent == 100.0
    assert NdiScale.POINTS_50.maximum == 50.0
    with refused("score", "above 50"):
        NeckDisabilityIndex(60)
    with refused("score", "above 100"):
        NeckDisabilityIndex(101, NdiScale.PERCENT_100)
    with refused("score", "below 0"):
        NeckDisabilityIndex(-1)
    with refused("score", "not a finite"):
        NeckDisabilityIndex(float("nan"))


# -- exam ---------------------------------------------------------------------------------------
def test_neuro_exam() -> None:
    exam = NeuroExam(
        motor=(MotorFinding(NerveRoot.C6, L, 4), MotorFinding(NerveRoot.C7, L, 5)),
        sensory=(SensoryFinding(NerveRoot.C6, L, SensoryChange.DIMINISHED),),
        reflexes=(ReflexFinding(Reflex.BRACHIORADIALIS, L, 1),),
        mjoa=17,
    )
    assert exam.strength(NerveRoot.C6, L) == 4
    assert exam.strength(NerveRoot.C6, R) is None
    assert exam.weakness == (MotorFinding(NerveRoot.C6, L, 4),)
    assert not exam.myelopathy
    assert Reflex.BICEPS.root is NerveRoot.C5
    assert Reflex.BRACHIORADIALIS.root is NerveRoot.C6
    assert Reflex.TRICEPS.root is NerveRoot.C7


def test_neuro_exam_refusals() -> None:
    with refused("motor[1]", "examined twice"):
        NeuroExam(motor=(MotorFinding(NerveRoot.C6, L, 4), MotorFinding(NerveRoot.C6, L, 3)))
    with refused("reflexes[1]", "examined twice"):
        NeuroExam(reflexes=(ReflexFinding(Reflex.BICEPS, R, 2),) * 2)
    with refused("mjoa", "above 18"):
        NeuroExam(mjoa=19)
    with refused("motor[0]", "expected MotorFinding"):
        NeuroExam(motor=("C6 4/5",))  # type: ignore[arg-type]
    with refused("root", "no limb myotome"):
        MotorFinding(NerveRoot.C4, L, 5)
    with refused("grade", "above 5"):
        MotorFinding(NerveRoot.C5, L, 6)
    with refused("grade", "above 4"):
        ReflexFinding(Reflex.TRICEPS, L, 5)
    with refused("side", "not left or right"):
        SensoryFinding(NerveRoot.C6, B, SensoryChange.ABSENT)


def test_myelopathy_signs() -> None:
    signs = MyelopathySigns(hoffmann=True, gait_disturbance=True)
    assert signs
    assert signs.present == ("hoffmann", "gait_disturbance")
    assert not MyelopathySigns()
    assert MyelopathySigns().present == ()


# -- imaging ------------------------------------------------------------------------------------
def test_imaging_findings() -> None:
    assert Modality.MRI.shows_soft_tissue
    assert Modality.CT.shows_soft_tissue
    assert not Modality.XRAY.shows_soft_tissue
    assert StenosisGrade.SEVERE.rank > StenosisGrade.MODERATE.rank > StenosisGrade.MILD.rank
    central = DiscHerniation(segment=Segment.C5_6, side=C, zone=HerniationZone.CENTRAL)
    assert central.kind == "disc_herniation"
    with refused("side", "central herniation cannot be left"):
        DiscHerniation(segment=Segment.C5_6, side=L, zone=HerniationZone.CENTRAL)
    with refused("side", "foraminal herniation cannot be central"):
        DiscHerniation(segment=Segment.C5_6, side=C, zone=HerniationZone.FORAMINAL)
    with refused("side", "not left, right or bilateral"):
        ForaminalStenosis(segment=Segment.C5_6, side=C, grade=StenosisGrade.MILD)
    with refused("side"):
        FacetArthropathy(segment=Segment.C4_5, side=C)
    with refused("translation_mm", "above 30"):
        Instability(segment=Segment.C4_5, form=InstabilityKind.SPONDYLOLISTHESIS, translation_mm=31)
    assert (
        Instability(segment=Segment.C4_5, form=InstabilityKind.INSTABILITY).translation_mm is None
    )


def test_imaging_study_xray_restrictions() -> None:
    bone = (
        FacetArthropathy(segment=Segment.C4_5, side=R),
        CentralStenosis(segment=Segment.C5_6, grade=StenosisGrade.MODERATE, cord_compression=True),
    )
    study = ImagingStudy(id="x1", date=DAY, modality=Modality.XRAY, findings=bone)
    assert study.findings == bone
    herniation = DiscHerniation(segment=Segment.C5_6, side=L, zone=HerniationZone.FORAMINAL)
    with refused("findings[1]", "disc_herniation cannot be seen on xray"):
        ImagingStudy(id="x1", date=DAY, modality=Modality.XRAY, findings=(bone[0], herniation))
    signal = CentralStenosis(
        segment=Segment.C5_6, grade=StenosisGrade.SEVERE, cord_signal_change=True
    )
    with refused("findings[0].cord_signal_change", "cannot be seen on xray"):
        ImagingStudy(id="x1", date=DAY, modality=Modality.XRAY, findings=(signal,))
    mri = ImagingStudy(id="m1", date=DAY, modality=Modality.MRI, findings=(herniation, signal))
    assert len(mri.findings) == 2
    with refused("findings", "listed twice"):
        ImagingStudy(id="m1", date=DAY, modality=Modality.MRI, findings=(herniation, herniation))
    with refused("findings[0]", "expected DiscHerniation"):
        ImagingStudy(id="m1", date=DAY, modality=Modality.MRI, findings=("C5-6 disc",))  # type: ignore[arg-type]


def test_imaging_order_and_posture_review() -> None:
    order = ImagingOrder(
        id="o1", date=DAY, modality=Modality.MRI, reason=ImagingReason.SYMPTOMS_CHANGED
    )
    assert order.kind == "imaging_order"
    assessment = PostureAssessment(forward_head_posture=True, thoracic_stiffness=False)
    assert assessment.needs_correction
    assert not PostureAssessment(
        forward_head_posture=False, thoracic_stiffness=False
    ).needs_correction
    assert PostureAssessment(
        forward_head_posture=False,
        thoracic_stiffness=False,
        findings=(PostureFinding.ROUNDED_SHOULDERS,),
    ).needs_correction
    with refused("craniovertebral_angle_degrees", "above 90"):
        PostureAssessment(
            forward_head_posture=True, thoracic_stiffness=True, craniovertebral_angle_degrees=91
        )
    review = PostureReview(id="pr", date=DAY, assessment=assessment)
    assert review.assessment is assessment


# -- interventions ------------------------------------------------------------------------------
def test_cesi() -> None:
    tf = CervicalEpiduralSteroidInjection(
        id="c1", date=DAY, approach=Approach.TRANSFORAMINAL, segment=Segment.C5_6, side=L
    )
    assert tf.nerve == SpinalNerve(NerveRoot.C6, L)
    assert tf.steroid is Steroid.DEXAMETHASONE
    assert not tf.particulate
    il = CervicalEpiduralSteroidInjection(
        id="c2",
        date=DAY,
        approach=Approach.INTERLAMINAR,
        segment=Segment.C7_T1,
        side=C,
        steroid=Steroid.TRIAMCINOLONE,
        particulate=True,
    )
    assert il.nerve is None
    with refused("side", "transforaminal injection is left or right"):
        CervicalEpiduralSteroidInjection(
            id="c3", date=DAY, approach=Approach.TRANSFORAMINAL, segment=Segment.C5_6, side=C
        )
    with refused("particulate", "non-particulate"):
        CervicalEpiduralSteroidInjection(
            id="c3",
            date=DAY,
            approach=Approach.INTERLAMINAR,
            segment=Segment.C7_T1,
            side=C,
            particulate=True,
        )


def test_blocks_and_ablation_targets() -> None:
    snrb = SelectiveNerveRootBlock(id="s1", date=DAY, root=NerveRoot.C7, side=R)
    assert snrb.nerve == SpinalNerve(NerveRoot.C7, R)
    mbb = MedialBranchBlock(id="m1", date=DAY, segments=(Segment.C4_5, Segment.C5_6), side=B)
    assert mbb.series_position == 1
    assert mbb.joints == (
        FacetJoint(Segment.C4_5, L),
        FacetJoint(Segment.C4_5, R),
        FacetJoint(Segment.C5_6, L),
        FacetJoint(Segment.C5_6, R),
    )
    rfa = RadiofrequencyAblation(id="r1", date=DAY, segments=(Segment.C5_6,), side=R)
    assert rfa.joints == (FacetJoint(Segment.C5_6, R),)
    with refused("segments", "must not be empty"):
        MedialBranchBlock(id="m2", date=DAY, segments=(), side=L)
    with refused("segments", "anatomical order"):
        MedialBranchBlock(id="m2", date=DAY, segments=(Segment.C5_6, Segment.C4_5), side=L)
    with refused("segments", "listed twice"):
        RadiofrequencyAblation(id="r2", date=DAY, segments=(Segment.C5_6,) * 2, side=L)
    with refused("series_position", "above 2"):
        MedialBranchBlock(id="m2", date=DAY, segments=(Segment.C4_5,), side=L, series_position=3)
    with refused("side", "not left or right"):
        SelectiveNerveRootBlock(id="s2", date=DAY, root=NerveRoot.C7, side=B)
    gon = GreaterOccipitalNerveBlock(id="g1", date=DAY, side=B)
    assert gon.diagnostic
    with refused("side", "not left, right or bilateral"):
        GreaterOccipitalNerveBlock(id="g2", date=DAY, side=C)


def test_medication_trial_dose_limits() -> None:
    assert Medication.GABAPENTIN.max_daily_mg == 3600
    assert Medication.PREGABALIN.max_daily_mg == 600
    top = MedicationTrial(id="t1", date=DAY, drug=Medication.GABAPENTIN, daily_dose_mg=3600)
    assert top.stop_date is None
    MedicationTrial(id="t2", date=DAY, drug=Medication.PREGABALIN, daily_dose_mg=600)
    with refused("daily_dose_mg", "above the labelled gabapentin maximum of 3600"):
        MedicationTrial(id="t3", date=DAY, drug=Medication.GABAPENTIN, daily_dose_mg=3601)
    with refused("daily_dose_mg", "above the labelled pregabalin maximum of 600"):
        MedicationTrial(id="t3", date=DAY, drug=Medication.PREGABALIN, daily_dose_mg=601)
    with refused("daily_dose_mg", "below"):
        MedicationTrial(id="t3", date=DAY, drug=Medication.PREGABALIN, daily_dose_mg=0)
    with refused("stop_date", "before the start"):
        MedicationTrial(
            id="t3",
            date=DAY,
            drug=Medication.PREGABALIN,
            daily_dose_mg=150,
            stop_date=DAY - dt.timedelta(days=1),
        )


def test_physical_therapy_course() -> None:
    course = PhysicalTherapyCourse(
        id="pt1",
        date=DAY,
        focus=(PhysicalTherapyFocus.DEEP_STABILISATION, PhysicalTherapyFocus.THORACIC_MOBILITY),
        sessions=12,
        end_date=DAY + dt.timedelta(days=42),
    )
    assert course.advanced
    assert not PhysicalTherapyCourse(
        id="pt2", date=DAY, focus=(PhysicalTherapyFocus.GENERAL,)
    ).advanced
    with refused("focus", "must not be empty"):
        PhysicalTherapyCourse(id="pt3", date=DAY, focus=())
    with refused("sessions", "below 1"):
        PhysicalTherapyCourse(id="pt3", date=DAY, focus=(PhysicalTherapyFocus.CORE,), sessions=0)
    with refused("end_date", "before the start"):
        PhysicalTherapyCourse(
            id="pt3",
            date=DAY,
            focus=(PhysicalTherapyFocus.CORE,),
            end_date=DAY - dt.timedelta(days=1),
        )


def test_advanced_and_surgical_interventions() -> None:
    assert SpinalCordStimulatorTrial(id="t", date=DAY).diagnostic
    assert SpinalCordStimulatorImplant(id="i", date=DAY).kind == "spinal_cord_stimulator_implant"
    regen = RegenerativeTherapy(id="r", date=DAY, therapy=RegenerativeKind.PLATELET_RICH_PLASMA)
    assert regen.segment is None
    acdf = AnteriorCervicalDiscectomyFusion(id="a", date=DAY, segments=(Segment.C5_6, Segment.C6_7))
    assert isinstance(acdf, Surgery)
    with refused("segments", "C4-5 and C6-7 are not contiguous"):
        AnteriorCervicalDiscectomyFusion(id="a", date=DAY, segments=(Segment.C4_5, Segment.C6_7))
    plf = PosteriorLaminoforaminotomy(id="p", date=DAY, segment=Segment.C6_7, side=L)
    assert plf.foramen == Foramen(Segment.C6_7, L)
    assert plf.foramen.nerve == SpinalNerve(NerveRoot.C7, L)
    with refused("side"):
        PosteriorLaminoforaminotomy(id="p", date=DAY, segment=Segment.C6_7, side=B)


# -- outcomes -----------------------------------------------------------------------------------
def test_outcome_relief() -> None:
    assert Outcome(pain_before=8, pain_after=2).relief == 75.0
    assert Outcome(pain_before=8, pain_after=2, relief_percent=60).relief == 60.0
    assert Outcome(pain_before=5, pain_after=7).relief == 0.0
    assert Outcome(pain_before=0, pain_after=0).relief == 0.0
    assert Outcome(pain_before=5, pain_after=7).pain_change == -2
    assert Outcome(pain_before=7, pain_after=6).pain_change == 1


def test_outcome_refusals() -> None:
    with refused("relief_percent", "140 is above 100"):
        Outcome(pain_before=7, pain_after=1, relief_percent=140)
    with refused("relief_duration_days", "below 0"):
        Outcome(pain_before=7, pain_after=1, relief_duration_days=-1)
    with refused("complications", "listed twice"):
        Outcome(
            pain_before=7,
            pain_after=1,
            complications=(Complication.DYSPHAGIA, Complication.DYSPHAGIA),
        )
    with refused("concordant", "expected bool"):
        Outcome(pain_before=7, pain_after=1, concordant=1)  # type: ignore[arg-type]
    outcome = Outcome(
        pain_before=7,
        pain_after=3,
        function=FunctionalChange.IMPROVED,
        ndi_after=NeckDisabilityIndex(10),
    )
    assert outcome.ndi_after is not None
    assert outcome.ndi_after.percent == 20.0


@given(st.floats(allow_nan=False).filter(lambda x: not 0 <= x <= 100))
def test_relief_outside_0_to_100_is_refused(percent: float) -> None:
    with refused("relief_percent"):
        Outcome(pain_before=5, pain_after=5, relief_percent=percent)


def test_complication_seriousness() -> None:
    assert Complication.EPIDURAL_HAEMATOMA.serious
    assert Complication.C5_PALSY.serious
    assert not Complication.VASOVAGAL_REACTION.serious
    assert not Complication.DYSPHAGIA.serious


def test_care_events() -> None:
    visit = ClinicalVisit(
        id="v1",
        date=DAY,
        purpose=VisitPurpose.RE_EVALUATION,
        symptoms=Symptoms(arm_pain=6, neck_pain=2),
    )
    assert visit.exam is None
    assert visit.override is None
    report = OutcomeReport(
        id="o1", date=DAY, intervention_id="c1", outcome=Outcome(pain_before=6, pain_after=5)
    )
    assert report.outcome.relief == pytest.approx(100 / 6)
    with refused("intervention_id"):
        OutcomeReport(
            id="o1",
            date=DAY,
            intervention_id="not an id",
            outcome=Outcome(pain_before=6, pain_after=5),
        )
    update = HealthUpdate(id="h1", date=DAY, health=HealthFactors(anticoagulated=True))
    assert update.health.bleeding_risk
    with refused("symptoms"):
        ClinicalVisit(id="v1", date=DAY, purpose=VisitPurpose.INTAKE, symptoms=None)  # type: ignore[arg-type]


def test_the_model_reference_describes_every_type() -> None:
    text = DOCS.read_text()
    for name in model.__all__:
        if isinstance(getattr(model, name), type):
            assert re.search(rf"\b{name}\b", text), name
    for cls in EVENT_TYPES:
        assert f"(`{cls.kind}`" in text, cls.kind
