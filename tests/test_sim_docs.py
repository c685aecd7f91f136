"""The simulation tutorial runs as shown, and its figures are the example's output."""

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


def test_the_comparison_table_is_what_the_example_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", [str(EXAMPLE), "20000", str(tmp_path)])
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    printed = capsys.readouterr().out
    doc = DOC.read_text()
    for label, doc_label in (
        ("surgical consultation", "surgical consultation"),
        ("surgery", "surgery"),
        ("  by one year (Kaplan-Meier)", "surgery by one year (Kaplan-Meier)"),
        ("procedures per patient", "procedures per patient"),
        ("mean index pain at 2 years", "mean index pain (NRS) at 2 years"),
        ("patients with a complication", "patients with a complication"),
    ):
        line = next(x for x in printed.splitlines() if x.startswith(label + " "))
        engine, early = line.split()[-2:]
        assert f"| {doc_label} | {engine} | {early} |" in doc, (doc_label, engine, early)
    for name in ("sim-km.png", "sim-sankey-engine.png", "sim-sankey-early.png"):
        assert (tmp_path / name).stat().st_size > 10_000
    gained = re.search(r"per patient, \+([0-9.]+) QALYs", printed)
    assert gained is not None
    assert f"{gained.group(1)} discounted QALYs" in doc
