"""Walking the engine: legal patient histories, built one engine-approved event at a time.

A walk starts at the pathway's entry (an intake visit, baseline imaging, the initial CESI and
its outcome) and then, step by step, advances the calendar by 0-60 days and either performs one
of the options :func:`spinepath.assess` calls legal (built with :func:`spinepath.make_event`),
reports the outcome of an earlier intervention, or records a visit, a study or a health update
(events that are always legal). Every event goes through :func:`spinepath.apply`, so a walk can
only produce what the engine accepts; an engine that offers an option and then refuses it makes
the walk raise :class:`~spinepath.IllegalTransition`, which is a bug worth seeing.

Steering never filters: ``reach`` changes which option is drawn and which way outcomes fall,
and red flags are injected, or kept out, by how the neurological exams are drawn. The same
steps drive :class:`spinepath.testing.PathwayStateMachine`.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, TypeVar

import attrs
from hypothesis import strategies as st

from spinepath.anatomy import NerveRoot, Side, SpinalNerve
from spinepath.model import (
    Approach,
    CervicalEpiduralSteroidInjection,
    ClinicalVisit,
    Complication,
    DischargeReason,
    DiscHerniation,
    Event,
    FacetArthropathy,
    ForaminalStenosis,
    FunctionalChange,
    GreaterOccipitalNerveBlock,
    HealthFactors,
    HealthUpdate,
    HerniationZone,
    ImagingFinding,
    ImagingOrder,
    ImagingStudy,
    Intervention,
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
    QualityOfLifeImpact,
    RegenerativeKind,
    SelectiveNerveRootBlock,
    SensoryChange,
    SensoryFinding,
    SpinalCordStimulatorTrial,
    StenosisGrade,
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
    action_of,
    apply,
    assess,
    make_event,
    phase_of,
)
from spinepath.rules.actions import Action, ActionKind
from spinepath.rules.profiles import Profile, Threshold
from spinepath.testing import _values as v
from spinepath.testing._values import Draw

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
T = TypeVar("T")
_ORDER = tuple(Phase)
_LATERAL = (Side.LEFT, Side.RIGHT)
_LOSS = {SensoryChange.DIMINISHED: 1, SensoryChange.ABSENT: 2}
_SIGNS = tuple(a.name for a in attrs.fields(MyelopathySigns))
_FIRST_DAY = dt.date(2012, 1, 1)
_LAST_DAY = dt.date(2035, 12, 31)
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

    def new_id(self) -> str:
        event_id = f"e{self.next_id}"
        self.next_id += 1
        return event_id

    def add(self, event: Event) -> None:
        """Record ``event`` through the engine (raises IllegalTransition if it refuses)."""
        self.record = apply(self.record, event, self.profile)
        if isinstance(event, ClinicalVisit):
            self.symptoms = event.symptoms
            if event.exam is not None:
                self.exams.append(event.exam)
                self.exams_since_operation.append(event.exam)
        elif isinstance(event, Surgery):  # a new baseline: the surgeon decompressed what was
            self.operated_on = event.date
            self.exams_since_operation = []
        elif isinstance(event, ImagingStudy) and event.modality.shows_soft_tissue:
            self.findings = event.findings

    @property
    def pending(self) -> tuple[Intervention, ...]:
        """Interventions whose outcome is not reported yet, oldest first."""
        reported = {e.intervention_id for e in self.record.of_type(OutcomeReport)}
        return tuple(e for e in self.record.of_type(Intervention) if e.id not in reported)

    @property
    def phase(self) -> Phase:
        return phase_of(self.record, self.profile)

    def advance(self, days: int) -> None:
        self.today += dt.timedelta(days=days)


# -- drawing the pieces -------------------------------------------------------------------------


_GAPS = st.integers(0, 60)
_MAYBE_BOOL = st.none() | st.booleans()
_MAYBE_TRUE = st.none() | st.just(True)
_MAYBE_RELIEF = st.none() | v.relief_percents() | v.relief_percents()
# Relief durations at the profiles' day thresholds (84, 90, 183) and either side of them.
_MAYBE_DURATION = (
    st.none() | st.sampled_from((0, 83, 84, 89, 90, 91, 182, 183, 365)) | st.integers(0, 730)
)
_MAYBE_SHORT = st.none() | st.integers(0, 730)
_MAYBE_FUNCTION = st.none() | st.sampled_from(FunctionalChange)
_MAYBE_NDI = st.none() | v.neck_disability_indices()
_ROOTED = st.builds(
    SpinalNerve,
    st.sampled_from(tuple(r for r in NerveRoot if r.exit_segment is not None)),
    st.sampled_from(_LATERAL),
)
_SURGICAL_RADIATING = st.lists(_ROOTED, min_size=1, max_size=2, unique=True).map(tuple)
_ANY_RADIATING = st.lists(v.spinal_nerves() | _ROOTED, max_size=2, unique=True).map(tuple)
_SEVERE = st.sampled_from((QualityOfLifeImpact.SEVERE, QualityOfLifeImpact.DEBILITATING))
_MAYBE_QUALITY = st.none() | st.sampled_from(QualityOfLifeImpact)
_SURGICAL_ARM_PAIN = st.integers(4, 10)
_NO_TRAJECTORY: st.SearchStrategy[Trajectory | None] = st.none()
_QUIET_EXAMS = v.neuro_exams(myelopathy=False)
_FINDINGS = st.lists(v.imaging_findings(), max_size=2)
_BONE_FINDINGS = st.lists(v.imaging_findings(soft_tissue=False), max_size=2)
_CROSS_SECTIONAL = (Modality.MRI, Modality.CT, Modality.CT_MYELOGRAPHY)
_ONE_OR_BOTH = (Side.LEFT, Side.RIGHT, Side.BILATERAL)
_ANY_SIDE = (Side.CENTRAL, Side.LEFT, Side.RIGHT, Side.BILATERAL)
_ROOT_ZONES = (HerniationZone.FORAMINAL, HerniationZone.PARACENTRAL)
_DOSES = {
    drug: st.sampled_from((float(drug.max_daily_mg), 0.001))
    | st.integers(1, drug.max_daily_mg).map(float)
    for drug in Medication
}
_EXTRA_FOCUS = st.lists(st.sampled_from(PhysicalTherapyFocus), max_size=2)
_MAYBE_SESSIONS = st.none() | st.integers(1, 200)
_MAYBE_SEGMENT = st.none() | v.segments()
_START_DAYS = st.dates(_FIRST_DAY, _LAST_DAY)


def _gap(draw: Draw) -> int:
    """Days to the next event: 0 (same day) to 60."""
    return draw(_GAPS)


def _chance(draw: Draw, numerator: int, denominator: int) -> bool:
    """True with probability about numerator/denominator; shrinks towards True."""
    return draw(v._ints(0, denominator - 1)) < numerator


def _one(draw: Draw, items: tuple[T, ...] | list[T]) -> T:
    """One of ``items``, shrinking towards the first (cheaper than a new sampled_from)."""
    return items[draw(v._ints(0, len(items) - 1))]


@functools.lru_cache(maxsize=64)
def _meeting(thresholds: tuple[Threshold, ...], met: bool) -> tuple[float, ...]:
    """Relief values (whole percents and the thresholds themselves) that meet every threshold
    (``met=True``) or none of them (``met=False``)."""
    values = {float(x) for x in range(101)}
    values.update(float(t.value) for t in thresholds if 0 <= t.value <= 100)
    return tuple(sorted(x for x in values if all(t.met(x) == met for t in thresholds)))


def _thresholds_for(profile: Profile, event: Intervention) -> list[Threshold]:
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
    return found


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
    want = _wanted(walk, event)
    if want is None and walk.prefer:
        performed = action_of(event)
        if performed is not None and performed.kind in walk.prefer:
            # A preferred block is mostly positive and a preferred treatment often works, so
            # the walk can go on from it (an ablation after a block, a repeat ablation).
            odds = 2 if isinstance(event, _ALWAYS_POSITIVE) else 1
            want = True if _chance(draw, odds, 3) else None
    thresholds = _thresholds_for(walk.profile, event)
    before = walk.symptoms.worst_pain if walk.symptoms is not None else draw(v.pain_scores())
    if want is None:
        relief: float | None = draw(_MAYBE_RELIEF)
        duration = draw(_MAYBE_DURATION)
        concordant = draw(_MAYBE_BOOL)
    else:
        relief = _one(draw, _meeting(tuple(thresholds), want) or (0.0, 100.0))
        if want:
            p = walk.profile
            days = max(p.cesi_adequate_relief_days.value, p.repeat_rfa_prior_relief_days.value, 90)
            lasting = draw(v._ints(days, max(days, 730)))
            duration = None if _chance(draw, 1, 4) else lasting
        else:
            duration = draw(_MAYBE_SHORT)
        concordant = draw(_MAYBE_TRUE if want else _MAYBE_BOOL)
    if relief is None:
        after = draw(v.pain_scores())
    else:
        expected = round(before * (100.0 - relief) / 100.0)
        after = draw(v._ints(max(0, expected - 1), min(10, expected + 1)))
    complications: tuple[Complication, ...] = ()
    if _chance(draw, 1, 8):
        complications = (_one(draw, tuple(Complication)),)
    return Outcome(
        pain_before=before,
        pain_after=after,
        relief_percent=relief,
        relief_duration_days=duration,
        concordant=concordant,
        complications=complications,
        function=draw(_MAYBE_FUNCTION),
        ndi_after=draw(_MAYBE_NDI),
    )


def _radiating(draw: Draw, surgical: bool) -> tuple[SpinalNerve, ...]:
    """Nerves the arm pain follows; a surgical walk always has one with a foramen (C3-C8)."""
    nerves: tuple[SpinalNerve, ...] = draw(_SURGICAL_RADIATING if surgical else _ANY_RADIATING)
    return nerves


def draw_symptoms(draw: Draw, walk: Walk, *, onset: dt.date | None = None) -> Symptoms:
    """The patient's report today: new scores, usually the same arm pain distribution."""
    surgical = walk.reach in _SURGICAL
    previous = walk.symptoms
    if previous is not None and (surgical or _chance(draw, 3, 4)):
        radiating = previous.radiating
    else:
        radiating = _radiating(draw, surgical)
    drawn = v.symptoms_drawn(
        draw,
        radiating=radiating,
        arm_pain=_SURGICAL_ARM_PAIN if surgical else None,
        quality_of_life=_SEVERE if surgical else _MAYBE_QUALITY,
        trajectory=None if previous is not None else _NO_TRAJECTORY,
        before=walk.today,
    )
    kept_onset = previous.onset if previous is not None else onset
    return attrs.evolve(drawn, onset=kept_onset)


