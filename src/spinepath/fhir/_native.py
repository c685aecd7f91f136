"""Reading standard FHIR R4 resources, as an EHR sends them, into spinepath events.

:func:`read_native` reads the resources of a Bundle that carry no spinepath extension: the
Patient, Conditions (health factors; spine diagnoses are recognised, not mapped),
Observations (pain NRS, NDI, mJOA, quality of life, signs of myelopathy grouped into visits;
outcomes of interventions; imaging findings), Procedures (by CPT code, or spinepath's own
procedure code), DiagnosticReports of imaging (with their coded findings) and
MedicationStatements (gabapentin and pregabalin trials; anticoagulants and antiplatelet
drugs by RxNorm ingredient, taken, held or stopped), laboratory results (HbA1c, glucose),
AllergyIntolerances (contrast), serious-pathology screens, psychological evaluations and
shared decisions (Consent). What it cannot read
is a :class:`~spinepath.errors.Problem` naming the entry, the resource and the element; what
it does not read at all (a blood pressure, an appendectomy) is a note, not an error.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from spinepath.anatomy import NerveRoot, Segment, Side
from spinepath.errors import InvalidValue, Path, Problem, quoted
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
    find_code,
)
from spinepath.model import (
    AnteriorCervicalDiscectomyFusion,
    Antithrombotic,
    AntithromboticUse,
    Approach,
    CentralStenosis,
    CervicalEpiduralSteroidInjection,
    ClinicalVisit,
    Complication,
    Decision,
    DiscHerniation,
    DrugStatus,
    Event,
    FacetArthropathy,
    ForaminalStenosis,
    FunctionalChange,
    GreaterOccipitalNerveBlock,
    HealthFactors,
    HerniationZone,
    ImagingFinding,
    ImagingStudy,
    Instability,
    InstabilityKind,
    LabResult,
    LabTest,
    MedialBranchBlock,
    Medication,
    MedicationTrial,
    Modality,
    MyelopathySigns,
    NdiScale,
    NeckDisabilityIndex,
    NeuroExam,
    Outcome,
    OutcomeReport,
    Patient,
    PosteriorLaminoforaminotomy,
    PsychologicalEvaluation,
    QualityOfLifeImpact,
    RadiofrequencyAblation,
    SelectiveNerveRootBlock,
    SeriousPathologyScreen,
    Sex,
    SharedDecision,
    SpinalCordStimulatorImplant,
    SpinalCordStimulatorTrial,
    StenosisGrade,
    Steroid,
    Symptoms,
    VisitPurpose,
)
from spinepath.model.options import ActionKind

__all__ = ["EVENT_ID_SYSTEM", "PATIENT_ID_SYSTEM", "Entry", "NativeReader"]

Resource = dict[str, Any]
T = TypeVar("T")

PATIENT_ID_SYSTEM = "https://spinepath.invalid/patient-id"
EVENT_ID_SYSTEM = "https://spinepath.invalid/event-id"

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_SEX = {"female": Sex.FEMALE, "male": Sex.MALE, "other": Sex.UNKNOWN, "unknown": Sex.UNKNOWN}
_DONE_PROCEDURE = {"completed"}
_SKIPPED_CONDITION = {"refuted", "entered-in-error"}
_INACTIVE_CONDITION = {"inactive", "remission", "resolved"}
_FINAL_REPORT = {"final", "amended", "corrected", "appended"}
_TAKEN = {"active", "completed", "intended"}

_CPT_KINDS = {
    "cesi_interlaminar": "cesi-interlaminar",
    "cesi_interlaminar_no_imaging": "cesi-interlaminar",
    "cesi_transforaminal": "cesi-transforaminal",
    "mbb": "medial-branch-block",
    "rfa": "radiofrequency-ablation",
    "gon": "greater-occipital-nerve-block",
    "acdf": "acdf",
    "laminoforaminotomy": "laminoforaminotomy",
    "scs_trial": "spinal-cord-stimulator-trial",
    "scs_implant": "spinal-cord-stimulator-implant",
}
_HEALTH = {
    "anticoagulant_use": "anticoagulated",
    "bleeding_disorder": "bleeding_disorder",
    "low_platelets": "low_platelets",
    "low_platelets_secondary": "low_platelets",
    "liver_disease": "liver_disease",
    "cirrhosis": "liver_disease",
    "kidney_disease": "kidney_disease",
    "contrast_allergy_status": "contrast_allergy",
    "diabetes_type_1": "diabetes",
    "diabetes_type_2": "diabetes",
    "pregnant": "pregnant",
}
_DIAGNOSES = (
    "radiculopathy",
    "disc_radiculopathy",
    "spondylosis",
    "stenosis",
    "occipital_neuralgia",
    "cervicogenic_headache",
)
_ANTICOAGULANTS = (
    "vitamin_k_antagonists",
    "heparins",
    "thrombin_inhibitors",
    "factor_xa_inhibitors",
)
_ANTITHROMBOTICS = {f"rx_{drug}": drug for drug in Antithrombotic}
_ANTITHROMBOTICS["rx_dabigatran_etexilate"] = Antithrombotic.DABIGATRAN
_DRUG_STATUS = {
    "active": DrugStatus.TAKING,
    "on-hold": DrugStatus.HELD,
    "stopped": DrugStatus.STOPPED,
    "completed": DrugStatus.STOPPED,
}
_LABS = {
    "hba1c": (LabTest.HBA1C, ("%", "mmol/mol")),
    "hba1c_ifcc": (LabTest.HBA1C, ("mmol/mol", "%")),
    "glucose_serum": (LabTest.GLUCOSE, ("mg/dL", "mmol/L")),
    "glucose_blood": (LabTest.GLUCOSE, ("mg/dL", "mmol/L")),
    "glucose_serum_molar": (LabTest.GLUCOSE, ("mmol/L", "mg/dL")),
}
GLUCOSE_MG_DL_PER_MMOL_L = 18.016
"""mg/dL of glucose in 1 mmol/L: its molar mass, 180.16 g/mol, over 10 dL/L (a conversion
of units, not a clinical figure)."""
_SCREEN_ITEMS = {item.replace("_", "-"): item for item in SeriousPathologyScreen.ITEMS}
_DICOM = {"dicom_mr": Modality.MRI, "dicom_ct": Modality.CT, "dicom_cr": Modality.XRAY}
_DICOM["dicom_dx"] = Modality.XRAY
_VISIT_CODES = {
    "arm-pain-nrs",
    "neck-pain-nrs",
    "ndi",
    "mjoa",
    "quality-of-life",
    "myelopathy-sign",
}
_EXTENSION_ONLY = {"posture-review", "health-update"}
_EXTENSION_ONLY_PROCEDURES = {"physical-therapy-course", "regenerative-therapy"}
_FINDINGS: dict[str, type[ImagingFinding]] = {
    cls.kind: cls
    for cls in (DiscHerniation, ForaminalStenosis, CentralStenosis, FacetArthropathy, Instability)
}
_FINDING_VALUES: dict[str, Callable[[str], object]] = {
    "zone": HerniationZone,
    "grade": StenosisGrade,
    "form": InstabilityKind,
}
_PERIOD_DAYS = {"h": 1 / 24, "d": 1.0, "wk": 7.0}


@attrs.define
class Entry:
    """One resource of the Bundle and where it is (its entry index)."""

    index: int
    resource: Resource

    @property
    def kind(self) -> str:
        return str(self.resource.get("resourceType"))

    @property
    def name(self) -> str:
        rid = self.resource.get("id")
        return f"{self.kind}/{rid}" if isinstance(rid, str) else self.kind

    def path(self, *steps: str | int) -> Path:
        return ("entry", self.index, "resource", *steps)


class _Stop(Exception):
    """A resource that cannot be read (its problem is already listed)."""


def _codings(concept: object) -> list[dict[str, Any]]:
    if not isinstance(concept, dict):
        return []
    found = concept.get("coding")
    return [c for c in found if isinstance(c, dict)] if isinstance(found, list) else []


def _own_code(concept: object, system: str) -> str | None:
    for coding in _codings(concept):
        if coding.get("system") == system and isinstance(coding.get("code"), str):
            return str(coding["code"])
    return None


def _first(concept: object, *names: str) -> str | None:
    for coding in _codings(concept):
        found = find_code(coding, *names)
        if found is not None:
            return found
    return None


def _ids(value: object) -> str | None:
    return value if isinstance(value, str) and _ID.fullmatch(value) else None


@attrs.define
class _Visit:
    """The Observations of one visit (an Encounter's, or one day's without an Encounter)."""

    order: int
    date: dt.date | None = None
    encounter: Entry | None = None
    members: list[tuple[str, Entry]] = attrs.field(factory=list)


@attrs.define
class NativeReader:
    """Reads the resources of one Bundle that carry no spinepath extension.

    ``references`` resolves ``Type/id`` and full URLs to entries; ``problems`` collects what
    cannot be read, ``notes`` what is not read (``ignored``) or was assumed (``assumed``).
    """

    references: dict[str, Entry]
    problems: list[Problem] = attrs.field(factory=list)
    notes: list[Problem] = attrs.field(factory=list)
    events: list[tuple[dt.date, float, Event]] = attrs.field(factory=list)
    health: dict[str, bool] = attrs.field(factory=dict)
    interventions: dict[str, str] = attrs.field(factory=dict)
    consumed: set[int] = attrs.field(factory=set)
    _visits: dict[str, _Visit] = attrs.field(factory=dict)
    _outcomes: list[Entry] = attrs.field(factory=list)
    _findings: list[Entry] = attrs.field(factory=list)

    # -- reporting --------------------------------------------------------------------------
    def problem(
        self, entry: Entry, element: tuple[str | int, ...], message: str, code: str
    ) -> None:
        self.problems.append(Problem(f"{entry.name}: {message}", entry.path(*element), code))

    def stop(self, entry: Entry, element: tuple[str | int, ...], message: str, code: str) -> _Stop:
        self.problem(entry, element, message, code)
        return _Stop()

    def note(self, entry: Entry, message: str, code: str = "ignored") -> None:
        self.notes.append(Problem(f"{entry.name}: {message}", entry.path(), code))

    # -- values -------------------------------------------------------------------------------
    def date(self, entry: Entry, element: str, value: object) -> dt.date:
        if value is None:
            raise self.stop(entry, (element,), "the date is missing", "missing_field")
        if not isinstance(value, str):
            raise self.stop(entry, (element,), "expected a date as text", "wrong_type")
        head = value[:10]
        if len(value) >= 10 and (len(value) == 10 or value[10] == "T"):
            try:
                return dt.date.fromisoformat(head)
            except ValueError:
                pass
        raise self.stop(
            entry,
            (element,),
            f"{quoted(value)} is not a calendar date (YYYY-MM-DD)",
            "invalid_date",
        )

    def effective(self, entry: Entry) -> dt.date:
        r = entry.resource
        if "effectiveDateTime" in r:
            return self.date(entry, "effectiveDateTime", r["effectiveDateTime"])
        if isinstance(r.get("effectivePeriod"), dict):
            return self.date(entry, "effectivePeriod", r["effectivePeriod"].get("start"))
        raise self.stop(
            entry, ("effectiveDateTime",), "the effective date is missing", "missing_field"
        )

    def quantity(
        self, entry: Entry, element: tuple[str | int, ...], holder: object, units: tuple[str, ...]
    ) -> tuple[float, str]:
        q = holder.get("valueQuantity") if isinstance(holder, dict) else None
        if not isinstance(q, dict):
            raise self.stop(entry, element, "expected a valueQuantity", "wrong_type")
        value, unit = q.get("value"), q.get("code", q.get("unit"))
        where = (*element, "valueQuantity")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.stop(entry, (*where, "value"), "expected a number", "wrong_type")
        if unit is None:
            raise self.stop(
                entry,
                (*where, "code"),
                f"the value has no unit (expected {', '.join(units)})",
                "missing_field",
            )
        system = q.get("system")
        if unit not in units or (system is not None and system != UCUM):
            raise self.stop(
                entry,
                (*where, "code"),
                f"unit {quoted(str(unit))} is not {' or '.join(units)} (UCUM)",
                "not_allowed",
            )
        return float(value), str(unit)

    def vocabulary(
        self,
        entry: Entry,
        element: tuple[str | int, ...],
        holder: object,
        kind: Callable[[str], Any],
    ) -> Any:
        concept = holder.get("valueCodeableConcept") if isinstance(holder, dict) else None
        code = _own_code(concept, VALUE_SYSTEM)
        text = concept.get("text") if isinstance(concept, dict) else None
        for candidate in (code, text.lower().replace(" ", "_") if isinstance(text, str) else None):
            if candidate is not None:
                try:
                    return kind(candidate)
                except ValueError:
                    pass
        raise self.stop(
            entry,
            (*element, "valueCodeableConcept"),
            f"expected a code of {VALUE_SYSTEM} naming a {getattr(kind, '__name__', 'value')}",
            "not_allowed",
        )

    def build(
        self,
        entry: Entry,
        element: Callable[[str], tuple[str | int, ...]],
        make: Callable[..., T],
        *args: Any,
        **kwargs: Any,
    ) -> T:
        """``make(*args, **kwargs)``; an InvalidValue it raises is a problem at ``element``."""
        try:
            return make(*args, **kwargs)
        except InvalidValue as error:
            raise self.stop(
                entry, element(error.field), f"{error.field}: {error.problem}", "invalid_value"
            ) from None

    def event_id(self, entry: Entry) -> str:
        for identifier in entry.resource.get("identifier") or ():
            if isinstance(identifier, dict) and identifier.get("system") == EVENT_ID_SYSTEM:
                found = _ids(identifier.get("value"))
                if found is not None:
                    return found
        found = _ids(entry.resource.get("id"))
        if found is None:
            raise self.stop(
                entry, ("id",), "expected an id (1-64 letters, digits, . _ : -)", "missing_field"
            )
        return found

    def add(
        self,
        entry: Entry,
        date: dt.date,
        event_factory: Callable[[str], Event],
        order: float | None = None,
    ) -> Event:
        event = event_factory(self.event_id(entry))
        self.events.append((date, entry.index if order is None else order, event))
        return event

    # -- the patient ---------------------------------------------------------------------------
    def patient(self, entry: Entry) -> Patient:
        r = entry.resource
        pid = None
        for identifier in r.get("identifier") or ():
            if isinstance(identifier, dict) and identifier.get("system") == PATIENT_ID_SYSTEM:
                pid = _ids(identifier.get("value"))
        pid = pid or _ids(r.get("id"))
        if pid is None:
            raise self.stop(
                entry, ("id",), "expected an id (1-64 letters, digits, . _ : -)", "missing_field"
            )
        born = self.date(entry, "birthDate", r.get("birthDate"))
        gender = r.get("gender", "unknown")
        if gender not in _SEX:
            raise self.stop(
                entry, ("gender",), "is not one of female, male, other, unknown", "not_allowed"
            )
        return self.build(
            entry,
            lambda field: ("birthDate",) if "birth" in field else (),
            lambda: Patient(
                id=pid,
                birth_date=born,
                sex=_SEX[gender],
                health=HealthFactors(**self.health),  # type: ignore[arg-type]
            ),
        )

    # -- one resource ----------------------------------------------------------------------------
    def read(self, entry: Entry) -> None:
        handler = getattr(self, f"_read_{entry.kind}", None)
        if entry.index in self.consumed:
            return
        if handler is None:
            self.note(entry, f"a {entry.kind} is not read (no spinepath event is made from it)")
            return
        with contextlib.suppress(_Stop):
            handler(entry)

    def _read_Condition(self, entry: Entry) -> None:
        r = entry.resource
        verification = _codings(r.get("verificationStatus"))
        if any(c.get("code") in _SKIPPED_CONDITION for c in verification):
            self.note(entry, "refuted or entered in error: not read")
            return
        name = _first(r.get("code"), *_HEALTH, *_DIAGNOSES)
        if name is None:
            self.note(entry, "no ICD-10-CM code spinepath reads: not read")
            return
        if name in _DIAGNOSES:
            self.note(
                entry,
                f"{CODES[name].display}: recognised, not mapped (spinepath works from the "
                "findings and symptoms a diagnosis rests on)",
                "recognised",
            )
            return
        status = [c.get("code") for c in _codings(r.get("clinicalStatus"))]
        if any(s in _INACTIVE_CONDITION for s in status):
            self.note(entry, f"{CODES[name].display}: not active, not read")
            return
        self.health[_HEALTH[name]] = True

    def _read_AllergyIntolerance(self, entry: Entry) -> None:
        r = entry.resource
        verification = _codings(r.get("verificationStatus"))
        if any(c.get("code") in _SKIPPED_CONDITION for c in verification):
            self.note(entry, "refuted or entered in error: not read")
            return
        if _first(r.get("code"), "contrast_allergy", "contrast_allergy_status") is None:
            self.note(entry, "not an allergy to contrast media (SNOMED CT 293637006): not read")
            return
        status = [c.get("code") for c in _codings(r.get("clinicalStatus"))]
        if any(s in _INACTIVE_CONDITION for s in status):
            self.note(entry, "an allergy to contrast media, not active: not read")
            return
        self.health["contrast_allergy"] = True

    def _read_Consent(self, entry: Entry) -> None:
        """A shared decision: spinepath's category code, ``provision.type`` permit
        (consented) or deny (declined), the options as ``provision.code`` of its option
        system, ``dateTime`` the day. Status ``rejected`` is a decline."""
        r = entry.resource
        if not any(
            _first(c, "own_shared_decision") for c in r.get("category") or () if c is not None
        ):
            self.note(entry, "not a spinepath shared decision (category): not read")
            return
        status = r.get("status")
        if status not in ("active", "rejected"):
            self.note(entry, f"status {quoted(str(status))}: not a decision made, not read")
            return
        provision = r.get("provision")
        kind = provision.get("type") if isinstance(provision, dict) else None
        if status == "rejected":
            decision = Decision.DECLINED
        elif kind in ("permit", "deny"):
            decision = Decision.CONSENTED if kind == "permit" else Decision.DECLINED
        else:
            raise self.stop(
                entry,
                ("provision", "type"),
                "expected permit (consented) or deny (declined)",
                "missing_field" if kind is None else "not_allowed",
            )
        options: list[ActionKind] = []
        codes = provision.get("code") if isinstance(provision, dict) else None
        for k, concept in enumerate(codes if isinstance(codes, list) else []):
            code = _own_code(concept, OPTION_SYSTEM)
            try:
                options.append(ActionKind(str(code)))
            except ValueError:
                raise self.stop(
                    entry,
                    ("provision", "code", k),
                    f"expected an option kind of {OPTION_SYSTEM}",
                    "not_allowed",
                ) from None
        date = self.date(entry, "dateTime", r.get("dateTime"))
        self.add(
            entry,
            date,
            lambda eid: self.build(
                entry,
                lambda field: ("provision",),
                lambda: SharedDecision(
                    id=eid, date=date, options=tuple(options), decision=decision
                ),
            ),
        )

    def _read_MedicationStatement(self, entry: Entry) -> None:
        r = entry.resource
        concept = r.get("medicationCodeableConcept")
        drug = _first(concept, *_ANTITHROMBOTICS)
        if drug is not None:
            self._antithrombotic(entry, _ANTITHROMBOTICS[drug])
            return
        if r.get("status") not in _TAKEN:
            self.note(entry, f"status {quoted(str(r.get('status')))}: not taken, not read")
            return
        if _first(concept, *_ANTICOAGULANTS) is not None:
            if r.get("status") == "active":
                self.health["anticoagulated"] = True
                self.note(
                    entry,
                    "an anticoagulant coded only by its ATC class: the drug is not identified, "
                    "so no antithrombotic use (with its hold interval) is made; read as the "
                    "legacy health factor 'anticoagulated'",
                    "assumed",
                )
            else:
                self.note(entry, "an anticoagulant no longer taken: not read")
            return
        name = _first(concept, "gabapentin", "pregabalin")
        if name is None:
            self.note(entry, "not gabapentin or pregabalin (RxNorm) nor an anticoagulant (ATC)")
            return
        period = r.get("effectivePeriod")
        if isinstance(period, dict):
            start = self.date(entry, "effectivePeriod", period.get("start"))
            stop = self.date(entry, "effectivePeriod", period["end"]) if period.get("end") else None
        else:
            start, stop = self.effective(entry), None
        daily = self._daily_dose(entry)
        self.add(
            entry,
            start,
            lambda eid: self.build(
                entry,
                lambda field: ("dosage", 0) if "dose" in field else ("effectivePeriod",),
                lambda: MedicationTrial(
                    id=eid, date=start, drug=Medication(name), daily_dose_mg=daily, stop_date=stop
                ),
            ),
        )
        self.interventions[f"MedicationStatement/{r.get('id')}"] = self.events[-1][2].id

    def _antithrombotic(self, entry: Entry, drug: Antithrombotic) -> None:
        """An anticoagulant or antiplatelet drug: ``active`` is taking, ``on-hold`` held,
        ``stopped`` or ``completed`` stopped. The status's first day is ``effectiveDateTime``;
        for a hold or a stop, ``effectivePeriod.end`` is the last day a dose was taken (the
        status begins the day after); a hold or stop with only a start date is a problem, as
        the hold's first day is unknown."""
        r = entry.resource
        status = _DRUG_STATUS.get(str(r.get("status")))
        if status is None:
            self.note(
                entry,
                f"{drug.label}, status {quoted(str(r.get('status')))}: neither taken, held nor "
                "stopped, not read",
            )
            return
        period = r.get("effectivePeriod")
        if "effectiveDateTime" in r:
            date = self.date(entry, "effectiveDateTime", r["effectiveDateTime"])
        elif isinstance(period, dict) and status is DrugStatus.TAKING:
            date = self.date(entry, "effectivePeriod", period.get("start"))
        elif isinstance(period, dict) and period.get("end") is not None:
            last = self.date(entry, "effectivePeriod", period.get("end"))
            date = last + dt.timedelta(days=1)
        else:
            raise self.stop(
                entry,
                ("effectiveDateTime",),
                f"{drug.label} {r.get('status')}: the first day without a dose is missing "
                "(expected effectiveDateTime, or effectivePeriod.end as the last dose)",
                "missing_field",
            )
        daily = self._daily_dose(entry) if r.get("dosage") else None
        self.add(
            entry,
            date,
            lambda eid: self.build(
                entry,
                lambda field: ("dosage", 0) if "dose" in field else ("effectiveDateTime",),
                lambda: AntithromboticUse(
                    id=eid, date=date, drug=drug, status=status, daily_dose_mg=daily
                ),
            ),
        )

    def _daily_dose(self, entry: Entry) -> float:
        dosage = entry.resource.get("dosage")
        if not isinstance(dosage, list) or not dosage or not isinstance(dosage[0], dict):
            raise self.stop(
                entry, ("dosage",), "no dosage: the daily dose is unknown", "missing_field"
            )
        rates = dosage[0].get("doseAndRate")
        rate = rates[0] if isinstance(rates, list) and rates and isinstance(rates[0], dict) else {}
        dose = rate.get("doseQuantity")
        value, _ = self.quantity(
            entry, ("dosage", 0, "doseAndRate", 0), {"valueQuantity": dose}, ("mg",)
        )
        repeat = (dosage[0].get("timing") or {}).get("repeat")
        if not isinstance(repeat, dict):
            raise self.stop(
                entry,
                ("dosage", 0, "timing"),
                "no timing.repeat: the daily dose is unknown",
                "missing_field",
            )
        frequency, period, unit = (
            repeat.get("frequency", 1),
            repeat.get("period", 1),
            repeat.get("periodUnit"),
        )
        if unit not in _PERIOD_DAYS:
            raise self.stop(
                entry,
                ("dosage", 0, "timing", "repeat", "periodUnit"),
                "expected a period unit of h, d or wk",
                "missing_field" if unit is None else "not_allowed",
            )
        if not all(
            isinstance(x, int | float) and not isinstance(x, bool) and x > 0
            for x in (frequency, period)
        ):
            raise self.stop(
                entry,
                ("dosage", 0, "timing", "repeat"),
                "frequency and period must be positive numbers",
                "invalid_value",
            )
        return float(value * frequency / (period * _PERIOD_DAYS[unit]))

    # -- procedures -----------------------------------------------------------------------------
    def _read_Procedure(self, entry: Entry) -> None:
        r = entry.resource
        code = r.get("code")
        own = _own_code(code, PROCEDURE_SYSTEM)
        standard = _first(code, *_CPT_KINDS)
        kind = own or (_CPT_KINDS[standard] if standard is not None else None)
        if kind is None:
            self.note(entry, "no procedure code spinepath reads (CPT or spinepath's): not read")
            return
        if kind in _EXTENSION_ONLY_PROCEDURES:
            self.note(entry, f"a spinepath {kind} is read only through spinepath's event extension")
            return
        if kind not in _PROCEDURES:
            raise self.stop(
                entry,
                ("code",),
                f"unknown code {quoted(kind)} of {PROCEDURE_SYSTEM}",
                "not_allowed",
            )
        if r.get("status") not in _DONE_PROCEDURE:
            self.note(entry, f"status {quoted(str(r.get('status')))}: not done, not read")
            return
        if "performedDateTime" in r:
            date = self.date(entry, "performedDateTime", r["performedDateTime"])
        elif isinstance(r.get("performedPeriod"), dict):
            date = self.date(entry, "performedPeriod", r["performedPeriod"].get("start"))
        else:
            raise self.stop(
                entry, ("performedDateTime",), "the date performed is missing", "missing_field"
            )
        sites = self._sites(entry)
        make = _PROCEDURES[kind]
        event = self.add(
            entry,
            date,
            lambda eid: self.build(
                entry,
                lambda field: (
                    ("bodySite",)
                    if field.split(".")[0] in _SITE_FIELDS
                    else (("usedCode",) if "steroid" in field or "particulate" in field else ())
                ),
                lambda: make(self, entry, eid, date, sites),
            ),
        )
        self.interventions[f"Procedure/{r.get('id')}"] = event.id

    def _sites(self, entry: Entry) -> dict[str, Any]:
        segments: list[Segment] = []
        roots: list[NerveRoot] = []
        sides: list[Side] = []
        found = entry.resource.get("bodySite") or []
        for k, site in enumerate(found if isinstance(found, list) else []):
            segment = _own_code(site, SEGMENT_SYSTEM)
            root = _own_code(site, ROOT_SYSTEM)
            side = _first(site, "left", "right", "bilateral") or _own_code(site, SIDE_SYSTEM)
            text = site.get("text") if isinstance(site, dict) else None
            try:
                if segment is not None:
                    segments.append(_segment(segment))
                elif root is not None:
                    roots.append(NerveRoot(root))
                elif side is not None:
                    sides.append(Side(side))
                elif isinstance(text, str) and _SEGMENT_TEXT.fullmatch(text.strip()):
                    segments.append(_segment(text))
                else:
                    raise ValueError
            except (ValueError, InvalidValue):
                raise self.stop(
                    entry,
                    ("bodySite", k),
                    f"not a level ({SEGMENT_SYSTEM}), a root ({ROOT_SYSTEM}) or a side (SNOMED CT "
                    "left, right, bilateral)",
                    "not_allowed",
                ) from None
        if len(sides) > 1:
            raise self.stop(entry, ("bodySite",), "more than one side", "invalid_value")
        return {
            "segments": tuple(sorted(segments, key=list(Segment).index)),
            "roots": roots,
            "side": sides[0] if sides else None,
        }

    def steroid(self, entry: Entry) -> tuple[Steroid | None, bool]:
        steroid: Steroid | None = None
        particulate = False
        for concept in entry.resource.get("usedCode") or ():
            code = _own_code(concept, STEROID_SYSTEM)
            if code == "particulate":
                particulate = True
            elif code is not None:
                try:
                    steroid = Steroid(code)
                except ValueError:
                    raise self.stop(
                        entry,
                        ("usedCode",),
                        f"{quoted(code)} is not a steroid spinepath knows",
                        "not_allowed",
                    ) from None
        return steroid, particulate

    def one(self, entry: Entry, values: tuple[Any, ...] | list[Any], what: str) -> Any:
        if len(values) != 1:
            count = "no" if not values else "more than one"
            raise self.stop(
                entry,
                ("bodySite",),
                f"{count} {what}; expected one",
                "missing_field" if not values else "invalid_value",
            )
        return values[0]

    def side(self, entry: Entry, sites: dict[str, Any]) -> Side:
        if sites["side"] is None:
            raise self.stop(
                entry,
                ("bodySite",),
                "no side (SNOMED CT left, right or bilateral)",
                "missing_field",
            )
        return sites["side"]  # type: ignore[no-any-return]

    # -- observations ---------------------------------------------------------------------------
    def _read_Observation(self, entry: Entry) -> None:
        r = entry.resource
        if r.get("status") in ("cancelled", "entered-in-error", "preliminary", "registered"):
            self.note(entry, f"status {quoted(str(r.get('status')))}: not read")
            return
        code = r.get("code")
        lab = _first(code, *_LABS)
        if lab is not None:
            self._lab(entry, lab)
            return
        own = _own_code(code, OBSERVATION_SYSTEM)
        if own is None and _first(code, "pain_nrs") is not None:
            own = self._pain_site(entry)
        if own is None:
            self.note(entry, "no code spinepath reads (LOINC 72514-3 or spinepath's own): not read")
            return
        if own in _VISIT_CODES:
            encounter = r.get("encounter")
            reference = encounter.get("reference") if isinstance(encounter, dict) else None
            date = self.effective(entry)
            key = str(reference) if reference is not None else f"day {date.isoformat()}"
            visit = self._visits.setdefault(key, _Visit(order=entry.index, date=date))
            if reference is not None and reference in self.references:
                visit.encounter = self.references[reference]
                visit.order = min(visit.order, visit.encounter.index)
            visit.members.append((own, entry))
        elif own == "outcome-report":
            self._outcomes.append(entry)
        elif own == "imaging-finding":
            self._findings.append(entry)
        elif own == "serious-pathology-screen":
            self._screen(entry)
        elif own == "psychological-evaluation":
            suitable = r.get("valueBoolean")
            if not isinstance(suitable, bool):
                raise self.stop(
                    entry,
                    ("valueBoolean",),
                    "expected true (suitable) or false (not suitable)",
                    "missing_field" if suitable is None else "wrong_type",
                )
            date = self.effective(entry)
            self.add(
                entry,
                date,
                lambda eid: PsychologicalEvaluation(id=eid, date=date, suitable=suitable),
            )
        elif own in _EXTENSION_ONLY:
            self.note(entry, f"a spinepath {own} is read only through spinepath's event extension")
        else:
            raise self.stop(
                entry,
                ("code",),
                f"unknown code {quoted(own)} of {OBSERVATION_SYSTEM}",
                "not_allowed",
            )

    def _lab(self, entry: Entry, name: str) -> None:
        """HbA1c in % (or mmol/mol, converted by the IFCC-NGSP master equation) or glucose
        in mg/dL (or mmol/L, converted by glucose's molar mass)."""
        test, units = _LABS[name]
        date = self.effective(entry)
        value, unit = self.quantity(entry, (), entry.resource, units)
        if unit != test.unit:
            converted = (
                round(value * GLUCOSE_MG_DL_PER_MMOL_L, 1)
                if test is LabTest.GLUCOSE
                else round(0.0915 * value + 2.15, 2)
            )
            how = (
                f"x {GLUCOSE_MG_DL_PER_MMOL_L} (180.16 g/mol)"
                if test is LabTest.GLUCOSE
                else "by the IFCC-NGSP master equation, % = 0.0915 x mmol/mol + 2.15"
            )
            self.note(
                entry,
                f"{test}: {value:g} {unit} read as {converted:g} {test.unit} ({how})",
                "converted",
            )
            value = converted
        self.add(
            entry,
            date,
            lambda eid: self.build(
                entry,
                lambda field: ("valueQuantity", "value"),
                lambda: LabResult(id=eid, date=date, test=test, value=value),
            ),
        )

    def _screen(self, entry: Entry) -> None:
        """A serious-pathology screen: a component per item, valueBoolean (present or
        absent) or no value (not asked); an item without a component was not asked."""
        values: dict[str, bool | None] = {}
        for k, component in enumerate(entry.resource.get("component") or []):
            own = _own_code(
                component.get("code") if isinstance(component, dict) else None, OBSERVATION_SYSTEM
            )
            item = _SCREEN_ITEMS.get(str(own))
            if item is None:
                raise self.stop(
                    entry,
                    ("component", k, "code"),
                    f"not an item of the screen ({', '.join(_SCREEN_ITEMS)})",
                    "not_allowed",
                )
            if item in values:
                raise self.stop(entry, ("component", k), f"a second {own} component", "not_allowed")
            found = component.get("valueBoolean")
            other = [key for key in component if key.startswith("value") and key != "valueBoolean"]
            if other:
                raise self.stop(
                    entry,
                    ("component", k, "valueBoolean"),
                    f"expected valueBoolean (true or false), not {other[0]}",
                    "wrong_type",
                )
            if found is None and "valueBoolean" not in component:
                absent = _codings(component.get("dataAbsentReason"))
                if component.get("dataAbsentReason") is not None and not any(
                    c.get("system") == DATA_ABSENT for c in absent
                ):
                    raise self.stop(
                        entry,
                        ("component", k, "dataAbsentReason"),
                        f"expected a reason of {DATA_ABSENT}",
                        "not_allowed",
                    )
                values[item] = None
            elif isinstance(found, bool):
                values[item] = found
            else:
                raise self.stop(
                    entry, ("component", k, "valueBoolean"), "expected true or false", "wrong_type"
                )
        date = self.effective(entry)
        self.add(
            entry,
            date,
            lambda eid: SeriousPathologyScreen(id=eid, date=date, **values),  # type: ignore[arg-type]
        )

    def _pain_site(self, entry: Entry) -> str:
        site = _first(entry.resource.get("bodySite"), "neck", "upper_limb")
        if site is None:
            raise self.stop(
                entry,
                ("bodySite",),
                "a pain NRS (LOINC 72514-3) needs a bodySite of neck (SNOMED CT 45048000) or upper "
                "limb (53120007)",
                "missing_field",
            )
        return "neck-pain-nrs" if site == "neck" else "arm-pain-nrs"

    def _read_Encounter(self, entry: Entry) -> None:
        self.note(entry, "an Encounter without a pain score is not read as a visit")

    def _read_ImagingStudy(self, entry: Entry) -> None:
        self.note(
            entry, "an ImagingStudy without a DiagnosticReport: its findings are unknown, not read"
        )

    def finish_visits(self) -> None:
        for visit in self._visits.values():
            with contextlib.suppress(_Stop):
                self._visit(visit)

    def _visit(self, visit: _Visit) -> None:
        found: dict[str, tuple[Entry, Any]] = {}
        signs: dict[str, bool] = {}
        first = visit.members[0][1]
        for own, entry in visit.members:
            self.consumed.add(entry.index)
            if own == "myelopathy-sign":
                sign = self.vocabulary(entry, (), entry.resource, _sign)
                signs[sign] = True
                continue
            if own in found:
                raise self.stop(
                    entry, ("code",), f"a second {own} for the same visit", "not_allowed"
                )
            if own == "quality-of-life":
                found[own] = (
                    entry,
                    self.vocabulary(entry, (), entry.resource, QualityOfLifeImpact),
                )
            elif own == "ndi":
                value, unit = self.quantity(entry, (), entry.resource, ("{score}", "%"))
                scale = NdiScale.POINTS_50 if unit == "{score}" else NdiScale.PERCENT_100
                ndi = self.build(
                    entry,
                    lambda _: ("valueQuantity",),
                    NeckDisabilityIndex,
                    value,
                    scale,
                )
                found[own] = (entry, ndi)
            else:
                value, _ = self.quantity(entry, (), entry.resource, ("{score}", "1"))
                if value != int(value):
                    raise self.stop(
                        entry,
                        ("valueQuantity", "value"),
                        "expected a whole number",
                        "invalid_value",
                    )
                found[own] = (entry, int(value))
        where = visit.encounter or first
        for needed in ("arm-pain-nrs", "neck-pain-nrs"):
            if needed not in found:
                site = "upper limb" if needed == "arm-pain-nrs" else "neck"
                raise self.stop(
                    where,
                    (),
                    f"a visit needs both pain scores; no {site} pain NRS (LOINC 72514-3 with "
                    f"bodySite {site}) on {visit.date}",
                    "missing_field",
                )
        date = visit.date
        purpose = VisitPurpose.FOLLOW_UP
        if visit.encounter is not None:
            self.consumed.add(visit.encounter.index)
            e = visit.encounter
            period = e.resource.get("period")
            date = self.date(e, "period", period.get("start") if isinstance(period, dict) else None)
            types = e.resource.get("type") or []
            code = next((c for t in types if (c := _own_code(t, PURPOSE_SYSTEM))), None)
            if code is not None:
                try:
                    purpose = VisitPurpose(code)
                except ValueError:
                    raise self.stop(
                        e, ("type",), f"{quoted(code)} is not a visit purpose", "not_allowed"
                    ) from None
            else:
                self.note(e, "no visit purpose: read as a follow-up visit", "assumed")
        else:
            self.note(
                first,
                "pain scores without an Encounter: read as a follow-up visit that day",
                "assumed",
            )
        assert date is not None

        def values(name: str) -> Any:
            return found[name][1] if name in found else None

        def make(eid: str) -> Event:
            def place(field: str) -> tuple[str | int, ...]:
                return ()

            symptoms = self.build(
                found["arm-pain-nrs"][0],
                lambda _: ("valueQuantity",),
                lambda: Symptoms(
                    arm_pain=values("arm-pain-nrs"),
                    neck_pain=values("neck-pain-nrs"),
                    ndi=values("ndi"),
                    quality_of_life=values("quality-of-life"),
                ),
            )
            exam = None
            if signs or "mjoa" in found:
                exam = self.build(
                    found["mjoa"][0] if "mjoa" in found else first,
                    lambda _: ("valueQuantity",),
                    lambda: NeuroExam(myelopathy=MyelopathySigns(**signs), mjoa=values("mjoa")),
                )
            return ClinicalVisit(id=eid, date=date, purpose=purpose, symptoms=symptoms, exam=exam)

        self.add(where, date, make, order=visit.order)

    def finish_series(self) -> None:
        """An MBB is the confirmatory block (series position 2) when an earlier MBB had the
        same levels and side: FHIR has no element for the series."""
        seen: set[tuple[object, object]] = set()
        for k, (date, order, event) in sorted(
            enumerate(self.events), key=lambda x: (x[1][0], x[1][1])
        ):
            if isinstance(event, MedialBranchBlock):
                place = (event.segments, event.side)
                if place in seen:
                    self.events[k] = (date, order, attrs.evolve(event, series_position=2))
                seen.add(place)

    def finish_outcomes(self) -> None:
        for entry in self._findings:
            if entry.index not in self.consumed:
                self.note(entry, "an imaging finding no imaging report lists: not read")
        for entry in self._outcomes:
            with contextlib.suppress(_Stop):
                self._outcome(entry)

    def _outcome(self, entry: Entry) -> None:
        r = entry.resource
        part_of = r.get("partOf")
        reference = (
            part_of[0].get("reference")
            if isinstance(part_of, list) and part_of and isinstance(part_of[0], dict)
            else None
        )
        target = self.references.get(reference) if isinstance(reference, str) else None
        intervention = (
            self.interventions.get(f"{target.kind}/{target.resource.get('id')}")
            if target is not None
            else None
        )
        if intervention is None and target is not None:
            self.note(entry, f"the outcome of {target.name}, which was not read: not read")
            return
        if intervention is None:
            raise self.stop(
                entry, ("partOf",), "names no intervention read from this Bundle", "missing_field"
            )
        date = self.effective(entry)
        values: dict[str, Any] = {"complications": []}
        for k, component in enumerate(r.get("component") or []):
            own = _own_code(
                component.get("code") if isinstance(component, dict) else None, OBSERVATION_SYSTEM
            )
            where = ("component", k)
            if own in ("pain-before", "pain-after", "mjoa-after"):
                value, _ = self.quantity(entry, where, component, ("{score}", "1"))
                values[own.replace("-", "_")] = int(value) if value == int(value) else value
            elif own == "relief-percent":
                values["relief_percent"] = self.quantity(entry, where, component, ("%",))[0]
            elif own == "relief-duration":
                days, _ = self.quantity(entry, where, component, ("d",))
                values["relief_duration_days"] = int(days) if days == int(days) else days
            elif own in ("relief-ongoing", "concordant"):
                flag = component.get("valueBoolean")
                if not isinstance(flag, bool):
                    raise self.stop(
                        entry, (*where, "valueBoolean"), "expected true or false", "wrong_type"
                    )
                values[own.replace("-", "_")] = flag
            elif own == "function":
                values["function"] = self.vocabulary(entry, where, component, FunctionalChange)
            elif own == "complication":
                values["complications"].append(
                    self.vocabulary(entry, where, component, Complication)
                )
            elif own == "ndi-after":
                value, unit = self.quantity(entry, where, component, ("{score}", "%"))
                scale = NdiScale.POINTS_50 if unit == "{score}" else NdiScale.PERCENT_100
                values["ndi_after"] = self.build(
                    entry,
                    lambda _: ("component",),
                    NeckDisabilityIndex,
                    value,
                    scale,
                )
            else:
                raise self.stop(
                    entry,
                    (*where, "code"),
                    "not a component of an outcome spinepath reads",
                    "not_allowed",
                )
        for needed in ("pain_before", "pain_after"):
            if needed not in values:
                raise self.stop(
                    entry,
                    ("component",),
                    f"no {needed.replace('_', '-')} component (NRS 0-10)",
                    "missing_field",
                )
        values["complications"] = tuple(values["complications"])
        order: float = entry.index
        position = next((o for _, o, e in self.events if e.id == intervention), None)
        if position is not None and position > order:
            order = position + 0.5
        self.add(
            entry,
            date,
            lambda eid: self.build(
                entry,
                lambda field: ("component",),
                lambda: OutcomeReport(
                    id=eid, date=date, intervention_id=intervention, outcome=Outcome(**values)
                ),
            ),
            order=order,
        )

    # -- imaging -------------------------------------------------------------------------------
    def _read_DiagnosticReport(self, entry: Entry) -> None:
        r = entry.resource
        modality = self._modality(entry)
        if modality is None:
            self.note(entry, "not an imaging report spinepath reads (no modality): not read")
            return
        if r.get("status") not in _FINAL_REPORT:
            self.note(entry, f"status {quoted(str(r.get('status')))}: not final, not read")
            return
        date = self.effective(entry)
        findings: list[ImagingFinding] = []
        coded = False
        for k, result in enumerate(r.get("result") or []):
            reference = result.get("reference") if isinstance(result, dict) else None
            target = self.references.get(reference) if isinstance(reference, str) else None
            if target is None:
                raise self.stop(
                    entry, ("result", k), "names no Observation of this Bundle", "missing_field"
                )
            if _own_code(target.resource.get("code"), OBSERVATION_SYSTEM) != "imaging-finding":
                continue
            self.consumed.add(target.index)
            coded = True
            findings.append(self._finding(target))
        if (
            not coded
            and _own_code((r.get("conclusionCode") or [None])[0], VALUE_SYSTEM)
            != "no-relevant-findings"
        ):
            self.note(
                entry,
                "no coded finding and not coded 'no relevant findings': its findings are unknown, "
                "not read",
            )
            return
        for reference in r.get("imagingStudy") or ():
            target = (
                self.references.get(str(reference.get("reference")))
                if isinstance(reference, dict)
                else None
            )
            if target is not None:
                self.consumed.add(target.index)
        self.add(
            entry,
            date,
            lambda eid: self.build(
                entry,
                lambda field: ("result",),
                lambda: ImagingStudy(
                    id=eid, date=date, modality=modality, findings=tuple(findings)
                ),
            ),
        )

    def _modality(self, entry: Entry) -> Modality | None:
        r = entry.resource
        own = _own_code(r.get("code"), MODALITY_SYSTEM)
        if own is not None:
            try:
                return Modality(own)
            except ValueError:
                raise self.stop(
                    entry,
                    ("code",),
                    f"{quoted(own)} is not a modality spinepath knows",
                    "not_allowed",
                ) from None
        for reference in r.get("imagingStudy") or ():
            target = (
                self.references.get(str(reference.get("reference")))
                if isinstance(reference, dict)
                else None
            )
            if target is None or target.kind != "ImagingStudy":
                continue
            codings = list(target.resource.get("modality") or [])
            codings += [
                s.get("modality")
                for s in target.resource.get("series") or []
                if isinstance(s, dict)
            ]
            for coding in codings:
                name = find_code(coding, *_DICOM)
                if name is not None:
                    return _DICOM[name]
        return None

    def _finding(self, entry: Entry) -> ImagingFinding:
        r = entry.resource
        kind = self.vocabulary(entry, (), r, lambda code: code if code in _FINDINGS else _fail())
        cls = _FINDINGS[kind]
        segment = _own_code(r.get("bodySite"), SEGMENT_SYSTEM)
        if segment is None:
            raise self.stop(entry, ("bodySite",), f"no level ({SEGMENT_SYSTEM})", "missing_field")
        values: dict[str, Any] = {"segment": segment}
        for k, component in enumerate(r.get("component") or []):
            own = _own_code(
                component.get("code") if isinstance(component, dict) else None, OBSERVATION_SYSTEM
            )
            where = ("component", k)
            if own == "side":
                concept = component.get("valueCodeableConcept")
                values["side"] = _first(concept, "left", "right", "bilateral") or _own_code(
                    concept, SIDE_SYSTEM
                )
            elif own in ("cord-compression", "cord-signal-change"):
                values[own.replace("-", "_")] = component.get("valueBoolean")
            elif own == "translation-mm":
                values["translation_mm"] = self.quantity(entry, where, component, ("mm",))[0]
            elif own in ("zone", "grade", "form"):
                values[own] = self.vocabulary(entry, where, component, _FINDING_VALUES[own])
            else:
                raise self.stop(
                    entry,
                    (*where, "code"),
                    f"not a component of a {kind} spinepath reads",
                    "not_allowed",
                )
        try:
            values["segment"] = Segment(values["segment"])
            if values.get("side") is not None:
                values["side"] = Side(values["side"])
        except ValueError:
            raise self.stop(
                entry, ("bodySite",), "not a level or side spinepath knows", "not_allowed"
            ) from None
        finding: ImagingFinding = self.build(entry, lambda field: ("component",), cls, **values)  # type: ignore[assignment]
        return finding


