"""Field validators shared by the value types; each raises InvalidValue naming the field."""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs

from spinepath.errors import InvalidValue

T = TypeVar("T")
Check = Callable[[Any, "attrs.Attribute[T]", T], None]


def _name(value: object) -> str:
    return type(value).__name__


def is_a(kind: type[Any] | tuple[type[Any], ...]) -> Check[Any]:
    """The value is an instance of ``kind`` (bool is never accepted as a number)."""
    names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))

    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, kind) or (
            isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,))
        ):
            raise InvalidValue(attribute.name, f"expected {names}, got {_name(value)}")

    return check


def optional(check: Check[Any]) -> Check[Any]:
    """``None`` or a value that passes ``check``."""

    def wrapped(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            check(instance, attribute, value)

    return wrapped


def a_date(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A calendar date (a datetime is refused: the pathway counts days, not instants)."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidValue(attribute.name, f"expected a date, got {_name(value)}")


def integer(low: int, high: int | None = None) -> Check[Any]:
    """A whole number within ``[low, high]``."""

    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, int) or isinstance(value, bool):
            raise InvalidValue(attribute.name, f"expected a whole number, got {_name(value)}")
        if value < low:
            raise InvalidValue(attribute.name, f"{value} is below {low}")
        if high is not None and value > high:
            raise InvalidValue(attribute.name, f"{value} is above {high}")

    return check


def number(low: float, high: float | None = None) -> Check[Any]:
    """A finite real number within ``[low, high]``."""

    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise InvalidValue(attribute.name, f"expected a number, got {_name(value)}")
        if not math.isfinite(value):
            raise InvalidValue(attribute.name, f"{value} is not a finite number")
        if value < low:
            raise InvalidValue(attribute.name, f"{value:g} is below {low:g}")
        if high is not None and value > high:
            raise InvalidValue(attribute.name, f"{value:g} is above {high:g}")

    return check


def real(value: Any) -> Any:
    """Converter for real-valued fields: a whole number becomes a float (``0`` -> ``0.0``), so
    equal values write the same JSON whichever way they were given; anything else is left for
    the validator to judge (``True`` stays a bool and is refused)."""
    return float(value) if type(value) is int else value


def nrs(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A 0-10 numeric rating scale pain score."""
    integer(0, 10)(instance, attribute, value)


def one_of(allowed: Iterable[object], what: str) -> Check[Any]:
    """One of a fixed set of values (for example the sides a finding may have)."""
    allowed = frozenset(allowed)

    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value not in allowed:
            raise InvalidValue(attribute.name, f"{value!s} is not {what}")

    return check


def items(
    kind: type[Any] | tuple[type[Any], ...],
    *,
    unique: bool = False,
    nonempty: bool = False,
    ordered: bool = False,
) -> Check[Any]:
    """A tuple whose members are all ``kind``; optionally non-empty, unique and sorted."""
    names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))

    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        field = attribute.name
        if not isinstance(value, tuple):
            raise InvalidValue(field, f"expected a tuple, got {_name(value)}")
        if nonempty and not value:
            raise InvalidValue(field, "must not be empty")
        for i, member in enumerate(value):
            if not isinstance(member, kind):
                raise InvalidValue(f"{field}[{i}]", f"expected {names}, got {_name(member)}")
        if unique and len(set(value)) != len(value):
            seen: dict[object, int] = {}
            for j, member in enumerate(value):
                if member in seen:
                    raise InvalidValue(field, _twice(member, seen[member], j))
                seen[member] = j
        if ordered and list(value) != sorted(value):
            raise InvalidValue(field, "must be in anatomical order, from the skull down")

    return check


def _twice(member: object, first: int, again: int) -> str:
    """What is wrong with a duplicate: enum members and values are named, plain text
    (identifiers, free text) never is, only where it is."""
    if isinstance(member, str) and not isinstance(member, enum.Enum):
        return f"is listed twice (entries {first} and {again} are the same)"
    return f"{member!s} is listed twice"


def text(max_length: int) -> Check[Any]:
    """Non-blank text of at most ``max_length`` characters."""

    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, str):
            raise InvalidValue(attribute.name, f"expected text, got {_name(value)}")
        if not value.strip():
            raise InvalidValue(attribute.name, "must not be blank")
        if len(value) > max_length:
            raise InvalidValue(attribute.name, f"is longer than {max_length} characters")

    return check
