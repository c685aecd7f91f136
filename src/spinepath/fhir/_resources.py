"""Builders of FHIR R4 resources (as JSON-ready data), each validated by fhir.resources."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any

import pydantic

from spinepath.errors import InvalidDocument, Problem
from spinepath.fhir._codes import code_of
from spinepath.model import Patient, Sex
from spinepath.pathway import Assessment, Option
from spinepath.rules import RULES, Rule
from spinepath.rules.actions import Action

__all__ = [
    "OPTION_ID_SYSTEM",
    "care_plan",
    "patient",
    "plan_definition",
    "request_group",
    "service_request",
    "validate",
]

Resource = dict[str, Any]

OPTION_ID_SYSTEM = "https://spinepath.invalid/option-id"
"""The identifier system of an option's stable id (``Option.id``) on a ServiceRequest."""

_MODULES = {
    "AllergyIntolerance": "allergyintolerance",
    "Bundle": "bundle",
    "CarePlan": "careplan",
    "Condition": "condition",
    "Consent": "consent",
    "DiagnosticReport": "diagnosticreport",
    "Encounter": "encounter",
    "MedicationStatement": "medicationstatement",
    "Observation": "observation",
    "Patient": "patient",
    "PlanDefinition": "plandefinition",
    "Procedure": "procedure",
    "RequestGroup": "requestgroup",
    "ServiceRequest": "servicerequest",
}
_GENDER = {Sex.FEMALE: "female", Sex.MALE: "male"}


def validate(resource: Resource) -> Resource:
    """``resource`` checked by fhir.resources' R4B model of its ``resourceType``; returns it,
    or raises :class:`~spinepath.errors.InvalidDocument` naming the resource and element."""
    kind = resource.get("resourceType")
    module = _MODULES.get(kind) if isinstance(kind, str) else None
    if module is None:
        raise InvalidDocument(
            [Problem(f"{kind!r} is not a resource spinepath writes", ("resourceType",))]
        )
    model = getattr(importlib.import_module(f"fhir.resources.R4B.{module}"), str(kind))
    try:
        model.model_validate(resource)
    except pydantic.ValidationError as error:
        raise InvalidDocument(
            [
                Problem(e["msg"], (str(kind), *(s for s in e["loc"] if isinstance(s, str | int))))
                for e in error.errors()
            ],
            what=f"FHIR {kind}",
        ) from None
    return resource


def patient(value: Patient) -> Resource:
    """The patient as a FHIR Patient (id when it is a valid FHIR id, birth date, gender)."""
    resource: Resource = {
        "resourceType": "Patient",
        "birthDate": value.birth_date.isoformat(),
        "gender": _GENDER.get(value.sex, "unknown"),
    }
    if _fhir_id(value.id):
        resource["id"] = value.id
    return validate(resource)


def _fhir_id(text: str) -> bool:
    return all(c.isalnum() or c in "-." for c in text) and 1 <= len(text) <= 64


def _concept(action: Action) -> Resource:
    code = code_of(action)
    concept: Resource = {"text": str(action)}
    if code is not None:
        concept["coding"] = [code.coding()]
    return concept


def service_request(
    action: Action, subject: str, *, option_id: str | None = None, status: str = "draft"
) -> Resource:
    """``action`` as a proposed ServiceRequest for ``subject`` (``Patient/123``): CPT code
    where one is verified, the action's name as text, the option's stable id as identifier."""
    resource: Resource = {
        "resourceType": "ServiceRequest",
        "status": status,
        "intent": "proposal",
        "subject": {"reference": subject},
        "code": _concept(action),
    }
    if option_id is not None:
        resource["identifier"] = [{"system": OPTION_ID_SYSTEM, "value": option_id}]
    return validate(resource)


