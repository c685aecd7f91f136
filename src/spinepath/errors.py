"""The exceptions spinepath raises, under one base class that callers can catch."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, NoReturn

__all__ = [
    "MAX_PROBLEMS",
    "PROBLEM_CODES",
    "IllegalTransition",
    "InvalidDocument",
    "InvalidRecord",
    "InvalidValue",
    "Path",
    "Problem",
    "SpinepathError",
    "format_path",
    "problem_details",
]


MAX_PROBLEMS = 100
"""How many problems an :class:`InvalidDocument` lists before one last "and N more" entry."""


class SpinepathError(Exception):
    """Base class of every error spinepath raises on purpose."""


Path = tuple[str | int, ...]
"""Where a problem is in a document: object keys and array indexes, outermost first."""

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SHORT = 40


def quoted(text: str) -> str:
    """A short quoted excerpt of untrusted text (long text is cut, never echoed whole)."""
    return repr(text if len(text) <= _SHORT else text[:_SHORT] + "...")


def format_path(path: Path) -> str:
    """``("events", 3, "outcome", "relief_percent")`` as ``events[3].outcome.relief_percent``;
    a key that is not a plain name is quoted in brackets (``["a b"]``), cut when long."""
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        elif _NAME.fullmatch(step):
            text = f"{text}.{step}" if text else step
        else:
            text += f"[{quoted(step)}]"
    return text


_STEP = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]")


def _parse_path(text: str) -> Path | None:
    """The steps of a path written by :func:`format_path` from plain names and indexes, or
    None when ``text`` is not such a path."""
    steps: list[str | int] = []
    at = 0
    while at < len(text):
        match = _STEP.match(text, at)
        if match is None or (match.group(0).startswith(".") and not steps):
            return None
        name, index = match.groups()
        steps.append(name if name is not None else int(index))
        at = match.end()
    return tuple(steps) if steps else None


PROBLEM_CODES: tuple[tuple[str, str], ...] = (
    ("not valid JSON", "invalid_json"),
    ("not UTF-8", "invalid_encoding"),
    ("expected JSON text", "invalid_json"),
    ("duplicate key", "duplicate_key"),
    ("over the limit", "too_large"),
    ("nested deeper", "too_deep"),
    ("required field is missing", "missing_field"),
    ("unknown field", "unknown_field"),
    ("is newer than", "unsupported_version"),
    ("is too old", "unsupported_version"),
    ("is not a version", "unsupported_version"),
    ("expected ", "wrong_type"),
    ("is not one of", "not_allowed"),
    ("is not a calendar date", "invalid_date"),
)
"""How a problem's ``code`` is told from its message when none is given: the first entry
whose text the message contains; otherwise ``invalid_value`` (a value the model refuses)."""


def _code_of(message: str) -> str:
    for text, code in PROBLEM_CODES:
        if text in message:
            return code
    return "invalid_value"


class Problem(str):
    """One problem of a document: where (``path``), what kind (``code``), and ``message``.

    It is also its own one-line text, ``events[3].outcome.relief_percent: 140 is above 100``,
    so it prints, compares and serialises as the plain string earlier releases listed.
    ``code`` is one of a few stable words a program can branch on: ``invalid_json``,
    ``invalid_encoding``, ``duplicate_key``, ``too_large``, ``too_deep``, ``missing_field``,
    ``unknown_field``, ``unsupported_version``, ``wrong_type``, ``not_allowed``,
    ``invalid_date``, ``invalid_value``, and ``truncated`` for the closing "and N more" entry.
    """

    path: Path
    code: str
    message: str

    def __new__(cls, message: str, path: Path = (), code: str | None = None) -> Problem:
        where = format_path(path)
        self = super().__new__(cls, f"{where}: {message}" if where else message)
        object.__setattr__(self, "path", tuple(path))
        object.__setattr__(self, "code", code or _code_of(message))
        object.__setattr__(self, "message", message)
        return self

    @classmethod
    def of(cls, line: str) -> Problem:
        """A problem from a ``path: message`` line (or from a problem, returned as is)."""
        if isinstance(line, Problem):
            return line
        head, sep, rest = line.partition(": ")
        path = _parse_path(head) if sep else None
        return cls(rest, path) if path is not None else cls(line)

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"a Problem is immutable ({name})")

    def __reduce__(self) -> tuple[Any, ...]:
        return (Problem, (self.message, self.path, self.code))

    @property
    def pointer(self) -> str:
        """The path as a JSON Pointer (RFC 6901): ``/events/3/outcome/relief_percent``."""
        return "".join("/" + str(step).replace("~", "~0").replace("/", "~1") for step in self.path)

    def to_dict(self) -> dict[str, Any]:
        """``{"path": [...], "pointer": "/...", "code": ..., "message": ...}``."""
        return {
            "path": list(self.path),
            "pointer": self.pointer,
            "code": self.code,
            "message": self.message,
        }


class InvalidValue(SpinepathError, ValueError):
    """A value that cannot exist: an NRS of 11, a relief of 140%, a stop date before its start.

    ``field`` names the offending field (a dotted path when known) and ``problem`` says what is
    wrong with it, so that messages read ``relief_percent: 140 is above 100``.
    """

    def __init__(self, field: str, problem: str, *, path: Path | None = None) -> None:
        self.field = field
        self.problem = problem
        if path is None:
            path = _parse_path(field) if field else ()
            path = (field,) if path is None else path
        self.path: Path = path
        """``field`` as steps (keys and indexes), relative to the object that raised it."""
        super().__init__(f"{field}: {problem}" if field else problem)


class InvalidRecord(InvalidValue):
    """A patient record whose events contradict each other (out of order, before birth, ...)."""


class InvalidDocument(SpinepathError, ValueError):
    """A JSON or TOML document that cannot be read.

    ``problems`` lists the problems found, each a :class:`Problem` (path, code, message, and
    the text ``path: problem``): the first
    :data:`MAX_PROBLEMS` of them and then, when there are more, one last entry saying how many
    (``and 299900 more problems``), so that a hostile document cannot flood a log. ``total``
    counts every problem found. ``complete`` is false when reading stopped early because a
    document had thousands of problems; ``total`` is then a lower bound.

    Pass ``total`` (and ``complete``) when re-raising another error's ``problems`` under a new
    name, so that its count is kept.
    """

    def __init__(
        self,
        problems: Iterable[str | Problem],
        *,
        what: str = "document",
        total: int | None = None,
        complete: bool = True,
    ) -> None:
        found = tuple(problems)
        listed = tuple(Problem.of(p) for p in found[:MAX_PROBLEMS])
        self.total: int = max(len(found), total or 0)
        self.complete: bool = complete
        more = self.total - len(listed)
        if not complete:
            last = f"and at least {more} more problems" if more else "and perhaps more"
            listed = (*listed, Problem(last, code="truncated"))
        elif more:
            last = f"and {more} more problem{'s' if more != 1 else ''}"
            listed = (*listed, Problem(last, code="truncated"))
        self.problems: tuple[Problem, ...] = listed
        count = f"{self.total} problem{'s' if self.total != 1 else ''}"
        head = f"invalid {what}: {count}" if complete else f"invalid {what}: at least {count}"
        super().__init__("\n  ".join((head, *self.problems)))


class IllegalTransition(SpinepathError):
    """An event the pathway does not allow now; ``failed`` lists every failed precondition."""

    def __init__(self, action: str, failed: Iterable[str]) -> None:
        self.action = action
        self.failed: tuple[str, ...] = tuple(failed)
        lines = "\n  ".join(self.failed)
        super().__init__(f"{action} is not legal now:\n  {lines}")


_TYPES = "https://spinepath.invalid/problems/"


def problem_details(error: SpinepathError, *, instance: str | None = None) -> dict[str, Any]:
    """``error`` as an RFC 9457 problem details object a web service can return as is
    (``application/problem+json``).

    ``type`` names the kind of error (``.../invalid-document``), ``title`` says it in words,
    ``status`` is the HTTP status to answer with (422 for a document or value that cannot be
    read, 409 for an illegal transition), ``detail`` is the error's one-line summary and
    ``problems`` lists each problem with its path, JSON Pointer, code and message (an illegal
    transition lists its failed preconditions). No free text of the document is echoed.
    """
    details: dict[str, Any]
    if isinstance(error, InvalidDocument):
        details = {
            "type": _TYPES + "invalid-document",
            "title": "Invalid document",
            "status": 422,
            "detail": str(error).split("\n", 1)[0],
            "problems": [p.to_dict() for p in error.problems],
            "total": error.total,
            "complete": error.complete,
        }
    elif isinstance(error, InvalidValue):
        problem = Problem.of(str(error))
        details = {
            "type": _TYPES + "invalid-value",
            "title": "Invalid value",
            "status": 422,
            "detail": str(error),
            "problems": [problem.to_dict()],
        }
    elif isinstance(error, IllegalTransition):
        details = {
            "type": _TYPES + "illegal-transition",
            "title": "Illegal transition",
            "status": 409,
            "detail": f"{error.action} is not legal now",
            "problems": [
                {"path": [], "pointer": "", "code": "failed_precondition", "message": failed}
                for failed in error.failed
            ],
        }
    else:
        details = {
            "type": _TYPES + "error",
            "title": type(error).__name__,
            "status": 400,
            "detail": str(error).split("\n", 1)[0],
        }
    if instance is not None:
        details["instance"] = instance
    return details
