"""Every code spinepath writes into FHIR resources or reads from them: one table, each code with
its system, display, grade and where it was read.

Grades: ``read`` (read in the source named), ``secondary`` (read in a secondary source, such as
a published FHIR implementation guide or a code listing: verify before billing), ``verify``
(not read in any source: check it against the terminology before relying on it), and ``own``
(a code of one of spinepath's own code systems under ``https://spinepath.invalid/``, used where
no standard code was found; no terminology server knows them). docs/fhir.md shows this table
(``python -m spinepath.fhir.reference > docs/fhir-codes.md``).
"""

from __future__ import annotations

import attrs

from spinepath.model import Approach
from spinepath.rules.actions import Action, ActionKind

__all__ = [
    "ATC",
    "CODES",
    "CPT",
    "DATA_ABSENT",
    "DICOM",
    "GRADES",
    "ICD_10_CM",
    "LOINC",
    "OPTION_SYSTEM",
    "RXNORM",
    "SNOMED",
    "UCUM",
    "Code",
    "code_of",
    "find_code",
]

CPT = "http://www.ama-assn.org/go/cpt"
"""The FHIR system URI of CPT (HL7 terminology)."""

ICD_10_CM = "http://hl7.org/fhir/sid/icd-10-cm"
"""The FHIR system URI of ICD-10-CM (HL7 terminology)."""

LOINC = "http://loinc.org"
"""The FHIR system URI of LOINC."""

SNOMED = "http://snomed.info/sct"
"""The FHIR system URI of SNOMED CT."""

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
"""The FHIR system URI of RxNorm."""

ATC = "http://www.whocc.no/atc"
"""The FHIR system URI of the WHO ATC classification."""

DICOM = "http://dicom.nema.org/resources/ontology/DCM"
"""The FHIR system URI of DICOM codes (acquisition modalities)."""

UCUM = "http://unitsofmeasure.org"
"""The FHIR system URI of UCUM units."""

OWN = "https://spinepath.invalid/"
"""The base of spinepath's own code systems (a reserved ``.invalid`` host: nothing is served)."""

OBSERVATION_SYSTEM = "https://spinepath.invalid/observation"
"""spinepath's own code system for the Observations and components it writes and reads
where no standard code was found (NDI, mJOA, outcome components, imaging findings, ...)."""

PROCEDURE_SYSTEM = "https://spinepath.invalid/procedure"
"""spinepath's procedure codes (the event kind; ``cesi-interlaminar``, ``cesi-transforaminal``)."""

SEGMENT_SYSTEM = "https://spinepath.invalid/segment"
"""Motion segments as ``bodySite`` codes (``C5-6``)."""

ROOT_SYSTEM = "https://spinepath.invalid/nerve-root"
"""Nerve roots as ``bodySite`` codes (``C6``)."""

SIDE_SYSTEM = "https://spinepath.invalid/side"
"""The one side SNOMED CT laterality does not cover here: ``central``."""

STEROID_SYSTEM = "https://spinepath.invalid/steroid"
"""Steroids as ``usedCode`` (``dexamethasone``, ...; ``particulate`` marks a particulate one)."""

MODALITY_SYSTEM = "https://spinepath.invalid/imaging-modality"
"""Imaging modalities as a DiagnosticReport code (``mri``, ``ct``, ``ct_myelography``, ``xray``)."""

PURPOSE_SYSTEM = "https://spinepath.invalid/visit-purpose"
"""Visit purposes as an Encounter ``type`` (``intake``, ``re_evaluation``, ...)."""

VALUE_SYSTEM = "https://spinepath.invalid/value"
"""Values of spinepath's vocabularies (grades, zones, complications, quality of life, ...)."""

OPTION_SYSTEM = "https://spinepath.invalid/option"
"""Option kinds (``acdf``, ``cesi``, ...) as the ``provision.code`` of a shared decision's
Consent."""

DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
"""HL7's data-absent-reason code system (``not-asked`` marks a screen item not asked)."""

GRADES = ("read", "secondary", "verify", "own")
"""The grades a code can have, from best supported to spinepath's own."""