def _quiet_first_exam(draw: Draw, walk: Walk) -> NeuroExam:
    """An intake exam with no sign of myelopathy (mJOA, when scored, above the profile's band)."""
    exam = draw(_QUIET_EXAMS)
    limit = walk.profile.mjoa_myelopathy_max.value
    mjoa = None if limit >= 18 or draw(v._BOOLS) else draw(v._ints(limit + 1, 18))
    if walk.flag:  # leave room for a progressive deficit: at least one graded myotome
        motor = exam.motor or (MotorFinding(NerveRoot.C6, Side.LEFT, draw(v._ints(1, 5))),)
        exam = attrs.evolve(exam, motor=motor)
    return attrs.evolve(exam, mjoa=mjoa)


def quiet_exam(draw: Draw, walk: Walk) -> NeuroExam:
    """A follow-up exam that shows no new red flag: strength the same or better, sensory loss
    the same or less, myelopathy signs and mJOA as before."""
    if not walk.exams:
        return _quiet_first_exam(draw, walk)
    last = walk.exams[-1]
    motor = tuple(attrs.evolve(f, grade=draw(v._ints(f.grade, 5))) for f in last.motor)
    sensory: list[SensoryFinding] = []
    for finding in last.sensory:
        choice = draw(v._ints(0, 3))
        if choice == 0:
            sensory.append(finding)
        elif choice == 1:
            sensory.append(attrs.evolve(finding, change=SensoryChange.PARAESTHESIA))
    return attrs.evolve(last, motor=motor, sensory=tuple(sensory) if sensory else last.sensory)


