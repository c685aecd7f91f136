"""Turn structuring failures into problems (path, code, message), one for every problem found.

The converter's hooks raise cattrs' exception groups (``ClassValidationError`` and
``IterableValidationError``) whose members carry the standard cattrs notes naming the attribute
or index they failed at; the leaves are :class:`~spinepath.errors.InvalidValue`, whose ``field``
is a path relative to the object that raised it. Walking the tree joins the two into paths such
as ``("events", 3, "outcome", "relief_percent")``, written ``events[3].outcome.relief_percent``.
"""

from __future__ import annotations

import re

from cattrs.errors import AttributeValidationNote, IterableValidationNote

from spinepath.errors import InvalidValue, Path, Problem, quoted

__all__ = ["NotRead", "describe", "join", "key", "problems", "quoted"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SHORT = 40


class NotRead(Exception):
    """Stands for the rest of an array left unread once a document showed enough problems; it
    fails the array (so nothing is built from part of it) but is no problem of its own."""


def join(path: str, child: str) -> str:
    """``join("events[2]", "date")`` is ``events[2].date``; either side may be empty."""
    if not path:
        return child
    if not child:
        return path
    if child.startswith("["):
        return path + child
    return f"{path}.{child}"


def key(name: str) -> str:
    """A path step for an object key: ``date`` as is, anything unusual quoted in brackets."""
    return name if _NAME.fullmatch(name) else f"[{quoted(name)}]"


def describe(value: object) -> str:
    """Say what a JSON value is without echoing free text (strings are not quoted)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        text = repr(value)
        return text if len(text) <= _SHORT else f"a {len(text)}-digit number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def problems(error: BaseException, path: Path = ()) -> list[Problem]:
    """Every problem in ``error`` (a leaf or an exception group), each with its path from the
    document's root (``path`` is where ``error`` was raised)."""
    if isinstance(error, NotRead):
        return []
    if isinstance(error, InvalidValue):
        return [Problem(error.problem, (*path, *error.path))]
    if isinstance(error, BaseExceptionGroup):
        found: list[Problem] = []
        for member in error.exceptions:
            found.extend(problems(member, _member_path(path, member)))
        return found
    return [Problem(str(error) or type(error).__name__, path)]


def _member_path(path: Path, member: BaseException) -> Path:
    for note in getattr(member, "__notes__", ()):
        if isinstance(note, AttributeValidationNote):
            return (*path, note.name)
        if isinstance(note, IterableValidationNote):
            return (*path, note.index)
    return path
