"""Hostile JSON: the one-pass pre-scan agrees with the old one, and huge documents are bounded.

Speed is measured by ``benchmarks/bench_hostile.py``, not here: these tests check behaviour. A
pre-scan that went quadratic again would still make the large cases below run for hours.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from cattrs.errors import ClassValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from spinepath import dumps, loads
from spinepath.anatomy import Side
from spinepath.errors import MAX_PROBLEMS, InvalidDocument
from spinepath.examples import load
from spinepath.io import DEFAULT_MAX_CONTAINERS, converter, structure
from spinepath.io.converter import MAX_FAILURES, problem_budget
from spinepath.io.jsontext import MAX_FLOAT_LENGTH, MAX_INTEGER_DIGITS, nesting_depth, parse
from spinepath.model import PatientRecord
from spinepath.testing import strategies as sps

RECORD = '{"schema_version": 1, "patient": {"id": "p", "birth_date": "1980-01-01", "sex": "male"}'
EVENTS = RECORD + ', "events": ['

# -- the pre-scan -------------------------------------------------------------------------------

# The scan before this release: a token per string or bracket, found again from every quote.
_OLD_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


def old_depth(text: str) -> int:
    depth = deepest = 0
    for match in _OLD_TOKENS.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in ("]", "}"):
            depth -= 1
    return deepest


def depth_of(value: Any) -> int:
    """How deep a parsed JSON value nests, counted on the value itself."""
    if isinstance(value, list):
        return 1 + max((depth_of(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth_of(v) for v in value.values()), default=0)
    return 0


# Strings full of what confuses a scanner: brackets, quotes, backslashes, escapes.
tricky_text = st.text(alphabet='[]{}"\\/,:a\n\u00e9\U0001f600', max_size=12)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | tricky_text,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(tricky_text, children, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(json_values, st.booleans())
def test_nesting_depth_is_the_depth_of_the_value(value: Any, ascii_only: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    assert nesting_depth(text) == depth_of(value) == old_depth(text)


@settings(max_examples=200, deadline=None)
@given(json_values, st.integers(0, 8))
def test_the_depth_verdict_is_unchanged_on_ordinary_documents(value: Any, limit: int) -> None:
    text = json.dumps({"schema_version": 1, "data": value})
    if old_depth(text) > limit:
        with pytest.raises(InvalidDocument) as caught:
            parse(text, max_depth=limit)
        assert caught.value.problems == (f"document is nested deeper than {limit} levels",)
    else:
        assert parse(text, max_depth=limit) == json.loads(text)


@settings(max_examples=100, deadline=None)
@given(sps.arbitrary_records(max_events=6))
def test_records_scan_as_before(record: PatientRecord) -> None:
    for indent in (None, 2):
        text = dumps(record, indent=indent)
        assert nesting_depth(text) == old_depth(text) == depth_of(json.loads(text))
        assert loads(text, PatientRecord) == record


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("", 0),
        ("[]", 1),
        ('[[1, {"a": [2]}]]', 4),
        ('"[[["', 0),  # brackets in a string do not nest
        ('["\\"[", "]"]', 1),  # nor after an escaped quote
        ('["\\\\", []]', 2),  # an escaped backslash ends before the quote
        ('["abc', 1),  # an unterminated string runs to the end
        ('[[ "abc\\', 2),  # with a lone backslash last
        ('[]"' + '\\"[' * 50, 1),  # the issue's shape: nothing after the quote counts
        ("{}]][[[", 1),  # past a closing bracket too many, depth counts from below zero
    ],
)
def test_nesting_depth_worked_examples(text: str, depth: int) -> None:
    assert nesting_depth(text) == depth


def test_numbers_that_need_no_check_read_as_before() -> None:
    text = '{"a": [0, -1, 1.5, -2.5e-3, 12345678901234567890, 1e99, 1E+2]}'
    assert parse(text) == json.loads(text)


@pytest.mark.parametrize(
    ("literal", "value"),
    [("1e100", 1e100), ("1E-300", 1e-300), ("0." + "3" * 40, float("0." + "3" * 40))],
)
def test_numbers_near_the_limits_are_still_read(literal: str, value: float) -> None:
    assert parse(f'{{"a": [1, 2, {literal}]}}') == {"a": [1, 2, value]}


@pytest.mark.parametrize(
    ("literal", "problem"),
    [
        ("1e999", "'1e999' is out of range for a number"),
        ("-1E+400", "'-1E+400' is out of range for a number"),
        ("1" * 31, "a 31-digit integer is too large (at most 30)"),
        ("0." + "1" * 100, "a 102-character number is too long"),
    ],
)
def test_numbers_over_the_limits_are_refused_after_many_others(literal: str, problem: str) -> None:
    text = "[" + "1, 2.5, " * 10_000 + literal + "]"
    with pytest.raises(InvalidDocument) as caught:
        parse(text)
    assert caught.value.problems == (problem,)


def test_the_longest_literals_read_without_a_check_are_read_alike() -> None:
    # no run of 31 digits, no three-digit exponent: read by the parser's own int and float,
    # which must then agree with the checks (so MAX_FLOAT_LENGTH must stay at 66 or more)
    longest = "-" + "9" * 30 + "." + "9" * 30 + "e+99"
    assert len(longest) <= MAX_FLOAT_LENGTH
    text = f"[{longest}, {'9' * MAX_INTEGER_DIGITS}, -{'9' * MAX_INTEGER_DIGITS}]"
    assert parse(text) == json.loads(text)


def test_number_like_text_in_strings_needs_no_check() -> None:
    text = '{"a": "1e999", "b": "' + "9" * 50 + '", "c": 7}'
    assert parse(text) == {"a": "1e999", "b": "9" * 50, "c": 7}


# -- large hostile documents --------------------------------------------------------------------


def problems_of(text: str) -> InvalidDocument:
    with pytest.raises(InvalidDocument) as caught:
        loads(text, PatientRecord)
    return caught.value


def test_the_issue_document_is_refused_as_malformed() -> None:
    text = "[]" * 65 + '"' + '\\"' * 1_000_000  # 2 MB; the old scan needed hours
    error = problems_of(text)
    assert error.problems == ("not valid JSON: Extra data at line 1, column 3",)


def test_an_unterminated_string_inside_an_object_is_malformed() -> None:
    text = EVENTS + "[" * 70 + '"' + '\\"[' * 300_000
    error = problems_of(text)
    assert error.problems[0].startswith("document is nested deeper than 64 levels")
    text = EVENTS + "[" * 10 + '"' + '\\"[' * 300_000
    assert problems_of(text).problems[0].startswith("not valid JSON: Unterminated string")


def test_three_hundred_thousand_unknown_keys_list_a_hundred() -> None:
    keys = ", ".join(f'"k{i}": 0' for i in range(300_000))
    error = problems_of(RECORD + ', "events": [], ' + keys + "}")
    assert error.total == 300_000
    assert error.complete
    assert len(error.problems) == MAX_PROBLEMS + 1
    assert error.problems[:2] == ("k0: unknown field", "k1: unknown field")
    assert error.problems[-1] == "and 299900 more problems"
    assert str(error).startswith("invalid document: 300000 problems\n  k0: unknown field\n")
    assert str(error).count("\n") == MAX_PROBLEMS + 1


def test_unknown_keys_of_a_value_document_are_counted_too() -> None:
    keys = ", ".join(f'"k{i}": 0' for i in range(5_000))
    with pytest.raises(InvalidDocument) as caught:
        loads('{"schema_version": 1, ' + keys + ', "value": "left"}', Side)
    assert caught.value.total == 5_000
    assert caught.value.problems[-1] == "and 4900 more problems"
    with pytest.raises(InvalidDocument) as caught:
        loads('{"schema_version": 1, ' + keys + ', "value": 12}', Side)
    assert caught.value.total == 5_001
    with pytest.raises(InvalidDocument) as caught:
        loads('{"schema_version": 1, ' + keys + "}", Side)
    assert caught.value.total == 5_001


def test_every_duplicate_key_is_counted() -> None:
    error = problems_of('{"schema_version": 1, ' + '"a": 0, ' * 200_000 + '"b": 0}')
    assert error.total == 199_999
    assert error.problems[0] == "duplicate key 'a' in an object"
    assert error.problems[-1] == "and 199899 more problems"


def test_a_million_bad_events_are_read_until_enough_problems_are_found() -> None:
    error = problems_of(EVENTS + "1, " * 1_000_000 + "1]}")
    assert not error.complete
    assert MAX_PROBLEMS < error.total <= MAX_FAILURES
    assert error.problems[0] == "events[0]: expected an object, got 1"
    assert error.problems[-1] == f"and at least {error.total - MAX_PROBLEMS} more problems"
    assert str(error).startswith(f"invalid document: at least {error.total} problems\n")


def test_an_array_left_unread_adds_no_problem_of_its_own() -> None:
    record = json.loads(dumps(load("facet-axial-neck-pain")))
    bad = [{"kind": "clinical_visit"}] * (MAX_FAILURES + 50)
    record["events"] = bad + record["events"]
    with pytest.raises(InvalidDocument) as caught:
        structure({k: v for k, v in record.items() if k != "schema_version"}, PatientRecord)
    error = caught.value
    assert not error.complete
    assert all(p.startswith("events[") and "required field" in p for p in error.problems[:-1])


def test_the_problem_budget_ends_with_the_call() -> None:
    with pytest.raises(InvalidDocument):
        loads(EVENTS + "1, " * (MAX_FAILURES + 10) + "1]}", PatientRecord)
    data = {
        "patient": {"id": "p", "birth_date": "1980-01-01", "sex": "male"},
        "events": [1] * (MAX_FAILURES + 10),
    }
    with pytest.raises(ClassValidationError) as caught:  # the bare converter lists them all
        converter.structure(data, PatientRecord)
    (events,) = caught.value.exceptions
    assert isinstance(events, ExceptionGroup)
    assert len(events.exceptions) == MAX_FAILURES + 10
    with problem_budget(5) as budget, pytest.raises(ClassValidationError):
        converter.structure(data, PatientRecord)
    assert budget.stopped
    assert budget.left == 0


def test_a_problem_list_is_capped_where_it_is_made() -> None:
    exactly = InvalidDocument([f"p{i}" for i in range(MAX_PROBLEMS)])
    assert exactly.problems[-1] == f"p{MAX_PROBLEMS - 1}"
    assert exactly.total == MAX_PROBLEMS
    one_more = InvalidDocument([f"p{i}" for i in range(MAX_PROBLEMS + 1)])
    assert one_more.problems[-1] == "and 1 more problem"
    renamed = InvalidDocument(one_more.problems, what="parameters", total=one_more.total)
    assert renamed.problems == one_more.problems
    assert str(renamed).startswith(f"invalid parameters: {MAX_PROBLEMS + 1} problems\n")
    assert InvalidDocument(["only"]).problems == ("only",)
    assert str(InvalidDocument(["only"])) == "invalid document: 1 problem\n  only"


def test_millions_of_arrays_and_objects_are_refused_before_parsing() -> None:
    # two million empty objects in one array: refused by the pre-scan, not built as dicts
    text = '{"schema_version": 2, "events": [' + ",".join(["{}"] * 2_000_000) + "]}"
    with pytest.raises(InvalidDocument) as raised:
        loads(text, PatientRecord, max_size=len(text))
    assert raised.value.problems == (
        f"document has {2_000_002} arrays and objects, over the limit of {DEFAULT_MAX_CONTAINERS}",
    )
    # brackets inside strings are not arrays; the limit is a keyword argument
    quoted = '{"schema_version": 2, "patient": "' + "[" * 50 + '"}'
    with pytest.raises(InvalidDocument) as raised:
        loads(quoted, PatientRecord, max_containers=2)
    assert "arrays and objects" not in str(raised.value)
    with pytest.raises(InvalidDocument, match=r"over the limit of 1$"):
        loads('{"a": []}', PatientRecord, max_containers=1)
