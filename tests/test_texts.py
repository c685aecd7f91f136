"""Texts a clinician can check (issue 9, item 11): every fact's text, either way, and every
reason and note of an assessment, over generated histories under both profiles.

Each text must be well formed (no ``None``, no empty ``()``, no unfilled ``{field}``, no
doubled ``"; and"`` or ``"; ; "``, brackets that close) and, where it describes the record as
it is (the fact's text in the state that holds, every reason and note of :func:`assess`),
must not contradict the record: each check below states one claim a text can make and what
the record must then hold. A check reads the record's events directly, never the fact state,
so a wrong fold or a wrong template is caught alike.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import TypeVar

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spinepath as sp
from clinic import Clinic, Do, exam, foraminal, right_facet_pain
from spinepath.anatomy import FacetJoint
from spinepath.model import (
    CervicalEpiduralSteroidInjection,
    ClinicalVisit,
    Event,
    GreaterOccipitalNerveBlock,
    ImagingStudy,
    MedialBranchBlock,
    MedicationTrial,
    OutcomeReport,
    PatientRecord,
    PhysicalTherapyCourse,
    PostureReview,
    RadiofrequencyAblation,
    SelectiveNerveRootBlock,
    SpinalCordStimulatorImplant,
    SpinalCordStimulatorTrial,
    SurgicalConsultation,
    Symptoms,
)
from spinepath.pathway import candidates
from spinepath.rules import FACTS, PROFILES, Action, ActionKind, Facts, Profile, rules_for
from spinepath.rules.state import named, state_of
from spinepath.testing import strategies as sps

K = ActionKind
DATE = r"\d{4}-\d{2}-\d{2}"
E = TypeVar("E", bound=Event)

# -- the record as the checks read it --------------------------------------------------------------


@attrs.frozen
class Record:
    """The events of a record up to the day of the assessment, and what the checks ask of them."""

    record: PatientRecord
    profile: Profile
    as_of: dt.date

    @property
    def events(self) -> tuple[Event, ...]:
        return tuple(e for e in self.record.events if e.date <= self.as_of)

    def of(self, kind: type[E]) -> list[E]:
        return [e for e in self.events if isinstance(e, kind)]

    def reports(self, event: Event) -> list[OutcomeReport]:
        return [
            e for e in self.events if isinstance(e, OutcomeReport) and e.intervention_id == event.id
        ]

    @property
    def symptoms(self) -> Symptoms | None:
        visits = self.of(ClinicalVisit)
        return visits[-1].symptoms if visits else None

    @property
    def onsets(self) -> set[dt.date]:
        return {e.symptoms.onset for e in self.of(ClinicalVisit) if e.symptoms.onset is not None}

    def labelled(self, label: str) -> list[Event]:
        """The events a text names with ``label`` before their date ("CESI 2024-01-22")."""
        return [e for e in self.events if label in _labels(e)]


def _labels(event: Event) -> set[str]:
    """The words texts put before an event's date."""
    labels = {named(event.kind)}
    short = _SHORT.get(type(event))
    if short is not None:
        labels.add(short)
    if isinstance(event, ClinicalVisit) and event.exam is not None:
        labels.add("exam")
    if isinstance(event, OutcomeReport):
        labels.add("reported")
    return labels


_SHORT: dict[type[Event], str] = {
    CervicalEpiduralSteroidInjection: "CESI",
    SelectiveNerveRootBlock: "SNRB",
    MedialBranchBlock: "MBB",
    RadiofrequencyAblation: "RFA",
    GreaterOccipitalNerveBlock: "GON block",
    ImagingStudy: "imaging",
}
_LABELS = sorted(
    {"CESI", "SNRB", "MBB", "RFA", "GON block", "imaging", "exam", "reported"}
    | {named(kind) for kind in ActionKind}
    | {named(cls.kind) for cls in (PhysicalTherapyCourse, SpinalCordStimulatorTrial)},
    key=len,
    reverse=True,
)
_LABEL = "|".join(re.escape(label) for label in _LABELS)


