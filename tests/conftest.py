"""Hypothesis settings profiles for the suite, chosen by ``SPINEPATH_HYPOTHESIS_PROFILE``.

``dev`` (the default) runs 100 examples per property, ``ci`` 1,000 and ``thorough`` 20,000.
The environment variable wins; without it, ``CI=true`` (as CI sets it) selects ``ci``. Tests
that should stay quick set their own ``max_examples``; the safety properties (marked
``safety``) take the profile's count, so ``SPINEPATH_HYPOTHESIS_PROFILE=thorough pytest -m
safety`` is a long search for counterexamples.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

PROFILES = {"dev": 100, "ci": 1_000, "thorough": 20_000}
for _name, _examples in PROFILES.items():
    settings.register_profile(
        _name,
        max_examples=_examples,
        deadline=None,  # walks of the engine vary in length; time is budgeted per suite
        print_blob=True,  # a failure prints the blob that reproduces it (@reproduce_failure)
        suppress_health_check=[HealthCheck.too_slow],
    )


def _profile() -> str:
    chosen = os.environ.get("SPINEPATH_HYPOTHESIS_PROFILE")
    if chosen:
        return chosen
    return "ci" if os.environ.get("CI", "").lower() == "true" else "dev"


settings.load_profile(_profile())


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "safety: a safety property of the engine, run with the Hypothesis profile's example count",
    )


def pytest_report_header() -> str:
    return f"spinepath hypothesis profile: {_profile()} ({settings().max_examples} examples)"
