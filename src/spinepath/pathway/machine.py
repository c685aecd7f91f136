"""The phase machine: which phase each action leads to, every move the phase of a record can
make (with its rule ids, and whether it needs an override), the main path, and the phase a
record is in. The moves are generated, not drawn by hand; the definition is checked when this
module is imported.

A record's phase is tracked by its fact state (:mod:`spinepath.rules.state`): every action moves
the patient into :data:`ACTION_PHASE` of its kind, whatever phase they were in, and a reported
outcome can move them on (see :data:`OUTCOME_MOVES`). So from each phase there is a move to the
phase of every action kind, and to the target of every outcome move.
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Iterable

import attrs

from spinepath.model import PatientRecord
from spinepath.rules.actions import ActionKind
from spinepath.rules.catalogue import RULE_IDS, RULES, rules_for
from spinepath.rules.phases import ACTION_PHASE, ENTRY, Phase
from spinepath.rules.profiles import Profile
from spinepath.rules.state import fold_all, initial_state, state_of

__all__ = [
    "ACTION_PHASE",
    "ENTRY",
    "MAIN_PATH",
    "OFF_PATHWAY",
    "OUTCOME_MOVES",
    "TRANSITIONS",
    "Cause",
    "MoveGroup",
    "OutcomeMove",
    "Transition",
    "grouped",
    "phase_of",
    "transitions",
]

P = Phase


class Cause(enum.StrEnum):
    """What makes a move: an action recorded, or a reported outcome (or a post-operative visit)."""

    ACTION = "action"
    OUTCOME = "outcome"


@attrs.frozen
class Transition:
    """A move of the phase machine from one phase to another, with the rules behind it.

    ``actions`` are the kinds of action that make it (empty for an outcome move); ``override``
    says that the engine never allows them in ``source``, so the move is legal only with a
    recorded :class:`~spinepath.model.Override`; ``main`` marks a step of :data:`MAIN_PATH`.
    """

    source: Phase
    target: Phase
    rules: tuple[str, ...]
    label: str
    cause: Cause = Cause.ACTION
    actions: tuple[ActionKind, ...] = ()
    override: bool = False
    main: bool = False


@attrs.frozen
class OutcomeMove:
    """A move the fact state makes when an outcome is reported (or a post-operative visit is
    recorded), from each phase in ``sources``."""

    sources: frozenset[Phase]
    target: Phase
    rules: tuple[str, ...]
    label: str


_EVERY_PHASE = frozenset(Phase)
OUTCOME_MOVES: tuple[OutcomeMove, ...] = (
    # rules.state._phase_after_outcome: adequate relief from a treatment (not a diagnostic
    # block), or from a CESI adequate relief that lasted, whichever phase the patient is in
    # when the outcome is reported
    OutcomeMove(_EVERY_PHASE, P.MAINTENANCE, ("S0",), "adequate, lasting relief reported"),
    # ... a CESI that failed
    OutcomeMove(_EVERY_PHASE, P.RE_EVALUATION, ("S0", "S1"), "CESI failure reported"),
    # ... an operation's outcome, whatever it is
    OutcomeMove(_EVERY_PHASE, P.POST_OPERATIVE, ("S14", "S15"), "operation's outcome reported"),
    # rules.state (visits): a post-operative visit after the operation
    OutcomeMove(frozenset({P.SURGERY}), P.POST_OPERATIVE, ("S14", "S15"), "post-operative visit"),
)
"""The moves an outcome report or a post-operative visit makes (the other events that change
the phase besides actions), as :mod:`spinepath.rules.state` folds them. A failed treatment, and
the outcome of a diagnostic block, leave the phase as it is."""

OFF_PATHWAY: frozenset[tuple[Phase, ActionKind]] = frozenset()
"""Actions the engine never allows in a phase: taken there, they are legal only with a
recorded override, and their moves are drawn dashed.

