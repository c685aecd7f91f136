"""The one configured cattrs converter: strict, lossless, and exhaustive about what is wrong.

Unstructuring gives JSON-ready values: dates as ``YYYY-MM-DD``, enums by value, tuples as lists,
and every event and imaging finding tagged with its class's ``kind``. Structuring is strict (an
integer field takes only integers, a text field only strings, unknown keys are refused) and does
not stop at the first problem: each attrs class is built field by field, running each field's
validator on its own, so that one failure reports every bad field with its path. The hooks raise
cattrs' exception groups with the standard attribute and index notes, and leaves that are
:class:`~spinepath.errors.InvalidValue`; :func:`spinepath.io.problems.problems` turns them into
``events[3].outcome.relief_percent: 140 is above 100`` lines.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import enum
import itertools
import math
import re
import types
import typing
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    IterableValidationError,
    IterableValidationNote,
)

from spinepath.errors import InvalidValue
from spinepath.io.problems import NotRead, describe, key, quoted
from spinepath.model import (
    EVENT_TYPES,
    IMAGING_FINDINGS,
    AnyEvent,
    Event,
    ImagingFinding,
    Intervention,
    Surgery,
)

__all__ = [
    "MAX_FAILURES",
    "TAG",
    "ProblemBudget",
    "converter",
    "make_converter",
    "problem_budget",
    "tagged_types",
]

TAG = "kind"
"""The key that names an event's or an imaging finding's concrete type in a document."""

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

StructureHook = Callable[[Any, Any], Any]
UnstructureHook = Callable[[Any], Any]

MAX_FAILURES = 1_000
"""Failures one structuring call records (bad array items, unknown keys) before it stops."""


@attrs.define
class ProblemBudget:
    """Bounds the work of structuring a document with very many problems.

    Each failed array item and each unknown key spends one of ``left``. Once none is left,
    arrays are read no further (``stopped``) and unknown keys are counted (``unlisted``) rather
    than described: a document of a million bad events costs as much as one of a thousand.
    """

    left: int = MAX_FAILURES
    unlisted: int = 0
    stopped: bool = False


_BUDGET: contextvars.ContextVar[ProblemBudget | None] = contextvars.ContextVar(
    "spinepath_io_problem_budget", default=None
)


@contextlib.contextmanager
def problem_budget(limit: int = MAX_FAILURES) -> Iterator[ProblemBudget]:
    """Structure under a fresh budget within the ``with`` block (per thread and task)."""
    budget = ProblemBudget(limit)
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


def tagged_types(declared: object) -> tuple[type[Any], ...] | None:
    """The concrete classes a declared type stands for when it is read as a tagged union.

    ``Event``, ``Intervention`` and ``Surgery`` (abstract bases) and the unions ``AnyEvent`` and
    ``ImagingFinding`` are read by their ``kind``; any other type answers ``None``.
    """
    if declared in (Event, Intervention, Surgery):
        assert isinstance(declared, type)
        return tuple(t for t in EVENT_TYPES if issubclass(t, declared))
    if _is_union(declared):
        members = frozenset(typing.get_args(declared))
        if members == frozenset(typing.get_args(AnyEvent)):
            return EVENT_TYPES
        if members == frozenset(typing.get_args(ImagingFinding)):
            return IMAGING_FINDINGS
    return None


def make_converter() -> cattrs.Converter:
    """A new converter configured for the spinepath model (the module-level one is shared)."""
    conv = cattrs.Converter(forbid_extra_keys=True)

    # -- unstructuring ----------------------------------------------------------------------
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    for base in (enum.Enum, enum.StrEnum, enum.IntEnum):  # str enums would otherwise hit str
        conv.register_unstructure_hook(base, _enum_value)
    conv.register_unstructure_hook_func(
        lambda t: t is tuple or _is_tuple(t),
        lambda value: [conv.unstructure(item) for item in value],
    )
    conv.register_unstructure_hook_factory(attrs.has, lambda cls: _unstructure_attrs(conv, cls))

    # -- structuring: leaves (singledispatch, so these also catch str/int enum subclasses) ---
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(float, _structure_float)
    conv.register_structure_hook(dt.date, _structure_date)
    conv.register_structure_hook(enum.Enum, _structure_enum)
    conv.register_structure_hook(enum.StrEnum, _structure_enum)
    conv.register_structure_hook(enum.IntEnum, _structure_enum)

    # -- structuring: containers and classes (later registrations take precedence) -----------
    conv.register_structure_hook_factory(attrs.has, lambda cls: _structure_attrs(conv, cls))
    conv.register_structure_hook_factory(_is_union, lambda t: _structure_union(conv, t))
    conv.register_structure_hook_factory(_is_tuple, lambda t: _structure_tuple(conv, t))
    conv.register_structure_hook_factory(
        lambda t: tagged_types(t) is not None, lambda t: _structure_tagged(conv, t)
    )
    return conv


# -- unstructuring ------------------------------------------------------------------------------


def _tag_of(cls: type[Any]) -> str | None:
    tag = getattr(cls, TAG, None)
    if isinstance(tag, str) and TAG not in attrs.fields_dict(cls):
        return tag
    return None


def _enum_value(member: enum.Enum) -> Any:
    return member.value


def _unstructure_attrs(conv: cattrs.Converter, cls: type[Any]) -> UnstructureHook:
    fields = [(a.name, a.alias) for a in attrs.fields(cls) if a.init]
    tag = _tag_of(cls)

    def unstructure(obj: Any) -> dict[str, Any]:
        if type(obj) is not cls:  # declared as a base class: write the runtime class
            return conv.unstructure(obj)  # type: ignore[no-any-return]
        out: dict[str, Any] = {TAG: tag} if tag is not None else {}
        for name, alias in fields:
            out[alias] = conv.unstructure(getattr(obj, name))
        return out

    return unstructure


# -- structuring: leaves --------------------------------------------------------------------


def _structure_str(value: Any, _: Any) -> str:
    if not isinstance(value, str):
        raise InvalidValue("", f"expected a string, got {describe(value)}")
    return value


def _structure_bool(value: Any, _: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue("", f"expected true or false, got {describe(value)}")
    return value


def _structure_int(value: Any, _: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidValue("", f"expected a whole number, got {describe(value)}")
    return value


def _structure_float(value: Any, _: Any) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise InvalidValue("", f"expected a number, got {describe(value)}")
    try:
        number = float(value)
    except OverflowError:
        raise InvalidValue("", f"{describe(value)} is out of range for a number") from None
    if not math.isfinite(number):
        raise InvalidValue("", f"{describe(value)} is not a finite number")
    return number


def _structure_date(value: Any, _: Any) -> dt.date:
    if not isinstance(value, str):
        raise InvalidValue("", f"expected a date as YYYY-MM-DD, got {describe(value)}")
    if not _DATE.fullmatch(value):
        raise InvalidValue("", "expected a date as YYYY-MM-DD, got a string in another form")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidValue("", f"{value!r} is not a calendar date") from None


def _structure_enum(value: Any, cls: type[enum.Enum]) -> enum.Enum:
    members = list(cls)
    for member in members:
        if type(member.value) is type(value) and member.value == value:
            return member
    values = ", ".join(repr(m.value) for m in members)
    if isinstance(value, str):
        raise InvalidValue("", f"{quoted(value)} is not one of {values}")
    raise InvalidValue("", f"{describe(value)} is not one of {values}")


# -- structuring: containers and classes ----------------------------------------------------


def _is_union(t: Any) -> bool:
    return typing.get_origin(t) in (typing.Union, types.UnionType)


def _is_tuple(t: Any) -> bool:
    return typing.get_origin(t) is tuple


def _structure_union(conv: cattrs.Converter, union: Any) -> StructureHook:
    members = typing.get_args(union)
    others = tuple(m for m in members if m is not type(None))
    if len(others) == len(members):
        raise TypeError(f"spinepath.io reads only optional and tagged unions, not {union}")
    inner: Any = others[0] if len(others) == 1 else typing.Union[others]  # noqa: UP007

    def structure(value: Any, _: Any) -> Any:
        if value is None:
            return None
        return conv.structure(value, inner)

    return structure


def _structure_tuple(conv: cattrs.Converter, declared: Any) -> StructureHook:
    args = typing.get_args(declared)
    if len(args) != 2 or args[1] is not Ellipsis:
        raise TypeError(f"spinepath.io reads only homogeneous tuples, not {declared}")
    item_type = args[0]
    hook = conv.get_structure_hook(item_type)

    def structure(value: Any, _: Any) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise InvalidValue("", f"expected an array, got {describe(value)}")
        items: list[Any] = []
        errors: list[Exception] = []
        budget = _BUDGET.get()
        for index, item in enumerate(value):
            if budget is not None and budget.left <= 0:
                budget.stopped = True
                unread = NotRead()
                unread.add_note(IterableValidationNote(f"@ index {index}", index, item_type))
                errors.append(unread)
                break
            try:
                items.append(hook(item, item_type))
            except Exception as error:
                error.add_note(IterableValidationNote(f"@ index {index}", index, item_type))
                errors.append(error)
                if budget is not None:
                    budget.left -= 1
        if errors:
            raise IterableValidationError(f"While structuring {declared}", errors, declared)
        return tuple(items)

    return structure


def _structure_tagged(conv: cattrs.Converter, declared: Any) -> StructureHook:
    concrete = tagged_types(declared) or ()
    by_tag = {t.kind: t for t in concrete}
    choices = ", ".join(repr(tag) for tag in sorted(by_tag))

    def structure(value: Any, _: Any) -> Any:
        if not isinstance(value, dict):
            raise InvalidValue("", f"expected an object, got {describe(value)}")
        if TAG not in value:
            raise InvalidValue(TAG, f"required field is missing (one of {choices})")
        tag = value[TAG]
        cls = by_tag.get(tag) if isinstance(tag, str) else None
        if cls is None:
            shown = quoted(tag) if isinstance(tag, str) else describe(tag)
            raise InvalidValue(TAG, f"{shown} is not one of {choices}")
        return conv.structure(value, cls)

    return structure


def _structure_attrs(conv: cattrs.Converter, cls: type[Any]) -> StructureHook:
    attrs.resolve_types(cls)
    fields = [a for a in attrs.fields(cls) if a.init]
    tag = _tag_of(cls)
    known = {a.alias for a in fields} | ({TAG} if tag is not None else set())
    hooks = {a.alias: conv.get_structure_hook(a.type) for a in fields}

    def structure(value: Any, _: Any) -> Any:
        if not isinstance(value, dict):
            raise InvalidValue("", f"expected an object, got {describe(value)}")
        errors: list[Exception] = []
        if tag is not None and TAG in value and value[TAG] != tag:
            shown = quoted(value[TAG]) if isinstance(value[TAG], str) else describe(value[TAG])
            errors.append(InvalidValue(TAG, f"{shown} is not {tag!r}"))
        unknown = value.keys() - known
        if unknown:
            budget = _BUDGET.get()
            listed = len(unknown) if budget is None else max(0, min(len(unknown), budget.left))
            if budget is not None:
                budget.left -= listed
                budget.unlisted += len(unknown) - listed
            in_order = (name for name in value if name in unknown)
            errors.extend(
                InvalidValue(
                    _key(name), "unknown field", path=(name,) if isinstance(name, str) else None
                )
                for name in itertools.islice(in_order, listed)
            )
        kwargs: dict[str, Any] = {}
        for a in fields:
            if a.alias not in value:
                if a.default is attrs.NOTHING:
                    errors.append(InvalidValue(a.alias, "required field is missing"))
                continue
            try:
                field_value = hooks[a.alias](value[a.alias], a.type)
            except Exception as error:
                error.add_note(AttributeValidationNote(f"@ attribute {a.alias}", a.alias, a.type))
                errors.append(error)
                continue
            problem = _validate(a, field_value)
            if problem is not None:
                errors.append(problem)
                continue
            kwargs[a.alias] = field_value
        if not errors:
            try:
                return cls(**kwargs)
            except InvalidValue as error:  # a cross-field check in __attrs_post_init__
                errors.append(error)
        raise ClassValidationError(f"While structuring {cls.__name__}", errors, cls)

    return structure


def _validate(a: attrs.Attribute[Any], value: Any) -> InvalidValue | None:
    """Run one field's validator alone (the model's validators read only the value)."""
    if a.validator is None:
        return None
    try:
        a.validator(None, a, value)
    except InvalidValue as error:
        return error
    except Exception:  # a validator that needs the instance: the constructor will run it
        return None
    return None


def _key(name: object) -> str:
    """A path step for an unknown key, quoted when it is not a plain name."""
    return key(name) if isinstance(name, str) else f"[{quoted(repr(name))}]"


converter: cattrs.Converter = make_converter()
"""The shared converter; ``converter.unstructure(x)`` gives JSON-ready data for any model value."""
