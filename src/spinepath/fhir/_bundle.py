"""A patient record as a FHIR R4 collection Bundle, and back.

Each event is written as the resource FHIR would use for it, with what FHIR can say in its own
elements (dates, status, CPT codes, pain scores as Observations); the event itself travels in
one extension on that resource (:data:`EVENT_EXTENSION`, the event's spinepath JSON), which is
what is read back, so that a record round-trips exactly.
"""

from __future__ import annotations

import json
from typing import Any

from spinepath.errors import InvalidDocument, InvalidRecord, InvalidValue, Problem
from spinepath.fhir._codes import CODES, Code
from spinepath.fhir._resources import Resource, validate
from spinepath.io import dumps, loads
from spinepath.io.jsontext import parse
from spinepath.model import (
    AnteriorCervicalDiscectomyFusion,
    AntithromboticUse,
    Approach,
    CervicalEpiduralSteroidInjection,
    ClinicalVisit,
    Discharge,
    DrugStatus,
    Event,
    GreaterOccipitalNerveBlock,
    HealthUpdate,
    ImagingOrder,
    ImagingStudy,
    Intervention,
    LabResult,
    MedialBranchBlock,
    MedicationTrial,
    OutcomeReport,
    Patient,
    PatientRecord,
    PosteriorLaminoforaminotomy,
    PostureReview,
    PsychologicalEvaluation,
    RadiofrequencyAblation,
    SelectiveNerveRootBlock,
    SeriousPathologyScreen,
    SharedDecision,
    SurgicalConsultation,
    Urgency,
)
from spinepath.model.symptoms import Symptoms

__all__ = [
    "EVENT_EXTENSION",
    "EXTENSION_BASE",
    "OBSERVATION_SYSTEM",
    "PATIENT_EXTENSION",
    "bundle_to_record",
    "record_to_bundle",
]

EXTENSION_BASE = "https://spinepath.invalid/fhir/StructureDefinition/"
"""The base URL of spinepath's extensions (a reserved ``.invalid`` host: no page is served)."""

EVENT_EXTENSION = EXTENSION_BASE + "event"
"""The extension (``valueString``) holding an event's spinepath JSON on the resource written
for it; :func:`bundle_to_record` reads the event from it."""

PATIENT_EXTENSION = EXTENSION_BASE + "patient"
"""The extension (``valueString``) holding the patient's spinepath JSON (with its health
factors, which FHIR Patient has no element for) on the Patient resource."""

OBSERVATION_SYSTEM = "https://spinepath.invalid/observation"
"""spinepath's own code system for the Observations it writes (pain NRS, NDI, mJOA, quality of
life, relief): not LOINC, whose codes for these have not been verified."""

PATIENT_ID_SYSTEM = "https://spinepath.invalid/patient-id"
EVENT_ID_SYSTEM = "https://spinepath.invalid/event-id"

_PRIMARY = {
    ClinicalVisit: "Encounter",
    SurgicalConsultation: "Encounter",
    Discharge: "Encounter",
    PostureReview: "Observation",
    HealthUpdate: "Observation",
    OutcomeReport: "Observation",
    ImagingOrder: "ServiceRequest",
    ImagingStudy: "DiagnosticReport",
    MedicationTrial: "MedicationStatement",
    AntithromboticUse: "MedicationStatement",
    SeriousPathologyScreen: "Observation",
    LabResult: "Observation",
    PsychologicalEvaluation: "Observation",
    SharedDecision: "Observation",
}
_DRUG_STATUS = {
    DrugStatus.TAKING: "active",
    DrugStatus.HELD: "on-hold",
    DrugStatus.STOPPED: "stopped",
}
_PROCEDURE_CODES: dict[type[Intervention], str] = {
    SelectiveNerveRootBlock: "snrb",
    MedialBranchBlock: "mbb",
    RadiofrequencyAblation: "rfa",
    GreaterOccipitalNerveBlock: "gon",
    AnteriorCervicalDiscectomyFusion: "acdf",
    PosteriorLaminoforaminotomy: "laminoforaminotomy",
}


def _resource_type(event: Event) -> str:
    return _PRIMARY.get(type(event), "Procedure")


def _label(event: Event) -> str:
    return event.kind.replace("_", " ")


