"""The fact state: what the facts of a record need, folded from its events one at a time.

Rules name facts (:mod:`spinepath.rules.facts`); facts read this state, never the events. A
state is built for one guideline profile by folding events in record order,
``state_after = fold(state_before, event)``, so a record grown one event at a time carries its
state forward instead of replaying its history, and the simulation folds its patients' steps
into the same state the engine reads. Whatever can be judged when an event arrives (is this
block positive under the profile? was this visit after the failed injection?) is judged then;
only what depends on the day of the assessment (how long ago, still lasting, within 12 months)
is kept as dates and judged by the facts.

Each part has three kinds of field. Facts read the *decision* fields (compared, hashed); dates
are kept in *date* fields (``_date(default, *bounds)``), which facts compare with the day of the
assessment only against the day counts the field lists (profile figures in days, the rolling
windows, "still in force"); *notes* keep what reason texts quote (relief figures, names) and
what the fold itself needs later (ids awaiting an outcome). Dates and notes take no part in
equality, so two patients in the same situation have equal states: :meth:`FactState.key` adds
the dates as the few ranges the facts can tell apart, and that key is what the simulation
remembers decisions by. ``docs/facts.md`` says how to change or add a fact.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs

from spinepath.anatomy import FacetJoint, Foramen, NerveRoot, Segment, Side, SpinalNerve
from spinepath.model import (
    AnteriorCervicalDiscectomyFusion,
    Antithrombotic,
    AntithromboticUse,
    Approach,
    CentralStenosis,
    CervicalEpiduralSteroidInjection,
    ClinicalVisit,
    Decision,
    DiscHerniation,
    DrugStatus,
    Event,
    FacetArthropathy,
    ForaminalStenosis,
    GreaterOccipitalNerveBlock,
    HeadachePattern,
    HealthFactors,
    HealthUpdate,
    HerniationZone,
    ImagingOrder,
    ImagingStudy,
    Instability,
    Intervention,
    LabResult,
    LabTest,
    MedialBranchBlock,
    Medication,
    MedicationTrial,
    NeuroExam,
    Outcome,
    OutcomeReport,
    Patient,
    PatientRecord,
    PhysicalTherapyCourse,
    PostureReview,
    PsychologicalEvaluation,
    QualityOfLifeImpact,
    RadiofrequencyAblation,
    SelectiveNerveRootBlock,
    SensoryChange,
    SeriousPathologyScreen,
    SharedDecision,
    SpinalCordStimulatorImplant,
    SpinalCordStimulatorTrial,
    Surgery,
    SurgicalConsultation,
    Symptoms,
    Trajectory,
    Urgency,
    VisitPurpose,
)
from spinepath.model.imaging import ImagingFinding
from spinepath.model.options import ActionKind
from spinepath.rules.actions import ACTION_TYPES as _ACTION_TYPES
from spinepath.rules.actions import kind_of
from spinepath.rules.phases import ACTION_PHASE, ENTRY, Phase
from spinepath.rules.profiles import Figure, Profile

__all__ = [
    "HALF_YEAR_DAYS",
    "YEAR_DAYS",
    "FactState",
    "Since",
    "cesi_worked",
    "fold",
    "fold_all",
    "initial_state",
    "state_of",
    "named",
]

YEAR_DAYS = 365
"""The rolling 12-month window of injection and ablation limits, in days."""
HALF_YEAR_DAYS = 183
"""The rolling 6-month window of injection limits, in days."""
IN_FORCE = 1
"""A date whose age is under one day (today or later) is still in force (relief lasting, a
trial not yet stopped)."""

_DEBILITATING = frozenset({QualityOfLifeImpact.SEVERE, QualityOfLifeImpact.DEBILITATING})
_CHANGED = frozenset({Trajectory.WORSENING, Trajectory.CHANGED})
_LOSS = {SensoryChange.DIMINISHED: 1, SensoryChange.ABSENT: 2}
_PURELY_DIAGNOSTIC = (SelectiveNerveRootBlock, MedialBranchBlock, SpinalCordStimulatorTrial)
_TARGETED_KINDS = ("radiofrequency_ablation", "greater_occipital_nerve_block")
_ADVANCED_KINDS = ("spinal_cord_stimulator_implant", "regenerative_therapy")

P = TypeVar("P")
T = TypeVar("T")
# Anatomy values are immutable and few: the fold makes each once (their constructors check
# their fields, which the fold would otherwise pay for at every event).
_joint = functools.cache(FacetJoint)
_foramen = functools.cache(Foramen)
_nerve = functools.cache(SpinalNerve)

_EVOLVERS: dict[type, Callable[[Any, dict[str, Any]], Any]] = {}


def _evolve(instance: T, **changes: Any) -> T:
    """A copy of a frozen part with ``changes``: ``attrs.evolve`` without the generic
    machinery (the fold makes millions of these in a simulation, so each class gets a copier
    written out field by field, as attrs writes its ``__init__``)."""
    cls = type(instance)
    evolver = _EVOLVERS.get(cls)
    if evolver is None:
        evolver = _EVOLVERS[cls] = _evolver(cls)
    new: T = evolver(instance, changes)
    return new


_HASH_CACHE = "_attrs_cached_hash"  # where attrs keeps a cached hash (cache_hash=True)


def _evolver(cls: Any) -> Callable[[Any, dict[str, Any]], Any]:
    lines = [
        "def evolve(old, changes):",
        "    new = new_(cls)",
        "    get = changes.get",
        f"    set_(new, {_HASH_CACHE!r}, None)",
    ]
    for field in attrs.fields(cls):
        name = field.name
        lines.append(f"    set_(new, {name!r}, get({name!r}, old.{name}))")
    lines.append("    return new")
    namespace: dict[str, Any] = {"new_": object.__new__, "set_": object.__setattr__, "cls": cls}
    exec(compile("\n".join(lines) + "\n", f"<evolve {cls.__name__}>", "exec"), namespace)
    evolve: Callable[[Any, dict[str, Any]], Any] = namespace["evolve"]
    return evolve


def _note(default: Any = None) -> Any:
    """A field that reason texts or the fold read, never a fact's yes or no."""
    return attrs.field(default=default, eq=False, repr=False)


def _date(default: Any, *bounds: str | int) -> Any:
    """A date (or dates) the facts compare with the day of an assessment, and the day counts
    they compare its age with (numbers, or names of the profile's figures in days)."""
    return attrs.field(default=default, eq=False, metadata={"age": bounds})


def disabling(symptoms: Symptoms, profile: Profile) -> bool | None:
    """S11: whether the pain is debilitating, from the best measure recorded: the
    quality-of-life impact (severe or debilitating), else the NDI (at least the profile's
    percent), else the worse of arm and neck pain, which can say yes (at least the profile's
    NRS) but not no: None (unknown) when it is lower and nothing else was measured."""
    qol, ndi = symptoms.quality_of_life, symptoms.ndi
    if qol is not None:
        return qol in _DEBILITATING
    if ndi is not None:
        return bool(ndi.percent >= profile.debilitating_ndi_percent.value)
    return True if symptoms.worst_pain >= profile.debilitating_pain_nrs.value else None


def cesi_worked(outcome: Outcome, profile: Profile) -> bool:
    """S0: whether a CESI's outcome is adequate relief that lasts (the profile's relief for at
    least its number of days; a duration not reported counts as still lasting)."""
    return relief_verdict("cesi", outcome, profile) is Verdict.ADEQUATE


# -- the parts ----------------------------------------------------------------------------------


Done = str
"""What "since the CESI failed" tracks: a re-evaluation, a posture review or advanced physical
therapy (by name)."""


@attrs.frozen(cache_hash=True)
class Since:
    """What was done since the latest CESI failed, or ever while it has not (S1, S4, S9).

    The facts read ``done``; the fold keeps when each thing was last done, so that when the
    latest CESI's outcome is reported as a failure only what came on or after that day
    counts."""

    done: frozenset[Done] = frozenset()
    ever: frozenset[Done] = _note(frozenset())
    last_on: tuple[tuple[Done, dt.date], ...] = _note(())

    def did(self, what: Done, day: dt.date) -> Since:
        return Since(self.done | {what}, self.ever | {what}, _replace(self.last_on, what, day))

    def injected(self) -> Since:
        """A new CESI, its outcome not known: "since it failed" means ever, for now."""
        return Since(self.ever, self.ever, self.last_on)

    def reported(self, day: dt.date, failed: bool) -> Since:
        """The latest CESI's outcome, reported on ``day``."""
        if not failed:
            return Since(self.ever, self.ever, self.last_on)
        done = frozenset(what for what, last in self.last_on if last >= day)
        return Since(done, self.ever, self.last_on)


