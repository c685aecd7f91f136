"""A worked walk-through of one patient: assess, choose, apply, report the outcome, assess again.

The patient is the shipped ``facet-axial-neck-pain`` example: a 64-year-old man with axial
right-sided neck pain, facet arthropathy at C4-5 and C5-6 on the right, and an interlaminar
CESI that gave 10% relief. ``docs/walkthrough.md`` shows this code and its output step by
step; ``tests/test_docs.py`` runs it and checks the page still matches.

Run it with ``python examples/walkthrough.py``.
"""

from __future__ import annotations

import datetime as dt

import spinepath
from spinepath import (
    CONSENSUS_2022,
    STRICT_PAYER,
    Action,
    ActionKind,
    Assessment,
    IllegalTransition,
    Outcome,
    OutcomeReport,
    Segment,
    Side,
)


def show(assessment: Assessment) -> None:
    """Print the phase and the ranked recommendations, each with its first reason."""
    print(f"phase: {assessment.phase.label} (as of {assessment.as_of})")
    for option in assessment.recommended:
        urgent = " URGENT" if option.urgent else ""
        print(f"  {option.rank}.{urgent} {option.action}")
        print(f"       {option.reasons[0]}")


# Step 1: where does the patient stand?
record = spinepath.examples.load("facet-axial-neck-pain")
print("== Step 1: assess the record as it stands")
show(spinepath.assess(record))

# Step 2: the ablation itself is not legal yet: S6 wants a positive block first.
print("== Step 2: try to go straight to RFA")
day = record.events[-1].date + dt.timedelta(days=14)
right = Side.RIGHT
both_levels = (Segment.C4_5, Segment.C5_6)
rfa = Action(kind=ActionKind.RADIOFREQUENCY_ABLATION, segments=both_levels, side=right)
try:
    spinepath.apply(record, spinepath.make_event(rfa, id="rfa-1", date=day))
except IllegalTransition as refused:
    print(refused)

# Step 3: do the recommended diagnostic block, at both levels in one sitting.
print("== Step 3: medial branch block at C4-5 and C5-6 right")
mbb = Action(
    kind=ActionKind.MEDIAL_BRANCH_BLOCK, segments=both_levels, side=right, series_position=1
)
print(spinepath.evaluate(record, mbb, as_of=day).status)
record = spinepath.apply(record, spinepath.make_event(mbb, id="mbb-1", date=day))

# Step 4: the block's outcome, reported the same day: 80% relief of the usual neck pain.
print("== Step 4: report the block's outcome and assess under both profiles")
relief = Outcome(pain_before=7, pain_after=1, relief_percent=80, concordant=True)
report = OutcomeReport(id="mbb-1-outcome", date=day, intervention_id="mbb-1", outcome=relief)
record = spinepath.apply(record, report)  # outcome reports are always legal
for profile in (CONSENSUS_2022, STRICT_PAYER):
    option = spinepath.evaluate(record, rfa, profile)
    print(f"{profile.name}: {option.status}", *option.failed, sep="\n    ")
show(spinepath.assess(record, CONSENSUS_2022))

# Step 5: perform the ablation and, three months later, report how it went.
print("== Step 5: RFA, then its outcome at three months")
record = spinepath.apply(record, spinepath.make_event(rfa, id="rfa-1", date=day + dt.timedelta(7)))
followup = day + dt.timedelta(days=97)
lasting = Outcome(pain_before=7, pain_after=2, relief_percent=75)
report = OutcomeReport(id="rfa-1-outcome", date=followup, intervention_id="rfa-1", outcome=lasting)
record = spinepath.apply(record, report)
show(spinepath.assess(record))
