"""The patient: an opaque identifier and the health factors that change what is safe to do."""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import Any

import attrs

from spinepath._checks import a_date, is_a, optional
from spinepath._privacy import private_repr
from spinepath.errors import InvalidValue

__all__ = ["AsaClass", "HealthFactors", "Patient", "Sex"]

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


def identifier(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An opaque identifier: 1-64 letters, digits and ``._:-``; never a name or free text."""
    if not isinstance(value, str):
        raise InvalidValue(attribute.name, f"expected text, got {type(value).__name__}")
    if not _ID.fullmatch(value):
        raise InvalidValue(
            attribute.name,
            "must be 1-64 letters, digits or . _ : - and start with a letter or digit",
        )


class Sex(enum.StrEnum):
    """Sex recorded for clinical purposes (pregnancy checks); ``unknown`` when not recorded."""

    FEMALE = "female"
    MALE = "male"
    UNKNOWN = "unknown"


class AsaClass(enum.IntEnum):
    """ASA physical status, the usual summary of fitness for anaesthesia and surgery."""

    I = 1  # noqa: E741
    II = 2
    III = 3
    IV = 4
    V = 5
    VI = 6


@attrs.frozen(kw_only=True)
class HealthFactors:
    """Health facts that gate injections and surgery; all default to absent."""

    anticoagulated: bool = attrs.field(default=False, validator=is_a(bool))
    """On an anticoagulant. Record the drug itself (an
    :class:`~spinepath.model.AntithromboticUse`): with no anticoagulant named, the flag is
    treated as an unnamed anticoagulant that blocks intermediate- and high-risk procedures."""
    bleeding_disorder: bool = attrs.field(default=False, validator=is_a(bool))
    """A bleeding disorder (coagulopathy): moves a procedure up a bleeding-risk class, and an
    intermediate- or high-risk procedure needs a haematology plan (an override)."""
    low_platelets: bool = attrs.field(default=False, validator=is_a(bool))
    """Thrombocytopenia: moves a procedure up a bleeding-risk class."""
    liver_disease: bool = attrs.field(default=False, validator=is_a(bool))
    """Advanced liver disease: moves a procedure up a bleeding-risk class."""
    kidney_disease: bool = attrs.field(default=False, validator=is_a(bool))
    """Advanced kidney disease (slower drug clearance): moves a procedure up a bleeding-risk
    class."""
    contrast_allergy: bool = attrs.field(default=False, validator=is_a(bool))
    """An allergy to iodinated contrast: procedures that need contrast are blocked until a
    plan is recorded (``contrast_plan``)."""
    contrast_plan: bool = attrs.field(default=False, validator=is_a(bool))
    """A recorded plan for the contrast allergy (premedication, or a contrast-free technique)."""
    diabetes: bool = attrs.field(default=False, validator=is_a(bool))
    pregnant: bool = attrs.field(default=False, validator=is_a(bool))
    active_infection: bool = attrs.field(default=False, validator=is_a(bool))
    asa_class: AsaClass | None = attrs.field(default=None, validator=optional(is_a(AsaClass)))
    mri_contraindicated: bool = attrs.field(default=False, validator=is_a(bool))
    """An MRI-unsafe implant or device, or another recorded contraindication to MRI."""

    @property
    def bleeding_risk(self) -> bool:
        """Anticoagulated or a bleeding disorder (the legacy summary; the engine reads the
        named drugs and :attr:`bleeding_factors`)."""
        return self.anticoagulated or self.bleeding_disorder

    @property
    def bleeding_factors(self) -> tuple[str, ...]:
        """The patient's bleeding factors that move a procedure up a bleeding-risk class, in
        words."""
        return tuple(words for name, words in _BLEEDING_FACTORS.items() if getattr(self, name))


_BLEEDING_FACTORS = {
    "bleeding_disorder": "a bleeding disorder",
    "low_platelets": "low platelets",
    "liver_disease": "liver disease",
    "kidney_disease": "kidney disease",
}


@attrs.frozen(kw_only=True)
class Patient:
    """A patient as the pathway needs to know them; no names or other identifying free text.

    The ``id`` is shown as ``<private>`` in reprs (see :func:`spinepath.debug_reprs`).
    """

    id: str = attrs.field(validator=identifier, repr=private_repr)
    birth_date: dt.date = attrs.field(validator=a_date)
    sex: Sex = attrs.field(validator=is_a(Sex))
    health: HealthFactors = attrs.field(factory=HealthFactors, validator=is_a(HealthFactors))

    def __attrs_post_init__(self) -> None:
        if self.health.pregnant and self.sex is Sex.MALE:
            raise InvalidValue("health.pregnant", "is true for a patient recorded as male")

    def age_on(self, day: dt.date) -> int:
        """Age in whole years on ``day``."""
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years
