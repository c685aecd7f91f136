"""The phase machine: which phase each action leads to, the drawn transitions with their rule
ids, and the phase a record is in. The definition is checked when this module is imported.
"""

from __future__ import annotations

from collections import deque

import attrs

from spinepath.model import (
    ClinicalVisit,
    Discharge,
    Event,
    Intervention,
    OutcomeReport,
    PatientRecord,
    Surgery,
    VisitPurpose,
)
from spinepath.pathway.events import kind_of
from spinepath.pathway.phases import Phase
from spinepath.rules.actions import ActionKind
from spinepath.rules.catalogue import RULE_IDS, RULES
from spinepath.rules.facts import cesi_worked
from spinepath.rules.profiles import Profile

__all__ = ["ACTION_PHASE", "ENTRY", "TRANSITIONS", "Transition", "phase_of"]

P, K = Phase, ActionKind
ENTRY = P.CESI_OUTCOME

ACTION_PHASE: dict[ActionKind, Phase] = {
    K.DISCHARGE: P.MAINTENANCE,
    K.RE_EVALUATION: P.RE_EVALUATION,
    K.IMAGING: P.RE_EVALUATION,
    K.POSTURE_REVIEW: P.RE_EVALUATION,
    K.SELECTIVE_NERVE_ROOT_BLOCK: P.RE_EVALUATION,
    K.CESI: P.CESI_OUTCOME,
    K.MEDIAL_BRANCH_BLOCK: P.TARGETED_NON_SURGICAL,
    K.RADIOFREQUENCY_ABLATION: P.TARGETED_NON_SURGICAL,
    K.GREATER_OCCIPITAL_NERVE_BLOCK: P.TARGETED_NON_SURGICAL,
    K.MEDICATION_TRIAL: P.TARGETED_NON_SURGICAL,
    K.ADVANCED_PHYSICAL_THERAPY: P.TARGETED_NON_SURGICAL,
    K.SPINAL_CORD_STIMULATOR_TRIAL: P.ADVANCED_INTERVENTIONAL,
    K.SPINAL_CORD_STIMULATOR_IMPLANT: P.ADVANCED_INTERVENTIONAL,
    K.REGENERATIVE_THERAPY: P.ADVANCED_INTERVENTIONAL,
    K.SURGICAL_CONSULTATION: P.SURGICAL_CONSULTATION,
    K.ACDF: P.SURGERY,
    K.LAMINOFORAMINOTOMY: P.SURGERY,
}
"""The phase each action moves the patient into."""


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


def phase_of(record: PatientRecord, profile: Profile, upto: int | None = None) -> Phase:
    """The phase a record is in after its first ``upto`` events (all of them by default).

    Each action moves the patient into its phase; a reported outcome can move them on: adequate
    relief from a treatment to maintenance, a failed CESI to re-evaluation, an operation's
    outcome to post-operative follow-up. Other events leave the phase as it is.
    """
    phase = ENTRY
    events = record.events if upto is None else record.events[:upto]
    for event in events:
        phase = _after(phase, event, record, profile)
    return phase


def _after(phase: Phase, event: Event, record: PatientRecord, profile: Profile) -> Phase:
    if isinstance(event, OutcomeReport):
        done = record.event(event.intervention_id)
        if isinstance(done, Surgery):
            return P.POST_OPERATIVE
        if not isinstance(done, Intervention) or done.diagnostic:
            return phase
        if kind_of(done) is K.CESI:  # S0: adequate relief must also last to count
            return P.MAINTENANCE if cesi_worked(event.outcome, profile) else P.RE_EVALUATION
        adequate = profile.adequate_relief.value.met(event.outcome.relief)
        return P.MAINTENANCE if adequate else phase
    if isinstance(event, Discharge):
        return P.MAINTENANCE
    if isinstance(event, ClinicalVisit) and event.purpose is VisitPurpose.POST_OPERATIVE:
        return P.POST_OPERATIVE if phase is P.SURGERY else phase
    kind = kind_of(event)
    return phase if kind is None else ACTION_PHASE[kind]


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
