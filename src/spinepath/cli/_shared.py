"""What the commands share: their exit statuses and the one way they read a document file.

Every command reads its files with :func:`read_document`, so that ``validate`` and ``assess``
(and ``simulate --params``) agree on what a file is: bytes handed to the library's strict
reader, which accepts UTF-8 with or without a byte-order mark and reports anything else as an
invalid document; a file that cannot be opened or read at all is *unreadable*, a different exit
status.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from typing import BinaryIO

from spinepath.errors import InvalidDocument
from spinepath.io import DEFAULT_MAX_SIZE

__all__ = [
    "EXIT_STATUS",
    "INVALID",
    "OK",
    "UNAVAILABLE",
    "UNREADABLE",
    "USAGE",
    "Unreadable",
    "exit_status_help",
    "label",
    "read_document",
    "tolerant_output",
]

OK = 0
INVALID = 1
USAGE = 2  # argparse's own status for a wrong command line
UNREADABLE = 3
UNAVAILABLE = 4

EXIT_STATUS = {
    OK: "done: every file was read and is valid",
    INVALID: "a file is not a valid document (its problems are printed: 100, then a count)",
    USAGE: "the command line is wrong (an unknown option, a bad value, no file)",
    UNREADABLE: "a file cannot be read (missing, a directory, no permission) or written",
    UNAVAILABLE: "an optional extra this command needs is not installed",
}
"""Every exit status of the ``spinepath`` command; the worst one met is returned."""


def exit_status_help(*statuses: int, notes: dict[int, str] | None = None) -> str:
    """The ``exit status:`` block of a command's ``--help`` epilog, for ``statuses``."""
    notes = notes or {}
    lines = [f"  {status}  {notes.get(status, EXIT_STATUS[status])}" for status in statuses]
    return "exit status (the worst one met):\n" + "\n".join(lines)


class Unreadable(Exception):
    """A file that cannot be opened or read; ``reason`` says why, as the system puts it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def label(name: str) -> str:
    """How a file given as ``name`` is named in output (``-`` is ``<stdin>``)."""
    return "<stdin>" if name == "-" else name


def read_document(name: str, max_size: int = DEFAULT_MAX_SIZE) -> bytes:
    """The bytes of the file ``name`` (``-`` for standard input), for ``spinepath.loads``.

    Reads at most ``max_size`` bytes and one more, so that a huge file, a device or an endless
    pipe costs no more than a document at the limit. Raises :class:`Unreadable` when the file
    cannot be opened or read, and :class:`~spinepath.errors.InvalidDocument` when it is over
    ``max_size`` (with its size when the system knows it).
    """
    try:
        if name == "-":
            if sys.stdin is None:  # started with standard input closed
                raise Unreadable("standard input is closed")
            stream = getattr(sys.stdin, "buffer", None)
            if stream is None:  # a text stream with no bytes beneath (a test's StringIO)
                return sys.stdin.read(max_size + 1).encode("utf-8", "surrogateescape")
            return _bounded(stream, max_size)
        with open(name, "rb") as handle:
            return _bounded(handle, max_size)
    except OSError as error:
        raise Unreadable(error.strerror or type(error).__name__) from None


def _bounded(stream: BinaryIO, max_size: int) -> bytes:
    size = _file_size(stream)
    if size is not None and size > max_size:
        raise InvalidDocument([f"document is {size} bytes, over the limit of {max_size}"])
    data = stream.read(max_size + 1)
    if len(data) > max_size:  # a pipe, a device, or a file that grew as it was read
        raise InvalidDocument([f"document is over the limit of {max_size} bytes"])
    return data


def _file_size(stream: BinaryIO) -> int | None:
    """The size of a regular file; None for a pipe, a terminal, a device or an in-memory one."""
    try:
        info = os.fstat(stream.fileno())
    except (OSError, ValueError):  # io.UnsupportedOperation is both
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) else None


def tolerant_output() -> None:
    """Let standard output and error print any text: characters the terminal's encoding lacks
    (and undecodable bytes of file names) are written as backslash escapes, not a traceback."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(OSError, ValueError):  # a stream that cannot change
                reconfigure(errors="backslashreplace")