# -- form: every text, in either state -------------------------------------------------------------


def form_problems(text: str) -> Iterator[str]:
    """What makes a text unreadable whatever the record: a value that was never filled in."""
    if not text.strip():
        yield "empty text"
    for bad, why in (
        ("None", "a missing value printed as None"),
        ("()", "empty parentheses"),
        ("[]", "empty brackets"),
        ("{", "an unfilled template field"),
        ("}", "an unfilled template field"),
        ("; ; ", "an empty part between separators"),
        ("  ", "a doubled space"),
        (" ,", "a space before a comma"),
        (" ;", "a space before a semicolon"),
        ("( ", "a space inside parentheses"),
        (" )", "a space inside parentheses"),
    ):
        if bad in text:
            yield f"{why} ({bad!r})"
    if text.count("; and ") >= 2:
        yield "a doubled '; and'"
    if text != text.strip():
        yield "leading or trailing space"
    for opening, closing in ("()", "[]"):
        depth = 0
        for char in text:
            depth += (char == opening) - (char == closing)
            if depth < 0:
                break
        if depth:
            yield f"unbalanced {opening}{closing}"


# -- truth: texts of the record as it is -----------------------------------------------------------

Check = Callable[[str, Record, Action], Iterator[str]]
CHECKS: list[Check] = []


def check(function: Check) -> Check:
    CHECKS.append(function)
    return function


@check
def dates_are_the_record_s(text: str, r: Record, _: Action) -> Iterator[str]:
    """A date quoted after an event's name ("MBB 2023-11-20", "exam 2024-01-02", "reported
    2024-02-26") is the date of such an event; the date a CESI can be judged from is its date
    plus the profile's minimum time; any other date is the date of some event."""
    judgeable = dt.timedelta(days=r.profile.cesi_judgeable_days.value)
    for found in re.finditer(DATE, text):
        day = dt.date.fromisoformat(found.group())
        before = text[: found.start()]
        label = next((lab for lab in _LABELS if before.endswith(f"{lab} ")), None)
        if re.search(r"judged? (before|from|since) $", before):
            if not any(e.date + judgeable == day for e in r.of(CervicalEpiduralSteroidInjection)):
                yield f"{day}: no CESI can be judged from that day"
        elif label is not None:
            if not any(e.date == day for e in r.labelled(label)):
                yield f"{label} {day}: no such event on record"
        elif day not in r.onsets and not any(e.date == day for e in r.events):
            yield f"{day}: neither an event's date nor a recorded onset"


_RESULT = re.compile(
    rf"(?P<label>{_LABEL}) (?P<day>{DATE})(?:, reported (?P<reported>{DATE}))?: "
    r"(?:(?P<relief>\d+)% relief|(?P<pending>outcome not recorded))"
)


@check
def results_are_the_outcomes_reported(text: str, r: Record, _: Action) -> Iterator[str]:
    """ "MBB 2023-11-20: 70% relief" is the relief an outcome report of that block gives (of
    the report dated after "reported", if named); "... outcome not recorded" names an
    intervention with no outcome report yet."""
    for found in _RESULT.finditer(text):
        day = dt.date.fromisoformat(found["day"])
        done = [e for e in r.labelled(found["label"]) if e.date == day]
        reports = [o for e in done for o in r.reports(e)]
        if found["reported"]:
            reports = [o for o in reports if o.date.isoformat() == found["reported"]]
        if found["pending"]:
            if not any(not r.reports(e) for e in done):
                yield f"{found.group()}: every such intervention has an outcome on record"
        elif not any(f"{o.outcome.relief:.0f}" == found["relief"] for o in reports):
            yield f"{found.group()}: no outcome report of it gives that relief"


