"""Bundles as an EHR sends them: standard R4 resources, no spinepath extension, read into a
record; what cannot be mapped is named by entry, resource and element; what is not read is a
note; and a spinepath Bundle without its extensions keeps exactly the documented content."""

from __future__ import annotations

import copy
import datetime as dt
import pathlib
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

import spinepath as sp
import spinepath.testing.strategies as sps
from clinic import Do, blocked, failed_cesi, option

pytest.importorskip("fhir.resources", reason="the 'fhir' extra")

from fhir.resources.R4B.bundle import Bundle

from spinepath import fhir
from spinepath.errors import InvalidDocument
from spinepath.fhir.reference import render_markdown
from spinepath.model import (
    AnteriorCervicalDiscectomyFusion,
    AntithromboticUse,
    CervicalEpiduralSteroidInjection,
    ClinicalVisit,
    GreaterOccipitalNerveBlock,
    ImagingStudy,
    LabResult,
    MedialBranchBlock,
    MedicationTrial,
    NeuroExam,
    OutcomeReport,
    PosteriorLaminoforaminotomy,
    PsychologicalEvaluation,
    RadiofrequencyAblation,
    SelectiveNerveRootBlock,
    SeriousPathologyScreen,
    SharedDecision,
    SpinalCordStimulatorImplant,
    SpinalCordStimulatorTrial,
    Symptoms,
)

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAIN = fhir.CODES["pain_nrs"].coding()
CESI = Do.cesi("transforaminal", "C5-6", "left")
Resource = dict[str, Any]


# -- EHR resources, as a hospital system writes them ---


def patient(**extra: Any) -> Resource:
    return {
        "resourceType": "Patient",
        "id": "pat-1",
        "birthDate": "1968-04-02",
        "gender": "female",
        **extra,
    }


def coded(system: str, code: str, display: str = "") -> Resource:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def snomed(name: str) -> Resource:
    return {"coding": [fhir.CODES[name].coding()]}


def level(text: str) -> Resource:
    return {**coded("https://spinepath.invalid/segment", text), "text": text}


def pain(rid: str, site: str, value: float, date: str = "2024-03-01", **extra: Any) -> Resource:
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "code": {"coding": [PAIN]},
        "subject": {"reference": "Patient/pat-1"},
        "effectiveDateTime": date,
        "bodySite": snomed(site),
        "valueQuantity": {
            "value": value,
            "unit": "{score}",
            "system": fhir.UCUM,
            "code": "{score}",
        },
        **extra,
    }


def encounter(rid: str = "enc-1", date: str = "2024-03-01") -> Resource:
    return {
        "resourceType": "Encounter",
        "id": rid,
        "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
        "subject": {"reference": "Patient/pat-1"},
        "period": {"start": f"{date}T09:30:00+01:00"},
    }


def visit(
    date: str = "2024-03-01", arm: int = 7, neck: int = 4, rid: str = "enc-1"
) -> list[Resource]:
    link = {"encounter": {"reference": f"Encounter/{rid}"}}
    return [
        encounter(rid, date),
        pain(f"{rid}-arm", "upper_limb", arm, date, **link),
        pain(f"{rid}-neck", "neck", neck, date, **link),
    ]


def procedure(rid: str, cpt: str, date: str | None = "2024-03-10", *sites: Resource) -> Resource:
    resource: Resource = {
        "resourceType": "Procedure",
        "id": rid,
        "status": "completed",
        "code": coded(fhir.CPT, cpt),
        "subject": {"reference": "Patient/pat-1"},
    }
    if date is not None:
        resource["performedDateTime"] = date
    if sites:
        resource["bodySite"] = list(sites)
    return resource


def outcome(rid: str, part_of: str, date: str, before: int, after: int, relief: float) -> Resource:
    own = "https://spinepath.invalid/observation"

    def part(code: str, value: float, unit: str = "{score}") -> Resource:
        return {
            "code": coded(own, code),
            "valueQuantity": {"value": value, "unit": unit, "system": fhir.UCUM, "code": unit},
        }

    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "code": coded(own, "outcome-report"),
        "subject": {"reference": "Patient/pat-1"},
        "effectiveDateTime": date,
        "partOf": [{"reference": part_of}],
        "component": [
            part("pain-before", before),
            part("pain-after", after),
            part("relief-percent", relief, "%"),
        ],
    }


def condition(rid: str, system: str, code: str, status: str = "active") -> Resource:
    return {
        "resourceType": "Condition",
        "id": rid,
        "clinicalStatus": coded("http://terminology.hl7.org/CodeSystem/condition-clinical", status),
        "code": coded(system, code),
        "subject": {"reference": "Patient/pat-1"},
    }


