"""Worked clinical examples of the safety rules SF1-SF7 (issue 10): antithrombotics and holds,
the serious-pathology screen, contrast and glucose, shared decisions (surgery declined
included), the psychological evaluation before a stimulator, and cumulative steroid."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic import (
    Clinic,
    Do,
    allowed,
    blocked,
    failed_cesi,
    herniation,
    option,
    recommended,
    right_facet_pain,
)
from spinepath import (
    CONSENSUS_2022,
    STRICT_PAYER,
    IllegalTransition,
    Override,
    apply,
    assess,
    check,
    dumps,
    loads,
)
from spinepath.anatomy import Segment, Side
from spinepath.errors import InvalidValue
from spinepath.model import (
    AnteriorCervicalDiscectomyFusion,
    Antithrombotic,
    AntithromboticUse,
    Approach,
    CervicalEpiduralSteroidInjection,
    Decision,
    DrugStatus,
    Event,
    GreaterOccipitalNerveBlock,
    HealthFactors,
    ImagingStudy,
    Modality,
    PatientRecord,
    SeriousPathologyScreen,
    SharedDecision,
    SurgicalConsultation,
    Urgency,
)
from spinepath.pathway import Status, make_event
from spinepath.rules.actions import Action, ActionKind
from spinepath.rules.catalogue import NEEDLE
from spinepath.rules.profiles import BleedingRisk, HoldDays, Profile
from spinepath.rules.state import state_of
from spinepath.testing import strategies as sps

CESI = Do.cesi("transforaminal", "C5-6", "left")


def _occipital() -> Clinic:
    """Left occipital neuralgia persisting after a failed CESI (a GON block is recommended)."""
    return failed_cesi().re_evaluation(
        50,
        arm=3,
        neck=5,
        radiating=["left C6"],
        headache="occipital_neuralgia",
        headache_side="left",
    )


def _cesi_event(clinic: Clinic, day: int) -> CervicalEpiduralSteroidInjection:
    return CervicalEpiduralSteroidInjection(
        id="next-cesi",
        date=clinic.day(day),
        approach=Approach.TRANSFORAMINAL,
        segment=Segment.C5_6,
        side=Side.LEFT,
    )


# -- SF1: anticoagulants and antiplatelets --------------------------------------------------------


def test_sf1_warfarin_blocks_an_intermediate_risk_procedure_naming_drug_date_interval() -> None:
    clinic = failed_cesi().antithrombotic(50, "warfarin", dose_mg=5)
    found = blocked(
        assess(clinic.record),
        CESI,
        "SF1",
        "warfarin taken 2024-02-27; hold 5 days before an intermediate-risk procedure",
    )
    assert [r.rule for r in found.failed] == ["SF1"]
    assert "Narouze" in found.failed[0].citation


def test_sf1_low_risk_block_allowed_while_anticoagulated() -> None:
    clinic = _occipital().antithrombotic(51, "apixaban")
    a = assess(clinic.record)
    gon = recommended(a, Do.gon("left"), "S7")
    sf1 = [r.text for r in gon.reasons if r.rule == "SF1"]
    assert sf1 == [
        "preconditions met: apixaban taken 2024-02-28 may continue for a low-risk procedure"
    ]
    # the same patient's epidural is blocked: it is intermediate risk
    blocked(a, CESI, "SF1", "apixaban taken 2024-02-28; hold 3 days before an intermediate-risk")
    # and recording the block needs no override
    event = GreaterOccipitalNerveBlock(id="gon-next", date=clinic.day(52), side=Side.LEFT)
    assert check(clinic.record, event) == ()


def test_sf1_legal_after_a_recorded_hold() -> None:
    held = failed_cesi().antithrombotic(50, "warfarin").antithrombotic(60, "warfarin", "held")
    too_soon = assess(held.record, as_of=held.day(64))
    blocked(
        too_soon,
        CESI,
        "SF1",
        "warfarin held since 2024-03-08, 4 days by 2024-03-12; hold 5 days before an "
        "intermediate-risk procedure",
    )
    assert [str(r) for r in check(held.record, _cesi_event(held, 64))] == [
        "SF1: warfarin held since 2024-03-08, 4 days by 2024-03-12; hold 5 days before an "
        "intermediate-risk procedure"
    ]
    with pytest.raises(IllegalTransition):
        apply(held.record, _cesi_event(held, 64))
    on_time = assess(held.record, as_of=held.day(65))
    legal = option(on_time, CESI)
    assert legal.status is not Status.BLOCKED
    assert any(
        r.rule == "SF1" and "warfarin held since 2024-03-08 (5 days, at least the 5 days)" in r.text
        for r in legal.reasons
    )
    assert check(held.record, _cesi_event(held, 65)) == ()
    assert apply(held.record, _cesi_event(held, 65)).events[-1].date == held.day(65)


def test_sf1_an_override_records_a_procedure_the_hold_blocks() -> None:
    clinic = failed_cesi().antithrombotic(50, "clopidogrel")
    event = _cesi_event(clinic, 52)
    assert check(clinic.record, event)
    overridden = CervicalEpiduralSteroidInjection(
        id="next-cesi",
        date=clinic.day(52),
        approach=Approach.TRANSFORAMINAL,
        segment=Segment.C5_6,
        side=Side.LEFT,
        override=Override(reason="cardiology advised against stopping", rules=("SF1",)),
    )
    assert apply(clinic.record, overridden).events[-1] is overridden


def test_sf1_taking_a_drug_again_ends_the_hold() -> None:
    clinic = (
        failed_cesi()
        .antithrombotic(50, "rivaroxaban", "held")
        .antithrombotic(56, "rivaroxaban", "taking")
    )
    blocked(assess(clinic.record), CESI, "SF1", "rivaroxaban taken 2024-03-04; hold 3 days")


def test_sf1_bleeding_factors_move_a_procedure_up_a_class() -> None:
    # aspirin may continue before an intermediate-risk procedure ...
    aspirin = failed_cesi().antithrombotic(50, "aspirin", dose_mg=100)
    assert option(assess(aspirin.record), CESI).status is not Status.BLOCKED
    # ... but low platelets make the epidural high risk, and aspirin is held 6 days before it
    thin = aspirin.health_update(51, low_platelets=True)
    blocked(
        assess(thin.record),
        CESI,
        "SF1",
        "aspirin taken 2024-02-27; hold 6 days before a high-risk procedure (intermediate-risk, "
        "moved up a class for low platelets)",
    )
    # a GON block moves from low to intermediate: warfarin must now be held
    gon = _occipital().antithrombotic(51, "warfarin").health_update(52, liver_disease=True)
    blocked(
        assess(gon.record),
        Do.gon("left"),
        "SF1",
        "hold 5 days before an intermediate-risk procedure (low-risk, moved up a class for "
        "liver disease)",
    )


def test_sf1_legacy_anticoagulated_flag_is_an_unnamed_anticoagulant() -> None:
    legacy = _occipital().health_update(51, anticoagulated=True)
    a = assess(legacy.record)
    blocked(
        a,
        CESI,
        "SF1",
        "anticoagulated (health factors) with no anticoagulant named: record the drug and a "
        "hold of its interval before an intermediate-risk procedure",
    )
    recommended(a, Do.gon("left"), "S7")  # a low-risk block is not blocked
    # naming the drug and recording its hold makes the epidural legal
    named = legacy.antithrombotic(52, "dabigatran", "held")
    assert option(assess(named.record, as_of=named.day(57)), CESI).status is not Status.BLOCKED
    blocked(assess(named.record, as_of=named.day(56)), CESI, "SF1", "dabigatran held since")


def test_sf1_a_bleeding_disorder_needs_a_plan_before_intermediate_risk_procedures() -> None:
    clinic = _occipital().health_update(51, bleeding_disorder=True)
    a = assess(clinic.record)
    blocked(a, CESI, "SF1", "a bleeding disorder is recorded: a high-risk procedure")
    blocked(a, Do.gon("left"), "SF1", "needs a haematology plan (record it with an override)")


def test_sf1_surgery_and_ct_myelography_have_classes_too() -> None:
    clinic = failed_cesi().antithrombotic(50, "ticagrelor")
    a = assess(clinic.record)
    blocked(a, Do.imaging("ct_myelography"), "SF1", "ticagrelor taken 2024-02-27; hold 5 days")
    mri = option(a, Do.imaging("mri"))
    assert all(r.rule != "SF1" for r in (*mri.reasons, *mri.failed))


def test_sf1_hold_intervals_are_profile_figures_that_can_be_overridden() -> None:
    figure = CONSENSUS_2022.antithrombotic_holds["warfarin"]
    assert figure.value == HoldDays(None, 5, 5)
    assert figure.grade == "unverified"
    assert "Narouze" in figure.source
    cervical_facet = CONSENSUS_2022.procedure_bleeding_risk["medial_branch_block"]
    assert cervical_facet.value is BleedingRisk.INTERMEDIATE
    assert cervical_facet.grade == "unverified"  # the 2018 table was not read
    assert CONSENSUS_2022.bleeding_class("greater_occipital_nerve_block") is BleedingRisk.LOW
    mine = CONSENSUS_2022.derive(
        "three-days", antithrombotic_holds={"warfarin": HoldDays(None, 3, 5)}
    )
    assert mine.antithrombotic_holds["warfarin"].grade == "user"
    held = failed_cesi().antithrombotic(50, "warfarin", "held")
    assert option(assess(held.record, mine, held.day(53)), CESI).status is not Status.BLOCKED
    blocked(assess(held.record, CONSENSUS_2022, held.day(53)), CESI, "SF1", "hold 5 days")
    with pytest.raises(InvalidValue, match=r"antithrombotic_holds\.warfarn"):
        CONSENSUS_2022.derive("typo", antithrombotic_holds={"warfarn": HoldDays(None, 1, 1)})
    assert all(drug.value in CONSENSUS_2022.antithrombotic_holds for drug in Antithrombotic)


def test_sf1_the_state_key_tells_a_complete_hold_from_a_short_one() -> None:
    # the simulation remembers decisions by the state's key: day 4 and day 5 of a 5-day hold
    # must not share one
    held = failed_cesi().antithrombotic(60, "warfarin", "held")
    state = state_of(held.record, CONSENSUS_2022)
    assert state.key(held.day(64)) != state.key(held.day(65))
    # past every interval of the table (at most 10 days) the days are alike
    assert state.key(held.day(71)) == state.key(held.day(80))


def test_sf1_a_version_2_document_with_the_flag_still_loads_and_reads_conservatively() -> None:
    record = _occipital().health_update(51, anticoagulated=True).record
    document = json.loads(dumps(record))
    document["schema_version"] = 2
    new_fields = ("low_platelets", "liver_disease", "kidney_disease")
    for health in [document["patient"]["health"]] + [
        e["health"] for e in document["events"] if e["kind"] == "health_update"
    ]:
        for name in (*new_fields, "contrast_allergy", "contrast_plan"):
            del health[name]
    for event in document["events"]:
        if event["kind"] == "cesi":
            del event["steroid_dose_mg"]
    old = loads(json.dumps(document), PatientRecord)
    assert old == record
    a = assess(old)
    blocked(a, CESI, "SF1", "with no anticoagulant named")
    recommended(a, Do.gon("left"), "S7")


# -- SF2: serious spinal pathology ----------------------------------------------------------------


def test_sf2_a_positive_screen_makes_urgent_imaging_first_and_blocks_injections() -> None:
    clinic = _occipital().screen(51, cancer_history=True, night_pain=True)
    a = assess(clinic.record)
    first = a.recommended[0]
    assert first.action == Do.imaging("mri")
    assert first.urgent
    assert first.reasons[0].rule == "SF2"
    assert "positive serious-pathology screen 2024-02-28 (cancer history, night pain)" in (
        first.reasons[0].text
    )
    blocked(a, CESI, "SF2", "positive serious-pathology screen 2024-02-28")
    blocked(a, Do.gon("left"), "SF2")
    blocked(a, Do.discharge(), "SF2")
    # ordered: no longer recommended again, injections still wait for the result
    ordered = clinic.imaging_order(52, reason="red_flag")
    b = assess(ordered.record)
    assert (
        option(b, Do.imaging("mri")).status is not Status.RECOMMENDED
        or not option(b, Do.imaging("mri")).urgent
    )
    blocked(b, CESI, "SF2", "imaging ordered, results awaited")
    # the study answers the screen
    imaged = ordered.mri(55, herniation("C5-6", "left", "foraminal"))
    c = assess(imaged.record)
    assert all(r.rule != "SF2" for r in option(c, CESI).failed)
    recommended(c, Do.gon("left"), "S7")


def test_sf2_a_negative_rescreen_or_an_urgent_consultation_answers_the_screen() -> None:
    positive = _occipital().screen(51, fever=True)
    rescreened = positive.screen(53)
    recommended(assess(rescreened.record), Do.gon("left"), "S7")
    referred = positive.consult(53, urgent=True)
    recommended(assess(referred.record), Do.gon("left"), "S7")


def test_sf2_a_negative_screen_blocks_nothing() -> None:
    clinic = _occipital().screen(51, night_pain=None)
    a = assess(clinic.record)
    recommended(a, Do.gon("left"), "S7")
    assert all(r.rule != "SF2" for o in a.options for r in o.failed)
    assert not any(o.urgent for o in a.recommended)


# -- SF3 and SF4: contrast, glucose ---------------------------------------------------------------


def test_sf3_a_contrast_allergy_blocks_contrast_procedures_until_a_plan() -> None:
    clinic = failed_cesi().health_update(50, contrast_allergy=True)
    a = assess(clinic.record)
    blocked(a, CESI, "SF3", "contrast allergy recorded with no plan")
    blocked(a, Do.snrb("left C6"), "SF3")
    assert all(r.rule != "SF3" for r in option(a, Do.imaging("mri")).failed)
    planned = clinic.health_update(51, contrast_allergy=True, contrast_plan=True)
    assert all(r.rule != "SF3" for r in option(assess(planned.record), CESI).failed)


def test_sf3_medial_branch_blocks_need_no_contrast_by_default() -> None:
    clinic = right_facet_pain().health_update(57, contrast_allergy=True)
    mbb = option(assess(clinic.record, as_of=clinic.day(120)), Do.mbb("C5-6", "right"))
    assert all(r.rule != "SF3" for r in mbb.failed)


def test_sf4_diabetes_is_counselled_and_a_high_hba1c_blocks_the_steroid() -> None:
    diabetic = failed_cesi().health_update(50, diabetes=True)
    a = assess(diabetic.record)
    assert any("counsel on glucose monitoring before a steroid injection" in n for n in a.notes)
    assert option(a, CESI).status is not Status.BLOCKED
    high = diabetic.lab(51, "hba1c", 9.6)
    blocked(
        assess(high.record),
        CESI,
        "SF4",
        "HbA1c 9.6% on 2024-02-28 (limit 9%); no glucose recorded: above the limit",
    )
    # a diagnostic block without steroid is not affected
    assert all(r.rule != "SF4" for r in option(assess(high.record), Do.snrb("left C6")).failed)
    better = high.lab(80, "hba1c", 7.9)
    assert option(assess(better.record), CESI).status is not Status.BLOCKED
    sugar = better.lab(81, "glucose", 340)
    blocked(assess(sugar.record), CESI, "SF4", "glucose 340 mg/dL on 2024-03-29 (limit 300 mg/dL)")


# -- SF5: shared decisions ------------------------------------------------------------------------


def test_sf5_a_declined_option_is_not_recommended_again_but_stays_allowed() -> None:
    clinic = _occipital()
    before = assess(clinic.record)
    recommended(before, Do.gon("left"), "S7")
    declined = clinic.decide(51, "declined", "greater_occipital_nerve_block")
    a = assess(declined.record)
    gon = allowed(a, Do.gon("left"), "SF5")
    assert gon.reasons[0].text == (
        "not recommended: the patient declined Greater occipital nerve block on 2024-02-28; "
        "it stays allowed if they change their mind"
    )
    assert any(r.rule == "S7" and r.text.startswith("would be favoured: ") for r in gon.reasons)
    # the alternatives move up: everything recommended before, but the GON block, in order
    assert [o.action for o in a.recommended] == [
        o.action for o in before.recommended if o.action != Do.gon("left")
    ]
    # and the block stays legal: recording it needs no override
    event = GreaterOccipitalNerveBlock(id="gon-next", date=declined.day(52), side=Side.LEFT)
    assert check(declined.record, event) == ()
    # a later consent makes it a recommendation again
    changed = declined.decide(53, "consented", "greater_occipital_nerve_block")
    recommended(assess(changed.record), Do.gon("left"), "S7")


def test_sf5_a_profile_can_require_recorded_consent() -> None:
    needs_consent = STRICT_PAYER.derive("consent", consent_required=("cesi",))
    clinic = failed_cesi()
    blocked(
        assess(clinic.record, needs_consent),
        CESI,
        "SF5",
        "no consent to Cervical epidural steroid injection recorded",
    )
    consented = clinic.decide(50, "consented", "cesi")
    assert option(assess(consented.record, needs_consent), CESI).status is not Status.BLOCKED
    # the shipped profiles require none
    assert option(assess(clinic.record), CESI).status is not Status.BLOCKED


def _surgical_candidate() -> Clinic:
    """Left C6 radiculopathy after failed targeted care, gabapentin and PT; a surgeon has seen
    the patient and an ACDF at C5-6 is recommended (S14)."""
    return (
        Clinic(birth="1966-07-19", sex="male")
        .intake(0, arm=8, neck=4, radiating=["left C6"], onset=-30)
        .mri(7, herniation("C5-6", "left", "foraminal"))
        .cesi(14, "interlaminar", "C6-7", "central")
        .outcome(pain_before=8, pain_after=7, relief=15)
        .re_evaluation(42, arm=8, neck=4, radiating=["left C6"])
        .snrb(49, "left C6")
        .outcome(pain_before=8, pain_after=2, relief=75, concordant=True)
        .medication(50, "gabapentin", 1800)
        .pt(50, "deep_stabilisation", "core", "posture")
        .cesi(63, "transforaminal", "C5-6", "left")
        .outcome(pain_before=8, pain_after=7, relief=15)
        .visit(91, arm=8, neck=4, radiating=["left C6"], quality_of_life="debilitating")
        .consult(95)
    )


def test_sf5_surgery_declined_is_not_offered_again_and_the_alternatives_move_up() -> None:
    candidate = _surgical_candidate()
    recommended(assess(candidate.record), Do.acdf("C5-6"), "S14")
    declined = candidate.decide(96, "declined", "acdf", "laminoforaminotomy")
    a = assess(declined.record)
    allowed(a, Do.acdf("C5-6"), "SF5")
    allowed(a, Do.foraminotomy("C5-6", "left"), "SF5")
    assert all(o.action.kind.value not in ("acdf", "laminoforaminotomy") for o in a.recommended)
    event = AnteriorCervicalDiscectomyFusion(
        id="acdf-next", date=declined.day(97), segments=(Segment.C5_6,)
    )
    assert check(declined.record, event) == ()  # still legal if they change their mind
    # the stimulator is next where the pathway allows it, a psychological evaluation first:
    # both shipped profiles require one before the trial
    blocked(a, Do.scs_trial(), "SF6", "this profile needs one before an SCS trial")
    payer = assess(declined.record, STRICT_PAYER)
    blocked(payer, Do.scs_trial(), "SF6", "this profile needs one before an SCS trial")
    evaluated = declined.psych(97)
    b = assess(evaluated.record)
    recommended(b, Do.scs_trial(), "S10")
    recommended(assess(evaluated.record, STRICT_PAYER), Do.scs_trial(), "S10")
    assert not any("psychological evaluation" in note for note in b.notes)
    assert option(b, Do.discharge()).status is Status.ALLOWED
    # once the stimulator trial failed too, the patient is discharged with a plan
    tried = evaluated.scs_trial(100).outcome(pain_before=8, pain_after=7, relief=10, day=107)
    c = assess(tried.record)
    found = recommended(c, Do.discharge(), "SF5")
    assert "the patient declined surgery on 2024-04-13 after a surgical consultation" in (
        " ".join(r.text for r in found.reasons)
    )
    # a successful trial goes on to its implant before any discharge
    worked = evaluated.scs_trial(100).outcome(pain_before=8, pain_after=2, relief=70, day=107)
    d = assess(worked.record)
    recommended(d, Do.scs_implant(), "S10")
    assert option(d, Do.discharge()).status is Status.ALLOWED


# -- SF6: psychological evaluation -----------------------------------------------------------------


def test_sf6_an_unsuitable_evaluation_blocks_the_trial_and_a_switch_requires_one() -> None:
    candidate = _surgical_candidate().psych(96, suitable=False)
    blocked(
        assess(candidate.record),
        Do.scs_trial(),
        "SF6",
        "psychological evaluation 2024-04-13: not suitable for stimulation",
    )
    blocked(assess(candidate.record, STRICT_PAYER), Do.scs_trial(), "SF6", "not suitable")
    # the switch: both shipped profiles require a recorded evaluation; a profile may not
    assert STRICT_PAYER.scs_psychological_evaluation.value is True
    assert CONSENSUS_2022.scs_psychological_evaluation.value is True
    plain = _surgical_candidate()
    blocked(assess(plain.record), Do.scs_trial(), "SF6", "no psychological evaluation")
    optional = CONSENSUS_2022.derive("psych", scs_psychological_evaluation=False)
    assert option(assess(plain.record, optional), Do.scs_trial()).status is not Status.BLOCKED
    # where it is optional, a note asks for one
    assert any("psychological evaluation" in n for n in assess(plain.record, optional).notes)


# -- SF7: cumulative steroid -----------------------------------------------------------------------


def test_sf7_cumulative_steroid_is_off_by_default_and_counted_when_a_profile_sets_it() -> None:
    assert CONSENSUS_2022.steroid_max_per_12_months.value is None
    assert STRICT_PAYER.steroid_max_per_12_months.value is None
    clinic = (
        Clinic(birth="1968-04-12", sex="female")
        .intake(0, arm=7, neck=3, radiating=["left C6"], onset=-60)
        .mri(7, herniation("C5-6", "left", "foraminal"))
        .cesi(21, "interlaminar", "C6-7", "central", steroid_mg=10)
        .outcome(pain_before=7, pain_after=2, relief=70, lasting=100)
        .cesi(150, "interlaminar", "C6-7", "central", steroid="triamcinolone", steroid_mg=40)
        .outcome(pain_before=7, pain_after=2, relief=70, lasting=100)
    )
    again = Do.cesi("interlaminar", "C6-7", "central")
    assert option(assess(clinic.record, as_of=clinic.day(300)), again).status is not (
        Status.BLOCKED
    )
    capped = CONSENSUS_2022.derive("capped", steroid_max_per_12_months=90.0)
    blocked(
        assess(clinic.record, capped, clinic.day(300)),
        again,
        "SF7",
        "93 mg methylprednisolone-equivalent in the 12 months to 2024-11-03 (limit 90 mg): the "
        "limit is reached",
    )
    # a year after the first injection only the second counts
    later = assess(clinic.record, capped, clinic.day(400))
    assert all(r.rule != "SF7" for r in option(later, again).failed)


def test_sf7_injections_without_a_dose_are_said_to_be_uncounted() -> None:
    capped = CONSENSUS_2022.derive("capped", steroid_max_per_12_months=200.0)
    found = option(assess(failed_cesi().record, capped), CESI)
    texts = " ".join(r.text for r in found.reasons if r.rule == "SF7")
    assert "0 mg methylprednisolone-equivalent" in texts
    assert "1 injection(s) with no dose recorded not counted" in texts


def test_health_factors_name_the_bleeding_factors() -> None:
    health = HealthFactors(bleeding_disorder=True, kidney_disease=True)
    assert health.bleeding_factors == ("a bleeding disorder", "kidney disease")
    assert HealthFactors().bleeding_factors == ()


# -- the safety property over generated records ---------------------------------------------------


def _must_still_hold(
    record: PatientRecord, action: Action, profile: Profile, as_of: dt.date
) -> list[str]:
    """The drugs (or the unnamed legacy anticoagulant) that must still be held before
    ``action`` on ``as_of``, worked out from the record's events, not from the fact state."""
    myelogram = action.kind is ActionKind.IMAGING and action.modality is Modality.CT_MYELOGRAPHY
    base = profile.bleeding_class("ct_myelography" if myelogram else action.kind.value)
    if base is None:
        return []
    health = record.health_on(as_of)
    factors = (health.bleeding_disorder, health.low_platelets, health.liver_disease)
    risk = base.up() if any((*factors, health.kidney_disease)) else base
    latest: dict[Antithrombotic, AntithromboticUse] = {}
    for event in record.events:
        if isinstance(event, AntithromboticUse) and event.date <= as_of:
            latest[event.drug] = event
    found = []
    for drug, use in latest.items():
        days = profile.hold_days(drug, risk)
        if days and (use.status is DrugStatus.TAKING or (as_of - use.date).days < days):
            found.append(str(drug))
    named = any(drug.anticoagulant for drug in latest)
    if health.anticoagulated and not named and risk >= BleedingRisk.INTERMEDIATE:
        found.append("unnamed anticoagulant")
    return found


