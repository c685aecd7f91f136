"""The rule catalogue: pathway.md's rules S0-S16 as values.

Each :class:`Rule` concerns one or more action kinds and may carry a ``scope`` (which targets
of those kinds it speaks about), ``requires`` (a hard precondition: when it fails the action is
blocked) and ``favours`` (when it holds the action is recommended). A rule may appear in several
parts under one id (S0 speaks of discharge and of repeat injections). The catalogue is checked
when this module is imported: every id S0-S16 present, every fact named exists, every action
kind covered.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from spinepath.rules.actions import ActionKind
from spinepath.rules.expressions import Condition
from spinepath.rules.expressions import fact as F
from spinepath.rules.facts import FACTS, INDICATED_SURGERY

__all__ = ["NEEDLE", "RULES", "RULE_IDS", "SAFETY_RULES", "SAFETY_RULE_IDS", "Rule", "rules_for"]

K = ActionKind


@attrs.frozen(kw_only=True)
class Rule:
    """One rule of pathway.md (or one part of it) as data."""

    id: str
    title: str
    actions: tuple[ActionKind, ...]
    rationale: str
    citation: str
    scope: Condition | None = None
    requires: Condition | None = None
    favours: Condition | None = None
    unless: Condition | None = None
    """When it holds the action is not recommended, whatever favours it (it stays allowed):
    a declined option (SF5)."""
    urgent: bool = False
    first: bool = False
    """Ranked ahead of the other non-urgent recommendations (not urgent itself)."""

    def conditions(self) -> Iterator[tuple[str, Condition]]:
        for role in ("scope", "requires", "favours", "unless"):
            condition = getattr(self, role)
            if condition is not None:
                yield role, condition


SEED = "seed article (pathway.md)"
SAFE_NEEDLE = F("no_active_infection")
SAFE_FLUORO = SAFE_NEEDLE & F("not_pregnant")
"""Infection and pregnancy; bleeding risk is SF1's, per procedure class."""

NEEDLE: tuple[ActionKind, ...] = (
    K.SELECTIVE_NERVE_ROOT_BLOCK,
    K.CESI,
    K.MEDIAL_BRANCH_BLOCK,
    K.RADIOFREQUENCY_ABLATION,
    K.GREATER_OCCIPITAL_NERVE_BLOCK,
    K.SPINAL_CORD_STIMULATOR_TRIAL,
    K.SPINAL_CORD_STIMULATOR_IMPLANT,
    K.REGENERATIVE_THERAPY,
)
"""The needle procedures of the pathway (injections, blocks, ablation, stimulators)."""

NAROUZE_2018 = (
    "Narouze et al., ASRA/ESRA/AAPM/INS/NANS/WIP guideline, 2nd ed., Reg Anesth Pain Med "
    "2018;43:225-262 (classes and per-drug intervals from the active profile)"
)
FINUCANE_2020 = (
    "Finucane et al., International framework for red flags for potential serious spinal "
    "pathologies, JOSPT 2020;50(7):350"
)

