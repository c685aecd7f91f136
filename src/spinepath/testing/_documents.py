"""Invalid JSON documents, for testing how an application handles what it cannot read.

Each document starts as a valid patient record written by :func:`spinepath.dumps` and is then
broken in one way that is invalid whatever the record held: the text is cut short or is not
JSON at all, a value has the wrong JSON type, a value is out of its range, an object gains a
field no type has, or a required field is removed. Every one of them makes
``spinepath.loads(text, spinepath.PatientRecord)`` raise :class:`~spinepath.InvalidDocument`.
:func:`invalid_documents_with_flaw` also says which flaw and where (the field path ``loads``
names), so a test can check that an API points at the right field.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from spinepath.io import dumps
from spinepath.io.problems import join, key
from spinepath.model import PatientRecord

__all__ = ["DOCUMENT_FLAWS", "FlawedDocument", "invalid_documents", "invalid_documents_with_flaw"]

Json = Any
# A place in a parsed document: the container, the key or index within it, and its path.
Place = tuple[Any, Any, str]

_NOT_JSON = (
    "",
    " ",
    "{",
    "}",
    "[1, 2,]",
    '{"schema_version": 1,}',
    "{'schema_version': 1}",
    '{"schema_version": NaN}',
    '{"schema_version": Infinity}',
    "NaN",
    "undefined",
    '{"schema_version": 1 "patient": {}}',
    '{"schema_version": 1, "patient": {"id": "p1"}',
    "\ufeff\ufeff{}",
    '{"schema_version": 1' + "0" * 40 + "}",
    "[" * 100 + "]" * 100,
    '{"a": ' * 80 + "1" + "}" * 80,
)
_NOT_OBJECTS = ("null", "[]", "[{}]", '"record"', "42", "-1.5e3", "true", "false")

# Values out of range for fields of these names, whichever class holds them.
_OUT_OF_RANGE: dict[str, tuple[Json, ...]] = {
    "arm_pain": (11, -1, 100),
    "neck_pain": (11, -1, 12),
    "pain_before": (11, -1),
    "pain_after": (11, -3),
    "relief_percent": (100.5, 140, -0.5, -100),
    "relief_duration_days": (-1, 36501),
    "mjoa": (19, -1, 100),
    "segment": ("C1-2", "C8-T1", "T1-2", "C9-10", "C5-7", "c5-6 "),
    "segments": (["C1-2"], ["C9-10"], [], ["C6-7", "C5-6"], ["C5-6", "C5-6"]),
    "root": ("C0", "C9", "T1", "L5"),
    "side": ("up", "middle", "Left", ""),
    "date": ("2021-02-30", "2020-13-01", "20200101", "yesterday", "2020-1-1"),
    "birth_date": ("2021-02-29", "1999-00-10", "1999/01/01"),
    "onset": ("2019-02-29", "never"),
    "id": ("", " padded", "has space", "x" * 65, "-starts-with-dash", "émile"),
    "intervention_id": ("", "two words", "y" * 65),
    "daily_dose_mg": (
        0,
        -1,
        1e9,
    ),  # above every drug field's limit (antithrombotics allow 100,000 mg)
    "series_position": (0, 3),
    "sessions": (0, 201),
    "score": (101, -1),
    "translation_mm": (31, -1),
    "craniovertebral_angle_degrees": (91, -1),
    "kind": ("no_such_kind", "", "CESI"),
    "schema_version": (0, -1, 999),
    "sex": ("other", ""),
    "asa_class": (0, 7),
    "approach": ("caudal", ""),
    "modality": ("pet", "MRI"),
    "purpose": ("social",),
    "urgency": ("whenever",),
    "zone": ("extraforaminal",),
    "form": ("wobble",),
    "drug": (
        "ibuprofen",
        "Gabapentin",
        "",
    ),  # no drug of any kind: not a gabapentinoid, not an antithrombotic
    "steroid": ("cortisone",),
    "therapy": ("stem_cells",),
    "change": ("tingly",),
    "reflex": ("knee_jerk",),
    "headache": ("migraine",),
    "trajectory": ("sideways",),
    "quality_of_life": ("unbearable",),
    "function": ("better",),
    "focus": ([], ["yoga"]),
    "complications": (["hiccups"],),
    "findings": ([{"kind": "tumour"}],),
}
_GRADES: dict[type, tuple[Json, ...]] = {int: (6, -1, 99), str: ("extreme", "")}

# Fields that every class holding them requires (no default).
_REQUIRED = frozenset(
    {
        "schema_version",
        "patient",
        "id",
        "date",
        "kind",
        "birth_date",
        "sex",
        "purpose",
        "symptoms",
        "arm_pain",
        "neck_pain",
        "modality",
        "intervention_id",
        "outcome",
        "pain_before",
        "pain_after",
        "approach",
        "segment",
        "segments",
        "side",
        "root",
        "grade",
        "urgency",
        "assessment",
        "drug",
        "daily_dose_mg",
        "focus",
        "therapy",
        "form",
        "zone",
        "change",
        "reflex",
        "forward_head_posture",
        "thoracic_stiffness",
        "score",
        "reason",
        "status",
        "test",
        "value",
        "suitable",
        "options",
        "decision",
    }
)
# ... except in these classes (by their ``kind``), where the field is optional.
_OPTIONAL_IN = frozenset(
    {("regenerative_therapy", "segment"), ("antithrombotic_use", "daily_dose_mg")}
)
_UNKNOWN_KEYS = ("patient_name", "x_unknown", "notes", "Kind", "ID", "schemaVersion", "")


def _places(node: Json, keep: Callable[[Any, Any, Json], bool]) -> list[Place]:
    """Every (container, key, path) in a parsed document whose value ``keep`` accepts; the
    path is written as :func:`spinepath.loads` names fields (``events[2].outcome``)."""
    found: list[Place] = []
    stack: list[tuple[Json, str]] = [(node, "")]
    while stack:
        current, path = stack.pop()
        if isinstance(current, dict):
            items: list[tuple[Any, Json, str]] = [
                (name, value, join(path, key(name))) for name, value in current.items()
            ]
        elif isinstance(current, list):
            items = [(i, value, f"{path}[{i}]") for i, value in enumerate(current)]
        else:
            continue
        for name, value, where in items:
            if keep(current, name, value):
                found.append((current, name, where))
            stack.append((value, where))
    return found


def _wrong_type(value: Json) -> SearchStrategy[Json]:
    """JSON values of another type than ``value`` that no field of its type accepts."""
    if isinstance(value, bool):
        return st.sampled_from((1, 0, "true", [], {"value": True}))
    if isinstance(value, int | float):
        return st.sampled_from(("5", "", True, [value], {"value": value}))
    if isinstance(value, str):
        return st.sampled_from((1, 0, 2.5, False, [value], {"value": value}))
    if isinstance(value, list):
        return st.sampled_from(("", "[]", 0, True, {"items": value}))
    if isinstance(value, dict):
        return st.sampled_from(("", "{}", 0, True, [value]))
    return st.sampled_from(([], [[]]))  # for null: no optional field holds an array


@st.composite
def _broken(draw: st.DrawFn, document: Json, flaw: str) -> tuple[str, str]:
    """``document`` (a parsed valid record) broken by one ``flaw``, as JSON text, and the
    path of the field the flaw is in."""
    if flaw == "wrong type":
        container, name, path = draw(st.sampled_from(_places(document, lambda c, k, v: True)))
        container[name] = draw(_wrong_type(container[name]))
    elif flaw == "out of range":
        places = _places(
            document,
            lambda c, k, v: (
                isinstance(c, dict)
                and (k in _OUT_OF_RANGE or (k == "grade" and type(v) in _GRADES))
                and not isinstance(v, bool)
            ),
        )
        container, name, path = draw(st.sampled_from(places))
        if name == "grade":
            choices = _GRADES[type(container[name])]
        else:
            choices = tuple(c for c in _OUT_OF_RANGE[name] if c != container[name])
        container[name] = draw(st.sampled_from(choices))
    elif flaw == "unknown field":
        objects = [(document, ""), *((c[k], p) for c, k, p in _places(document, _is_object))]
        target, where = draw(st.sampled_from(objects))
        name = draw(st.sampled_from(tuple(k for k in _UNKNOWN_KEYS if k not in target)))
        target[name] = draw(st.sampled_from((None, 1, "x", [], {})))
        path = join(where, key(name))
    else:  # missing field
        places = _places(
            document,
            lambda c, k, v: (
                isinstance(c, dict) and k in _REQUIRED and (c.get("kind"), k) not in _OPTIONAL_IN
            ),
        )
        container, name, path = draw(st.sampled_from(places))
        del container[name]
    indent = draw(st.sampled_from((None, 2)))
    return json.dumps(document, indent=indent, ensure_ascii=draw(st.booleans())), path


def _is_object(_: Any, __: Any, value: Json) -> bool:
    return isinstance(value, dict)


@st.composite
def _malformed(draw: st.DrawFn, text: str) -> str:
    """Text that is not one JSON object: cut short, with trailing garbage, or not JSON."""
    how = draw(st.sampled_from(("truncated", "trailing", "duplicate key", "canned")))
    body = text.rstrip()
    if how == "truncated":
        return body[: draw(st.integers(0, len(body) - 1))]
    if how == "trailing":
        return body + draw(st.sampled_from((",", "}", "]", " x", "{}", ", {}", "\x00")))
    if how == "duplicate key":
        # The record already has "patient": a second one makes the key a duplicate.
        return '{"patient": null, ' + body.lstrip()[1:]
    canned: str = draw(st.sampled_from(_NOT_JSON + _NOT_OBJECTS))
    return canned


DOCUMENT_FLAWS = ("malformed", "wrong type", "out of range", "unknown field", "missing field")
"""The kinds of flaw :func:`invalid_documents` can put in a document."""


@attrs.frozen
class FlawedDocument:
    """A JSON text with one flaw, what the flaw is and where.

    ``path`` is the field the flaw is in, written as :func:`spinepath.loads` names fields
    (``events[2].outcome.relief_percent``, ``patient.notes``, ``schema_version``), or ``""``
    for a ``"malformed"`` document (the text as a whole). ``loads`` names that path or a part
    of it (a bad segment in ``segments`` may be named ``segments[0]``).
    """

    document: str
    flaw: str
    path: str


def _checked(flaws: tuple[str, ...]) -> None:
    unknown = sorted(set(flaws) - set(DOCUMENT_FLAWS))
    if not flaws or unknown:
        raise ValueError(f"flaws must be drawn from {DOCUMENT_FLAWS}, not {unknown or flaws}")


def invalid_documents_with_flaw(
    *,
    flaws: tuple[str, ...] = DOCUMENT_FLAWS,
    records: SearchStrategy[PatientRecord] | None = None,
) -> SearchStrategy[FlawedDocument]:
    """The documents of :func:`invalid_documents`, each as a :class:`FlawedDocument` that
    also gives its ``flaw`` (one of ``flaws``) and the ``path`` of the field it is in, so a
    test can check that an API reports the right field::

        @given(invalid_documents_with_flaw(flaws=("out of range", "missing field")))
        def test_the_form_marks_the_bad_field(flawed):
            assert form_errors(flawed.document).keys() == {flawed.path}
    """
    _checked(flaws)
    if records is None:
        from spinepath.testing.strategies import arbitrary_records

        records = arbitrary_records(max_events=6)
    drawn_records = records

    @st.composite
    def build(draw: st.DrawFn) -> FlawedDocument:
        record = draw(drawn_records)
        text = dumps(record)
        flaw = draw(st.sampled_from(flaws))
        if flaw == "malformed":
            return FlawedDocument(draw(_malformed(text)), flaw, "")
        broken, path = draw(_broken(json.loads(text), flaw))
        return FlawedDocument(broken, flaw, path)

    return build()


def invalid_documents(
    *,
    flaws: tuple[str, ...] = DOCUMENT_FLAWS,
    records: SearchStrategy[PatientRecord] | None = None,
) -> SearchStrategy[str]:
    """JSON texts that ``spinepath.loads(text, spinepath.PatientRecord)`` refuses with
    :class:`~spinepath.InvalidDocument`: for testing an application's error handling.

    Each starts from a valid record (drawn from ``records``, by default small model-valid
    records) and has exactly one flaw of a kind in ``flaws``: ``"malformed"`` (cut short,
    trailing garbage, a duplicate key, not JSON, not an object), ``"wrong type"`` (a string
    where a number belongs, an array for an object, ...), ``"out of range"`` (an NRS of 11, a
    relief of 140%, segment ``C9-10``, 30 February), ``"unknown field"`` or ``"missing field"``.
    :func:`invalid_documents_with_flaw` gives the same documents with their flaw and path.
    """
    _checked(flaws)
    return invalid_documents_with_flaw(flaws=flaws, records=records).map(lambda f: f.document)
