"""Deterministic legal patient histories of a chosen length, made by walking the engine.

Used by the benchmarks so that every run measures the same records: a seeded choice among the
legal options at each step, with outcomes for interventions, on the facet example's patient.
"""

from __future__ import annotations

import datetime as dt
import random

import spinepath as sp
from spinepath.examples import load

_POSTURE = sp.PostureAssessment(forward_head_posture=True, thoracic_stiffness=False)


def history(
    n_events: int, seed: int = 7, example: str = "facet-axial-neck-pain"
) -> sp.PatientRecord:
    """A legal record of exactly ``n_events`` events, grown from a shipped example."""
    rng = random.Random(seed)
    record = load(example)
    while len(record.events) > n_events:
        record = sp.PatientRecord(record.patient, record.events[:n_events])
    step = 0
    while len(record.events) < n_events:
        step += 1
        day = (record.last_date or dt.date(2024, 1, 1)) + dt.timedelta(days=rng.randint(0, 30))
        assessment = sp.assess(record, as_of=day)
        legal = [*assessment.recommended, *assessment.allowed]
        option = rng.choice(
            assessment.recommended[:3] if rng.random() < 0.7 and assessment.recommended else legal
        )
        extra = (
            {"assessment": _POSTURE} if option.action.kind is sp.ActionKind.POSTURE_REVIEW else {}
        )
        event = sp.make_event(option.action, id=f"b{step}", date=day, record=record, **extra)
        record = sp.apply(record, event)
        if isinstance(event, sp.Intervention) and len(record.events) < n_events:
            before = rng.randint(4, 9)
            after = rng.randint(0, before)
            outcome = sp.Outcome(
                pain_before=before,
                pain_after=after,
                relief_duration_days=rng.choice([None, 10, 60, 200]),
                concordant=rng.random() < 0.8,
            )
            record = sp.apply(
                record,
                sp.OutcomeReport(
                    id=f"b{step}o",
                    date=day + dt.timedelta(days=rng.randint(0, 14)),
                    intervention_id=event.id,
                    outcome=outcome,
                ),
            )
    return record
