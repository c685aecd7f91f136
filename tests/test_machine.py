"""The machine definition: its import-time checks, the phases records are in, the diagrams."""

from __future__ import annotations

import re
from collections import Counter

import attrs
import pytest

from clinic import Clinic, failed_cesi, left_c6_radiculopathy, right_facet_pain
from spinepath import CONSENSUS_2022, STRICT_PAYER, InvalidValue, Phase, diagram, examples
from spinepath.pathway import ACTION_PHASE, ENTRY, TRANSITIONS, Transition, machine, phase_of
from spinepath.pathway.diagram import ANY_PHASE
from spinepath.pathway.machine import MAIN_PATH, Cause, transitions
from spinepath.rules import RULE_IDS, RULES, ActionKind, catalogue
from spinepath.rules.expressions import fact

P = Phase


def _broken_machine(monkeypatch: pytest.MonkeyPatch, **parts: object) -> str:
    for name, value in parts.items():
        monkeypatch.setattr(machine, name, value)
    with pytest.raises(RuntimeError) as raised:
        machine._check_machine()
    return str(raised.value)


def _broken_catalogue(monkeypatch: pytest.MonkeyPatch, rules: object) -> str:
    monkeypatch.setattr(catalogue, "RULES", rules)
    with pytest.raises(RuntimeError) as raised:
        catalogue._check_catalogue()
    return str(raised.value)


# -- the import-time checks ------------------------------------------------------------------------


def test_the_shipped_definition_passes_its_checks() -> None:
    machine._check_machine()
    catalogue._check_catalogue()


def test_an_unreachable_phase_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    without = tuple(t for t in TRANSITIONS if t.target is not P.POST_OPERATIVE)
    message = _broken_machine(monkeypatch, TRANSITIONS=without)
    assert message.startswith("broken phase machine:")
    assert "phase post_operative is not reachable from cesi_outcome" in message


def test_a_trap_phase_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    without = tuple(t for t in TRANSITIONS if t.source is not P.POST_OPERATIVE)
    message = _broken_machine(monkeypatch, TRANSITIONS=without)
    assert "phase post_operative is a trap: maintenance cannot be reached from it" in message
    assert "phase post_operative is a trap: no transition leaves it" in message


def test_a_self_loop_alone_is_still_a_trap(monkeypatch: pytest.MonkeyPatch) -> None:
    without = tuple(t for t in TRANSITIONS if t.source is not P.SURGERY)
    looping = (*without, Transition(P.SURGERY, P.SURGERY, ("S14",), "again"))
    message = _broken_machine(monkeypatch, TRANSITIONS=looping)
    assert "phase surgery is a trap: no transition leaves it" in message


def test_a_transition_citing_an_unknown_rule_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = (*TRANSITIONS, Transition(P.SURGERY, P.MAINTENANCE, ("S99",), "miracle"))
    message = _broken_machine(monkeypatch, TRANSITIONS=extra)
    assert "surgery->maintenance cites unknown rule S99" in message


def test_a_rule_labelling_no_transition_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    relabelled = tuple(
        attrs.evolve(t, rules=tuple(r for r in t.rules if r != "S10")) for t in TRANSITIONS
    )
    message = _broken_machine(monkeypatch, TRANSITIONS=relabelled)
    assert "rule S10 labels no transition" in message


def test_an_action_without_a_phase_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    partial = {k: p for k, p in ACTION_PHASE.items() if k is not ActionKind.REGENERATIVE_THERAPY}
    message = _broken_machine(monkeypatch, ACTION_PHASE=partial)
    assert "action regenerative_therapy has no phase" in message
    assert "rule S10 concerns regenerative_therapy, which has no phase" in message


def test_every_problem_is_reported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    without = tuple(t for t in TRANSITIONS if P.POST_OPERATIVE not in (t.source, t.target))
    message = _broken_machine(monkeypatch, TRANSITIONS=without)
    assert len(message.splitlines()) >= 4  # header, unreachable, two kinds of trap


