"""The simulation's procedure-safety factors (issue 10 item 6): the cohort draws them at their
rates, and every trajectory respects them as the engine judges them."""

from __future__ import annotations

import math

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinepath.errors import InvalidValue
from spinepath.model import Intervention, PatientRecord
from spinepath.model.safety import (
    AntithromboticUse,
    Decision,
    DrugStatus,
    PsychologicalEvaluation,
    SeriousPathologyScreen,
    SharedDecision,
)
from spinepath.pathway import assess
from spinepath.pathway.events import action_of
from spinepath.rules.actions import ActionKind
from spinepath.rules.facts import Facts
from spinepath.rules.profiles import CONSENSUS_2022, BleedingRisk, profile_named
from spinepath.rules.state import state_of
from spinepath.sim import Cohort, Results, simulate
from spinepath.sim.cohort import DEFAULT_COHORT, DRUGS, SAFETY_RATES, generate
from spinepath.sim.evidence import render_markdown

K = ActionKind
SURGERY = frozenset({K.ACDF, K.LAMINOFORAMINOTOMY})

RISKY = Cohort(
    warfarin=0.15,
    apixaban=0.1,
    rivaroxaban=0.05,
    clopidogrel=0.15,
    aspirin=0.15,
    low_platelets=0.2,
    kidney_disease=0.1,
    contrast_allergy=0.2,
    contrast_plan=0.5,
    serious_pathology=0.1,
    psych_suitable=0.6,
)
"""A cohort full of safety factors, so every path is exercised in a small run."""


def _within(k: int, n: int, p: float) -> None:
    """``k`` of ``n`` is within 4.5 standard errors of ``n * p``."""
    sd = math.sqrt(n * p * (1 - p))
    assert abs(k - n * p) <= 4.5 * sd + 1, f"{k} of {n}, expected {n * p:.1f}"


def test_the_cohort_draws_each_factor_at_its_rate() -> None:
    n = 60_000
    table = generate(DEFAULT_COHORT, 2026, np.arange(n))
    c = DEFAULT_COHORT
    for code, drug in enumerate(DRUGS):
        _within(int((table.drug == code).sum()), n, getattr(c, drug.value))
    _within(int((table.drug < 0).sum()), n, 1 - sum(c.drug_shares()))
    anticoagulant = np.isin(table.drug, [i for i, d in enumerate(DRUGS) if d.anticoagulant])
    assert (table.anticoagulated == anticoagulant).all()
    for name in ("low_platelets", "liver_disease", "kidney_disease", "contrast_allergy"):
        _within(int(getattr(table, name).sum()), n, getattr(c, name))
    assert (table.contrast_plan <= table.contrast_allergy).all()
    _within(int((table.screen_item >= 0).sum()), n, c.serious_pathology)
    _within(int(table.psych_suitable.sum()), n, c.psych_suitable)
    # HbA1c for patients with diabetes only, normal around its mean (rounded, clipped 5-14%)
    diabetic = table.diabetes
    assert np.isnan(table.hba1c[~diabetic]).all()
    values = table.hba1c[diabetic]
    assert np.isfinite(values).all()
    assert values.min() >= 5
    assert values.max() <= 14
    above = 1 - 0.5 * math.erfc(-(9.0 - c.hba1c_mean) / (c.hba1c_sd * math.sqrt(2)))
    _within(int((values > 9.0).sum()), int(diabetic.sum()), above)


def test_every_safety_rate_names_its_source() -> None:
    fields = {f.name for f in attrs.fields(Cohort)}
    assert set(SAFETY_RATES) <= fields
    assert {d.value for d in DRUGS} <= set(SAFETY_RATES)
    for name, (unit, source) in SAFETY_RATES.items():
        assert unit, name
        assert source.startswith("assumption: "), name
    page = render_markdown()
    assert "## Cohort safety factors" in page
    assert "| `warfarin` | 0.015 | share of patients |" in page


def test_rates_are_configurable_and_checked() -> None:
    table = generate(
        Cohort(warfarin=1.0, aspirin=0.0, apixaban=0, rivaroxaban=0, clopidogrel=0),
        1,
        np.arange(200),
    )
    assert (table.drug == DRUGS.index(DRUGS[0])).all()
    with pytest.raises(InvalidValue, match=r"warfarin: .* sum to 1\.335, more than 1"):
        Cohort(warfarin=0.6, clopidogrel=0.6)
    with pytest.raises(InvalidValue, match="serious_pathology"):
        Cohort(serious_pathology=1.5)


def _needle_steps(record: PatientRecord) -> list[tuple[int, Intervention]]:
    return [
        (i, e)
        for i, e in enumerate(record.events)
        if isinstance(e, Intervention) and action_of(e) is not None
    ]


