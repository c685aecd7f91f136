"""Worked clinical examples of rules S0-S4: the CESI outcome and the re-evaluation phase."""

from __future__ import annotations

import pytest

from clinic import (
    Clinic,
    Do,
    allowed,
    blocked,
    exam,
    facet,
    failed_cesi,
    foraminal,
    left_c6_radiculopathy,
    recommended,
)
from spinepath import CONSENSUS_2022, STRICT_PAYER, Phase, assess, evaluate
from spinepath.pathway import Status

REPEAT = Do.cesi("interlaminar", "C6-7", "central")
TARGETED = Do.cesi("transforaminal", "C5-6", "left")


# -- S0: the CESI outcome --------------------------------------------------------------------------


def test_s0_adequate_cesi_recommends_discharge() -> None:
    record = left_c6_radiculopathy().outcome(pain_before=7, pain_after=2, relief=70).record
    a = assess(record)
    assert a.phase is Phase.MAINTENANCE
    first = recommended(a, Do.discharge(), "S0")
    assert first.rank == 1
    assert (
        "adequate relief now (CESI 2024-01-29, reported 2024-02-26: 70% relief (adequate))"
        in first.reasons[0].text
    )
    # no escalation: nothing of the re-evaluation phase is favoured
    allowed(a, Do.re_evaluation(), "S1")
    allowed(a, Do.posture_review(), "S4")
    assert [o.action for o in a.recommended] == [Do.discharge()]


def test_s0_adequate_relief_that_did_not_last_is_a_failure() -> None:
    # 70% relief that wore off after 30 days, reported at the three-month visit
    record = (
        left_c6_radiculopathy()
        .outcome(pain_before=7, pain_after=2, relief=70, lasting=30, day=111)
        .record
    )
    a = assess(record)
    assert a.phase is Phase.RE_EVALUATION
    option = recommended(a, Do.re_evaluation(), "S1")
    assert (
        "the last CESI failed (CESI 2024-01-29, reported 2024-04-28: 70% relief lasting 30 "
        "days; adequate is >=50% relief lasting 90 days)" in option.reasons[0].text
    )
    allowed(a, Do.discharge(), "S0")


def test_s0_repeat_cesi_after_failure_is_allowed_not_recommended_under_consensus() -> None:
    a = assess(failed_cesi().record, CONSENSUS_2022)
    option = allowed(a, REPEAT, "S0")
    assert (
        "not favoured now: the last CESI failed (CESI 2024-01-29, reported 2024-02-26: 15% relief;"
        in option.reasons[0].text
    )
    assert a.option(REPEAT) not in a.recommended


def test_s0_repeat_cesi_after_failure_is_blocked_under_strict_payer() -> None:
    a = assess(failed_cesi().record, STRICT_PAYER)
    blocked(
        a,
        REPEAT,
        "S0",
        "the previous injection at interlaminar C6-7 central gave 15% relief "
        "(a repeat needs >=50%)",
    )


def test_s0_repeat_cesi_is_recommended_when_good_relief_has_worn_off() -> None:
    # 70% relief for four months, then the arm pain came back
    clinic = left_c6_radiculopathy().outcome(
        pain_before=7, pain_after=2, relief=70, lasting=120, day=171
    )
    clinic = clinic.visit(171, arm=6, neck=3, radiating=["left C6"])
    for profile in (CONSENSUS_2022, STRICT_PAYER):
        a = assess(clinic.record, profile)
        option = recommended(a, REPEAT, "S0")
        assert (
            "the last CESI worked (CESI 2024-01-29, reported 2024-06-27: 70% relief lasting "
            "120 days;" in option.reasons[0].text
        )
        allowed(a, Do.discharge(), "S0")


def _four_good_injections() -> Clinic:
    """Four interlaminar injections in ten months, each with 60% relief for 90 days."""
    clinic = left_c6_radiculopathy()
    for n, day in enumerate((21, 111, 201, 291)):
        if n:
            clinic = clinic.cesi(day, "interlaminar", "C6-7", "central")
        clinic = clinic.outcome(pain_before=7, pain_after=3, relief=60, lasting=90, day=day + 90)
    return clinic


def test_s0_fifth_epidural_injection_in_12_months_is_blocked() -> None:
    clinic = _four_good_injections()
    a = assess(clinic.record)
    assert a.as_of == clinic.day(381)
    for action in (REPEAT, TARGETED):
        blocked(a, action, "S0", "4 epidural injections in 12 months (limit 4): limit reached")
    # a year after the first injection the window has room again
    later = assess(clinic.record, as_of=clinic.day(21 + 365))
    allowed(later, TARGETED, "S5")


