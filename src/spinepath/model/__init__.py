"""The typed, immutable domain model: patients, findings, interventions, outcomes, records."""

from __future__ import annotations

from spinepath.model.events import (
    ClinicalVisit,
    Discharge,
    DischargeReason,
    Event,
    HealthUpdate,
    ImagingOrder,
    ImagingReason,
    ImagingStudy,
    OutcomeReport,
    Override,
    PostureReview,
    SurgicalConsultation,
    Urgency,
    VisitPurpose,
)
from spinepath.model.exam import (
    MotorFinding,
    MyelopathySigns,
    NeuroExam,
    Reflex,
    ReflexFinding,
    SensoryChange,
    SensoryFinding,
)
from spinepath.model.imaging import (
    IMAGING_FINDINGS,
    CentralStenosis,
    DiscHerniation,
    FacetArthropathy,
    ForaminalStenosis,
    HerniationZone,
    ImagingFinding,
    Instability,
    InstabilityKind,
    Modality,
    StenosisGrade,
)
from spinepath.model.interventions import (
    AnteriorCervicalDiscectomyFusion,
    Approach,
    CervicalEpiduralSteroidInjection,
    GreaterOccipitalNerveBlock,
    Intervention,
    MedialBranchBlock,
    Medication,
    MedicationTrial,
    PhysicalTherapyCourse,
    PhysicalTherapyFocus,
    PosteriorLaminoforaminotomy,
    RadiofrequencyAblation,
    RegenerativeKind,
    RegenerativeTherapy,
    SelectiveNerveRootBlock,
    SpinalCordStimulatorImplant,
    SpinalCordStimulatorTrial,
    Steroid,
    Surgery,
)
from spinepath.model.outcomes import Complication, FunctionalChange, Outcome
from spinepath.model.patient import AsaClass, HealthFactors, Patient, Sex
from spinepath.model.posture import PostureAssessment, PostureFinding
from spinepath.model.record import PatientRecord
from spinepath.model.safety import (
    Antithrombotic,
    AntithromboticUse,
    Decision,
    DrugStatus,
    LabResult,
    LabTest,
    PsychologicalEvaluation,
    SeriousPathologyScreen,
    SharedDecision,
)
from spinepath.model.symptoms import (
    HeadachePattern,
    NdiScale,
    NeckDisabilityIndex,
    QualityOfLifeImpact,
    Symptoms,
    Trajectory,
)

AnyEvent = (
    ClinicalVisit
    | PostureReview
    | ImagingOrder
    | ImagingStudy
    | SurgicalConsultation
    | OutcomeReport
    | HealthUpdate
    | Discharge
    | CervicalEpiduralSteroidInjection
    | SelectiveNerveRootBlock
    | MedialBranchBlock
    | RadiofrequencyAblation
    | GreaterOccipitalNerveBlock
    | MedicationTrial
    | PhysicalTherapyCourse
    | SpinalCordStimulatorTrial
    | SpinalCordStimulatorImplant
    | RegenerativeTherapy
    | AnteriorCervicalDiscectomyFusion
    | PosteriorLaminoforaminotomy
    | AntithromboticUse
    | SeriousPathologyScreen
    | LabResult
    | PsychologicalEvaluation
    | SharedDecision
)
"""Every concrete event type; JSON documents tag each with its ``kind``."""

EVENT_TYPES: tuple[type[Event], ...] = AnyEvent.__args__
"""The members of :data:`AnyEvent`, every concrete event type, as a tuple."""

INTERVENTION_TYPES: tuple[type[Intervention], ...] = tuple(
    t for t in EVENT_TYPES if issubclass(t, Intervention)
)
"""The event types that are interventions (injections, blocks, ablations, operations, ...)."""

__all__ = [
    "EVENT_TYPES",
    "IMAGING_FINDINGS",
    "INTERVENTION_TYPES",
    "AnteriorCervicalDiscectomyFusion",
    "Antithrombotic",
    "AntithromboticUse",
    "AnyEvent",
    "Approach",
    "AsaClass",
    "CentralStenosis",
    "CervicalEpiduralSteroidInjection",
    "ClinicalVisit",
    "Complication",
    "Decision",
    "DiscHerniation",
    "Discharge",
    "DischargeReason",
    "DrugStatus",
    "Event",
    "FacetArthropathy",
    "ForaminalStenosis",
    "FunctionalChange",
    "GreaterOccipitalNerveBlock",
    "HeadachePattern",
    "HealthFactors",
    "HealthUpdate",
    "HerniationZone",
    "ImagingFinding",
    "ImagingOrder",
    "ImagingReason",
    "ImagingStudy",
    "Instability",
    "InstabilityKind",
    "Intervention",
    "LabResult",
    "LabTest",
    "MedialBranchBlock",
    "Medication",
    "MedicationTrial",
    "Modality",
    "MotorFinding",
    "MyelopathySigns",
    "NdiScale",
    "NeckDisabilityIndex",
    "NeuroExam",
    "Outcome",
    "OutcomeReport",
    "Override",
    "Patient",
    "PatientRecord",
    "PhysicalTherapyCourse",
    "PhysicalTherapyFocus",
    "PosteriorLaminoforaminotomy",
    "PostureAssessment",
    "PostureFinding",
    "PostureReview",
    "PsychologicalEvaluation",
    "QualityOfLifeImpact",
    "RadiofrequencyAblation",
    "Reflex",
    "ReflexFinding",
    "RegenerativeKind",
    "RegenerativeTherapy",
    "SelectiveNerveRootBlock",
    "SensoryChange",
    "SensoryFinding",
    "SeriousPathologyScreen",
    "Sex",
    "SharedDecision",
    "SpinalCordStimulatorImplant",
    "SpinalCordStimulatorTrial",
    "StenosisGrade",
    "Steroid",
    "Surgery",
    "SurgicalConsultation",
    "Symptoms",
    "Trajectory",
    "Urgency",
    "VisitPurpose",
]
