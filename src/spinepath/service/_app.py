"""The CDS Hooks application: discovery, patient-view and order-select."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from spinepath.errors import InvalidDocument, Problem, SpinepathError, problem_details
from spinepath.fhir import (
    OPTION_ID_SYSTEM,
    BundleReading,
    blocked_card,
    cards,
    code_of,
    read_bundle,
    reading_card,
)
from spinepath.io import loads
from spinepath.model import PatientRecord
from spinepath.pathway import Assessment, Option, assess

__all__ = [
    "MAX_BODY",
    "NATIVE_PREFETCH",
    "RECORD_CONTENT_TYPE",
    "SERVICES",
    "create_app",
    "serve",
]

MAX_BODY = 10 * 1024 * 1024
"""The largest request body read (bytes); a larger one is answered 413."""

RECORD_CONTENT_TYPE = "application/vnd.spinepath.record+json"
"""The attachment type of a spinepath record carried in a FHIR DocumentReference."""

NATIVE_PREFETCH = {
    "patient": "Patient/{{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}",
    "observations": "Observation?patient={{context.patientId}}",
    "procedures": "Procedure?patient={{context.patientId}}",
    "reports": "DiagnosticReport?patient={{context.patientId}}&_include=DiagnosticReport:result"
    "&_include=DiagnosticReport:imaging-study",
    "medications": "MedicationStatement?patient={{context.patientId}}",
    "encounters": "Encounter?patient={{context.patientId}}",
    "allergies": "AllergyIntolerance?patient={{context.patientId}}",
    "consents": "Consent?patient={{context.patientId}}",
}
"""The prefetch of the record as an EHR's standard resources: the Patient and a searchset
Bundle per resource type, read together by ``fhir.read_bundle`` when no ``record`` is sent."""

_PREFETCH = {
    "record": "DocumentReference?subject=Patient/{{context.patientId}}"
    f"&contenttype={RECORD_CONTENT_TYPE}",
    **NATIVE_PREFETCH,
}

SERVICES: tuple[dict[str, Any], ...] = (
    {
        "hook": "patient-view",
        "id": "spinepath-patient-view",
        "title": "spinepath: next steps after a failed cervical ESI",
        "description": "The pathway phase, red flags and ranked next steps, each with its "
        "rule and citation, as cards with orders to propose.",
        "prefetch": _PREFETCH,
    },
    {
        "hook": "order-select",
        "id": "spinepath-order-select",
        "title": "spinepath: is this order on the pathway now?",
        "description": "Checks a draft order against the pathway; a blocked step gets a "
        "warning card naming every failed precondition.",
        "prefetch": _PREFETCH,
    },
)
"""The discovery document's services."""


class _Refused(Exception):
    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail


def _problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


async def _body(request: Request) -> dict[str, Any]:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
        raise _Refused(413, "Request too large", f"the body is over {MAX_BODY} bytes")
    raw = bytearray()
    async for chunk in request.stream():
        raw.extend(chunk)
        if len(raw) > MAX_BODY:
            raise _Refused(413, "Request too large", f"the body is over {MAX_BODY} bytes")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise _Refused(400, "Invalid JSON", f"the body is not JSON: {error}") from None
    if not isinstance(body, dict):
        raise _Refused(400, "Invalid request", "the body is not a JSON object")
    return body


def _record(body: dict[str, Any]) -> tuple[PatientRecord, str, tuple[Problem, ...]]:
    """The record from the ``record`` prefetch (a DocumentReference, a searchset Bundle of
    them, or a Bundle of the record's resources: written by ``fhir.record_to_bundle`` or an
    EHR's standard resources, read by ``fhir.read_bundle``), the subject reference and the
    reader's notes on what it did not read; InvalidDocument names the resource and element."""
    context = body.get("context")
    patient_id = context.get("patientId") if isinstance(context, dict) else None
    if not isinstance(patient_id, str):
        raise InvalidDocument([Problem("required field is missing", ("context", "patientId"))])
    prefetch = body.get("prefetch")
    found = prefetch.get("record") if isinstance(prefetch, dict) else None
    native = isinstance(prefetch, dict) and prefetch.get("patient") is not None
    empty = (
        isinstance(found, dict) and found.get("resourceType") == "Bundle" and not found.get("entry")
    )
    if native and empty:
        found = None  # the EHR found no spinepath record document: read its resources
    if found is None and native:
        assert isinstance(prefetch, dict)
        reading = _native_record(prefetch)
        return reading.record, f"Patient/{patient_id}", reading.notes
    if found is None:
        raise _Refused(
            412,
            "Prefetch missing",
            "the 'record' prefetch (or 'patient' with the other prefetch keys of the standard "
            "resources) is required (this service does not query a FHIR server)",
        )
    path: tuple[str | int, ...] = ("prefetch", "record")
    if _is_record_bundle(found):
        try:
            reading = read_bundle(found)
        except InvalidDocument as error:
            problems = [Problem(p.message, (*path, *p.path), p.code) for p in error.problems]
            raise InvalidDocument(problems, total=error.total, complete=error.complete) from None
        return reading.record, f"Patient/{patient_id}", reading.notes
    if isinstance(found, dict) and found.get("resourceType") == "Bundle":
        entries = found.get("entry") or []
        if not isinstance(entries, list) or not entries:
            raise InvalidDocument([Problem("Bundle has no entry", (*path, "entry"))])
        path, found = (*path, "entry", 0, "resource"), entries[0].get("resource")
    if not isinstance(found, dict) or found.get("resourceType") != "DocumentReference":
        raise InvalidDocument([Problem("expected a DocumentReference or a Bundle of them", path)])
    try:
        attachment = found["content"][0]["attachment"]
        content_type, data = attachment["contentType"], attachment["data"]
    except (KeyError, IndexError, TypeError):
        where = (*path, "content", 0, "attachment")
        raise InvalidDocument(
            [Problem("DocumentReference: expected contentType and data", where)]
        ) from None
    where = (*path, "content", 0, "attachment", "data")
    if content_type != RECORD_CONTENT_TYPE:
        raise InvalidDocument(
            [Problem(f"DocumentReference: expected {RECORD_CONTENT_TYPE}", where[:-1])]
        )
    try:
        text = base64.b64decode(data, validate=True)
    except (binascii.Error, TypeError, ValueError):
        raise InvalidDocument([Problem("DocumentReference: data is not base64", where)]) from None
    try:
        record = loads(text, PatientRecord)
    except InvalidDocument as error:
        problems = [Problem(p.message, (*where, *p.path), p.code) for p in error.problems]
        raise InvalidDocument(problems, total=error.total, complete=error.complete) from None
    return record, f"Patient/{patient_id}", ()


