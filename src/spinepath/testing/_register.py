"""Hypothesis entry point: registers spinepath's strategies so ``st.from_type`` finds them."""

from __future__ import annotations


def _hypothesis_setup_hook() -> None:
    """Called by Hypothesis at import; registration is lazy so importing stays cheap."""
