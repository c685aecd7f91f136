"""Schema versions and the registry of migrations that upgrade older documents when read.

Every document carries ``schema_version``. Reading one of an older version applies, in order,
the migration registered for each version step (1 -> 2, 2 -> 3, ...) to the parsed document
and then reads it as current; the file itself is never rewritten. A document newer than this
release, one without a version, and one older than the oldest version still readable are
refused. The policy is written out in ``docs/json.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from spinepath.errors import InvalidDocument, InvalidValue
from spinepath.io.problems import describe, problems

__all__ = [
    "CURRENT_VERSION",
    "MIGRATIONS",
    "OLDEST_VERSION",
    "VERSION_KEY",
    "Migration",
    "migration",
    "upgrade",
]

VERSION_KEY = "schema_version"

CURRENT_VERSION = 3
"""The version this release writes."""

OLDEST_VERSION = 1
"""The oldest version this release reads."""

Migration = Callable[[dict[str, Any]], dict[str, Any]]
"""Turns the body of a version-n document (without ``schema_version``) into version n+1."""

MIGRATIONS: dict[int, Migration] = {}
"""``MIGRATIONS[n]`` upgrades a version-n document to version n+1."""


def migration(from_version: int) -> Callable[[Migration], Migration]:
    """Register the function that upgrades documents of ``from_version`` by one version.

    A migration receives a document body it may not keep references to, and returns the body
    at the next version; it raises :class:`~spinepath.errors.InvalidValue` (with a field path)
    when the old document cannot be expressed in the new format.
    """

    def register(function: Migration) -> Migration:
        if from_version in MIGRATIONS:
            raise ValueError(f"a migration from version {from_version} is already registered")
        MIGRATIONS[from_version] = function
        return function

    return register


def upgrade(
    document: dict[str, Any],
    *,
    current: int = CURRENT_VERSION,
    oldest: int = OLDEST_VERSION,
    migrations: Mapping[int, Migration] = MIGRATIONS,
) -> dict[str, Any]:
    """The document's body (``schema_version`` removed) upgraded to ``current``."""
    body = dict(document)
    body.pop(VERSION_KEY, None)
    if VERSION_KEY not in document:
        raise InvalidDocument(
            [f"{VERSION_KEY}: required field is missing (this release writes {current})"]
        )
    version = document[VERSION_KEY]
    if not isinstance(version, int) or isinstance(version, bool):
        raise InvalidDocument([f"{VERSION_KEY}: expected a whole number, got {describe(version)}"])
    if version > current:
        raise InvalidDocument(
            [
                f"{VERSION_KEY}: {version} is newer than this release of spinepath reads "
                f"(up to {current}); upgrade spinepath to read it"
            ]
        )
    if version < 1:
        raise InvalidDocument([f"{VERSION_KEY}: {version} is not a version (they start at 1)"])
    if version < oldest:
        raise InvalidDocument(
            [
                f"{VERSION_KEY}: {version} is too old for this release (it reads {oldest} to "
                f"{current}); read it with an older release and save it again"
            ]
        )
    for step in range(version, current):
        try:
            body = migrations[step](body)
        except InvalidValue as error:
            raise InvalidDocument(
                [f"{p} (while upgrading from version {step})" for p in problems(error)]
            ) from None
    return body


@migration(1)
def follow_ups(body: dict[str, Any]) -> dict[str, Any]:
    """Version 2 reads an intervention's outcome as follow-ups over time: a record may hold
    several outcome reports of one intervention (version 1 refused a second), and an outcome
    may say ``relief_ongoing`` and ``mjoa_after``. Every version-1 document means the same in
    version 2 (its one report per intervention is the first and latest follow-up, a duration
    still says relief ended), so the body is carried over as it is; this step exists so that
    a version-1 reader is told a version-2 document is newer than it reads."""
    return body


@migration(2)
def procedure_safety(body: dict[str, Any]) -> dict[str, Any]:
    """Version 3 adds the procedure-safety layer: antithrombotic drugs with their holds
    (``antithrombotic_use`` events), the serious-pathology screen, laboratory results, the
    psychological evaluation, shared decisions, bleeding factors, contrast allergy and a
    CESI's steroid dose. Every version-2 document means the same in version 3: the new fields
    default to absent, and ``health.anticoagulated`` without a named drug is kept and read as
    an unnamed anticoagulant (blocking intermediate- and high-risk procedures, as version 2
    blocked every needle procedure; low-risk ones such as a GON block are now allowed). The
    body is carried over as it is; this step exists so that a version-2 reader is told a
    version-3 document is newer than it reads."""
    return body
