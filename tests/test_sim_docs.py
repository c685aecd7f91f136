"""The simulation tutorial runs as shown: every output it shows, and its figures, are what the
example prints and draws when the tests run it."""

from __future__ import annotations

import ast
import math
import re
import runpy
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "simulation.md"
EXAMPLE = ROOT / "examples" / "compare_policies.py"
MARK = "<!-- output of examples/compare_policies.py: "


def test_code_blocks_are_python() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert len(blocks) >= 8
    for block in blocks:
        ast.parse(block.replace("): ...", "): pass"))


def test_pictures_exist_and_are_small() -> None:
    for name in re.findall(r"\(img/([^)]+\.png)\)", DOC.read_text()):
        path = DOC.parent / "img" / name
        assert path.exists(), name
        assert len(path.read_bytes()) < 300_000, name


def _shown(doc: str) -> dict[str, str]:
    """The output blocks of the page, by the section of the example that prints them."""
    found = re.findall(re.escape(MARK) + r"(\w+) -->\n```\n(.*?)```", doc, re.S)
    return dict(found)


def _printed(text: str) -> dict[str, str]:
    return dict(re.findall(r"^--- (\w+)\n(.*?)(?=^--- )", text, re.S | re.M))


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Path]:
    images = tmp_path_factory.mktemp("img")
    capture = pytest.MonkeyPatch()
    capture.setattr(sys, "argv", [str(EXAMPLE), "20000", str(images)])
    import contextlib
    import io

    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(str(EXAMPLE), run_name="__main__")
    finally:
        capture.undo()
    return _printed(out.getvalue()), images


def test_every_output_shown_is_what_the_example_prints(
    printed: tuple[dict[str, str], Path],
) -> None:
    sections, _ = printed
    shown = _shown(DOC.read_text())
    assert set(shown) == {"summary", "comparison", "cea"}
    for name, text in shown.items():
        assert text == sections[name], f"docs/simulation.md's {name!r} output is stale"


def test_figures_in_the_text_are_the_printed_ones(printed: tuple[dict[str, str], Path]) -> None:
    sections, images = printed
    doc = DOC.read_text()
    cost = re.search(r"discounted cost per patient .* \+([0-9,]+) \(", sections["comparison"])
    qalys = re.search(r"discounted QALYs per patient .* \+([0-9.]+) \(", sections["comparison"])
    assert cost is not None
    assert qalys is not None
    sentence = (
        f"early referral costs about {cost.group(1)}\nmore per patient and gains "
        f"{float(qalys.group(1)):.3f} discounted QALYs"
    )
    assert sentence in doc
    for name in ("sim-km.png", "sim-sankey-engine.png", "sim-sankey-early.png"):
        assert (images / name).stat().st_size > 10_000


def _block_after(doc: str, marker: str) -> str:
    """The first python block at or after ``marker`` (a heading or a line of the block)."""
    at = doc.index(marker)
    for found in re.finditer(r"```python\n(.*?)```", doc, re.S):
        if found.end() > at:
            return found.group(1)
    raise AssertionError(marker)


def test_the_first_run_is_the_run_whose_summary_is_shown() -> None:
    """ "A first run" shows the summary the example prints for its "follow the engine" arm:
    the same call, since an arm of ``simulate_arms`` is ``simulate`` with that policy."""
    from spinepath import sim

    block = _block_after(DOC.read_text(), "## A first run")
    assert "results = sim.simulate(20_000, seed=2025)" in block
    example = EXAMPLE.read_text()
    assert (
        '{"follow the engine": "engine", "early referral": "early-surgical-referral"}, seed=2025'
        in example
    )
    assert 'print(runs["follow the engine"].summary())' in example
    arm = sim.simulate_arms(300, {"follow the engine": "engine"}, seed=2025)["follow the engine"]
    assert arm.same_as(sim.simulate(300, seed=2025))
    assert f"{20_000} patients, policy 'engine'" in _shown(DOC.read_text())["summary"]


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def test_values_shown_in_comments_are_what_the_code_gives() -> None:
    """``p.rfa_relief_median_days  # '263 days'``: each such line of the parameters example
    evaluates to what its comment shows (a string ending in ``...`` is a prefix)."""
    from spinepath import sim

    block = _block_after(DOC.read_text(), "p = sim.DEFAULT_PARAMETERS")
    names: dict[str, object] = {"sim": sim, "p": sim.DEFAULT_PARAMETERS}
    checked = 0
    for line in block.splitlines():
        found = re.match(r"^(?!\w+ = )(\S[^#]*?)\s+# (.*)$", line)
        if found is None:
            continue
        expression, shown = found.groups()
        value = eval(expression, names)  # the page's own example
        if shown.startswith("'"):
            text = shown[1 : shown.index("'", 1)]
            assert str(value).startswith(text.removesuffix(" ...")), line
        else:
            shown = shown.split(":")[0]
            assert _NUMBER.sub("#", repr(value)) == _NUMBER.sub("#", shown), line
            pairs = zip(_NUMBER.findall(repr(value)), _NUMBER.findall(shown), strict=True)
            assert all(math.isclose(float(a), float(b), rel_tol=1e-9) for a, b in pairs), line
        checked += 1
    assert checked >= 4


def test_parameter_figures_in_the_text_are_the_defaults() -> None:
    from spinepath import sim

    p = sim.DEFAULT_PARAMETERS
    text = " ".join(DOC.read_text().split())
    stated = [
        f"{p.cesi_response.value:.1%} (disc herniation) and "
        f"{p.cesi_stenosis_response.value:.1%} (foraminal stenosis) respond",
        f"responders' median {p.cesi_relief_median_days.value:.0f} days",
        f"({p.targeted_cesi_response.value:.1%} respond)",
        f"({p.rfa_success.value:.1%} respond, responders' median "
        f"{p.rfa_relief_median_days.value:.0f} days)",
        f"{p.surgery_success.value:.0%} succeed at the generating level, "
        f"{p.surgery_off_level_success.value:.0%} elsewhere, "
        f"{p.revision_success.value:.0%} for a revision",
        f"adjacent segment disease about {p.acdf_recurrence_per_year.value:.0%} a year",
    ]
    for sentence in stated:
        assert sentence in text, sentence


def test_defaults_and_messages_quoted_in_the_text_are_the_code_s() -> None:
    import inspect

    from spinepath import sim
    from spinepath.errors import InvalidValue
    from spinepath.sim.runner import DEFAULT_CHUNK_SIZE

    text = " ".join(DOC.read_text().split())
    for function in (sim.economics, sim.cea, sim.compare):
        rate = inspect.signature(function).parameters["discount_rate"].default
        assert f"({rate:.1%} a year by default)" in text, function.__name__
    assert f"in a chunk of {DEFAULT_CHUNK_SIZE:,} (the default)" in text
    with pytest.raises(InvalidValue) as error:
        sim.Costs({"acfd": 15_000})
    assert f"raises `InvalidValue: {error.value}`" in text
    horizon = inspect.signature(sim.simulate).parameters["horizon_days"].default
    assert _shown(DOC.read_text())["summary"].splitlines()[0].endswith(f", {horizon} days")
