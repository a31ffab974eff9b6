"""The risk-model spec (``risk-model.schema.json``) as frozen dataclasses.

Loading goes through three steps: read and parse the JSON (strict: no ``NaN``
or ``Infinity``), validate against the JSON Schema shipped in this package,
then the semantic checks the schema states in words (allocation shares, years
inside the horizon, a positive definite correlation matrix, sensible
distribution parameters). Every problem is reported as a :class:`SpecIssue`
``(path, message)`` with a JSON path such as ``$.risks[3].impact.mode``.

Decimal policy: the spec's numbers are JSON numbers, read as ``float``; all
derived quantities are float64. Money is in ``amount_unit`` of ``currency``
(a label only: nothing is ever multiplied by it).
"""

from __future__ import annotations

import copy
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from mitra.analysis._spec import (
    SpecError,
    SpecIssue,
    checked,
    json_path,
    packaged_schema,
    validate,
)
from mitra.analysis._spec import read_spec_file as read_spec_file
from mitra.analysis.risk.distributions import (
    Distribution,
    Lognormal,
    Normal,
    Pert,
    Triangular,
    Uniform,
)

__all__ = [
    "BaseCashFlows",
    "Correlation",
    "Risk",
    "RiskModel",
    "SimulationSettings",
    "SpecError",
    "SpecIssue",
    "load_spec",
    "schema",
    "validate_spec",
]

FloatArray: TypeAlias = NDArray[np.float64]
SpecSource: TypeAlias = "RiskModel | Mapping[str, Any] | str | os.PathLike[str]"

#: Tolerance on the sum of a risk's allocation shares (stated by the schema).
SHARE_TOLERANCE = 1e-9


# --------------------------------------------------------------------------- errors

# SpecIssue, SpecError and read_spec_file live in the private module ``_spec``
# (shared by every spec loader) and are public from here.


# --------------------------------------------------------------------------- dataclasses


@dataclass(frozen=True)
class BaseCashFlows:
    """The base-case yearly line items (amount_unit), element ``k`` = year ``k + 1``.

    ``source`` is the spec's ``base_cash_flows`` object as given (``by_year`` or
    ``parametric``), kept for :meth:`RiskModel.to_dict`.
    """

    capex: tuple[float, ...]
    opex: tuple[float, ...]
    revenue: tuple[float, ...]
    source: Mapping[str, Any] = field(compare=False, repr=False)

    def line(self, name: str) -> FloatArray:
        """The base line item ``capex``, ``opex`` or ``revenue`` as an array (amount_unit)."""
        values: tuple[float, ...] = getattr(self, name)
        return np.array(values, dtype=np.float64)


@dataclass(frozen=True)
class Risk:
    """One entry of the risk register (see the schema's ``$defs/risk``).

    ``allocation`` maps party id to share (shares sum to 1); ``year_weights`` is
    ``None`` when absent (spread evenly).
    """

    id: str
    name: str
    probability: float
    impact: Distribution
    applies_to: str
    years: tuple[int, ...]
    allocation: Mapping[str, float]
    unit_value: float = 1.0
    basis: str = "absolute"
    year_weights: tuple[float, ...] | None = None
    category: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class Correlation:
    """Correlation ``rho`` of the latent normals of two risks (Gaussian copula)."""

    risks: tuple[str, str]
    rho: float


@dataclass(frozen=True)
class SimulationSettings:
    """Default run settings of a spec (``simulation``)."""

    iterations: int = 10_000
    seed: int | None = None
    percentiles: tuple[float, ...] = (5.0, 50.0, 90.0, 95.0)
    var_confidence: float = 0.95


