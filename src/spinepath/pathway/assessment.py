"""What :func:`spinepath.assess` returns: the phase and every candidate action, classified."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, NamedTuple, Protocol

import attrs

from spinepath.pathway.phases import Phase
from spinepath.rules.actions import Action, ActionKind

__all__ = [
    "Assessment",
    "Explainer",
    "Judgement",
    "Option",
    "Reason",
    "RedFlag",
    "RedFlagCode",
    "Status",
    "option_id",
    "red_flag_code",
]


class Status(enum.StrEnum):
    """The three classes every candidate falls in: exactly one each (pathway.md)."""

    RECOMMENDED = "recommended"
    ALLOWED = "allowed"
    BLOCKED = "blocked"


@attrs.frozen
class Reason:
    """Why an option is where it is: the rule, what held or failed, and the source."""

    rule: str
    text: str
    citation: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.text}"


class RedFlagCode(enum.StrEnum):
    """What kind of red flag an assessment reports: a stable word a program can branch on
    (the flag's text says the details: which root, which scores, since when)."""

    MYELOPATHY_SIGN = "myelopathy_sign"
    MODERATE_MYELOPATHY = "moderate_myelopathy"
    SEVERE_MYELOPATHY = "severe_myelopathy"
    MJOA_DECLINE = "mjoa_decline"
    PROGRESSIVE_WEAKNESS = "progressive_weakness"
    SEVERE_WEAKNESS = "severe_weakness"
    PROGRESSIVE_SENSORY_LOSS = "progressive_sensory_loss"
    OTHER = "other"


_RED_FLAG_PREFIXES = (
    ("myelopathy sign:", RedFlagCode.MYELOPATHY_SIGN),
    ("moderate myelopathy", RedFlagCode.MODERATE_MYELOPATHY),
    ("severe myelopathy", RedFlagCode.SEVERE_MYELOPATHY),
    ("mJOA decline", RedFlagCode.MJOA_DECLINE),
    ("progressive weakness", RedFlagCode.PROGRESSIVE_WEAKNESS),
    ("severe weakness", RedFlagCode.SEVERE_WEAKNESS),
    ("progressive sensory loss", RedFlagCode.PROGRESSIVE_SENSORY_LOSS),
)


def red_flag_code(text: str) -> RedFlagCode:
    """The code of a red flag's text as the rules write it (``OTHER`` for a text no code
    names yet; a test holds every text the engine writes to a code)."""
    for prefix, code in _RED_FLAG_PREFIXES:
        if text.startswith(prefix):
            return code
    return RedFlagCode.OTHER


@attrs.frozen
class RedFlag:
    """A red flag with its code: ``RedFlag(PROGRESSIVE_WEAKNESS, "progressive weakness: left
    C6 MRC 4 -> 3")``."""

    code: RedFlagCode
    text: str


def option_id(action: Action) -> str:
    """A stable id for an option, made from its action alone (the same action has the same id
    in every assessment, release and process): the kind, then each target field that is set,
    ``medial_branch_block:segments=C4-5:side=right:series_position=1``."""
    parts = [action.kind.value]
    for name in _TARGETS:
        value = getattr(action, name)
        if value in (None, ()):
            continue
        shown = "+".join(str(v) for v in value) if isinstance(value, tuple) else str(value)
        parts.append(f"{name}={shown}")
    return ":".join(parts)


_TARGETS = (
    "segments",
    "side",
    "root",
    "approach",
    "drug",
    "urgency",
    "modality",
    "series_position",
)


class Explainer(Protocol):
    """What writes an option's reasons when they are first read (the engine's facts of the
    assessed record, shared by every option of one assessment)."""

    def explain(
        self, action: Action, status: Status
    ) -> tuple[tuple[Reason, ...], tuple[Reason, ...]]: ...

    def notes(self) -> tuple[str, ...]: ...


class Judgement(NamedTuple):
    """One candidate as the engine classified it, before any text is written."""

    action: Action
    status: Status
    urgent: bool = False
    rank: int | None = None


@attrs.frozen(kw_only=True, eq=False)
class Option:
    """One candidate next step.

    ``reasons`` cite the rules that make it recommended or allowed; ``failed`` lists every
    failed precondition of a blocked option (each naming its rule id); ``rank`` orders
    recommended options (1 is first), ``urgent`` marks S12's queue-jumping steps.

    The reason texts are written when first read, not when the engine classifies, so an
    assessment costs little until someone looks at why. Equality compares the texts too.
    """

    action: Action
    status: Status
    urgent: bool = False
    rank: int | None = None
    _why: Explainer = attrs.field(repr=False, alias="why")
    _texts: tuple[tuple[Reason, ...], tuple[Reason, ...]] | None = attrs.field(
        init=False, default=None, repr=False
    )

    def _written(self) -> tuple[tuple[Reason, ...], tuple[Reason, ...]]:
        texts = self._texts
        if texts is None:
            texts = self._why.explain(self.action, self.status)
            object.__setattr__(self, "_texts", texts)
        return texts

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """Why it is recommended or allowed: rule id, what held (or did not), the source."""
        return self._written()[0]

    @property
    def failed(self) -> tuple[Reason, ...]:
        """Every failed precondition of a blocked option, each naming its rule."""
        return self._written()[1]

    @property
    def legal(self) -> bool:
        return self.status is not Status.BLOCKED

    @property
    def id(self) -> str:
        """A stable id of the option: the same action has the same id (:func:`option_id`)."""
        return option_id(self.action)

    def _key(self) -> tuple[object, ...]:
        return (self.action, self.status, self.urgent, self.rank, self.reasons, self.failed)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Option):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.action, self.status, self.urgent, self.rank))

    def __str__(self) -> str:
        return str(self.action)


