"""spinepath: the care pathway after a failed cervical epidural steroid injection, as a library."""

from __future__ import annotations

from spinepath import anatomy
from spinepath.anatomy import (
    FacetJoint,
    Foramen,
    Nerve,
    NerveRoot,
    Segment,
    Side,
    SpinalNerve,
    Vertebra,
)
from spinepath.errors import (
    IllegalTransition,
    InvalidDocument,
    InvalidRecord,
    InvalidValue,
    SpinepathError,
)
from spinepath.model import *  # noqa: F403
from spinepath.model import __all__ as _model_all

__version__ = "0.1.0"

__all__ = [
    "FacetJoint",
    "Foramen",
    "IllegalTransition",
    "InvalidDocument",
    "InvalidRecord",
    "InvalidValue",
    "Nerve",
    "NerveRoot",
    "Segment",
    "Side",
    "SpinalNerve",
    "SpinepathError",
    "Vertebra",
    "__version__",
    "anatomy",
    *_model_all,
]