@dataclass(frozen=True)
class RiskModel:
    """A validated risk-model spec with its deterministic precomputation (P1)-(P4).

    Build one with :func:`load_spec`. Money is in ``amount_unit`` of ``currency``.
    The derived arrays (``discount_factors``, ``weights``, ``pv_factors``, ...)
    are computed once and read-only.

    Examples
    --------
    >>> model = load_spec({
    ...     "spec_version": "1.0", "name": "demo", "currency": "EUR", "amount_unit": 1,
    ...     "discount_rate": 0.0, "horizon_years": 2,
    ...     "base_cash_flows": {"mode": "by_year", "capex": [10, 0], "opex": [0, 1],
    ...                         "revenue": [0, 20]},
    ...     "parties": {"public": "authority"},
    ...     "risks": [{"id": "R1", "name": "overrun", "probability": 0.5,
    ...                "impact": {"type": "uniform", "min": 0, "max": 4},
    ...                "applies_to": "capex", "years": [1], "allocation": {"public": 1}}]})
    >>> model.base_npv
    9.0
    >>> model.expected_npv()
    8.0
    """

    name: str
    currency: str
    amount_unit: float
    discount_rate: float
    horizon_years: int
    base_cash_flows: BaseCashFlows
    parties: Mapping[str, str]
    risks: tuple[Risk, ...]
    correlations: tuple[Correlation, ...] = ()
    simulation: SimulationSettings = SimulationSettings()
    description: str | None = None
    start_year: int | None = None

    # ----------------------------------------------------------- precomputation

    @property
    def party_ids(self) -> tuple[str, ...]:
        """Party ids in the order of the spec's ``parties`` object."""
        return tuple(self.parties)

    @property
    def risk_ids(self) -> tuple[str, ...]:
        """Risk ids in register order (index i)."""
        return tuple(risk.id for risk in self.risks)

    @cached_property
    def discount_factors(self) -> FloatArray:
        """``DF_t = (1 + r)^(-t)`` for ``t = 1..H`` (dimensionless), shape ``(H,)``."""
        t = np.arange(1, self.horizon_years + 1, dtype=np.float64)
        return _readonly(np.power(1.0 + self.discount_rate, -t))

    @cached_property
    def base_cash_flow(self) -> FloatArray:
        """``CF0_t = revenue_t - opex_t - capex_t`` (amount_unit), shape ``(H,)``."""
        base = self.base_cash_flows
        return _readonly(base.line("revenue") - base.line("opex") - base.line("capex"))

    @cached_property
    def base_npv(self) -> float:
        """``NPV0 = sum_t CF0_t DF_t`` (amount_unit)."""
        return float(np.dot(self.base_cash_flow, self.discount_factors))

    @cached_property
    def weights(self) -> FloatArray:
        """Yearly weights ``w_{i,t}`` (amount_unit per impact unit), shape ``(R, H)`` (P2)."""
        w = np.zeros((len(self.risks), self.horizon_years))
        for i, risk in enumerate(self.risks):
            cols = np.array(risk.years, dtype=np.intp) - 1
            if risk.basis == "relative":
                w[i, cols] = risk.unit_value * self.base_cash_flows.line(risk.applies_to)[cols]
            else:
                yw = (
                    np.ones(len(cols)) if risk.year_weights is None else np.array(risk.year_weights)
                )
                w[i, cols] = risk.unit_value * yw / yw.sum()
        return _readonly(w)

    @cached_property
    def pv_factors(self) -> FloatArray:
        """``K_i = sum_t w_{i,t} DF_t`` (amount_unit per impact unit), shape ``(R,)`` (P3)."""
        return _readonly(self.weights @ self.discount_factors)

    @cached_property
    def correlation_matrix(self) -> FloatArray:
        """The copula correlation matrix ``C`` (R x R), unit diagonal (P4)."""
        return _readonly(_correlation_matrix(self.risk_ids, self.correlations))

    @cached_property
    def allocation_matrix(self) -> FloatArray:
        """Shares ``a_{i,p}``, shape ``(R, P)``, parties in :attr:`party_ids` order."""
        col = {p: j for j, p in enumerate(self.party_ids)}
        a = np.zeros((len(self.risks), len(col)))
        for i, risk in enumerate(self.risks):
            for party, share in risk.allocation.items():
                a[i, col[party]] = share
        return _readonly(a)

    @cached_property
    def probabilities(self) -> FloatArray:
        """Occurrence probabilities ``p_i``, shape ``(R,)``."""
        return _readonly(np.array([risk.probability for risk in self.risks], dtype=np.float64))

    # ----------------------------------------------------------- closed forms

    def expected_risk_costs(self) -> FloatArray:
        """Closed-form ``E[L_i] = p_i E[X_i] K_i`` (amount_unit), shape ``(R,)``.

        Notes
        -----
        Occurrence is independent of impact (I1), so ``E[O_i X_i] = p_i E[X_i]``,
        whatever the correlations.
        """
        mean_x = np.array([risk.impact.expected_value() for risk in self.risks])
        return np.asarray(self.probabilities * mean_x * self.pv_factors, dtype=np.float64)

    def expected_npv(self) -> float:
        """Closed-form ``E[NPV] = NPV0 - sum_i p_i E[X_i] K_i`` (amount_unit)."""
        return self.base_npv - float(self.expected_risk_costs().sum())

    def expected_party_costs(self) -> dict[str, float]:
        """Closed-form ``E[L_p] = sum_i a_{i,p} p_i E[X_i] K_i`` per party (amount_unit)."""
        costs = self.expected_risk_costs() @ self.allocation_matrix
        return {p: float(c) for p, c in zip(self.party_ids, costs, strict=True)}

    # ----------------------------------------------------------- round trip

    def to_dict(self) -> dict[str, Any]:
        """The spec as a JSON-ready dict (defaults written out); ``load_spec`` accepts it."""
        out: dict[str, Any] = {"spec_version": "1.0", "name": self.name}
        if self.description is not None:
            out["description"] = self.description
        out |= {
            "currency": self.currency,
            "amount_unit": self.amount_unit,
            "discount_rate": self.discount_rate,
            "horizon_years": self.horizon_years,
        }
        if self.start_year is not None:
            out["start_year"] = self.start_year
        out["base_cash_flows"] = copy.deepcopy(dict(self.base_cash_flows.source))
        out["parties"] = dict(self.parties)
        out["risks"] = [_risk_to_dict(risk) for risk in self.risks]
        out["correlations"] = [{"risks": list(c.risks), "rho": c.rho} for c in self.correlations]
        sim = self.simulation
        out["simulation"] = {
            "iterations": sim.iterations,
            "percentiles": list(sim.percentiles),
            "var_confidence": sim.var_confidence,
        }
        if sim.seed is not None:
            out["simulation"]["seed"] = sim.seed
        return out


