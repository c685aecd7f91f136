"""The assessment as a document: what ``dumps(assessment)`` writes and ``loads`` reads back.

An assessment document is versioned like a record (``schema_version``) and holds the date,
the profile, the phase (code and label), the coded red flags, the notes, and the options in
three lists (recommended ranked, allowed, blocked). Every option carries a stable ``id``, its
action in the one JSON shape spinepath writes an action everywhere (``kind`` plus the target
fields, exactly ``dumps(action)`` without the version), the action as text, its rank, whether
it is urgent, and its reasons and failed preconditions (rule, text, citation).

``loads(text, Assessment)`` gives back an assessment equal to the one written: the same
phase, flags and options, and the same reason texts, read from the document rather than
written again by the engine. A document that does not hold together (an id that is not its
action's, a label that is not its phase's, ranks out of order) is refused with every problem
and its path, as for a record.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

import attrs
import cattrs
from cattrs.errors import ClassValidationError

from spinepath.errors import InvalidValue
from spinepath.io import converter
from spinepath.io.migrations import CURRENT_VERSION, VERSION_KEY
from spinepath.io.schema import Schema, document_schema
from spinepath.pathway.assessment import (
    Assessment,
    Judgement,
    Option,
    Reason,
    RedFlag,
    Status,
    option_id,
    red_flag_code,
)
from spinepath.pathway.phases import Phase
from spinepath.rules.actions import Action

__all__ = [
    "ASSESSMENT_SCHEMA_ID",
    "AssessmentDocument",
    "OptionEntry",
    "PhaseEntry",
    "assessment_document",
    "assessment_schema",
    "main",
    "register_hooks",
]

ASSESSMENT_SCHEMA_ID = "https://spinepath.invalid/schema/assessment-v{version}.json"


@attrs.frozen(kw_only=True)
class PhaseEntry:
    """The phase a patient is in: its code and the label a clinician reads."""

    code: Phase
    label: str


@attrs.frozen(kw_only=True)
class OptionEntry:
    """One candidate next step: a stable id (the same action has the same id), the action
    (``kind`` and its target fields), the action as text, the rank of a recommendation (null
    otherwise), whether it is urgent, the reasons and, for a blocked option, every failed
    precondition (each naming its rule)."""

    id: str
    action: Action
    text: str
    rank: int | None
    urgent: bool
    reasons: tuple[Reason, ...]
    failed: tuple[Reason, ...]


@attrs.frozen(kw_only=True)
class AssessmentDocument:
    """What spinepath.assess answered for one record on one date under one guideline
    profile: the phase, the red flags (coded), notes, and every candidate next step as
    recommended (ranked, urgent first), allowed or blocked."""

    as_of: dt.date
    profile: str
    phase: PhaseEntry
    red_flags: tuple[RedFlag, ...]
    notes: tuple[str, ...]
    recommended: tuple[OptionEntry, ...]
    allowed: tuple[OptionEntry, ...]
    blocked: tuple[OptionEntry, ...]


def _entry(option: Option) -> OptionEntry:
    return OptionEntry(
        id=option.id,
        action=option.action,
        text=str(option.action),
        rank=option.rank,
        urgent=option.urgent,
        reasons=option.reasons,
        failed=option.failed,
    )


def _document_of(assessment: Assessment) -> AssessmentDocument:
    return AssessmentDocument(
        as_of=assessment.as_of,
        profile=assessment.profile,
        phase=PhaseEntry(code=assessment.phase, label=assessment.phase.label),
        red_flags=assessment.flags,
        notes=assessment.notes,
        recommended=tuple(_entry(o) for o in assessment.recommended),
        allowed=tuple(_entry(o) for o in assessment.allowed),
        blocked=tuple(_entry(o) for o in assessment.blocked),
    )


def assessment_document(assessment: Assessment) -> dict[str, Any]:
    """The assessment as JSON-ready data with ``schema_version`` (what ``dumps`` writes)."""
    body: dict[str, Any] = converter.unstructure(_document_of(assessment))
    return {VERSION_KEY: CURRENT_VERSION, **body}


@attrs.frozen
class _Written:
    """The explainer of an assessment read from a document: the texts it holds."""

    texts: dict[tuple[Action, Status], tuple[tuple[Reason, ...], tuple[Reason, ...]]]
    written_notes: tuple[str, ...]

    def explain(
        self, action: Action, status: Status
    ) -> tuple[tuple[Reason, ...], tuple[Reason, ...]]:
        return self.texts[(action, status)]

    def notes(self) -> tuple[str, ...]:
        return self.written_notes


def _assessment_of(document: AssessmentDocument) -> Assessment:
    problems: list[InvalidValue] = []

    def refuse(path: tuple[str | int, ...], problem: str) -> None:
        field = ".".join(str(step) for step in path)
        problems.append(InvalidValue(field, problem, path=path))

    if document.phase.label != document.phase.code.label:
        refuse(("phase", "label"), f"is not the label of its code ({document.phase.code.label!r})")
    for index, flag in enumerate(document.red_flags):
        if flag.code is not red_flag_code(flag.text):
            refuse(("red_flags", index, "code"), "is not the code of the flag's text")
    judgements: list[Judgement] = []
    texts: dict[tuple[Action, Status], tuple[tuple[Reason, ...], tuple[Reason, ...]]] = {}
    seen: set[Action] = set()
    for status, entries in (
        (Status.RECOMMENDED, document.recommended),
        (Status.ALLOWED, document.allowed),
        (Status.BLOCKED, document.blocked),
    ):
        for index, entry in enumerate(entries):
            where = (status.value, index)
            if entry.id != option_id(entry.action):
                refuse((*where, "id"), f"is not the id of its action ({option_id(entry.action)!r})")
            if entry.text != str(entry.action):
                refuse((*where, "text"), f"is not its action as text ({str(entry.action)!r})")
            if entry.action in seen:
                refuse((*where, "action"), "is listed twice")
            seen.add(entry.action)
            if status is Status.RECOMMENDED:
                if entry.rank != index + 1:
                    refuse((*where, "rank"), f"expected {index + 1} (ranks count from 1 in order)")
            else:
                if entry.rank is not None:
                    refuse((*where, "rank"), "expected null (only a recommendation is ranked)")
                if entry.urgent:
                    refuse((*where, "urgent"), "expected false (only a recommendation is urgent)")
            judgements.append(Judgement(entry.action, status, entry.urgent, entry.rank))
            texts[(entry.action, status)] = (entry.reasons, entry.failed)
    if problems:
        raise ClassValidationError("While structuring Assessment", problems, Assessment)
    return Assessment(
        as_of=document.as_of,
        profile=document.profile,
        phase=document.phase.code,
        red_flags=tuple(flag.text for flag in document.red_flags),
        judgements=tuple(judgements),
        why=_Written(texts, document.notes),
    )


def register_hooks(conv: cattrs.Converter) -> None:
    """Teach ``conv`` (one made by :func:`spinepath.io.make_converter`) to write and read an
    :class:`~spinepath.pathway.Assessment` as its document; the shared converter knows."""

    def unstructure(assessment: Assessment) -> Any:
        return conv.unstructure(_document_of(assessment))

    def structure(data: Any, _: Any) -> Assessment:
        return _assessment_of(conv.structure(data, AssessmentDocument))

    conv.register_unstructure_hook(Assessment, unstructure)
    conv.register_structure_hook(Assessment, structure)


def assessment_schema() -> Schema:
    """The JSON Schema (draft 2020-12) of an assessment document, as ``dumps`` writes it and
    ``spinepath assess --json`` prints it; published as ``docs/assessment.schema.json``."""
    return document_schema(
        AssessmentDocument,
        title="spinepath assessment",
        schema_id=ASSESSMENT_SCHEMA_ID.format(version=CURRENT_VERSION),
    )


register_hooks(converter)


def main() -> int:
    """Print the assessment schema (``python -m spinepath.pathway.document``)."""
    sys.stdout.write(json.dumps(assessment_schema(), indent=2) + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
