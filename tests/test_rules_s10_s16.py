"""Worked clinical examples of rules S10-S16: advanced care, red flags and surgery."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from clinic import (
    Clinic,
    Do,
    allowed,
    blocked,
    central,
    exam,
    failed_cesi,
    foraminal,
    herniation,
    instability,
    left_c6_radiculopathy,
    recommended,
    right_facet_pain,
)
from spinepath import Phase, apply, assess, evaluate, make_event
from spinepath.model import AsaClass
from spinepath.pathway import Status

C6_DEFICIT = exam(motor={"left C6": 4}, sensory={"left C6": "diminished"})


# -- S10: advanced interventional ------------------------------------------------------------------


def _failed_rfa() -> Clinic:
    """Facet pain whose RFA, after a positive block, gave 20% relief; a psychological
    evaluation found the patient suitable for stimulation (SF6)."""
    clinic = (
        right_facet_pain()
        .mbb(70, "C5-6", side="right")
        .outcome(pain_before=7, pain_after=1, relief=85, concordant=True)
        .rfa(84, "C5-6", side="right")
        .outcome(pain_before=7, pain_after=6, relief=20)
    )
    return clinic.psych(clinic.last_day)


def test_s10_scs_trial_blocked_until_blocks_failed() -> None:
    a = assess(failed_cesi().record)
    blocked(a, Do.scs_trial(), "S10", "no failed RFA or therapeutic block on record")
    blocked(a, Do.regenerative(), "S10", "no failed RFA or therapeutic block on record")


def test_s10_scs_trial_legal_once_rfa_failed() -> None:
    a = assess(_failed_rfa().record)
    option = allowed(a, Do.scs_trial(), "S10")
    assert any(
        "blocks failed (radiofrequency ablation 2024-04-01: 20% relief, not enough relief)"
        in r.text
        for r in option.reasons
    )
    # the article does not favour regenerative medicine: at most allowed
    allowed(a, Do.regenerative(), "S10")


def test_s10_scs_trial_recommended_for_radicular_pain_after_failed_blocks() -> None:
    record = _failed_rfa().visit(115, arm=6, neck=6, radiating=["right C6"]).record
    recommended(assess(record), Do.scs_trial(), "S10")


def test_s10_implant_blocked_without_a_trial() -> None:
    blocked(
        assess(_failed_rfa().record),
        Do.scs_implant(),
        "S10",
        "no successful stimulator trial (no trial)",
    )


def test_s10_implant_blocked_after_an_unsuccessful_trial() -> None:
    record = _failed_rfa().scs_trial(120).outcome(pain_before=7, pain_after=5, relief=40, day=127)
    blocked(
        assess(record.record),
        Do.scs_implant(),
        "S10",
        "no successful stimulator trial (40% relief, needs >=50%)",
    )


def test_s10_implant_recommended_after_a_successful_trial() -> None:
    record = _failed_rfa().scs_trial(120).outcome(pain_before=7, pain_after=3, relief=50, day=127)
    a = assess(record.record)
    option = recommended(a, Do.scs_implant(), "S10")
    assert option.reasons[0].text == "successful stimulator trial"
    assert a.phase is Phase.ADVANCED_INTERVENTIONAL


def test_s10_scs_trial_waits_for_an_indicated_operation_done_or_declined() -> None:
    consulted = _failed_non_surgical_care().consult(95).psych(95)
    a = assess(consulted.record)
    option = allowed(a, Do.scs_trial(), "S10")
    assert option.reasons[0].text == (
        "not favoured now: an operation is still open (left C6 compressed and symptomatic; "
        "a surgeon consulted; neither operated nor declined)"
    )
    recommended(a, Do.acdf("C5-6"), "S14")
    declined = consulted.decide(96, "declined", "acdf", "laminoforaminotomy")
    b = assess(declined.record)
    option = recommended(b, Do.scs_trial(), "S10")
    assert "no operation open (the patient declined surgery on 2024-04-13)" in (
        option.reasons[0].text
    )


def _two_roots_confirmed(root: str) -> Clinic:
    """Left C6 and C7 pain, both foramina narrowed; an SNRB confirms one root."""
    return (
        Clinic(birth="1966-07-19", sex="male")
        .intake(0, arm=8, neck=4, radiating=["left C6", "left C7"], onset=-30, exam=C6_DEFICIT)
        .mri(7, foraminal("C5-6", "left"), foraminal("C6-7", "left"))
        .cesi(14, "interlaminar", "C6-7", "central")
        .outcome(pain_before=8, pain_after=7, relief=15)
        .re_evaluation(42, arm=8, neck=4, radiating=["left C6", "left C7"], exam=C6_DEFICIT)
        .snrb(49, root)
        .outcome(pain_before=8, pain_after=2, relief=75, concordant=True)
        .medication(50, "gabapentin", 1800)
        .pt(50, "deep_stabilisation", "core", "posture")
        .cesi(63, "transforaminal", "C6-7" if root == "left C7" else "C5-6", "left")
        .outcome(pain_before=8, pain_after=7, relief=15)
        .visit(
            91,
            arm=8,
            neck=4,
            radiating=["left C6", "left C7"],
            quality_of_life="debilitating",
            exam=C6_DEFICIT,
        )
        .consult(95)
    )


def test_s13_the_operation_favoured_is_at_the_root_a_block_confirmed() -> None:
    a = assess(_two_roots_confirmed("left C7").record)
    option = recommended(a, Do.foraminotomy("C6-7", "left"), "S15")
    assert any(
        "C6-7 left decompresses the root a nerve root block confirmed: left C7 "
        "(SNRB 2024-02-26: 75% relief, positive)" in r.text
        for r in option.reasons
    )
    recommended(a, Do.acdf("C6-7"), "S14")
    # the other symptomatic level stays a surgeon's option, not a recommendation
    other = allowed(a, Do.foraminotomy("C5-6", "left"), "S15")
    assert any(
        "C5-6 left does not reach the root a nerve root block confirmed: left C7" in r.text
        for r in other.reasons
    )
    allowed(a, Do.acdf("C5-6"), "S14")
    recommended(a, Do.acdf("C5-6", "C6-7"), "S14")  # a two-level fusion reaches it too


# -- S11: routine consultation after failed non-surgical care --------------------------------------


def _failed_non_surgical_care(onset: int = -30, impact: str = "debilitating") -> Clinic:
    """Left C6 radiculopathy through confirmed root, targeted injection, gabapentin and PT."""
    return (
        Clinic(birth="1966-07-19", sex="male")
        .intake(0, arm=8, neck=4, radiating=["left C6"], onset=onset, exam=C6_DEFICIT)
        .mri(7, herniation("C5-6", "left", "foraminal"), foraminal("C6-7", "left", "mild"))
        .cesi(14, "interlaminar", "C6-7", "central")
        .outcome(pain_before=8, pain_after=7, relief=15)
        .re_evaluation(42, arm=8, neck=4, radiating=["left C6"], exam=C6_DEFICIT)
        .snrb(49, "left C6")
        .outcome(pain_before=8, pain_after=2, relief=75, concordant=True)
        .medication(50, "gabapentin", 1800)
        .pt(50, "deep_stabilisation", "core", "posture")
        .cesi(63, "transforaminal", "C5-6", "left")
        .outcome(pain_before=8, pain_after=7, relief=15)
        .visit(91, arm=8, neck=4, radiating=["left C6"], quality_of_life=impact, exam=C6_DEFICIT)
    )


def test_s11_routine_consultation_after_failed_non_surgical_care() -> None:
    a = assess(_failed_non_surgical_care().record)
    option = recommended(a, Do.consult(urgent=False), "S11")
    assert not option.urgent
    assert option.reasons[0].text == (
        "advanced physical therapy tried; nerve-stabilising medication tried; targeted "
        "treatment failed (CESI 2024-03-11: 15% relief, not enough relief); debilitating pain "
        "(quality-of-life impact debilitating); "
        "symptoms for 121 days since 2023-12-09 (at least 84 days); no surgical consultation"
    )
    allowed(a, Do.consult(urgent=True), "S12")
    assert a.first is not None
    assert not a.first.urgent


def test_s11_no_consultation_before_84_days_of_symptoms() -> None:
    clinic = _failed_non_surgical_care(onset=8)
    option = allowed(assess(clinic.record), Do.consult(urgent=False), "S11")
    assert "symptoms for only 83 days since 2024-01-16 (need 84 days)" in option.reasons[0].text
    at_84 = assess(clinic.record, as_of=clinic.day(92))
    recommended(at_84, Do.consult(urgent=False), "S11")


def test_s11_no_consultation_when_pain_is_not_debilitating() -> None:
    option = allowed(
        assess(_failed_non_surgical_care(impact="moderate").record), Do.consult(urgent=False), "S11"
    )
    assert "pain not debilitating: quality-of-life impact moderate" in option.reasons[0].text


def test_s11_no_consultation_before_non_surgical_care_was_tried() -> None:
    option = allowed(assess(failed_cesi().record), Do.consult(urgent=False), "S11")
    assert option.reasons[0].text.startswith(
        "not favoured now: no advanced physical therapy yet; radicular arm pain; "
        "no nerve-stabilising medication tried; no failed targeted treatment on record"
    )


def test_s11_not_repeated_once_consulted() -> None:
    record = _failed_non_surgical_care().consult(95).record
    option = allowed(assess(record), Do.consult(urgent=False), "S11")
    assert "surgical consultation on record" in option.reasons[0].text


# -- S12: red flags from every phase ---------------------------------------------------------------

WEAK = exam(motor={"left C6": 3}, sensory={"left C6": "absent"})
MYELOPATHY = exam(myelopathy=("hoffmann", "gait_disturbance"), mjoa=14)


def _in_cesi_outcome() -> Clinic:
    # the injection is done, its outcome not yet reported, and the arm is getting weaker
    return left_c6_radiculopathy().visit(35, arm=7, neck=3, radiating=["left C6"], exam=WEAK)


def _in_re_evaluation() -> Clinic:
    return failed_cesi().re_evaluation(56, arm=8, neck=3, radiating=["left C6"], exam=WEAK)


def _in_targeted_non_surgical() -> Clinic:
    return (
        failed_cesi()
        .medication(50, "pregabalin", 150)
        .visit(70, arm=6, neck=3, radiating=["left C6"], exam=MYELOPATHY)
    )


def _in_advanced_interventional() -> Clinic:
    return _failed_rfa().scs_trial(120).visit(125, arm=3, neck=6, exam=MYELOPATHY)


def _in_surgical_consultation() -> Clinic:
    # a routine consultation, then the arm gets weaker while the patient decides
    return (
        _failed_non_surgical_care()
        .consult(95)
        .visit(110, arm=8, neck=4, radiating=["left C6"], exam=WEAK)
    )


def _in_surgery() -> Clinic:
    # the day after a foraminotomy the patient is unsteady with a positive Hoffmann sign
    return (
        _failed_non_surgical_care()
        .consult(95)
        .foraminotomy(110, "C5-6", "left")
        .visit(111, arm=2, neck=3, exam=MYELOPATHY)
    )


def _in_post_operative() -> Clinic:
    return (
        _failed_non_surgical_care()
        .consult(95)
        .foraminotomy(110, "C5-6", "left")
        .visit(124, purpose="post_operative", arm=1, neck=2, exam=exam(motor={"left C6": 5}))
        .visit(150, arm=5, neck=2, radiating=["left C6"], exam=exam(motor={"left C6": 3}))
    )


def _in_maintenance() -> Clinic:
    return (
        left_c6_radiculopathy()
        .outcome(pain_before=7, pain_after=1, relief=85)
        .discharge(50)
        .visit(200, arm=6, neck=3, radiating=["left C6"], exam=WEAK)
    )


RED_FLAG_STORIES: dict[Phase, Callable[[], Clinic]] = {
    Phase.CESI_OUTCOME: _in_cesi_outcome,
    Phase.RE_EVALUATION: _in_re_evaluation,
    Phase.TARGETED_NON_SURGICAL: _in_targeted_non_surgical,
    Phase.ADVANCED_INTERVENTIONAL: _in_advanced_interventional,
    Phase.SURGICAL_CONSULTATION: _in_surgical_consultation,
    Phase.SURGERY: _in_surgery,
    Phase.POST_OPERATIVE: _in_post_operative,
    Phase.MAINTENANCE: _in_maintenance,
}


def test_s12_red_flag_stories_cover_every_phase() -> None:
    assert set(RED_FLAG_STORIES) == set(Phase)


@pytest.mark.parametrize("phase", list(RED_FLAG_STORIES), ids=str)
def test_s12_red_flag_from_every_phase_ranks_urgent_consultation_first(phase: Phase) -> None:
    a = assess(RED_FLAG_STORIES[phase]().record)
    assert a.phase is phase
    assert a.red_flags
    first = a.first
    assert first is not None
    assert first.action == Do.consult(urgent=True)
    assert first.rank == 1
    assert first.urgent is True
    assert first.reasons[0].rule == "S12"
    assert first.reasons[0].text.startswith("red flag not yet seen by a surgeon: ")
    assert all(not o.urgent for o in a.recommended[1:] if o.action.kind is first.action.kind)


def test_s12_the_red_flags_are_named() -> None:
    a = assess(_in_re_evaluation().record)
    assert a.red_flags == (
        "progressive weakness: left C6 MRC 4 -> 3",
        "progressive sensory loss: left C6 absent",
    )
    a = assess(_in_targeted_non_surgical().record)
    assert a.red_flags == (
        "myelopathy sign: hoffmann",
        "myelopathy sign: gait disturbance",
        "moderate myelopathy: mJOA 14 (moderate is 12-14)",
    )


def test_s12_a_red_flag_survives_the_next_visit_until_a_surgeon_sees_it() -> None:
    clinic = _in_re_evaluation().visit(60, arm=8, neck=3, radiating=["left C6"], exam=WEAK)
    a = assess(clinic.record)
    assert a.red_flags == (
        "progressive weakness: left C6 MRC 4 -> 3",
        "progressive sensory loss: left C6 absent",
    )
    assert a.first is not None
    assert a.first.action == Do.consult(urgent=True)
    seen = assess(clinic.consult(62, urgent=True).record)
    allowed(seen, Do.consult(urgent=True), "S12")
    assert seen.red_flags  # still there, but answered


def test_s12_recording_the_re_evaluation_does_not_erase_the_flag() -> None:
    # make_event copies the latest exam into the re-evaluation visit: same weakness again
    record = _in_re_evaluation().record
    visit = make_event(Do.re_evaluation(), id="rv-2", date=record.events[-1].date, record=record)
    a = assess(apply(record, visit))
    assert a.first is not None
    assert a.first.action == Do.consult(urgent=True)


def test_s12_a_consultation_earlier_the_same_day_does_not_answer_a_later_flag() -> None:
    morning = failed_cesi().consult(56, urgent=False)
    afternoon = morning.visit(56, arm=8, neck=3, radiating=["left C6"], exam=WEAK)
    recommended(assess(afternoon.record), Do.consult(urgent=True), "S12")
    seen = afternoon.consult(56, urgent=True)
    allowed(assess(seen.record), Do.consult(urgent=True), "S12")


def test_s12_a_new_red_flag_after_a_consultation_calls_for_another() -> None:
    clinic = (
        failed_cesi()
        .visit(50, arm=6, neck=3, radiating=["left C6"], exam=MYELOPATHY)
        .consult(55, urgent=True)
        .visit(
            90,
            arm=6,
            neck=3,
            radiating=["left C6"],
            exam=exam(motor={"left C6": 2}, myelopathy=("hoffmann", "gait_disturbance")),
        )
    )
    a = assess(clinic.record)
    first = recommended(a, Do.consult(urgent=True), "S12")
    assert first.rank == 1
    assert "progressive weakness: left C6 MRC 4 -> 2" in first.reasons[0].text
    assert "hoffmann" not in first.reasons[0].text  # the surgeon has seen that one


def test_s12_an_operation_answers_the_red_flags_it_decompressed() -> None:
    clinic = (
        Clinic(birth="1958-02-11", sex="male")
        .intake(0, arm=4, neck=5, onset=-120, exam=MYELOPATHY)
        .mri(7, central("C5-6", "severe", cord=True, signal=True))
        .consult(10, urgent=True)
        .acdf(30, "C5-6")
    )
    a = assess(clinic.record)
    assert a.phase is Phase.SURGERY
    assert a.red_flags == ()
    allowed(a, Do.consult(urgent=True), "S12")


def test_s12_without_red_flag_urgent_consultation_is_only_allowed() -> None:
    option = allowed(assess(failed_cesi().record), Do.consult(urgent=True), "S12")
    assert option.reasons[0].text == "not favoured now: no red flag awaiting a surgeon"


# -- S13: imaging must correlate -------------------------------------------------------------------


def test_s13_surgery_blocked_without_consultation() -> None:
    a = assess(_failed_non_surgical_care().record)
    blocked(a, Do.acdf("C5-6"), "S13", "no surgical consultation")
    blocked(a, Do.foraminotomy("C5-6", "left"), "S13", "no surgical consultation")


def test_s13_surgery_blocked_on_the_wrong_side() -> None:
    # left C6 symptoms, but the only foraminal lesion is on the right
    clinic = _failed_non_surgical_care().mri(93, foraminal("C5-6", "right", "severe")).consult(95)
    a = assess(clinic.record)
    blocked(
        a,
        Do.foraminotomy("C5-6", "right"),
        "S13",
        "imaging does not correlate at C5-6 right (no lesion at the target matches the symptoms)",
    )
    blocked(a, Do.acdf("C5-6"), "S13", "imaging does not correlate at C5-6")


def test_s13_surgery_blocked_at_the_wrong_level() -> None:
    # left C6 symptoms; C6-7 left compresses left C7, which the SNRB did not confirm
    a = assess(_failed_non_surgical_care().consult(95).record)
    blocked(
        a,
        Do.foraminotomy("C6-7", "left"),
        "S13",
        "imaging does not correlate at C6-7 left (no lesion at the target matches the symptoms)",
    )
    blocked(a, Do.acdf("C6-7"), "S13", "imaging does not correlate at C6-7")


def test_s13_every_level_of_a_fusion_must_correlate() -> None:
    a = assess(_failed_non_surgical_care().consult(95).record)
    blocked(
        a,
        Do.acdf("C5-6", "C6-7"),
        "S13",
        "imaging does not correlate at C5-6, C6-7 (no lesion at C6-7 matches the symptoms)",
    )
    recommended(a, Do.acdf("C5-6"), "S14")


# -- S14: ACDF -------------------------------------------------------------------------------------


def _cord_compression(*, consulted: bool = True) -> Clinic:
    """A 66-year-old man with clumsy hands, unsteady gait and a Hoffmann sign: severe stenosis
    with cord compression and signal change at C5-6, a left C5-6 foraminal stenosis too."""
    clinic = (
        Clinic(birth="1958-02-11", sex="male")
        .intake(
            0,
            arm=5,
            neck=5,
            radiating=["left C6"],
            onset=-100,
            exam=exam(
                motor={"left C6": 4},
                myelopathy=("hoffmann", "gait_disturbance", "hand_clumsiness"),
                mjoa=13,
            ),
        )
        .mri(7, central("C5-6", "severe", cord=True, signal=True), foraminal("C5-6", "left"))
    )
    return clinic.consult(10, urgent=True) if consulted else clinic


def test_s14_acdf_for_cord_compression_with_myelopathy() -> None:
    a = assess(_cord_compression().record)
    option = recommended(a, Do.acdf("C5-6"), "S14")
    assert option.urgent
    assert option.rank == 1
    assert {r.rule for r in option.reasons} >= {"S12", "S13", "S14", "S16"}
    assert any(
        "imaging correlates at C5-6 (C5-6 left foramen compresses symptomatic left C6; "
        "cord compression at C5-6 with myelopathy)" in r.text
        for r in option.reasons
    )


def test_s14_acdf_blocked_where_already_fused() -> None:
    clinic = _cord_compression().acdf(20, "C5-6").consult(200)
    clinic = clinic.visit(210, arm=5, neck=4, radiating=["left C6"], exam=C6_DEFICIT)
    option = evaluate(clinic.record, Do.acdf("C5-6"))
    assert option.status is Status.BLOCKED
    assert "S14: C5-6 already fused" in [str(r) for r in option.failed]


# -- S15: laminoforaminotomy -----------------------------------------------------------------------


def test_s15_foraminotomy_not_favoured_with_central_cord_compression() -> None:
    a = assess(_cord_compression().record)
    option = allowed(a, Do.foraminotomy("C5-6", "left"), "S15")
    assert any(
        r.rule == "S15" and "central cord compression at C5-6" in r.text for r in option.reasons
    )
    assert a.first is not None
    assert a.first.action == Do.acdf("C5-6")


def test_s15_foraminotomy_blocked_with_no_foraminal_lesion() -> None:
    option = evaluate(_cord_compression().record, Do.foraminotomy("C6-7", "left"))
    assert option.status is Status.BLOCKED
    assert "S15: no foraminal lesion at C6-7 left" in [str(r) for r in option.failed]


def test_s15_foraminotomy_not_favoured_with_instability() -> None:
    clinic = _failed_non_surgical_care().xray(93, instability("C5-6")).consult(95)
    option = allowed(assess(clinic.record), Do.foraminotomy("C5-6", "left"), "S15")
    assert any("instability at C5-6" in r.text for r in option.reasons)


# -- S16: choosing the operation -------------------------------------------------------------------


def test_s16_both_operations_legal_and_explained_neither_decided() -> None:
    a = assess(_failed_non_surgical_care().consult(95).record)
    acdf = recommended(a, Do.acdf("C5-6"), "S16")
    foraminotomy = recommended(a, Do.foraminotomy("C5-6", "left"), "S16")
    for option, rule in ((acdf, "S14"), (foraminotomy, "S15")):
        assert option.reasons[0].rule == rule
        assert "imaging correlates at C5-6" in option.reasons[0].text
        assert not option.urgent
    # the engine lays the options out side by side; the surgeon chooses
    assert acdf.status is foraminotomy.status is Status.RECOMMENDED


def test_s16_surgery_blocked_for_an_unfit_patient() -> None:
    record = _failed_non_surgical_care().consult(95).health_update(96, asa_class=AsaClass.V)
    a = assess(record.record)
    blocked(a, Do.acdf("C5-6"), "S16", "not fit for surgery (ASA V)")
    blocked(a, Do.foraminotomy("C5-6", "left"), "S16", "not fit for surgery (ASA V)")


def test_s16_the_choice_weighs_instability_toward_fusion() -> None:
    # a slip at the level: fusion stays favoured, the motion-preserving operation does not
    clinic = _failed_non_surgical_care().xray(93, instability("C5-6")).consult(95)
    a = assess(clinic.record)
    recommended(a, Do.acdf("C5-6"), "S14")
    allowed(a, Do.foraminotomy("C5-6", "left"), "S15")