def _readonly(a: FloatArray) -> FloatArray:
    a.setflags(write=False)
    return a


def _risk_to_dict(risk: Risk) -> dict[str, Any]:
    out: dict[str, Any] = {"id": risk.id, "name": risk.name}
    if risk.category is not None:
        out["category"] = risk.category
    out |= {
        "probability": risk.probability,
        "impact": risk.impact.to_dict(),
        "unit_value": risk.unit_value,
        "basis": risk.basis,
        "applies_to": risk.applies_to,
        "years": list(risk.years),
    }
    if risk.year_weights is not None:
        out["year_weights"] = list(risk.year_weights)
    out["allocation"] = dict(risk.allocation)
    if risk.notes is not None:
        out["notes"] = risk.notes
    return out


def _correlation_matrix(ids: Sequence[str], correlations: Iterable[Correlation]) -> FloatArray:
    index = {rid: i for i, rid in enumerate(ids)}
    c = np.eye(len(ids))
    for corr in correlations:
        i, j = index[corr.risks[0]], index[corr.risks[1]]
        c[i, j] = c[j, i] = corr.rho
    return c


# --------------------------------------------------------------------------- schema


_SCHEMA = "risk-model.schema.json"


def schema() -> dict[str, Any]:
    """The risk-model JSON Schema shipped in this package (a copy of the shared spec)."""
    return packaged_schema(_SCHEMA)


