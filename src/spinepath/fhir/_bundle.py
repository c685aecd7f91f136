"""A patient record as a FHIR R4 collection Bundle, and back.

Each event is written as the resource FHIR would use for it, with what FHIR can say in its own
elements (dates, status, CPT codes, pain scores as Observations); the event itself travels in
one extension on that resource (:data:`EVENT_EXTENSION`, the event's spinepath JSON), which is
what is read back, so that a record round-trips exactly.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

import attrs
import pydantic

from spinepath.anatomy import Side
from spinepath.errors import InvalidDocument, InvalidRecord, InvalidValue, Problem
from spinepath.fhir._codes import (
    CODES,
    DATA_ABSENT,
    MODALITY_SYSTEM,
    OBSERVATION_SYSTEM,
    OPTION_SYSTEM,
    PROCEDURE_SYSTEM,
    PURPOSE_SYSTEM,
    ROOT_SYSTEM,
    SEGMENT_SYSTEM,
    SIDE_SYSTEM,
    STEROID_SYSTEM,
    UCUM,
    VALUE_SYSTEM,
    Code,
)
from spinepath.fhir._native import EVENT_ID_SYSTEM, PATIENT_ID_SYSTEM, Entry, NativeReader, _Stop
from spinepath.fhir._resources import Resource, validate
from spinepath.io import dumps, loads
from spinepath.io.jsontext import parse
from spinepath.model import (
    AnteriorCervicalDiscectomyFusion,
    AntithromboticUse,
    Approach,
    CervicalEpiduralSteroidInjection,
    ClinicalVisit,
    Decision,
    Discharge,
    DrugStatus,
    Event,
    GreaterOccipitalNerveBlock,
    HealthFactors,
    HealthUpdate,
    ImagingOrder,
    ImagingStudy,
    Intervention,
    LabResult,
    LabTest,
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
from spinepath.model.exam import NeuroExam
from spinepath.model.outcomes import Outcome
from spinepath.model.symptoms import NdiScale, NeckDisabilityIndex, Symptoms

__all__ = [
    "BundleReading",
    "EVENT_EXTENSION",
    "EXTENSION_BASE",
    "OBSERVATION_SYSTEM",
    "PATIENT_EXTENSION",
    "bundle_to_record",
    "read_bundle",
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
    SharedDecision: "Consent",
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


_LABORATORY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "laboratory",
        }
    ]
}


def _daily_dosage(mg: float) -> Resource:
    return {
        "text": f"{mg:g} mg a day",
        "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
        "doseAndRate": [
            {"doseQuantity": {"value": mg, "unit": "mg", "system": UCUM, "code": "mg"}}
        ],
    }


def _screen_components(screen: SeriousPathologyScreen) -> list[Resource]:
    """One component per screen item: valueBoolean, or dataAbsentReason ``not-asked``."""
    components: list[Resource] = []
    for item in screen.ITEMS:
        found = getattr(screen, item)
        component: Resource = {
            "code": {**_own(OBSERVATION_SYSTEM, item.replace("_", "-")), "text": item}
        }
        if found is None:
            component["dataAbsentReason"] = {
                "coding": [{"system": DATA_ABSENT, "code": "not-asked"}]
            }
        else:
            component["valueBoolean"] = found
        components.append(component)
    return components


def _consent(decision: SharedDecision, date: str) -> Resource:
    """A shared decision as an R4 Consent: ``provision.type`` permit (consented) or deny
    (declined), the options as ``provision.code`` in spinepath's option system."""
    return {
        "status": "active",
        "scope": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                    "code": "treatment",
                }
            ]
        },
        "category": [{"coding": [CODES["own_shared_decision"].coding()]}],
        "patient": {"reference": "Patient/patient"},
        "dateTime": date,
        "policyRule": {"text": "informed shared decision"},
        "provision": {
            "type": "permit" if decision.decision is Decision.CONSENTED else "deny",
            "code": [
                {**_own(OPTION_SYSTEM, str(option)), "text": option.label}
                for option in decision.options
            ],
        },
    }


