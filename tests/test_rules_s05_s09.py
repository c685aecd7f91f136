"""Worked clinical examples of rules S5-S9: treatment aimed at the confirmed source."""

from __future__ import annotations

import pytest

from clinic import (
    Clinic,
    Do,
    allowed,
    blocked,
    facet,
    failed_cesi,
    recommended,
    right_facet_pain,
)
from spinepath import CONSENSUS_2022, STRICT_PAYER, Phase, Profile, assess, evaluate, make_event
from spinepath.model import Medication, MedicationTrial
from spinepath.pathway import Status

TARGETED = Do.cesi("transforaminal", "C5-6", "left")


# -- S5: confirmed root, targeted treatment --------------------------------------------------------


def _after_snrb(relief: float, concordant: bool | None = True) -> Clinic:
    return (
        failed_cesi()
        .re_evaluation(50, arm=7, neck=3, radiating=["left C6"])
        .snrb(60, "left C6")
        .outcome(pain_before=7, pain_after=round(7 * (1 - relief / 100)), relief=relief,
                 concordant=concordant)
    )  # fmt: skip


@pytest.mark.parametrize("profile", [CONSENSUS_2022, STRICT_PAYER], ids=lambda p: p.name)
def test_s5_targeted_transforaminal_injection_recommended_after_positive_snrb(
    profile: Profile,
) -> None:
    option = recommended(assess(_after_snrb(80).record, profile), TARGETED, "S5")
    assert option.reasons[0].text == (
        "positive SNRB confirms left C6 (SNRB 2024-03-08: 80% relief, positive); not yet "
        "injected at transforaminal C5-6 left since the root was confirmed"
    )


def test_s5_not_recommended_after_negative_snrb() -> None:
    option = allowed(assess(_after_snrb(20).record), TARGETED, "S5")
    assert (
        "no positive SNRB at left C6 (SNRB 2024-03-08: 20% relief, negative, below >=50% "
        "concordant relief)"
    ) in option.reasons[0].text


def test_s5_not_recommended_after_discordant_snrb() -> None:
    # plenty of relief, but not of the patient's usual arm pain: the root is not confirmed
    allowed(assess(_after_snrb(80, concordant=False).record), TARGETED, "S5")


def test_s5_not_recommended_once_the_targeted_injection_is_done() -> None:
    record = (
        _after_snrb(80)
        .cesi(75, "transforaminal", "C5-6", "left")
        .outcome(pain_before=7, pain_after=5, relief=30)
        .record
    )
    option = evaluate(record, TARGETED)
    assert option.status is Status.ALLOWED
    assert any(
        r.rule == "S5" and "already injected at transforaminal C5-6 left" in r.text
        for r in option.reasons
    )


def test_s5_the_injection_goes_back_to_the_cesi_outcome_phase() -> None:
    record = _after_snrb(80).cesi(75, "transforaminal", "C5-6", "left").record
    assert assess(record).phase is Phase.CESI_OUTCOME


# -- S6: facet pain, MBB then RFA ------------------------------------------------------------------


def test_s6_mbb_recommended_at_facet_arthropathy_targets_with_facet_signs() -> None:
    a = assess(right_facet_pain().record)
    for segment in ("C4-5", "C5-6"):
        option = recommended(a, Do.mbb(segment, "right"), "S6")
        assert option.reasons[0].text.startswith(
            f"facet-type pain (axial neck pain or cervicogenic headache); facet arthropathy at "
            f"{segment} right on imaging"
        )


def test_s6_mbb_not_recommended_without_facet_signs() -> None:
    # the same imaging, but the pain is now in the arm rather than the neck
    record = right_facet_pain().visit(60, arm=7, neck=3, radiating=["right C6"]).record
    option = allowed(assess(record), Do.mbb("C5-6", "right"), "S6")
    assert "no facet-type pain" in option.reasons[0].text


