"""Condition expressions: small composable trees over named facts of a record.

A condition such as ``facet_signs & mbb_positive`` is data, not a lambda, so one definition can
be evaluated on a record and explain which parts held and which failed, and be rendered as text
for the docs and diagrams. Leaves name facts; what a fact means for a record lives in
:mod:`spinepath.rules.facts`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import attrs

from spinepath.rules.actions import Action

__all__ = [
    "All",
    "AnyOf",
    "Condition",
    "Explanation",
    "Fact",
    "FactSource",
    "Not",
    "fact",
    "one_of",
]


class FactSource(Protocol):
    """What a condition is evaluated against: the facts of one record on one date."""

    def holds(self, name: str, action: Action) -> bool: ...

    def describe(self, name: str, action: Action, held: bool) -> str: ...


@attrs.frozen
class Explanation:
    """The outcome of evaluating a condition: whether it held, and the facts either way."""

    holds: bool
    held: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()


class Condition:
    """Base of the expression tree; combine with ``&``, ``|`` and ``~``."""

    def evaluate(self, facts: FactSource, action: Action) -> Explanation:
        raise NotImplementedError

    def check(self, facts: FactSource, action: Action) -> bool:
        """Whether the condition holds, without building an explanation."""
        raise NotImplementedError

    def names(self) -> frozenset[str]:
        """Every fact name the condition mentions."""
        raise NotImplementedError

    def render(self) -> str:
        """The condition as an expression, e.g. ``facet_signs & ~mbb_complete``."""
        raise NotImplementedError

    def python(self, leaf: Callable[[str], str]) -> str:
        """The condition as a Python expression; ``leaf(name)`` writes each fact's lookup."""
        raise NotImplementedError

    def __and__(self, other: Condition) -> All:
        return All((*_parts(self, All), *_parts(other, All)))

    def __or__(self, other: Condition) -> AnyOf:
        return AnyOf((*_parts(self, AnyOf), *_parts(other, AnyOf)))

    def __invert__(self) -> Condition:
        return self.part if isinstance(self, Not) else Not(self)

    def __str__(self) -> str:
        return self.render()


def _parts(condition: Condition, kind: type[All] | type[AnyOf]) -> tuple[Condition, ...]:
    return condition.parts if isinstance(condition, kind) else (condition,)


@attrs.frozen(repr=False)
class Fact(Condition):
    """A leaf: a named fact of the record, possibly about the action's target."""

    name: str

    def evaluate(self, facts: FactSource, action: Action) -> Explanation:
        held = facts.holds(self.name, action)
        text = facts.describe(self.name, action, held)
        return Explanation(True, (text,), ()) if held else Explanation(False, (), (text,))

    def check(self, facts: FactSource, action: Action) -> bool:
        return facts.holds(self.name, action)

    def names(self) -> frozenset[str]:
        return frozenset({self.name})

    def render(self) -> str:
        return self.name

    def python(self, leaf: Callable[[str], str]) -> str:
        return leaf(self.name)

    def __repr__(self) -> str:
        return f"Fact({self.name!r})"


@attrs.frozen(repr=False)
class All(Condition):
    """Every part holds; when it fails, every failing part is reported."""

    parts: tuple[Condition, ...]

    def evaluate(self, facts: FactSource, action: Action) -> Explanation:
        held: list[str] = []
        failed: list[str] = []
        holds = True
        for part in self.parts:
            result = part.evaluate(facts, action)
            if result.holds:
                held.extend(result.held)
            else:
                holds = False
                failed.extend(result.failed)
        return Explanation(holds, tuple(held), tuple(failed))

    def check(self, facts: FactSource, action: Action) -> bool:
        return all(part.check(facts, action) for part in self.parts)

    def names(self) -> frozenset[str]:
        return frozenset().union(*(p.names() for p in self.parts))

    def render(self) -> str:
        return " & ".join(_wrap(p) for p in self.parts)

    def python(self, leaf: Callable[[str], str]) -> str:
        return "(" + " and ".join(p.python(leaf) for p in self.parts) + ")"

    def __repr__(self) -> str:
        return f"All({self.parts!r})"


