"""Same parameters, policy, seed and n: same results, whatever the chunking or the executor."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinepath.errors import InvalidValue
from spinepath.sim import Results, simulate

N = 240


@pytest.fixture(scope="module")
def reference() -> Results:
    return simulate(N, seed=17, policy="exhaust-non-surgical", chunk_size=N)


@settings(max_examples=8, deadline=None)
@given(chunk=st.integers(1, N))
def test_any_chunking_gives_the_same_results(reference: Results, chunk: int) -> None:
    assert simulate(N, seed=17, policy="exhaust-non-surgical", chunk_size=chunk).same_as(reference)


def test_threads(reference: Results) -> None:
    with ThreadPoolExecutor(max_workers=3) as pool:
        run = simulate(N, seed=17, policy="exhaust-non-surgical", chunk_size=50, executor=pool)
    assert run.same_as(reference)


def test_processes(reference: Results) -> None:
    with ProcessPoolExecutor(max_workers=2) as pool:
        run = simulate(N, seed=17, policy="exhaust-non-surgical", chunk_size=70, executor=pool)
    assert run.same_as(reference)


@pytest.mark.parametrize("processes", [False, True])
def test_dask_local_cluster(reference: Results, processes: bool) -> None:
    distributed = pytest.importorskip("dask.distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=processes, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        via_executor = simulate(
            N,
            seed=17,
            policy="exhaust-non-surgical",
            chunk_size=60,
            executor=client.get_executor(),
        )
        via_client = simulate(
            N, seed=17, policy="exhaust-non-surgical", chunk_size=90, executor=client
        )
    assert via_executor.same_as(reference)
    assert via_client.same_as(reference)


def test_the_record_path_is_chunk_invariant_too() -> None:
    whole = simulate(60, seed=5, engine="record", chunk_size=60)
    split = simulate(60, seed=5, engine="record", chunk_size=7)
    assert whole.same_as(split)


def test_a_patient_does_not_depend_on_how_many_others_there_are() -> None:
    small = simulate(50, seed=9)
    large = simulate(400, seed=9)
    assert [r._replace(decision=0) for r in small.rows(31)] == [
        r._replace(decision=0) for r in large.rows(31)
    ]
    assert small.record(31) == large.record(31)


def test_other_seeds_give_other_results(reference: Results) -> None:
    assert not simulate(N, seed=18, policy="exhaust-non-surgical").same_as(reference)


def test_progress_is_reported_per_chunk() -> None:
    seen: list[tuple[int, int]] = []
    simulate(100, seed=1, chunk_size=30, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(30, 100), (60, 100), (90, 100), (100, 100)]


@pytest.mark.parametrize(
    ("option", "value"),
    [("n", -1), ("seed", -2), ("engine", "warp"), ("chunk_size", 0), ("horizon_days", 0)],
)
def test_bad_run_settings_are_refused(option: str, value: Any) -> None:
    settings_: dict[str, Any] = {"n": 10}
    settings_[option] = value
    n = settings_.pop("n")
    with pytest.raises(InvalidValue, match=option):
        simulate(n, **settings_)
