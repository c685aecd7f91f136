"""Writes tests/data/assessments.json.gz: records and the engine's answers for them.

The corpus freezes what :func:`spinepath.assess` answered before the fact layer was rebuilt
on a folded patient state (issue 8), so that tests/test_corpus.py can show the rebuilt engine
answers exactly the same: every prefix of every record, under both shipped profiles, with
every reason text. Records come from the shipped examples and from ``patient_records()``
(seeded, varied steering). Run from the repository root:
``python tests/tools/make_corpus.py``. Regenerate only when a change of answers is intended,
and say so in the CHANGELOG; ``--answers-only`` keeps the stored records and writes the
current engine's answers for them, so the change can be reviewed record by record.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

import spinepath as sp
from spinepath.examples import load, names

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from corpus_form import frozen_form
from spinepath.testing.strategies import patient_records

OUT = Path(__file__).resolve().parents[1] / "data" / "assessments.json.gz"
PROFILES = (sp.CONSENSUS_2022, sp.STRICT_PAYER)
K = sp.ActionKind


def answers(record: sp.PatientRecord) -> list[dict[str, object]]:
    """The assessment of every prefix of ``record`` (0 events included) under each profile."""
    found = []
    for n in range(len(record.events) + 1):
        prefix = sp.PatientRecord(record.patient, record.events[:n])
        for profile in PROFILES:
            found.append(
                {
                    "upto": n,
                    "profile": profile.name,
                    "assessment": frozen_form(sp.assess(prefix, profile)),
                }
            )
    return found


def generated(count: int) -> list[sp.PatientRecord]:
    steering = [
        {},
        {"reach": sp.Phase.SURGERY},
        {"reach": sp.Phase.POST_OPERATIVE},
        {"reach": sp.Phase.ADVANCED_INTERVENTIONAL},
        {"red_flag": True},
        {"prefer": {K.MEDIAL_BRANCH_BLOCK, K.RADIOFREQUENCY_ABLATION}},
        {"prefer": {K.GREATER_OCCIPITAL_NERVE_BLOCK, K.MEDICATION_TRIAL}},
        {"profile": sp.STRICT_PAYER},
        {"prefer": {K.SELECTIVE_NERVE_ROOT_BLOCK, K.CESI}},
    ]
    records: list[sp.PatientRecord] = []
    for i, kwargs in enumerate(steering):
        records += draw(patient_records(max_events=24, **kwargs), count, 1000 + i)  # type: ignore[arg-type]
    return records


def draw(
    strategy: st.SearchStrategy[sp.PatientRecord], count: int, key: int
) -> list[sp.PatientRecord]:
    """``count`` examples of ``strategy``, the same on every run for the same ``key``."""
    found: list[sp.PatientRecord] = []

    @seed(key)
    @settings(
        max_examples=count, database=None, suppress_health_check=list(HealthCheck), deadline=None
    )
    @given(data=st.data())
    def collect(data: st.DataObject) -> None:
        found.append(data.draw(strategy))

    collect()
    return found


def reanswer() -> list[dict[str, Any]]:
    """The stored records with the current engine's answers."""
    with gzip.open(OUT, "rt", encoding="utf-8") as f:
        stored: list[dict[str, Any]] = json.load(f)["cases"]
    cases = []
    for case in stored:
        record = sp.loads(json.dumps(case["record"]), sp.PatientRecord)
        cases.append(
            {
                "name": case["name"],
                "record": json.loads(sp.dumps(record)),
                "answers": answers(record),
            }
        )
    return cases


def main() -> None:
    if "--answers-only" in sys.argv[1:]:
        write(reanswer())
        return
    cases = []
    for name in names():
        record = load(name)
        cases.append(
            {"name": name, "record": json.loads(sp.dumps(record)), "answers": answers(record)}
        )
    for i, record in enumerate(generated(25)):
        cases.append(
            {
                "name": f"generated-{i}",
                "record": json.loads(sp.dumps(record)),
                "answers": answers(record),
            }
        )
    write(cases)


def write(cases: list[dict[str, Any]]) -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(OUT, "wt", encoding="utf-8") as out:
        json.dump({"spinepath": sp.__version__, "cases": cases}, out, sort_keys=True)
    total = sum(len(c["answers"]) for c in cases)
    print(f"{len(cases)} records, {total} assessments -> {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
