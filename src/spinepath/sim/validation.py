"""Does the simulation reproduce the figures it cites? Simulate, measure every calibration
target (:data:`~spinepath.sim.targets.TARGETS`) with its 95% interval, and give a verdict.

:func:`validate` returns a :class:`ValidationReport`: a table (``report.table``, pandas), its
markdown, a figure of every estimate with its interval against the published range, and the
list of targets out of range that carry no explanation (``report.failures``; the calibration
test requires it to be empty). A target is *in range* when its 95% interval reaches the
published range (a trajectory check: when its count is in range); one out of range is
*explained* when the target says why (an assumption, sources that disagree, a model still to
be recalibrated), else *out of range*.

The validation page is written from the default parameters at 100,000 patients over five
years; regenerate it (and ``docs/validation.json``, the numbers it is written from, and its
figure) with::

    python -m spinepath.sim.validation

(about two minutes; ``--render`` rewrites the page and figure from the stored numbers, when only
a target's wording changed).
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import pandas as pd

from spinepath.sim._extras import MissingExtra
from spinepath.sim.measures import Measurement, Observations
from spinepath.sim.parameters import Parameters
from spinepath.sim.policies import Policy, PolicyFunction
from spinepath.sim.results import Results
from spinepath.sim.targets import TARGETS, Target, show, target_named

__all__ = ["IN_RANGE", "VERDICTS", "ValidationReport", "measure", "validate"]

IN_RANGE, EXPLAINED, OUT_OF_RANGE = "in range", "explained", "out of range"
VERDICTS = (IN_RANGE, EXPLAINED, OUT_OF_RANGE)
"""A target's verdict: its interval reaches the range; it does not, for a stated reason; it
does not, unexplained (a calibration failure)."""

PAGE_N, PAGE_SEED, PAGE_HORIZON = 100_000, 2025, 1825
"""The run the validation page reports: the defaults, 100,000 patients, five years."""


@attrs.frozen
class ValidationReport:
    """Each target's measurement and verdict for one run (``run`` describes it)."""

    targets: tuple[Target, ...]
    measurements: tuple[Measurement, ...]
    run: dict[str, Any] = attrs.field(factory=dict, eq=False)

    def verdict(self, target: Target, m: Measurement) -> str:
        if target.reaches(m):
            return IN_RANGE
        return EXPLAINED if target.explained else OUT_OF_RANGE

    @property
    def verdicts(self) -> tuple[str, ...]:
        return tuple(
            self.verdict(t, m) for t, m in zip(self.targets, self.measurements, strict=True)
        )

    @property
    def failures(self) -> tuple[str, ...]:
        """Ids of targets out of range without an explanation."""
        return tuple(
            t.id for t, v in zip(self.targets, self.verdicts, strict=True) if v == OUT_OF_RANGE
        )

    @property
    def needless_explanations(self) -> tuple[str, ...]:
        """Ids of explained targets now in range (their note can go)."""
        return tuple(
            t.id
            for t, v in zip(self.targets, self.verdicts, strict=True)
            if v == IN_RANGE and t.explained
        )

    def __getitem__(self, target_id: str) -> Measurement:
        for t, m in zip(self.targets, self.measurements, strict=True):
            if t.id == target_id:
                return m
        raise KeyError(target_id)

    @property
    def table(self) -> pd.DataFrame:
        """One row per target: what it is, the published range, the estimate and verdict."""
        rows = []
        for t, m, v in zip(self.targets, self.measurements, self.verdicts, strict=True):
            rows.append(
                {
                    "target": t.id,
                    "figure": t.figure,
                    "source": t.source,
                    "grade": str(t.grade),
                    "kind": "trajectory" if t.hard else "published",
                    "unit": t.unit,
                    "published": t.range_text,
                    "low": t.low,
                    "high": t.high,
                    "estimate": m.value,
                    "lower": m.lower,
                    "upper": m.upper,
                    "n": m.n,
                    "events": m.events,
                    "method": m.method,
                    "verdict": v,
                    "explained": t.explained or "",
                }
            )
        return pd.DataFrame(rows)

    def __str__(self) -> str:
        return self.to_markdown()

    def to_markdown(self) -> str:
        """The verdicts as a markdown table: published range, estimate (95% CI), verdict."""
        lines = [
            "| target | figure | published | simulated (95% CI) | n | verdict |",
            "|---|---|---|---|---:|---|",
        ]
        for t, m, v in zip(self.targets, self.measurements, self.verdicts, strict=True):
            lines.append(
                f"| [`{t.id}`](#{t.id}) | {t.figure} | {t.range_text} "
                f"| {_estimate(t, m)} | {_n(m)} | {v} |"
            )
        return "\n".join(lines) + "\n"

    # -- storing
    def to_json(self) -> str:
        """The run and every measurement, by target id (what the page is written from)."""
        data = {
            "run": self.run,
            "measurements": {
                t.id: attrs.asdict(m) for t, m in zip(self.targets, self.measurements, strict=True)
            },
        }
        return json.dumps(data, indent=1, sort_keys=True, allow_nan=True) + "\n"

    @classmethod
    def from_json(cls, text: str, targets: Sequence[Target] = TARGETS) -> ValidationReport:
        """A report read back; ``targets`` missing from it raise ``KeyError`` naming them."""
        data = json.loads(text)
        stored = data["measurements"]
        missing = [t.id for t in targets if t.id not in stored]
        if missing:
            raise KeyError(f"no measurement stored for {', '.join(missing)}")
        return cls(
            tuple(targets),
            tuple(Measurement(**stored[t.id]) for t in targets),
            data.get("run", {}),
        )

    # -- pictures
    def figure(self, ax: Any = None) -> Any:
        """Every estimable estimate with its 95% interval (dots and bars) against the
        published range (grey bands), one row per target, in each target's own unit scaled to
        its range; needs the ``plot`` extra (matplotlib)."""
        try:
            from matplotlib.figure import Figure
        except ImportError:
            raise MissingExtra("ValidationReport.figure", "plot", "matplotlib") from None
        rows = list(zip(self.targets, self.measurements, self.verdicts, strict=True))
        if ax is None:
            fig = Figure(figsize=(9, 0.32 * len(rows) + 1.4), layout="constrained")
            ax = fig.subplots()
        else:
            fig = ax.figure
        colours = {IN_RANGE: "#009E73", EXPLAINED: "#E69F00", OUT_OF_RANGE: "#D55E00"}
        for y, (t, m, v) in enumerate(reversed(rows)):
            scale = _scale(t, m)
            lo = 0.0 if t.low is None else t.low / scale
            hi = 2.0 if t.high is None else t.high / scale
            if hi - lo < 0.02:
                lo, hi = lo - 0.01, hi + 0.01
            ax.barh(y, hi - lo, left=lo, height=0.6, color="#DDDDDD", zorder=1)
            if m.estimable:
                low = (m.lower if math.isfinite(m.lower) else m.value) / scale
                high = (m.upper if math.isfinite(m.upper) else m.value) / scale
                ax.plot([min(low, 2.0), min(high, 2.0)], [y, y], color=colours[v], lw=2, zorder=2)
                beyond = m.value / scale > 2.0  # drawn at the edge, pointing on
                at, marker = (2.0, ">") if beyond else (m.value / scale, "o")
                ax.plot([at], [y], marker, color=colours[v], ms=5, zorder=3)
        ax.set_yticks(range(len(rows)), [t.id for t, _, _ in reversed(rows)], fontsize=8)
        ax.set_xlim(-0.05, 2.05)
        ax.set_xlabel(
            "estimate / upper end of the published range (counts: per 100; beyond 2: at the edge)"
        )
        ax.set_title(
            "Simulated (dot, 95% CI) vs published range (grey): "
            "green in range, orange explained, red out of range",
            fontsize=9,
        )
        return fig

    def render_markdown(self) -> str:
        """The validation page (``docs/validation.md``)."""
        return _page(self)