# --------------------------------------------------------------------------- validation


def validate_spec(data: Any) -> list[SpecIssue]:
    """Every problem of a parsed spec, schema and semantic; empty when it is valid.

    Parameters
    ----------
    data : Any
        The parsed JSON document (normally a ``dict``).

    Returns
    -------
    list of SpecIssue
        Sorted by path. Semantic checks run only when the document conforms to
        the schema (they rely on its types).

    Notes
    -----
    Semantic checks: base line arrays of exactly ``horizon_years`` values;
    ``construction_years < horizon_years`` and a ``capex_profile`` of that length
    with a positive sum; unique risk ids; years in ``1..H``; ``year_weights``
    only for ``basis = 'absolute'``, one per year, positive sum; allocation keys
    that are parties and shares summing to 1 (tolerance 1e-9); ``min < max`` and
    ``min <= mode <= max``; correlations between known, distinct risks, each
    pair once, and a correlation matrix whose Cholesky factorisation succeeds.

    Examples
    --------
    >>> for issue in validate_spec({"spec_version": "2.0"})[:2]:
    ...     print(issue)
    $: missing required field 'amount_unit'
    $: missing required field 'base_cash_flows'
    """
    return validate(data, _SCHEMA, _semantic_issues)


def _semantic_issues(spec: Mapping[str, Any]) -> list[SpecIssue]:
    issues: list[SpecIssue] = []
    horizon: int = spec["horizon_years"]
    issues += _base_issues(spec["base_cash_flows"], horizon)
    parties = spec["parties"]
    first_seen: dict[str, int] = {}
    for i, risk in enumerate(spec["risks"]):
        here: list[str | int] = ["risks", i]
        rid = risk["id"]
        if rid in first_seen:
            issues.append(
                SpecIssue(
                    json_path([*here, "id"]),
                    f"duplicate risk id '{rid}' (already used by $.risks[{first_seen[rid]}])",
                )
            )
        else:
            first_seen[rid] = i
        for k, year in enumerate(risk["years"]):
            if not 1 <= year <= horizon:
                issues.append(
                    SpecIssue(
                        json_path([*here, "years", k]),
                        f"year {year} is outside the horizon 1..{horizon}",
                    )
                )
        issues += _year_weight_issues(risk, here)
        issues += _allocation_issues(risk["allocation"], parties, here)
        issues += _distribution_issues(risk["impact"], [*here, "impact"])
    issues += _correlation_issues(spec.get("correlations", []), list(first_seen))
    return issues


def _base_issues(base: Mapping[str, Any], horizon: int) -> list[SpecIssue]:
    issues: list[SpecIssue] = []
    here: list[str | int] = ["base_cash_flows"]
    if base["mode"] == "by_year":
        for name in ("capex", "opex", "revenue"):
            n = len(base[name])
            if n != horizon:
                issues.append(
                    SpecIssue(
                        json_path([*here, name]),
                        f"must have exactly {horizon} values (one per year of horizon_years), "
                        f"got {n}",
                    )
                )
        return issues
    c = base["construction_years"]
    if c >= horizon:
        issues.append(
            SpecIssue(
                json_path([*here, "construction_years"]),
                f"must be less than horizon_years ({horizon}), got {c}",
            )
        )
    profile = base.get("capex_profile")
    if profile is not None:
        if len(profile) != c:
            issues.append(
                SpecIssue(
                    json_path([*here, "capex_profile"]),
                    f"must have one weight per construction year ({c}), got {len(profile)}",
                )
            )
        elif sum(profile) <= 0:
            issues.append(
                SpecIssue(json_path([*here, "capex_profile"]), "weights must not all be 0")
            )
    return issues


