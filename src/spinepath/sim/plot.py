"""Pictures for papers (needs the ``plot`` extra: matplotlib): a Sankey diagram of pathways,
Kaplan-Meier curves with numbers at risk, the cost-effectiveness plane, acceptability curves
and a tornado diagram.

Every function draws on the axes it is given (``ax=``; ``fig=`` for the Kaplan-Meier figure,
which needs several) or on a new :class:`matplotlib.figure.Figure` (no pyplot, no display
needed), and returns the figure; ``figure.savefig("out.png", dpi=...)`` writes it.

The Sankey diagram follows every patient from entry (a failed CESI) through the phases of the
pathway they reached, in the article's order, to where they stand at the horizon. Bands are
drawn as cubic Bezier ribbons between phase columns, their width proportional to patients.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from spinepath.pathway import Phase
from spinepath.sim._extras import MissingExtra
from spinepath.sim.results import Results

try:
    import matplotlib as _matplotlib
except ImportError:
    raise MissingExtra("spinepath.sim.plot", "plot", "matplotlib") from None
del _matplotlib

__all__ = [
    "PALETTE",
    "PHASE_COLOURS",
    "ce_plane_figure",
    "ceac_figure",
    "kaplan_meier_figure",
    "sankey_figure",
    "tornado_figure",
]

PHASE_COLOURS: dict[str, str] = {
    "entry": "#999999",
    Phase.RE_EVALUATION.value: "#56B4E9",
    "targeted": "#0072B2",
    Phase.ADVANCED_INTERVENTIONAL.value: "#CC79A7",
    Phase.SURGICAL_CONSULTATION.value: "#E69F00",
    Phase.SURGERY.value: "#D55E00",
    "relieved": "#009E73",
    "discharged": "#7F7F7F",
    "in care": "#BBBBBB",
}
"""One colour per Sankey column, colour-blind safe (Okabe-Ito); outcomes in greys and a green."""

_COLUMNS: tuple[tuple[str, str], ...] = (
    ("entry", "Failed CESI"),
    (Phase.RE_EVALUATION.value, "Re-evaluation"),
    ("targeted", "Targeted\nnon-surgical"),
    (Phase.ADVANCED_INTERVENTIONAL.value, "Advanced\ninterventional"),
    (Phase.SURGICAL_CONSULTATION.value, "Surgical\nconsultation"),
    (Phase.SURGERY.value, "Surgery"),
)
_OUTCOMES = (("relieved", "Relieved"), ("in care", "Still in care"), ("discharged", "Discharged"))


def _paths(results: Results) -> Counter[tuple[str, ...]]:
    """How many patients took each path: the columns they reached, then their outcome."""
    p = results.patients
    reached = {
        "entry": np.ones(len(p), dtype=bool),
        Phase.RE_EVALUATION.value: p["reached_re_evaluation"].to_numpy(),
        "targeted": (p["reached_targeted_non_surgical"] | p["reached_cesi_outcome"]).to_numpy(),
        Phase.ADVANCED_INTERVENTIONAL.value: p["reached_advanced_interventional"].to_numpy(),
        Phase.SURGICAL_CONSULTATION.value: p["reached_surgical_consultation"].to_numpy(),
        Phase.SURGERY.value: p["reached_surgery"].to_numpy(),
    }
    status = p["status"].replace({"step limit": "in care"}).to_numpy()
    keys = np.zeros(len(p), dtype=np.int64)
    for bit, (name, _) in enumerate(_COLUMNS):
        keys |= reached[name].astype(np.int64) << bit
    outcome_code = {name: i for i, (name, _) in enumerate(_OUTCOMES)}
    keys |= np.array([outcome_code[s] for s in status], dtype=np.int64) << len(_COLUMNS)
    paths: Counter[tuple[str, ...]] = Counter()
    values, counts = np.unique(keys, return_counts=True)
    for value, count in zip(values.tolist(), counts.tolist(), strict=True):
        path = tuple(name for bit, (name, _) in enumerate(_COLUMNS) if value >> bit & 1)
        paths[(*path, _OUTCOMES[value >> len(_COLUMNS)][0])] += count
    return paths


def _ribbon(
    ax: Any, x0: float, y0: tuple[float, float], x1: float, y1: tuple[float, float], colour: str
) -> None:
    """A band from the span ``y0`` at ``x0`` to the span ``y1`` at ``x1`` (cubic Beziers)."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path

    mid = (x0 + x1) / 2
    vertices = [
        (x0, y0[0]),
        (mid, y0[0]),
        (mid, y1[0]),
        (x1, y1[0]),
        (x1, y1[1]),
        (mid, y1[1]),
        (mid, y0[1]),
        (x0, y0[1]),
        (x0, y0[0]),
    ]
    codes = [
        Path.MOVETO,
        Path.CURVE4,
        Path.CURVE4,
        Path.CURVE4,
        Path.LINETO,
        Path.CURVE4,
        Path.CURVE4,
        Path.CURVE4,
        Path.CLOSEPOLY,
    ]
    ax.add_patch(
        PathPatch(Path(vertices, codes), facecolor=colour, edgecolor="none", alpha=0.45, zorder=1)
    )


