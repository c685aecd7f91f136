"""A peer baseline for ``spinepath.assess``: the same candidate decision in python-statemachine.

Benchmark-only. spinepath's own ``assess`` judges ~21 candidate next steps against the rule
catalogue and sorts them into recommended (urgent first, then ``Action.sort_key``), allowed and
blocked. This module makes the same decision with a general-purpose state machine library
(``python-statemachine`` 3.2.x), so the benchmarks can report a peer figure measured in the same
run, on the same records and machine, as spinepath's own ``assess``.

The peer gets a head start: :func:`build_peer` precomputes every fact value the catalogue's
conditions mention, for every candidate, into a plain dict keyed by ``(fact name, candidate
index)`` ("facts precomputed"), and builds one ``StateMachine`` with a single state and, per
candidate ``i``, two self-transition events: ``c<i>`` guarded by "not blocked" and ``f<i>``
guarded by "favoured". The guards read the dict at call time with the engine's rule semantics
(a rule applies when it has no scope or its scope holds; a failed ``requires`` blocks; else a
holding ``favours`` favours). The callable it returns only asks the machine for its enabled
events and sorts the answer (urgency, for the order of the recommended ones, is a plain guard
called outside the machine): no fact computation and no reason texts, unlike ``assess``.

Requires ``python-statemachine>=3.2,<4`` (not a dependency of spinepath). Check agreement with
``agrees(record, profile)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from statemachine import State, StateMachine

import spinepath as sp
from spinepath.pathway.engine import candidates
from spinepath.rules.actions import Action
from spinepath.rules.catalogue import Rule, rules_for
from spinepath.rules.expressions import Condition
from spinepath.rules.facts import RecordFacts

__all__ = ["Decision", "agrees", "build_peer"]

Decision = tuple[list[Action], list[Action], list[Action]]
"""(recommended in the engine's order, allowed, blocked), allowed and blocked in candidate order."""

Values = dict[tuple[str, int], bool]
Check = Callable[[], bool]


def build_peer(record: sp.PatientRecord, profile: sp.Profile) -> Callable[[], Decision]:
    """Precompute the facts and the machine for ``record``; return the decision as a callable.

    Judged as of the record's last event (as ``assess`` does by default). Everything but asking
    the machine for its enabled events and sorting happens here, outside the callable.
    """
    day = record.last_date or record.patient.birth_date
    facts = RecordFacts(record, profile, day)
    actions = candidates(facts)
    values: Values = {}
    legal: list[Check] = []
    favoured: list[Check] = []
    urgent: list[Check] = []
    for i, action in enumerate(actions):
        rules = rules_for(action.kind)
        for name in sorted(_names(rules)):
            values[name, i] = facts.holds(name, action)
        legal.append(_guard(_legal_source(rules, i), values))
        favoured.append(_guard(_favoured_source(rules, i, urgent_only=False), values))
        urgent.append(_guard(_favoured_source(rules, i, urgent_only=True), values))

    machine = _machine(legal, favoured)
    events = [(f"c{i}", f"f{i}") for i in range(len(actions))]

    def decide() -> Decision:
        enabled: list[Any] = machine.enabled_events()
        ids = {event.id for event in enabled}
        allowed: list[Action] = []
        blocked: list[Action] = []
        ranked: list[tuple[bool, tuple[int, str], int]] = []
        for i, (action, (legal_id, favoured_id)) in enumerate(zip(actions, events, strict=True)):
            if legal_id not in ids:
                blocked.append(action)
            elif favoured_id in ids:
                ranked.append((not urgent[i](), action.sort_key, i))
            else:
                allowed.append(action)
        ranked.sort()
        return [actions[i] for _, _, i in ranked], allowed, blocked

    return decide


def agrees(record: sp.PatientRecord, profile: sp.Profile) -> bool:
    """Whether the peer's decision matches ``spinepath.assess(record, profile)``: the same sets
    of recommended, allowed and blocked actions, and the recommended ones in the same order."""
    recommended, allowed, blocked = build_peer(record, profile)()
    assessment = sp.assess(record, profile)
    engine = (
        [o.action for o in assessment.recommended],
        [o.action for o in assessment.allowed],
        [o.action for o in assessment.blocked],
    )
    return (
        recommended == engine[0]
        and set(allowed) == set(engine[1])
        and set(blocked) == set(engine[2])
        and len(allowed) == len(engine[1])
        and len(blocked) == len(engine[2])
    )


# -- the machine -----------------------------------------------------------------------------------


def _machine(legal: Sequence[Check], favoured: Sequence[Check]) -> Any:
    """One machine, one state, and per candidate ``i`` the self-transitions ``c<i>`` (guarded by
    "not blocked") and ``f<i>`` (guarded by "favoured"), in candidate order."""
    idle = State(initial=True)
    attrs: dict[str, Any] = {"idle": idle}
    for i, (is_legal, is_favoured) in enumerate(zip(legal, favoured, strict=True)):
        attrs[f"c{i}"] = idle.to.itself(cond=is_legal)  # type: ignore[no-untyped-call]
        attrs[f"f{i}"] = idle.to.itself(cond=is_favoured)  # type: ignore[no-untyped-call]
    # The metaclass registers classes by name; reusing one name keeps the registry from growing.
    cls = type("PeerPathwayMachine", (StateMachine,), attrs)
    return cls()


# -- rule semantics as guards ----------------------------------------------------------------------


def _names(rules: Sequence[Rule]) -> set[str]:
    """Every fact name any condition of ``rules`` mentions."""
    return {
        name for rule in rules for _, condition in rule.conditions() for name in condition.names()
    }


def _expr(condition: Condition, i: int) -> str:
    """``condition`` as a Python expression over ``V``, the precomputed dict, for candidate i."""
    return condition.python(lambda name: f"V[{name!r}, {i}]")


def _legal_source(rules: Sequence[Rule], i: int) -> str:
    """Not blocked: no rule in scope whose ``requires`` fails."""
    parts = []
    for rule in rules:
        if rule.requires is None:
            continue
        requires = _expr(rule.requires, i)
        if rule.scope is None:
            parts.append(requires)
        else:
            parts.append(f"(not {_expr(rule.scope, i)} or {requires})")
    return " and ".join(parts) or "True"


def _favoured_source(rules: Sequence[Rule], i: int, *, urgent_only: bool) -> str:
    """Favoured (or, with ``urgent_only``, favoured by an urgent rule): some rule in scope whose
    ``requires`` holds (or is absent) and whose ``favours`` holds."""
    parts = []
    for rule in rules:
        if rule.favours is None or (urgent_only and not rule.urgent):
            continue
        conjuncts = [c for c in (rule.scope, rule.requires, rule.favours) if c is not None]
        parts.append("(" + " and ".join(_expr(c, i) for c in conjuncts) + ")")
    return " or ".join(parts) or "False"


def _guard(source: str, values: Values) -> Check:
    """A zero-argument guard that evaluates ``source`` against ``values`` when called."""
    guard: Check = eval(f"lambda: {source}", {"V": values})
    return guard
