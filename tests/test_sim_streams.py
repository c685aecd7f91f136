"""Per-patient random streams: keyed exactly like numpy's SeedSequence, uniform, addressable."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinepath.sim.streams import (
    BLOCK,
    COHORT_BLOCKS,
    Slot,
    counter,
    patient_keys,
    uniform,
    uniforms,
)

seeds = st.one_of(st.integers(0, 2**32 - 1), st.integers(0, 2**128))
indices = st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=20)


@settings(max_examples=60)
@given(seed=seeds, index=indices)
def test_keys_equal_numpy_seed_sequence_children(seed: int, index: list[int]) -> None:
    keys = patient_keys(seed, index)
    for i, key in zip(index, keys.tolist(), strict=True):
        expected = np.random.SeedSequence(entropy=seed, spawn_key=(i,))
        assert key == int(expected.generate_state(1, np.uint64)[0])


def test_keys_equal_spawned_children() -> None:
    children = np.random.SeedSequence(12345).spawn(5)
    keys = patient_keys(12345, np.arange(5))
    assert keys.tolist() == [int(c.generate_state(1, np.uint64)[0]) for c in children]


@settings(max_examples=50)
@given(key=st.integers(0, 2**64 - 1), count=st.integers(0, 10_000))
def test_scalar_and_vector_draws_agree(key: int, count: int) -> None:
    keys = np.array([key], dtype=np.uint64)
    assert uniform(key, count) == uniforms(keys, np.array([count]))[0]


def test_draws_look_uniform_and_independent() -> None:
    keys = patient_keys(7, np.arange(50_000))
    u = uniforms(keys[:, None], np.arange(8)[None, :])
    assert u.min() >= 0.0
    assert u.max() < 1.0
    assert abs(u.mean() - 0.5) < 0.003
    assert abs(u.var() - 1 / 12) < 0.002
    # neighbouring draws of a patient, and the same draw of neighbouring patients, uncorrelated
    assert abs(np.corrcoef(u[:, 0], u[:, 1])[0, 1]) < 0.02
    assert abs(np.corrcoef(u[:-1, 3], u[1:, 3])[0, 1]) < 0.02
    counts, _ = np.histogram(u[:, 5], bins=20, range=(0, 1))
    expected = u.shape[0] / 20
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    assert chi2 < 43.8  # chi-square, 19 degrees of freedom, p = 0.001


def test_slots_address_distinct_counters() -> None:
    steps = [counter(s, slot) for s in range(3) for slot in Slot]
    assert len(set(steps)) == len(steps)
    assert min(steps) == COHORT_BLOCKS * BLOCK
    assert max(int(slot) for slot in Slot) < BLOCK


def test_bad_seeds_and_indices_are_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        patient_keys(-1, [0])
    with pytest.raises(ValueError, match="2\\*\\*32"):
        patient_keys(1, [2**32 + 1])
    with pytest.raises(TypeError):
        patient_keys(True, [0])
