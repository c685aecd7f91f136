"""Identifiers and free text stay out of reprs, unless a developer asks to see them.

A repr ends up in logs, tracebacks, test reports and error trackers, far from the code that
made it, so the model's reprs never show a field that holds an identifier or free text (a
patient id, an event id, an override's reason): they show ``<private>`` in its place. Every
such field is declared with ``attrs.field(repr=private_repr)``; ``tests/test_privacy.py``
finds every ``str`` field of the model and checks that it is.

While debugging, :func:`debug_reprs` (a context manager) or the environment variable
``SPINEPATH_DEBUG_REPRS=1`` shows them. The context manager wins over the environment and
holds in its own thread or task only (it is a :class:`contextvars.ContextVar`), so turning it
on in one request handler never shows private values in another. Error messages never show
private values, whatever the setting: an error is logged wherever it is caught, long after
the debugging context has ended.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Iterator

__all__ = ["ENVIRONMENT_VARIABLE", "HIDDEN", "debug_reprs", "private_repr", "showing_private"]

ENVIRONMENT_VARIABLE = "SPINEPATH_DEBUG_REPRS"
"""Set to ``1`` (or ``true``, ``yes``, ``on``) to show private values in reprs everywhere."""

HIDDEN = "<private>"
"""What a repr shows in place of a private value."""

_ON = frozenset({"1", "true", "yes", "on"})
_shown: contextvars.ContextVar[bool | None] = contextvars.ContextVar(
    "spinepath_debug_reprs", default=None
)


def showing_private() -> bool:
    """Whether reprs show private values now: the innermost :func:`debug_reprs` of this
    thread or task if there is one, else the environment variable (read at each call)."""
    chosen = _shown.get()
    if chosen is not None:
        return chosen
    return os.environ.get(ENVIRONMENT_VARIABLE, "").strip().lower() in _ON


@contextlib.contextmanager
def debug_reprs(show: bool = True) -> Iterator[None]:
    """Show (or, with ``show=False``, hide) identifiers and free text in reprs inside the
    ``with`` block, in this thread or task only::

        with spinepath.debug_reprs():
            print(record)  # PatientRecord(patient=Patient(id='pt-0001', ...), ...)

    For debugging only: never leave it on where reprs reach logs. Error messages are not
    affected: they never show private values.
    """
    token = _shown.set(bool(show))
    try:
        yield
    finally:
        _shown.reset(token)


def private_repr(value: object) -> str:
    """The repr of a private field's value: ``<private>`` unless private values are shown.

    ``None`` and an empty tuple tell nothing about anyone and are shown as they are.
    """
    if value is None or value == () or showing_private():
        return repr(value)
    return HIDDEN