def _native_record(prefetch: dict[str, Any]) -> BundleReading:
    """The record from the Patient and the searchset Bundles of :data:`NATIVE_PREFETCH`,
    read as one Bundle; each problem's path is the one in the request body."""
    entries: list[dict[str, Any]] = [{"resource": prefetch["patient"]}]
    places: list[tuple[str | int, ...]] = [("prefetch", "patient")]
    for key in NATIVE_PREFETCH:
        found = prefetch.get(key)
        if key == "patient" or found is None:
            continue
        if not isinstance(found, dict) or found.get("resourceType") != "Bundle":
            raise InvalidDocument([Problem("expected a Bundle", ("prefetch", key))])
        for i, entry in enumerate(found.get("entry") or []):
            entries.append(entry)
            places.append(("prefetch", key, "entry", i, "resource"))
    try:
        reading = read_bundle({"resourceType": "Bundle", "type": "collection", "entry": entries})
    except InvalidDocument as error:
        problems = [Problem(p.message, _in_request(p.path, places), p.code) for p in error.problems]
        raise InvalidDocument(problems, total=error.total, complete=error.complete) from None
    notes = tuple(Problem(n.message, _in_request(n.path, places), n.code) for n in reading.notes)
    return BundleReading(reading.record, notes)


def _in_request(
    path: tuple[str | int, ...], places: list[tuple[str | int, ...]]
) -> tuple[str | int, ...]:
    """A path in the Bundle read together, as the path in the request body it came from."""
    at = path[1] if len(path) > 2 and path[0] == "entry" else None
    if isinstance(at, int) and at < len(places):
        return (*places[at], *path[3:])
    return ("prefetch", *path)


def _is_record_bundle(found: object) -> bool:
    """A Bundle of the record's resources (spinepath's own, or an EHR's: Patient, Condition,
    Observation, Procedure, ...), not a search result of DocumentReferences."""
    if not isinstance(found, dict) or found.get("resourceType") != "Bundle":
        return False
    entries = found.get("entry")
    kinds = (
        {
            e["resource"].get("resourceType")
            for e in entries or ()
            if isinstance(e, dict) and isinstance(e.get("resource"), dict)
        }
        if isinstance(entries, list)
        else set()
    )
    return found.get("type") == "collection" or bool(
        kinds - {"DocumentReference", "OperationOutcome"}
    )


def _matches(option: Option, order: dict[str, Any]) -> bool:
    for identifier in order.get("identifier") or []:
        if isinstance(identifier, dict) and identifier.get("system") == OPTION_ID_SYSTEM:
            return bool(identifier.get("value") == option.id)
    code = code_of(option.action)
    codings = (order.get("code") or {}).get("coding") or []
    return code is not None and any(
        isinstance(c, dict) and c.get("system") == code.system and c.get("code") == code.code
        for c in codings
    )


def _drafts(body: dict[str, Any]) -> list[dict[str, Any]]:
    context = body.get("context") or {}
    bundle = context.get("draftOrders") if isinstance(context, dict) else None
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise InvalidDocument([Problem("expected a Bundle", ("context", "draftOrders"))])
    selections = context.get("selections") or []
    drafts = []
    for entry in bundle.get("entry") or []:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or resource.get("resourceType") != "ServiceRequest":
            continue
        if not selections or f"ServiceRequest/{resource.get('id')}" in selections:
            drafts.append(resource)
    return drafts


def _order_cards(assessment: Assessment, drafts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for order in drafts:
        for option in assessment.options:
            if _matches(option, order):
                if not option.legal:
                    found.append(blocked_card(option))
                break
    return found


def create_app() -> Starlette:
    """The CDS Hooks service as an ASGI application."""

    async def discovery(request: Request) -> JSONResponse:
        return JSONResponse({"services": list(SERVICES)})

    async def hook(request: Request) -> JSONResponse:
        service = request.path_params["service"]
        if service not in {s["id"] for s in SERVICES}:
            return _problem(404, "Not found", f"no service {service!r}")
        try:
            body = await _body(request)
            record, subject, notes = _record(body)
            found = assess(record)
            if service == "spinepath-patient-view":
                answer = cards(found, subject)
                unread = reading_card(notes)
                if unread is not None:
                    answer.append(unread)
            else:
                answer = _order_cards(found, _drafts(body))
        except _Refused as refused:
            return _problem(refused.status, refused.title, refused.detail)
        except SpinepathError as error:
            details = problem_details(error, instance=request.url.path)
            return JSONResponse(
                details, status_code=details["status"], media_type="application/problem+json"
            )
        return JSONResponse({"cards": answer})

    return Starlette(
        routes=[
            Route("/cds-services", discovery, methods=["GET"]),
            Route("/cds-services/{service}", hook, methods=["POST"]),
        ]
    )


def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the service with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(create_app(), host=host, port=port)
