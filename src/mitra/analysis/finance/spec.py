"""The project-finance model spec (``finance-model.schema.json``) as frozen dataclasses.

Loading follows :mod:`mitra.analysis.risk.spec`: strict JSON, the JSON Schema
shipped in this package, then semantic checks; every problem is a
:class:`~mitra.analysis.risk.spec.SpecIssue` with a JSON path such as
``$.debt.tenor_years``. :func:`load_model` returns a :class:`FinanceModel`;
``model.to_dict()`` gives back a valid spec (defaults written out).

Decimal policy: the spec's numbers are JSON numbers read as ``float``. Money is
in ``amount_unit`` of ``currency``; the one place where ``amount_unit`` is a
multiplier is user-pays revenue, because a tariff is naturally stated per unit
of demand in plain currency units: ``revenue = tariff x demand / amount_unit``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mitra.analysis._spec import SpecIssue, checked, json_path, packaged_schema, validate

__all__ = [
    "AvailabilityPayment",
    "ConcessionFee",
    "Debt",
    "Deduction",
    "DiscountRates",
    "FinanceModel",
    "Guarantee",
    "Opex",
    "Subsidy",
    "Tax",
    "UserPays",
    "Vgf",
    "finance_model_schema",
    "load_model",
    "validate_model",
]

SPEC_VERSION = "1.0"

#: Default cap on VGF as a share of construction cost. Indonesia's VGF
#: regulation (PMK 223/PMK.011/2012) caps the support at 49 % of the
#: construction cost, which includes interest during construction and excludes land;
#: a spec may state another cap.
DEFAULT_VGF_MAX_SHARE = 0.49

#: Default loss carry-forward in years (Indonesia, UU PPh art. 6(2): five years).
DEFAULT_LOSS_CARRY_FORWARD_YEARS = 5


# --------------------------------------------------------------------------- dataclasses


@dataclass(frozen=True)
class DiscountRates:
    """Discount rates (decimals per year): public (government NPC), equity, project."""

    public: float
    equity: float
    project: float


@dataclass(frozen=True)
class Opex:
    """Operating cost ``annual`` (amount_unit per year at ``price_base_year`` prices)."""

    annual: float
    indexation: float = 0.0


@dataclass(frozen=True)
class UserPays:
    """User-pays revenue: ``tariff`` (currency units per demand unit) x ``demand``.

    ``demand`` is the demand of the first operating year (demand units per year),
    before ``ramp_up``; ``tariff`` is at ``price_base_year`` prices. Indexation
    stops from ``tariff_frozen_from`` (a calendar year) on.
    """

    tariff: float
    demand: float
    tariff_indexation: float = 0.0
    demand_growth: float = 0.0
    ramp_up: tuple[float, ...] = ()
    tariff_frozen_from: int | None = None
    demand_unit: str | None = None


@dataclass(frozen=True)
class Deduction:
    """An availability-payment cut of ``fraction`` from calendar year ``from_year`` on."""

    from_year: int
    fraction: float


@dataclass(frozen=True)
class AvailabilityPayment:
    """Government-pays: ``annual`` (amount_unit per year at ``price_base_year`` prices).

    Paid ``annual x (1 + indexation)^(year - price_base_year) x performance_factor
    x prod(1 - fraction of each deduction in force)`` in each operating year.
    """

    annual: float
    indexation: float = 0.0
    performance_factor: float = 1.0
    deductions: tuple[Deduction, ...] = ()


@dataclass(frozen=True)
class Subsidy:
    """An operating subsidy or grant from government (amount_unit per year)."""

    annual: float
    indexation: float = 0.0
    years: int | None = None


@dataclass(frozen=True)
class ConcessionFee:
    """Paid by the private party to government: ``fixed`` + ``revenue_share`` x user revenue."""

    fixed: float = 0.0
    revenue_share: float = 0.0


@dataclass(frozen=True)
class Vgf:
    """Viability-gap funding: ``amount`` (amount_unit) paid pro rata to construction capex.

    Only for a project with a user charge; at most ``max_share`` of the construction cost
    including interest during construction (PMK 223/PMK.011/2012).
    """

    amount: float
    max_share: float = DEFAULT_VGF_MAX_SHARE


@dataclass(frozen=True)
class Debt:
    """Senior debt: ``share`` of the private capex, ``rate``, tenor, grace, repayment profile."""

    share: float
    rate: float
    tenor_years: int
    grace_years: int = 0
    repayment: str = "annuity"
    target_dscr: float | None = None


@dataclass(frozen=True)
class Tax:
    """Corporate income tax: ``rate``, straight-line depreciation life, loss carry-forward."""

    rate: float
    depreciation_years: int
    loss_carry_forward_years: int = DEFAULT_LOSS_CARRY_FORWARD_YEARS


@dataclass(frozen=True)
class Guarantee:
    """A PT PII-style guarantee, as data: what is guaranteed, the cap, the yearly fee rate.

    The fee (``fee_rate x cap`` per operating year, amount_unit) is paid by the
    private party to the guarantor, a government entity; the fiscal module
    reads ``cap`` as the contingent liability.
    """

    provider: str
    obligation: str
    cap: float
    fee_rate: float = 0.0
    beneficiary: str | None = None


@dataclass(frozen=True)
class FinanceModel:
    """A validated project-finance model (build one with :func:`load_model`).

    Money in ``amount_unit`` of ``currency``; years are calendar years. The
    concession runs from ``start_year`` (first construction year) to
    ``handback_year`` inclusive; operations start in ``cod_year``.
    """

    name: str
    currency: str
    amount_unit: float
    start_year: int
    construction_years: int
    handback_year: int
    capex: tuple[float, ...]
    opex: Opex
    discount_rates: DiscountRates
    price_base_year: int
    land_acquisition: tuple[float, ...] = ()
    other_costs: Mapping[int, float] = field(default_factory=dict)
    user_pays: UserPays | None = None
    availability_payment: AvailabilityPayment | None = None
    subsidy: Subsidy | None = None
    concession_fee: ConcessionFee | None = None
    vgf: Vgf | None = None
    debt: Debt | None = None
    tax: Tax | None = None
    guarantee: Guarantee | None = None
    description: str | None = None

    @property
    def cod_year(self) -> int:
        """First operating year (commercial operation date), calendar year."""
        return self.start_year + self.construction_years

    @property
    def years(self) -> tuple[int, ...]:
        """Calendar years ``start_year .. handback_year``."""
        return tuple(range(self.start_year, self.handback_year + 1))

    @property
    def operating_years(self) -> int:
        """Number of operating years ``handback_year - cod_year + 1``."""
        return self.handback_year - self.cod_year + 1

    def to_dict(self) -> dict[str, Any]:
        """The spec as a JSON-ready dict (defaults written out); :func:`load_model` accepts it."""
        out: dict[str, Any] = {"spec_version": SPEC_VERSION, "name": self.name}
        if self.description is not None:
            out["description"] = self.description
        out |= {
            "currency": self.currency,
            "amount_unit": self.amount_unit,
            "start_year": self.start_year,
            "construction_years": self.construction_years,
            "handback_year": self.handback_year,
            "price_base_year": self.price_base_year,
            "discount_rates": {
                "public": self.discount_rates.public,
                "equity": self.discount_rates.equity,
                "project": self.discount_rates.project,
            },
            "capex": list(self.capex),
        }
        if self.land_acquisition:
            out["land_acquisition"] = list(self.land_acquisition)
        out["opex"] = {"annual": self.opex.annual, "indexation": self.opex.indexation}
        if self.other_costs:
            out["other_costs"] = {str(y): v for y, v in sorted(self.other_costs.items())}
        if (up := self.user_pays) is not None:
            d: dict[str, Any] = {
                "tariff": up.tariff,
                "demand": up.demand,
                "tariff_indexation": up.tariff_indexation,
                "demand_growth": up.demand_growth,
                "ramp_up": list(up.ramp_up),
            }
            if up.tariff_frozen_from is not None:
                d["tariff_frozen_from"] = up.tariff_frozen_from
            if up.demand_unit is not None:
                d["demand_unit"] = up.demand_unit
            out["user_pays"] = d
        if (ap := self.availability_payment) is not None:
            out["availability_payment"] = {
                "annual": ap.annual,
                "indexation": ap.indexation,
                "performance_factor": ap.performance_factor,
                "deductions": [
                    {"from_year": x.from_year, "fraction": x.fraction} for x in ap.deductions
                ],
            }
        if (sub := self.subsidy) is not None:
            s: dict[str, Any] = {"annual": sub.annual, "indexation": sub.indexation}
            if sub.years is not None:
                s["years"] = sub.years
            out["subsidy"] = s
        if (cf := self.concession_fee) is not None:
            out["concession_fee"] = {"fixed": cf.fixed, "revenue_share": cf.revenue_share}
        if (vgf := self.vgf) is not None:
            out["vgf"] = {"amount": vgf.amount, "max_share": vgf.max_share}
        if (debt := self.debt) is not None:
            dd: dict[str, Any] = {
                "share": debt.share,
                "rate": debt.rate,
                "tenor_years": debt.tenor_years,
                "grace_years": debt.grace_years,
                "repayment": debt.repayment,
            }
            if debt.target_dscr is not None:
                dd["target_dscr"] = debt.target_dscr
            out["debt"] = dd
        if (tax := self.tax) is not None:
            out["tax"] = {
                "rate": tax.rate,
                "depreciation_years": tax.depreciation_years,
                "loss_carry_forward_years": tax.loss_carry_forward_years,
            }
        if (g := self.guarantee) is not None:
            gd: dict[str, Any] = {
                "provider": g.provider,
                "obligation": g.obligation,
                "cap": g.cap,
                "fee_rate": g.fee_rate,
            }
            if g.beneficiary is not None:
                gd["beneficiary"] = g.beneficiary
            out["guarantee"] = gd
        return out


# --------------------------------------------------------------------------- schema


_SCHEMA = "finance-model.schema.json"


def finance_model_schema() -> dict[str, Any]:
    """The finance-model JSON Schema shipped in this package (draft 2020-12)."""
    return packaged_schema(_SCHEMA)


def validate_model(data: Any) -> list[SpecIssue]:
    """Every problem of a parsed finance-model spec, schema and semantic; empty when valid.

    Parameters
    ----------
    data : Any
        The parsed JSON document (normally a ``dict``).

    Returns
    -------
    list of SpecIssue
        Sorted by path. Semantic checks run only when the document conforms to
        the schema.

    Notes
    -----
    Semantic checks: at least one operating year (``handback_year >=
    start_year + construction_years``) and at most 100 modelled years;
    ``capex`` and ``land_acquisition`` with one value per construction year
    and a positive capex total; a revenue source (``user_pays`` or
    ``availability_payment``); ``other_costs`` keys inside the concession;
    VGF only with a user charge (PMK 223/PMK.011/2012) and at most ``max_share`` of the
    construction cost including interest during construction; debt ``grace_years <
    tenor_years``, the loan repaid by the hand-back year, and ``target_dscr``
    when the repayment is sculpted.

    Examples
    --------
    >>> [str(i) for i in validate_model({"spec_version": "1.0"})][:1]
    ["$: missing required field 'amount_unit'"]
    """
    return validate(data, _SCHEMA, _semantic_issues)


#: Why a project with no user charge gets no VGF (``$.vgf``).
VGF_USER_CHARGE_MESSAGE = (
    "VGF (Dukungan Kelayakan) is only for a project whose return comes from user tariffs "
    "(PMK 223/PMK.011/2012), not from availability payments alone; this project has no user "
    "charge ('user_pays' with a tariff and demand above 0)"
)


def has_user_charge(user_pays: Mapping[str, Any] | UserPays | None) -> bool:
    """Whether users pay a tariff: ``user_pays`` with a tariff and a demand above 0.

    PMK 223/PMK.011/2012 gives VGF (Dukungan Kelayakan) only to a KPBU whose return comes
    from the users' tariffs; a project paid by availability payments alone gets none.
    """
    if user_pays is None:
        return False
    if isinstance(user_pays, UserPays):
        return user_pays.tariff > 0 and user_pays.demand > 0
    return float(user_pays["tariff"]) > 0 and float(user_pays["demand"]) > 0


def construction_interest(
    capex: Iterable[float],
    other: Iterable[float],
    vgf_amount: float,
    debt_share: float,
    debt_rate: float,
) -> float:
    """Interest during construction (IDC, amount_unit) of the senior debt.

    Parameters
    ----------
    capex : iterable of float
        Construction capex by construction year (amount_unit).
    other : iterable of float
        Other costs falling in the same construction years (amount_unit).
    vgf_amount : float
        VGF (amount_unit), paid pro rata to capex.
    debt_share, debt_rate : float
        Gearing (share of private capex drawn as debt) and debt rate (decimal per year).

    Returns
    -------
    float
        ``IDC = sum_j share K_j ((1 + r)^(c - 1 - j) - 1)`` with private capex
        ``K_j = capex_j + other_j - VGF capex_j / sum capex``: a draw at the end of year ``j``
        capitalises interest until COD, as in :func:`~mitra.analysis.finance.run_model`.

    Notes
    -----
    The loan is drawn at its gearing share; when a sculpted loan is sized down by its
    target DSCR the model's IDC is that of the smaller loan (lower), so a VGF within this cap
    is within the regulation's.

    Examples
    --------
    >>> round(construction_interest([100, 100], [0, 0], 0.0, 0.7, 0.10), 12)
    7.0
    """
    k = list(capex)
    extra = list(other)
    total = math.fsum(k)
    c = len(k)
    idc = 0.0
    for j, amount in enumerate(k):
        private = amount + extra[j] - (vgf_amount * amount / total if total else 0.0)
        idc += debt_share * private * ((1.0 + debt_rate) ** (c - 1 - j) - 1.0)
    return idc


def vgf_construction_cost(spec: Mapping[str, Any], vgf_amount: float) -> tuple[float, float]:
    """Construction cost including IDC, and the IDC, of a schema-valid spec (amount_unit).

    The VGF cap of PMK 223/PMK.011/2012 is a share of the construction cost, which includes
    the interest during construction and excludes land: ``capex + other costs of the
    construction years + IDC(VGF)``.
    """
    start, c = int(spec["start_year"]), int(spec["construction_years"])
    capex = [float(v) for v in spec["capex"]]
    others = {int(y): float(v) for y, v in spec.get("other_costs", {}).items()}
    other = [others.get(start + j, 0.0) for j in range(c)]
    debt = spec.get("debt")
    idc = 0.0
    if debt is not None and len(capex) == c:
        idc = construction_interest(capex, other, vgf_amount, debt["share"], debt["rate"])
    return math.fsum(capex) + math.fsum(other) + idc, idc


def _issue(parts: Iterable[str | int], message: str) -> SpecIssue:
    return SpecIssue(json_path(parts), message)


def _semantic_issues(spec: Mapping[str, Any]) -> list[SpecIssue]:
    issues: list[SpecIssue] = []
    start, c, handback = spec["start_year"], spec["construction_years"], spec["handback_year"]
    cod = start + c
    if handback < cod:
        issues.append(
            _issue(
                ["handback_year"],
                f"must be at least {cod} (start_year + construction_years) so that the "
                f"project operates for at least one year, got {handback}",
            )
        )
    if handback - start + 1 > 100:
        issues.append(
            _issue(["handback_year"], f"at most 100 modelled years, got {handback - start + 1}")
        )
    for name in ("capex", "land_acquisition"):
        values = spec.get(name)
        if values is not None and len(values) != c:
            issues.append(
                _issue(
                    [name],
                    f"must have one value per construction year ({c}), got {len(values)}",
                )
            )
    capex_total = math.fsum(spec["capex"])
    if capex_total <= 0:
        issues.append(_issue(["capex"], "the construction capex must not be all 0"))
    if "user_pays" not in spec and "availability_payment" not in spec:
        issues.append(
            _issue([], "needs a revenue source: 'user_pays', 'availability_payment' or both")
        )
    for key in spec.get("other_costs", {}):
        year = int(key)
        if not start <= year <= handback:
            issues.append(
                _issue(
                    ["other_costs", key],
                    f"year {year} is outside the concession {start}..{handback}",
                )
            )
    vgf = spec.get("vgf")
    if vgf is not None and vgf["amount"] > 0 and not has_user_charge(spec.get("user_pays")):
        issues.append(_issue(["vgf"], VGF_USER_CHARGE_MESSAGE))
    elif vgf is not None and capex_total > 0:
        share = vgf.get("max_share", DEFAULT_VGF_MAX_SHARE)
        cost, idc = vgf_construction_cost(spec, vgf["amount"])
        cap = share * cost
        if vgf["amount"] > cap * (1 + 1e-12):
            issues.append(
                _issue(
                    ["vgf", "amount"],
                    f"must be at most max_share x construction cost including interest during "
                    f"construction = {share:g} x ({cost - idc:.6g} + IDC {idc:.6g}) = {cap:.6g}, "
                    f"got {vgf['amount']:.6g}",
                )
            )
    debt = spec.get("debt")
    if debt is not None:
        tenor, grace = debt["tenor_years"], debt.get("grace_years", 0)
        if grace >= tenor:
            issues.append(
                _issue(
                    ["debt", "grace_years"],
                    f"must be less than tenor_years ({tenor}), got {grace}",
                )
            )
        if cod + tenor - 1 > handback:
            issues.append(
                _issue(
                    ["debt", "tenor_years"],
                    f"the loan would mature in {cod + tenor - 1}, after the hand-back year "
                    f"{handback}; at most {handback - cod + 1} years",
                )
            )
        if debt.get("repayment", "annuity") == "sculpted" and "target_dscr" not in debt:
            issues.append(
                _issue(["debt"], "missing required field 'target_dscr' (repayment is 'sculpted')")
            )
    return issues


# --------------------------------------------------------------------------- loading


def load_model(source: FinanceModel | Mapping[str, Any] | str | os.PathLike[str]) -> FinanceModel:
    """Load and validate a finance-model spec.

    Parameters
    ----------
    source : FinanceModel, Mapping or path
        A path to a JSON file, an already parsed document, or a
        :class:`FinanceModel` (returned unchanged).

    Returns
    -------
    FinanceModel
        The validated model; money in ``amount_unit`` of its ``currency``.

    Raises
    ------
    SpecError
        If the file cannot be read or parsed or the document is invalid;
        ``.issues`` lists every problem as ``path: message``.

    References
    ----------
    ``mitra/analysis/schemas/finance-model.schema.json`` (spec version 1.0),
    documented in ``docs/finance.md``.
    """
    if isinstance(source, FinanceModel):
        return source
    return _build(checked(source, validate_model))


def _opt(d: Mapping[str, Any] | None, key: str, default: float) -> float:
    return float(d.get(key, default)) if d is not None else default


def _build(spec: Mapping[str, Any]) -> FinanceModel:
    rates = spec["discount_rates"]
    up = spec.get("user_pays")
    ap = spec.get("availability_payment")
    sub = spec.get("subsidy")
    cf = spec.get("concession_fee")
    vgf = spec.get("vgf")
    debt = spec.get("debt")
    tax = spec.get("tax")
    g = spec.get("guarantee")
    return FinanceModel(
        name=spec["name"],
        description=spec.get("description"),
        currency=spec["currency"],
        amount_unit=float(spec["amount_unit"]),
        start_year=int(spec["start_year"]),
        construction_years=int(spec["construction_years"]),
        handback_year=int(spec["handback_year"]),
        price_base_year=int(spec.get("price_base_year", spec["start_year"])),
        discount_rates=DiscountRates(
            public=float(rates["public"]),
            equity=float(rates["equity"]),
            project=float(rates.get("project", rates["equity"])),
        ),
        capex=tuple(float(v) for v in spec["capex"]),
        land_acquisition=tuple(float(v) for v in spec.get("land_acquisition", ())),
        opex=Opex(float(spec["opex"]["annual"]), _opt(spec["opex"], "indexation", 0.0)),
        other_costs={int(k): float(v) for k, v in spec.get("other_costs", {}).items()},
        user_pays=None
        if up is None
        else UserPays(
            tariff=float(up["tariff"]),
            demand=float(up["demand"]),
            tariff_indexation=_opt(up, "tariff_indexation", 0.0),
            demand_growth=_opt(up, "demand_growth", 0.0),
            ramp_up=tuple(float(v) for v in up.get("ramp_up", ())),
            tariff_frozen_from=up.get("tariff_frozen_from"),
            demand_unit=up.get("demand_unit"),
        ),
        availability_payment=None
        if ap is None
        else AvailabilityPayment(
            annual=float(ap["annual"]),
            indexation=_opt(ap, "indexation", 0.0),
            performance_factor=_opt(ap, "performance_factor", 1.0),
            deductions=tuple(
                Deduction(int(x["from_year"]), float(x["fraction"]))
                for x in ap.get("deductions", ())
            ),
        ),
        subsidy=None
        if sub is None
        else Subsidy(float(sub["annual"]), _opt(sub, "indexation", 0.0), sub.get("years")),
        concession_fee=None
        if cf is None
        else ConcessionFee(_opt(cf, "fixed", 0.0), _opt(cf, "revenue_share", 0.0)),
        vgf=None
        if vgf is None
        else Vgf(float(vgf["amount"]), _opt(vgf, "max_share", DEFAULT_VGF_MAX_SHARE)),
        debt=None
        if debt is None
        else Debt(
            share=float(debt["share"]),
            rate=float(debt["rate"]),
            tenor_years=int(debt["tenor_years"]),
            grace_years=int(debt.get("grace_years", 0)),
            repayment=str(debt.get("repayment", "annuity")),
            target_dscr=float(debt["target_dscr"]) if "target_dscr" in debt else None,
        ),
        tax=None
        if tax is None
        else Tax(
            rate=float(tax["rate"]),
            depreciation_years=int(tax["depreciation_years"]),
            loss_carry_forward_years=int(
                tax.get("loss_carry_forward_years", DEFAULT_LOSS_CARRY_FORWARD_YEARS)
            ),
        ),
        guarantee=None
        if g is None
        else Guarantee(
            provider=str(g["provider"]),
            obligation=str(g["obligation"]),
            cap=float(g["cap"]),
            fee_rate=_opt(g, "fee_rate", 0.0),
            beneficiary=g.get("beneficiary"),
        ),
    )
