"""Pictures of a run: a Sankey diagram of pathways and Kaplan-Meier curves (needs matplotlib).

Both functions draw on a new :class:`matplotlib.figure.Figure` (no pyplot, no display needed)
and return it; ``figure.savefig("out.png", dpi=...)`` writes it.

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
from spinepath.sim.results import Results

__all__ = ["PHASE_COLOURS", "kaplan_meier_figure", "sankey_figure"]

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
    results: Results, *, title: str | None = None, width: float = 11.0, height: float = 6.0
) -> Any:
    """A Sankey diagram of the run's pathways; returns the matplotlib Figure.

    Columns are the phases in the article's order, then where patients stand at the horizon.
    Patients who skip a phase pass through a faint slot at the foot of its column, so every
    band joins neighbouring columns.
    """
    from matplotlib.figure import Figure

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
    fig = Figure(figsize=(width, height), dpi=100)
    ax = fig.add_axes((0.01, 0.03, 0.98, 0.87))
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
        colour = "#D0D0D0" if b[1] == "skip" else PHASE_COLOURS[b[1]]
        _ribbon(ax, a[0] + node_width / 2, source, b[0] - node_width / 2, target, colour)
    for (c, name), (low, high) in span.items():
        if name == "skip":
            ax.add_patch(_rect(c - node_width / 2, low, node_width, high - low, "#EFEFEF"))
            continue
        ax.add_patch(_rect(c - node_width / 2, low, node_width, high - low, PHASE_COLOURS[name]))
        count = node_total[(c, name)]
        share = count / total if total else 0.0
        text = f"{labels[name]}\n{count:,} ({share:.0%})"
        ax.text(
            c + node_width / 2 + 0.03,
            (low + high) / 2,
            text,
            ha="left",
            va="center",
            fontsize=8.5,
            zorder=3,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.8},
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
    ax.set_ylim(-0.06, 1.02)
    ax.axis("off")
    heading = title or (
        f"Pathways of {results.n:,} patients after a failed CESI "
        f"({results.policy}, {results.profile}, {results.horizon} days)"
    )
    fig.suptitle(heading, fontsize=11, y=0.975)
    return fig


def _rect(x: float, y: float, w: float, h: float, colour: str) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, facecolor=colour, edgecolor="white", linewidth=0.8, zorder=2)


def kaplan_meier_figure(
    runs: Results | Mapping[str, Results],
    *,
    events: Sequence[str] = ("consultation", "surgery"),
    title: str | None = None,
    width: float = 9.0,
    height: float = 4.5,
) -> Any:
    """Kaplan-Meier curves of the share who had each event by each day (one panel per event),
    one curve per run, with 95% confidence bands; returns the matplotlib Figure."""
    from matplotlib.figure import Figure

    named = {"": runs} if isinstance(runs, Results) else dict(runs)
    fig = Figure(figsize=(width, height), dpi=100)
    axes = fig.subplots(1, len(events), sharey=True, squeeze=False)[0]
    palette = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
    for ax, event in zip(axes, events, strict=True):
        for i, (label, results) in enumerate(named.items()):
            km = results.kaplan_meier(event)
            months = km["time"].to_numpy() / 30.44
            colour = palette[i % len(palette)]
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
        horizon = max(r.horizon for r in named.values()) / 30.44
        ax.set_xlim(0, horizon)
        ax.set_xticks(np.arange(0, horizon + 0.1, 6))
        ax.set_xlabel("Months after entry")
        ax.set_title(
            f"Time to {'surgical consultation' if event == 'consultation' else event}", fontsize=10
        )
        ax.grid(alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    axes[0].set_ylabel("Patients who had it (%)")
    if len(named) > 1 or next(iter(named)):
        axes[-1].legend(frameon=False, fontsize=9, loc="upper left")
    first = next(iter(named.values()))
    fig.suptitle(
        title or f"Kaplan-Meier estimates, {first.n:,} patients per run (95% confidence bands)",
        fontsize=11,
    )
    fig.tight_layout()
    return fig
