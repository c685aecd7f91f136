"""``simulate``: split a cohort into chunks, run them here or on any executor, merge.

An executor is anything with ``submit(fn, *args)`` returning a future with ``result()``: a
``concurrent.futures`` executor, a ``dask.distributed.Client`` or its ``get_executor()``.
Results are identical whatever the chunking, the number of workers or the executor, because
each patient's random numbers come from its own stream keyed by its index.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import attrs

from spinepath.errors import (
    IllegalTransition,
    InvalidDocument,
    InvalidRecord,
    InvalidValue,
    SpinepathError,
)
from spinepath.rules.profiles import CONSENSUS_2022, Profile, profile_named
from spinepath.sim._extras import MissingExtra
from spinepath.sim.cohort import DEFAULT_COHORT, Cohort
from spinepath.sim.kernel import ENGINES, ChunkResult, RunSpec, run_chunk
from spinepath.sim.oracles import FastPathMismatch
from spinepath.sim.parameters import DEFAULT_PARAMETERS, Parameters, parameter_set
from spinepath.sim.policies import Policy, PolicyFunction, resolve_policy
from spinepath.sim.results import Results

__all__ = ["DEFAULT_CHUNK_SIZE", "Executor", "chunks", "simulate"]

DEFAULT_CHUNK_SIZE = 10_000
"""Patients per chunk when not given: large enough to amortise numpy, small enough that a
chunk's fact states (one per patient, held until the chunk ends) stay a few tens of MB."""

Progress = Callable[[int, int], None]


class _Future(Protocol):
    def result(self) -> Any: ...


class Executor(Protocol):
    """What ``simulate`` needs of an executor: ``submit(fn, *args) -> future``."""

    def submit(self, fn: Any, /, *args: Any) -> Any: ...


def chunks(n: int, size: int) -> Iterator[tuple[int, int]]:
    """``(start, stop)`` of consecutive chunks of at most ``size`` patients."""
    for start in range(0, n, size):
        yield start, min(n, start + size)


@attrs.frozen
class _Failure:
    """An error raised in a worker, carried back as data (spinepath's exceptions take
    several arguments, which the pickle protocol does not restore)."""

    kind: str
    args: tuple[Any, ...]

    def raise_(self) -> None:
        if self.kind == "IllegalTransition":
            raise IllegalTransition(self.args[0], self.args[1])
        if self.kind == "InvalidDocument":
            raise InvalidDocument(self.args[0], total=self.args[1], complete=self.args[2])
        if self.kind in ("InvalidValue", "InvalidRecord"):
            cls = InvalidRecord if self.kind == "InvalidRecord" else InvalidValue
            raise cls(self.args[0], self.args[1])
        if self.kind == "FastPathMismatch":
            raise FastPathMismatch(self.args[0])
        raise SpinepathError(self.args[0])


def _run(spec: RunSpec, start: int, stop: int) -> ChunkResult | _Failure:
    """The task a worker runs (module level so that it pickles)."""
    try:
        return run_chunk(spec, start, stop)
    except IllegalTransition as error:
        return _Failure("IllegalTransition", (error.action, error.failed))
    except InvalidDocument as error:
        return _Failure("InvalidDocument", (error.problems, error.total, error.complete))
    except InvalidValue as error:
        return _Failure(type(error).__name__, (error.field, error.problem))
    except SpinepathError as error:
        return _Failure(type(error).__name__, (str(error),))


