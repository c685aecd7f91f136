"""``spinepath simulate``: run a cohort microsimulation and write its results and pictures.

    spinepath simulate --n 100000 --seed 1 --policy engine --profile consensus-2022 \\
        --params my.toml --out patients.parquet --workers 2 --sankey paths.png --km km.png

Prints the run's summary. Needs the ``sim`` extra (numpy, pandas, pyarrow), and ``plot``
(matplotlib) for pictures; they are imported only when the command runs, so ``spinepath
--help`` works on a core install. Exit status: 0 done, 1 an invalid parameter file or an
illegal step, 2 a wrong command line (an output name that is not .csv or .parquet included),
3 a parameter file that cannot be read or an output that cannot be written, 4 a missing extra.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from spinepath.cli._shared import (
    INVALID,
    OK,
    UNAVAILABLE,
    UNREADABLE,
    USAGE,
    Unreadable,
    exit_status_help,
    read_document,
)
from spinepath.rules.profiles import PROFILES

__all__ = ["POLICY_NAMES", "ProgressBar", "register", "run"]

POLICY_NAMES = ("engine", "early-surgical-referral", "exhaust-non-surgical", "no-rfa")
"""The shipped policies (``spinepath.sim.POLICIES``), listed here without importing numpy."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="simulate a cohort on the pathway (needs the sim extra)",
        description="Simulate patients entering the pathway after a failed CESI under a "
        "policy and a guideline profile; print a summary, write per-patient results and "
        "pictures.",
        epilog=exit_status_help(
            OK,
            INVALID,
            USAGE,
            UNREADABLE,
            UNAVAILABLE,
            notes={
                OK: "done",
                INVALID: "the parameter file is invalid, or the policy chose a blocked step",
                USAGE: "the command line is wrong (an output name not .csv or .parquet too)",
                UNREADABLE: "the parameter file cannot be read, or an output cannot be written",
                UNAVAILABLE: "the sim extra (or plot, for pictures) is not installed",
            },
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--n", type=_positive, default=10_000, help="patients (default 10000)")
    parser.add_argument("--seed", type=_natural, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--policy",
        choices=POLICY_NAMES,
        default="engine",
        help="how the clinic chooses the next step (default: engine)",
    )
    parser.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        default="consensus-2022",
        help="guideline profile (default consensus-2022)",
    )
    parser.add_argument(
        "--params", type=Path, metavar="FILE", help="parameter overrides, TOML or JSON"
    )
    parser.add_argument(
        "--horizon",
        type=_positive,
        default=730,
        metavar="DAYS",
        help="follow-up in days (default 730)",
    )
    parser.add_argument(
        "--out", type=Path, metavar="FILE", help="write one row per patient (.csv or .parquet)"
    )
    parser.add_argument(
        "--steps",
        type=Path,
        metavar="FILE",
        help="write one row per simulated step (.csv or .parquet)",
    )
    parser.add_argument("--sankey", type=Path, metavar="FILE", help="draw pathways (PNG)")
    parser.add_argument(
        "--km",
        type=Path,
        metavar="FILE",
        help="draw Kaplan-Meier time to consultation and surgery (PNG)",
    )
    parser.add_argument(
        "--workers", type=_positive, default=1, help="worker processes (default 1: in this process)"
    )
    parser.add_argument(
        "--engine",
        choices=("fast", "record"),
        default="fast",
        help="fast (default) or record: assess every real record (slow)",
    )
    parser.add_argument(
        "--allow-overrides",
        action="store_true",
        help="record a blocked choice as an override instead of failing",
    )
    bar = parser.add_mutually_exclusive_group()
    bar.add_argument(
        "--progress",
        action="store_true",
        default=None,
        help="show a progress bar even when stderr is not a terminal",
    )
    bar.add_argument(
        "--no-progress", dest="progress", action="store_false", help="never show a progress bar"
    )
    parser.add_argument("--quiet", action="store_true", help="do not print the summary")
    parser.set_defaults(handler=run)


