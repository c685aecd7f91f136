"""The pathway engine: candidate next steps for a record, classified and explained.

``assess`` generates every candidate action with a concrete target from the record, judges
each against the rules that speak of it, and sorts them into recommended (ranked, urgent
first), allowed and blocked. ``apply`` records an event when it is legal. Both are pure.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from spinepath.anatomy import LATERAL_SIDES, FacetJoint, Foramen, Segment, Side, SpinalNerve
from spinepath.errors import IllegalTransition
from spinepath.model import (
    Approach,
    CervicalEpiduralSteroidInjection,
    Discharge,
    DischargeReason,
    Event,
    HeadachePattern,
    Modality,
    PatientRecord,
    Urgency,
)
from spinepath.pathway.assessment import Assessment, Judgement, Option, Reason, Status
from spinepath.pathway.events import action_of
from spinepath.rules.actions import Action, ActionKind, action
from spinepath.rules.catalogue import Rule, rules_for
from spinepath.rules.facts import FACTS, Facts, RecordFacts, notes_of
from spinepath.rules.profiles import CONSENSUS_2022, Profile
from spinepath.rules.state import FactState, state_of

__all__ = [
    "apply",
    "assess",
    "assess_state",
    "assessment_of",
    "candidates",
    "check",
    "classify",
    "evaluate",
    "evaluate_state",
]

K = ActionKind

_FIXED: tuple[Action, ...] = (
    Action(kind=K.DISCHARGE),
    Action(kind=K.RE_EVALUATION),
    Action(kind=K.IMAGING, modality=Modality.MRI),
    Action(kind=K.IMAGING, modality=Modality.CT_MYELOGRAPHY),  # when MRI is contraindicated
    Action(kind=K.POSTURE_REVIEW),
    Action(kind=K.MEDICATION_TRIAL),  # a gabapentinoid: either drug is the same choice (S8)
    Action(kind=K.ADVANCED_PHYSICAL_THERAPY),
    Action(kind=K.SPINAL_CORD_STIMULATOR_TRIAL),
    Action(kind=K.SPINAL_CORD_STIMULATOR_IMPLANT),
    Action(kind=K.REGENERATIVE_THERAPY),
    Action(kind=K.SURGICAL_CONSULTATION, urgency=Urgency.URGENT),
    Action(kind=K.SURGICAL_CONSULTATION, urgency=Urgency.ROUTINE),
)


def assess(
    record: PatientRecord,
    profile: Profile = CONSENSUS_2022,
    as_of: dt.date | None = None,
) -> Assessment:
    """Classify every candidate next step for ``record`` on ``as_of`` under ``profile``.

    ``as_of`` defaults to the date of the last event (the record's own "now"); events after
    ``as_of`` are ignored. The answer depends only on the arguments.
    """
    day = as_of or record.last_date or record.patient.birth_date
    return assess_state(state_of(record, profile, day), day)


def assess_state(state: FactState, as_of: dt.date) -> Assessment:
    """:func:`assess` for a fact state (a record's, folded under a profile) on ``as_of``."""
    facts = Facts(state, as_of)
    return assessment_of(facts, classify(facts))


def assessment_of(facts: Facts, judgements: tuple[Judgement, ...]) -> Assessment:
    """The assessment of ``facts`` classified as ``judgements`` (by :func:`classify`)."""
    state = facts.state
    return Assessment(
        as_of=facts.as_of,
        profile=state.profile.name,
        phase=state.phase,
        red_flags=state.surgical.red_flags,
        judgements=judgements,
        why=_Why(facts),
    )


def classify(facts: Facts) -> tuple[Judgement, ...]:
    """Every candidate with its status: ranked recommendations (urgent first, then in the
    catalogue's order), allowed, blocked. Yes/no checks only; no text is written."""
    recommended: list[tuple[int, tuple[int, str], Action]] = []
    allowed: list[Judgement] = []
    blocked: list[Judgement] = []
    for candidate in candidates(facts):
        is_blocked, favoured, tier = _CLASSIFIERS[candidate.kind](facts, candidate)
        if is_blocked:
            blocked.append(_judgement((candidate, Status.BLOCKED, False, None)))
        elif favoured:
            recommended.append((-tier, candidate.sort_key, candidate))
        else:
            allowed.append(_judgement((candidate, Status.ALLOWED, False, None)))
    recommended.sort(key=_ranking)
    ranked = [
        _judgement((chosen, Status.RECOMMENDED, tier == -URGENT, rank))
        for rank, (tier, _, chosen) in enumerate(recommended, start=1)
    ]
    return (*ranked, *allowed, *blocked)


URGENT, FIRST = 2, 1
"""Ranking tiers of a recommendation: urgent (S12's queue-jumping steps), ranked first
(a rule's ``first``), then the rest (0) in the catalogue's order."""


def _judgement(values: tuple[Action, Status, bool, int | None]) -> Judgement:
    made: Judgement = tuple.__new__(Judgement, values)  # the NamedTuple without its checks
    return made


def _ranking(item: tuple[int, tuple[int, str], Action]) -> tuple[int, tuple[int, str]]:
    return item[0], item[1]


class _Why:
    """Writes the reasons of an assessment's options on first read, from its facts."""

    __slots__ = ("facts",)

    def __init__(self, facts: Facts) -> None:
        self.facts = facts

    def explain(
        self, action: Action, status: Status
    ) -> tuple[tuple[Reason, ...], tuple[Reason, ...]]:
        return _explain(self.facts, action, status)

    def notes(self) -> tuple[str, ...]:
        return notes_of(self.facts)


def evaluate(
    record: PatientRecord,
    action: Action,
    profile: Profile = CONSENSUS_2022,
    as_of: dt.date | None = None,
) -> Option:
    """Judge one action, whether or not :func:`assess` would list it (no rank is given)."""
    day = as_of or record.last_date or record.patient.birth_date
    return evaluate_state(state_of(record, profile, day), action, day)


def evaluate_state(state: FactState, action: Action, as_of: dt.date) -> Option:
    """:func:`evaluate` for a fact state on ``as_of``."""
    return _judge(Facts(state, as_of), action)


def check(
    record: PatientRecord, event: Event, profile: Profile = CONSENSUS_2022
) -> tuple[Reason, ...]:
    """The failed preconditions of recording ``event`` next; empty when it is legal.

    Events that are not pathway actions (outcome reports, imaging studies, health updates,
    ordinary visits) have no pathway preconditions, nor has a discharge the clinic did not
    choose (the patient's choice to stop, or loss to follow-up: S0 speaks of discharge to
    maintenance). Judged as of the event's date.
    """
    action = action_of(event)
    if action is None:
        return ()
    if isinstance(event, Discharge) and event.reason is not DischargeReason.ADEQUATE_RELIEF:
        return ()
    option = _judge(RecordFacts(record, profile, event.date), action)
    failed = option.failed if option.status is Status.BLOCKED else ()  # texts only when blocked
    return (*failed, *_detail_checks(event))


def _detail_checks(event: Event) -> tuple[Reason, ...]:
    """Preconditions on an event's details that its action does not carry."""
    if (
        isinstance(event, CervicalEpiduralSteroidInjection)
        and event.approach is Approach.TRANSFORAMINAL
        and event.particulate
    ):
        return (
            Reason(
                "S5",
                f"a transforaminal injection needs a non-particulate steroid, not {event.steroid}",
                "Rathmell et al., Anesthesiology 2015",
            ),
        )
    return ()


def apply(record: PatientRecord, event: Event, profile: Profile = CONSENSUS_2022) -> PatientRecord:
    """The record with ``event`` added, if the pathway allows it now.

    Raises :class:`~spinepath.IllegalTransition` listing every failed precondition when it does
    not, unless the event carries an :class:`~spinepath.Override` (a clinician's recorded
    decision to proceed off-pathway), which is kept in the record. The input is never changed;
    a record-level contradiction raises :class:`~spinepath.InvalidRecord`.
    """
    if event.override is None:
        failed = check(record, event, profile)
        if failed:
            action = action_of(event)
            raise IllegalTransition(str(action), (str(r) for r in failed))
    return record.add(event)


# -- candidates ------------------------------------------------------------------------------------


def candidates(facts: Facts) -> tuple[Action, ...]:
    """Every candidate next step with a concrete target generated from the record."""
    state = facts.state
    found: dict[Action, None] = dict.fromkeys(_FIXED)
    add = found.setdefault
    if state.cesi.last_target is not None:  # S0: the same injection again
        add(_cesi_again(state.cesi.last_target))
    for nerve in _in_order(frozenset(facts.candidate_nerves) | state.snrb.done):
        for found_action in _at_root(nerve):
            add(found_action)
    needed = facts.profile.mbb_blocks_required.value
    blocks = state.mbb
    for joint in _in_order(frozenset(state.imaging.facet_joints) | blocks.joints):
        position = 2 if needed >= 2 and blocks.positive_count(joint) else 1
        for found_action in _at_joint(joint, position):
            add(found_action)
    for segments, side in (*blocks.targets, *state.rfa.targets):
        add(_ablation(segments, side))
    presentation = state.presentation
    for found_action in _occipital(presentation.headache_side, presentation.headache):
        add(found_action)
    imaging = state.imaging
    for found_action in _operations(imaging.compressive_segments, imaging.foraminal_lesions):
        add(found_action)
    return tuple(found)


# The candidates of a target are the same actions every time: each is made once.


@functools.cache
def _in_order(targets: frozenset[Any]) -> tuple[Any, ...]:
    return tuple(sorted(targets))


@functools.cache
def _cesi_again(target: tuple[Approach, Segment, Side]) -> Action:
    approach, segment, side = target
    return action(K.CESI, approach=approach, segments=(segment,), side=side)


@functools.cache
def _at_root(nerve: SpinalNerve) -> tuple[Action, ...]:
    """S3 and S5: a block of the root, and a transforaminal injection at it."""
    block = action(K.SELECTIVE_NERVE_ROOT_BLOCK, root=nerve.root, side=nerve.side)
    segment = nerve.root.exit_segment
    if segment is None:
        return (block,)
    injection = action(
        K.CESI, approach=Approach.TRANSFORAMINAL, segments=(segment,), side=nerve.side
    )
    return block, injection


@functools.cache
def _at_joint(joint: FacetJoint, position: int) -> tuple[Action, ...]:
    """S6: a medial branch block (first or confirmatory) and an ablation of the joint."""
    segments = (joint.segment,)
    return (
        action(K.MEDIAL_BRANCH_BLOCK, segments=segments, side=joint.side, series_position=position),
        action(K.RADIOFREQUENCY_ABLATION, segments=segments, side=joint.side),
    )


@functools.cache
def _ablation(segments: tuple[Segment, ...], side: Side) -> Action:
    return action(K.RADIOFREQUENCY_ABLATION, segments=segments, side=side)


@functools.cache
def _occipital(side: Side | None, headache: HeadachePattern) -> tuple[Action, ...]:
    """S7: a greater occipital nerve block on each side of the head pain."""
    if side is not None:
        sides: tuple[Side, ...] = side.lateral
    elif headache is not HeadachePattern.NONE:
        sides = tuple(sorted(LATERAL_SIDES))
    else:
        return ()
    return tuple(action(K.GREATER_OCCIPITAL_NERVE_BLOCK, side=s) for s in sides)


@functools.cache
def _operations(
    compressive: tuple[Segment, ...], foraminal: frozenset[Foramen]
) -> tuple[Action, ...]:
    """S13-S15: an ACDF of each compressed level (and contiguous run), a foraminotomy of each
    narrowed foramen."""
    found = [action(K.ACDF, segments=segments) for segments in _surgical_levels(compressive)]
    found.extend(
        action(K.LAMINOFORAMINOTOMY, segments=(f.segment,), side=f.side) for f in sorted(foraminal)
    )
    return tuple(found)


def _surgical_levels(segments: tuple[Segment, ...]) -> list[tuple[Segment, ...]]:
    """Each compressed segment alone, plus each contiguous run of compressed segments."""
    levels: list[tuple[Segment, ...]] = [(s,) for s in segments]
    run: list[Segment] = []
    for segment in segments:
        if run and not run[-1].adjacent_to(segment):
            if len(run) > 1:
                levels.append(tuple(run))
            run = []
        run.append(segment)
    if len(run) > 1:
        levels.append(tuple(run))
    return levels


# -- judging one action ----------------------------------------------------------------------------


def _judge(facts: Facts, action: Action) -> Option:
    """Classify one action with yes/no checks only."""
    blocked, favoured, tier = _CLASSIFIERS[action.kind](facts, action)
    status = Status.BLOCKED if blocked else Status.RECOMMENDED if favoured else Status.ALLOWED
    urgent = tier == URGENT and status is Status.RECOMMENDED
    return Option(action=action, status=status, urgent=urgent, why=_Why(facts))


def _leaf(name: str) -> str:
    """How a compiled check reads a fact: whole-record facts once per assessment (cached in
    ``facts.general``), facts about the target by calling their definition."""
    if FACTS[name].about_target:
        return f"t_{name}(facts, a)"
    return f"G[{name!r}]"


Classifier = Callable[[Facts, Action], tuple[bool, bool, int]]


def _classifier(kind: ActionKind) -> Classifier:
    """One compiled function per action kind that runs every rule's yes/no checks:
    (blocked, favoured, tier). Same logic as :func:`_explain`, without the texts."""
    lines = [
        "def classify(facts, a):",
        "    G = facts.general",
        "    blocked = favoured = vetoed = False",
        "    tier = 0",
    ]
    for rule in rules_for(kind):
        indent = "    "
        if rule.scope is not None:
            lines.append(f"{indent}if {rule.scope.python(_leaf)}:")
            indent += "    "
        body: list[str] = []
        if rule.requires is not None:
            body.append(f"if not {rule.requires.python(_leaf)}:")
            body.append("    blocked = True")
            if rule.favours is not None:
                body.append(f"elif {rule.favours.python(_leaf)}:")
                body.append(f"    favoured = True; tier = max(tier, {_tier(rule)})")
        elif rule.favours is not None:
            body.append(f"if {rule.favours.python(_leaf)}:")
            body.append(f"    favoured = True; tier = max(tier, {_tier(rule)})")
        if rule.unless is not None:
            body.append(f"if {rule.unless.python(_leaf)}:")
            body.append("    vetoed = True")
        if not body:
            body.append("pass")
        lines.extend(indent + line for line in body)
    lines.append("    if vetoed:")
    lines.append("        favoured = False; tier = 0")
    lines.append("    return blocked, favoured, tier")
    namespace: dict[str, Any] = {f"t_{name}": d.compute for name, d in FACTS.items()}
    exec(compile("\n".join(lines) + "\n", f"<classifier {kind}>", "exec"), namespace)
    classify: Classifier = namespace["classify"]
    return classify


def _tier(rule: Rule) -> int:
    return URGENT if rule.urgent else FIRST if rule.first else 0


_CLASSIFIERS: dict[ActionKind, Classifier] = {kind: _classifier(kind) for kind in ActionKind}


def _explain(
    facts: Facts, action: Action, status: Status
) -> tuple[tuple[Reason, ...], tuple[Reason, ...]]:
    """The reasons of an option: every failed precondition if blocked, else the rules that
    favour it (or do not, yet) and the preconditions that held."""
    failed: list[Reason] = []
    favoured: list[Reason] = []
    legal: list[Reason] = []
    unfavoured: list[Reason] = []
    vetoes: list[Reason] = []
    for rule in rules_for(action.kind):
        if rule.scope is not None and not rule.scope.check(facts, action):
            continue
        if rule.unless is not None:
            result = rule.unless.evaluate(facts, action)
            if result.holds:
                vetoes.append(_reason(rule, "not recommended: ", result.held))
        if rule.requires is not None:
            result = rule.requires.evaluate(facts, action)
            if not result.holds:
                failed.extend(Reason(rule.id, text, rule.citation) for text in result.failed)
                continue
            legal.append(_reason(rule, "preconditions met: ", result.held))
        if rule.favours is not None:
            result = rule.favours.evaluate(facts, action)
            if result.holds:
                favoured.append(_reason(rule, "", result.held))
            else:
                unfavoured.append(_reason(rule, "not favoured now: ", result.failed))
        elif rule.requires is None and rule.unless is None:
            legal.append(Reason(rule.id, rule.rationale, rule.citation))
    if status is Status.BLOCKED:
        return (), tuple(failed)
    if status is Status.RECOMMENDED:
        return (*favoured, *legal), ()
    first = rules_for(action.kind)[0]
    if vetoes:  # declined: what favours it is said, after the decision
        unfavoured = [*vetoes, *(_reason_as(r, "would be favoured: ") for r in favoured)]
    reasons = (*unfavoured, *legal) or (
        Reason(first.id, "legal; no rule favours it now", first.citation),
    )
    return reasons, ()


def _reason_as(reason: Reason, prefix: str) -> Reason:
    return Reason(reason.rule, prefix + reason.text, reason.citation)


def _reason(rule: Rule, prefix: str, texts: tuple[str, ...]) -> Reason:
    return Reason(rule.id, prefix + "; ".join(texts), rule.citation)