def flagged_exam(draw: Draw, walk: Walk) -> tuple[NeuroExam, str]:
    """A follow-up exam that shows a red flag (S12), and what the flag is."""
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
    kind = _one(draw, kinds)
    if kind == "myelopathy":
        signs = draw(v.myelopathy_signs(present=True))
        merged = MyelopathySigns(
            **{s: getattr(signs, s) or getattr(base.myelopathy, s) for s in _SIGNS}
        )
        return attrs.evolve(base, myelopathy=merged), f"myelopathy: {', '.join(merged.present)}"
    if kind == "mjoa":
        limit = walk.profile.mjoa_myelopathy_max.value
        mjoa = draw(v._ints(0, min(limit, 18)))
        return attrs.evolve(base, mjoa=mjoa), f"mJOA {mjoa}"
    if kind == "weakness":
        finding, lowest = _one(draw, weak)
        grade = draw(v._ints(0, lowest - 1))
        motor = tuple(attrs.evolve(f, grade=grade) if f is finding else f for f in base.motor)
        return attrs.evolve(base, motor=motor), f"weaker {finding.side} {finding.root}"
    root = draw(v.nerve_roots())
    side = _one(draw, _LATERAL)
    level = max(
        (
            _LOSS.get(s.change, 0)
            for e in earlier
            for s in e.sensory
            if s.root is root and s.side is side
        ),
        default=0,
    )
    change = SensoryChange.ABSENT if level >= 1 else _one(draw, tuple(_LOSS))
    if level >= 2:  # already absent there: fall back to a myelopathy sign
        return attrs.evolve(base, myelopathy=attrs.evolve(base.myelopathy, hoffmann=True)), (
            "myelopathy: hoffmann"
        )
    sensory = tuple(s for s in base.sensory if (s.root, s.side) != (root, side))
    new = SensoryFinding(root, side, change)
    return attrs.evolve(base, sensory=(*sensory, new)), f"{change} sensation {side} {root}"


