"""The exceptions spinepath raises, under one base class that callers can catch."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "MAX_PROBLEMS",
    "IllegalTransition",
    "InvalidDocument",
    "InvalidRecord",
    "InvalidValue",
    "SpinepathError",
]


MAX_PROBLEMS = 100
"""How many problems an :class:`InvalidDocument` lists before one last "and N more" entry."""


class SpinepathError(Exception):
    """Base class of every error spinepath raises on purpose."""


class InvalidValue(SpinepathError, ValueError):
    """A value that cannot exist: an NRS of 11, a relief of 140%, a stop date before its start.

    ``field`` names the offending field (a dotted path when known) and ``problem`` says what is
    wrong with it, so that messages read ``relief_percent: 140 is above 100``.
    """

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}" if field else problem)


class InvalidRecord(InvalidValue):
    """A patient record whose events contradict each other (out of order, before birth, ...)."""


class InvalidDocument(SpinepathError, ValueError):
    """A JSON or TOML document that cannot be read.

    ``problems`` lists the problems found, each as ``path: problem``: the first
    :data:`MAX_PROBLEMS` of them and then, when there are more, one last entry saying how many
    (``and 299900 more problems``), so that a hostile document cannot flood a log. ``total``
    counts every problem found. ``complete`` is false when reading stopped early because a
    document had thousands of problems; ``total`` is then a lower bound.

    Pass ``total`` (and ``complete``) when re-raising another error's ``problems`` under a new
    name, so that its count is kept.
    """

    def __init__(
        self,
        problems: Iterable[str],
        *,
        what: str = "document",
        total: int | None = None,
        complete: bool = True,
    ) -> None:
        found = tuple(problems)
        listed = found[:MAX_PROBLEMS]
        self.total: int = max(len(found), total or 0)
        self.complete: bool = complete
        more = self.total - len(listed)
        if not complete:
            listed = (*listed, f"and at least {more} more problems" if more else "and perhaps more")
        elif more:
            listed = (*listed, f"and {more} more problem{'s' if more != 1 else ''}")
        self.problems: tuple[str, ...] = listed
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
