"""Benchmark: values per second that spinepath.testing's strategies feed a Hypothesis test.

Each row runs a ``@given`` test that does nothing with its value, so the rate includes
Hypothesis's own per-example work, as in a real suite. ``patients()`` and ``events()`` are the
baselines measured in the same run: a walk of the engine (``patient_records()``) costs one
``assess`` and one ``apply`` per step on top of drawing its values.
Run: ``python benchmarks/bench_strategies.py [examples per row]``.
"""

from __future__ import annotations

import sys
import time

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.strategies import SearchStrategy

from spinepath import Phase as PathwayPhase
from spinepath.testing import strategies as sps


def per_second(strategy: SearchStrategy[object], examples: int) -> tuple[float, float]:
    """Values per second and mean events per value (for records; 0 otherwise)."""
    lengths: list[int] = []

    @settings(
        max_examples=examples,
        database=None,
        derandomize=True,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def consume(value: object) -> None:
        lengths.append(len(getattr(value, "events", ())))

    start = time.perf_counter()
    consume()
    elapsed = time.perf_counter() - start
    return len(lengths) / elapsed, sum(lengths) / max(1, len(lengths))


def main() -> None:
    examples = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    rows: list[tuple[str, SearchStrategy[object]]] = [
        ("patients() [baseline]", sps.patients()),
        ("events() [baseline]", sps.events()),
        ("arbitrary_records()", sps.arbitrary_records()),
        ("patient_records(max_events=10)", sps.patient_records(max_events=10)),
        ("patient_records()  (max_events=30)", sps.patient_records()),
        ("patient_records(reach=SURGERY)", sps.patient_records(reach=PathwayPhase.SURGERY)),
        ("patient_records(red_flag=True)", sps.patient_records(red_flag=True)),
        ("invalid_documents()", sps.invalid_documents()),
    ]
    print(f"{examples} examples per row, Hypothesis generate phase only")
    print(f"{'strategy':40} {'per second':>12} {'events/record':>14}")
    baseline = None
    for name, strategy in rows:
        rate, length = per_second(strategy, examples)
        baseline = baseline or rate
        events = f"{length:.1f}" if length else "-"
        print(f"{name:40} {rate:12.0f} {events:>14}   ({baseline / rate:.1f}x patients())")


if __name__ == "__main__":
    main()
