"""PathwayStateMachine reaches deep states: it finds a store bug that only a second medial
branch block shows, its moves follow ``weights``, and no move is spent doing nothing."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, ClassVar

import attrs
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.stateful import rule, run_state_machine_as_test

from spinepath import (
    STRICT_PAYER,
    ActionKind,
    Event,
    PatientRecord,
    dumps,
    loads,
)
from spinepath import Phase as PathwayPhase
from spinepath.model import MedialBranchBlock
from spinepath.testing import PathwayStateMachine
from spinepath.testing._machine import MOVES

FACET = frozenset({ActionKind.MEDIAL_BRANCH_BLOCK, ActionKind.RADIOFREQUENCY_ABLATION})

# The settings this suite runs the machine with (tests/test_strategies.py), and those of the
# downstream example's check (tests/test_downstream_example.py). Finding a bug is the point
# here, so only the generate phase runs (shrinking a long run is slow).
SUITE = settings(
    max_examples=15,
    stateful_step_count=25,
    deadline=None,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
DOWNSTREAM = settings(SUITE, max_examples=50, stateful_step_count=30)


class EventTable:
    """An application's table of events, one JSON row per event."""

    def __init__(self) -> None:
        self.rows: list[str] = []

    def insert(self, event: Event) -> None:
        self.rows.append(dumps(event))

    def events(self) -> tuple[Event, ...]:
        return tuple(loads(row, Event) for row in self.rows)


class LosesSecondBlock(EventTable):
    """The planted bug: a patient's second medial branch block is never stored."""

    def insert(self, event: Event) -> None:
        if isinstance(event, MedialBranchBlock) and any(
            '"medial_branch_block"' in r for r in self.rows
        ):
            return
        super().insert(event)


class ForgetsSeriesPosition(EventTable):
    """The planted bug: a block is stored without its series position (a confirmatory block
    comes back as a first one)."""

    def insert(self, event: Event) -> None:
        if isinstance(event, MedialBranchBlock):
            event = attrs.evolve(event, series_position=1)
        super().insert(event)


class Mirror(PathwayStateMachine):
    """Mirrors every accepted event into ``table`` and checks it reads back what the engine
    holds."""

    table: ClassVar[type[EventTable]] = EventTable

    def on_start(self, record: PatientRecord) -> None:
        self.stored = self.table()
        for event in record.events:
            self.stored.insert(event)

    def on_applied(self, record: PatientRecord, event: Event) -> None:
        self.stored.insert(event)
        assert self.stored.events() == record.events, "the store lost or changed an event"


def machine(base: type[PathwayStateMachine] = Mirror, **attributes: Any) -> type[Any]:
    return type("Machine", (base,), attributes)


def finds_the_bug(cls: type[PathwayStateMachine], chosen: settings) -> None:
    with pytest.raises(AssertionError, match="the store lost or changed an event"):
        run_state_machine_as_test(cls, settings=chosen)


def test_a_correct_store_passes() -> None:
    run_state_machine_as_test(machine(prefer=FACET), settings=SUITE)


def test_the_machine_finds_a_lost_second_block_within_the_downstream_settings() -> None:
    finds_the_bug(machine(table=LosesSecondBlock), DOWNSTREAM)


def test_the_steered_machine_finds_a_lost_second_block_within_the_suite_settings() -> None:
    finds_the_bug(machine(table=LosesSecondBlock, prefer=FACET), SUITE)


def test_the_steered_machine_finds_a_forgotten_confirmatory_block() -> None:
    steered = machine(table=ForgetsSeriesPosition, profile=STRICT_PAYER, prefer=FACET)
    finds_the_bug(steered, SUITE)


def test_reach_steers_towards_a_phase() -> None:
    reached: list[PathwayPhase] = []

    class Reaching(PathwayStateMachine):
        reach = PathwayPhase.ADVANCED_INTERVENTIONAL

        def teardown(self) -> None:
            if self._walk is not None:
                reached.append(self.walk.phase)

    run_state_machine_as_test(Reaching, settings=settings(SUITE, max_examples=10))
    assert PathwayPhase.ADVANCED_INTERVENTIONAL in reached


