"""Strict, bounded JSON parsing: text in, plain Python values out, or every problem found.

The standard library parser is lenient where a clinical record must not be (it keeps the last of
two duplicate keys and accepts ``NaN``) and unbounded where an application must be (it recurses
once per nesting level and converts integer literals of any length). This module adds the
checks, before or during parsing, so that no input makes it raise anything but
:class:`~spinepath.errors.InvalidDocument`.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from spinepath.errors import InvalidDocument
from spinepath.io.problems import quoted

__all__ = [
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_SIZE",
    "MAX_FLOAT_LENGTH",
    "MAX_INTEGER_DIGITS",
    "parse",
]

DEFAULT_MAX_SIZE = 10 * 1024 * 1024
"""Largest document read by default: 10 MiB (bytes for bytes input, characters for text)."""

DEFAULT_MAX_DEPTH = 64
"""Deepest nesting of arrays and objects read by default; a record needs about six."""

MAX_INTEGER_DIGITS = 30
"""Longest integer literal read; no field of the model needs more than a few digits."""

MAX_FLOAT_LENGTH = 100
"""Longest non-integer number literal read (``repr`` of any float needs at most 24)."""

# A JSON string (skipped: brackets inside strings do not nest) or a single bracket.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


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
    _check_depth(text, max_depth)
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for name, value in items:
            if name in result:
                duplicates.append(f"duplicate key {quoted(name)} in an object")
            result[name] = value
        return result

    try:
        value = json.loads(
            text,
            object_pairs_hook=pairs,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_parse_constant,
        )
    except _Rejected as error:
        raise InvalidDocument([error.problem]) from None
    except json.JSONDecodeError as error:
        raise InvalidDocument(
            [f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"]
        ) from None
    except RecursionError:  # pragma: no cover - the depth check runs first
        raise InvalidDocument([f"document is nested deeper than {max_depth} levels"]) from None
    if duplicates:
        raise InvalidDocument(duplicates)
    return value


def _check_depth(text: str, max_depth: int) -> None:
    """Refuse nesting deeper than ``max_depth`` without recursing (or parsing) at all."""
    if text.count("[") + text.count("{") <= max_depth:
        return
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > max_depth:
                raise InvalidDocument([f"document is nested deeper than {max_depth} levels"])
        elif token in ("]", "}"):
            depth -= 1


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