def sankey_figure(
    results: Results,
    *,
    ax: Any = None,
    title: str | None = None,
    width: float = 11.0,
    height: float = 6.0,
) -> Any:
    """A Sankey diagram of the run's pathways on ``ax`` (a new figure of ``width`` x
    ``height`` inches when not given); returns the matplotlib Figure.

    Columns are the phases in the article's order, then where patients stand at the horizon;
    each phase is labelled above its column, each outcome beside it, and every ribbon takes
    the colour of the column it leaves. Patients who skip a phase pass through a faint slot at
    the foot of its column, so every band joins neighbouring columns.
    """

    paths = _paths(results)
    total = sum(paths.values())
    n_columns = len(_COLUMNS) + 1
    labels = dict(_COLUMNS) | dict(_OUTCOMES)
    node_total: Counter[tuple[int, str]] = Counter()
    edges: Counter[tuple[tuple[int, str], tuple[int, str]]] = Counter()
    for path, count in paths.items():
        reached = set(path[:-1])
        nodes = [(c, name if name in reached else "skip") for c, (name, _) in enumerate(_COLUMNS)]
        nodes.append((len(_COLUMNS), path[-1]))
        for node in nodes:
            node_total[node] += count
        for a, b in itertools.pairwise(nodes):
            edges[(a, b)] += count
    fig, ax = _axes(ax, width, height, (0.01, 0.03, 0.98, 0.87))
    ax.set_xlim(-0.3, n_columns - 0.1)
    gap = 0.03
    node_width = 0.13
    scale = (1 - gap * 3) / max(total, 1)
    rank = {name: i for i, (name, _) in enumerate((*_COLUMNS, *_OUTCOMES, ("skip", "")))}
    span: dict[tuple[int, str], tuple[float, float]] = {}
    for c in range(n_columns):
        top = 1.0
        for node in sorted((n for n in node_total if n[0] == c), key=lambda n: rank[n[1]]):
            h = node_total[node] * scale
            if node[1] == "skip":
                top -= gap
            span[node] = (top - h, top)
            top -= h + gap
    out_cursor = {n: span[n][1] for n in span}
    in_cursor = {n: span[n][1] for n in span}
    for (a, b), count in sorted(
        edges.items(), key=lambda e: (e[0][0][0], rank[e[0][0][1]], rank[e[0][1][1]])
    ):
        h = count * scale
        source = (out_cursor[a] - h, out_cursor[a])
        out_cursor[a] -= h
        target = (in_cursor[b] - h, in_cursor[b])
        in_cursor[b] -= h
        colour = "#D0D0D0" if a[1] == "skip" or b[1] == "skip" else PHASE_COLOURS[a[1]]
        _ribbon(ax, a[0] + node_width / 2, source, b[0] - node_width / 2, target, colour)
    for (c, name), (low, high) in span.items():
        if name == "skip":
            ax.add_patch(_rect(c - node_width / 2, low, node_width, high - low, "#EFEFEF"))
            continue
        ax.add_patch(_rect(c - node_width / 2, low, node_width, high - low, PHASE_COLOURS[name]))
        count = node_total[(c, name)]
        share = count / total if total else 0.0
        text = f"{labels[name]}\n{count:,} ({share:.0%})"
        outcome = c == len(_COLUMNS)
        # phases: above their column, clear of every ribbon; outcomes: beside the last column
        ax.text(
            c + node_width / 2 + 0.03 if outcome else c,
            (low + high) / 2 if outcome else high + 0.015,
            text,
            ha="left" if outcome else "center",
            va="center" if outcome else "bottom",
            fontsize=8.5,
            zorder=3,
        )
    ax.text(
        0.5,
        0.0,
        "grey slots: patients who did not reach that phase",
        fontsize=7.5,
        color="#666666",
        transform=ax.transAxes,
        ha="center",
        va="bottom",
    )
    ax.set_ylim(-0.06, 1.17)
    ax.axis("off")
    heading = title or (
        f"Pathways of {results.n:,} patients after a failed CESI "
        f"({results.policy}, {results.profile}, {results.horizon} days)"
    )
    ax.set_title(heading, fontsize=11)
    return fig