SAFETY_RULES: tuple[Rule, ...] = (
    Rule(
        id="SF1",
        title="Bleeding risk: antithrombotics held for the procedure's class",
        actions=(*NEEDLE, K.IMAGING, K.ACDF, K.LAMINOFORAMINOTOMY),
        scope=F("bleeding_risk_procedure"),
        requires=F("bleeding_risk_managed"),
        rationale="Each procedure has a bleeding-risk class (low, intermediate, high); an "
        "anticoagulant or antiplatelet drug that must be held before that class blocks the "
        "procedure until a hold of the drug's interval is recorded. Low-risk procedures (a GON "
        "block) are not blocked by anticoagulation. Bleeding factors (a bleeding disorder, low "
        "platelets, liver or kidney disease) move a procedure up a class. The legacy "
        "anticoagulated flag with no anticoagulant named is an unnamed anticoagulant: it "
        "blocks intermediate- and high-risk procedures until the drug and its hold are "
        "recorded; a bleeding disorder needs a haematology plan (an override) before them.",
        citation=NAROUZE_2018,
    ),
    Rule(
        id="SF2",
        title="Serious pathology: urgent work-up first",
        actions=(K.IMAGING,),
        favours=F("serious_pathology_unanswered") & ~F("workup_ordered") & F("modality_of_choice"),
        urgent=True,
        rationale="A positive screen for serious spinal pathology (cancer, infection, fracture) "
        "makes an urgent work-up the first step: urgent MRI (CT myelography when MRI is "
        "contraindicated), or an urgent referral.",
        citation=FINUCANE_2020,
    ),
    Rule(
        id="SF2",
        title="Serious pathology: no injections until the work-up answers",
        actions=(*NEEDLE, K.DISCHARGE),
        requires=~F("serious_pathology_unanswered"),
        rationale="Until cross-sectional imaging, an urgent consultation or a negative "
        "re-screen answers a positive screen, no further injection is given and the patient is "
        "not discharged.",
        citation=FINUCANE_2020,
    ),
    Rule(
        id="SF3",
        title="Contrast allergy",
        actions=(*NEEDLE, K.IMAGING),
        scope=F("needs_contrast"),
        requires=F("contrast_safe"),
        rationale="A procedure that uses iodinated contrast is blocked by a contrast allergy "
        "until a plan (premedication or a contrast-free technique) is recorded.",
        citation="assumption: common practice; the profile lists the procedures that use contrast",
    ),
    Rule(
        id="SF4",
        title="Glucose before a steroid injection",
        actions=(K.CESI,),
        requires=F("glucose_controlled"),
        rationale="A corticosteroid raises blood glucose: a patient with diabetes is counselled "
        "before a steroid injection, and a recorded HbA1c or glucose above the profile's limit "
        "blocks it until controlled.",
        citation="assumption: limits from the active profile (no guideline read)",
    ),
    Rule(
        id="SF5",
        title="Shared decisions: a declined option is not recommended again",
        actions=tuple(ActionKind),
        unless=F("declined"),
        rationale="An informed patient who declined an option is not offered it again as a "
        "recommendation; it stays allowed (they may change their mind, recorded as a later "
        "decision), and the alternatives move up.",
        citation="shared decision-making; the recorded decision is the patient's",
    ),
    Rule(
        id="SF5",
        title="Shared decisions: recorded consent where the profile requires it",
        actions=tuple(ActionKind),
        scope=F("consent_required_for"),
        requires=F("consented"),
        rationale="A profile may require a recorded informed consent before some procedures.",
        citation="the active profile's consent list",
    ),
    Rule(
        id="SF5",
        title="Surgery declined: discharge with a plan",
        actions=(K.DISCHARGE,),
        scope=F("surgery_declined"),
        requires=~F("red_flag_unanswered"),
        favours=F("surgery_declined")
        & F("medication_tried")
        & F("advanced_pt_tried")
        & ~(F("blocks_failed") & F("radicular_pain") & ~F("scs_trial_done"))
        & (~F("scs_trial_successful") | F("scs_implanted")),
        rationale="A patient who declines surgery after a surgical consultation is not offered "
        "it again; stimulation (where the pathway allows it, a successful trial followed by "
        "its implant), medication and physical therapy come first, and once they have been "
        "tried the patient is discharged with a plan and may re-enter.",
        citation="shared decision-making; seed article (surgery is the last resort)",
    ),
    Rule(
        id="SF6",
        title="Psychological evaluation before a stimulator trial",
        actions=(K.SPINAL_CORD_STIMULATOR_TRIAL,),
        requires=F("psychological_evaluation_ok"),
        rationale="A psychological evaluation comes before a spinal cord stimulator trial: one "
        "that found the patient unsuitable blocks the trial, and a profile can require a "
        "recorded evaluation that found them suitable (both shipped profiles do; a profile "
        "that does not asks for one in a note).",
        citation="Medicare NCD 160.7; Shanthanna et al., RAPM 2023 (SCS guideline)",
    ),
    Rule(
        id="SF7",
        title="Cumulative corticosteroid",
        actions=(K.CESI,),
        requires=F("steroid_within_limit"),
        rationale="Total corticosteroid injected per rolling 12 months, in methylprednisolone-"
        "equivalent mg, stays below the profile's limit; the shipped profiles set none, since "
        "published figures vary.",
        citation="no limit read in a source (evidence.md: unverified, configurable, off by "
        "default); equivalents from the active profile",
    ),
)
"""The procedure-safety and shared-decision rules (SF1-SF7), judged beside S0-S16."""