def test_s0_strict_payer_caps_injections_at_three_in_six_months() -> None:
    clinic = (
        left_c6_radiculopathy()
        .outcome(pain_before=7, pain_after=3, relief=60, day=49)
        .cesi(63, "interlaminar", "C6-7", "central")
        .outcome(pain_before=7, pain_after=3, relief=60, day=91)
        .cesi(105, "interlaminar", "C6-7", "central")
        .outcome(pain_before=7, pain_after=3, relief=60, day=133)
    )
    blocked(
        assess(clinic.record, STRICT_PAYER),
        REPEAT,
        "S0",
        "3 epidural injections in 12 months (limit 4), 3 in 6 months (limit 3): limit reached",
    )
    assert evaluate(clinic.record, REPEAT, CONSENSUS_2022).legal


def test_s0_epidural_injections_are_at_least_14_days_apart() -> None:
    # the CESI gave nothing within the week; the patient asks for another at once
    clinic = left_c6_radiculopathy().outcome(pain_before=7, pain_after=7, relief=0, day=28)
    too_soon = assess(clinic.record, as_of=clinic.day(30))
    blocked(
        too_soon,
        TARGETED,
        "S0",
        "only 9 days since the last epidural injection on",
    )
    assert evaluate(clinic.record, TARGETED, as_of=clinic.day(35)).legal


def test_s0_no_epidural_injection_on_anticoagulants() -> None:
    # the epidural is intermediate risk: an anticoagulant with no hold recorded blocks it (SF1)
    clinic = failed_cesi().health_update(50, anticoagulated=True)
    blocked(
        assess(clinic.record),
        REPEAT,
        "SF1",
        "anticoagulated (health factors) with no anticoagulant named: record the drug and a "
        "hold of its interval before an intermediate-risk procedure",
    )


# -- S1: re-evaluate first -------------------------------------------------------------------------


def test_s1_re_evaluation_recommended_after_a_failed_cesi() -> None:
    a = assess(failed_cesi().record)
    assert a.phase is Phase.RE_EVALUATION
    option = recommended(a, Do.re_evaluation(), "S1")
    assert option.rank == 1
    assert option.reasons[0].text == (
        "the last CESI failed (CESI 2024-01-29, reported 2024-02-26: 15% relief; adequate is "
        ">=50% relief lasting 90 days); not re-evaluated since the CESI failed; no adequate "
        "relief now (CESI 2024-01-29, reported 2024-02-26: 15% relief (not enough relief))"
    )


def test_s1_re_evaluation_not_recommended_once_done() -> None:
    record = failed_cesi().re_evaluation(50, arm=7, neck=3, radiating=["left C6"]).record
    option = allowed(assess(record), Do.re_evaluation(), "S1")
    assert option.reasons[0].text == "not favoured now: re-evaluated since the CESI failed"


def test_s1_re_evaluation_not_recommended_before_the_outcome_is_known() -> None:
    a = assess(left_c6_radiculopathy().record)
    assert a.phase is Phase.CESI_OUTCOME
    allowed(a, Do.re_evaluation(), "S1")
    assert not a.recommended


def test_s1_an_ordinary_follow_up_visit_is_not_a_re_evaluation() -> None:
    record = failed_cesi().visit(50, arm=7, neck=3, radiating=["left C6"]).record
    recommended(assess(record), Do.re_evaluation(), "S1")


# -- S2: updated imaging ---------------------------------------------------------------------------


@pytest.mark.parametrize("trajectory", ["worsening", "changed"])
def test_s2_imaging_recommended_when_symptoms_changed_since_the_mri(trajectory: str) -> None:
    record = (
        failed_cesi()
        .re_evaluation(56, arm=8, neck=3, radiating=["left C6", "left C7"], trajectory=trajectory)
        .record
    )
    option = recommended(assess(record), Do.imaging(), "S2")
    assert "symptoms changed or worsened since the last imaging" in option.reasons[0].text


def test_s2_imaging_not_recommended_when_symptoms_are_unchanged() -> None:
    record = (
        failed_cesi()
        .re_evaluation(56, arm=7, neck=3, radiating=["left C6"], trajectory="unchanged")
        .record
    )
    option = allowed(assess(record), Do.imaging(), "S2")
    assert "symptoms not reported changed since the last imaging" in option.reasons[0].text


@pytest.mark.parametrize("answer", ["order", "study"])
def test_s2_imaging_not_recommended_again_once_ordered_or_done(answer: str) -> None:
    clinic = failed_cesi().re_evaluation(
        56, arm=8, neck=3, radiating=["left C6"], trajectory="worsening"
    )
    if answer == "order":
        clinic = clinic.imaging_order(57)
    else:
        clinic = clinic.mri(70, foraminal("C5-6", "left", "severe"))
    allowed(assess(clinic.record), Do.imaging(), "S2")


def test_s2_imaging_recommended_after_a_failed_cesi_with_only_an_xray() -> None:
    record = (
        Clinic()
        .intake(0, arm=6, neck=4, radiating=["right C7"], onset=-50)
        .xray(3, facet("C6-7", "right"))
        .cesi(14, "interlaminar", "C7-T1", "central")
        .outcome(pain_before=6, pain_after=6, relief=0)
        .record
    )
    option = recommended(assess(record), Do.imaging(), "S2")
    assert "no MRI or CT on record" in option.reasons[0].text


