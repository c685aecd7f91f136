"""The ``spinepath`` command: thin wrappers that parse arguments, call the library and print.

Each subcommand lives in its own module exposing ``register(subparsers)``; this module only
collects them, so adding a command never touches another's code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from spinepath.cli._shared import EXIT_STATUS, exit_status_help, tolerant_output

__all__ = ["main"]

# Subcommand modules, in the order ``spinepath --help`` lists them. A module that needs an
# optional extra must import it inside its handler, so ``--help`` works with the core install.
_COMMANDS = ("validate", "assess", "simulate", "serve")


def build_parser() -> argparse.ArgumentParser:
    from spinepath import __version__

    parser = argparse.ArgumentParser(
        prog="spinepath",
        description="Care pathway after a failed cervical epidural steroid injection.",
        epilog=exit_status_help(*EXIT_STATUS)
        + "\n\n'spinepath COMMAND --help' says which of these each command uses.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-V", "--version", action="version", version=f"spinepath {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in _COMMANDS:
        try:
            module = importlib.import_module(f"spinepath.cli.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"spinepath.cli.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit status: 0 done, 1 an invalid document,
    2 a wrong command line, 3 a file that cannot be read or written, 4 a missing extra."""
    tolerant_output()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.handler(args)
    except BrokenPipeError:  # output piped into head/less that closed early: not an error
        sys.stderr.close()
        return 0
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