def draw_visit(draw: Draw, walk: Walk, purpose: VisitPurpose | None = None) -> ClinicalVisit:
    """A follow-up (or post-operative) visit today, with an exam that raises no new flag."""
    if purpose is None:
        operated = bool(walk.record.of_type(Surgery))
        later = operated and _chance(draw, 1, 2)
        purpose = VisitPurpose.POST_OPERATIVE if later else VisitPurpose.FOLLOW_UP
    exam = quiet_exam(draw, walk) if _chance(draw, 3, 4) else None
    return ClinicalVisit(
        id=walk.new_id(),
        date=walk.today,
        purpose=purpose,
        symptoms=draw_symptoms(draw, walk),
        exam=exam,
    )


def _correlating_findings(
    draw: Draw, radiating: tuple[SpinalNerve, ...], required: bool
) -> list[ImagingFinding]:
    found: list[ImagingFinding] = []
    for nerve in radiating:
        segment = nerve.root.exit_segment
        if segment is None or not (required or _chance(draw, 2, 3)):
            continue
        if _chance(draw, 1, 2):
            found.append(
                ForaminalStenosis(
                    segment=segment, side=nerve.side, grade=_one(draw, tuple(StenosisGrade))
                )
            )
        else:
            zone = _one(draw, _ROOT_ZONES)
            found.append(DiscHerniation(segment=segment, side=nerve.side, zone=zone))
        required = False
    return found


