"""The pathway: phases, the machine definition, assess() and apply()."""

from __future__ import annotations

from spinepath.pathway.assessment import (
    Assessment,
    Option,
    Reason,
    RedFlag,
    RedFlagCode,
    Status,
    option_id,
)
from spinepath.pathway.diagram import diagram
from spinepath.pathway.document import assessment_schema
from spinepath.pathway.engine import apply, assess, candidates, check, evaluate
from spinepath.pathway.events import action_of, make_event
from spinepath.pathway.machine import ACTION_PHASE, ENTRY, TRANSITIONS, Transition, phase_of
from spinepath.pathway.phases import Phase

__all__ = [
    "ACTION_PHASE",
    "ENTRY",
    "TRANSITIONS",
    "Assessment",
    "Option",
    "Phase",
    "Reason",
    "RedFlag",
    "RedFlagCode",
    "Status",
    "Transition",
    "action_of",
    "apply",
    "assess",
    "assessment_schema",
    "candidates",
    "check",
    "diagram",
    "evaluate",
    "make_event",
    "option_id",
    "phase_of",
]
