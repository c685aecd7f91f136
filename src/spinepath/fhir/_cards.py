"""CDS Hooks 2.0 cards from an assessment: what a clinician sees in the EHR."""

from __future__ import annotations

import uuid
from typing import Any

from spinepath.fhir._resources import service_request
from spinepath.pathway import Assessment, Option

__all__ = ["OVERRIDE_REASONS", "SUMMARY_LIMIT", "blocked_card", "cards"]

SUMMARY_LIMIT = 140
"""CDS Hooks: a card's summary is under 140 characters."""

_SYSTEM = "https://spinepath.invalid/override-reason"
OVERRIDE_REASONS: tuple[dict[str, str], ...] = (
    {"system": _SYSTEM, "code": "clinical-judgement", "display": "Clinical judgement"},
    {"system": _SYSTEM, "code": "patient-preference", "display": "Patient preference"},
    {"system": _SYSTEM, "code": "outside-information", "display": "Information not in the record"},
)
"""Reasons a clinician may give for going ahead with a blocked option (spinepath's own code
system, not a standard terminology)."""


def _summary(text: str) -> str:
    return text if len(text) < SUMMARY_LIMIT else text[: SUMMARY_LIMIT - 4] + "..."


def _uid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "spinepath:" + "|".join(parts)))


def _source(option: Option) -> dict[str, Any]:
    reasons = option.reasons if option.legal else option.failed
    rules = ", ".join(dict.fromkeys(r.rule for r in reasons)) or "spinepath"
    citation = reasons[0].citation if reasons else ""
    label = f"spinepath {rules}" + (f" ({citation})" if citation else "")
    return {"label": label}


def cards(assessment: Assessment, subject: str) -> list[dict[str, Any]]:
    """One card per recommended option, in rank order: ``critical`` for an urgent one,
    ``info`` otherwise, with a suggestion to create its ServiceRequest; red flags first."""
    found: list[dict[str, Any]] = []
    if assessment.red_flags:
        found.append(
            {
                "uuid": _uid("red-flags", *assessment.red_flags),
                "summary": _summary("Red flag: " + "; ".join(assessment.red_flags)),
                "detail": "\n".join(f"- {flag}" for flag in assessment.red_flags),
                "indicator": "critical",
                "source": {"label": "spinepath S12"},
            }
        )
    for option in assessment.recommended:
        request = service_request(option.action, subject, option_id=option.id)
        found.append(
            {
                "uuid": _uid(option.id),
                "summary": _summary(f"{option.rank}. {option.action}"),
                "detail": "\n".join(f"- {r}" for r in option.reasons),
                "indicator": "critical" if option.urgent else "info",
                "source": _source(option),
                "suggestions": [
                    {
                        "label": _summary(f"Order {option.action}"),
                        "uuid": _uid("suggest", option.id),
                        "actions": [
                            {
                                "type": "create",
                                "description": f"Propose {option.action}",
                                "resource": request,
                            }
                        ],
                    }
                ],
            }
        )
    return found


def blocked_card(option: Option) -> dict[str, Any]:
    """A ``warning`` card for an order the pathway blocks, naming every failed precondition,
    with reasons the clinician may give to go ahead anyway."""
    return {
        "uuid": _uid("blocked", option.id),
        "summary": _summary(f"Not indicated now: {option.action}"),
        "detail": "\n".join(f"- {r}" for r in option.failed),
        "indicator": "warning",
        "source": _source(option),
        "overrideReasons": list(OVERRIDE_REASONS),
    }