@check
def relief_figures_are_reported_ones(text: str, r: Record, _: Action) -> Iterator[str]:
    """Any "N% relief" that is not a threshold (">=50% relief") is some outcome's relief."""
    reliefs = {f"{o.outcome.relief:.0f}" for o in r.of(OutcomeReport)}
    for found in re.finditer(r"(?<![>=<\d.])(\d+)% relief", text):
        if found.group(1) not in reliefs:
            yield f"{found.group()}: no outcome on record gives that relief"


@attrs.frozen
class Absent:
    """A claim that something is not on record (``phrase``, a regular expression), which a
    text may make only when ``present`` says the record has no such thing."""

    phrase: str
    present: Callable[[Record, Action], bool] = attrs.field(repr=False)
    why: str

    def __call__(self, text: str, r: Record, a: Action) -> Iterator[str]:
        if re.search(self.phrase, text) and self.present(r, a):
            yield f"says {self.phrase!r}, but {self.why}"


def _rfa_joints(r: Record) -> set[FacetJoint]:
    return {j for e in r.of(RadiofrequencyAblation) for j in e.joints}


def _positive_mbb_joints(r: Record) -> set[FacetJoint]:
    """Joints with a medial branch block whose first outcome report is positive."""
    joints: set[FacetJoint] = set()
    needed = r.profile.mbb_positive_relief.value
    for block in r.of(MedialBranchBlock):
        reports = r.reports(block)
        if reports:
            outcome = reports[0].outcome
            if outcome.concordant is not False and needed.met(outcome.relief):
                joints.update(block.joints)
    return joints


def _advanced_pt(r: Record, _: Action) -> bool:
    return any(e.advanced for e in r.of(PhysicalTherapyCourse))


def _cross_sectional(r: Record, _: Action) -> bool:
    return any(e.modality.shows_soft_tissue for e in r.of(ImagingStudy))


def _root_blocked(r: Record, a: Action) -> bool:
    return a.nerve is not None and any(e.nerve == a.nerve for e in r.of(SelectiveNerveRootBlock))


def _posture_faults(r: Record, _: Action) -> bool:
    return any(e.assessment.needs_correction for e in r.of(PostureReview))


def _gon_on_side(r: Record, a: Action) -> bool:
    side = a.side
    return side is not None and any(e.side.covers(side) for e in r.of(GreaterOccipitalNerveBlock))


CHECKS += [
    Absent(r"no MRI or CT on record|\(none on record\)", _cross_sectional, "imaging is on record"),
    Absent(
        r"no surgical consultation(?! since the last operation)",
        lambda r, _: bool(r.of(SurgicalConsultation)),
        "a surgical consultation is on record",
    ),
    Absent(r"no advanced physical therapy yet", _advanced_pt, "advanced PT is on record"),
    Absent(
        r"no nerve-stabilising medication tried",
        lambda r, _: bool(r.of(MedicationTrial)),
        "a medication trial is on record",
    ),
    Absent(
        r"no stimulator trial yet|\(no trial\)",
        lambda r, _: bool(r.of(SpinalCordStimulatorTrial)),
        "a stimulator trial is on record",
    ),
    Absent(
        r"no stimulator implanted",
        lambda r, _: bool(r.of(SpinalCordStimulatorImplant)),
        "a stimulator implant is on record",
    ),
    Absent(
        r"no earlier RFA at ",
        lambda r, a: bool(set(a.joints) & _rfa_joints(r)),
        "an RFA of a joint of the target is on record",
    ),
    Absent(
        r"no positive MBB at ",
        lambda r, a: bool(set(a.joints) & _positive_mbb_joints(r)),
        "a medial branch block of a joint of the target was positive",
    ),
    Absent(r" not yet blocked", _root_blocked, "an SNRB of the target root is on record"),
    Absent(r"no (left|right|bilateral) GON block on record", _gon_on_side, "one is on record"),
    Absent(r"no postural faults on record", _posture_faults, "a review found faults"),
    Absent(
        r"no posture review on record",
        lambda r, _: bool(r.of(PostureReview)),
        "a posture review is on record",
    ),
]