def medication(
    rid: str, system: str, code: str, dose_mg: float = 300, per_day: int = 3, status: str = "active"
) -> Resource:
    return {
        "resourceType": "MedicationStatement",
        "id": rid,
        "status": status,
        "medicationCodeableConcept": coded(system, code),
        "subject": {"reference": "Patient/pat-1"},
        "effectivePeriod": {"start": "2024-03-01"},
        "dosage": [
            {
                "timing": {"repeat": {"frequency": per_day, "period": 1, "periodUnit": "d"}},
                "doseAndRate": [
                    {
                        "doseQuantity": {
                            "value": dose_mg,
                            "unit": "mg",
                            "system": fhir.UCUM,
                            "code": "mg",
                        }
                    }
                ],
            }
        ],
    }


def bundle(*resources: Resource, kind: str = "searchset") -> Resource:
    return {
        "resourceType": "Bundle",
        "type": kind,
        "entry": [
            {"fullUrl": f"urn:test:{r['resourceType']}/{r['id']}", "resource": r} for r in resources
        ],
    }


def read(*resources: Resource) -> fhir.BundleReading:
    data = bundle(patient(), *resources)
    Bundle.model_validate(data)  # what an EHR sends is valid R4
    return fhir.read_bundle(data)


def problems(*resources: Resource, with_patient: bool = True) -> list[sp.errors.Problem]:
    data = bundle(*((patient(),) if with_patient else ()), *resources)
    with pytest.raises(InvalidDocument) as caught:
        fhir.read_bundle(data)
    return list(caught.value.problems)


LEFT, RIGHT, BILATERAL = snomed("left"), snomed("right"), snomed("bilateral")


# -- one resource kind at a time ---


def test_patient_without_extension() -> None:
    record = read(visit()[0]).record  # an Encounter alone makes no event
    assert record.patient.id == "pat-1"
    assert record.patient.birth_date == dt.date(1968, 4, 2)
    assert record.patient.sex is sp.Sex.FEMALE
    assert record.patient.health == sp.HealthFactors()
    assert read().record.events == ()
    other = fhir.read_bundle(bundle(patient(gender="other")))
    assert other.record.patient.sex is sp.Sex.UNKNOWN


def test_conditions_set_health_factors_and_diagnoses_are_recognised() -> None:
    found = read(
        condition("c1", fhir.ICD_10_CM, "Z79.01"),
        condition("c2", fhir.ICD_10_CM, "E11.9"),
        condition("c3", fhir.ICD_10_CM, "D68.51", status="resolved"),
        condition("c4", fhir.ICD_10_CM, "M54.12"),
        condition("c5", fhir.ICD_10_CM, "I10"),
    )
    health = found.record.patient.health
    assert health.anticoagulated
    assert health.diabetes
    assert not health.bleeding_disorder
    notes = {n.path[1]: n for n in found.notes}
    assert notes[3].code == "ignored"
    assert "not active" in notes[3].message
    assert notes[4].code == "recognised"
    assert "Radiculopathy, cervical region" in notes[4].message
    assert notes[5].code == "ignored"
    assert "Condition/c5" in notes[5].message


def test_pain_scores_of_an_encounter_are_a_visit() -> None:
    own = "https://spinepath.invalid/observation"
    ndi = {
        "resourceType": "Observation",
        "id": "ndi-1",
        "status": "final",
        "code": coded(own, "ndi"),
        "effectiveDateTime": "2024-03-01",
        "encounter": {"reference": "Encounter/enc-1"},
        "valueQuantity": {"value": 44, "unit": "%", "system": fhir.UCUM, "code": "%"},
    }
    mjoa = {**ndi, "id": "mjoa-1", "code": coded(own, "mjoa")}
    mjoa["valueQuantity"] = {"value": 16, "unit": "{score}", "system": fhir.UCUM, "code": "{score}"}
    found = read(*visit(), ndi, mjoa)
    (event,) = found.record.events
    assert isinstance(event, ClinicalVisit)
    assert event.id == "enc-1"
    assert event.date == dt.date(2024, 3, 1)  # the period's start, time of day dropped
    assert (event.symptoms.arm_pain, event.symptoms.neck_pain) == (7, 4)
    assert event.symptoms.ndi == sp.NeckDisabilityIndex(44, sp.NdiScale.PERCENT_100)
    assert event.exam is not None
    assert event.exam.mjoa == 16
    assert event.purpose is sp.VisitPurpose.FOLLOW_UP
    (note,) = found.notes
    assert note.code == "assumed"
    assert "follow-up" in note.message


def test_pain_scores_without_an_encounter_are_that_days_visit() -> None:
    found = read(pain("a", "upper_limb", 5), pain("n", "neck", 2))
    (event,) = found.record.events
    assert isinstance(event, ClinicalVisit)
    assert (event.symptoms.arm_pain, event.symptoms.neck_pain) == (5, 2)


def test_an_unrelated_observation_is_ignored_not_an_error() -> None:
    pressure = {
        "resourceType": "Observation",
        "id": "bp-1",
        "status": "final",
        "code": coded("http://loinc.org", "85354-9", "Blood pressure panel"),
        "effectiveDateTime": "2024-03-01",
        "component": [
            {
                "code": coded("http://loinc.org", "8480-6"),
                "valueQuantity": {"value": 128, "unit": "mm[Hg]"},
            }
        ],
    }
    found = read(*visit(), pressure)
    assert len(found.record.events) == 1
    (note,) = (n for n in found.notes if n.code == "ignored")
    assert note.path == ("entry", 4, "resource")
    assert "Observation/bp-1" in note.message


