"""The codes spinepath writes into FHIR resources, each with its system and where it was read.

Only codes from the evidence table (shared spec ``evidence.md``, grades ``read`` or
``secondary``) are written; no SNOMED CT or LOINC code has been checked against its source
yet, so none is written (an action without a code carries its name as ``code.text``).
"""

from __future__ import annotations

import attrs

from spinepath.model import Approach
from spinepath.rules.actions import Action, ActionKind

__all__ = ["CODES", "CPT", "ICD_10_CM", "Code", "code_of"]

CPT = "http://www.ama-assn.org/go/cpt"
"""The FHIR system URI of CPT (HL7 terminology)."""

ICD_10_CM = "http://hl7.org/fhir/sid/icd-10-cm"
"""The FHIR system URI of ICD-10-CM (HL7 terminology)."""


@attrs.frozen
class Code:
    """A code with its system, display, and where it was read (``read``: in the source;
    ``secondary``: in a secondary source, verify before billing)."""

    system: str
    code: str
    display: str
    grade: str

    def coding(self) -> dict[str, str]:
        """The FHIR Coding."""
        return {"system": self.system, "code": self.code, "display": self.display}


_C = Code
CODES: dict[str, Code] = {
    "cesi_interlaminar": _C(
        CPT, "62321", "Cervical/thoracic interlaminar epidural, with imaging", "secondary"
    ),
    "cesi_transforaminal": _C(
        CPT, "64479", "Cervical/thoracic transforaminal epidural, single level", "secondary"
    ),
    "snrb": _C(
        CPT, "64479", "Transforaminal injection, cervical (selective nerve root block)", "secondary"
    ),
    "mbb": _C(
        CPT,
        "64490",
        "Cervical/thoracic facet joint or medial branch injection, first level",
        "read",
    ),
    "rfa": _C(CPT, "64633", "Cervical/thoracic facet nerve RF ablation, first joint", "secondary"),
    "gon": _C(CPT, "64405", "Greater occipital nerve block", "secondary"),
    "acdf": _C(CPT, "22551", "ACDF below C2, first interspace", "read"),
    "laminoforaminotomy": _C(
        CPT, "63020", "Cervical laminotomy/foraminotomy, one interspace", "secondary"
    ),
    "radiculopathy": _C(ICD_10_CM, "M54.12", "Radiculopathy, cervical region", "read"),
    "spondylosis": _C(
        ICD_10_CM, "M47.812", "Cervical spondylosis without myelopathy or radiculopathy", "read"
    ),
    "stenosis": _C(ICD_10_CM, "M48.02", "Spinal stenosis, cervical region", "read"),
    "occipital_neuralgia": _C(ICD_10_CM, "M54.81", "Occipital neuralgia", "secondary"),
    "cervicogenic_headache": _C(ICD_10_CM, "G44.86", "Cervicogenic headache", "secondary"),
}
"""Every code spinepath writes, by a short name (docs/fhir.md is this table)."""

_BY_KIND = {
    ActionKind.SELECTIVE_NERVE_ROOT_BLOCK: "snrb",
    ActionKind.MEDIAL_BRANCH_BLOCK: "mbb",
    ActionKind.RADIOFREQUENCY_ABLATION: "rfa",
    ActionKind.GREATER_OCCIPITAL_NERVE_BLOCK: "gon",
    ActionKind.ACDF: "acdf",
    ActionKind.LAMINOFORAMINOTOMY: "laminoforaminotomy",
}


def code_of(action: Action) -> Code | None:
    """The procedure code of ``action``, or None when no verified code exists for it."""
    if action.kind is ActionKind.CESI:
        name = "cesi_transforaminal" if action.approach is Approach.TRANSFORAMINAL else None
        return CODES[name or "cesi_interlaminar"]
    found = _BY_KIND.get(action.kind)
    return CODES[found] if found is not None else None
