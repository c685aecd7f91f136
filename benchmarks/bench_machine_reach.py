"""Benchmark: how deep ``PathwayStateMachine`` runs reach, with and without steering.

Each row runs the machine (or a subclass with the row's class attributes) for N runs of S
steps, Hypothesis's generate phase only, derandomized so the figures repeat, and counts the
runs whose record gained a second medial branch block (two blocks in one record), a
confirmatory block (``series_position`` 2, which only profiles asking for two blocks offer),
and a radiofrequency ablation, with the mean number of events each run added. A suite can only
find a bug in how an application handles a state if its runs reach that state.
Run: ``python benchmarks/bench_machine_reach.py [runs] [steps]``.
"""

from __future__ import annotations

import sys
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from spinepath import CONSENSUS_2022, STRICT_PAYER, Event, PatientRecord
from spinepath import Phase as PathwayPhase
from spinepath.model import MedialBranchBlock, RadiofrequencyAblation
from spinepath.rules.actions import ActionKind
from spinepath.testing import PathwayStateMachine

FACET = frozenset({ActionKind.MEDIAL_BRANCH_BLOCK, ActionKind.RADIOFREQUENCY_ABLATION})


def reach(machine: type[PathwayStateMachine], runs: int, steps: int) -> dict[str, float]:
    """Runs (of ``runs``) that reached each state, and the mean events added per run."""
    seen: list[dict[str, int]] = []

    class Counting(machine):  # type: ignore[misc,valid-type]
        def on_start(self, record: PatientRecord) -> None:
            self.counts = {"mbb": 0, "confirmatory": 0, "rfa": 0, "events": 0}
            seen.append(self.counts)
            super().on_start(record)

        def on_applied(self, record: PatientRecord, event: Event) -> None:
            counts = self.counts
            counts["events"] += 1
            if isinstance(event, MedialBranchBlock):
                counts["mbb"] += 1
                counts["confirmatory"] += event.series_position == 2
            counts["rfa"] += isinstance(event, RadiofrequencyAblation)
            super().on_applied(record, event)

    run_state_machine_as_test(
        Counting,
        settings=settings(
            max_examples=runs,
            stateful_step_count=steps,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        ),
    )
    return {
        "second MBB": sum(c["mbb"] >= 2 for c in seen),
        "confirmatory MBB": sum(c["confirmatory"] > 0 for c in seen),
        "RFA": sum(c["rfa"] > 0 for c in seen),
        "events/run": sum(c["events"] for c in seen) / max(1, len(seen)),
        "started": len(seen),
    }


def machine(**attributes: Any) -> type[PathwayStateMachine]:
    return type("Steered", (PathwayStateMachine,), attributes)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    rows = [
        ("default (consensus-2022)", machine(profile=CONSENSUS_2022)),
        ("profile=STRICT_PAYER", machine(profile=STRICT_PAYER)),
        ("prefer={MBB, RFA}", machine(prefer=FACET)),
        ("STRICT_PAYER, prefer={MBB, RFA}", machine(profile=STRICT_PAYER, prefer=FACET)),
        ("reach=ADVANCED_INTERVENTIONAL", machine(reach=PathwayPhase.ADVANCED_INTERVENTIONAL)),
    ]
    print(f"{runs} runs of {steps} steps per row (runs started, including discarded ones)")
    print(f"{'machine':34} {'2nd MBB':>8} {'confirm.':>8} {'RFA':>6} {'events':>7} {'started':>8}")
    for name, cls in rows:
        r = reach(cls, runs, steps)
        print(
            f"{name:34} {r['second MBB']:8.0f} {r['confirmatory MBB']:8.0f} {r['RFA']:6.0f}"
            f" {r['events/run']:7.1f} {r['started']:8.0f}"
        )


if __name__ == "__main__":
    main()
