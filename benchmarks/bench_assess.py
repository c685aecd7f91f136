"""Benchmark: median microseconds per ``spinepath.assess`` for records of 5, 30 and 200 events.

Baselines measured in the same run, for scale on whatever machine runs it: adding one event to
the same record (``PatientRecord.add``, which re-validates the whole record) and writing the
record as JSON (``spinepath.dumps``). Run: ``python benchmarks/bench_assess.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from histories import history

import spinepath as sp

TARGET_US = 50.0  # issue 3: a 30-event record in 50 microseconds or less


def median_us(call: Callable[[], object], repeat: int = 7, budget_s: float = 0.3) -> float:
    """Median over ``repeat`` rounds of the mean time per call, in microseconds."""
    call()
    start = time.perf_counter()
    n = 0
    while time.perf_counter() - start < 0.05:
        call()
        n += 1
    per_round = max(1, int(n * budget_s / 0.05 / repeat))
    rounds = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(per_round):
            call()
        rounds.append((time.perf_counter() - t0) / per_round * 1e6)
    return statistics.median(rounds)


def row(n: int) -> float:
    """Print one row of figures for a record of ``n`` events; return assess microseconds."""
    record = history(n)
    day = record.last_date
    assert day is not None
    extra = sp.Discharge(id="bench-extra", date=day, reason=sp.DischargeReason.PATIENT_CHOICE)
    options = len(sp.assess(record).options)
    a = median_us(lambda: sp.assess(record))
    s = median_us(lambda: sp.assess(record, sp.STRICT_PAYER))
    add = median_us(lambda: record.add(extra))
    d = median_us(lambda: sp.dumps(record))
    print(
        f"{len(record):>6} {options:>7} {a:>10.1f} {s:>10.1f} {add:>8.1f} {d:>9.1f} "
        f"{a / add:>10.2f} {a / d:>11.2f}"
    )
    return a


def main() -> None:
    print(f"spinepath {sp.__version__}, Python {sys.version.split()[0]}")
    print(
        f"{'events':>6} {'options':>7} {'assess us':>10} {'strict us':>10} "
        f"{'add us':>8} {'dumps us':>9} {'assess/add':>10} {'assess/dumps':>11}"
    )
    for n in (5, 30, 200):
        a = row(n)
        if n == 30:
            verdict = "meets" if a <= TARGET_US else f"misses by {a / TARGET_US:.1f}x"
            print(f"       target for 30 events: <= {TARGET_US:.0f} us -> {verdict}")


if __name__ == "__main__":
    main()
