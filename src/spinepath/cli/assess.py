"""``spinepath assess RECORD.json``: the phase and every next step, with reasons, in a terminal.

By default one patient fits on one screen (:data:`SCREEN_LINES` lines): the phase, red flags
and notes in full, each recommended step with its main reason, and the allowed and blocked
steps listed by name. ``--verbose`` prints every reason of every step and every failed
precondition of every blocked one.

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

__all__ = ["SCREEN_LINES", "register", "render", "run"]

SCREEN_LINES = 40
"""The most lines the default (compact) output of one record takes, red flags and notes apart
(they are always printed whole): a terminal screen."""

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
        "mark).\n\n"
        f"By default each record fits one screen ({SCREEN_LINES} lines): the phase, red flags "
        "and notes\nin full, the recommended next steps (ranked, urgent first) with their main "
        "reason,\nand the allowed and blocked ones by name (each blocked one with its rules).\n"
        "--verbose prints every reason of every step and every failed precondition.",
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
        "-v",
        "--verbose",
        action="store_true",
        help="every reason of every step and every failed precondition (default: one screen)",
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
            print("\n".join(render(assessment, record, where, verbose=args.verbose)))
    if args.json:
        print(json.dumps({"files": results}, indent=2))
    return status


def _problems(error: SpinepathError) -> dict[str, Any]:
    if isinstance(error, InvalidDocument):
        return {"problems": list(error.problems), "total": error.total, "complete": error.complete}
    return {"problems": [str(error)], "total": 1, "complete": True}


def render(
    assessment: Assessment,
    record: PatientRecord,
    label: str,
    width: int = 0,
    *,
    verbose: bool = False,
) -> list[str]:
    """The assessment as lines of text for a terminal of ``width`` columns (0: detect).

    By default the lines fit one screen (:data:`SCREEN_LINES`): each recommended step with its
    main reason (shortened to fit, "..." marking a cut), the allowed and the blocked steps by
    name (each blocked one with the rules that block it). With ``verbose``, every reason and
    every failed precondition in full. Red flags and notes are printed whole either way.
    """
    width = width or min(shutil.get_terminal_size((100, 24)).columns, 120)
    lines = [
        *_wrapped(f"{label}: as of {assessment.as_of}, profile {assessment.profile}", width, "  "),
        f"Phase: {assessment.phase.label}",
    ]
    if assessment.red_flags:
        lines.append("Red flags:")
        for flag in assessment.red_flags:
            lines.extend(_wrapped(flag, width, "      ", first="  ! "))
    else:
        lines.append("Red flags: none")
    if assessment.notes:
        lines.append("Notes:")
        for note in assessment.notes:
            lines.extend(_wrapped(note, width, "      ", first="  * "))
    lines.append("")
    if verbose:
        return [*lines, *_in_full(assessment, width), ""]
    return [*lines, *_compact(assessment, width, SCREEN_LINES - len(lines) - 1), ""]


def _in_full(assessment: Assessment, width: int) -> Iterator[str]:
    yield f"Recommended ({len(assessment.recommended)})"
    for option in assessment.recommended:
        yield from _wrapped(f"{option.rank}. {_title(option)}", width, "     ", first="  ")
        yield from _reasons(option, width)
    yield f"Allowed ({len(assessment.allowed)})"
    for option in assessment.allowed:
        yield from _wrapped(str(option.action), width, "    ", first="  - ")
        yield from _reasons(option, width)
    yield f"Blocked ({len(assessment.blocked)})"
    for option in assessment.blocked:
        yield from _wrapped(str(option.action), width, "    ", first="  x ")
        yield from _reasons(option, width)


def _compact(assessment: Assessment, width: int, budget: int) -> list[str]:
    """Recommended steps with as much of their main reason as ``budget`` lines allow (three
    lines, else two, one or none; when even their names do not fit, the first ones and how
    many more), then the allowed and blocked steps by name."""
    others = [
        *_listed("Allowed", [str(o.action) for o in assessment.allowed], width),
        *_listed("Blocked", [_blocked(o) for o in assessment.blocked], width),
        *_wrapped("(every reason and failed precondition: spinepath assess --verbose)", width, ""),
    ]
    head = f"Recommended ({len(assessment.recommended)})"
    room = budget - len(others) - 1
    blocks: list[list[str]] = []
    for reason_lines in (3, 2, 1, 0):
        blocks = [_recommended(o, width, reason_lines) for o in assessment.recommended]
        if sum(map(len, blocks)) <= room:
            return [head, *(line for block in blocks for line in block), *others]
    shown: list[str] = []
    for n, block in enumerate(blocks):
        if len(shown) + len(block) + 1 > room and n:
            shown.append(f"  ... and {len(blocks) - n} more recommended")
            break
        shown.extend(block)
    return [head, *shown, *others]


def _recommended(option: Option, width: int, reason_lines: int) -> list[str]:
    """A recommended step's rank and name, and up to ``reason_lines`` of its main reason."""
    lines = _wrapped(f"{option.rank}. {_title(option)}", width, "     ", first="  ")
    if reason_lines and option.reasons:
        main = option.reasons[0]
        lines += _cut(f"{main.rule:>4}  {main.text}", width, reason_lines, " " * 12, "      ")
    return lines


