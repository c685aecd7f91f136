"""Guideline profiles: every threshold the engine uses, each figure with its published source.

Sources disagree (a positive medial branch block is >50% relief on one block in the 2022
multisociety consensus, >=80% on two comparative blocks for payers), so the disagreement ships
as named profiles rather than one silent number. Derive your own with :meth:`Profile.derive`.
``docs/evidence.md`` lists every figure with its source and grade.

``STRICT_PAYER`` is the consensus with payer criteria laid on top: where a payer figure is looser
than the consensus one (12 weeks of relief before a repeat RFA against 3 months), the stricter
figure is kept, so the strict profile never allows what the consensus blocks.
"""

from __future__ import annotations

import enum
from typing import Any

import attrs

from spinepath._checks import integer, is_a, number, text
from spinepath.errors import InvalidValue
from spinepath.model.interventions import Steroid
from spinepath.model.options import ActionKind
from spinepath.model.safety import Antithrombotic

__all__ = [
    "CONSENSUS_2022",
    "CT_MYELOGRAPHY",
    "PROFILES",
    "STRICT_PAYER",
    "BleedingRisk",
    "Figure",
    "Grade",
    "HoldDays",
    "Profile",
    "Table",
    "Threshold",
    "profile_named",
]


class Grade(enum.StrEnum):
    """How sure we are of a figure's source: read in it, seen second-hand, or neither (see
    ``docs/evidence.md``)."""

    READ = "read"
    SECONDARY = "secondary"
    UNVERIFIED = "unverified"
    ASSUMPTION = "assumption"
    USER = "user"


@attrs.frozen
class Threshold:
    """A lower bound on a measured value: ``above(50)`` means >50, ``at_least(80)`` means >=80."""

    value: float = attrs.field(validator=number(0))
    inclusive: bool = attrs.field(default=True, validator=is_a(bool))

    @classmethod
    def at_least(cls, value: float) -> Threshold:
        return cls(value, True)

    @classmethod
    def above(cls, value: float) -> Threshold:
        return cls(value, False)

    def met(self, measured: float) -> bool:
        return measured >= self.value if self.inclusive else measured > self.value

    def __str__(self) -> str:
        return f"{'>=' if self.inclusive else '>'}{self.value:g}"


@attrs.frozen
class Figure:
    """A number (or threshold, or count) with the unit or scale it belongs to and its source."""

    value: Any = attrs.field()
    unit: str = attrs.field(validator=text(80))
    source: str = attrs.field(validator=text(400))
    grade: Grade = attrs.field(validator=is_a(Grade))

    def __str__(self) -> str:
        return f"{self.shown} {self.unit}".strip()

    @property
    def shown(self) -> str:
        """The value as the docs show it: ``none``, a threshold (``>=50``), ``7.5``, ``14``."""
        value = self.value
        if value is None:
            return "none"
        if isinstance(value, Threshold | HoldDays | BleedingRisk):
            return str(value)
        if isinstance(value, tuple):
            return ", ".join(str(v) for v in value) or "none"
        return f"{value:g}" if isinstance(value, float) else str(value)


class BleedingRisk(enum.IntEnum):
    """The bleeding-risk class of a pain procedure (Narouze et al., ASRA 2018); patient
    bleeding factors move a procedure up one class."""

    LOW = 1
    INTERMEDIATE = 2
    HIGH = 3

    def __str__(self) -> str:
        return self.name.lower()

    def up(self) -> BleedingRisk:
        """One class higher (high stays high)."""
        return BleedingRisk(min(self.value + 1, BleedingRisk.HIGH.value))


