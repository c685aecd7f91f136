"""Named facts of a patient record, read from its folded fact state.

Rules never look at events directly: they name facts (``cesi_failed``, ``mbb_positive``), and
this module says what each fact means, how it reads when it holds and when it fails, and
reads it from the record's :class:`~spinepath.rules.state.FactState` on the day of the
assessment. Facts about a target (``mbb_positive``) read the action being judged.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from spinepath.anatomy import LATERAL_SIDES, Foramen, Segment, Side, SpinalNerve
from spinepath.model import (
    Approach,
    DrugStatus,
    HeadachePattern,
    HealthFactors,
    Medication,
    Modality,
    PatientRecord,
    Urgency,
)
from spinepath.rules.actions import Action, ActionKind
from spinepath.rules.expressions import fact as _F
from spinepath.rules.profiles import CT_MYELOGRAPHY, BleedingRisk, Profile
from spinepath.rules.state import (
    ADVANCED_PT,
    HALF_YEAR_DAYS,
    POSTURE_REVIEW,
    RE_EVALUATION,
    YEAR_DAYS,
    FactState,
    cesi_worked,
    state_of,
)

__all__ = [
    "FACTS",
    "NOTES",
    "INDICATED_SURGERY",
    "FactDefinition",
    "Facts",
    "RecordFacts",
    "bleeding_class",
    "bleeding_conflicts",
    "cesi_worked",
    "default_gabapentinoid",
    "notes_of",
    "procedure_of",
]

Check = Callable[["Facts", Action], bool]
Detail = Callable[["Facts", Action], dict[str, Any]]


@attrs.frozen
class FactDefinition:
    """A named fact: what it means, how it reads either way, and how to read it."""

    name: str
    meaning: str
    holds_text: str
    fails_text: str
    compute: Check
    detail: Detail | None = None
    about_target: bool = False


FACTS: dict[str, FactDefinition] = {}
"""Every named fact the rule conditions can use, by name (filled as the facts are defined)."""

INDICATED_SURGERY = _F("red_flag") | (
    _F("targeted_care_failed") & _F("debilitating_pain") & _F("conservative_care_long_enough")
)
"""S13-S14: an operation is indicated (the surgical rules favour by it; ``surgery_pending``
reads the same condition)."""


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


class Facts:
    """The facts of one fact state on one day: each computed on first use, then kept.

    Built by the engine for each assessment; not shared between threads (each call builds
    its own). Everything a fact reads comes from :attr:`state` and :attr:`as_of`.
    """

    __slots__ = ("__weakref__", "_candidates", "as_of", "general", "profile", "state")

    def __init__(self, state: FactState, as_of: dt.date) -> None:
        self.state = state
        self.profile: Profile = state.profile
        self.as_of = as_of
        self.general = _General(self)
        self._candidates: tuple[SpinalNerve, ...] | None = None

    # -- the FactSource protocol ---------------------------------------------------------------
    def holds(self, name: str, action: Action) -> bool:
        definition = FACTS[name]
        if definition.about_target:
            return bool(definition.compute(self, action))
        return self.general[name]

    def describe(self, name: str, action: Action, held: bool) -> str:
        definition = FACTS[name]
        text = definition.holds_text if held else definition.fails_text
        values: dict[str, Any] = {"target": action.target, "action": str(action)}
        if definition.detail is not None:
            values.update(definition.detail(self, action))
        return text.format(**values)

    # -- reading the day -------------------------------------------------------------------------
    def days_since(self, day: dt.date | None) -> int | None:
        return None if day is None else (self.as_of - day).days

    def in_force(self, until: dt.date | None) -> bool:
        """Whether something that lasts until ``until`` (None: open-ended) lasts today."""
        return until is None or (self.as_of - until).days < 1

    def within(self, dates: tuple[dt.date, ...], days: int) -> int:
        """How many of ``dates`` fall in the rolling window of ``days`` ending today."""
        return sum(1 for d in dates if (self.as_of - d).days < days)

    # -- derived from the state ------------------------------------------------------------------
    @property
    def candidate_nerves(self) -> tuple[SpinalNerve, ...]:
        """S3: imaging-implicated nerves that match the symptoms (all of them if none match)."""
        if self._candidates is None:
            implicated = self.state.imaging.implicated_nerves
            symptomatic = self.state.presentation.symptomatic_nerves
            matching = tuple(n for n in implicated if n in symptomatic)
            self._candidates = matching or implicated
        return self._candidates

    def epidurals_within(self, days: int) -> int:
        return self.within(self.state.cesi.dates, days)


def RecordFacts(record: PatientRecord, profile: Profile, as_of: dt.date) -> Facts:
    """The facts of ``record`` on ``as_of`` under ``profile`` (its state folded once, kept)."""
    return Facts(state_of(record, profile, as_of), as_of)


class _General(dict[str, bool]):
    """Facts about the record as a whole, each computed on first lookup (a weak reference to
    the facts keeps the pair free of reference cycles, so no garbage collector is needed to
    free them)."""

    __slots__ = ("_facts",)

    def __init__(self, facts: Facts) -> None:
        super().__init__()
        self._facts = weakref.ref(facts)

    def __missing__(self, name: str) -> bool:
        facts = self._facts()
        assert facts is not None  # the facts own this table
        value = self[name] = bool(FACTS[name].compute(facts, _NO_TARGET))
        return value


_NO_TARGET = Action(kind=ActionKind.DISCHARGE)  # what facts about the whole record are given


def _pct(value: float) -> str:
    return f"{value:.0f}%"


def _history(results: tuple[tuple[Any, str], ...], keys: Iterable[Any]) -> str:
    """What past procedures at these targets gave, each once, in target order ("" if none)."""
    texts: list[str] = []
    for key in keys:
        for k, text in results:
            if k == key and text not in texts:
                texts.append(text)
    return "; ".join(texts)


def _then(text: str) -> str:
    return f"{text}; " if text else ""


def _paren(text: str) -> str:
    """`` (text)`` after a phrase, or nothing when there is nothing to say."""
    return f" ({text})" if text else ""


def _symptom_days(f: Facts, only: bool = False) -> str:
    """How long the symptoms have lasted, with the day counted from: the reported onset, or
    the first recorded event when none was reported (the fold's rule)."""
    onset = f.state.onset
    if onset is None:
        return "symptom onset not recorded"
    days = f.days_since(onset)
    return f"symptoms for {'only ' if only else ''}{days} days since {onset.isoformat()}"


def _covers(sides: frozenset[Side] | tuple[Side, ...], side: Side | None) -> bool:
    return side is not None and any(s.covers(side) for s in sides)


# ======================================================================================
# Global facts
# ======================================================================================


def _cesi_detail(f: Facts, _: Action) -> dict[str, Any]:
    c = f.state.cesi
    outcome = c.last_outcome
    p = f.profile
    injected = f"CESI {c.dates[-1].isoformat()}" if c.dates else "no CESI recorded"
    relief = "no outcome recorded"
    if outcome is not None:
        days = outcome.relief_duration_days
        lasted = "" if days is None else f" lasting {days} days"
        if c.reported_on is not None:
            injected += f", reported {c.reported_on.isoformat()}"
        relief = f"{_pct(outcome.relief)} relief{lasted}"
        if c.too_early and c.judge_from is not None:
            relief += f", too early to judge before {c.judge_from.isoformat()}"
    return {
        "cesi": injected,
        "relief": relief,
        "threshold": f"{p.cesi_adequate_relief.value}% relief lasting "
        f"{p.cesi_adequate_relief_days.value} days",
    }


@_fact(
    "cesi_on_record",
    "a CESI with a recorded outcome is on record (pathway entry)",
    "a CESI with its outcome is on record",
    "no CESI with a recorded outcome yet",
)
def _cesi_on_record(f: Facts, _: Action) -> bool:
    return f.state.cesi.on_record


@_fact(
    "cesi_failed",
    "the latest CESI fell short of adequate, lasting relief (S0)",
    "the last CESI failed ({cesi}: {relief}; adequate is {threshold})",
    "the last CESI has not failed ({cesi}: {relief})",
    detail=_cesi_detail,
)
def _cesi_failed(f: Facts, _: Action) -> bool:
    return f.state.cesi.last_failed


def _not_worked(detail: dict[str, Any], f: Facts) -> dict[str, Any]:
    c = f.state.cesi
    if c.last_outcome is None:
        text = f"the last CESI's outcome is not recorded ({detail['cesi']})"
    elif c.too_early:
        text = f"the last CESI cannot be judged yet ({detail['cesi']}: {detail['relief']})"
    else:
        text = (
            f"the last CESI failed ({detail['cesi']}: {detail['relief']}; adequate is "
            f"{detail['threshold']})"
        )
    return {**detail, "not_worked": text}


@_fact(
    "cesi_worked",
    "the latest CESI gave adequate, lasting relief, judged at or after the profile's minimum "
    "time (S0)",
    "the last CESI worked ({cesi}: {relief}; adequate is {threshold})",
    "{not_worked}",
    detail=lambda f, a: _not_worked(_cesi_detail(f, a), f),
)
def _cesi_worked(f: Facts, _: Action) -> bool:
    c = f.state.cesi
    return c.last_outcome is not None and not (c.last_failed or c.too_early)


def _latest_detail(f: Facts, _: Action) -> dict[str, str]:
    o = f.state.outcomes
    if o.latest is None or o.latest_on is None:
        return {"latest": "no treatment outcome recorded"}
    treatment, relief = o.latest
    done, reported, verdict, days = o.latest_on
    lasting = "" if days is None else f" lasting {days} days"
    ended = days is not None and not f.in_force(o.relief_until)
    verdict = "relief has ended" if ended and o.latest_adequate else verdict
    return {
        "latest": f"{treatment} {done.isoformat()}, reported {reported.isoformat()}: "
        f"{_pct(relief)} relief{lasting} ({verdict})"
    }


@_fact(
    "adequate_relief",
    "the latest treatment outcome gives adequate relief that still lasts",
    "adequate relief now ({latest})",
    "no adequate relief now ({latest})",
    detail=_latest_detail,
)
def _adequate_relief(f: Facts, _: Action) -> bool:
    o = f.state.outcomes
    return o.latest_adequate and f.in_force(o.relief_until)


@_fact(
    "re_evaluated",
    "a re-evaluation visit since the CESI failed (S1)",
    "re-evaluated since the CESI failed",
    "not re-evaluated since the CESI failed",
)
def _re_evaluated(f: Facts, _: Action) -> bool:
    return RE_EVALUATION in f.state.since_failure.done


@_fact(
    "symptoms_changed",
    "symptoms changed or worsened since the last imaging (S2)",
    "symptoms changed or worsened since the last imaging",
    "symptoms not reported changed since the last imaging",
)
def _symptoms_changed(f: Facts, _: Action) -> bool:
    return f.state.presentation.changed_since_imaging


@_fact(
    "deficit_since_imaging",
    "a progressive or severe neurological deficit first shown after the latest MRI, CT or CT "
    "myelogram (S2)",
    "a deficit shown since the last cross-sectional imaging ({imaged})",
    "{no_deficit}",
    detail=lambda f, _: _deficit_detail(f),
)
def _deficit_since_imaging(f: Facts, _: Action) -> bool:
    return f.state.surgical.deficit_since_imaging


def _deficit_detail(f: Facts) -> dict[str, str]:
    """The latest imaging's date, and whether any exam came after it (none: nothing is known
    of a deficit since, which is not the same as no deficit)."""
    latest = f.state.imaging.latest
    s = f.state.surgical
    examined = [day for _, day, _ in (*s.exams, *((s.before,) if s.before else ()))]
    if latest is None:
        return {
            "imaged": "no MRI or CT on record",
            "no_deficit": "no progressive or severe deficit shown (no MRI or CT on record)"
            if examined
            else "no exam or MRI or CT on record",
        }
    imaged = f"imaging {latest.date.isoformat()}"
    if any(day > latest.date for day in examined):
        no_deficit = f"no new deficit since the last cross-sectional imaging ({imaged})"
    else:
        no_deficit = f"no exam since the last cross-sectional imaging ({imaged})"
    return {"imaged": imaged, "no_deficit": no_deficit}


@_fact(
    "modality_of_choice",
    "the imaging of choice for this patient: MRI, or CT myelography when MRI is "
    "contraindicated (S2)",
    "{modality} is the imaging of choice ({why})",
    "{modality} is not the imaging of choice ({why})",
    detail=lambda f, a: {"modality": _modality(a), "why": _mri_why(f)},
    target=True,
)
def _modality_of_choice(f: Facts, a: Action) -> bool:
    if f.state.safety.mri_contraindicated:
        return a.modality is Modality.CT_MYELOGRAPHY
    return a.modality is Modality.MRI


@_fact(
    "mri_safe",
    "no contraindication to MRI recorded (S2)",
    "no contraindication to MRI recorded",
    "MRI contraindicated (recorded in the health factors)",
)
def _mri_safe(f: Facts, _: Action) -> bool:
    return not f.state.safety.mri_contraindicated


@_fact(
    "mri_ordered",
    "the imaging action is an MRI",
    "an MRI",
    "not an MRI",
    target=True,
)
def _mri_ordered(f: Facts, a: Action) -> bool:
    return a.modality is Modality.MRI


def _modality(a: Action) -> str:
    return "MRI" if a.modality is Modality.MRI else "CT myelography"


def _mri_why(f: Facts) -> str:
    if f.state.safety.mri_contraindicated:
        return "MRI contraindicated (recorded in the health factors)"
    return "no contraindication to MRI recorded"


@_fact(
    "imaging_on_record",
    "an MRI, CT or CT myelogram is on record",
    "cross-sectional imaging on record",
    "no MRI or CT on record",
)
def _imaging_on_record(f: Facts, _: Action) -> bool:
    return f.state.imaging.cross_sectional


@_fact(
    "several_candidate_roots",
    "imaging shows more than one possible root (S3)",
    "imaging shows several possible roots ({roots})",
    "imaging and symptoms point to one root at most ({roots})",
    detail=lambda f, _: {"roots": ", ".join(map(str, f.candidate_nerves)) or "none"},
)
def _several_candidate_roots(f: Facts, _: Action) -> bool:
    return len(f.candidate_nerves) >= 2


@_fact(
    "posture_reviewed",
    "posture and mechanics reviewed since the CESI failed (S4)",
    "posture reviewed since the CESI failed",
    "posture not reviewed since the CESI failed",
)
def _posture_reviewed(f: Facts, _: Action) -> bool:
    return POSTURE_REVIEW in f.state.since_failure.done


@_fact(
    "posture_needs_correction",
    "the latest posture review found something to correct (S4)",
    "posture review {reviewed}found faults to correct",
    "{no_faults}",
    detail=lambda f, _: _posture_detail(f),
)
def _posture_needs_correction(f: Facts, _: Action) -> bool:
    return f.state.care.posture_faults


def _posture_detail(f: Facts) -> dict[str, str]:
    day = next((d for what, d in f.state.since_failure.last_on if what == POSTURE_REVIEW), None)
    if day is None:
        return {"reviewed": "", "no_faults": "no posture review on record"}
    return {
        "reviewed": f"{day.isoformat()} ",
        "no_faults": f"posture review {day.isoformat()} found no faults to correct",
    }


@_fact(
    "facet_signs",
    "axial-dominant neck pain or cervicogenic headache (S6)",
    "facet-type pain (axial neck pain or cervicogenic headache)",
    "no facet-type pain (neck pain not dominant, no cervicogenic headache)",
)
def _facet_signs(f: Facts, _: Action) -> bool:
    return f.state.presentation.facet_signs


@_fact(
    "radicular_pain",
    "arm pain in a root's distribution (S8)",
    "radicular arm pain",
    "no radicular arm pain",
)
def _radicular_pain(f: Facts, _: Action) -> bool:
    return f.state.presentation.radicular


@_fact(
    "occipital_pain",
    "pain radiating from the upper neck toward the head (S7)",
    "occipital or cervicogenic head pain",
    "no occipital or cervicogenic head pain",
)
def _occipital_pain(f: Facts, _: Action) -> bool:
    return f.state.presentation.headache is not HeadachePattern.NONE


def _flags(f: Facts, texts: tuple[str, ...]) -> dict[str, str]:
    """Red flags with the date of the exam that first showed each (in the current run)."""
    s = f.state.surgical
    dated = []
    for text in texts:
        day = s.shown_on(text)
        dated.append(text if day is None else f"{text} (exam {day.isoformat()})")
    return {"flags": f": {'; '.join(dated)}" if dated else ""}


@_fact(
    "red_flag",
    "a progressive or severe neurological deficit, or myelopathy that is moderate, severe, "
    "declining or not graded (S12)",
    "red flag{flags}",
    "no red flag",
    detail=lambda f, _: _flags(f, f.state.surgical.red_flags),
)
def _red_flag(f: Facts, _: Action) -> bool:
    return bool(f.state.surgical.red_flags)


@_fact(
    "red_flag_unanswered",
    "a red flag not yet seen by a surgeon (S12)",
    "red flag not yet seen by a surgeon{flags}",
    "no red flag awaiting a surgeon",
    detail=lambda f, _: _flags(f, f.state.surgical.unanswered),
)
def _red_flag_unanswered(f: Facts, _: Action) -> bool:
    return bool(f.state.surgical.unanswered)


def _mild_detail(f: Facts, _: Action) -> dict[str, str]:
    s = f.state.surgical
    day = s.exams[-1][1].isoformat() if s.exams else "no exam"
    if s.exams:
        no_mild = f"no mild, stable myelopathy on the latest exam ({day})"
    else:
        no_mild = "no exam since the last operation" if s.operated else "no exam on record"
    return {
        "mild": f"exam {day}: {s.mild_text}" if s.mild_text else "no exam shows it",
        "no_mild": no_mild,
    }


@_fact(
    "mild_myelopathy",
    "mild myelopathy by mJOA (or signs with a normal score), not declining (S12)",
    "mild, stable myelopathy ({mild})",
    "{no_mild}",
    detail=_mild_detail,
)
def _mild_myelopathy(f: Facts, _: Action) -> bool:
    return f.state.surgical.mild_myelopathy


@_fact(
    "consulted",
    "a surgical consultation since the last operation (S13)",
    "surgical consultation on record",
    "no surgical consultation{since}",
    detail=lambda f, _: {"since": " since the last operation" if f.state.surgical.operated else ""},
)
def _consulted(f: Facts, _: Action) -> bool:
    return f.state.surgical.consulted


@_fact(
    "advanced_pt_tried",
    "a course of advanced physical therapy (S9)",
    "advanced physical therapy tried",
    "no advanced physical therapy yet",
)
def _advanced_pt_tried(f: Facts, _: Action) -> bool:
    return f.state.care.advanced_pt_tried


@_fact(
    "advanced_pt_since_failure",
    "advanced physical therapy since the CESI failed (S9)",
    "advanced physical therapy since the CESI failed",
    "no advanced physical therapy since the CESI failed",
)
def _advanced_pt_since_failure(f: Facts, _: Action) -> bool:
    return ADVANCED_PT in f.state.since_failure.done


@_fact(
    "medication_tried",
    "a trial of gabapentin or pregabalin (S8)",
    "nerve-stabilising medication tried",
    "no nerve-stabilising medication tried",
)
def _medication_tried(f: Facts, _: Action) -> bool:
    return bool(f.state.medication.tried)


@_fact(
    "targeted_care_failed",
    "a targeted treatment was tried and failed (S11)",
    "targeted treatment failed ({failed})",
    "no failed targeted treatment on record",
    detail=lambda f, _: {"failed": "; ".join(t for _, t in f.state.outcomes.failed) or "none"},
)
def _targeted_care_failed(f: Facts, _: Action) -> bool:
    return f.state.outcomes.targeted_failed


@_fact(
    "blocks_failed",
    "RFA or the other blocks failed to give lasting relief (S10)",
    "blocks failed ({failed})",
    "no failed RFA or therapeutic block on record",
    detail=lambda f, _: {
        "failed": "; ".join(t for _, t in f.state.outcomes.failed_blocks) or "none"
    },
)
def _blocks_failed(f: Facts, _: Action) -> bool:
    return f.state.outcomes.blocks_failed


@_fact(
    "debilitating_pain",
    "pain that significantly affects quality of life, as measured (S11)",
    "debilitating pain ({why})",
    "{why}",
    detail=lambda f, _: {"why": _debilitating_why(f)},
)
def _debilitating_pain(f: Facts, _: Action) -> bool:
    return f.state.presentation.debilitating is True


def _debilitating_why(f: Facts) -> str:
    """The measure the verdict came from, against the profile's figure; missing said so."""
    s = f.state.presentation.symptoms
    p = f.profile
    if s is None:
        return "whether pain is debilitating is not known: no symptoms recorded"
    verdict = f.state.presentation.debilitating
    if s.quality_of_life is not None:
        measured = f"quality-of-life impact {s.quality_of_life}"
    elif s.ndi is not None:
        measured = (
            f"NDI {s.ndi.percent:.0f}% (debilitating from {p.debilitating_ndi_percent.value:g}%)"
        )
    else:
        pain = (
            f"worse of arm and neck pain NRS {s.worst_pain} "
            f"(debilitating from {p.debilitating_pain_nrs.value})"
        )
        if verdict is None:
            return (
                f"whether pain is debilitating is not known: {pain}; quality-of-life impact "
                "and NDI not recorded"
            )
        measured = pain
    return measured if verdict else f"pain not debilitating: {measured}"


@_fact(
    "payer_arm_pain_criterion",
    "arm pain at least the profile's floor for an operation (a payer criterion)",
    "{why}",
    "{why}",
    detail=lambda f, _: {"why": _arm_pain_why(f)},
)
def _payer_arm_pain_criterion(f: Facts, _: Action) -> bool:
    floor = f.profile.surgery_min_arm_pain.value
    return floor is None or (
        f.state.presentation.arm_pain_at_floor and _conservative_care_long_enough(f, _NO_TARGET)
    )


def _arm_pain_why(f: Facts) -> str:
    floor = f.profile.surgery_min_arm_pain.value
    if floor is None:
        return "this profile sets no arm-pain floor for an operation"
    weeks = f.profile.surgery_conservative_care_days.value // 7
    since = _symptom_days(f)
    symptoms = f.state.presentation.symptoms
    if symptoms is None:
        return f"arm pain not recorded (this profile needs NRS >={floor} for {weeks} weeks)"
    return (
        f"arm pain NRS {symptoms.arm_pain}, {since} "
        f"(this profile needs NRS >={floor} for {weeks} weeks)"
    )


@_fact(
    "conservative_care_long_enough",
    "symptoms for at least the profile's conservative period",
    "{symptoms} (at least {needed} days)",
    "{only} (need {needed} days)",
    detail=lambda f, _: {
        "symptoms": _symptom_days(f),
        "only": _symptom_days(f, only=True),
        "needed": f.profile.surgery_conservative_care_days.value,
    },
)
def _conservative_care_long_enough(f: Facts, _: Action) -> bool:
    days = f.days_since(f.state.onset)
    return days is not None and days >= f.profile.surgery_conservative_care_days.value


@_fact(
    "no_active_infection",
    "no active infection (needle procedures and surgery)",
    "no active infection recorded",
    "active infection",
)
def _no_active_infection(f: Facts, _: Action) -> bool:
    return not f.state.safety.infection


# -- procedure safety (SF1-SF7) ------------------------------------------------------------


def procedure_of(a: Action) -> str:
    """The key of an action in the profile's procedure tables: its kind's value, or
    ``ct_myelography`` for imaging by CT myelography (a dural puncture)."""
    if a.kind is ActionKind.IMAGING and a.modality is Modality.CT_MYELOGRAPHY:
        return CT_MYELOGRAPHY
    return a.kind.value


def _article(risk: BleedingRisk) -> str:
    return "an" if risk is BleedingRisk.INTERMEDIATE else "a"


def bleeding_class(f: Facts, a: Action) -> tuple[BleedingRisk, str] | None:
    """SF1: the bleeding-risk class of an action once the patient's bleeding factors move it
    up, and the class in words (``an intermediate-risk procedure (low-risk, moved up a class
    for low platelets)``); None for an action that is no procedure."""
    base = f.profile.bleeding_class(procedure_of(a))
    if base is None:
        return None
    factors = f.state.safety.bleeding_factors
    risk = base.up() if factors else base
    words = f"{_article(risk)} {risk}-risk procedure"
    if factors and base is not risk:
        words += f" ({base}-risk, moved up a class for {' and '.join(factors)})"
    elif factors:
        words += f" (bleeding factors: {' and '.join(factors)})"
    return risk, words


def bleeding_conflicts(f: Facts, a: Action) -> tuple[list[str], list[str]]:
    """SF1: what must still be held (or planned) before the action, and what is fine, each
    naming the drug, the date, the interval and the class."""
    found = bleeding_class(f, a)
    if found is None:
        return [], []
    risk, words = found
    drugs = f.state.antithrombotics
    conflicts: list[str] = []
    fine: list[str] = []
    for drug, status in drugs.status:
        needed = f.profile.hold_days(drug, risk)
        since = drugs.since_of(drug).isoformat()
        if status is DrugStatus.TAKING:
            if needed:
                conflicts.append(f"{drug.label} taken {since}; hold {needed} days before {words}")
            else:
                fine.append(f"{drug.label} taken {since} may continue for {words}")
            continue
        held = f.days_since(drugs.since_of(drug)) or 0
        if needed and held < needed:
            conflicts.append(
                f"{drug.label} {status} since {since}, {held} days by {f.as_of.isoformat()}; "
                f"hold {needed} days before {words}"
            )
        else:
            need = f", at least the {needed} days" if needed else ""
            fine.append(f"{drug.label} {status} since {since} ({held} days{need})")
    safety = f.state.safety
    if (
        safety.anticoagulated
        and not drugs.anticoagulant_named
        and risk >= BleedingRisk.INTERMEDIATE
    ):
        conflicts.append(
            "anticoagulated (health factors) with no anticoagulant named: record the drug and "
            f"a hold of its interval before {words}"
        )
    if safety.bleeding_disorder and risk >= BleedingRisk.INTERMEDIATE:
        conflicts.append(
            f"a bleeding disorder is recorded: {words} needs a haematology plan (record it "
            "with an override)"
        )
    if not conflicts and not fine:
        fine.append(f"no anticoagulant or antiplatelet drug recorded for {words}")
    return conflicts, fine


def _class_words(f: Facts, a: Action) -> dict[str, str]:
    found = bleeding_class(f, a)
    return {"words": found[1] if found else "no procedure with a bleeding-risk class"}


def _conflict_texts(f: Facts, a: Action) -> dict[str, str]:
    conflicts, fine = bleeding_conflicts(f, a)
    words = _class_words(f, a)["words"]
    return {
        "conflicts": "; ".join(conflicts) or f"nothing to hold before {words}",
        "fine": "; ".join(fine) or f"nothing to hold before {words}",
    }


@_fact(
    "bleeding_risk_procedure",
    "the action is a procedure with a bleeding-risk class in the profile (SF1)",
    "{action}: {words}",
    "{action}: no bleeding-risk class in this profile",
    detail=_class_words,
    target=True,
)
def _bleeding_risk_procedure(f: Facts, a: Action) -> bool:
    return f.profile.bleeding_class(procedure_of(a)) is not None


@_fact(
    "bleeding_risk_managed",
    "no anticoagulant or antiplatelet drug that must be held before the procedure's "
    "bleeding-risk class (moved up a class by bleeding factors) is active without a hold of "
    "its interval, no unnamed anticoagulant and no bleeding disorder before an intermediate- "
    "or high-risk procedure (SF1)",
    "{fine}",
    "{conflicts}",
    detail=lambda f, a: _conflict_texts(f, a),
    target=True,
)
def _bleeding_risk_managed(f: Facts, a: Action) -> bool:
    return not bleeding_conflicts(f, a)[0]


def _screen_detail(f: Facts, _: Action) -> dict[str, str]:
    s = f.state.screening
    items = ", ".join(i.replace("_", " ") for i in s.items)
    when = s.screened_on.isoformat() if s.screened_on else "never"
    if s.positive:
        ordered = "; imaging ordered, results awaited" if s.ordered else ""
        state = f"positive serious-pathology screen {when} ({items}){ordered}"
    elif not s.screened:
        state = "no serious-pathology screen recorded"
    else:
        state = f"no positive serious-pathology screen awaiting a work-up ({s.answered})"
    return {"screen": state}


@_fact(
    "serious_pathology_unanswered",
    "a positive screen for serious spinal pathology (cancer history, unexplained weight loss, "
    "fever, IV drug use, immunosuppression, recent significant trauma, night pain) not yet "
    "answered by cross-sectional imaging, an urgent consultation or a negative re-screen (SF2)",
    "{screen}: an urgent work-up comes first",
    "{screen}",
    detail=_screen_detail,
)
def _serious_pathology_unanswered(f: Facts, _: Action) -> bool:
    return f.state.screening.positive


@_fact(
    "workup_ordered",
    "cross-sectional imaging ordered since the positive serious-pathology screen (SF2)",
    "work-up imaging ordered, results awaited",
    "no work-up imaging ordered yet",
)
def _workup_ordered(f: Facts, _: Action) -> bool:
    return f.state.screening.ordered


@_fact(
    "needs_contrast",
    "the procedure uses iodinated contrast (the profile's list) (SF3)",
    "{action} uses contrast",
    "{action} needs no contrast",
    target=True,
)
def _needs_contrast(f: Facts, a: Action) -> bool:
    return procedure_of(a) in f.profile.contrast_procedures.value


@_fact(
    "contrast_safe",
    "no contrast allergy, or a plan for it recorded (premedication or a contrast-free "
    "technique) (SF3)",
    "{why}",
    "contrast allergy recorded with no plan (record premedication or a contrast-free "
    "technique in the health factors)",
    detail=lambda f, _: {
        "why": "contrast allergy with a recorded plan"
        if f.state.safety.contrast_allergy
        else "no contrast allergy recorded"
    },
)
def _contrast_safe(f: Facts, _: Action) -> bool:
    safety = f.state.safety
    return not safety.contrast_allergy or safety.contrast_plan


def _glucose_detail(f: Facts, _: Action) -> dict[str, str]:
    s, p = f.state.steroids, f.profile
    parts: list[str] = []
    for name, result, limit, unit in (
        ("HbA1c", s.hba1c, p.steroid_hba1c_max.value, "%"),
        ("glucose", s.glucose, p.steroid_glucose_max.value, " mg/dL"),
    ):
        if result is None:
            parts.append(f"no {name} recorded")
            continue
        value, day = result
        shown = "no limit" if limit is None else f"limit {limit:g}{unit}"
        parts.append(f"{name} {value:g}{unit} on {day.isoformat()} ({shown})")
    return {"results": "; ".join(parts)}


@_fact(
    "glucose_controlled",
    "the latest recorded HbA1c and blood glucose are not above the profile's limits for a "
    "steroid injection (SF4)",
    "{results}",
    "{results}: above the limit for a steroid injection",
    detail=_glucose_detail,
)
def _glucose_controlled(f: Facts, _: Action) -> bool:
    s = f.state.steroids
    return not s.hba1c_high and not s.glucose_high


def _decided_on(f: Facts, a: Action) -> str:
    day = _lookup_pair(f.state.decisions.on, a.kind)
    return day.isoformat() if day is not None else "no date"


def _lookup_pair(pairs: tuple[tuple[Any, Any], ...], key: Any) -> Any:
    return next((v for k, v in pairs if k == key), None)


@_fact(
    "declined",
    "the patient, informed, declined this option (recorded shared decision) (SF5)",
    "the patient declined {kind} on {on}; it stays allowed if they change their mind",
    "not declined",
    detail=lambda f, a: {"kind": a.kind.label, "on": _decided_on(f, a)},
    target=True,
)
def _declined(f: Facts, a: Action) -> bool:
    return a.kind in f.state.decisions.declined


@_fact(
    "consent_required_for",
    "the profile requires recorded consent for this kind of procedure (SF5)",
    "the profile requires recorded consent for {kind}",
    "no recorded consent required",
    detail=lambda _, a: {"kind": a.kind.label},
    target=True,
)
def _consent_required_for(f: Facts, a: Action) -> bool:
    return a.kind.value in f.profile.consent_required.value


@_fact(
    "consented",
    "the patient, informed, consented to this option (recorded shared decision) (SF5)",
    "consent to {kind} recorded on {on}",
    "no consent to {kind} recorded",
    detail=lambda f, a: {"kind": a.kind.label, "on": _decided_on(f, a)},
    target=True,
)
def _consented(f: Facts, a: Action) -> bool:
    return a.kind in f.state.decisions.consented


@_fact(
    "surgery_declined",
    "the patient declined surgery (ACDF and foraminotomy) after a surgical consultation (SF5)",
    "the patient declined surgery on {on} after a surgical consultation",
    "surgery not declined",
    detail=lambda f, _: {"on": _surgery_declined_on(f)},
)
def _surgery_declined(f: Facts, _: Action) -> bool:
    declined = f.state.decisions.declined
    return f.state.surgical.ever_consulted and declined >= _SURGERY


_SURGERY = frozenset({ActionKind.ACDF, ActionKind.LAMINOFORAMINOTOMY})


def _surgery_declined_on(f: Facts) -> str:
    days = [d for k, d in f.state.decisions.on if k in _SURGERY]
    return max(days).isoformat() if days else "no date"


def _psychology_why(f: Facts) -> str:
    d = f.state.decisions
    if d.psychology is None or d.psychology_on is None:
        if f.profile.scs_psychological_evaluation.value:
            return (
                "no psychological evaluation recorded (this profile needs one before an SCS trial)"
            )
        return "no psychological evaluation recorded (this profile does not require one)"
    found = "suitable" if d.psychology else "not suitable"
    return f"psychological evaluation {d.psychology_on.isoformat()}: {found} for stimulation"


@_fact(
    "psychological_evaluation_ok",
    "no psychological evaluation found the patient unsuitable for stimulation, and one that "
    "found them suitable is recorded where the profile requires it (SF6)",
    "{why}",
    "{why}",
    detail=lambda f, _: {"why": _psychology_why(f)},
)
def _psychological_evaluation_ok(f: Facts, _: Action) -> bool:
    psychology = f.state.decisions.psychology
    if psychology is None:
        return not f.profile.scs_psychological_evaluation.value
    return psychology


def _steroid_total(f: Facts) -> tuple[float, int]:
    s = f.state.steroids
    total = sum(
        mg for mg, day in zip(s.doses, s.dosed_on, strict=True) if (f.as_of - day).days < YEAR_DAYS
    )
    return total, f.within(s.undosed, YEAR_DAYS)


def _steroid_detail(f: Facts, _: Action) -> dict[str, str]:
    total, undosed = _steroid_total(f)
    limit = f.profile.steroid_max_per_12_months.value
    shown = "no limit in this profile" if limit is None else f"limit {limit:g} mg"
    missing = f"; {undosed} injection(s) with no dose recorded not counted" if undosed else ""
    return {
        "total": f"{total:.0f} mg methylprednisolone-equivalent in the 12 months to "
        f"{f.as_of.isoformat()} ({shown}){missing}"
    }


@_fact(
    "steroid_within_limit",
    "corticosteroid injected in the rolling 12 months (methylprednisolone-equivalent mg) is "
    "below the profile's limit, when it sets one (SF7)",
    "{total}",
    "{total}: the limit is reached",
    detail=_steroid_detail,
)
def _steroid_within_limit(f: Facts, _: Action) -> bool:
    limit = f.profile.steroid_max_per_12_months.value
    return limit is None or _steroid_total(f)[0] < limit


@_fact(
    "not_pregnant",
    "not pregnant (fluoroscopy and elective surgery)",
    "no pregnancy recorded",
    "pregnant",
)
def _not_pregnant(f: Facts, _: Action) -> bool:
    return not f.state.safety.pregnant


@_fact(
    "fit_for_surgery",
    "ASA class IV or better, or not recorded",
    "fit for surgery (ASA {asa})",
    "not fit for surgery (ASA {asa})",
    detail=lambda f, _: {"asa": _asa(f.state.safety.health)},
)
def _fit_for_surgery(f: Facts, _: Action) -> bool:
    return f.state.safety.fit_for_surgery


def _asa(health: HealthFactors) -> str:
    return health.asa_class.name if health.asa_class else "not recorded"


@_fact(
    "epidural_frequency_ok",
    "epidural injections within the profile's rolling limits",
    "{n12} in 12 months (limit {max12}){six}",
    "{n12} in 12 months (limit {max12}){six}: limit reached",
    detail=lambda f, _: _epidural_detail(f),
)
def _epidural_frequency_ok(f: Facts, _: Action) -> bool:
    p = f.profile
    if f.epidurals_within(YEAR_DAYS) >= p.epidural_max_per_12_months.value:
        return False
    six = p.epidural_max_per_6_months.value
    return six is None or f.epidurals_within(HALF_YEAR_DAYS) < six


def _epidural_detail(f: Facts) -> dict[str, Any]:
    p = f.profile
    six = p.epidural_max_per_6_months.value
    within_six = f.epidurals_within(HALF_YEAR_DAYS)
    extra = "" if six is None else f", {within_six} in 6 months (limit {six})"
    n12 = f.epidurals_within(YEAR_DAYS)
    blocks = f.within(f.state.cesi.counted_blocks, YEAR_DAYS)
    counted = f" ({blocks} of them SNRBs with steroid)" if blocks else ""
    return {
        "n12": f"{n12} epidural injection{'' if n12 == 1 else 's'}{counted}",
        "max12": p.epidural_max_per_12_months.value,
        "six": extra,
    }


def _last_epidural(f: Facts) -> int | None:
    dates = f.state.cesi.dates
    return f.days_since(dates[-1] if dates else None)


def _since_epidural(f: Facts) -> str:
    dates = f.state.cesi.dates
    if not dates:
        return "no epidural injection on record"
    return f"{_last_epidural(f)} days since the last epidural injection on {dates[-1].isoformat()}"


def _days_needed(f: Facts) -> int:
    needed: int = f.profile.epidural_min_interval_days.value
    return needed


@_fact(
    "epidural_interval_ok",
    "the profile's minimum interval since the last epidural injection",
    "{since} (minimum {needed} days)",
    "only {since} (minimum {needed} days)",
    detail=lambda f, _: {"since": _since_epidural(f), "needed": _days_needed(f)},
)
def _epidural_interval_ok(f: Facts, _: Action) -> bool:
    days = _last_epidural(f)
    return days is None or days >= f.profile.epidural_min_interval_days.value


@_fact(
    "scs_trial_successful",
    "a spinal cord stimulator trial met the profile's success threshold",
    "successful stimulator trial",
    "no successful stimulator trial ({why})",
    detail=lambda f, _: {"why": _scs_why(f)},
)
def _scs_trial_successful(f: Facts, _: Action) -> bool:
    return f.state.care.scs_trial_ok


def _scs_why(f: Facts) -> str:
    care = f.state.care
    if not care.scs_trial:
        return "no trial"
    outcome = care.scs_trial_outcome
    if outcome is None:
        return "trial outcome not reported"
    return f"{_pct(outcome.relief)} relief, needs {f.profile.scs_trial_success.value}%"


@_fact(
    "scs_trial_done",
    "a spinal cord stimulator trial is on record",
    "stimulator trial done",
    "no stimulator trial yet",
)
def _scs_trial_done(f: Facts, _: Action) -> bool:
    return f.state.care.scs_trial


@_fact(
    "scs_implanted",
    "a permanent spinal cord stimulator is in place",
    "stimulator already implanted",
    "no stimulator implanted",
)
def _scs_implanted(f: Facts, _: Action) -> bool:
    return f.state.care.scs_implanted


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
def _root_candidate(f: Facts, a: Action) -> bool:
    return a.nerve is not None and a.nerve in f.candidate_nerves


def _candidate_detail(f: Facts, a: Action) -> dict[str, str]:
    symptomatic = a.nerve in f.state.presentation.symptomatic_nerves
    imaged = a.nerve in f.state.imaging.implicated_nerves
    return {
        "match": " and the symptoms" if symptomatic else "",
        "why": "the symptoms (other compressed roots match them)" if imaged else "imaging",
    }


@_fact(
    "snrb_done",
    "a selective nerve root block at the target root",
    "{target} already blocked{history}",
    "{target} not yet blocked",
    detail=lambda f, a: {"history": _paren(_history(f.state.snrb.results, (a.nerve,)))},
    target=True,
)
def _snrb_done(f: Facts, a: Action) -> bool:
    return a.nerve is not None and a.nerve in f.state.snrb.done


@_fact(
    "no_recent_steroid_at_root",
    "no steroid injected at the target root within the profile's days before a diagnostic "
    "block there (S3)",
    "{why}",
    "{why}",
    detail=lambda f, a: {"why": _steroid_why(f, a)},
    target=True,
)
def _no_recent_steroid_at_root(f: Facts, a: Action) -> bool:
    days = f.days_since(f.state.cesi.steroid_at(a.nerve))
    return days is None or days >= f.profile.snrb_after_steroid_days.value


def _steroid_why(f: Facts, a: Action) -> str:
    wait = f.profile.snrb_after_steroid_days.value
    day = f.state.cesi.steroid_at(a.nerve)
    if day is None:
        return f"no steroid injected at {a.nerve} on record"
    days = f.days_since(day)
    if days is not None and days < wait:
        return (
            f"steroid injected at {a.nerve} on {day.isoformat()}, {days} days ago (this profile "
            f"waits {wait} days before a diagnostic block there)"
        )
    return f"last steroid at {a.nerve} on {day.isoformat()}, {days} days ago (at least {wait})"


@_fact(
    "snrb_positive",
    "a positive selective nerve root block confirms the root (S3, S5)",
    "positive SNRB confirms {nerve} ({history})",
    "no positive SNRB at {nerve} ({history})",
    detail=lambda f, a: {
        "nerve": a.nerve or a.target,
        "history": _history(f.state.snrb.results, (a.nerve,))
        or f"positive is {f.profile.snrb_positive_relief.value}% concordant relief",
    },
    target=True,
)
def _snrb_positive(f: Facts, a: Action) -> bool:
    return a.nerve is not None and a.nerve in f.state.snrb.positive


def _cesi_target(a: Action) -> tuple[Any, Segment, Side] | None:
    if len(a.segments) != 1 or a.side is None:
        return None
    return (a.approach, a.segments[0], a.side)


@_fact(
    "cesi_repeat",
    "an epidural injection at the same target as an earlier one (S0)",
    "repeats an earlier injection at {target}",
    "not a repeat of an earlier injection",
    target=True,
)
def _cesi_repeat(f: Facts, a: Action) -> bool:
    return _cesi_target(a) in f.state.cesi.targets


@_fact(
    "repeat_relief_ok",
    "a repeat injection follows one that gave the profile's relief (S0)",
    "{why}",
    "{why}",
    detail=lambda f, a: {"why": _repeat_why(f, a)},
    target=True,
)
def _repeat_relief_ok(f: Facts, a: Action) -> bool:
    target = _cesi_target(a)
    return target not in f.state.cesi.targets or target in f.state.cesi.repeat_ok


def _repeat_why(f: Facts, a: Action) -> str:
    target = _cesi_target(a)
    threshold = f.profile.repeat_cesi_requires_prior_relief.value
    if target not in f.state.cesi.targets:
        return "first injection at this target"
    relief = next((r for t, _, r in f.state.cesi.last_at if t == target), None)
    shown = _pct(relief) if relief is not None else "unreported"
    return f"the previous injection at {a.target} gave {shown} relief (a repeat needs {threshold}%)"


@_fact(
    "targeted_injection_done",
    "a transforaminal injection already given at the confirmed root",
    "already injected at {target} since the root was confirmed",
    "not yet injected at {target} since the root was confirmed",
    target=True,
)
def _targeted_injection_done(f: Facts, a: Action) -> bool:
    return a.nerve is not None and a.nerve in f.state.cesi.after_snrb


@_fact(
    "facet_arthropathy_at",
    "imaging shows facet arthropathy at every joint of the target",
    "facet arthropathy at {target} on imaging",
    "no facet arthropathy at {target} on imaging",
    target=True,
)
def _facet_arthropathy_at(f: Facts, a: Action) -> bool:
    joints = a.joints
    return bool(joints) and all(j in f.state.imaging.facet_joints for j in joints)


@_fact(
    "mbb_positive",
    "enough positive medial branch blocks at every joint of the target (S6)",
    "positive MBB at {target} ({history}{rule})",
    "{none} at {target} ({history}{rule})",
    detail=lambda f, a: {
        "rule": _mbb_rule(f.profile),
        "history": _then(_history(f.state.mbb.results, a.joints)),
        "none": "too few positive MBBs"
        if any(f.state.mbb.positive_count(j) for j in a.joints)
        else "no positive MBB",
    },
    target=True,
)
def _mbb_positive(f: Facts, a: Action) -> bool:
    needed = f.profile.mbb_blocks_required.value
    joints = a.joints
    blocks = f.state.mbb
    return bool(joints) and all(blocks.positive_count(j) >= needed for j in joints)


def _mbb_rule(profile: Profile) -> str:
    n = profile.mbb_blocks_required.value
    blocks = "one block" if n == 1 else f"{n} comparative blocks"
    return f"this profile needs {profile.mbb_positive_relief.value}% relief on {blocks}"


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
def _mbb_first_positive(f: Facts, a: Action) -> bool:
    if a.series_position != 2:
        return True
    blocks = f.state.mbb
    return bool(a.joints) and all(blocks.positive_count(j) > 0 for j in a.joints)


@_fact(
    "mbb_negative",
    "a medial branch block at the target gave too little or discordant relief",
    "a negative MBB at {target}{history}",
    "no negative MBB at {target}",
    detail=lambda f, a: {"history": _paren(_history(f.state.mbb.results, a.joints))},
    target=True,
)
def _mbb_negative(f: Facts, a: Action) -> bool:
    return any(j in f.state.mbb.negative for j in a.joints)


@_fact(
    "facet_care_long_enough",
    "symptoms for the profile's conservative period before facet blocks",
    "{symptoms} (facet procedures need {needed} days)",
    "{only} (facet procedures need {needed} days)",
    detail=lambda f, _: {
        "symptoms": _symptom_days(f),
        "only": _symptom_days(f, only=True),
        "needed": f.profile.facet_conservative_care_days.value,
    },
)
def _facet_care_long_enough(f: Facts, _: Action) -> bool:
    days = f.days_since(f.state.onset)
    return days is None or days >= f.profile.facet_conservative_care_days.value


@_fact(
    "rfa_prior",
    "an earlier RFA at any joint of the target",
    "earlier RFA at {target}{history}",
    "no earlier RFA at {target}",
    detail=lambda f, a: {"history": _paren(_history(f.state.rfa.results, a.joints))},
    target=True,
)
def _rfa_prior(f: Facts, a: Action) -> bool:
    return any(j in f.state.rfa.joints for j in a.joints)


@_fact(
    "repeat_rfa_qualifies",
    "the earlier RFA gave enough relief for long enough (S6)",
    "earlier RFA at {target} qualifies for a repeat ({history}{rule})",
    "earlier RFA at {target} does not qualify for a repeat ({history}{rule})",
    detail=lambda f, a: {
        "rule": f"a repeat needs {f.profile.repeat_rfa_prior_relief.value}% relief for "
        f">={f.profile.repeat_rfa_prior_relief_days.value} days",
        "history": _then(_history(f.state.rfa.results, a.joints)),
    },
    target=True,
)
def _repeat_rfa_qualifies(f: Facts, a: Action) -> bool:
    joints = a.joints
    return bool(joints) and all(j in f.state.rfa.qualifying for j in joints)


@_fact(
    "rfa_interval_ok",
    "the profile's minimum interval since the last RFA at the target",
    "{since}",
    "{since}",
    detail=lambda f, a: {"since": _rfa_since(f, a)},
    target=True,
)
def _rfa_interval_ok(f: Facts, a: Action) -> bool:
    days = _days_since_rfa(f, a)
    return days is None or days >= f.profile.repeat_rfa_min_interval_days.value


def _days_since_rfa(f: Facts, a: Action) -> int | None:
    joints = a.joints
    dates = [d for j, d in f.state.rfa.last_on if j in joints]
    return f.days_since(max(dates)) if dates else None


def _rfa_since(f: Facts, a: Action) -> str:
    """How long since the last RFA at the target, dated, against the profile's minimum."""
    dates = [d for j, d in f.state.rfa.last_on if j in a.joints]
    if not dates:
        return f"no earlier RFA at {a.target}"
    last = max(dates)
    days = (f.as_of - last).days
    needed = f.profile.repeat_rfa_min_interval_days.value
    only = "only " if days < needed else ""
    return (
        f"{only}{days} days since the last RFA at {a.target} (RFA {last.isoformat()}; "
        f"minimum {needed} days)"
    )


@_fact(
    "rfa_frequency_ok",
    "RFAs within the profile's limit per rolling 12 months",
    "{n} RFA sessions in 12 months (limit {limit})",
    "{n} RFA sessions in 12 months (limit {limit}): limit reached",
    detail=lambda f, _: {
        "n": f.within(f.state.rfa.dates, YEAR_DAYS),
        "limit": f.profile.rfa_max_per_12_months.value or "none in this profile",
    },
    target=True,
)
def _rfa_frequency_ok(f: Facts, _: Action) -> bool:
    limit = f.profile.rfa_max_per_12_months.value
    return limit is None or f.within(f.state.rfa.dates, YEAR_DAYS) < limit


@_fact(
    "occipital_pain_on_side",
    "head pain on the side of the block (S7)",
    "occipital pain on the {target} side",
    "no occipital pain on the {target} side",
    target=True,
)
def _occipital_pain_on_side(f: Facts, a: Action) -> bool:
    p = f.state.presentation
    if p.headache is HeadachePattern.NONE or a.side is None:
        return False
    painful = p.headache_side or Side.BILATERAL
    return painful.covers(a.side)


@_fact(
    "gon_block_worked_before",
    "an earlier GON block on this side met the response threshold",
    "an earlier {target} GON block worked{history}",
    "no earlier {target} GON block that worked",
    detail=lambda f, a: {"history": _gon_history(f, a)},
    target=True,
)
def _gon_block_worked_before(f: Facts, a: Action) -> bool:
    return _covers(f.state.gon.worked, a.side)


@_fact(
    "gon_block_done",
    "a GON block on this side is on record (a block that did not work is remembered)",
    "{target} GON block already given{history}",
    "no {target} GON block on record",
    detail=lambda f, a: {"history": _gon_history(f, a)},
    target=True,
)
def _gon_block_done(f: Facts, a: Action) -> bool:
    return _covers(f.state.gon.done, a.side)


@_fact(
    "gon_frequency_ok",
    "GON blocks on this side within the profile's limit per rolling 12 months (S7)",
    "{n} {target} GON blocks in 12 months (limit {limit})",
    "{n} {target} GON blocks in 12 months (limit {limit}): limit reached",
    detail=lambda f, a: {
        "n": _gon_within_year(f, a),
        "limit": f.profile.gon_max_per_12_months.value or "none in this profile",
    },
    target=True,
)
def _gon_frequency_ok(f: Facts, a: Action) -> bool:
    limit = f.profile.gon_max_per_12_months.value
    return limit is None or _gon_within_year(f, a) < limit


def _gon_within_year(f: Facts, a: Action) -> int:
    """The most blocks on one side of the target in the last 12 months (a bilateral block
    counts on both sides)."""
    if a.side is None:
        return 0
    gon = f.state.gon
    return max((f.within(gon.dates_on(s), YEAR_DAYS) for s in a.side.lateral), default=0)


def _gon_history(f: Facts, a: Action) -> str:
    side = a.side
    keys = tuple(s for s, _ in f.state.gon.results if side is not None and s.covers(side))
    return _paren(_history(f.state.gon.results, keys))


def _ongoing(f: Facts, drug: Any) -> bool:
    m = f.state.medication
    if drug in m.open_ended:
        return True
    stop = m.stop(drug)
    return stop is not None and f.in_force(stop)


def default_gabapentinoid(tried: Iterable[Medication]) -> Medication:
    """The drug a gabapentinoid trial that names none starts (S8: either drug is the same
    choice): gabapentin, unless it was tried and pregabalin not."""
    done = set(tried)
    if Medication.GABAPENTIN in done and Medication.PREGABALIN not in done:
        return Medication.PREGABALIN
    return Medication.GABAPENTIN


def _drug(f: Facts, a: Action) -> Medication:
    """The drug of a medication action: the one it names, else the one it would start."""
    return a.drug or default_gabapentinoid(f.state.medication.tried)


@_fact(
    "medication_ongoing",
    "a trial of this drug is under way",
    "{drug} already under way",
    "no {drug} under way",
    detail=lambda f, a: {"drug": _drug(f, a)},
    target=True,
)
def _medication_ongoing(f: Facts, a: Action) -> bool:
    drug = _drug(f, a)
    return drug in f.state.medication.tried and _ongoing(f, drug)


@_fact(
    "other_gabapentinoid_ongoing",
    "another gabapentinoid is under way (they are not combined)",
    "{others} under way (gabapentinoids are not combined)",
    "no other gabapentinoid under way",
    detail=lambda f, a: {
        "others": " and ".join(
            str(d)
            for d in sorted(f.state.medication.tried)
            if d is not _drug(f, a) and _ongoing(f, d)
        )
        or "another gabapentinoid",
    },
    target=True,
)
def _other_gabapentinoid_ongoing(f: Facts, a: Action) -> bool:
    drug = _drug(f, a)
    return any(d is not drug and _ongoing(f, d) for d in f.state.medication.tried)


@_fact(
    "medication_tried_before",
    "this drug was tried before",
    "{drug} tried before",
    "{drug} not tried before",
    detail=lambda f, a: {"drug": _drug(f, a)},
    target=True,
)
def _medication_tried_before(f: Facts, a: Action) -> bool:
    return _drug(f, a) in f.state.medication.tried


@_fact(
    "imaging_correlates",
    "imaging shows a lesion at every level of the target that matches the symptoms (S13)",
    "imaging correlates at {target} ({why})",
    "imaging does not correlate at {target} ({why})",
    detail=lambda f, a: {"why": _correlation_why(f, a)},
    target=True,
)
def _imaging_correlates(f: Facts, a: Action) -> bool:
    levels = _correlating(f, a)
    return bool(levels) and all(levels.values())


def _correlating(f: Facts, a: Action) -> dict[Segment, list[str]]:
    """For each level of the target, why its lesion matches the symptoms (empty: it does not).

    Every level operated on must correlate (S13): a two-level fusion is not justified by one
    symptomatic level.
    """
    symptomatic = f.state.presentation.symptomatic_nerves
    imaging = f.state.imaging
    myelopathic = f.state.surgical.myelopathic
    sides = (a.foramen.side,) if a.foramen is not None else sorted(LATERAL_SIDES)
    levels: dict[Segment, list[str]] = {}
    graded = f.profile.surgery_graded_compression.value
    for segment in a.segments:
        reasons = levels[segment] = []
        for side in sides:
            foramen = Foramen(segment, side)
            if foramen in imaging.foraminal_lesions and foramen.nerve in symptomatic:
                if graded and foramen in imaging.mild_foramina:
                    continue  # a payer asks for moderate or severe stenosis (or a herniation)
                reasons.append(f"{foramen} compresses symptomatic {foramen.nerve}")
        if a.foramen is None and segment in imaging.cord_compression_segments and myelopathic:
            reasons.append(f"cord compression at {segment} with myelopathy")
    return levels


def _correlation_why(f: Facts, a: Action) -> str:
    levels = _correlating(f, a)
    reasons = [reason for found in levels.values() for reason in found]
    missing = ", ".join(str(segment) for segment, found in levels.items() if not found)
    if not missing:
        return "; ".join(reasons)
    if not f.state.imaging.has_findings:
        return "no imaging findings"
    mild = ""
    if f.profile.surgery_graded_compression.value:
        found = sorted(
            str(foramen)
            for foramen in f.state.imaging.mild_foramina
            if foramen.segment in a.segments
            and foramen.nerve in f.state.presentation.symptomatic_nerves
        )
        if found:
            mild = (
                f"; only mild stenosis at {', '.join(found)} (this profile needs a herniation or "
                "stenosis graded moderate or severe)"
            )
    if reasons:
        return f"no lesion at {missing} matches the symptoms{mild}"
    return f"no lesion at the target matches the symptoms{mild}"


@_fact(
    "compression_correlates",
    "radicular pain with a compressed symptomatic root, or myelopathy with cord compression, "
    "on imaging (S10, S13)",
    "a compressive lesion correlates with the symptoms ({why})",
    "no compressive lesion correlating with the symptoms on record",
    detail=lambda f, _: {"why": ", ".join(_compressions(f)) or "none"},
)
def _compression_correlates(f: Facts, _: Action) -> bool:
    return bool(_compressions(f))


def _compressions(f: Facts) -> list[str]:
    p, imaging, s = f.state.presentation, f.state.imaging, f.state.surgical
    found = [
        f"{n} compressed and symptomatic"
        for n in imaging.implicated_nerves
        if p.radicular and n in p.symptomatic_nerves
    ]
    if s.myelopathic and imaging.cord_compression_segments:
        cord = ", ".join(str(x) for x in sorted(imaging.cord_compression_segments))
        found.append(f"cord compression at {cord} with myelopathy")
    return found


@_fact(
    "surgery_considered",
    "surgery considered before a stimulator: no correlating compressive lesion, a surgeon "
    "consulted, an operation done, or not fit for surgery (S10)",
    "surgery considered ({why})",
    "surgery not yet considered ({why})",
    detail=lambda f, _: {"why": _considered_why(f)},
)
def _surgery_considered(f: Facts, _: Action) -> bool:
    s = f.state.surgical
    return (
        not _compressions(f) or s.ever_consulted or s.operated or not f.state.safety.fit_for_surgery
    )


def _considered_why(f: Facts) -> str:
    s = f.state.surgical
    if s.ever_consulted and f.state.decisions.declined >= _SURGERY:
        on = _surgery_declined_on(f)
        return f"a surgeon has been consulted; the patient declined surgery on {on}"
    if s.ever_consulted:
        return "a surgeon has been consulted"
    if s.operated:
        return "operated on"
    if not f.state.safety.fit_for_surgery:
        return f"not fit for surgery (ASA {_asa(f.state.safety.health)})"
    found = _compressions(f)
    if not found:
        return "no compressive lesion correlating with the symptoms on record"
    return f"{'; '.join(found)}, and no surgical opinion on record"


@_fact(
    "surgery_pending",
    "an operation is still open: a surgeon consulted on a correlating compressive lesion, "
    "surgery indicated, fit for it, and the patient has neither had nor declined it (S10, "
    "NCD 160.7)",
    "an operation is still open ({why})",
    "no operation open ({why})",
    detail=lambda f, a: {"why": _pending(f, a)[1]},
)
def _surgery_pending(f: Facts, a: Action) -> bool:
    return _pending(f, a)[0]


def _pending(f: Facts, a: Action) -> tuple[bool, str]:
    """Whether an indicated operation is still open, and why (or why not)."""
    s = f.state.surgical
    if not s.ever_consulted:
        return False, "no surgical consultation on record"
    if s.operated:
        return False, "operated on"
    found = _compressions(f)
    if not found:
        return False, "no compressive lesion correlating with the symptoms on record"
    if not f.state.safety.fit_for_surgery:
        return False, f"not fit for surgery (ASA {_asa(f.state.safety.health)})"
    if f.state.decisions.declined >= _SURGERY:
        return False, f"the patient declined surgery on {_surgery_declined_on(f)}"
    if not INDICATED_SURGERY.check(f, a):
        return False, (
            "surgery not indicated: no red flag, and targeted care not failed with debilitating "
            "pain for long enough"
        )
    return True, f"{'; '.join(found)}; a surgeon consulted; neither operated nor declined"


@_fact(
    "operates_on_confirmed_root",
    "where a selective nerve root block confirmed a root, the operation decompresses it (S3, S13)",
    "{why}",
    "{why}",
    detail=lambda f, a: {"why": _confirmed_root_why(f, a)},
    target=True,
)
def _operates_on_confirmed_root(f: Facts, a: Action) -> bool:
    confirmed = f.state.snrb.positive
    return not confirmed or any(_decompresses(a, n) for n in confirmed)


def _decompresses(a: Action, nerve: SpinalNerve) -> bool:
    """Whether an operation reaches a root: an ACDF at the segment it exits through (both
    sides), a foraminotomy at that segment on its side."""
    at = any(s.exiting_root == nerve.root for s in a.segments)
    foramen = a.foramen
    return at and (foramen is None or foramen.side.covers(nerve.side))


def _confirmed_root_why(f: Facts, a: Action) -> str:
    confirmed = sorted(f.state.snrb.positive, key=str)
    if not confirmed:
        return "no root confirmed by a selective nerve root block"
    roots = ", ".join(str(n) for n in confirmed)
    history = _history(f.state.snrb.results, tuple(confirmed))
    said = f" ({history})" if history else ""
    if any(_decompresses(a, n) for n in confirmed):
        return f"{a.target} decompresses the root a nerve root block confirmed: {roots}{said}"
    return f"{a.target} does not reach the root a nerve root block confirmed: {roots}{said}"


@_fact(
    "foraminal_lesion_at",
    "a foraminal lesion at the target foramen (S15)",
    "foraminal lesion at {target}",
    "no foraminal lesion at {target}",
    target=True,
)
def _foraminal_lesion_at(f: Facts, a: Action) -> bool:
    return a.foramen is not None and a.foramen in f.state.imaging.foraminal_lesions


@_fact(
    "cord_compression_at",
    "central cord compression at the target segment(s) (S15)",
    "central cord compression at {segments}",
    "no central cord compression at {segments}",
    detail=lambda _, a: {"segments": ", ".join(map(str, a.segments))},
    target=True,
)
def _cord_compression_at(f: Facts, a: Action) -> bool:
    return any(s in f.state.imaging.cord_compression_segments for s in a.segments)


@_fact(
    "instability_at",
    "instability or spondylolisthesis at the target segment(s) (S16)",
    "instability at {segments}",
    "no instability at {segments}",
    detail=lambda _, a: {"segments": ", ".join(map(str, a.segments))},
    target=True,
)
def _instability_at(f: Facts, a: Action) -> bool:
    return any(s in f.state.imaging.instability_segments for s in a.segments)


@_fact(
    "already_fused",
    "an ACDF already fused a segment of the target",
    "{segments} already fused",
    "no earlier fusion at {segments}",
    detail=lambda _, a: {"segments": ", ".join(map(str, a.segments))},
    target=True,
)
def _already_fused(f: Facts, a: Action) -> bool:
    return any(s in f.state.surgical.fused for s in a.segments)


@_fact(
    "transforaminal",
    "the injection is transforaminal, aimed at one root (S5)",
    "transforaminal at {target}",
    "not transforaminal",
    target=True,
)
def _transforaminal(_: Facts, a: Action) -> bool:
    return a.approach is Approach.TRANSFORAMINAL


@_fact(
    "urgent_request",
    "the consultation is requested as urgent",
    "urgent request",
    "routine request",
    target=True,
)
def _urgent_request(_: Facts, a: Action) -> bool:
    return a.urgency is Urgency.URGENT


# ======================================================================================
# Notes: what an assessment says that is not an option
# ======================================================================================

Note = Callable[[Facts], str | None]
NOTES: list[Note] = []
"""What :attr:`~spinepath.pathway.Assessment.notes` lists, each a function of the facts that
writes its note or answers None."""


def _note(note: Note) -> Note:
    NOTES.append(note)
    return note


def notes_of(facts: Facts) -> tuple[str, ...]:
    """The notes of an assessment, in :data:`NOTES` order."""
    return tuple(text for note in NOTES if (text := note(facts)) is not None)


@_note
def _cesi_too_early(f: Facts) -> str | None:
    c = f.state.cesi
    if not c.too_early or c.judge_from is None or not c.dates:
        return None
    p = f.profile
    injected = c.dates[-1]
    reported = c.reported_on or injected
    when = (
        f"it can be judged from {c.judge_from.isoformat()}"
        if f.as_of < c.judge_from
        else f"it can be judged since {c.judge_from.isoformat()}"
    )
    return (
        f"CESI {injected.isoformat()}: the outcome reported {reported.isoformat()} "
        f"({(reported - injected).days} days after it) is too early to judge; {when} "
        f"(this profile's {p.cesi_judgeable_days.value} days): record a follow-up then"
    )


@_note
def _disability_unknown(f: Facts) -> str | None:
    presentation = f.state.presentation
    if presentation.symptoms is None or presentation.debilitating is not None:
        return None
    return (
        "disability not measured: record the quality-of-life impact or an NDI (S11 cannot "
        f"judge debilitating pain from pain NRS {presentation.symptoms.worst_pain} alone)"
    )


@_note
def _diabetes_counselling(f: Facts) -> str | None:
    if not f.state.safety.diabetes:
        return None
    return (
        "diabetes recorded: counsel on glucose monitoring before a steroid injection (a "
        "corticosteroid raises blood glucose for days after it) (SF4)"
    )


@_note
def _psychological_evaluation_due(f: Facts) -> str | None:
    state = f.state
    care = state.care
    if (
        state.decisions.psychology is not None
        or f.profile.scs_psychological_evaluation.value
        or care.scs_trial
        or care.scs_implanted
        or not all(f.general[n] for n in ("blocks_failed", "surgery_considered", "radicular_pain"))
    ):  # only when a stimulator trial is in view (S10)
        return None
    return (
        "no psychological evaluation recorded: record one before a spinal cord stimulator trial "
        "(SF6; Medicare NCD 160.7 requires it, and an evaluation that finds the patient "
        "unsuitable blocks the trial)"
    )