RE_EVALUATION = "re-evaluation"
POSTURE_REVIEW = "posture review"
ADVANCED_PT = "advanced physical therapy"


@attrs.frozen(cache_hash=True)
class Safety:
    """What the health factors in force say about needles, fluoroscopy, contrast and surgery.

    ``anticoagulated`` is the legacy flag: while no anticoagulant is named in the record
    (:class:`Antithrombotics`), SF1 treats it as an anticoagulant that must be held before an
    intermediate- or high-risk procedure for an unknown time, so such a procedure is blocked
    until the drug and its hold are recorded."""

    infection: bool = False
    anticoagulated: bool = False
    bleeding_disorder: bool = False
    bleeding_factors: tuple[str, ...] = ()
    pregnant: bool = False
    fit_for_surgery: bool = True
    mri_contraindicated: bool = False
    contrast_allergy: bool = False
    contrast_plan: bool = False
    diabetes: bool = False
    health: HealthFactors = _note(HealthFactors())

    @classmethod
    def of(cls, health: HealthFactors) -> Safety:
        asa = health.asa_class
        return cls(
            health.active_infection,
            health.anticoagulated,
            health.bleeding_disorder,
            health.bleeding_factors,
            health.pregnant,
            asa is None or asa <= 4,
            health.mri_contraindicated,
            health.contrast_allergy,
            health.contrast_plan,
            health.diabetes,
            health,
        )


@attrs.frozen(cache_hash=True)
class Antithrombotics:
    """Anticoagulant and antiplatelet drugs as last recorded, each with the day its status
    began (taking since, or held or stopped since: the first day without a dose) (SF1)."""

    status: tuple[tuple[Antithrombotic, DrugStatus], ...] = ()
    since: tuple[tuple[Antithrombotic, dt.date], ...] = _date((), "antithrombotic_holds")
    doses: tuple[tuple[Antithrombotic, float | None], ...] = _note(())

    @property
    def anticoagulant_named(self) -> bool:
        return any(drug.anticoagulant for drug, _ in self.status)

    def since_of(self, drug: Antithrombotic) -> dt.date:
        day: dt.date = _lookup(self.since, drug)
        return day


@attrs.frozen(cache_hash=True)
class Screening:
    """The serious spinal pathology screen (SF2): whether the latest screen is positive and
    not yet answered by a work-up, and whether one has been ordered since."""

    positive: bool = False
    ordered: bool = False
    screened: bool = False
    items: tuple[str, ...] = _note(())
    not_asked: tuple[str, ...] = _note(())
    screened_on: dt.date | None = _note()
    answered: str | None = _note()


@attrs.frozen(cache_hash=True)
class Decisions:
    """Shared decisions, the latest per option kind (SF5), and the psychological evaluation
    before a stimulator (SF6)."""

    declined: frozenset[ActionKind] = frozenset()
    consented: frozenset[ActionKind] = frozenset()
    psychology: bool | None = None
    on: tuple[tuple[ActionKind, dt.date], ...] = _note(())
    psychology_on: dt.date | None = _note()


@attrs.frozen(cache_hash=True)
class Steroids:
    """Corticosteroid injected (CESIs and SNRBs with steroid), as methylprednisolone-equivalent
    mg per day given (``doses[i]`` on ``dosed_on[i]``), and the latest glucose results (SF4,
    SF7)."""

    hba1c_high: bool = False
    glucose_high: bool = False
    doses: tuple[float, ...] = ()
    dosed_on: tuple[dt.date, ...] = _date((), YEAR_DAYS)
    undosed: tuple[dt.date, ...] = _date((), YEAR_DAYS)
    hba1c: tuple[float, dt.date] | None = _note()
    glucose: tuple[float, dt.date] | None = _note()


@attrs.frozen(cache_hash=True)
class Presentation:
    """What the latest visits say: the pain's pattern and the nerves it points to."""

    facet_signs: bool = False
    radicular: bool = False
    headache: HeadachePattern = HeadachePattern.NONE
    headache_side: Side | None = None
    debilitating: bool | None = None
    arm_pain_at_floor: bool = False
    symptomatic_nerves: frozenset[SpinalNerve] = frozenset()
    changed_since_imaging: bool = False
    examined: frozenset[SpinalNerve] = _note(frozenset())
    symptoms: Symptoms | None = _note()


@attrs.frozen(cache_hash=True)
class Imaging:
    """What the latest cross-sectional study (and any plain film since) shows."""

    cross_sectional: bool = False
    has_findings: bool = False
    facet_joints: tuple[FacetJoint, ...] = ()
    compressive_segments: tuple[Segment, ...] = ()
    foraminal_lesions: frozenset[Foramen] = frozenset()
    mild_foramina: frozenset[Foramen] = frozenset()
    cord_compression_segments: frozenset[Segment] = frozenset()
    instability_segments: frozenset[Segment] = frozenset()
    implicated_nerves: tuple[SpinalNerve, ...] = ()
    latest: ImagingStudy | None = _note()
    plain_films: tuple[ImagingStudy, ...] = _note(())
    last_on: dt.date | None = _note()


CesiTarget = tuple[Any, Segment, Side]
"""An epidural injection's target: (approach, segment, side)."""


@attrs.frozen(cache_hash=True)
class Injections:
    """Epidural steroid injections: the latest and its outcome, targets, dates (S0, S5)."""

    last_target: CesiTarget | None = None
    last_failed: bool = False
    too_early: bool = False
    on_record: bool = False
    targets: frozenset[CesiTarget] = frozenset()
    repeat_ok: frozenset[CesiTarget] = frozenset()
    after_snrb: frozenset[SpinalNerve] = frozenset()
    dates: tuple[dt.date, ...] = _date((), "epidural_min_interval_days", YEAR_DAYS, HALF_YEAR_DAYS)
    steroid_on: tuple[tuple[SpinalNerve, dt.date], ...] = _date((), "snrb_after_steroid_days")
    counted_blocks: tuple[dt.date, ...] = _note(())
    last_id: str | None = _note()
    first_id: str | None = _note()
    last_outcome: Outcome | None = _note()
    judge_from: dt.date | None = _note()
    reported_on: dt.date | None = _note()
    last_at: tuple[tuple[CesiTarget, str, float | None], ...] = _note(())
    nerve_last_on: tuple[tuple[SpinalNerve, dt.date], ...] = _note(())

    def steroid_at(self, nerve: SpinalNerve | None) -> dt.date | None:
        """The day of the latest steroid injected at ``nerve`` (a transforaminal CESI or an
        SNRB with steroid), if any."""
        day: dt.date | None = _lookup(self.steroid_on, nerve)
        return day


@attrs.frozen(cache_hash=True)
class RootBlocks:
    """Selective nerve root blocks per nerve (S3)."""

    done: frozenset[SpinalNerve] = frozenset()
    positive: frozenset[SpinalNerve] = frozenset()
    first_on: tuple[tuple[SpinalNerve, dt.date], ...] = _note(())
    results: tuple[tuple[SpinalNerve, str], ...] = _note(())


@attrs.frozen(cache_hash=True)
class FacetBlocks:
    """Medial branch blocks per facet joint (S6): positive counts, negatives, targets done."""

    positive: tuple[tuple[FacetJoint, int], ...] = ()
    negative: frozenset[FacetJoint] = frozenset()
    joints: frozenset[FacetJoint] = frozenset()
    targets: tuple[tuple[tuple[Segment, ...], Side], ...] = ()
    results: tuple[tuple[FacetJoint, str], ...] = _note(())

    def positive_count(self, joint: FacetJoint) -> int:
        count: int = _lookup(self.positive, joint) or 0
        return count


@attrs.frozen(cache_hash=True)
class Ablations:
    """Radiofrequency ablations per facet joint (S6): which qualify for a repeat, when."""

    joints: frozenset[FacetJoint] = frozenset()
    qualifying: frozenset[FacetJoint] = frozenset()
    targets: tuple[tuple[tuple[Segment, ...], Side], ...] = ()
    last_on: tuple[tuple[FacetJoint, dt.date], ...] = _date((), "repeat_rfa_min_interval_days")
    dates: tuple[dt.date, ...] = _date((), YEAR_DAYS)
    last_id: tuple[tuple[FacetJoint, str], ...] = _note(())
    results: tuple[tuple[FacetJoint, str], ...] = _note(())


