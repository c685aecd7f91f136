"""Walking the engine: legal patient histories, built one engine-approved event at a time.

A walk starts at the pathway's entry (an intake visit, baseline imaging, the initial CESI and
its outcome) and then, step by step, advances the calendar by 0-60 days and either performs one
of the options :func:`spinepath.assess` calls legal (built with :func:`spinepath.make_event`),
reports the outcome of an earlier intervention, or records a visit, a study or a health update
(events that are always legal). Every event goes through :func:`spinepath.apply`, so a walk can
only produce what the engine accepts, except that :func:`walk_records` adds an option ``assess``
has just called legal on that record and day without having ``apply`` judge it a second time
(``Walk.recheck``). :class:`spinepath.testing.PathwayStateMachine` keeps the second judgement:
there an engine that offers an option and then refuses it raises
:class:`~spinepath.IllegalTransition`, which is a bug worth seeing.

Steering never filters: ``reach`` changes which option is drawn and which way outcomes fall,
and red flags are injected, or kept out, by how the neurological exams are drawn. The same
steps drive :class:`spinepath.testing.PathwayStateMachine`.

The small choices of a step are read from :class:`~spinepath.testing._dice.Dice` (one block of
bytes drawn per step, usually), not drawn one by one: Hypothesis's cost is per draw. Every
reading maps smaller bytes to simpler choices (the first or recommended option, the same day,
no red flag, no complication), so a failing walk still shrinks to a short, plain one; the
number of steps is an ordinary integer draw, shrinking towards ``min_events``.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import attrs
from hypothesis import strategies as st

from spinepath.anatomy import NerveRoot, Side, SpinalNerve
from spinepath.model import (
    Antithrombotic,
    AntithromboticUse,
    Approach,
    CervicalEpiduralSteroidInjection,
    ClinicalVisit,
    Complication,
    Decision,
    DischargeReason,
    DiscHerniation,
    DrugStatus,
    Event,
    FacetArthropathy,
    ForaminalStenosis,
    FunctionalChange,
    GreaterOccipitalNerveBlock,
    HeadachePattern,
    HealthFactors,
    HealthUpdate,
    HerniationZone,
    ImagingFinding,
    ImagingOrder,
    ImagingStudy,
    Intervention,
    LabResult,
    LabTest,
    MedialBranchBlock,
    Medication,
    Modality,
    MotorFinding,
    MyelopathySigns,
    NeuroExam,
    Outcome,
    OutcomeReport,
    PatientRecord,
    PhysicalTherapyFocus,
    PsychologicalEvaluation,
    QualityOfLifeImpact,
    RegenerativeKind,
    SelectiveNerveRootBlock,
    SensoryChange,
    SensoryFinding,
    SeriousPathologyScreen,
    SharedDecision,
    SpinalCordStimulatorTrial,
    Steroid,
    Surgery,
    Symptoms,
    Trajectory,
    VisitPurpose,
)
from spinepath.pathway import (
    ACTION_PHASE,
    Assessment,
    Option,
    Phase,
    Status,
    action_of,
    apply,
    assess,
    make_event,
    phase_of,
)
from spinepath.pathway.assessment import Judgement
from spinepath.rules.actions import Action, ActionKind
from spinepath.rules.profiles import Profile, Threshold
from spinepath.testing import _dice as d
from spinepath.testing._dice import _ASA, _GRADES, _ONE_OR_BOTH, _SEGMENTS, Dice, dice_of
from spinepath.testing._values import Draw, _ints

__all__ = [
    "Walk",
    "choose",
    "details",
    "draw_outcome",
    "draw_study",
    "draw_symptoms",
    "draw_visit",
    "flag_visit",
    "flagged_exam",
    "perform",
    "quiet_exam",
    "report",
    "start_walk",
    "step",
    "walk_records",
]

K = ActionKind
_ORDER = {phase: i for i, phase in enumerate(Phase)}
_LATERAL = (Side.LEFT, Side.RIGHT)
_LOSS = {SensoryChange.DIMINISHED: 1, SensoryChange.ABSENT: 2}
_LOSSES = tuple(_LOSS)
_SIGNS = tuple(a.name for a in attrs.fields(MyelopathySigns))
_FIRST_DAY = dt.date(2012, 1, 1)
_LAST_DAY = dt.date(2035, 12, 31)
_START_SPAN = (_LAST_DAY - _FIRST_DAY).days + 1
_SURGICAL = frozenset({Phase.SURGICAL_CONSULTATION, Phase.SURGERY, Phase.POST_OPERATIVE})
_BEYOND_TARGETED = frozenset({Phase.ADVANCED_INTERVENTIONAL, *_SURGICAL})
_ALWAYS_POSITIVE = (MedialBranchBlock, SelectiveNerveRootBlock, SpinalCordStimulatorTrial)


@attrs.define
class Walk:
    """A walk in progress: the record so far, today's date and what the walk is steering for."""

    profile: Profile
    record: PatientRecord
    today: dt.date
    reach: Phase | None = None
    prefer: frozenset[ActionKind] = frozenset()
    flag: bool = False
    flag_at: int = 0
    flagged: bool = False
    walked: int = 0
    next_id: int = 1
    symptoms: Symptoms | None = None
    exams: list[NeuroExam] = attrs.Factory(list)
    exams_since_operation: list[NeuroExam] = attrs.Factory(list)
    operated_on: dt.date | None = None
    findings: tuple[ImagingFinding, ...] = ()
    due: list[Event] = attrs.Factory(list)
    unreported: list[Intervention] = attrs.Factory(list)
    recheck: bool = True
    """Whether :func:`perform` records an option through :func:`spinepath.apply`, which judges
    it again (PathwayStateMachine's cross-check of ``assess`` against ``apply``), or adds it to
    the record directly: ``assess`` judged it legal on this record and day a moment before."""

    def new_id(self) -> str:
        event_id = f"e{self.next_id}"
        self.next_id += 1
        return event_id

    def add(self, event: Event, *, judged: bool = False) -> None:
        """Record ``event`` through the engine (raises IllegalTransition if it refuses), or,
        when ``judged`` (the engine called it legal on this record and day), add it as it is."""
        if judged:
            self.record = self.record.add(event)
        else:
            self.record = apply(self.record, event, self.profile)
        if isinstance(event, ClinicalVisit):
            self.symptoms = event.symptoms
            if event.exam is not None:
                self.exams.append(event.exam)
                self.exams_since_operation.append(event.exam)
        elif isinstance(event, Intervention):
            self.unreported.append(event)
            if isinstance(event, Surgery):  # a new baseline: the surgeon decompressed what was
                self.operated_on = event.date
                self.exams_since_operation = []
        elif isinstance(event, OutcomeReport):
            self.unreported = [e for e in self.unreported if e.id != event.intervention_id]
        elif isinstance(event, ImagingStudy) and event.modality.shows_soft_tissue:
            self.findings = event.findings

    @property
    def pending(self) -> tuple[Intervention, ...]:
        """Interventions whose outcome is not reported yet, oldest first."""
        return tuple(self.unreported)

    @property
    def phase(self) -> Phase:
        return phase_of(self.record, self.profile)

    def advance(self, days: int) -> None:
        self.today += dt.timedelta(days=days)


