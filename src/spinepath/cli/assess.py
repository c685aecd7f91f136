"""``spinepath assess RECORD.json``: the phase and every next step, with reasons, in a terminal.

Exit status: 0 when every record was assessed, 1 when a document is invalid, 2 when a file
cannot be read or an argument is wrong.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

from spinepath.errors import InvalidDocument, InvalidValue
from spinepath.io import loads
from spinepath.model import PatientRecord
from spinepath.pathway import Assessment, Option, assess
from spinepath.rules import PROFILES, profile_named

__all__ = ["register", "render", "run"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "assess",
        help="recommended, allowed and blocked next steps for a record",
        description="Assess patient record documents: the phase, recommended next steps "
        "(ranked, urgent first) with their reasons, allowed ones, and blocked ones with every "
        "failed precondition.",
    )
    parser.add_argument("files", nargs="+", metavar="RECORD", help="a record document, - for stdin")
    parser.add_argument(
        "--profile",
        default="consensus-2022",
        choices=sorted(PROFILES),
        help="guideline profile (default: consensus-2022)",
    )
    parser.add_argument(
        "--as-of",
        type=_date,
        default=None,
        metavar="DATE",
        help="assess as of this date, YYYY-MM-DD (default: the last event's date)",
    )
    parser.add_argument("--json", action="store_true", help="print the assessment as JSON")
    parser.set_defaults(handler=run)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date as YYYY-MM-DD") from None


def run(args: argparse.Namespace) -> int:
    profile = profile_named(args.profile)
    status = 0
    documents: list[dict[str, Any]] = []
    for name in args.files:
        label = "<stdin>" if name == "-" else name
        try:
            text = sys.stdin.read() if name == "-" else _read(name)
        except OSError as error:
            print(f"spinepath assess: cannot read {label}: {error.strerror}", file=sys.stderr)
            status = max(status, 2)
            continue
        try:
            record = loads(text, PatientRecord)
            assessment = assess(record, profile, args.as_of)
        except (InvalidDocument, InvalidValue) as error:
            print(f"{label}: {error}", file=sys.stderr)
            status = max(status, 1)
            continue
        if args.json:
            documents.append({"file": label, **assessment.to_dict()})
        else:
            print("\n".join(render(assessment, record, label)))
    if args.json:
        output: Any = documents[0] if len(args.files) == 1 and documents else documents
        print(json.dumps(output, indent=2))
    return status


def _read(name: str) -> str:
    with open(name, encoding="utf-8") as handle:
        return handle.read()


def render(assessment: Assessment, record: PatientRecord, label: str, width: int = 0) -> list[str]:
    """The assessment as lines of text for a terminal of ``width`` columns (0: detect)."""
    width = width or min(shutil.get_terminal_size((100, 24)).columns, 120)
    flags = "; ".join(assessment.red_flags) or "none"
    lines = [
        f"{label}: as of {assessment.as_of}, profile {assessment.profile}",
        f"Phase: {assessment.phase.label}",
        *_wrapped(f"Red flags: {flags}", width, "  "),
        "",
        f"Recommended ({len(assessment.recommended)})",
    ]
    for option in assessment.recommended:
        urgent = " (urgent)" if option.urgent and "urgent" not in str(option.action) else ""
        lines.append(f"  {option.rank}. {option.action}{urgent}")
        lines.extend(_reasons(option, width))
    lines.append(f"Allowed ({len(assessment.allowed)})")
    for option in assessment.allowed:
        lines.append(f"  - {option.action}")
        lines.extend(_reasons(option, width))
    lines.append(f"Blocked ({len(assessment.blocked)})")
    for option in assessment.blocked:
        lines.append(f"  x {option.action}")
        lines.extend(_reasons(option, width))
    lines.append("")
    return lines


def _reasons(option: Option, width: int) -> Iterator[str]:
    for reason in option.failed if not option.legal else option.reasons:
        yield from _wrapped(f"{reason.rule:>4}  {reason.text}", width, " " * 12, first="      ")


def _wrapped(text: str, width: int, indent: str, first: str = "") -> list[str]:
    return textwrap.wrap(text, width=width, initial_indent=first, subsequent_indent=indent) or [""]
