"""Cohorts: every simulated patient starts as a valid record after a failed CESI."""

from __future__ import annotations

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinepath.errors import InvalidValue
from spinepath.model import (
    CervicalEpiduralSteroidInjection,
    ClinicalVisit,
    ImagingStudy,
    OutcomeReport,
    PatientRecord,
)
from spinepath.model.safety import AntithromboticUse, LabResult, SeriousPathologyScreen
from spinepath.pathway import assess
from spinepath.rules.actions import ActionKind
from spinepath.rules.facts import cesi_worked
from spinepath.rules.profiles import CONSENSUS_2022
from spinepath.sim import DEFAULT_COHORT, Cohort, Presentation
from spinepath.sim.cohort import PatientView, generate


def _records(cohort: Cohort, seed: int, n: int) -> list[tuple[PatientView, PatientRecord]]:
    table = generate(cohort, seed, np.arange(n), 0.03)
    out = []
    for j in range(n):
        view = PatientView(table, j, cohort.entry_date)
        out.append((view, PatientRecord(view.patient(), tuple(view.entry_events()))))
    return out


def test_every_patient_starts_as_a_valid_record_after_a_failed_cesi() -> None:
    for view, record in _records(DEFAULT_COHORT, 1, 400):
        kinds = [type(e) for e in record.events]
        drug = [AntithromboticUse] if int(view["drug"]) >= 0 else []
        lab = [LabResult] if bool(view["diabetes"]) else []
        assert kinds == [
            ImagingStudy,
            ClinicalVisit,
            *drug * 2,
            CervicalEpiduralSteroidInjection,
            *drug,
            SeriousPathologyScreen,
            *lab,
            OutcomeReport,
        ]
        outcome = record.outcome_of("cesi-0")
        assert outcome is not None
        assert not cesi_worked(outcome, CONSENSUS_2022)
        assessment = assess(record, as_of=view.date(0))
        if view.presentation is Presentation.MYELOPATHIC:
            # moderate or worse: urgent; mild and stable: a routine surgical opinion first
            first = assessment.first
            assert first is not None
            assert first.action.kind is ActionKind.SURGICAL_CONSULTATION
            assert bool(assessment.red_flags) is first.urgent
        else:
            assert assessment.first is not None


@settings(max_examples=25)
@given(seed=st.integers(0, 2**40), start=st.integers(0, 500), size=st.integers(1, 60))
def test_a_patient_is_the_same_whichever_rows_are_generated_with_it(
    seed: int, start: int, size: int
) -> None:
    whole = generate(DEFAULT_COHORT, seed, np.arange(start + size), 0.03)
    part = generate(DEFAULT_COHORT, seed, np.arange(start, start + size), 0.03)
    for name, column in part.columns().items():
        assert np.array_equal(column, getattr(whole, name)[start:], equal_nan=True), name


def test_the_mix_of_presentations_matches_the_cohort() -> None:
    n = 20_000
    cohort = Cohort(
        radicular_single_share=2,
        radicular_multi_share=1,
        facet_share=1,
        occipital_share=0.5,
        myelopathic_share=0.5,
    )
    table = generate(cohort, 5, np.arange(n))
    counts = np.bincount(table.presentation, minlength=5)
    for p, share in cohort.mix().items():
        k = counts[list(Presentation).index(p)]
        sd = np.sqrt(n * share * (1 - share))
        assert abs(k - n * share) < 4 * sd, (p, k, n * share)


def test_presentations_look_like_themselves() -> None:
    for view, record in _records(DEFAULT_COHORT, 9, 300):
        symptoms = record.events[1].symptoms  # type: ignore[attr-defined]
        p = view.presentation
        if p is Presentation.RADICULAR_MULTI:
            assert len(view.nerves()) == 2
        if p is Presentation.RADICULAR_SINGLE:
            assert len(view.nerves()) == 1
        if p is Presentation.FACET:
            assert symptoms.neck_pain > symptoms.arm_pain
        if p is Presentation.OCCIPITAL:
            assert symptoms.headache.value != "none"
        if p.radicular:
            assert view.true_nerve() in view.nerves()


def test_cohorts_validate_their_figures() -> None:
    with pytest.raises(InvalidValue):
        Cohort(female=1.5)
    with pytest.raises(InvalidValue):
        Cohort(
            radicular_single_share=0,
            radicular_multi_share=0,
            facet_share=0,
            occipital_share=0,
            myelopathic_share=0,
        )
    with pytest.raises(InvalidValue):
        Cohort(radicular_levels=(1.0, -1.0, 1.0))
    assert attrs.evolve(DEFAULT_COHORT, facet_share=0.5).mix()[Presentation.FACET] > 0.2
