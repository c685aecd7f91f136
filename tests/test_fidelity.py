"""Worked clinical tests for issue 9 (clinical fidelity), one or more per item, named after it."""

from __future__ import annotations

import pytest

from clinic import (
    Clinic,
    Do,
    blocked,
    exam,
    foraminal,
    herniation,
    left_c6_radiculopathy,
    option,
    recommended,
    right_facet_pain,
)
from spinepath import Phase, assess
from spinepath.errors import InvalidValue
from spinepath.io import dumps, loads
from spinepath.model import (
    AsaClass,
    NeckDisabilityIndex,
    PatientRecord,
    SelectiveNerveRootBlock,
)
from spinepath.pathway import Status
from spinepath.rules.profiles import CONSENSUS_2022, STRICT_PAYER
from spinepath.rules.state import lasting_figures

# -- item 7: a severe deficit at first sight ------------------------------------------------------


def _first_visit(
    motor: dict[str, int] | None = None, myelopathy: tuple[str, ...] = (), mjoa: int | None = None
) -> Clinic:
    """A first visit with left C6 arm pain and the given exam, MRI a week later."""
    found = exam(motor=motor, myelopathy=myelopathy, mjoa=mjoa)
    return (
        Clinic(birth="1970-05-01", sex="female")
        .intake(0, arm=7, neck=3, radiating=["left C6"], onset=-40, exam=found)
        .mri(7, herniation("C5-6", "left", "foraminal"))
    )


def test_item7_severe_weakness_at_the_first_exam_is_a_red_flag() -> None:
    a = assess(_first_visit(motor={"left C6": 3}).record)
    assert a.red_flags == ("severe weakness: left C6 MRC 3 (MRC <=3)",)
    first = a.first
    assert first is not None
    assert first.action == Do.consult(urgent=True)
    assert first.urgent
    assert "(exam 2024-01-08)" in first.reasons[0].text  # the finding with its date


def test_item7_moderate_weakness_at_the_first_exam_waits_for_progression() -> None:
    a = assess(_first_visit(motor={"left C6": 4}).record)
    assert a.red_flags == ()


def test_item7_bowel_or_bladder_change_at_the_first_exam_is_a_red_flag_even_if_mild() -> None:
    a = assess(_first_visit(myelopathy=("bowel_bladder_dysfunction",), mjoa=16).record)
    assert a.red_flags == ("myelopathy sign: bowel bladder dysfunction",)
    assert a.first is not None
    assert a.first.urgent


# -- item 6: myelopathy severity and change -------------------------------------------------------


def test_item6_moderate_myelopathy_is_urgent() -> None:
    a = assess(_first_visit(myelopathy=("hoffmann",), mjoa=13).record)
    assert a.red_flags == (
        "myelopathy sign: hoffmann",
        "moderate myelopathy: mJOA 13 (moderate is 12-14)",
    )
    assert a.first is not None
    assert a.first.action == Do.consult(urgent=True)


def test_item6_myelopathy_signs_without_an_mjoa_stay_urgent() -> None:
    # unknown severity is never read as mild
    a = assess(_first_visit(myelopathy=("hoffmann",)).record)
    assert a.red_flags == ("myelopathy sign: hoffmann",)


def test_item6_mild_stable_myelopathy_ranks_a_surgical_opinion_first_not_urgent() -> None:
    a = assess(_first_visit(myelopathy=("hoffmann",), mjoa=16).record)
    assert a.red_flags == ()
    first = a.first
    assert first is not None
    assert first.action == Do.consult(urgent=False)
    assert first.rank == 1
    assert first.urgent is False
    assert any(
        r.rule == "S12" and "mild, stable myelopathy (exam 2024-01-08: mJOA 16" in r.text
        for r in first.reasons
    )
    assert option(a, Do.consult(urgent=True)).status is not Status.RECOMMENDED


def test_item6_a_clinically_important_mjoa_decline_is_urgent_even_when_mild() -> None:
    clinic = _first_visit(myelopathy=("hoffmann",), mjoa=17).visit(
        40, arm=6, neck=3, exam=exam(myelopathy=("hoffmann",), mjoa=16)
    )
    a = assess(clinic.record)
    assert "mJOA decline: 17 on 2024-01-08 -> 16" in "; ".join(a.red_flags)
    assert a.first is not None
    assert a.first.urgent


