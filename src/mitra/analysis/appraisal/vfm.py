"""Value for money (VfM): the risk-adjusted Public Sector Comparator against the PPP option.

A VfM spec (``vfm.schema.json``) states the discount rate and base year, the PSC
components and the PPP option's government payments (inline by year or from a
project-finance model). Risk components are either numbers or selections of a
risk-model spec's per-party PV risk cost, drawn by the Monte Carlo engine.

Formulas (all amounts present values at ``discount_rate`` to ``base_year``)::

    PSC  = raw PSC + competitive neutrality + transferable risk + retained risk
    PPP  = NPC of government payments (AP, VGF, land, subsidy, ...)
           + guarantee calls + retained risk + other costs
    VfM  = PSC - PPP                      (money; positive = the PPP is cheaper)
    VfM% = VfM / PSC                      (fraction of the risk-adjusted PSC)

Discounting: an amount in calendar year ``y`` is multiplied by
``(1 + r) ** -(y - base_year)`` (amounts at the end of each year; an amount in
``base_year`` itself is not discounted).

With a risk model the risk terms are per-iteration arrays from the *same* draws,
so ``VfM_i = PSC_i - PPP_i`` for every iteration ``i`` and the reported P5,
mean and P95 are statistics of ``VfM_i`` (percentiles of separate terms are
never added). Component percentiles are reported for information only.

Decimal policy: ``decimal.Decimal`` is not supported; the spec's numbers are
JSON numbers read as ``float`` and every derived amount is float64, in
``amount_unit`` of ``currency`` (a label: nothing is multiplied by it).

References
----------
Partnerships Victoria (2001). *Public Sector Comparator: Technical Note*.
Department of Treasury and Finance, Victoria, section 2.4 (the four PSC
components). Infrastructure Australia (2008). *National PPP Guidelines,
Volume 4: Public Sector Comparator Guidance*. HM Treasury (2006). *Value for
Money Assessment Guidance*.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
from jsonschema.exceptions import ValidationError
from numpy.typing import NDArray

from mitra.analysis._random import SeedLike
from mitra.analysis._spec import (
    SpecError,
    SpecIssue,
    describe_error,
    json_path,
    packaged_schema,
    read_spec_file,
    schema_problems,
    show,
    sorted_issues,
)
from mitra.analysis.finance.cashflows import npv
from mitra.analysis.finance.model import run_model
from mitra.analysis.finance.spec import load_model
from mitra.analysis.risk.montecarlo import sample
from mitra.analysis.risk.spec import RiskModel, load_spec

__all__ = [
    "PAYMENT_KEYS",
    "Estimate",
    "GovernmentPayments",
    "VfmResult",
    "VfmSpec",
    "load_vfm",
    "present_value",
    "validate_vfm",
    "value_for_money",
    "vfm_schema",
]

FloatArray: TypeAlias = NDArray[np.float64]
Value: TypeAlias = "float | FloatArray"

#: Government payment types of a PPP option (inline ``by_year`` keys).
PAYMENT_KEYS: tuple[str, ...] = (
    "availability_payment",
    "vgf",
    "land",
    "subsidy",
    "guarantee_calls",
    "concession_fee",
    "tax_receipts",
    "other",
)
#: ``government_flows`` keys of a finance model counted by default in the PPP option.
#: ``tax_receipts`` are left out: tax neutrality is handled on the PSC side by the
#: competitive-neutrality adjustment (Partnerships Victoria 2001, section 2.4).
DEFAULT_FINANCE_KEYS: tuple[str, ...] = (
    "availability_payment",
    "vgf",
    "land",
    "subsidy",
    "concession_fee",
)
#: A payment key a spec may not count: the guarantee fee is paid to the guarantor (PT PII, a
#: state-owned enterprise), not to the government, so it is no income of the PPP option.
GUARANTEE_FEE_KEY = "guarantee_fee_income"
GUARANTEE_FEE_MESSAGE = (
    "guarantee fees are paid to the guarantor (PT PII, a state-owned enterprise), not to the "
    "government: they are not government income in the KPBU option; leave them out"
)
#: Tolerance on the sum of discrete outcome probabilities.
PROBABILITY_TOLERANCE = 1e-9


# =========================================================================== discounting


def present_value(
    rate: float, years: Sequence[int] | NDArray[Any], values: Any, base_year: int
) -> float:
    """Present value at ``base_year`` of amounts paid at the end of calendar ``years``.

    Parameters
    ----------
    rate : float
        Discount rate per year, as a decimal (0.07 = 7 %); must be > -1.
    years : sequence of int
        Calendar year of each amount.
    values : array_like of float
        Amounts (currency units, any ``amount_unit``), same length as ``years``.
    base_year : int
        The calendar year the present value is expressed in.

    Returns
    -------
    float
        ``PV = sum_k values_k (1 + rate) ** -(years_k - base_year)`` (same unit as values).

    Notes
    -----
    An amount in ``base_year`` is not discounted; one in ``base_year + 1`` is
    discounted one full year (end-of-year convention); one before ``base_year``
    is compounded forward. Computed with :func:`mitra.analysis.finance.cashflows.npv`
    (``t0=True``) on the dense yearly series. Decimal is not supported.

    Examples
    --------
    >>> round(present_value(0.10, [2025, 2026], [110.0, 121.0], base_year=2024), 9)
    200.0
    """
    y = np.asarray(years, dtype=np.int64)
    v = np.asarray(values, dtype=np.float64)
    if y.shape != v.shape:
        raise ValueError(f"years and values differ in length ({y.size} and {v.size})")
    if not rate > -1.0:
        raise ValueError(f"rate must be > -1, got {rate}")
    if y.size == 0:
        return 0.0
    first = min(int(y.min()), base_year)
    dense = np.zeros(int(y.max()) - first + 1)
    np.add.at(dense, y - first, v)
    # finance.npv with t0=True: dense[0] is at `first`; then move from `first` to base_year
    return float(npv(rate, dense, t0=True)) * (1.0 + rate) ** (base_year - first)


def _factors(rate: float, years: NDArray[Any], base_year: int) -> FloatArray:
    return np.power(1.0 + rate, -(np.asarray(years, dtype=np.float64) - base_year))


# =========================================================================== amounts


@dataclass(frozen=True)
class Amount:
    """One money item of a spec, in one of four forms (amount_unit of the spec's currency).

    ``pv``: a present value at the base year, as given. ``series``: nominal amounts
    by calendar year from ``start_year`` (``values``, or ``capex + opex - revenue``).
    ``expected``: ``sum p_k a_k`` over discrete outcomes (a PV). ``risk``: the PV risk
    cost the listed ``parties`` bear for the listed ``risks`` (all when ``None``) of
    the referenced risk model, per Monte Carlo iteration.
    """

    kind: str
    pv: float = 0.0
    start_year: int = 0
    values: tuple[float, ...] = ()
    outcomes: tuple[tuple[float, float], ...] = ()
    parties: tuple[str, ...] = ()
    risks: tuple[str, ...] | None = None
    source: Any = field(default=None, compare=False, repr=False)

    @property
    def years(self) -> tuple[int, ...]:
        """Calendar years of a ``series`` amount."""
        return tuple(range(self.start_year, self.start_year + len(self.values)))


def amount_issues(
    value: Any,
    here: list[str | int],
    *,
    risk_ids: Sequence[str] | None,
    parties: Sequence[str],
    referenced: bool = False,
) -> list[SpecIssue]:
    """Semantic problems of one amount (schema-valid) at JSON path ``here``."""
    where = json_path(here)
    if isinstance(value, int | float):
        return []
    lines = [k for k in ("capex", "opex", "revenue") if k in value]
    forms = [k for k in ("values", "expected", "parties") if k in value] + (
        ["capex/opex/revenue"] if lines else []
    )
    if len(forms) != 1:
        shown = ", ".join(forms) if forms else "none"
        return [
            SpecIssue(
                where,
                "give exactly one of 'values', 'capex'/'opex'/'revenue', 'expected' or "
                f"'parties' (got: {shown})",
            )
        ]
    issues: list[SpecIssue] = []
    if "values" in value or lines:
        if "start_year" not in value:
            issues.append(
                SpecIssue(where, "missing required field 'start_year' (year of values[0])")
            )
        if lines:
            n = {len(value[k]) for k in lines}
            if len(n) > 1:
                sizes = ", ".join(f"{k}: {len(value[k])}" for k in lines)
                issues.append(
                    SpecIssue(where, f"capex, opex and revenue differ in length ({sizes})")
                )
        return issues
    if "start_year" in value:
        issues.append(
            SpecIssue(
                json_path([*here, "start_year"]), "only allowed with 'values' or capex/opex/revenue"
            )
        )
    if "expected" in value:
        total = math.fsum(o["probability"] for o in value["expected"])
        if abs(total - 1.0) > PROBABILITY_TOLERANCE:
            issues.append(
                SpecIssue(
                    json_path([*here, "expected"]),
                    f"probabilities must sum to 1, they sum to {total:.12g}",
                )
            )
        return issues
    if risk_ids is None:
        if referenced:  # the risk model is invalid: reported once, at $.risk_model
            return []
        return [SpecIssue(where, "selects risk-model costs but the spec has no 'risk_model'")]
    for k, party in enumerate(value["parties"]):
        if party not in parties:
            issues.append(
                SpecIssue(
                    json_path([*here, "parties", k]),
                    f"'{party}' is not a party of the risk model (parties: {', '.join(parties)})",
                )
            )
    for k, rid in enumerate(value.get("risks", [])):
        if rid not in risk_ids:
            issues.append(SpecIssue(json_path([*here, "risks", k]), f"unknown risk id '{rid}'"))
    return issues


def parse_amount(value: Any) -> Amount:
    """Build an :class:`Amount` from a schema- and semantically valid JSON value."""
    if isinstance(value, int | float):
        return Amount("pv", pv=float(value), source=value)
    if "values" in value:
        vals = tuple(float(v) for v in value["values"])
        return Amount("series", start_year=int(value["start_year"]), values=vals, source=value)
    if any(k in value for k in ("capex", "opex", "revenue")):
        n = max(len(value.get(k, [])) for k in ("capex", "opex", "revenue"))
        net = np.zeros(n)
        for key, sign in (("capex", 1.0), ("opex", 1.0), ("revenue", -1.0)):
            if key in value:
                net += sign * np.array(value[key], dtype=np.float64)
        return Amount(
            "series", start_year=int(value["start_year"]), values=tuple(net.tolist()), source=value
        )
    if "expected" in value:
        outcomes = tuple((float(o["probability"]), float(o["amount"])) for o in value["expected"])
        return Amount("expected", outcomes=outcomes, source=value)
    risks = tuple(value["risks"]) if "risks" in value else None
    return Amount("risk", parties=tuple(value["parties"]), risks=risks, source=value)


# =========================================================================== risk draws


@dataclass(frozen=True)
class RiskDraws:
    """Per-iteration risk costs of a risk model, placed on calendar years.

    ``cost[i, n] = O_i X_i`` (impact units, 0 when risk ``i`` does not occur in
    iteration ``n``) and the model's yearly weights ``w_{i,t}``: the cost of risk
    ``i`` in risk-model year ``t`` (calendar year ``start_year + t - 1``) is
    ``O_i X_i w_{i,t}`` (amount_unit), exactly as in the engine (steps P2, I1-I5).
    """

    model: RiskModel
    start_year: int
    seed: int
    occurrence_impact: FloatArray  # (R, N)

    @property
    def iterations(self) -> int:
        """Number of iterations N."""
        return int(self.occurrence_impact.shape[1])

    @property
    def years(self) -> NDArray[np.int64]:
        """Calendar years of the risk model's horizon."""
        return np.arange(self.start_year, self.start_year + self.model.horizon_years)

    def shares(self, parties: Sequence[str], risks: Sequence[str] | None) -> FloatArray:
        """``s_i = sum_{p in parties} a_{i,p}`` for the selected risks (0 for the others)."""
        cols = [self.model.party_ids.index(p) for p in parties]
        s = self.model.allocation_matrix[:, cols].sum(axis=1)
        if risks is not None:
            keep = np.isin(np.array(self.model.risk_ids), np.array(list(risks)))
            s = np.where(keep, s, 0.0)
        return np.asarray(s, dtype=np.float64)

    def yearly(self, parties: Sequence[str], risks: Sequence[str] | None) -> FloatArray:
        """Cost by year and iteration, shape ``(H, N)``: ``sum_i s_i w_{i,t} O_i X_i``."""
        weighted = self.model.weights * self.shares(parties, risks)[:, None]
        return np.asarray(weighted.T @ self.occurrence_impact, dtype=np.float64)

    def pv(
        self, parties: Sequence[str], risks: Sequence[str] | None, rate: float, base_year: int
    ) -> FloatArray:
        """PV cost per iteration, shape ``(N,)``, at ``rate`` to ``base_year``."""
        k = self.model.weights @ _factors(rate, self.years, base_year)
        return np.asarray((self.shares(parties, risks) * k) @ self.occurrence_impact)


def draw_risks(
    model: RiskModel, start_year: int, iterations: int | None, seed: SeedLike
) -> RiskDraws:
    """Sample a risk model with :func:`mitra.analysis.sample` and keep ``O_i X_i``."""
    samples = sample(model, iterations=iterations, seed=seed)
    ox = np.where(samples.occurred, np.nan_to_num(samples.impacts), 0.0)
    return RiskDraws(model, start_year, samples.seed, np.asarray(ox, dtype=np.float64))


# =========================================================================== references


def resolve_reference(
    ref: Any, base_dir: Path | None, here: list[str | int], loader: Any, what: str
) -> tuple[Any, list[SpecIssue]]:
    """Load a referenced spec (a path relative to ``base_dir``, or an inline object).

    Problems inside the referenced spec are reported at ``here`` with the inner path.
    """
    where = json_path(here)
    if isinstance(ref, str):
        path = Path(ref)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        source: Any = path
        label, file = f"{ref}: ", os.fspath(path)
    else:
        source, label, file = ref, "", None
    try:
        return loader(source), []
    except SpecError as exc:
        return None, [
            SpecIssue(
                where,
                f"invalid {what}: {'' if issue.path == file else label}{issue}",
            )
            for issue in exc.issues
        ]


def finance_loader(source: Any) -> Any:
    """``finance.spec.load_model``."""
    return load_model(source)


def run_finance(model: Any) -> GovernmentPayments:
    """Run a finance model and return its ``government_flows`` by calendar year."""
    result = run_model(model)
    flows = {
        key: tuple(float(v) for v in np.asarray(values, dtype=np.float64))
        for key, values in result.government_flows.items()
    }
    return GovernmentPayments(tuple(int(y) for y in result.years), flows)


# =========================================================================== schema


def vfm_schema() -> dict[str, Any]:
    """The VfM spec JSON Schema shipped in this package (``schemas/vfm.schema.json``)."""
    return packaged_schema("vfm.schema.json")


def schema_issues(data: Any, name: str) -> list[SpecIssue]:
    """Schema problems of ``data`` against the packaged schema ``name`` (plus non-finite numbers)."""
    return schema_problems(data, name, _error_issues)


def _error_issues(error: ValidationError) -> list[SpecIssue]:
    branches = error.validator_value if error.validator == "oneOf" else []
    if branches and "properties" not in branches[0]:
        where = json_path(list(error.absolute_path))
        return [
            SpecIssue(
                where,
                "give either 'by_year' or 'finance_model' (with an optional 'include'), not both",
            )
        ]
    if error.validator == "type" and isinstance(error.validator_value, list):
        words = {"number": "a number", "object": "an object", "string": "a path (string)"}
        wanted = " or ".join(words.get(str(t), str(t)) for t in error.validator_value)
        where = json_path(list(error.absolute_path))
        return [SpecIssue(where, f"must be {wanted}, got {show(error.instance)}")]
    issues = describe_error(error)
    if error.validator == "oneOf":  # the risk-model wording names distributions; ours are shocks
        issues = [
            SpecIssue(i.path, i.message.replace("unknown distribution type", "unknown type"))
            for i in issues
        ]
    return issues


def read_source(source: Any) -> tuple[Any, Path | None]:
    """Parse a path (returning its folder for relative references) or pass a mapping through."""
    if isinstance(source, str | os.PathLike):
        return read_spec_file(source), Path(source).resolve().parent
    return source, None


# =========================================================================== the VfM spec


@dataclass(frozen=True)
class GovernmentPayments:
    """Government payments of the PPP option by calendar year (amount_unit).

    Sign convention (as ``finance.model``): positive = paid BY government;
    receipts (concession fee, tax) are negative. A guarantee fee is paid to PT PII, not to
    the government, and is never one of them.
    """

    years: tuple[int, ...]
    flows: Mapping[str, tuple[float, ...]]

    def pv(self, key: str, rate: float, base_year: int) -> float:
        """PV at ``rate`` to ``base_year`` of one payment type."""
        return present_value(rate, self.years, self.flows[key], base_year)


@dataclass(frozen=True)
class VfmSpec:
    """A validated VfM spec (build one with :func:`load_vfm`).

    ``psc`` and ``ppp_items`` map component names to :class:`Amount`;
    ``payments`` holds inline payments, ``finance_model`` a loaded
    ``finance.spec.FinanceModel`` (one of the two is set).
    """

    name: str
    currency: str
    amount_unit: float
    discount_rate: float
    base_year: int
    psc: Mapping[str, Amount]
    ppp_items: Mapping[str, Amount]
    payments: GovernmentPayments | None
    finance_model: Any
    finance_keys: tuple[str, ...]
    risk_model: RiskModel | None = None
    risk_start_year: int | None = None
    iterations: int | None = None
    seed: int | None = None
    description: str | None = None
    source: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


PSC_KEYS = ("raw", "competitive_neutrality", "transferable_risk", "retained_risk")
PPP_ITEM_KEYS = ("guarantee_calls", "retained_risk", "other_costs")


def load_risk_reference(
    spec: Mapping[str, Any], base_dir: Path | None
) -> tuple[RiskModel | None, int | None, list[SpecIssue]]:
    """The spec's ``risk_model`` (loaded) and the calendar year of its year 1."""
    if "risk_model" not in spec:
        return None, None, []
    model, issues = resolve_reference(
        spec["risk_model"], base_dir, ["risk_model"], load_spec, "risk model"
    )
    if model is None:
        return None, None, issues
    start = spec.get("risk_start_year", model.start_year)
    if start is None:
        issues.append(
            SpecIssue(
                "$",
                "the risk model has no start_year: give 'risk_start_year' (calendar year of its "
                "year 1)",
            )
        )
    return model, start, issues


def _overlap_issues(
    items: Mapping[str, Any], prefix: list[str | int], model: RiskModel
) -> list[SpecIssue]:
    """A (party, risk) cost must not be counted by two items of one option."""
    issues: list[SpecIssue] = []
    claimed: dict[tuple[str, str], str] = {}
    for key, value in items.items():
        if not isinstance(value, dict) or "parties" not in value:
            continue
        risks = value.get("risks", list(model.risk_ids))
        for party in value["parties"]:
            for rid in risks:
                other = claimed.get((party, rid))
                if other is not None and other != key:
                    issues.append(
                        SpecIssue(
                            json_path([*prefix, key]),
                            f"counts party '{party}' of risk '{rid}' already counted by "
                            f"{json_path([*prefix, other])}",
                        )
                    )
                    break
                claimed[(party, rid)] = key
    return issues


def validate_vfm(data: Any, base_dir: Path | None = None) -> list[SpecIssue]:
    """Every problem of a parsed VfM spec (schema, then semantic); empty when valid.

    Parameters
    ----------
    data : Any
        The parsed JSON document.
    base_dir : Path, optional
        Folder that relative ``risk_model`` / ``finance_model`` paths start from
        (default: the current directory).

    Returns
    -------
    list of SpecIssue
        Sorted by JSON path, e.g. ``$.psc.raw.values[3]: must be a number``.

    Notes
    -----
    Semantic checks: each amount object has exactly one form; ``start_year`` with a
    series; outcome probabilities summing to 1; referenced risk and finance models
    valid; risk selections naming known parties and risks; no (party, risk) cost
    counted twice within the PSC or within the PPP option; inline payment arrays of
    equal length; no guarantee fee counted as government income (it is PT PII's).

    Examples
    --------
    >>> [str(i) for i in validate_vfm({"spec_version": "1.0"})][:1]
    ["$: missing required field 'amount_unit'"]
    """
    issues = schema_issues(data, "vfm.schema.json")
    if issues:
        return sorted_issues(issues)
    model, _, issues = load_risk_reference(data, base_dir)
    risk_ids = model.risk_ids if model is not None else None
    parties = model.party_ids if model is not None else ()
    ref = "risk_model" in data
    for key, value in data["psc"].items():
        issues += amount_issues(
            value, ["psc", key], risk_ids=risk_ids, parties=parties, referenced=ref
        )
    ppp = data["ppp"]
    for key in PPP_ITEM_KEYS:
        if key in ppp:
            issues += amount_issues(
                ppp[key], ["ppp", key], risk_ids=risk_ids, parties=parties, referenced=ref
            )
    if model is not None:
        issues += _overlap_issues(data["psc"], ["psc"], model)
        issues += _overlap_issues({k: ppp[k] for k in PPP_ITEM_KEYS if k in ppp}, ["ppp"], model)
    issues += payment_issues(ppp["government_payments"], ["ppp", "government_payments"], base_dir)
    if "risk_model" not in data:
        for k in ("simulation", "risk_start_year"):
            if k in data:
                issues.append(SpecIssue(json_path([k]), "only meaningful with a 'risk_model'"))
    return sorted_issues(issues)


def payment_issues(
    payments: Mapping[str, Any], here: list[str | int], base_dir: Path | None
) -> list[SpecIssue]:
    """Problems of a ``by_year`` payments object or a ``finance_model`` reference."""
    if "finance_model" in payments:
        fee = [
            SpecIssue(json_path([*here, "include", k]), GUARANTEE_FEE_MESSAGE)
            for k, key in enumerate(payments.get("include", ()))
            if key == GUARANTEE_FEE_KEY
        ]
        _, issues = resolve_reference(
            payments["finance_model"],
            base_dir,
            [*here, "finance_model"],
            finance_loader,
            "finance model",
        )
        return fee + issues
    by_year = payments["by_year"]
    if GUARANTEE_FEE_KEY in by_year:
        return [SpecIssue(json_path([*here, "by_year", GUARANTEE_FEE_KEY]), GUARANTEE_FEE_MESSAGE)]
    lengths = {k: len(v) for k, v in by_year.items() if k != "start_year"}
    if len(set(lengths.values())) > 1:
        sizes = ", ".join(f"{k}: {n}" for k, n in lengths.items())
        return [SpecIssue(json_path([*here, "by_year"]), f"arrays differ in length ({sizes})")]
    return []


def inline_payments(by_year: Mapping[str, Any]) -> GovernmentPayments:
    """:class:`GovernmentPayments` from a validated ``by_year`` object."""
    flows = {k: tuple(float(x) for x in v) for k, v in by_year.items() if k != "start_year"}
    n = max((len(v) for v in flows.values()), default=0)
    start = int(by_year["start_year"])
    return GovernmentPayments(tuple(range(start, start + n)), flows)


def load_vfm(source: VfmSpec | Mapping[str, Any] | str | os.PathLike[str]) -> VfmSpec:
    """Load and validate a VfM spec.

    Parameters
    ----------
    source : VfmSpec, Mapping or path
        A JSON file (relative ``risk_model``/``finance_model`` paths start from its
        folder), a parsed document (relative paths start from the current
        directory), or a :class:`VfmSpec` (returned unchanged).

    Returns
    -------
    VfmSpec
        Money in ``amount_unit`` of ``currency``; rates as decimals per year.

    Raises
    ------
    SpecError
        If the spec cannot be read or is invalid; ``.issues`` lists every problem.
    """
    if isinstance(source, VfmSpec):
        return source
    data, base_dir = read_source(source)
    issues = validate_vfm(data, base_dir)
    if issues:
        raise SpecError(issues)
    model, start, _ = load_risk_reference(data, base_dir)
    ppp = data["ppp"]
    pay = ppp["government_payments"]
    finance: Any = None
    payments: GovernmentPayments | None = None
    if "finance_model" in pay:
        finance, _ = resolve_reference(
            pay["finance_model"], base_dir, [], finance_loader, "finance model"
        )
    else:
        payments = inline_payments(pay["by_year"])
    sim = data.get("simulation", {})
    return VfmSpec(
        name=data["name"],
        description=data.get("description"),
        currency=data["currency"],
        amount_unit=float(data["amount_unit"]),
        discount_rate=float(data["discount_rate"]),
        base_year=int(data["base_year"]),
        psc={k: parse_amount(data["psc"].get(k, 0.0)) for k in PSC_KEYS},
        ppp_items={k: parse_amount(ppp.get(k, 0.0)) for k in PPP_ITEM_KEYS},
        payments=payments,
        finance_model=finance,
        finance_keys=tuple(pay.get("include", DEFAULT_FINANCE_KEYS)),
        risk_model=model,
        risk_start_year=start,
        iterations=sim.get("iterations"),
        seed=sim.get("seed"),
        source=data,
    )


# =========================================================================== results


@dataclass(frozen=True)
class Estimate:
    """A PV amount: its mean and, when drawn from a risk model, P5 and P95.

    Deterministic amounts have ``p5 = p95 = None``. Percentiles are type 7
    (``numpy.quantile``) over the Monte Carlo iterations.
    """

    mean: float | None
    p5: float | None = None
    p95: float | None = None

    @classmethod
    def of(cls, value: Value) -> Estimate:
        """The estimate of a number or of per-iteration values."""
        if isinstance(value, np.ndarray):
            q5, q95 = np.quantile(value, [0.05, 0.95])
            return cls(float(value.mean()), float(q5), float(q95))
        return cls(float(value))

    def to_dict(self) -> dict[str, float | None]:
        """``{"mean": ..., "P5": ..., "P95": ...}`` (percentiles only when drawn)."""
        out: dict[str, float | None] = {"mean": self.mean}
        if self.p5 is not None and self.p95 is not None:
            out |= {"P5": self.p5, "P95": self.p95}
        return out


@dataclass(frozen=True)
class VfmResult:
    """Result of :func:`value_for_money`; amounts are PVs (amount_unit) at ``base_year``.

    ``vfm_percent`` is a fraction (0.12 = 12 % of the risk-adjusted PSC): its mean
    is ``mean(VfM) / mean(PSC)``, its P5/P95 are percentiles of ``VfM_i / PSC_i``.
    It is undefined (``None``) when the PSC is not a net cost (``PSC <= 0``, e.g. a
    toll road whose tolls exceed its costs); P5/P95 are ``None`` unless every
    ``PSC_i > 0``.
    ``prob_vfm_positive`` is the share of iterations with ``VfM_i > 0`` (``None``
    without a risk model). ``payments`` are the PPP option's nominal government
    payments by year.
    """

    name: str
    currency: str
    amount_unit: float
    discount_rate: float
    base_year: int
    psc: Mapping[str, Estimate]
    psc_total: Estimate
    ppp: Mapping[str, Estimate]
    ppp_total: Estimate
    vfm: Estimate
    vfm_percent: Estimate
    prob_vfm_positive: float | None
    iterations: int | None
    seed: int | None
    payments: GovernmentPayments

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain types."""
        unit = self.amount_unit
        return {
            "name": self.name,
            "currency": self.currency,
            "amount_unit": int(unit) if float(unit).is_integer() else unit,
            "discount_rate": self.discount_rate,
            "base_year": self.base_year,
            "iterations": self.iterations,
            "seed": self.seed,
            "psc": {k: v.to_dict() for k, v in self.psc.items()},
            "psc_total": self.psc_total.to_dict(),
            "ppp": {k: v.to_dict() for k, v in self.ppp.items()},
            "ppp_total": self.ppp_total.to_dict(),
            "vfm": self.vfm.to_dict(),
            "vfm_percent": self.vfm_percent.to_dict(),
            "prob_vfm_positive": self.prob_vfm_positive,
            "government_payments": {
                "years": list(self.payments.years),
                **{k: list(v) for k, v in self.payments.flows.items()},
            },
        }


def amount_value(amount: Amount, rate: float, base_year: int, draws: RiskDraws | None) -> Value:
    """PV of an :class:`Amount`: a float, or per-iteration values for a risk selection."""
    if amount.kind == "pv":
        return amount.pv
    if amount.kind == "series":
        return present_value(rate, amount.years, amount.values, base_year)
    if amount.kind == "expected":
        return math.fsum(p * a for p, a in amount.outcomes)
    if draws is None:
        raise ValueError("a risk selection needs risk draws")
    return draws.pv(amount.parties, amount.risks, rate, base_year)


def _needs_draws(spec: VfmSpec) -> bool:
    items = [*spec.psc.values(), *spec.ppp_items.values()]
    return any(a.kind == "risk" for a in items)


def value_for_money(
    spec: VfmSpec | Mapping[str, Any] | str | os.PathLike[str],
    *,
    iterations: int | None = None,
    seed: SeedLike = None,
    payments: GovernmentPayments | None = None,
    draws: RiskDraws | None = None,
) -> VfmResult:
    """Quantitative value for money of a PPP option against the risk-adjusted PSC.

    Parameters
    ----------
    spec : VfmSpec, Mapping or path
        The VfM spec (see :func:`load_vfm`).
    iterations : int, optional
        Monte Carlo iterations when risks come from a risk model (default: the
        spec's ``simulation.iterations``, else the risk model's).
    seed : int, numpy.random.Generator or None
        Root seed (default: the spec's, else the risk model's, else fresh entropy;
        the seed used is reported).
    payments : GovernmentPayments, optional
        Replace the PPP option's government payments by finance-model government
        flows (used by stress tests); the keys in the spec's ``include`` count.
    draws : RiskDraws, optional
        Reuse risk draws (same iterations for several evaluations).

    Returns
    -------
    VfmResult
        PVs in amount_unit of the spec's currency at ``base_year``.

    Notes
    -----
    ``PSC = raw + CN + T + R_psc``; ``PPP = sum_k PV(payments_k) + G + R_ppp + other``;
    ``VfM = PSC - PPP``; ``VfM% = VfM / PSC``. With a risk model every risk term is
    a vector over the same iterations and the statistics are of ``VfM_i``.
    Payments from a finance model are its ``government_flows`` for the keys in
    ``include`` (default: all but ``tax_receipts``). A guarantee fee is never counted: it
    is paid to the guarantor (PT PII), not to the government.

    References
    ----------
    Partnerships Victoria (2001). *Public Sector Comparator: Technical Note*,
    section 2.4. Infrastructure Australia (2008). *National PPP Guidelines Vol. 4:
    PSC Guidance*.

    Examples
    --------
    >>> r = value_for_money({"spec_version": "1.0", "name": "x", "currency": "AUD",
    ...     "amount_unit": 1e6, "discount_rate": 0.0, "base_year": 2024,
    ...     "psc": {"raw": 320.6, "competitive_neutrality": 15.0,
    ...             "transferable_risk": 116.0, "retained_risk": 12.8},
    ...     "ppp": {"government_payments": {"by_year": {"start_year": 2025,
    ...             "availability_payment": [200.0, 200.0]}}, "retained_risk": 12.8}})
    >>> round(r.psc_total.mean, 1), round(r.vfm.mean, 1)
    (464.4, 51.6)
    """
    vfm = load_vfm(spec)
    rate, base = vfm.discount_rate, vfm.base_year
    if draws is None and _needs_draws(vfm):
        assert vfm.risk_model is not None and vfm.risk_start_year is not None
        n = iterations if iterations is not None else vfm.iterations
        s = seed if seed is not None else vfm.seed
        draws = draw_risks(vfm.risk_model, vfm.risk_start_year, n, s)
    inline = payments is None and vfm.payments is not None
    if payments is None:
        payments = vfm.payments if vfm.payments is not None else run_finance(vfm.finance_model)
    keys = PAYMENT_KEYS if inline else vfm.finance_keys
    psc: dict[str, Value] = {k: amount_value(a, rate, base, draws) for k, a in vfm.psc.items()}
    ppp: dict[str, Value] = {k: payments.pv(k, rate, base) for k in keys if k in payments.flows}
    for k, a in vfm.ppp_items.items():
        value = amount_value(a, rate, base, draws)
        ppp[k] = ppp[k] + value if k in ppp else value
    psc_total: Value = sum(psc.values(), start=0.0)
    ppp_total: Value = sum(ppp.values(), start=0.0)
    gain = psc_total - ppp_total
    stochastic = isinstance(gain, np.ndarray)
    if stochastic:
        psc_arr = np.broadcast_to(np.asarray(psc_total, dtype=np.float64), np.shape(gain))
        mean_psc = float(np.mean(psc_arr))
        mean_pct = float(np.mean(gain)) / mean_psc if mean_psc > 0 else None
        if bool(np.all(psc_arr > 0)):
            q5, q95 = np.quantile(gain / psc_arr, [0.05, 0.95])
            percent = Estimate(mean_pct, float(q5), float(q95))
        else:
            percent = Estimate(mean_pct)
        prob: float | None = float(np.mean(gain > 0))
    else:
        p = float(psc_total)
        percent = Estimate(float(gain) / p if p > 0 else None)
        prob = None
    return VfmResult(
        name=vfm.name,
        currency=vfm.currency,
        amount_unit=vfm.amount_unit,
        discount_rate=rate,
        base_year=base,
        psc={k: Estimate.of(v) for k, v in psc.items()},
        psc_total=Estimate.of(psc_total),
        ppp={k: Estimate.of(v) for k, v in ppp.items()},
        ppp_total=Estimate.of(ppp_total),
        vfm=Estimate.of(gain),
        vfm_percent=percent,
        prob_vfm_positive=prob,
        iterations=draws.iterations if draws is not None else None,
        seed=draws.seed if draws is not None else None,
        payments=payments,
    )