@attrs.frozen(cache_hash=True)
class OccipitalBlocks:
    """Greater occipital nerve blocks by the side blocked: given, and worked (S7)."""

    done: frozenset[Side] = frozenset()
    worked: frozenset[Side] = frozenset()
    left_dates: tuple[dt.date, ...] = _date((), YEAR_DAYS)
    right_dates: tuple[dt.date, ...] = _date((), YEAR_DAYS)
    results: tuple[tuple[Side, str], ...] = _note(())

    def dates_on(self, side: Side) -> tuple[dt.date, ...]:
        """The blocks given on one side (a bilateral block counts on both)."""
        return self.left_dates if side is Side.LEFT else self.right_dates


@attrs.frozen(cache_hash=True)
class Medications:
    """Nerve-stabilising medication trials per drug (S8)."""

    tried: frozenset[Medication] = frozenset()
    open_ended: frozenset[Medication] = frozenset()
    stops: tuple[tuple[Medication, dt.date], ...] = _date((), IN_FORCE)

    def stop(self, drug: Medication) -> dt.date | None:
        """The latest day a trial of ``drug`` with a stop date runs to, if any."""
        day: dt.date | None = _lookup(self.stops, drug)
        return day


@attrs.frozen(cache_hash=True)
class Care:
    """Posture review, physical therapy and the advanced interventions."""

    posture_faults: bool = False
    advanced_pt_tried: bool = False
    scs_trial: bool = False
    scs_trial_ok: bool = False
    scs_implanted: bool = False
    scs_trial_id: str | None = _note()
    scs_trial_outcome: Outcome | None = _note()


@attrs.frozen(cache_hash=True)
class Outcomes:
    """The latest treatment outcome (adequate relief now?) and treatments that failed."""

    latest_adequate: bool = False
    targeted_failed: bool = False
    blocks_failed: bool = False
    relief_until: dt.date | None = _date(None, IN_FORCE)
    latest: tuple[str, float] | None = _note()
    latest_on: tuple[dt.date, dt.date, str, int | None] | None = _note()
    failed: tuple[tuple[str, str], ...] = _note(())
    failed_blocks: tuple[tuple[str, str], ...] = _note(())


@attrs.frozen(cache_hash=True)
class Surgical:
    """Operations, consultations and the red flags awaiting a surgeon (S12-S16)."""

    fused: frozenset[Segment] = frozenset()
    operated: bool = False
    consulted: bool = False
    ever_consulted: bool = False
    red_flags: tuple[str, ...] = ()
    unanswered: tuple[str, ...] = ()
    mild_myelopathy: bool = False
    myelopathy: bool = False
    deficit_since_imaging: bool = False
    exams: tuple[tuple[int, dt.date, NeuroExam], ...] = _note(())
    before: tuple[int, dt.date, NeuroExam] | None = _note()
    mild_text: str | None = _note()
    flags: tuple[tuple[int, str], ...] = _note(())
    consulted_at: int = _note(-1)
    consulted_on: dt.date | None = _note()

    @property
    def myelopathic(self) -> bool:
        """Signs of myelopathy, or an mJOA in its range, on the latest exam (urgent or mild)."""
        return self.myelopathy

    def shown_on(self, text: str) -> dt.date | None:
        """The date of the exam where the run showing a red flag began."""
        place = next((p for p, t in self.flags if t == text), None)
        return next((day for p, day, _ in self.exams if p == place), None)


# -- the state ----------------------------------------------------------------------------------


@attrs.frozen(cache_hash=True)
class FactState:
    """Everything the facts of one record need under one profile, as of its last event.

    Immutable and hashable: equal states (dates aside) get equal answers on days the facts
    cannot tell apart (:meth:`key`). Build one with :func:`initial_state` and :func:`fold`, or
    take a record's with :func:`spinepath.rules.state_of`.
    """

    profile_name: str
    phase: Phase = ENTRY
    safety: Safety = Safety()
    presentation: Presentation = Presentation()
    imaging: Imaging = Imaging()
    cesi: Injections = Injections()
    snrb: RootBlocks = RootBlocks()
    mbb: FacetBlocks = FacetBlocks()
    rfa: Ablations = Ablations()
    gon: OccipitalBlocks = OccipitalBlocks()
    medication: Medications = Medications()
    care: Care = Care()
    since_failure: Since = Since()
    outcomes: Outcomes = Outcomes()
    surgical: Surgical = Surgical()
    antithrombotics: Antithrombotics = Antithrombotics()
    screening: Screening = Screening()
    decisions: Decisions = Decisions()
    steroids: Steroids = Steroids()
    onset: dt.date | None = _date(
        None, "facet_conservative_care_days", "surgery_conservative_care_days"
    )
    profile: Profile = attrs.field(eq=False, repr=False, kw_only=True)
    events: int = _note(0)
    pending: dict[str, Intervention] = attrs.field(factory=dict, eq=False, repr=False)
    followed: dict[str, Intervention] = attrs.field(factory=dict, eq=False, repr=False)

    # -- the day of an assessment -----------------------------------------------------------
    def key(self, as_of: dt.date) -> tuple[FactState, tuple[int, ...]]:
        """What the facts can tell of this state on ``as_of``: the state (dates aside) and, for
        each date, how many of the day counts the facts compare its age with it has reached.
        Equal keys get equal answers; the simulation remembers decisions by it."""
        return self, _ages(self.profile)(self, as_of)

    def bare(self) -> FactState:
        """The state without its notes and dates, sharing equal parts with other bare states:
        equal to this one and hashing alike, and small (what a memo keeps as a key; its facts
        cannot be read, the dates being gone)."""
        changes = {name: _bare(getattr(self, name)) for name in _PART_FIELDS}
        changes.update(_TOP_NOTES)
        return _evolve(self, **changes)

    def after(self, event: Event) -> FactState:
        """The state once ``event`` is recorded next (what a record carries forward)."""
        return fold(self, event)


def _dates_in(value: Any) -> Iterable[dt.date]:
    if value is None:
        return
    if isinstance(value, dt.date):
        yield value
        return
    for item in value:
        yield item[1] if isinstance(item, tuple) else item


def _age_fields() -> tuple[tuple[str | None, str, tuple[str | int, ...]], ...]:
    """Every date field of the state: (part or None, field, the bounds it is compared with)."""
    found: list[tuple[str | None, str, tuple[str | int, ...]]] = []
    for field in attrs.fields(FactState):
        if "age" in field.metadata:
            found.append((None, field.name, field.metadata["age"]))
        elif type(field.default) in _PARTS:
            part: Any = type(field.default)
            found.extend(
                (field.name, f.name, f.metadata["age"])
                for f in attrs.fields(part)
                if "age" in f.metadata
            )
    return tuple(found)


_PARTS = (
    Presentation,
    Imaging,
    Injections,
    RootBlocks,
    FacetBlocks,
    Ablations,
    OccipitalBlocks,
    Medications,
    Care,
    Outcomes,
    Surgical,
    Safety,
    Since,
    Antithrombotics,
    Screening,
    Decisions,
    Steroids,
)
_AGE_FIELDS = _age_fields()
_PART_FIELDS = tuple(f.name for f in attrs.fields(FactState) if type(f.default) in _PARTS)


def _default(field: attrs.Attribute[Any]) -> Any:
    default: Any = field.default
    return default.factory() if isinstance(default, attrs.Factory) else default  # type: ignore[arg-type]


_TOP_NOTES = {
    f.name: _default(f) for f in attrs.fields(FactState) if not f.eq and f.name != "profile"
}
_SHARED: dict[Any, Any] = {}


def _stripped(part: T) -> T:
    """``part`` with its notes and dates back to their defaults (a Since inside too)."""
    fields = attrs.fields(type(part))  # type: ignore[arg-type]
    changes = {f.name: f.default for f in fields if not f.eq}
    return _evolve(part, **changes) if changes else part


def _bare(part: T) -> T:
    """The shared bare copy of ``part`` (a part equals its bare copy, so it finds it)."""
    found: T | None = _SHARED.get(part)
    if found is None:
        found = _shared(_stripped(part))
    return found


def _shared(part: T) -> T:
    """One object for equal parts (bare states of many patients share them)."""
    found: T = _SHARED.setdefault(part, part)
    return found


