"""Rules: the action vocabulary, condition expressions, named facts, the S0-S16 catalogue and
guideline profiles."""

from __future__ import annotations

from spinepath.rules.actions import Action, ActionKind
from spinepath.rules.catalogue import RULE_IDS, RULES, Rule, rules_for
from spinepath.rules.expressions import All, AnyOf, Condition, Explanation, Fact, Not
from spinepath.rules.facts import FACTS, FactDefinition, RecordFacts
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

__all__ = [
    "CONSENSUS_2022",
    "FACTS",
    "PROFILES",
    "RULES",
    "RULE_IDS",
    "STRICT_PAYER",
    "Action",
    "ActionKind",
    "All",
    "AnyOf",
    "Condition",
    "Explanation",
    "Fact",
    "FactDefinition",
    "Figure",
    "Grade",
    "Not",
    "Profile",
    "RecordFacts",
    "Rule",
    "Threshold",
    "profile_named",
    "rules_for",
]