# -- drawing the pieces -------------------------------------------------------------------------

# Relief durations at the profiles' day thresholds (84, 90, 183) and either side of them.
_DURATION_EDGES = (0, 83, 84, 89, 90, 91, 182, 183, 365)
_FUNCTIONS = tuple(FunctionalChange)
_COMPLICATIONS = tuple(Complication)
_HEADACHES = tuple(HeadachePattern)
_TRAJECTORIES = tuple(Trajectory)
_QUALITIES = tuple(QualityOfLifeImpact)
_SEVERE = (QualityOfLifeImpact.SEVERE, QualityOfLifeImpact.DEBILITATING)
_CROSS_SECTIONAL = (Modality.MRI, Modality.CT, Modality.CT_MYELOGRAPHY)
_MODALITIES = tuple(Modality)
_ANY_SIDE = (Side.CENTRAL, Side.LEFT, Side.RIGHT, Side.BILATERAL)
_ROOT_ZONES = (HerniationZone.FORAMINAL, HerniationZone.PARACENTRAL)
_DISCHARGE_REASONS = tuple(DischargeReason)
_STEROIDS = tuple(Steroid)
_DRUGS = tuple(Medication)
_FOCUS = tuple(PhysicalTherapyFocus)
_REGENERATIVE = tuple(RegenerativeKind)
_MOVES = ("act", "act", "act", "act", "act", "outcome", "outcome", "visit", "study", "health")
_STEERED_MOVES = ("act", "act", "act", "outcome", "outcome")


def _gap(dice: Dice) -> int:
    """Days to the next event: 0 (the same day) one time in ten, else 0 to 60 evenly, so
    same-day events (a block then its outcome, a consultation then the operation) are common."""
    return 0 if dice.chance(1, 10) else dice.below(61)


@functools.lru_cache(maxsize=64)
def _meeting(thresholds: tuple[Threshold, ...], met: bool) -> tuple[float, ...]:
    """Relief values (whole percents and the thresholds themselves) that meet every threshold
    (``met=True``) or none of them (``met=False``)."""
    values = {float(x) for x in range(101)}
    values.update(float(t.value) for t in thresholds if 0 <= t.value <= 100)
    return tuple(sorted(x for x in values if all(t.met(x) == met for t in thresholds)))


