"""The generated references cannot drift, and the walk-through runs as shown."""

from __future__ import annotations

import contextlib
import io
import pathlib
import re
import runpy

import pytest

from spinepath import PROFILES
from spinepath.pathway import TRANSITIONS, Phase
from spinepath.pathway import reference as pathway_reference
from spinepath.rules import FACTS, RULE_IDS, RULES
from spinepath.rules import reference as rules_reference

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


# -- generated references --------------------------------------------------------------------------


def test_rules_md_is_current() -> None:
    assert (DOCS / "rules.md").read_text() == rules_reference.render_markdown(), (
        "regenerate: python -m spinepath.rules.reference > docs/rules.md"
    )


def test_pathway_md_is_current() -> None:
    assert (DOCS / "pathway.md").read_text() == pathway_reference.render_markdown(), (
        "regenerate: python -m spinepath.pathway.reference > docs/pathway.md"
    )


def test_rules_md_lists_every_rule_with_its_conditions_and_source() -> None:
    text = rules_reference.render_markdown()
    for rule in RULES:
        heading = f"## {rule.id}: {rule.title}\n"
        assert heading in text
        section = text[text.index(heading) :].split("\n## ", 1)[0]
        for _, condition in rule.conditions():
            assert f"`{condition.render()}`" in section
            for name in condition.names():
                assert f"{FACTS[name].meaning} (`{name}`)" in section
        assert rule.rationale in section
        assert f"*Source:* {rule.citation}" in section
    assert set(re.findall(r"^## (S\d+):", text, re.M)) == set(RULE_IDS)


def test_rules_md_lists_every_fact_and_every_figure_of_both_profiles() -> None:
    text = rules_reference.render_markdown()
    for name, definition in FACTS.items():
        assert f"| `{name}` | {definition.meaning} |" in text
    for profile in PROFILES.values():
        section = text[text.index(f"### `{profile.name}`") :].split("\n### ", 1)[0]
        for name, figure in profile.figures().items():
            row = next(line for line in section.splitlines() if line.startswith(f"| `{name}` |"))
            assert figure.source in row
            assert f"| {figure.grade} |" in row


def test_conditions_in_words_nest_like_the_expression() -> None:
    rfa = next(r for r in RULES if r.title.startswith("Facet pain: radiofrequency"))
    assert rfa.requires is not None
    words = rules_reference.condition_in_words(rfa.requires)
    assert words[0] == "- **all of:**"
    assert words[1] == "  - **any of:**"
    assert "      - **not:** an earlier RFA at any joint of the target (`rfa_prior`)" in words


def test_pathway_md_has_the_diagram_every_phase_and_move() -> None:
    text = pathway_reference.render_markdown()
    assert "```mermaid\nflowchart TB\n" in text
    for phase in Phase:
        assert f"| `{phase.value}` | {phase.label} |" in text
    moves = text[text.index("## Every move") :]
    rows = [line.split(" | ") for line in moves.splitlines() if line.startswith("| ")][1:]
    for t in TRANSITIONS:  # each move is on a row: from its phase, or from any other phase
        assert any(
            row[0] == f"| {t.target.label}"
            and (row[1] == "any other phase" or t.source.label in row[1].split(", "))
            and row[2] == t.label
            and row[3] == ", ".join(t.rules)
            and row[4] == ("yes |" if t.override else "no |")
            for row in rows
        ), t
    assert f"{len(TRANSITIONS)} moves between two phases" in moves


# -- the walk-through ------------------------------------------------------------------------------

WALKTHROUGH = DOCS / "walkthrough.md"
SCRIPT = ROOT / "examples" / "walkthrough.py"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", WALKTHROUGH.read_text(), re.S)


@pytest.fixture(scope="module")
def printed() -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        runpy.run_path(str(SCRIPT), run_name="__main__")
    return out.getvalue()


def test_walkthrough_code_is_the_code_that_runs() -> None:
    script = SCRIPT.read_text()
    blocks = _blocks("python")
    assert len(blocks) >= 6
    for block in blocks:
        assert block in script, block


def test_walkthrough_output_is_what_the_script_prints(printed: str) -> None:
    blocks = _blocks("text")
    assert len(blocks) == 5
    assert "".join(blocks) == printed


def test_walkthrough_key_lines(printed: str) -> None:
    lines = printed.splitlines()
    assert "phase: Re-evaluation (as of 2023-11-02)" in lines
    assert "  1. Medial branch block C4-5 right" in lines
    assert "Radiofrequency ablation C4-5, C5-6 right is not legal now:" in lines
    assert "consensus-2022: recommended" in lines
    assert "strict-payer: blocked" in lines
    assert "phase: Maintenance / discharge (as of 2024-02-21)" in lines
    assert "  1. Discharge to maintenance" in lines