def test_item6_a_decline_smaller_than_the_band_mcid_is_not_a_decline() -> None:
    # moderate (14) -> 13 is 1 point; the moderate band's minimum important change is 2
    clinic = _first_visit(mjoa=14).visit(40, arm=6, neck=3, exam=exam(mjoa=13))
    flags = assess(clinic.record).red_flags
    assert flags == ("moderate myelopathy: mJOA 13 (moderate is 12-14)",)


def _operated_for_myelopathy() -> Clinic:
    """Moderate myelopathy seen urgently and decompressed by ACDF at C5-6 on day 30."""
    return _first_visit(myelopathy=("hoffmann",), mjoa=13).consult(10, urgent=True).acdf(30, "C5-6")


def test_item6_after_an_operation_the_first_exam_is_the_baseline() -> None:
    # residual moderate myelopathy after decompression is no new red flag
    clinic = _operated_for_myelopathy().visit(
        44, purpose="post_operative", arm=2, neck=2, exam=exam(myelopathy=("hoffmann",), mjoa=14)
    )
    assert assess(clinic.record).red_flags == ()
    later = clinic.visit(90, arm=2, neck=2, exam=exam(myelopathy=("hoffmann",), mjoa=14))
    assert assess(later.record).red_flags == ()


def test_item6_after_an_operation_a_new_sign_or_an_important_decline_is_urgent() -> None:
    clinic = _operated_for_myelopathy().visit(
        44, purpose="post_operative", arm=2, neck=2, exam=exam(myelopathy=("hoffmann",), mjoa=14)
    )
    new_sign = clinic.visit(
        90, arm=2, neck=2, exam=exam(myelopathy=("hoffmann", "gait_disturbance"), mjoa=14)
    )
    assert assess(new_sign.record).red_flags == ("myelopathy sign: gait disturbance",)
    decline = clinic.visit(90, arm=2, neck=2, exam=exam(myelopathy=("hoffmann",), mjoa=12))
    assert assess(decline.record).red_flags == (
        "mJOA decline: 14 on 2024-02-21 -> 12 "
        "(at least the 2-point minimum clinically important change)",
    )


def test_item6_the_first_exam_after_an_operation_is_compared_with_the_last_before_it() -> None:
    # a sign the patient did not have before the operation is new (a complication)
    clinic = (
        _first_visit(motor={"left C6": 4})
        .consult(10)
        .foraminotomy(30, "C5-6", "left")
        .visit(31, arm=2, neck=2, exam=exam(motor={"left C6": 4}, myelopathy=("hoffmann",)))
    )
    assert assess(clinic.record).red_flags == ("myelopathy sign: hoffmann",)


# -- item 12: ordinary gaps ------------------------------------------------------------------------


def test_item12_a_red_flag_no_surgeon_has_seen_blocks_discharge() -> None:
    clinic = (
        _first_visit(motor={"left C6": 4})
        .cesi(14, "transforaminal", "C5-6", "left")
        .outcome(pain_before=7, pain_after=1, relief=85)
        .visit(50, arm=1, neck=1, radiating=["left C6"], exam=exam(motor={"left C6": 2}))
    )
    a = assess(clinic.record)
    blocked(a, Do.discharge(), "S0", "red flag not yet seen by a surgeon")
    seen = assess(clinic.consult(52, urgent=True).record)
    assert option(seen, Do.discharge()).status is not Status.BLOCKED


# -- item 1: follow-ups over time -----------------------------------------------------------------


def test_item1_a_later_follow_up_that_relief_ended_early_turns_a_worked_cesi_into_a_failure() -> (
    None
):
    # day 21 CESI; at 3 months "70%, duration not yet known": it worked (maintenance)
    worked = left_c6_radiculopathy().outcome(pain_before=7, pain_after=2, relief=70, day=111)
    a = assess(worked.record)
    assert a.phase is Phase.MAINTENANCE
    assert option(a, Do.discharge()).status is Status.RECOMMENDED
    # then the clinic records that the pain came back 40 days after the injection
    came_back = worked.visit(130, arm=7, neck=3, radiating=["left C6"]).outcome(
        pain_before=7, pain_after=7, relief=70, lasting=40, of="cesi-1", day=130
    )
    b = assess(came_back.record)
    assert b.phase is Phase.RE_EVALUATION
    first = recommended(b, Do.re_evaluation(), "S1")
    assert (
        "the last CESI failed (CESI 2024-01-29, reported 2024-05-17: 70% relief lasting 40 days; "
        "adequate is >=50% relief lasting 90 days)" in first.reasons[0].text
    )
    assert len(came_back.record.follow_ups("cesi-1")) == 2