@pytest.mark.parametrize(
    ("cpt", "sites", "kind", "check"),
    [
        (
            "64479",
            (level("C5-6"), LEFT),
            CervicalEpiduralSteroidInjection,
            lambda e: e.approach is sp.Approach.TRANSFORAMINAL and e.side is sp.Side.LEFT,
        ),
        (
            "62321",
            (level("C6-C7"),),
            CervicalEpiduralSteroidInjection,
            lambda e: e.approach is sp.Approach.INTERLAMINAR and e.segment is sp.Segment.C6_7,
        ),
        (
            "64490",
            (level("C4-5"), level("C3-4"), BILATERAL),
            MedialBranchBlock,
            lambda e: e.segments == (sp.Segment.C3_4, sp.Segment.C4_5) and e.series_position == 1,
        ),
        (
            "64633",
            (level("C4-5"), RIGHT),
            RadiofrequencyAblation,
            lambda e: e.side is sp.Side.RIGHT,
        ),
        ("64405", (BILATERAL,), GreaterOccipitalNerveBlock, lambda e: e.side is sp.Side.BILATERAL),
        (
            "22551",
            (level("C5-6"), level("C6-7")),
            AnteriorCervicalDiscectomyFusion,
            lambda e: len(e.segments) == 2,
        ),
        (
            "63020",
            (level("C5-6"), RIGHT),
            PosteriorLaminoforaminotomy,
            lambda e: e.foramen == sp.anatomy.Foramen(sp.Segment.C5_6, sp.Side.RIGHT),
        ),
        ("63650", (), SpinalCordStimulatorTrial, lambda e: True),
        ("63685", (), SpinalCordStimulatorImplant, lambda e: True),
    ],
)
def test_procedures_by_cpt_code(
    cpt: str, sites: tuple[Resource, ...], kind: type, check: Any
) -> None:
    (event,) = read(procedure("p1", cpt, "2024-03-10", *sites)).record.events
    assert isinstance(event, kind)
    assert event.id == "p1"
    assert event.date == dt.date(2024, 3, 10)
    assert check(event)


def test_an_snrb_needs_spinepaths_procedure_code_since_cpt_64479_is_shared() -> None:
    resource = procedure("p1", "64479", "2024-03-10", level("C5-6"), LEFT)
    resource["code"]["coding"].append(
        {"system": "https://spinepath.invalid/procedure", "code": "selective-nerve-root-block"}
    )
    (event,) = read(resource).record.events
    assert isinstance(event, SelectiveNerveRootBlock)
    assert event.root is sp.NerveRoot.C6  # the root exiting at C5-6


def test_a_cesi_without_a_steroid_is_read_as_dexamethasone_and_says_so() -> None:
    found = read(procedure("p1", "64479", "2024-03-10", level("C5-6"), LEFT))
    (event,) = found.record.events
    assert isinstance(event, CervicalEpiduralSteroidInjection)
    assert event.steroid is sp.Steroid.DEXAMETHASONE
    assert not event.particulate
    assert any(n.code == "assumed" and "dexamethasone" in n.message for n in found.notes)


def test_a_second_mbb_of_the_same_joints_is_the_confirmatory_block() -> None:
    first = procedure("m1", "64490", "2024-03-10", level("C4-5"), RIGHT)
    second = procedure("m2", "64490", "2024-03-24", level("C4-5"), RIGHT)
    events = read(second, first).record.events  # entry order does not matter
    assert [e.series_position for e in events] == [1, 2]  # type: ignore[attr-defined]


def test_an_outcome_is_part_of_its_procedure() -> None:
    cesi = procedure("p1", "64479", "2024-03-10", level("C5-6"), LEFT)
    report = outcome("o1", "Procedure/p1", "2024-04-10", 7, 6, 15)
    events = read(report, cesi).record.events  # listed before its procedure, same record
    assert isinstance(events[1], OutcomeReport)
    assert events[1].intervention_id == "p1"
    assert events[1].outcome.relief == 15
    assert events[1].outcome.pain_change == 1


def test_unknown_procedures_and_undone_ones_are_not_read() -> None:
    cancelled = procedure("p2", "64479", "2024-03-10", level("C5-6"), LEFT) | {"status": "not-done"}
    found = read(procedure("p1", "44970", "2024-03-10"), cancelled)  # an appendectomy
    assert found.record.events == ()
    assert [n.code for n in found.notes] == ["ignored", "ignored"]
    assert "not done" in found.notes[1].message


def test_gabapentin_three_times_a_day_is_a_trial_of_its_daily_dose() -> None:
    (event,) = read(medication("m1", fhir.CODES["gabapentin"].system, "25480")).record.events
    assert isinstance(event, MedicationTrial)
    assert event.drug is sp.Medication.GABAPENTIN
    assert event.daily_dose_mg == 900
    assert event.stop_date is None


