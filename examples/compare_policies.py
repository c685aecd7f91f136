"""Compare two strategies after a failed CESI, end to end (the docs/simulation.md tutorial).

Follow the engine's first recommendation, or refer to a surgeon as soon as imaging shows a
surgical lesion? Same cohort, same seed (every patient meets the same luck under both), the
consensus profile, two years. Prints the comparison and draws the pictures of the tutorial.

Run: ``python examples/compare_policies.py [N] [IMAGE_DIR]`` (defaults 20000 and docs/img).
"""

from __future__ import annotations

import sys
from pathlib import Path

from spinepath import sim
from spinepath.rules.actions import ActionKind
from spinepath.sim import plot

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
IMAGES = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).parents[1] / "docs" / "img"

runs = {
    "follow the engine": sim.simulate(N, seed=2025, policy="engine"),
    "early surgical referral": sim.simulate(N, seed=2025, policy="early-surgical-referral"),
}

print(f"{'':32} {'engine':>12} {'early referral':>15}")
metrics = {name: results.summary().metrics() for name, results in runs.items()}
rows = [
    ("surgical consultation", "share_surgical_consultation", "{:.1%}"),
    ("surgery", "share_surgery", "{:.1%}"),
    ("  by one year (Kaplan-Meier)", "surgery_by_1_year", "{:.1%}"),
    ("adequate relief at some point", "share_relief", "{:.1%}"),
    ("procedures per patient", "procedures_per_patient", "{:.2f}"),
    ("RFAs per patient", "rfa_per_patient", "{:.2f}"),
    ("mean index pain at 6 months", "mean_pain_day_180", "{:.2f}"),
    ("mean index pain at 2 years", "mean_pain_day_730", "{:.2f}"),
    ("patients with a complication", "complications_any", "{:.1%}"),
]
for label, key, form in rows:
    a, b = (form.format(metrics[name][key]) for name in runs)
    print(f"{label:32} {a:>12} {b:>15}")

# what the extra operations cost, and the QALYs they buy (illustrative prices and utilities)
costs = sim.Costs(
    {
        ActionKind.SURGICAL_CONSULTATION: 250.0,
        ActionKind.SELECTIVE_NERVE_ROOT_BLOCK: 700.0,
        ActionKind.CESI: 800.0,
        ActionKind.MEDIAL_BRANCH_BLOCK: 700.0,
        ActionKind.RADIOFREQUENCY_ABLATION: 1_800.0,
        ActionKind.SPINAL_CORD_STIMULATOR_TRIAL: 6_000.0,
        ActionKind.SPINAL_CORD_STIMULATOR_IMPLANT: 25_000.0,
        ActionKind.ACDF: 15_000.0,
        ActionKind.LAMINOFORAMINOTOMY: 11_000.0,
    },
    complication_default=300.0,
)
utilities = sim.Utilities.linear(at_zero=0.85, at_ten=0.35)
money = {name: sim.economics(r, costs=costs, utilities=utilities) for name, r in runs.items()}
for name, table in money.items():
    print(
        f"{name}: mean discounted cost {table['cost'].mean():,.0f}, "
        f"QALYs {table['qalys'].mean():.3f}"
    )
(a, b) = money.values()
extra_cost = b["cost"].mean() - a["cost"].mean()
extra_qalys = b["qalys"].mean() - a["qalys"].mean()
print(
    f"early referral: {extra_cost:+,.0f} per patient, {extra_qalys:+.3f} QALYs "
    f"({extra_cost / extra_qalys:,.0f} per QALY)"
    if extra_qalys
    else ""
)

IMAGES.mkdir(parents=True, exist_ok=True)
plot.kaplan_meier_figure(
    {
        "follow the engine": runs["follow the engine"],
        "early surgical referral": runs["early surgical referral"],
    }
).savefig(IMAGES / "sim-km.png", dpi=100)
for name, stem in (
    ("follow the engine", "sim-sankey-engine"),
    ("early surgical referral", "sim-sankey-early"),
):
    plot.sankey_figure(
        runs[name],
        title=f"{name.capitalize()}: pathways of {N:,} patients after a failed CESI (2 years)",
    ).savefig(IMAGES / f"{stem}.png", dpi=90)
print(f"pictures in {IMAGES}")