def _ages(profile: Profile) -> Callable[[FactState, dt.date], tuple[int, ...]]:
    """For ``profile``: the ages of a state's dates on a day, each as how many of the day
    counts the facts compare it with it has reached (written out field by field)."""
    found = _AGES.get(id(profile))
    if found is not None and found[0] is profile:
        return found[1]
    lines = ["def ages(state, as_of):", "    out = []"]
    namespace: dict[str, Any] = {"bisect": bisect.bisect_right, "dates_in": _dates_in}
    for i, (owner, name, bounds) in enumerate(_AGE_FIELDS):
        namespace[f"b{i}"] = tuple(sorted({d for b in bounds for d in _days(profile, b)}))
        where = f"state.{name}" if owner is None else f"state.{owner}.{name}"
        lines.append(f"    for day in dates_in({where}):")
        lines.append(f"        out.append(bisect(b{i}, (as_of - day).days))")
        lines.append("    out.append(-1)")  # where one field's dates end and the next begin
    lines.append("    return tuple(out)")
    exec(compile("\n".join(lines) + "\n", "<fact state ages>", "exec"), namespace)
    ages: Callable[[FactState, dt.date], tuple[int, ...]] = namespace["ages"]
    _AGES[id(profile)] = (profile, ages)
    return ages


_AGES: dict[int, tuple[Profile, Callable[[FactState, dt.date], tuple[int, ...]]]] = {}


def _days(profile: Profile, bound: str | int) -> tuple[int, ...]:
    """The day counts a bound stands for: a number, a profile figure in days, or every
    interval of the antithrombotic hold table."""
    if isinstance(bound, int):
        return (bound,)
    if bound == "antithrombotic_holds":
        holds = profile.antithrombotic_holds.values()
        return tuple(d for h in holds for d in (h.low, h.intermediate, h.high) if d is not None)
    value = getattr(profile, bound).value
    if not isinstance(value, int):
        raise TypeError(f"profile figure {bound} is not a whole number of days")
    return (value,)


def initial_state(patient: Patient, profile: Profile) -> FactState:
    """The state of a record with no events yet."""
    return FactState(profile.name, safety=Safety.of(patient.health), profile=profile)


def fold(state: FactState, event: Event) -> FactState:
    """The state after ``event``, recorded next (events arrive in record order)."""
    return fold_all(state, (event,))


def _apply(draft: Any, event: Event) -> None:
    """Fold ``event`` into a draft (a mutable copy of a state's fields)."""
    folder, awaits_outcome, kinded = _plan(type(event))
    if folder is not None:
        for name, value in folder(draft, event).items():
            setattr(draft, name, value)
    if awaits_outcome:  # an intervention: its outcome report names it later
        draft.pending = {**draft.pending, event.id: event}
    if kinded:
        kind = kind_of(event)
        if kind is not None:  # each action moves the patient into its phase
            draft.phase = ACTION_PHASE[kind]
    if draft.events == 0 and draft.onset is None:
        draft.onset = event.date  # no onset reported: the first recorded event
    draft.events += 1


_PLANS: dict[type, tuple[Folder | None, bool, bool]] = {}


def _plan(kind: type) -> tuple[Folder | None, bool, bool]:
    """What folding an event of this type involves: its folder, whether it awaits an outcome,
    whether it may be an action (worked out once per type)."""
    found = _PLANS.get(kind)
    if found is None:
        actions = {ClinicalVisit, PhysicalTherapyCourse, *_ACTION_TYPES}
        found = _PLANS[kind] = (
            _FOLDERS.get(kind),
            issubclass(kind, Intervention),
            any(issubclass(kind, t) for t in actions),
        )
    return found


def state_of(record: PatientRecord, profile: Profile, as_of: dt.date | None = None) -> FactState:
    """The fact state of ``record`` under ``profile`` as of ``as_of`` (its last event by
    default; events after ``as_of`` are left out).

    The state of the whole record is folded once and kept with the record; a record made by
    :meth:`~spinepath.PatientRecord.add` from one whose state is known gets its state by
    folding just the new event. An earlier ``as_of`` folds the events up to that day.
    """
    last = record.last_date
    if as_of is not None and last is not None and last > as_of:
        events = record.events
        upto = bisect.bisect_right(events, as_of, key=lambda e: e.date)
        return fold_all(initial_state(record.patient, profile), events[:upto])
    key = (_KEPT, id(profile))
    found = record.derived(key)
    if isinstance(found, FactState) and found.profile is profile:
        return found
    state = fold_all(initial_state(record.patient, profile), record.events)
    record.keep(key, state)
    return state


_KEPT = "spinepath.rules.state"


def fold_all(state: FactState, events: Iterable[Event]) -> FactState:
    """The state after each of ``events`` in turn (one state is made, not one per event)."""
    draft = _DRAFT(state)
    for event in events:
        _apply(draft, event)
    frozen: FactState = _FREEZE(draft)
    return frozen


def _drafting() -> tuple[Callable[[FactState], Any], Callable[[Any], FactState]]:
    """A mutable copy of a state's fields, and back: folding several events makes one
    state, not one per event (written out field by field, as attrs writes ``__init__``)."""
    names = tuple(f.name for f in attrs.fields(FactState))
    draft = type("_Draft", (), {"__slots__": names})
    lines = ["def draft_of(state):", "    d = new_(Draft)"]
    lines += [f"    d.{name} = state.{name}" for name in names]
    lines += [
        "    return d",
        "def freeze(d):",
        "    s = new_(State)",
        f"    set_(s, {_HASH_CACHE!r}, None)",
    ]
    lines += [f"    set_(s, {name!r}, d.{name})" for name in names]
    lines.append("    return s")
    namespace: dict[str, Any] = {
        "new_": object.__new__,
        "set_": object.__setattr__,
        "Draft": draft,
        "State": FactState,
    }
    exec(compile("\n".join(lines) + "\n", "<fact state drafts>", "exec"), namespace)
    return namespace["draft_of"], namespace["freeze"]


_DRAFT, _FREEZE = _drafting()


# -- folding each kind of event ---------------------------------------------------------------

Changes = dict[str, Any]
Folder = Callable[[FactState, Any], Changes]
_FOLDERS: dict[type, Folder] = {}


def _folds(*kinds: type) -> Callable[[Folder], Folder]:
    def register(folder: Folder) -> Folder:
        for kind in kinds:
            _FOLDERS[kind] = folder
        return folder

    return register


def _replace(pairs: tuple[tuple[P, Any], ...], key: P, value: Any) -> tuple[tuple[P, Any], ...]:
    """``pairs`` with ``key`` mapped to ``value`` (added at the end if new)."""
    out = tuple((k, value if k == key else v) for k, v in pairs)
    return out if any(k == key for k, _ in pairs) else (*out, (key, value))


def _lookup(pairs: tuple[tuple[P, Any], ...], key: P) -> Any:
    for k, v in pairs:
        if k == key:
            return v
    return None


@_folds(HealthUpdate)
def _health(state: FactState, event: HealthUpdate) -> Changes:
    return {"safety": Safety.of(event.health)}


@_folds(AntithromboticUse)
def _antithrombotic(state: FactState, event: AntithromboticUse) -> Changes:
    a = state.antithrombotics
    drug = event.drug
    status = tuple(sorted(_replace(a.status, drug, event.status)))
    return {
        "antithrombotics": Antithrombotics(
            status=status,
            since=tuple(sorted(_replace(a.since, drug, event.date))),
            doses=_replace(a.doses, drug, event.daily_dose_mg),
        )
    }


@_folds(SeriousPathologyScreen)
def _screen(state: FactState, event: SeriousPathologyScreen) -> Changes:
    return {
        "screening": Screening(
            positive=event.positive,
            ordered=False,
            screened=True,
            items=event.present,
            not_asked=event.not_asked,
            screened_on=event.date,
            answered=None if event.positive else f"negative screen {event.date.isoformat()}",
        )
    }


@_folds(SharedDecision)
def _decision(state: FactState, event: SharedDecision) -> Changes:
    d = state.decisions
    kinds = frozenset(event.options)
    on = d.on
    for kind in event.options:
        on = _replace(on, kind, event.date)
    if event.decision is Decision.DECLINED:
        declined, consented = d.declined | kinds, d.consented - kinds
    else:
        declined, consented = d.declined - kinds, d.consented | kinds
    return {"decisions": _evolve(d, declined=declined, consented=consented, on=on)}


@_folds(PsychologicalEvaluation)
def _psychology(state: FactState, event: PsychologicalEvaluation) -> Changes:
    d = state.decisions
    return {"decisions": _evolve(d, psychology=event.suitable, psychology_on=event.date)}


@_folds(LabResult)
def _lab(state: FactState, event: LabResult) -> Changes:
    s = state.steroids
    profile = state.profile
    result = (event.value, event.date)
    if event.test is LabTest.HBA1C:
        limit = profile.steroid_hba1c_max.value
        high = limit is not None and event.value > limit
        return {"steroids": _evolve(s, hba1c_high=high, hba1c=result)}
    limit = profile.steroid_glucose_max.value
    high = limit is not None and event.value > limit
    return {"steroids": _evolve(s, glucose_high=high, glucose=result)}