def test_s6_mbb_blocked_before_the_conservative_period() -> None:
    record = (
        Clinic(birth="1961-02-14", sex="male")
        .intake(0, arm=1, neck=6, onset=-30)
        .mri(7, facet("C5-6", "left"))
        .record
    )
    blocked(
        assess(record),
        Do.mbb("C5-6", "left"),
        "S6",
        "symptoms for only 37 days since 2023-12-09 (facet procedures need 90 days)",
    )


def test_s6_rfa_blocked_without_positive_mbb() -> None:
    a = assess(right_facet_pain().record)
    for segment in ("C4-5", "C5-6"):
        blocked(
            a,
            Do.rfa(segment, "right"),
            "S6",
            f"no positive MBB at {segment} right (this profile needs >50% relief on one block)",
        )


def test_s6_rfa_blocked_after_a_negative_mbb() -> None:
    record = (
        right_facet_pain()
        .mbb(70, "C5-6", side="right")
        .outcome(pain_before=7, pain_after=6, relief=20, concordant=True)
        .record
    )
    a = assess(record)
    blocked(a, Do.rfa("C5-6", "right"), "S6", "no positive MBB at C5-6 right")
    option = allowed(a, Do.mbb("C5-6", "right"), "S6")
    assert "a negative MBB at C5-6 right" in option.reasons[0].text


def test_s6_rfa_legal_after_positive_mbb() -> None:
    record = (
        right_facet_pain()
        .mbb(70, "C5-6", side="right")
        .outcome(pain_before=7, pain_after=1, relief=85, concordant=True)
        .record
    )
    a = assess(record)
    option = recommended(a, Do.rfa("C5-6", "right"), "S6")
    assert any("positive MBB at C5-6 right" in r.text for r in option.reasons)
    # only the blocked level: C4-5 was never tested
    blocked(a, Do.rfa("C4-5", "right"), "S6", "no positive MBB at C4-5 right")


def _single_mbb_60() -> Clinic:
    return (
        right_facet_pain()
        .mbb(70, "C5-6", side="right")
        .outcome(pain_before=7, pain_after=3, relief=60, concordant=True)
    )


def test_s6_profiles_differ_on_a_single_mbb_with_60_percent_relief() -> None:
    record = _single_mbb_60().record
    rfa = Do.rfa("C5-6", "right")
    assert assess(record, CONSENSUS_2022).option(rfa) is not None
    recommended(assess(record, CONSENSUS_2022), rfa, "S6")
    blocked(
        assess(record, STRICT_PAYER),
        rfa,
        "S6",
        "no positive MBB at C5-6 right (MBB 2024-03-18: 60% relief, negative, below >=80% "
        "relief; this profile needs >=80% relief on 2 comparative blocks)",
    )


def test_s6_strict_payer_needs_two_comparative_blocks_of_80_percent() -> None:
    first = (
        right_facet_pain()
        .mbb(70, "C5-6", side="right")
        .outcome(pain_before=7, pain_after=1, relief=85, concordant=True)
    )
    a = assess(first.record, STRICT_PAYER)
    recommended(a, Do.mbb("C5-6", "right", series_position=2), "S6")
    blocked(
        a,
        Do.rfa("C5-6", "right"),
        "S6",
        "too few positive MBBs at C5-6 right (MBB 2024-03-18: 85% relief, positive; this profile "
        "needs >=80% relief on 2 comparative blocks)",  # one was positive: not "no positive MBB"
    )
    second = first.mbb(84, "C5-6", side="right", series_position=2).outcome(
        pain_before=7, pain_after=1, relief=80, concordant=True
    )
    recommended(assess(second.record, STRICT_PAYER), Do.rfa("C5-6", "right"), "S6")


def test_s6_confirmatory_block_blocked_without_a_positive_first_block() -> None:
    option = evaluate(right_facet_pain().record, Do.mbb("C5-6", "right", 2), STRICT_PAYER)
    assert option.status is Status.BLOCKED
    assert [str(r) for r in option.failed] == ["S6: no first positive MBB at C5-6 right to confirm"]


