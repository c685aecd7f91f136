"""Integer tables the fast path keeps for a whole process, grown and read with numpy.

A simulation step asks the same question of tens of thousands of patients at once ("which
history node follows this one?"); these tables answer it for whole arrays with
``searchsorted`` so that only new keys cost Python time.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from spinepath.rules.actions import Action

__all__ = ["HashTable", "Histories"]

I64 = npt.NDArray[np.int64]


class HashTable:
    """A map from 128-bit keys (two int64 arrays) to int64 values, looked up for many keys at
    once with numpy (sorted keys and ``searchsorted``); only misses cost Python time.

    New keys go to a small sorted run that is merged into the main one when it grows past a
    quarter of it, so adding keys step after step does not re-sort everything each time.
    """

    def __init__(self) -> None:
        empty = np.zeros(0, dtype=np.int64)
        self._runs: list[tuple[I64, I64, I64]] = [(empty, empty, empty), (empty, empty, empty)]
        self._overflow: dict[tuple[int, int], int] = {}
        self._pending: list[tuple[I64, I64, I64]] = []

    def __len__(self) -> int:
        self._flush()
        return sum(int(run[0].size) for run in self._runs) + len(self._overflow)

    def get(self, h1: I64, h2: I64) -> I64:
        """The value of each key, -1 where there is none."""
        self._flush()
        out = np.full(h1.shape, -1, dtype=np.int64)
        for keys1, keys2, values in self._runs:
            if not keys1.size:
                continue
            at = np.minimum(np.searchsorted(keys1, h1), keys1.size - 1)
            hit = (keys1[at] == h1) & (keys2[at] == h2)
            out[hit] = values[at[hit]]
        if self._overflow:
            for i in np.flatnonzero(out < 0).tolist():
                out[i] = self._overflow.get((int(h1[i]), int(h2[i])), -1)
        return out

    def put(self, h1: I64, h2: I64, values: I64) -> None:
        """Add keys (not already present) with their values."""
        self._pending.append((h1.astype(np.int64), h2.astype(np.int64), values.astype(np.int64)))

    def _flush(self) -> None:
        if not self._pending:
            return
        main, recent = self._runs
        recent = self._sorted(
            np.concatenate([recent[0], *(p[0] for p in self._pending)]),
            np.concatenate([recent[1], *(p[1] for p in self._pending)]),
            np.concatenate([recent[2], *(p[2] for p in self._pending)]),
        )
        self._pending.clear()
        if recent[0].size > max(4096, main[0].size // 4):
            main = self._sorted(
                *(np.concatenate([a, b]) for a, b in zip(main, recent, strict=True))
            )
            empty = np.zeros(0, dtype=np.int64)
            recent = (empty, empty, empty)
        self._runs = [main, recent]

    def _sorted(self, h1: I64, h2: I64, values: I64) -> tuple[I64, I64, I64]:
        order = np.lexsort((h2, h1))
        h1, h2, values = h1[order], h2[order], values[order]
        # the same first word twice (a 64-bit collision, or a key put twice): keep one in
        # the sorted arrays, the rest in a dictionary
        same = np.flatnonzero(h1[1:] == h1[:-1]) + 1
        if same.size:
            for i in same.tolist():
                if h2[i] != h2[i - 1]:
                    self._overflow[(int(h1[i]), int(h2[i]))] = int(values[i])
            keep = np.ones(h1.size, dtype=np.bool_)
            keep[same] = False
            h1, h2, values = h1[keep], h2[keep], values[keep]
        return h1, h2, values


class Histories:
    """Every patient's sequence of decisions, as a tree of integer nodes grown with numpy.

    Node 0 is the empty history; a child is a parent plus one decision. The actions of a
    history are assembled only when a policy asks for them.
    """

    def __init__(self) -> None:
        self._children = HashTable()
        self.parent: list[int] = [-1]
        self.decision: list[int] = [-1]
        self._actions: dict[int, tuple[Action, ...]] = {0: ()}

    def __len__(self) -> int:
        return len(self.parent)

    def advance(self, nodes: I64, decisions: I64) -> I64:
        found = self._children.get(nodes, decisions)
        missing = np.flatnonzero(found < 0)
        if missing.size:
            pairs = (nodes[missing] << 24) | decisions[missing]
            unique, back = np.unique(pairs, return_inverse=True)
            ids = np.arange(len(self.parent), len(self.parent) + unique.size, dtype=np.int64)
            self.parent.extend((unique >> 24).tolist())
            self.decision.extend((unique & 0xFFFFFF).tolist())
            self._children.put(unique >> 24, unique & 0xFFFFFF, ids)
            found[missing] = ids[back.reshape(-1)]
        return found

    def actions(self, node: int, table: Any) -> tuple[Action, ...]:
        """The actions of a history (``table[d].action`` for each decision ``d``)."""
        found = self._actions.get(node)
        if found is None:
            found = (*self.actions(self.parent[node], table), table[self.decision[node]].action)
            self._actions[node] = found
        return found