def _days_or_continue(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        integer(0, 60)(_, attribute, value)


@attrs.frozen
class HoldDays:
    """How many days a drug must be held before a procedure of each bleeding-risk class
    (None: it may be continued)."""

    low: int | None = attrs.field(validator=_days_or_continue)
    intermediate: int | None = attrs.field(validator=_days_or_continue)
    high: int | None = attrs.field(validator=_days_or_continue)

    def before(self, risk: BleedingRisk) -> int | None:
        """The days to hold before a procedure of class ``risk`` (None: continue)."""
        found: int | None = getattr(self, risk.name.lower())
        return found

    def __str__(self) -> str:
        def shown(days: int | None) -> str:
            return "continue" if days is None else str(days)

        return (
            f"low {shown(self.low)}; intermediate {shown(self.intermediate)}; "
            f"high {shown(self.high)}"
        )


@attrs.frozen
class Table:
    """Figures by key (a drug, a procedure, a steroid): each row its own value, unit, source
    and grade. Profiles list a table's rows as figures named ``table.key``."""

    rows: tuple[tuple[str, Figure], ...] = attrs.field()

    @rows.validator
    def _check_rows(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            raise InvalidValue(attribute.name, "expected a tuple of (key, Figure) rows")
        seen: set[str] = set()
        for i, row in enumerate(value):
            if (
                not isinstance(row, tuple)
                or len(row) != 2
                or not isinstance(row[0], str)
                or not isinstance(row[1], Figure)
            ):
                raise InvalidValue(f"{attribute.name}[{i}]", "expected a (key, Figure) pair")
            if row[0] in seen:
                raise InvalidValue(f"{attribute.name}[{i}]", f"{row[0]} is listed twice")
            seen.add(row[0])

    def get(self, key: str) -> Figure | None:
        for k, figure in self.rows:
            if k == key:
                return figure
        return None

    def __getitem__(self, key: str) -> Figure:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return any(k == key for k, _ in self.rows)

    def keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.rows)

    def values(self) -> tuple[Any, ...]:
        """The rows' values (not their figures)."""
        return tuple(figure.value for _, figure in self.rows)

    def updated(self, changes: dict[str, Any], source: str) -> Table:
        """The table with rows replaced or added: a :class:`Figure`, or a bare value that keeps
        the row's unit and is recorded as a user override of ``source``."""
        rows = dict(self.rows)
        for key, value in changes.items():
            if not isinstance(value, Figure):
                old = rows.get(key)
                unit = old.unit if old is not None else self.rows[0][1].unit
                value = Figure(value, unit, f"user override of {source}", Grade.USER)
            rows[key] = value
        return Table(tuple(rows.items()))


def _fig(value: Any, unit: str, source: str, grade: Grade) -> Figure:
    return Figure(value, unit, source, grade)


HURLEY_2022 = (
    "Hurley et al., multisociety consensus on cervical facet interventions, "
    "Reg Anesth Pain Med 2022;47(1):3-59"
)
MEDICARE_FACET = "Medicare facet joint LCDs (e.g. L38803); SIS practice guidelines 2nd ed. 2013"
MEDICARE_EPIDURAL = "Medicare epidural steroid injection LCD L33906"
EVICORE = "eviCore CMM-200 (epidural injection intervals)"
STATPEARLS_CESI = (
    'StatPearls "Cervical Epidural Injection" (2023); Cohen et al., Anesthesiology 2014'
)
SNRB_WORKING = "working definition: concordant relief of index arm pain (no authoritative figure)"
SCS_SOURCE = "Neuromodulation Foundation practice parameters; Shanthanna et al., RAPM 2023;48:273"
GON_SOURCE = (
    "ICHD-3 13.4 criterion D; >=50% response as in J Headache Pain 2012 (10.1007/s10194-012-0417-x)"
)
FUSION_LCD = 'Medicare "Cervical Fusion" LCD L39741 (2024)'
FEHLINGS = "Fehlings et al., AO Spine/CSRS myelopathy guideline, Global Spine J 2017"
FARRAR = "Farrar et al., Pain 2001;94:149"
TETREAULT = "Tetreault et al., Eur Spine J 2015 (mJOA minimum clinically important difference)"
SEVERE_WEAKNESS = (
    "assumption: MRC <= 3 (no movement against resistance) as a severe motor deficit that needs "
    "no progression to act on; Medicare LCD L39741 lists progressive deficit as an exception"
)
CESI_JUDGEABLE = (
    "assumption: trials read CESI outcomes at 2-4 weeks at the earliest (Cohen et al., "
    "Anesthesiology 2014: 1 month); eviCore CMM-200 spaces injections 14 days apart"
)
RFA_LASTING = (
    "assumption: relief >=50% (the endpoint of Lord et al., NEJM 1996 and Cohen 2007) lasting "
    "at least 6 months, the lower end of the seed article's 6-12 months"
)
GON_FREQUENCY = (
    "assumption: no guideline or payer limit on repeat greater occipital nerve blocks was found; "
    "four a year on a side (a block about every three months) keeps repeats to blocks whose "
    "relief lasted, and bounds the steroid they carry"
)
GON_LASTING = (
    "assumption: relief ending within two weeks has not lasted; >=50% responses lasted about "
    "27 days on average (J Headache Pain 2012, 10.1007/s10194-012-0417-x)"
)
NDI_BANDS = (
    "assumption: moderate disability or worse counts as debilitating; NDI bands (moderate "
    "30-48%) from Vernon, J Manipulative Physiol Ther 2008 (secondary)"
)
SEVERE_PAIN = (
    "assumption: severe pain on the common NRS cut-points (mild 1-4, moderate 5-6, severe "
    "7-10; Serlin et al., Pain 1995, not read) counts as debilitating"
)
SNRB_STEROID = (
    "assumption: a diagnostic block is counted as an epidural steroid injection only when a "
    "payer counts it; the consensus sets no such rule"
)
SNRB_AFTER_STEROID = (
    "assumption: a steroid at a root in the last 14 days (eviCore CMM-200's minimum interval "
    "between epidural injections) confounds a diagnostic block there"
)
YOUNG_NDI = "Young et al., Spine J 2009; Cleland et al., Arch Phys Med Rehabil 2008;89:69"


def _threshold(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Figure) or not isinstance(value.value, Threshold):
        raise InvalidValue(attribute.name, "expected a Figure holding a Threshold")


def _count(low: int, optional_: bool = False) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, Figure):
            raise InvalidValue(attribute.name, "expected a Figure")
        if value.value is None and optional_:
            return
        integer(low)(instance, attribute, value.value)

    return check


