"""docs/testing.md runs as shown: its Python blocks, in order, in one namespace."""

from __future__ import annotations

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "testing.md"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```$", text, re.M | re.S)


def test_testing_md_code_runs_as_shown() -> None:
    blocks = python_blocks(PAGE.read_text())
    assert len(blocks) >= 6
    namespace: dict[str, object] = {"__name__": "docs_testing"}
    for number, block in enumerate(blocks, start=1):
        code = compile(block, f"{PAGE.name} block {number}", "exec")
        exec(code, namespace)


def test_testing_md_links_the_runnable_example() -> None:
    assert "examples/downstream_app_test.py" in PAGE.read_text()
    assert (ROOT / "examples" / "downstream_app_test.py").exists()