def _thresholds_for(profile: Profile, event: Intervention) -> tuple[Threshold, ...]:
    """The thresholds an outcome of ``event`` is judged by: the block's own positivity
    threshold for diagnostic blocks, adequate relief (and a CESI's own) for treatments."""
    figures = [profile.adequate_relief]
    if isinstance(event, MedialBranchBlock):
        figures = [profile.mbb_positive_relief]
    elif isinstance(event, SelectiveNerveRootBlock):
        figures = [profile.snrb_positive_relief]
    elif isinstance(event, SpinalCordStimulatorTrial):
        figures = [profile.scs_trial_success]
    elif isinstance(event, GreaterOccipitalNerveBlock):
        figures.append(profile.gon_block_response)
    elif isinstance(event, CervicalEpiduralSteroidInjection):
        figures.append(profile.cesi_adequate_relief)
    found: list[Threshold] = []
    for figure in figures:
        assert isinstance(figure.value, Threshold)
        found.append(figure.value)
    return tuple(found)


def _wanted(walk: Walk, event: Intervention) -> bool | None:
    """Which way the outcome should fall to reach the walk's phase (None: either)."""
    reach = walk.reach
    if reach is None or isinstance(event, Surgery):
        return None
    if isinstance(event, _ALWAYS_POSITIVE):
        return True
    if reach is Phase.MAINTENANCE:
        return True
    if isinstance(event, GreaterOccipitalNerveBlock) and reach not in _BEYOND_TARGETED:
        return None
    return False


def draw_outcome(draw: Draw, walk: Walk, event: Intervention) -> Outcome:
    """An outcome for ``event``: free, or positive/failed as the walk's steering needs."""
    dice = dice_of(draw)
    want = _wanted(walk, event)
    if want is None and walk.prefer:
        performed = action_of(event)
        if performed is not None and performed.kind in walk.prefer:
            # A preferred block is mostly positive and a preferred treatment often works, so
            # the walk can go on from it (an ablation after a block, a repeat ablation).
            odds = 2 if isinstance(event, _ALWAYS_POSITIVE) else 1
            want = True if dice.chance(odds, 3) else None
    before = walk.symptoms.worst_pain if walk.symptoms is not None else dice.below(11)
    duration: int | None
    concordant: bool | None
    if want is None:
        relief = d.maybe_relief(dice)
        branch = dice.below(3)
        duration = (
            None
            if branch == 0
            else dice.one(_DURATION_EDGES)
            if branch == 1
            else dice.integer(0, 730)
        )
        concordant = dice.flip() if dice.flip() else None
    else:
        thresholds = _thresholds_for(walk.profile, event)
        relief = dice.one(_meeting(thresholds, want) or (0.0, 100.0))
        if want:
            p = walk.profile
            days = max(p.cesi_adequate_relief_days.value, p.repeat_rfa_prior_relief_days.value, 90)
            duration = None if dice.chance(1, 4) else dice.integer(days, max(days, 730))
            concordant = True if dice.flip() else None
        else:
            duration = dice.integer(0, 730) if dice.flip() else None
            concordant = dice.flip() if dice.flip() else None
    if relief is None:
        after = dice.below(11)
    else:
        expected = round(before * (100.0 - relief) / 100.0)
        after = dice.between(max(0, expected - 1), min(10, expected + 1))
    complications: tuple[Complication, ...] = ()
    if dice.chance(1, 8):
        complications = (dice.one(_COMPLICATIONS),)
    return Outcome(
        pain_before=before,
        pain_after=after,
        relief_percent=relief,
        relief_duration_days=duration,
        concordant=concordant,
        complications=complications,
        function=dice.maybe(_FUNCTIONS),
        ndi_after=d.maybe_ndi(dice),
    )


def draw_symptoms(draw: Draw, walk: Walk, *, onset: dt.date | None = None) -> Symptoms:
    """The patient's report today: new scores, usually the same arm pain distribution."""
    dice = dice_of(draw)
    surgical = walk.reach in _SURGICAL
    previous = walk.symptoms
    if previous is not None and (surgical or dice.chance(3, 4)):
        radiating = previous.radiating
    else:
        radiating = d.radiating(dice, surgical=surgical)
    headache = dice.one(_HEADACHES)
    head_side = None if headache is HeadachePattern.NONE else dice.maybe(_ONE_OR_BOTH)
    return Symptoms(
        arm_pain=dice.between(4, 10) if surgical else dice.below(11),
        neck_pain=dice.below(11),
        radiating=radiating,
        headache=headache,
        headache_side=head_side,
        onset=previous.onset if previous is not None else onset,
        trajectory=None if previous is None else dice.maybe(_TRAJECTORIES),
        ndi=d.maybe_ndi(dice),
        quality_of_life=dice.one(_SEVERE) if surgical else dice.maybe(_QUALITIES),
    )


