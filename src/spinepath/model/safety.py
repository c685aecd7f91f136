"""What makes a procedure safe to do now, and whether the patient wants it: antithrombotic
drugs and their holds, the screen for serious spinal pathology, laboratory results, the
psychological evaluation before a stimulator, and shared decisions about the options.

Each is a dated event of the record, so the fact state folds it once (``rules.state``).
"""

from __future__ import annotations

import enum
from typing import ClassVar

import attrs

from spinepath._checks import is_a, items, number, optional, real
from spinepath.errors import InvalidValue
from spinepath.model.events import Event
from spinepath.model.options import ActionKind

__all__ = [
    "Antithrombotic",
    "AntithromboticUse",
    "Decision",
    "DrugStatus",
    "LabResult",
    "LabTest",
    "PsychologicalEvaluation",
    "SeriousPathologyScreen",
    "SharedDecision",
]


class Antithrombotic(enum.StrEnum):
    """Anticoagulant and antiplatelet drugs that matter before a procedure (Narouze 2018)."""

    WARFARIN = "warfarin"
    HEPARIN = "heparin"
    LOW_MOLECULAR_WEIGHT_HEPARIN = "low_molecular_weight_heparin"
    FONDAPARINUX = "fondaparinux"
    DABIGATRAN = "dabigatran"
    RIVAROXABAN = "rivaroxaban"
    APIXABAN = "apixaban"
    EDOXABAN = "edoxaban"
    CLOPIDOGREL = "clopidogrel"
    PRASUGREL = "prasugrel"
    TICAGRELOR = "ticagrelor"
    CILOSTAZOL = "cilostazol"
    ASPIRIN = "aspirin"

    @property
    def anticoagulant(self) -> bool:
        """An anticoagulant (else an antiplatelet drug)."""
        return self not in _ANTIPLATELETS

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


_ANTIPLATELETS = frozenset(
    {
        Antithrombotic.CLOPIDOGREL,
        Antithrombotic.PRASUGREL,
        Antithrombotic.TICAGRELOR,
        Antithrombotic.CILOSTAZOL,
        Antithrombotic.ASPIRIN,
    }
)


class DrugStatus(enum.StrEnum):
    """Whether a drug is taken from the record's date on, held (paused before a procedure) or
    stopped for good; held and stopped both mean no dose from that date."""

    TAKING = "taking"
    HELD = "held"
    STOPPED = "stopped"


@attrs.frozen(kw_only=True)
class AntithromboticUse(Event):
    """An anticoagulant or antiplatelet drug taken, held or stopped from ``date`` on.

    ``date`` is the first day of the status: for a hold, the first day without a dose, so a
    hold of 5 days is complete 5 days after it (a procedure on that day or later). A later
    record of the same drug replaces this one (taking it again ends a hold).
    """

    kind: ClassVar[str] = "antithrombotic_use"
    drug: Antithrombotic = attrs.field(validator=is_a(Antithrombotic))
    status: DrugStatus = attrs.field(validator=is_a(DrugStatus))
    daily_dose_mg: float | None = attrs.field(
        default=None, converter=real, validator=optional(number(0.001, 100_000))
    )


@attrs.frozen(kw_only=True)
class SeriousPathologyScreen(Event):
    """The screen for serious spinal pathology (Finucane et al., JOSPT 2020): each item
    true (present), false (asked, absent) or None (not asked). Any item present makes the
    screen positive: an urgent work-up comes before further injections."""

    kind: ClassVar[str] = "serious_pathology_screen"
    cancer_history: bool | None = attrs.field(default=None, validator=optional(is_a(bool)))
    unexplained_weight_loss: bool | None = attrs.field(default=None, validator=optional(is_a(bool)))
    fever: bool | None = attrs.field(default=None, validator=optional(is_a(bool)))
    iv_drug_use: bool | None = attrs.field(default=None, validator=optional(is_a(bool)))
    immunosuppression: bool | None = attrs.field(default=None, validator=optional(is_a(bool)))
    recent_trauma: bool | None = attrs.field(default=None, validator=optional(is_a(bool)))
    night_pain: bool | None = attrs.field(default=None, validator=optional(is_a(bool)))

    ITEMS: ClassVar[tuple[str, ...]] = (
        "cancer_history",
        "unexplained_weight_loss",
        "fever",
        "iv_drug_use",
        "immunosuppression",
        "recent_trauma",
        "night_pain",
    )

    @property
    def present(self) -> tuple[str, ...]:
        """The items found present, in screen order."""
        return tuple(name for name in self.ITEMS if getattr(self, name) is True)

    @property
    def not_asked(self) -> tuple[str, ...]:
        return tuple(name for name in self.ITEMS if getattr(self, name) is None)

    @property
    def positive(self) -> bool:
        return bool(self.present)


class LabTest(enum.StrEnum):
    """Laboratory tests a steroid injection's glucose check reads, each with its unit."""

    HBA1C = "hba1c"
    GLUCOSE = "glucose"

    @property
    def unit(self) -> str:
        return "%" if self is LabTest.HBA1C else "mg/dL"


_LAB_RANGES = {LabTest.HBA1C: (2.0, 25.0), LabTest.GLUCOSE: (10.0, 2000.0)}


@attrs.frozen(kw_only=True)
class LabResult(Event):
    """A laboratory result: HbA1c in percent, or blood glucose in mg/dL."""

    kind: ClassVar[str] = "lab_result"
    test: LabTest = attrs.field(validator=is_a(LabTest))
    value: float = attrs.field(converter=real, validator=number(0))

    def __attrs_post_init__(self) -> None:
        low, high = _LAB_RANGES[self.test]
        if not low <= self.value <= high:
            raise InvalidValue(
                "value",
                f"{self.value:g} {self.test.unit} is outside the plausible range for "
                f"{self.test} ({low:g}-{high:g} {self.test.unit})",
            )


@attrs.frozen(kw_only=True)
class PsychologicalEvaluation(Event):
    """A psychological evaluation before a spinal cord stimulator trial (Medicare NCD 160.7):
    ``suitable`` says whether it found no contraindication to stimulation."""

    kind: ClassVar[str] = "psychological_evaluation"
    suitable: bool = attrs.field(validator=is_a(bool))


class Decision(enum.StrEnum):
    """What an informed patient decided about an option."""

    CONSENTED = "consented"
    DECLINED = "declined"


@attrs.frozen(kw_only=True)
class SharedDecision(Event):
    """The patient was informed about an option and consented to it or declined it.

    A declined option is not recommended again (it stays allowed: they may change their mind,
    recorded as a later decision); a consent is what a profile may require before a procedure.
    ``options`` names the kinds decided on (declining surgery names both operations).
    """

    kind: ClassVar[str] = "shared_decision"
    options: tuple[ActionKind, ...] = attrs.field(
        validator=items(ActionKind, unique=True, nonempty=True)
    )
    decision: Decision = attrs.field(validator=is_a(Decision))
