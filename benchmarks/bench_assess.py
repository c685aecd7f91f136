"""Benchmark: microseconds per ``spinepath.assess``, and per ``apply`` + ``assess`` step.

Figures, medians over rounds, all measured in this one run:

* ``first``: the first assessment of a record just built from its events (its fact state is
  folded from every event: what a service pays for a record it has just read);
* ``again``: the same record assessed again (the state is kept with the record, so only the
  decision is made: 21 candidates judged against the catalogue);
* ``apply+assess``: one more event recorded with ``apply`` and the result assessed, on a record
  whose state is known (what a clinic's screen or the ``patient_records()`` strategy pays per
  step: the new state is folded from the old one and the event);
* baselines for scale on whatever machine runs it: ``PatientRecord.add`` and ``spinepath.dumps``
  of the same record, and a peer: the same candidate decision made by ``python-statemachine``
  (``benchmarks/peer_statemachine.py``; enabled events with guards over precomputed facts).

Targets (issue 8, on the reference machine): 30 events <= 25 us; >= 10x faster than the peer;
200 events <= 1.3x the 5-event figure; ``apply`` + ``assess`` <= 25 us per step.
Run: ``python benchmarks/bench_assess.py`` (the peer needs ``pip install -e '.[bench]'``).
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

TARGET_US = 25.0
PEER_RATIO = 10.0
FLAT_RATIO = 1.3


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


def peer(record: sp.PatientRecord) -> float | None:
    """Microseconds for the peer's decision, or None without python-statemachine."""
    try:
        from peer_statemachine import agrees, build_peer
    except ImportError:
        return None
    if not agrees(record, sp.CONSENSUS_2022):
        raise SystemExit("the peer baseline does not make the engine's decision")
    return median_us(build_peer(record, sp.CONSENSUS_2022))


def steps_us(n: int, steps: int = 10) -> float:
    """Mean microseconds per ``apply`` + ``assess`` over ``steps`` more events, from a record of
    ``n`` events whose state is known."""
    full = history(n + steps)
    start = sp.PatientRecord(full.patient, full.events[:n])
    tail = full.events[n:]
    sp.assess(start)  # the starting record's state is folded once, as any assessed record's

    def grow() -> None:
        record = start
        for event in tail:
            record = sp.apply(record, event)
            sp.assess(record)

    return median_us(grow) / len(tail)


def row(n: int) -> dict[str, float]:
    record = history(n)
    extra = sp.Discharge(
        id="bench-extra", date=record.last_date, reason=sp.DischargeReason.PATIENT_CHOICE
    )
    figures = {
        "first": median_us(lambda: sp.assess(sp.PatientRecord(record.patient, record.events))),
        "again": median_us(lambda: sp.assess(record)),
        "strict": median_us(lambda: sp.assess(record, sp.STRICT_PAYER)),
        "step": steps_us(n),
        "add": median_us(lambda: record.add(extra)),
        "dumps": median_us(lambda: sp.dumps(record)),
        "options": float(len(sp.assess(record).options)),
    }
    found = peer(record)
    figures["peer"] = float("nan") if found is None else found
    print(
        f"{len(record):>6} {int(figures['options']):>7} {figures['first']:>9.1f} "
        f"{figures['again']:>8.1f} {figures['strict']:>8.1f} {figures['step']:>13.1f} "
        f"{figures['add']:>7.1f} {figures['dumps']:>9.1f} {figures['peer']:>8.1f} "
        f"{figures['peer'] / figures['again']:>10.1f}"
    )
    return figures


def verdict(name: str, value: float, target: float, *, at_most: bool = True) -> None:
    met = value <= target if at_most else value >= target
    word = "meets" if met else "misses"
    sign = "<=" if at_most else ">="
    print(f"  {name}: {value:.2f} (target {sign} {target:g}) -> {word}")


def main() -> None:
    print(f"spinepath {sp.__version__}, Python {sys.version.split()[0]}")
    print(
        f"{'events':>6} {'options':>7} {'first us':>9} {'again us':>8} {'strict':>8} "
        f"{'apply+assess':>13} {'add us':>7} {'dumps us':>9} {'peer us':>8} {'peer/again':>10}"
    )
    rows = {n: row(n) for n in (5, 30, 200)}
    print("targets:")
    verdict("assess, 30 events, us", rows[30]["again"], TARGET_US)
    verdict("200 events / 5 events", rows[200]["again"] / rows[5]["again"], FLAT_RATIO)
    verdict("apply + assess per step, 30 events, us", rows[30]["step"], TARGET_US)
    ratio = rows[30]["peer"] / rows[30]["again"]
    if ratio == ratio:  # not NaN: the peer ran
        verdict("peer / assess, 30 events", ratio, PEER_RATIO, at_most=False)
    else:
        print("  peer: python-statemachine not installed (pip install -e '.[bench]')")


if __name__ == "__main__":
    main()
