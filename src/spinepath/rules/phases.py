"""The phases of the pathway (pathway.md), in the article's order, and the phase each action
moves a patient into.

They live beside the action vocabulary because the fact state (:mod:`.state`) tracks the phase
as it folds events; :mod:`spinepath.pathway` draws the machine over them.
"""

from __future__ import annotations

import enum

from spinepath.rules.actions import ActionKind

__all__ = ["ACTION_PHASE", "ENTRY", "Phase"]


class Phase(enum.StrEnum):
    """Where a patient is on the pathway, derived from the record's events."""

    CESI_OUTCOME = "cesi_outcome"
    RE_EVALUATION = "re_evaluation"
    TARGETED_NON_SURGICAL = "targeted_non_surgical"
    ADVANCED_INTERVENTIONAL = "advanced_interventional"
    SURGICAL_CONSULTATION = "surgical_consultation"
    SURGERY = "surgery"
    POST_OPERATIVE = "post_operative"
    MAINTENANCE = "maintenance"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Phase.CESI_OUTCOME: "CESI outcome",
    Phase.RE_EVALUATION: "Re-evaluation",
    Phase.TARGETED_NON_SURGICAL: "Targeted non-surgical",
    Phase.ADVANCED_INTERVENTIONAL: "Advanced interventional",
    Phase.SURGICAL_CONSULTATION: "Surgical consultation",
    Phase.SURGERY: "Surgery",
    Phase.POST_OPERATIVE: "Post-operative follow-up",
    Phase.MAINTENANCE: "Maintenance / discharge",
}

ENTRY = Phase.CESI_OUTCOME
"""Where every record starts: a CESI whose outcome is awaited or known."""

_P, _K = Phase, ActionKind
ACTION_PHASE: dict[ActionKind, Phase] = {
    _K.DISCHARGE: _P.MAINTENANCE,
    _K.RE_EVALUATION: _P.RE_EVALUATION,
    _K.IMAGING: _P.RE_EVALUATION,
    _K.POSTURE_REVIEW: _P.RE_EVALUATION,
    _K.SELECTIVE_NERVE_ROOT_BLOCK: _P.RE_EVALUATION,
    _K.CESI: _P.CESI_OUTCOME,
    _K.MEDIAL_BRANCH_BLOCK: _P.TARGETED_NON_SURGICAL,
    _K.RADIOFREQUENCY_ABLATION: _P.TARGETED_NON_SURGICAL,
    _K.GREATER_OCCIPITAL_NERVE_BLOCK: _P.TARGETED_NON_SURGICAL,
    _K.MEDICATION_TRIAL: _P.TARGETED_NON_SURGICAL,
    _K.ADVANCED_PHYSICAL_THERAPY: _P.TARGETED_NON_SURGICAL,
    _K.SPINAL_CORD_STIMULATOR_TRIAL: _P.ADVANCED_INTERVENTIONAL,
    _K.SPINAL_CORD_STIMULATOR_IMPLANT: _P.ADVANCED_INTERVENTIONAL,
    _K.REGENERATIVE_THERAPY: _P.ADVANCED_INTERVENTIONAL,
    _K.SURGICAL_CONSULTATION: _P.SURGICAL_CONSULTATION,
    _K.ACDF: _P.SURGERY,
    _K.LAMINOFORAMINOTOMY: _P.SURGERY,
}
"""The phase each action moves the patient into."""