@attrs.frozen
class Code:
    """A code with its system, display, grade (one of :data:`GRADES`), the source it was read
    in (or why it is graded ``verify``) and what spinepath reads it as.

    ``prefix`` codes match every code that begins with them (``E11`` matches ``E11.9``).
    """

    system: str
    code: str
    display: str
    grade: str = attrs.field(validator=attrs.validators.in_(GRADES))
    source: str = ""
    means: str = ""
    prefix: bool = False

    def coding(self) -> dict[str, str]:
        """The FHIR Coding."""
        return {"system": self.system, "code": self.code, "display": self.display}

    def matches(self, system: object, code: object) -> bool:
        """Whether a Coding's ``system`` and ``code`` are this code (or begin with it)."""
        if system != self.system or not isinstance(code, str):
            return False
        return code.startswith(self.code) if self.prefix else code == self.code


_EV = "evidence.md (shared spec)"
_EV_VERIFY = "evidence.md (shared spec), secondary: verify before billing"
_C = Code
_RX_LISTED = "a code listing pairing the ingredient with this RxCUI: verify before relying on it"
_RX_CPIC = "CPIC drug table (cpicpgx/cpic-schema), RxNorm ingredient"
_RX_UNREAD = "not read in a source: verify against RxNorm"
_STANDARD: dict[str, Code] = {
    # -- procedures (CPT) ------------------------------------------------------------------------
    "cesi_interlaminar": _C(
        CPT,
        "62321",
        "Cervical/thoracic interlaminar epidural, with imaging",
        "secondary",
        _EV_VERIFY,
        "CESI, interlaminar",
    ),
    "cesi_interlaminar_no_imaging": _C(
        CPT,
        "62320",
        "Cervical/thoracic interlaminar epidural, without imaging",
        "secondary",
        _EV_VERIFY,
        "CESI, interlaminar (read only)",
    ),
    "cesi_transforaminal": _C(
        CPT,
        "64479",
        "Cervical/thoracic transforaminal epidural, single level",
        "secondary",
        _EV_VERIFY,
        "CESI, transforaminal (an SNRB is told apart only by spinepath's procedure code)",
    ),
    "snrb": _C(
        CPT,
        "64479",
        "Transforaminal injection, cervical (selective nerve root block)",
        "secondary",
        _EV_VERIFY,
        "written for an SNRB; read as a transforaminal CESI unless spinepath's procedure "
        "code says SNRB",
    ),
    "mbb": _C(
        CPT,
        "64490",
        "Cervical/thoracic facet joint or medial branch injection, first level",
        "read",
        _EV,
        "medial branch block",
    ),
    "rfa": _C(
        CPT,
        "64633",
        "Cervical/thoracic facet nerve RF ablation, first joint",
        "secondary",
        _EV_VERIFY,
        "radiofrequency ablation",
    ),
    "gon": _C(CPT, "64405", "Greater occipital nerve block", "secondary", _EV_VERIFY, "GON block"),
    "acdf": _C(CPT, "22551", "ACDF below C2, first interspace", "read", _EV, "ACDF"),
    "laminoforaminotomy": _C(
        CPT,
        "63020",
        "Cervical laminotomy/foraminotomy, one interspace",
        "secondary",
        _EV_VERIFY,
        "posterior laminoforaminotomy",
    ),
    "scs_trial": _C(
        CPT,
        "63650",
        "Percutaneous implantation of neurostimulator electrode array, epidural",
        "verify",
        "not in evidence.md; not read in a source",
        "spinal cord stimulator trial",
    ),
    "scs_implant": _C(
        CPT,
        "63685",
        "Insertion or replacement of spinal neurostimulator pulse generator",
        "verify",
        "not in evidence.md; not read in a source",
        "spinal cord stimulator implant",
    ),
    # -- diagnoses (ICD-10-CM) ------------------------------------------------------------------
    "radiculopathy": _C(
        ICD_10_CM,
        "M54.12",
        "Radiculopathy, cervical region",
        "read",
        _EV,
        "recognised diagnosis (not mapped)",
    ),
    "disc_radiculopathy": _C(
        ICD_10_CM,
        "M50.1",
        "Cervical disc disorder with radiculopathy",
        "secondary",
        _EV_VERIFY,
        "recognised diagnosis (not mapped)",
        prefix=True,
    ),
    "spondylosis": _C(
        ICD_10_CM,
        "M47.812",
        "Cervical spondylosis without myelopathy or radiculopathy",
        "read",
        _EV,
        "recognised diagnosis (not mapped)",
    ),
    "stenosis": _C(
        ICD_10_CM,
        "M48.02",
        "Spinal stenosis, cervical region",
        "read",
        _EV,
        "recognised diagnosis (not mapped)",
    ),
    "occipital_neuralgia": _C(
        ICD_10_CM,
        "M54.81",
        "Occipital neuralgia",
        "secondary",
        _EV_VERIFY,
        "recognised diagnosis (not mapped)",
    ),
    "cervicogenic_headache": _C(
        ICD_10_CM,
        "G44.86",
        "Cervicogenic headache",
        "secondary",
        _EV_VERIFY,
        "recognised diagnosis (not mapped)",
    ),
    "anticoagulant_use": _C(
        ICD_10_CM,
        "Z79.01",
        "Long term (current) use of anticoagulants",
        "secondary",
        "an ICD-10-CM code listing (medtrack-io/icd_code)",
        "health: anticoagulated",
    ),
    "bleeding_disorder": _C(
        ICD_10_CM,
        "D68",
        "Other coagulation defects",
        "verify",
        "not read in a source",
        "health: bleeding disorder",
        prefix=True,
    ),
    "diabetes_type_1": _C(
        ICD_10_CM,
        "E10",
        "Type 1 diabetes mellitus",
        "verify",
        "not read in a source",
        "health: diabetes",
        prefix=True,
    ),
    "diabetes_type_2": _C(
        ICD_10_CM,
        "E11",
        "Type 2 diabetes mellitus",
        "verify",
        "not read in a source",
        "health: diabetes",
        prefix=True,
    ),
    "pregnant": _C(
        ICD_10_CM,
        "Z33.1",
        "Pregnant state, incidental",
        "verify",
        "not read in a source",
        "health: pregnant",
    ),
    # -- observations (LOINC) and body sites (SNOMED CT) ---------------------------------------
    "pain_nrs": _C(
        LOINC,
        "72514-3",
        "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
        "read",
        "HL7 Belgium patient-monitoring IG, ValueSet pain-scale (cites loinc.org/72514-3)",
        "pain NRS 0-10: arm or neck by bodySite",
    ),
    "neck": _C(
        SNOMED,
        "45048000",
        "Neck structure",
        "secondary",
        "code listings pairing SCT 45048000 with Neck",
        "bodySite of a pain NRS: neck pain",
    ),
    "upper_limb": _C(
        SNOMED,
        "53120007",
        "Upper limb structure",
        "read",
        "FHIR BodyStructure example; DICOM anatomic region value sets",
        "bodySite of a pain NRS: arm pain",
    ),
    "left": _C(
        SNOMED, "7771000", "Left", "read", "HL7 Switzerland ch-ems Laterality value set", "left"
    ),
    "right": _C(
        SNOMED, "24028007", "Right", "read", "HL7 Switzerland ch-ems Laterality value set", "right"
    ),
    "bilateral": _C(
        SNOMED,
        "51440002",
        "Right and left",
        "read",
        "HL7 Switzerland ch-ems Laterality value set",
        "bilateral",
    ),
    # -- medications ------------------------------------------------------------------------------
    "gabapentin": _C(
        RXNORM,
        "25480",
        "gabapentin",
        "secondary",
        "a drug table pairing gabapentin with RxCUI 25480",
        "medication trial: gabapentin",
    ),
    "pregabalin": _C(
        RXNORM,
        "187832",
        "pregabalin",
        "verify",
        "not read in a source",
        "medication trial: pregabalin",
    ),
    "vitamin_k_antagonists": _C(
        ATC,
        "B01AA",
        "Vitamin K antagonists",
        "verify",
        "not read in a source",
        "health: anticoagulated (while the statement is active)",
        prefix=True,
    ),
    "heparins": _C(
        ATC,
        "B01AB",
        "Heparin group",
        "verify",
        "not read in a source",
        "health: anticoagulated (while the statement is active)",
        prefix=True,
    ),
    "thrombin_inhibitors": _C(
        ATC,
        "B01AE",
        "Direct thrombin inhibitors",
        "verify",
        "not read in a source",
        "health: anticoagulated (while the statement is active)",
        prefix=True,
    ),
    "factor_xa_inhibitors": _C(
        ATC,
        "B01AF",
        "Direct factor Xa inhibitors",
        "verify",
        "not read in a source",
        "health: anticoagulated (while the statement is active)",
        prefix=True,
    ),
    # -- antithrombotic drugs (RxNorm ingredients) -----------------------------------------
    **{
        f"rx_{drug}": _C(RXNORM, rxcui, display, grade, source, f"antithrombotic: {display}")
        for drug, rxcui, display, grade, source in (
            ("warfarin", "11289", "warfarin", "secondary", _RX_LISTED),
            ("heparin", "5224", "heparin", "verify", _RX_UNREAD),
            ("low_molecular_weight_heparin", "67108", "enoxaparin", "secondary", _RX_LISTED),
            ("fondaparinux", "321208", "fondaparinux", "verify", _RX_UNREAD),
            ("dabigatran", "1546356", "dabigatran", "verify", _RX_UNREAD),
            ("rivaroxaban", "1114195", "rivaroxaban", "secondary", _RX_LISTED),
            ("apixaban", "1364430", "apixaban", "secondary", _RX_LISTED),
            ("edoxaban", "1599538", "edoxaban", "verify", _RX_UNREAD),
            ("clopidogrel", "32968", "clopidogrel", "secondary", _RX_CPIC),
            ("prasugrel", "613391", "prasugrel", "verify", _RX_UNREAD),
            ("ticagrelor", "1116632", "ticagrelor", "verify", _RX_UNREAD),
            ("cilostazol", "21107", "cilostazol", "verify", _RX_UNREAD),
            ("aspirin", "1191", "aspirin", "secondary", _RX_CPIC),
        )
    },
    "rx_dabigatran_etexilate": _C(
        RXNORM,
        "1037042",
        "dabigatran etexilate",
        "secondary",
        _RX_LISTED,
        "antithrombotic: dabigatran (read only)",
    ),
    # -- laboratory results (LOINC) --------------------------------------------------------------
    "hba1c": _C(
        LOINC,
        "4548-4",
        "Hemoglobin A1c/Hemoglobin.total in Blood",
        "read",
        "HL7 Vulcan schedule IG, ObservationDefinition LOINC-4548-4 (unit %); HL7 BSeR IG",
        "lab: HbA1c in % (NGSP); mmol/mol (IFCC) is converted",
    ),
    "hba1c_ifcc": _C(
        LOINC,
        "59261-8",
        "Hemoglobin A1c/Hemoglobin.total in Blood by IFCC protocol",
        "secondary",
        "a lab-test listing pairing HbA1c (IFCC) with LOINC 59261-8",
        "lab: HbA1c in mmol/mol, converted to % (read only)",
    ),
    "glucose_serum": _C(
        LOINC,
        "2345-7",
        "Glucose [Mass/volume] in Serum or Plasma",
        "read",
        "US Core IG, Observation serum-glucose example (76 mg/dL)",
        "lab: glucose in mg/dL; mmol/L is converted",
    ),
    "glucose_blood": _C(
        LOINC,
        "2339-0",
        "Glucose [Mass/volume] in Blood",
        "read",
        "US Core IG and QI-Core IG, Observation blood-glucose examples (mg/dL)",
        "lab: glucose in mg/dL (read only)",
    ),
    "glucose_serum_molar": _C(
        LOINC,
        "14749-6",
        "Glucose [Moles/volume] in Serum or Plasma",
        "secondary",
        "a French hospital data-warehouse FHIR profile (glycemie a jeun, mmol/L)",
        "lab: glucose in mmol/L, converted to mg/dL (read only)",
    ),
    # -- bleeding and contrast factors -------------------------------------------------------------
    "low_platelets": _C(
        ICD_10_CM,
        "D69.6",
        "Thrombocytopenia, unspecified",
        "verify",
        "not read in a source",
        "health: low platelets",
        prefix=True,
    ),
    "low_platelets_secondary": _C(
        ICD_10_CM,
        "D69.5",
        "Secondary thrombocytopenia",
        "verify",
        "not read in a source",
        "health: low platelets (read only)",
        prefix=True,
    ),
    "liver_disease": _C(
        ICD_10_CM,
        "K76.9",
        "Liver disease, unspecified",
        "verify",
        "listed among hepatic-failure codes in a code listing; display not read",
        "health: liver disease",
    ),
    "cirrhosis": _C(
        ICD_10_CM,
        "K74",
        "Fibrosis and cirrhosis of liver",
        "verify",
        "not read in a source",
        "health: liver disease (read only)",
        prefix=True,
    ),
    "kidney_disease": _C(
        ICD_10_CM,
        "N18",
        "Chronic kidney disease (CKD)",
        "secondary",
        "a CKD code list pairing N18 (and N18.1-N18.6) with chronic kidney disease",
        "health: kidney disease",
        prefix=True,
    ),
    "contrast_allergy": _C(
        SNOMED,
        "293637006",
        "Allergy to contrast media",
        "secondary",
        "DICOM CID 1201 (Contraindications for XA imaging) as a FHIR value set",
        "health: contrast allergy (an AllergyIntolerance)",
    ),
    "contrast_allergy_status": _C(
        ICD_10_CM,
        "Z91.041",
        "Radiographic dye allergy status",
        "verify",
        "not read in a source",
        "health: contrast allergy (a Condition or an AllergyIntolerance; read only)",
    ),
    # -- imaging modalities (DICOM) ---------------------------------------------------------------
    "dicom_mr": _C(DICOM, "MR", "Magnetic Resonance", "verify", "not read in a source", "MRI"),
    "dicom_ct": _C(DICOM, "CT", "Computed Tomography", "verify", "not read in a source", "CT"),
    "dicom_cr": _C(DICOM, "CR", "Computed Radiography", "verify", "not read in a source", "X-ray"),
    "dicom_dx": _C(DICOM, "DX", "Digital Radiography", "verify", "not read in a source", "X-ray"),
    # -- units (UCUM) -----------------------------------------------------------------------------
    "unit_score": _C(
        UCUM, "{score}", "score", "verify", "UCUM annotation; not read", "NRS, NDI points, mJOA"
    ),
    "unit_percent": _C(UCUM, "%", "percent", "verify", "not read in a source", "relief, NDI %"),
    "unit_mg": _C(UCUM, "mg", "milligram", "verify", "not read in a source", "dose"),
    "unit_day": _C(UCUM, "d", "day", "verify", "not read in a source", "durations, periods"),
    "unit_hour": _C(UCUM, "h", "hour", "verify", "not read in a source", "dosing period"),
    "unit_week": _C(UCUM, "wk", "week", "verify", "not read in a source", "dosing period"),
    "unit_mm": _C(UCUM, "mm", "millimetre", "verify", "not read in a source", "translation"),
    "unit_mg_dl": _C(
        UCUM, "mg/dL", "milligram per decilitre", "read", "US Core IG glucose examples", "glucose"
    ),
    "unit_mmol_l": _C(
        UCUM, "mmol/L", "millimole per litre", "secondary", "FHIR glucose profiles", "glucose"
    ),
    "unit_mmol_mol": _C(
        UCUM, "mmol/mol", "millimole per mole", "verify", "not read in a source", "HbA1c (IFCC)"
    ),
}


