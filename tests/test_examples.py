"""The shipped example records: present, identical in both places, valid, and as described."""

from __future__ import annotations

import pathlib

import pytest

from spinepath import examples
from spinepath.anatomy import NerveRoot, Segment, Side, SpinalNerve
from spinepath.errors import InvalidValue
from spinepath.io import dumps, loads
from spinepath.model import (
    Approach,
    CervicalEpiduralSteroidInjection,
    ClinicalVisit,
    FacetArthropathy,
    ForaminalStenosis,
    HeadachePattern,
    ImagingOrder,
    ImagingStudy,
    NeuroExam,
    PatientRecord,
    PostureReview,
)

ROOT = pathlib.Path(__file__).resolve().parent.parent
REQUIRED = {
    "failed-cesi-two-level-foraminal",
    "facet-axial-neck-pain",
    "progressive-arm-weakness",
    "occipital-headache",
}


def only_cesi(record: PatientRecord) -> CervicalEpiduralSteroidInjection:
    (cesi,) = record.of_type(CervicalEpiduralSteroidInjection)
    return cesi


def cesi_relief(record: PatientRecord) -> float:
    outcome = record.outcome_of(only_cesi(record).id)
    assert outcome is not None
    return outcome.relief


def test_the_examples_are_shipped() -> None:
    assert set(examples.names()) >= REQUIRED
    assert examples.names() == tuple(sorted(examples.names()))


def test_the_two_copies_are_identical() -> None:
    top = sorted(p.name for p in (ROOT / "examples").glob("*.json"))
    assert top == [f"{name}.json" for name in examples.names()]
    for name in examples.names():
        assert (ROOT / "examples" / f"{name}.json").read_bytes() == examples.path(name).read_bytes()


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_each_example_loads_and_round_trips(name: str) -> None:
    record = examples.load(name)
    assert record == examples.load(f"{name}.json")
    assert record == loads((ROOT / "examples" / f"{name}.json").read_text(), PatientRecord)
    assert loads(dumps(record), PatientRecord) == record
    assert len(record) >= 5
    assert record.outcome_of(only_cesi(record).id) is not None
    assert cesi_relief(record) < 50  # every example starts from a failed CESI


def test_an_unknown_example_is_refused() -> None:
    with pytest.raises(InvalidValue, match="'nope' is not an example") as caught:
        examples.path("nope")
    assert caught.value.field == "name"


def test_two_level_foraminal_example() -> None:
    record = examples.load("failed-cesi-two-level-foraminal")
    stenoses = {
        (f.segment, f.side)
        for study in record.of_type(ImagingStudy)
        for f in study.findings
        if isinstance(f, ForaminalStenosis)
    }
    assert stenoses == {(Segment.C5_6, Side.LEFT), (Segment.C6_7, Side.LEFT)}
    visit = record.of_type(ClinicalVisit)[-1]
    assert set(visit.symptoms.radiating) == {
        SpinalNerve(NerveRoot.C6, Side.LEFT),
        SpinalNerve(NerveRoot.C7, Side.LEFT),
    }
    assert cesi_relief(record) == 20.0


def test_facet_example() -> None:
    record = examples.load("facet-axial-neck-pain")
    facets = {
        (f.segment, f.side)
        for study in record.of_type(ImagingStudy)
        for f in study.findings
        if isinstance(f, FacetArthropathy)
    }
    assert facets == {(Segment.C4_5, Side.RIGHT), (Segment.C5_6, Side.RIGHT)}
    assert only_cesi(record).approach is Approach.INTERLAMINAR
    for visit in record.of_type(ClinicalVisit):
        assert visit.symptoms.neck_pain > visit.symptoms.arm_pain
    (review,) = record.of_type(PostureReview)
    assert review.assessment.forward_head_posture


def test_progressive_weakness_example() -> None:
    record = examples.load("progressive-arm-weakness")
    exams = [v.exam for v in record.of_type(ClinicalVisit) if v.exam is not None]
    grades = [exam.strength(NerveRoot.C7, Side.RIGHT) for exam in exams]
    assert grades == [4, 3]
    last: NeuroExam = exams[-1]
    assert last.myelopathy.hoffmann
    assert record.of_type(ImagingOrder)[-1].reason == "red_flag"


def test_occipital_headache_example() -> None:
    record = examples.load("occipital-headache")
    cesi = only_cesi(record)
    after = [v for v in record.of_type(ClinicalVisit) if v.date > cesi.date]
    assert after
    assert after[-1].symptoms.headache is HeadachePattern.CERVICOGENIC_HEADACHE
    assert after[-1].symptoms.headache_side is Side.LEFT
