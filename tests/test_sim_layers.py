"""Layering: the core never imports numpy; spinepath.sim never imports testing or cli."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import spinepath.sim

SIM = Path(spinepath.sim.__file__).parent


def test_the_core_package_does_not_import_numpy() -> None:
    code = (
        "import sys\n"
        "import spinepath, spinepath.pathway, spinepath.io, spinepath.cli\n"
        "assert 'numpy' not in sys.modules\n"
        "assert 'spinepath.sim' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_sim_imports_point_down() -> None:
    for path in sorted(SIM.glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(
                    ("spinepath.testing", "spinepath.cli", "spinepath.interop")
                ), f"{path.name} imports {name}"