def _after_rfa(relief: float, lasting: int, reported: int) -> Clinic:
    """A positive MBB, RFA on day 90, its outcome reported on ``reported``."""
    return (
        right_facet_pain()
        .mbb(70, "C5-6", side="right")
        .outcome(pain_before=7, pain_after=1, relief=85, concordant=True)
        .mbb(80, "C5-6", side="right", series_position=2)
        .outcome(pain_before=7, pain_after=1, relief=85, concordant=True)
        .rfa(90, "C5-6", side="right")
        .outcome(pain_before=7, pain_after=2, relief=relief, lasting=lasting, day=reported)
        .visit(reported, arm=1, neck=7)
    )


def test_s6_repeat_rfa_under_consensus_needs_30_percent_for_3_months() -> None:
    rfa = Do.rfa("C5-6", "right")
    good = _after_rfa(relief=70, lasting=150, reported=250)
    option = recommended(assess(good.record, CONSENSUS_2022), rfa, "S6")
    assert any(
        "earlier RFA at C5-6 right qualifies for a repeat (RFA 2024-04-07: 70% relief lasting "
        "150 days; a repeat needs >30% relief for >=90 days)" in r.text
        for r in option.reasons
    )
    poor = _after_rfa(relief=25, lasting=150, reported=250)
    blocked(
        assess(poor.record, CONSENSUS_2022),
        rfa,
        "S6",
        "earlier RFA at C5-6 right does not qualify for a repeat (RFA 2024-04-07: 25% relief "
        "lasting 150 days; a repeat needs >30% relief for >=90 days)",
    )
    brief = _after_rfa(relief=70, lasting=60, reported=250)
    blocked(assess(brief.record, CONSENSUS_2022), rfa, "S6", "does not qualify for a repeat")


def test_s6_repeat_rfa_under_strict_payer_waits_183_days() -> None:
    rfa = Do.rfa("C5-6", "right")
    clinic = _after_rfa(relief=70, lasting=120, reported=250)
    blocked(
        assess(clinic.record, STRICT_PAYER),
        rfa,
        "S6",
        "only 160 days since the last RFA at C5-6 right (RFA 2024-04-07; minimum 183 days)",
    )
    later = assess(clinic.record, STRICT_PAYER, as_of=clinic.day(90 + 183))
    recommended(later, rfa, "S6")
    # the consensus profile sets no minimum interval
    recommended(assess(clinic.record, CONSENSUS_2022), rfa, "S6")


def test_s6_repeat_rfa_under_strict_payer_needs_50_percent_for_12_weeks() -> None:
    clinic = _after_rfa(relief=40, lasting=120, reported=300)
    blocked(
        assess(clinic.record, STRICT_PAYER),
        Do.rfa("C5-6", "right"),
        "S6",
        "does not qualify for a repeat (RFA 2024-04-07: 40% relief lasting 120 days; a repeat "
        f"needs >=50% relief for >={STRICT_PAYER.repeat_rfa_prior_relief_days.value} days)",
    )
    recommended(assess(clinic.record, CONSENSUS_2022), Do.rfa("C5-6", "right"), "S6")


def test_s6_strict_payer_allows_two_rfa_sessions_a_year() -> None:
    clinic = (
        right_facet_pain()
        .mbb(70, "C4-5", "C5-6", side="right")
        .outcome(pain_before=7, pain_after=1, relief=90, concordant=True)
        .mbb(77, "C4-5", "C5-6", side="right", series_position=2)
        .outcome(pain_before=7, pain_after=1, relief=90, concordant=True)
        .rfa(90, "C5-6", side="right")
        .outcome(pain_before=7, pain_after=6, relief=10, day=118)
        .rfa(120, "C4-5", side="right")
        .outcome(pain_before=6, pain_after=3, relief=50, lasting=100, day=300)
        .visit(320, arm=1, neck=7)
    )
    blocked(
        assess(clinic.record, STRICT_PAYER),
        Do.rfa("C4-5", "right"),
        "S6",
        "2 RFA sessions in 12 months (limit 2): limit reached",
    )
    assert evaluate(clinic.record, Do.rfa("C4-5", "right"), CONSENSUS_2022).legal


