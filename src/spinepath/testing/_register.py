"""Hypothesis entry point: registers spinepath's strategies so ``st.from_type`` finds them.

Hypothesis calls :func:`_hypothesis_setup_hook` when it is imported, in any suite of an
environment where spinepath is installed (``pyproject.toml`` declares the ``hypothesis`` entry
point). Each registration is a ``st.deferred`` strategy that imports
:mod:`spinepath.testing.strategies` only when first drawn from, so the hook costs little more
than importing spinepath's model. ``st.from_type(spinepath.PatientRecord)`` gives legal,
engine-walked records; enums need no registration (Hypothesis samples their members).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

__all__: list[str] = []

# Type (module, class name) -> name of its strategy in spinepath.testing.strategies.
_STRATEGIES: dict[tuple[str, str], str] = {
    ("spinepath.anatomy", "FacetJoint"): "facet_joints",
    ("spinepath.anatomy", "SpinalNerve"): "spinal_nerves",
    ("spinepath.anatomy", "Foramen"): "foramina",
    ("spinepath.model", "HealthFactors"): "health_factors",
    ("spinepath.model", "Patient"): "patients",
    ("spinepath.model", "NeckDisabilityIndex"): "neck_disability_indices",
    ("spinepath.model", "Symptoms"): "symptoms",
    ("spinepath.model", "MotorFinding"): "motor_findings",
    ("spinepath.model", "SensoryFinding"): "sensory_findings",
    ("spinepath.model", "ReflexFinding"): "reflex_findings",
    ("spinepath.model", "MyelopathySigns"): "myelopathy_signs",
    ("spinepath.model", "NeuroExam"): "neuro_exams",
    ("spinepath.model", "DiscHerniation"): "disc_herniations",
    ("spinepath.model", "ForaminalStenosis"): "foraminal_stenoses",
    ("spinepath.model", "CentralStenosis"): "central_stenoses",
    ("spinepath.model", "FacetArthropathy"): "facet_arthropathies",
    ("spinepath.model", "Instability"): "instabilities",
    ("spinepath.model", "Outcome"): "outcomes",
    ("spinepath.model", "PostureAssessment"): "posture_assessments",
    ("spinepath.model", "Override"): "overrides",
    ("spinepath.model", "Event"): "events",
    ("spinepath.model", "Intervention"): "interventions",
    ("spinepath.model", "Surgery"): "surgeries",
    ("spinepath.model", "ClinicalVisit"): "clinical_visits",
    ("spinepath.model", "PostureReview"): "posture_reviews",
    ("spinepath.model", "ImagingOrder"): "imaging_orders",
    ("spinepath.model", "ImagingStudy"): "imaging_studies",
    ("spinepath.model", "SurgicalConsultation"): "surgical_consultations",
    ("spinepath.model", "OutcomeReport"): "outcome_reports",
    ("spinepath.model", "HealthUpdate"): "health_updates",
    ("spinepath.model", "Discharge"): "discharges",
    ("spinepath.model", "AntithromboticUse"): "antithrombotic_uses",
    ("spinepath.model", "SeriousPathologyScreen"): "serious_pathology_screens",
    ("spinepath.model", "LabResult"): "lab_results",
    ("spinepath.model", "PsychologicalEvaluation"): "psychological_evaluations",
    ("spinepath.model", "SharedDecision"): "shared_decisions",
    ("spinepath.model", "CervicalEpiduralSteroidInjection"): "cervical_epidural_steroid_injections",
    ("spinepath.model", "SelectiveNerveRootBlock"): "selective_nerve_root_blocks",
    ("spinepath.model", "MedialBranchBlock"): "medial_branch_blocks",
    ("spinepath.model", "RadiofrequencyAblation"): "radiofrequency_ablations",
    ("spinepath.model", "GreaterOccipitalNerveBlock"): "greater_occipital_nerve_blocks",
    ("spinepath.model", "MedicationTrial"): "medication_trials",
    ("spinepath.model", "PhysicalTherapyCourse"): "physical_therapy_courses",
    ("spinepath.model", "SpinalCordStimulatorTrial"): "spinal_cord_stimulator_trials",
    ("spinepath.model", "SpinalCordStimulatorImplant"): "spinal_cord_stimulator_implants",
    ("spinepath.model", "RegenerativeTherapy"): "regenerative_therapies",
    ("spinepath.model", "AnteriorCervicalDiscectomyFusion"): "anterior_cervical_discectomy_fusions",
    ("spinepath.model", "PosteriorLaminoforaminotomy"): "posterior_laminoforaminotomies",
    ("spinepath.model", "PatientRecord"): "patient_records",
    ("spinepath.rules", "Action"): "actions",
    ("spinepath.rules", "Threshold"): "thresholds",
    ("spinepath.rules", "Figure"): "figures",
    ("spinepath.rules", "Profile"): "profiles",
    ("spinepath.pathway", "Assessment"): "assessments",
    ("spinepath.pathway", "Option"): "options",
    ("spinepath.pathway", "Reason"): "reasons",
}


def _strategy(name: str) -> Callable[[], Any]:
    """A thunk for the strategy ``name`` of spinepath.testing.strategies, imported on use."""

    def build() -> Any:
        return getattr(importlib.import_module("spinepath.testing.strategies"), name)()

    return build


def _hypothesis_setup_hook() -> None:
    """Called by Hypothesis at import; registration is lazy so importing stays cheap."""
    from hypothesis import strategies as st

    for (module, cls_name), name in _STRATEGIES.items():
        cls = getattr(importlib.import_module(module), cls_name)
        st.register_type_strategy(cls, st.deferred(_strategy(name)))
