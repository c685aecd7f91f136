"""What the simulation numbers once per process: decisions, actions, histories of decisions.

Steps store integers; these registries say what the integers mean. They only grow, so a number
keeps its meaning for the life of the process (each chunk's result carries the decisions it
used, renumbered when results are merged).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from spinepath.anatomy import Side
from spinepath.model import Urgency
from spinepath.sim.records import Decision, DecisionTable
from spinepath.sim.tables import Histories

__all__ = [
    "DECISIONS",
    "LOCK",
    "HISTORIES",
    "decision_drugs",
    "decision_nerves",
    "decision_segments",
    "decision_series",
    "decision_side",
    "decision_urgent",
    "nerve_code",
]

I64 = npt.NDArray[np.int64]

DECISIONS = DecisionTable()
"""Every decision taken in this process, numbered in order of first use."""

HISTORIES = Histories()
"""Every sequence of decisions patients have followed (what a policy's context holds)."""

LOCK = threading.RLock()
"""Held while a chunk takes a step, so that chunks run on threads do not race for new
numbers (the work is numpy and Python under the GIL: threads gain little anyway)."""


def nerve_code(root: Any, side: Side) -> int:
    """A spinal nerve as ``root number * 4 + side`` (left 0, right 1)."""
    return int(root.value[1:]) * 4 + ("left", "right").index(side.value)


_CACHE: dict[str, tuple[int, I64]] = {}


def _lookup(name: str, of: Callable[[Decision], int]) -> I64:
    size, table = _CACHE.get(name, (0, np.zeros(0, dtype=np.int64)))
    if size != len(DECISIONS):
        table = np.array([of(d) for d in DECISIONS], dtype=np.int64)
        _CACHE[name] = (len(DECISIONS), table)
    return table


def decision_nerves() -> I64:
    """Per decision: the nerve its action reaches (:func:`nerve_code`), or -1."""

    def nerve(d: Decision) -> int:
        n = d.action.nerve
        return nerve_code(n.root, n.side) if n is not None else -1

    return _lookup("nerve", nerve)


def decision_segments() -> I64:
    """Per decision: a bit mask of the segments its action targets (bit i: ``Segment`` number
    i in declaration order, C2-3 first); 0 for actions without segments."""
    from spinepath.anatomy import Segment

    order = {segment: i for i, segment in enumerate(Segment)}
    return _lookup("segments", lambda d: sum(1 << order[s] for s in d.action.segments))


def decision_side() -> I64:
    """Per decision: the side its action targets (0 left, 1 right, 2 bilateral, 3 central), or
    -1."""
    sides = (Side.LEFT, Side.RIGHT, Side.BILATERAL, Side.CENTRAL)
    return _lookup("side", lambda d: -1 if d.action.side is None else sides.index(d.action.side))


def decision_series() -> I64:
    """Per decision: a medial branch block's place in its series (0 for other actions)."""
    return _lookup("series", lambda d: d.action.series_position or 0)


def decision_drugs() -> I64:
    """Per decision: 0 gabapentin, 1 pregabalin (0 for other actions)."""
    return _lookup(
        "drug",
        lambda d: (
            0 if d.action.drug is None else ("gabapentin", "pregabalin").index(d.action.drug.value)
        ),
    )


def decision_urgent() -> I64:
    """Per decision: 1 for an urgent consultation."""
    return _lookup("urgent", lambda d: int(d.action.urgency is Urgency.URGENT))