@check
def drug_not_tried(text: str, r: Record, _: Action) -> Iterator[str]:
    """ "gabapentin not tried before" only without a trial of gabapentin."""
    tried = {str(e.drug) for e in r.of(MedicationTrial)}
    for found in re.finditer(r"(gabapentin|pregabalin) not tried before", text):
        if found.group(1) in tried:
            yield f"says {found.group()!r}, but a trial of it is on record"


@check
def not_debilitating_is_measured(text: str, r: Record, _: Action) -> Iterator[str]:
    """ "Not debilitating" is a finding: the latest visit recorded a quality-of-life impact or
    an NDI (pain alone can say yes, never no)."""
    s = r.symptoms
    if "not debilitating" in text and (s is None or (s.quality_of_life is None and s.ndi is None)):
        yield "says 'not debilitating' with no quality of life or NDI recorded"


@check
def pain_scores_are_the_latest(text: str, r: Record, _: Action) -> Iterator[str]:
    """ "arm pain NRS 6", "worse of arm and neck pain NRS 6", "NDI 40%" quote the latest visit."""
    s = r.symptoms
    for found in re.finditer(r"(worse of arm and neck pain|arm pain) NRS (\d+)", text):
        value = None if s is None else s.worst_pain if "worse" in found[1] else s.arm_pain
        if str(value) != found[2]:
            yield f"{found.group()}: the latest visit says {value}"
    for found in re.finditer(r"NDI (\d+)%", text):
        if s is None or s.ndi is None or f"{s.ndi.percent:.0f}" != found[1]:
            yield f"{found.group()}: not the latest visit's NDI"


@check
def day_counts_are_the_record_s(text: str, r: Record, a: Action) -> Iterator[str]:
    """ "symptoms for N days" counts from a recorded onset; "N days since the last RFA at X"
    and "N days since the last epidural injection" from such a procedure."""
    ago = {(r.as_of - e.date).days for e in r.events}
    starts = r.onsets | {r.events[0].date}
    for found in re.finditer(rf"symptoms for (?:only )?(\d+) days since ({DATE})", text):
        start = dt.date.fromisoformat(found[2])
        if start not in starts:
            yield f"{found.group()}: neither a recorded onset nor the first event"
        elif int(found[1]) != (r.as_of - start).days:
            yield f"{found.group()}: that day is {(r.as_of - start).days} days ago"
    if re.search(r"symptoms for (?:only )?\d+ days(?! since)", text):
        yield "a symptom duration without the day it is counted from"
    for found in re.finditer(r"(\d+) days since the last (RFA|epidural injection)", text):
        if int(found[1]) not in ago:
            yield f"{found.group()}: no event is that long ago"


@check
def reviews_found_what_they_say(text: str, r: Record, _: Action) -> Iterator[str]:
    """ "posture review D found (no) faults to correct" is what the review of that day found,
    and it is the latest review."""
    reviews = r.of(PostureReview)
    for found in re.finditer(rf"posture review ({DATE}) found (no )?faults", text):
        latest = reviews[-1] if reviews else None
        if latest is None or latest.date.isoformat() != found[1]:
            yield f"{found.group()}: not the latest posture review"
        elif latest.assessment.needs_correction == bool(found[2]):
            yield f"{found.group()}: the review found the opposite"


@check
def exams_since_imaging(text: str, r: Record, _: Action) -> Iterator[str]:
    """ "no new deficit since the last cross-sectional imaging (imaging D)" needs an exam after
    D to say so; "no exam since ..." needs there to be none."""
    exams = [e.date for e in r.of(ClinicalVisit) if e.exam is not None]
    for found in re.finditer(
        rf"no (new deficit|exam) since the last cross-sectional imaging \(imaging ({DATE})\)", text
    ):
        day = dt.date.fromisoformat(found[2])
        examined = any(d > day for d in exams)
        if examined != (found[1] == "new deficit"):
            yield f"{found.group()}: an exam after it is {'' if examined else 'not '}on record"