@st.composite
def _medicated(draw: st.DrawFn) -> tuple[PatientRecord, Profile, dt.date]:
    """A legal history, then anticoagulants and antiplatelets taken, held or stopped over the
    following days, and a day to judge it on (up to 12 days later: through every hold)."""
    record = draw(sps.patient_records(max_events=12))
    profile = draw(st.sampled_from((CONSENSUS_2022, STRICT_PAYER)))
    day = record.last_date or record.patient.birth_date
    for n in range(draw(st.integers(0, 3))):
        day += dt.timedelta(days=draw(st.integers(0, 6)))
        use = draw(sps.antithrombotic_uses(id=f"drug-{n}", date=day))
        record = record.add(use)
    return record, profile, day + dt.timedelta(days=draw(st.integers(0, 12)))


@pytest.mark.safety
@given(_medicated())
def test_no_procedure_is_legal_while_a_drug_that_must_be_held_for_it_is_active(
    case: tuple[PatientRecord, Profile, dt.date],
) -> None:
    record, profile, as_of = case
    assessment = assess(record, profile, as_of)
    for found in (*assessment.recommended, *assessment.allowed):
        active = _must_still_hold(record, found.action, profile, as_of)
        assert not active, (str(found.action), active)
    for found in assessment.blocked:
        if not _must_still_hold(record, found.action, profile, as_of):
            continue
        assert any(r.rule == "SF1" for r in found.failed), str(found.action)
        if found.action.kind in NEEDLE:  # recording it without an override is refused
            event = make_event(found.action, id="next", date=as_of, record=record)
            assert any(r.rule == "SF1" for r in check(record, event, profile))