def _switch(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Figure) or not isinstance(value.value, bool):
        raise InvalidValue(attribute.name, "expected a Figure holding true or false")


def _real(low: float) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, Figure):
            raise InvalidValue(attribute.name, "expected a Figure")
        number(low)(instance, attribute, value.value)

    return check


def _table(kind: type[Any], allowed: tuple[str, ...], required: bool = True) -> Any:
    """A :class:`Table` whose row values are ``kind``, keyed by ``allowed`` (every one of them
    when ``required``)."""

    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, Table):
            raise InvalidValue(attribute.name, "expected a Table of figures")
        for key, figure in value.rows:
            if key not in allowed:
                raise InvalidValue(f"{attribute.name}.{key}", f"{key!r} is not one of its keys")
            if not isinstance(figure.value, kind) or isinstance(figure.value, bool) is not (
                kind is bool
            ):
                raise InvalidValue(f"{attribute.name}.{key}", "has a value of the wrong kind")
        for key in allowed if required else ():
            if value.get(key) is None:
                raise InvalidValue(attribute.name, f"has no row for {key}")

    return check


def _kinds(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Figure) or not isinstance(value.value, tuple):
        raise InvalidValue(attribute.name, "expected a Figure holding a tuple of procedures")
    for i, kind in enumerate(value.value):
        if not isinstance(kind, str) or kind not in PROCEDURES:
            raise InvalidValue(f"{attribute.name}[{i}]", f"{kind!r} is not a procedure")


def _optional_real(low: float) -> Any:
    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, Figure):
            raise InvalidValue(attribute.name, "expected a Figure")
        if value.value is not None:
            number(low)(instance, attribute, value.value)

    return check


CT_MYELOGRAPHY = "ct_myelography"
"""The procedure key of imaging by CT myelography (a dural puncture), beside the action kinds."""

PROCEDURES: tuple[str, ...] = (*(k.value for k in ActionKind), CT_MYELOGRAPHY)
"""The keys a profile's procedure tables use: every action kind's value and CT myelography."""

_TABLES = ("procedure_bleeding_risk", "antithrombotic_holds", "steroid_equivalents")


