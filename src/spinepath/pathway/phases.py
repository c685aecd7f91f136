"""The phases of the pathway (pathway.md), in the article's order."""

from __future__ import annotations

import enum

__all__ = ["Phase"]


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
