"""Strict, bounded JSON parsing: text in, plain Python values out, or every problem found.

The standard library parser is lenient where a clinical record must not be (it keeps the last of
two duplicate keys and accepts ``NaN``) and unbounded where an application must be (it recurses
once per nesting level and converts integer literals of any length). This module adds the
checks, before or during parsing, so that no input makes it raise anything but
:class:`~spinepath.errors.InvalidDocument`, and every check takes time in proportion to the
size of the text: each is a single pass of a regular expression or a string method that never
restarts, whatever the input (``benchmarks/bench_hostile.py`` measures them).
"""

from __future__ import annotations

import json
import math
import re
from array import array
from itertools import accumulate
from typing import Any

from spinepath.errors import MAX_PROBLEMS, InvalidDocument
from spinepath.io.problems import quoted

__all__ = [
    "DEFAULT_MAX_CONTAINERS",
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_SIZE",
    "MAX_FLOAT_LENGTH",
    "MAX_INTEGER_DIGITS",
    "nesting_depth",
    "parse",
]

DEFAULT_MAX_SIZE = 10 * 1024 * 1024
"""Largest document read by default: 10 MiB (bytes for bytes input, characters for text)."""

DEFAULT_MAX_DEPTH = 64
"""Deepest nesting of arrays and objects read by default; a record needs about six."""

DEFAULT_MAX_CONTAINERS = 1_000_000
"""Most arrays and objects read by default. A record of 10 MiB holds about 150,000 (its events
with their findings and outcomes); a text of millions of empty brackets is refused before the
parser builds millions of Python lists and dicts."""

MAX_INTEGER_DIGITS = 30
"""Longest integer literal read; no field of the model needs more than a few digits."""

MAX_FLOAT_LENGTH = 100
"""Longest non-integer number literal read (``repr`` of any float needs at most 24)."""

# A JSON string, unterminated ones included (they run to the end of the text, a last lone
# backslash too), so that a quote outside a string always starts a match that ends after the
# string: the scan never restarts inside a string. Possessive quantifiers never backtrack.
_STRING = r'"[^"\\]*+(?:\\.[^"\\]*+)*+(?:"|\\?\Z)'
# Runs of strings with no bracket between them (`"a": "b", "c"`): removing them leaves the text
# outside strings, in one pass with one match per run rather than one per string.
_STRING_RUNS = re.compile(rf'{_STRING}(?:[^"\[\]{{}}]*+{_STRING})*+', re.DOTALL)
# Text outside strings, as bytes, to nesting steps: opening brackets +1, closing ones -1 (as a
# signed byte), every other byte deleted.
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_NOT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
# Outside strings, a number the parser's hooks would refuse (an integer over 30 digits, a
# literal over 100 characters, one that overflows to infinity) needs a run of 31 digits or a
# three-digit exponent: ``-`` + 30 digits + ``.`` + 30 digits + ``e+99`` is 66 characters and
# under 1e130. Without them the parser's own int and float are safe and need no hook per number
# (a three-digit exponent alone needs only the float hook).
_LONG_DIGITS = re.compile(f"[0-9]{{{MAX_INTEGER_DIGITS + 1}}}")
_LONG_EXPONENT = re.compile(r"[0-9][eE][-+]?[0-9]{3}")