_WRITTEN_FACTORS = {
    "anticoagulated": "anticoagulant_use",
    "bleeding_disorder": "bleeding_disorder",
    "low_platelets": "low_platelets",
    "liver_disease": "liver_disease",
    "kidney_disease": "kidney_disease",
    "pregnant": "pregnant",
}


def _health_resources(health: HealthFactors) -> list[Resource]:
    """The patient's health factors that have a standard code: a Condition each (ICD-10-CM),
    and an AllergyIntolerance (SNOMED CT) for a contrast allergy."""
    found: list[Resource] = []
    for factor, name in _WRITTEN_FACTORS.items():
        if getattr(health, factor):
            code = CODES[name]
            found.append(
                {
                    "resourceType": "Condition",
                    "id": f"health-{factor.replace('_', '-')}",
                    "clinicalStatus": {"coding": [{"system": _CLINICAL, "code": "active"}]},
                    "code": {"coding": [code.coding()], "text": factor.replace("_", " ")},
                    "subject": {"reference": "Patient/patient"},
                }
            )
    if health.contrast_allergy:
        found.append(
            {
                "resourceType": "AllergyIntolerance",
                "id": "health-contrast-allergy",
                "clinicalStatus": {"coding": [{"system": _ALLERGY_CLINICAL, "code": "active"}]},
                "category": ["medication"],
                "code": {
                    "coding": [CODES["contrast_allergy"].coding()],
                    "text": "iodinated contrast",
                },
                "patient": {"reference": "Patient/patient"},
            }
        )
    return found


_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
_ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"


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


def _concept(code: str, display: str, *also: dict[str, str]) -> Resource:
    return {"coding": [*also, {"system": OBSERVATION_SYSTEM, "code": code, "display": display}]}


def _own(system: str, code: str) -> Resource:
    return {"coding": [{"system": system, "code": code}]}


def _observation(rid: str, code: Resource, date: str, value: Resource) -> Resource:
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "code": code,
        "subject": {"reference": "Patient/patient"},
        "effectiveDateTime": date,
        **value,
    }


def _score(value: float, unit: str = "{score}") -> Resource:
    return {"valueQuantity": {"value": value, "unit": unit, "system": UCUM, "code": unit}}


def _ndi(ndi: NeckDisabilityIndex) -> Resource:
    return _score(ndi.score, "{score}" if ndi.scale is NdiScale.POINTS_50 else "%")


def _value(code: str) -> Resource:
    return {"valueCodeableConcept": _own(VALUE_SYSTEM, code)}


def _side(side: Side) -> Resource:
    if side is Side.CENTRAL:
        return _own(SIDE_SYSTEM, "central")
    return {"coding": [CODES[str(side)].coding()]}


def _body_sites(event: object) -> list[Resource]:
    """Segments, root and side of an intervention or a finding as bodySite concepts."""
    sites: list[Resource] = []
    segments = getattr(event, "segments", None) or ()
    segment = getattr(event, "segment", None)
    for one in (*segments, *((segment,) if segment is not None else ())):
        sites.append({**_own(SEGMENT_SYSTEM, str(one)), "text": str(one)})
    root = getattr(event, "root", None)
    if root is not None:
        sites.append({**_own(ROOT_SYSTEM, str(root)), "text": str(root)})
    side = getattr(event, "side", None)
    if isinstance(side, Side):
        sites.append(_side(side))
    return sites


def _pain_code(name: str, site: str) -> tuple[Resource, Resource]:
    own = CODES[name]
    code = {
        "coding": [CODES["pain_nrs"].coding(), own.coding()],
        "text": own.display,
    }
    return code, {"bodySite": {"coding": [CODES[site].coding()]}}