def test_a_missing_rule_id_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    message = _broken_catalogue(monkeypatch, tuple(r for r in RULES if r.id != "S7"))
    assert message == "broken rule catalogue:\n  rule S7 is not encoded"


def test_a_rule_not_in_pathway_md_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = attrs.evolve(RULES[0], id="S17")
    message = _broken_catalogue(monkeypatch, (*RULES, extra))
    assert "rule S17 is not in pathway.md or the safety rules" in message


def test_an_unknown_fact_name_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    rfa = next(r for r in RULES if ActionKind.RADIOFREQUENCY_ABLATION in r.actions)
    typo = attrs.evolve(rfa, requires=fact("mbb_positve") & fact("no_bleeding_risk"))
    rules = tuple(typo if r is rfa else r for r in RULES)
    message = _broken_catalogue(monkeypatch, rules)
    assert "S6 requires names unknown fact 'mbb_positve'" in message


def test_a_rule_about_no_action_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    idle = attrs.evolve(RULES[0], actions=())
    message = _broken_catalogue(monkeypatch, (idle, *RULES[1:]))
    assert "S0 concerns no action" in message


# -- the phase of a record -------------------------------------------------------------------------


@pytest.mark.parametrize("name", examples.names())
def test_each_example_is_in_re_evaluation(name: str) -> None:
    # every shipped example has a failed CESI followed by re-evaluation events
    record = examples.load(name)
    assert phase_of(record, CONSENSUS_2022) is P.RE_EVALUATION
    assert phase_of(record, STRICT_PAYER) is P.RE_EVALUATION


def test_phase_after_each_event_of_a_long_story() -> None:
    clinic = (
        right_facet_pain()  # intake, MRI, CESI, outcome, re-evaluation
        .mbb(70, "C5-6", side="right")
        .outcome(pain_before=7, pain_after=1, relief=85, concordant=True)
        .rfa(84, "C5-6", side="right")
        .outcome(pain_before=7, pain_after=6, relief=20)
        .scs_trial(120)
        .outcome(pain_before=7, pain_after=6, relief=10, day=127)
        .consult(140)
        .acdf(160, "C5-6")
        .outcome(pain_before=7, pain_after=2, relief=70, day=200)
        .discharge(210)
    )
    record = clinic.record
    phases = [phase_of(record, CONSENSUS_2022, n) for n in range(len(record.events) + 1)]
    assert phases == [
        ENTRY,  # nothing yet
        P.CESI_OUTCOME,  # intake visit
        P.CESI_OUTCOME,  # MRI
        P.CESI_OUTCOME,  # CESI
        P.RE_EVALUATION,  # its outcome: 10%, a failure
        P.RE_EVALUATION,  # re-evaluation visit
        P.TARGETED_NON_SURGICAL,  # MBB
        P.TARGETED_NON_SURGICAL,  # its outcome (a diagnostic block does not move the phase)
        P.TARGETED_NON_SURGICAL,  # RFA
        P.TARGETED_NON_SURGICAL,  # its outcome: failed, stays
        P.ADVANCED_INTERVENTIONAL,  # SCS trial
        P.ADVANCED_INTERVENTIONAL,  # its outcome
        P.SURGICAL_CONSULTATION,
        P.SURGERY,
        P.POST_OPERATIVE,  # the operation's outcome
        P.MAINTENANCE,  # discharge
    ]


def test_adequate_relief_moves_to_maintenance() -> None:
    record = left_c6_radiculopathy().outcome(pain_before=7, pain_after=2, relief=70).record
    assert phase_of(record, CONSENSUS_2022) is P.MAINTENANCE


def test_relief_that_did_not_last_is_a_failed_cesi() -> None:
    short = left_c6_radiculopathy().outcome(
        pain_before=7, pain_after=2, relief=70, lasting=20, day=111
    )
    assert phase_of(short.record, CONSENSUS_2022) is P.RE_EVALUATION


