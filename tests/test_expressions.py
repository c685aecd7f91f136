"""Condition expressions: the explanation agrees with the yes/no check, whatever the nesting."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

import spinepath as sp
from spinepath.rules.catalogue import RULES
from spinepath.rules.expressions import Condition, Fact
from spinepath.rules.facts import RecordFacts
from spinepath.testing import strategies as sps

ACTION = sp.Action(kind=sp.ActionKind.DISCHARGE)


class Table:
    """A FactSource with fixed truth values, for checking the combinators alone."""

    def __init__(self, **values: bool) -> None:
        self.values = values

    def holds(self, name: str, action: sp.Action) -> bool:
        return self.values[name]

    def describe(self, name: str, action: sp.Action, held: bool) -> str:
        return name if held else f"not {name}"


def test_negated_conjunction_that_holds_reports_no_failure() -> None:
    a, b, c = Fact("a"), Fact("b"), Fact("c")
    condition = c & ~(a & ~b)  # holds: a and b are both true, so (a and not b) is false
    result = condition.evaluate(Table(a=True, b=True, c=True), ACTION)
    assert result.holds
    assert result.failed == ()
    assert "not b" not in result.held


def test_failing_conjunction_reports_every_failing_part_and_no_held_noise() -> None:
    a, b, c = Fact("a"), Fact("b"), Fact("c")
    result = (a & b & c).evaluate(Table(a=False, b=True, c=False), ACTION)
    assert not result.holds
    assert result.failed == ("not a", "not c")


def test_alternatives_report_the_first_obstacle_of_each_path() -> None:
    a, b, c = Fact("a"), Fact("b"), Fact("c")
    result = (a | (b & c)).evaluate(Table(a=False, b=False, c=False), ACTION)
    assert not result.holds
    assert result.failed == ("needs one of 2 alternatives, neither holds: [not a; or not b]",)


def test_a_conjunction_inside_a_choice_names_its_own_obstacle() -> None:
    a, b, c = Fact("a"), Fact("b"), Fact("c")
    result = (a | (b & c)).evaluate(Table(a=False, b=True, c=False), ACTION)
    assert result.failed == ("needs one of 2 alternatives, neither holds: [not a; or not c]",)


def test_three_alternatives_and_what_follows_the_choice_stay_apart() -> None:
    a, b, c, d = Fact("a"), Fact("b"), Fact("c"), Fact("d")
    result = ((a | b | c) & d).evaluate(Table(a=False, b=False, c=False, d=False), ACTION)
    assert result.failed == (
        "needs one of 3 alternatives, none holds: [not a; or not b; or not c]",
        "not d",
    )
    assert "; and" not in "; ".join(result.failed)


def test_a_choice_nested_in_an_alternative_is_a_list_of_its_own() -> None:
    a, b, c = Fact("a"), Fact("b"), Fact("c")
    result = (a | ((b | c) & a)).evaluate(Table(a=False, b=False, c=False), ACTION)
    assert result.failed == (
        "needs one of 2 alternatives, neither holds: "
        "[not a; or needs one of 2 alternatives, neither holds: [not b; or not c]]",
    )


def test_a_choice_that_holds_reports_the_alternative_that_held() -> None:
    a, b, c = Fact("a"), Fact("b"), Fact("c")
    result = (a | (b & c)).evaluate(Table(a=False, b=True, c=True), ACTION)
    assert result.holds
    assert result.held == ("b", "c")


def test_none_of_the_alternatives_lists_each_obstacle_as_held() -> None:
    a, b = Fact("a"), Fact("b")
    none = ~(a | b)
    result = none.evaluate(Table(a=False, b=False), ACTION)
    assert result.holds
    assert result.held == ("not a", "not b")  # each true on its own, no "one of"
    result = none.evaluate(Table(a=False, b=True), ACTION)
    assert not result.holds
    assert result.failed == ("b",)


def _every_condition() -> list[Condition]:
    return [c for rule in RULES for _, c in rule.conditions()]


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(record=sps.patient_records(), profile=sps.profiles())
def test_explanations_agree_with_checks_on_every_rule(
    record: sp.PatientRecord, profile: sp.Profile
) -> None:
    facts = RecordFacts(record, profile, record.last_date or record.patient.birth_date)
    for action in sp.pathway.candidates(facts):
        for condition in _every_condition():
            expected = condition.check(facts, action)
            assert condition.evaluate(facts, action).holds == expected, condition.render()