@attrs.frozen(kw_only=True)
class Profile:
    """Every threshold of the pathway, typed, each a :class:`Figure` naming its source.

    Counts of days are calendar days; relief is percent relief of the index pain.
    """

    name: str = attrs.field(validator=text(60))
    title: str = attrs.field(validator=text(200))
    # S0: when a CESI counts as having worked
    cesi_adequate_relief: Figure = attrs.field(validator=_threshold)
    cesi_adequate_relief_days: Figure = attrs.field(validator=_count(0))
    cesi_judgeable_days: Figure = attrs.field(validator=_count(0))
    # Epidural steroid injections (CESIs; diagnostic SNRBs are not counted): frequency, spacing
    epidural_max_per_12_months: Figure = attrs.field(validator=_count(1))
    epidural_max_per_6_months: Figure = attrs.field(validator=_count(1, optional_=True))
    epidural_min_interval_days: Figure = attrs.field(validator=_count(0))
    repeat_cesi_requires_prior_relief: Figure = attrs.field(validator=_threshold)
    snrb_steroid_counts_as_epidural: Figure = attrs.field(validator=_switch)
    snrb_after_steroid_days: Figure = attrs.field(validator=_count(0))
    # S3/S5: a positive selective nerve root block
    snrb_positive_relief: Figure = attrs.field(validator=_threshold)
    # S6: a positive medial branch block, and repeat RFA
    mbb_positive_relief: Figure = attrs.field(validator=_threshold)
    mbb_blocks_required: Figure = attrs.field(validator=_count(1))
    facet_conservative_care_days: Figure = attrs.field(validator=_count(0))
    repeat_rfa_prior_relief: Figure = attrs.field(validator=_threshold)
    repeat_rfa_prior_relief_days: Figure = attrs.field(validator=_count(0))
    repeat_rfa_min_interval_days: Figure = attrs.field(validator=_count(0))
    rfa_max_per_12_months: Figure = attrs.field(validator=_count(1, optional_=True))
    rfa_adequate_relief: Figure = attrs.field(validator=_threshold)
    rfa_adequate_relief_days: Figure = attrs.field(validator=_count(0))
    # S7: a greater occipital nerve block that worked
    gon_block_response: Figure = attrs.field(validator=_threshold)
    gon_adequate_relief_days: Figure = attrs.field(validator=_count(0))
    gon_max_per_12_months: Figure = attrs.field(validator=_count(1, optional_=True))
    # S10: a successful spinal cord stimulator trial
    scs_trial_success: Figure = attrs.field(validator=_threshold)
    # S11: failed conservative care before elective surgery
    surgery_conservative_care_days: Figure = attrs.field(validator=_count(0))
    surgery_min_arm_pain: Figure = attrs.field(validator=_count(0, optional_=True))
    surgery_graded_compression: Figure = attrs.field(validator=_switch)
    # S11: disabling pain, measured (quality of life, NDI, or the worse of arm and neck pain)
    debilitating_ndi_percent: Figure = attrs.field(validator=_real(0))
    debilitating_pain_nrs: Figure = attrs.field(validator=_count(0))
    # S12: myelopathy by mJOA (severity bands and the change that matters), severe weakness
    mjoa_myelopathy_max: Figure = attrs.field(validator=_count(0))
    mjoa_moderate_max: Figure = attrs.field(validator=_count(0))
    mjoa_severe_max: Figure = attrs.field(validator=_count(0))
    mjoa_mcid_mild: Figure = attrs.field(validator=_count(1))
    mjoa_mcid_moderate: Figure = attrs.field(validator=_count(1))
    mjoa_mcid_severe: Figure = attrs.field(validator=_count(1))
    severe_weakness_mrc_max: Figure = attrs.field(validator=_count(0))
    # Outcome measures: minimal clinically important differences, with their scales
    mcid_nrs_points: Figure = attrs.field(validator=_real(0))
    mcid_ndi_points: Figure = attrs.field(validator=_real(0))
    # Relief that ends active treatment (maintenance / discharge), for treatments without
    # figures of their own, and how long it must last to count (None: while it lasts)
    adequate_relief: Figure = attrs.field(validator=_threshold)
    adequate_relief_days: Figure = attrs.field(validator=_count(0, optional_=True))
    # Procedure safety: bleeding-risk classes, antithrombotic holds (SF1), glucose before a
    # steroid (SF4), contrast (SF3), consent and the psychological evaluation (SF5, SF6),
    # cumulative steroid (SF7)
    procedure_bleeding_risk: Table = attrs.field(
        validator=_table(BleedingRisk, PROCEDURES, required=False)
    )
    antithrombotic_holds: Table = attrs.field(
        validator=_table(HoldDays, tuple(d.value for d in Antithrombotic))
    )
    contrast_procedures: Figure = attrs.field(validator=_kinds)
    steroid_hba1c_max: Figure = attrs.field(validator=_optional_real(0))
    steroid_glucose_max: Figure = attrs.field(validator=_optional_real(0))
    consent_required: Figure = attrs.field(validator=_kinds)
    scs_psychological_evaluation: Figure = attrs.field(validator=_switch)
    steroid_equivalents: Table = attrs.field(
        validator=_table(float, tuple(s.value for s in Steroid))
    )
    steroid_max_per_12_months: Figure = attrs.field(validator=_optional_real(0))

    def bleeding_class(self, procedure: str) -> BleedingRisk | None:
        """The bleeding-risk class of a procedure (an action kind's value or
        :data:`CT_MYELOGRAPHY`), None for no procedure (a visit, MRI, medication)."""
        figure = self.procedure_bleeding_risk.get(procedure)
        return None if figure is None else figure.value

    def hold_days(self, drug: Antithrombotic, risk: BleedingRisk) -> int | None:
        """The days ``drug`` must be held before a procedure of class ``risk`` (None: it may
        be continued)."""
        holds: HoldDays = self.antithrombotic_holds[drug.value].value
        return holds.before(risk)

    def derive(self, name: str, title: str | None = None, **changes: Any) -> Profile:
        """A new profile with some figures replaced.

        Give a :class:`Figure` to name your own source, or a bare value (a number, a count or a
        :class:`Threshold`) to keep the unit and record the source as a user override. A table
        (``antithrombotic_holds``, ``procedure_bleeding_risk``, ``steroid_equivalents``) takes
        a :class:`Table`, or a dict of the rows to replace (``{"warfarin": HoldDays(None, 5,
        5)}``), each a Figure or a bare value.
        """
        fields = attrs.fields_dict(Profile)
        updates: dict[str, Any] = {"name": name, "title": title or f"{self.title}, modified"}
        for key, value in changes.items():
            if key not in fields or key in ("name", "title"):
                raise InvalidValue(key, "is not a figure of a guideline profile")
            if key in _TABLES and isinstance(value, dict):
                value = getattr(self, key).updated(value, self.name)
            elif key in _TABLES and not isinstance(value, Table):
                raise InvalidValue(key, "expected a Table or a dict of its rows")
            elif not isinstance(value, Figure):
                old: Figure = getattr(self, key)
                if isinstance(old.value, Threshold) and isinstance(value, int | float):
                    value = Threshold(float(value), old.value.inclusive)
                value = Figure(value, old.unit, f"user override of {self.name}", Grade.USER)
            updates[key] = value
        return attrs.evolve(self, **updates)

    def figures(self) -> dict[str, Figure]:
        """Every figure of the profile by field name, in declaration order; a table's rows
        are named ``table.key``."""
        found: dict[str, Figure] = {}
        for a in attrs.fields(Profile):
            value = getattr(self, a.name)
            if isinstance(value, Figure):
                found[a.name] = value
            elif isinstance(value, Table):
                found.update((f"{a.name}.{key}", figure) for key, figure in value.rows)
        return found