def _code(event: Event) -> Code | None:
    if isinstance(event, CervicalEpiduralSteroidInjection):
        key = (
            "cesi_transforaminal"
            if event.approach is Approach.TRANSFORAMINAL
            else "cesi_interlaminar"
        )
        return CODES[key]
    name = _PROCEDURE_CODES.get(type(event))  # type: ignore[arg-type]
    return CODES[name] if name is not None else None


def _concept(code: str, display: str) -> Resource:
    return {"coding": [{"system": OBSERVATION_SYSTEM, "code": code, "display": display}]}


def _observation(rid: str, code: str, display: str, date: str, value: Resource) -> Resource:
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "code": _concept(code, display),
        "subject": {"reference": "Patient/patient"},
        "effectiveDateTime": date,
        **value,
    }


def _score(value: float, unit: str = "{score}") -> Resource:
    return {
        "valueQuantity": {
            "value": value,
            "unit": unit,
            "system": "http://unitsofmeasure.org",
            "code": unit,
        }
    }


def _symptom_observations(
    rid: str, date: str, symptoms: Symptoms, mjoa: int | None
) -> list[Resource]:
    found: list[tuple[str, str, Resource]] = [
        ("arm-pain-nrs", "Arm pain, numeric rating scale 0-10", _score(symptoms.arm_pain)),
        ("neck-pain-nrs", "Neck pain, numeric rating scale 0-10", _score(symptoms.neck_pain)),
    ]
    if symptoms.ndi is not None:
        found.append(
            ("ndi", f"Neck Disability Index ({symptoms.ndi.scale})", _score(symptoms.ndi.score))
        )
    if mjoa is not None:
        found.append(("mjoa", "Modified Japanese Orthopaedic Association score", _score(mjoa)))
    if symptoms.quality_of_life is not None:
        found.append(
            (
                "quality-of-life",
                "Impact on quality of life",
                {"valueString": str(symptoms.quality_of_life)},
            )
        )
    observations = []
    for code, display, value in found:
        observation = _observation(f"{rid}-{code}", code, display, date, value)
        observation["encounter"] = {"reference": f"Encounter/{rid}"}
        observations.append(observation)
    return observations


def _primary(rid: str, event: Event, references: dict[str, str]) -> Resource:
    kind = _resource_type(event)
    date = event.date.isoformat()
    subject = {"reference": "Patient/patient"}
    text = {"text": _label(event)}
    resource: Resource = {"resourceType": kind, "id": rid}
    if kind == "Encounter":
        resource |= {
            "status": "finished",
            "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
            "type": [text],
            "subject": subject,
            "period": {"start": date, "end": date},
        }
        if isinstance(event, SurgicalConsultation):
            resource["priority"] = {
                "text": "urgent" if event.urgency is Urgency.URGENT else "routine"
            }
    elif kind == "Observation":
        resource |= {
            "status": "final",
            "code": _concept(event.kind.replace("_", "-"), _label(event)),
            "subject": subject,
            "effectiveDateTime": date,
        }
        if isinstance(event, OutcomeReport):
            outcome = event.outcome
            target = references.get(event.intervention_id)
            if target is not None:
                resource["partOf"] = [{"reference": target}]
            components = [
                {
                    "code": _concept("pain-before", "Pain before, NRS 0-10"),
                    **_score(outcome.pain_before),
                },
                {
                    "code": _concept("pain-after", "Pain after, NRS 0-10"),
                    **_score(outcome.pain_after),
                },
            ]
            if outcome.relief_percent is not None:
                components.append(
                    {
                        "code": _concept("relief-percent", "Relief"),
                        **_score(outcome.relief_percent, "%"),
                    }
                )
            resource["component"] = components
        elif isinstance(event, LabResult):
            resource |= _score(event.value, event.test.unit)
        elif isinstance(event, SeriousPathologyScreen):
            present = ", ".join(i.replace("_", " ") for i in event.present)
            resource["valueString"] = f"positive: {present}" if present else "negative"
        elif isinstance(event, PsychologicalEvaluation):
            resource["valueBoolean"] = event.suitable
        elif isinstance(event, SharedDecision):
            options = ", ".join(kind.label for kind in event.options)
            resource["valueString"] = f"{event.decision}: {options}"
    elif kind == "MedicationStatement" and isinstance(event, AntithromboticUse):
        resource |= {
            "status": _DRUG_STATUS[event.status],
            "medicationCodeableConcept": {"text": event.drug.label},
            "subject": subject,
            "effectivePeriod": {"start": date},
        }
        if event.daily_dose_mg is not None:
            resource["dosage"] = [{"text": f"{event.daily_dose_mg:g} mg a day"}]
    elif kind == "ServiceRequest":
        assert isinstance(event, ImagingOrder)
        resource |= {
            "status": "completed",
            "intent": "order",
            "code": {"text": f"{event.modality} of the cervical spine"},
            "subject": subject,
            "authoredOn": date,
            "reasonCode": [{"text": str(event.reason)}],
        }
    elif kind == "DiagnosticReport":
        assert isinstance(event, ImagingStudy)
        resource |= {
            "status": "final",
            "code": {"text": f"{event.modality} of the cervical spine"},
            "subject": subject,
            "effectiveDateTime": date,
            "conclusion": "; ".join(f.kind.replace("_", " ") for f in event.findings)
            or "no relevant findings",
        }
    elif kind == "MedicationStatement":
        assert isinstance(event, MedicationTrial)
        period = {"start": date}
        if event.stop_date is not None:
            period["end"] = event.stop_date.isoformat()
        resource |= {
            "status": "completed" if event.stop_date is not None else "active",
            "medicationCodeableConcept": {"text": str(event.drug)},
            "subject": subject,
            "effectivePeriod": period,
            "dosage": [{"text": f"{event.daily_dose_mg:g} mg a day"}],
        }
    else:
        code = _code(event)
        concept: Resource = dict(text)
        if code is not None:
            concept["coding"] = [code.coding()]
        resource |= {
            "status": "completed",
            "code": concept,
            "subject": subject,
            "performedDateTime": date,
        }
    resource["identifier"] = [{"system": EVENT_ID_SYSTEM, "value": event.id}]
    resource["extension"] = [{"url": EVENT_EXTENSION, "valueString": dumps(event, indent=None)}]
    return resource


