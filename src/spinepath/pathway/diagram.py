"""Draw the phase machine as Mermaid or Graphviz DOT, rule ids on the edges."""

from __future__ import annotations

from typing import Literal

from spinepath.errors import InvalidValue
from spinepath.pathway.machine import ENTRY, TRANSITIONS
from spinepath.pathway.phases import Phase

__all__ = ["diagram"]


def diagram(format: Literal["mermaid", "dot"] = "mermaid") -> str:
    """The phase machine with its transitions, each labelled with rule ids and a short reason."""
    if format == "mermaid":
        return _mermaid()
    if format == "dot":
        return _dot()
    raise InvalidValue("format", f"{format!r} is not mermaid or dot")


def _edges() -> list[tuple[Phase, Phase, str]]:
    return [(t.source, t.target, f"{', '.join(t.rules)}: {t.label}") for t in TRANSITIONS]


def _mermaid() -> str:
    lines = ["stateDiagram-v2", f"    [*] --> {ENTRY.value}"]
    lines += [f"    {p.value}: {p.label}" for p in Phase]
    lines += [f"    {a.value} --> {b.value}: {label}" for a, b, label in _edges()]
    return "\n".join(lines) + "\n"


def _dot() -> str:
    lines = [
        "digraph spinepath {",
        "    rankdir=LR;",
        "    node [shape=box, style=rounded];",
        "    start [shape=point];",
        f"    start -> {ENTRY.value};",
    ]
    lines += [f'    {p.value} [label="{p.label}"];' for p in Phase]
    lines += [f'    {a.value} -> {b.value} [label="{label}"];' for a, b, label in _edges()]
    lines.append("}")
    return "\n".join(lines) + "\n"
