"""Stress tests: named sets of shocks applied to a project-finance model.

A scenario (``stress-scenarios.schema.json``) is a name and a list of shocks:
tariff frozen from a year, availability payment cut by a fraction from a year,
completion delayed by k years, capex / opex / demand changed by a fraction,
interest rates raised by basis points, change-in-law costs by year. Applying it
goes through ``finance.model.with_adjustments``; :func:`stress_test` reports,
per scenario, the base value, the stressed value and the delta of project and
equity NPV and IRR, minimum and average DSCR, LLCR, the government's NPC
(fiscal cost) and, when a VfM spec is given, the VfM with the PPP option
recomputed from the stressed government flows (same risk draws for the base and
every scenario, so deltas carry no Monte Carlo noise).

Shocks of one type combine: capex, opex and demand changes multiply
(``factor = prod(1 + change)``), delays and basis points add, change-in-law
costs add by year, the earliest tariff freeze wins; one availability cut per
scenario.

Decimal policy: ``decimal.Decimal`` is not supported; amounts are float64 in the
finance model's ``amount_unit``; rates and fractions are decimals.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mitra.analysis._random import SeedLike
from mitra.analysis._spec import (
    SpecError,
    SpecIssue,
    checked,
    json_path,
    packaged_schema,
    sorted_issues,
)
from mitra.analysis.appraisal.fiscal import FiscalSpec, fiscal_burden, load_fiscal
from mitra.analysis.appraisal.vfm import (
    GovernmentPayments,
    RiskDraws,
    VfmSpec,
    draw_risks,
    load_vfm,
    schema_issues,
    value_for_money,
)
from mitra.analysis.finance.model import run_model, with_adjustments
from mitra.analysis.finance.spec import load_model

__all__ = [
    "METRICS",
    "Scenario",
    "ScenarioResult",
    "Shock",
    "StressResult",
    "load_scenarios",
    "stress_schema",
    "stress_test",
    "validate_scenarios",
]

#: Finance-result summaries compared by a stress test (attribute names of FinanceResult).
FINANCE_METRICS: tuple[str, ...] = (
    "project_npv",
    "equity_npv",
    "project_irr",
    "equity_irr",
    "min_dscr",
    "avg_dscr",
    "llcr",
    "government_npc",
)
#: Every metric a stress test can report (VfM and fiscal ones only with those specs).
METRICS: tuple[str, ...] = (
    *FINANCE_METRICS,
    "vfm",
    "vfm_percent",
    "fiscal_pv_direct",
    "fiscal_peak_share_of_budget",
)


def stress_schema() -> dict[str, Any]:
    """The stress-scenario JSON Schema shipped in this package."""
    return packaged_schema("stress-scenarios.schema.json")


@dataclass(frozen=True)
class Shock:
    """One shock. ``type`` and its parameters as in the schema.

    ``change`` is a fraction (0.15 = +15 %, -0.2 = -20 %) for ``capex``, ``opex``
    and ``demand``; ``fraction`` of the availability payment cut; ``from_year`` a
    calendar year; ``years`` of delay; ``bp`` basis points; ``costs`` the
    change-in-law cost by calendar year (amount_unit of the model).
    """

    type: str
    change: float = 0.0
    fraction: float = 0.0
    from_year: int | None = None
    years: int = 0
    bp: float = 0.0
    costs: Mapping[int, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The shock as in the spec."""
        out: dict[str, Any] = {"type": self.type}
        if self.type in ("capex", "opex", "demand"):
            out["change"] = self.change
        elif self.type == "tariff_freeze":
            out["from_year"] = self.from_year
        elif self.type == "availability_cut":
            out |= {"fraction": self.fraction, "from_year": self.from_year}
        elif self.type == "delay":
            out["years"] = self.years
        elif self.type == "interest":
            out["bp"] = self.bp
        else:
            out["costs"] = {str(y): c for y, c in self.costs.items()}
        return out