def draw_study(draw: Draw, walk: Walk, *, entry: bool = False) -> ImagingStudy:
    """Imaging today: at entry, findings that often match the symptoms (always, when steering
    for surgery); later, the previous findings with maybe some progression."""
    steady = walk.reach is not None
    if entry or not walk.findings:
        radiating = walk.symptoms.radiating if walk.symptoms else ()
        found = _correlating_findings(draw, radiating, required=walk.reach in _SURGICAL)
        facets = walk.prefer & {K.MEDIAL_BRANCH_BLOCK, K.RADIOFREQUENCY_ABLATION}
        if (steady and walk.reach is not Phase.MAINTENANCE) or facets or _chance(draw, 1, 2):
            found.append(
                FacetArthropathy(segment=draw(v.segments()), side=_one(draw, _ONE_OR_BOTH))
            )
        if not steady:
            found.extend(draw(_FINDINGS))
        modality = _one(draw, _CROSS_SECTIONAL)
    else:
        found = list(walk.findings)
        modality = Modality.MRI
        if not steady and _chance(draw, 1, 3):
            modality = _one(draw, tuple(Modality))
            found.extend(draw(_FINDINGS if modality.shows_soft_tissue else _BONE_FINDINGS))
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
    kind = action.kind
    if kind is K.RE_EVALUATION:
        return {"symptoms": draw_symptoms(draw, walk), "exam": quiet_exam(draw, walk)}
    if kind is K.POSTURE_REVIEW:
        return {"assessment": draw(v.posture_assessments())}
    if kind is K.DISCHARGE:
        return {"reason": _one(draw, tuple(DischargeReason))}
    if kind is K.CESI and action.approach is Approach.INTERLAMINAR and _chance(draw, 1, 3):
        steroid = _one(draw, tuple(Steroid))
        particulate = steroid is not Steroid.DEXAMETHASONE and draw(v._BOOLS)
        return {"steroid": steroid, "particulate": particulate}
    if kind is K.MEDICATION_TRIAL and _chance(draw, 1, 2):
        assert action.drug is not None
        dose = draw(_DOSES[action.drug])
        stop = None
        if draw(v._BOOLS):
            stop = walk.today + dt.timedelta(days=draw(v._ints(0, 180)))
        return {"daily_dose_mg": dose, "stop_date": stop}
    if kind is K.ADVANCED_PHYSICAL_THERAPY and _chance(draw, 1, 2):
        extra = draw(_EXTRA_FOCUS)
        focus = (PhysicalTherapyFocus.DEEP_STABILISATION, *extra)
        return {"focus": tuple(dict.fromkeys(focus)), "sessions": draw(_MAYBE_SESSIONS)}
    if kind is K.REGENERATIVE_THERAPY:
        return {
            "therapy": _one(draw, tuple(RegenerativeKind)),
            "segment": draw(_MAYBE_SEGMENT),
        }
    return {}


# -- steering ------------------------------------------------------------------------------------


def _goal(reach: Phase) -> Phase:
    return Phase.SURGERY if reach is Phase.POST_OPERATIVE else reach


def _steered(walk: Walk, legal: tuple[Option, ...]) -> tuple[Option, ...]:
    """The legal options that lead towards ``walk.reach`` (empty when none does)."""
    assert walk.reach is not None
    goal = _goal(walk.reach)

    def phase(o: Option) -> Phase:
        return ACTION_PHASE[o.action.kind]

    direct = tuple(o for o in legal if phase(o) is goal)
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
    forward = [
        o
        for o in legal
        if o.action.kind not in (K.DISCHARGE, K.CESI)
        and _ORDER.index(phase(o)) < _ORDER.index(goal)
    ]
    if not forward:
        return ()
    best = max(_ORDER.index(phase(o)) for o in forward)
    return tuple(o for o in forward if _ORDER.index(phase(o)) == best)


