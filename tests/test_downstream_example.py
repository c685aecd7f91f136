"""examples/downstream_app_test.py runs green, and its machine catches a store that is wrong."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from spinepath import Event

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "downstream_app_test.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("downstream_app_test", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_runs_as_a_script() -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLE)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=EXAMPLE.parent.parent,
    )
    assert done.returncode == 0, done.stderr
    assert "OK" in done.stderr


def test_the_machine_catches_a_store_that_keeps_illegal_events() -> None:
    example = load_example()

    class CarelessStore(example.ClinicStore):  # type: ignore[misc,name-defined]
        def add(self, patient_id: str, event: Event) -> list[str]:
            record = self.record(patient_id)
            self._rows[patient_id] = example.spinepath.dumps(record.add(event))
            return []

    class CarelessMachine(example.ClinicStoreMachine):  # type: ignore[misc,name-defined]
        def on_start(self, record: object) -> None:
            self.store = CarelessStore()
            self.store.admit(record)

    with pytest.raises(AssertionError):
        run_state_machine_as_test(
            CarelessMachine,
            settings=settings(
                max_examples=50,
                stateful_step_count=30,
                deadline=None,
                database=None,
                phases=[Phase.generate],  # finding the bug is the point; shrinking it is slow
            ),
        )
