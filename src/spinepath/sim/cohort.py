"""Cohorts: who enters the simulation, described as a typed value and generated vectorised.

Every simulated patient enters after a failed CESI. A :class:`Cohort` says what mix of patients
a clinic sees: presentations (radicular pain from one candidate root or several, facet-mediated
neck pain, occipital headache, myelopathy), where their lesions lie, posture findings, health
factors and baseline pain. :func:`generate` draws patients from their own random streams into a
:class:`PatientTable` of numpy columns; :class:`PatientView` turns one row back into the model's
values (the patient, the intake visit with symptoms and exam, the MRI, the failed CESI and its
outcome), which is how every simulated trajectory starts as a real
:class:`~spinepath.PatientRecord`.

The default mix and every default below are illustrative assumptions, not epidemiology: set
them to describe your own clinic.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from spinepath._checks import a_date, integer, is_a, number
from spinepath.anatomy import NerveRoot, Segment, Side, SpinalNerve
from spinepath.errors import InvalidValue
from spinepath.model import (
    Approach,
    AsaClass,
    CentralStenosis,
    CervicalEpiduralSteroidInjection,
    ClinicalVisit,
    DiscHerniation,
    Event,
    FacetArthropathy,
    ForaminalStenosis,
    HeadachePattern,
    HealthFactors,
    HerniationZone,
    ImagingFinding,
    ImagingStudy,
    Modality,
    MotorFinding,
    MyelopathySigns,
    NeuroExam,
    Outcome,
    OutcomeReport,
    Patient,
    PostureAssessment,
    QualityOfLifeImpact,
    SensoryChange,
    SensoryFinding,
    Sex,
    StenosisGrade,
    Symptoms,
    Trajectory,
    VisitPurpose,
)
from spinepath.model.safety import (
    Antithrombotic,
    AntithromboticUse,
    DrugStatus,
    LabResult,
    LabTest,
    SeriousPathologyScreen,
)
from spinepath.pathway.events import Construct, checked
from spinepath.sim.distributions import normal_from_uniforms
from spinepath.sim.streams import BLOCK, COHORT_BLOCKS, patient_keys, uniforms

__all__ = [
    "DEFAULT_COHORT",
    "DRUGS",
    "ENTRY_HOLD_DAYS",
    "ENTRY_OFFSETS",
    "Cohort",
    "SAFETY_RATES",
    "ExamVariant",
    "PatientTable",
    "PatientView",
    "Presentation",
    "generate",
]

I8 = npt.NDArray[np.int8]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]


class Presentation(enum.StrEnum):
    """What brought the patient to the clinic, as the pathway distinguishes it."""

    RADICULAR_SINGLE = "radicular_single"
    RADICULAR_MULTI = "radicular_multi"
    FACET = "facet"
    OCCIPITAL = "occipital"
    MYELOPATHIC = "myelopathic"

    @property
    def radicular(self) -> bool:
        return self in (Presentation.RADICULAR_SINGLE, Presentation.RADICULAR_MULTI)


PRESENTATIONS = tuple(Presentation)
DRUGS = (
    Antithrombotic.WARFARIN,
    Antithrombotic.APIXABAN,
    Antithrombotic.RIVAROXABAN,
    Antithrombotic.CLOPIDOGREL,
    Antithrombotic.ASPIRIN,
)
"""The antithrombotic drugs a simulated patient may take (``drug`` codes index it)."""
SCREEN_ITEMS = SeriousPathologyScreen.ITEMS
SEGMENTS = tuple(Segment)
SIDES = (Side.LEFT, Side.RIGHT, Side.BILATERAL, Side.CENTRAL)
_SIDES = SIDES
QOL = tuple(QualityOfLifeImpact)
_FRACTION = number(0, 1)
_WEIGHT = number(0)


class ExamVariant(enum.IntEnum):
    """Which neurological exam a visit records: as on entry, after a new deficit, after a
    successful operation."""

    ENTRY = 0
    PROGRESSED = 1
    POST_OPERATIVE = 2


ENTRY_OFFSETS = {"imaging": -70, "intake": -63, "cesi": -42, "cesi_outcome": -14}
"""Days before entry (day 0, the first decision) of the events every simulated record starts
with: the MRI, the intake visit, the failed CESI and the report of its outcome. The screen for
serious spinal pathology and a diabetic patient's HbA1c are recorded with the outcome report;
an antithrombotic drug is on record from the intake, held :data:`ENTRY_HOLD_DAYS` before the
entry CESI and taken again on its day."""

ENTRY_HOLD_DAYS = 10
"""Days an antithrombotic drug was held before the entry CESI (longer than any simulated
drug's interval in the shipped profiles, so the entry CESI never breaks SF1)."""


def _weights(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _WEIGHT(_, attribute, value)


@attrs.frozen(kw_only=True)
class Cohort:
    """Who enters the pathway after a failed CESI; every figure is an illustrative assumption.

    The five ``*_share`` weights give the mix of presentations (normalised to sum to one).
    Probabilities are per patient; pains are NRS 0-10 means with a standard deviation.
    """

    radicular_single_share: float = attrs.field(default=0.40, validator=_weights)
    radicular_multi_share: float = attrs.field(default=0.25, validator=_weights)
    facet_share: float = attrs.field(default=0.20, validator=_weights)
    occipital_share: float = attrs.field(default=0.08, validator=_weights)
    myelopathic_share: float = attrs.field(default=0.07, validator=_weights)
    entry_date: dt.date = attrs.field(default=dt.date(2025, 1, 6), validator=a_date)
    female: float = attrs.field(default=0.5, validator=_FRACTION)
    age_mean: float = attrs.field(default=52.0, validator=number(18, 90))
    age_sd: float = attrs.field(default=11.0, validator=number(0, 30))
    symptom_days_median: int = attrs.field(default=180, validator=integer(1, 3650))
    forward_head_posture: float = attrs.field(default=0.55, validator=_FRACTION)
    thoracic_stiffness: float = attrs.field(default=0.40, validator=_FRACTION)
    diabetes: float = attrs.field(default=0.12, validator=_FRACTION)
    warfarin: float = attrs.field(default=0.015, validator=_FRACTION)
    """Share taking warfarin (each antithrombotic share: an assumption, no prevalence read;
    a patient takes at most one of the five, so the shares sum to at most one)."""
    apixaban: float = attrs.field(default=0.02, validator=_FRACTION)
    rivaroxaban: float = attrs.field(default=0.015, validator=_FRACTION)
    clopidogrel: float = attrs.field(default=0.03, validator=_FRACTION)
    aspirin: float = attrs.field(default=0.10, validator=_FRACTION)
    low_platelets: float = attrs.field(default=0.02, validator=_FRACTION)
    """Share with thrombocytopenia (a bleeding factor; an assumption, as are the next two)."""
    liver_disease: float = attrs.field(default=0.01, validator=_FRACTION)
    kidney_disease: float = attrs.field(default=0.03, validator=_FRACTION)
    contrast_allergy: float = attrs.field(default=0.03, validator=_FRACTION)
    """Share allergic to iodinated contrast (an assumption)."""
    contrast_plan: float = attrs.field(default=1.0, validator=_FRACTION)
    """Share of allergic patients with a plan on record at entry (premedication or a
    contrast-free technique; an assumption: a known allergy is planned for)."""
    hba1c_mean: float = attrs.field(default=7.5, validator=number(4, 15))
    """Mean HbA1c (%) of patients with diabetes, recorded at intake (an assumption)."""
    hba1c_sd: float = attrs.field(default=1.3, validator=number(0, 5))
    serious_pathology: float = attrs.field(default=0.01, validator=_FRACTION)
    """Share whose intake screen for serious spinal pathology is positive (one item present;
    an assumption: rare)."""
    psych_suitable: float = attrs.field(default=0.9, validator=_FRACTION)
    """Share a psychological evaluation before a stimulator trial finds suitable (an
    assumption: most are)."""
    asa_iii: float = attrs.field(default=0.15, validator=_FRACTION)
    index_pain_mean: float = attrs.field(default=7.0, validator=number(0, 10))
    index_pain_sd: float = attrs.field(default=1.3, validator=number(0, 5))
    other_pain_mean: float = attrs.field(default=3.5, validator=number(0, 10))
    other_pain_sd: float = attrs.field(default=1.5, validator=number(0, 5))
    weakness_on_entry: float = attrs.field(default=0.25, validator=_FRACTION)
    transforaminal_entry_cesi: float = attrs.field(default=0.5, validator=_FRACTION)
    radicular_levels: tuple[float, float, float] = attrs.field(
        default=(0.15, 0.45, 0.40), validator=is_a(tuple)
    )
    """Weights of C4-5, C5-6 and C6-7 for the (first) radicular lesion."""
    herniation_share: float = attrs.field(default=0.6, validator=_FRACTION)
    """Share of radicular lesions that are disc herniations (the rest foraminal stenosis)."""
    multi_bilateral_share: float = attrs.field(default=0.3, validator=_FRACTION)
    """Share of several-root patients with one level stenosed on both sides (the rest: two
    adjacent levels on one side)."""
    facet_two_levels: float = attrs.field(default=0.4, validator=_FRACTION)
    facet_bilateral: float = attrs.field(default=0.3, validator=_FRACTION)
    facet_headache: float = attrs.field(default=0.2, validator=_FRACTION)
    occipital_neuralgia_share: float = attrs.field(default=0.5, validator=_FRACTION)
    occipital_facet_share: float = attrs.field(default=0.5, validator=_FRACTION)

    def __attrs_post_init__(self) -> None:
        if self.total_share <= 0:
            raise InvalidValue("radicular_single_share", "the presentation shares sum to zero")
        levels = self.radicular_levels
        if len(levels) != 3 or any(
            isinstance(w, bool) or not isinstance(w, int | float) or w < 0 for w in levels
        ):
            raise InvalidValue("radicular_levels", "expected three non-negative weights")
        if sum(levels) <= 0:
            raise InvalidValue("radicular_levels", "the weights sum to zero")
        on_drugs = sum(self.drug_shares())
        if on_drugs > 1 + 1e-9:
            raise InvalidValue(
                "warfarin",
                f"the antithrombotic shares ({', '.join(d.value for d in DRUGS)}) sum to "
                f"{on_drugs:g}, more than 1 (a patient takes at most one)",
            )

    def drug_shares(self) -> tuple[float, ...]:
        """The share taking each of :data:`DRUGS`, in order."""
        return tuple(float(getattr(self, d.value)) for d in DRUGS)

    @property
    def total_share(self) -> float:
        return sum(self.shares().values())

    def shares(self) -> dict[Presentation, float]:
        """The presentation weights, not normalised."""
        return {
            Presentation.RADICULAR_SINGLE: self.radicular_single_share,
            Presentation.RADICULAR_MULTI: self.radicular_multi_share,
            Presentation.FACET: self.facet_share,
            Presentation.OCCIPITAL: self.occipital_share,
            Presentation.MYELOPATHIC: self.myelopathic_share,
        }

    def mix(self) -> dict[Presentation, float]:
        """The mix of presentations as probabilities."""
        total = self.total_share
        return {p: w / total for p, w in self.shares().items()}


_NO_PREVALENCE = (
    "assumption: no prevalence in patients after a failed cervical epidural was found; an "
    "illustrative figure for a middle-aged spine clinic"
)
SAFETY_RATES: dict[str, tuple[str, str]] = {
    "warfarin": ("share of patients", _NO_PREVALENCE),
    "apixaban": ("share of patients", _NO_PREVALENCE),
    "rivaroxaban": ("share of patients", _NO_PREVALENCE),
    "clopidogrel": ("share of patients", _NO_PREVALENCE),
    "aspirin": ("share of patients", _NO_PREVALENCE + " (low-dose aspirin is common past 50)"),
    "low_platelets": ("share of patients", _NO_PREVALENCE),
    "liver_disease": ("share of patients", _NO_PREVALENCE),
    "kidney_disease": ("share of patients", _NO_PREVALENCE),
    "contrast_allergy": ("share of patients", _NO_PREVALENCE),
    "contrast_plan": (
        "share of allergic patients",
        "assumption: a clinic that knows of an allergy records premedication or a "
        "contrast-free technique",
    ),
    "hba1c_mean": ("HbA1c % (patients with diabetes)", _NO_PREVALENCE),
    "hba1c_sd": ("HbA1c % (patients with diabetes)", _NO_PREVALENCE),
    "serious_pathology": (
        "share of patients",
        "assumption: a positive red-flag screen is rare; no rate in this population found",
    ),
    "psych_suitable": (
        "share evaluated before an SCS trial",
        "assumption: most patients referred for a stimulator trial are found suitable",
    ),
}
"""The unit and source of each procedure-safety rate of :class:`Cohort` (every one an
assumption, graded so on the evidence page)."""

DEFAULT_COHORT = Cohort()
"""The cohort :func:`~spinepath.sim.simulate` uses unless given one (illustrative figures)."""


@attrs.define(kw_only=True)
class PatientTable:
    """Simulated patients on entry, one numpy column per attribute (one row per patient).

    Codes: ``side`` 0 left, 1 right, 2 bilateral, 3 central; ``seg`` indexes
    :class:`~spinepath.Segment` (0 = C2-3); ``drug`` indexes :data:`DRUGS`; ``screen_item``
    indexes the serious-pathology screen's items (the one present); -1 means "none";
    ``hba1c`` is NaN without diabetes. Days are relative to entry.
    """

    index: I64
    key: npt.NDArray[np.uint64]
    presentation: I8
    sex: I8
    age: I32
    birth_offset: I32
    onset: I32
    seg: I8
    side: I8
    lesion: I8
    seg2: I8
    side2: I8
    true_nerve: I8
    facet_seg: I8
    facet_seg2: I8
    facet_side: I8
    headache: I8
    headache_side: I8
    forward_head: B
    thoracic: B
    diabetes: B
    anticoagulated: B
    drug: I8
    low_platelets: B
    liver_disease: B
    kidney_disease: B
    contrast_allergy: B
    contrast_plan: B
    hba1c: F64
    screen_item: I8
    psych_suitable: B
    asa: I8
    arm: I8
    neck: I8
    qol: I8
    grade: I8
    mjoa: I8
    signs: I8
    cord_signal: B
    cesi_approach: I8
    cesi_seg: I8
    cesi_side: I8
    cesi_relief: I8
    cesi_days: I32
    progression: F64

    def __len__(self) -> int:
        return int(self.index.shape[0])

    def take(self, rows: npt.ArrayLike) -> PatientTable:
        """The table restricted to some rows."""
        picked = np.asarray(rows)
        return PatientTable(
            **{a.name: getattr(self, a.name)[picked] for a in attrs.fields(PatientTable)}
        )

    def columns(self) -> dict[str, npt.NDArray[Any]]:
        return {a.name: getattr(self, a.name) for a in attrs.fields(PatientTable)}


def _choose(u: F64, weights: tuple[float, ...] | list[float]) -> I8:
    cum = np.cumsum(np.asarray(weights, dtype=np.float64))
    out: I8 = np.searchsorted(cum / cum[-1], u, side="right").astype(np.int8)
    return np.minimum(out, np.int8(len(weights) - 1))


def _pain(mean: float, sd: float, u1: F64, u2: F64, low: int, high: int) -> I8:
    value = np.rint(mean + sd * normal_from_uniforms(u1, u2))
    out: I8 = np.clip(value, low, high).astype(np.int8)
    return out


def _qol(pain: I8) -> I8:
    """Impact on quality of life from the index pain: >=8 debilitating, 6-7 severe, 4-5
    moderate, less mild (an assumption; S11 counts severe and debilitating)."""
    levels = np.select(
        [pain >= 8, pain >= 6, pain >= 4],
        [
            QOL.index(QualityOfLifeImpact.DEBILITATING),
            QOL.index(QualityOfLifeImpact.SEVERE),
            QOL.index(QualityOfLifeImpact.MODERATE),
        ],
        QOL.index(QualityOfLifeImpact.MILD),
    )
    out: I8 = levels.astype(np.int8)
    return out


def generate(
    cohort: Cohort, seed: int, indices: npt.ArrayLike, deficit_per_year: float = 0.0
) -> PatientTable:
    """The patients ``indices`` of a run seeded with ``seed``, each from its own stream.

    ``deficit_per_year`` is the rate at which radicular pain progresses to a motor deficit (a
    :class:`~spinepath.sim.Parameters` figure); the day it would happen is drawn here, once.
    """
    index = np.asarray(indices, dtype=np.int64)
    keys = patient_keys(seed, index)
    u = uniforms(keys[:, None], np.arange(COHORT_BLOCKS * BLOCK, dtype=np.uint64)[None, :])
    m = index.shape[0]
    mix = cohort.mix()
    presentation = _choose(u[:, 0], [mix[p] for p in PRESENTATIONS])
    pres = presentation
    radicular = pres <= 1
    multi = pres == 1
    facet = pres == 2
    occipital = pres == 3
    myelo = pres == 4
    none8 = np.full(m, -1, dtype=np.int8)

    sex = (u[:, 1] >= cohort.female).astype(np.int8)  # 0 female, 1 male
    age = np.clip(
        np.rint(cohort.age_mean + cohort.age_sd * normal_from_uniforms(u[:, 2], u[:, 3])), 18, 90
    ).astype(np.int32)
    birth_offset = np.floor(u[:, 4] * 365).astype(np.int32)
    onset = (
        -ENTRY_OFFSETS["intake"]
        + np.maximum(
            30,
            np.rint(
                cohort.symptom_days_median * np.exp(0.5 * normal_from_uniforms(u[:, 5], u[:, 6]))
            ),
        )
    ).astype(np.int32)

    # radicular lesions: a first level, the side, herniation or stenosis
    first = (_choose(u[:, 7], cohort.radicular_levels) + 2).astype(np.int8)  # C4-5 is index 2
    side = (u[:, 8] >= 0.5).astype(np.int8)
    herniation = u[:, 9] < cohort.herniation_share
    lesion = np.where(herniation, np.where(u[:, 10] < 0.6, 0, 1), 2).astype(np.int8)
    bilateral_multi = multi & (u[:, 11] < cohort.multi_bilateral_share)
    seg = np.where(radicular | myelo, first, none8).astype(np.int8)
    lesion = np.where(radicular, lesion, none8)
    lesion = np.where(bilateral_multi, np.int8(2), lesion).astype(np.int8)
    side = np.where(radicular, np.where(bilateral_multi, np.int8(2), side), none8).astype(np.int8)
    # a second level below (C6-7 at most) or, when bilateral, the same level's other side
    lower = np.minimum(first + 1, np.int8(4)).astype(np.int8)
    seg2 = np.where(multi & ~bilateral_multi, np.where(lower == first, first - 1, lower), none8)
    seg2 = seg2.astype(np.int8)
    side2 = np.where(multi & ~bilateral_multi, side, none8).astype(np.int8)
    true_nerve = np.where(multi, (u[:, 12] >= 0.5).astype(np.int8), np.where(radicular, 0, -1))
    true_nerve = true_nerve.astype(np.int8)

    # facet-mediated pain
    facet_level = _choose(u[:, 13], (0.10, 0.15, 0.25, 0.35, 0.15))  # C2-3 .. C6-7
    facet_two = facet & (u[:, 14] < cohort.facet_two_levels)
    facet_seg = np.where(facet, facet_level, none8).astype(np.int8)
    facet_seg2 = np.where(
        facet_two, np.where(facet_level >= 4, facet_level - 1, facet_level + 1), none8
    ).astype(np.int8)
    lo = np.where(facet_two, np.minimum(facet_seg, facet_seg2), facet_seg).astype(np.int8)
    hi = np.where(facet_two, np.maximum(facet_seg, facet_seg2), facet_seg2).astype(np.int8)
    facet_seg, facet_seg2 = lo, hi
    facet_side = np.where(u[:, 15] < cohort.facet_bilateral, 2, (u[:, 16] >= 0.5)).astype(np.int8)
    occ_facet = occipital & (u[:, 17] < cohort.occipital_facet_share)
    facet_seg = np.where(occ_facet, np.int8(0), facet_seg).astype(np.int8)
    facet_side = np.where(facet | occ_facet, facet_side, none8).astype(np.int8)

    headache = np.where(
        occipital,
        np.where(u[:, 18] < cohort.occipital_neuralgia_share, 1, 2),
        np.where(facet & (u[:, 19] < cohort.facet_headache), 2, 0),
    ).astype(np.int8)
    headache_side = np.where(
        headache > 0, np.where(u[:, 20] < 0.2, 2, (u[:, 21] >= 0.5)), -1
    ).astype(np.int8)

    # pains: arm is the index pain of radicular and myelopathic patients, neck of the others
    index_pain = _pain(cohort.index_pain_mean, cohort.index_pain_sd, u[:, 22], u[:, 23], 3, 10)
    other_pain = _pain(cohort.other_pain_mean, cohort.other_pain_sd, u[:, 24], u[:, 25], 0, 10)
    arm_index = radicular | myelo
    arm = np.where(arm_index, index_pain, np.minimum(other_pain, index_pain - 1)).astype(np.int8)
    neck = np.where(arm_index, other_pain, index_pain).astype(np.int8)
    arm = np.where(occipital, np.minimum(arm, 2), arm).astype(np.int8)

    grade = np.where(radicular, np.where(u[:, 26] < cohort.weakness_on_entry, 4, 5), -1)
    mjoa = np.where(myelo, 12 + np.floor(u[:, 27] * 5), -1).astype(np.int8)
    signs = np.where(myelo, 1 + np.floor(u[:, 28] * 15), 0).astype(np.int8)
    cord_signal = myelo & (u[:, 29] < 0.3)

    transforaminal = radicular & (u[:, 30] < cohort.transforaminal_entry_cesi)
    cesi_seg = np.where(transforaminal, seg, np.int8(5)).astype(np.int8)  # else C7-T1
    cesi_side = np.where(
        transforaminal,
        np.where(side == 2, (u[:, 31] >= 0.5).astype(np.int8), side),
        np.where(radicular & (side < 2), side, 3),
    ).astype(np.int8)
    cesi_relief = np.floor(u[:, 32] * 46).astype(np.int8)  # a failure: 0-45% relief
    cesi_days = np.floor(u[:, 33] * 29).astype(np.int32)

    drug_cum = np.cumsum(np.asarray(cohort.drug_shares(), dtype=np.float64))
    drug_code = np.searchsorted(drug_cum, u[:, 40], side="right")
    drug = np.where(drug_code < len(DRUGS), drug_code, -1).astype(np.int8)
    hba1c = np.where(
        u[:, 37] < cohort.diabetes,
        np.clip(
            np.round(
                cohort.hba1c_mean + cohort.hba1c_sd * normal_from_uniforms(u[:, 41], u[:, 42]), 1
            ),
            5.0,
            14.0,
        ),
        np.nan,
    )
    allergy = u[:, 46] < cohort.contrast_allergy
    screen_item = np.where(
        u[:, 48] < cohort.serious_pathology,
        np.minimum(np.floor(u[:, 49] * len(SCREEN_ITEMS)), len(SCREEN_ITEMS) - 1),
        -1,
    ).astype(np.int8)

    rate = deficit_per_year / 365.25
    progression = np.full(m, np.inf)
    if rate > 0:
        wait = -np.log1p(-u[:, 34]) / rate
        progression = np.where(radicular, np.floor(wait), np.inf)

    return PatientTable(
        index=index,
        key=keys,
        presentation=presentation,
        sex=sex,
        age=age,
        birth_offset=birth_offset,
        onset=onset,
        seg=seg,
        side=side,
        lesion=lesion,
        seg2=seg2,
        side2=side2,
        true_nerve=true_nerve,
        facet_seg=facet_seg,
        facet_seg2=facet_seg2,
        facet_side=facet_side,
        headache=headache,
        headache_side=headache_side,
        forward_head=u[:, 35] < cohort.forward_head_posture,
        thoracic=u[:, 36] < cohort.thoracic_stiffness,
        diabetes=u[:, 37] < cohort.diabetes,
        anticoagulated=(drug >= 0) & (drug <= 2),
        drug=drug,
        low_platelets=u[:, 43] < cohort.low_platelets,
        liver_disease=u[:, 44] < cohort.liver_disease,
        kidney_disease=u[:, 45] < cohort.kidney_disease,
        contrast_allergy=allergy,
        contrast_plan=allergy & (u[:, 47] < cohort.contrast_plan),
        hba1c=hba1c,
        screen_item=screen_item,
        psych_suitable=u[:, 50] < cohort.psych_suitable,
        asa=np.where(u[:, 39] < cohort.asa_iii, 3, np.where(age >= 60, 2, 1)).astype(np.int8),
        arm=arm,
        neck=neck,
        qol=_qol(index_pain),
        grade=grade.astype(np.int8),
        mjoa=mjoa,
        signs=signs,
        cord_signal=cord_signal,
        cesi_approach=transforaminal.astype(np.int8),
        cesi_seg=cesi_seg,
        cesi_side=cesi_side,
        cesi_relief=cesi_relief,
        cesi_days=cesi_days,
        progression=progression,
    )


_SIGNS = ("hoffmann", "hyperreflexia", "gait_disturbance", "hand_clumsiness")


@functools.cache
def _on(entry: dt.date, day: int) -> dt.date:
    """The date ``day`` days after entry (a few hundred distinct days: each made once)."""
    return entry + dt.timedelta(days=day)


class _Row:
    """One patient's values, read from the table's columns when asked (no copy per patient)."""

    __slots__ = ("columns", "row")

    def __init__(self, columns: dict[str, npt.NDArray[Any]], row: int) -> None:
        self.columns = columns
        self.row = row

    def __getitem__(self, name: str) -> Any:
        return self.columns[name][self.row]


class PatientView:
    """One row of a :class:`PatientTable` as model values: what the records are built from."""

    __slots__ = ("_c", "_made", "entry_date", "row")

    def __init__(
        self,
        table: PatientTable,
        row: int,
        entry_date: dt.date,
        columns: dict[str, npt.NDArray[Any]] | None = None,
    ) -> None:
        self.row = row
        self.entry_date = entry_date
        self._c = _Row(table.columns() if columns is None else columns, row)
        self._made: dict[tuple[Any, ...], Any] = {}  # symptoms and exams, immutable: made once

    def __getitem__(self, name: str) -> Any:
        return self._c[name]

    @property
    def index(self) -> int:
        return int(self._c["index"])

    @property
    def presentation(self) -> Presentation:
        return PRESENTATIONS[int(self._c["presentation"])]

    def date(self, day: int) -> dt.date:
        return _on(self.entry_date, int(day))

    # -- the patient ------------------------------------------------------------------------------
    def health(self) -> HealthFactors:
        c = self._c
        return HealthFactors(
            anticoagulated=bool(c["anticoagulated"]),
            low_platelets=bool(c["low_platelets"]),
            liver_disease=bool(c["liver_disease"]),
            kidney_disease=bool(c["kidney_disease"]),
            contrast_allergy=bool(c["contrast_allergy"]),
            contrast_plan=bool(c["contrast_plan"]),
            diabetes=bool(self._c["diabetes"]),
            asa_class=AsaClass(int(self._c["asa"])),
        )

    def patient(self) -> Patient:
        age = int(self._c["age"])
        birth = self.entry_date.replace(year=self.entry_date.year - age)
        birth -= dt.timedelta(days=int(self._c["birth_offset"]))
        sex = Sex.MALE if int(self._c["sex"]) else Sex.FEMALE
        return Patient(id=f"sim-{self.index}", birth_date=birth, sex=sex, health=self.health())

    # -- anatomy ----------------------------------------------------------------------------------
    def nerves(self) -> tuple[SpinalNerve, ...]:
        """The candidate nerves imaging implicates (radicular patients), in lesion order."""
        found: tuple[SpinalNerve, ...] | None = self._made.get(("nerves",))
        if found is None:
            found = self._made[("nerves",)] = self._nerves()
        return found

    def _nerves(self) -> tuple[SpinalNerve, ...]:
        seg, side = int(self._c["seg"]), int(self._c["side"])
        if not self.presentation.radicular:
            return ()
        root = SEGMENTS[seg].exiting_root
        if side == 2:
            return (SpinalNerve(root, Side.LEFT), SpinalNerve(root, Side.RIGHT))
        found = [SpinalNerve(root, _SIDES[side])]
        if int(self._c["seg2"]) >= 0:
            found.append(
                SpinalNerve(
                    SEGMENTS[int(self._c["seg2"])].exiting_root, _SIDES[int(self._c["side2"])]
                )
            )
        return tuple(found)

    def true_nerve(self) -> SpinalNerve | None:
        """The root actually generating the pain (unknown to the clinic; SNRBs look for it)."""
        nerves = self.nerves()
        return nerves[int(self._c["true_nerve"])] if nerves else None

    def findings(self) -> tuple[ImagingFinding, ...]:
        c = self._c
        found: list[ImagingFinding] = []
        presentation = self.presentation
        if presentation.radicular:
            lesion = int(c["lesion"])
            levels = [(int(c["seg"]), int(c["side"]))]
            if int(c["seg2"]) >= 0:
                levels.append((int(c["seg2"]), int(c["side2"])))
            for seg, side in levels:
                if lesion == 2:
                    found.append(
                        ForaminalStenosis(
                            segment=SEGMENTS[seg], side=_SIDES[side], grade=StenosisGrade.MODERATE
                        )
                    )
                else:
                    zone = HerniationZone.FORAMINAL if lesion == 0 else HerniationZone.PARACENTRAL
                    found.append(
                        DiscHerniation(segment=SEGMENTS[seg], side=_SIDES[side], zone=zone)
                    )
        elif presentation is Presentation.MYELOPATHIC:
            found.append(
                CentralStenosis(
                    segment=SEGMENTS[int(c["seg"])],
                    grade=StenosisGrade.SEVERE,
                    cord_compression=True,
                    cord_signal_change=bool(c["cord_signal"]),
                )
            )
        if int(c["facet_seg"]) >= 0:
            joint_side = _SIDES[int(c["facet_side"])]
            for seg in (int(c["facet_seg"]), int(c["facet_seg2"])):
                if seg >= 0:
                    found.append(FacetArthropathy(segment=SEGMENTS[seg], side=joint_side))
        return tuple(found)

    # -- what the patient reports and the exam shows
    def symptoms(
        self,
        *,
        arm: int | None = None,
        neck: int | None = None,
        trajectory: Trajectory = Trajectory.UNCHANGED,
        progressed: bool = False,
    ) -> Symptoms:
        key = ("symptoms", arm, neck, trajectory, progressed)
        found: Symptoms | None = self._made.get(key)
        if found is None:
            found = self._made[key] = self._symptoms(arm, neck, trajectory, progressed)
        return found

    def _symptoms(
        self, arm: int | None, neck: int | None, trajectory: Trajectory, progressed: bool
    ) -> Symptoms:
        c = self._c
        arm_pain = int(c["arm"]) if arm is None else arm
        neck_pain = int(c["neck"]) if neck is None else neck
        qol = QOL[int(c["qol"])]
        if progressed:
            arm_pain = min(10, arm_pain + 1)
            qol = QualityOfLifeImpact.DEBILITATING
        elif arm is not None or neck is not None:
            qol = QOL[int(_qol(np.array([max(arm_pain, neck_pain)], dtype=np.int8))[0])]
        headache = (
            HeadachePattern.NONE,
            HeadachePattern.OCCIPITAL_NEURALGIA,
            HeadachePattern.CERVICOGENIC_HEADACHE,
        )[int(c["headache"])]
        headache_side = _SIDES[int(c["headache_side"])] if int(c["headache_side"]) >= 0 else None
        return Symptoms(
            arm_pain=arm_pain,
            neck_pain=neck_pain,
            radiating=self.nerves(),
            headache=headache,
            headache_side=headache_side,
            onset=self.date(-int(c["onset"])),
            trajectory=trajectory,
            quality_of_life=qol,
        )

    def exam(self, variant: ExamVariant = ExamVariant.ENTRY) -> NeuroExam:
        key = ("exam", variant)
        found: NeuroExam | None = self._made.get(key)
        if found is None:
            found = self._made[key] = self._exam(variant)
        return found

    def _exam(self, variant: ExamVariant) -> NeuroExam:
        c = self._c
        if self.presentation.radicular:
            true = self.true_nerve()
            grade = int(c["grade"])
            if variant is ExamVariant.PROGRESSED:
                grade = max(0, grade - 1)
            elif variant is ExamVariant.POST_OPERATIVE:
                grade = 5
            motor: list[MotorFinding] = []
            sensory: list[SensoryFinding] = []
            for nerve in self.nerves():
                if nerve.root in _MYOTOMES:
                    motor.append(
                        MotorFinding(nerve.root, nerve.side, grade if nerve == true else 5)
                    )
                if variant is not ExamVariant.POST_OPERATIVE:
                    sensory.append(
                        SensoryFinding(nerve.root, nerve.side, SensoryChange.PARAESTHESIA)
                    )
            return NeuroExam(motor=tuple(motor), sensory=tuple(sensory))
        if (
            self.presentation is Presentation.MYELOPATHIC
            and variant is not ExamVariant.POST_OPERATIVE
        ):
            bits = int(c["signs"])
            signs = MyelopathySigns(**{name: bool(bits >> i & 1) for i, name in enumerate(_SIGNS)})
            return NeuroExam(myelopathy=signs, mjoa=int(c["mjoa"]))
        return NeuroExam()

    def posture(self) -> PostureAssessment:
        return PostureAssessment(
            forward_head_posture=bool(self._c["forward_head"]),
            thoracic_stiffness=bool(self._c["thoracic"]),
        )

    # -- the record every trajectory starts from ---------------------------------------------------
    def entry_cesi(self, construct: Construct = checked) -> CervicalEpiduralSteroidInjection:
        c = self._c
        approach = Approach.TRANSFORAMINAL if int(c["cesi_approach"]) else Approach.INTERLAMINAR
        cesi: CervicalEpiduralSteroidInjection = construct(
            CervicalEpiduralSteroidInjection,
            id="cesi-0",
            date=self.date(ENTRY_OFFSETS["cesi"]),
            approach=approach,
            segment=SEGMENTS[int(c["cesi_seg"])],
            side=_SIDES[int(c["cesi_side"])],
        )
        return cesi

    def index_pain(self) -> int:
        """The pain the pathway treats: arm pain for radicular and myelopathic patients, neck
        pain for the others."""
        c = self._c
        radicular = self.presentation.radicular or self.presentation is Presentation.MYELOPATHIC
        return int(c["arm"]) if radicular else int(c["neck"])

    def entry_events(self, construct: Construct = checked) -> list[Event]:
        """The MRI, the intake visit, the failed CESI and its outcome, dated before entry;
        ``construct(cls, **fields)`` builds each (checked by default)."""
        c = self._c
        pain = self.index_pain()
        relief = int(c["cesi_relief"])
        after = round(pain * (100 - relief) / 100)
        cesi_day = ENTRY_OFFSETS["cesi"]
        drug_code = int(c["drug"])
        drug: list[Event] = []
        if drug_code >= 0:
            name = DRUGS[drug_code]
            for id_, day, status in (
                ("drug-0", ENTRY_OFFSETS["intake"], DrugStatus.TAKING),
                ("drug-0-hold", cesi_day - ENTRY_HOLD_DAYS, DrugStatus.HELD),
                ("drug-0-resume", cesi_day, DrugStatus.TAKING),
            ):
                drug.append(
                    construct(
                        AntithromboticUse, id=id_, date=self.date(day), drug=name, status=status
                    )
                )
        screened = self.date(ENTRY_OFFSETS["cesi_outcome"])
        item = int(c["screen_item"])
        screen = construct(
            SeriousPathologyScreen,
            id="screen-0",
            date=screened,
            **{name: i == item for i, name in enumerate(SCREEN_ITEMS)},
        )
        labs: list[Event] = []
        if bool(c["diabetes"]):
            labs.append(
                construct(
                    LabResult,
                    id="hba1c-0",
                    date=screened,
                    test=LabTest.HBA1C,
                    value=float(c["hba1c"]),
                )
            )
        return [
            construct(
                ImagingStudy,
                id="mri-0",
                date=self.date(ENTRY_OFFSETS["imaging"]),
                modality=Modality.MRI,
                findings=self.findings(),
            ),
            construct(
                ClinicalVisit,
                id="intake",
                date=self.date(ENTRY_OFFSETS["intake"]),
                purpose=VisitPurpose.INTAKE,
                symptoms=self.symptoms(),
                exam=self.exam(),
            ),
            *drug[:2],
            self.entry_cesi(construct),
            *drug[2:],
            screen,
            *labs,
            construct(
                OutcomeReport,
                id="cesi-0-outcome",
                date=self.date(ENTRY_OFFSETS["cesi_outcome"]),
                intervention_id="cesi-0",
                outcome=construct(
                    Outcome,
                    pain_before=pain,
                    pain_after=after,
                    relief_percent=float(relief),
                    relief_duration_days=int(c["cesi_days"]),
                ),
            ),
        ]


_MYOTOMES = frozenset({NerveRoot.C5, NerveRoot.C6, NerveRoot.C7, NerveRoot.C8})
