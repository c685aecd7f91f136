"""FHIR R4 resources from spinepath values (extra ``spinepath[fhir]``, fhir.resources' R4B models).

``plan_definition()`` writes the rule catalogue as a PlanDefinition (one action per rule, its
conditions as text naming the rule id, its citation as documentation); ``request_group`` and
``care_plan`` write an assessment (recommended and allowed options as proposals, blocked ones
with their failed preconditions); ``service_request`` writes one action as a proposed
ServiceRequest. ``record_to_bundle`` writes a patient record as a collection Bundle
and ``bundle_to_record`` reads it back to an equal record; ``read_bundle`` (and
``bundle_to_record``) also read a Bundle as an EHR sends it, standard R4 resources without
spinepath's extension, with notes on what was not read. Every resource is built as
JSON-ready data and validated by fhir.resources before it is returned. Every code written
or read is in :data:`CODES` with its system, grade and source (docs/fhir.md shows the
table); an action with no code read in a source carries its name as ``code.text``.
"""

from __future__ import annotations

import importlib.util

if importlib.util.find_spec("fhir") is None or importlib.util.find_spec("fhir.resources") is None:
    raise ImportError(
        "spinepath.fhir needs the 'fhir' extra: pip install 'spinepath[fhir]' (fhir.resources)"
    )

from spinepath.fhir._bundle import (
    EVENT_EXTENSION,
    EXTENSION_BASE,
    OBSERVATION_SYSTEM,
    PATIENT_EXTENSION,
    BundleReading,
    bundle_to_record,
    read_bundle,
    record_to_bundle,
)
from spinepath.fhir._cards import (
    OVERRIDE_REASONS,
    SUMMARY_LIMIT,
    blocked_card,
    cards,
    reading_card,
)
from spinepath.fhir._codes import CODES, CPT, GRADES, ICD_10_CM, LOINC, SNOMED, UCUM, Code, code_of
from spinepath.fhir._resources import (
    OPTION_ID_SYSTEM,
    care_plan,
    patient,
    plan_definition,
    request_group,
    service_request,
    validate,
)

__all__ = [
    "CODES",
    "CPT",
    "GRADES",
    "ICD_10_CM",
    "LOINC",
    "SNOMED",
    "UCUM",
    "Code",
    "care_plan",
    "code_of",
    "patient",
    "plan_definition",
    "request_group",
    "service_request",
    "validate",
    "OPTION_ID_SYSTEM",
    "OVERRIDE_REASONS",
    "SUMMARY_LIMIT",
    "blocked_card",
    "cards",
    "EVENT_EXTENSION",
    "EXTENSION_BASE",
    "OBSERVATION_SYSTEM",
    "PATIENT_EXTENSION",
    "BundleReading",
    "bundle_to_record",
    "read_bundle",
    "reading_card",
    "record_to_bundle",
]