# -- moves and weights ------------------------------------------------------------------------


@attrs.frozen
class Step:
    move: str
    before: PatientRecord
    added: int
    operated_on: dt.date | None


class Recording(PathwayStateMachine):
    """Logs every step: the move drawn, the record before it and how many events it added."""

    runs: ClassVar[list[list[Step]]] = []

    def on_start(self, record: PatientRecord) -> None:
        self.runs.append([])
        self._move = ""

    @rule(data=st.data())
    def step(self, data: st.DataObject) -> None:
        before = self.record
        super().step(data)
        added = len(self.record.events) - len(before.events)
        self.runs[-1].append(Step(self._move, before, added, self.walk.operated_on))

    def apply_legal_option(self, data: st.DataObject) -> None:
        self._move = "apply_legal_option"
        super().apply_legal_option(data)

    def try_blocked_option(self, data: st.DataObject) -> None:
        self._move = "try_blocked_option"
        super().try_blocked_option(data)

    def record_outcome(self, data: st.DataObject) -> None:
        self._move = "record_outcome"
        super().record_outcome(data)

    def add_visit(self, data: st.DataObject) -> None:
        self._move = "add_visit"
        super().add_visit(data)

    def show_red_flag(self, data: st.DataObject) -> None:
        self._move = "show_red_flag"
        super().show_red_flag(data)


def recorded(**attributes: Any) -> list[list[Step]]:
    cls: type[Recording] = type("Recorded", (Recording,), {"runs": [], **attributes})
    run_state_machine_as_test(cls, settings=settings(SUITE, max_examples=10))
    runs: list[list[Step]] = cls.runs
    assert any(runs)
    return runs


def moves(runs: list[list[Step]]) -> set[str]:
    return {step.move for run in runs for step in run}


def test_weights_choose_the_moves() -> None:
    assert moves(recorded(weights={"add_visit": 1})) == {"add_visit"}
    assert moves(recorded(weights={"apply_legal_option": 1})) == {"apply_legal_option"}
    assert moves(recorded(weights={"apply_legal_option": 1, "record_outcome": 9})) == {
        "apply_legal_option",
        "record_outcome",
    }
    quiet = recorded(red_flag=False, weights={"add_visit": 1, "show_red_flag": 9})
    assert moves(quiet) == {"add_visit"}
    assert moves(recorded()) == set(MOVES)


def test_no_move_is_spent_doing_nothing() -> None:
    """Every step adds an event, except a probe of a blocked option (never twice on the same
    record) and, rarely, an option drawn when none is legal; a red flag is shown once, and
    once more only after an operation."""
    runs = recorded(weights={"try_blocked_option": 4, "show_red_flag": 4, "add_visit": 1})
    for run in runs:
        probed = [s.before for s in run if s.move == "try_blocked_option"]
        assert all(a is not b for a, b in itertools.combinations(probed, 2))
        flags = [s.operated_on for s in run if s.move == "show_red_flag"]
        for earlier, later in itertools.pairwise(flags):
            assert later is not None
            assert earlier is None or later > earlier
        for step in run:
            assert step.added == 1 or step.move in ("try_blocked_option", "apply_legal_option")
            assert step.added in (0, 1)


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ({"weights": {"dance": 1}}, "unknown moves"),
        ({"weights": {"record_outcome": 1}}, "apply_legal_option or add_visit"),
        ({"weights": {"add_visit": -1}}, "whole number 0-100"),
        ({"weights": {"add_visit": True}}, "whole number 0-100"),
        ({"weights": [("add_visit", 1)]}, "mapping"),
        ({"reach": "surgery"}, "reach must be a Phase"),
        ({"prefer": frozenset({"rfa"})}, "prefer must hold ActionKind"),
        ({"profile": "strict"}, "profile must be a spinepath Profile"),
    ],
)
def test_bad_class_attributes_are_refused(attributes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        machine(PathwayStateMachine, **attributes)()