def _scale(t: Target, m: Measurement) -> float:
    if t.unit in ("patients", "blocks"):
        return 100.0
    top = t.high if t.high is not None else 2 * (t.low or 1.0)
    return top if top > 0 else 1.0


def _estimate(t: Target, m: Measurement) -> str:
    if not m.estimable:
        return "not estimable"
    if m.method == "exact count":
        return f"{m.value:,.0f}"
    return f"{show(m.value, t.unit)} ({show(m.lower, t.unit)} to {show(m.upper, t.unit)})"


def _n(m: Measurement) -> str:
    return f"{m.n:,.0f}" if m.method != "Poisson (Byar)" else f"{m.n:,.0f} person-years"


def measure(results: Results, targets: Sequence[Target] = TARGETS) -> ValidationReport:
    """Measure ``targets`` on a run's results."""
    observed = Observations.of(results)
    run = {
        "n": results.n,
        "seed": results.seed,
        "policy": results.policy,
        "profile": results.profile,
        "horizon_days": results.horizon,
    }
    return ValidationReport(tuple(targets), tuple(t.measure(observed) for t in targets), run)


def validate(
    n: int = 20_000,
    *,
    seed: int = PAGE_SEED,
    parameters: Parameters | None = None,
    policy: str | Policy | PolicyFunction = "engine",
    horizon: int = PAGE_HORIZON,
    targets: Sequence[Target | str] = TARGETS,
    **options: Any,
) -> ValidationReport:
    """Simulate ``n`` patients (other keywords go to :func:`~spinepath.sim.simulate`) and
    measure every target (or those named) with its 95% interval and verdict."""
    from spinepath.sim.runner import simulate

    chosen = tuple(target_named(t) if isinstance(t, str) else t for t in targets)
    start = time.perf_counter()
    results = simulate(
        n, seed=seed, parameters=parameters, policy=policy, horizon_days=horizon, **options
    )
    report = measure(results, chosen)
    report.run["seconds"] = round(time.perf_counter() - start, 1)
    return report


