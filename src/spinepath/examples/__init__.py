"""Example patient records shipped with the package, for documentation, demos and tests.

The same files live in the repository's top-level ``examples/`` directory; these copies make them
available from an installed wheel: ``spinepath.examples.load("facet-axial-neck-pain")``.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

from spinepath.errors import InvalidValue
from spinepath.io import loads
from spinepath.model import PatientRecord

__all__ = ["load", "names", "path"]

_SUFFIX = ".json"


def names() -> tuple[str, ...]:
    """The examples' names (file names without ``.json``), sorted."""
    files = resources.files(__name__).iterdir()
    return tuple(sorted(f.name.removesuffix(_SUFFIX) for f in files if f.name.endswith(_SUFFIX)))


def path(name: str) -> Traversable:
    """The example's JSON file (``name`` with or without ``.json``)."""
    stem = name.removesuffix(_SUFFIX)
    if stem not in names():
        raise InvalidValue("name", f"{name!r} is not an example; one of {', '.join(names())}")
    return resources.files(__name__) / f"{stem}{_SUFFIX}"


def load(name: str) -> PatientRecord:
    """The example read as a PatientRecord."""
    return loads(path(name).read_bytes(), PatientRecord)