def _axes(
    ax: Any, width: float, height: float, box: tuple[float, float, float, float] | None = None
) -> Any:
    """The figure and axes to draw on: ``ax`` and its figure, or a new figure's axes."""
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    if box:
        fig = Figure(figsize=(width, height), dpi=100)
        return fig, fig.add_axes(box)
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return fig, fig.add_subplot()


def _rect(x: float, y: float, w: float, h: float, colour: str) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, facecolor=colour, edgecolor="white", linewidth=0.8, zorder=2)


PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
"""Colours of runs and strategies, in order (Okabe-Ito, colour-blind safe)."""


def kaplan_meier_figure(
    runs: Results | Mapping[str, Results],
    *,
    events: Sequence[str] = ("consultation", "surgery"),
    fig: Any = None,
    title: str | None = None,
    width: float = 9.0,
    height: float = 5.2,
    at_risk: bool = True,
    step_months: int = 6,
) -> Any:
    """Kaplan-Meier curves of the share who had each event by each month (one panel per
    event), one curve per run, on ``fig`` (a new figure when not given); returns the Figure.

    Each curve has its 95% confidence band (Greenwood, log-log) and a mark where patients
    were censored (all at the horizon: nobody is lost to follow-up in the model); below each
    panel, with ``at_risk``, a table of the patients still at risk (no event yet) every
    ``step_months``. Axes start at 0 and end at the horizon.
    """
    named = {"": runs} if isinstance(runs, Results) else dict(runs)
    if fig is None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(width, height), dpi=100)
    rows = len(named) if at_risk else 0
    grid = fig.add_gridspec(
        2 if at_risk else 1,
        len(events),
        height_ratios=[5, 0.5 + 0.32 * rows] if at_risk else [1],
        hspace=0.32,
    )
    horizon_days = max(r.horizon for r in named.values())
    ticks = np.arange(0, horizon_days / 30.44 + step_months / 2, step_months)
    horizon = max(horizon_days / 30.44, float(ticks[-1]))
    for column, event in enumerate(events):
        ax = fig.add_subplot(grid[0, column])
        top = 0.0
        for i, (label, results) in enumerate(named.items()):
            km = results.kaplan_meier(event)
            months = km["time"].to_numpy() / 30.44
            colour = PALETTE[i % len(PALETTE)]
            ax.step(
                months,
                100 * km["cumulative"],
                where="post",
                color=colour,
                lw=1.8,
                label=label or None,
            )
            ax.fill_between(
                months,
                100 * (1 - km["upper"]),
                100 * (1 - km["lower"]),
                step="post",
                color=colour,
                alpha=0.18,
                lw=0,
            )
            censored = km["censored"].to_numpy() > 0
            ax.plot(
                months[censored],
                100 * km["cumulative"].to_numpy()[censored],
                ls="none",
                marker="|",
                markersize=9,
                markeredgewidth=1.6,
                color=colour,
                clip_on=False,
            )
            top = max(top, float(100 * (1 - km["lower"]).max()))
        ax.set_xlim(0, horizon)
        ax.set_ylim(0, min(100.0, max(5.0, top * 1.08)))
        ax.set_xticks(ticks)
        ax.set_xlabel("Months after entry")
        name = "surgical consultation" if event == "consultation" else event
        ax.set_title(f"Time to {name}", fontsize=10)
        ax.grid(alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
        if column == 0:
            ax.set_ylabel("Patients who had it (%)")
        if column == len(events) - 1 and (len(named) > 1 or next(iter(named))):
            ax.legend(frameon=False, fontsize=9, loc="upper left")
        if at_risk:
            _at_risk_table(
                fig.add_subplot(grid[1, column]), named, event, ticks, horizon, column == 0
            )
    first = next(iter(named.values()))
    fig.suptitle(
        title or f"Kaplan-Meier estimates, {first.n:,} patients per run (95% confidence bands)",
        fontsize=11,
    )
    fig.subplots_adjust(left=0.2 if at_risk else 0.08, right=0.97, bottom=0.06, top=0.88)
    return fig


def _at_risk_table(
    ax: Any,
    named: Mapping[str, Results],
    event: str,
    ticks: Any,
    horizon: float,
    labelled: bool,
) -> None:
    """Patients at risk (no event yet, still followed) at each tick, a row per run."""
    ax.set_xlim(0, horizon)
    ax.set_ylim(len(named) - 0.5, -0.9)
    ax.axis("off")
    ax.text(0, -0.85, "At risk", fontsize=8, fontweight="bold", ha="left", va="center")
    for row, (label, results) in enumerate(named.items()):
        km = results.kaplan_meier(event)
        times = km["time"].to_numpy()
        # at risk at t: those whose time is >= t (an event or censoring on day t still counts)
        follow = km["at_risk"].to_numpy()
        for tick in ticks:
            day = min(tick * 30.44, float(results.horizon))
            i = int(np.searchsorted(times, day, side="left"))
            count = int(follow[i]) if i < len(follow) else 0
            ax.text(
                tick,
                row,
                f"{count:,}",
                fontsize=8,
                ha="center",
                va="center",
                color=PALETTE[row % len(PALETTE)],
            )
        if not labelled:
            continue
        ax.text(
            -0.1 * horizon,
            row,
            label or "patients",
            fontsize=8,
            ha="right",
            va="center",
            color=PALETTE[row % len(PALETTE)],
        )


def ce_plane_figure(
    table: Any,
    *,
    reference: str | None = None,
    wtp: float | None = None,
    ax: Any = None,
    currency: str = "",
    width: float = 6.5,
    height: float = 5.0,
) -> Any:
    """The cost-effectiveness plane of a PSA over strategies (:func:`~spinepath.sim.psa` with
    ``policies=``): each draw's incremental QALYs and cost per patient of each strategy over
    ``reference`` (the first), the base case marked, and the line of ``wtp`` per QALY.
    Returns the Figure."""
    fig, ax = _axes(ax, width, height)
    names = list(dict.fromkeys(table["strategy"]))
    ref = reference or names[0]
    cost = table.pivot(index="draw", columns="strategy", values="mean_cost")
    qalys = table.pivot(index="draw", columns="strategy", values="mean_qalys")
    d_cost = cost.sub(cost[ref], axis=0)
    d_qalys = qalys.sub(qalys[ref], axis=0)
    draws = d_cost.index != 0
    for i, name in enumerate(n for n in names if n != ref):
        colour = PALETTE[(i + 1) % len(PALETTE)]
        ax.scatter(
            d_qalys.loc[draws, name],
            d_cost.loc[draws, name],
            s=12,
            alpha=0.5,
            color=colour,
            lw=0,
            label=f"{name} vs {ref}",
        )
        if 0 in d_cost.index:
            ax.scatter(
                d_qalys.loc[0, name],
                d_cost.loc[0, name],
                s=70,
                marker="D",
                color=colour,
                edgecolor="black",
                lw=0.8,
                zorder=3,
            )
    ax.axhline(0, color="#555555", lw=0.8)
    ax.axvline(0, color="#555555", lw=0.8)
    if wtp is not None:
        low, high = ax.get_xlim()
        xs = np.array([min(low, 0), max(high, 0)])
        ax.plot(
            xs,
            wtp * xs,
            ls="--",
            color="#333333",
            lw=1,
            label=f"{wtp:,.0f} {currency} per QALY".replace("  ", " "),
        )
        ax.set_xlim(low, high)
    unit = f" ({currency})" if currency else ""
    ax.set_xlabel("Incremental QALYs per patient")
    ax.set_ylabel(f"Incremental cost per patient{unit}")
    ax.set_title("Cost-effectiveness plane (diamonds: base case)", fontsize=10)
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    ax.grid(alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def ceac_figure(
    curve: Any,
    *,
    ax: Any = None,
    currency: str = "",
    width: float = 6.5,
    height: float = 4.5,
) -> Any:
    """Cost-effectiveness acceptability curves (:func:`~spinepath.sim.ceac`): the probability
    that each strategy is the most cost-effective at each willingness to pay; the strategy with
    the highest expected net benefit (the frontier) is marked with dots. Returns the Figure."""
    fig, ax = _axes(ax, width, height)
    for i, (name, rows) in enumerate(curve.groupby("strategy", sort=False)):
        colour = PALETTE[i % len(PALETTE)]
        ax.plot(rows["wtp"], rows["probability"], color=colour, lw=1.8, label=str(name))
        best = rows[rows["frontier"]]
        ax.plot(best["wtp"], best["probability"], ls="none", marker="o", ms=4, color=colour)
    ax.set_ylim(0, 1)
    ax.set_xlim(float(curve["wtp"].min()), float(curve["wtp"].max()))
    unit = f" ({currency} per QALY)" if currency else " (per QALY)"
    ax.set_xlabel(f"Willingness to pay{unit}")
    ax.set_ylabel("Probability most cost-effective")
    ax.set_title("Acceptability curves (dots: highest expected net benefit)", fontsize=10)
    ax.legend(frameon=False, fontsize=8)
    ax.grid(alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def tornado_figure(
    table: Any,
    *,
    ax: Any = None,
    label: str = "Incremental net monetary benefit",
    top: int = 12,
    width: float = 7.5,
    height: float | None = None,
) -> Any:
    """A tornado diagram of a one-way sensitivity analysis (:func:`~spinepath.sim.dsa`): for
    each parameter (widest swing on top, at most ``top``), the outcome at its low and its high
    value around the base case. Returns the Figure."""
    rows = table.head(top).iloc[::-1]
    fig, ax = _axes(ax, width, height or 1.2 + 0.38 * len(rows))
    base = float(table["outcome_base"].iloc[0]) if len(table) else 0.0
    y = np.arange(len(rows))
    for which, colour in (("low", "#56B4E9"), ("high", "#D55E00")):
        values = rows[f"outcome_{which}"].to_numpy(dtype=float)
        ax.barh(
            y,
            values - base,
            left=base,
            color=colour,
            height=0.6,
            label=f"parameter at its {which} value",
        )
    ax.axvline(base, color="#333333", lw=1)
    names = [
        f"{r['parameter']} ({r['low']:.3g} to {r['high']:.3g})" for r in rows.to_dict("records")
    ]
    ax.set_yticks(y, names, fontsize=8)
    ax.set_xlabel(f"{label} (base case {base:,.0f})")
    ax.set_title("One-way sensitivity analysis", fontsize=10)
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    return fig
