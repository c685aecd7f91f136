"""What an intervention achieved: relief, how long it lasted, complications, function."""

from __future__ import annotations

import enum

import attrs

from spinepath._checks import integer, is_a, items, nrs, number, optional, real
from spinepath.errors import InvalidValue
from spinepath.model.symptoms import NeckDisabilityIndex

__all__ = ["Complication", "FunctionalChange", "Outcome"]


class Complication(enum.StrEnum):
    """Complications of cervical injections, ablation and surgery, as typed values."""

    VASOVAGAL_REACTION = "vasovagal_reaction"
    DURAL_PUNCTURE = "dural_puncture"
    POST_DURAL_PUNCTURE_HEADACHE = "post_dural_puncture_headache"
    TRANSIENT_NUMBNESS = "transient_numbness"
    TRANSIENT_PAIN_FLARE = "transient_pain_flare"
    STEROID_HYPERGLYCAEMIA = "steroid_hyperglycaemia"
    EPIDURAL_HAEMATOMA = "epidural_haematoma"
    INFECTION = "infection"
    NERVE_INJURY = "nerve_injury"
    SPINAL_CORD_INJURY = "spinal_cord_injury"
    STROKE = "stroke"
    POST_ABLATION_NEURITIS = "post_ablation_neuritis"
    DYSPHAGIA = "dysphagia"
    RECURRENT_LARYNGEAL_NERVE_PALSY = "recurrent_laryngeal_nerve_palsy"
    C5_PALSY = "c5_palsy"
    PSEUDARTHROSIS = "pseudarthrosis"
    ADJACENT_SEGMENT_DISEASE = "adjacent_segment_disease"
    LEAD_MIGRATION = "lead_migration"
    MEDICATION_SIDE_EFFECT = "medication_side_effect"

    @property
    def serious(self) -> bool:
        return self in _SERIOUS


_SERIOUS = frozenset(
    {
        Complication.EPIDURAL_HAEMATOMA,
        Complication.INFECTION,
        Complication.NERVE_INJURY,
        Complication.SPINAL_CORD_INJURY,
        Complication.STROKE,
        Complication.RECURRENT_LARYNGEAL_NERVE_PALSY,
        Complication.C5_PALSY,
    }
)


class FunctionalChange(enum.StrEnum):
    """How the patient's function changed after an intervention."""

    IMPROVED = "improved"
    UNCHANGED = "unchanged"
    WORSE = "worse"


@attrs.frozen(kw_only=True)
class Outcome:
    """The result of one intervention as observed at one follow-up (the report's date).

    An intervention may be followed up more than once (schema version 2): each
    :class:`~spinepath.model.events.OutcomeReport` is one observation, and the rules read the
    first (diagnostic blocks), the latest (relief now) or the one saying relief ended.

    ``relief_percent`` is the patient's reported relief of the index pain; when it is not
    reported, :attr:`relief` derives it from the NRS before and after. ``relief_duration_days``
    is how long relief lasted, counted from the intervention: given, it says relief has ended
    (None: still lasting or not known). ``relief_ongoing`` says relief was still lasting on the
    report's date (None: not asked). ``concordant`` says whether a diagnostic block relieved the
    patient's usual (index) pain, as a block must to count. ``ndi_after`` and ``mjoa_after``
    are the disability and myelopathy scores measured at this follow-up, where measured.
    """

    pain_before: int = attrs.field(validator=nrs)
    pain_after: int = attrs.field(validator=nrs)
    relief_percent: float | None = attrs.field(
        default=None, converter=real, validator=optional(number(0, 100))
    )
    relief_duration_days: int | None = attrs.field(
        default=None, validator=optional(integer(0, 36500))
    )
    concordant: bool | None = attrs.field(default=None, validator=optional(is_a(bool)))
    complications: tuple[Complication, ...] = attrs.field(
        default=(), validator=items(Complication, unique=True)
    )
    function: FunctionalChange | None = attrs.field(
        default=None, validator=optional(is_a(FunctionalChange))
    )
    ndi_after: NeckDisabilityIndex | None = attrs.field(
        default=None, validator=optional(is_a(NeckDisabilityIndex))
    )
    relief_ongoing: bool | None = attrs.field(default=None, validator=optional(is_a(bool)))
    mjoa_after: int | None = attrs.field(default=None, validator=optional(integer(0, 18)))

    def __attrs_post_init__(self) -> None:
        if self.relief_ongoing and self.relief_duration_days is not None:
            raise InvalidValue(
                "relief_ongoing",
                "is true, but relief_duration_days says relief ended "
                f"after {self.relief_duration_days} days",
            )

    @property
    def ended(self) -> bool:
        """Whether this follow-up says relief has ended (a duration is given)."""
        return self.relief_duration_days is not None

    @property
    def relief(self) -> float:
        """Percent relief: as reported, else from the NRS (no relief when pain did not fall)."""
        if self.relief_percent is not None:
            return float(self.relief_percent)
        if self.pain_before == 0 or self.pain_after >= self.pain_before:
            return 0.0
        return 100.0 * (self.pain_before - self.pain_after) / self.pain_before

    @property
    def pain_change(self) -> int:
        """Points of NRS improvement (negative when worse)."""
        return self.pain_before - self.pain_after
