"""The README's Python example runs as written, and its two commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_readme_python_example_runs_as_written() -> None:
    (code,) = _blocks("python")
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assessment = namespace["assessment"]
    strict = namespace["strict"]
    assert str(getattr(assessment, "phase").label) == "Re-evaluation"  # noqa: B009
    assert getattr(strict, "profile") == "strict-payer"  # noqa: B009


def test_readme_first_screen_gives_the_two_commands() -> None:
    first_screen = README.split("---", 1)[0]
    commands = _blocks("bash")[:2]
    assert all(c.strip() in first_screen for c in commands)
    run_main, run_tests = (c.strip() for c in commands)
    assert "spinepath assess examples/" in run_main
    assert run_tests.endswith("python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pytest" in ci
    assert "spinepath assess examples/" in ci
