"""Fiscal burden of a PPP on the public side, in the spirit of the IMF/World Bank PFRAM.

A fiscal spec (``fiscal.schema.json``) gives the government's direct commitments
by year (inline or from a project-finance model), its guarantees (expected and
P95 calls as numbers, or drawn from a risk model), a budget series (APBN/APBD)
and the facts the balance-sheet rules need. :func:`fiscal_burden` reports:

* direct commitments by year and type (availability payment, VGF, land, subsidy,
  other), nominal, and their PV at ``discount_rate`` to ``base_year``;
* contingent liabilities: expected and P95 guarantee calls by year and in PV;
* totals as a share of the budget by year (years without a budget figure are
  listed in ``missing_budget_years`` and their share is ``None``, never guessed);
* balance-sheet and fiscal-limit flags, each with its framework (Eurostat's
  risk tests, the IPSAS 32 / PSAP 16 control test, the fiscal limit), the rule it
  implements and its source.

Decimal policy: ``decimal.Decimal`` is not supported; amounts are float64 in
``amount_unit`` of ``currency``; rates and shares are decimals.

References
----------
IMF and World Bank (2016). *PPP Fiscal Risk Assessment Model (PFRAM) User Guide*.
EPEC and Eurostat (2016). *A Guide to the Statistical Treatment of PPPs*.
European PPP Expertise Centre. Eurostat (2004). *Treatment of public-private
partnerships*, news release STAT/04/18, 11 February 2004.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from mitra.analysis._random import SeedLike
from mitra.analysis._spec import SpecError, SpecIssue, json_path, packaged_schema, sorted_issues
from mitra.analysis.appraisal.vfm import (
    FloatArray,
    GovernmentPayments,
    RiskDraws,
    draw_risks,
    finance_loader,
    inline_payments,
    load_risk_reference,
    payment_issues,
    present_value,
    read_source,
    resolve_reference,
    run_finance,
    schema_issues,
)
from mitra.analysis.finance.model import run_model
from mitra.analysis.risk.spec import RiskModel

__all__ = [
    "DIRECT_KEYS",
    "FiscalFlag",
    "FiscalResult",
    "FiscalSpec",
    "GuaranteeResult",
    "fiscal_burden",
    "fiscal_schema",
    "load_fiscal",
    "validate_fiscal",
]

#: Direct commitment types (keys of inline ``by_year`` and of finance-model government flows).
DIRECT_KEYS: tuple[str, ...] = ("availability_payment", "vgf", "land", "subsidy", "other")
#: Eurostat threshold: guarantees and government funding above this share of the capital cost.
EUROSTAT_CAPITAL_SHARE = 0.5
#: "Majority" of a risk category.
MAJORITY = 0.5

EUROSTAT_2016 = (
    "EPEC and Eurostat (2016), A Guide to the Statistical Treatment of PPPs (September 2016), "
    "applying ESA 2010 and Eurostat's Manual on Government Deficit and Debt (PPP chapter)"
)
IPSAS_32 = (
    "IPSAS 32 'Service Concession Arrangements: Grantor' (IPSASB, 2011), para. 9-10 and AG5-AG10; "
    "adopted in Indonesia as PSAP 16 'Perjanjian Konsesi Jasa - Pemberi Konsesi' (Komite Standar "
    "Akuntansi Pemerintahan)"
)
#: The framework each flag applies: the statistics (ESA 2010, risk-and-reward) and the
#: accounts (IPSAS 32 / PSAP 16, control) may disagree, and a reader must see which is which.
FRAMEWORK_EUROSTAT = "Eurostat (ESA 2010)"
FRAMEWORK_IPSAS = "IPSAS 32 / PSAP 16"
FRAMEWORK_LIMIT = "fiscal limit"
EUROSTAT_2004 = (
    "Eurostat (2004), news release STAT/04/18 'Treatment of public-private partnerships' "
    "(11 February 2004); restated in EPEC and Eurostat (2016), A Guide to the Statistical "
    "Treatment of PPPs"
)


def fiscal_schema() -> dict[str, Any]:
    """The fiscal spec JSON Schema shipped in this package (``schemas/fiscal.schema.json``)."""
    return packaged_schema("fiscal.schema.json")


# =========================================================================== spec


@dataclass(frozen=True)
class Guarantee:
    """A government guarantee: expected (and optionally P95) calls by year, or a risk selection.

    ``covered_amount`` is the maximum exposure (amount_unit) used by the Eurostat
    test; ``None`` when not stated.
    """

    id: str
    name: str
    kind: str
    covered_amount: float | None
    start_year: int | None = None
    expected: tuple[float, ...] = ()
    p95: tuple[float, ...] | None = None
    parties: tuple[str, ...] = ()
    risks: tuple[str, ...] | None = None

    @property
    def from_risk_model(self) -> bool:
        """Whether the calls are drawn from the risk model."""
        return bool(self.parties)


@dataclass(frozen=True)
class RiskBearing:
    """The government's share of one risk category: a number, or from the risk model."""

    share: float | None = None
    categories: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()