@dataclass(frozen=True)
class Scenario:
    """A named set of shocks."""

    name: str
    shocks: tuple[Shock, ...]
    description: str | None = None

    def adjustments(self) -> dict[str, Any]:
        """Keyword arguments of ``finance.model.with_adjustments`` for this scenario.

        Examples
        --------
        >>> Scenario("s", (Shock("capex", change=0.1), Shock("capex", change=0.1),
        ...                Shock("interest", bp=150))).adjustments()["capex_factor"]
        1.2100000000000002
        """
        kw: dict[str, Any] = {
            "capex_factor": 1.0,
            "opex_factor": 1.0,
            "demand_factor": 1.0,
            "tariff_frozen_from": None,
            "availability_cut": None,
            "delay_years": 0,
            "interest_bp": 0.0,
            "extra_costs": None,
        }
        costs: dict[int, float] = {}
        for s in self.shocks:
            if s.type in ("capex", "opex", "demand"):
                kw[f"{s.type}_factor"] *= 1.0 + s.change
            elif s.type == "tariff_freeze":
                assert s.from_year is not None
                current = kw["tariff_frozen_from"]
                kw["tariff_frozen_from"] = (
                    s.from_year if current is None else min(current, s.from_year)
                )
            elif s.type == "availability_cut":
                kw["availability_cut"] = (s.fraction, s.from_year)
            elif s.type == "delay":
                kw["delay_years"] += s.years
            elif s.type == "interest":
                kw["interest_bp"] += s.bp
            else:
                for y, c in s.costs.items():
                    costs[y] = costs.get(y, 0.0) + c
        if costs:
            kw["extra_costs"] = dict(sorted(costs.items()))
        return kw

    def to_dict(self) -> dict[str, Any]:
        """The scenario as in the spec."""
        out: dict[str, Any] = {"name": self.name}
        if self.description is not None:
            out["description"] = self.description
        out["shocks"] = [s.to_dict() for s in self.shocks]
        return out


# =========================================================================== loading


def validate_scenarios(data: Any) -> list[SpecIssue]:
    """Every problem of a parsed scenario file; empty when valid.

    Notes
    -----
    Semantic checks beyond the schema: unique scenario names; at most one
    ``availability_cut`` per scenario (the finance model takes one cut).

    Examples
    --------
    >>> [str(i) for i in validate_scenarios({"spec_version": "1.0", "scenarios": [
    ...     {"name": "a", "shocks": [{"type": "delay", "years": 0}]}]})]
    ['$.scenarios[0].shocks[0].years: must be >= 1, got 0']
    """
    issues = schema_issues(data, "stress-scenarios.schema.json")
    if issues:
        return sorted_issues(issues)
    seen: dict[str, int] = {}
    for k, sc in enumerate(data["scenarios"]):
        if sc["name"] in seen:
            issues.append(
                SpecIssue(
                    json_path(["scenarios", k, "name"]),
                    f"duplicate scenario name '{sc['name']}' (already used by "
                    f"$.scenarios[{seen[sc['name']]}])",
                )
            )
        seen.setdefault(sc["name"], k)
        cuts = [j for j, s in enumerate(sc["shocks"]) if s["type"] == "availability_cut"]
        for j in cuts[1:]:
            issues.append(
                SpecIssue(
                    json_path(["scenarios", k, "shocks", j]),
                    "only one availability_cut per scenario (combine the cuts into one)",
                )
            )
    return sorted_issues(issues)


def _shock(d: Mapping[str, Any]) -> Shock:
    kind = d["type"]
    if kind in ("capex", "opex", "demand"):
        return Shock(kind, change=float(d["change"]))
    if kind == "tariff_freeze":
        return Shock(kind, from_year=int(d["from_year"]))
    if kind == "availability_cut":
        return Shock(kind, fraction=float(d["fraction"]), from_year=int(d["from_year"]))
    if kind == "delay":
        return Shock(kind, years=int(d["years"]))
    if kind == "interest":
        return Shock(kind, bp=float(d["bp"]))
    return Shock(kind, costs={int(y): float(c) for y, c in d["costs"].items()})