def record_to_bundle(record: PatientRecord) -> Resource:
    """The record as a FHIR collection Bundle (JSON-ready data, validated by fhir.resources).

    The Patient (birth date, gender, the record's patient id as identifier) comes first, then
    one resource per event in order: an Encounter for a visit, a surgical consultation or a
    discharge (a visit's pain NRS, NDI, mJOA and quality of life follow it as Observations
    in spinepath's own code system, :data:`OBSERVATION_SYSTEM`), a DiagnosticReport for an
    imaging study, a ServiceRequest for an imaging order, a MedicationStatement for a
    medication trial or an anticoagulant or antiplatelet drug (status ``active``, ``on-hold``
    or ``stopped``), a Procedure for any other intervention (with its CPT code where the
    evidence table gives one), and an Observation for an outcome report (pain before and
    after and relief as components, ``partOf`` the Procedure), a posture review, a health
    update, a serious-pathology screen, a laboratory result, a psychological evaluation or a
    shared decision. Each event's resource carries the event as spinepath JSON in
    :data:`EVENT_EXTENSION`: :func:`bundle_to_record` reads it back to an equal record.
    """
    patient = record.patient
    entries: list[Resource] = [
        {
            "resourceType": "Patient",
            "id": "patient",
            "identifier": [{"system": PATIENT_ID_SYSTEM, "value": patient.id}],
            "birthDate": patient.birth_date.isoformat(),
            "gender": str(patient.sex),
            "extension": [{"url": PATIENT_EXTENSION, "valueString": dumps(patient, indent=None)}],
        }
    ]
    references: dict[str, str] = {}
    for i, event in enumerate(record.events):
        rid = f"event-{i}"
        resource = _primary(rid, event, references)
        references[event.id] = f"{resource['resourceType']}/{rid}"
        entries.append(resource)
        if isinstance(event, ClinicalVisit):
            mjoa = event.exam.mjoa if event.exam is not None else None
            entries.extend(_symptom_observations(rid, event.date.isoformat(), event.symptoms, mjoa))
    for resource in entries:
        validate(resource)
    return validate(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                {"fullUrl": f"urn:spinepath:{r['resourceType']}/{r['id']}", "resource": r}
                for r in entries
            ],
        }
    )