# -- S3: diagnostic selective nerve root block -----------------------------------------------------


def _two_level_foraminal() -> Clinic:
    """A 37-year-old woman with arm pain into the thumb and middle finger and foraminal stenosis
    at C5-6 and C6-7 left, after an interlaminar CESI that gave 20% relief."""
    return (
        Clinic(birth="1986-11-03", sex="female")
        .intake(0, arm=7, neck=4, radiating=["left C6", "left C7"], onset=-70)
        .mri(5, foraminal("C5-6", "left", "moderate"), foraminal("C6-7", "left", "moderate"))
        .cesi(19, "interlaminar", "C7-T1", "left")
        .outcome(pain_before=7, pain_after=6, relief=20)
        .re_evaluation(50, arm=7, neck=4, radiating=["left C6", "left C7"])
    )


def test_s3_snrb_recommended_at_each_candidate_when_imaging_shows_two_roots() -> None:
    a = assess(_two_level_foraminal().record)
    for root in ("left C6", "left C7"):
        option = recommended(a, Do.snrb(root), "S3")
        assert (
            f"imaging shows several possible roots (left C6, left C7); {root} is implicated by "
            f"imaging and the symptoms; {root} not yet blocked; "
            "no adequate relief now (CESI 2024-01-27, reported 2024-02-24: 20% relief "
            "(not enough relief))"
        ) == option.reasons[0].text


def test_s3_snrb_not_recommended_when_imaging_shows_one_root() -> None:
    a = assess(failed_cesi().re_evaluation(50, arm=7, neck=3, radiating=["left C6"]).record)
    option = allowed(a, Do.snrb("left C6"), "S3")
    assert "imaging and symptoms point to one root at most (left C6)" in option.reasons[0].text


def test_s3_snrb_not_repeated_at_a_root_already_blocked() -> None:
    record = (
        _two_level_foraminal()
        .snrb(60, "left C6")
        .outcome(pain_before=7, pain_after=6, relief=15, concordant=False)
        .record
    )
    a = assess(record)
    option = allowed(a, Do.snrb("left C6"), "S3")
    assert "left C6 already blocked" in option.reasons[0].text
    recommended(a, Do.snrb("left C7"), "S3")


def test_s3_a_compressed_root_that_matches_no_symptom_is_not_a_candidate() -> None:
    # C5-6 left compresses left C6 (the painful root); C6-7 right compresses right C7 (silent)
    record = (
        failed_cesi()
        .mri(50, foraminal("C5-6", "left", "moderate"), foraminal("C6-7", "right", "mild"))
        .record
    )
    option = evaluate(record, Do.snrb("right C7"))
    assert option.status is Status.ALLOWED
    assert "right C7 is not implicated by the symptoms" in option.reasons[0].text


def test_s3_snrb_blocked_in_pregnancy() -> None:
    clinic = _two_level_foraminal()
    assert evaluate(clinic.record, Do.snrb("left C6")).legal
    pregnant = clinic.health_update(52, pregnant=True)
    blocked(assess(pregnant.record), Do.snrb("left C6"), "S3", "pregnant")


# -- S4: mechanics and posture ---------------------------------------------------------------------


def test_s4_posture_review_recommended_after_a_failed_cesi() -> None:
    option = recommended(assess(failed_cesi().record), Do.posture_review(), "S4")
    assert "posture not reviewed since the CESI failed" in option.reasons[0].text


def test_s4_posture_review_not_repeated_once_done() -> None:
    record = failed_cesi().posture(55).record
    option = allowed(assess(record), Do.posture_review(), "S4")
    assert option.reasons[0].text == "not favoured now: posture reviewed since the CESI failed"


def test_s4_a_review_before_the_failure_does_not_count() -> None:
    record = (
        left_c6_radiculopathy()
        .posture(25)
        .outcome(pain_before=7, pain_after=6, relief=15, of="cesi-1")
        .record
    )
    recommended(assess(record), Do.posture_review(), "S4")


def test_s4_not_favoured_while_the_cesi_works() -> None:
    record = left_c6_radiculopathy().outcome(pain_before=7, pain_after=1, relief=85).record
    allowed(assess(record), Do.posture_review(), "S4")


def test_s4_red_flag_exam_does_not_change_s4() -> None:
    # the posture review stays favoured; S12 only puts the urgent consultation ahead of it
    record = failed_cesi().visit(
        50, arm=7, neck=3, radiating=["left C6"], exam=exam(motor={"left C6": 3})
    )
    a = assess(record.record)
    assert a.first is not None
    assert a.first.urgent
    recommended(a, Do.posture_review(), "S4")