def _fail() -> str:
    raise ValueError


def _sign(code: str) -> str:
    if code not in {a.name for a in attrs.fields(MyelopathySigns)}:
        raise ValueError(code)
    return code


_SEGMENT_TEXT = re.compile(r"[Cc][2-7]\s*[-/]\s*(?:[Cc]?[3-7]|[Tt]1)")


def _segment(text: str) -> Segment:
    from spinepath.anatomy import parse_segment

    return parse_segment(text)


_SITE_FIELDS = {"segment", "segments", "side", "root"}


def _cesi(approach: Approach) -> Callable[..., Event]:
    def make(
        reader: NativeReader, entry: Entry, eid: str, date: dt.date, sites: dict[str, Any]
    ) -> Event:
        segment = reader.one(entry, sites["segments"], "level")
        side = sites["side"]
        if side is None and approach is Approach.TRANSFORAMINAL:
            side = reader.side(entry, sites)
        elif side is None:
            side = Side.CENTRAL
            reader.note(entry, "an interlaminar CESI without a side: read as central", "assumed")
        steroid, particulate = reader.steroid(entry)
        if steroid is None:
            reader.note(
                entry, "no steroid (usedCode): read as dexamethasone, non-particulate", "assumed"
            )
            steroid = Steroid.DEXAMETHASONE
        return CervicalEpiduralSteroidInjection(
            id=eid,
            date=date,
            approach=approach,
            segment=segment,
            side=side,
            steroid=steroid,
            particulate=particulate,
        )

    return make


