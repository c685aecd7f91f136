"""``spinepath validate FILE...``: check record documents and summarise the valid ones.

Exit status: 0 when every file is a valid record, 1 when any is invalid (each problem is
printed with the file name), 3 when a file cannot be read at all (2 is a wrong command line).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from typing import Any

from spinepath.cli._shared import (
    INVALID,
    OK,
    UNREADABLE,
    USAGE,
    Unreadable,
    exit_status_help,
    label,
    read_document,
)
from spinepath.errors import InvalidDocument
from spinepath.io import loads
from spinepath.model import Intervention, Outcome, PatientRecord

__all__ = ["register", "run", "summary"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check patient record JSON documents",
        description="Check patient record JSON documents (UTF-8, with or without a byte-order "
        "mark); summarise valid ones, list the problems of invalid ones (the first 100 of "
        "each file, then how many more).",
        epilog=exit_status_help(
            OK,
            INVALID,
            USAGE,
            UNREADABLE,
            notes={UNREADABLE: "a file cannot be read (missing, a directory, no permission)"},
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="a record document, - for stdin")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    status = OK
    for name in args.files:
        status = max(status, _validate(name))
    return status


def _validate(name: str) -> int:
    where = label(name)
    try:
        record = loads(read_document(name), PatientRecord)
    except Unreadable as error:
        print(f"spinepath validate: cannot read {where}: {error.reason}", file=sys.stderr)
        return UNREADABLE
    except InvalidDocument as error:
        count = error.total if error.complete else f"at least {error.total}"
        print(f"{where}: invalid ({count} problem{'s' if count != 1 else ''})")
        for problem in error.problems:
            print(f"{where}: {problem}")
        return INVALID
    print(f"{where}: valid")
    for line in summary(record):
        print(f"  {line}")
    return OK


def summary(record: PatientRecord) -> list[str]:
    """A few lines describing a record: who, how many events, when, and what was done
    (without the patient's or the events' ids: events are named by their place)."""
    patient = record.patient
    lines = [f"patient: {patient.sex}, born {patient.birth_date}"]  # ids stay out of output
    if not record.events:
        lines.append("no events")
        return lines
    first, last = record.events[0].date, record.events[-1].date
    count = len(record.events)
    lines.append(
        f"age {patient.age_on(last)} at the last event; "
        f"{count} event{'s' if count != 1 else ''} from {first} to {last}"
    )
    kinds = Counter(event.kind for event in record.events)
    lines.append("events: " + ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())))
    interventions = record.of_type(Intervention)
    if interventions:
        lines.append("interventions:")
        for event in interventions:
            target = _target(event)
            outcome = record.outcome_of(event.id)
            result = _outcome(outcome) if outcome else "no outcome reported"
            where = f"events[{record.events.index(event)}]"
            lines.append(f"  {event.date} {event.kind}{target} [{where}]: {result}")
    return lines


def _target(event: Intervention) -> str:
    """The parts of an intervention that say where and what, in a short phrase."""
    parts: list[str] = []
    for name in ("approach", "drug", "therapy", "root"):
        value = getattr(event, name, None)
        if value is not None:
            parts.append(str(value))
    segment = getattr(event, "segment", None)
    segments = getattr(event, "segments", None) or ((segment,) if segment is not None else ())
    if segments:
        parts.append(", ".join(str(s) for s in segments))
    side = getattr(event, "side", None)
    if side is not None:
        parts.append(str(side))
    dose = getattr(event, "daily_dose_mg", None)
    if dose is not None:
        parts.append(f"{dose:g} mg/day")
    focus = getattr(event, "focus", None)
    if focus:
        parts.append("/".join(str(f) for f in focus))
    return f" {' '.join(parts)}" if parts else ""


def _outcome(outcome: Outcome) -> str:
    text = f"relief {outcome.relief:.0f}% (NRS {outcome.pain_before} -> {outcome.pain_after})"
    if outcome.relief_duration_days is not None:
        text += f" for {outcome.relief_duration_days} days"
    if outcome.concordant is not None:
        text += ", concordant" if outcome.concordant else ", not concordant"
    if outcome.complications:
        text += ", complications: " + ", ".join(str(c) for c in outcome.complications)
    return text