@dataclass(frozen=True)
class Control:
    """Facts of the IPSAS 32 / PSAP 16 control test; ``None`` when not stated."""

    services_and_prices: bool | None = None
    residual_interest: bool | None = None
    whole_of_life: bool | None = None


@dataclass(frozen=True)
class FiscalSpec:
    """A validated fiscal spec (build one with :func:`load_fiscal`)."""

    name: str
    currency: str
    amount_unit: float
    discount_rate: float
    base_year: int
    payments: GovernmentPayments | None
    finance_model: Any
    finance_keys: tuple[str, ...]
    guarantees: tuple[Guarantee, ...]
    budget_label: str | None
    budget_kind: str | None
    budget: Mapping[int, float]
    capital_cost: float | None
    risk_bearing: Mapping[str, RiskBearing]
    limit_share: float | None
    limit_basis: str
    limit_source: str | None
    control: Control = field(default_factory=Control)
    risk_model: RiskModel | None = None
    risk_start_year: int | None = None
    iterations: int | None = None
    seed: int | None = None
    description: str | None = None
    source: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


def validate_fiscal(data: Any, base_dir: Path | None = None) -> list[SpecIssue]:
    """Every problem of a parsed fiscal spec (schema, then semantic); empty when valid.

    Parameters
    ----------
    data : Any
        The parsed JSON document.
    base_dir : Path, optional
        Folder that relative ``risk_model`` / ``finance_model`` paths start from.

    Returns
    -------
    list of SpecIssue
        Sorted by JSON path.

    Notes
    -----
    Semantic checks: referenced models valid; unique guarantee ids; a guarantee's
    calls either ``{start_year, expected, p95?}`` (equal lengths) or a risk
    selection of known parties and risks (needs ``risk_model``); risk-bearing
    categories present in the risk model; ``capital_cost`` given when there is no
    finance model to take it from and a guarantee states ``covered_amount``.

    Examples
    --------
    >>> [str(i) for i in validate_fiscal({"spec_version": "1.0"})][:1]
    ["$: missing required field 'amount_unit'"]
    """
    issues = schema_issues(data, "fiscal.schema.json")
    if issues:
        return sorted_issues(issues)
    model, _, issues = load_risk_reference(data, base_dir)
    issues += payment_issues(data["commitments"], ["commitments"], base_dir)
    seen: dict[str, int] = {}
    for k, g in enumerate(data.get("guarantees", [])):
        here: list[str | int] = ["guarantees", k]
        if g["id"] in seen:
            issues.append(
                SpecIssue(
                    json_path([*here, "id"]),
                    f"duplicate guarantee id '{g['id']}' (already used by "
                    f"$.guarantees[{seen[g['id']]}])",
                )
            )
        seen.setdefault(g["id"], k)
        issues += _calls_issues(g["calls"], [*here, "calls"], model, "risk_model" in data)
    for key, bearing in data.get("risk_bearing", {}).items():
        if isinstance(bearing, dict):
            issues += _bearing_issues(bearing, ["risk_bearing", key], model, "risk_model" in data)
    has_finance = "finance_model" in data["commitments"]
    covered = any("covered_amount" in g for g in data.get("guarantees", []))
    if covered and not has_finance and "capital_cost" not in data:
        issues.append(
            SpecIssue(
                "$",
                "missing 'capital_cost' (nominal, amount_unit): the Eurostat guarantee test needs "
                "it when commitments do not come from a finance model",
            )
        )
    if "risk_model" not in data:
        for name in ("simulation", "risk_start_year"):
            if name in data:
                issues.append(SpecIssue(json_path([name]), "only meaningful with a 'risk_model'"))
    return sorted_issues(issues)


def _calls_issues(
    calls: Mapping[str, Any], here: list[str | int], model: RiskModel | None, referenced: bool
) -> list[SpecIssue]:
    where = json_path(here)
    if "parties" in calls:
        if any(k in calls for k in ("start_year", "expected", "p95")):
            return [SpecIssue(where, "give either {start_year, expected, p95} or {parties, risks}")]
        if model is None:
            return [] if referenced else [SpecIssue(where, "risk selection without 'risk_model'")]
        return _selection_issues(calls, here, model)
    issues = [
        SpecIssue(where, f"missing required field '{k}'")
        for k in ("start_year", "expected")
        if k not in calls
    ]
    if "risks" in calls:
        issues.append(SpecIssue(json_path([*here, "risks"]), "only allowed with 'parties'"))
    if "p95" in calls and "expected" in calls:
        if len(calls["p95"]) != len(calls["expected"]):
            issues.append(
                SpecIssue(
                    json_path([*here, "p95"]),
                    f"must have as many values as 'expected' ({len(calls['expected'])}), "
                    f"got {len(calls['p95'])}",
                )
            )
        for j, (e, p) in enumerate(zip(calls["expected"], calls["p95"], strict=False)):
            if p < e and p >= 0 and e >= 0:
                issues.append(
                    SpecIssue(
                        json_path([*here, "p95", j]),
                        f"a P95 call ({p:g}) below the expected call ({e:g}) is unusual for a "
                        "non-negative loss; check the figures",
                    )
                )
    return issues


