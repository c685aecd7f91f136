"""The exceptions spinepath raises, under one base class that callers can catch."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "IllegalTransition",
    "InvalidDocument",
    "InvalidRecord",
    "InvalidValue",
    "SpinepathError",
]


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
    """A JSON or TOML document that cannot be read; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[str], *, what: str = "document") -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        count = len(self.problems)
        head = f"invalid {what}: {count} problem{'s' if count != 1 else ''}"
        super().__init__("\n  ".join((head, *self.problems)))


class IllegalTransition(SpinepathError):
    """An event the pathway does not allow now; ``failed`` lists every failed precondition."""

    def __init__(self, action: str, failed: Iterable[str]) -> None:
        self.action = action
        self.failed: tuple[str, ...] = tuple(failed)
        lines = "\n  ".join(self.failed)
        super().__init__(f"{action} is not legal now:\n  {lines}")
