"""Named facts of a patient record, derived once per assessment from its events.

Rules never look at events directly: they name facts (``cesi_failed``, ``mbb_positive``), and
this module says what each fact means, how it reads when it holds and when it fails, and
computes it. Facts about a target (``mbb_positive``) read the action being judged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import attrs

from spinepath.anatomy import (
    LATERAL_SIDES,
    FacetJoint,
    Foramen,
    NerveRoot,
    Segment,
    Side,
    SpinalNerve,
)
from spinepath.model import (
    AnteriorCervicalDiscectomyFusion,
    Approach,
    CentralStenosis,
    CervicalEpiduralSteroidInjection,
    ClinicalVisit,
    DiscHerniation,
    Event,
    FacetArthropathy,
    ForaminalStenosis,
    GreaterOccipitalNerveBlock,
    HeadachePattern,
    HealthFactors,
    HerniationZone,
    ImagingOrder,
    ImagingStudy,
    Instability,
    Intervention,
    MedialBranchBlock,
    MedicationTrial,
    NeuroExam,
    Outcome,
    OutcomeReport,
    PatientRecord,
    PhysicalTherapyCourse,
    PostureReview,
    QualityOfLifeImpact,
    RadiofrequencyAblation,
    RegenerativeTherapy,
    SelectiveNerveRootBlock,
    SensoryChange,
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
from spinepath.rules.actions import Action, ActionKind
from spinepath.rules.profiles import Profile, Threshold

__all__ = ["FACTS", "FactDefinition", "RecordFacts", "cesi_worked", "lookup"]

Check = Callable[["RecordFacts", Action], bool]
V = TypeVar("V")


class cached_property(Generic[V]):  # named like functools.cached_property
    """A lock-free cached property: facts are built per assessment, and computing a value twice
    in a race gives the same value, so the lock of ``functools.cached_property`` only costs."""

    def __init__(self, compute: Callable[[Any], V]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __get__(self, instance: Any, owner: type | None = None) -> V:
        value = self.compute(instance)
        instance.__dict__[self.name] = value
        return value


Detail = Callable[["RecordFacts", Action], dict[str, Any]]


@attrs.frozen
class FactDefinition:
    """A named fact: what it means, how it reads either way, and how to compute it."""

    name: str
    meaning: str
    holds_text: str
    fails_text: str
    compute: Check
    detail: Detail | None = None
    about_target: bool = False


FACTS: dict[str, FactDefinition] = {}


def _fact(
    name: str,
    meaning: str,
    holds: str,
    fails: str,
    *,
    detail: Detail | None = None,
    target: bool = False,
) -> Callable[[Check], Check]:
    def register(compute: Check) -> Check:
        if name in FACTS:
            raise ValueError(f"fact {name!r} is defined twice")
        FACTS[name] = FactDefinition(name, meaning, holds, fails, compute, detail, target)
        return compute

    return register


_DEBILITATING = frozenset({QualityOfLifeImpact.SEVERE, QualityOfLifeImpact.DEBILITATING})
_CHANGED = frozenset({Trajectory.WORSENING, Trajectory.CHANGED})
_LOSS = {SensoryChange.DIMINISHED: 1, SensoryChange.ABSENT: 2}


def _met(threshold: Threshold, relief: float) -> bool:
    return threshold.met(relief)


def cesi_worked(outcome: Outcome, profile: Profile) -> bool:
    """S0: whether a CESI's outcome is adequate relief that lasts (the profile's relief for at
    least its number of days; a duration not reported counts as still lasting)."""
    days = outcome.relief_duration_days
    lasting = days is None or days >= profile.cesi_adequate_relief_days.value
    return _met(profile.cesi_adequate_relief.value, outcome.relief) and lasting


class RecordFacts:
    """The facts of one record on one date under one profile, computed lazily and cached.

    Built by the engine for each assessment; not thread-shared (each call builds its own).
    """

    def __init__(self, record: PatientRecord, profile: Profile, as_of: dt.date) -> None:
        self.record = record
        self.profile = profile
        self.as_of = as_of
        self.general = _General(self)
        self.targeted = _Targeted(self)
        events = record.events
        if events and events[-1].date > as_of:
            events = tuple(e for e in events if e.date <= as_of)
        self.events: tuple[Event, ...] = events
        self.outcomes: dict[str, Outcome] = {}
        self.by_type: dict[type, list[Any]] = {}
        for event in events:
            if isinstance(event, OutcomeReport):
                self.outcomes[event.intervention_id] = event.outcome
            self.by_type.setdefault(type(event), []).append(event)

    # -- the FactSource protocol ---------------------------------------------------------------
    def holds(self, name: str, action: Action) -> bool:
        if FACTS[name].about_target:
            return self.targeted[name, action]
        return self.general[name]

    def describe(self, name: str, action: Action, held: bool) -> str:
        definition = FACTS[name]
        text = definition.holds_text if held else definition.fails_text
        values: dict[str, Any] = {"target": action.target, "action": str(action)}
        if definition.detail is not None:
            values.update(definition.detail(self, action))
        return text.format(**values)

    # -- event lists -----------------------------------------------------------------------------
    def of(self, kind: type[Any]) -> list[Any]:
        """Events of exactly this type, oldest first."""
        return self.by_type.get(kind, [])

    def outcome(self, event: Intervention) -> Outcome | None:
        return self.outcomes.get(event.id)

    @cached_property
    def health(self) -> HealthFactors:
        return self.record.health_on(self.as_of)

    @cached_property
    def visits(self) -> list[ClinicalVisit]:
        return self.of(ClinicalVisit)

    @cached_property
    def symptoms(self) -> Symptoms | None:
        return self.visits[-1].symptoms if self.visits else None

    @cached_property
    def exams(self) -> list[tuple[dt.date, NeuroExam]]:
        return [(v.date, v.exam) for v in self.visits if v.exam is not None]

    @cached_property
    def studies(self) -> list[ImagingStudy]:
        return self.of(ImagingStudy)

    @cached_property
    def findings(self) -> tuple[ImagingFinding, ...]:
        """Findings of the latest cross-sectional study, plus instability from any later X-ray."""
        latest: ImagingStudy | None = None
        for study in self.studies:
            if study.modality.shows_soft_tissue:
                latest = study
        found: list[ImagingFinding] = list(latest.findings) if latest else []
        for study in self.studies:
            if not study.modality.shows_soft_tissue and (
                latest is None or study.date >= latest.date
            ):
                found.extend(f for f in study.findings if f not in found)
        return tuple(found)

    @cached_property
    def cesis(self) -> list[CervicalEpiduralSteroidInjection]:
        return self.of(CervicalEpiduralSteroidInjection)

    @cached_property
    def last_cesi(self) -> CervicalEpiduralSteroidInjection | None:
        return self.cesis[-1] if self.cesis else None

    @cached_property
    def failure_date(self) -> dt.date | None:
        """When the latest CESI was judged a failure (its outcome's report date)."""
        last = self.last_cesi
        if last is None or self.cesi_adequate(last) is not False:
            return None
        for event in reversed(self.events):
            if isinstance(event, OutcomeReport) and event.intervention_id == last.id:
                return event.date
        return last.date  # pragma: no cover - an outcome exists, so its report does

    def since_failure(self, kind: type[Any]) -> list[Any]:
        start = self.failure_date
        events = self.of(kind)
        return events if start is None else [e for e in events if e.date >= start]

    def cesi_adequate(self, cesi: CervicalEpiduralSteroidInjection) -> bool | None:
        """S0: adequate, lasting relief; None while the outcome is unknown."""
        outcome = self.outcome(cesi)
        return None if outcome is None else cesi_worked(outcome, self.profile)

    # -- candidate targets -------------------------------------------------------------------------
    @cached_property
    def implicated_nerves(self) -> tuple[SpinalNerve, ...]:
        """Nerves compressed on imaging: foraminal or paracentral herniation, foraminal stenosis."""
        return tuple(sorted({foramen.nerve for foramen in self.foraminal_lesions}))

    @cached_property
    def symptomatic_nerves(self) -> frozenset[SpinalNerve]:
        """Nerves the patient's pain, sensation or strength points to."""
        nerves: set[SpinalNerve] = set()
        if self.symptoms is not None:
            nerves.update(self.symptoms.radiating)
        if self.exams:
            exam = self.exams[-1][1]
            nerves.update(SpinalNerve(f.root, f.side) for f in exam.weakness)
            nerves.update(SpinalNerve(f.root, f.side) for f in exam.sensory)
        return frozenset(nerves)

    @cached_property
    def candidate_nerves(self) -> tuple[SpinalNerve, ...]:
        """S3: imaging-implicated nerves that match the symptoms (all of them if none match)."""
        matching = tuple(n for n in self.implicated_nerves if n in self.symptomatic_nerves)
        return matching or self.implicated_nerves

    @cached_property
    def facet_joints(self) -> tuple[FacetJoint, ...]:
        joints = {
            FacetJoint(f.segment, side)
            for f in self.findings
            if isinstance(f, FacetArthropathy)
            for side in f.side.lateral
        }
        return tuple(sorted(joints))

    @cached_property
    def compressive_segments(self) -> tuple[Segment, ...]:
        segments = {
            f.segment
            for f in self.findings
            if isinstance(f, DiscHerniation | ForaminalStenosis | CentralStenosis)
        }
        return tuple(sorted(segments))

    @cached_property
    def foraminal_lesions(self) -> frozenset[Foramen]:
        """Foramina narrowed by a foraminal or paracentral herniation or foraminal stenosis."""
        return frozenset(
            Foramen(finding.segment, side)
            for finding in self.findings
            if isinstance(finding, ForaminalStenosis)
            or (isinstance(finding, DiscHerniation) and finding.zone is not HerniationZone.CENTRAL)
            for side in finding.side.lateral
        )

    @cached_property
    def cord_compression_segments(self) -> frozenset[Segment]:
        segments: set[Segment] = set()
        for finding in self.findings:
            if isinstance(finding, CentralStenosis) and (
                finding.cord_compression or finding.cord_signal_change
            ):
                segments.add(finding.segment)
            if isinstance(finding, DiscHerniation) and finding.zone is HerniationZone.CENTRAL:
                segments.add(finding.segment)
        return frozenset(segments)

    # -- blocks and ablations ------------------------------------------------------------------
    @cached_property
    def _blocks(self) -> dict[FacetJoint, tuple[list[MedialBranchBlock], bool]]:
        """Per facet joint: the positive blocks, and whether any block there was negative."""
        threshold = self.profile.mbb_positive_relief.value
        found: dict[FacetJoint, tuple[list[MedialBranchBlock], bool]] = {}
        for block in self.of(MedialBranchBlock):
            outcome = self.outcome(block)
            if outcome is None:
                continue
            positive = outcome.concordant is not False and _met(threshold, outcome.relief)
            for joint in block.joints:
                blocks, negative = found.get(joint, ([], False))
                found[joint] = ([*blocks, block], negative) if positive else (blocks, True)
        return found

    def positive_blocks(self, joint: FacetJoint) -> list[MedialBranchBlock]:
        return self._blocks.get(joint, ([], False))[0]

    def negative_block(self, joint: FacetJoint) -> bool:
        return self._blocks.get(joint, ([], False))[1]

    @cached_property
    def _rfas(self) -> dict[FacetJoint, list[RadiofrequencyAblation]]:
        found: dict[FacetJoint, list[RadiofrequencyAblation]] = {}
        for rfa in self.of(RadiofrequencyAblation):
            for joint in rfa.joints:
                found.setdefault(joint, []).append(rfa)
        return found

    def rfas_at(self, joint: FacetJoint) -> list[RadiofrequencyAblation]:
        return self._rfas.get(joint, [])

    @cached_property
    def _snrbs(self) -> dict[SpinalNerve, list[SelectiveNerveRootBlock]]:
        found: dict[SpinalNerve, list[SelectiveNerveRootBlock]] = {}
        for block in self.of(SelectiveNerveRootBlock):
            found.setdefault(block.nerve, []).append(block)
        return found

    def snrbs_at(self, nerve: SpinalNerve) -> list[SelectiveNerveRootBlock]:
        return self._snrbs.get(nerve, [])

    def snrb_positive(self, nerve: SpinalNerve) -> bool:
        threshold = self.profile.snrb_positive_relief.value
        for block in self.snrbs_at(nerve):
            outcome = self.outcome(block)
            if (
                outcome is not None
                and outcome.concordant is not False
                and _met(threshold, outcome.relief)
            ):
                return True
        return False

    def failed(self, event: Intervention) -> bool:
        """An intervention whose reported outcome fell short of adequate relief."""
        outcome = self.outcome(event)
        return outcome is not None and not _met(self.profile.adequate_relief.value, outcome.relief)

    # -- red flags (S12) ---------------------------------------------------------------------------
    @cached_property
    def red_flags(self) -> tuple[tuple[int, str], ...]:
        """Red flags in the latest exam, each with where (the index in :attr:`events`) the
        unbroken run of exams showing it began.

        Only exams recorded after the last operation count: what an earlier exam showed is what
        the surgeon decompressed, so it is not a flag awaiting a surgeon after the operation.
        Places, not dates, order the exams, so same-day events keep their recorded order.
        """
        exams = self.recent_exams
        if not exams:
            return ()
        latest = exams[-1][1]
        flags = [
            (self._first_shown(_sign_present(sign)), f"myelopathy sign: {sign.replace('_', ' ')}")
            for sign in latest.myelopathy.present
        ]
        limit: int = self.profile.mjoa_myelopathy_max.value
        if latest.mjoa is not None and latest.mjoa <= limit:
            shown = self._first_shown(lambda e: e.mjoa is not None and e.mjoa <= limit)
            flags.append((shown, f"myelopathy: mJOA {latest.mjoa} (<= {limit})"))
        for motor in latest.motor:
            root, side = motor.root, motor.side
            weaker = self._progression(5 - motor.grade, _weakness, root, side)
            if weaker is not None:
                flags.append(
                    (
                        weaker[0],
                        f"progressive weakness: {side} {root} MRC {5 - weaker[1]} -> {motor.grade}",
                    )
                )
        for sensory in latest.sensory:
            root, side = sensory.root, sensory.side
            loss = self._progression(_LOSS.get(sensory.change, 0), _sensory_loss, root, side)
            if loss is not None:
                flags.append((loss[0], f"progressive sensory loss: {side} {root} {sensory.change}"))
        return tuple(flags)

    @cached_property
    def recent_exams(self) -> list[tuple[int, NeuroExam]]:
        """Exams recorded after the last operation, each with its index in :attr:`events`."""
        since = max((i for i, e in enumerate(self.events) if isinstance(e, Surgery)), default=-1)
        return [
            (i, e.exam)
            for i, e in enumerate(self.events)
            if i > since and isinstance(e, ClinicalVisit) and e.exam is not None
        ]

    def _first_shown(self, shown: Callable[[NeuroExam], bool]) -> int:
        """Where the unbroken run of recent exams showing a sign (the latest does) began."""
        first = self.recent_exams[-1][0]
        for place, exam in reversed(self.recent_exams):
            if not shown(exam):
                break
            first = place
        return first

    def _progression(
        self,
        deficit: int,
        measure: Callable[[NeuroExam, NerveRoot, Side], int | None],
        root: NerveRoot,
        side: Side,
    ) -> tuple[int, int] | None:
        """A deficit of the latest exam that is worse than an earlier exam since the last
        operation: where the current run of exams at least this bad began, and the deficit
        just before it; None when the deficit is not progressive.

        The run matters: a later exam that finds the same deficit again (a re-evaluation visit)
        must not erase a progression before a surgeon has seen it.
        """
        if deficit <= 0:
            return None
        shown = self.recent_exams[-1][0]
        for place, exam in reversed(self.recent_exams):
            value = measure(exam, root, side)
            if value is None:  # not examined there: the run goes on
                continue
            if value < deficit:
                return shown, value
            shown = place
        return None

    @cached_property
    def unanswered_flags(self) -> tuple[str, ...]:
        """Red flags whose run began after the last surgical consultation (or with none yet)."""
        if not self.red_flags:
            return ()
        seen = max(
            (i for i, e in enumerate(self.events) if isinstance(e, SurgicalConsultation)),
            default=-1,
        )
        return tuple(text for place, text in self.red_flags if place > seen)

    @cached_property
    def last_surgery(self) -> Surgery | None:
        surgeries = [e for e in self.events if isinstance(e, Surgery)]
        return surgeries[-1] if surgeries else None

    @cached_property
    def consultations(self) -> list[SurgicalConsultation]:
        last = self.last_surgery
        found = self.of(SurgicalConsultation)
        return found if last is None else [c for c in found if c.date >= last.date]

    # -- epidural limits ---------------------------------------------------------------------------
    def epidurals_within(self, days: int) -> int:
        start = self.as_of - dt.timedelta(days=days)
        return sum(1 for e in self.cesis if e.date > start)

    @cached_property
    def onset(self) -> dt.date | None:
        """Symptom onset as reported, else the first recorded event."""
        for visit in reversed(self.visits):
            if visit.symptoms.onset is not None:
                return visit.symptoms.onset
        return self.events[0].date if self.events else None

    def days_since(self, day: dt.date | None) -> int | None:
        return None if day is None else (self.as_of - day).days

    @cached_property
    def latest_outcome(self) -> tuple[Intervention, Outcome] | None:
        """The most recently reported outcome of a treatment (not a purely diagnostic block)."""
        for event in reversed(self.events):
            if isinstance(event, OutcomeReport):
                done = self.record.event(event.intervention_id)
                if isinstance(done, Intervention) and not _purely_diagnostic(done):
                    return done, event.outcome
        return None


class _General(dict[str, bool]):
    """Facts about the record as a whole, computed on first lookup."""

    def __init__(self, facts: RecordFacts) -> None:
        super().__init__()
        self.facts = facts

    def __missing__(self, name: str) -> bool:
        value = self[name] = bool(FACTS[name].compute(self.facts, _NO_TARGET))
        return value


class _Targeted(dict[tuple[str, Action], bool]):
    """Facts about an action's target, computed on first lookup."""

    def __init__(self, facts: RecordFacts) -> None:
        super().__init__()
        self.facts = facts

    def __missing__(self, key: tuple[str, Action]) -> bool:
        value = self[key] = bool(FACTS[key[0]].compute(self.facts, key[1]))
        return value


_NO_TARGET = Action(kind=ActionKind.DISCHARGE)  # what facts about the whole record are given


def lookup(name: str) -> str:
    """Python source that reads a fact inside compiled rule checks (``facts`` and ``a`` bound)."""
    if FACTS[name].about_target:
        return f"T[{name!r}, a]"
    return f"G[{name!r}]"


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


def _purely_diagnostic(event: Intervention) -> bool:
    return isinstance(
        event, SelectiveNerveRootBlock | MedialBranchBlock | SpinalCordStimulatorTrial
    )


def _pct(value: float) -> str:
    return f"{value:.0f}%"


def _named(event: Event) -> str:
    """An event's kind as words for reason texts (``radiofrequency ablation``, ``CESI``)."""
    return _ACRONYMS.get(event.kind, event.kind.replace("_", " "))


_ACRONYMS = {"cesi": "CESI", "acdf": "ACDF"}


# ======================================================================================
# Global facts
# ======================================================================================


def _cesi_detail(f: RecordFacts, _: Action) -> dict[str, Any]:
    last = f.last_cesi
    outcome = f.outcome(last) if last else None
    p = f.profile
    relief = "unknown relief"
    if outcome is not None:
        days = outcome.relief_duration_days
        relief = f"{_pct(outcome.relief)} relief" + ("" if days is None else f" for {days} days")
    return {
        "relief": relief,
        "threshold": f"{p.cesi_adequate_relief.value}% lasting "
        f"{p.cesi_adequate_relief_days.value} days",
    }


@_fact(
    "cesi_on_record",
    "a CESI with a recorded outcome is on record (pathway entry)",
    "a CESI with its outcome is on record",
    "no CESI with a recorded outcome yet",
)
def _cesi_on_record(f: RecordFacts, _: Action) -> bool:
    return any(f.outcome(c) is not None for c in f.cesis)


@_fact(
    "cesi_failed",
    "the latest CESI fell short of adequate, lasting relief (S0)",
    "the last CESI failed ({relief}; adequate is {threshold})",
    "the last CESI has not failed ({relief})",
    detail=_cesi_detail,
)
def _cesi_failed(f: RecordFacts, _: Action) -> bool:
    return f.last_cesi is not None and f.cesi_adequate(f.last_cesi) is False


@_fact(
    "adequate_relief",
    "the latest treatment outcome gives adequate relief that still lasts",
    "adequate relief now ({relief} after {treatment})",
    "no adequate relief now ({relief} after {treatment})",
    detail=lambda f, _: (
        {"relief": _pct(f.latest_outcome[1].relief), "treatment": _named(f.latest_outcome[0])}
        if f.latest_outcome
        else {"relief": "no outcome", "treatment": "no treatment"}
    ),
)
def _adequate_relief(f: RecordFacts, _: Action) -> bool:
    latest = f.latest_outcome
    if latest is None:
        return False
    event, outcome = latest
    if not _met(f.profile.adequate_relief.value, outcome.relief):
        return False
    days = outcome.relief_duration_days
    return days is None or event.date + dt.timedelta(days=days) >= f.as_of


@_fact(
    "re_evaluated",
    "a re-evaluation visit since the CESI failed (S1)",
    "re-evaluated since the CESI failed",
    "not re-evaluated since the CESI failed",
)
def _re_evaluated(f: RecordFacts, _: Action) -> bool:
    return any(v.purpose is VisitPurpose.RE_EVALUATION for v in f.since_failure(ClinicalVisit))


@_fact(
    "symptoms_changed",
    "symptoms changed or worsened since the last imaging (S2)",
    "symptoms changed or worsened since the last imaging",
    "symptoms not reported changed since the last imaging",
)
def _symptoms_changed(f: RecordFacts, _: Action) -> bool:
    changed = [v for v in f.visits if v.symptoms.trajectory in _CHANGED]
    if not changed:
        return False
    since = changed[-1].date
    newer = [e for e in (*f.studies, *f.of(ImagingOrder)) if e.date >= since]
    return not newer


@_fact(
    "imaging_on_record",
    "an MRI, CT or CT myelogram is on record",
    "cross-sectional imaging on record",
    "no MRI or CT on record",
)
def _imaging_on_record(f: RecordFacts, _: Action) -> bool:
    return any(s.modality.shows_soft_tissue for s in f.studies)


@_fact(
    "several_candidate_roots",
    "imaging shows more than one possible root (S3)",
    "imaging shows several possible roots ({roots})",
    "imaging and symptoms point to one root at most ({roots})",
    detail=lambda f, _: {"roots": ", ".join(map(str, f.candidate_nerves)) or "none"},
)
def _several_candidate_roots(f: RecordFacts, _: Action) -> bool:
    return len(f.candidate_nerves) >= 2


@_fact(
    "posture_reviewed",
    "posture and mechanics reviewed since the CESI failed (S4)",
    "posture reviewed since the CESI failed",
    "posture not reviewed since the CESI failed",
)
def _posture_reviewed(f: RecordFacts, _: Action) -> bool:
    return bool(f.since_failure(PostureReview))


@_fact(
    "posture_needs_correction",
    "the latest posture review found something to correct (S4)",
    "posture review found faults to correct",
    "no postural faults on record",
)
def _posture_needs_correction(f: RecordFacts, _: Action) -> bool:
    reviews = f.of(PostureReview)
    return bool(reviews) and reviews[-1].assessment.needs_correction


@_fact(
    "facet_signs",
    "axial-dominant neck pain or cervicogenic headache (S6)",
    "facet-type pain (axial neck pain or cervicogenic headache)",
    "no facet-type pain (neck pain not dominant, no cervicogenic headache)",
)
def _facet_signs(f: RecordFacts, _: Action) -> bool:
    s = f.symptoms
    if s is None:
        return False
    axial = s.neck_pain > 0 and s.neck_pain >= s.arm_pain
    return axial or s.headache is HeadachePattern.CERVICOGENIC_HEADACHE


@_fact(
    "radicular_pain",
    "arm pain in a root's distribution (S8)",
    "radicular arm pain",
    "no radicular arm pain",
)
def _radicular_pain(f: RecordFacts, _: Action) -> bool:
    s = f.symptoms
    return s is not None and s.arm_pain > 0 and (bool(s.radiating) or s.arm_pain >= s.neck_pain)


@_fact(
    "occipital_pain",
    "pain radiating from the upper neck toward the head (S7)",
    "occipital or cervicogenic head pain",
    "no occipital or cervicogenic head pain",
)
def _occipital_pain(f: RecordFacts, _: Action) -> bool:
    return f.symptoms is not None and f.symptoms.headache is not HeadachePattern.NONE


@_fact(
    "red_flag",
    "a progressive neurological deficit or signs of myelopathy (S12)",
    "red flag: {flags}",
    "no red flag",
    detail=lambda f, _: {"flags": "; ".join(text for _, text in f.red_flags)},
)
def _red_flag(f: RecordFacts, _: Action) -> bool:
    return bool(f.red_flags)


@_fact(
    "red_flag_unanswered",
    "a red flag not yet seen by a surgeon (S12)",
    "red flag not yet seen by a surgeon: {flags}",
    "no red flag awaiting a surgeon",
    detail=lambda f, _: {"flags": "; ".join(f.unanswered_flags)},
)
def _red_flag_unanswered(f: RecordFacts, _: Action) -> bool:
    return bool(f.unanswered_flags)


@_fact(
    "consulted",
    "a surgical consultation since the last operation (S13)",
    "surgical consultation on record",
    "no surgical consultation",
)
def _consulted(f: RecordFacts, _: Action) -> bool:
    return bool(f.consultations)


@_fact(
    "advanced_pt_tried",
    "a course of advanced physical therapy (S9)",
    "advanced physical therapy tried",
    "no advanced physical therapy yet",
)
def _advanced_pt_tried(f: RecordFacts, _: Action) -> bool:
    return any(c.advanced for c in f.of(PhysicalTherapyCourse))


@_fact(
    "advanced_pt_since_failure",
    "advanced physical therapy since the CESI failed (S9)",
    "advanced physical therapy since the CESI failed",
    "no advanced physical therapy since the CESI failed",
)
def _advanced_pt_since_failure(f: RecordFacts, _: Action) -> bool:
    return any(c.advanced for c in f.since_failure(PhysicalTherapyCourse))


@_fact(
    "medication_tried",
    "a trial of gabapentin or pregabalin (S8)",
    "nerve-stabilising medication tried",
    "no nerve-stabilising medication tried",
)
def _medication_tried(f: RecordFacts, _: Action) -> bool:
    return bool(f.of(MedicationTrial))


_TARGETED = (
    RadiofrequencyAblation,
    GreaterOccipitalNerveBlock,
    SpinalCordStimulatorImplant,
    RegenerativeTherapy,
)


@_fact(
    "targeted_care_failed",
    "a targeted treatment was tried and failed (S11)",
    "targeted treatment failed ({failed})",
    "no failed targeted treatment on record",
    detail=lambda f, _: {"failed": ", ".join(map(_named, _failed_targeted(f))) or "none"},
)
def _targeted_care_failed(f: RecordFacts, _: Action) -> bool:
    return bool(_failed_targeted(f))


def _failed_targeted(f: RecordFacts) -> list[Intervention]:
    failed: list[Intervention] = [e for kind in _TARGETED for e in f.of(kind) if f.failed(e)]
    failed.extend(c for c in f.cesis[1:] if f.failed(c))
    return failed


@_fact(
    "blocks_failed",
    "RFA or the other blocks failed to give lasting relief (S10)",
    "blocks failed ({failed})",
    "no failed RFA or therapeutic block on record",
    detail=lambda f, _: {"failed": ", ".join(map(_named, _failed_blocks(f))) or "none"},
)
def _blocks_failed(f: RecordFacts, _: Action) -> bool:
    return bool(_failed_blocks(f))


def _failed_blocks(f: RecordFacts) -> list[Intervention]:
    found: list[Intervention] = []
    for kind in (RadiofrequencyAblation, GreaterOccipitalNerveBlock):
        found.extend(e for e in f.of(kind) if f.failed(e))
    found.extend(c for c in f.cesis[1:] if c.approach is Approach.TRANSFORAMINAL and f.failed(c))
    return found


@_fact(
    "debilitating_pain",
    "pain that significantly affects quality of life (S11)",
    "debilitating pain ({why})",
    "pain not debilitating ({why})",
    detail=lambda f, _: {"why": _debilitating_why(f)},
)
def _debilitating_pain(f: RecordFacts, _: Action) -> bool:
    s = f.symptoms
    if s is None:
        return False
    if s.quality_of_life is not None:
        return s.quality_of_life in _DEBILITATING
    minimum: int = f.profile.surgery_min_arm_pain.value
    return s.arm_pain >= minimum


def _debilitating_why(f: RecordFacts) -> str:
    s = f.symptoms
    if s is None:
        return "no symptoms recorded"
    if s.quality_of_life is not None:
        return f"quality of life impact {s.quality_of_life}"
    return f"arm pain NRS {s.arm_pain}, threshold {f.profile.surgery_min_arm_pain.value}"


@_fact(
    "conservative_care_long_enough",
    "symptoms for at least the profile's conservative period",
    "symptoms for {days} days (at least {needed})",
    "symptoms for only {days} days (need {needed})",
    detail=lambda f, _: {
        "days": f.days_since(f.onset),
        "needed": f.profile.surgery_conservative_care_days.value,
    },
)
def _conservative_care_long_enough(f: RecordFacts, _: Action) -> bool:
    days = f.days_since(f.onset)
    return days is not None and days >= f.profile.surgery_conservative_care_days.value


@_fact(
    "no_active_infection",
    "no active infection (needle procedures and surgery)",
    "no active infection",
    "active infection",
)
def _no_active_infection(f: RecordFacts, _: Action) -> bool:
    return not f.health.active_infection


@_fact(
    "no_bleeding_risk",
    "not anticoagulated and no bleeding disorder",
    "no bleeding risk recorded",
    "bleeding risk (anticoagulation or bleeding disorder)",
)
def _no_bleeding_risk(f: RecordFacts, _: Action) -> bool:
    return not f.health.bleeding_risk


@_fact(
    "not_pregnant", "not pregnant (fluoroscopy and elective surgery)", "not pregnant", "pregnant"
)
def _not_pregnant(f: RecordFacts, _: Action) -> bool:
    return not f.health.pregnant


@_fact(
    "fit_for_surgery",
    "ASA class IV or better, or not recorded",
    "fit for surgery (ASA {asa})",
    "not fit for surgery (ASA {asa})",
    detail=lambda f, _: {"asa": f.health.asa_class.name if f.health.asa_class else "not recorded"},
)
def _fit_for_surgery(f: RecordFacts, _: Action) -> bool:
    asa = f.health.asa_class
    return asa is None or asa <= 4


@_fact(
    "epidural_frequency_ok",
    "epidural injections within the profile's rolling limits",
    "{n12} in 12 months (limit {max12}){six}",
    "{n12} in 12 months (limit {max12}){six}: limit reached",
    detail=lambda f, _: _epidural_detail(f),
)
def _epidural_frequency_ok(f: RecordFacts, _: Action) -> bool:
    p = f.profile
    if f.epidurals_within(365) >= p.epidural_max_per_12_months.value:
        return False
    six = p.epidural_max_per_6_months.value
    return six is None or f.epidurals_within(183) < six


def _epidural_detail(f: RecordFacts) -> dict[str, Any]:
    p = f.profile
    six = p.epidural_max_per_6_months.value
    extra = "" if six is None else f", {f.epidurals_within(183)} in 6 months (limit {six})"
    n12 = f.epidurals_within(365)
    return {
        "n12": f"{n12} epidural injection{'' if n12 == 1 else 's'}",
        "max12": p.epidural_max_per_12_months.value,
        "six": extra,
    }


@_fact(
    "epidural_interval_ok",
    "the profile's minimum interval since the last epidural injection",
    "{days} days since the last epidural injection (minimum {needed})",
    "only {days} days since the last epidural injection (minimum {needed})",
    detail=lambda f, _: {
        "days": f.days_since(f.last_cesi.date if f.last_cesi else None),
        "needed": f.profile.epidural_min_interval_days.value,
    },
)
def _epidural_interval_ok(f: RecordFacts, _: Action) -> bool:
    days = f.days_since(f.last_cesi.date if f.last_cesi else None)
    return days is None or days >= f.profile.epidural_min_interval_days.value


@_fact(
    "scs_trial_successful",
    "a spinal cord stimulator trial met the profile's success threshold",
    "successful stimulator trial",
    "no successful stimulator trial ({why})",
    detail=lambda f, _: {"why": _scs_why(f)},
)
def _scs_trial_successful(f: RecordFacts, _: Action) -> bool:
    trials = f.of(SpinalCordStimulatorTrial)
    if not trials:
        return False
    outcome = f.outcome(trials[-1])
    return outcome is not None and _met(f.profile.scs_trial_success.value, outcome.relief)


def _scs_why(f: RecordFacts) -> str:
    trials = f.of(SpinalCordStimulatorTrial)
    if not trials:
        return "no trial"
    outcome = f.outcome(trials[-1])
    if outcome is None:
        return "trial outcome not reported"
    return f"{_pct(outcome.relief)}, needs {f.profile.scs_trial_success.value}%"


@_fact(
    "scs_trial_done",
    "a spinal cord stimulator trial is on record",
    "stimulator trial done",
    "no stimulator trial yet",
)
def _scs_trial_done(f: RecordFacts, _: Action) -> bool:
    return bool(f.of(SpinalCordStimulatorTrial))


@_fact(
    "scs_implanted",
    "a permanent spinal cord stimulator is in place",
    "stimulator already implanted",
    "no stimulator implanted",
)
def _scs_implanted(f: RecordFacts, _: Action) -> bool:
    return bool(f.of(SpinalCordStimulatorImplant))


# ======================================================================================
# Facts about the action's target
# ======================================================================================


@_fact(
    "root_candidate",
    "the target root is compressed on imaging and, if any compressed root matches the "
    "symptoms, is one of those (S3)",
    "{target} is implicated by imaging{match}",
    "{target} is not implicated by {why}",
    detail=lambda f, a: _candidate_detail(f, a),
    target=True,
)
def _root_candidate(f: RecordFacts, a: Action) -> bool:
    return a.nerve is not None and a.nerve in f.candidate_nerves


def _candidate_detail(f: RecordFacts, a: Action) -> dict[str, str]:
    symptomatic = a.nerve in f.symptomatic_nerves
    imaged = a.nerve in f.implicated_nerves
    return {
        "match": " and the symptoms" if symptomatic else "",
        "why": "the symptoms (other compressed roots match them)" if imaged else "imaging",
    }


@_fact(
    "snrb_done",
    "a selective nerve root block at the target root",
    "{target} already blocked",
    "{target} not yet blocked",
    target=True,
)
def _snrb_done(f: RecordFacts, a: Action) -> bool:
    return a.nerve is not None and bool(f.snrbs_at(a.nerve))


@_fact(
    "snrb_positive",
    "a positive selective nerve root block confirms the root (S3, S5)",
    "positive SNRB confirms {nerve}",
    "no positive SNRB at {nerve} (positive is {threshold})",
    detail=lambda f, a: {
        "nerve": a.nerve or a.target,
        "threshold": f"{f.profile.snrb_positive_relief.value}% concordant relief",
    },
    target=True,
)
def _snrb_positive(f: RecordFacts, a: Action) -> bool:
    return a.nerve is not None and f.snrb_positive(a.nerve)


@_fact(
    "cesi_repeat",
    "an epidural injection at the same target as an earlier one (S0)",
    "repeats an earlier injection at {target}",
    "not a repeat of an earlier injection",
    target=True,
)
def _cesi_repeat(f: RecordFacts, a: Action) -> bool:
    return bool(_same_cesis(f, a))


def _same_cesis(f: RecordFacts, a: Action) -> list[CervicalEpiduralSteroidInjection]:
    return [
        c for c in f.cesis if (c.approach, (c.segment,), c.side) == (a.approach, a.segments, a.side)
    ]


@_fact(
    "repeat_relief_ok",
    "a repeat injection follows one that gave the profile's relief (S0)",
    "{why}",
    "{why}",
    detail=lambda f, a: {"why": _repeat_why(f, a)},
    target=True,
)
def _repeat_relief_ok(f: RecordFacts, a: Action) -> bool:
    same = _same_cesis(f, a)
    if not same:
        return True
    outcome = f.outcome(same[-1])
    threshold = f.profile.repeat_cesi_requires_prior_relief.value
    return outcome is not None and _met(threshold, outcome.relief)


def _repeat_why(f: RecordFacts, a: Action) -> str:
    same = _same_cesis(f, a)
    threshold = f.profile.repeat_cesi_requires_prior_relief.value
    if not same:
        return "first injection at this target"
    outcome = f.outcome(same[-1])
    relief = _pct(outcome.relief) if outcome else "unreported"
    return (
        f"the previous injection at {a.target} gave {relief} relief (a repeat needs {threshold}%)"
    )


@_fact(
    "targeted_injection_done",
    "a transforaminal injection already given at the confirmed root",
    "already injected at {target} since the root was confirmed",
    "not yet injected at {target} since the root was confirmed",
    target=True,
)
def _targeted_injection_done(f: RecordFacts, a: Action) -> bool:
    nerve = a.nerve
    if nerve is None:
        return False
    confirmed = [b.date for b in f.snrbs_at(nerve)]
    return (
        any(c.nerve == nerve and c.date >= min(confirmed) for c in f.cesis) if confirmed else False
    )


@_fact(
    "facet_arthropathy_at",
    "imaging shows facet arthropathy at every joint of the target",
    "facet arthropathy at {target} on imaging",
    "no facet arthropathy at {target} on imaging",
    target=True,
)
def _facet_arthropathy_at(f: RecordFacts, a: Action) -> bool:
    joints = a.joints
    return bool(joints) and all(j in f.facet_joints for j in joints)


@_fact(
    "mbb_positive",
    "enough positive medial branch blocks at every joint of the target (S6)",
    "positive MBB at {target} ({rule})",
    "no positive MBB at {target} ({rule})",
    detail=lambda f, _: {"rule": _mbb_rule(f.profile)},
    target=True,
)
def _mbb_positive(f: RecordFacts, a: Action) -> bool:
    needed = f.profile.mbb_blocks_required.value
    joints = a.joints
    return bool(joints) and all(len(f.positive_blocks(j)) >= needed for j in joints)


def _mbb_rule(profile: Profile) -> str:
    n = profile.mbb_blocks_required.value
    blocks = "one block" if n == 1 else f"{n} comparative blocks"
    return f"{profile.mbb_positive_relief.value}% relief on {blocks}"


@_fact(
    "mbb_first_positive",
    "a confirmatory block follows a positive first block (S6)",
    "{ready}",
    "no first positive MBB at {target} to confirm",
    detail=lambda _, a: {
        "ready": "a first block needs no earlier block"
        if a.series_position != 2
        else f"a first positive MBB at {a.target}"
    },
    target=True,
)
def _mbb_first_positive(f: RecordFacts, a: Action) -> bool:
    if a.series_position != 2:
        return True
    return bool(a.joints) and all(f.positive_blocks(j) for j in a.joints)


@_fact(
    "mbb_negative",
    "a medial branch block at the target gave too little or discordant relief",
    "a negative MBB at {target}",
    "no negative MBB at {target}",
    target=True,
)
def _mbb_negative(f: RecordFacts, a: Action) -> bool:
    return any(f.negative_block(j) for j in a.joints)


@_fact(
    "facet_care_long_enough",
    "symptoms for the profile's conservative period before facet blocks",
    "symptoms for {days} days (facet procedures need {needed})",
    "symptoms for only {days} days (facet procedures need {needed})",
    detail=lambda f, _: {
        "days": f.days_since(f.onset),
        "needed": f.profile.facet_conservative_care_days.value,
    },
)
def _facet_care_long_enough(f: RecordFacts, _: Action) -> bool:
    days = f.days_since(f.onset)
    return days is None or days >= f.profile.facet_conservative_care_days.value


@_fact(
    "rfa_prior",
    "an earlier RFA at any joint of the target",
    "earlier RFA at {target}",
    "no earlier RFA at {target}",
    target=True,
)
def _rfa_prior(f: RecordFacts, a: Action) -> bool:
    return any(f.rfas_at(j) for j in a.joints)


@_fact(
    "repeat_rfa_qualifies",
    "the earlier RFA gave enough relief for long enough (S6)",
    "earlier RFA at {target} qualifies for a repeat ({rule})",
    "earlier RFA at {target} does not qualify for a repeat ({rule})",
    detail=lambda f, _: {
        "rule": f"{f.profile.repeat_rfa_prior_relief.value}% relief for "
        f">={f.profile.repeat_rfa_prior_relief_days.value} days"
    },
    target=True,
)
def _repeat_rfa_qualifies(f: RecordFacts, a: Action) -> bool:
    p = f.profile
    for joint in a.joints:
        prior = f.rfas_at(joint)
        if not prior:
            return False
        outcome = f.outcome(prior[-1])
        if outcome is None or outcome.relief_duration_days is None:
            return False
        if not _met(p.repeat_rfa_prior_relief.value, outcome.relief):
            return False
        if outcome.relief_duration_days < p.repeat_rfa_prior_relief_days.value:
            return False
    return bool(a.joints)


@_fact(
    "rfa_interval_ok",
    "the profile's minimum interval since the last RFA at the target",
    "{days} days since the last RFA at {target} (minimum {needed})",
    "only {days} days since the last RFA at {target} (minimum {needed})",
    detail=lambda f, a: {
        "days": _days_since_rfa(f, a),
        "needed": f.profile.repeat_rfa_min_interval_days.value,
    },
    target=True,
)
def _rfa_interval_ok(f: RecordFacts, a: Action) -> bool:
    days = _days_since_rfa(f, a)
    return days is None or days >= f.profile.repeat_rfa_min_interval_days.value


def _days_since_rfa(f: RecordFacts, a: Action) -> int | None:
    dates = [r.date for j in a.joints for r in f.rfas_at(j)]
    return f.days_since(max(dates)) if dates else None


@_fact(
    "rfa_frequency_ok",
    "RFAs within the profile's limit per rolling 12 months",
    "{n} RFA sessions in 12 months (limit {limit})",
    "{n} RFA sessions in 12 months (limit {limit}): limit reached",
    detail=lambda f, _: {
        "n": _rfas_in_year(f),
        "limit": f.profile.rfa_max_per_12_months.value or "none",
    },
    target=True,
)
def _rfa_frequency_ok(f: RecordFacts, _: Action) -> bool:
    limit = f.profile.rfa_max_per_12_months.value
    return limit is None or _rfas_in_year(f) < limit


def _rfas_in_year(f: RecordFacts) -> int:
    start = f.as_of - dt.timedelta(days=365)
    return sum(1 for r in f.of(RadiofrequencyAblation) if r.date > start)


@_fact(
    "occipital_pain_on_side",
    "head pain on the side of the block (S7)",
    "occipital pain on the {target} side",
    "no occipital pain on the {target} side",
    target=True,
)
def _occipital_pain_on_side(f: RecordFacts, a: Action) -> bool:
    s = f.symptoms
    if s is None or s.headache is HeadachePattern.NONE or a.side is None:
        return False
    painful = s.headache_side or Side.BILATERAL
    return painful.covers(a.side)


@_fact(
    "gon_block_worked_before",
    "an earlier GON block on this side met the response threshold",
    "an earlier {target} GON block worked",
    "no earlier {target} GON block that worked",
    target=True,
)
def _gon_block_worked_before(f: RecordFacts, a: Action) -> bool:
    threshold = f.profile.gon_block_response.value
    for block in f.of(GreaterOccipitalNerveBlock):
        outcome = f.outcome(block)
        if (
            a.side is not None
            and block.side.covers(a.side)
            and outcome is not None
            and _met(threshold, outcome.relief)
        ):
            return True
    return False


@_fact(
    "gon_block_done",
    "a GON block on this side since the CESI failed",
    "{target} GON block already given",
    "no {target} GON block yet",
    target=True,
)
def _gon_block_done(f: RecordFacts, a: Action) -> bool:
    return any(
        a.side is not None and b.side.covers(a.side)
        for b in f.since_failure(GreaterOccipitalNerveBlock)
    )


@_fact(
    "medication_ongoing",
    "a trial of this drug is under way",
    "{drug} already under way",
    "no {drug} under way",
    detail=lambda _, a: {"drug": a.drug},
    target=True,
)
def _medication_ongoing(f: RecordFacts, a: Action) -> bool:
    return any(t.drug is a.drug and _ongoing(f, t) for t in f.of(MedicationTrial))


@_fact(
    "other_gabapentinoid_ongoing",
    "another gabapentinoid is under way (they are not combined)",
    "another gabapentinoid under way",
    "no other gabapentinoid under way",
    target=True,
)
def _other_gabapentinoid_ongoing(f: RecordFacts, a: Action) -> bool:
    return any(t.drug is not a.drug and _ongoing(f, t) for t in f.of(MedicationTrial))


@_fact(
    "medication_tried_before",
    "this drug was tried before",
    "{drug} tried before",
    "{drug} not tried before",
    detail=lambda _, a: {"drug": a.drug},
    target=True,
)
def _medication_tried_before(f: RecordFacts, a: Action) -> bool:
    return any(t.drug is a.drug for t in f.of(MedicationTrial))


def _ongoing(f: RecordFacts, trial: MedicationTrial) -> bool:
    return trial.stop_date is None or trial.stop_date >= f.as_of


@_fact(
    "imaging_correlates",
    "imaging shows a lesion at every level of the target that matches the symptoms (S13)",
    "imaging correlates at {target} ({why})",
    "imaging does not correlate at {target} ({why})",
    detail=lambda f, a: {"why": _correlation_why(f, a)},
    target=True,
)
def _imaging_correlates(f: RecordFacts, a: Action) -> bool:
    levels = _correlating(f, a)
    return bool(levels) and all(levels.values())


def _correlating(f: RecordFacts, a: Action) -> dict[Segment, list[str]]:
    """For each level of the target, why its lesion matches the symptoms (empty: it does not).

    Every level operated on must correlate (S13): a two-level fusion is not justified by one
    symptomatic level.
    """
    symptomatic = f.symptomatic_nerves
    myelopathic = any("myelopathy" in text for _, text in f.red_flags)
    sides = (a.foramen.side,) if a.foramen is not None else sorted(LATERAL_SIDES)
    levels: dict[Segment, list[str]] = {}
    for segment in a.segments:
        reasons = levels[segment] = []
        for side in sides:
            foramen = Foramen(segment, side)
            if foramen in f.foraminal_lesions and foramen.nerve in symptomatic:
                reasons.append(f"{foramen} compresses symptomatic {foramen.nerve}")
        if a.foramen is None and segment in f.cord_compression_segments and myelopathic:
            reasons.append(f"cord compression at {segment} with myelopathy")
    return levels


def _correlation_why(f: RecordFacts, a: Action) -> str:
    levels = _correlating(f, a)
    reasons = [reason for found in levels.values() for reason in found]
    missing = ", ".join(str(segment) for segment, found in levels.items() if not found)
    if not missing:
        return "; ".join(reasons)
    if not f.findings:
        return "no imaging findings"
    if reasons:
        return f"no lesion at {missing} matches the symptoms"
    return "no lesion at the target matches the symptoms"


@_fact(
    "foraminal_lesion_at",
    "a foraminal lesion at the target foramen (S15)",
    "foraminal lesion at {target}",
    "no foraminal lesion at {target}",
    target=True,
)
def _foraminal_lesion_at(f: RecordFacts, a: Action) -> bool:
    return a.foramen is not None and a.foramen in f.foraminal_lesions


@_fact(
    "cord_compression_at",
    "central cord compression at the target segment(s) (S15)",
    "central cord compression at {segments}",
    "no central cord compression at {segments}",
    detail=lambda _, a: {"segments": ", ".join(map(str, a.segments))},
    target=True,
)
def _cord_compression_at(f: RecordFacts, a: Action) -> bool:
    return any(s in f.cord_compression_segments for s in a.segments)


@_fact(
    "instability_at",
    "instability or spondylolisthesis at the target segment(s) (S16)",
    "instability at {segments}",
    "no instability at {segments}",
    detail=lambda _, a: {"segments": ", ".join(map(str, a.segments))},
    target=True,
)
def _instability_at(f: RecordFacts, a: Action) -> bool:
    return any(isinstance(x, Instability) and x.segment in a.segments for x in f.findings)


@_fact(
    "already_fused",
    "an ACDF already fused a segment of the target",
    "{segments} already fused",
    "no earlier fusion at {segments}",
    detail=lambda _, a: {"segments": ", ".join(map(str, a.segments))},
    target=True,
)
def _already_fused(f: RecordFacts, a: Action) -> bool:
    return any(
        s in acdf.segments for acdf in f.of(AnteriorCervicalDiscectomyFusion) for s in a.segments
    )


@_fact(
    "transforaminal",
    "the injection is transforaminal, aimed at one root (S5)",
    "transforaminal at {target}",
    "not transforaminal",
    target=True,
)
def _transforaminal(_: RecordFacts, a: Action) -> bool:
    return a.approach is Approach.TRANSFORAMINAL


@_fact(
    "urgent_request",
    "the consultation is requested as urgent",
    "urgent request",
    "routine request",
    target=True,
)
def _urgent_request(_: RecordFacts, a: Action) -> bool:
    return a.urgency is Urgency.URGENT