def _symptom_observations(
    rid: str, date: str, symptoms: Symptoms, exam: NeuroExam | None
) -> list[Resource]:
    arm, arm_site = _pain_code("own_arm_pain", "upper_limb")
    neck, neck_site = _pain_code("own_neck_pain", "neck")
    found: list[tuple[str, Resource, Resource]] = [
        ("arm-pain-nrs", arm, {**_score(symptoms.arm_pain), **arm_site}),
        ("neck-pain-nrs", neck, {**_score(symptoms.neck_pain), **neck_site}),
    ]
    if symptoms.ndi is not None:
        found.append(
            (
                "ndi",
                _concept("ndi", f"Neck Disability Index ({symptoms.ndi.scale})"),
                _ndi(symptoms.ndi),
            )
        )
    if exam is not None and exam.mjoa is not None:
        found.append(("mjoa", _concept("mjoa", "Modified JOA score"), _score(exam.mjoa)))
    if symptoms.quality_of_life is not None:
        found.append(
            (
                "quality-of-life",
                _concept("quality-of-life", "Impact on quality of life"),
                _value(str(symptoms.quality_of_life)),
            )
        )
    for sign in exam.myelopathy.present if exam is not None else ():
        found.append(
            (
                f"myelopathy-{sign.replace('_', '-')}",
                _concept("myelopathy-sign", "Sign of myelopathy"),
                _value(sign),
            )
        )
    observations = []
    for code, concept, value in found:
        observation = _observation(f"{rid}-{code}", concept, date, value)
        observation["encounter"] = {"reference": f"Encounter/{rid}"}
        observations.append(observation)
    return observations


def _finding_observations(rid: str, date: str, study: ImagingStudy) -> list[Resource]:
    observations = []
    for k, finding in enumerate(study.findings):
        components: list[Resource] = []
        for attribute in attrs.fields(type(finding)):
            if attribute.name in ("segment", "side"):
                continue
            value = getattr(finding, attribute.name)
            code = _own(OBSERVATION_SYSTEM, attribute.name.replace("_", "-"))
            if isinstance(value, bool):
                components.append({"code": code, "valueBoolean": value})
            elif isinstance(value, float):
                components.append({"code": code, **_score(value, "mm")})
            elif value is not None:
                components.append({"code": code, **_value(str(value))})
        observation = _observation(
            f"{rid}-finding-{k}",
            _concept("imaging-finding", "Imaging finding"),
            date,
            {**_value(finding.kind), "bodySite": _body_sites(finding)[0]},
        )
        sites = _body_sites(finding)
        if len(sites) > 1:
            observation["component"] = [
                {"code": _own(OBSERVATION_SYSTEM, "side"), "valueCodeableConcept": sites[1]}
            ]
        if components:
            observation.setdefault("component", []).extend(components)
        observations.append(observation)
    return observations


def _outcome_components(outcome: Outcome) -> list[Resource]:
    def part(code: str, value: Resource) -> Resource:
        return {"code": _own(OBSERVATION_SYSTEM, code), **value}

    components = [
        part("pain-before", _score(outcome.pain_before)),
        part("pain-after", _score(outcome.pain_after)),
    ]
    if outcome.relief_percent is not None:
        components.append(part("relief-percent", _score(outcome.relief_percent, "%")))
    if outcome.relief_duration_days is not None:
        components.append(part("relief-duration", _score(outcome.relief_duration_days, "d")))
    for name in ("relief_ongoing", "concordant"):
        flag = getattr(outcome, name)
        if flag is not None:
            components.append(part(name.replace("_", "-"), {"valueBoolean": flag}))
    if outcome.function is not None:
        components.append(part("function", _value(str(outcome.function))))
    for complication in outcome.complications:
        components.append(part("complication", _value(str(complication))))
    if outcome.ndi_after is not None:
        components.append(part("ndi-after", _ndi(outcome.ndi_after)))
    if outcome.mjoa_after is not None:
        components.append(part("mjoa-after", _score(outcome.mjoa_after)))
    return components


def _procedure_code(event: Event) -> Resource:
    concept: Resource = {"text": _label(event)}
    code = _code(event)
    own = event.kind.replace("_", "-")
    if isinstance(event, CervicalEpiduralSteroidInjection):
        own = f"cesi-{event.approach}"
    concept["coding"] = [
        *([code.coding()] if code is not None else []),
        {"system": PROCEDURE_SYSTEM, "code": own},
    ]
    return concept