# -- the texts ---------------------------------------------------------------------------------


def relevant(facts: Facts, action: Action) -> list[str]:
    """Every fact about the whole record, and each fact about a target that a rule for the
    action's kind reads (within the rule's scope, if the action is in it)."""
    names = {name for name, d in FACTS.items() if not d.about_target}
    for rule in rules_for(action.kind):
        if rule.scope is not None:
            names |= rule.scope.names()
            if not rule.scope.check(facts, action):
                continue
        for _, condition in rule.conditions():
            names |= condition.names()
    return sorted(names)


def fact_texts(facts: Facts) -> Iterator[tuple[str, Action, bool, str]]:
    """(fact, action, whether it holds, text) for each relevant fact of each candidate, in
    both states."""
    for action in candidates(facts):
        for name in relevant(facts, action):
            holds = facts.holds(name, action)
            for held in (holds, not holds):
                yield name, action, held == holds, facts.describe(name, action, held)


def assessment_texts(record: PatientRecord, profile: Profile) -> Iterator[tuple[str, Action]]:
    assessment = sp.assess(record, profile)
    none = Action(kind=K.DISCHARGE)
    for text in (*assessment.red_flags, *assessment.notes):
        yield text, none
    for option in assessment.options:
        for reason in (*option.reasons, *option.failed):
            yield reason.text, option.action


def problems(text: str, r: Record, action: Action, true: bool) -> list[str]:
    found = list(form_problems(text))
    if true:
        found += [problem for c in CHECKS for problem in c(text, r, action)]
    return found


# -- the properties ------------------------------------------------------------------------------

PREFER: tuple[frozenset[ActionKind], ...] = (
    frozenset(),
    frozenset({K.MEDIAL_BRANCH_BLOCK, K.RADIOFREQUENCY_ABLATION}),
    frozenset({K.GREATER_OCCIPITAL_NERVE_BLOCK, K.MEDICATION_TRIAL}),
    frozenset({K.SELECTIVE_NERVE_ROOT_BLOCK, K.CESI, K.POSTURE_REVIEW}),
    frozenset({K.SURGICAL_CONSULTATION, K.ACDF, K.LAMINOFORAMINOTOMY}),
    frozenset(
        {
            K.SPINAL_CORD_STIMULATOR_TRIAL,
            K.SPINAL_CORD_STIMULATOR_IMPLANT,
            K.REGENERATIVE_THERAPY,
            K.ADVANCED_PHYSICAL_THERAPY,
        }
    ),
)


@st.composite
def histories(draw: st.DrawFn) -> tuple[PatientRecord, Profile]:
    """A legal history under either profile, its walk steered toward one family of steps."""
    profile = draw(st.sampled_from(sorted(PROFILES.values(), key=lambda p: p.name)))
    prefer = draw(st.sampled_from(PREFER))
    return draw(sps.patient_records(profile=profile, prefer=prefer)), profile


QUICK = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _report(found: list[tuple[str, str, list[str]]]) -> str:
    return "\n".join(f"{where}: {text!r}\n    " + "\n    ".join(p) for where, text, p in found)


@QUICK
@given(history=histories())
def test_every_fact_text_is_well_formed_either_way_and_true_where_it_holds(
    history: tuple[PatientRecord, Profile],
) -> None:
    record, profile = history
    day = record.last_date
    assert day is not None
    r = Record(record, profile, day)
    facts = Facts(state_of(record, profile, day), day)
    found = [
        (f"{name} ({'holds' if true else 'the other state'}) for {action}", text, p)
        for name, action, true, text in fact_texts(facts)
        if (p := problems(text, r, action, true))
    ]
    assert not found, _report(found)