# -- S7: occipital pain, GON block -----------------------------------------------------------------


def _occipital(side: str = "left") -> Clinic:
    """Cervicogenic headache on one side persisting after the ESI."""
    return failed_cesi().re_evaluation(
        50,
        arm=3,
        neck=5,
        radiating=["left C6"],
        headache="occipital_neuralgia",
        headache_side=side,
    )


def test_s7_gon_block_recommended_on_the_painful_side() -> None:
    a = assess(_occipital("left").record)
    option = recommended(a, Do.gon("left"), "S7")
    assert option.reasons[0].text.startswith("occipital pain on the left side; no left GON block")
    assert a.option(Do.gon("right")) is None  # not even a candidate
    other = evaluate(_occipital("left").record, Do.gon("right"))
    assert other.status is Status.ALLOWED
    assert "no occipital pain on the right side" in other.reasons[0].text


def test_s7_bilateral_headache_makes_both_sides_candidates() -> None:
    a = assess(_occipital("bilateral").record)
    recommended(a, Do.gon("left"), "S7")
    recommended(a, Do.gon("right"), "S7")


def test_s7_gon_block_not_repeated_after_it_failed() -> None:
    record = (
        _occipital("left").gon(55, "left").outcome(pain_before=6, pain_after=5, relief=15).record
    )
    option = allowed(assess(record), Do.gon("left"), "S7")
    assert "left GON block already given" in option.reasons[0].text


def test_s7_gon_block_repeated_once_its_relief_wore_off() -> None:
    record = (
        _occipital("left")
        .gon(55, "left")
        .outcome(pain_before=6, pain_after=1, relief=80, lasting=60, day=120)
        .record
    )
    option = recommended(assess(record), Do.gon("left"), "S7")
    assert "an earlier left GON block worked" in option.reasons[0].text


def _gon_every(days: int, count: int, side: str = "left") -> Clinic:
    """``count`` blocks on one side, ``days`` apart, each relieving for a month."""
    clinic = _occipital(side)
    for k in range(count):
        day = 55 + k * days
        clinic = clinic.gon(day, side).outcome(
            pain_before=6, pain_after=1, relief=80, lasting=30, day=day + 35
        )
    return clinic


def test_s7_gon_blocks_capped_per_rolling_12_months() -> None:
    clinic = _gon_every(60, 4)  # days 55, 115, 175, 235: four in a year
    at = clinic.day(300)
    option = evaluate(clinic.record, Do.gon("left"), as_of=at)
    assert option.status is Status.BLOCKED
    assert "S7: 4 left GON blocks in 12 months (limit 4): limit reached" in [
        str(r) for r in option.failed
    ]
    # the right side is counted on its own
    assert "right GON blocks" not in " ".join(str(r) for r in option.failed)
    # a year after the first block, three remain in the window: legal again
    later = evaluate(clinic.record, Do.gon("left"), as_of=clinic.day(55 + 365))
    assert later.status is Status.RECOMMENDED
    assert any("3 left GON blocks in 12 months (limit 4)" in r.text for r in later.reasons)


def test_s7_gon_cap_is_a_profile_figure() -> None:
    clinic = _gon_every(60, 4)
    uncapped = CONSENSUS_2022.derive("uncapped", "no GON cap", gon_max_per_12_months=None)
    option = evaluate(clinic.record, Do.gon("left"), as_of=clinic.day(300), profile=uncapped)
    assert option.status is Status.RECOMMENDED
    figure = CONSENSUS_2022.gon_max_per_12_months
    assert (figure.value, figure.unit, figure.grade) == (4, "blocks per side", "assumption")