class _Rejected(Exception):
    """Raised from inside the parser's hooks to stop at a literal that must not be read."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def parse(
    text: str | bytes | bytearray,
    *,
    max_size: int = DEFAULT_MAX_SIZE,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_containers: int = DEFAULT_MAX_CONTAINERS,
) -> Any:
    """Parse one JSON document strictly; raises InvalidDocument listing what is wrong."""
    if isinstance(text, bytes | bytearray):
        if len(text) > max_size:
            raise InvalidDocument([f"document is {len(text)} bytes, over the limit of {max_size}"])
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InvalidDocument(
                [f"document is not UTF-8 text (invalid byte at offset {error.start})"]
            ) from None
    elif not isinstance(text, str):
        raise InvalidDocument([f"expected JSON text, got {type(text).__name__}"])
    elif len(text) > max_size:
        raise InvalidDocument([f"document is {len(text)} characters, over the limit of {max_size}"])
    hooks = _prescan(text, max_depth, max_containers)
    duplicates = _Duplicates()
    try:
        value = json.loads(text, object_pairs_hook=duplicates.pairs, **hooks)
    except _Rejected as error:
        raise InvalidDocument([error.problem]) from None
    except json.JSONDecodeError as error:
        raise InvalidDocument(
            [f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"]
        ) from None
    except RecursionError:  # pragma: no cover - the depth check runs first
        raise InvalidDocument([f"document is nested deeper than {max_depth} levels"]) from None
    if duplicates.total:
        raise InvalidDocument(duplicates.listed, total=duplicates.total)
    return value


def _prescan(text: str, max_depth: int, max_containers: int) -> dict[str, Any]:
    """Refuse nesting deeper than ``max_depth``, and more than ``max_containers`` arrays and
    objects, without recursing (or parsing) at all; the number hooks the parser needs for this
    text (none when no number literal can break a limit, so that a text of a million numbers
    is not a million Python calls)."""
    outside = _outside_strings(text)
    opening = outside.count("[") + outside.count("{")
    if opening > max_containers:
        raise InvalidDocument(
            [f"document has {opening} arrays and objects, over the limit of {max_containers}"]
        )
    if opening > max_depth and _steps_depth(outside) > max_depth:
        raise InvalidDocument([f"document is nested deeper than {max_depth} levels"])
    hooks: dict[str, Any] = {"parse_constant": _parse_constant}
    if _LONG_DIGITS.search(outside) is not None:
        hooks.update(parse_int=_parse_int, parse_float=_parse_float)
    elif _LONG_EXPONENT.search(outside) is not None:
        hooks.update(parse_float=_parse_float)
    return hooks


def nesting_depth(text: str) -> int:
    """How deep arrays and objects nest in JSON text, in one pass, without parsing it.

    Brackets inside strings do not count, nor does anything after an unterminated string. A
    closing bracket too many makes a parser stop there; counting on past it can only overstate
    the depth that a parser reaches.
    """
    return _steps_depth(_outside_strings(text))


def _outside_strings(text: str) -> str:
    return _STRING_RUNS.sub("", text) if '"' in text else text


def _steps_depth(outside: str) -> int:
    steps = array("b", outside.encode("utf-8", "surrogatepass").translate(_STEPS, _NOT_BRACKETS))
    return max(accumulate(steps), default=0)


class _Duplicates:
    """The parser's object hook: keeps the last of two equal keys, as ``json`` does, and
    records each repeat (the first :data:`MAX_PROBLEMS` as problems, all in ``total``)."""

    def __init__(self) -> None:
        self.listed: list[str] = []
        self.total = 0

    def pairs(self, items: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(items)
        repeats = len(items) - len(result)
        if repeats:
            self.total += repeats
            seen: set[str] = set()
            for name, _ in items:
                if len(self.listed) >= MAX_PROBLEMS:
                    break
                if name in seen:
                    self.listed.append(f"duplicate key {quoted(name)} in an object")
                seen.add(name)
        return result


def _parse_int(literal: str) -> int:
    digits = len(literal.lstrip("-"))
    if digits > MAX_INTEGER_DIGITS:
        raise _Rejected(f"a {digits}-digit integer is too large (at most {MAX_INTEGER_DIGITS})")
    return int(literal)


def _parse_float(literal: str) -> float:
    if len(literal) > MAX_FLOAT_LENGTH:
        raise _Rejected(f"a {len(literal)}-character number is too long")
    value = float(literal)
    if not math.isfinite(value):
        raise _Rejected(f"{quoted(literal)} is out of range for a number")
    return value


def _parse_constant(literal: str) -> Any:
    raise _Rejected(f"{literal} is not a JSON number")