def test_item1_adequate_relief_now_reads_the_latest_follow_up() -> None:
    treated = _failed_rfa_candidate().rfa(84, "C5-6", side="right")
    good = treated.outcome(pain_before=7, pain_after=1, relief=85, ongoing=True, day=112)
    assert option(assess(good.record), Do.discharge()).status is Status.RECOMMENDED
    worse = good.outcome(pain_before=7, pain_after=6, relief=20, of="rfa-1", day=150)
    a = assess(worse.record)
    assert option(a, Do.discharge()).status is not Status.RECOMMENDED
    assert any(
        "no adequate relief now (radiofrequency ablation 2024-04-01, reported 2024-06-06: 20% "
        "relief (not enough relief))" in r.text
        for o in a.options
        for r in o.reasons
    )


# -- item 2: relief must last to count ------------------------------------------------------------


def _failed_rfa_candidate() -> Clinic:
    """Right facet pain with a positive medial branch block at C5-6 (and a psychological
    evaluation that found the patient suitable for stimulation, SF6)."""
    return (
        right_facet_pain()
        .mbb(70, "C5-6", side="right")
        .outcome(pain_before=7, pain_after=1, relief=85, concordant=True)
        .psych(71)
    )


def test_item2_rfa_relief_that_ended_before_six_months_has_failed_to_last() -> None:
    ended = (
        _failed_rfa_candidate()
        .rfa(84, "C5-6", side="right")
        .outcome(pain_before=7, pain_after=1, relief=90, lasting=60, day=150)
    )
    a = assess(ended.record)
    assert a.phase is not Phase.MAINTENANCE
    # the failure opens escalation: a stimulator trial is legal (S10 needs failed blocks)
    trial = option(a, Do.scs_trial())
    assert trial.status is not Status.BLOCKED, [str(r) for r in trial.failed]


def test_item2_rfa_relief_that_lasted_long_enough_is_not_a_failure() -> None:
    lasted = (
        _failed_rfa_candidate()
        .rfa(84, "C5-6", side="right")
        .outcome(pain_before=7, pain_after=1, relief=90, lasting=200, day=290)
    )
    a = assess(lasted.record)
    blocked(a, Do.scs_trial(), "S10", "no failed RFA or therapeutic block on record")
    # and it qualifies for a repeat RFA (Hurley 2022: >30% for >=3 months)
    assert option(a, Do.rfa("C5-6", "right")).status is not Status.BLOCKED


def test_item2_every_treatment_figure_has_a_unit_and_a_source() -> None:
    for name in ("cesi", "radiofrequency_ablation", "greater_occipital_nerve_block", "other"):
        threshold, days = lasting_figures(name, CONSENSUS_2022)
        assert threshold.unit == "% relief of index pain"
        assert days.unit == "days"
        assert threshold.source
        assert days.source


# -- item 3: when a treatment can be judged -------------------------------------------------------


def test_item3_a_cesi_outcome_before_14_days_is_not_yet_a_failure() -> None:
    early = left_c6_radiculopathy().outcome(pain_before=7, pain_after=7, relief=0, day=25)
    a = assess(early.record)
    assert a.phase is Phase.CESI_OUTCOME
    assert a.notes == (
        "CESI 2024-01-29: the outcome reported 2024-02-02 (4 days after it) is too early to "
        "judge; it can be judged from 2024-02-12 (this profile's 14 days): record a follow-up "
        "then",
    )
    # nothing that depends on the failure is recommended
    for action in (Do.re_evaluation(), Do.posture_review(), Do.advanced_pt()):
        assert option(a, action).status is not Status.RECOMMENDED
    judged = early.outcome(pain_before=7, pain_after=7, relief=0, of="cesi-1", day=40)
    b = assess(judged.record)
    assert b.notes == ()
    assert b.phase is Phase.RE_EVALUATION
    recommended(b, Do.re_evaluation(), "S1")


