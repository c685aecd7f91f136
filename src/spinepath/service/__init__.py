"""A CDS Hooks 2.0 service (extra ``spinepath[service]``: Starlette and uvicorn).

``create_app()`` is an ASGI application: discovery at ``GET /cds-services``, a
``patient-view`` hook and an ``order-select`` hook that checks draft orders against the
pathway. ``serve(host, port)`` runs it with uvicorn (``spinepath serve``).
"""

from __future__ import annotations

import importlib.util

for _needed in ("starlette", "uvicorn", "fhir.resources"):
    if importlib.util.find_spec(_needed.split(".")[0]) is None:
        raise ImportError(
            "spinepath.service needs the 'service' extra: pip install 'spinepath[service]' "
            f"({_needed} is missing)"
        )

from spinepath.service._app import (  # noqa: E402 (after the extra check)
    MAX_BODY,
    NATIVE_PREFETCH,
    RECORD_CONTENT_TYPE,
    SERVICES,
    create_app,
    serve,
)

__all__ = [
    "MAX_BODY",
    "NATIVE_PREFETCH",
    "RECORD_CONTENT_TYPE",
    "SERVICES",
    "create_app",
    "serve",
]