def test_the_safety_events_round_trip_through_json_and_a_fhir_bundle() -> None:
    clinic = (
        _occipital()
        .antithrombotic(51, "warfarin", dose_mg=5)
        .antithrombotic(52, "warfarin", "held")
        .screen(52, fever=True, night_pain=None)
        .lab(52, "glucose", 180)
        .psych(53, suitable=False)
        .decide(53, "declined", "acdf", "laminoforaminotomy")
    )
    record = clinic.record
    assert loads(dumps(record), PatientRecord) == record
    fhir = pytest.importorskip("spinepath.fhir")
    pytest.importorskip("fhir.resources", reason="the 'fhir' extra")
    bundle = fhir.record_to_bundle(record)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]][-6:]
    assert kinds == ["MedicationStatement", "MedicationStatement", *["Observation"] * 3, "Consent"]
    assert bundle["entry"][-5]["resource"]["status"] == "on-hold"
    assert fhir.bundle_to_record(bundle) == record


def _declined_kinds(record: PatientRecord, as_of: dt.date) -> set[ActionKind]:
    """The option kinds whose latest shared decision on or before ``as_of`` is a refusal."""
    latest: dict[ActionKind, Decision] = {}
    for event in record.events:
        if isinstance(event, SharedDecision) and event.date <= as_of:
            latest.update(dict.fromkeys(event.options, event.decision))
    return {kind for kind, decision in latest.items() if decision is Decision.DECLINED}