def test_an_anticoagulant_known_only_by_its_atc_class_is_the_legacy_flag_and_says_so() -> None:
    apixaban = medication("m1", "http://www.whocc.no/atc", "B01AF02", 5, 2)
    found = read(apixaban)
    assert found.record.events == ()
    assert found.record.patient.health.anticoagulated
    (note,) = found.notes
    assert note.code == "assumed"
    assert "drug is not identified" in note.message
    stopped = read(medication("m1", "http://www.whocc.no/atc", "B01AF02", status="completed"))
    assert not stopped.record.patient.health.anticoagulated


# -- procedure safety ---


def antithrombotic(
    rid: str, drug: str, status: str, date: str = "2024-03-08", **extra: Any
) -> Resource:
    code = fhir.CODES[f"rx_{drug}"]
    return {
        "resourceType": "MedicationStatement",
        "id": rid,
        "status": status,
        "medicationCodeableConcept": {"coding": [code.coding()]},
        "subject": {"reference": "Patient/pat-1"},
        "effectiveDateTime": date,
        **extra,
    }


def test_a_warfarin_statement_on_hold_is_a_held_use_and_sf1_allows_a_cesi_after_5_days() -> None:
    clinic = failed_cesi()
    data = fhir.record_to_bundle(clinic.record)
    data["entry"].append(
        {"resource": antithrombotic("w1", "warfarin", "active", clinic.day(50).isoformat())}
    )
    data["entry"].append(
        {"resource": antithrombotic("w2", "warfarin", "on-hold", clinic.day(60).isoformat())}
    )
    Bundle.model_validate(data)
    record = fhir.read_bundle(data).record
    held = [e for e in record.events if isinstance(e, AntithromboticUse)]
    assert [(e.drug, e.status, e.date) for e in held] == [
        (sp.Antithrombotic.WARFARIN, sp.DrugStatus.TAKING, dt.date(2024, 2, 27)),
        (sp.Antithrombotic.WARFARIN, sp.DrugStatus.HELD, dt.date(2024, 3, 8)),
    ]
    assert not record.patient.health.anticoagulated
    blocked(
        sp.assess(record, as_of=clinic.day(64)),
        CESI,
        "SF1",
        "warfarin held since 2024-03-08, 4 days by 2024-03-12; hold 5 days before an "
        "intermediate-risk procedure",
    )
    on_time = option(sp.assess(record, as_of=clinic.day(65)), CESI)
    assert on_time.status is not sp.pathway.Status.BLOCKED
    assert any(
        r.rule == "SF1" and "warfarin held since 2024-03-08 (5 days" in r.text
        for r in on_time.reasons
    )


@pytest.mark.parametrize(
    ("name", "drug", "rxcui"),
    [
        ("rx_apixaban", sp.Antithrombotic.APIXABAN, "1364430"),
        (
            "rx_low_molecular_weight_heparin",
            sp.Antithrombotic.LOW_MOLECULAR_WEIGHT_HEPARIN,
            "67108",
        ),
        ("rx_clopidogrel", sp.Antithrombotic.CLOPIDOGREL, "32968"),
        ("rx_dabigatran_etexilate", sp.Antithrombotic.DABIGATRAN, "1037042"),
        ("rx_aspirin", sp.Antithrombotic.ASPIRIN, "1191"),
    ],
)
def test_antithrombotics_by_rxnorm_ingredient(
    name: str, drug: sp.Antithrombotic, rxcui: str
) -> None:
    statement = medication("m1", fhir.CODES[name].system, rxcui, 5, 2)
    (event,) = read(statement).record.events
    assert isinstance(event, AntithromboticUse)
    assert (event.drug, event.status, event.date) == (
        drug,
        sp.DrugStatus.TAKING,
        dt.date(2024, 3, 1),
    )
    assert event.daily_dose_mg == 10


def test_a_stop_dated_by_its_last_dose_begins_the_day_after() -> None:
    stopped = antithrombotic("c1", "clopidogrel", "completed")
    del stopped["effectiveDateTime"]
    stopped["effectivePeriod"] = {"start": "2023-01-01", "end": "2024-03-07"}
    (event,) = read(stopped).record.events
    assert isinstance(event, AntithromboticUse)
    assert (event.status, event.date) == (sp.DrugStatus.STOPPED, dt.date(2024, 3, 8))
    assert event.daily_dose_mg is None


def test_a_hold_without_its_first_day_is_a_problem_not_a_guess() -> None:
    held = antithrombotic("w1", "warfarin", "on-hold")
    del held["effectiveDateTime"]
    held["effectivePeriod"] = {"start": "2020-05-01"}  # when warfarin was started
    (problem,) = problems(held)
    assert problem.path == ("entry", 1, "resource", "effectiveDateTime")
    assert "first day without a dose is missing" in problem.message
    for status in ("intended", "not-taken", "unknown"):
        found = read(antithrombotic("w1", "warfarin", status))
        assert found.record.events == ()
        assert [n.code for n in found.notes] == ["ignored"]