@_folds(ClinicalVisit)
def _visit(state: FactState, event: ClinicalVisit) -> Changes:
    s = event.symptoms
    p = state.presentation
    profile = state.profile
    changes: Changes = {}
    debilitating = disabling(s, profile)
    changed = p.changed_since_imaging  # the last changed visit's, until imaging follows it
    if s.trajectory in _CHANGED:
        last_imaging = state.imaging.last_on
        changed = last_imaging is None or last_imaging < event.date
    examined = p.examined
    if event.exam is not None:
        exam = event.exam
        examined = frozenset(
            {_nerve(f.root, f.side) for f in exam.weakness}
            | {_nerve(f.root, f.side) for f in exam.sensory}
        )
    changes["presentation"] = Presentation(
        facet_signs=(s.neck_pain > 0 and s.neck_pain >= s.arm_pain)
        or s.headache is HeadachePattern.CERVICOGENIC_HEADACHE,
        radicular=s.arm_pain > 0 and (bool(s.radiating) or s.arm_pain >= s.neck_pain),
        headache=s.headache,
        headache_side=s.headache_side,
        debilitating=debilitating,
        arm_pain_at_floor=profile.surgery_min_arm_pain.value is None
        or s.arm_pain >= profile.surgery_min_arm_pain.value,
        symptomatic_nerves=examined.union(s.radiating),
        examined=examined,
        changed_since_imaging=changed,
        symptoms=s,
    )
    if s.onset is not None:
        changes["onset"] = s.onset
    if event.purpose is VisitPurpose.RE_EVALUATION:
        changes["since_failure"] = state.since_failure.did(RE_EVALUATION, event.date)
    if event.exam is not None:
        changes["surgical"] = _with_exam(state, event.date, event.exam)
    if event.purpose is VisitPurpose.POST_OPERATIVE and state.phase is Phase.SURGERY:
        changes["phase"] = Phase.POST_OPERATIVE
    return changes


@_folds(ImagingStudy)
def _study(state: FactState, event: ImagingStudy) -> Changes:
    img = state.imaging
    latest, films = img.latest, img.plain_films
    if event.modality.shows_soft_tissue:
        latest = event
    else:
        films = (*films, event)
    found: list[ImagingFinding] = list(latest.findings) if latest else []
    for study in films:
        if latest is None or study.date >= latest.date:
            found.extend(f for f in study.findings if f not in found)
    changes: Changes = {
        "imaging": _imaging(found, latest, films, event.date),
        "presentation": _evolve(state.presentation, changed_since_imaging=False),
    }
    if event.modality.shows_soft_tissue and state.surgical.deficit_since_imaging:
        changes["surgical"] = _evolve(state.surgical, deficit_since_imaging=False)
    if event.modality.shows_soft_tissue and state.screening.positive:
        answer = f"{event.modality.value.replace('_', ' ')} {event.date.isoformat()}"
        changes["screening"] = _answered(state.screening, answer)
    return changes


def _answered(screening: Screening, answer: str) -> Screening:
    """A positive screen answered by a work-up (cross-sectional imaging, an urgent
    consultation)."""
    return _evolve(screening, positive=False, ordered=False, answered=answer)


def _imaging(
    findings: list[ImagingFinding],
    latest: ImagingStudy | None,
    films: tuple[ImagingStudy, ...],
    day: dt.date,
) -> Imaging:
    joints = {
        _joint(f.segment, side)
        for f in findings
        if isinstance(f, FacetArthropathy)
        for side in f.side.lateral
    }
    compressive = {
        f.segment
        for f in findings
        if isinstance(f, DiscHerniation | ForaminalStenosis | CentralStenosis)
    }
    foraminal = frozenset(
        _foramen(f.segment, side)
        for f in findings
        if isinstance(f, ForaminalStenosis)
        or (isinstance(f, DiscHerniation) and f.zone is not HerniationZone.CENTRAL)
        for side in f.side.lateral
    )
    graded: dict[Foramen, int] = {}  # the worst lesion at a foramen: stenosis rank, herniation 3
    for f in findings:
        if isinstance(f, ForaminalStenosis):
            rank = f.grade.rank
        elif isinstance(f, DiscHerniation) and f.zone is not HerniationZone.CENTRAL:
            rank = 3
        else:
            continue
        for side in f.side.lateral:
            foramen = _foramen(f.segment, side)
            graded[foramen] = max(graded.get(foramen, 0), rank)
    cord: set[Segment] = set()
    for f in findings:
        if isinstance(f, CentralStenosis) and (f.cord_compression or f.cord_signal_change):
            cord.add(f.segment)
        if isinstance(f, DiscHerniation) and f.zone is HerniationZone.CENTRAL:
            cord.add(f.segment)
    return Imaging(
        cross_sectional=latest is not None,
        has_findings=bool(findings),
        facet_joints=tuple(sorted(joints)),
        compressive_segments=tuple(sorted(compressive)),
        foraminal_lesions=foraminal,
        mild_foramina=frozenset(f for f, rank in graded.items() if rank == 0),
        cord_compression_segments=frozenset(cord),
        instability_segments=frozenset(f.segment for f in findings if isinstance(f, Instability)),
        # nerves compressed on imaging: foraminal or paracentral herniation, foraminal stenosis
        implicated_nerves=tuple(sorted({foramen.nerve for foramen in foraminal})),
        latest=latest,
        plain_films=films,
        last_on=day,
    )


@_folds(ImagingOrder)
def _order(state: FactState, event: ImagingOrder) -> Changes:
    changes: Changes = {
        "imaging": _evolve(state.imaging, last_on=event.date),
        "presentation": _evolve(state.presentation, changed_since_imaging=False),
    }
    if state.screening.positive and event.modality.shows_soft_tissue:
        changes["screening"] = _evolve(state.screening, ordered=True)
    return changes


@_folds(PostureReview)
def _posture(state: FactState, event: PostureReview) -> Changes:
    return {
        "care": _evolve(state.care, posture_faults=event.assessment.needs_correction),
        "since_failure": state.since_failure.did(POSTURE_REVIEW, event.date),
    }


@_folds(CervicalEpiduralSteroidInjection)
def _cesi(state: FactState, event: CervicalEpiduralSteroidInjection) -> Changes:
    c = state.cesi
    target: CesiTarget = (event.approach, event.segment, event.side)
    nerve = event.nerve
    after_snrb = c.after_snrb
    nerve_last_on = c.nerve_last_on
    steroid_on = c.steroid_on
    if nerve is not None:
        first = _lookup(state.snrb.first_on, nerve)
        if first is not None and event.date >= first:
            after_snrb = after_snrb | {nerve}
        nerve_last_on = _replace(nerve_last_on, nerve, event.date)
        steroid_on = _replace(steroid_on, nerve, event.date)
    return {
        "cesi": _evolve(
            c,
            last_target=target,
            last_failed=False,
            too_early=False,
            targets=c.targets | {target},
            repeat_ok=c.repeat_ok - {target},
            after_snrb=after_snrb,
            dates=(*c.dates, event.date),
            last_id=event.id,
            first_id=c.first_id or event.id,
            last_outcome=None,
            last_at=(*(t for t in c.last_at if t[0] != target), (target, event.id, None)),
            nerve_last_on=nerve_last_on,
            steroid_on=steroid_on,
        ),
        "since_failure": state.since_failure.injected(),
        "steroids": _steroid_given(state, event.steroid.value, event.steroid_dose_mg, event.date),
    }


def _steroid_given(state: FactState, steroid: str, dose: float | None, day: dt.date) -> Steroids:
    """The steroids with one more injection: its dose in methylprednisolone-equivalent mg (by
    the profile's table), or its day among those whose dose was not recorded."""
    s = state.steroids
    if dose is None:
        return _evolve(s, undosed=(*s.undosed, day))
    factor: float = state.profile.steroid_equivalents[steroid].value
    return _evolve(s, doses=(*s.doses, dose * factor), dosed_on=(*s.dosed_on, day))


