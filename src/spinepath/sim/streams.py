"""One random stream per patient, addressed by the patient's index, computed for many at once.

A run's results must depend only on (parameters, policy, seed, n), never on how patients are
split into chunks or workers. So every random number a patient uses is a pure function of
``(seed, patient index, counter)``:

* the patient's key is the first 64 bits of ``numpy.random.SeedSequence(entropy=seed,
  spawn_key=(index,))`` (the same key ``SeedSequence(seed).spawn`` gives the index-th child);
  :func:`patient_keys` computes it for a whole array of indices with numpy, and is checked
  against numpy's own ``SeedSequence`` in the tests;
* draw number ``counter`` of that patient is the SplitMix64 output for state
  ``key + (counter + 1) * golden_gamma``, turned into a double in [0, 1) with 53 random bits.

Counter-based draws can be taken in any order and in bulk (all patients' k-th draw at once),
which is what lets the simulation kernel sample vectorised and still give each patient the same
numbers whatever the chunking. :class:`Slots` names which counter serves which purpose.
"""

from __future__ import annotations

import enum
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "BLOCK",
    "COHORT_BLOCKS",
    "Slot",
    "counter",
    "patient_keys",
    "uniform",
    "uniforms",
]

U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

_M32 = 0xFFFFFFFF
_M64 = 0xFFFFFFFFFFFFFFFF
# numpy.random.SeedSequence constants (O'Neill's seed_seq_fe, as numpy implements it)
_INIT_A = 0x43B0D7E5
_MULT_A = 0x931E8875
_INIT_B = 0x8B51F9DD
_MULT_B = 0x58F38DED
_MIX_MULT_L = 0xCA01F9DD
_MIX_MULT_R = 0x4973F715
_POOL = 4
# SplitMix64 (Steele, Lea and Flood 2014)
_GAMMA = 0x9E3779B97F4A7C15
_MIX1 = 0xBF58476D1CE4E5B9
_MIX2 = 0x94D049BB133111EB

BLOCK = 32
"""Counters per block: each simulated step owns one block of 32 draws."""

COHORT_BLOCKS = 2
"""Blocks 0 and 1 (64 draws) describe the patient on entry; step ``s`` uses block ``2 + s``."""


class Slot(enum.IntEnum):
    """What each draw of a step's block is for (so adding a use never shifts another)."""

    POLICY = 0  # 0-3: for policies that draw (StepContext.random)
    RESPONSE = 4
    RELIEF = 5
    DURATION_A = 6
    DURATION_B = 7
    CONFIRM = 8
    GAP_A = 9
    GAP_B = 10
    COMPLICATION = 11  # 11-15: one per possible complication of the step's intervention
    TRAJECTORY = 16
    ACCEPT = 17
    RESULT_A = 18
    RESULT_B = 19
    PROGRESSION_A = 20
    PROGRESSION_B = 21


def counter(step: int | I64, slot: int) -> Any:
    """The counter of ``slot`` in step ``step`` (vectorised over steps)."""
    return (COHORT_BLOCKS + step) * BLOCK + slot


def _words(value: int) -> list[int]:
    """``value`` as little-endian 32-bit words, as SeedSequence coerces an integer."""
    if value < 0:
        raise ValueError(f"seed must be a non-negative integer, got {value}")
    if value == 0:
        return [0]
    words = []
    while value:
        words.append(value & _M32)
        value >>= 32
    return words


def _seed_pool(seed: int) -> tuple[list[int], int]:
    """The SeedSequence pool after mixing the run entropy, and the hash constant after it."""
    entropy = _words(seed)
    entropy += [0] * (_POOL - len(entropy))  # numpy pads run entropy when a spawn key follows
    hash_const = _INIT_A

    def hashmix(value: int) -> int:
        nonlocal hash_const
        value ^= hash_const
        hash_const = (hash_const * _MULT_A) & _M32
        value = (value * hash_const) & _M32
        return value ^ (value >> 16)

    pool = [hashmix(entropy[i]) for i in range(_POOL)]
    for src in range(_POOL):
        for dst in range(_POOL):
            if src != dst:
                pool[dst] = _mix(pool[dst], hashmix(pool[src]))
    for extra in entropy[_POOL:]:
        for dst in range(_POOL):
            pool[dst] = _mix(pool[dst], hashmix(extra))
    return pool, hash_const


def _mix(x: int, y: int) -> int:
    result = (_MIX_MULT_L * x - _MIX_MULT_R * y) & _M32
    return result ^ (result >> 16)


def patient_keys(seed: int, indices: npt.ArrayLike) -> U64:
    """64-bit keys of the patients ``indices`` of a run seeded with ``seed``.

    Equal to ``SeedSequence(entropy=seed, spawn_key=(i,)).generate_state(1, np.uint64)[0]``
    for each index ``i`` (indices below 2**32).
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"seed must be an integer, got {type(seed).__name__}")
    index = np.asarray(indices, dtype=np.int64)
    if index.size and (index.min() < 0 or index.max() > _M32):
        raise ValueError("patient indices must lie in [0, 2**32)")
    pool, hash_const = _seed_pool(int(seed))
    value = index.astype(np.uint64)
    lanes = [np.full(value.shape, p, dtype=np.uint64) for p in pool]
    m32 = np.uint64(_M32)
    s16 = np.uint64(16)
    for dst in range(_POOL):
        # hashmix(index) with the running hash constant, then mix into pool[dst]
        mixed = value ^ np.uint64(hash_const)
        hash_const = (hash_const * _MULT_A) & _M32
        mixed = (mixed * np.uint64(hash_const)) & m32
        mixed ^= mixed >> s16
        result = (np.uint64(_MIX_MULT_L) * lanes[dst] - np.uint64(_MIX_MULT_R) * mixed) & m32
        lanes[dst] = result ^ (result >> s16)
    words = []
    hash_b = _INIT_B
    for i in range(2):  # generate_state(2 words): cycle through the pool
        data = lanes[i] ^ np.uint64(hash_b)
        hash_b = (hash_b * _MULT_B) & _M32
        data = (data * np.uint64(hash_b)) & m32
        words.append(data ^ (data >> s16))
    key: U64 = words[0] | (words[1] << np.uint64(32))
    return key


def uniforms(keys: U64, counters: npt.ArrayLike) -> F64:
    """Draw ``counters`` of the patients with ``keys`` (broadcast together), in [0, 1)."""
    with np.errstate(over="ignore"):
        state = keys + (np.asarray(counters, dtype=np.uint64) + np.uint64(1)) * np.uint64(_GAMMA)
        z = (state ^ (state >> np.uint64(30))) * np.uint64(_MIX1)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(_MIX2)
        z = z ^ (z >> np.uint64(31))
    out: F64 = (z >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)
    return out


def uniform(key: int, count: int) -> float:
    """One draw of one patient (plain Python; equal to :func:`uniforms` for that pair)."""
    z = (key + (count + 1) * _GAMMA) & _M64
    z = ((z ^ (z >> 30)) * _MIX1) & _M64
    z = ((z ^ (z >> 27)) * _MIX2) & _M64
    z ^= z >> 31
    return (z >> 11) * (1.0 / 9007199254740992.0)