def load_scenarios(
    source: Sequence[Scenario] | Mapping[str, Any] | str | os.PathLike[str],
) -> tuple[Scenario, ...]:
    """Load and validate stress scenarios (a file, a parsed document, or scenarios).

    Raises
    ------
    SpecError
        If the file cannot be read or is invalid; ``.issues`` lists every problem.
    """
    if isinstance(source, Sequence) and not isinstance(source, str):
        return tuple(source)
    data = checked(source, validate_scenarios)
    return tuple(
        Scenario(
            name=sc["name"],
            description=sc.get("description"),
            shocks=tuple(_shock(s) for s in sc["shocks"]),
        )
        for sc in data["scenarios"]
    )


# =========================================================================== results


@dataclass(frozen=True)
class Comparison:
    """Base value, stressed value and ``delta = stressed - base`` (``None`` if undefined)."""

    base: float | None
    stressed: float | None

    @property
    def delta(self) -> float | None:
        """``stressed - base``; ``None`` when either is undefined."""
        if self.base is None or self.stressed is None:
            return None
        return self.stressed - self.base

    def to_dict(self) -> dict[str, float | None]:
        """JSON-ready plain types."""
        return {"base": self.base, "stressed": self.stressed, "delta": self.delta}


@dataclass(frozen=True)
class ScenarioResult:
    """One scenario: its shocks and a :class:`Comparison` per metric."""

    scenario: Scenario
    metrics: Mapping[str, Comparison]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain types."""
        return {
            **self.scenario.to_dict(),
            "metrics": {k: v.to_dict() for k, v in self.metrics.items()},
        }


@dataclass(frozen=True)
class StressResult:
    """Result of :func:`stress_test`.

    Money in the finance model's amount_unit of ``currency``; IRRs, DSCRs, LLCR
    and shares as decimals or ratios. ``vfm`` metrics are mean PVs at the VfM
    spec's rate and base year (``seed``/``iterations`` of its risk draws).
    """

    model_name: str
    currency: str
    amount_unit: float
    scenarios: tuple[ScenarioResult, ...]
    iterations: int | None = None
    seed: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain types."""
        unit = self.amount_unit
        return {
            "model": self.model_name,
            "currency": self.currency,
            "amount_unit": int(unit) if float(unit).is_integer() else unit,
            "iterations": self.iterations,
            "seed": self.seed,
            "scenarios": [s.to_dict() for s in self.scenarios],
        }


def _number(value: Any) -> float | None:
    if value is None:
        return None
    x = float(value)
    return x if math.isfinite(x) else None


def _payments(result: Any) -> GovernmentPayments:
    flows = {k: tuple(float(v) for v in arr) for k, arr in result.government_flows.items()}
    return GovernmentPayments(tuple(int(y) for y in result.years), flows)


@dataclass
class _Extra:
    vfm: VfmSpec | None
    fiscal: FiscalSpec | None
    draws: RiskDraws | None
    fiscal_draws: RiskDraws | None


def _metrics(result: Any, extra: _Extra) -> dict[str, float | None]:
    out = {k: _number(getattr(result, k)) for k in FINANCE_METRICS}
    payments = _payments(result)
    if extra.vfm is not None:
        v = value_for_money(extra.vfm, payments=payments, draws=extra.draws)
        out["vfm"] = v.vfm.mean
        out["vfm_percent"] = _number(v.vfm_percent.mean)
    if extra.fiscal is not None:
        capex = float(sum(float(x) for x in result.capex))
        f = fiscal_burden(
            extra.fiscal, payments=payments, capital_cost=capex, draws=extra.fiscal_draws
        )
        out["fiscal_pv_direct"] = f.pv_direct
        shares = [s for s in f.share_direct if s is not None]
        out["fiscal_peak_share_of_budget"] = max(shares) if shares else None
    return out


def _labelled(loader: Any, source: Any, label: str) -> Any:
    """Call ``loader(source)``; prefix the paths of any :class:`SpecError` with ``label``."""
    try:
        return loader(source)
    except SpecError as exc:
        raise SpecError([SpecIssue(f"{label}: {i.path}", i.message) for i in exc.issues]) from None