R, S, U, A = Grade.READ, Grade.SECONDARY, Grade.UNVERIFIED, Grade.ASSUMPTION
PCT = "% relief of index pain"

K = ActionKind
NAROUZE_2018 = (
    "Narouze et al., ASRA/ESRA/AAPM/INS/NANS/WIP guideline on interventional spine and pain "
    "procedures in patients on antiplatelet and anticoagulant medications, 2nd ed., Reg Anesth "
    "Pain Med 2018;43:225-262"
)
_CLASS = "bleeding-risk class"


def _risk(value: BleedingRisk, source: str, grade: Grade) -> Figure:
    return Figure(value, _CLASS, source, grade)


_BLEEDING_CLASSES = Table(
    (
        (
            K.SELECTIVE_NERVE_ROOT_BLOCK.value,
            _risk(BleedingRisk.INTERMEDIATE, NAROUZE_2018 + " (transforaminal epidural)", S),
        ),
        (
            K.CESI.value,
            _risk(
                BleedingRisk.INTERMEDIATE,
                NAROUZE_2018 + " (interlaminar and transforaminal epidural)",
                S,
            ),
        ),
        (
            K.MEDIAL_BRANCH_BLOCK.value,
            _risk(
                BleedingRisk.INTERMEDIATE,
                NAROUZE_2018 + " (cervical facet MBB; the 2018 update moved only thoracolumbar "
                "facet procedures to low, per an ASRA newsletter; the table not read)",
                U,
            ),
        ),
        (
            K.RADIOFREQUENCY_ABLATION.value,
            _risk(
                BleedingRisk.INTERMEDIATE,
                NAROUZE_2018 + " (cervical facet RFA; the table not read)",
                U,
            ),
        ),
        (
            K.GREATER_OCCIPITAL_NERVE_BLOCK.value,
            _risk(BleedingRisk.LOW, NAROUZE_2018 + " (peripheral nerve blocks)", S),
        ),
        (
            K.SPINAL_CORD_STIMULATOR_TRIAL.value,
            _risk(BleedingRisk.HIGH, NAROUZE_2018 + " (SCS trial and implant)", S),
        ),
        (
            K.SPINAL_CORD_STIMULATOR_IMPLANT.value,
            _risk(BleedingRisk.HIGH, NAROUZE_2018 + " (SCS trial and implant)", S),
        ),
        (
            K.REGENERATIVE_THERAPY.value,
            _risk(
                BleedingRisk.INTERMEDIATE,
                "assumption: a spinal injection, classed as the epidural and facet procedures",
                A,
            ),
        ),
        (
            CT_MYELOGRAPHY,
            _risk(
                BleedingRisk.INTERMEDIATE,
                "assumption: a dural puncture, classed as an interlaminar epidural",
                A,
            ),
        ),
        (
            K.ACDF.value,
            _risk(
                BleedingRisk.HIGH,
                "assumption: open spine surgery at least as risky as a high-risk pain "
                "procedure; the surgeon's perioperative plan governs",
                A,
            ),
        ),
        (
            K.LAMINOFORAMINOTOMY.value,
            _risk(
                BleedingRisk.HIGH,
                "assumption: open spine surgery at least as risky as a high-risk pain "
                "procedure; the surgeon's perioperative plan governs",
                A,
            ),
        ),
    )
)

