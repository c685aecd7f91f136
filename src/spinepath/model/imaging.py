"""Imaging findings: what the MRI, CT or X-ray showed, each at a segment and side."""

from __future__ import annotations

import enum
from typing import ClassVar

import attrs

from spinepath._checks import is_a, number, one_of, optional, real
from spinepath.anatomy import Segment, Side
from spinepath.errors import InvalidValue

__all__ = [
    "CentralStenosis",
    "DiscHerniation",
    "FacetArthropathy",
    "ForaminalStenosis",
    "HerniationZone",
    "ImagingFinding",
    "Instability",
    "InstabilityKind",
    "Modality",
    "StenosisGrade",
]


class Modality(enum.StrEnum):
    """Imaging modalities used to look for progression (S2) and to confirm correlation (S13)."""

    MRI = "mri"
    CT = "ct"
    CT_MYELOGRAPHY = "ct_myelography"
    XRAY = "xray"

    @property
    def shows_soft_tissue(self) -> bool:
        """Whether discs and neural elements are visible (plain X-ray shows bone only)."""
        return self is not Modality.XRAY


class HerniationZone(enum.StrEnum):
    """Where in the canal a disc herniates; foraminal ones compress the exiting root."""

    CENTRAL = "central"
    PARACENTRAL = "paracentral"
    FORAMINAL = "foraminal"


class StenosisGrade(enum.StrEnum):
    """How narrow a stenosed canal or foramen is."""

    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"

    @property
    def rank(self) -> int:
        return ("mild", "moderate", "severe").index(self.value)


_LATERAL_OR_BOTH = one_of((Side.LEFT, Side.RIGHT, Side.BILATERAL), "left, right or bilateral")


@attrs.frozen(kw_only=True)
class DiscHerniation:
    """A disc herniation; a central one lies on the midline, the others on a side."""

    kind: ClassVar[str] = "disc_herniation"
    soft_tissue: ClassVar[bool] = True
    segment: Segment = attrs.field(validator=is_a(Segment))
    side: Side = attrs.field(validator=is_a(Side))
    zone: HerniationZone = attrs.field(validator=is_a(HerniationZone))

    def __attrs_post_init__(self) -> None:
        if (self.zone is HerniationZone.CENTRAL) != (self.side is Side.CENTRAL):
            raise InvalidValue("side", f"a {self.zone} herniation cannot be {self.side}")


@attrs.frozen(kw_only=True)
class ForaminalStenosis:
    """Narrowing of a neural foramen, compressing the root that exits there."""

    kind: ClassVar[str] = "foraminal_stenosis"
    soft_tissue: ClassVar[bool] = False
    segment: Segment = attrs.field(validator=is_a(Segment))
    side: Side = attrs.field(validator=_LATERAL_OR_BOTH)
    grade: StenosisGrade = attrs.field(validator=is_a(StenosisGrade))


@attrs.frozen(kw_only=True)
class CentralStenosis:
    """Narrowing of the central canal; cord compression and signal change point to myelopathy."""

    kind: ClassVar[str] = "central_stenosis"
    soft_tissue: ClassVar[bool] = False
    segment: Segment = attrs.field(validator=is_a(Segment))
    grade: StenosisGrade = attrs.field(validator=is_a(StenosisGrade))
    cord_compression: bool = attrs.field(default=False, validator=is_a(bool))
    cord_signal_change: bool = attrs.field(default=False, validator=is_a(bool))


@attrs.frozen(kw_only=True)
class FacetArthropathy:
    """Arthritic or inflamed facet joints, the source S6 treats with MBB then RFA."""

    kind: ClassVar[str] = "facet_arthropathy"
    soft_tissue: ClassVar[bool] = False
    segment: Segment = attrs.field(validator=is_a(Segment))
    side: Side = attrs.field(validator=_LATERAL_OR_BOTH)


class InstabilityKind(enum.StrEnum):
    """Abnormal motion between vertebrae, or one slipped on the next."""

    INSTABILITY = "instability"
    SPONDYLOLISTHESIS = "spondylolisthesis"


@attrs.frozen(kw_only=True)
class Instability:
    """Abnormal motion or slip at a segment; favours fusion over a motion-preserving operation."""

    kind: ClassVar[str] = "instability"
    soft_tissue: ClassVar[bool] = False
    segment: Segment = attrs.field(validator=is_a(Segment))
    form: InstabilityKind = attrs.field(validator=is_a(InstabilityKind))
    translation_mm: float | None = attrs.field(
        default=None, converter=real, validator=optional(number(0, 30))
    )


ImagingFinding = (
    DiscHerniation | ForaminalStenosis | CentralStenosis | FacetArthropathy | Instability
)
"""Any finding an imaging study can report."""

IMAGING_FINDINGS: tuple[type[ImagingFinding], ...] = (
    DiscHerniation,
    ForaminalStenosis,
    CentralStenosis,
    FacetArthropathy,
    Instability,
)
"""Every kind of imaging finding an :class:`ImagingStudy` can report."""