def _snrb(
    reader: NativeReader, entry: Entry, eid: str, date: dt.date, sites: dict[str, Any]
) -> Event:
    roots = sites["roots"]
    if not roots and len(sites["segments"]) == 1:
        roots = [sites["segments"][0].exiting_root]
    steroid, _ = reader.steroid(entry)
    return SelectiveNerveRootBlock(
        id=eid,
        date=date,
        root=reader.one(entry, roots, "nerve root"),
        side=reader.side(entry, sites),
        steroid=steroid,
    )


def _mbb(
    reader: NativeReader, entry: Entry, eid: str, date: dt.date, sites: dict[str, Any]
) -> Event:
    side = reader.side(entry, sites)
    segments = sites["segments"]
    return MedialBranchBlock(id=eid, date=date, segments=segments, side=side)


def _rfa(
    reader: NativeReader, entry: Entry, eid: str, date: dt.date, sites: dict[str, Any]
) -> Event:
    return RadiofrequencyAblation(
        id=eid, date=date, segments=sites["segments"], side=reader.side(entry, sites)
    )


def _gon(
    reader: NativeReader, entry: Entry, eid: str, date: dt.date, sites: dict[str, Any]
) -> Event:
    return GreaterOccipitalNerveBlock(id=eid, date=date, side=reader.side(entry, sites))