def _steroids(event: Event) -> list[Resource]:
    steroid = getattr(event, "steroid", None)
    if steroid is None:
        return []
    found = [{**_own(STEROID_SYSTEM, str(steroid)), "text": str(steroid)}]
    if getattr(event, "particulate", False):
        found.append({**_own(STEROID_SYSTEM, "particulate"), "text": "particulate"})
    return found


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
        if isinstance(event, ClinicalVisit):
            resource["type"] = [{**_own(PURPOSE_SYSTEM, str(event.purpose)), **text}]
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
            target = references.get(event.intervention_id)
            if target is not None:
                resource["partOf"] = [{"reference": target}]
            resource["component"] = _outcome_components(event.outcome)
        elif isinstance(event, LabResult):
            code = CODES["hba1c" if event.test is LabTest.HBA1C else "glucose_serum"]
            resource["category"] = [_LABORATORY]
            resource["code"] = {"coding": [code.coding()], "text": code.display}
            resource |= _score(event.value, event.test.unit)
        elif isinstance(event, SeriousPathologyScreen):
            resource["component"] = _screen_components(event)
            present = ", ".join(i.replace("_", " ") for i in event.present)
            resource["valueString"] = f"positive: {present}" if present else "none present"
        elif isinstance(event, PsychologicalEvaluation):
            resource["valueBoolean"] = event.suitable
    elif kind == "Consent":
        assert isinstance(event, SharedDecision)
        resource |= _consent(event, date)
    elif kind == "MedicationStatement" and isinstance(event, AntithromboticUse):
        drug = CODES[f"rx_{event.drug}"]
        resource |= {
            "status": _DRUG_STATUS[event.status],
            "medicationCodeableConcept": {"coding": [drug.coding()], "text": event.drug.label},
            "subject": subject,
            "effectiveDateTime": date,
        }
        if event.daily_dose_mg is not None:
            resource["dosage"] = [_daily_dosage(event.daily_dose_mg)]
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
            "code": {
                **_own(MODALITY_SYSTEM, str(event.modality)),
                "text": f"{event.modality} of the cervical spine",
            },
            "subject": subject,
            "effectiveDateTime": date,
            "conclusion": "; ".join(f.kind.replace("_", " ") for f in event.findings)
            or "no relevant findings",
        }
        if event.findings:
            resource["result"] = [
                {"reference": f"Observation/{rid}-finding-{k}"} for k in range(len(event.findings))
            ]
        else:
            resource["conclusionCode"] = [_own(VALUE_SYSTEM, "no-relevant-findings")]
    elif kind == "MedicationStatement":
        assert isinstance(event, MedicationTrial)
        period = {"start": date}
        if event.stop_date is not None:
            period["end"] = event.stop_date.isoformat()
        resource |= {
            "status": "completed" if event.stop_date is not None else "active",
            "medicationCodeableConcept": {
                "coding": [CODES[str(event.drug)].coding()],
                "text": str(event.drug),
            },
            "subject": subject,
            "effectivePeriod": period,
            "dosage": [_daily_dosage(event.daily_dose_mg)],
        }
    else:
        resource |= {
            "status": "completed",
            "code": _procedure_code(event),
            "subject": subject,
            "performedDateTime": date,
        }
        if sites := _body_sites(event):
            resource["bodySite"] = sites
        if used := _steroids(event):
            resource["usedCode"] = used
    resource["identifier"] = [{"system": EVENT_ID_SYSTEM, "value": event.id}]
    resource["extension"] = [{"url": EVENT_EXTENSION, "valueString": dumps(event, indent=None)}]
    return resource


