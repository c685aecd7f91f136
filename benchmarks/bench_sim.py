"""Benchmark: simulated patients per second, CPU seconds and peak memory of ``sim.simulate``.

Measured in the same run, each in a fresh process (so memory and the fast path's memo start
cold): the record-by-record path (``engine="record"``, the baseline: every patient's real
record grown with ``apply`` and assessed at every step), the fast path on one core, on two
worker processes (``ProcessPoolExecutor``) and on a two-worker Dask ``LocalCluster``. CPU
seconds add the parent's and every child process's user and system time, so scale-out that
repeats work shows as CPU seconds above the one-core figure. Peak memory is the largest
resident set of the parent or any child, with ``results.patients`` (one row per patient)
built. Default cohort, parameters and policy; 730-day horizon.
Run: ``python benchmarks/bench_sim.py [--n 100000] [--baseline-n 2000] [--no-dask]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

TARGET = 50_000  # issue 8: patients per second on one core, 100,000 patients, fresh process
POOL_CPU = 1.15  # two process workers: CPU seconds at most this times one core's
DASK_CPU = 1.25  # two Dask workers: likewise

CHILD = """
import json, resource, sys, time
from concurrent.futures import ProcessPoolExecutor
from spinepath import sim
n, engine, workers, kind = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
start = time.perf_counter()
chunk = -(-n // (2 * workers))
if kind == "pool":
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = sim.simulate(n, seed=1, engine=engine, executor=pool, chunk_size=chunk)
elif kind == "dask":
    from dask.distributed import Client, LocalCluster
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        results = sim.simulate(n, seed=1, engine=engine, executor=client, chunk_size=chunk)
else:
    results = sim.simulate(n, seed=1, engine=engine)
patients = results.patients
seconds = time.perf_counter() - start
me = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
print(json.dumps({"n": n, "seconds": seconds, "cpu": cpu,
                  "peak_mb": max(me.ru_maxrss, kids.ru_maxrss) / 1024,
                  "steps": int(results.raw["pos"].size), "rows": len(patients)}))
"""


def measure(n: int, engine: str, workers: int, kind: str) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-c", CHILD, str(n), engine, str(workers), kind],
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
    parser.add_argument("--no-dask", action="store_true", help="leave out the Dask row")
    args = parser.parse_args()
    import spinepath

    print(f"spinepath {spinepath.__version__}, Python {sys.version.split()[0]}")
    print(
        f"{'path':<30} {'patients':>9} {'steps':>9} {'seconds':>8} {'patients/s':>11} "
        f"{'CPU s':>8} {'CPU/1 core':>10} {'peak MB':>8}"
    )
    rows = [
        ("record-by-record (baseline)", args.baseline_n, "record", 1, "local"),
        ("fast, one core", args.n, "fast", 1, "local"),
        ("fast, two process workers", args.n, "fast", 2, "pool"),
    ]
    if not args.no_dask:
        rows.append(("fast, Dask LocalCluster x2", args.n, "fast", 2, "dask"))
    found: dict[str, dict[str, float]] = {}
    for label, n, engine, workers, kind in rows:
        f = found[label] = measure(n, engine, workers, kind)
        one = found.get("fast, one core")
        ratio = f["cpu"] / one["cpu"] if one and engine == "fast" and one["n"] == f["n"] else 1.0
        print(
            f"{label:<30} {int(f['n']):>9,} {int(f['steps']):>9,} {f['seconds']:>8.2f} "
            f"{f['n'] / f['seconds']:>11,.0f} {f['cpu']:>8.1f} {ratio:>10.2f} "
            f"{f['peak_mb']:>8.0f}"
        )
    one = found["fast, one core"]
    base = found["record-by-record (baseline)"]
    rate = one["n"] / one["seconds"]
    verdict = "met" if rate >= TARGET else f"missed ({rate / TARGET:.0%} of it)"
    print(
        f"fast path on one core: {rate / (base['n'] / base['seconds']):,.1f}x the "
        f"record-by-record baseline; target >= {TARGET:,} patients/s: {verdict}"
    )
    pool = found["fast, two process workers"]["cpu"] / one["cpu"]
    print(f"two process workers: {pool:.2f}x the CPU seconds of one core (target <= {POOL_CPU})")
    if "fast, Dask LocalCluster x2" in found:
        dask = found["fast, Dask LocalCluster x2"]["cpu"] / one["cpu"]
        print(f"Dask, two workers: {dask:.2f}x the CPU seconds of one core (target <= {DASK_CPU})")
    print(f"peak memory per 1,000 patients (one core): {one['peak_mb'] / one['n'] * 1000:.1f} MB")


if __name__ == "__main__":
    main()