def _year_weight_issues(risk: Mapping[str, Any], here: list[str | int]) -> list[SpecIssue]:
    weights = risk.get("year_weights")
    if weights is None:
        return []
    where = json_path([*here, "year_weights"])
    if risk.get("basis", "absolute") == "relative":
        return [SpecIssue(where, "not allowed when basis is 'relative' (only with 'absolute')")]
    if len(weights) != len(risk["years"]):
        n = len(risk["years"])
        message = f"must have one weight per entry of years ({n}), got {len(weights)}"
        return [SpecIssue(where, message)]
    if sum(weights) <= 0:
        return [SpecIssue(where, "weights must not all be 0")]
    return []


def _allocation_issues(
    allocation: Mapping[str, float], parties: Mapping[str, str], here: list[str | int]
) -> list[SpecIssue]:
    issues = [
        SpecIssue(
            json_path([*here, "allocation", party]),
            f"'{party}' is not a party of this spec (parties: {', '.join(parties)})",
        )
        for party in allocation
        if party not in parties
    ]
    total = math.fsum(allocation.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        issues.append(
            SpecIssue(
                json_path([*here, "allocation"]), f"shares must sum to 1, they sum to {total:.12g}"
            )
        )
    return issues


def _distribution_issues(dist: Mapping[str, Any], here: list[str | int]) -> list[SpecIssue]:
    where = json_path(here)
    kind = dist["type"]
    if kind in ("triangular", "pert", "uniform"):
        lo, hi = dist["min"], dist["max"]
        if not lo < hi:
            return [SpecIssue(where, f"min ({lo:g}) must be less than max ({hi:g})")]
        if kind != "uniform" and not lo <= dist["mode"] <= hi:
            mode = dist["mode"]
            message = f"mode ({mode:g}) must lie between min ({lo:g}) and max ({hi:g})"
            return [SpecIssue(where, message)]
    return []


def _correlation_issues(correlations: Sequence[Any], ids: list[str]) -> list[SpecIssue]:
    issues: list[SpecIssue] = []
    known = set(ids)
    seen: dict[frozenset[str], int] = {}
    for k, corr in enumerate(correlations):
        a, b = corr["risks"]
        bad = [(j, rid) for j, rid in enumerate((a, b)) if rid not in known]
        for j, rid in bad:
            issues.append(
                SpecIssue(json_path(["correlations", k, "risks", j]), f"unknown risk id '{rid}'")
            )
        pair = frozenset((a, b))
        if not bad and pair in seen:
            issues.append(
                SpecIssue(
                    json_path(["correlations", k]),
                    f"the pair {a}, {b} is already correlated by $.correlations[{seen[pair]}]",
                )
            )
        seen.setdefault(pair, k)
    if issues or not correlations:
        return issues
    items = [Correlation((c["risks"][0], c["risks"][1]), float(c["rho"])) for c in correlations]
    matrix = _correlation_matrix(ids, items)
    try:
        np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        smallest = float(np.linalg.eigvalsh(matrix)[0])
        issues.append(
            SpecIssue(
                "$.correlations",
                "the correlation matrix is not positive definite (its smallest eigenvalue is "
                f"{smallest:.3g}); these correlations cannot hold together, reduce some of them",
            )
        )
    return issues


# --------------------------------------------------------------------------- loading


def load_spec(source: RiskModel | Mapping[str, Any] | str | os.PathLike[str]) -> RiskModel:
    """Load and validate a risk-model spec.

    Parameters
    ----------
    source : RiskModel, Mapping or path
        A path to a JSON file (``str`` or ``os.PathLike``), an already parsed
        document, or a :class:`RiskModel` (returned unchanged).

    Returns
    -------
    RiskModel
        The validated model; money in ``amount_unit`` of its ``currency``.

    Raises
    ------
    SpecError
        If the file cannot be read or parsed, or the document is invalid;
        ``.issues`` lists every problem as ``path: message``.

    Notes
    -----
    Defaults of the schema are filled in: ``unit_value = 1``, ``basis =
    'absolute'``, ``lambda = 4``, ``escalation = 0``, ``correlations = []``,
    ``simulation = {iterations: 10000, percentiles: [5, 50, 90, 95],
    var_confidence: 0.95}``.

    References
    ----------
    ``shared/specs/risk-model.schema.json`` (spec version 1.0), shipped as
    ``mitra/analysis/schemas/risk-model.schema.json``.
    """
    if isinstance(source, RiskModel):
        return source
    return _build(checked(source, validate_spec))


def _distribution(d: Mapping[str, Any]) -> Distribution:
    kind = d["type"]
    if kind == "triangular":
        return Triangular(float(d["min"]), float(d["mode"]), float(d["max"]))
    if kind == "pert":
        return Pert(float(d["min"]), float(d["mode"]), float(d["max"]), float(d.get("lambda", 4)))
    if kind == "lognormal":
        return Lognormal(float(d["mean"]), float(d["sd"]))
    if kind == "normal":
        return Normal(float(d["mean"]), float(d["sd"]))
    return Uniform(float(d["min"]), float(d["max"]))


def _base_lines(base: Mapping[str, Any], horizon: int) -> BaseCashFlows:
    source = copy.deepcopy(dict(base))
    if base["mode"] == "by_year":
        return BaseCashFlows(
            tuple(float(v) for v in base["capex"]),
            tuple(float(v) for v in base["opex"]),
            tuple(float(v) for v in base["revenue"]),
            source,
        )
    c = int(base["construction_years"])
    g = float(base.get("escalation", 0.0))
    profile = np.array(base.get("capex_profile", [1.0] * c), dtype=np.float64)
    ramp = [float(v) for v in base.get("revenue_ramp_up", [])]
    capex, opex, revenue = np.zeros(horizon), np.zeros(horizon), np.zeros(horizon)
    if c > 0:
        capex[:c] = float(base["capex_total"]) * profile / profile.sum()
    s = np.arange(horizon - c, dtype=np.float64)
    growth = np.power(1.0 + g, s)
    ramp_s = np.array([ramp[k] if k < len(ramp) else 1.0 for k in range(horizon - c)])
    opex[c:] = float(base["opex_per_year"]) * growth
    revenue[c:] = float(base["revenue_per_year"]) * growth * ramp_s
    return BaseCashFlows(
        tuple(capex.tolist()), tuple(opex.tolist()), tuple(revenue.tolist()), source
    )


def _build(spec: Mapping[str, Any]) -> RiskModel:
    horizon = int(spec["horizon_years"])
    risks = tuple(
        Risk(
            id=r["id"],
            name=r["name"],
            probability=float(r["probability"]),
            impact=_distribution(r["impact"]),
            applies_to=r["applies_to"],
            years=tuple(int(y) for y in r["years"]),
            allocation={p: float(s) for p, s in r["allocation"].items()},
            unit_value=float(r.get("unit_value", 1.0)),
            basis=r.get("basis", "absolute"),
            year_weights=(
                tuple(float(w) for w in r["year_weights"]) if "year_weights" in r else None
            ),
            category=r.get("category"),
            notes=r.get("notes"),
        )
        for r in spec["risks"]
    )
    correlations = tuple(
        Correlation((c["risks"][0], c["risks"][1]), float(c["rho"]))
        for c in spec.get("correlations", [])
    )
    sim = spec.get("simulation", {})
    settings = SimulationSettings(
        iterations=int(sim.get("iterations", 10_000)),
        seed=int(sim["seed"]) if "seed" in sim else None,
        percentiles=tuple(float(q) for q in sim.get("percentiles", (5, 50, 90, 95))),
        var_confidence=float(sim.get("var_confidence", 0.95)),
    )
    return RiskModel(
        name=spec["name"],
        currency=spec["currency"],
        amount_unit=float(spec["amount_unit"]),
        discount_rate=float(spec["discount_rate"]),
        horizon_years=horizon,
        base_cash_flows=_base_lines(spec["base_cash_flows"], horizon),
        parties=dict(spec["parties"]),
        risks=risks,
        correlations=correlations,
        simulation=settings,
        description=spec.get("description"),
        start_year=spec.get("start_year"),
    )
