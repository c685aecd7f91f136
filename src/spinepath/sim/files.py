"""Inputs as files: costs, utilities, cohorts and parameters read from and written to TOML or
JSON, as strictly as a record document.

Every reader lists every problem with its path (``per_step.acfd: unknown kind of step (did you
mean 'acdf'?)``) in one :class:`~spinepath.InvalidDocument`; an unknown key is a problem, never
ignored, because a misspelt price or share would otherwise silently take its default. The
format follows the file's suffix (``.toml``, else JSON). Writers produce files the readers read
back to equal values.

A costs file::

    currency = "GBP"
    complication_default = 300
    [per_step]
    acdf = 15000
    radiofrequency_ablation = 1800
    [per_complication]
    epidural_haematoma = 12000

A utilities file gives eleven values, for NRS pain 0 to 10 (``by_pain = [...]``), or a line
(``at_zero = 0.85``, ``at_ten = 0.35``). A cohort file names any of :class:`Cohort`'s fields.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from spinepath.errors import InvalidDocument, InvalidValue
from spinepath.io.problems import describe, key, quoted
from spinepath.model import Complication
from spinepath.rules.actions import ActionKind
from spinepath.sim.cohort import DEFAULT_COHORT, Cohort
from spinepath.sim.economics import Costs, Utilities
from spinepath.sim.parameters import Parameters

__all__ = [
    "cohort_from_mapping",
    "costs_from_mapping",
    "load_cohort",
    "load_costs",
    "load_utilities",
    "save_inputs",
    "to_mapping",
    "to_toml",
    "utilities_from_mapping",
]


# -- reading ---------------------------------------------------------------------------------


def _parse(path: str | Path, what: str) -> Any:
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as error:
        raise InvalidDocument([f"cannot read {file.name}: {error.strerror}"], what=what) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidDocument(
            [f"document is not UTF-8 text (invalid byte at offset {error.start})"], what=what
        ) from None
    if file.suffix.lower() == ".toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise InvalidDocument([f"not valid TOML: {error}"], what=what) from None
        except RecursionError:
            raise InvalidDocument(["not valid TOML: nested too deeply"], what=what) from None
    from spinepath.io.jsontext import parse

    try:
        return parse(text)
    except InvalidDocument as error:
        raise InvalidDocument(
            error.problems, what=what, total=error.total, complete=error.complete
        ) from None


def _table(data: object, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise InvalidDocument([f"expected a table, got {describe(data)}"], what=what)
    return data


def _unknown(where: str, name: object, known: list[str], problems: list[str]) -> None:
    shown = key(str(name))
    close = difflib.get_close_matches(str(name), known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    path = f"{where}.{shown}" if where else shown
    problems.append(f"{path}: unknown {'field' if not where else 'key'}{hint}")


def _cost(where: str, value: object, problems: list[str]) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(f"{where}: expected a number, got {describe(value)}")
        return None
    if not math.isfinite(value) or value < 0:
        problems.append(f"{where}: {value!r} is not a cost (a finite number >= 0)")
        return None
    return float(value)


def _prices(
    where: str, entry: object, kind: type[ActionKind] | type[Complication], problems: list[str]
) -> dict[Any, float]:
    if not isinstance(entry, Mapping):
        problems.append(f"{where}: expected a table, got {describe(entry)}")
        return {}
    values = [m.value for m in kind]
    out: dict[Any, float] = {}
    for name, price in entry.items():
        if name not in values:
            _unknown(where, name, values, problems)
            continue
        read = _cost(f"{where}.{name}", price, problems)
        if read is not None:
            out[kind(name)] = read
    return out


def costs_from_mapping(data: object) -> Costs:
    """Costs from a parsed file; see the module's example."""
    table = _table(data, "costs")
    problems: list[str] = []
    fields = ["per_step", "per_complication", "complication_default", "currency"]
    per_step: dict[Any, float] = {}
    per_complication: dict[Any, float] = {}
    default = 0.0
    currency = ""
    for name, entry in table.items():
        if name == "per_step":
            per_step = _prices("per_step", entry, ActionKind, problems)
        elif name == "per_complication":
            per_complication = _prices("per_complication", entry, Complication, problems)
        elif name == "complication_default":
            default = _cost(name, entry, problems) or 0.0
        elif name == "currency":
            if isinstance(entry, str) and len(entry) <= 20:
                currency = entry
            else:
                problems.append("currency: expected text of at most 20 characters")
        else:
            _unknown("", name, fields, problems)
    if "per_step" not in table:
        problems.append("per_step: required table is missing")
    if problems:
        raise InvalidDocument(problems, what="costs")
    return Costs(per_step, per_complication, default, currency)


def load_costs(path: str | Path) -> Costs:
    """Read a costs file (TOML or JSON by suffix)."""
    return costs_from_mapping(_parse(path, "costs"))


def _utility(where: str, value: object, problems: list[str]) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(f"{where}: expected a number, got {describe(value)}")
        return None
    if not math.isfinite(value) or not -1 <= value <= 1:
        problems.append(f"{where}: {value!r} is not a utility in [-1, 1]")
        return None
    return float(value)


