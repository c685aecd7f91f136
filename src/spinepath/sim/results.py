"""A run's results: per-patient trajectories and what a clinic would see, as DataFrames.

:class:`Results` keeps every simulated step as compact numpy columns. From them it derives
``patients`` (one row per patient: phases reached, days to surgical consultation and to surgery,
procedures, complications, pain), ``steps`` (one row per step, readable), Kaplan-Meier
estimates, a :class:`Summary`, and, on demand, any patient's trajectory as a real
:class:`~spinepath.PatientRecord`. Tables export to CSV and Parquet.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from spinepath.model import PatientRecord
from spinepath.pathway import ACTION_PHASE, Phase
from spinepath.rules.actions import ActionKind
from spinepath.sim.cohort import DRUGS, PRESENTATIONS, PatientTable, PatientView, generate
from spinepath.sim.records import (
    COLUMNS,
    COMPLICATIONS,
    KINDS,
    LASTING,
    Decision,
    DecisionTable,
    StepRow,
    build_record,
    complications_of,
)
from spinepath.sim.survival import kaplan_meier, median_time, survival_at

if TYPE_CHECKING:
    from spinepath.sim.kernel import ChunkResult, RunSpec

__all__ = ["CHECKPOINTS", "PHASES", "PROCEDURES", "Results", "Summary"]

K = ActionKind
Frame = dict[str, npt.NDArray[Any]]

PHASES: tuple[Phase, ...] = (
    Phase.RE_EVALUATION,
    Phase.CESI_OUTCOME,
    Phase.TARGETED_NON_SURGICAL,
    Phase.ADVANCED_INTERVENTIONAL,
    Phase.SURGICAL_CONSULTATION,
    Phase.SURGERY,
)
"""The phases a simulated step can move a patient into (the entry phase is CESI outcome;
reaching it again means a further epidural injection)."""

PROCEDURES = frozenset(
    {
        K.SELECTIVE_NERVE_ROOT_BLOCK,
        K.CESI,
        K.MEDIAL_BRANCH_BLOCK,
        K.RADIOFREQUENCY_ABLATION,
        K.GREATER_OCCIPITAL_NERVE_BLOCK,
        K.SPINAL_CORD_STIMULATOR_TRIAL,
        K.SPINAL_CORD_STIMULATOR_IMPLANT,
        K.REGENERATIVE_THERAPY,
        K.ACDF,
        K.LAMINOFORAMINOTOMY,
    }
)
"""Kinds of step counted as procedures (needle procedures and operations)."""

INJECTIONS = frozenset(
    {K.SELECTIVE_NERVE_ROOT_BLOCK, K.CESI, K.MEDIAL_BRANCH_BLOCK, K.GREATER_OCCIPITAL_NERVE_BLOCK}
)
SURGERY = frozenset({K.ACDF, K.LAMINOFORAMINOTOMY})
_TREATMENTS = frozenset(PROCEDURES | {K.MEDICATION_TRIAL, K.ADVANCED_PHYSICAL_THERAPY}) - {
    K.SELECTIVE_NERVE_ROOT_BLOCK,
    K.MEDIAL_BRANCH_BLOCK,
    K.SPINAL_CORD_STIMULATOR_TRIAL,
}
CHECKPOINTS = (0, 30, 90, 180, 365, 547, 730)
"""Days at which the summary reports mean pain (a longer horizon adds its own end)."""

_SERIOUS = np.array([c.serious for c in COMPLICATIONS], dtype=np.bool_)


def _codes(kinds: frozenset[ActionKind]) -> npt.NDArray[np.int8]:
    return np.array([KINDS.index(k) for k in kinds], dtype=np.int8)


def _popcount(bits: npt.NDArray[np.int32], mask: npt.NDArray[np.bool_] | None = None) -> Any:
    count = np.zeros(bits.shape, dtype=np.int64)
    for i in range(len(COMPLICATIONS)):
        if mask is None or mask[i]:
            count += (bits >> i) & 1
    return count


class Results:
    """Everything one run produced; tables are built when first read."""

    def __init__(
        self,
        spec: RunSpec,
        n: int,
        steps: Frame,
        decisions: Sequence[Decision],
        truncated: npt.NDArray[np.bool_],
        engine_calls: int = 0,
    ) -> None:
        self.spec = spec
        self.n = n
        self.raw = steps
        self.decisions = DecisionTable(decisions)
        self.truncated = truncated
        self.engine_calls = engine_calls
        self._kind_of = self.decisions.kinds()
        pos = steps["pos"]
        self._bounds = np.searchsorted(pos, np.arange(n + 1))

    @classmethod
    def merge(cls, spec: RunSpec, n: int, parts: Sequence[ChunkResult]) -> Results:
        """One result from chunk results (in any order), decisions renumbered."""
        table = DecisionTable()
        frames: list[Frame] = []
        truncated = np.zeros(n, dtype=np.bool_)
        calls = 0
        for part in sorted(parts, key=lambda p: p.start):
            remap = np.array([table.id_of(d) for d in part.decisions], dtype=np.int32)
            frame = dict(part.steps)
            if remap.size:
                frame["decision"] = remap[frame["decision"]]
            frames.append(frame)
            truncated[part.start : part.stop] = part.truncated
            calls += part.engine_calls
        if frames:
            steps = {name: np.concatenate([f[name] for f in frames]) for name in COLUMNS}
        else:
            steps = {name: np.zeros(0, dtype=t) for name, t in COLUMNS.items()}
        return cls(spec, n, steps, list(table), truncated, calls)

    # -- what a run is
    @property
    def seed(self) -> int:
        return self.spec.seed

    @property
    def policy(self) -> str:
        return self.spec.policy.name

    @property
    def profile(self) -> str:
        return self.spec.profile.name

    @property
    def horizon(self) -> int:
        return self.spec.horizon_days

    def __repr__(self) -> str:
        return (
            f"<Results n={self.n} policy={self.policy!r} profile={self.profile!r} "
            f"seed={self.seed} steps={self.raw['pos'].size}>"
        )

    def same_as(self, other: Results) -> bool:
        """Whether two runs produced the same trajectories (for reproducibility checks)."""
        if self.n != other.n or self.raw["pos"].size != other.raw["pos"].size:
            return False
        for name in COLUMNS:
            if name == "decision":
                continue
            if not np.array_equal(self.raw[name], other.raw[name]):
                return False
        mine = [self.decisions[int(i)] for i in self.raw["decision"]]
        theirs = [other.decisions[int(i)] for i in other.raw["decision"]]
        return mine == theirs and bool(np.array_equal(self.truncated, other.truncated))

    # -- one patient
    def rows(self, index: int) -> list[StepRow]:
        """The simulated steps of patient ``index``."""
        if not 0 <= index < self.n:
            raise IndexError(f"patient {index} is not in this run of {self.n}")
        lo, hi = int(self._bounds[index]), int(self._bounds[index + 1])
        names = list(COLUMNS)
        return [StepRow(*(self.raw[name][i].item() for name in names)) for i in range(lo, hi)]

    def view(self, index: int) -> PatientView:
        table = generate(
            self.spec.cohort, self.seed, [index], self.spec.parameters.deficit_per_year.value
        )
        return PatientView(table, 0, self.spec.cohort.entry_date)

    def record(self, index: int) -> PatientRecord:
        """Patient ``index``'s simulated trajectory as a real record (built on demand)."""
        return build_record(self.view(index), self.rows(index), self.decisions)

    def records(self, indices: Sequence[int] | None = None) -> Iterator[PatientRecord]:
        for i in range(self.n) if indices is None else indices:
            yield self.record(i)

    # -- tables
    @cached_property
    def steps(self) -> pd.DataFrame:
        """One row per simulated step, readable: what was done, when, and what came of it."""
        raw = self.raw
        labels = np.array([str(d.action) for d in self.decisions] or [""], dtype=object)
        kinds = np.array([str(k) for k in KINDS], dtype=object)
        phases = np.array([str(ACTION_PHASE[k]) for k in KINDS], dtype=object)
        overridden = np.array([d.override is not None for d in self.decisions] or [False])
        dec = raw["decision"]
        result = raw["result_day"] >= 0
        duration = raw["duration"].astype(np.float64)
        duration = np.where(raw["duration"] < 0, np.nan, duration)
        masks = raw["complications"]
        unique_bits, inverse = np.unique(masks, return_inverse=True)
        text = np.array(
            [";".join(str(c) for c in complications_of(int(b))) for b in unique_bits], dtype=object
        )
        return pd.DataFrame(
            {
                "patient": raw["pos"],
                "step": raw["step"],
                "day": raw["day"],
                "action": labels[dec] if dec.size else labels[:0],
                "kind": kinds[raw["kind"]],
                "phase": phases[raw["kind"]],
                "override": overridden[dec] if dec.size else overridden[:0],
                "result_day": np.where(result, raw["result_day"], np.nan),
                "success": np.where(result, raw["success"], False),
                "relief_percent": np.where(raw["relief"] >= 0, raw["relief"], np.nan),
                "relief_days": duration,
                "relief_lasting": raw["duration"] == LASTING,
                "concordant": pd.arrays.BooleanArray(raw["concordant"] == 1, raw["concordant"] < 0),
                "pain_before": raw["pain_before"],
                "pain_after": raw["pain_after"],
                "complications": text[inverse.reshape(-1)] if masks.size else text[:0],
                "new_deficit_day": np.where(raw["prog_day"] >= 0, raw["prog_day"], np.nan),
                "declined_surgery": raw["declined"],
                "hold_days": np.where(raw["hold"] > 0, raw["hold"], np.nan),
            }
        )

    def _first_day(self, kinds: frozenset[ActionKind]) -> npt.NDArray[np.float64]:
        raw = self.raw
        hit = np.isin(raw["kind"], _codes(kinds))
        first = np.full(self.n, np.inf)
        np.minimum.at(first, raw["pos"][hit], raw["day"][hit].astype(np.float64))
        return np.where(np.isfinite(first), first, np.nan)

    def _count(self, mask: npt.NDArray[np.bool_], weights: Any = None) -> npt.NDArray[np.int64]:
        pos = self.raw["pos"][mask]
        w = None if weights is None else np.asarray(weights)[mask]
        return np.bincount(pos, weights=w, minlength=self.n).astype(np.int64)

    @cached_property
    def patients(self) -> pd.DataFrame:
        """One row per patient: who they were, how far they went, how fast, at what cost."""
        raw = self.raw
        n = self.n
        cohort = self.cohort
        kind = raw["kind"]
        phase_of_kind = np.array(
            [PHASES.index(ACTION_PHASE[k]) if ACTION_PHASE[k] in PHASES else -1 for k in KINDS],
            dtype=np.int64,
        )
        phase = phase_of_kind[kind]
        frame: dict[str, Any] = {
            "patient": np.arange(n),
            "presentation": pd.Categorical.from_codes(
                cohort.presentation.astype(np.int64),
                categories=pd.Index([str(p) for p in PRESENTATIONS]),
            ),
            "age": cohort.age,
            "sex": np.where(cohort.sex == 1, "male", "female"),
            "index_pain": self._baseline(cohort),
            "steps": self._count(np.ones(kind.size, dtype=np.bool_)),
        }
        for i, p in enumerate(PHASES):
            frame[f"reached_{p.value}"] = self._count(phase == i) > 0
        adequate = self.spec.profile.adequate_relief.value
        relief = raw["relief"].astype(np.float64)
        met = relief >= adequate.value if adequate.inclusive else relief > adequate.value
        relieved = (raw["result_day"] >= 0) & np.isin(kind, _codes(_TREATMENTS)) & met
        frame["reached_relief"] = self._count(relieved) > 0
        consult = self._first_day(frozenset({K.SURGICAL_CONSULTATION}))
        frame["consultation_day"] = consult
        urgent_codes = np.array(
            [
                d.action.urgency is not None and d.action.urgency.value == "urgent"
                for d in self.decisions
            ]
            or [False]
        )
        urgent = urgent_codes[raw["decision"]] if kind.size else np.zeros(0, dtype=np.bool_)
        frame["urgent_consultation"] = self._count(urgent) > 0
        frame["surgery_day"] = self._first_day(SURGERY)
        frame["acdf"] = self._count(kind == KINDS.index(K.ACDF))
        frame["laminoforaminotomy"] = self._count(kind == KINDS.index(K.LAMINOFORAMINOTOMY))
        frame["procedures"] = self._count(np.isin(kind, _codes(PROCEDURES)))
        frame["injections"] = self._count(np.isin(kind, _codes(INJECTIONS)))
        frame["rfa"] = self._count(kind == KINDS.index(K.RADIOFREQUENCY_ABLATION))
        frame["complications"] = self._count(
            np.ones(kind.size, dtype=np.bool_), _popcount(raw["complications"])
        )
        frame["serious_complications"] = self._count(
            np.ones(kind.size, dtype=np.bool_), _popcount(raw["complications"], _SERIOUS)
        )
        frame["new_deficit"] = self._count(raw["prog_day"] >= 0) > 0
        frame["declined_surgery"] = self._count(raw["declined"]) > 0
        # procedure safety: the factors on entry, holds, the screen, the evaluation
        drug = cohort.drug.astype(np.int64)
        frame["drug"] = pd.Categorical.from_codes(
            drug, categories=pd.Index([d.value for d in DRUGS])
        )
        held = raw["hold"] > 0
        frame["holds"] = self._count(held)
        frame["held_days"] = self._count(held, np.maximum(raw["hold"], 0))
        for name in ("low_platelets", "liver_disease", "kidney_disease", "contrast_allergy"):
            frame[name] = getattr(cohort, name)
        frame["hba1c"] = cohort.hba1c
        frame["screen_positive"] = cohort.screen_item >= 0
        evaluated = raw["psych"] >= 0
        suitable = self._count(evaluated & (raw["psych"] == 1)) > 0
        frame["psych_suitable"] = pd.arrays.BooleanArray(suitable, self._count(evaluated) == 0)
        pain_end = self.pain_at([self.horizon])[:, 0]
        frame["pain_at_horizon"] = pain_end
        frame["mean_pain"] = self.mean_pain()
        frame["status"] = self._status()
        frame["truncated"] = self.truncated
        return pd.DataFrame(frame)

    def _baseline(self, cohort: Any) -> npt.NDArray[np.int64]:
        arm_index = (cohort.presentation <= 1) | (cohort.presentation == 4)
        out: npt.NDArray[np.int64] = np.where(arm_index, cohort.arm, cohort.neck).astype(np.int64)
        return out

    def _status(self) -> npt.NDArray[Any]:
        """Where each patient stands at the horizon: relieved, discharged or still in care."""
        raw = self.raw
        h = self.horizon
        status = np.full(self.n, "in care", dtype=object)
        if not raw["pos"].size:
            return status
        last = self._bounds[1:] - 1
        has = self._bounds[1:] > self._bounds[:-1]
        idx = np.flatnonzero(has)
        rows = last[idx]
        discharged = (raw["kind"][rows] == KINDS.index(K.DISCHARGE)) & (raw["prog_day"][rows] < 0)
        lasting = (raw["duration"][rows] == LASTING) | (
            (raw["result_day"][rows] >= h) & raw["success"][rows]
        )
        status[idx[discharged]] = "discharged"
        status[idx[lasting & ~discharged]] = "relieved"
        status[self.truncated] = "step limit"
        return status

    # -- pain over time
    @cached_property
    def cohort(self) -> PatientTable:
        """The run's patients as generated on entry (re-drawn from their streams)."""
        return generate(
            self.spec.cohort,
            self.seed,
            np.arange(self.n),
            self.spec.parameters.deficit_per_year.value,
        )

    def baseline_pain(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Each patient's index pain on entry, and the day a new deficit made it one point
        worse (infinity when none did)."""
        base = self._baseline(self.cohort).astype(np.float64)
        raw = self.raw
        prog = np.full(self.n, np.inf)
        has = raw["prog_day"] >= 0
        np.minimum.at(prog, raw["pos"][has], raw["prog_day"][has].astype(np.float64))
        return base, prog

    def relief_periods(self) -> tuple[Any, Any, Any, Any]:
        """Periods of (partial) relief after treatments: (patient, first day, day after the
        last, pain during), the last day beyond the horizon when still lasting."""
        raw = self.raw
        h = self.horizon
        has = (raw["result_day"] >= 0) & (raw["relief"] >= 0) & (raw["duration"] != 0)
        start = raw["day"][has].astype(np.int64)
        end = np.where(
            raw["duration"][has] == LASTING, h + 1, start + np.maximum(raw["duration"][has], 0)
        )
        return raw["pos"][has], start, end, raw["pain_after"][has].astype(np.float64)

    def pain_at(self, days: Sequence[int]) -> npt.NDArray[np.float64]:
        """Each patient's index pain (NRS) on each of ``days`` (patients x days)."""
        base, prog = self.baseline_pain()
        pos, start, end, pain = self.relief_periods()
        out = np.empty((self.n, len(days)))
        for c, day in enumerate(days):
            now = np.minimum(10.0, base + (prog <= day))
            inside = (start <= day) & (day < end)
            now[pos[inside]] = pain[inside]
            out[:, c] = now
        return out

    def mean_pain(self) -> npt.NDArray[np.float64]:
        """Each patient's time-averaged index pain over the horizon."""
        h = float(self.horizon)
        base, prog = self.baseline_pain()
        worse = np.where(np.isfinite(prog) & (base < 10), np.clip(h - prog, 0, h), 0.0)
        area = base * h + worse
        pos, start, end, pain = self.relief_periods()
        length = np.clip(np.minimum(end, h) - start, 0, None).astype(np.float64)
        baseline_then = np.minimum(base[pos] + (prog[pos] <= start), 10.0)
        np.add.at(area, pos, (pain - baseline_then) * length)
        out: npt.NDArray[np.float64] = area / h
        return out

    # -- estimates
    def kaplan_meier(self, event: str = "surgery") -> pd.DataFrame:
        """Kaplan-Meier estimate of the time to ``"surgery"`` or ``"consultation"`` (censored
        at the horizon)."""
        if event not in ("surgery", "consultation"):
            raise ValueError(f"event must be 'surgery' or 'consultation', not {event!r}")
        days = self.patients[f"{event}_day"].to_numpy()
        happened = ~np.isnan(days)
        time = np.where(happened, days, float(self.horizon))
        return kaplan_meier(time, happened)

    def summary(self) -> Summary:
        return Summary.of(self)

    # -- export
    def table(self, which: str) -> pd.DataFrame:
        if which == "patients":
            return self.patients
        if which == "steps":
            return self.steps
        raise ValueError(f"which must be 'patients' or 'steps', not {which!r}")

    def to_csv(self, path: str | Path, which: str = "patients") -> Path:
        """Write the ``patients`` or ``steps`` table as CSV."""
        out = Path(path)
        self.table(which).to_csv(out, index=False)
        return out

    def to_parquet(self, path: str | Path, which: str = "patients") -> Path:
        """Write the ``patients`` or ``steps`` table as Parquet (needs pyarrow)."""
        out = Path(path)
        frame = self.table(which).copy()
        frame.attrs = {}
        frame.to_parquet(out, index=False)
        return out

    def save(self, path: str | Path, which: str = "patients") -> Path:
        """Write by the file's suffix: ``.csv`` or ``.parquet``."""
        suffix = Path(path).suffix.lower()
        if suffix == ".csv":
            return self.to_csv(path, which)
        if suffix in (".parquet", ".pq"):
            return self.to_parquet(path, which)
        raise ValueError(f"cannot tell the format of {Path(path).name!r}: use .csv or .parquet")


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def _wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    if n == 0:
        return (float("nan"), float("nan"))
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (float(centre - half), float(centre + half))


def _count_or_mean(measure: str, value: float) -> str:
    """A safety measure as shown: a mean to three figures, a count whole."""
    return f"{value:.3g}" if measure.startswith("mean") else f"{int(value)}"


@attrs.frozen
class Summary:
    """What a clinic would see, as small DataFrames; ``metrics()`` flattens them."""

    n: int
    policy: str
    profile: str
    horizon: int
    phases: pd.DataFrame
    times: pd.DataFrame
    procedures: pd.DataFrame
    pain: pd.DataFrame
    complications: pd.DataFrame
    status: pd.DataFrame
    safety: pd.DataFrame
    """Procedure safety: patients on an antithrombotic, procedures delayed for a hold and the
    days held, positive screens, declined surgery, unsuitable psychological evaluations."""

    @classmethod
    def of(cls, results: Results) -> Summary:
        p = results.patients
        n = results.n
        rows = []
        for phase in (*PHASES, "relief"):
            name = phase.value if isinstance(phase, Phase) else phase
            label = phase.label if isinstance(phase, Phase) else "Adequate relief"
            k = int(p[f"reached_{name}"].sum())
            lo, hi = _wilson(k, n)
            rows.append(
                {
                    "phase": name,
                    "label": label,
                    "patients": k,
                    "share": k / n if n else np.nan,
                    "lower": lo,
                    "upper": hi,
                }
            )
        phases = pd.DataFrame(rows)
        times = []
        for event in ("consultation", "surgery"):
            km = results.kaplan_meier(event)
            times.append(
                {
                    "event": event,
                    "patients": int(p[f"{event}_day"].notna().sum()),
                    "median_days": median_time(km),
                    "by_1_year": 1 - survival_at(km, 365),
                    "by_horizon": 1 - survival_at(km, results.horizon),
                    "mean_days_if_any": float(p[f"{event}_day"].mean()),
                }
            )
        procedures = pd.DataFrame(
            [
                {
                    "measure": col,
                    "mean": float(p[col].mean()),
                    "sd": float(p[col].std(ddof=0)),
                    "median": float(p[col].median()),
                    "max": int(p[col].max()) if n else 0,
                }
                for col in ("procedures", "injections", "rfa", "steps")
            ]
        )
        days = [d for d in CHECKPOINTS if d <= results.horizon]
        if results.horizon not in days:
            days.append(results.horizon)
        pain = results.pain_at(days)
        pain_frame = pd.DataFrame(
            {
                "day": days,
                "mean_pain": pain.mean(axis=0) if n else np.nan,
                "share_pain_le_3": (pain <= 3).mean(axis=0) if n else np.nan,
            }
        )
        procs = int(p["procedures"].sum())
        comp = pd.DataFrame(
            [
                {"measure": "patients with any", "value": float((p["complications"] > 0).mean())},
                {
                    "measure": "patients with a serious one",
                    "value": float((p["serious_complications"] > 0).mean()),
                },
                {
                    "measure": "per 100 procedures",
                    "value": 100 * float(p["complications"].sum()) / procs if procs else np.nan,
                },
            ]
        )
        status = p["status"].value_counts().rename_axis("status").reset_index(name="patients")
        status["share"] = status["patients"] / n if n else np.nan
        holds = int(p["holds"].sum())
        safety = pd.DataFrame(
            [
                {"measure": "patients on an antithrombotic", "value": int(p["drug"].notna().sum())},
                {"measure": "procedures delayed for a hold", "value": holds},
                {
                    "measure": "mean days held",
                    "value": float(p["held_days"].sum()) / holds if holds else np.nan,
                },
                {"measure": "positive screens", "value": int(p["screen_positive"].sum())},
                {
                    "measure": "patients declining surgery",
                    "value": int(p["declined_surgery"].sum()),
                },
                {
                    "measure": "unsuitable for stimulation",
                    "value": int((p["psych_suitable"] == False).sum()),  # noqa: E712
                },
            ]
        )
        return cls(
            n,
            results.policy,
            results.profile,
            results.horizon,
            phases,
            pd.DataFrame(times),
            procedures,
            pain_frame,
            comp,
            status,
            safety,
        )

    def metrics(self) -> dict[str, float]:
        """The summary as one flat mapping of named numbers (for PSA and comparisons)."""
        out: dict[str, float] = {}
        for row in _rows(self.phases):
            out[f"share_{row['phase']}"] = float(row["share"])
        for row in _rows(self.times):
            out[f"{row['event']}_median_days"] = float(row["median_days"])
            out[f"{row['event']}_by_1_year"] = float(row["by_1_year"])
            out[f"{row['event']}_by_horizon"] = float(row["by_horizon"])
        for row in _rows(self.procedures):
            out[f"{row['measure']}_per_patient"] = float(row["mean"])
        for row in _rows(self.pain):
            out[f"mean_pain_day_{row['day']}"] = float(row["mean_pain"])
        out["complications_any"] = float(self.complications["value"].iloc[0])
        out["complications_serious"] = float(self.complications["value"].iloc[1])
        return out

    def __str__(self) -> str:
        lines = [
            f"{self.n} patients, policy {self.policy!r}, profile {self.profile!r}, "
            f"{self.horizon} days",
            "",
            "Reached (share, 95% CI):",
        ]
        for row in _rows(self.phases):
            lines.append(
                f"  {row['label']:<26} {row['share']:6.1%}  ({row['lower']:.1%}-{row['upper']:.1%})"
            )
        lines.append("")
        lines.append("Time to (Kaplan-Meier):")
        for row in _rows(self.times):
            days = row["median_days"]
            median = "not reached" if np.isnan(days) else f"{days:.0f} d"
            lines.append(
                f"  {row['event']:<13} median {median:>12}; by 1 year {row['by_1_year']:.1%}; "
                f"by {self.horizon} d {row['by_horizon']:.1%}"
            )
        lines.append("")
        lines.append("Per patient (mean):")
        for row in _rows(self.procedures):
            lines.append(f"  {row['measure']:<13} {row['mean']:6.2f}")
        lines.append("")
        lines.append(
            "Mean index pain (NRS): "
            + ", ".join(f"day {row['day']}: {row['mean_pain']:.2f}" for row in _rows(self.pain))
        )
        lines.append(
            "Complications: "
            + "; ".join(f"{row['measure']} {row['value']:.3g}" for row in _rows(self.complications))
        )
        lines.append(
            "Safety: "
            + "; ".join(
                f"{row['measure']} {_count_or_mean(row['measure'], row['value'])}"
                for row in _rows(self.safety)
                if not np.isnan(row["value"])
            )
        )
        lines.append(
            "Status at horizon: "
            + "; ".join(f"{row['status']} {row['share']:.1%}" for row in _rows(self.status))
        )
        return "\n".join(lines)