@attrs.frozen(repr=False)
class AnyOf(Condition):
    """At least one part holds; when none does, the failure reads as a choice: one of the
    alternatives is needed, with the first obstacle on each (:func:`one_of`)."""

    parts: tuple[Condition, ...]

    def evaluate(self, facts: FactSource, action: Action) -> Explanation:
        held, obstacles = self._alternatives(facts, action)
        if held is not None:
            return held
        return Explanation(False, (), (one_of(obstacles),) if obstacles else ())

    def _alternatives(
        self, facts: FactSource, action: Action
    ) -> tuple[Explanation | None, tuple[str, ...]]:
        """The first alternative that holds (with what held), else None and the first
        obstacle on each alternative path, in order."""
        obstacles: list[str] = []
        for part in self.parts:
            result = part.evaluate(facts, action)
            if result.holds:
                return Explanation(True, result.held, ()), ()
            obstacles.extend(result.failed[:1])
        return None, tuple(obstacles)

    def check(self, facts: FactSource, action: Action) -> bool:
        return any(part.check(facts, action) for part in self.parts)

    def names(self) -> frozenset[str]:
        return frozenset().union(*(p.names() for p in self.parts))

    def render(self) -> str:
        return " | ".join(_wrap(p) for p in self.parts)

    def python(self, leaf: Callable[[str], str]) -> str:
        return "(" + " or ".join(p.python(leaf) for p in self.parts) + ")"

    def __repr__(self) -> str:
        return f"AnyOf({self.parts!r})"


@attrs.frozen(repr=False)
class Not(Condition):
    """The part does not hold; its failure texts become this condition's held texts (for a
    choice, each alternative's obstacle: none of them holds) and its held texts the failed."""

    part: Condition

    def evaluate(self, facts: FactSource, action: Action) -> Explanation:
        if isinstance(self.part, AnyOf):  # "none of": each alternative's obstacle holds
            held, obstacles = self.part._alternatives(facts, action)
            if held is None:
                return Explanation(True, obstacles, ())
            return Explanation(False, (), held.held)
        result = self.part.evaluate(facts, action)
        return Explanation(not result.holds, result.failed, result.held)

    def check(self, facts: FactSource, action: Action) -> bool:
        return not self.part.check(facts, action)

    def names(self) -> frozenset[str]:
        return self.part.names()

    def render(self) -> str:
        return f"~{_wrap(self.part)}"

    def python(self, leaf: Callable[[str], str]) -> str:
        return f"(not {self.part.python(leaf)})"

    def __repr__(self) -> str:
        return f"Not({self.part!r})"


def _wrap(condition: Condition) -> str:
    text = condition.render()
    return f"({text})" if isinstance(condition, All | AnyOf) and len(condition.parts) > 1 else text


def one_of(obstacles: tuple[str, ...]) -> str:
    """How a failed choice of alternatives reads: one of them is needed, and the first obstacle
    on each path (``obstacles``, one a path, in order) says why none holds.

    ``needs one of 2 alternatives, neither holds: [no positive MBB at C4-5 right; or no earlier
    RFA at C4-5 right]``. The brackets close the list, so the texts that follow it in the same
    reason (joined with ``"; "``) are not read as part of its last alternative, and a choice
    nested in an alternative reads as a bracketed list of its own. A single obstacle (the
    other paths gave no text) is the obstacle itself.
    """
    if len(obstacles) == 1:
        return obstacles[0]
    none = "neither holds" if len(obstacles) == 2 else "none holds"
    return f"needs one of {len(obstacles)} alternatives, {none}: [{'; or '.join(obstacles)}]"


def fact(name: str) -> Fact:
    """A leaf condition naming a fact of :mod:`spinepath.rules.facts`."""
    return Fact(name)