def test_item3_early_adequate_relief_counts_at_once() -> None:
    early = left_c6_radiculopathy().outcome(pain_before=7, pain_after=1, relief=85, day=25)
    a = assess(early.record)
    assert a.phase is Phase.MAINTENANCE
    assert a.notes == ()


# -- item 5: disability is measured, not assumed ------------------------------------------------


def _after_failed_care(**symptoms: object) -> Clinic:
    """Failed targeted care (a transforaminal CESI after a failed first one) and PT, with
    a last visit reporting ``symptoms``."""
    return (
        left_c6_radiculopathy()
        .outcome(pain_before=7, pain_after=6, relief=15)
        .re_evaluation(56, arm=7, neck=3, radiating=["left C6"])
        .medication(57, "gabapentin", 1800)
        .pt(57, "deep_stabilisation", "core", "posture")
        .cesi(70, "transforaminal", "C5-6", "left")
        .outcome(pain_before=7, pain_after=6, relief=10)
        .visit(110, radiating=["left C6"], **symptoms)  # type: ignore[arg-type]
    )


def test_item5_unknown_disability_is_not_read_as_no() -> None:
    a = assess(_after_failed_care(arm=5, neck=3).record)
    consult = option(a, Do.consult(urgent=False))
    assert consult.status is Status.ALLOWED
    text = " | ".join(r.text for r in consult.reasons)
    assert "whether pain is debilitating is not known: worse of arm and neck pain NRS 5" in text
    assert "pain not debilitating" not in text
    assert (
        "disability not measured: record the quality-of-life impact or an NDI (S11 cannot "
        "judge debilitating pain from pain NRS 5 alone)"
    ) in a.notes


def test_item5_an_ndi_in_the_moderate_band_is_debilitating() -> None:
    a = assess(_after_failed_care(arm=5, neck=3, ndi=NeckDisabilityIndex(20)).record)
    consult = recommended(a, Do.consult(urgent=False), "S11")
    assert "debilitating pain (NDI 40% (debilitating from 30%))" in consult.reasons[0].text
    assert a.notes == ()


def test_item5_a_mild_ndi_says_no() -> None:
    a = assess(_after_failed_care(arm=5, neck=3, ndi=NeckDisabilityIndex(6)).record)
    consult = option(a, Do.consult(urgent=False))
    assert consult.status is Status.ALLOWED
    assert "pain not debilitating: NDI 12%" in " | ".join(r.text for r in consult.reasons)


def test_item5_severe_pain_alone_says_yes() -> None:
    a = assess(_after_failed_care(arm=8, neck=3).record)
    recommended(a, Do.consult(urgent=False), "S11")


def test_item5_the_payer_arm_pain_floor_binds_an_operation_in_the_payer_profile_only() -> None:
    clinic = (
        _after_failed_care(arm=2, neck=7, quality_of_life="debilitating")
        .consult(115)
        .visit(120, arm=2, neck=7, radiating=["left C6"], quality_of_life="debilitating")
    )
    acdf = Do.acdf("C5-6")
    assert option(assess(clinic.record), acdf).status is not Status.BLOCKED
    payer = assess(clinic.record, STRICT_PAYER)
    blocked(
        payer,
        acdf,
        "S14",
        "arm pain NRS 2, symptoms for 180 days since 2023-11-09 (this profile needs NRS >=4",
    )


def test_item12_progressive_weakness_makes_updated_imaging_favoured() -> None:
    clinic = _first_visit(motor={"left C6": 4}).visit(
        30, arm=7, neck=3, radiating=["left C6"], exam=exam(motor={"left C6": 3})
    )
    a = assess(clinic.record)
    assert a.first is not None
    assert a.first.action == Do.consult(urgent=True)
    imaging = recommended(a, Do.imaging(), "S2")
    assert "a deficit shown since the last cross-sectional imaging (imaging 2024-01-15)" in (
        imaging.reasons[0].text
    )
    # once updated imaging is on record, the same deficit does not ask for it again
    imaged = clinic.mri(35, herniation("C5-6", "left", "foraminal"))
    assert option(assess(imaged.record), Do.imaging()).status is not Status.RECOMMENDED


