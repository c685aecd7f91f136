"""spinepath: the care pathway after a failed cervical epidural steroid injection, as a library."""

from __future__ import annotations

from spinepath import anatomy, examples
from spinepath._privacy import debug_reprs
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
    Problem,
    SpinepathError,
    problem_details,
)
from spinepath.io import converter, dumps, loads
from spinepath.model import *  # noqa: F403
from spinepath.model import __all__ as _model_all
from spinepath.pathway import (
    Assessment,
    Option,
    Phase,
    Reason,
    RedFlag,
    RedFlagCode,
    Status,
    action_of,
    apply,
    assess,
    check,
    diagram,
    evaluate,
    make_event,
)
from spinepath.rules import (
    CONSENSUS_2022,
    PROFILES,
    STRICT_PAYER,
    Action,
    ActionKind,
    Figure,
    Profile,
    Threshold,
    profile_named,
)

__version__ = "0.2.0"
"""This release of spinepath; the package metadata reads its version from here."""

__all__ = [
    "CONSENSUS_2022",
    "PROFILES",
    "STRICT_PAYER",
    "Action",
    "ActionKind",
    "Assessment",
    "Figure",
    "Option",
    "Phase",
    "Profile",
    "Reason",
    "RedFlag",
    "RedFlagCode",
    "Status",
    "Threshold",
    "action_of",
    "apply",
    "assess",
    "check",
    "debug_reprs",
    "diagram",
    "evaluate",
    "make_event",
    "profile_named",
    "FacetJoint",
    "Foramen",
    "IllegalTransition",
    "InvalidDocument",
    "InvalidRecord",
    "InvalidValue",
    "Problem",
    "problem_details",
    "Nerve",
    "NerveRoot",
    "Segment",
    "Side",
    "SpinalNerve",
    "SpinepathError",
    "Vertebra",
    "__version__",
    "anatomy",
    "examples",
    "converter",
    "dumps",
    "loads",
    *_model_all,
]