def _own(system: str, code: str, display: str, means: str = "") -> Code:
    return Code(system, code, display, "own", "spinepath's own code system", means or display)


_OWN: dict[str, Code] = {
    "own_arm_pain": _own(OBSERVATION_SYSTEM, "arm-pain-nrs", "Arm pain, NRS 0-10"),
    "own_neck_pain": _own(OBSERVATION_SYSTEM, "neck-pain-nrs", "Neck pain, NRS 0-10"),
    "own_ndi": _own(
        OBSERVATION_SYSTEM,
        "ndi",
        "Neck Disability Index",
        "NDI: {score} is points 0-50, % is percent 0-100 (no LOINC code for the total was found)",
    ),
    "own_mjoa": _own(
        OBSERVATION_SYSTEM, "mjoa", "Modified JOA score", "mJOA 0-18 (no LOINC code was found)"
    ),
    "own_quality_of_life": _own(OBSERVATION_SYSTEM, "quality-of-life", "Impact on quality of life"),
    "own_myelopathy_sign": _own(
        OBSERVATION_SYSTEM, "myelopathy-sign", "Sign of myelopathy (value: which)"
    ),
    "own_outcome": _own(
        OBSERVATION_SYSTEM, "outcome-report", "Outcome of an intervention (partOf it)"
    ),
    "own_finding": _own(OBSERVATION_SYSTEM, "imaging-finding", "Imaging finding (value: which)"),
    "own_procedure": _own(
        PROCEDURE_SYSTEM,
        "(event kind)",
        "Procedure kind",
        "the intervention kind (cesi-interlaminar, cesi-transforaminal, or the event kind)",
    ),
    "own_segment": _own(SEGMENT_SYSTEM, "(C2-3 ... C7-T1)", "Motion segment", "bodySite level"),
    "own_root": _own(ROOT_SYSTEM, "(C1 ... C8)", "Nerve root", "bodySite root"),
    "own_side": _own(SIDE_SYSTEM, "central", "Central (midline)", "side: central"),
    "own_steroid": _own(
        STEROID_SYSTEM, "(steroid)", "Steroid; 'particulate' marks a particulate one", "usedCode"
    ),
    "own_modality": _own(
        MODALITY_SYSTEM, "(mri, ct, ct_myelography, xray)", "Imaging modality", "report code"
    ),
    "own_purpose": _own(PURPOSE_SYSTEM, "(visit purpose)", "Visit purpose", "Encounter.type"),
    "own_value": _own(VALUE_SYSTEM, "(value)", "A value of a spinepath vocabulary", "values"),
    "own_screen": _own(
        OBSERVATION_SYSTEM,
        "serious-pathology-screen",
        "Screen for serious spinal pathology",
        "a SeriousPathologyScreen: one component per item (cancer-history, "
        "unexplained-weight-loss, fever, iv-drug-use, immunosuppression, recent-trauma, "
        "night-pain), valueBoolean, or dataAbsentReason not-asked",
    ),
    "own_psychological_evaluation": _own(
        OBSERVATION_SYSTEM,
        "psychological-evaluation",
        "Psychological evaluation before a stimulator",
        "a PsychologicalEvaluation: valueBoolean true = suitable",
    ),
    "own_shared_decision": _own(
        OBSERVATION_SYSTEM,
        "shared-decision",
        "Shared decision about options",
        "category of a Consent: provision.type permit = consented, deny = declined",
    ),
    "own_option": _own(
        OPTION_SYSTEM,
        "(option kind)",
        "An option kind (acdf, cesi, ...)",
        "provision.code of a shared decision's Consent",
    ),
}