def test_s7_gon_block_blocked_with_active_infection() -> None:
    record = _occipital("left").health_update(52, active_infection=True).record
    blocked(assess(record), Do.gon("left"), "S7", "active infection")


# -- S8: nerve-stabilising medication --------------------------------------------------------------


def test_s8_medication_recommended_for_radicular_pain_after_failure() -> None:
    a = assess(failed_cesi().record)
    option = recommended(a, Do.drug(), "S8")
    assert str(option.action) == (
        "Nerve-stabilising medication (a gabapentinoid: gabapentin or pregabalin)"
    )
    assert option.reasons[0].text.startswith("radicular arm pain; the last CESI failed")
    # one choice, either drug: not two ranked recommendations
    assert [o.action for o in a.of_kind(Do.drug().kind)] == [Do.drug()]
    for drug in ("gabapentin", "pregabalin"):
        assert evaluate(failed_cesi().record, Do.drug(drug)).status is Status.RECOMMENDED


def test_s8_gabapentinoids_are_not_combined() -> None:
    record = failed_cesi().medication(50, "gabapentin", 900).record
    blocked(
        assess(record), Do.drug(), "S8", "gabapentin under way (gabapentinoids are not combined)"
    )
    pregabalin = evaluate(record, Do.drug("pregabalin"))
    assert pregabalin.status is Status.BLOCKED
    assert [r.text for r in pregabalin.failed] == [
        "gabapentin under way (gabapentinoids are not combined)"
    ]
    assert "gabapentin already under way" in [
        r.text for r in evaluate(record, Do.drug("gabapentin")).failed
    ]


def test_s8_switching_is_legal_once_the_first_drug_is_stopped() -> None:
    record = (
        failed_cesi()
        .medication(50, "gabapentin", 1800, stop=90)
        .visit(95, arm=7, neck=3, radiating=["left C6"])
    )
    option = allowed(assess(record.record), Do.drug(), "S8")
    assert "nerve-stabilising medication tried" in option.reasons[0].text
    # recorded without naming a drug, the switch is to the one not yet tried
    event = make_event(Do.drug(), id="m2", date=record.day(96), record=record.record)
    assert isinstance(event, MedicationTrial)
    assert event.drug is Medication.PREGABALIN


def test_s8_not_favoured_for_axial_pain() -> None:
    option = allowed(assess(right_facet_pain().record), Do.drug(), "S8")
    assert "no radicular arm pain" in option.reasons[0].text


# -- S9: advanced physical therapy -----------------------------------------------------------------


def test_s9_advanced_pt_recommended_after_failure() -> None:
    option = recommended(assess(failed_cesi().record), Do.advanced_pt(), "S9")
    assert "no advanced physical therapy since the CESI failed" in option.reasons[0].text


def test_s9_advanced_pt_not_repeated_while_under_way() -> None:
    record = failed_cesi().pt(55, "deep_stabilisation", "core", "posture").record
    option = allowed(assess(record), Do.advanced_pt(), "S9")
    assert "advanced physical therapy since the CESI failed" in option.reasons[0].text


def test_s9_a_general_pt_course_is_not_advanced() -> None:
    record = failed_cesi().pt(55, "general").record
    recommended(assess(record), Do.advanced_pt(), "S9")


def test_s9_posture_faults_favour_advanced_pt_even_after_good_relief() -> None:
    record = (
        Clinic()
        .intake(0, arm=6, neck=4, radiating=["left C6"], onset=-40)
        .cesi(14, "interlaminar", "C6-7", "central")
        .outcome(pain_before=6, pain_after=2, relief=65)
        .posture(45, forward_head=True, thoracic=False)
        .record
    )
    option = recommended(assess(record), Do.advanced_pt(), "S9")
    assert "posture review 2024-02-22 found faults to correct" in option.reasons[0].text
