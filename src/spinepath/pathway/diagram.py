"""Draw the phase machine as Mermaid or Graphviz DOT: every move, rule ids on the edges.

Every phase can move to every other (an action moves the patient into its phase whatever phase
they are in), so drawing each move as its own edge gives a tangle. A move that can be made from
every other phase is drawn once, from an "any other phase" node; a move from only some phases is
drawn from each of them. The main path (:data:`~spinepath.pathway.machine.MAIN_PATH`) is drawn
thick between its phases, moves that need an override dashed and labelled "override", moves
made by an outcome in blue.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import attrs

from spinepath.errors import InvalidValue
from spinepath.pathway.machine import (
    ENTRY,
    MAIN_PATH,
    TRANSITIONS,
    Cause,
    MoveGroup,
    Transition,
    grouped,
)
from spinepath.pathway.phases import Phase
from spinepath.rules.actions import ActionKind

__all__ = ["ANY_PHASE", "Edge", "diagram", "edges"]

ANY_PHASE = "any_phase"
"""The node id of "any other phase": an edge from it stands for a move from every phase but
its target."""


@attrs.frozen
class Edge:
    """One drawn edge: from ``source`` (a phase, or ``None`` for any other phase), made by an
    action or an outcome, needing an override or not, on the main path or not."""

    source: Phase | None
    target: Phase
    label: str
    cause: Cause
    override: bool = False
    main: bool = False


def diagram(
    format: Literal["mermaid", "dot"] = "mermaid",
    *,
    transitions: Iterable[Transition] = TRANSITIONS,
) -> str:
    """The phase machine with every move, each labelled with rule ids and a short reason
    (``transitions``: the shipped machine's moves unless told otherwise)."""
    if format == "mermaid":
        return _mermaid(edges(transitions))
    if format == "dot":
        return _dot(edges(transitions))
    raise InvalidValue("format", f"{format!r} is not mermaid or dot")


def edges(transitions: Iterable[Transition] = TRANSITIONS) -> tuple[Edge, ...]:
    """The edges a diagram of ``transitions`` draws: the main path first (one edge a step), then
    one edge from any other phase for each move every other phase can make, then the moves only
    some phases can make, each from its phase (unless the main path draws it)."""
    moves = tuple(transitions)
    drawn: list[Edge] = []
    for source, target, cause, why in MAIN_PATH:
        step = [
            t for t in moves if t.main and (t.source, t.target, t.cause) == (source, target, cause)
        ]
        if step:
            rules = ", ".join(dict.fromkeys(r for t in step for r in t.rules))
            drawn.append(Edge(source, target, f"{rules}: {why}", cause, main=True))
    main = {(t.source, t.target, t.cause) for t in moves if t.main}
    singles: list[Edge] = []
    for group in grouped(moves):
        label = f"{', '.join(group.rules)}: {_short(group)}"
        if group.override:
            label = f"override: {label}"
        if group.from_every_other_phase:
            drawn.append(Edge(None, group.target, label, group.cause, group.override))
            continue
        singles += [
            Edge(source, group.target, label, group.cause, group.override)
            for source in group.sources
            if (source, group.target, group.cause) not in main
        ]
    return (*drawn, *singles)


_K = ActionKind
_SHORT = {
    _K.DISCHARGE: "discharge",
    _K.RE_EVALUATION: "re-evaluation visit",
    _K.IMAGING: "imaging",
    _K.POSTURE_REVIEW: "posture review",
    _K.SELECTIVE_NERVE_ROOT_BLOCK: "SNRB",
    _K.CESI: "CESI",
    _K.MEDIAL_BRANCH_BLOCK: "MBB",
    _K.RADIOFREQUENCY_ABLATION: "RFA",
    _K.GREATER_OCCIPITAL_NERVE_BLOCK: "GON block",
    _K.MEDICATION_TRIAL: "medication",
    _K.ADVANCED_PHYSICAL_THERAPY: "advanced PT",
    _K.SPINAL_CORD_STIMULATOR_TRIAL: "SCS trial",
    _K.SPINAL_CORD_STIMULATOR_IMPLANT: "SCS implant",
    _K.REGENERATIVE_THERAPY: "regenerative therapy",
    _K.SURGICAL_CONSULTATION: "surgical consultation",
    _K.ACDF: "ACDF",
    _K.LAMINOFORAMINOTOMY: "foraminotomy",
}


def _short(group: MoveGroup) -> str:
    """A move's reason in a few words: its actions' short names, or its outcome."""
    if group.actions:
        return ", ".join(_SHORT[k] for k in group.actions)
    return group.label


def _mermaid(drawn: Iterable[Edge]) -> str:
    lines = [
        "flowchart TB",
        "    start((start))",
        f'    {ANY_PHASE}(["any other phase"])',
    ]
    lines += [f'    {p.value}["{p.label}"]' for p in Phase]
    lines.append(f"    start --> {ENTRY.value}")
    blue: list[str] = []
    for n, e in enumerate(drawn, start=1):  # link 0 is start --> entry
        source = ANY_PHASE if e.source is None else e.source.value
        arrow = "-.->" if e.override else "==>" if e.main else "-->"
        lines.append(f'    {source} {arrow}|"{e.label}"| {e.target.value}')
        if e.cause is Cause.OUTCOME:
            blue.append(str(n))
    if blue:
        lines.append(f"    linkStyle {','.join(blue)} stroke:{_BLUE},color:{_BLUE}")
    lines.append(f"    style {ANY_PHASE} stroke-dasharray: 4 4")
    return "\n".join(lines) + "\n"


_BLUE = "#1f5fbf"
_LEGEND = (
    "thick: the main path; blue: an outcome moves the patient on; dashed: needs an override; "
    "any other phase: from every phase but the one the arrow points to"
)


def _dot(drawn: Iterable[Edge]) -> str:
    lines = [
        "digraph spinepath {",
        "    rankdir=TB;",
        f'    label="{_LEGEND}";',
        '    labelloc=b; fontname="Helvetica"; fontsize=10;',
        '    node [shape=box, style=rounded, fontname="Helvetica"];',
        '    edge [fontname="Helvetica", fontsize=10];',
        "    start [shape=point];",
        f'    {ANY_PHASE} [label="any other phase", shape=ellipse, style=dashed];',
        f"    start -> {ENTRY.value};",
    ]
    lines += [f'    {p.value} [label="{p.label}"];' for p in Phase]
    for e in drawn:
        source = ANY_PHASE if e.source is None else e.source.value
        extra = []
        if e.main:
            extra.append("penwidth=3")
        if e.override:
            extra.append("style=dashed")
        if e.cause is Cause.OUTCOME:
            extra.append(f'color="{_BLUE}", fontcolor="{_BLUE}"')
        attributes = ", ".join([f'label="{e.label}"', *extra])
        lines.append(f"    {source} -> {e.target.value} [{attributes}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
