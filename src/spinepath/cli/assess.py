"""``spinepath assess RECORD.json``: the phase and every next step, with reasons, in a terminal.

Exit status: 0 when every record was assessed, 1 when a document is invalid, 2 when an argument
is wrong, 3 when a file cannot be read. With ``--json`` everything, failures included, is one
JSON object on standard output: ``{"files": [...]}`` with one result per file named.
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
from spinepath.errors import InvalidDocument, SpinepathError
from spinepath.io import loads
from spinepath.model import PatientRecord
from spinepath.pathway import Assessment, Option, assess
from spinepath.rules import PROFILES, profile_named

__all__ = ["register", "render", "run"]

_JSON_SHAPE = """with --json, standard output is one JSON object whatever the number of files:
  {"files": [{"file": NAME, "status": "assessed", "assessment": {...}},
             {"file": NAME, "status": "invalid", "problems": [...], "total": N,
              "complete": true},
             {"file": NAME, "status": "unreadable", "reason": "No such file or directory"}]}"""


_EXIT_STATUS = exit_status_help(
    OK,
    INVALID,
    USAGE,
    UNREADABLE,
    notes={
        OK: "done: every record was read and assessed",
        UNREADABLE: "a file cannot be read (missing, a directory, no permission)",
    },
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "assess",
        help="recommended, allowed and blocked next steps for a record",
        description="Assess patient record documents (UTF-8, with or without a byte-order "
        "mark): the phase, recommended next steps (ranked, urgent first) with their reasons, "
        "allowed ones, and blocked ones with every failed precondition.",
        epilog=f"{_JSON_SHAPE}\n\n{_EXIT_STATUS}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    parser.add_argument(
        "--json", action="store_true", help="print the results, failures too, as one JSON object"
    )
    parser.set_defaults(handler=run)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date as YYYY-MM-DD") from None


def run(args: argparse.Namespace) -> int:
    profile = profile_named(args.profile)
    status = OK
    results: list[dict[str, Any]] = []
    for name in args.files:
        where = label(name)
        try:
            record = loads(read_document(name), PatientRecord)
            assessment = assess(record, profile, args.as_of)
        except Unreadable as error:
            status = max(status, UNREADABLE)
            results.append({"file": where, "status": "unreadable", "reason": error.reason})
            if not args.json:
                print(f"spinepath assess: cannot read {where}: {error.reason}", file=sys.stderr)
            continue
        except SpinepathError as error:
            status = max(status, INVALID)
            results.append({"file": where, "status": "invalid", **_problems(error)})
            if not args.json:
                print(f"{where}: {error}", file=sys.stderr)
            continue
        results.append(
            {
                "file": where,
                "status": "assessed",
                "assessment": assessment.to_dict(),
            }
        )
        if not args.json:
            print("\n".join(render(assessment, record, where)))
    if args.json:
        print(json.dumps({"files": results}, indent=2))
    return status


def _problems(error: SpinepathError) -> dict[str, Any]:
    if isinstance(error, InvalidDocument):
        return {"problems": list(error.problems), "total": error.total, "complete": error.complete}
    return {"problems": [str(error)], "total": 1, "complete": True}


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
