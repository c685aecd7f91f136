"""JSON Schema (draft 2020-12) of spinepath documents, generated from the attrs classes.

The schema is derived, never written by hand: each attrs class becomes a ``$defs`` entry with
``additionalProperties: false``; enums become ``enum`` lists, dates strings with a pattern,
tuples arrays, optional fields allow ``null``, and events and imaging findings are a ``oneOf``
told apart by a ``kind`` constant. Bounds that the field validators state (NRS 0-10, relief
0-100 %, identifier pattern, text length, non-empty or unique lists, left/right only) are read
from the validators, so they cannot drift. Cross-field rules (event order, dose limits, X-ray
findings, ...) are beyond JSON Schema: a document valid under the schema may still be refused
by :func:`spinepath.io.loads`, never the other way round.

Run ``python -m spinepath.io.schema > record.schema.json`` to write the record schema. To
embed a schema in a larger document (an OpenAPI description, say), :func:`components` gives
its definitions by name with every reference rewritten by a template
(``#/components/schemas/{name}``).
"""

from __future__ import annotations

import datetime as dt
import enum
import inspect
import json
import sys
import typing
from typing import Any

import attrs

from spinepath._checks import nrs
from spinepath.anatomy import LATERAL_SIDES, lateral
from spinepath.io.converter import TAG, tagged_types
from spinepath.io.migrations import CURRENT_VERSION, VERSION_KEY
from spinepath.model import PatientRecord
from spinepath.model.patient import identifier
from spinepath.model.symptoms import _ndi_score

__all__ = [
    "DEFS_REF_TEMPLATE",
    "OPENAPI_REF_TEMPLATE",
    "SCHEMA_ID",
    "Schema",
    "components",
    "document_schema",
    "main",
    "record_schema",
]

SCHEMA_ID = "https://spinepath.invalid/schema/record-v{version}.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

Schema = dict[str, Any]
"""A JSON Schema (or a part of one) as JSON-ready data."""

DEFS_REF_TEMPLATE = "#/$defs/{name}"
"""How a standalone schema refers to its definitions."""

OPENAPI_REF_TEMPLATE = "#/components/schemas/{name}"
"""How an OpenAPI 3.1 description refers to the schemas under ``components``."""

_IDENTIFIER_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
_DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def record_schema() -> Schema:
    """The JSON Schema of a patient record document ``{"schema_version": 2, ...}``."""
    return document_schema(PatientRecord, title="spinepath patient record")


def document_schema(
    cls: type[Any], *, title: str | None = None, schema_id: str | None = None
) -> Schema:
    """The JSON Schema of a document holding one ``cls`` (an attrs class), with ``$id``
    ``schema_id`` (the record schema's by default)."""
    if not attrs.has(cls):
        raise TypeError(f"document schemas exist for attrs classes, not {cls!r}")
    builder = _Builder()
    body = builder.object_schema(cls, tagged=False)
    properties = {VERSION_KEY: {"const": CURRENT_VERSION}, **body["properties"]}
    schema: Schema = {
        "$schema": DRAFT,
        "$id": schema_id or SCHEMA_ID.format(version=CURRENT_VERSION),
        "title": title or f"spinepath {cls.__name__} document",
        "description": body.get("description", ""),
        "type": "object",
        "properties": properties,
        "required": [VERSION_KEY, *body.get("required", [])],
        "additionalProperties": False,
        "$defs": dict(sorted(builder.defs.items())),
    }
    return schema


def components(
    schema: Schema, *, name: str, ref_template: str = OPENAPI_REF_TEMPLATE
) -> dict[str, Schema]:
    """A document schema as named schemas for embedding: the document itself as ``name`` and
    each of its ``$defs`` under its own name, every ``$ref`` rewritten by ``ref_template``.

    ``components(record_schema(), name="PatientRecordDocument")`` is ready to merge into an
    OpenAPI 3.1 description's ``components.schemas``; a definition that two schemas share
    (``Side``, say) is the same in both, so their components merge without conflict.
    """
    defs: dict[str, Schema] = schema.get("$defs", {})
    root = {k: v for k, v in schema.items() if k not in ("$schema", "$id", "$defs")}
    found = {name: root, **defs}
    rewritten = _rewrite(found, ref_template)
    assert isinstance(rewritten, dict)
    return rewritten


