"""Pictures: a Sankey diagram of pathways and Kaplan-Meier curves, as small PNG files."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinepath.sim import Results, simulate

plot = pytest.importorskip("spinepath.sim.plot")


@pytest.fixture(scope="module")
def run() -> Results:
    return simulate(2_000, seed=4)


def test_sankey_paths_account_for_every_patient(run: Results) -> None:
    paths = plot._paths(run)
    assert sum(paths.values()) == run.n
    assert all(path[0] == "entry" for path in paths)
    assert all(path[-1] in ("relieved", "discharged", "in care") for path in paths)
    reached = sum(count for path, count in paths.items() if "surgery" in path)
    assert reached == int(run.patients["reached_surgery"].sum())


def test_pictures_are_small_pngs(run: Results, tmp_path: Path) -> None:
    other = simulate(2_000, seed=4, policy="early-surgical-referral")
    for name, figure in (
        ("sankey.png", plot.sankey_figure(run)),
        ("km.png", plot.kaplan_meier_figure({"engine": run, "early referral": other})),
        ("km-one.png", plot.kaplan_meier_figure(run, events=("surgery",))),
    ):
        path = tmp_path / name
        figure.savefig(path, dpi=110)
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert 10_000 < len(data) < 300_000
