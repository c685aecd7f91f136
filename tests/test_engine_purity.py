"""assess is pure: same answer twice, input untouched, the same answer from many threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from clinic import failed_cesi, right_facet_pain
from spinepath import CONSENSUS_2022, STRICT_PAYER, Assessment, Profile, assess, dumps, examples
from spinepath.model import PatientRecord

RECORDS: dict[str, PatientRecord] = {
    **{name: examples.load(name) for name in examples.names()},
    "failed-cesi": failed_cesi().record,
    "facet": right_facet_pain().record,
}


def _read(a: Assessment) -> list[tuple[str, str, tuple[str, ...]]]:
    """Everything an assessment says, texts included (they are written on first read)."""
    return [
        (str(o.action), str(o.status), tuple(map(str, o.reasons + o.failed))) for o in a.options
    ]


@pytest.mark.parametrize("name", sorted(RECORDS))
@pytest.mark.parametrize("profile", [CONSENSUS_2022, STRICT_PAYER], ids=lambda p: p.name)
def test_assess_twice_gives_equal_answers(name: str, profile: Profile) -> None:
    record = RECORDS[name]
    first, second = assess(record, profile), assess(record, profile)
    assert first == second
    assert _read(first) == _read(second)
    assert first.to_dict() == second.to_dict()


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_assess_leaves_the_record_unchanged(name: str) -> None:
    record = RECORDS[name]
    text, events = dumps(record), record.events
    copy = PatientRecord(record.patient, record.events)
    a = assess(record)
    _read(a)
    assert record == copy
    assert record.events is events
    assert dumps(record) == text


def test_assess_as_of_an_earlier_day_ignores_later_events() -> None:
    clinic = failed_cesi().re_evaluation(60, arm=7, neck=3, radiating=["left C6"])
    earlier = assess(clinic.record, as_of=clinic.day(50))
    assert earlier == assess(failed_cesi().record, as_of=clinic.day(50))


@pytest.mark.parametrize("profile", [CONSENSUS_2022, STRICT_PAYER], ids=lambda p: p.name)
def test_eight_threads_on_the_same_record_agree(profile: Profile) -> None:
    for record in RECORDS.values():
        expected = _read(assess(record, profile))

        def work(_: int, record: PatientRecord = record) -> list[tuple[str, str, tuple[str, ...]]]:
            return [text for _ in range(5) for text in _read(assess(record, profile))]

        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(work, range(8)))
        assert all(result == expected * 5 for result in results)


def test_threads_sharing_one_assessment_read_the_same_texts() -> None:
    # an Option writes its reasons on first read: concurrent first reads must agree
    a = assess(RECORDS["failed-cesi"])
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: _read(a), range(8)))
    assert all(r == results[0] for r in results)
    assert results[0] == _read(assess(RECORDS["failed-cesi"]))