def simulate(
    n: int,
    *,
    seed: int = 0,
    policy: str | Policy | PolicyFunction = "engine",
    profile: str | Profile = CONSENSUS_2022.name,
    cohort: Cohort | None = None,
    parameters: Parameters | str | None = None,
    horizon_days: int = 730,
    executor: Executor | None = None,
    chunk_size: int | None = None,
    engine: str = "fast",
    allow_overrides: bool = False,
    max_steps: int = 200,
    verify: int = 16,
    progress: bool | Progress | None = None,
    facet_sessions: bool = True,
) -> Results:
    """Simulate ``n`` patients entering the pathway after a failed CESI.

    Each follows ``policy`` (a name from :data:`~spinepath.sim.POLICIES`, a
    :class:`~spinepath.sim.Policy` or a plain function) under the guideline ``profile`` for
    ``horizon_days``, with ``cohort`` and ``parameters``. Every step's choice must be legal
    under the engine: a blocked choice raises :class:`~spinepath.IllegalTransition`, unless
    ``allow_overrides`` records it with an :class:`~spinepath.Override`.

    ``engine="fast"`` (the default) folds each patient's steps into the engine's own fact state
    (:class:`~spinepath.rules.FactState`), judges each distinct situation once with the
    engine's facts and rules, and checks its first ``verify`` remembered decisions per chunk
    against the engine on the patient's own state; ``engine="record"`` keeps and assesses
    every patient's real record at every step (the reference, about three times slower). Both
    give the same trajectories.

    With ``executor`` (a ``concurrent.futures`` executor, a ``dask.distributed`` client or its
    ``get_executor()``) chunks of ``chunk_size`` patients run there; a custom policy must then
    pickle (a module-level function, not a lambda). ``progress=True`` shows a progress bar
    (tqdm) advanced as each chunk finishes, here or on the executor (chunks are then smaller
    when ``chunk_size`` is not given); a function ``progress(done, n)`` is called instead.
    ``cohort`` and ``parameters`` default to :data:`DEFAULT_COHORT` and
    :data:`DEFAULT_PARAMETERS`; ``parameters`` may name a set of
    :data:`~spinepath.sim.PARAMETER_SETS` (``"macvicar-2012"``). Results depend only on the
    parameters, policy, profile, cohort, seed, n and horizon, never on the chunking or the
    executor.

    A medial branch block or RFA a policy chooses at one joint is carried out as a session at
    every joint of the painful region where the engine allows it (as clinics bill and guidelines
    describe; one session relieves the region's pain), unless ``facet_sessions=False``.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise InvalidValue("n", f"expected a non-negative whole number, got {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidValue("seed", f"expected a non-negative whole number, got {seed!r}")
    if engine not in ENGINES:
        raise InvalidValue("engine", f"{engine!r} is not one of {', '.join(ENGINES)}")
    if isinstance(horizon_days, bool) or not isinstance(horizon_days, int) or horizon_days < 1:
        raise InvalidValue(
            "horizon_days", f"expected a positive whole number, got {horizon_days!r}"
        )
    cohort = DEFAULT_COHORT if cohort is None else cohort
    if isinstance(parameters, str):
        parameters = parameter_set(parameters)
    parameters = DEFAULT_PARAMETERS if parameters is None else parameters
    bar: _Bar | None = None
    if progress is True:
        bar = _Bar(n)
        progress = bar
        if chunk_size is None:  # about twenty updates
            chunk_size = min(DEFAULT_CHUNK_SIZE, max(500, math.ceil(n / 20)))
    elif progress is False:
        progress = None
    size = chunk_size if chunk_size is not None else DEFAULT_CHUNK_SIZE
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise InvalidValue("chunk_size", f"expected a positive whole number, got {size!r}")
    spec = RunSpec(
        cohort=cohort,
        parameters=parameters,
        profile=profile_named(profile) if isinstance(profile, str) else profile,
        policy=resolve_policy(policy),
        seed=seed,
        horizon_days=horizon_days,
        max_steps=max_steps,
        allow_overrides=allow_overrides,
        engine=engine,
        verify=verify,
        facet_sessions=bool(facet_sessions),
    )
    parts: list[ChunkResult] = []
    done = 0
    if executor is None:
        for start, stop in chunks(n, size):
            parts.append(_checked(_run(spec, start, stop)))
            done += stop - start
            if progress is not None:
                progress(done, n)
    else:
        futures = [
            (stop - start, executor.submit(_run, spec, start, stop))
            for start, stop in chunks(n, size)
        ]
        for count, future in futures:
            parts.append(_checked(future.result()))
            done += count
            if progress is not None:
                progress(done, n)
    if bar is not None:
        bar.close()
    return Results.merge(spec, n, parts)


class _Bar:
    """A tqdm progress bar over patients, advanced per finished chunk."""

    def __init__(self, total: int) -> None:
        try:
            from tqdm.auto import tqdm
        except ImportError:
            raise MissingExtra("progress=True", "sim", "tqdm") from None
        self._bar = tqdm(total=total, unit="patients", unit_scale=True, desc="simulating")
        self._done = 0

    def __call__(self, done: int, total: int) -> None:
        self._bar.update(done - self._done)
        self._done = done

    def close(self) -> None:
        self._bar.close()


def _checked(outcome: ChunkResult | _Failure) -> ChunkResult:
    if isinstance(outcome, _Failure):
        outcome.raise_()
    assert isinstance(outcome, ChunkResult)
    return outcome


def default_workers() -> int:
    """Worker processes to use when asked for "all": the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)
