"""Benchmark: seconds per MB that ``spinepath.loads`` spends on hostile documents.

Each shape is built at 1 MB and at 10 MB and timed in this one run, beside two baselines at the
same size: a plain valid record document (``history()`` events, as ``dumps`` writes them) and
the standard library's ``json.loads`` of the same text (what parsing alone costs, with none of
spinepath's checks). Columns, in seconds per MB (medians over rounds):

* ``scan``: ``nesting_depth``, the one-pass pre-scan that refuses deep nesting before parsing
  (it was quadratic: an unterminated string of escaped quotes restarted it at every quote);
* ``json``: ``json.loads`` alone (an error counts as done);
* ``loads``: ``spinepath.loads(text, PatientRecord)``, every check and the structuring;
* ``10/1``: the 10 MB figure of ``loads`` per MB over the 1 MB one (1.0 is linear);
* ``/plain``: ``loads`` per MB over the plain valid document's.

Target (issue 13): linear time, under 1 s per 10 MB for every hostile shape; the verdict is
given for the pre-scan and for the whole of ``loads`` (where ``json.loads`` alone can take more).
Run: ``python benchmarks/bench_hostile.py [--sizes 1 10] [--rounds 3]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from histories import history

import spinepath as sp
from spinepath.io.jsontext import nesting_depth

MB = 1_000_000
TARGET_S_PER_10_MB = 1.0
LINEAR_RATIO = 1.5  # 10 MB per MB over 1 MB per MB, allowing for noise and caches

RECORD = '{"schema_version": 1, "patient": {"birth_date": "1980-01-01", "sex": "male", "id": "p"}'
EVENTS = RECORD + ', "events": ['


def repeat(size: int, head: str, unit: str, tail: str) -> str:
    """``head + unit * n + tail``, ``n`` as large as fits in ``size`` characters."""
    return head + unit * max(1, (size - len(head) - len(tail)) // len(unit)) + tail


def keyed(size: int, key: Callable[[int], str]) -> str:
    """An object of ``schema_version`` and as many ``"key": 0`` members as fit in ``size``."""
    width = len(key(0)) + 5
    members = ",".join(f'"{key(i)}":0' for i in range(size // width))
    return '{"schema_version":1,' + members + "}"


SHAPES: dict[str, Callable[[int], str]] = {
    # the case: an unterminated string of escaped quotes after 65 empty arrays
    "unterminated string": lambda n: repeat(n, "[]" * 65 + '"', '\\"', ""),
    "escapes in strings": lambda n: repeat(n, EVENTS, '"\\"\\\\\\n\\u00e9\\ud83d\\ude00",', "1]}"),
    "brackets in strings": lambda n: repeat(n, EVENTS, '"[[[{{{",', "1]}"),
    "deep nesting": lambda n: repeat(n, "", "[", ""),
    "nesting at the limit": lambda n: repeat(n, EVENTS, "[" * 62 + "]" * 62 + ",", "1]}"),
    "many unknown keys": lambda n: keyed(n, lambda i: f"k{i:07d}"),
    "duplicate keys": lambda n: repeat(n, '{"schema_version":1,', '"a":0,', '"b":0}'),
    "long string": lambda n: repeat(n, RECORD.replace('"p"', '"'), "x", '"}, "events": []}'),
    "many numbers": lambda n: repeat(n, EVENTS, "1,", "1]}"),
    "numbers, one 1e100": lambda n: repeat(n, EVENTS + "1e100,", "1,", "1]}"),
    "many objects": lambda n: repeat(n, EVENTS, "{},", "{}]}"),
}


def plain(size: int) -> str:
    """A valid record document of about ``size`` characters."""
    sample = sp.dumps(history(200))
    events = max(10, round(200 * size / len(sample)))
    return sp.dumps(history(events))


def seconds(call: Callable[[], object], rounds: int) -> float:
    """Median seconds of ``call`` over ``rounds`` rounds (an error counts as done: the
    standard library raises ValueError or, on deep nesting, RecursionError)."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        with contextlib.suppress(ValueError, RecursionError):
            call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(text: str, rounds: int) -> dict[str, float]:
    per_mb = MB / len(text)
    return {
        "scan": seconds(lambda: nesting_depth(text), rounds) * per_mb,
        "json": seconds(lambda: json.loads(text), rounds) * per_mb,
        "loads": seconds(lambda: sp.loads(text, sp.PatientRecord, max_size=len(text)), rounds)
        * per_mb,
    }