# -- the page --------------------------------------------------------------------------------------


def _page(report: ValidationReport) -> str:
    run = report.run
    verdicts = report.verdicts
    published = [i for i, t in enumerate(report.targets) if not t.hard]
    hard = [i for i, t in enumerate(report.targets) if t.hard]

    def tally(indices: list[int]) -> str:
        found = [verdicts[i] for i in indices]
        return ", ".join(f"{found.count(v)} {v}" for v in VERDICTS)

    lines = [
        "# Validation",
        "",
        "<!-- Generated by spinepath.sim.validation; do not edit. Regenerate with:",
        "     python -m spinepath.sim.validation -->",
        "",
        "Does the simulation reproduce the figures it cites? Each *target* below is a published "
        "figure from the [evidence](evidence.md) with the endpoint it measures (who is counted, "
        "what counts, at what time), or a *trajectory check* on the shape of care (no loops of "
        "blocks, no runaway operations). The defaults were simulated "
        f"(`sim.validate({run.get('n', 0):_}, seed={run.get('seed')}, "
        f"horizon={run.get('horizon_days')})`: {run.get('n', 0):,} patients, policy "
        f"`{run.get('policy')}`, profile `{run.get('profile')}`, "
        f"{run.get('horizon_days')} days) and each target measured with its 95% interval.",
        "",
        "A target is **in range** when its 95% interval reaches the published range; one out "
        "of range is **explained** when the target says why (an assumption, sources that "
        "disagree, a model still to be recalibrated), else **out of range**, which fails the "
        "calibration test (`tests/test_sim_validation.py`, run in CI on 20,000 patients). "
        "Where a source gives one value and no interval, the range is ours (the *basis* "
        "column says so).",
        "",
        f"- published figures: {tally(published)}",
        f"- trajectory checks: {tally(hard)}",
        "",
        "![Every estimate with its 95% interval against the published range](img/validation.png)",
        "",
        "## Verdicts",
        "",
        report.to_markdown().rstrip(),
        "",
        "## Targets",
        "",
    ]
    for t, m, v in zip(report.targets, report.measurements, verdicts, strict=True):
        lines += [
            f"### {t.id}",
            "",
            f"{t.figure}. *Source:* {t.source} ({t.grade}).",
            "",
            f"- endpoint: {t.endpoint}",
            f"- published: {t.range_text} ({t.basis})",
            f"- simulated: {_estimate(t, m)}, n = {_n(m)}"
            + (f", events {m.events:,}" if m.events is not None else "")
            + f"; {m.method}",
            f"- verdict: **{v}**" + (f": {t.explained}" if v == EXPLAINED else ""),
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def write_page(report: ValidationReport, docs: Path) -> None:
    """Write ``validation.md``, ``validation.json`` and ``img/validation.png`` under ``docs``."""
    (docs / "validation.md").write_text(report.render_markdown())
    (docs / "validation.json").write_text(report.to_json())
    (docs / "img").mkdir(exist_ok=True)
    report.figure().savefig(docs / "img" / "validation.png", dpi=90)


def main(argv: Sequence[str] = ()) -> None:  # pragma: no cover - the documented regeneration
    """Simulate and write the page; ``--render`` only rewrites it from the stored numbers
    (after a target's wording changed); a further argument names the docs directory."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m spinepath.sim.validation",
        description=f"Simulate {PAGE_N:,} patients with the default parameters and write the "
        "validation report (validation.md, validation.json, img/validation.png).",
    )
    parser.add_argument(
        "--render", action="store_true", help="rewrite the page from the stored numbers only"
    )
    parser.add_argument("docs", nargs="?", type=Path, help="the docs directory (default: docs/)")
    args = parser.parse_args(list(argv))
    render: bool = args.render
    docs: Path = args.docs or Path(__file__).resolve().parents[3] / "docs"
    if not docs.is_dir():
        parser.error(f"{docs} is not a directory")
    if render:
        report = ValidationReport.from_json((docs / "validation.json").read_text())
    else:
        report = validate(PAGE_N, seed=PAGE_SEED, horizon=PAGE_HORIZON)
        print(f"{PAGE_N:,} patients in {report.run['seconds']} s")
    write_page(report, docs)
    print(f"wrote {docs / 'validation.md'}")
    if report.failures:
        print("out of range, unexplained: " + ", ".join(report.failures))


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
