"""Ergonomics: progress bars, short signatures, and errors that name the extra to install."""

from __future__ import annotations

import inspect
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from spinepath import sim


def test_progress_true_shows_a_bar_per_chunk(capsys: pytest.CaptureFixture[str]) -> None:
    results = sim.simulate(1_000, seed=1, progress=True)
    err = capsys.readouterr().err
    assert "simulating" in err
    assert "1.00k/1.00k" in err
    # chunks of 500 when not given: the bar moved twice, and results do not depend on it
    assert results.same_as(sim.simulate(1_000, seed=1))


def test_progress_over_an_executor_counts_chunks() -> None:
    seen: list[int] = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        sim.simulate(
            600, seed=1, executor=pool, chunk_size=200, progress=lambda d, n: seen.append(d)
        )
    assert seen == [200, 400, 600]


def test_signatures_stay_short() -> None:
    for function in (sim.simulate, sim.psa):
        text = str(inspect.signature(function))
        assert len(text) < 700, (function.__name__, len(text))
        assert "Estimate(" not in text
        assert "Cohort(" not in text


@pytest.mark.parametrize(
    ("blocked", "module", "extra"),
    [("numpy", "spinepath.sim", "sim"), ("matplotlib", "spinepath.sim.plot", "plot")],
)
def test_a_missing_extra_is_named(blocked: str, module: str, extra: str) -> None:
    code = (
        f"import sys; sys.modules[{blocked!r}] = None\n"
        "try:\n"
        f"    import {module}\n"
        "except ImportError as error:\n"
        "    print(type(error).__name__, error)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.startswith("MissingExtra ")
    assert f"pip install 'spinepath[{extra}]'" in out
    assert repr(blocked) in out
