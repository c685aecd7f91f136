"""The phase machine: which phase each action leads to, the drawn transitions with their rule
ids, and the phase a record is in. The definition is checked when this module is imported.
"""

from __future__ import annotations

from collections import deque

import attrs

from spinepath.model import PatientRecord
from spinepath.rules.actions import ActionKind
from spinepath.rules.catalogue import RULE_IDS, RULES
from spinepath.rules.phases import ACTION_PHASE, ENTRY, Phase
from spinepath.rules.profiles import Profile
from spinepath.rules.state import fold_all, initial_state, state_of

__all__ = ["ACTION_PHASE", "ENTRY", "TRANSITIONS", "Transition", "phase_of"]

P = Phase


@attrs.frozen
class Transition:
    """A drawn edge of the phase machine, labelled with the rules behind it."""

    source: Phase
    target: Phase
    rules: tuple[str, ...]
    label: str


_T = Transition
TRANSITIONS: tuple[Transition, ...] = (
    _T(P.CESI_OUTCOME, P.MAINTENANCE, ("S0",), "adequate, lasting relief"),
    _T(P.CESI_OUTCOME, P.RE_EVALUATION, ("S0", "S1"), "CESI failed: re-evaluate"),
    _T(P.RE_EVALUATION, P.RE_EVALUATION, ("S2", "S3", "S4"), "imaging, SNRB, posture review"),
    _T(P.RE_EVALUATION, P.CESI_OUTCOME, ("S5",), "targeted injection at a confirmed root"),
    _T(P.RE_EVALUATION, P.TARGETED_NON_SURGICAL, ("S6", "S7", "S8", "S9"), "treat the source"),
    _T(P.TARGETED_NON_SURGICAL, P.TARGETED_NON_SURGICAL, ("S6",), "MBB then RFA"),
    _T(P.TARGETED_NON_SURGICAL, P.MAINTENANCE, ("S0",), "adequate relief"),
    _T(P.TARGETED_NON_SURGICAL, P.ADVANCED_INTERVENTIONAL, ("S10",), "RFA and blocks failed"),
    _T(P.TARGETED_NON_SURGICAL, P.SURGICAL_CONSULTATION, ("S11",), "non-surgical care failed"),
    _T(P.ADVANCED_INTERVENTIONAL, P.MAINTENANCE, ("S0",), "adequate relief"),
    _T(
        P.ADVANCED_INTERVENTIONAL, P.SURGICAL_CONSULTATION, ("S11",), "all non-surgical care failed"
    ),
    _T(P.CESI_OUTCOME, P.SURGICAL_CONSULTATION, ("S12",), "red flag"),
    _T(P.RE_EVALUATION, P.SURGICAL_CONSULTATION, ("S12",), "red flag"),
    _T(P.TARGETED_NON_SURGICAL, P.SURGICAL_CONSULTATION, ("S12",), "red flag"),
    _T(P.ADVANCED_INTERVENTIONAL, P.SURGICAL_CONSULTATION, ("S12",), "red flag"),
    _T(P.MAINTENANCE, P.SURGICAL_CONSULTATION, ("S12",), "red flag"),
    _T(P.POST_OPERATIVE, P.SURGICAL_CONSULTATION, ("S12",), "red flag"),
    _T(P.SURGERY, P.SURGICAL_CONSULTATION, ("S12",), "red flag"),
    _T(P.SURGICAL_CONSULTATION, P.SURGICAL_CONSULTATION, ("S12",), "new red flag"),
    _T(P.SURGICAL_CONSULTATION, P.SURGERY, ("S13", "S14", "S15", "S16"), "correlating lesion"),
    _T(P.SURGICAL_CONSULTATION, P.TARGETED_NON_SURGICAL, ("S16",), "non-operative care"),
    _T(P.SURGERY, P.POST_OPERATIVE, ("S14", "S15"), "operation done"),
    _T(P.POST_OPERATIVE, P.MAINTENANCE, ("S0",), "adequate relief"),
    _T(P.POST_OPERATIVE, P.RE_EVALUATION, ("S1",), "persistent symptoms"),
    _T(P.MAINTENANCE, P.CESI_OUTCOME, ("S0",), "pain returns: repeat injection"),
    _T(P.MAINTENANCE, P.RE_EVALUATION, ("S1",), "pain returns: re-evaluate"),
)
"""The drawn edges of the phase machine (what :func:`diagram` and ``docs/pathway.md`` show)."""


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
    problems: list[str] = []
    phases = set(Phase)
    edges: dict[Phase, set[Phase]] = {p: set() for p in phases}
    for t in TRANSITIONS:
        edges[t.source].add(t.target)
        problems += [
            f"{t.source}->{t.target} cites unknown rule {r}" for r in t.rules if r not in RULE_IDS
        ]
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