def _quiet_first_exam(dice: Dice, walk: Walk) -> NeuroExam:
    """An intake exam with no sign of myelopathy (mJOA, when scored, above the profile's band)
    and no severe weakness (every graded myotome above the profile's severe MRC grade)."""
    exam = d.quiet_exam(dice)
    limit = walk.profile.mjoa_myelopathy_max.value
    severe = walk.profile.severe_weakness_mrc_max.value
    mjoa = dice.between(limit + 1, 18) if limit < 18 and dice.flip() else None
    motor = tuple(f if f.grade > severe else attrs.evolve(f, grade=5) for f in exam.motor)
    if walk.flag and not motor and severe < 5:  # room for a progressive deficit: a graded myotome
        motor = (MotorFinding(NerveRoot.C6, Side.LEFT, dice.between(severe + 1, 5)),)
    return attrs.evolve(exam, motor=motor, mjoa=mjoa)


def quiet_exam(draw: Draw, walk: Walk) -> NeuroExam:
    """A follow-up exam that shows no new red flag: strength the same or better, sensory loss
    the same or less, myelopathy signs and mJOA as before."""
    dice = dice_of(draw)
    if not walk.exams:
        return _quiet_first_exam(dice, walk)
    last = walk.exams[-1]
    motor = tuple(attrs.evolve(f, grade=dice.between(f.grade, 5)) for f in last.motor)
    sensory: list[SensoryFinding] = []
    for finding in last.sensory:
        choice = dice.below(4)
        if choice == 0:
            sensory.append(finding)
        elif choice == 1:
            sensory.append(attrs.evolve(finding, change=SensoryChange.PARAESTHESIA))
    return attrs.evolve(last, motor=motor, sensory=tuple(sensory) if sensory else last.sensory)


def _new_sign(dice: Dice, base: NeuroExam, earlier: list[NeuroExam]) -> tuple[NeuroExam, str]:
    """``base`` with a myelopathy sign the exams since the operation (or the last one before
    it) did not show, and no mJOA (a score could make the myelopathy mild and stable)."""
    seen = (earlier[0] if earlier else base).myelopathy
    unseen = [s for s in _SIGNS if not getattr(seen, s)] or list(_SIGNS)
    added = dice.one(unseen)
    signs = d.myelopathy_signs(dice)
    merged = MyelopathySigns(
        **{s: s == added or getattr(signs, s) or getattr(base.myelopathy, s) for s in _SIGNS}
    )
    return attrs.evolve(base, myelopathy=merged, mjoa=None), (
        f"myelopathy: {', '.join(merged.present)}"
    )


def _mjoa_drop(walk: Walk, best: int) -> int | None:
    """An mJOA at least the minimum clinically important change below ``best`` (None if no
    such score exists)."""
    p = walk.profile
    if best <= p.mjoa_severe_max.value:
        mcid = p.mjoa_mcid_severe.value
    elif best <= p.mjoa_moderate_max.value:
        mcid = p.mjoa_mcid_moderate.value
    else:
        mcid = p.mjoa_mcid_mild.value
    return best - mcid if best - mcid >= 0 else None


def flagged_exam(draw: Draw, walk: Walk) -> tuple[NeuroExam, str]:
    """A follow-up exam that shows a red flag (S12), and what the flag is."""
    dice = dice_of(draw)
    base = walk.exams[-1] if walk.exams else NeuroExam()
    earlier = walk.exams_since_operation  # a deficit progresses from the post-operative exams
    weak: list[tuple[MotorFinding, int]] = []
    for finding in base.motor:
        grades = [g for e in earlier if (g := e.strength(finding.root, finding.side)) is not None]
        if grades and min(grades) > 0:
            weak.append((finding, min(grades)))
    kinds = ["myelopathy", "mjoa"]
    if weak:
        kinds.append("weakness")
    if earlier:
        kinds.append("sensory")
    kind = dice.one(kinds)
    operated = walk.operated_on is not None
    if kind == "mjoa" and operated:  # after an operation only a decline of the mJOA counts
        scores = [e.mjoa for e in earlier if e.mjoa is not None]
        drop = _mjoa_drop(walk, max(scores)) if scores else None
        if drop is not None:
            return attrs.evolve(base, mjoa=drop), f"mJOA {drop}"
        kind = "myelopathy"
    if kind == "myelopathy":
        return _new_sign(dice, base, earlier)
    if kind == "mjoa":  # before an operation: moderate or severe
        mjoa = dice.between(0, walk.profile.mjoa_moderate_max.value)
        return attrs.evolve(base, mjoa=mjoa), f"mJOA {mjoa}"
    if kind == "weakness":
        finding, lowest = dice.one(weak)
        grade = dice.between(0, lowest - 1)
        motor = tuple(attrs.evolve(f, grade=grade) if f is finding else f for f in base.motor)
        return attrs.evolve(base, motor=motor), f"weaker {finding.side} {finding.root}"
    root = d.nerve_root(dice)
    side = dice.one(_LATERAL)
    level = max(
        (
            _LOSS.get(s.change, 0)
            for e in earlier
            for s in e.sensory
            if s.root is root and s.side is side
        ),
        default=0,
    )
    change = SensoryChange.ABSENT if level >= 1 else dice.one(_LOSSES)
    if level >= 2:  # already absent there: fall back to a myelopathy sign
        return _new_sign(dice, base, earlier)
    sensory = tuple(s for s in base.sensory if (s.root, s.side) != (root, side))
    new = SensoryFinding(root, side, change)
    return attrs.evolve(base, sensory=(*sensory, new)), f"{change} sensation {side} {root}"