RULES: tuple[Rule, ...] = (
    Rule(
        id="S0",
        title="CESI outcome: adequate relief needs no escalation",
        actions=(K.DISCHARGE,),
        requires=~F("red_flag_unanswered"),
        favours=F("adequate_relief") & ~F("red_flag"),
        rationale="A CESI (or any later treatment) that gives adequate, lasting relief needs no "
        "escalation: active treatment can end, and the patient can re-enter if pain returns. "
        "A red flag no surgeon has seen yet is never discharged.",
        citation=f"{SEED}; adequate relief threshold from the active profile",
    ),
    Rule(
        id="S0",
        title="CESI outcome: injection limits",
        actions=(K.CESI,),
        requires=F("epidural_frequency_ok") & F("epidural_interval_ok") & SAFE_FLUORO,
        rationale="Epidural steroid injections are limited in number per rolling 12 months and "
        "spaced apart; a needle procedure needs no active infection, and fluoroscopy no "
        "pregnancy (bleeding risk is judged per procedure class by SF1).",
        citation="Medicare LCD L33906; eviCore CMM-200 (limits from the active profile)",
    ),
    Rule(
        id="S0",
        title="CESI outcome: a failed injection is not simply repeated",
        actions=(K.CESI,),
        scope=F("cesi_repeat"),
        requires=F("repeat_relief_ok"),
        favours=F("cesi_worked") & ~F("adequate_relief") & ~F("red_flag"),
        rationale="Repeating the same injection is reasonable only when the last one worked and "
        "its relief has worn off; after a failure the next step is re-evaluation, and before "
        "the injection can be judged there is nothing to repeat.",
        citation=f"{SEED}; Medicare LCD L33906 (repeats need sustained improvement)",
    ),
    Rule(
        id="S1",
        title="Re-evaluate first",
        actions=(K.RE_EVALUATION,),
        favours=F("cesi_failed") & ~F("re_evaluated") & ~F("adequate_relief"),
        rationale="After a failed CESI both the working diagnosis and the injection are in "
        "question: the targeted root may not be the generator, or the drug missed it.",
        citation=SEED,
    ),
    Rule(
        id="S2",
        title="Updated imaging when symptoms change",
        actions=(K.IMAGING,),
        favours=(
            F("symptoms_changed")
            | F("deficit_since_imaging")
            | (F("cesi_failed") & ~F("imaging_on_record"))
        )
        & F("modality_of_choice"),
        rationale="Changed or worsening symptoms, or a progressive or severe deficit, call for "
        "updated MRI or CT to look for progression of a disc herniation or stenosis; CT "
        "myelography when MRI is contraindicated.",
        citation=f"{SEED}; ACR Appropriateness Criteria, cervical neck pain or radiculopathy "
        "(CT myelography when MRI is contraindicated)",
    ),
    Rule(
        id="S2",
        title="No MRI when it is contraindicated",
        actions=(K.IMAGING,),
        scope=F("mri_ordered"),
        requires=F("mri_safe"),
        rationale="An MRI-unsafe implant or another recorded contraindication rules MRI out; "
        "CT myelography shows the compression instead.",
        citation="ACR Appropriateness Criteria, cervical neck pain or radiculopathy",
    ),
    Rule(
        id="S3",
        title="Diagnostic selective nerve root block",
        actions=(K.SELECTIVE_NERVE_ROOT_BLOCK,),
        requires=SAFE_FLUORO & F("no_recent_steroid_at_root"),
        favours=F("several_candidate_roots")
        & F("root_candidate")
        & ~F("snrb_done")
        & ~F("adequate_relief"),
        rationale="When imaging shows more than one possible source, anaesthetic on one root "
        "identifies the generator: prompt relief of the index pain confirms that root. A "
        "steroid injected there shortly before would confound the block.",
        citation=f"{SEED}; positive SNRB threshold from the active profile",
    ),
    Rule(
        id="S4",
        title="Review mechanics and posture",
        actions=(K.POSTURE_REVIEW,),
        favours=F("cesi_failed") & ~F("posture_reviewed") & ~F("adequate_relief"),
        rationale="Forward head posture and thoracic stiffness keep irritating the root and "
        "undo the steroid's effect; a physical therapist's review is the foundation of what "
        "follows.",
        citation=SEED,
    ),
    Rule(
        id="S5",
        title="Confirmed root, targeted treatment",
        actions=(K.CESI,),
        scope=F("transforaminal"),
        favours=(F("snrb_positive") & ~F("targeted_injection_done"))
        | (
            F("cesi_failed")
            & F("re_evaluated")
            & F("radicular_pain")
            & ~F("several_candidate_roots")
            & F("root_candidate")
            & ~F("snrb_done")
            & ~F("cesi_repeat")
        ),
        rationale="A positive SNRB allows treatment aimed at that one root, such as a "
        "transforaminal injection (non-particulate steroid) at the confirmed level. When imaging "
        "and symptoms point to a single root, the failed injection may simply have missed it "
        "(S1: wrong level, side or approach), so a transforaminal injection aimed at that root "
        "is the targeted step.",
        citation=f"{SEED}; Rathmell et al., Anesthesiology 2015 (non-particulate steroid)",
    ),
    Rule(
        id="S6",
        title="Facet pain: diagnostic medial branch block",
        actions=(K.MEDIAL_BRANCH_BLOCK,),
        requires=SAFE_FLUORO & F("facet_care_long_enough") & F("mbb_first_positive"),
        favours=F("facet_signs")
        & F("facet_arthropathy_at")
        & ~F("mbb_positive")
        & ~F("mbb_negative"),
        rationale="Facet-mediated pain is confirmed by a medial branch block at the level and "
        "side before ablation.",
        citation="seed article; Hurley et al., Reg Anesth Pain Med 2022 (Tables 22-23)",
    ),
    Rule(
        id="S6",
        title="Facet pain: radiofrequency ablation after a positive block",
        actions=(K.RADIOFREQUENCY_ABLATION,),
        requires=(
            (~F("rfa_prior") & F("mbb_positive"))
            | (F("rfa_prior") & F("repeat_rfa_qualifies") & F("rfa_interval_ok"))
        )
        & F("rfa_frequency_ok")
        & SAFE_FLUORO,
        favours=(F("facet_signs") | F("facet_arthropathy_at")) & ~F("adequate_relief"),
        rationale="RFA of the medial branches needs a positive diagnostic block at the same "
        "level(s) and side; a repeat needs an earlier RFA that gave enough relief for long "
        "enough. Relief typically lasts 6-12 months.",
        citation="seed article; Hurley et al., Reg Anesth Pain Med 2022, Table 22; "
        "Medicare facet LCDs (strict profile)",
    ),
    Rule(
        id="S7",
        title="Occipital pain: greater occipital nerve block",
        actions=(K.GREATER_OCCIPITAL_NERVE_BLOCK,),
        requires=SAFE_NEEDLE & F("gon_frequency_ok"),
        favours=F("occipital_pain_on_side")
        & (~F("gon_block_done") | F("gon_block_worked_before"))
        & ~F("adequate_relief"),
        rationale="Upper-neck pain radiating toward the head (occipital neuralgia, cervicogenic "
        "headache) is treated with a GON block, diagnostic and therapeutic; a repeat is judged "
        "on the last block on that side, within the profile's limit per 12 months.",
        citation="seed article; ICHD-3 13.4",
    ),
    Rule(
        id="S8",
        title="Nerve-stabilising medication",
        actions=(K.MEDICATION_TRIAL,),
        requires=~F("medication_ongoing") & ~F("other_gabapentinoid_ongoing"),
        favours=F("radicular_pain")
        & F("cesi_failed")
        & ~F("medication_tried")
        & ~F("adequate_relief"),
        rationale="Gabapentin or pregabalin calms hyper-irritable nerves in chronic radicular "
        "pain; the two gabapentinoids are not combined.",
        citation=SEED,
    ),
    Rule(
        id="S9",
        title="Advanced physical therapy",
        actions=(K.ADVANCED_PHYSICAL_THERAPY,),
        favours=((F("cesi_failed") & ~F("adequate_relief")) | F("posture_needs_correction"))
        & ~F("advanced_pt_since_failure"),
        rationale="Deep stabilisation, core strengthening and correction of forward head "
        "posture and thoracic stiffness.",
        citation=SEED,
    ),
    Rule(
        id="S10",
        title="Advanced interventional: spinal cord stimulator trial",
        actions=(K.SPINAL_CORD_STIMULATOR_TRIAL,),
        requires=F("blocks_failed") & ~F("scs_implanted") & F("surgery_considered") & SAFE_NEEDLE,
        favours=F("radicular_pain")
        & ~F("scs_trial_done")
        & ~F("adequate_relief")
        & ~F("surgery_pending"),
        rationale="When RFA and the other blocks fail, spinal cord stimulation may be "
        "considered, starting with a trial; where a compressive lesion correlates with the "
        "symptoms, surgery is considered first (a surgeon consulted, or not fit for it), and "
        "a trial is recommended only once an indicated operation was done or declined.",
        citation="seed article; Shanthanna et al., RAPM 2023 (SCS guideline); Medicare NCD 160.7 "
        "(other modalities, surgery included, tried or judged unsuitable)",
    ),
    Rule(
        id="S10",
        title="Advanced interventional: permanent stimulator after a successful trial",
        actions=(K.SPINAL_CORD_STIMULATOR_IMPLANT,),
        requires=F("scs_trial_successful") & ~F("scs_implanted") & SAFE_NEEDLE,
        favours=F("scs_trial_successful"),
        rationale="A permanent stimulator needs a successful trial.",
        citation="Neuromodulation Foundation practice parameters; Shanthanna et al., RAPM 2023",
    ),
    Rule(
        id="S10",
        title="Advanced interventional: regenerative medicine",
        actions=(K.REGENERATIVE_THERAPY,),
        requires=F("blocks_failed") & SAFE_NEEDLE,
        rationale="Regenerative techniques may be considered when RFA and other blocks fail; "
        "the article does not favour them, so they are never more than allowed.",
        citation=SEED,
    ),
    Rule(
        id="S11",
        title="Routine surgical consultation after failed non-surgical care",
        actions=(K.SURGICAL_CONSULTATION,),
        scope=~F("urgent_request"),
        favours=F("advanced_pt_tried")
        & ~(F("radicular_pain") & ~F("medication_tried"))
        & F("targeted_care_failed")
        & F("debilitating_pain")
        & F("conservative_care_long_enough")
        & ~F("consulted"),
        rationale="When all non-surgical care, advanced injections and intensive PT included, "
        "fails and the pain stays unrelenting and debilitating, refer for a routine surgical "
        "consultation: surgery is the last resort.",
        citation=f"{SEED}; Medicare Cervical Fusion LCD L39741 (12 weeks, arm pain >=4)",
    ),
    Rule(
        id="S12",
        title="Red flags: urgent surgical consultation",
        actions=(K.SURGICAL_CONSULTATION,),
        scope=F("urgent_request"),
        favours=F("red_flag_unanswered"),
        urgent=True,
        rationale="A progressive neurological deficit or signs of myelopathy mean damage that "
        "needs prompt decompression: urgent consultation jumps the queue from any phase.",
        citation="seed article; Fehlings et al., Global Spine J 2017 (mJOA bands)",
    ),
    Rule(
        id="S12",
        title="Mild myelopathy: a surgical opinion first",
        actions=(K.SURGICAL_CONSULTATION,),
        scope=~F("urgent_request"),
        favours=F("mild_myelopathy") & ~F("consulted"),
        first=True,
        rationale="Mild, stable myelopathy (mJOA 15-17, no clinically important decline) is not "
        "an emergency, but its options (surgery or supervised rehabilitation, surgery on "
        "deterioration) are a surgeon's to weigh: a routine surgical opinion comes before "
        "other treatment.",
        citation="Fehlings et al., Global Spine J 2017; Tetreault et al., Eur Spine J 2015",
    ),
    Rule(
        id="S12",
        title="Red flags: prompt decompression",
        actions=(K.ACDF,),
        favours=F("red_flag") & F("consulted") & F("imaging_correlates"),
        urgent=True,
        rationale="Once a surgeon has seen a red flag, decompression at the correlating level "
        "is urgent.",
        citation="seed article; Fehlings et al., Global Spine J 2017",
    ),
    Rule(
        id="S12",
        title="Red flags: prompt decompression of a root",
        actions=(K.LAMINOFORAMINOTOMY,),
        favours=F("red_flag")
        & F("consulted")
        & F("imaging_correlates")
        & ~F("cord_compression_at"),
        urgent=True,
        rationale="A foraminotomy decompresses a root, not the cord (S15): it answers a red "
        "flag urgently only where the level has no central cord compression.",
        citation="seed article; Fehlings et al., Global Spine J 2017",
    ),
    Rule(
        id="S13",
        title="Imaging must correlate",
        actions=(K.ACDF, K.LAMINOFORAMINOTOMY),
        requires=F("consulted") & F("imaging_correlates"),
        rationale="Before surgery a surgeon reviews imaging to confirm the structural lesion and "
        "that it matches the symptoms in level and side.",
        citation=f"{SEED}; Medicare Cervical Fusion LCD L39741 (concordant imaging)",
    ),
    Rule(
        id="S14",
        title="ACDF",
        actions=(K.ACDF,),
        requires=~F("already_fused") & (F("red_flag") | F("payer_arm_pain_criterion")),
        favours=INDICATED_SURGERY
        & F("consulted")
        & F("imaging_correlates")
        & F("operates_on_confirmed_root"),
        rationale="Anterior cervical discectomy and fusion removes the disc and fuses the "
        "segment; it removes root or cord compression. A payer profile may also require arm "
        "pain of at least its floor for its number of weeks, except for a red flag.",
        citation="seed article; J Orthop Surg Res 2020 meta-analysis; Medicare Cervical Fusion "
        "LCD L39741 (payer profile)",
    ),
    Rule(
        id="S15",
        title="Posterior laminoforaminotomy",
        actions=(K.LAMINOFORAMINOTOMY,),
        requires=F("foraminal_lesion_at"),
        favours=INDICATED_SURGERY
        & F("consulted")
        & F("imaging_correlates")
        & F("operates_on_confirmed_root")
        & ~F("cord_compression_at")
        & ~F("instability_at"),
        rationale="Removes a little bone and soft tissue around the root in its foramen; less "
        "invasive and motion-preserving, but it does not address central cord compression.",
        citation="seed article; J Orthop Surg Res 2020 meta-analysis (higher reoperation)",
    ),
    Rule(
        id="S16",
        title="Choosing the operation",
        actions=(K.ACDF, K.LAMINOFORAMINOTOMY),
        requires=F("fit_for_surgery") & F("no_active_infection"),
        rationale="The choice weighs the structural findings against the symptoms and overall "
        "health, after consultation: the library lays out the options, it does not decide. "
        "ACDF and foraminotomy give similar pain, disability and satisfaction; foraminotomy has "
        "more reoperations and a shorter stay; adjacent segment disease follows ACDF in about "
        "3% a year.",
        citation="J Orthop Surg Res 2020 meta-analysis; Hilibrand 1999 via Jack et al. 2016",
    ),
    *SAFETY_RULES,
)
"""The rule catalogue S0-S16, then the safety rules SF1-SF7, as values in order; checked when
the module is imported."""


