"""Compare two strategies after a failed CESI, end to end (the docs/simulation.md tutorial).

Follow the engine's first recommendation, or refer to a surgeon as soon as imaging shows a
surgical lesion? The same patients under both (common random numbers), the consensus profile,
two years. Prints the summary, the comparison with confidence intervals and the
cost-effectiveness, each after a ``--- name`` line (the tests check that the docs show exactly
these), and draws the pictures of the tutorial.

Run: ``python examples/compare_policies.py [N] [IMAGE_DIR]`` (defaults 20000 and docs/img).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from spinepath import sim
from spinepath.sim import plot

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
IMAGES = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).parents[1] / "docs" / "img"

runs = sim.simulate_arms(
    N, {"follow the engine": "engine", "early referral": "early-surgical-referral"}, seed=2025
)
# illustrative prices and utilities: none ship with spinepath
costs = sim.costs_from_mapping(
    {
        "currency": "GBP",
        "complication_default": 300,
        "per_step": {
            "surgical_consultation": 250,
            "selective_nerve_root_block": 700,
            "cesi": 800,
            "medial_branch_block": 700,
            "radiofrequency_ablation": 1_800,
            "spinal_cord_stimulator_trial": 6_000,
            "spinal_cord_stimulator_implant": 25_000,
            "acdf": 15_000,
            "laminoforaminotomy": 11_000,
        },
    }
)
utilities = sim.Utilities.linear(at_zero=0.85, at_ten=0.35)

print("--- summary")
print(runs["follow the engine"].summary())

print("--- comparison")
comparison = sim.compare(runs, costs=costs, utilities=utilities)
with pd.option_context("display.width", 200, "display.max_colwidth", 40):
    print(comparison)

print("--- cea")
print(sim.cea(runs, costs=costs, utilities=utilities, wtp=20_000))

IMAGES.mkdir(parents=True, exist_ok=True)
plot.kaplan_meier_figure(runs).savefig(IMAGES / "sim-km.png", dpi=100)
for name, stem in (
    ("follow the engine", "sim-sankey-engine"),
    ("early referral", "sim-sankey-early"),
):
    plot.sankey_figure(
        runs[name],
        title=f"{name.capitalize()}: pathways of {N:,} patients after a failed CESI (2 years)",
    ).savefig(IMAGES / f"{stem}.png", dpi=90)
print("--- end")
print(f"pictures in {IMAGES}")
