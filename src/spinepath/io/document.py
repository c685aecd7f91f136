"""Documents: model values as versioned JSON text, and back, with every problem reported.

A document is a JSON object with ``schema_version`` beside the value's fields; a patient record
is ``{"schema_version": 2, "patient": {...}, "events": [...]}``. A value that is not an object
when unstructured (an enum member, say) is written as ``{"schema_version": 2, "value": ...}``.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

import attrs

from spinepath.errors import InvalidDocument
from spinepath.io.converter import converter, tagged_types
from spinepath.io.jsontext import DEFAULT_MAX_DEPTH, DEFAULT_MAX_SIZE, parse
from spinepath.io.migrations import CURRENT_VERSION, VERSION_KEY, upgrade
from spinepath.io.problems import describe, key, problems

__all__ = ["VALUE_KEY", "dumps", "loads", "structure", "unstructure"]

T = TypeVar("T")

VALUE_KEY = "value"
"""Where a document keeps a value that is not an object (an enum member, a date)."""


def unstructure(obj: object) -> Any:
    """JSON-ready data for a model value (no ``schema_version``; see :func:`dumps`)."""
    return converter.unstructure(obj)


def structure(data: Any, cls: type[T]) -> T:
    """Build a ``cls`` from JSON-ready data; raises InvalidDocument listing every problem."""
    try:
        return converter.structure(data, cls)
    except Exception as error:
        raise InvalidDocument(problems(error)) from None


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
) -> T:
    """Read a ``cls`` from a JSON document written by :func:`dumps` (or by hand).

    Older schema versions are upgraded as they are read. Anything wrong (malformed JSON,
    duplicate keys, a missing or unknown field, a wrong type, an impossible value, events that
    contradict each other, a document too large or too deep) raises
    :class:`~spinepath.errors.InvalidDocument` listing every problem found with its path.
    """
    document = parse(text, max_size=max_size, max_depth=max_depth)
    if not isinstance(document, dict):
        raise InvalidDocument([f"expected a JSON object, got {describe(document)}"])
    body = upgrade(document)
    if _is_object(cls):
        return structure(body, cls)
    found = [f"{key(name)}: unknown field" for name in body if name != VALUE_KEY]
    if VALUE_KEY not in body:
        raise InvalidDocument([*found, f"{VALUE_KEY}: required field is missing"])
    try:
        value = converter.structure(body[VALUE_KEY], cls)
    except Exception as error:
        found.extend(problems(error, VALUE_KEY))
    if found:
        raise InvalidDocument(found)
    return value


def _is_object(cls: object) -> bool:
    return attrs.has(cls) or tagged_types(cls) is not None  # type: ignore[arg-type]