def _title(option: Option) -> str:
    urgent = " (urgent)" if option.urgent and "urgent" not in str(option.action) else ""
    return f"{option.action}{urgent}"


def _blocked(option: Option) -> str:
    rules = ", ".join(dict.fromkeys(r.rule for r in option.failed))
    return f"{option.action} ({rules})" if rules else str(option.action)


def _listed(heading: str, names: list[str], width: int, most: int = 3) -> list[str]:
    """``Allowed (8): a; b; c`` wrapped to at most ``most`` lines, the rest counted."""
    text = f"{heading} ({len(names)})" + (": " + "; ".join(names) if names else "")
    lines = _wrapped(text, width, "    ")
    if len(lines) <= most:
        return lines
    for shown in range(len(names) - 1, 0, -1):
        rest = len(names) - shown
        text = f"{heading} ({len(names)}): " + "; ".join(names[:shown]) + f"; and {rest} more"
        lines = _wrapped(text, width, "    ")
        if len(lines) <= most:
            return lines
    return _wrapped(f"{heading} ({len(names)})", width, "    ")


def _cut(text: str, width: int, most: int, indent: str, first: str) -> list[str]:
    """``text`` wrapped to at most ``most`` lines, "..." marking a cut: after its last whole
    part ("; "-separated, outside brackets) that fits, else after the last word that fits."""
    lines = _wrapped(text, width, indent, first=first)
    if len(lines) <= most:
        return lines
    parts = _parts(text)
    for n in range(len(parts) - 1, 0, -1):
        shorter = _wrapped("; ".join(parts[:n]) + "; ...", width, indent, first=first)
        if len(shorter) <= most:
            return shorter
    kept = lines[:most]
    last = kept[-1]
    while len(last) + 4 > width and " " in last.strip():
        last = last.rsplit(" ", 1)[0]
    kept[-1] = last.rstrip(" ;,") + " ..."
    return kept


def _parts(text: str) -> list[str]:
    """``text`` split at each "; " outside parentheses and brackets."""
    parts: list[str] = []
    depth = start = 0
    for i, char in enumerate(text):
        depth += (char in "([") - (char in ")]")
        if depth == 0 and text.startswith("; ", i):
            parts.append(text[start:i])
            start = i + 2
    return [*parts, text[start:]]


def _reasons(option: Option, width: int) -> Iterator[str]:
    for reason in option.failed if not option.legal else option.reasons:
        yield from _wrapped(f"{reason.rule:>4}  {reason.text}", width, " " * 12, first="      ")


def _wrapped(text: str, width: int, indent: str, first: str = "") -> list[str]:
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=first,
        subsequent_indent=indent,
        break_on_hyphens=False,
    ) or [""]