@QUICK
@given(history=histories())
def test_every_reason_and_note_of_an_assessment_is_well_formed_and_true(
    history: tuple[PatientRecord, Profile],
) -> None:
    record, profile = history
    day = record.last_date
    assert day is not None
    r = Record(record, profile, day)
    found = [
        (str(action), text, p)
        for text, action in assessment_texts(record, profile)
        if (p := problems(text, r, action, True))
    ]
    assert not found, _report(found)


# -- the checks themselves: each catches what it states ------------------------------------------


def test_form_catches_each_flaw() -> None:
    for text in (
        "None days since the last RFA",
        "earlier RFA at C4-5 left ()",
        "needs {needed}",
        "a; and b; and c",
        "a; ; b",
        "positive (MBB 2023-11-20: 80% relief",
        "x  y",
    ):
        assert list(form_problems(text)), text
    assert not list(form_problems("needs one of 2 alternatives, neither holds: [a (b); or c]"))


# -- worked examples: the texts the property found wrong, as they read now ----------------------


def _texts_of(record: PatientRecord, profile: Profile = sp.CONSENSUS_2022) -> list[str]:
    return [text for text, _ in assessment_texts(record, profile)]


def _fact_text(record: PatientRecord, name: str, action: Action) -> str:
    day = record.last_date
    assert day is not None
    facts = Facts(state_of(record, sp.CONSENSUS_2022, day), day)
    return facts.describe(name, action, facts.holds(name, action))


def _caught(text: str, record: PatientRecord, action: Action, profile: Profile) -> list[str]:
    day = record.last_date
    assert day is not None
    return problems(text, Record(record, profile, day), action, True)


def _operated() -> Clinic:
    return (
        Clinic()
        .intake(0, arm=7, neck=3, radiating=["left C6"], onset=-120)
        .mri(3, foraminal("C5-6", "left"))
        .cesi(10, "interlaminar", "C6-7", "central")
        .outcome(pain_before=7, pain_after=6, relief=10)
        .consult(60)
        .acdf(80, "C5-6")
        .visit(120, arm=5, neck=3, radiating=["left C6"], purpose="post_operative")
    )


def test_a_consultation_before_the_operation_is_not_denied() -> None:
    record = _operated().record
    text = _fact_text(record, "consulted", Do.acdf("C5-6"))
    assert text == "no surgical consultation since the last operation"
    assert _caught("no surgical consultation", record, Do.acdf("C5-6"), sp.CONSENSUS_2022)


def test_an_earlier_posture_finding_is_not_denied_by_a_later_clear_review() -> None:
    record = (
        Clinic()
        .intake(0, arm=6, neck=4, radiating=["left C6"], onset=-40)
        .cesi(14, "interlaminar", "C6-7", "central")
        .outcome(pain_before=6, pain_after=6, relief=0)
        .posture(45)
        .posture(80, forward_head=False, thoracic=False)
        .record
    )
    text = _fact_text(record, "posture_needs_correction", Do.advanced_pt())
    assert text == "posture review 2024-03-28 found no faults to correct"
    old = "no postural faults on record"
    assert _caught(old, record, Do.advanced_pt(), sp.CONSENSUS_2022)
    assert not _caught(text, record, Do.advanced_pt(), sp.CONSENSUS_2022)


def test_one_positive_block_of_two_is_not_no_positive_block() -> None:
    record = (
        right_facet_pain()
        .mbb(70, "C5-6", side="right")
        .outcome(pain_before=7, pain_after=1, relief=85, concordant=True)
        .record
    )
    rfa = Do.rfa("C5-6", "right")
    texts = [t for t, a in assessment_texts(record, sp.STRICT_PAYER) if a == rfa]
    assert any(
        "too few positive MBBs at C5-6 right (MBB 2024-03-18: 85% relief" in t for t in texts
    )
    old = "no positive MBB at C5-6 right (MBB 2024-03-18: 85% relief, positive)"
    assert _caught(old, record, rfa, sp.STRICT_PAYER)