def _screen_unanswered(record: PatientRecord, as_of: dt.date) -> bool:
    """A positive serious-pathology screen with no cross-sectional study, urgent consultation
    or later screen after it (read from the events)."""
    unanswered = False
    for event in record.events:
        if event.date > as_of:
            break
        if isinstance(event, SeriousPathologyScreen):
            unanswered = event.positive
        elif (isinstance(event, ImagingStudy) and event.modality is not Modality.XRAY) or (
            isinstance(event, SurgicalConsultation) and event.urgency is Urgency.URGENT
        ):
            unanswered = False
    return unanswered


@st.composite
def _decided(draw: st.DrawFn) -> tuple[PatientRecord, Profile, dt.date]:
    """A legal history, then shared decisions, screens, studies and consultations over the
    following days, and a day to judge it on."""
    record = draw(sps.patient_records(max_events=20))
    profile = draw(st.sampled_from((CONSENSUS_2022, STRICT_PAYER)))
    day = record.last_date or record.patient.birth_date
    for n in range(draw(st.integers(0, 4))):
        day += dt.timedelta(days=draw(st.integers(0, 6)))
        ident = f"added-{n}"
        added: st.SearchStrategy[Event] = st.one_of(
            sps.shared_decisions(id=ident, date=day),
            sps.shared_decisions(id=ident, date=day),
            sps.serious_pathology_screens(id=ident, date=day),
            sps.imaging_studies(id=ident, date=day),
            sps.surgical_consultations(id=ident, date=day),
        )
        record = record.add(draw(added))
    return record, profile, day + dt.timedelta(days=draw(st.integers(0, 30)))


@pytest.mark.safety
@given(_decided())
def test_declined_options_and_unanswered_screens_hold_over_generated_histories(
    case: tuple[PatientRecord, Profile, dt.date],
) -> None:
    record, profile, as_of = case
    assessment = assess(record, profile, as_of)
    declined = _declined_kinds(record, as_of)
    for found in assessment.recommended:
        assert found.action.kind not in declined, str(found.action)
    for found in (*assessment.allowed, *assessment.blocked):
        if found.action.kind in declined and found.status is Status.BLOCKED:
            assert any(r.rule != "SF5" for r in found.failed)  # a decline never blocks
    if _screen_unanswered(record, as_of):
        for found in (*assessment.recommended, *assessment.allowed):
            assert found.action.kind not in NEEDLE, str(found.action)
            assert found.action.kind is not ActionKind.DISCHARGE