def record_to_bundle(record: PatientRecord) -> Resource:
    """The record as a FHIR collection Bundle (JSON-ready data, validated by fhir.resources).

    The Patient (birth date, gender, the record's patient id as identifier) comes first,
    with its coded health factors after it (Conditions, and an AllergyIntolerance for a
    contrast allergy), then one resource per event in order: an Encounter for a visit, a
    surgical consultation or a discharge (a visit's pain NRS, NDI, mJOA and quality of life
    follow it as Observations in spinepath's own code system, :data:`OBSERVATION_SYSTEM`), a
    DiagnosticReport for an imaging study, a ServiceRequest for an imaging order, a
    MedicationStatement for a medication trial or an anticoagulant or antiplatelet drug
    (RxNorm; status ``active``, ``on-hold`` or ``stopped``), a Consent for a shared decision,
    a Procedure for any other intervention (with its CPT code where the evidence table gives
    one), and an Observation for an outcome report (pain before and after and relief as
    components, ``partOf`` the Procedure), a posture review, a health update, a
    serious-pathology screen, a laboratory result (LOINC) or a psychological evaluation.
    Each event's resource carries the event as spinepath JSON in
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
    entries.extend(_health_resources(patient.health))
    references: dict[str, str] = {}
    for i, event in enumerate(record.events):
        rid = f"event-{i}"
        resource = _primary(rid, event, references)
        references[event.id] = f"{resource['resourceType']}/{rid}"
        entries.append(resource)
        if isinstance(event, ClinicalVisit):
            entries.extend(
                _symptom_observations(rid, event.date.isoformat(), event.symptoms, event.exam)
            )
        elif isinstance(event, ImagingStudy):
            entries.extend(_finding_observations(rid, event.date.isoformat(), event))
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


def _derived(resource: Resource, primaries: dict[str, Resource]) -> bool:
    """An Observation spinepath wrote as a view of an event read from its extension (a visit's
    pain scores, an imaging study's findings)."""
    if resource.get("resourceType") != "Observation":
        return False
    encounter = resource.get("encounter")
    if isinstance(encounter, dict) and encounter.get("reference") in primaries:
        return True
    me = f"Observation/{resource.get('id')}"
    return any(
        isinstance(r, dict) and r.get("reference") == me
        for p in primaries.values()
        if p.get("resourceType") == "DiagnosticReport"
        for r in p.get("result") or ()
    )


def _as_data(bundle: object) -> Any:
    if isinstance(bundle, str | bytes | bytearray):
        return parse(bundle)
    dump = getattr(bundle, "model_dump_json", None)
    if callable(dump):
        return json.loads(dump())
    return bundle


@attrs.frozen
class BundleReading:
    """A record read from a FHIR Bundle, and what was not read or was assumed.

    ``notes`` lists, as :class:`~spinepath.errors.Problem` values naming the entry and the
    resource, each resource that was not read (code ``ignored``: a blood pressure, a
    cancelled procedure, an Encounter without pain scores), each diagnosis recognised but not
    mapped (``recognised``), each value assumed (``assumed``: a visit without a purpose is
    a follow-up) and each value converted to spinepath's unit (``converted``: glucose in
    mmol/L). Nothing in them is an error.
    """

    record: PatientRecord
    notes: tuple[Problem, ...] = ()


def _entries(data: object) -> tuple[list[Entry], list[Problem]]:
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise InvalidDocument(
            [Problem("expected a FHIR Bundle", ("resourceType",), "wrong_type")], what="FHIR Bundle"
        )
    entries = data.get("entry") or []
    if not isinstance(entries, list):
        raise InvalidDocument(
            [Problem("expected a list of entries", ("entry",), "wrong_type")], what="FHIR Bundle"
        )
    found: list[Entry] = []
    problems: list[Problem] = []
    for i, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            problems.append(
                Problem("expected a resource", ("entry", i, "resource"), "missing_field")
            )
        elif not isinstance(resource.get("resourceType"), str):
            problems.append(
                Problem(
                    "expected a resourceType",
                    ("entry", i, "resource", "resourceType"),
                    "missing_field",
                )
            )
        else:
            found.append(Entry(i, resource))
    return found, problems


def _references(
    data: dict[str, Any], entries: list[Entry], problems: list[Problem]
) -> dict[str, Entry]:
    references: dict[str, Entry] = {}
    raw = data.get("entry") or []
    for entry in entries:
        rid = entry.resource.get("id")
        keys = []
        if isinstance(rid, str):
            keys.append(f"{entry.kind}/{rid}")
        full = raw[entry.index].get("fullUrl")
        if isinstance(full, str):
            keys.append(full)
        for key in keys:
            if key in references:
                problems.append(
                    Problem(
                        f"{entry.name}: a second resource with this id or fullUrl "
                        f"(first in entry[{references[key].index}])",
                        entry.path("id"),
                        "not_allowed",
                    )
                )
            else:
                references[key] = entry
    return references


_READ_LAST = ("Encounter", "ImagingStudy")


def _invalid(data: dict[str, Any], entries: list[Entry]) -> list[Problem]:
    """What fhir.resources' R4B Bundle model refuses, each problem at its path in the Bundle
    and naming its resource (a wrong type, a missing required element, a bad date)."""
    from fhir.resources.R4B.bundle import Bundle

    try:
        Bundle.model_validate(data)
    except pydantic.ValidationError as error:
        names = {e.index: e.name for e in entries}
        problems = []
        for found in error.errors():
            path = tuple(s for s in found["loc"] if isinstance(s, str | int))
            at = path[1] if len(path) > 1 and path[0] == "entry" else None
            name = names.get(at) if isinstance(at, int) else None
            where = f"{name}: " if isinstance(name, str) else ""
            problems.append(Problem(f"{where}{found['msg']}", path, "invalid_value"))
        return problems
    return []


def read_bundle(bundle: object) -> BundleReading:
    """A patient record from a FHIR R4 Bundle (a fhir.resources Bundle, its JSON-ready data,
    or its JSON text), with notes on what was not read.

    Resources carrying spinepath's :data:`EVENT_EXTENSION` (and a Patient carrying
    :data:`PATIENT_EXTENSION`) are read from it, exactly, as :func:`record_to_bundle` wrote
    them. Every other resource is read from its standard elements, as an EHR sends them
    (docs/fhir.md lists what is mapped and what is not): a resource spinepath does not read
    at all becomes a note; one it reads but cannot map (a procedure without a date, a pain
    score without a unit, an unknown code of spinepath's own systems) is a problem. All
    problems are raised together as :class:`~spinepath.errors.InvalidDocument`, each naming
    the entry, the resource and the element (``entry[3].resource.performedDateTime:
    Procedure/p1: the date performed is missing``).
    """
    data = _as_data(bundle)
    entries, problems = _entries(data)
    problems.extend(_invalid(data, entries))
    if problems:
        raise InvalidDocument(problems, what="FHIR Bundle")
    references = _references(data, entries, problems)
    primaries = {
        f"{e.kind}/{e.resource.get('id')}": e.resource
        for e in entries
        if _extension(e.resource, EVENT_EXTENSION)[1] == 1
    }
    native = NativeReader(references)
    patients = [e for e in entries if e.kind == "Patient"]
    spinepath_events: list[tuple[int, Event]] = []
    for entry in entries:
        if entry.kind == "Patient" or _derived(entry.resource, primaries):
            continue
        text, count = _extension(entry.resource, EVENT_EXTENSION)
        if count == 0:
            if entry.kind not in _READ_LAST:
                native.read(entry)
        elif text is not None:
            event = _event_from_extension(entry, text, problems)
            if event is not None:
                spinepath_events.append((entry.index, event))
                if isinstance(event, Intervention):
                    native.interventions[entry.name] = event.id
        else:
            what = "more than one" if count > 1 else "a non-string"
            problems.append(
                Problem(
                    f"{entry.name}: {what} {EVENT_EXTENSION} extension",
                    entry.path("extension"),
                    "invalid_value",
                )
            )
    native.finish_visits()
    native.finish_series()
    native.finish_outcomes()
    for entry in entries:
        if entry.kind in _READ_LAST and _extension(entry.resource, EVENT_EXTENSION)[1] == 0:
            native.read(entry)  # those no visit or report took
    problems.extend(native.problems)
    patient = _read_patient(patients, native, problems)
    if problems:
        raise InvalidDocument(problems, what="FHIR Bundle")
    assert patient is not None
    if native.events:
        dated = [(e.date, float(i), e) for i, e in spinepath_events] + native.events
        events = [e for _, _, e in sorted(dated, key=lambda x: (x[0], x[1]))]
    else:
        events = [e for _, e in spinepath_events]
    seen: dict[str, int] = {}
    for k, event in enumerate(events):
        if event.id in seen:
            problems.append(
                Problem(
                    f"two events have the same id (events {seen[event.id]} and {k})",
                    ("entry",),
                    "not_allowed",
                )
            )
        seen[event.id] = k
    if problems:
        raise InvalidDocument(problems, what="FHIR Bundle")
    try:
        record = PatientRecord(patient, tuple(events))
    except (InvalidRecord, InvalidValue) as error:
        raise InvalidDocument(
            [Problem(str(error), ("entry",), "invalid_value")], what="FHIR Bundle"
        ) from None
    notes = sorted(native.notes, key=lambda n: n.path)
    return BundleReading(record, tuple(notes))


T = TypeVar("T")


def _from_extension(entry: Entry, text: str, kind: type[T], problems: list[Problem]) -> T | None:
    """A spinepath value from a resource's extension text; its problems, if any, named by the
    entry and the path into the extension's valueString."""
    try:
        return loads(text, kind)
    except InvalidDocument as error:
        where = (*entry.path("extension"), "valueString")
        problems.extend(
            Problem(f"{entry.name}: {p.message}", (*where, *p.path), p.code) for p in error.problems
        )
        return None


def _event_from_extension(entry: Entry, text: str, problems: list[Problem]) -> Event | None:
    event = _from_extension(entry, text, Event, problems)
    if event is None:
        return None
    expected = _resource_type(event)
    if entry.kind != expected:
        problems.append(
            Problem(
                f"{entry.name}: a {event.kind} event is written as {expected}, not {entry.kind}",
                entry.path("resourceType"),
                "invalid_value",
            )
        )
        return None
    return event


def _read_patient(
    patients: list[Entry], native: NativeReader, problems: list[Problem]
) -> Patient | None:
    if not patients:
        if not problems:
            problems.append(Problem("no Patient resource", ("entry",), "missing_field"))
        return None
    for extra in patients[1:]:
        problems.append(Problem(f"{extra.name}: a second Patient", extra.path(), "not_allowed"))
    entry = patients[0]
    text, count = _extension(entry.resource, PATIENT_EXTENSION)
    if count == 0:
        try:
            return native.patient(entry)
        except _Stop:
            problems.extend(p for p in native.problems if p not in problems)
            return None
    if text is None:
        problems.append(
            Problem(
                f"{entry.name}: more than one or a non-string {PATIENT_EXTENSION} extension",
                entry.path("extension"),
                "invalid_value",
            )
        )
        return None
    patient = _from_extension(entry, text, Patient, problems)
    if patient is None:
        return None
    if native.health:
        try:
            patient = attrs.evolve(
                patient,
                health=attrs.evolve(patient.health, **native.health),  # type: ignore[arg-type]
            )
        except InvalidValue as error:
            problems.append(Problem(f"{entry.name}: {error}", entry.path(), "invalid_value"))
    return patient


def bundle_to_record(bundle: object) -> PatientRecord:
    """A patient record from a FHIR R4 Bundle: :func:`read_bundle`'s record (its notes on
    what was not read are dropped; call :func:`read_bundle` to see them).

    A Bundle written by :func:`record_to_bundle` reads back to an equal record; a Bundle from
    an EHR, with no spinepath extension, is read from its standard resources.
    """
    return read_bundle(bundle).record