def lab(rid: str, name: str, value: float, unit: str, date: str = "2024-03-05") -> Resource:
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "code": {"coding": [fhir.CODES[name].coding()]},
        "subject": {"reference": "Patient/pat-1"},
        "effectiveDateTime": date,
        "valueQuantity": {"value": value, "unit": unit, "system": fhir.UCUM, "code": unit},
    }


def test_hba1c_and_glucose_with_ucum_units_and_conversions() -> None:
    found = read(
        lab("a", "hba1c", 8.2, "%"),
        lab("b", "glucose_serum", 240, "mg/dL"),
        lab("c", "hba1c_ifcc", 48, "mmol/mol"),  # 0.0915 x 48 + 2.15 = 6.542
        lab("d", "glucose_serum_molar", 7.0, "mmol/L"),  # 7.0 x 18.016 = 126.112
        lab("e", "hba1c", 64, "mmol/mol"),  # 0.0915 x 64 + 2.15 = 8.006
    )
    values = [(e.test, e.value) for e in found.record.events if isinstance(e, LabResult)]
    assert values == [
        (sp.LabTest.HBA1C, 8.2),
        (sp.LabTest.GLUCOSE, 240.0),
        (sp.LabTest.HBA1C, 6.54),
        (sp.LabTest.GLUCOSE, 126.1),
        (sp.LabTest.HBA1C, 8.01),
    ]
    converted = [n.message for n in found.notes if n.code == "converted"]
    assert len(converted) == 3
    assert "48 mmol/mol read as 6.54 %" in converted[0]
    assert "7 mmol/L read as 126.1 mg/dL" in converted[1]


def test_a_lab_in_a_wrong_unit_or_out_of_range_is_a_problem() -> None:
    (unit,) = problems(lab("a", "hba1c", 8.2, "mg/dL"))
    assert unit.path == ("entry", 1, "resource", "valueQuantity", "code")
    assert "is not % or mmol/mol" in unit.message
    (implausible,) = problems(lab("b", "glucose_serum", 5000, "mg/dL"))
    assert implausible.path == ("entry", 1, "resource", "valueQuantity", "value")
    assert "outside the plausible range" in implausible.message
    (missing,) = problems({**lab("c", "glucose_serum", 100, "mg/dL"), "valueQuantity": None})
    assert missing.path == ("entry", 1, "resource")


def test_contrast_allergy_and_bleeding_factors() -> None:
    allergy = {
        "resourceType": "AllergyIntolerance",
        "id": "al1",
        "code": {"coding": [fhir.CODES["contrast_allergy"].coding()]},
        "patient": {"reference": "Patient/pat-1"},
    }
    penicillin = {**allergy, "id": "al2", "code": coded(fhir.SNOMED, "91936005")}
    refuted = {
        **allergy,
        "id": "al3",
        "verificationStatus": coded(
            "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", "refuted"
        ),
    }
    icd = fhir.CODES["low_platelets"].system
    found = read(
        allergy,
        penicillin,
        refuted,
        condition("c1", icd, "D69.6"),
        condition("c2", icd, "K76.9"),
        condition("c3", icd, "N18.4"),
    )
    health = found.record.patient.health
    assert health.contrast_allergy
    assert health.low_platelets
    assert health.liver_disease
    assert health.kidney_disease
    assert not health.contrast_plan
    assert [n.code for n in found.notes] == ["ignored", "ignored"]
    resolved = {
        **allergy,
        "clinicalStatus": coded(
            "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "resolved"
        ),
    }
    assert not read(resolved).record.patient.health.contrast_allergy


def screen(rid: str, *components: Resource) -> Resource:
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "code": {"coding": [fhir.CODES["own_screen"].coding()]},
        "subject": {"reference": "Patient/pat-1"},
        "effectiveDateTime": "2024-03-05",
        "component": list(components),
    }


def item(name: str, value: bool | None) -> Resource:
    code = coded(fhir.OBSERVATION_SYSTEM, name)
    if value is None:
        absent = coded("http://terminology.hl7.org/CodeSystem/data-absent-reason", "not-asked")
        return {"code": code, "dataAbsentReason": absent}
    return {"code": code, "valueBoolean": value}


def test_a_screen_psychological_evaluation_and_shared_decision() -> None:
    consent = {
        "resourceType": "Consent",
        "id": "d1",
        "status": "active",
        "scope": {"text": "treatment"},
        "category": [{"coding": [fhir.CODES["own_shared_decision"].coding()]}],
        "patient": {"reference": "Patient/pat-1"},
        "dateTime": "2024-03-06",
        "provision": {
            "type": "deny",
            "code": [coded("https://spinepath.invalid/option", "acdf")],
        },
    }
    evaluation = {
        **screen("p1"),
        "code": {"coding": [fhir.CODES["own_psychological_evaluation"].coding()]},
        "valueBoolean": False,
    }
    del evaluation["component"]
    events = read(
        screen("s1", item("fever", True), item("night-pain", False), item("cancer-history", None)),
        evaluation,
        consent,
    ).record.events
    first, second, third = events
    assert isinstance(first, SeriousPathologyScreen)
    assert first.present == ("fever",)
    assert first.night_pain is False
    assert first.not_asked == tuple(i for i in first.ITEMS if i not in ("fever", "night_pain"))
    assert isinstance(second, PsychologicalEvaluation)
    assert not second.suitable
    assert isinstance(third, SharedDecision)
    assert third.options == (sp.ActionKind.ACDF,)
    assert third.decision is sp.Decision.DECLINED
    other = {**consent, "id": "d2", "category": [{"text": "research"}]}
    assert read(other).record.events == ()