def choose(draw: Draw, walk: Walk, assessment: Assessment) -> Option | None:
    """Draw one legal option (recommended first, so examples shrink to the top one)."""
    legal = (*assessment.recommended, *assessment.allowed)
    if not legal:
        return None
    if walk.prefer:
        chosen = tuple(o for o in legal if o.action.kind in walk.prefer)
        if chosen and _chance(draw, 3, 4):
            return _one(draw, chosen)
    if walk.reach is not None:
        preferred = _steered(walk, legal)
        if preferred and _chance(draw, 7, 8):
            return _one(draw, preferred)
    elif assessment.recommended and _chance(draw, 1, 2):
        # Clinics mostly follow the recommendations, so walks reach deep into the pathway
        # (MBB then RFA, failed care then consultation) instead of wandering among options.
        return _one(draw, assessment.recommended)
    return _one(draw, legal)


# -- steps ---------------------------------------------------------------------------------------


def perform(draw: Draw, walk: Walk, option: Option) -> Event:
    """Record the event that performs ``option`` today, queueing its outcome (or, for an
    imaging order, its study) most of the time."""
    event = make_event(
        option.action,
        id=walk.new_id(),
        date=walk.today,
        record=walk.record,
        **details(draw, walk, option.action),
    )
    walk.add(event)
    if isinstance(event, Intervention | ImagingOrder) and (
        walk.reach is not None or _chance(draw, 3, 4)
    ):
        walk.due.append(event)
    return event


def report(draw: Draw, walk: Walk, event: Event) -> Event:
    """Record what became of an earlier intervention (its outcome) or order (its study)."""
    done: Event
    if isinstance(event, ImagingOrder):
        done = draw_study(draw, walk)
    else:
        assert isinstance(event, Intervention)
        done = OutcomeReport(
            id=walk.new_id(),
            date=walk.today,
            intervention_id=event.id,
            outcome=draw_outcome(draw, walk, event),
        )
    walk.add(done)
    return done


def flag_visit(draw: Draw, walk: Walk) -> Event:
    """Record a follow-up visit whose exam shows a red flag (S12).

    Never on the day of an operation: an exam that day may be read as the one the surgeon
    acted on, so the visit moves to the next day.
    """
    if walk.operated_on == walk.today:
        walk.advance(1)
    exam, _ = flagged_exam(draw, walk)
    visit = ClinicalVisit(
        id=walk.new_id(),
        date=walk.today,
        purpose=VisitPurpose.FOLLOW_UP,
        symptoms=draw_symptoms(draw, walk),
        exam=exam,
    )
    walk.add(visit)
    walk.flagged = True
    return visit


def _health(draw: Draw, walk: Walk) -> Event:
    health: HealthFactors = draw(v.health_factors(sex=walk.record.patient.sex))
    update = HealthUpdate(id=walk.new_id(), date=walk.today, health=health)
    walk.add(update)
    return update


_MOVES = ("act", "act", "act", "act", "act", "outcome", "outcome", "visit", "study", "health")
_STEERED_MOVES = ("act", "act", "act", "outcome", "outcome")


