"""The engine answers exactly as frozen: no change of an answer goes unnoticed.

tests/data/assessments.json.gz holds 229 records (the shipped examples and seeded
``patient_records()`` histories) with the assessment of every prefix under both shipped
profiles, reasons included, written by tests/tools/make_corpus.py: first from the engine that
derived facts from the whole record on every call (issue 8: the fact state changed no answer),
then re-answered for the same records when the clinical-fidelity rules changed answers on
purpose (issue 9; the CHANGELOG lists the changes), and once more when the reason texts were
made checkable (issue 9, item 11: texts only; every class, rank, rule and citation unchanged).
Here every prefix is assessed twice: built from scratch, and grown one event at a time (each
record's fact state carried forward), and both must equal the frozen answer.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import spinepath as sp
from corpus_form import frozen_form

CORPUS = Path(__file__).parent / "data" / "assessments.json.gz"
PROFILES = {p.name: p for p in (sp.CONSENSUS_2022, sp.STRICT_PAYER)}


@cache
def corpus() -> list[dict[str, Any]]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        cases: list[dict[str, Any]] = json.load(f)["cases"]
    return cases


def test_corpus_is_large_and_varied() -> None:
    cases = corpus()
    assert len(cases) >= 200
    phases = {a["assessment"]["phase"] for c in cases for a in c["answers"]}
    assert len(phases) == len(sp.Phase)
    assert any(a["assessment"]["red_flags"] for c in cases for a in c["answers"])


@pytest.mark.parametrize("chunk", range(8))
def test_assessments_equal_the_frozen_answers(chunk: int) -> None:
    cases = corpus()[chunk::8]
    checked = 0
    for case in cases:
        record = sp.loads(json.dumps(case["record"]), sp.PatientRecord)
        grown = {name: sp.PatientRecord(record.patient) for name in PROFILES}
        for answer in case["answers"]:
            n, profile = answer["upto"], PROFILES[answer["profile"]]
            if n and len(grown[profile.name].events) < n:
                grown[profile.name] = grown[profile.name].add(record.events[n - 1])
            fresh = sp.PatientRecord(record.patient, record.events[:n])
            expected = answer["assessment"]
            assert frozen_form(sp.assess(fresh, profile)) == expected, (case["name"], n)
            assert frozen_form(sp.assess(grown[profile.name], profile)) == expected, (
                case["name"],
                n,
            )
            checked += 1
    assert checked > 500