_Options = tuple[tuple[Option, ...], tuple[Option, ...], tuple[Option, ...]]


@attrs.frozen(kw_only=True, eq=False)
class Assessment:
    """The engine's answer for one record on one date under one guideline profile.

    ``judgements`` is the classification itself: every candidate with its status (ranked
    recommendations first, then allowed, then blocked). The :class:`Option` values, and their
    reason texts, are made when first read.
    """

    as_of: dt.date
    profile: str
    phase: Phase
    red_flags: tuple[str, ...]
    judgements: tuple[Judgement, ...]
    _why: Explainer = attrs.field(repr=False, alias="why")
    _built: _Options | None = attrs.field(init=False, default=None, repr=False)

    def _options(self) -> _Options:
        built = self._built
        if built is None:
            why = self._why
            parts: dict[Status, list[Option]] = {status: [] for status in Status}
            for j in self.judgements:
                parts[j.status].append(
                    Option(action=j.action, status=j.status, urgent=j.urgent, rank=j.rank, why=why)
                )
            built = (
                tuple(parts[Status.RECOMMENDED]),
                tuple(parts[Status.ALLOWED]),
                tuple(parts[Status.BLOCKED]),
            )
            object.__setattr__(self, "_built", built)
        return built

    @property
    def flags(self) -> tuple[RedFlag, ...]:
        """The red flags with their codes (``red_flags`` holds their texts)."""
        return tuple(RedFlag(red_flag_code(text), text) for text in self.red_flags)

    @property
    def notes(self) -> tuple[str, ...]:
        """What the clinician should know that is not an option: an outcome too early to
        judge (and from when it can be), a measure the rules need that is not recorded."""
        return self._why.notes()

    @property
    def recommended(self) -> tuple[Option, ...]:
        """Recommended options, ranked (urgent first)."""
        return self._options()[0]

    @property
    def allowed(self) -> tuple[Option, ...]:
        """Legal options no rule favours now."""
        return self._options()[1]

    @property
    def blocked(self) -> tuple[Option, ...]:
        """Options with a failed precondition."""
        return self._options()[2]

    @property
    def options(self) -> tuple[Option, ...]:
        """Every candidate: recommended (ranked), then allowed, then blocked."""
        recommended, allowed, blocked = self._options()
        return (*recommended, *allowed, *blocked)

    @property
    def first(self) -> Option | None:
        """The top recommendation, if any."""
        recommended = self._options()[0]
        return recommended[0] if recommended else None

    def option(self, action: Action) -> Option | None:
        """The option for ``action`` if it is among the candidates."""
        for option in self.options:
            if option.action == action:
                return option
        return None

    def of_kind(self, kind: ActionKind) -> tuple[Option, ...]:
        return tuple(o for o in self.options if o.action.kind is kind)

    def _key(self) -> tuple[object, ...]:
        return (self.as_of, self.profile, self.phase, self.red_flags, self._options())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Assessment):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.as_of, self.profile, self.phase, self.judgements))

    def to_dict(self) -> dict[str, Any]:
        """The assessment as a JSON-ready document, the same as ``json.loads(dumps(self))``:
        its form is :func:`spinepath.pathway.document.assessment_schema`."""
        from spinepath.pathway.document import assessment_document

        return assessment_document(self)