def outcome(text: str) -> str:
    """What ``loads`` says, shortened: ``valid``, or the problem count and the first one."""
    try:
        sp.loads(text, sp.PatientRecord, max_size=len(text))
    except sp.InvalidDocument as error:
        count = error.total if error.complete else f">={error.total}"
        return f"{count} problems: {error.problems[0][:36]}"
    return "valid"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs=2, default=(1, 10), metavar=("SMALL", "BIG"))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    small, big = (int(n * MB) for n in args.sizes)
    print(f"spinepath {sp.__version__}, Python {sys.version.split()[0]}; seconds per MB")
    print("building the plain documents ...", flush=True)
    baseline = {size: plain(size) for size in (small, big)}
    reference = {size: measure(text, args.rounds) for size, text in baseline.items()}
    print(
        f"{'shape':<22} {'MB':>5} {'scan':>7} {'json':>7} {'loads':>7} "
        f"{'10/1':>5} {'/plain':>6}  outcome"
    )
    for label, size in (("plain valid record", small), ("plain valid record", big)):
        row = reference[size]
        print(
            f"{label:<22} {len(baseline[size]) / MB:>5.1f} {row['scan']:>7.3f} "
            f"{row['json']:>7.3f} {row['loads']:>7.3f} {'':>5} {1.0:>6.2f}  valid"
        )
    slow: dict[str, list[str]] = {"scan": [], "loads": [], "linear": []}
    for name, build in SHAPES.items():
        rows = {}
        for size in (small, big):
            text = build(size)
            rows[size] = measure(text, args.rounds if size == small else max(1, args.rounds - 1))
            linear = rows[size]["loads"] / rows[small]["loads"]
            versus = rows[size]["loads"] / reference[size]["loads"]
            row = rows[size]
            print(
                f"{name:<22} {len(text) / MB:>5.1f} {row['scan']:>7.3f} {row['json']:>7.3f} "
                f"{row['loads']:>7.3f} {linear:>5.2f} {versus:>6.2f}  {outcome(text)}",
                flush=True,
            )
        big_row = rows[big]
        if big_row["scan"] * 10 > TARGET_S_PER_10_MB:
            slow["scan"].append(f"{name} ({big_row['scan'] * 10:.2f} s)")
        if big_row["loads"] * 10 > TARGET_S_PER_10_MB:
            slow["loads"].append(
                f"{name} ({big_row['loads'] * 10:.2f} s; json.loads alone "
                f"{big_row['json'] * 10:.2f} s)"
            )
        if big_row["loads"] / rows[small]["loads"] > LINEAR_RATIO:
            slow["linear"].append(f"{name} ({big_row['loads'] / rows[small]['loads']:.2f})")
    shapes = len(SHAPES)
    print(f"targets (per 10 MB, {shapes} hostile shapes):")
    for key, target in (
        ("scan", f"pre-scan under {TARGET_S_PER_10_MB:g} s"),
        ("loads", f"loads under {TARGET_S_PER_10_MB:g} s"),
        ("linear", f"linear: 10 MB per MB within {LINEAR_RATIO}x of 1 MB per MB"),
    ):
        missed = slow[key]
        verdict = "met by every shape" if not missed else f"met by {shapes - len(missed)}"
        print(f"  {target}: {verdict}" + (f"; missed: {'; '.join(missed)}" if missed else ""))


if __name__ == "__main__":
    main()
