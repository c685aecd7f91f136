"""The simulation tutorial runs as shown: every output it shows, and its figures, are what the
example prints and draws when the tests run it."""

from __future__ import annotations

import ast
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
