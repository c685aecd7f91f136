"""The fact state: folded event by event it equals the state folded from scratch, records carry
it forward, and its key tells apart every pair of days the facts tell apart.

The state is the one place facts are computed from (rules/state.py), kept with each record
and carried forward by ``PatientRecord.add`` and ``apply``, and used by the simulation to
remember decisions. The properties here are marked ``safety``: they run with the Hypothesis
profile's example count (``SPINEPATH_HYPOTHESIS_PROFILE=thorough`` for 20,000).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import spinepath as sp
from spinepath.pathway.engine import assess_state, classify
from spinepath.rules.facts import Facts
from spinepath.rules.state import FactState, fold, fold_all, initial_state, state_of
from spinepath.testing import strategies as sps

PROFILES = st.sampled_from([sp.CONSENSUS_2022, sp.STRICT_PAYER])


def everything(value: Any) -> Any:
    """A value with every field of every part, notes and dates included (a state's own
    equality leaves those out on purpose)."""
    if attrs.has(type(value)) and type(value).__module__ == "spinepath.rules.state":
        return (
            type(value).__name__,
            tuple(
                (f.name, everything(getattr(value, f.name)))
                for f in attrs.fields(type(value))
                if f.name != "profile"
            ),
        )
    if isinstance(value, dict):
        return tuple(sorted((k, everything(v)) for k, v in value.items()))
    return value


@pytest.mark.safety
@given(record=sps.patient_records(), profile=PROFILES)
def test_a_state_grown_event_by_event_is_the_state_folded_from_scratch(
    record: sp.PatientRecord, profile: sp.Profile
) -> None:
    start = initial_state(record.patient, profile)
    whole = fold_all(start, record.events)
    step = start
    grown = sp.PatientRecord(record.patient)
    assert state_of(grown, profile) == start
    for event in record.events:
        step = fold(step, event)
        grown = grown.add(event)  # carries the state kept above forward
    assert everything(step) == everything(whole)
    assert everything(state_of(grown, profile)) == everything(whole)
    assert everything(state_of(record, profile)) == everything(whole)
    assert step.events == len(record.events)


@pytest.mark.safety
@given(
    record=sps.patient_records(),
    profile=PROFILES,
    later=st.lists(st.integers(0, 900), min_size=2, max_size=6),
)
def test_equal_keys_get_equal_answers(
    record: sp.PatientRecord, profile: sp.Profile, later: list[int]
) -> None:
    state = state_of(record, profile)
    last = record.last_date
    assert last is not None
    seen: dict[tuple[FactState, tuple[int, ...]], Any] = {}
    for days in later:
        day = last + dt.timedelta(days=days)
        answer = classify(Facts(state, day))
        key = state.key(day)
        if key in seen:
            assert seen[key] == answer, (days, key[1])
        seen[key] = answer
        assert assess_state(state, day).judgements == sp.assess(record, profile, day).judgements


@pytest.mark.safety
@given(record=sps.patient_records(), profile=PROFILES, data=st.data())
def test_an_earlier_day_folds_the_events_up_to_it(
    record: sp.PatientRecord, profile: sp.Profile, data: st.DataObject
) -> None:
    day = data.draw(st.sampled_from([e.date for e in record.events]))
    upto = sp.PatientRecord(record.patient, tuple(e for e in record.events if e.date <= day))
    assert sp.assess(record, profile, day) == sp.assess(upto, profile, day)
    assert everything(state_of(record, profile, day)) == everything(state_of(upto, profile))


def test_the_key_tells_apart_dates_of_different_fields() -> None:
    # Four left GON blocks and three right ones, against three left and four right: the same
    # sides done, the same number of dates in the window, opposite answers for a left block
    # (four a year on a side is the limit). The key must say which field each date is in.
    from clinic import Do, failed_cesi

    def blocks(left: int, right: int) -> sp.PatientRecord:
        clinic = failed_cesi().re_evaluation(
            50, arm=3, neck=5, headache="occipital_neuralgia", headache_side="bilateral"
        )
        days = iter(range(55, 400, 20))
        for side, count in (("left", left), ("right", right)):
            for _ in range(count):
                clinic = clinic.gon(next(days), side)
        return clinic.record

    day = dt.date(2024, 1, 8) + dt.timedelta(days=200)
    four_left, three_left = blocks(4, 3), blocks(3, 4)
    a = state_of(four_left, sp.CONSENSUS_2022)
    b = state_of(three_left, sp.CONSENSUS_2022)
    assert a.key(day) != b.key(day)
    assert sp.evaluate(four_left, Do.gon("left"), as_of=day).status is sp.Status.BLOCKED
    assert sp.evaluate(three_left, Do.gon("left"), as_of=day).status is not sp.Status.BLOCKED


def test_the_key_tells_apart_days_the_facts_tell_apart() -> None:
    # 10 days after an injection a repeat is too soon (minimum 14 days); 20 days after, it is
    # not: two keys, two answers (the record up to that day, its outcome not yet reported).
    full = sp.examples.load("failed-cesi-two-level-foraminal")
    cesi = full.of_type(sp.CervicalEpiduralSteroidInjection)[-1]
    record = full.until(cesi.date)
    state = state_of(record, sp.CONSENSUS_2022)
    soon, later = cesi.date + dt.timedelta(days=10), cesi.date + dt.timedelta(days=20)
    repeat = sp.Action(
        kind=sp.ActionKind.CESI, approach=cesi.approach, segments=(cesi.segment,), side=cesi.side
    )
    assert state.key(soon) != state.key(later)
    too_soon = "only 10 days since the last epidural injection on"
    assert any(too_soon in r.text for r in sp.evaluate(record, repeat, as_of=soon).failed)
    assert not any(
        "since the last epidural" in r.text for r in sp.evaluate(record, repeat, as_of=later).failed
    )


def test_a_record_carries_its_state_to_the_next() -> None:
    record = sp.examples.load("facet-axial-neck-pain")
    state = state_of(record, sp.CONSENSUS_2022)
    action = sp.assess(record).first
    assert action is not None
    event = sp.make_event(action.action, id="next", date=record.last_date or dt.date.today())
    after = sp.apply(record, event)
    kept = after.derived(("spinepath.rules.state", id(sp.CONSENSUS_2022)))
    assert isinstance(kept, FactState)
    assert everything(kept) == everything(fold(state, event))
    assert kept.phase is sp.assess(after).phase


def test_adding_an_event_checks_only_it_and_changes_nothing_on_error() -> None:
    record = sp.examples.load("facet-axial-neck-pain")
    state = state_of(record, sp.CONSENSUS_2022)
    before = record.events
    stale = sp.Discharge(
        id="d", date=record.patient.birth_date, reason=sp.DischargeReason.PATIENT_CHOICE
    )
    with pytest.raises(sp.InvalidRecord, match="before"):
        record.add(stale)
    duplicate = sp.Discharge(
        id=before[0].id,
        date=record.last_date or dt.date.today(),
        reason=sp.DischargeReason.ADEQUATE_RELIEF,
    )
    with pytest.raises(sp.InvalidRecord, match="already used"):
        record.add(duplicate)
    with pytest.raises(sp.InvalidValue, match="expected an event"):
        record.add("not an event")  # type: ignore[arg-type]
    assert record.events == before
    assert state_of(record, sp.CONSENSUS_2022) is state


def test_states_hash_and_compare_without_their_notes() -> None:
    record = sp.examples.load("occipital-headache")
    a = state_of(record, sp.CONSENSUS_2022)
    b = fold_all(initial_state(record.patient, sp.CONSENSUS_2022), record.events)
    assert a is not b
    assert a == b
    assert hash(a) == hash(b)
    assert {a.key(record.last_date or dt.date.today()): 1}[
        b.key(record.last_date or dt.date.today())
    ] == 1
    assert "cesi-" not in repr(a)  # event ids are notes, kept out of the repr


def test_the_facts_page_example_prints_what_it_says() -> None:
    import contextlib
    import io
    import pathlib
    import re

    page = (pathlib.Path(__file__).resolve().parent.parent / "docs" / "facts.md").read_text()
    code = re.search(r"```python\n(.*?)```", page, re.S)
    assert code is not None
    shown = re.findall(r"# (\S+ \S+)\n", code.group(1))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code.group(1), "docs/facts.md", "exec"), {})
    assert out.getvalue().split("\n")[0] == shown[-1]