@_folds(SelectiveNerveRootBlock)
def _snrb(state: FactState, event: SelectiveNerveRootBlock) -> Changes:
    b = state.snrb
    nerve = event.nerve
    first_on = b.first_on
    after_snrb = state.cesi.after_snrb
    changes: Changes = {}
    if _lookup(first_on, nerve) is None:
        first_on = (*first_on, (nerve, event.date))
        injected = _lookup(state.cesi.nerve_last_on, nerve)
        if injected is not None and injected >= event.date:
            changes["cesi"] = _evolve(state.cesi, after_snrb=after_snrb | {nerve})
    results = _replace(b.results, nerve, _pending_text("SNRB", event))
    changes["snrb"] = _evolve(b, done=b.done | {nerve}, first_on=first_on, results=results)
    if event.steroid is not None:  # an epidural steroid at that root too
        changes["steroids"] = _steroid_given(
            state, event.steroid.value, event.steroid_dose_mg, event.date
        )
        c = changes.get("cesi", state.cesi)
        dates, counted = c.dates, c.counted_blocks
        if state.profile.snrb_steroid_counts_as_epidural.value:
            dates, counted = (*dates, event.date), (*counted, event.date)
        steroid_on = _replace(c.steroid_on, nerve, event.date)
        changes["cesi"] = _evolve(c, dates=dates, steroid_on=steroid_on, counted_blocks=counted)
    return changes


def _with_target(
    targets: tuple[tuple[tuple[Segment, ...], Side], ...], segments: tuple[Segment, ...], side: Side
) -> tuple[tuple[tuple[Segment, ...], Side], ...]:
    return targets if (segments, side) in targets else (*targets, (segments, side))


@_folds(MedialBranchBlock)
def _mbb(state: FactState, event: MedialBranchBlock) -> Changes:
    m = state.mbb
    results = m.results
    for joint in event.joints:
        results = _replace(results, joint, _pending_text("MBB", event))
    return {
        "mbb": _evolve(
            m,
            joints=m.joints | set(event.joints),
            targets=_with_target(m.targets, event.segments, event.side),
            results=results,
        )
    }


@_folds(RadiofrequencyAblation)
def _rfa(state: FactState, event: RadiofrequencyAblation) -> Changes:
    r = state.rfa
    last_on, last_id, results = r.last_on, r.last_id, r.results
    for joint in event.joints:
        last_on = _replace(last_on, joint, event.date)
        last_id = _replace(last_id, joint, event.id)
        results = _replace(results, joint, _pending_text("RFA", event))
    return {
        "rfa": Ablations(
            joints=r.joints | set(event.joints),
            qualifying=r.qualifying - set(event.joints),
            targets=_with_target(r.targets, event.segments, event.side),
            last_on=last_on,
            dates=(*r.dates, event.date),
            last_id=last_id,
            results=results,
        )
    }


@_folds(GreaterOccipitalNerveBlock)
def _gon(state: FactState, event: GreaterOccipitalNerveBlock) -> Changes:
    g = state.gon
    results = _replace(g.results, event.side, _pending_text("GON block", event))
    lateral = event.side.lateral
    left = (*g.left_dates, event.date) if Side.LEFT in lateral else g.left_dates
    right = (*g.right_dates, event.date) if Side.RIGHT in lateral else g.right_dates
    return {
        "gon": _evolve(
            g, done=g.done | {event.side}, left_dates=left, right_dates=right, results=results
        )
    }


def _pending_text(name: str, event: Intervention) -> str:
    return f"{name} {event.date.isoformat()}: outcome not recorded"


def _result_text(name: str, done: Intervention, outcome: Outcome, verdict: str) -> str:
    """A past procedure's result as reason texts quote it: date, relief, how long, verdict."""
    days = outcome.relief_duration_days
    lasting = "" if days is None else f" lasting {days} days"
    concordant = " (discordant)" if outcome.concordant is False else ""
    said = f", {verdict}" if verdict else ""
    return (
        f"{name} {done.date.isoformat()}: {outcome.relief:.0f}% relief{lasting}{concordant}{said}"
    )


@_folds(MedicationTrial)
def _medication(state: FactState, event: MedicationTrial) -> Changes:
    m = state.medication
    drug = event.drug
    if event.stop_date is None:
        return {"medication": _evolve(m, tried=m.tried | {drug}, open_ended=m.open_ended | {drug})}
    stop = _lookup(m.stops, drug)
    stops = (
        m.stops
        if stop is not None and stop >= event.stop_date
        else _replace(m.stops, drug, event.stop_date)
    )
    return {"medication": _evolve(m, tried=m.tried | {drug}, stops=stops)}


@_folds(PhysicalTherapyCourse)
def _physical_therapy(state: FactState, event: PhysicalTherapyCourse) -> Changes:
    changes: Changes = {}
    if event.advanced:
        changes["care"] = _evolve(state.care, advanced_pt_tried=True)
        changes["since_failure"] = state.since_failure.did(ADVANCED_PT, event.date)
    return changes


@_folds(SpinalCordStimulatorTrial)
def _scs_trial(state: FactState, event: SpinalCordStimulatorTrial) -> Changes:
    care = _evolve(
        state.care,
        scs_trial=True,
        scs_trial_ok=False,
        scs_trial_id=event.id,
        scs_trial_outcome=None,
    )
    return {"care": care}


@_folds(SpinalCordStimulatorImplant)
def _scs_implant(state: FactState, event: SpinalCordStimulatorImplant) -> Changes:
    return {"care": _evolve(state.care, scs_implanted=True)}


@_folds(SurgicalConsultation)
def _consultation(state: FactState, event: SurgicalConsultation) -> Changes:
    s = state.surgical
    at = state.events
    changes: Changes = {}
    if state.screening.positive and event.urgency is Urgency.URGENT:
        answer = f"urgent consultation {event.date.isoformat()}"
        changes["screening"] = _answered(state.screening, answer)
    return {
        **changes,
        "surgical": _evolve(
            s,
            consulted=True,
            ever_consulted=True,
            consulted_at=at,
            consulted_on=event.date,
            unanswered=tuple(text for place, text in s.flags if place > at),
        ),
    }


def _surgery(state: FactState, event: Surgery) -> Changes:
    s = state.surgical
    fused = s.fused
    if isinstance(event, AnteriorCervicalDiscectomyFusion):
        fused = fused | set(event.segments)
    consulted = s.consulted_on is not None and s.consulted_on >= event.date
    return {
        "surgical": _evolve(
            s,
            fused=fused,
            operated=True,
            consulted=consulted,
            red_flags=(),
            unanswered=(),
            mild_myelopathy=False,
            myelopathy=False,
            deficit_since_imaging=False,
            exams=(),
            before=s.exams[-1] if s.exams else s.before,
            flags=(),
            mild_text=None,
        )
    }


for _kind in Surgery.__subclasses__():
    _FOLDERS[_kind] = _surgery


@_folds(OutcomeReport)
def _outcome(state: FactState, event: OutcomeReport) -> Changes:
    """An intervention's outcome, observed on the report's date. The first report of an
    intervention moves it from pending to followed; a later one is a follow-up: diagnostic
    nerve blocks are judged by their first report, everything else by its latest."""
    ident = event.intervention_id
    done = state.pending.get(ident)
    changes: Changes = {}
    if done is not None:
        pending = dict(state.pending)
        del pending[ident]
        changes["pending"] = pending
        changes["followed"] = {**state.followed, ident: done}
    else:
        done = state.followed.get(ident)
        if done is None:  # pragma: no cover - a valid record reports outcomes of its interventions
            return {}
        if isinstance(done, _JUDGED_ONCE):
            return changes
    outcome = event.outcome
    profile = state.profile
    verdict = relief_verdict(done.kind, outcome, profile)
    if isinstance(done, CervicalEpiduralSteroidInjection):
        if verdict is not Verdict.ADEQUATE and (
            (event.date - done.date).days < profile.cesi_judgeable_days.value
        ):
            verdict = Verdict.TOO_EARLY
        changes.update(_cesi_outcome(state, done, event, verdict))
    elif isinstance(done, SelectiveNerveRootBlock):
        b = state.snrb
        positive = outcome.concordant is not False and profile.snrb_positive_relief.value.met(
            outcome.relief
        )
        threshold = f"{profile.snrb_positive_relief.value}% concordant relief"
        said = "positive" if positive else f"negative, below {threshold}"
        results = _replace(b.results, done.nerve, _result_text("SNRB", done, outcome, said))
        changes["snrb"] = _evolve(
            b, positive=b.positive | {done.nerve} if positive else b.positive, results=results
        )
    elif isinstance(done, MedialBranchBlock):
        changes["mbb"] = _block_outcome(state.mbb, done, outcome, profile)
    elif isinstance(done, RadiofrequencyAblation):
        changes["rfa"] = _ablation_outcome(state.rfa, done, outcome, profile)
    elif isinstance(done, GreaterOccipitalNerveBlock):
        g = state.gon
        worked = g.worked | {done.side} if verdict is Verdict.ADEQUATE else g.worked - {done.side}
        said = "worked" if verdict is Verdict.ADEQUATE else f"did not work: {verdict.value}"
        text = _result_text("GON block", done, outcome, said)
        changes["gon"] = _evolve(g, worked=worked, results=_replace(g.results, done.side, text))
    elif isinstance(done, SpinalCordStimulatorTrial) and done.id == state.care.scs_trial_id:
        ok = profile.scs_trial_success.value.met(outcome.relief)
        changes["care"] = _evolve(state.care, scs_trial_ok=ok, scs_trial_outcome=outcome)
    changes["outcomes"] = _outcomes(state, done, event, verdict)
    changes["phase"] = _phase_after_outcome(state, done, verdict)
    return changes


