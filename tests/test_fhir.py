"""FHIR R4 resources: every resource spinepath writes validates with fhir.resources (R4B)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import spinepath as sp

pytest.importorskip("fhir.resources", reason="the 'fhir' extra")

from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.plandefinition import PlanDefinition
from fhir.resources.R4B.requestgroup import RequestGroup
from fhir.resources.R4B.servicerequest import ServiceRequest

from spinepath import fhir

SUBJECT = "Patient/p1"


def test_plan_definition_has_one_action_per_rule_with_conditions_and_citations() -> None:
    plan = fhir.plan_definition()
    PlanDefinition.model_validate(plan)
    rules = sp.rules.RULES
    assert [a["id"] for a in plan["action"]] == [r.id for r in rules]
    for action, rule in zip(plan["action"], rules, strict=True):
        assert action["title"].startswith(f"{rule.id}: ")
        assert action["documentation"] == [{"type": "citation", "citation": rule.citation}]
        for condition in action.get("condition", []):
            assert condition["expression"]["expression"].startswith(f"{rule.id} ")
    assert {a["citation"] for a in plan["relatedArtifact"]} == {r.citation for r in rules}


@pytest.mark.parametrize("name", sp.examples.names())
def test_assessment_as_request_group_and_care_plan(name: str) -> None:
    assessment = sp.assess(sp.examples.load(name))
    group = fhir.request_group(assessment, SUBJECT)
    RequestGroup.model_validate(group)
    legal = (*assessment.recommended, *assessment.allowed)
    assert [a["title"] for a in group["action"]] == [str(o.action) for o in legal]
    for request in group.get("contained", []):
        ServiceRequest.model_validate(request)
    notes = " ".join(n["text"] for n in group.get("note", []))
    for option in assessment.blocked:
        assert f"Blocked: {option.action}" in notes
    plan = fhir.care_plan(assessment, SUBJECT)
    CarePlan.model_validate(plan)
    assert len(plan.get("activity", [])) == len(assessment.recommended)


def test_service_request_codes_come_from_the_evidence_table() -> None:
    rfa = sp.Action(
        kind=sp.ActionKind.RADIOFREQUENCY_ABLATION, segments=(sp.Segment.C5_6,), side=sp.Side.LEFT
    )
    request = fhir.service_request(rfa, SUBJECT, option_id="x")
    assert request["code"]["coding"] == [
        {"system": fhir.CPT, "code": "64633", "display": fhir.CODES["rfa"].display}
    ]
    discharge = fhir.service_request(sp.Action(kind=sp.ActionKind.DISCHARGE), SUBJECT)
    assert "coding" not in discharge["code"]  # no verified code: the name only
    orders = ("cesi_interlaminar", "cesi_transforaminal", "snrb", "mbb", "rfa", "gon", "acdf")
    for name in (*orders, "laminoforaminotomy"):  # only codes read in a source go on orders
        assert fhir.CODES[name].grade in ("read", "secondary")
    written = {
        fhir.code_of(a)
        for a in (rfa, sp.Action(kind=sp.ActionKind.ACDF, segments=(sp.Segment.C5_6,)))
    }
    assert {c.grade for c in written if c is not None} <= {"read", "secondary"}


def test_validate_names_the_resource_and_element() -> None:
    with pytest.raises(sp.InvalidDocument) as caught:
        fhir.validate({"resourceType": "CarePlan", "status": "draft", "intent": "proposal"})
    (problem,) = caught.value.problems
    assert problem.path == ("CarePlan", "subject")


def test_cards_keep_to_cds_hooks() -> None:
    assessment = sp.assess(sp.examples.load("progressive-arm-weakness"))
    cards = fhir.cards(assessment, SUBJECT)
    assert cards[0]["indicator"] == "critical"  # the red flags
    for card in cards:
        assert len(card["summary"]) < fhir.SUMMARY_LIMIT
        assert card["indicator"] in ("info", "warning", "critical")
        assert card["source"]["label"]
        for suggestion in card.get("suggestions", []):
            (action,) = suggestion["actions"]
            assert action["type"] == "create"
            ServiceRequest.model_validate(action["resource"])
    blocked = sp.assess(sp.examples.load("facet-axial-neck-pain")).blocked[0]
    card = fhir.blocked_card(blocked)
    assert card["indicator"] == "warning"
    assert card["overrideReasons"]
    assert all(r.rule in card["detail"] for r in blocked.failed)


def test_importing_without_the_extra_names_it() -> None:
    code = (
        "import sys; sys.modules['fhir'] = None\n"
        "try:\n    import spinepath.fhir\nexcept ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "spinepath[fhir]" in out.stdout


def test_the_assessment_notes_reach_the_clinician_as_an_info_card() -> None:
    from clinic import left_c6_radiculopathy

    early = left_c6_radiculopathy().outcome(pain_before=7, pain_after=7, relief=0, day=25)
    assessment = sp.assess(early.record)
    assert assessment.notes  # too early to judge the CESI
    last = fhir.cards(assessment, SUBJECT)[-1]
    assert last["indicator"] == "info"
    assert last["summary"].startswith("Note: CESI 2024-01-29: the outcome reported 2024-02-02")
    assert len(last["summary"]) < fhir.SUMMARY_LIMIT
    assert last["detail"] == "\n".join(f"- {n}" for n in assessment.notes)
    quiet = sp.assess(sp.examples.load("facet-axial-neck-pain"))
    assert quiet.notes == ()
    assert not any(c["summary"].startswith("Note:") for c in fhir.cards(quiet, SUBJECT))


def test_what_the_reader_did_not_read_is_one_info_card() -> None:
    from spinepath.errors import Problem

    assert fhir.reading_card([]) is None
    recognised = Problem("Condition/c1: cervical radiculopathy", ("entry", 1), "recognised")
    assert fhir.reading_card([recognised]) is None  # mapped in spirit; nothing to warn of
    ignored = Problem("Observation/bp: blood pressure: not read", ("entry", 2), "ignored")
    assumed = Problem(
        "Encounter/e1: no visit purpose: read as a follow-up", ("entry", 3), "assumed"
    )
    card = fhir.reading_card([recognised, ignored, assumed])
    assert card is not None
    assert card["indicator"] == "info"
    assert card["summary"] == (
        "Record read from the EHR: 1 not read and 1 read with an assumption (see detail)"
    )
    assert card["detail"] == f"- {ignored.message}\n- {assumed.message}"