def _selection_issues(
    value: Mapping[str, Any], here: list[str | int], model: RiskModel
) -> list[SpecIssue]:
    issues: list[SpecIssue] = []
    for k, party in enumerate(value["parties"]):
        if party not in model.party_ids:
            issues.append(
                SpecIssue(
                    json_path([*here, "parties", k]),
                    f"'{party}' is not a party of the risk model (parties: "
                    f"{', '.join(model.party_ids)})",
                )
            )
    for k, rid in enumerate(value.get("risks", [])):
        if rid not in model.risk_ids:
            issues.append(SpecIssue(json_path([*here, "risks", k]), f"unknown risk id '{rid}'"))
    return issues


def _bearing_issues(
    bearing: Mapping[str, Any], here: list[str | int], model: RiskModel | None, referenced: bool
) -> list[SpecIssue]:
    if model is None:
        if referenced:
            return []
        return [SpecIssue(json_path(here), "a share from the risk model needs 'risk_model'")]
    issues = _selection_issues(bearing, here, model)
    known = {r.category for r in model.risks}
    for k, cat in enumerate(bearing["categories"]):
        if cat not in known:
            issues.append(
                SpecIssue(
                    json_path([*here, "categories", k]),
                    f"no risk of the risk model has category '{cat}'",
                )
            )
    return issues


def load_fiscal(source: FiscalSpec | Mapping[str, Any] | str | os.PathLike[str]) -> FiscalSpec:
    """Load and validate a fiscal spec.

    Parameters
    ----------
    source : FiscalSpec, Mapping or path
        A JSON file (relative references start from its folder), a parsed
        document, or a :class:`FiscalSpec` (returned unchanged).

    Returns
    -------
    FiscalSpec

    Raises
    ------
    SpecError
        If the spec cannot be read or is invalid; ``.issues`` lists every problem.
    """
    if isinstance(source, FiscalSpec):
        return source
    data, base_dir = read_source(source)
    issues = validate_fiscal(data, base_dir)
    if issues:
        raise SpecError(issues)
    model, start, _ = load_risk_reference(data, base_dir)
    com = data["commitments"]
    finance: Any = None
    payments: GovernmentPayments | None = None
    if "finance_model" in com:
        finance, _ = resolve_reference(com["finance_model"], base_dir, [], finance_loader, "")
    else:
        payments = inline_payments(com["by_year"])
    guarantees = tuple(_guarantee(g) for g in data.get("guarantees", []))
    bearing = {
        k: (
            RiskBearing(share=float(v))
            if isinstance(v, int | float)
            else RiskBearing(categories=tuple(v["categories"]), parties=tuple(v["parties"]))
        )
        for k, v in data.get("risk_bearing", {}).items()
    }
    budget = data.get("budget", {})
    limit = data.get("fiscal_limit", {})
    sim = data.get("simulation", {})
    return FiscalSpec(
        name=data["name"],
        description=data.get("description"),
        currency=data["currency"],
        amount_unit=float(data["amount_unit"]),
        discount_rate=float(data["discount_rate"]),
        base_year=int(data["base_year"]),
        payments=payments,
        finance_model=finance,
        finance_keys=tuple(com.get("include", ("availability_payment", "vgf", "land", "subsidy"))),
        guarantees=guarantees,
        budget_label=budget.get("label"),
        budget_kind=budget.get("kind"),
        budget={int(y): float(v) for y, v in budget.get("by_year", {}).items()},
        capital_cost=float(data["capital_cost"]) if "capital_cost" in data else None,
        risk_bearing=bearing,
        limit_share=float(limit["max_share_of_budget"]) if limit else None,
        limit_basis=limit.get("basis", "direct"),
        limit_source=limit.get("source"),
        control=Control(**data.get("control", {})),
        risk_model=model,
        risk_start_year=start,
        iterations=sim.get("iterations"),
        seed=sim.get("seed"),
        source=data,
    )


