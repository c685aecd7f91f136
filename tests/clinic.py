"""A small fluent builder of clinical records for the rule tests, and checks on what assess says.

Records read like a clinic letter::

    Clinic(birth="1971-03-02", sex="female")
        .visit(0, arm=7, neck=3, radiating=["left C6"])
        .mri(7, foraminal("C5-6", "left", "moderate"))
        .cesi(21, "interlaminar", "C6-7", "central")
        .outcome(pain_before=7, pain_after=6, relief=15)
        .record

Days are counted from ``Clinic.start`` (a Monday in January 2024). A Clinic is immutable:
every step returns a new one, so a test can branch one history into several endings. Event ids
are generated per kind (``cesi-1``, ``mbb-2``); :meth:`Clinic.outcome` reports on the latest
intervention unless told which.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from spinepath.anatomy import NerveRoot, Segment, Side, SpinalNerve, parse_segment
from spinepath.model import (
    AnteriorCervicalDiscectomyFusion,
    Antithrombotic,
    AntithromboticUse,
    Approach,
    CentralStenosis,
    CervicalEpiduralSteroidInjection,
    ClinicalVisit,
    Decision,
    Discharge,
    DischargeReason,
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
    ImagingFinding,
    ImagingOrder,
    ImagingReason,
    ImagingStudy,
    Instability,
    InstabilityKind,
    Intervention,
    LabResult,
    LabTest,
    MedialBranchBlock,
    Medication,
    MedicationTrial,
    Modality,
    MotorFinding,
    MyelopathySigns,
    NeckDisabilityIndex,
    NeuroExam,
    Outcome,
    OutcomeReport,
    Override,
    Patient,
    PatientRecord,
    PhysicalTherapyCourse,
    PhysicalTherapyFocus,
    PosteriorLaminoforaminotomy,
    PostureAssessment,
    PostureReview,
    PsychologicalEvaluation,
    QualityOfLifeImpact,
    RadiofrequencyAblation,
    RegenerativeKind,
    RegenerativeTherapy,
    SelectiveNerveRootBlock,
    SensoryChange,
    SensoryFinding,
    SeriousPathologyScreen,
    Sex,
    SharedDecision,
    SpinalCordStimulatorImplant,
    SpinalCordStimulatorTrial,
    StenosisGrade,
    Steroid,
    SurgicalConsultation,
    Symptoms,
    Trajectory,
    Urgency,
    VisitPurpose,
)
from spinepath.pathway import Assessment, Option, Status
from spinepath.rules import Action, ActionKind

__all__ = [
    "Clinic",
    "Do",
    "allowed",
    "blocked",
    "central",
    "exam",
    "facet",
    "foraminal",
    "herniation",
    "instability",
    "nerve",
    "option",
    "recommended",
]

START = dt.date(2024, 1, 8)


# -- vocabulary ------------------------------------------------------------------------------------


def nerve(text: str) -> SpinalNerve:
    """``"left C6"`` as a SpinalNerve."""
    side, root = text.split()
    return SpinalNerve(NerveRoot(root.upper()), Side(side))


def _segments(texts: Iterable[str]) -> tuple[Segment, ...]:
    return tuple(sorted(parse_segment(t) for t in texts))


def foraminal(segment: str, side: str, grade: str = "moderate") -> ForaminalStenosis:
    return ForaminalStenosis(
        segment=parse_segment(segment), side=Side(side), grade=StenosisGrade(grade)
    )


def herniation(segment: str, side: str, zone: str = "paracentral") -> DiscHerniation:
    return DiscHerniation(
        segment=parse_segment(segment), side=Side(side), zone=HerniationZone(zone)
    )


def central(
    segment: str, grade: str = "severe", *, cord: bool = False, signal: bool = False
) -> CentralStenosis:
    return CentralStenosis(
        segment=parse_segment(segment),
        grade=StenosisGrade(grade),
        cord_compression=cord,
        cord_signal_change=signal,
    )


def facet(segment: str, side: str) -> FacetArthropathy:
    return FacetArthropathy(segment=parse_segment(segment), side=Side(side))


def instability(segment: str, mm: float = 3.5) -> Instability:
    return Instability(
        segment=parse_segment(segment), form=InstabilityKind.SPONDYLOLISTHESIS, translation_mm=mm
    )


def exam(
    *,
    motor: Mapping[str, int] | None = None,
    sensory: Mapping[str, str] | None = None,
    myelopathy: Iterable[str] = (),
    mjoa: int | None = None,
) -> NeuroExam:
    """A neuro exam: ``motor={"right C7": 4}``, ``sensory={"right C7": "diminished"}``,
    ``myelopathy=("hoffmann",)``, ``mjoa=15``."""
    motors = tuple(
        MotorFinding(n.root, n.side, grade)
        for text, grade in (motor or {}).items()
        for n in (nerve(text),)
    )
    sensories = tuple(
        SensoryFinding(n.root, n.side, SensoryChange(change))
        for text, change in (sensory or {}).items()
        for n in (nerve(text),)
    )
    signs = MyelopathySigns(**dict.fromkeys(myelopathy, True))
    return NeuroExam(motor=motors, sensory=sensories, myelopathy=signs, mjoa=mjoa)


# -- actions ---------------------------------------------------------------------------------------


class Do:
    """Candidate actions by their clinical names: ``Do.rfa("C5-6", "left")``."""

    @staticmethod
    def discharge() -> Action:
        return Action(kind=ActionKind.DISCHARGE)

    @staticmethod
    def re_evaluation() -> Action:
        return Action(kind=ActionKind.RE_EVALUATION)

    @staticmethod
    def imaging(modality: str = "mri") -> Action:
        return Action(kind=ActionKind.IMAGING, modality=Modality(modality))

    @staticmethod
    def posture_review() -> Action:
        return Action(kind=ActionKind.POSTURE_REVIEW)

    @staticmethod
    def snrb(target: str) -> Action:
        n = nerve(target)
        return Action(kind=ActionKind.SELECTIVE_NERVE_ROOT_BLOCK, root=n.root, side=n.side)

    @staticmethod
    def cesi(approach: str, segment: str, side: str) -> Action:
        return Action(
            kind=ActionKind.CESI,
            approach=Approach(approach),
            segments=(parse_segment(segment),),
            side=Side(side),
        )

    @staticmethod
    def mbb(segment: str, side: str, series_position: int = 1) -> Action:
        return Action(
            kind=ActionKind.MEDIAL_BRANCH_BLOCK,
            segments=(parse_segment(segment),),
            side=Side(side),
            series_position=series_position,
        )

    @staticmethod
    def rfa(segment: str, side: str) -> Action:
        return Action(
            kind=ActionKind.RADIOFREQUENCY_ABLATION,
            segments=(parse_segment(segment),),
            side=Side(side),
        )

    @staticmethod
    def gon(side: str) -> Action:
        return Action(kind=ActionKind.GREATER_OCCIPITAL_NERVE_BLOCK, side=Side(side))

    @staticmethod
    def drug(name: str | None = None) -> Action:
        """A trial of the named drug; none: a gabapentinoid, either drug (the candidate)."""
        return Action(kind=ActionKind.MEDICATION_TRIAL, drug=Medication(name) if name else None)

    @staticmethod
    def advanced_pt() -> Action:
        return Action(kind=ActionKind.ADVANCED_PHYSICAL_THERAPY)

    @staticmethod
    def scs_trial() -> Action:
        return Action(kind=ActionKind.SPINAL_CORD_STIMULATOR_TRIAL)

    @staticmethod
    def scs_implant() -> Action:
        return Action(kind=ActionKind.SPINAL_CORD_STIMULATOR_IMPLANT)

    @staticmethod
    def regenerative() -> Action:
        return Action(kind=ActionKind.REGENERATIVE_THERAPY)

    @staticmethod
    def consult(*, urgent: bool) -> Action:
        urgency = Urgency.URGENT if urgent else Urgency.ROUTINE
        return Action(kind=ActionKind.SURGICAL_CONSULTATION, urgency=urgency)

    @staticmethod
    def acdf(*segments: str) -> Action:
        return Action(kind=ActionKind.ACDF, segments=_segments(segments))

    @staticmethod
    def foraminotomy(segment: str, side: str) -> Action:
        return Action(
            kind=ActionKind.LAMINOFORAMINOTOMY, segments=(parse_segment(segment),), side=Side(side)
        )


# -- the builder -----------------------------------------------------------------------------------

# How long after a procedure its outcome is usually reported: diagnostic blocks the same day
# (the anaesthetic's duration), treatments at a four-week follow-up.
_SAME_DAY = (SelectiveNerveRootBlock, MedialBranchBlock, GreaterOccipitalNerveBlock)
FOLLOW_UP_DAYS = 28


@attrs.frozen
class Clinic:
    """An immutable record under construction; each method returns a longer one."""

    birth: dt.date | str = "1968-04-12"
    sex: Sex | str = "female"
    health: HealthFactors = attrs.field(factory=HealthFactors)
    start: dt.date = START
    events: tuple[Event, ...] = ()

    # -- plumbing -------------------------------------------------------------------------------
    def day(self, n: int) -> dt.date:
        """The calendar date of clinic day ``n``."""
        return self.start + dt.timedelta(days=n)

    @property
    def last_day(self) -> int:
        return (self.events[-1].date - self.start).days if self.events else 0

    def _id(self, prefix: str) -> str:
        n = 1 + sum(1 for e in self.events if e.id.rsplit("-", 1)[0] == prefix)
        return f"{prefix}-{n}"

    def add(self, event: Event) -> Clinic:
        """Append any event (checked when :attr:`record` is built)."""
        return attrs.evolve(self, events=(*self.events, event))

    @property
    def patient(self) -> Patient:
        birth = self.birth if isinstance(self.birth, dt.date) else dt.date.fromisoformat(self.birth)
        return Patient(id="pt-test", birth_date=birth, sex=Sex(self.sex), health=self.health)

    @property
    def record(self) -> PatientRecord:
        return PatientRecord(self.patient, self.events)

    @property
    def last(self) -> Event:
        return self.events[-1]

    # -- visits ---------------------------------------------------------------------------------
    def visit(
        self,
        day: int,
        *,
        arm: int,
        neck: int,
        radiating: Iterable[str] = (),
        purpose: str = "follow_up",
        headache: str = "none",
        headache_side: str | None = None,
        trajectory: str | None = None,
        quality_of_life: str | None = None,
        onset: int | None = None,
        exam: NeuroExam | None = None,
        ndi: NeckDisabilityIndex | None = None,
    ) -> Clinic:
        """A clinic visit with NRS arm and neck pain; ``onset`` is a clinic day (may be < 0)."""
        symptoms = Symptoms(
            arm_pain=arm,
            neck_pain=neck,
            radiating=tuple(nerve(r) for r in radiating),
            headache=HeadachePattern(headache),
            headache_side=Side(headache_side) if headache_side else None,
            trajectory=Trajectory(trajectory) if trajectory else None,
            quality_of_life=QualityOfLifeImpact(quality_of_life) if quality_of_life else None,
            onset=self.day(onset) if onset is not None else None,
            ndi=ndi,
        )
        return self.add(
            ClinicalVisit(
                id=self._id("visit"),
                date=self.day(day),
                purpose=VisitPurpose(purpose),
                symptoms=symptoms,
                exam=exam,
            )
        )

    def intake(self, day: int, **symptoms: Any) -> Clinic:
        return self.visit(day, purpose="intake", **symptoms)

    def re_evaluation(self, day: int, **symptoms: Any) -> Clinic:
        return self.visit(day, purpose="re_evaluation", **symptoms)

    def posture(self, day: int, *, forward_head: bool = True, thoracic: bool = True) -> Clinic:
        assessment = PostureAssessment(
            forward_head_posture=forward_head, thoracic_stiffness=thoracic
        )
        return self.add(
            PostureReview(id=self._id("posture"), date=self.day(day), assessment=assessment)
        )

    def health_update(self, day: int, **factors: Any) -> Clinic:
        """New health factors from ``day`` (``anticoagulated=True``, ``asa_class=...``)."""
        health = attrs.evolve(self.health, **factors)
        return self.add(HealthUpdate(id=self._id("health"), date=self.day(day), health=health))

    # -- safety and shared decisions ----------------------------------------------------------
    def antithrombotic(
        self, day: int, drug: str, status: str = "taking", *, dose_mg: float | None = None
    ) -> Clinic:
        """An anticoagulant or antiplatelet drug taken, held or stopped from ``day`` (SF1)."""
        return self.add(
            AntithromboticUse(
                id=self._id("drug"),
                date=self.day(day),
                drug=Antithrombotic(drug),
                status=DrugStatus(status),
                daily_dose_mg=dose_mg,
            )
        )

    def screen(self, day: int, **items: bool | None) -> Clinic:
        """A serious spinal pathology screen (SF2); items not given were asked and absent."""
        answers: dict[str, Any] = dict.fromkeys(SeriousPathologyScreen.ITEMS, False)
        answers.update(items)
        return self.add(
            SeriousPathologyScreen(id=self._id("screen"), date=self.day(day), **answers)
        )

    def decide(self, day: int, decision: str, *options: str) -> Clinic:
        """A shared decision: the patient consented to or declined ``options`` (SF5)."""
        return self.add(
            SharedDecision(
                id=self._id("decision"),
                date=self.day(day),
                options=tuple(ActionKind(o) for o in options),
                decision=Decision(decision),
            )
        )

    def psych(self, day: int, *, suitable: bool = True) -> Clinic:
        """A psychological evaluation before a stimulator trial (SF6)."""
        return self.add(
            PsychologicalEvaluation(id=self._id("psych"), date=self.day(day), suitable=suitable)
        )

    def lab(self, day: int, test: str, value: float) -> Clinic:
        """An HbA1c (%) or glucose (mg/dL) result (SF4)."""
        return self.add(
            LabResult(id=self._id("lab"), date=self.day(day), test=LabTest(test), value=value)
        )

    # -- imaging --------------------------------------------------------------------------------
    def study(self, day: int, modality: str, *findings: ImagingFinding) -> Clinic:
        return self.add(
            ImagingStudy(
                id=self._id(modality), date=self.day(day), modality=Modality(modality),
                findings=findings,
            )
        )  # fmt: skip

    def mri(self, day: int, *findings: ImagingFinding) -> Clinic:
        return self.study(day, "mri", *findings)

    def xray(self, day: int, *findings: ImagingFinding) -> Clinic:
        return self.study(day, "xray", *findings)

    def imaging_order(self, day: int, reason: str = "symptoms_changed") -> Clinic:
        return self.add(
            ImagingOrder(
                id=self._id("order"),
                date=self.day(day),
                modality=Modality.MRI,
                reason=ImagingReason(reason),
            )
        )

    # -- interventions --------------------------------------------------------------------------
    def cesi(
        self,
        day: int,
        approach: str,
        segment: str,
        side: str,
        *,
        override: Override | None = None,
        steroid: str = "dexamethasone",
        steroid_mg: float | None = None,
    ) -> Clinic:
        return self.add(
            CervicalEpiduralSteroidInjection(
                id=self._id("cesi"),
                date=self.day(day),
                approach=Approach(approach),
                segment=parse_segment(segment),
                side=Side(side),
                override=override,
                steroid=Steroid(steroid),
                steroid_dose_mg=steroid_mg,
            )
        )

    def snrb(self, day: int, target: str, *, steroid_mg: float | None = None) -> Clinic:
        """A block of one root; ``steroid_mg`` adds that much dexamethasone to the anaesthetic."""
        n = nerve(target)
        return self.add(
            SelectiveNerveRootBlock(
                id=self._id("snrb"),
                date=self.day(day),
                root=n.root,
                side=n.side,
                steroid=Steroid.DEXAMETHASONE if steroid_mg is not None else None,
                steroid_dose_mg=steroid_mg,
            )
        )

    def mbb(self, day: int, *segments: str, side: str, series_position: int = 1) -> Clinic:
        return self.add(
            MedialBranchBlock(
                id=self._id("mbb"),
                date=self.day(day),
                segments=_segments(segments),
                side=Side(side),
                series_position=series_position,
            )
        )

    def rfa(self, day: int, *segments: str, side: str) -> Clinic:
        return self.add(
            RadiofrequencyAblation(
                id=self._id("rfa"),
                date=self.day(day),
                segments=_segments(segments),
                side=Side(side),
            )
        )

    def gon(self, day: int, side: str) -> Clinic:
        return self.add(
            GreaterOccipitalNerveBlock(id=self._id("gon"), date=self.day(day), side=Side(side))
        )

    def medication(
        self, day: int, drug: str, mg: float = 900, *, stop: int | None = None
    ) -> Clinic:
        return self.add(
            MedicationTrial(
                id=self._id("drug"),
                date=self.day(day),
                drug=Medication(drug),
                daily_dose_mg=mg,
                stop_date=self.day(stop) if stop is not None else None,
            )
        )

    def pt(self, day: int, *focus: str, sessions: int = 12) -> Clinic:
        chosen = tuple(PhysicalTherapyFocus(f) for f in focus or ("deep_stabilisation", "posture"))
        return self.add(
            PhysicalTherapyCourse(
                id=self._id("pt"), date=self.day(day), focus=chosen, sessions=sessions
            )
        )

    def scs_trial(self, day: int) -> Clinic:
        return self.add(SpinalCordStimulatorTrial(id=self._id("scs-trial"), date=self.day(day)))

    def scs_implant(self, day: int, *, override: Override | None = None) -> Clinic:
        return self.add(
            SpinalCordStimulatorImplant(
                id=self._id("scs-implant"), date=self.day(day), override=override
            )
        )

    def regenerative(self, day: int) -> Clinic:
        return self.add(
            RegenerativeTherapy(
                id=self._id("prp"),
                date=self.day(day),
                therapy=RegenerativeKind.PLATELET_RICH_PLASMA,
            )
        )

    def consult(self, day: int, *, urgent: bool = False) -> Clinic:
        urgency = Urgency.URGENT if urgent else Urgency.ROUTINE
        return self.add(
            SurgicalConsultation(id=self._id("consult"), date=self.day(day), urgency=urgency)
        )

    def acdf(self, day: int, *segments: str) -> Clinic:
        return self.add(
            AnteriorCervicalDiscectomyFusion(
                id=self._id("acdf"), date=self.day(day), segments=_segments(segments)
            )
        )

    def foraminotomy(self, day: int, segment: str, side: str) -> Clinic:
        return self.add(
            PosteriorLaminoforaminotomy(
                id=self._id("foraminotomy"),
                date=self.day(day),
                segment=parse_segment(segment),
                side=Side(side),
            )
        )

    def discharge(self, day: int) -> Clinic:
        return self.add(
            Discharge(
                id=self._id("discharge"),
                date=self.day(day),
                reason=DischargeReason.ADEQUATE_RELIEF,
            )
        )

    # -- outcomes -------------------------------------------------------------------------------
    def outcome(
        self,
        *,
        pain_before: int,
        pain_after: int,
        relief: float | None = None,
        lasting: int | None = None,
        concordant: bool | None = None,
        of: str | None = None,
        day: int | None = None,
        ongoing: bool | None = None,
    ) -> Clinic:
        """The outcome of intervention ``of`` (default: the latest one), reported on clinic day
        ``day`` (default: the same day for diagnostic blocks, four weeks later for treatments,
        never before the last event). ``lasting`` is how many days relief lasted, ``ongoing``
        whether it still lasts; a second report on one intervention is a follow-up."""
        target = self._intervention(of)
        if day is None:
            after = 0 if isinstance(target, _SAME_DAY) else FOLLOW_UP_DAYS
            day = max(self.last_day, (target.date - self.start).days + after)
        earlier = sum(
            1
            for e in self.events
            if isinstance(e, OutcomeReport) and e.intervention_id == target.id
        )
        ident = f"{target.id}-outcome" + (f"-{earlier + 1}" if earlier else "")
        report = OutcomeReport(
            id=ident,
            date=self.day(day),
            intervention_id=target.id,
            outcome=Outcome(
                pain_before=pain_before,
                pain_after=pain_after,
                relief_percent=relief,
                relief_duration_days=lasting,
                concordant=concordant,
                relief_ongoing=ongoing,
            ),
        )
        return self.add(report)

    def _intervention(self, of: str | None) -> Intervention:
        for event in reversed(self.events):
            if isinstance(event, Intervention) and (of is None or event.id == of):
                return event
        raise LookupError(f"no intervention {of or ''} to report on")


# -- checks on an assessment -----------------------------------------------------------------------


def option(assessment: Assessment, action: Action) -> Option:
    """The option for ``action``; fails the test (listing the candidates) when there is none."""
    found = assessment.option(action)
    if found is None:
        listed = "\n  ".join(str(o.action) for o in assessment.options)
        raise AssertionError(f"{action} is not a candidate; candidates:\n  {listed}")
    return found


def _texts(reasons: Iterable[object]) -> str:
    return "\n  ".join(str(r) for r in reasons)


def _expect(assessment: Assessment, action: Action, status: Status, rule: str) -> Option:
    found = option(assessment, action)
    why = found.failed if status is Status.BLOCKED else found.reasons
    assert found.status is status, (
        f"{action}: expected {status}, got {found.status}\n  {_texts(found.reasons + found.failed)}"
    )
    assert any(r.rule == rule for r in why), f"{action}: no {rule} reason in\n  {_texts(why)}"
    return found


def recommended(assessment: Assessment, action: Action, rule: str) -> Option:
    """Assert ``action`` is recommended with a reason citing ``rule``; return the option."""
    return _expect(assessment, action, Status.RECOMMENDED, rule)


def allowed(assessment: Assessment, action: Action, rule: str) -> Option:
    """Assert ``action`` is allowed (legal, not favoured) citing ``rule``; return the option."""
    return _expect(assessment, action, Status.ALLOWED, rule)


def blocked(assessment: Assessment, action: Action, rule: str, *texts: str) -> Option:
    """Assert ``action`` is blocked by ``rule`` and that the failed preconditions of that rule
    contain every one of ``texts``; return the option."""
    found = _expect(assessment, action, Status.BLOCKED, rule)
    mine = " | ".join(r.text for r in found.failed if r.rule == rule)
    for text in texts:
        assert text in mine, f"{action}: {text!r} not in {rule} failures: {mine}"
    return found


# -- patients the rule tests start from ------------------------------------------------------------


def left_c6_radiculopathy() -> Clinic:
    """A 55-year-old woman, left C6 radicular pain for two months (thumb and index finger, mild
    biceps weakness), a foraminal C5-6 disc herniation on MRI, and an interlaminar CESI at C6-7
    on day 21 whose outcome is not yet reported."""
    return (
        Clinic(birth="1968-04-12", sex="female")
        .intake(
            0,
            arm=7,
            neck=3,
            radiating=["left C6"],
            onset=-60,
            trajectory="unchanged",
            quality_of_life="moderate",
            exam=exam(motor={"left C6": 4}, sensory={"left C6": "diminished"}),
        )
        .mri(7, herniation("C5-6", "left", "foraminal"))
        .cesi(21, "interlaminar", "C6-7", "central")
    )


def failed_cesi() -> Clinic:
    """:func:`left_c6_radiculopathy` after the CESI failed (15% relief, reported on day 49)."""
    return left_c6_radiculopathy().outcome(pain_before=7, pain_after=6, relief=15)


def right_facet_pain() -> Clinic:
    """A 64-year-old man with axial right-sided neck pain for six months, right C4-5 and C5-6
    facet arthropathy on MRI, an interlaminar CESI at C7-T1 that gave 10% relief, and a
    re-evaluation visit on day 56 that found facet-type pain."""
    return (
        Clinic(birth="1959-09-30", sex="male")
        .intake(0, arm=2, neck=7, onset=-180, quality_of_life="moderate")
        .mri(7, facet("C4-5", "right"), facet("C5-6", "right"))
        .cesi(21, "interlaminar", "C7-T1", "central")
        .outcome(pain_before=7, pain_after=6, relief=10)
        .re_evaluation(56, arm=1, neck=7)
    )