class Verdict(enum.Enum):
    """What one follow-up says of a treatment's relief under a profile."""

    ADEQUATE = "adequate"
    ENDED_EARLY = "relief ended too soon"
    INADEQUATE = "not enough relief"
    TOO_EARLY = "too early to judge"


def lasting_figures(kind: str, profile: Profile) -> tuple[Figure, Figure]:
    """The relief (a threshold) and the number of days it must last (None: while it lasts)
    for a treatment of ``kind`` to count as having worked, each with its source."""
    if kind == "cesi":
        return profile.cesi_adequate_relief, profile.cesi_adequate_relief_days
    if kind == "radiofrequency_ablation":
        return profile.rfa_adequate_relief, profile.rfa_adequate_relief_days
    if kind == "greater_occipital_nerve_block":
        return profile.gon_block_response, profile.gon_adequate_relief_days
    return profile.adequate_relief, profile.adequate_relief_days


def relief_verdict(kind: str, outcome: Outcome, profile: Profile) -> Verdict:
    """Whether ``outcome`` is adequate relief for a treatment of ``kind``, relief that met the
    threshold but ended sooner than the kind's duration, or not enough relief."""
    threshold, days = lasting_figures(kind, profile)
    if not threshold.value.met(outcome.relief):
        return Verdict.INADEQUATE
    lasted = outcome.relief_duration_days
    if lasted is not None and days.value is not None and lasted < days.value:
        return Verdict.ENDED_EARLY
    return Verdict.ADEQUATE


_JUDGED_ONCE = (SelectiveNerveRootBlock, MedialBranchBlock)
"""Diagnostic blocks judged by their first report (relief within the anaesthetic's span)."""


def _cesi_outcome(
    state: FactState,
    done: CervicalEpiduralSteroidInjection,
    event: OutcomeReport,
    verdict: Verdict,
) -> Changes:
    c = state.cesi
    outcome = event.outcome
    profile = state.profile
    target: CesiTarget = (done.approach, done.segment, done.side)
    repeat_ok = c.repeat_ok
    last_at = c.last_at
    for i, (t, ident, _) in enumerate(last_at):
        if ident == done.id:
            last_at = (*last_at[:i], (t, ident, outcome.relief), *last_at[i + 1 :])
            if profile.repeat_cesi_requires_prior_relief.value.met(outcome.relief):
                repeat_ok = repeat_ok | {target}
            else:
                repeat_ok = repeat_ok - {target}
    changes: Changes = {}
    if done.id != c.last_id:
        changes["cesi"] = _evolve(c, on_record=True, repeat_ok=repeat_ok, last_at=last_at)
        return changes
    early = verdict is Verdict.TOO_EARLY
    failed = verdict in (Verdict.INADEQUATE, Verdict.ENDED_EARLY)
    changes["cesi"] = _evolve(
        c,
        last_failed=failed,
        too_early=early,
        on_record=True,
        repeat_ok=repeat_ok,
        last_outcome=outcome,
        last_at=last_at,
        judge_from=done.date + dt.timedelta(days=profile.cesi_judgeable_days.value),
        reported_on=event.date,
    )
    if not early and not (failed and c.last_failed):  # a failure repeated changes nothing
        changes["since_failure"] = state.since_failure.reported(event.date, failed)
    return changes


def _block_outcome(
    m: FacetBlocks, done: MedialBranchBlock, outcome: Outcome, profile: Profile
) -> FacetBlocks:
    positive = outcome.concordant is not False and profile.mbb_positive_relief.value.met(
        outcome.relief
    )
    threshold = f"{profile.mbb_positive_relief.value}% relief"
    verdict = "positive" if positive else f"negative, below {threshold}"
    results = m.results
    for joint in done.joints:
        results = _replace(results, joint, _result_text("MBB", done, outcome, verdict))
    if not positive:
        return _evolve(m, negative=m.negative | set(done.joints), results=results)
    counts = m.positive
    for joint in done.joints:
        counts = _replace(counts, joint, m.positive_count(joint) + 1)
    return _evolve(m, positive=tuple(sorted(counts)), results=results)


def _ablation_outcome(
    r: Ablations, done: RadiofrequencyAblation, outcome: Outcome, profile: Profile
) -> Ablations:
    days = outcome.relief_duration_days
    qualifies = (
        days is not None
        and profile.repeat_rfa_prior_relief.value.met(outcome.relief)
        and days >= profile.repeat_rfa_prior_relief_days.value
    )
    qualifying = set(r.qualifying)
    results = r.results
    for joint in done.joints:
        if _lookup(r.last_id, joint) == done.id:
            results = _replace(results, joint, _result_text("RFA", done, outcome, ""))
            if qualifies:
                qualifying.add(joint)
            else:
                qualifying.discard(joint)
    return _evolve(r, qualifying=frozenset(qualifying), results=results)


def _outcomes(
    state: FactState, done: Intervention, event: OutcomeReport, verdict: Verdict
) -> Outcomes:
    o = state.outcomes
    outcome = event.outcome
    changes: Changes = {}
    if not isinstance(done, _PURELY_DIAGNOSTIC) and verdict is not Verdict.TOO_EARLY:
        days = outcome.relief_duration_days
        changes["latest_adequate"] = verdict is Verdict.ADEQUATE
        changes["relief_until"] = None if days is None else done.date + dt.timedelta(days=days)
        changes["latest"] = (named(done.kind), outcome.relief)
        changes["latest_on"] = (done.date, event.date, verdict.value, days)
    if verdict in (Verdict.INADEQUATE, Verdict.ENDED_EARLY):
        later_cesi = isinstance(done, CervicalEpiduralSteroidInjection) and (
            done.id != state.cesi.first_id
        )
        entry = (done.kind, _result_text(named(done.kind), done, outcome, verdict.value))
        if done.kind in _TARGETED_KINDS or done.kind in _ADVANCED_KINDS or later_cesi:
            changes["targeted_failed"] = True
            changes["failed"] = _in_order((*o.failed, entry))
        blocks = done.kind in _TARGETED_KINDS or (
            later_cesi and getattr(done, "approach", None) is Approach.TRANSFORAMINAL
        )
        if blocks:
            changes["blocks_failed"] = True
            changes["failed_blocks"] = _in_order((*o.failed_blocks, entry))
    return _evolve(o, **changes) if changes else o


_FAILED_ORDER = (*_TARGETED_KINDS, *_ADVANCED_KINDS, "cesi")


