"""Hypothesis strategies and a state machine for suites that test code built on spinepath.

``spinepath.testing.strategies`` generates every domain type and legal patient histories;
:class:`PathwayStateMachine` drives the engine step by step for an application to mirror.
Both need Hypothesis (``pip install spinepath[testing]``); ``import spinepath`` never does.
Attributes load on first use, so Hypothesis's entry point (``_register``) stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spinepath.testing import strategies
    from spinepath.testing._machine import PathwayStateMachine, check_assessment

__all__ = ["PathwayStateMachine", "check_assessment", "strategies"]


def __getattr__(name: str) -> Any:
    if name == "strategies":
        return importlib.import_module("spinepath.testing.strategies")
    if name in ("PathwayStateMachine", "check_assessment"):
        return getattr(importlib.import_module("spinepath.testing._machine"), name)
    raise AttributeError(f"module 'spinepath.testing' has no attribute {name!r}")