def test_a_post_operative_visit_moves_on_from_surgery() -> None:
    clinic = failed_cesi().consult(60).foraminotomy(80, "C5-6", "left")
    assert phase_of(clinic.record, CONSENSUS_2022) is P.SURGERY
    after = clinic.visit(94, arm=2, neck=2, purpose="post_operative")
    assert phase_of(after.record, CONSENSUS_2022) is P.POST_OPERATIVE


def test_an_empty_record_is_at_the_entry() -> None:
    assert phase_of(Clinic().record, CONSENSUS_2022) is ENTRY


def test_every_action_leads_to_a_phase() -> None:
    assert set(ACTION_PHASE) == set(ActionKind)


# -- the generated moves ---------------------------------------------------------------------------

K = ActionKind
ACT, OUT = Cause.ACTION, Cause.OUTCOME


def test_the_moves_out_of_surgery_are_written_out() -> None:
    # From any phase each action moves the patient into its own phase, and an outcome reported
    # there can move them on; written out by hand for one phase.
    out = Counter(
        (t.target, t.cause, t.rules, t.actions) for t in TRANSITIONS if t.source is P.SURGERY
    )
    assert out == Counter(
        [
            (P.CESI_OUTCOME, ACT, ("S0", "S5"), (K.CESI,)),
            (
                P.RE_EVALUATION,
                ACT,
                ("S1", "S2", "S3", "S4"),
                (K.RE_EVALUATION, K.IMAGING, K.POSTURE_REVIEW, K.SELECTIVE_NERVE_ROOT_BLOCK),
            ),
            (P.RE_EVALUATION, OUT, ("S0", "S1"), ()),  # the outcome of an earlier CESI: failed
            (
                P.TARGETED_NON_SURGICAL,
                ACT,
                ("S6", "S7", "S8", "S9"),
                (
                    K.MEDIAL_BRANCH_BLOCK,
                    K.RADIOFREQUENCY_ABLATION,
                    K.GREATER_OCCIPITAL_NERVE_BLOCK,
                    K.MEDICATION_TRIAL,
                    K.ADVANCED_PHYSICAL_THERAPY,
                ),
            ),
            (
                P.ADVANCED_INTERVENTIONAL,
                ACT,
                ("S10",),
                (
                    K.SPINAL_CORD_STIMULATOR_TRIAL,
                    K.SPINAL_CORD_STIMULATOR_IMPLANT,
                    K.REGENERATIVE_THERAPY,
                ),
            ),
            (P.SURGICAL_CONSULTATION, ACT, ("S11", "S12"), (K.SURGICAL_CONSULTATION,)),
            (P.POST_OPERATIVE, OUT, ("S14", "S15"), ()),  # the operation's outcome
            (P.POST_OPERATIVE, OUT, ("S14", "S15"), ()),  # a post-operative visit
            (P.MAINTENANCE, ACT, ("S0",), (K.DISCHARGE,)),
            (P.MAINTENANCE, OUT, ("S0",), ()),  # adequate, lasting relief
        ]
    )
    labels = {t.label for t in TRANSITIONS if t.source is P.SURGERY and t.cause is OUT}
    assert labels == {
        "CESI failure reported",
        "operation's outcome reported",
        "post-operative visit",
        "adequate, lasting relief reported",
    }


def test_post_operative_follow_up_moves_to_every_other_phase() -> None:
    targets = {t.target for t in TRANSITIONS if t.source is P.POST_OPERATIVE}
    assert targets == {
        P.CESI_OUTCOME,
        P.RE_EVALUATION,
        P.TARGETED_NON_SURGICAL,
        P.ADVANCED_INTERVENTIONAL,
        P.SURGICAL_CONSULTATION,
        P.SURGERY,
        P.MAINTENANCE,
    }
    # only an outcome or a visit leads into post-operative follow-up
    assert {t.cause for t in TRANSITIONS if t.target is P.POST_OPERATIVE} == {OUT}
    assert not any(t.source is t.target for t in TRANSITIONS)


