"""Documents: model values as versioned JSON text, and back, with every problem reported.

A document is a JSON object with ``schema_version`` beside the value's fields; a patient record
is ``{"schema_version": 2, "patient": {...}, "events": [...]}``. A value that is not an object
when unstructured (an enum member, say) is written as ``{"schema_version": 2, "value": ...}``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TypeVar

import attrs

from spinepath.errors import MAX_PROBLEMS, InvalidDocument, Path, Problem
from spinepath.io.converter import converter, problem_budget, tagged_types
from spinepath.io.jsontext import (
    DEFAULT_MAX_CONTAINERS,
    DEFAULT_MAX_DEPTH,
    DEFAULT_MAX_SIZE,
    parse,
)
from spinepath.io.migrations import CURRENT_VERSION, VERSION_KEY, upgrade
from spinepath.io.problems import describe, problems

__all__ = ["VALUE_KEY", "dumps", "loads", "structure", "unstructure"]

T = TypeVar("T")

VALUE_KEY = "value"
"""Where a document keeps a value that is not an object (an enum member, a date)."""


def unstructure(obj: object) -> Any:
    """JSON-ready data for a model value (no ``schema_version``; see :func:`dumps`)."""
    return converter.unstructure(obj)


def structure(data: Any, cls: type[T]) -> T:
    """Build a ``cls`` from JSON-ready data; raises InvalidDocument listing every problem."""
    return _structure(data, cls)


def _structure(
    data: Any, cls: type[T], path: Path = (), found: Sequence[Problem] = (), unlisted: int = 0
) -> T:
    """``structure``, problems named from ``path``, after the problems already ``found`` (and
    ``unlisted`` more): the work is bounded by a problem budget, and so is the list."""
    listed = list(found)
    with problem_budget() as budget:
        try:
            value = converter.structure(data, cls)
        except Exception as error:
            listed.extend(problems(error, path))
        unlisted += budget.unlisted
        complete = not budget.stopped
    if listed or unlisted:
        raise InvalidDocument(listed, total=len(listed) + unlisted, complete=complete)
    return value


def dumps(obj: object, *, indent: int | None = 2) -> str:
    """``obj`` as a JSON document with ``schema_version``, ready to write to a file."""
    data = converter.unstructure(obj)
    body = data if isinstance(data, dict) else {VALUE_KEY: data}
    return json.dumps({VERSION_KEY: CURRENT_VERSION, **body}, indent=indent, allow_nan=False)


def loads(
    text: str | bytes | bytearray,
    cls: type[T],
    *,
    max_size: int = DEFAULT_MAX_SIZE,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_containers: int = DEFAULT_MAX_CONTAINERS,
) -> T:
    """Read a ``cls`` from a JSON document written by :func:`dumps` (or by hand).

    Older schema versions are upgraded as they are read. Anything wrong (malformed JSON,
    duplicate keys, a missing or unknown field, a wrong type, an impossible value, events that
    contradict each other, a document too large, too deep or of too many arrays and objects) raises
    :class:`~spinepath.errors.InvalidDocument` listing the problems found with their paths
    (the first 100, then how many more). The work is bounded by the size of the text, whatever
    it holds: a document with thousands of problems is read only until a thousand are found.
    """
    document = parse(text, max_size=max_size, max_depth=max_depth, max_containers=max_containers)
    if not isinstance(document, dict):
        raise InvalidDocument([f"expected a JSON object, got {describe(document)}"])
    body = upgrade(document)
    if _is_object(cls):
        return structure(body, cls)
    extra = [name for name in body if name != VALUE_KEY]
    found = [Problem("unknown field", (name,)) for name in extra[:MAX_PROBLEMS]]
    if VALUE_KEY not in body:
        missing = Problem("required field is missing", (VALUE_KEY,))
        raise InvalidDocument([*found, missing], total=len(extra) + 1)
    return _structure(body[VALUE_KEY], cls, (VALUE_KEY,), found, len(extra) - len(found))


def _is_object(cls: object) -> bool:
    return attrs.has(cls) or tagged_types(cls) is not None  # type: ignore[arg-type]