def draw_visit(draw: Draw, walk: Walk, purpose: VisitPurpose | None = None) -> ClinicalVisit:
    """A follow-up (or post-operative) visit today, with an exam that raises no new flag."""
    dice = dice_of(draw)
    if purpose is None:
        later = walk.operated_on is not None and dice.chance(1, 2)
        purpose = VisitPurpose.POST_OPERATIVE if later else VisitPurpose.FOLLOW_UP
    exam = quiet_exam(dice, walk) if dice.chance(3, 4) else None
    return ClinicalVisit(
        id=walk.new_id(),
        date=walk.today,
        purpose=purpose,
        symptoms=draw_symptoms(dice, walk),
        exam=exam,
    )


def _correlating_findings(
    dice: Dice, radiating: tuple[SpinalNerve, ...], required: bool
) -> list[ImagingFinding]:
    found: list[ImagingFinding] = []
    for nerve in radiating:
        segment = nerve.root.exit_segment
        if segment is None or not (required or dice.chance(2, 3)):
            continue
        if dice.chance(1, 2):
            grade = dice.one(_GRADES)
            found.append(ForaminalStenosis(segment=segment, side=nerve.side, grade=grade))
        else:
            zone = dice.one(_ROOT_ZONES)
            found.append(DiscHerniation(segment=segment, side=nerve.side, zone=zone))
        required = False
    return found


def draw_study(draw: Draw, walk: Walk, *, entry: bool = False) -> ImagingStudy:
    """Imaging today: at entry, findings that often match the symptoms (always, when steering
    for surgery); later, the previous findings with maybe some progression."""
    dice = dice_of(draw)
    steady = walk.reach is not None
    if entry or not walk.findings:
        radiating = walk.symptoms.radiating if walk.symptoms else ()
        found = _correlating_findings(dice, radiating, required=walk.reach in _SURGICAL)
        facets = walk.prefer & {K.MEDIAL_BRANCH_BLOCK, K.RADIOFREQUENCY_ABLATION}
        if (steady and walk.reach is not Phase.MAINTENANCE) or facets or dice.chance(1, 2):
            found.append(FacetArthropathy(segment=dice.one(_SEGMENTS), side=dice.one(_ONE_OR_BOTH)))
        if not steady:
            found.extend(d.imaging_findings(dice))
        modality = dice.one(_CROSS_SECTIONAL)
    else:
        found = list(walk.findings)
        modality = Modality.MRI
        if not steady and dice.chance(1, 3):
            modality = dice.one(_MODALITIES)
            found.extend(d.imaging_findings(dice, soft_tissue=modality.shows_soft_tissue))
        if not modality.shows_soft_tissue:
            found = [f for f in found if not f.soft_tissue and not _cord_signal(f)]
    unique = list(dict.fromkeys(found))
    return ImagingStudy(
        id=walk.new_id(), date=walk.today, modality=modality, findings=tuple(unique)
    )


def _cord_signal(finding: ImagingFinding) -> bool:
    return bool(getattr(finding, "cord_signal_change", False))