def step(draw: Draw, walk: Walk) -> Event:
    """Add one event: a legal option, an outcome, a visit, a study or a health update."""
    walk.advance(_gap(draw))
    walk.walked += 1
    if walk.flag and not walk.flagged and walk.walked > walk.flag_at:
        return flag_visit(draw, walk)
    if walk.due:
        return report(draw, walk, walk.due.pop(0))
    moves = _MOVES if walk.reach is None else _STEERED_MOVES
    move = _one(draw, moves)
    pending = walk.pending
    if move == "outcome" and not pending:
        move = "act"
    if move == "outcome":
        return report(draw, walk, _one(draw, pending))
    if move == "study":
        study = draw_study(draw, walk)
        walk.add(study)
        return study
    if move == "health":
        return _health(draw, walk)
    if move == "act":
        option = choose(draw, walk, assess(walk.record, walk.profile, as_of=walk.today))
        if option is not None:
            return perform(draw, walk, option)
    visit = draw_visit(draw, walk)
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
    initial CESI and its outcome, each recorded through :func:`spinepath.apply`."""
    start = draw(_START_DAYS)
    flag = draw(v._ints(0, 3)) == 3 if red_flag is None else red_flag
    patient = draw(v.patients(adult_on=start, healthy=True))
    if reach is None and _chance(draw, 1, 3):  # health that does not gate the entry CESI
        health = HealthFactors(diabetes=draw(v._BOOLS), asa_class=draw(v._OPTIONAL_ASA))
        patient = attrs.evolve(patient, health=health)
    walk = Walk(
        profile=profile,
        record=PatientRecord(patient),
        today=start,
        reach=reach,
        prefer=prefer,
        flag=flag,
    )
    onset = None if draw(v._BOOLS) else start - dt.timedelta(days=draw(v._ints(0, 1000)))
    walk.symptoms = None
    symptoms = draw_symptoms(draw, walk, onset=onset)
    walk.symptoms = symptoms
    intake = ClinicalVisit(
        id=walk.new_id(),
        date=start,
        purpose=VisitPurpose.INTAKE,
        symptoms=symptoms,
        exam=_quiet_first_exam(draw, walk),
    )
    walk.add(intake)
    walk.advance(_gap(draw))
    study = draw_study(draw, walk, entry=True)
    walk.add(study)
    walk.advance(_gap(draw))
    walk.add(_entry_cesi(draw, walk))
    walk.advance(_gap(draw))
    cesi = walk.record.events[-1]
    assert isinstance(cesi, CervicalEpiduralSteroidInjection)
    outcome = _entry_outcome(draw, walk, cesi)
    walk.add(
        OutcomeReport(id=walk.new_id(), date=walk.today, intervention_id=cesi.id, outcome=outcome)
    )
    return walk


def _entry_cesi(draw: Draw, walk: Walk) -> CervicalEpiduralSteroidInjection:
    assert walk.symptoms is not None
    targets = [n for n in walk.symptoms.radiating if n.root.exit_segment is not None]
    if targets and _chance(draw, 1, 2):
        nerve = _one(draw, targets)
        assert nerve.root.exit_segment is not None
        action = Action(
            kind=K.CESI,
            approach=Approach.TRANSFORAMINAL,
            segments=(nerve.root.exit_segment,),
            side=nerve.side,
        )
    else:
        side = _one(draw, _ANY_SIDE)
        action = Action(
            kind=K.CESI, approach=Approach.INTERLAMINAR, segments=(draw(v.segments()),), side=side
        )
    event = make_event(
        action,
        id=walk.new_id(),
        date=walk.today,
        record=walk.record,
        **details(draw, walk, action),
    )
    assert isinstance(event, CervicalEpiduralSteroidInjection)
    return event


def _entry_outcome(draw: Draw, walk: Walk, cesi: CervicalEpiduralSteroidInjection) -> Outcome:
    """The initial CESI usually failed (that is the pathway's premise); sometimes it worked."""
    if walk.reach is None and _chance(draw, 1, 5):
        return draw_outcome(draw, walk, cesi)
    saved = walk.reach
    walk.reach = Phase.MAINTENANCE if saved is Phase.MAINTENANCE else Phase.RE_EVALUATION
    try:
        return draw_outcome(draw, walk, cesi)
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
    """The record of one whole walk (see :func:`spinepath.testing.strategies.patient_records`)."""
    walk = start_walk(draw, profile, reach=reach, red_flag=red_flag, prefer=prefer)
    planned = draw(v._ints(min_events, max_events)) if reach is None else max_events
    if walk.flag:
        planned = max(planned, 1)
        walk.flag_at = draw(v._ints(0, planned - 1))
    while walk.walked < planned:
        reached = reach is not None and walk.walked >= min_events and walk.phase is reach
        if reached and (walk.flagged or not walk.flag):
            break
        if walk.flag and not walk.flagged and (reached or walk.walked == planned - 1):
            walk.flag_at = walk.walked
        step(draw, walk)
    return walk.record