def _guarantee(g: Mapping[str, Any]) -> Guarantee:
    calls = g["calls"]
    covered = float(g["covered_amount"]) if "covered_amount" in g else None
    common = {"id": g["id"], "name": g["name"], "kind": g.get("kind", "other")}
    if "parties" in calls:
        risks = tuple(calls["risks"]) if "risks" in calls else None
        return Guarantee(
            **common, covered_amount=covered, parties=tuple(calls["parties"]), risks=risks
        )
    p95 = tuple(float(v) for v in calls["p95"]) if "p95" in calls else None
    return Guarantee(
        **common,
        covered_amount=covered,
        start_year=int(calls["start_year"]),
        expected=tuple(float(v) for v in calls["expected"]),
        p95=p95,
    )


# =========================================================================== results


@dataclass(frozen=True)
class GuaranteeResult:
    """Calls on one guarantee by year (amount_unit, aligned on ``FiscalResult.years``).

    ``p95`` by year is the P95 over iterations of that year's call (drawn), or
    the given ``p95`` series, or ``None``. ``pv_p95`` is the P95 of the
    per-iteration PV of all the calls (drawn only; ``None`` otherwise).
    """

    id: str
    name: str
    kind: str
    covered_amount: float | None
    expected: tuple[float, ...]
    p95: tuple[float, ...] | None
    pv_expected: float
    pv_p95: float | None
    source: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain types."""
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "covered_amount": self.covered_amount,
            "source": self.source,
            "expected": list(self.expected),
            "p95": None if self.p95 is None else list(self.p95),
            "pv_expected": self.pv_expected,
            "pv_p95": self.pv_p95,
        }


@dataclass(frozen=True)
class FiscalFlag:
    """One rule applied: ``triggered`` is ``None`` when the data to decide are missing.

    ``framework`` names the rulebook: ``Eurostat (ESA 2010)`` (statistics: who bears the
    risks), ``IPSAS 32 / PSAP 16`` (accounts: who controls the asset) or ``fiscal limit``.
    ``detail`` says what was found in English (the CLI's words); ``facts`` holds the same
    findings as values, for a reader's own language (keys per ``id``: ``eurostat_guarantees``
    ``origin`` ("guarantees" or "finance_model"), ``covered``, ``vgf``, ``capital_cost`` (None
    when unknown); ``eurostat_construction_risk`` ``share``; ``..._availability_demand_risk``
    ``availability``, ``demand``; ``ipsas32_control`` ``services_and_prices``,
    ``residual_interest``, ``whole_of_life``; ``fiscal_limit`` ``years_over``,
    ``years_without_budget``, or ``no_p95_calls``). Shares are fractions; None: not given.
    """

    id: str
    rule: str
    source: str
    triggered: bool | None
    value: float | None
    threshold: float | None
    detail: str
    framework: str = FRAMEWORK_EUROSTAT
    facts: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain types."""
        return {
            "id": self.id,
            "framework": self.framework,
            "triggered": self.triggered,
            "value": self.value,
            "threshold": self.threshold,
            "rule": self.rule,
            "source": self.source,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class FiscalResult:
    """Result of :func:`fiscal_burden`; per-year tuples are aligned on ``years``.

    Amounts are nominal by year, or PVs at ``discount_rate`` to ``base_year``
    (``pv_*``), in amount_unit of ``currency``. Shares of budget are fractions;
    ``None`` in a year with no budget figure (those years are in
    ``missing_budget_years``).
    """

    name: str
    currency: str
    amount_unit: float
    discount_rate: float
    base_year: int
    years: tuple[int, ...]
    direct: Mapping[str, tuple[float, ...]]
    direct_total: tuple[float, ...]
    guarantees: tuple[GuaranteeResult, ...]
    contingent_expected: tuple[float, ...]
    contingent_p95: tuple[float, ...] | None
    total_expected: tuple[float, ...]
    total_p95: tuple[float, ...] | None
    budget_label: str | None
    budget: tuple[float | None, ...]
    share_direct: tuple[float | None, ...]
    share_total_expected: tuple[float | None, ...]
    share_total_p95: tuple[float | None, ...] | None
    missing_budget_years: tuple[int, ...]
    pv_direct: float
    pv_contingent_expected: float
    pv_contingent_p95: float | None
    flags: tuple[FiscalFlag, ...]
    iterations: int | None
    seed: int | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain types."""
        unit = self.amount_unit

        def opt(x: tuple[Any, ...] | None) -> list[Any] | None:
            return None if x is None else list(x)

        return {
            "name": self.name,
            "currency": self.currency,
            "amount_unit": int(unit) if float(unit).is_integer() else unit,
            "discount_rate": self.discount_rate,
            "base_year": self.base_year,
            "iterations": self.iterations,
            "seed": self.seed,
            "years": list(self.years),
            "direct": {k: list(v) for k, v in self.direct.items()},
            "direct_total": list(self.direct_total),
            "guarantees": [g.to_dict() for g in self.guarantees],
            "contingent_expected": list(self.contingent_expected),
            "contingent_p95": opt(self.contingent_p95),
            "total_expected": list(self.total_expected),
            "total_p95": opt(self.total_p95),
            "budget_label": self.budget_label,
            "budget": list(self.budget),
            "share_direct": list(self.share_direct),
            "share_total_expected": list(self.share_total_expected),
            "share_total_p95": opt(self.share_total_p95),
            "missing_budget_years": list(self.missing_budget_years),
            "pv": {
                "direct": self.pv_direct,
                "contingent_expected": self.pv_contingent_expected,
                "contingent_p95": self.pv_contingent_p95,
            },
            "flags": [f.to_dict() for f in self.flags],
        }


# =========================================================================== computation


def _on_axis(years: Sequence[int], start: int, values: Sequence[float] | FloatArray) -> FloatArray:
    out = np.zeros(len(years))
    index = {y: k for k, y in enumerate(years)}
    for k, v in enumerate(values):
        out[index[start + k]] += float(v)
    return out


def _shares(values: FloatArray, budget: Sequence[float | None]) -> tuple[float | None, ...]:
    return tuple(
        None if b is None or b == 0 else float(v) / b for v, b in zip(values, budget, strict=True)
    )


def fiscal_burden(
    spec: FiscalSpec | Mapping[str, Any] | str | os.PathLike[str],
    *,
    iterations: int | None = None,
    seed: SeedLike = None,
    payments: GovernmentPayments | None = None,
    capital_cost: float | None = None,
    draws: RiskDraws | None = None,
) -> FiscalResult:
    """Direct and contingent fiscal commitments of a PPP, against the budget, with flags.

    Parameters
    ----------
    spec : FiscalSpec, Mapping or path
        The fiscal spec (see :func:`load_fiscal`).
    iterations : int, optional
        Monte Carlo iterations for guarantees drawn from a risk model.
    seed : int, numpy.random.Generator or None
        Root seed (default: the spec's, else the risk model's, else fresh).
    payments : GovernmentPayments, optional
        Replace the direct commitments (used by stress tests); keys as
        ``finance.model`` government flows.
    capital_cost : float, optional
        Replace the capital cost (nominal, amount_unit) of the Eurostat test.
    draws : RiskDraws, optional
        Reuse risk draws.

    Returns
    -------
    FiscalResult

    Notes
    -----
    Direct commitment of year ``y``: ``D_y = sum_k payments_{k,y}`` over
    ``availability_payment, vgf, land, subsidy, other`` (positive = paid by
    government). Expected contingent call ``C_y = sum_g E[call_{g,y}]``; drawn
    calls of a guarantee selecting parties ``P`` and risks ``S`` of the risk
    model are ``call_{y,n} = sum_{i in S} sum_{p in P} a_{i,p} O_{i,n} X_{i,n}
    w_{i,t(y)}``. P95 by year is the type-7 95th percentile over iterations of
    the year's total drawn calls plus the given P95 (else expected) series of
    the other guarantees. Share of budget ``D_y / B_y`` (and with calls).

    Flags (each states its framework, rule and source in the result; the Eurostat flags
    test who bears the risks, for the statistics, the IPSAS 32 one who controls the asset, for
    the government's accounts: a KPBU can be off the balance sheet by one and on it by the
    other):

    * ``eurostat_guarantees``: (sum of guarantees' ``covered_amount`` + VGF) /
      capital cost > 0.5, irrespective of the probability of a call. When no
      guarantee states ``covered_amount``, the finance model's guarantee ``cap``
      is used; the capital cost defaults to the finance model's total capex.
    * ``eurostat_construction_risk``: government share of construction risk > 0.5.
    * ``eurostat_availability_demand_risk``: government share of both
      availability and demand risk > 0.5 (the partner bears neither).
    * ``ipsas32_control`` (IPSAS 32 / PSAP 16): the government controls or regulates the
      services and their prices AND controls the significant residual interest at the end
      of the term (or the asset is used for its whole life); facts from ``control``.
    * ``fiscal_limit``: a year where commitments (``basis``) / budget exceed the
      user-set ``max_share_of_budget``.

    References
    ----------
    IMF and World Bank (2016), *PFRAM User Guide*. EPEC and Eurostat (2016),
    *A Guide to the Statistical Treatment of PPPs*. Eurostat (2004), news release
    STAT/04/18. IPSASB (2011), *IPSAS 32 Service Concession Arrangements: Grantor*,
    para. 9-10; KSAP, *PSAP 16 Perjanjian Konsesi Jasa - Pemberi Konsesi*.

    Examples
    --------
    >>> r = fiscal_burden({"spec_version": "1.0", "name": "x", "currency": "IDR",
    ...     "amount_unit": 1e9, "discount_rate": 0.0, "base_year": 2026,
    ...     "commitments": {"by_year": {"start_year": 2027, "availability_payment": [10, 10]}},
    ...     "budget": {"label": "APBD", "by_year": {"2027": 200}}})
    >>> r.share_direct, r.missing_budget_years
    ((0.05, None), (2028,))
    """
    fs = load_fiscal(spec)
    rate, base = fs.discount_rate, fs.base_year
    inline = payments is None and fs.payments is not None
    if payments is None:
        payments = fs.payments if fs.payments is not None else run_finance(fs.finance_model)
    wanted = DIRECT_KEYS if inline else fs.finance_keys
    keys = [k for k in wanted if k in payments.flows]
    drawn = [g for g in fs.guarantees if g.from_risk_model]
    if draws is None and drawn:
        assert fs.risk_model is not None and fs.risk_start_year is not None
        n = iterations if iterations is not None else fs.iterations
        draws = draw_risks(
            fs.risk_model, fs.risk_start_year, n, seed if seed is not None else fs.seed
        )
    axis: set[int] = set(payments.years)
    for g in fs.guarantees:
        if g.from_risk_model:
            assert draws is not None
            axis |= {int(y) for y in draws.years}
        else:
            assert g.start_year is not None
            axis |= set(range(g.start_year, g.start_year + len(g.expected)))
    years = tuple(range(min(axis), max(axis) + 1)) if axis else ()
    direct = {
        k: _on_axis(years, payments.years[0], payments.flows[k]) if payments.years else np.zeros(0)
        for k in keys
    }
    direct_total = np.sum(list(direct.values()), axis=0) if direct else np.zeros(len(years))
    guarantee_results: list[GuaranteeResult] = []
    expected_total = np.zeros(len(years))
    given_p95 = np.zeros(len(years))
    drawn_yearly = np.zeros((len(years), draws.iterations)) if draws is not None else None
    drawn_pv = np.zeros(draws.iterations) if draws is not None else None
    for g in fs.guarantees:
        if g.from_risk_model:
            assert draws is not None and drawn_yearly is not None and drawn_pv is not None
            yearly = draws.yearly(g.parties, g.risks)  # (H, N)
            on_axis = np.zeros((len(years), draws.iterations))
            first = years.index(int(draws.years[0]))
            on_axis[first : first + yearly.shape[0]] = yearly
            drawn_yearly += on_axis
            pv_n = draws.pv(g.parties, g.risks, rate, base)
            drawn_pv += pv_n
            exp = on_axis.mean(axis=1)
            p95: FloatArray | None = np.quantile(on_axis, 0.95, axis=1)
            pv_exp, pv_p95 = float(pv_n.mean()), float(np.quantile(pv_n, 0.95))
            origin = "risk model"
        else:
            assert g.start_year is not None
            exp = _on_axis(years, g.start_year, g.expected)
            p95 = None if g.p95 is None else _on_axis(years, g.start_year, g.p95)
            given_p95 += exp if p95 is None else p95
            pv_exp = present_value(rate, years, exp, base)
            pv_p95 = None
            origin = "given"
        expected_total += exp
        guarantee_results.append(
            GuaranteeResult(
                id=g.id,
                name=g.name,
                kind=g.kind,
                covered_amount=g.covered_amount,
                expected=tuple(exp.tolist()),
                p95=None if p95 is None else tuple(p95.tolist()),
                pv_expected=pv_exp,
                pv_p95=pv_p95,
                source=origin,
            )
        )
    any_p95 = drawn_yearly is not None or any(g.p95 is not None for g in fs.guarantees)
    contingent_p95: FloatArray | None = None
    pv_cont_p95: float | None = None
    if any_p95:
        contingent_p95 = given_p95.copy()
        given_pv = present_value(rate, years, given_p95, base) if years else 0.0
        if drawn_yearly is not None and drawn_pv is not None:
            contingent_p95 += np.quantile(drawn_yearly, 0.95, axis=1)
            pv_cont_p95 = float(np.quantile(drawn_pv, 0.95)) + given_pv
        else:
            pv_cont_p95 = given_pv
    budget = tuple(fs.budget.get(y) for y in years)
    active = direct_total + expected_total
    missing = tuple(
        y for y, b, v in zip(years, budget, active, strict=True) if b is None and v != 0
    )
    total_expected = direct_total + expected_total
    total_p95 = None if contingent_p95 is None else direct_total + contingent_p95
    cap = capital_cost if capital_cost is not None else fs.capital_cost
    if cap is None and fs.finance_model is not None:
        cap = _finance_capex(fs.finance_model)
    vgf_total = float(np.sum(direct["vgf"])) if "vgf" in direct else 0.0
    finance_cap = None
    if fs.finance_model is not None and getattr(fs.finance_model, "guarantee", None) is not None:
        finance_cap = float(fs.finance_model.guarantee.cap)
    flags = _flags(
        fs,
        finance_cap=finance_cap,
        cap=cap,
        vgf=vgf_total,
        years=years,
        direct=direct_total,
        total_expected=total_expected,
        total_p95=total_p95,
        budget=budget,
    )
    return FiscalResult(
        name=fs.name,
        currency=fs.currency,
        amount_unit=fs.amount_unit,
        discount_rate=rate,
        base_year=base,
        years=years,
        direct={k: tuple(v.tolist()) for k, v in direct.items()},
        direct_total=tuple(direct_total.tolist()),
        guarantees=tuple(guarantee_results),
        contingent_expected=tuple(expected_total.tolist()),
        contingent_p95=None if contingent_p95 is None else tuple(contingent_p95.tolist()),
        total_expected=tuple(total_expected.tolist()),
        total_p95=None if total_p95 is None else tuple(total_p95.tolist()),
        budget_label=fs.budget_label,
        budget=budget,
        share_direct=_shares(direct_total, budget),
        share_total_expected=_shares(total_expected, budget),
        share_total_p95=None if total_p95 is None else _shares(total_p95, budget),
        missing_budget_years=missing,
        pv_direct=present_value(rate, years, direct_total, base) if years else 0.0,
        pv_contingent_expected=present_value(rate, years, expected_total, base) if years else 0.0,
        pv_contingent_p95=pv_cont_p95,
        flags=tuple(flags),
        iterations=draws.iterations if draws is not None else None,
        seed=draws.seed if draws is not None else None,
    )


def _finance_capex(model: Any) -> float:
    """Total nominal capex of a finance model (its ``run_model(...).capex``)."""
    return float(np.sum(run_model(model).capex))


def _bearing_share(fs: FiscalSpec, key: str) -> float | None:
    bearing = fs.risk_bearing.get(key)
    if bearing is None:
        return None
    if bearing.share is not None:
        return bearing.share
    model = fs.risk_model
    assert model is not None
    expected = model.expected_risk_costs()
    in_cat = np.array([r.category in bearing.categories for r in model.risks])
    cols = [model.party_ids.index(p) for p in bearing.parties]
    gov = model.allocation_matrix[:, cols].sum(axis=1)
    total = float(np.sum(expected[in_cat]))
    if total == 0:
        return None
    return float(np.sum((expected * gov)[in_cat])) / total


def _flags(
    fs: FiscalSpec,
    *,
    finance_cap: float | None,
    cap: float | None,
    vgf: float,
    years: Sequence[int],
    direct: FloatArray,
    total_expected: FloatArray,
    total_p95: FloatArray | None,
    budget: Sequence[float | None],
) -> list[FiscalFlag]:
    flags: list[FiscalFlag] = []
    covered = [g.covered_amount for g in fs.guarantees if g.covered_amount is not None]
    origin, origin_key = "guarantees covered", "guarantees"
    if not covered and finance_cap is not None:
        covered, origin, origin_key = [finance_cap], "finance-model guarantee cap", "finance_model"
    guarantee_facts: dict[str, Any] = {
        "origin": origin_key,
        "covered": math.fsum(covered),
        "vgf": vgf,
        "capital_cost": cap if cap is not None and cap > 0 else None,
    }
    rule = (
        "government guarantees (all types, e.g. loan, minimum-revenue and demand guarantees, "
        "whatever the probability of a call) plus government funding of the capital cost (VGF) "
        "covering more than 50% of the capital cost put the asset on the government balance sheet"
    )
    if cap is None or cap <= 0:
        flags.append(
            FiscalFlag(
                "eurostat_guarantees",
                rule,
                EUROSTAT_2016,
                None,
                None,
                EUROSTAT_CAPITAL_SHARE,
                "capital cost unknown: cannot decide",
                facts=guarantee_facts,
            )
        )
    else:
        ratio = (math.fsum(covered) + vgf) / cap
        flags.append(
            FiscalFlag(
                "eurostat_guarantees",
                rule,
                EUROSTAT_2016,
                ratio > EUROSTAT_CAPITAL_SHARE,
                ratio,
                EUROSTAT_CAPITAL_SHARE,
                f"{origin} {math.fsum(covered):,.6g} + VGF {vgf:,.6g} over capital cost "
                f"{cap:,.6g} = {100 * ratio:.1f}%",
                facts=guarantee_facts,
            )
        )
    construction = _bearing_share(fs, "construction")
    flags.append(
        FiscalFlag(
            "eurostat_construction_risk",
            "the asset is on the government balance sheet when government bears the majority "
            "of the construction risk",
            EUROSTAT_2004,
            None if construction is None else construction > MAJORITY,
            construction,
            MAJORITY,
            "government share of construction risk "
            + ("not given" if construction is None else f"{100 * construction:.1f}%"),
            facts={"share": construction},
        )
    )
    availability = _bearing_share(fs, "availability")
    demand = _bearing_share(fs, "demand")
    if availability is None or demand is None:
        decided: bool | None = None
        if availability is not None and availability <= MAJORITY:
            decided = False
        if demand is not None and demand <= MAJORITY:
            decided = False
    else:
        decided = availability > MAJORITY and demand > MAJORITY
    shown = ", ".join(
        f"{name} {'not given' if s is None else f'{100 * s:.1f}%'}"
        for name, s in (("availability", availability), ("demand", demand))
    )
    flags.append(
        FiscalFlag(
            "eurostat_availability_demand_risk",
            "off balance sheet needs the partner to bear construction risk and at least one of "
            "availability and demand risk: the flag is raised when government bears the majority "
            "of both availability and demand risk",
            EUROSTAT_2004,
            decided,
            None if availability is None or demand is None else max(availability, demand),
            MAJORITY,
            f"government share of {shown}",
            facts={"availability": availability, "demand": demand},
        )
    )
    flags.append(_control_flag(fs.control))
    if fs.limit_share is not None:
        basis = {"direct": direct, "direct_plus_expected": total_expected}
        if total_p95 is not None:
            basis["direct_plus_p95"] = total_p95
        values = basis.get(fs.limit_basis)
        source = fs.limit_source or "user-set threshold (no legal ceiling is implied)"
        rule = (
            f"annual commitments ({fs.limit_basis.replace('_', ' ')}) above "
            f"{100 * fs.limit_share:g}% of the budget"
        )
        if values is None:
            flags.append(
                FiscalFlag(
                    "fiscal_limit",
                    rule,
                    source,
                    None,
                    None,
                    fs.limit_share,
                    "no P95 calls",
                    FRAMEWORK_LIMIT,
                    facts={"no_p95_calls": True},
                )
            )
        else:
            shares = _shares(values, budget)
            over = [
                y
                for y, s in zip(years, shares, strict=True)
                if s is not None and s > fs.limit_share
            ]
            known = [s for s in shares if s is not None]
            worst = max(known) if known else None
            unknown = [
                y for y, s, v in zip(years, shares, values, strict=True) if s is None and v != 0
            ]
            triggered: bool | None = bool(over) if (over or not unknown) else None
            detail = f"years above the limit: {', '.join(map(str, over)) or 'none'}" + (
                f"; no budget for {', '.join(map(str, unknown))}" if unknown else ""
            )
            flags.append(
                FiscalFlag(
                    "fiscal_limit",
                    rule,
                    source,
                    triggered,
                    worst,
                    fs.limit_share,
                    detail,
                    FRAMEWORK_LIMIT,
                    facts={"years_over": over, "years_without_budget": unknown},
                )
            )
    return flags


def _control_flag(control: Control) -> FiscalFlag:
    """The IPSAS 32 / PSAP 16 control test (para. 9-10): on the grantor's balance sheet when
    it controls the services and prices AND the residual interest (or whole-of-life use)."""
    services = control.services_and_prices
    residual = control.residual_interest
    whole = control.whole_of_life
    # the second condition: residual interest, or use for the whole life (either is enough;
    # whole-of-life use is the exception, so an unstated one counts as "no")
    second: bool | None = True if (residual or whole) else (False if residual is False else None)
    decided: bool | None
    if services is False or second is False:
        decided = False
    elif services is True and second is True:
        decided = True
    else:
        decided = None

    def fact(value: bool | None) -> str:
        return "not given" if value is None else ("yes" if value else "no")

    detail = (
        f"government controls services and prices: {fact(services)}; controls the residual "
        f"interest: {fact(residual)}"
        + ("" if whole is None else f"; asset used for its whole life: {fact(whole)}")
    )
    return FiscalFlag(
        "ipsas32_control",
        "the service concession asset is on the government's balance sheet (the grantor "
        "recognises it, with a liability to the operator) when the government controls or "
        "regulates what services the operator provides, to whom and at what price, and "
        "controls any significant residual interest in the asset at the end of the term (or "
        "the asset is used for its whole life), whoever bears the risks",
        IPSAS_32,
        decided,
        None,
        None,
        detail,
        FRAMEWORK_IPSAS,
        facts={
            "services_and_prices": services,
            "residual_interest": residual,
            "whole_of_life": whole,
        },
    )