def details(draw: Draw, walk: Walk, action: Action) -> dict[str, Any]:
    """What :func:`make_event` cannot know for an action: drawn here."""
    dice = dice_of(draw)
    kind = action.kind
    if kind is K.RE_EVALUATION:
        return {"symptoms": draw_symptoms(dice, walk), "exam": quiet_exam(dice, walk)}
    if kind is K.POSTURE_REVIEW:
        return {"assessment": d.posture_assessment(dice)}
    if kind is K.DISCHARGE:
        return {"reason": dice.one(_DISCHARGE_REASONS)}
    if kind is K.CESI and action.approach is Approach.INTERLAMINAR and dice.chance(1, 3):
        steroid = dice.one(_STEROIDS)
        particulate = steroid is not Steroid.DEXAMETHASONE and dice.flip()
        return {"steroid": steroid, "particulate": particulate}
    if kind is K.MEDICATION_TRIAL:
        drug = action.drug or dice.one(_DRUGS)  # "a gabapentinoid": the clinic picks one
        named = {} if action.drug is not None else {"drug": drug}
        if not dice.chance(1, 2):
            return named
        top = drug.max_daily_mg
        dose = float(dice.integer(1, top)) if dice.flip() else dice.one((float(top), 0.001))
        stop = walk.today + dt.timedelta(days=dice.integer(0, 180)) if dice.flip() else None
        return {**named, "daily_dose_mg": dose, "stop_date": stop}
    if kind is K.ADVANCED_PHYSICAL_THERAPY and dice.chance(1, 2):
        extra = [dice.one(_FOCUS) for _ in range(dice.size(0, 2))]
        focus = (PhysicalTherapyFocus.DEEP_STABILISATION, *extra)
        sessions = dice.integer(1, 200) if dice.flip() else None
        return {"focus": tuple(dict.fromkeys(focus)), "sessions": sessions}
    if kind is K.REGENERATIVE_THERAPY:
        return {"therapy": dice.one(_REGENERATIVE), "segment": dice.maybe(_SEGMENTS)}
    return {}


# -- steering ------------------------------------------------------------------------------------


def _goal(reach: Phase) -> Phase:
    return Phase.SURGERY if reach is Phase.POST_OPERATIVE else reach


def _steered(walk: Walk, legal: tuple[Judgement, ...]) -> tuple[Judgement, ...]:
    """The legal options that lead towards ``walk.reach`` (empty when none does)."""
    assert walk.reach is not None
    goal = _goal(walk.reach)
    direct = tuple(o for o in legal if ACTION_PHASE[o.action.kind] is goal)
    if direct:
        return direct
    if goal is Phase.MAINTENANCE or goal is Phase.CESI_OUTCOME:
        return ()
    if goal is Phase.ADVANCED_INTERVENTIONAL:
        # Failed RFA or GON blocks open the advanced options; a positive MBB opens RFA.
        for kinds in (
            (K.RADIOFREQUENCY_ABLATION, K.GREATER_OCCIPITAL_NERVE_BLOCK),
            (K.MEDIAL_BRANCH_BLOCK,),
        ):
            found = tuple(o for o in legal if o.action.kind in kinds)
            if found:
                return found
    limit = _ORDER[goal]
    forward = [
        (_ORDER[ACTION_PHASE[o.action.kind]], o)
        for o in legal
        if o.action.kind not in (K.DISCHARGE, K.CESI)
        and _ORDER[ACTION_PHASE[o.action.kind]] < limit
    ]
    if not forward:
        return ()
    best = max(order for order, _ in forward)
    return tuple(o for order, o in forward if order == best)


def choose(draw: Draw, walk: Walk, assessment: Assessment) -> Judgement | None:
    """Draw one legal option (recommended first, so examples shrink to the top one)."""
    dice = dice_of(draw)
    legal = tuple(j for j in assessment.judgements if j.status is not Status.BLOCKED)
    if not legal:
        return None
    if walk.prefer:
        chosen = tuple(o for o in legal if o.action.kind in walk.prefer)
        if chosen and dice.chance(3, 4):
            return dice.one(chosen)
    if walk.reach is not None:
        preferred = _steered(walk, legal)
        if preferred and dice.chance(7, 8):
            return dice.one(preferred)
    elif legal[0].status is Status.RECOMMENDED and dice.chance(1, 2):
        # Clinics mostly follow the recommendations, so walks reach deep into the pathway
        # (MBB then RFA, failed care then consultation) instead of wandering among options.
        recommended = tuple(j for j in legal if j.status is Status.RECOMMENDED)
        return dice.one(recommended)
    return dice.one(legal)


# -- steps ---------------------------------------------------------------------------------------


def perform(draw: Draw, walk: Walk, option: Judgement | Option) -> Event:
    """Record the event that performs ``option`` today, queueing its outcome (or, for an
    imaging order, its study) most of the time."""
    dice = dice_of(draw)
    event = make_event(
        option.action,
        id=walk.new_id(),
        date=walk.today,
        record=walk.record,
        **details(dice, walk, option.action),
    )
    walk.add(event, judged=not walk.recheck)
    if isinstance(event, Intervention | ImagingOrder) and (
        walk.reach is not None or dice.chance(3, 4)
    ):
        walk.due.append(event)
    return event


