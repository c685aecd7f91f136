"""The phases of the pathway (defined in :mod:`spinepath.rules.phases`, re-exported here)."""

from __future__ import annotations

from spinepath.rules.phases import ACTION_PHASE, ENTRY, Phase

__all__ = ["ACTION_PHASE", "ENTRY", "Phase"]