_HOLD_UNIT = "days held before a low / intermediate / high-risk procedure (continue: no hold)"
_HOLD_SOURCE = NAROUZE_2018 + " (per-drug tables; interval not read in the source"


def _hold(
    drug: Antithrombotic, low: int | None, mid: int | None, high: int | None, note: str
) -> tuple[str, Figure]:
    return drug.value, Figure(HoldDays(low, mid, high), _HOLD_UNIT, f"{_HOLD_SOURCE}: {note})", U)


D = Antithrombotic
_HOLDS = Table(
    (
        _hold(D.WARFARIN, None, 5, 5, "about 5 days with a normal INR"),
        _hold(D.HEPARIN, None, 1, 1, "subcutaneous 8-12 hours, intravenous 4-6 hours"),
        _hold(D.LOW_MOLECULAR_WEIGHT_HEPARIN, None, 1, 1, "prophylactic 12, therapeutic 24 hours"),
        _hold(D.FONDAPARINUX, None, 4, 4, "about 4 days"),
        _hold(D.DABIGATRAN, None, 5, 5, "4-5 days, longer with poor renal function"),
        _hold(D.RIVAROXABAN, None, 3, 3, "about 3 days"),
        _hold(D.APIXABAN, None, 3, 3, "about 3 days"),
        _hold(D.EDOXABAN, None, 3, 3, "about 3 days"),
        _hold(D.CLOPIDOGREL, None, 7, 7, "about 7 days"),
        _hold(D.PRASUGREL, None, 10, 10, "7-10 days"),
        _hold(D.TICAGRELOR, None, 5, 5, "about 5 days"),
        _hold(D.CILOSTAZOL, None, 2, 2, "about 2 days"),
        _hold(
            D.ASPIRIN,
            None,
            None,
            6,
            "continued for intermediate risk after a shared assessment; about 6 days before a "
            "high-risk procedure in primary prevention",
        ),
    )
)

_MP_UNIT = "mg methylprednisolone-equivalent per mg"
_EQUIV_SOURCE = (
    "standard glucocorticoid anti-inflammatory equivalents (methylprednisolone 4 mg = "
    "triamcinolone 4 mg = dexamethasone 0.75 mg = betamethasone 0.6 mg); no source read"
)
_STEROIDS = Table(
    (
        (Steroid.DEXAMETHASONE.value, Figure(4 / 0.75, _MP_UNIT, _EQUIV_SOURCE, U)),
        (Steroid.TRIAMCINOLONE.value, Figure(1.0, _MP_UNIT, _EQUIV_SOURCE, U)),
        (Steroid.METHYLPREDNISOLONE.value, Figure(1.0, _MP_UNIT, _EQUIV_SOURCE, U)),
        (Steroid.BETAMETHASONE.value, Figure(4 / 0.6, _MP_UNIT, _EQUIV_SOURCE, U)),
    )
)