def report(draw: Draw, walk: Walk, event: Event) -> Event:
    """Record what became of an earlier intervention (its outcome) or order (its study)."""
    dice = dice_of(draw)
    done: Event
    if isinstance(event, ImagingOrder):
        done = draw_study(dice, walk)
    else:
        assert isinstance(event, Intervention)
        done = OutcomeReport(
            id=walk.new_id(),
            date=walk.today,
            intervention_id=event.id,
            outcome=draw_outcome(dice, walk, event),
        )
    walk.add(done)
    return done


def flag_visit(draw: Draw, walk: Walk) -> Event:
    """Record a follow-up visit whose exam shows a red flag (S12).

    Never on the day of an operation: an exam that day may be read as the one the surgeon
    acted on, so the visit moves to the next day.
    """
    dice = dice_of(draw)
    if walk.operated_on == walk.today:
        walk.advance(1)
    exam, _ = flagged_exam(dice, walk)
    visit = ClinicalVisit(
        id=walk.new_id(),
        date=walk.today,
        purpose=VisitPurpose.FOLLOW_UP,
        symptoms=draw_symptoms(dice, walk),
        exam=exam,
    )
    walk.add(visit)
    walk.flagged = True
    return visit


def _health(dice: Dice, walk: Walk) -> Event:
    """A health update, or (half the time) one of the safety events: an antithrombotic taken,
    held or stopped, a serious-pathology screen, a shared decision, a psychological evaluation
    or a laboratory result."""
    event: Event
    if dice.flip():
        event = _safety_event(dice, walk)
    else:
        health = d.health_factors(dice, walk.record.patient.sex)
        event = HealthUpdate(id=walk.new_id(), date=walk.today, health=health)
    walk.add(event)
    return event


_ANTITHROMBOTICS = tuple(Antithrombotic)
_DRUG_STATUSES = tuple(DrugStatus)
_KINDS = tuple(ActionKind)
_DECISIONS = tuple(Decision)
_SCREEN_ANSWERS = (None, False, False, False, False, False, True)


def _safety_event(dice: Dice, walk: Walk) -> Event:
    ident, day = walk.new_id(), walk.today
    what = dice.below(5)
    if what == 0:
        return AntithromboticUse(
            id=ident,
            date=day,
            drug=dice.one(_ANTITHROMBOTICS),
            status=dice.one(_DRUG_STATUSES),
            daily_dose_mg=dice.maybe((2.5, 5.0, 75.0, 100.0)),
        )
    if what == 1:
        answers: dict[str, Any] = {
            name: dice.one(_SCREEN_ANSWERS) for name in SeriousPathologyScreen.ITEMS
        }
        return SeriousPathologyScreen(id=ident, date=day, **answers)
    if what == 2:
        options = tuple(dice.distinct(_KINDS, dice.size(1, 2)))
        return SharedDecision(id=ident, date=day, options=options, decision=dice.one(_DECISIONS))
    if what == 3:
        return PsychologicalEvaluation(id=ident, date=day, suitable=dice.chance(3, 4))
    if dice.flip():
        return LabResult(id=ident, date=day, test=LabTest.HBA1C, value=dice.one((6.0, 8.0, 10.5)))
    return LabResult(id=ident, date=day, test=LabTest.GLUCOSE, value=dice.one((110.0, 350.0)))


def step(draw: Draw, walk: Walk) -> Event:
    """Add one event: a legal option, an outcome, a visit, a study or a health update."""
    dice = dice_of(draw)
    walk.advance(_gap(dice))
    walk.walked += 1
    if walk.flag and not walk.flagged and walk.walked > walk.flag_at:
        return flag_visit(dice, walk)
    if walk.due:
        return report(dice, walk, walk.due.pop(0))
    move = dice.one(_MOVES if walk.reach is None else _STEERED_MOVES)
    pending = walk.unreported
    if move == "outcome" and not pending:
        move = "act"
    if move == "outcome":
        return report(dice, walk, dice.one(pending))
    if move == "study":
        study = draw_study(dice, walk)
        walk.add(study)
        return study
    if move == "health":
        return _health(dice, walk)
    if move == "act":
        option = choose(dice, walk, assess(walk.record, walk.profile, as_of=walk.today))
        if option is not None:
            return perform(dice, walk, option)
    visit = draw_visit(dice, walk)
    walk.add(visit)
    return visit


# -- whole walks ---------------------------------------------------------------------------------


