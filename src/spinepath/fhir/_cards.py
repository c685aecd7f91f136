"""CDS Hooks 2.0 cards from an assessment: what a clinician sees in the EHR."""

from __future__ import annotations

import uuid
from typing import Any

from spinepath.errors import Problem
from spinepath.fhir._resources import service_request
from spinepath.pathway import Assessment, Option

__all__ = ["OVERRIDE_REASONS", "SUMMARY_LIMIT", "blocked_card", "cards", "reading_card"]

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
    ``info`` otherwise, with a suggestion to create its ServiceRequest; red flags first, the
    assessment's notes (what is missing or too early to judge) last, as an ``info`` card."""
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
    if assessment.notes:
        found.append(
            {
                "uuid": _uid("notes", *assessment.notes),
                "summary": _summary("Note: " + assessment.notes[0]),
                "detail": "\n".join(f"- {note}" for note in assessment.notes),
                "indicator": "info",
                "source": {"label": "spinepath"},
            }
        )
    return found


def reading_card(notes: tuple[Problem, ...] | list[Problem]) -> dict[str, Any] | None:
    """An ``info`` card telling the clinician which resources of the EHR's record were not
    read or were read with an assumption (``fhir.read_bundle``'s notes, ``recognised``
    diagnoses left out), so the advice is not taken as based on data it never saw; None when
    everything was read."""
    shown = [n for n in notes if n.code != "recognised"]
    if not shown:
        return None
    ignored = sum(n.code == "ignored" for n in shown)
    assumed = len(shown) - ignored
    parts = [f"{ignored} not read"] if ignored else []
    parts += [f"{assumed} read with an assumption"] if assumed else []
    return {
        "uuid": _uid("reading", *(f"{n.path}{n.message}" for n in shown)),
        "summary": _summary(f"Record read from the EHR: {' and '.join(parts)} (see detail)"),
        "detail": "\n".join(f"- {n.message}" for n in shown),
        "indicator": "info",
        "source": {"label": "spinepath FHIR reader (docs/fhir.md)"},
    }


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