def _acdf(
    reader: NativeReader, entry: Entry, eid: str, date: dt.date, sites: dict[str, Any]
) -> Event:
    if not sites["segments"]:
        raise reader.stop(entry, ("bodySite",), "no level; expected at least one", "missing_field")
    return AnteriorCervicalDiscectomyFusion(id=eid, date=date, segments=sites["segments"])


def _foraminotomy(
    reader: NativeReader, entry: Entry, eid: str, date: dt.date, sites: dict[str, Any]
) -> Event:
    return PosteriorLaminoforaminotomy(
        id=eid,
        date=date,
        segment=reader.one(entry, sites["segments"], "level"),
        side=reader.side(entry, sites),
    )


_PROCEDURES: dict[str, Callable[..., Event]] = {
    "cesi-interlaminar": _cesi(Approach.INTERLAMINAR),
    "cesi-transforaminal": _cesi(Approach.TRANSFORAMINAL),
    "selective-nerve-root-block": _snrb,
    "medial-branch-block": _mbb,
    "radiofrequency-ablation": _rfa,
    "greater-occipital-nerve-block": _gon,
    "acdf": _acdf,
    "laminoforaminotomy": _foraminotomy,
    "spinal-cord-stimulator-trial": lambda r, e, eid, date, s: SpinalCordStimulatorTrial(
        id=eid, date=date
    ),
    "spinal-cord-stimulator-implant": lambda r, e, eid, date, s: SpinalCordStimulatorImplant(
        id=eid, date=date
    ),
}