# -- item 4: every treatment is remembered ------------------------------------------------------


def test_item4_a_failed_gon_block_is_not_re_offered_after_a_later_cesi_fails() -> None:
    clinic = (
        Clinic(birth="1975-02-03", sex="female")
        .intake(0, arm=2, neck=6, headache="occipital_neuralgia", headache_side="right")
        .mri(5)
        .cesi(14, "interlaminar", "C6-7", "central")
        .outcome(pain_before=6, pain_after=6, relief=5)
        .gon(45, "right")
        .outcome(pain_before=6, pain_after=5, relief=20, day=60)
        .cesi(80, "interlaminar", "C5-6", "central")
        .outcome(pain_before=6, pain_after=6, relief=0, day=110)
        .visit(111, arm=2, neck=6, headache="occipital_neuralgia", headache_side="right")
    )
    gon = option(assess(clinic.record), Do.gon("right"))
    assert gon.status is Status.ALLOWED
    assert (
        "right GON block already given (GON block 2024-02-22: 20% relief, did not work: not "
        "enough relief)"
    ) in " | ".join(r.text for r in gon.reasons)


def test_item4_texts_about_past_blocks_name_their_date_and_result() -> None:
    clinic = (
        right_facet_pain()
        .mbb(70, "C5-6", side="right")
        .outcome(pain_before=7, pain_after=5, relief=30, concordant=True)
    )
    mbb = option(assess(clinic.record), Do.mbb("C5-6", "right"))
    assert mbb.status is not Status.RECOMMENDED
    assert (
        "a negative MBB at C5-6 right (MBB 2024-03-18: 30% relief, negative, below >50% relief)"
    ) in " | ".join(r.text for r in mbb.reasons)


# -- item 8: nerve root blocks and steroid -----------------------------------------------------


def _two_roots() -> Clinic:
    """Left C6 and C7 radicular pain, foraminal stenosis at C5-6 and C6-7, a failed CESI."""
    return (
        Clinic(birth="1969-06-01", sex="male")
        .intake(0, arm=7, neck=3, radiating=["left C6", "left C7"], onset=-60)
        .mri(5, foraminal("C5-6", "left"), foraminal("C6-7", "left"))
        .cesi(14, "interlaminar", "C6-7", "central")
        .outcome(pain_before=7, pain_after=6, relief=10, day=42)
        .re_evaluation(45, arm=7, neck=3, radiating=["left C6", "left C7"])
    )


def test_item8_what_a_root_block_injected_is_recorded_and_round_trips() -> None:
    record = _two_roots().snrb(50, "left C6", steroid_mg=4).record
    block = record.events[-1]
    assert isinstance(block, SelectiveNerveRootBlock)
    assert block.with_steroid
    assert block.steroid_dose_mg == 4.0
    assert loads(dumps(record), PatientRecord) == record
    with pytest.raises(InvalidValue, match="steroid_dose_mg"):
        SelectiveNerveRootBlock(
            id="x", date=block.date, root=block.root, side=block.side, steroid_dose_mg=4
        )


def test_item8_no_block_at_a_root_shortly_after_a_steroid_there() -> None:
    clinic = (
        _two_roots()
        .snrb(50, "left C6", steroid_mg=4)
        .outcome(pain_before=7, pain_after=3, relief=60, concordant=True, day=50)
    )
    a = assess(clinic.record, as_of=clinic.day(55))
    blocked(
        a,
        Do.snrb("left C6"),
        "S3",
        "steroid injected at left C6 on 2024-02-27, 5 days ago (this profile waits 14 days "
        "before a diagnostic block there)",
    )
    # another root is not affected; a transforaminal CESI at C7 blocks C7 for 14 days
    injected = clinic.cesi(56, "transforaminal", "C6-7", "left").outcome(
        pain_before=7, pain_after=6, relief=10, day=60
    )
    blocked(
        assess(injected.record, as_of=injected.day(60)),
        Do.snrb("left C7"),
        "S3",
        "steroid injected at left C7 on 2024-03-04, 4 days ago (this profile waits 14 days",
    )
    assert (
        option(assess(injected.record, as_of=injected.day(71)), Do.snrb("left C7")).status
        is not Status.BLOCKED
    )