CONSENSUS_2022 = Profile(
    name="consensus-2022",
    title="2022 multisociety consensus (Hurley et al.) with common epidural limits",
    cesi_adequate_relief=_fig(Threshold.at_least(50), PCT, STATPEARLS_CESI, R),
    cesi_adequate_relief_days=_fig(90, "days", STATPEARLS_CESI + " (outcome at 3 months)", R),
    cesi_judgeable_days=_fig(14, "days after the injection", CESI_JUDGEABLE, A),
    epidural_max_per_12_months=_fig(4, "sessions per region", MEDICARE_EPIDURAL, S),
    epidural_max_per_6_months=_fig(None, "sessions per region", "no six-month cap in consensus", A),
    epidural_min_interval_days=_fig(14, "days", EVICORE, S),
    repeat_cesi_requires_prior_relief=_fig(
        Threshold.at_least(0), PCT, "consensus sets no floor; S0 advises re-evaluation first", A
    ),
    snrb_steroid_counts_as_epidural=_fig(False, "yes/no", SNRB_STEROID, A),
    snrb_after_steroid_days=_fig(14, "days", SNRB_AFTER_STEROID, A),
    snrb_positive_relief=_fig(Threshold.at_least(50), PCT, SNRB_WORKING, U),
    mbb_positive_relief=_fig(Threshold.above(50), PCT, HURLEY_2022 + ", Table 22", R),
    mbb_blocks_required=_fig(1, "blocks", HURLEY_2022 + ", Table 22 (single block)", R),
    facet_conservative_care_days=_fig(
        90, "days", HURLEY_2022 + ", Table 22 (Table 23: 6 weeks)", R
    ),
    repeat_rfa_prior_relief=_fig(Threshold.above(30), PCT, HURLEY_2022 + ", Table 22", R),
    repeat_rfa_prior_relief_days=_fig(90, "days", HURLEY_2022 + ", Table 22 (3 months)", R),
    repeat_rfa_min_interval_days=_fig(0, "days", HURLEY_2022 + " sets no minimum interval", R),
    rfa_max_per_12_months=_fig(None, "per region", HURLEY_2022 + " sets no annual cap", R),
    rfa_adequate_relief=_fig(Threshold.at_least(50), PCT, RFA_LASTING, A),
    rfa_adequate_relief_days=_fig(180, "days", RFA_LASTING, A),
    gon_block_response=_fig(Threshold.at_least(50), PCT, GON_SOURCE, R),
    gon_adequate_relief_days=_fig(14, "days", GON_LASTING, A),
    gon_max_per_12_months=_fig(4, "blocks per side", GON_FREQUENCY, A),
    scs_trial_success=_fig(Threshold.at_least(50), PCT, SCS_SOURCE, R),
    surgery_conservative_care_days=_fig(84, "days", FUSION_LCD + " (12 weeks)", R),
    surgery_min_arm_pain=_fig(
        None, "NRS 0-10", "the consensus sets no arm-pain floor for an operation", A
    ),
    surgery_graded_compression=_fig(
        False, "yes/no", "the consensus asks for a correlating lesion, whatever its grade", A
    ),
    debilitating_ndi_percent=_fig(30.0, "NDI % (0-100)", NDI_BANDS, A),
    debilitating_pain_nrs=_fig(7, "NRS 0-10", SEVERE_PAIN, A),
    mjoa_myelopathy_max=_fig(17, "mJOA 0-18", FEHLINGS + " (mild 15-17)", R),
    mjoa_moderate_max=_fig(14, "mJOA 0-18", FEHLINGS + " (moderate 12-14)", R),
    mjoa_severe_max=_fig(11, "mJOA 0-18", FEHLINGS + " (severe <=11)", R),
    mjoa_mcid_mild=_fig(1, "mJOA points", TETREAULT + " (mild)", S),
    mjoa_mcid_moderate=_fig(2, "mJOA points", TETREAULT + " (moderate)", S),
    mjoa_mcid_severe=_fig(3, "mJOA points", TETREAULT + " (severe)", S),
    severe_weakness_mrc_max=_fig(3, "MRC 0-5", SEVERE_WEAKNESS, A),
    mcid_nrs_points=_fig(2.0, "NRS 0-10 points", FARRAR, R),
    mcid_ndi_points=_fig(
        7.5, "NDI 0-50 points", YOUNG_NDI + " (the 0-50 scale of Young not verified)", U
    ),
    adequate_relief=_fig(
        Threshold.at_least(50),
        PCT,
        "assumption: the >=50% relief used for CESI response (" + STATPEARLS_CESI + ") applied "
        "to any treatment without a figure of its own",
        A,
    ),
    adequate_relief_days=_fig(
        None,
        "days",
        "assumption: no published minimum for other treatments; relief counts while it lasts",
        A,
    ),
    procedure_bleeding_risk=_BLEEDING_CLASSES,
    antithrombotic_holds=_HOLDS,
    contrast_procedures=_fig(
        (K.SELECTIVE_NERVE_ROOT_BLOCK.value, K.CESI.value, CT_MYELOGRAPHY),
        "procedures",
        "assumption: fluoroscopic epidural and root injections confirm spread with contrast, "
        "and myelography is contrast; medial branch blocks and ablation need not",
        A,
    ),
    steroid_hba1c_max=_fig(
        9.0,
        "HbA1c %",
        "assumption: elective steroid injections deferred above HbA1c 9% (no guideline read; "
        "set your clinic's limit)",
        A,
    ),
    steroid_glucose_max=_fig(
        300.0,
        "mg/dL blood glucose",
        "assumption: elective steroid injections deferred above 300 mg/dL (no guideline read; "
        "set your clinic's limit)",
        A,
    ),
    consent_required=_fig(
        (),
        "procedures",
        "assumption: the consensus sets no recorded-consent requirement; a clinic may list "
        "procedures that need one",
        A,
    ),
    scs_psychological_evaluation=_fig(
        True,
        "yes/no",
        "Medicare NCD 160.7 (psychological evaluation before a stimulator trial); Shanthanna "
        "et al., RAPM 2023 (SCS guideline) recommends one (not read)",
        S,
    ),
    steroid_equivalents=_STEROIDS,
    steroid_max_per_12_months=_fig(
        None,
        "mg methylprednisolone-equivalent per rolling 12 months",
        "no limit read in a source: figures vary by guideline, so the limit is off unless a "
        "profile sets one",
        U,
    ),
)
"""The default profile: the 2022 multisociety consensus on cervical facet interventions
(Hurley et al.), with the epidural limits payers commonly apply."""

