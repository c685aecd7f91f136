"""The machine definition: its import-time checks, the phases records are in, the diagrams."""

from __future__ import annotations

import re

import attrs
import pytest

from clinic import Clinic, failed_cesi, left_c6_radiculopathy, right_facet_pain
from spinepath import CONSENSUS_2022, STRICT_PAYER, InvalidValue, Phase, diagram, examples
from spinepath.pathway import ACTION_PHASE, ENTRY, TRANSITIONS, Transition, machine, phase_of
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
    assert message == "broken rule catalogue:\n  rule S7 of pathway.md is not encoded"


def test_a_rule_not_in_pathway_md_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    extra = attrs.evolve(RULES[0], id="S17")
    message = _broken_catalogue(monkeypatch, (*RULES, extra))
    assert "rule S17 is not in pathway.md" in message


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


# -- diagrams --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [diagram("mermaid"), diagram("dot")], ids=["mermaid", "dot"])
def test_diagram_shows_every_phase_and_rule(text: str) -> None:
    for phase in Phase:
        assert re.search(rf"\b{phase.value}\b", text), phase
        assert phase.label in text
    for rule in RULE_IDS:
        assert re.search(rf"\b{rule}\b", text), rule
    assert len(re.findall(r"-->|->", text)) >= len(TRANSITIONS)


def test_mermaid_diagram_is_a_state_diagram() -> None:
    text = diagram("mermaid")
    assert text.startswith("stateDiagram-v2\n    [*] --> cesi_outcome\n")
    assert "    cesi_outcome --> maintenance: S0: adequate, lasting relief\n" in text


def test_dot_diagram_is_a_digraph() -> None:
    text = diagram("dot")
    assert text.startswith("digraph spinepath {")
    assert text.rstrip().endswith("}")
    assert '    surgery -> post_operative [label="S14, S15: operation done"];' in text


def test_an_unknown_diagram_format_is_refused() -> None:
    with pytest.raises(InvalidValue, match="'svg' is not mermaid or dot"):
        diagram("svg")  # type: ignore[arg-type]


def test_a_red_flag_leads_to_surgical_consultation_from_every_phase() -> None:
    # pathway.md S12: urgent consultation "jumps the queue from any phase"
    sources = {t.source for t in TRANSITIONS if "S12" in t.rules}
    assert sources == set(Phase)
    assert {t.target for t in TRANSITIONS if "S12" in t.rules} <= {P.SURGICAL_CONSULTATION}