def test_no_move_needs_an_override_in_the_shipped_machine() -> None:
    assert not machine.OFF_PATHWAY
    assert not any(t.override for t in TRANSITIONS)
    assert len(TRANSITIONS) == 71
    assert (
        sum(t.cause is ACT for t in TRANSITIONS) == 49
    )  # 8 phases x 7 action phases, less 7 stays
    assert sum(t.cause is OUT for t in TRANSITIONS) == 22  # 3 x 7, and the post-operative visit


def test_an_action_the_engine_never_allows_in_a_phase_makes_an_override_move() -> None:
    moves = transitions(off_pathway=frozenset({(P.SURGERY, K.MEDIAL_BRANCH_BLOCK)}))
    into = [t for t in moves if (t.source, t.target) == (P.SURGERY, P.TARGETED_NON_SURGICAL)]
    assert [(t.actions, t.rules, t.override) for t in into] == [
        (
            (
                K.RADIOFREQUENCY_ABLATION,
                K.GREATER_OCCIPITAL_NERVE_BLOCK,
                K.MEDICATION_TRIAL,
                K.ADVANCED_PHYSICAL_THERAPY,
            ),
            ("S6", "S7", "S8", "S9"),
            False,
        ),
        ((K.MEDIAL_BRANCH_BLOCK,), ("S6",), True),
    ]
    others = [t for t in moves if t.override and t.source is not P.SURGERY]
    assert others == []


def test_moves_that_need_an_override_do_not_keep_a_phase_from_being_a_trap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    only_with_override = tuple(
        attrs.evolve(t, override=True) if t.source is P.POST_OPERATIVE else t for t in TRANSITIONS
    )
    message = _broken_machine(monkeypatch, TRANSITIONS=only_with_override)
    assert "phase post_operative is a trap: no transition leaves it" in message


def test_a_main_path_step_that_is_no_move_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = (*MAIN_PATH, (P.SURGERY, P.CESI_OUTCOME, OUT, "miracle"))
    message = _broken_machine(monkeypatch, MAIN_PATH=extra)
    assert message == (
        "broken phase machine:\n  main path step surgery->cesi_outcome is no outcome move of the "
        "pathway"
    )


def test_a_red_flag_leads_to_surgical_consultation_from_every_phase() -> None:
    # pathway.md S12: urgent consultation "jumps the queue from any phase"
    into = {
        t.source
        for t in TRANSITIONS
        if t.target is P.SURGICAL_CONSULTATION and "S12" in t.rules and not t.override
    }
    assert into == set(Phase) - {P.SURGICAL_CONSULTATION}
    # S12's other parts are the prompt decompression
    assert {t.target for t in TRANSITIONS if "S12" in t.rules} == {
        P.SURGICAL_CONSULTATION,
        P.SURGERY,
    }


# -- diagrams --------------------------------------------------------------------------------------

DOT_EDGE = re.compile(r"^    (\w+) -> (\w+) \[(.*)\];$", re.M)
MERMAID_EDGE = re.compile(r'^    (\w+) (==>|-->|-\.->)\|"([^"]*)"\| (\w+)$', re.M)


def drawn_pairs(text: str) -> set[tuple[Phase, Phase]]:
    """The moves a diagram draws: an edge from any other phase stands for one from each."""
    found = [(a, b) for a, b, _ in DOT_EDGE.findall(text)]
    found += [(a, b) for a, _, _, b in MERMAID_EDGE.findall(text)]
    pairs: set[tuple[Phase, Phase]] = set()
    for source, target in found:
        if source == "start":
            continue
        sources = set(Phase) - {P(target)} if source == ANY_PHASE else {P(source)}
        pairs |= {(s, P(target)) for s in sources}
    return pairs


@pytest.mark.parametrize("text", [diagram("mermaid"), diagram("dot")], ids=["mermaid", "dot"])
def test_diagram_shows_every_phase_and_rule(text: str) -> None:
    for phase in Phase:
        assert re.search(rf"\b{phase.value}\b", text), phase
        assert phase.label in text
    for rule in RULE_IDS:
        assert re.search(rf"\b{rule}\b", text), rule