Empty: the engine judges an action by the facts of the record (:mod:`spinepath.rules.facts`),
never by its phase, and every kind of action is legal in every phase for some record
(``tests/test_moves.py`` shows one record for each phase and kind under each profile). An
action is still blocked, and needs an override, whenever its own preconditions fail."""

_A, _O = Cause.ACTION, Cause.OUTCOME
MAIN_PATH: tuple[tuple[Phase, Phase, Cause, str], ...] = (
    (P.CESI_OUTCOME, P.MAINTENANCE, _O, "the CESI worked"),
    (P.CESI_OUTCOME, P.RE_EVALUATION, _O, "the CESI failed"),
    (P.RE_EVALUATION, P.TARGETED_NON_SURGICAL, _A, "treat the source"),
    (P.TARGETED_NON_SURGICAL, P.ADVANCED_INTERVENTIONAL, _A, "RFA and blocks failed"),
    (P.ADVANCED_INTERVENTIONAL, P.SURGICAL_CONSULTATION, _A, "non-surgical care failed"),
    (P.SURGICAL_CONSULTATION, P.SURGERY, _A, "correlating lesion"),
    (P.SURGERY, P.POST_OPERATIVE, _O, "operation done"),
    (P.POST_OPERATIVE, P.MAINTENANCE, _A, "recovered: discharge"),
)
"""The article's order of phases (pathway.md): each step, what makes it (an action or an
outcome) and why it is taken. Diagrams emphasise these moves; every other move is possible too."""


def transitions(
    action_phase: dict[ActionKind, Phase] = ACTION_PHASE,
    outcome_moves: Iterable[OutcomeMove] = OUTCOME_MOVES,
    off_pathway: frozenset[tuple[Phase, ActionKind]] = OFF_PATHWAY,
    main_path: Iterable[tuple[Phase, Phase, Cause, str]] = MAIN_PATH,
) -> tuple[Transition, ...]:
    """Every move between two different phases: from each phase, one per target phase of the
    actions (split by whether they need an override there) and one per outcome move.

    A move that keeps the phase (an imaging order during re-evaluation) is not listed."""
    main = {(source, target, cause) for source, target, cause, _ in main_path}
    outcomes = tuple(outcome_moves)
    found: list[Transition] = []
    for source in Phase:
        for target in Phase:
            if target is source:
                continue
            kinds = [k for k in ActionKind if action_phase.get(k) is target]
            for override in (False, True):
                chosen = tuple(k for k in kinds if ((source, k) in off_pathway) is override)
                if chosen:
                    found.append(
                        Transition(
                            source=source,
                            target=target,
                            rules=_rule_ids(r.id for k in chosen for r in rules_for(k)),
                            label=", ".join(k.label for k in chosen),
                            actions=chosen,
                            override=override,
                            main=not override and (source, target, Cause.ACTION) in main,
                        )
                    )
            found.extend(
                Transition(
                    source=source,
                    target=target,
                    rules=move.rules,
                    label=move.label,
                    cause=Cause.OUTCOME,
                    main=(source, target, Cause.OUTCOME) in main,
                )
                for move in outcomes
                if move.target is target and source in move.sources
            )
    return tuple(found)


def _rule_ids(ids: Iterable[str]) -> tuple[str, ...]:
    """Distinct rule ids of pathway.md in its order (the safety rules SF1-SF7 judge actions,
    they move no phase)."""
    return tuple(sorted(set(ids) & set(RULE_IDS), key=RULE_IDS.index))


TRANSITIONS: tuple[Transition, ...] = transitions()
"""Every move of the phase machine (:func:`transitions` of the shipped definition)."""


@attrs.frozen
class MoveGroup:
    """The same move into ``target`` (same actions or outcome, rules and need of an override)
    from each phase of ``sources``."""

    sources: tuple[Phase, ...]
    target: Phase
    cause: Cause
    override: bool
    label: str
    rules: tuple[str, ...]
    actions: tuple[ActionKind, ...]

    @property
    def from_every_other_phase(self) -> bool:
        return set(self.sources) == set(Phase) - {self.target}


def grouped(moves: Iterable[Transition] = TRANSITIONS) -> tuple[MoveGroup, ...]:
    """``moves`` gathered by what they do, by target phase (in the order of :class:`Phase`) and
    then in order of first appearance: the rows of the moves table, and the edges from "any
    other phase" of the diagrams."""
    groups: dict[tuple[object, ...], list[Transition]] = {}
    for t in moves:
        same = (t.target, t.cause, t.override, t.label, t.rules, t.actions)
        groups.setdefault(same, []).append(t)
    return tuple(
        MoveGroup(
            sources=tuple(t.source for t in group),
            target=first.target,
            cause=first.cause,
            override=first.override,
            label=first.label,
            rules=first.rules,
            actions=first.actions,
        )
        for group in sorted(groups.values(), key=lambda g: _ORDER.index(g[0].target))
        for first in group[:1]
    )


_ORDER = list(Phase)


def phase_of(record: PatientRecord, profile: Profile, upto: int | None = None) -> Phase:
    """The phase a record is in after its first ``upto`` events (all of them by default).

    Each action moves the patient into its phase; a reported outcome can move them on: adequate
    relief from a treatment to maintenance, a failed CESI to re-evaluation, an operation's
    outcome to post-operative follow-up. Other events leave the phase as it is. The phase is
    tracked by the record's fact state (:mod:`spinepath.rules.state`).
    """
    if upto is None or upto >= len(record.events):
        return state_of(record, profile).phase
    return fold_all(initial_state(record.patient, profile), record.events[:upto]).phase


def _check_machine() -> None:
    """Every phase reachable from the entry and able to reach maintenance without overrides,
    every rule id known and on some move, every action with a phase, the main path made of
    moves the pathway allows."""
    problems: list[str] = []
    phases = set(Phase)
    edges: dict[Phase, set[Phase]] = {p: set() for p in phases}
    for t in TRANSITIONS:
        if not t.override:
            edges[t.source].add(t.target)
        problems += [
            f"{t.source}->{t.target} cites unknown rule {r}" for r in t.rules if r not in RULE_IDS
        ]
    for source, target, cause, _ in MAIN_PATH:
        if not any(
            t.main for t in TRANSITIONS if (t.source, t.target, t.cause) == (source, target, cause)
        ):
            problems.append(f"main path step {source}->{target} is no {cause} move of the pathway")
    reached = _reachable(edges, ENTRY)
    problems += [f"phase {p} is not reachable from {ENTRY}" for p in sorted(phases - reached)]
    for phase in sorted(phases):
        if P.MAINTENANCE not in _reachable(edges, phase):
            problems.append(f"phase {phase} is a trap: maintenance cannot be reached from it")
        if not edges[phase] - {phase}:
            problems.append(f"phase {phase} is a trap: no transition leaves it")
    problems += [f"action {k} has no phase" for k in ActionKind if k not in ACTION_PHASE]
    drawn = {r for t in TRANSITIONS for r in t.rules}
    problems += [f"rule {r} labels no transition" for r in RULE_IDS if r not in drawn]
    for rule in RULES:
        for kind in rule.actions:
            if kind not in ACTION_PHASE:
                problems.append(f"rule {rule.id} concerns {kind}, which has no phase")
    if problems:
        raise RuntimeError("broken phase machine:\n  " + "\n  ".join(problems))


def _reachable(edges: dict[Phase, set[Phase]], start: Phase) -> set[Phase]:
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in edges[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


_check_machine()
