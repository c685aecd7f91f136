"""The patient record: a patient plus a chronologically ordered tuple of dated events.

Everything the pathway knows is derived from these events, so the record is checked whole on
construction: a record that exists is consistent. Adding an event returns a new record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterator
from typing import Any, Protocol, TypeVar

import attrs

from spinepath._checks import is_a
from spinepath.errors import InvalidRecord, InvalidValue
from spinepath.model.events import Event, HealthUpdate, OutcomeReport
from spinepath.model.interventions import Intervention
from spinepath.model.outcomes import Outcome
from spinepath.model.patient import HealthFactors, Patient, Sex

__all__ = ["Derived", "PatientRecord"]

E = TypeVar("E", bound=Event)


def _events(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        raise InvalidValue(
            attribute.name, f"expected a tuple of events, got {type(value).__name__}"
        )
    for i, event in enumerate(value):
        if not isinstance(event, Event) or type(event) in _ABSTRACT:
            raise InvalidValue(f"events[{i}]", f"expected an event, got {type(event).__name__}")


def _abstract() -> frozenset[type]:
    from spinepath.model.interventions import Surgery

    return frozenset({Event, Intervention, Surgery})


_ABSTRACT = _abstract()


class Derived(Protocol):
    """A value derived from a record's events that can follow one more event (the pathway's
    fact state is one): a record made by :meth:`PatientRecord.add` carries it forward."""

    def after(self, event: Event) -> Derived: ...


@attrs.frozen
class PatientRecord:
    """A patient and their dated events, oldest first (same-day events keep their given order)."""

    patient: Patient = attrs.field(validator=is_a(Patient))
    events: tuple[Event, ...] = attrs.field(default=(), validator=_events)
    _by_id: dict[str, int] = attrs.field(init=False, repr=False, eq=False, hash=False)
    _reported: frozenset[str] = attrs.field(init=False, repr=False, eq=False, hash=False)
    _derived: dict[Hashable, Derived] = attrs.field(
        init=False, repr=False, eq=False, hash=False, factory=dict
    )

    def __attrs_post_init__(self) -> None:
        by_id: dict[str, int] = {}
        reported: set[str] = set()
        previous: dt.date | None = None
        for i, event in enumerate(self.events):
            _check_event(self, i, event, previous, by_id, reported)
            by_id[event.id] = i
            previous = event.date
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_reported", frozenset(reported))

    # -- building -------------------------------------------------------------------------------
    def add(self, event: Event) -> PatientRecord:
        """A new record with ``event`` appended; raises InvalidRecord and changes nothing if the
        event contradicts the record.

        Only the new event is checked (the record already is consistent), and values derived
        from this record (:meth:`keep`) are carried forward by folding in the event, so growing
        a record one event at a time costs the same at every length.
        """
        i = len(self.events)
        if not isinstance(event, Event) or type(event) in _ABSTRACT:
            raise InvalidValue(f"events[{i}]", f"expected an event, got {type(event).__name__}")
        by_id = dict(self._by_id)
        reported = set(self._reported) if isinstance(event, OutcomeReport) else self._reported
        _check_event(self, i, event, self.last_date, by_id, reported)  # type: ignore[arg-type]
        by_id[event.id] = i
        record = object.__new__(PatientRecord)
        set_ = object.__setattr__
        set_(record, "patient", self.patient)
        set_(record, "events", (*self.events, event))
        set_(record, "_by_id", by_id)
        set_(record, "_reported", frozenset(reported))
        set_(record, "_derived", {key: value.after(event) for key, value in self._derived.items()})
        return record

    def extend(self, events: tuple[Event, ...] | list[Event]) -> PatientRecord:
        """A new record with several events appended, checked together."""
        return PatientRecord(self.patient, (*self.events, *events))

    # -- values derived from the events ------------------------------------------------------
    def derived(self, key: Hashable) -> Derived | None:
        """A value derived from this record's events and kept with it under ``key``, if any."""
        return self._derived.get(key)

    def keep(self, key: Hashable, value: Derived) -> None:
        """Keep ``value``, derived from this record's events, for later readers (a cache: the
        record itself does not change)."""
        self._derived[key] = value

    # -- reading --------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.events)

    def __iter__(self) -> Iterator[Event]:
        return iter(self.events)

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._by_id

    def event(self, event_id: str) -> Event:
        """The event with this id; KeyError-free: raises InvalidValue when there is none (the
        message does not repeat the id: ids stay out of errors)."""
        try:
            return self.events[self._by_id[event_id]]
        except KeyError:
            raise InvalidValue("event_id", "no event of this record has this id") from None

    def of_type(self, kind: type[E]) -> tuple[E, ...]:
        """Events of one type (and its subclasses), oldest first."""
        return tuple(e for e in self.events if isinstance(e, kind))

    def until(self, day: dt.date) -> PatientRecord:
        """The record as it stood at the end of ``day`` (events after it dropped)."""
        kept = tuple(e for e in self.events if e.date <= day)
        return self if len(kept) == len(self.events) else PatientRecord(self.patient, kept)

    def outcome_of(self, intervention_id: str) -> Outcome | None:
        """The latest reported outcome of an intervention (its latest follow-up), if any."""
        found = self.follow_ups(intervention_id)
        return found[-1].outcome if found else None

    def follow_ups(self, intervention_id: str) -> tuple[OutcomeReport, ...]:
        """Every outcome report of an intervention, oldest first (the first is its first
        follow-up, the last its latest)."""
        return tuple(
            e
            for e in self.events
            if isinstance(e, OutcomeReport) and e.intervention_id == intervention_id
        )

    def health_on(self, day: dt.date) -> HealthFactors:
        """Health factors in force on ``day``: the latest update on or before it, else baseline."""
        health = self.patient.health
        for event in self.events:
            if event.date > day:
                break
            if isinstance(event, HealthUpdate):
                health = event.health
        return health

    @property
    def last_date(self) -> dt.date | None:
        return self.events[-1].date if self.events else None


def _check_event(
    record: PatientRecord,
    i: int,
    event: Event,
    previous: dt.date | None,
    by_id: dict[str, int],
    reported: set[str],
) -> None:
    where = f"events[{i}]"
    patient = record.patient
    if event.date < patient.birth_date:
        raise InvalidRecord(f"{where}.date", f"{event.date} is before the patient's birth date")
    if previous is not None and event.date < previous:
        raise InvalidRecord(
            f"{where}.date", f"{event.date} is before the previous event ({previous})"
        )
    if event.id in by_id:
        raise InvalidRecord(f"{where}.id", f"is already used by events[{by_id[event.id]}]")
    if isinstance(event, HealthUpdate) and event.health.pregnant and patient.sex is Sex.MALE:
        raise InvalidRecord(f"{where}.health.pregnant", "is true for a patient recorded as male")
    if isinstance(event, OutcomeReport):
        target = by_id.get(event.intervention_id)
        if target is None:
            raise InvalidRecord(f"{where}.intervention_id", "names no earlier event")
        if not isinstance(record.events[target], Intervention):
            raise InvalidRecord(
                f"{where}.intervention_id",
                f"names events[{target}], a {record.events[target].kind}, not an intervention",
            )
        reported.add(event.intervention_id)  # later reports are follow-ups of the same one
