"""The kinds of next step the pathway can take: the options a patient is offered and decides on.

They live in the model, below the rules, because a record keeps the patient's decisions about
them (:class:`~spinepath.model.SharedDecision`); :mod:`spinepath.rules.actions` gives each a
concrete target.
"""

from __future__ import annotations

import enum

__all__ = ["ActionKind"]


class ActionKind(enum.StrEnum):
    """Kinds of next step, in the order of the article's phases."""

    DISCHARGE = "discharge"
    RE_EVALUATION = "re_evaluation"
    IMAGING = "imaging"
    POSTURE_REVIEW = "posture_review"
    SELECTIVE_NERVE_ROOT_BLOCK = "selective_nerve_root_block"
    CESI = "cesi"
    MEDIAL_BRANCH_BLOCK = "medial_branch_block"
    RADIOFREQUENCY_ABLATION = "radiofrequency_ablation"
    GREATER_OCCIPITAL_NERVE_BLOCK = "greater_occipital_nerve_block"
    MEDICATION_TRIAL = "medication_trial"
    ADVANCED_PHYSICAL_THERAPY = "advanced_physical_therapy"
    SPINAL_CORD_STIMULATOR_TRIAL = "spinal_cord_stimulator_trial"
    SPINAL_CORD_STIMULATOR_IMPLANT = "spinal_cord_stimulator_implant"
    REGENERATIVE_THERAPY = "regenerative_therapy"
    SURGICAL_CONSULTATION = "surgical_consultation"
    ACDF = "acdf"
    LAMINOFORAMINOTOMY = "laminoforaminotomy"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    ActionKind.DISCHARGE: "Discharge to maintenance",
    ActionKind.RE_EVALUATION: "Re-evaluation visit",
    ActionKind.IMAGING: "Updated imaging",
    ActionKind.POSTURE_REVIEW: "Posture and mechanics review",
    ActionKind.SELECTIVE_NERVE_ROOT_BLOCK: "Selective nerve root block",
    ActionKind.CESI: "Cervical epidural steroid injection",
    ActionKind.MEDIAL_BRANCH_BLOCK: "Medial branch block",
    ActionKind.RADIOFREQUENCY_ABLATION: "Radiofrequency ablation",
    ActionKind.GREATER_OCCIPITAL_NERVE_BLOCK: "Greater occipital nerve block",
    ActionKind.MEDICATION_TRIAL: "Nerve-stabilising medication",
    ActionKind.ADVANCED_PHYSICAL_THERAPY: "Advanced physical therapy",
    ActionKind.SPINAL_CORD_STIMULATOR_TRIAL: "Spinal cord stimulator trial",
    ActionKind.SPINAL_CORD_STIMULATOR_IMPLANT: "Spinal cord stimulator implant",
    ActionKind.REGENERATIVE_THERAPY: "Regenerative therapy",
    ActionKind.SURGICAL_CONSULTATION: "Surgical consultation",
    ActionKind.ACDF: "ACDF",
    ActionKind.LAMINOFORAMINOTOMY: "Posterior laminoforaminotomy",
}