def _positive(text: str) -> int:
    value = _natural(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return value


def _natural(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative")
    return value


class ProgressBar:
    """``tqdm`` when it is installed, else a plain bar on stderr; nothing when disabled."""

    def __init__(self, total: int, enabled: bool, stream: TextIO | None = None) -> None:
        self.total = total
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self._tqdm: Any = None
        self._done = 0
        self._start = time.perf_counter()
        if not enabled:
            return
        try:
            from tqdm import tqdm
        except ImportError:
            self._draw()
        else:
            self._tqdm = tqdm(
                total=total, unit="patient", unit_scale=True, file=self.stream, desc="simulating"
            )

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self._tqdm is not None:
            self._tqdm.update(done - self._done)
        self._done = done
        if self._tqdm is None:
            self._draw()

    def _draw(self) -> None:
        width = 30
        share = self._done / self.total if self.total else 1.0
        filled = int(share * width)
        rate = self._done / max(time.perf_counter() - self._start, 1e-9)
        self.stream.write(
            f"\rsimulating [{'#' * filled}{'.' * (width - filled)}] "
            f"{self._done:,}/{self.total:,} ({rate:,.0f}/s)"
        )
        self.stream.flush()

    def close(self) -> None:
        if not self.enabled:
            return
        if self._tqdm is not None:
            self._tqdm.close()
        else:
            self.stream.write("\n")
            self.stream.flush()


def run(args: argparse.Namespace) -> int:
    try:
        from spinepath import sim
    except ImportError as error:
        print(
            f"spinepath simulate: needs the sim extra (pip install 'spinepath[sim]'): {error}",
            file=sys.stderr,
        )
        return UNAVAILABLE
    from spinepath.errors import IllegalTransition, InvalidDocument

    parameters = sim.DEFAULT_PARAMETERS
    if args.params is not None:
        try:
            raw = read_document(str(args.params))
            toml = args.params.suffix.lower() == ".toml"
            parameters = sim.parameters_from_text(raw, toml=toml)
        except Unreadable as error:
            print(f"spinepath simulate: cannot read {args.params}: {error.reason}", file=sys.stderr)
            return UNREADABLE
        except InvalidDocument as error:
            print(f"spinepath simulate: {args.params}: {error}", file=sys.stderr)
            return INVALID
    for path in (args.out, args.steps):
        if path is not None and path.suffix.lower() not in (".csv", ".parquet", ".pq"):
            print(f"spinepath simulate: {path}: use a .csv or .parquet file name", file=sys.stderr)
            return USAGE
    show = args.progress if args.progress is not None else sys.stderr.isatty()
    bar = ProgressBar(args.n, show)
    from spinepath.sim.runner import DEFAULT_CHUNK_SIZE

    chunk = min(
        DEFAULT_CHUNK_SIZE,
        max(
            2_000,
            math.ceil(args.n / (4 * args.workers if args.workers > 1 else (20 if show else 1))),
        ),
    )
    try:
        results = _simulate(sim, args, parameters, chunk, bar)
    except IllegalTransition as error:
        bar.close()
        print(
            f"spinepath simulate: the policy chose a blocked step: {error}\n"
            "  (use --allow-overrides to record it as an override)",
            file=sys.stderr,
        )
        return INVALID
    bar.close()
    if not args.quiet:
        print(results.summary())
    return _write(results, args)


def _simulate(
    sim: Any, args: argparse.Namespace, parameters: Any, chunk: int, bar: Callable[[int, int], None]
) -> Any:
    options = {
        "seed": args.seed,
        "policy": args.policy,
        "profile": args.profile,
        "parameters": parameters,
        "horizon_days": args.horizon,
        "engine": args.engine,
        "allow_overrides": args.allow_overrides,
        "chunk_size": chunk,
        "progress": bar,
    }
    if args.workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            return sim.simulate(args.n, executor=pool, **options)
    return sim.simulate(args.n, **options)


def _write(results: Any, args: argparse.Namespace) -> int:
    try:
        for path, which in ((args.out, "patients"), (args.steps, "steps")):
            if path is not None:
                results.save(path, which)
                print(f"wrote {which} to {path}", file=sys.stderr)
        if args.sankey is not None or args.km is not None:
            try:
                from spinepath.sim import plot
            except ImportError as error:
                print(
                    f"spinepath simulate: pictures need the plot extra "
                    f"(pip install 'spinepath[plot]'): {error}",
                    file=sys.stderr,
                )
                return UNAVAILABLE
            if args.sankey is not None:
                plot.sankey_figure(results).savefig(args.sankey, dpi=110)
                print(f"wrote the Sankey diagram to {args.sankey}", file=sys.stderr)
            if args.km is not None:
                plot.kaplan_meier_figure(results).savefig(args.km, dpi=110)
                print(f"wrote Kaplan-Meier curves to {args.km}", file=sys.stderr)
    except OSError as error:
        print(f"spinepath simulate: cannot write: {error.strerror or error}", file=sys.stderr)
        return UNREADABLE
    return OK