def _rule_action(rule: Rule) -> Resource:
    conditions = [
        {
            "kind": "applicability",
            "expression": {
                "language": "text/plain",
                "description": f"{rule.id} {part}",
                "expression": f"{rule.id} {part}: {condition}",
            },
        }
        for part, condition in (
            ("requires", rule.requires),
            ("favours", rule.favours),
            ("unless", rule.unless),
        )
        if condition is not None
    ]
    action: Resource = {
        "id": rule.id,
        "title": f"{rule.id}: {rule.title}",
        "description": rule.rationale,
        "textEquivalent": ", ".join(kind.label for kind in rule.actions),
        "documentation": [{"type": "citation", "citation": rule.citation}],
    }
    if rule.urgent:
        action["priority"] = "urgent"
    if conditions:
        action["condition"] = conditions
    return action


def plan_definition(rules: Iterable[Rule] = RULES) -> Resource:
    """The rule catalogue as a PlanDefinition: one action per rule (its id, title, rationale,
    conditions as text naming the rule id), every citation as a relatedArtifact."""
    chosen = tuple(rules)
    citations = sorted({rule.citation for rule in chosen})
    return validate(
        {
            "resourceType": "PlanDefinition",
            "name": "SpinepathFailedCesiPathway",
            "title": "Care after a failed cervical epidural steroid injection",
            "type": {"text": "clinical-protocol"},
            "status": "active",
            "relatedArtifact": [{"type": "citation", "citation": c} for c in citations],
            "action": [_rule_action(rule) for rule in chosen],
        }
    )


def _reasons(option: Option) -> str:
    return "; ".join(str(r) for r in (option.failed if not option.legal else option.reasons))


def _notes(assessment: Assessment) -> list[Resource]:
    notes = [{"text": f"Red flag: {flag}"} for flag in assessment.red_flags]
    notes += [{"text": note} for note in assessment.notes]
    notes += [{"text": f"Blocked: {o.action} ({_reasons(o)})"} for o in assessment.blocked]
    return notes


def request_group(assessment: Assessment, subject: str) -> Resource:
    """The assessment as a RequestGroup of proposals: recommended options (ranked, urgent
    ones with priority ``urgent``) and allowed ones, each with its reasons and a contained
    ServiceRequest; red flags, notes and blocked options (with every failed precondition) as
    notes."""
    contained: list[Resource] = []
    actions: list[Resource] = []
    for number, option in enumerate((*assessment.recommended, *assessment.allowed), start=1):
        request = service_request(option.action, subject, option_id=option.id)
        request["id"] = f"option-{number}"
        contained.append(request)
        actions.append(
            {
                "title": str(option.action),
                "description": _reasons(option),
                "priority": "urgent" if option.urgent else "routine",
                "code": [_concept(option.action)],
                "resource": {"reference": f"#option-{number}"},
            }
        )
    resource: Resource = {
        "resourceType": "RequestGroup",
        "status": "draft",
        "intent": "proposal",
        "subject": {"reference": subject},
        "authoredOn": assessment.as_of.isoformat(),
        "contained": contained,
        "action": actions,
    }
    if notes := _notes(assessment):
        resource["note"] = notes
    if not contained:
        del resource["contained"]
    return validate(resource)


def care_plan(assessment: Assessment, subject: str) -> Resource:
    """The assessment as a proposed CarePlan: one not-started activity per recommended
    option, in rank order, with its reasons; red flags, notes and blocked options as notes."""
    resource: Resource = {
        "resourceType": "CarePlan",
        "status": "draft",
        "intent": "proposal",
        "title": f"Next steps ({assessment.phase.label})",
        "subject": {"reference": subject},
        "created": assessment.as_of.isoformat(),
        "activity": [
            {
                "detail": {
                    "kind": "ServiceRequest",
                    "code": _concept(option.action),
                    "status": "not-started",
                    "description": _reasons(option),
                }
            }
            for option in assessment.recommended
        ],
    }
    if notes := _notes(assessment):
        resource["note"] = notes
    if not resource["activity"]:
        del resource["activity"]
    return validate(resource)
