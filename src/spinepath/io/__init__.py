"""JSON I/O: one configured cattrs converter, versioned documents, migrations, JSON Schema.

``dumps(record)`` writes ``{"schema_version": 2, "patient": {...}, "events": [...]}``;
``loads(text, PatientRecord)`` reads it back, or raises
:class:`~spinepath.errors.InvalidDocument` listing every problem with its field path. This
layer depends only on the model, never on the pathway engine.
"""

from __future__ import annotations

from spinepath.io.converter import converter, make_converter
from spinepath.io.document import dumps, loads, structure, unstructure
from spinepath.io.jsontext import DEFAULT_MAX_CONTAINERS, DEFAULT_MAX_DEPTH, DEFAULT_MAX_SIZE
from spinepath.io.migrations import CURRENT_VERSION

__all__ = [
    "CURRENT_VERSION",
    "DEFAULT_MAX_CONTAINERS",
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_SIZE",
    "converter",
    "dumps",
    "loads",
    "make_converter",
    "structure",
    "unstructure",
]