def test_hostile_screens_and_decisions() -> None:
    (unknown,) = problems(screen("s1", item("bad-luck", True)))
    assert unknown.path == ("entry", 1, "resource", "component", 0, "code")
    (twice,) = problems(screen("s1", item("fever", True), item("fever", False)))
    assert "a second fever" in twice.message
    (text,) = problems(
        screen("s1", {"code": coded(fhir.OBSERVATION_SYSTEM, "fever"), "valueString": "yes"})
    )
    assert text.path == ("entry", 1, "resource", "component", 0, "valueBoolean")
    consent = {
        "resourceType": "Consent",
        "id": "d1",
        "status": "active",
        "scope": {"text": "treatment"},
        "category": [{"coding": [fhir.CODES["own_shared_decision"].coding()]}],
        "patient": {"reference": "Patient/pat-1"},
        "dateTime": "2024-03-06",
        "provision": {"code": [coded("https://spinepath.invalid/option", "acdf")]},
    }
    (no_type,) = problems(consent)
    assert no_type.path == ("entry", 1, "resource", "provision", "type")
    consent["provision"] = {
        "type": "permit",
        "code": [coded("https://spinepath.invalid/option", "magic")],
    }
    (option_problem,) = problems(consent)
    assert option_problem.path == ("entry", 1, "resource", "provision", "code", 0)
    consent["provision"] = {"type": "permit"}
    (none,) = problems(consent)
    assert none.path == ("entry", 1, "resource", "provision")


def test_an_imaging_report_with_coded_findings_is_an_imaging_study() -> None:
    own = "https://spinepath.invalid/observation"
    study = {
        "resourceType": "ImagingStudy",
        "id": "is1",
        "status": "available",
        "subject": {"reference": "Patient/pat-1"},
        "modality": [{"system": "http://dicom.nema.org/resources/ontology/DCM", "code": "MR"}],
    }
    finding = {
        "resourceType": "Observation",
        "id": "f1",
        "status": "final",
        "code": coded(own, "imaging-finding"),
        "effectiveDateTime": "2024-02-20",
        "valueCodeableConcept": coded("https://spinepath.invalid/value", "foraminal_stenosis"),
        "bodySite": level("C5-6"),
        "component": [
            {"code": coded(own, "side"), "valueCodeableConcept": LEFT},
            {
                "code": coded(own, "grade"),
                "valueCodeableConcept": coded("https://spinepath.invalid/value", "severe"),
            },
        ],
    }
    report = {
        "resourceType": "DiagnosticReport",
        "id": "r1",
        "status": "final",
        "code": {"text": "MRI cervical spine"},
        "effectiveDateTime": "2024-02-20",
        "imagingStudy": [{"reference": "ImagingStudy/is1"}],
        "result": [{"reference": "Observation/f1"}],
        "conclusion": "Severe left C5-6 foraminal stenosis.",
    }
    found = read(finding, report, study)
    (event,) = found.record.events
    assert isinstance(event, ImagingStudy)
    assert event.modality is sp.Modality.MRI
    assert event.findings == (
        sp.ForaminalStenosis(
            segment=sp.Segment.C5_6, side=sp.Side.LEFT, grade=sp.StenosisGrade.SEVERE
        ),
    )
    assert found.notes == ()
    uncoded = copy.deepcopy(report)
    del uncoded["result"]
    later = read(uncoded, study)
    assert later.record.events == ()  # its findings are unknown: not "nothing relevant"
    assert "findings are unknown" in later.notes[0].message


# -- a whole Bundle ---


def ehr_bundle() -> Resource:
    """A failed left C5-6 transforaminal CESI, as an EHR would send the record."""
    cesi = procedure("cesi-1", "64479", "2024-01-22", level("C5-6"), LEFT)
    cesi["usedCode"] = [coded("https://spinepath.invalid/steroid", "dexamethasone")]
    return bundle(
        patient(),
        condition("dx-1", fhir.ICD_10_CM, "M54.12"),
        condition("htn-1", fhir.ICD_10_CM, "I10"),
        *visit("2024-01-08", 7, 4, "enc-1"),
        cesi,
        outcome("out-1", "Procedure/cesi-1", "2024-02-19", 7, 6, 10),
        *visit("2024-02-19", 7, 4, "enc-2"),
        medication("med-1", fhir.CODES["gabapentin"].system, "25480", 300, 3),
        kind="collection",
    )


