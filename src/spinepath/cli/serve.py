"""``spinepath serve``: the CDS Hooks service (extra ``spinepath[service]``) with uvicorn."""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the CDS Hooks service (needs the 'service' extra)",
        description="Serve CDS Hooks 2.0: discovery at /cds-services, patient-view and "
        "order-select hooks.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        from spinepath.service import serve
    except ImportError as error:
        print(f"spinepath serve: {error}", file=sys.stderr)
        return 4
    serve(args.host, args.port)
    return 0
