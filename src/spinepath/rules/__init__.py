"""Rules: the action vocabulary, condition expressions, the fact state folded from a record's
events, named facts read from it, the S0-S16 catalogue and guideline profiles."""

from __future__ import annotations

from spinepath.rules.actions import Action, ActionKind
from spinepath.rules.catalogue import RULE_IDS, RULES, SAFETY_RULE_IDS, Rule, rules_for
from spinepath.rules.expressions import All, AnyOf, Condition, Explanation, Fact, Not
from spinepath.rules.facts import FACTS, FactDefinition, Facts, RecordFacts
from spinepath.rules.phases import ACTION_PHASE, ENTRY, Phase
from spinepath.rules.profiles import (
    CONSENSUS_2022,
    PROFILES,
    STRICT_PAYER,
    Figure,
    Grade,
    Profile,
    Threshold,
    profile_named,
)
from spinepath.rules.state import FactState, fold, fold_all, initial_state, state_of

__all__ = [
    "ACTION_PHASE",
    "CONSENSUS_2022",
    "ENTRY",
    "FACTS",
    "PROFILES",
    "RULES",
    "RULE_IDS",
    "SAFETY_RULE_IDS",
    "STRICT_PAYER",
    "Action",
    "ActionKind",
    "All",
    "AnyOf",
    "Condition",
    "Explanation",
    "Fact",
    "FactDefinition",
    "FactState",
    "Facts",
    "Figure",
    "Grade",
    "Not",
    "Phase",
    "Profile",
    "RecordFacts",
    "Rule",
    "Threshold",
    "fold",
    "fold_all",
    "initial_state",
    "profile_named",
    "rules_for",
    "state_of",
]