def _in_order(failed: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """Failed treatments, (kind, dated result), in the order reason texts list them: by kind,
    then as recorded."""
    return tuple(sorted(failed, key=lambda entry: _FAILED_ORDER.index(entry[0])))


def named(kind: str) -> str:
    """An event's kind as words for reason texts (``radiofrequency ablation``, ``CESI``)."""
    return _ACRONYMS.get(kind, kind.replace("_", " "))


_ACRONYMS = {"cesi": "CESI", "acdf": "ACDF"}


def _phase_after_outcome(state: FactState, done: Intervention, verdict: Verdict) -> Phase:
    """An outcome can move the patient on: an operation's to post-operative follow-up,
    adequate (lasting) relief from a treatment to maintenance, a failed CESI to re-evaluation;
    a CESI outcome reported too early to judge leaves the phase as it is."""
    if isinstance(done, Surgery):
        return Phase.POST_OPERATIVE
    if done.diagnostic or verdict is Verdict.TOO_EARLY:
        return state.phase
    if isinstance(done, CervicalEpiduralSteroidInjection):  # S0: relief must also last
        return Phase.MAINTENANCE if verdict is Verdict.ADEQUATE else Phase.RE_EVALUATION
    return Phase.MAINTENANCE if verdict is Verdict.ADEQUATE else state.phase


# -- red flags (S12) --------------------------------------------------------------------------


def _with_exam(state: FactState, day: dt.date, exam: NeuroExam) -> Surgical:
    """The red flags once ``exam`` is recorded: each with where (the place of the event) the
    unbroken run of exams showing it began; only exams since the last operation count (what an
    earlier exam showed is what the surgeon decompressed, and the first exam after it is the
    new baseline)."""
    s = state.surgical
    exams = (*s.exams, (state.events, day, exam))
    compared = exams
    if s.operated and not s.exams and s.before is not None:
        compared = (s.before, *exams)  # the first exam after an operation: new since before it?
    flags, mild = _red_flags(compared, state.profile, s.operated)
    imaged = state.imaging.latest.date if state.imaging.latest is not None else None
    shown = {place: on for place, on, _ in compared}
    deficit = any(
        text.startswith(_DEFICITS) and (imaged is None or shown.get(place, day) > imaged)
        for place, text in flags
    )
    return _evolve(
        s,
        deficit_since_imaging=deficit,
        exams=exams,
        flags=flags,
        red_flags=tuple(text for _, text in flags),
        unanswered=tuple(text for place, text in flags if place > s.consulted_at),
        mild_myelopathy=mild is not None,
        myelopathy=bool(exam.myelopathy) or mjoa_band(exam.mjoa, state.profile) is not None,
        mild_text=mild,
    )


_DEFICITS = ("progressive weakness", "progressive sensory loss", "severe weakness")
"""Red flags of a deficit (not myelopathy) that call for updated imaging (S2)."""

Exams = tuple[tuple[int, dt.date, NeuroExam], ...]
"""The exams since the last operation: (place of the event in the record, date, exam)."""


def mjoa_band(mjoa: int | None, profile: Profile) -> str | None:
    """The myelopathy severity band of an mJOA score (Fehlings 2017): ``mild``, ``moderate``,
    ``severe``, or None for no myelopathy by the score or no score."""
    if mjoa is None or mjoa > profile.mjoa_myelopathy_max.value:
        return None
    if mjoa <= profile.mjoa_severe_max.value:
        return "severe"
    return "moderate" if mjoa <= profile.mjoa_moderate_max.value else "mild"


def _band_range(band: str, profile: Profile) -> str:
    severe, moderate = profile.mjoa_severe_max.value, profile.mjoa_moderate_max.value
    if band == "severe":
        return f"<={severe}"
    if band == "moderate":
        return f"{severe + 1}-{moderate}"
    return f"{moderate + 1}-{profile.mjoa_myelopathy_max.value}"


def _mcid(band: str | None, profile: Profile) -> int:
    """The minimum clinically important mJOA change for a score in ``band`` (Tetreault 2015);
    a score above the myelopathy range takes the mild band's."""
    figure = {"severe": profile.mjoa_mcid_severe, "moderate": profile.mjoa_mcid_moderate}
    value: int = figure.get(band or "mild", profile.mjoa_mcid_mild).value
    return value


def _red_flags(exams: Exams, profile: Profile, operated: bool) -> tuple[Flags, str | None]:
    """The red flags of the latest exam, and the text of a mild, stable myelopathy (not a red
    flag: a surgical opinion comes first, not urgently) if that is what it shows.

    Before an operation: myelopathy that is moderate or severe by mJOA, or whose mJOA is not
    recorded, is urgent; mild and stable is not. A decline of at least the minimum clinically
    important change, bowel or bladder dysfunction and a severe motor deficit are red flags at
    first sight. After an operation the first exam is the baseline: only signs it did not show,
    a deficit worse than before, or a clinically important mJOA decline are red flags (the
    first exam itself is compared with the last exam before the operation, when there is one:
    what it shows that was not there before is new).
    """
    latest = exams[-1][2]
    baseline = exams[0][2] if operated and len(exams) > 1 else None
    flags: list[tuple[int, str]] = []
    band = mjoa_band(latest.mjoa, profile)
    decline = _mjoa_decline(exams, profile)
    signs = [
        sign
        for sign in latest.myelopathy.present
        if baseline is None or not getattr(baseline.myelopathy, sign)
    ]
    urgent = (
        operated
        or latest.mjoa is None
        or band in ("moderate", "severe")
        or decline is not None
        or "bowel_bladder_dysfunction" in signs
    )
    for sign in signs:
        if urgent or sign == "bowel_bladder_dysfunction":
            where = _first_shown(exams, _sign_present(sign))
            flags.append((where, f"myelopathy sign: {sign.replace('_', ' ')}"))
    if band is not None and band != "mild" and not operated:
        where = _first_shown(exams, lambda e: mjoa_band(e.mjoa, profile) in ("moderate", "severe"))
        text = f"{band} myelopathy: mJOA {latest.mjoa} ({band} is {_band_range(band, profile)})"
        flags.append((where, text))
    if decline is not None:
        flags.append(decline)
    for motor in latest.motor:
        root, side = motor.root, motor.side
        weaker = _progression(exams, 5 - motor.grade, _weakness, root, side)
        if weaker is not None:
            text = f"progressive weakness: {side} {root} MRC {5 - weaker[1]} -> {motor.grade}"
            flags.append((weaker[0], text))
        elif not operated and motor.grade <= profile.severe_weakness_mrc_max.value:
            limit = profile.severe_weakness_mrc_max.value
            where = _first_shown(
                exams, functools.partial(_weak_to, root=root, side=side, limit=limit)
            )
            text = f"severe weakness: {side} {root} MRC {motor.grade} (MRC <={limit})"
            flags.append((where, text))
    for sensory in latest.sensory:
        root, side = sensory.root, sensory.side
        loss = _progression(exams, _LOSS.get(sensory.change, 0), _sensory_loss, root, side)
        if loss is not None:
            flags.append((loss[0], f"progressive sensory loss: {side} {root} {sensory.change}"))
    mild = None
    if not urgent and (band == "mild" or signs):
        found = f"; signs: {', '.join(s.replace('_', ' ') for s in signs)}" if signs else ""
        mild = (
            f"mJOA {latest.mjoa} (mild is {_band_range('mild', profile)}), "
            f"no clinically important decline{found}"
        )
    return tuple(flags), mild


Flags = tuple[tuple[int, str], ...]


def _mjoa_decline(exams: Exams, profile: Profile) -> tuple[int, str] | None:
    """A fall of the latest mJOA from the best earlier score (since the last operation) of at
    least the minimum clinically important change for that earlier score's band."""
    latest = exams[-1][2].mjoa
    earlier = [(e.mjoa, day) for _, day, e in exams[:-1] if e.mjoa is not None]
    if latest is None or not earlier:
        return None
    best, day = max(earlier, key=lambda pair: pair[0])
    mcid = _mcid(mjoa_band(best, profile), profile)
    if best - latest < mcid:
        return None
    where = _first_shown(exams, lambda e: e.mjoa is not None and e.mjoa <= best - mcid)
    text = (
        f"mJOA decline: {best} on {day.isoformat()} -> {latest} "
        f"(at least the {mcid}-point minimum clinically important change)"
    )
    return where, text


def _weak_to(exam: NeuroExam, root: NerveRoot, side: Side, limit: int) -> bool:
    grade = exam.strength(root, side)
    return grade is not None and grade <= limit


def _first_shown(exams: Exams, shown: Callable[[NeuroExam], bool]) -> int:
    """Where the unbroken run of recent exams showing a sign (the latest does) began."""
    first = exams[-1][0]
    for place, _, exam in reversed(exams):
        if not shown(exam):
            break
        first = place
    return first


def _progression(
    exams: Exams,
    deficit: int,
    measure: Callable[[NeuroExam, NerveRoot, Side], int | None],
    root: NerveRoot,
    side: Side,
) -> tuple[int, int] | None:
    """A deficit of the latest exam that is worse than an earlier exam since the last
    operation: where the current run of exams at least this bad began, and the deficit just
    before it; None when the deficit is not progressive.

    The run matters: a later exam that finds the same deficit again (a re-evaluation visit)
    must not erase a progression before a surgeon has seen it.
    """
    if deficit <= 0:
        return None
    shown = exams[-1][0]
    for place, _, exam in reversed(exams):
        value = measure(exam, root, side)
        if value is None:  # not examined there: the run goes on
            continue
        if value < deficit:
            return shown, value
        shown = place
    return None


def _sign_present(sign: str) -> Callable[[NeuroExam], bool]:
    return lambda exam: bool(getattr(exam.myelopathy, sign))


def _weakness(exam: NeuroExam, root: NerveRoot, side: Side) -> int | None:
    """How weak a myotome is: 0 normal (MRC 5) ... 5 no contraction; None when not tested."""
    grade = exam.strength(root, side)
    return None if grade is None else 5 - grade


def _sensory_loss(exam: NeuroExam, root: NerveRoot, side: Side) -> int:
    """How much sensation is lost in a dermatome: 0 none, 1 diminished, 2 absent."""
    return max(
        (_LOSS.get(f.change, 0) for f in exam.sensory if f.root is root and f.side is side),
        default=0,
    )
