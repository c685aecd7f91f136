"""Benchmark: simulated patients per second, and peak memory, for ``spinepath.sim.simulate``.

Measured in the same run, each in a fresh process (so memory and the fast path's memo start
cold): the record-by-record path (``engine="record"``, the baseline: every patient's real
record assessed at every step), the fast path on one core, and the fast path on two worker
processes. Default cohort, parameters and policy; 730-day horizon.
Run: ``python benchmarks/bench_sim.py [--n 100000] [--baseline-n 2000]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

TARGET = 20_000  # issue 6: patients per second on one core, default cohort and policy

CHILD = """
import json, resource, sys, time
from concurrent.futures import ProcessPoolExecutor
from spinepath import sim
n, engine, workers = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
start = time.perf_counter()
if workers > 1:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = sim.simulate(n, seed=1, engine=engine, executor=pool,
                               chunk_size=-(-n // (2 * workers)))
else:
    results = sim.simulate(n, seed=1, engine=engine)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"n": n, "seconds": seconds, "peak_mb": max(peak, children),
                  "steps": int(results.raw["pos"].size), "engine_calls": results.engine_calls}))
"""


def measure(n: int, engine: str, workers: int) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-c", CHILD, str(n), engine, str(workers)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    figures: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="patients for the fast path")
    parser.add_argument(
        "--baseline-n", type=int, default=2_000, help="patients for the record-by-record baseline"
    )
    args = parser.parse_args()
    import spinepath

    print(f"spinepath {spinepath.__version__}, Python {sys.version.split()[0]}")
    print(
        f"{'path':<30} {'patients':>9} {'steps':>9} {'seconds':>8} {'patients/s':>11} "
        f"{'peak MB':>8}"
    )
    rows = [
        ("record-by-record (baseline)", args.baseline_n, "record", 1),
        ("fast, one core", args.n, "fast", 1),
        ("fast, two workers", args.n, "fast", 2),
    ]
    rates: dict[str, float] = {}
    for label, n, engine, workers in rows:
        f = measure(n, engine, workers)
        rate = f["n"] / f["seconds"]
        rates[label] = rate
        print(
            f"{label:<30} {int(f['n']):>9,} {int(f['steps']):>9,} {f['seconds']:>8.2f} "
            f"{rate:>11,.0f} {f['peak_mb']:>8.0f}"
        )
    one = rates["fast, one core"]
    base = rates["record-by-record (baseline)"]
    verdict = "met" if one >= TARGET else f"missed ({one / TARGET:.0%} of it)"
    print(
        f"fast path on one core: {one / base:,.0f}x the record-by-record baseline; "
        f"target >= {TARGET:,} patients/s: {verdict}"
    )


if __name__ == "__main__":
    main()
