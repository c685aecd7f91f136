"""Checking a downstream app against spinepath's engine with ``PathwayStateMachine``.

``ClinicStore`` stands for your application: it keeps each patient's record as a JSON document
(as a database row would), refuses events the pathway does not allow, and shows a "next steps"
screen with an urgent banner. ``ClinicStoreMachine`` lets Hypothesis drive spinepath's engine
through random legal and illegal histories and checks, after every step, that the store agrees
with the engine. Run it with ``python examples/downstream_app_test.py`` or with pytest.
"""

from __future__ import annotations

import unittest

from hypothesis import settings

import spinepath
from spinepath import Assessment, Event, IllegalTransition, PatientRecord
from spinepath.testing import PathwayStateMachine


class ClinicStore:
    """A tiny clinic app: one JSON document per patient, and a next-steps screen."""

    def __init__(self) -> None:
        self._rows: dict[str, str] = {}

    def admit(self, record: PatientRecord) -> None:
        self._rows[record.patient.id] = spinepath.dumps(record)

    def record(self, patient_id: str) -> PatientRecord:
        return spinepath.loads(self._rows[patient_id], PatientRecord)

    def add(self, patient_id: str, event: Event) -> list[str]:
        """Store ``event`` if the pathway allows it; the reasons it does not, otherwise."""
        record = self.record(patient_id)
        failed = spinepath.check(record, event)
        if failed and event.override is None:
            return [str(reason) for reason in failed]
        self._rows[patient_id] = spinepath.dumps(record.add(event))
        return []

    def next_steps(self, patient_id: str) -> list[str]:
        return [str(o.action) for o in spinepath.assess(self.record(patient_id)).recommended]

    def banner(self, patient_id: str) -> str | None:
        first = spinepath.assess(self.record(patient_id)).first
        return f"URGENT: {first.action}" if first is not None and first.urgent else None


class ClinicStoreMachine(PathwayStateMachine):
    """The engine drives; the store must agree after every step."""

    def on_start(self, record: PatientRecord) -> None:
        self.store = ClinicStore()
        self.store.admit(record)
        assert self.store.record(record.patient.id) == record

    def on_applied(self, record: PatientRecord, event: Event) -> None:
        assert self.store.add(record.patient.id, event) == []
        assert self.store.record(record.patient.id) == record

    def on_rejected(self, record: PatientRecord, event: Event, error: IllegalTransition) -> None:
        assert self.store.add(record.patient.id, event) == list(error.failed)
        assert self.store.record(record.patient.id) == record  # nothing was stored

    def on_assessed(self, record: PatientRecord, assessment: Assessment) -> None:
        patient = record.patient.id
        assert self.store.next_steps(patient) == [str(o.action) for o in assessment.recommended]
        first = assessment.first
        if first is not None and first.urgent:
            assert self.store.banner(patient) == f"URGENT: {first.action}"


TestClinicStore = ClinicStoreMachine.TestCase
TestClinicStore.settings = settings(max_examples=20, stateful_step_count=30, deadline=None)

if __name__ == "__main__":
    unittest.main()