def test_item8_a_block_with_steroid_counts_toward_epidural_limits_in_the_payer_profile() -> None:
    clinic = _two_roots().snrb(50, "left C6", steroid_mg=4)
    cesi = Do.cesi("transforaminal", "C5-6", "left")
    payer = option(assess(clinic.record, STRICT_PAYER, as_of=clinic.day(55)), cesi)
    assert payer.status is Status.BLOCKED
    assert any("only 5 days since the last epidural injection on" in r.text for r in payer.failed)
    consensus = option(assess(clinic.record, CONSENSUS_2022, as_of=clinic.day(55)), cesi)
    assert not any("since the last epidural injection" in r.text for r in consensus.failed)
    plain = _two_roots().snrb(50, "left C6")  # anaesthetic only: never counted
    assert not any(
        "since the last epidural injection" in r.text
        for r in option(assess(plain.record, STRICT_PAYER, as_of=plain.day(55)), cesi).failed
    )


# -- item 9: surgery and stimulation in the right order; CT myelography -------------------------


def _radicular_blocks_failed() -> Clinic:
    """Left C6 radicular pain from a foraminal herniation; an SNRB confirmed the root and the
    targeted transforaminal injection failed (blocks failed, S10)."""
    return (
        left_c6_radiculopathy()
        .outcome(pain_before=7, pain_after=6, relief=15)
        .re_evaluation(56, arm=7, neck=3, radiating=["left C6"], quality_of_life="severe")
        .snrb(60, "left C6")
        .outcome(pain_before=7, pain_after=1, relief=85, concordant=True, day=60)
        .cesi(80, "transforaminal", "C5-6", "left")
        .outcome(pain_before=7, pain_after=6, relief=10, day=110)
        .psych(110)
    )


def test_item9_a_stimulator_trial_needs_surgery_considered_for_a_correlating_lesion() -> None:
    clinic = _radicular_blocks_failed()
    blocked(
        assess(clinic.record),
        Do.scs_trial(),
        "S10",
        "surgery not yet considered (left C6 compressed and symptomatic, and no surgical "
        "opinion on record)",
    )
    seen = clinic.consult(115)
    trial = option(assess(seen.record), Do.scs_trial())
    assert trial.status is not Status.BLOCKED, [str(r) for r in trial.failed]
    unfit = clinic.health_update(115, asa_class=AsaClass.V)
    assert option(assess(unfit.record), Do.scs_trial()).status is not Status.BLOCKED


def test_item9_ct_myelography_is_offered_when_mri_is_contraindicated() -> None:
    plain = failed_cesi_without_imaging()
    recommended(assess(plain.record), Do.imaging("mri"), "S2")
    assert option(assess(plain.record), Do.imaging("ct_myelography")).status is Status.ALLOWED
    paced = plain.health_update(50, mri_contraindicated=True)
    a = assess(paced.record)
    blocked(a, Do.imaging("mri"), "S2", "MRI contraindicated (recorded in the health factors)")
    ct = recommended(a, Do.imaging("ct_myelography"), "S2")
    assert "CT myelography is the imaging of choice (MRI contraindicated" in ct.reasons[0].text


def failed_cesi_without_imaging() -> Clinic:
    return (
        Clinic(birth="1960-01-01", sex="female")
        .intake(0, arm=6, neck=3, radiating=["right C7"], onset=-50)
        .cesi(14, "interlaminar", "C7-T1", "central")
        .outcome(pain_before=6, pain_after=6, relief=0, day=42)
    )


def test_item9_the_payer_profile_needs_the_compression_graded() -> None:
    clinic = (
        Clinic(birth="1962-01-01", sex="male")
        .intake(0, arm=8, neck=3, radiating=["left C6"], onset=-200, quality_of_life="severe")
        .mri(5, foraminal("C5-6", "left", "mild"))
        .consult(20)
    )
    fusion = Do.acdf("C5-6")
    consensus = option(assess(clinic.record), fusion)
    assert not any("imaging does not correlate" in r.text for r in consensus.failed)
    blocked(
        assess(clinic.record, STRICT_PAYER),
        fusion,
        "S13",
        "only mild stenosis at C5-6 left foramen (this profile needs a herniation or stenosis "
        "graded moderate or severe)",
    )