def stress_test(
    model: Any,
    scenarios: Sequence[Scenario] | Mapping[str, Any] | str | os.PathLike[str],
    *,
    vfm: VfmSpec | Mapping[str, Any] | str | os.PathLike[str] | None = None,
    fiscal: FiscalSpec | Mapping[str, Any] | str | os.PathLike[str] | None = None,
    iterations: int | None = None,
    seed: SeedLike = None,
) -> StressResult:
    """Apply each scenario to a finance model and compare with the base case.

    Parameters
    ----------
    model : FinanceModel, Mapping or path
        The project-finance model (``finance.spec.load_model``).
    scenarios : sequence of Scenario, Mapping or path
        The scenarios (see :func:`load_scenarios`).
    vfm : VfmSpec, Mapping or path, optional
        A VfM spec: its PPP option is recomputed from the (stressed) model's
        government flows (keys in its ``include``, default all but tax receipts).
    fiscal : FiscalSpec, Mapping or path, optional
        A fiscal spec: its direct commitments are taken from the (stressed) model.
    iterations : int, optional
        Monte Carlo iterations for risk selections of the VfM/fiscal specs.
    seed : int, numpy.random.Generator or None
        Root seed of those draws (drawn once, reused for the base and every scenario).

    Returns
    -------
    StressResult
        Per scenario and metric: base, stressed and delta (stressed - base).

    Notes
    -----
    Stressed model = ``with_adjustments(model, **scenario.adjustments())``. Metrics:
    ``project_npv, equity_npv`` (amount_unit), ``project_irr, equity_irr``
    (decimals), ``min_dscr, avg_dscr, llcr`` (ratios), ``government_npc`` (PV of
    the government's net flows at the model's public rate), ``vfm`` (mean VfM,
    amount_unit at the VfM base year), ``vfm_percent`` (fraction of PSC),
    ``fiscal_pv_direct`` (PV of direct commitments) and
    ``fiscal_peak_share_of_budget`` (highest yearly direct commitments / budget).
    """
    base_model = _labelled(load_model, model, "model")
    items = _labelled(load_scenarios, scenarios, "scenarios")
    vfm_spec = _labelled(load_vfm, vfm, "vfm") if vfm is not None else None
    fiscal_spec = _labelled(load_fiscal, fiscal, "fiscal") if fiscal is not None else None
    draws = None
    if vfm_spec is not None and vfm_spec.risk_model is not None:
        assert vfm_spec.risk_start_year is not None
        draws = draw_risks(
            vfm_spec.risk_model,
            vfm_spec.risk_start_year,
            iterations if iterations is not None else vfm_spec.iterations,
            seed if seed is not None else vfm_spec.seed,
        )
    fiscal_draws = None
    if fiscal_spec is not None and fiscal_spec.risk_model is not None:
        assert fiscal_spec.risk_start_year is not None
        fiscal_draws = draw_risks(
            fiscal_spec.risk_model,
            fiscal_spec.risk_start_year,
            iterations if iterations is not None else fiscal_spec.iterations,
            seed if seed is not None else fiscal_spec.seed,
        )
    extra = _Extra(vfm_spec, fiscal_spec, draws, fiscal_draws)
    base = _metrics(run_model(base_model), extra)
    results = []
    for k, sc in enumerate(items):
        try:
            stressed_model = with_adjustments(base_model, **sc.adjustments())
        except SpecError as exc:
            raise SpecError(
                [
                    SpecIssue(
                        f"scenarios: $.scenarios[{k}]",
                        f"'{sc.name}' makes the finance model invalid: {issue}",
                    )
                    for issue in exc.issues
                ]
            ) from None
        except ValueError as exc:
            raise SpecError(
                [SpecIssue(f"scenarios: $.scenarios[{k}]", f"'{sc.name}': {exc}")]
            ) from None
        stressed = _metrics(run_model(stressed_model), extra)
        results.append(ScenarioResult(sc, {k: Comparison(base[k], stressed[k]) for k in base}))
    return StressResult(
        model_name=base_model.name,
        currency=base_model.currency,
        amount_unit=base_model.amount_unit,
        scenarios=tuple(results),
        iterations=draws.iterations if draws is not None else None,
        seed=draws.seed if draws is not None else None,
    )