STRICT_PAYER = CONSENSUS_2022.derive(
    "strict-payer",
    "Strict payer criteria (Medicare facet and epidural LCDs, eviCore)",
    epidural_max_per_6_months=_fig(3, "sessions per region", EVICORE, S),
    repeat_cesi_requires_prior_relief=_fig(
        Threshold.at_least(50), PCT, MEDICARE_EPIDURAL + " (>=50% sustained improvement)", S
    ),
    snrb_steroid_counts_as_epidural=_fig(
        True,
        "yes/no",
        MEDICARE_EPIDURAL + " (epidural steroid injections by any approach; unverified for SNRBs)",
        U,
    ),
    mbb_positive_relief=_fig(Threshold.at_least(80), PCT, MEDICARE_FACET, S),
    mbb_blocks_required=_fig(2, "comparative blocks", MEDICARE_FACET, S),
    repeat_rfa_prior_relief=_fig(Threshold.at_least(50), PCT, MEDICARE_FACET, S),
    repeat_rfa_prior_relief_days=_fig(
        90, "days", HURLEY_2022 + " (3 months; stricter than the LCDs' 12 weeks, so kept)", R
    ),
    repeat_rfa_min_interval_days=_fig(183, "days", MEDICARE_FACET + " (6 months)", S),
    rfa_max_per_12_months=_fig(2, "per region", MEDICARE_FACET, S),
    scs_psychological_evaluation=_fig(
        True,
        "yes/no",
        "Medicare NCD 160.7 (psychological evaluation before a stimulator trial)",
        S,
    ),
    surgery_min_arm_pain=_fig(4, "NRS 0-10", FUSION_LCD + " (VAS >=4 for >=12 weeks)", R),
    surgery_graded_compression=_fig(
        True,
        "yes/no",
        FUSION_LCD + " (imaging of significant compression: a herniation, or stenosis graded "
        "moderate or severe; the grade criterion unverified)",
        U,
    ),
)
"""The consensus with payer criteria laid on top (two comparative blocks of >=80% relief,
repeat-RFA and injection limits); never looser than :data:`CONSENSUS_2022`."""

PROFILES: dict[str, Profile] = {p.name: p for p in (CONSENSUS_2022, STRICT_PAYER)}
"""The shipped profiles by name (see :func:`profile_named`)."""


def profile_named(name: str) -> Profile:
    """A shipped profile by name (``consensus-2022``, ``strict-payer``)."""
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise InvalidValue("profile", f"{name!r} is not a known profile ({known})") from None