def test_a_realistic_ehr_bundle_reads_and_is_assessed() -> None:
    data = ehr_bundle()
    model = Bundle.model_validate(data)
    found = fhir.read_bundle(model)
    assert fhir.bundle_to_record(data) == found.record
    kinds = [type(e).__name__ for e in found.record.events]
    assert kinds == [
        "ClinicalVisit",
        "CervicalEpiduralSteroidInjection",
        "OutcomeReport",
        "ClinicalVisit",
        "MedicationTrial",
    ]
    assert {n.code for n in found.notes} == {"recognised", "ignored", "assumed"}
    assessment = sp.assess(found.record)
    assert assessment.options  # the engine runs on what an EHR sent


# -- what cannot be mapped ---


def test_not_a_bundle() -> None:
    with pytest.raises(InvalidDocument, match="expected a FHIR Bundle"):
        fhir.read_bundle(patient())
    with pytest.raises(InvalidDocument, match="expected a FHIR Bundle"):
        fhir.read_bundle([bundle(patient())])


def test_wrong_types_are_named_by_entry_and_element() -> None:
    bad = pain("a", "upper_limb", 5) | {"component": "abc"}
    (problem,) = problems(bad)
    assert problem.path == ("entry", 1, "resource", "component")
    assert problem.message.startswith("Observation/a: ")


def test_a_procedure_without_a_date() -> None:
    (problem,) = problems(procedure("p1", "64479", None, level("C5-6"), LEFT))
    assert problem.path == ("entry", 1, "resource", "performedDateTime")
    assert problem.code == "missing_field"
    assert "Procedure/p1" in problem.message


def test_a_pain_score_without_a_unit_or_site() -> None:
    no_unit = pain("a", "upper_limb", 5)
    del no_unit["valueQuantity"]["code"], no_unit["valueQuantity"]["unit"]
    (problem,) = problems(no_unit, pain("n", "neck", 2))
    assert problem.path == ("entry", 1, "resource", "valueQuantity", "code")
    assert "no unit" in problem.message
    no_site = pain("a", "upper_limb", 5)
    del no_site["bodySite"]
    first, then = problems(no_site, pain("n", "neck", 2))
    assert first.path == ("entry", 1, "resource", "bodySite")
    assert "no upper limb pain NRS" in then.message  # so the visit lacks its arm pain


def test_a_visit_needs_both_pain_scores() -> None:
    (problem,) = problems(*visit()[:2])
    assert problem.path == ("entry", 1, "resource")
    assert "Encounter/enc-1" in problem.message
    assert "neck pain" in problem.message


def test_unknown_codes_of_spinepaths_own_systems_are_errors() -> None:
    odd = procedure("p1", "64479", "2024-03-10")
    odd["code"] = coded("https://spinepath.invalid/procedure", "trepanation")
    (problem,) = problems(odd)
    assert problem.path == ("entry", 1, "resource", "code")
    assert problem.code == "not_allowed"


def test_levels_and_sides_that_are_not_levels_or_sides() -> None:
    (problem,) = problems(procedure("p1", "64479", "2024-03-10", {"text": "C9-10"}, LEFT))
    assert problem.path == ("entry", 1, "resource", "bodySite", 0)
    (problem,) = problems(procedure("p1", "64479", "2024-03-10", level("C5-6")))
    assert "no side" in problem.message  # a transforaminal injection has a side
    (problem,) = problems(procedure("p1", "64479", "2024-03-10", level("C5-6"), LEFT, RIGHT))
    assert "more than one side" in problem.message


def test_duplicated_ids_and_no_patient() -> None:
    found = problems(
        procedure("p1", "64490", "2024-03-10", level("C4-5"), RIGHT),
        procedure("p1", "64633", "2024-04-10", level("C4-5"), RIGHT),
    )
    assert found[0].path == ("entry", 2, "resource", "id")
    assert "a second resource with this id" in found[0].message
    (problem,) = problems(*visit(), with_patient=False)
    assert "no Patient" in problem


def test_an_outcome_of_nothing_and_a_bad_date() -> None:
    (problem,) = problems(outcome("o1", "Procedure/none", "2024-04-10", 7, 6, 15))
    assert problem.path == ("entry", 1, "resource", "partOf")
    late = procedure("p1", "64479", "2024-03", level("C5-6"), LEFT)
    found = problems(late)
    assert found[0].path[:4] == ("entry", 1, "resource", "performedDateTime")


def test_a_dose_without_timing() -> None:
    statement = medication("m1", fhir.CODES["gabapentin"].system, "25480")
    del statement["dosage"][0]["timing"]
    (problem,) = problems(statement)
    assert problem.path == ("entry", 1, "resource", "dosage", 0, "timing")


# -- a spinepath Bundle without its extensions ---


def strip(bundle: Resource) -> Resource:
    stripped = copy.deepcopy(bundle)
    for entry in stripped["entry"]:
        entry["resource"].pop("extension", None)
    return stripped


