"""The form tests/data/assessments.json.gz freezes an assessment in (the 0.2.0 ``to_dict``).

The corpus compares answers, not document shapes, so it keeps the form it was written in;
``Assessment.to_dict()`` now writes the assessment document (docs/assessment.schema.json).
"""

from __future__ import annotations

from typing import Any

import spinepath as sp

_TARGETS = ("segments", "side", "root", "approach", "drug", "urgency", "modality")


def frozen_form(assessment: sp.Assessment) -> dict[str, Any]:
    """``assessment`` as the corpus holds it (schema_version 1 of the old ``to_dict``)."""
    return {
        "schema_version": 1,
        "as_of": assessment.as_of.isoformat(),
        "profile": assessment.profile,
        "phase": assessment.phase.value,
        "red_flags": list(assessment.red_flags),
        "notes": list(assessment.notes),
        "recommended": [_option(o) for o in assessment.recommended],
        "allowed": [_option(o) for o in assessment.allowed],
        "blocked": [_option(o) for o in assessment.blocked],
    }


def _option(option: sp.Option) -> dict[str, Any]:
    action = option.action
    target = {
        name: [str(v) for v in value] if isinstance(value, tuple) else value
        for name in (*_TARGETS, "series_position")
        if (value := getattr(action, name)) not in (None, ())
    }
    document: dict[str, Any] = {"action": action.kind.value, "target": target, "text": str(action)}
    if option.rank is not None:
        document["rank"] = option.rank
        document["urgent"] = option.urgent
    blocked = option.status is sp.Status.BLOCKED
    document["failed" if blocked else "reasons"] = [
        {"rule": r.rule, "text": r.text, "citation": r.citation}
        for r in (option.failed if blocked else option.reasons)
    ]
    return document