CODES: dict[str, Code] = {**_STANDARD, **_OWN}
"""Every code spinepath writes or reads, by a short name (docs/fhir.md shows this table)."""

_BY_KIND = {
    ActionKind.SELECTIVE_NERVE_ROOT_BLOCK: "snrb",
    ActionKind.MEDIAL_BRANCH_BLOCK: "mbb",
    ActionKind.RADIOFREQUENCY_ABLATION: "rfa",
    ActionKind.GREATER_OCCIPITAL_NERVE_BLOCK: "gon",
    ActionKind.ACDF: "acdf",
    ActionKind.LAMINOFORAMINOTOMY: "laminoforaminotomy",
}


def code_of(action: Action) -> Code | None:
    """The procedure code of ``action``, or None when no code read in a source exists for it."""
    if action.kind is ActionKind.CESI:
        name = "cesi_transforaminal" if action.approach is Approach.TRANSFORAMINAL else None
        return CODES[name or "cesi_interlaminar"]
    found = _BY_KIND.get(action.kind)
    return CODES[found] if found is not None else None


def find_code(coding: object, *names: str) -> str | None:
    """The name (of ``names``) of the code a FHIR Coding is, or None."""
    if not isinstance(coding, dict):
        return None
    for name in names:
        if CODES[name].matches(coding.get("system"), coding.get("code")):
            return name
    return None