def _extension(resource: Resource, url: str) -> tuple[str | None, int]:
    found = [
        (i, e)
        for i, e in enumerate(resource.get("extension") or ())
        if isinstance(e, dict) and e.get("url") == url
    ]
    if len(found) != 1:
        return None, len(found)
    extension = found[0][1]
    value = extension.get("valueString")
    return (value if isinstance(value, str) else None), 1


def _derived(resource: Resource, primaries: set[str]) -> bool:
    """An Observation written for a visit (its pain scores): a view of the visit's event."""
    if resource.get("resourceType") != "Observation":
        return False
    encounter = resource.get("encounter")
    return isinstance(encounter, dict) and encounter.get("reference") in primaries


def _as_data(bundle: object) -> Any:
    if isinstance(bundle, str | bytes | bytearray):
        return parse(bundle)
    dump = getattr(bundle, "model_dump_json", None)
    if callable(dump):
        return json.loads(dump())
    return bundle


def bundle_to_record(bundle: object) -> PatientRecord:
    """A patient record from a Bundle written by :func:`record_to_bundle` (a fhir.resources
    Bundle, its JSON-ready data, or its JSON text).

    Each event is read from the :data:`EVENT_EXTENSION` of its resource, the patient from the
    Patient's :data:`PATIENT_EXTENSION`; the Observations written for a visit (those whose
    ``encounter`` is an event's Encounter) are views of it and are skipped. Anything else
    raises :class:`~spinepath.errors.InvalidDocument` with a problem naming the entry, the
    resource and the element (``entry[3].resource.extension: Procedure/p1: ...``).
    """
    data = _as_data(bundle)
    problems: list[Problem] = []
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise InvalidDocument(
            [Problem("expected a FHIR Bundle", ("resourceType",), "wrong_type")], what="FHIR Bundle"
        )
    entries = data.get("entry") or []
    if not isinstance(entries, list):
        raise InvalidDocument(
            [Problem("expected a list of entries", ("entry",), "wrong_type")], what="FHIR Bundle"
        )
    resources: list[tuple[int, Resource]] = []
    for i, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            problems.append(
                Problem("expected a resource", ("entry", i, "resource"), "missing_field")
            )
        else:
            resources.append((i, resource))
    primaries = {
        f"{r.get('resourceType')}/{r.get('id')}"
        for _, r in resources
        if _extension(r, EVENT_EXTENSION)[1] == 1
    }
    patient: Patient | None = None
    events: list[Event] = []
    for i, resource in resources:
        kind = resource.get("resourceType")
        name = f"{kind}/{resource.get('id')}" if resource.get("id") else str(kind)
        where: tuple[str | int, ...] = ("entry", i, "resource", "extension")
        if kind == "Patient":
            url = PATIENT_EXTENSION
        elif _derived(resource, primaries):
            continue
        else:
            url = EVENT_EXTENSION
        text, count = _extension(resource, url)
        if text is None:
            what = "no" if count == 0 else ("more than one" if count > 1 else "a non-string")
            problems.append(
                Problem(
                    f"{name}: {what} {url} extension; spinepath cannot map this resource",
                    where,
                    "missing_field",
                )
            )
            continue
        try:
            if kind == "Patient":
                if patient is not None:
                    problems.append(
                        Problem(
                            f"{name}: a second Patient", ("entry", i, "resource"), "not_allowed"
                        )
                    )
                    continue
                patient = loads(text, Patient)
            else:
                event = loads(text, Event)
                expected = _resource_type(event)
                if kind != expected:
                    problems.append(
                        Problem(
                            f"{name}: a {event.kind} event is written as {expected}, not {kind}",
                            ("entry", i, "resource", "resourceType"),
                            "invalid_value",
                        )
                    )
                    continue
                events.append(event)
        except InvalidDocument as error:
            for problem in error.problems:
                problems.append(
                    Problem(
                        f"{name}: {problem.message}",
                        (*where, "valueString", *problem.path),
                        problem.code,
                    )
                )
    if patient is None and not problems:
        problems.append(
            Problem("no Patient with a spinepath patient extension", ("entry",), "missing_field")
        )
    if problems:
        raise InvalidDocument(problems, what="FHIR Bundle")
    assert patient is not None
    try:
        return PatientRecord(patient, tuple(events))
    except (InvalidRecord, InvalidValue) as error:
        raise InvalidDocument(
            [Problem(str(error), ("entry",), "invalid_value")], what="FHIR Bundle"
        ) from None