def start_walk(
    draw: Draw,
    profile: Profile,
    *,
    reach: Phase | None = None,
    red_flag: bool | None = None,
    prefer: frozenset[ActionKind] = frozenset(),
) -> Walk:
    """The pathway's entry: a patient, an intake visit with an exam, baseline imaging, the
    initial CESI and its outcome, each recorded through :func:`spinepath.apply`.

    Each of the four events reads its own dice (the patient and the complaint, the intake
    exam, the imaging, the injection and its outcome), so shrinking one leaves the others'
    choices in place.
    """
    dice = Dice(draw)
    start = _FIRST_DAY + dt.timedelta(days=dice.below(_START_SPAN))
    flag = dice.below(4) == 3 if red_flag is None else red_flag
    patient = d.patient(dice, start)
    if reach is None and dice.chance(1, 3):  # health that does not gate the entry CESI
        health = HealthFactors(diabetes=dice.flip(), asa_class=dice.maybe(_ASA))
        patient = attrs.evolve(patient, health=health)
    walk = Walk(
        profile=profile,
        record=PatientRecord(patient),
        today=start,
        reach=reach,
        prefer=prefer,
        flag=flag,
    )
    onset = start - dt.timedelta(days=dice.integer(0, 1000)) if dice.flip() else None
    symptoms = draw_symptoms(dice, walk, onset=onset)
    walk.symptoms = symptoms
    intake = ClinicalVisit(
        id=walk.new_id(),
        date=start,
        purpose=VisitPurpose.INTAKE,
        symptoms=symptoms,
        exam=_quiet_first_exam(Dice(draw), walk),
    )
    walk.add(intake)
    dice = Dice(draw)
    walk.advance(_gap(dice))
    study = draw_study(dice, walk, entry=True)
    walk.add(study)
    dice = Dice(draw)
    walk.advance(_gap(dice))
    cesi = _entry_cesi(dice, walk)
    walk.add(cesi)
    walk.advance(_gap(dice))
    outcome = _entry_outcome(dice, walk, cesi)
    walk.add(
        OutcomeReport(id=walk.new_id(), date=walk.today, intervention_id=cesi.id, outcome=outcome)
    )
    return walk


def _entry_cesi(dice: Dice, walk: Walk) -> CervicalEpiduralSteroidInjection:
    assert walk.symptoms is not None
    targets = [n for n in walk.symptoms.radiating if n.root.exit_segment is not None]
    if targets and dice.chance(1, 2):
        nerve = dice.one(targets)
        assert nerve.root.exit_segment is not None
        action = Action(
            kind=K.CESI,
            approach=Approach.TRANSFORAMINAL,
            segments=(nerve.root.exit_segment,),
            side=nerve.side,
        )
    else:
        side = dice.one(_ANY_SIDE)
        action = Action(
            kind=K.CESI,
            approach=Approach.INTERLAMINAR,
            segments=(dice.one(_SEGMENTS),),
            side=side,
        )
    event = make_event(
        action,
        id=walk.new_id(),
        date=walk.today,
        record=walk.record,
        **details(dice, walk, action),
    )
    assert isinstance(event, CervicalEpiduralSteroidInjection)
    return event


def _entry_outcome(dice: Dice, walk: Walk, cesi: CervicalEpiduralSteroidInjection) -> Outcome:
    """The initial CESI usually failed (that is the pathway's premise); sometimes it worked."""
    if walk.reach is None and dice.chance(1, 5):
        return draw_outcome(dice, walk, cesi)
    saved = walk.reach
    walk.reach = Phase.MAINTENANCE if saved is Phase.MAINTENANCE else Phase.RE_EVALUATION
    try:
        return draw_outcome(dice, walk, cesi)
    finally:
        walk.reach = saved


@st.composite
def walk_records(
    draw: st.DrawFn,
    profile: Profile,
    reach: Phase | None,
    red_flag: bool | None,
    min_events: int,
    max_events: int,
    prefer: frozenset[ActionKind] = frozenset(),
) -> PatientRecord:
    """The record of one whole walk (see :func:`spinepath.testing.strategies.patient_records`).

    Each entry event and each step reads its own dice (usually one block of bytes), and the
    number of steps is one integer (shrinking towards ``min_events``), so Hypothesis deleting
    a step's block deletes that step and leaves the others' choices where they were.
    """
    walk = start_walk(draw, profile, reach=reach, red_flag=red_flag, prefer=prefer)
    walk.recheck = False  # every option performed was judged legal by assess just before
    planned = draw(_ints(min_events, max_events)) if reach is None else max_events
    if walk.flag:
        planned = max(planned, 1)
        walk.flag_at = draw(_ints(0, planned - 1))
    while walk.walked < planned:
        reached = reach is not None and walk.walked >= min_events and walk.phase is reach
        if reached and (walk.flagged or not walk.flag):
            break
        if walk.flag and not walk.flagged and (reached or walk.walked == planned - 1):
            walk.flag_at = walk.walked
        step(Dice(draw), walk)
    return walk.record