@pytest.mark.parametrize("form", ["mermaid", "dot"])
def test_each_diagram_draws_every_move_and_no_other(form: str) -> None:
    pairs = drawn_pairs(diagram(form))  # type: ignore[arg-type]
    assert pairs == {(t.source, t.target) for t in TRANSITIONS}
    assert len(pairs) == 8 * 7  # every phase can move to every other


MAIN = {
    ("cesi_outcome", "maintenance"),
    ("cesi_outcome", "re_evaluation"),
    ("re_evaluation", "targeted_non_surgical"),
    ("targeted_non_surgical", "advanced_interventional"),
    ("advanced_interventional", "surgical_consultation"),
    ("surgical_consultation", "surgery"),
    ("surgery", "post_operative"),
    ("post_operative", "maintenance"),
}


def test_the_main_path_is_drawn_thick() -> None:
    dot = diagram("dot")
    thick = {(a, b) for a, b, attributes in DOT_EDGE.findall(dot) if "penwidth=3" in attributes}
    assert thick == MAIN
    mermaid = diagram("mermaid")
    thick = {(a, b) for a, arrow, _, b in MERMAID_EDGE.findall(mermaid) if arrow == "==>"}
    assert thick == MAIN


def test_the_edges_into_targeted_care_are_the_main_step_and_one_from_any_phase() -> None:
    into = [
        (a, label)
        for a, b, label in DOT_EDGE.findall(diagram("dot"))
        if b == "targeted_non_surgical"
    ]
    assert into == [
        ("re_evaluation", 'label="S6, S7, S8, S9: treat the source", penwidth=3'),
        (ANY_PHASE, 'label="S6, S7, S8, S9: MBB, RFA, GON block, medication, advanced PT"'),
    ]


def test_a_move_that_needs_an_override_is_drawn_dashed() -> None:
    moves = transitions(off_pathway=frozenset({(P.SURGERY, K.MEDIAL_BRANCH_BLOCK)}))
    dot = diagram("dot", transitions=moves)
    assert '    surgery -> targeted_non_surgical [label="override: S6: MBB", style=dashed];' in dot
    mermaid = diagram("mermaid", transitions=moves)
    assert '    surgery -.->|"override: S6: MBB"| targeted_non_surgical' in mermaid
    # the other phases' moves into targeted care are no longer the same from every phase
    assert f"{ANY_PHASE} -> targeted_non_surgical" not in dot
    for text in (dot, mermaid):
        assert drawn_pairs(text) == {(t.source, t.target) for t in moves}


def test_mermaid_diagram_is_a_flowchart_with_outcomes_in_blue() -> None:
    text = diagram("mermaid")
    assert text.startswith("flowchart TB\n    start((start))\n")
    assert "    start --> cesi_outcome\n" in text
    assert '    cesi_outcome ==>|"S0: the CESI worked"| maintenance\n' in text
    links = [m.group(0) for m in re.finditer(r"^    \w+ (==>|-->|-\.->).*$", text, re.M)]
    styled = re.search(r"^    linkStyle ([\d,]+) stroke:#1f5fbf,color:#1f5fbf$", text, re.M)
    assert styled is not None
    blue = {links[int(n)] for n in styled.group(1).split(",")}
    assert '    any_phase -->|"S0: adequate, lasting relief reported"| maintenance' in blue
    assert '    surgery ==>|"S14, S15: operation done"| post_operative' in blue
    assert '    any_phase -->|"S0: discharge"| maintenance' not in blue
    assert len(blue) == 6


def test_dot_diagram_is_a_digraph() -> None:
    text = diagram("dot")
    assert text.startswith("digraph spinepath {")
    assert text.rstrip().endswith("}")
    assert (
        '    surgery -> post_operative [label="S14, S15: operation done", penwidth=3, '
        'color="#1f5fbf", fontcolor="#1f5fbf"];'
    ) in text


def test_an_unknown_diagram_format_is_refused() -> None:
    with pytest.raises(InvalidValue, match="'svg' is not mermaid or dot"):
        diagram("svg")  # type: ignore[arg-type]