def _rewrite(value: Any, template: str) -> Any:
    if isinstance(value, dict):
        out = {k: _rewrite(v, template) for k, v in value.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            out["$ref"] = template.format(name=ref.removeprefix("#/$defs/"))
        return out
    if isinstance(value, list):
        return [_rewrite(v, template) for v in value]
    return value


class _Builder:
    def __init__(self) -> None:
        self.defs: dict[str, Schema] = {}

    def ref(self, name: str) -> Schema:
        return {"$ref": f"#/$defs/{name}"}

    def type_schema(self, declared: Any) -> Schema:
        concrete = tagged_types(declared)
        if concrete is not None:
            return {"oneOf": [self.class_ref(c, tagged=True) for c in concrete]}
        origin = typing.get_origin(declared)
        if origin in (typing.Union, typing.get_origin(int | None)):
            members = [m for m in typing.get_args(declared) if m is not type(None)]
            inner = self.type_schema(members[0] if len(members) == 1 else typing.Union[members])  # noqa: UP007
            return {"anyOf": [inner, {"type": "null"}]}
        if origin is tuple:
            return {"type": "array", "items": self.type_schema(typing.get_args(declared)[0])}
        if declared is bool:
            return {"type": "boolean"}
        if declared is dt.date:
            return {"type": "string", "format": "date", "pattern": _DATE_PATTERN}
        if isinstance(declared, type) and issubclass(declared, enum.Enum):
            return self.enum_ref(declared)
        if declared is int:
            return {"type": "integer"}
        if declared is float:
            return {"type": "number"}
        if declared is str:
            return {"type": "string"}
        if attrs.has(declared):
            return self.class_ref(declared, tagged=False)
        raise TypeError(f"no JSON Schema for {declared!r}")

    def enum_ref(self, cls: type[enum.Enum]) -> Schema:
        if cls.__name__ not in self.defs:
            self.defs[cls.__name__] = {
                "title": cls.__name__,
                **_description(cls),
                "enum": [m.value for m in cls],
            }
        return self.ref(cls.__name__)

    def class_ref(self, cls: type[Any], *, tagged: bool) -> Schema:
        name = cls.__name__
        if name not in self.defs:
            self.defs[name] = {}  # reserve the name before walking the fields
            self.defs[name] = self.object_schema(cls, tagged=tagged)
        return self.ref(name)

    def object_schema(self, cls: type[Any], *, tagged: bool) -> Schema:
        attrs.resolve_types(cls)
        properties: dict[str, Schema] = {}
        required: list[str] = []
        tag = getattr(cls, TAG, None)
        if tagged and isinstance(tag, str):
            properties[TAG] = {"const": tag}
            required.append(TAG)
        for a in attrs.fields(cls):
            if not a.init:
                continue
            properties[a.alias] = _constrain(self.type_schema(a.type), a.validator)
            if a.default is attrs.NOTHING:
                required.append(a.alias)
        schema: Schema = {"title": cls.__name__, **_description(cls), "type": "object"}
        schema["properties"] = properties
        if required:
            schema["required"] = required
        schema["additionalProperties"] = False
        return schema


def _description(cls: type[Any]) -> Schema:
    doc = inspect.getdoc(cls)
    if not doc or doc.startswith(("An enumeration", "Enum where")):
        return {}
    return {"description": " ".join(doc.split("\n\n")[0].split())}


def _constrain(schema: Schema, validator: Any) -> Schema:
    """Add the bounds a field validator from ``spinepath._checks`` states to ``schema``."""
    extra = _bounds(validator)
    if not extra:
        return schema
    if "anyOf" in schema:  # optional: the bounds apply to the non-null branch
        inner, null = schema["anyOf"]
        return {"anyOf": [_merge(inner, extra), null]}
    return _merge(schema, extra)


def _merge(schema: Schema, extra: Schema) -> Schema:
    if "$ref" in schema:
        return {"allOf": [schema, extra]} if extra else schema
    return {**schema, **extra}


def _bounds(validator: Any) -> Schema:
    if validator is None:
        return {}
    if validator is nrs:
        return {"minimum": 0, "maximum": 10}
    if validator is _ndi_score:  # the scale's own maximum (50 or 100) is a cross-field rule
        return {"minimum": 0, "maximum": 100}
    if validator is lateral:
        return {"enum": sorted(s.value for s in LATERAL_SIDES)}
    if validator is identifier:
        return {"pattern": _IDENTIFIER_PATTERN}
    try:
        names = inspect.getclosurevars(validator).nonlocals
    except TypeError:
        return {}
    if "check" in names and callable(names["check"]):  # optional(check)
        return _bounds(names["check"])
    if "low" in names:  # integer(low, high) / number(low, high)
        bounds: Schema = {"minimum": names["low"]}
        if names.get("high") is not None:
            bounds["maximum"] = names["high"]
        return bounds
    if "max_length" in names:  # text(max_length)
        return {"minLength": 1, "maxLength": names["max_length"], "pattern": "\\S"}
    if "allowed" in names:  # one_of(allowed, what)
        return {"enum": sorted(getattr(v, "value", v) for v in names["allowed"])}
    if "nonempty" in names:  # items(kind, unique=..., nonempty=..., ordered=...)
        out: Schema = {}
        if names["nonempty"]:
            out["minItems"] = 1
        if names.get("unique"):
            out["uniqueItems"] = True
        return out
    return {}


def main() -> int:
    """Print the record schema (``python -m spinepath.io.schema``)."""
    sys.stdout.write(json.dumps(record_schema(), indent=2) + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