def test_no_exam_since_imaging_is_not_read_as_no_new_deficit() -> None:
    clinic = (
        Clinic()
        .intake(0, arm=7, neck=3, radiating=["left C6"], onset=-30, exam=exam(motor={"left C6": 4}))
        .mri(3, foraminal("C5-6", "left"))
        .cesi(10, "interlaminar", "C6-7", "central")
        .outcome(pain_before=7, pain_after=6, relief=10)
    )
    texts = _texts_of(clinic.record)
    assert any(
        "no exam since the last cross-sectional imaging (imaging 2024-01-11)" in t for t in texts
    )
    assert not any("no new deficit" in t for t in texts)
    examined = clinic.visit(50, arm=7, neck=3, radiating=["left C6"], exam=exam())
    texts = _texts_of(examined.record)
    assert any(
        "no new deficit since the last cross-sectional imaging (imaging 2024-01-11)" in t
        for t in texts
    )


def test_symptom_durations_name_the_day_they_count_from() -> None:
    reported = Clinic().intake(0, arm=7, neck=3, radiating=["left C6"], onset=-30)
    unreported = Clinic().intake(0, arm=7, neck=3, radiating=["left C6"])
    for clinic, since in ((reported, "2023-12-09"), (unreported, "2024-01-08")):
        record = clinic.mri(3, foraminal("C5-6", "left")).record
        text = _fact_text(record, "conservative_care_long_enough", Do.discharge())
        assert text.endswith(f"days since {since} (need 84 days)"), text
        assert not _caught(text, record, Do.discharge(), sp.CONSENSUS_2022)


def test_a_first_ablation_has_no_interval_to_wait() -> None:
    record = right_facet_pain().record
    text = _fact_text(record, "rfa_interval_ok", Do.rfa("C5-6", "right"))
    assert text == "no earlier RFA at C5-6 right"


def _failed_cesi() -> PatientRecord:
    return (
        Clinic()
        .intake(0, arm=7, neck=3, radiating=["left C6"], onset=-30, exam=exam())
        .mri(3, foraminal("C5-6", "left"))
        .cesi(10, "interlaminar", "C6-7", "central")
        .outcome(pain_before=7, pain_after=6, relief=10)  # reported on day 38, 2024-02-15
        .record
    )


@pytest.mark.parametrize(
    "text",
    [
        "the last CESI failed (CESI 2024-01-19, reported 2024-02-15: 10% relief)",  # wrong day
        "the last CESI failed (CESI 2024-01-18, reported 2024-02-15: 55% relief)",  # wrong figure
        "CESI 2024-01-18: outcome not recorded",  # it is
        "pain not debilitating: worse of arm and neck pain NRS 7",  # no QoL or NDI measured
        "arm pain NRS 5, symptoms for 68 days since 2023-12-09",  # the latest visit says 7
        "symptoms for 30 days since 2023-12-09 (at least 84 days)",  # 68 days
        "symptoms for 68 days (at least 84 days)",  # counted from when?
        "no MRI or CT on record",
        "no new deficit since the last cross-sectional imaging (imaging 2024-01-11)",  # no exam
    ],
)
def test_each_truth_check_catches_what_it_states(text: str) -> None:
    assert _caught(text, _failed_cesi(), Do.discharge(), sp.CONSENSUS_2022)


def test_the_truth_checks_pass_what_the_record_says() -> None:
    record = _failed_cesi()
    for text in (
        "the last CESI failed (CESI 2024-01-18, reported 2024-02-15: 10% relief; adequate is "
        ">=50% relief lasting 90 days)",
        "arm pain NRS 7, symptoms for 68 days since 2023-12-09",
        "no exam since the last cross-sectional imaging (imaging 2024-01-11)",
        *_texts_of(record),
    ):
        assert not _caught(text, record, Do.discharge(), sp.CONSENSUS_2022), text