def _check_records(results: Results) -> dict[str, int]:
    """Every procedure with a bleeding-risk class, checked with the engine's own facts on the
    record before it; every hold resumed; every stimulator trial after a suitable evaluation;
    every positive screen worked up first. Returns counts of what was seen."""
    profile = profile_named(results.profile)
    entry = results.spec.cohort.entry_date
    seen = {"procedures_on_drugs": 0, "holds": 0, "trials": 0, "screens": 0}
    for i in range(results.n):
        record = results.record(i)
        events = record.events
        drugs = [e for e in events if isinstance(e, AntithromboticUse)]
        for index, event in _needle_steps(record):
            if event.date < entry:
                continue
            action = action_of(event)
            assert action is not None
            before = PatientRecord(record.patient, events[:index])
            facts = Facts(state_of(before, profile, event.date), event.date)
            if facts.holds("bleeding_risk_procedure", action):
                assert facts.holds("bleeding_risk_managed", action), (i, str(action))
                seen["procedures_on_drugs"] += bool(drugs)
            if action.kind is K.SPINAL_CORD_STIMULATOR_TRIAL:
                evaluations = [e for e in events[:index] if isinstance(e, PsychologicalEvaluation)]
                assert evaluations
                assert evaluations[-1].suitable
                seen["trials"] += 1
        # every hold in the simulation is followed by the drug taken again, on the step's day
        for k, use in enumerate(drugs):
            if use.status is DrugStatus.HELD and use.date >= entry:
                seen["holds"] += 1
                resumed = drugs[k + 1]
                assert resumed.status is DrugStatus.TAKING
                assert resumed.drug is use.drug
                hold = profile.hold_days(use.drug, BleedingRisk.HIGH)
                assert (resumed.date - use.date).days == hold
        screen = next(e for e in events if isinstance(e, SeriousPathologyScreen))
        if screen.positive and results.policy == "engine":
            first = next(e for e in events if e.date >= entry)
            assert action_of(first) is not None
            assert action_of(first).kind is K.IMAGING  # type: ignore[union-attr]
            seen["screens"] += 1
    return seen


@pytest.fixture(scope="module")
def risky() -> Results:
    return simulate(400, seed=61, cohort=RISKY)


def test_no_procedure_while_a_drug_must_be_held(risky: Results) -> None:
    seen = _check_records(risky)
    assert seen["procedures_on_drugs"] > 20
    assert seen["holds"] > 20
    assert seen["trials"] > 0
    assert seen["screens"] > 10
    p = risky.patients
    assert int(p["holds"].sum()) == seen["holds"]
    assert (p.loc[p["drug"].isna(), "holds"] == 0).all()


@settings(max_examples=8, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    policy=st.sampled_from(["engine", "early-surgical-referral", "exhaust-non-surgical"]),
)
def test_holds_and_evaluations_hold_for_any_run(seed: int, policy: str) -> None:
    _check_records(simulate(40, seed=seed, cohort=RISKY, policy=policy))


def test_fast_path_equals_record_path_with_safety_factors() -> None:
    for policy in ("engine", "exhaust-non-surgical"):
        fast = simulate(150, seed=7, cohort=RISKY, policy=policy, verify=10**6)
        record = simulate(150, seed=7, cohort=RISKY, policy=policy, engine="record")
        assert fast.same_as(record)
        assert int(fast.raw["hold"].max()) > 0


def test_a_declined_operation_leads_to_the_engines_alternatives() -> None:
    results = simulate(3_000, seed=4)
    raw = results.raw
    declined = np.flatnonzero(raw["shared"] == 0)
    assert declined.size > 50
    after_kinds: set[ActionKind] = set()
    for row in declined[:80].tolist():
        i = int(raw["pos"][row])
        step = int(raw["step"][row])
        record = results.record(i)
        decisions = [e for e in record.events if isinstance(e, SharedDecision)]
        assert decisions
        assert decisions[0].decision is Decision.DECLINED
        assert set(decisions[0].options) == SURGERY
        rows = results.rows(i)
        later = [r for r in rows if r.step > step]
        if not later:
            continue
        # the engine's next assessment no longer recommends an operation, and the patient
        # carries on with what it recommends instead of simply leaving
        day = decisions[0].date
        upto = PatientRecord(record.patient, tuple(e for e in record.events if e.date <= day))
        assessment = assess(upto, CONSENSUS_2022, results.view(i).date(later[0].day))
        assert not any(o.action.kind in SURGERY for o in assessment.recommended)
        kind = results.decisions[later[0].decision].kind
        if kind is not K.SURGICAL_CONSULTATION:
            after_kinds.add(kind)
        consents = [d for d in decisions if d.decision is Decision.CONSENTED]
        operated = [r for r in later if results.decisions[r.decision].kind in SURGERY]
        if operated:
            assert consents
            assert consents[0].date <= results.view(i).date(operated[0].day)
    assert after_kinds & {
        K.SPINAL_CORD_STIMULATOR_TRIAL,
        K.MEDICATION_TRIAL,
        K.ADVANCED_PHYSICAL_THERAPY,
        K.DISCHARGE,
    }
    assert results.patients["declined_surgery"].sum() >= len(set(raw["pos"][declined].tolist()))


def test_results_show_the_factors(risky: Results) -> None:
    p = risky.patients
    for column in (
        "drug",
        "holds",
        "held_days",
        "low_platelets",
        "liver_disease",
        "kidney_disease",
        "contrast_allergy",
        "hba1c",
        "screen_positive",
        "psych_suitable",
    ):
        assert column in p.columns
    summary = risky.summary()
    text = str(summary)
    safety = dict(zip(summary.safety["measure"], summary.safety["value"], strict=True))
    delayed = int(safety["procedures delayed for a hold"])
    assert delayed == int(p["holds"].sum()) > 0
    assert f"procedures delayed for a hold {delayed}" in text
    steps = risky.steps
    assert int(steps["hold_days"].notna().sum()) == delayed
