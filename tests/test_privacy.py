"""No identifier or free text of a record reaches a repr, an error message or the CLI's output.

Every text field of the model (found from the attrs classes: each field whose type holds
``str``, so a field added later is found too) is planted with marker text, and the marker must
not come out of any repr, any error that ``loads``, the model's constructors,
``PatientRecord.add``, ``apply`` or ``record.event`` raise, any assessment, or anything
``spinepath validate`` and ``spinepath assess`` print. ``spinepath.debug_reprs()`` shows it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import importlib
import io
import json
import pkgutil
import tempfile
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spinepath
from spinepath import (
    IllegalTransition,
    InvalidDocument,
    InvalidValue,
    Override,
    PatientRecord,
    SpinepathError,
    apply,
    assess,
    debug_reprs,
    dumps,
    loads,
    make_event,
)
from spinepath._privacy import ENVIRONMENT_VARIABLE, HIDDEN, private_repr
from spinepath.cli import build_parser, main
from spinepath.model import Event, Intervention, OutcomeReport, Patient
from spinepath.model.patient import identifier
from spinepath.testing import strategies as sps

MARK = "ZZPRIVATEZZ"
FEW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- finding the text fields --------------------------------------------------------------------


def model_classes() -> list[type[Any]]:
    """Every attrs class defined in ``spinepath.model``'s modules."""
    import spinepath.model

    found: dict[type[Any], None] = {}
    for info in pkgutil.iter_modules(spinepath.model.__path__):
        module = importlib.import_module(f"spinepath.model.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and attrs.has(value) and value.__module__ == module.__name__:
                found[value] = None
    return list(found)


def _holds_text(declared: object) -> bool:
    if declared is str:
        return True
    return any(_holds_text(arg) for arg in typing.get_args(declared))


def text_fields(cls: type[Any]) -> tuple[attrs.Attribute[Any], ...]:
    """The fields of ``cls`` whose declared type holds plain ``str`` (``str``, ``str | None``,
    ``tuple[str, ...]``, ...): identifiers and free text. Enums are not ``str`` here."""
    hints = typing.get_type_hints(cls)
    return tuple(a for a in attrs.fields(cls) if _holds_text(hints[a.name]))


MODEL = model_classes()
TEXT_FIELDS: dict[tuple[type[Any], str], attrs.Attribute[Any]] = {
    (cls, a.name): a for cls in MODEL for a in text_fields(cls)
}


def test_the_text_fields_are_found() -> None:
    names = {(cls.__name__, name) for cls, name in TEXT_FIELDS}
    assert {
        ("Patient", "id"),
        ("Event", "id"),
        ("OutcomeReport", "intervention_id"),
        ("Override", "reason"),
        ("Override", "rules"),
    } <= names
    assert ("ClinicalVisit", "id") in names  # inherited fields count in every subclass


def _named(key: tuple[type[Any], str]) -> str:
    return f"{key[0].__name__}.{key[1]}"


KEYS = sorted(TEXT_FIELDS, key=_named)


@pytest.mark.parametrize("key", KEYS, ids=_named)
def test_every_text_field_is_kept_out_of_reprs(key: tuple[type[Any], str]) -> None:
    field = TEXT_FIELDS[key]
    assert field.repr is private_repr or field.repr is False, (
        f"{key[0].__name__}.{key[1]} holds text: declare it attrs.field(repr=private_repr)"
    )


# -- planting the marker ------------------------------------------------------------------------


class Marker:
    """Replaces every text field's value by marked text: the same text always by the same
    marked text and different texts by different ones, so ids stay unique and references
    (an outcome's intervention_id) still point where they did."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def text(self, value: str, free: bool) -> str:
        marked = self.names.setdefault(value, f"{MARK}{len(self.names)}")
        return f"{marked} {value}" if free else marked

    def field(self, value: Any, free: bool) -> Any:
        if isinstance(value, str):
            return self.text(value, free)
        if isinstance(value, tuple):
            return tuple(self.field(v, free) for v in value)
        return value

    def __call__(self, value: Any) -> Any:
        if isinstance(value, PatientRecord):
            return PatientRecord(self(value.patient), self(value.events))
        if isinstance(value, tuple):
            return tuple(self(v) for v in value)
        if not attrs.has(type(value)):
            return value
        changes: dict[str, Any] = {}
        for a in attrs.fields(type(value)):
            if not a.init:
                continue
            current = getattr(value, a.name)
            if (type(value), a.name) in TEXT_FIELDS:
                changes[a.alias] = self.field(current, free=a.validator is not identifier)
            else:
                changes[a.alias] = self(current)
        return attrs.evolve(value, **changes)


def _with_overrides(draw: st.DrawFn, record: PatientRecord) -> PatientRecord:
    events = tuple(
        attrs.evolve(e, override=draw(sps.overrides()))
        if e.override is None and draw(st.booleans())
        else e
        for e in record.events
    )
    return PatientRecord(record.patient, events)


@st.composite
def marked_records(draw: st.DrawFn, *, legal: bool | None = None) -> PatientRecord:
    """Records (legal histories, or any valid records) with overrides on some events and
    every text field marked."""
    kinds = {True: ("legal",), False: ("any",), None: ("legal", "any")}[legal]
    if draw(st.sampled_from(kinds)) == "legal":
        record = draw(sps.patient_records(max_events=8))
    else:
        record = _with_overrides(draw, draw(sps.arbitrary_records(max_events=8)))
    marked: PatientRecord = Marker()(record)
    return marked


def clean(text: str, what: str = "") -> None:
    assert MARK not in text, f"marked text leaked{' into ' + what if what else ''}: {text}"


def planted(record: PatientRecord) -> None:
    """The marker really is in the record (so the checks above could fail)."""
    assert MARK in dumps(record)
    with debug_reprs():
        assert MARK in repr(record)


# -- reprs --------------------------------------------------------------------------------------


def values_in(value: Any) -> Iterator[Any]:
    """``value`` and every attrs value inside it (the values a repr is asked of)."""
    if isinstance(value, PatientRecord) or attrs.has(type(value)):
        yield value
    if isinstance(value, PatientRecord):
        yield from values_in(value.patient)
        for event in value.events:
            yield from values_in(event)
    elif attrs.has(type(value)):
        for a in attrs.fields(type(value)):
            yield from values_in(getattr(value, a.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from values_in(item)


@FEW
@given(marked_records())
def test_reprs_hide_marked_text(record: PatientRecord) -> None:
    planted(record)
    for value in values_in(record):
        clean(repr(value), f"repr of {type(value).__name__}")
        clean(str(value), f"str of {type(value).__name__}")
    assessment = assess(record)
    clean(repr(assessment), "an assessment")
    clean(json.dumps(assessment.to_dict()), "an assessment document")
    for option in assessment.options:
        clean(repr(option))
        clean(" ".join(str(r) for r in (*option.reasons, *option.failed)), "reasons")


def test_debug_reprs_shows_private_values_in_its_block_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    patient = Patient(id=f"{MARK}1", birth_date=dt.date(1970, 1, 1), sex=spinepath.Sex.FEMALE)
    override = Override(reason=f"{MARK} said so", rules=("S6",))
    assert repr(patient).startswith(f"Patient(id={HIDDEN}, birth_date=")
    assert repr(override) == f"Override(reason={HIDDEN}, rules={HIDDEN})"
    assert repr(Override(reason="x")) == f"Override(reason={HIDDEN}, rules=())"
    with debug_reprs():
        assert f"id='{MARK}1'" in repr(patient)
        assert repr(override) == f"Override(reason='{MARK} said so', rules=('S6',))"
        with debug_reprs(False):
            clean(repr(patient))
    clean(repr(patient))
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "1")
    assert MARK in repr(patient)
    with debug_reprs(False):  # the context manager wins over the environment
        clean(repr(patient))
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "0")
    clean(repr(patient))


def test_debug_reprs_holds_in_its_own_thread_only() -> None:
    import threading

    patient = Patient(id=f"{MARK}1", birth_date=dt.date(1970, 1, 1), sex=spinepath.Sex.MALE)
    seen: list[str] = []
    with debug_reprs():
        worker = threading.Thread(target=lambda: seen.append(repr(patient)))
        worker.start()
        worker.join()
        assert MARK in repr(patient)
    clean(seen[0], "another thread")


# -- errors -------------------------------------------------------------------------------------


def refused(make: Callable[[], object]) -> SpinepathError | None:
    """The spinepath error ``make`` raises (None if it succeeds), checked for the marker."""
    try:
        make()
    except SpinepathError as error:
        clean(str(error), type(error).__name__)
        clean(repr(error), type(error).__name__)
        for part in (getattr(error, "problems", ()), getattr(error, "failed", ())):
            for line in part:
                clean(line, type(error).__name__)
        return error
    return None


_BAD_TEXT = (MARK * 100, f"{MARK} has spaces", f"-{MARK}", f"{MARK}\u00e9")


@FEW
@given(marked_records(), st.data())
def test_constructors_refuse_marked_text_without_echoing_it(
    record: PatientRecord, data: st.DataObject
) -> None:
    values = [v for v in values_in(record) if not isinstance(v, PatientRecord)]
    targets = [
        (v, a) for v in values for a in attrs.fields(type(v)) if (type(v), a.name) in TEXT_FIELDS
    ]
    value, field = data.draw(st.sampled_from(targets), label="field")
    current = getattr(value, field.name)
    bad = data.draw(st.sampled_from(_BAD_TEXT), label="text")
    if isinstance(current, tuple):
        choices: list[Any] = [(bad,), (f"{MARK}1", f"{MARK}1"), (*current, *current)]
        if current:
            choices.append((current[0], current[0]))
        replacement = data.draw(st.sampled_from(choices), label="texts")
    else:
        replacement = data.draw(st.sampled_from((bad, 5, [bad], None)), label="value")
    refused(lambda: attrs.evolve(value, **{field.alias: replacement}))


def _ids(record: PatientRecord) -> list[str]:
    return [e.id for e in record.events]


@FEW
@given(marked_records(legal=True), st.data())
def test_record_and_engine_refusals_do_not_echo_marked_text(
    record: PatientRecord, data: st.DataObject
) -> None:
    planted(record)
    last = record.events[-1]
    day = last.date
    ids = _ids(record)
    outcome = spinepath.Outcome(pain_before=5, pain_after=5)
    others = [e.id for e in record.events if not isinstance(e, Intervention)]
    attempts: list[Event] = [
        attrs.evolve(last, id=data.draw(st.sampled_from(ids))),  # a duplicate id
        OutcomeReport(id=f"{MARK}new", date=day, intervention_id=f"{MARK}ghost", outcome=outcome),
        OutcomeReport(id=f"{MARK}new", date=day, intervention_id=others[0], outcome=outcome),
        attrs.evolve(last, id=f"{MARK}early", date=record.patient.birth_date),
    ]
    for event in attempts:
        assert refused(functools.partial(record.add, event)) is not None
        assert refused(functools.partial(apply, record, event)) is not None
        assert refused(functools.partial(record.extend, [event])) is not None
    assert refused(lambda: record.event(f"{MARK}missing")) is not None
    blocked = assess(record).blocked
    if blocked:
        option = data.draw(st.sampled_from(blocked), label="blocked")
        try:
            event = make_event(option.action, id=f"{MARK}try", date=day, record=record)
        except InvalidValue as error:
            clean(str(error))
        else:
            assert isinstance(refused(lambda: apply(record, event)), IllegalTransition)


# Mutations of a marked record's document that ``loads`` must refuse, each around marked text.


def _events(doc: dict[str, Any]) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = doc["events"]
    return events


def _report(doc: dict[str, Any], target: str) -> dict[str, Any]:
    last = _events(doc)[-1]["date"] if _events(doc) else doc["patient"]["birth_date"]
    outcome = {"pain_before": 5, "pain_after": 5}
    return {
        "kind": "outcome_report",
        "id": f"{MARK}new",
        "date": last,
        "intervention_id": target,
        "outcome": outcome,
    }


def _mutations(doc: dict[str, Any]) -> list[tuple[str, Callable[[dict[str, Any]], None]]]:
    events = _events(doc)
    found: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
        ("bad patient id", lambda d: d["patient"].update(id=f"{MARK} x")),
        ("long patient id", lambda d: d["patient"].update(id=MARK * 6)),
        ("patient id of the wrong type", lambda d: d["patient"].update(id=[MARK])),
        ("unknown patient field", lambda d: d["patient"].update(patient_name=MARK)),
        ("unknown field at the root", lambda d: d.update(notes=f"{MARK} called")),
        ("a reference to nothing", lambda d: _events(d).append(_report(d, f"{MARK}ghost"))),
    ]
    if not events:
        return found
    found += [
        ("duplicate override rules", lambda d: d["events"][0].update(override=_rules(MARK, MARK))),
        ("long override reason", lambda d: d["events"][0].update(override=_reason(MARK * 100))),
        ("override reason not text", lambda d: d["events"][0].update(override=_reason([MARK]))),
        ("bad event id", lambda d: d["events"][-1].update(id=f"{MARK}!")),
        ("unknown event field", lambda d: d["events"][-1].update(note=MARK)),
    ]
    plain = [e["id"] for e in events if e["kind"] in _NOT_INTERVENTIONS]
    if plain:  # an outcome of an event that is not an intervention
        found.append(("a reference to a visit", lambda d: _events(d).append(_report(d, plain[0]))))
    if len(events) >= 2:
        found.append(("duplicate id", lambda d: d["events"][1].update(id=events[0]["id"])))
    return found


_NOT_INTERVENTIONS = frozenset(
    {"clinical_visit", "imaging_study", "imaging_order", "posture_review", "health_update"}
    | {"surgical_consultation", "discharge", "outcome_report"}
)


def _rules(*rules: str) -> dict[str, Any]:
    return {"reason": f"{MARK} overrode", "rules": list(rules)}


def _reason(reason: object) -> dict[str, Any]:
    return {"reason": reason, "rules": []}


@st.composite
def marked_invalid_documents(draw: st.DrawFn) -> str:
    """A marked record's document broken around its marked text, or by any flaw of
    ``invalid_documents``."""
    record = draw(marked_records())
    if draw(st.booleans()):
        return draw(sps.invalid_documents(records=st.just(record)))
    doc = json.loads(dumps(record))
    _, mutate = draw(st.sampled_from(_mutations(doc)))
    mutate(doc)
    return json.dumps(doc)


@settings(FEW, max_examples=100)
@given(marked_invalid_documents())
def test_loads_refuses_marked_documents_without_echoing_them(text: str) -> None:
    error = refused(lambda: loads(text, PatientRecord))
    assert isinstance(error, InvalidDocument)


# -- the command line ---------------------------------------------------------------------------


def _validate_has_json() -> bool:
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            build_parser().parse_args(["validate", "--json", "x.json"])
    except SystemExit:
        return False
    return True


COMMANDS = [["validate"], ["assess"], ["assess", "--json"]]
if _validate_has_json():
    COMMANDS.append(["validate", "--json"])


def run_cli(args: list[str]) -> str:
    out, err = io.StringIO(), io.StringIO()
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        contextlib.suppress(SystemExit),
    ):
        main(args)
    return out.getvalue() + err.getvalue()


@settings(FEW, max_examples=15)
@given(marked_records(), marked_invalid_documents())
def test_the_cli_prints_no_marked_text(record: PatientRecord, invalid: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        good = Path(folder) / "good.json"
        bad = Path(folder) / "bad.json"
        good.write_text(dumps(record), encoding="utf-8")
        bad.write_text(invalid, encoding="utf-8")
        for command in COMMANDS:
            for path in (good, bad):
                clean(run_cli([*command, str(path)]), f"spinepath {' '.join(command)}")
            output = run_cli([*command, str(good), str(bad)])
            clean(output, f"spinepath {' '.join(command)}")
        assert ": valid" in run_cli(["validate", str(good)])  # the good file was read