def utilities_from_mapping(data: object) -> Utilities:
    """Utilities from a parsed file: ``by_pain`` (eleven values) or ``at_zero``/``at_ten``."""
    table = _table(data, "utilities")
    problems: list[str] = []
    fields = ["by_pain", "at_zero", "at_ten"]
    for name in table:
        if name not in fields:
            _unknown("", name, fields, problems)
    linear = {"at_zero", "at_ten"} & set(table)
    result: Utilities | None = None
    if "by_pain" in table:
        if linear:
            problems.append("by_pain: give either by_pain or at_zero and at_ten, not both")
        values = table["by_pain"]
        if not isinstance(values, list) or len(values) != 11:
            problems.append("by_pain: expected a list of 11 utilities, for NRS 0 to 10")
        else:
            read = [_utility(f"by_pain[{i}]", v, problems) for i, v in enumerate(values)]
            if not problems:
                result = Utilities(tuple(v for v in read if v is not None))
    elif linear == {"at_zero", "at_ten"}:
        ends = [_utility(name, table[name], problems) for name in ("at_zero", "at_ten")]
        if not problems and ends[0] is not None and ends[1] is not None:
            result = Utilities.linear(ends[0], ends[1])
    else:
        problems.append("by_pain: required (or both at_zero and at_ten)")
    if problems or result is None:
        raise InvalidDocument(problems, what="utilities")
    return result


def load_utilities(path: str | Path) -> Utilities:
    """Read a utilities file (TOML or JSON by suffix)."""
    return utilities_from_mapping(_parse(path, "utilities"))


def cohort_from_mapping(data: object, base: Cohort = DEFAULT_COHORT) -> Cohort:
    """A cohort from a parsed file naming any of :class:`Cohort`'s fields; the rest keep
    ``base``'s values."""
    table = _table(data, "cohort")
    fields = attrs.fields_dict(Cohort)
    problems: list[str] = []
    updates: dict[str, Any] = {}
    for name, entry in table.items():
        if name not in fields:
            _unknown("", name, sorted(fields), problems)
            continue
        old = getattr(base, name)
        value: Any = entry
        if isinstance(old, dt.date):
            if isinstance(entry, str):
                try:
                    value = dt.date.fromisoformat(entry)
                except ValueError:
                    problems.append(f"{name}: expected a date (YYYY-MM-DD)")
                    continue
            elif not isinstance(entry, dt.date) or isinstance(entry, dt.datetime):
                problems.append(f"{name}: expected a date, got {describe(entry)}")
                continue
        elif isinstance(old, tuple):
            if not isinstance(entry, list) or len(entry) != len(old):
                problems.append(f"{name}: expected a list of {len(old)} numbers")
                continue
            value = tuple(entry)
        elif isinstance(old, bool) != isinstance(entry, bool) or not isinstance(entry, int | float):
            problems.append(f"{name}: expected a number, got {describe(entry)}")
            continue
        elif isinstance(old, int) and not float(entry).is_integer():
            problems.append(f"{name}: expected a whole number, got {describe(entry)}")
            continue
        elif isinstance(old, int):
            value = int(entry)
        updates[name] = value
    if not problems:
        try:
            return attrs.evolve(base, **updates)
        except InvalidValue as error:
            problems.append(f"{error.field}: {error.problem}")
        except (TypeError, ValueError) as error:
            problems.append(f"cohort: {quoted(str(error))}")
    raise InvalidDocument(problems, what="cohort")


def load_cohort(path: str | Path, base: Cohort = DEFAULT_COHORT) -> Cohort:
    """Read a cohort file (TOML or JSON by suffix)."""
    return cohort_from_mapping(_parse(path, "cohort"), base)


# -- writing ---------------------------------------------------------------------------------

Input = Costs | Utilities | Cohort | Parameters


def to_mapping(value: Input) -> dict[str, Any]:
    """The file mapping of costs, utilities, a cohort or parameters (reads back equal)."""
    if isinstance(value, Costs):
        out: dict[str, Any] = {
            "currency": value.currency,
            "complication_default": float(value.complication_default),
            "per_step": {str(k.value): float(v) for k, v in value.per_step.items()},
        }
        if value.per_complication:
            out["per_complication"] = {
                str(k.value): float(v) for k, v in value.per_complication.items()
            }
        return out
    if isinstance(value, Utilities):
        return {"by_pain": [float(u) for u in value.by_pain]}
    if isinstance(value, Cohort):
        out = {}
        for name in attrs.fields_dict(Cohort):
            item = getattr(value, name)
            out[name] = list(item) if isinstance(item, tuple) else item
        return out
    if isinstance(value, Parameters):
        return value.to_dict()
    raise InvalidValue("value", f"cannot write a {type(value).__name__}")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidValue("value", f"{value!r} cannot be written")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    raise InvalidValue("value", f"cannot write a {type(value).__name__} as TOML")


def _toml_key(name: str) -> str:
    return name if name.replace("_", "").replace("-", "").isalnum() else json.dumps(name)


def to_toml(mapping: Mapping[str, Any]) -> str:
    """A TOML document of a mapping of scalars, lists and one level of tables (whose values may
    be inline tables), as the inputs' files are."""
    lines = [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in mapping.items() if not _is_table(v)]
    for name, table in mapping.items():
        if _is_table(table):
            lines.append("")
            lines.append(f"[{_toml_key(name)}]")
            lines.extend(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in table.items())
    return "\n".join(lines) + "\n"


def _is_table(value: object) -> bool:
    return isinstance(value, Mapping)


def save_inputs(value: Input, path: str | Path) -> Path:
    """Write costs, utilities, a cohort or parameters as TOML (``.toml``) or JSON."""
    out = Path(path)
    mapping = to_mapping(value)
    if out.suffix.lower() == ".toml":
        out.write_text(to_toml(mapping), encoding="utf-8")
    else:
        data = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in mapping.items()}
        out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return out