RULE_IDS: tuple[str, ...] = tuple(f"S{i}" for i in range(17))
"""The ids of the pathway's rules, S0 to S16; every one has at least one rule part."""

SAFETY_RULE_IDS: tuple[str, ...] = tuple(f"SF{i}" for i in range(1, 8))
"""The ids of the safety rules, SF1 to SF7."""

_BY_KIND: dict[ActionKind, tuple[Rule, ...]] = {
    kind: tuple(r for r in RULES if kind in r.actions) for kind in ActionKind
}


def rules_for(kind: ActionKind) -> tuple[Rule, ...]:
    """The rules (and rule parts) that speak of an action kind, in catalogue order."""
    return _BY_KIND[kind]


def _check_catalogue() -> None:
    problems: list[str] = []
    present = {r.id for r in RULES}
    problems += [
        f"rule {rid} is not encoded" for rid in (*RULE_IDS, *SAFETY_RULE_IDS) if rid not in present
    ]
    problems += [
        f"rule {rid} is not in pathway.md or the safety rules"
        for rid in sorted(present - set(RULE_IDS) - set(SAFETY_RULE_IDS))
    ]
    for rule in RULES:
        for role, condition in rule.conditions():
            for name in sorted(condition.names() - FACTS.keys()):
                problems.append(f"{rule.id} {role} names unknown fact {name!r}")
        if not rule.actions:
            problems.append(f"{rule.id} concerns no action")
    problems += [f"no rule speaks of {kind.label}" for kind, rules in _BY_KIND.items() if not rules]
    if problems:
        raise RuntimeError("broken rule catalogue:\n  " + "\n  ".join(problems))


_check_catalogue()