_NATIVE = (
    CervicalEpiduralSteroidInjection,
    MedialBranchBlock,
    RadiofrequencyAblation,
    GreaterOccipitalNerveBlock,
    AnteriorCervicalDiscectomyFusion,
    PosteriorLaminoforaminotomy,
    SpinalCordStimulatorTrial,
    SpinalCordStimulatorImplant,
    MedicationTrial,
    ImagingStudy,
    AntithromboticUse,
    LabResult,
    SeriousPathologyScreen,
    PsychologicalEvaluation,
    SharedDecision,
)
_KEPT_FACTORS = (
    "anticoagulated",
    "bleeding_disorder",
    "low_platelets",
    "liver_disease",
    "kidney_disease",
    "contrast_allergy",
    "pregnant",
)


def native_view(record: sp.PatientRecord) -> sp.PatientRecord:
    """What the standard elements of a spinepath Bundle keep of a record, exactly.

    Kept: the patient's health factors written as Conditions or an AllergyIntolerance
    (anticoagulated, bleeding disorder, low platelets, liver and kidney disease, pregnancy,
    contrast allergy), and every antithrombotic use, laboratory result, serious-pathology
    screen, psychological evaluation and shared decision, exactly.

    Lost: the patient's other health factors (a contrast plan, diabetes, active infection,
    ASA class, MRI contraindication) and every health update, overrides, posture reviews,
    imaging orders, surgical consultations, discharges, physical therapy courses, regenerative
    therapies (and the outcomes of those two), a visit's radiating pain, headache, onset,
    trajectory and its exam but for mJOA and signs of myelopathy, an SNRB's and a CESI's
    steroid dose; an MBB's series position is re-derived (2 when an earlier MBB had the same
    levels and side).
    """
    kept: list[sp.Event] = []
    for event in record.events:
        event = attrs.evolve(event, override=None)
        if isinstance(event, ClinicalVisit):
            s, exam = event.symptoms, event.exam
            symptoms = Symptoms(
                arm_pain=s.arm_pain,
                neck_pain=s.neck_pain,
                ndi=s.ndi,
                quality_of_life=s.quality_of_life,
            )
            if exam is not None and (exam.mjoa is not None or exam.myelopathy):
                exam = NeuroExam(myelopathy=exam.myelopathy, mjoa=exam.mjoa)
            else:
                exam = None
            kept.append(attrs.evolve(event, symptoms=symptoms, exam=exam))
        elif isinstance(event, SelectiveNerveRootBlock | CervicalEpiduralSteroidInjection):
            kept.append(attrs.evolve(event, steroid_dose_mg=None))
        elif isinstance(event, MedialBranchBlock):
            again = any(
                isinstance(e, MedialBranchBlock)
                and (e.segments, e.side) == (event.segments, event.side)
                for e in kept
            )
            kept.append(attrs.evolve(event, series_position=2 if again else 1))
        elif isinstance(event, _NATIVE) or (
            isinstance(event, OutcomeReport) and any(e.id == event.intervention_id for e in kept)
        ):
            kept.append(event)
    health = record.patient.health
    kept_health = sp.HealthFactors(**{name: getattr(health, name) for name in _KEPT_FACTORS})
    patient = attrs.evolve(record.patient, health=kept_health)
    return sp.PatientRecord(patient, tuple(kept))


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(sps.patient_records())
def test_a_spinepath_bundle_without_extensions_keeps_the_native_content(
    record: sp.PatientRecord,
) -> None:
    bundle = fhir.record_to_bundle(record)
    assert fhir.bundle_to_record(bundle) == record  # with them, everything
    assert fhir.bundle_to_record(strip(bundle)) == native_view(record)


@pytest.mark.parametrize("name", sp.examples.names())
def test_examples_without_extensions(name: str) -> None:
    record = sp.examples.load(name)
    found = fhir.read_bundle(strip(fhir.record_to_bundle(record)))
    assert found.record == native_view(record)
    assert all(n.code in ("ignored", "assumed", "recognised") for n in found.notes)


# -- the code table ---


def test_fhir_codes_md_is_current() -> None:
    assert (ROOT / "docs" / "fhir-codes.md").read_text(encoding="utf-8") == render_markdown(), (
        "regenerate: python -m spinepath.fhir.reference > docs/fhir-codes.md"
    )


def test_every_standard_code_written_is_in_the_table() -> None:
    own = "https://spinepath.invalid/"
    table = {(c.system, c.code) for c in fhir.CODES.values()}
    for name in sp.examples.names():
        bundle = fhir.record_to_bundle(sp.examples.load(name))
        for coding in _codings(bundle):
            if (
                not coding["system"].startswith(own)
                and "terminology.hl7.org" not in coding["system"]
            ):
                assert (coding["system"], coding["code"]) in table, coding
    assert {c.grade for c in fhir.CODES.values()} <= set(fhir.GRADES)
    for code in fhir.CODES.values():
        assert code.source, code
        assert (code.grade == "own") == code.system.startswith(own)


def _codings(value: object) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        if isinstance(value.get("system"), str) and "code" in value and "url" not in value:
            found.append(value)
        for item in value.values():
            found.extend(_codings(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_codings(item))
    return found
