"""API of the finance tab's appraisal part (added to finance/api.py's router, under /api/v1/):
value for money, fiscal commitments and guarantees, stress tests, an organisation's budget and
its fiscal portfolio.

Reads go through ``appraisal_selectors`` (government-side figures to every partner and staff;
the project company's stress metrics only to those who may see the finance model; the public
only once the model is published), writes through ``appraisal_services``. Results are the
computation core's own JSON (``VfmResult.to_dict()``, ``FiscalResult.to_dict()``: the same as
``mitra vfm`` / ``mitra fiscal --format json`` on the same inputs), amounts as JSON numbers in
the result's ``amount_unit`` of its ``currency``; stored inputs (budgets, PVs typed by a person)
are decimal strings. Errors are mapped in config/api.py (422 with field errors, 409 stale).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Router, Status
from pydantic import BeforeValidator, StrictBool

from mitra.accounts.schemas import ERRORS, InSchema, StaleOut
from mitra.core.errors import NotFound
from mitra.organisations.models import Organisation
from mitra.partnerships.models import Partnership
from mitra.partnerships.schemas import MAX_ID, PositiveAmount, decimal_input
from mitra.partnerships.selectors import partnership_get

from . import appraisal_selectors as sel
from . import appraisal_services as services
from .appraisal_models import (
    BudgetKind,
    BudgetSeries,
    FiscalInputs,
    GuaranteeKind,
    LimitBasis,
    PaymentsSource,
    PublicGuarantee,
    StressScenario,
    VfmChecklist,
    VfmInputs,
)

router = Router(tags=["Finance"])

WRITE = {**ERRORS, 409: StaleOut}


def _object_or_none(value: Any) -> Any:
    # pydantic would read some non-objects (a list of pairs) as an object: refuse them here.
    if value is not None and not isinstance(value, dict):
        raise ValueError("Input should be an object or null.")
    return value


# (true/false are refused as numbers by every input schema: accounts.schemas.InSchema)
Number = Annotated[float, Field(ge=-1e12, le=1e12, allow_inf_nan=False)]
Series = Annotated[list[Number], Field(max_length=100)]
Year = Annotated[int, Field(ge=1900, le=2200)]
#: A rate or share from 0 to 1, at most 4 (rates) or 5 (shares) decimal places.
Fraction = Annotated[
    Decimal,
    Field(ge=0, le=1, max_digits=5, decimal_places=4, allow_inf_nan=False),
    *decimal_input(
        r"^(?:0(?:\.\d{1,4})?|1(?:\.0{1,4})?)$",
        {"minimum": 0, "maximum": 1, "multipleOf": 0.0001},
        "Write a fraction from 0 to 1 with a point, e.g. 0.08 (at most 4 places).",
    ),
]


def _signed_rate(minimum: str, negative_pattern: str) -> Any:
    """A rate per year from ``minimum`` (negative: a real discount rate below zero, a shrinking
    budget) to 1, at most 4 decimal places: the bounds the model and the pages take. The string
    pattern admits exactly that range (``negative_pattern``: the digits after "-0.")."""
    return Annotated[
        Decimal,
        Field(ge=Decimal(minimum), le=1, max_digits=5, decimal_places=4, allow_inf_nan=False),
        *decimal_input(
            rf"^(?:0(?:\.\d{{1,4}})?|1(?:\.0{{1,4}})?|-0(?:\.(?:{negative_pattern}))?)$",
            {"minimum": float(minimum), "maximum": 1, "multipleOf": 0.0001},
            f"Write a rate from {minimum} to 1 with a point, e.g. 0.08 (at most 4 places).",
        ),
    ]


#: The public discount rate: -0.99 to 1 (as the VfM and fiscal models take it).
DiscountRate = _signed_rate("-0.99", r"[0-8]\d{0,3}|9(?:[0-8]\d{0,2})?|990{0,2}")
#: Growth of a budget series for projected years: -0.5 to 1.
GrowthRate = _signed_rate("-0.5", r"[0-4]\d{0,3}|50{0,3}")
Share = Annotated[
    Decimal,
    Field(ge=0, le=1, max_digits=6, decimal_places=5, allow_inf_nan=False),
    *decimal_input(
        r"^(?:0(?:\.\d{1,5})?|1(?:\.0{1,5})?)$",
        {"minimum": 0, "maximum": 1, "multipleOf": 0.00001},
        "Write a share from 0 to 1 with a point, e.g. 0.005 (at most 5 places).",
    ),
]
#: A present value or amount in amount_unit: signed, at most 15 digits and 4 places.
PV = Annotated[
    Decimal,
    Field(ge=-(10**15) + 1, le=10**15 - 1, decimal_places=4, allow_inf_nan=False),
    *decimal_input(
        r"^-?\d{1,15}(?:\.\d{1,4})?$",
        {"minimum": -(10**15) + 1, "maximum": 10**15 - 1, "multipleOf": 0.0001},
        "Write a number with a point, e.g. 12.5 (at most 4 places).",
    ),
]
Currency = Literal["IDR", "USD", "EUR"]
VersionIn = Annotated[
    int | None,
    Field(
        None,
        ge=1,
        le=2**31 - 1,
        description="The version you read (required to change existing inputs).",
    ),
]


def _id(what: str) -> Any:
    return Path(..., ge=1, le=MAX_ID, description=f"{what} id.")


class AppraisalPaymentsIn(InSchema):
    start_year: Year | None = Field(None, description="Calendar year of the first value.")
    availability_payment: Series = Field(default_factory=list, description="By year, amount_unit.")
    vgf: Series = Field(default_factory=list, description="Viability gap funding by year.")
    land: Series = Field(default_factory=list, description="Land acquisition by year.")
    other: Series = Field(default_factory=list, description="Other payments by year.")


def _payments(p: AppraisalPaymentsIn | None) -> dict[str, Any]:
    if p is None:
        return {}
    out: dict[str, Any] = {k: v for k, v in p.dict().items() if v not in (None, [])}
    return out


class VfmInputsIn(InSchema):
    currency: Currency = Field(
        "IDR", description="ISO 4217 code (the finance model's is used when payments come from it)."
    )
    amount_unit: int = Field(
        1_000_000_000,
        ge=1,
        le=10**15,
        description="Amounts are in units of this, e.g. 1000000000.",
    )
    discount_rate: DiscountRate = Field(  # type: ignore[valid-type]
        ..., description="Public discount rate per year, a fraction (0.08; -0.99 to 1)."
    )
    base_year: Year = Field(..., description="Year the present values are expressed in.")
    psc_start_year: Year = Field(..., description="Calendar year of the first PSC value.")
    psc_capex: Series = Field(
        default_factory=list, description="PSC capital cost by year (nominal)."
    )
    psc_opex: Series = Field(default_factory=list, description="PSC operating cost by year.")
    psc_revenue: Series = Field(
        default_factory=list, description="PSC third-party revenue by year."
    )
    competitive_neutrality: PV = Field(Decimal(0), description="Present value.")
    transferable_parties: list[Annotated[str, Field(max_length=40)]] = Field(
        default_factory=list,
        max_length=50,
        description="Risk-party keys whose risk the KPBU transfers (empty: the private partners').",
    )
    retained_parties: list[Annotated[str, Field(max_length=40)]] = Field(
        default_factory=list,
        max_length=50,
        description="Risk-party keys of the government (empty: the public partners').",
    )
    transferable_risk: PV | None = Field(None, description="PV used without a risk simulation.")
    retained_risk: PV | None = Field(None, description="PV used without a risk simulation.")
    guarantee_calls: PV = Field(Decimal(0), description="PV of expected guarantee calls.")
    other_costs: PV = Field(Decimal(0), description="PV of other costs of the KPBU option.")
    payments_source: Literal["finance_model", "entered"] = Field(
        PaymentsSource.FINANCE_MODEL, description="Where the KPBU option's payments come from."
    )
    payments: Annotated[AppraisalPaymentsIn | None, BeforeValidator(_object_or_none)] = Field(
        None, description="Payments by year (when entered)."
    )
    version: VersionIn


class VfmAnswerIn(InSchema):
    answer: Literal["yes", "partly", "no", "unknown"] = Field(..., description="The answer.")
    note: str = Field("", max_length=2000, description="Why.")


class VfmChecklistIn(InSchema):
    answers: dict[Annotated[str, Field(max_length=40)], VfmAnswerIn] = Field(
        ..., description="Question key → answer."
    )
    version: VersionIn


class FiscalInputsIn(InSchema):
    pjpk_member: Annotated[int, Field(ge=1, le=MAX_ID)] | None = Field(
        None,
        description="Partnership member id whose budget bears the commitments (default: the contracting agency).",
    )
    currency: Currency = Field("IDR", description="ISO 4217 code.")
    amount_unit: int = Field(
        1_000_000_000, ge=1, le=10**15, description="Amounts are in units of this."
    )
    discount_rate: DiscountRate = Field(  # type: ignore[valid-type]
        ..., description="Public discount rate, a fraction (-0.99 to 1)."
    )
    base_year: Year = Field(..., description="Year the present values are expressed in.")
    commitments_source: Literal["finance_model", "entered"] = Field(
        PaymentsSource.FINANCE_MODEL, description="Where the direct commitments come from."
    )
    commitments: Annotated[AppraisalPaymentsIn | None, BeforeValidator(_object_or_none)] = Field(
        None, description="Direct commitments by year (when entered)."
    )
    limit_share: Share | None = Field(
        None, description="Affordability limit, a fraction of the budget."
    )
    limit_basis: Literal["direct", "direct_plus_expected", "direct_plus_p95"] = Field(
        LimitBasis.EXPECTED, description="What the limit applies to."
    )
    limit_source: str = Field("", max_length=300, description="Source of the limit.")
    capital_cost: PV | None = Field(None, description="Nominal capital cost (balance-sheet test).")
    construction_share: Fraction | None = Field(
        None, description="Government's share of construction risk."
    )
    availability_share: Fraction | None = Field(
        None, description="Government's share of availability risk."
    )
    demand_share: Fraction | None = Field(None, description="Government's share of demand risk.")
    control_services_and_prices: StrictBool | None = Field(
        None, description="IPSAS 32: the government controls the services and prices."
    )
    control_residual_interest: StrictBool | None = Field(
        None, description="IPSAS 32: it controls the residual interest."
    )
    control_whole_of_life: StrictBool | None = Field(
        None, description="IPSAS 32: the asset is used for its whole life."
    )
    version: VersionIn


class PublicGuaranteeIn(InSchema):
    code: str = Field(
        ...,
        min_length=1,
        max_length=40,
        pattern=r"^[-a-zA-Z0-9_]+$",
        description="Short id, e.g. PII-AP.",
    )
    name: str = Field(..., min_length=1, max_length=200, description="Name.")
    provider: str = Field("PT PII", min_length=1, max_length=120, description="Guarantor.")
    kind: Literal[tuple(GuaranteeKind.values)] = Field(
        GuaranteeKind.POLITICAL_RISK, description="Kind."
    )  # type: ignore[valid-type]
    covered_amount: PV | None = Field(None, description="Amount covered (amount_unit).")
    start_year: Year | None = Field(None, description="First year of the calls.")
    expected: Series = Field(default_factory=list, description="Expected calls by year.")
    p95: Series = Field(default_factory=list, description="P95 calls by year (optional).")
    risk_codes: list[Annotated[str, Field(min_length=1, max_length=20)]] = Field(
        default_factory=list,
        max_length=50,
        description="Risk ids whose government cost is the call (from the latest simulation).",
    )
    recourse: StrictBool = Field(
        True, description="Recovered from the PJPK under a Perjanjian Regres."
    )
    version: VersionIn


class StressScenarioIn(InSchema):
    name: str = Field(
        ..., min_length=1, max_length=120, description="Name (unique in the partnership)."
    )
    description: str = Field("", max_length=2000, description="Why this scenario.")
    template: str = Field("", max_length=30, description="Template key it started from.")
    shocks: list[dict[str, Any]] = Field(
        ...,
        min_length=1,
        max_length=20,
        description='Shocks as in stress-scenarios.schema.json, e.g. {"type": "interest", "bp": 150}.',
    )
    version: VersionIn


class BudgetYearValueIn(InSchema):
    year: Year = Field(..., description="Calendar year.")
    amount: PositiveAmount = Field(..., description="Whole currency units.")
    source: str = Field("", max_length=200, description="Source of this year's figure.")


class BudgetSeriesIn(InSchema):
    kind: Literal[tuple(BudgetKind.values)] = Field(
        BudgetKind.APBD, description="APBD, APBN or other."
    )  # type: ignore[valid-type]
    label: str = Field(..., min_length=1, max_length=200, description="What the figures are.")
    currency: Currency = Field("IDR", description="ISO 4217 code.")
    growth_rate: GrowthRate = Field(  # type: ignore[valid-type]
        Decimal("0.05"), description="Growth per year for projected years, a fraction (-0.5 to 1)."
    )
    source: str = Field(
        ..., min_length=1, max_length=2000, description="Where the figures come from."
    )
    years: list[BudgetYearValueIn] = Field(
        ..., max_length=100, description="The figures by year (replace the stored ones)."
    )
    version: VersionIn


# --------------------------------------------------------------------------- helpers


def _partnership(request: HttpRequest, pk: int) -> Partnership:
    return partnership_get(user=request.user, pk=pk)


def _organisation(pk: int) -> Organisation:
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise NotFound(_("Organisation not found."))
    return organisation


def _num(value: Any) -> str | None:
    return None if value is None else format(Decimal(value), "f")


def vfm_out(request: HttpRequest, partnership: Partnership) -> dict[str, Any]:
    view = sel.vfm_view(user=request.user, partnership=partnership)
    inputs = view.inputs
    out: dict[str, Any] = {
        "partnership": partnership.pk,
        "version": inputs.version if inputs else None,
        "inputs": None,
        "risk_source": None,
        "result": view.result.to_dict() if view.result is not None else None,
        "error": view.error or None,
        "verdict": sel.vfm_verdict(view) or None,
        "checklist": {
            "version": view.checklist_row.version if view.checklist_row else None,
            "answers": [
                {
                    "key": i["key"],
                    "question": str(i["question"]),
                    "answer": i["answer"],
                    "note": i["note"],
                }
                for i in view.checklist
            ],
        },
        "can_edit": view.can_edit,
    }
    if inputs is not None:
        out["inputs"] = {
            "currency": inputs.currency,
            "amount_unit": _num(inputs.amount_unit),
            "discount_rate": _num(inputs.discount_rate),
            "base_year": inputs.base_year,
            "psc_start_year": inputs.psc_start_year,
            "psc_capex": inputs.psc_capex,
            "psc_opex": inputs.psc_opex,
            "psc_revenue": inputs.psc_revenue,
            "competitive_neutrality": _num(inputs.competitive_neutrality),
            "transferable_parties": inputs.transferable_parties,
            "retained_parties": inputs.retained_parties,
            "transferable_risk": _num(inputs.transferable_risk),
            "retained_risk": _num(inputs.retained_risk),
            "guarantee_calls": _num(inputs.guarantee_calls),
            "other_costs": _num(inputs.other_costs),
            "payments_source": inputs.payments_source,
            "payments": inputs.payments,
        }
    if view.risk is not None:
        sim = view.risk.simulation
        out["risk_source"] = {
            "simulation": sim.pk if sim is not None else None,
            "used": view.risk.usable,
            "stale": view.risk.stale,
            "message": view.risk.message,
        }
    return out


def fiscal_out(request: HttpRequest, partnership: Partnership) -> dict[str, Any]:
    view = sel.fiscal_view(user=request.user, partnership=partnership)
    inputs = view.inputs
    out: dict[str, Any] = {
        "partnership": partnership.pk,
        "version": inputs.version if inputs else None,
        "pjpk": (
            {
                "member": view.pjpk.pk,
                "organisation": view.pjpk.organisation_id,
                "name": view.pjpk.organisation.name,
            }
            if view.pjpk is not None
            else None
        ),
        "inputs": None,
        "result": view.result.to_dict() if view.result is not None else None,
        "error": view.error or None,
        "budget": [
            {
                "year": row["year"],
                "amount": _num(row["budget"]) if row["budget"] is not None else None,
                "projected": row["projected"],
            }
            for row in view.rows
        ],
        "guarantees": [
            {
                "id": g.pk,
                "code": g.code,
                "name": g.name,
                "provider": g.provider,
                "kind": g.kind,
                "covered_amount": _num(g.covered_amount),
                "start_year": g.start_year,
                "expected": g.expected,
                "p95": g.p95,
                "risk_codes": g.risk_codes,
                "recourse": g.recourse,
                "version": g.version,
                "chain": sel.guarantee_chain(view, g),
            }
            for g in view.guarantees
        ],
        "can_edit": view.can_edit,
    }
    if inputs is not None:
        out["inputs"] = {
            "currency": inputs.currency,
            "amount_unit": _num(inputs.amount_unit),
            "discount_rate": _num(inputs.discount_rate),
            "base_year": inputs.base_year,
            "commitments_source": inputs.commitments_source,
            "commitments": inputs.commitments,
            "limit_share": _num(inputs.limit_share),
            "limit_basis": inputs.limit_basis,
            "limit_source": inputs.limit_source,
            "capital_cost": _num(inputs.capital_cost),
            "construction_share": _num(inputs.construction_share),
            "availability_share": _num(inputs.availability_share),
            "demand_share": _num(inputs.demand_share),
            "control_services_and_prices": inputs.control_services_and_prices,
            "control_residual_interest": inputs.control_residual_interest,
            "control_whole_of_life": inputs.control_whole_of_life,
        }
    return out


def _scenario_out(s: StressScenario, private: bool, stale: bool) -> dict[str, Any]:
    return {
        "id": s.pk,
        "name": s.name,
        "description": s.description,
        "template": s.template,
        "shocks": s.shocks,
        "version": s.version,
        "run_at": s.run_at.isoformat() if s.run_at else None,
        "stale": stale,
        "metrics": sel.shown_metrics(s.result, private),
    }


def stress_out(request: HttpRequest, partnership: Partnership) -> dict[str, Any]:
    view = sel.stress_view(user=request.user, partnership=partnership)
    return {
        "partnership": partnership.pk,
        "currency": view.currency,
        "amount_unit": view.amount_unit,
        "private_metrics_shown": view.can_see_private,
        "can_edit": view.can_edit,
        "scenarios": [
            _scenario_out(s, view.can_see_private, getattr(s, "stale", False))
            for s in view.scenarios
        ],
        "templates": [
            {
                "key": t["key"],
                "name": str(t["name"]),
                "description": str(t["description"]),
                "shocks": t["shocks"],
            }
            for t in sel.scenario_templates(partnership)
        ],
    }


def budget_out(organisation: Organisation) -> dict[str, Any]:
    budget = sel.budget_get(organisation)
    series = budget.series
    if series is None:
        return {"organisation": organisation.pk, "version": None, "series": None, "years": []}
    return {
        "organisation": organisation.pk,
        "version": series.version,
        "series": {
            "kind": series.kind,
            "label": series.label,
            "currency": series.currency,
            "growth_rate": _num(series.growth_rate),
            "source": series.source,
        },
        "years": [
            {"year": y, "amount": _num(a), "source": budget.sources.get(y, "")}
            for y, a in sorted(budget.entered.items())
        ],
    }


# --------------------------------------------------------------------------- value for money


@router.get(
    "/partnerships/{partnership_id}/vfm",
    response={200: dict[str, Any], **ERRORS},
    summary="Value for money: PSC against the KPBU option",
)
def vfm_get(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    return vfm_out(request, _partnership(request, partnership_id))


@router.put(
    "/partnerships/{partnership_id}/vfm",
    response={200: dict[str, Any], **WRITE},
    summary="Set the value-for-money inputs",
)
def vfm_put(
    request: HttpRequest, payload: VfmInputsIn, partnership_id: int = _id("Partnership")
) -> Any:
    partnership = _partnership(request, partnership_id)
    sel.require_appraisal(request.user, partnership)
    data = payload.dict()
    version = data.pop("version")
    data["payments"] = _payments(payload.payments)
    services.vfm_inputs_save(
        actor=request.user, partnership=partnership, data=data, expected_version=version
    )
    return vfm_out(request, partnership)


@router.put(
    "/partnerships/{partnership_id}/vfm/checklist",
    response={200: dict[str, Any], **WRITE},
    summary="Answer the qualitative VfM checklist",
)
def vfm_checklist_put(
    request: HttpRequest, payload: VfmChecklistIn, partnership_id: int = _id("Partnership")
) -> Any:
    partnership = _partnership(request, partnership_id)
    sel.require_appraisal(request.user, partnership)
    services.vfm_checklist_save(
        actor=request.user,
        partnership=partnership,
        answers={k: v.dict() for k, v in payload.answers.items()},
        expected_version=payload.version,
    )
    return vfm_out(request, partnership)


# --------------------------------------------------------------------------- fiscal


@router.get(
    "/partnerships/{partnership_id}/fiscal",
    response={200: dict[str, Any], **ERRORS},
    summary="Fiscal commitments and contingent liabilities",
)
def fiscal_get(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    return fiscal_out(request, _partnership(request, partnership_id))


@router.put(
    "/partnerships/{partnership_id}/fiscal",
    response={200: dict[str, Any], **WRITE},
    summary="Set the fiscal inputs",
)
def fiscal_put(
    request: HttpRequest, payload: FiscalInputsIn, partnership_id: int = _id("Partnership")
) -> Any:
    partnership = _partnership(request, partnership_id)
    sel.require_appraisal(request.user, partnership)
    data = payload.dict()
    version = data.pop("version")
    member_id = data.pop("pjpk_member")
    data["pjpk"] = None
    if member_id is not None:
        member = next((m for m in partnership.members.all() if m.pk == member_id), None)
        if member is None:
            raise ValidationError(
                {"pjpk_member": _("This organisation is not a partner of this partnership.")}
            )
        data["pjpk"] = member
    data["commitments"] = _payments(payload.commitments)
    services.fiscal_inputs_save(
        actor=request.user, partnership=partnership, data=data, expected_version=version
    )
    return fiscal_out(request, partnership)


@router.post(
    "/partnerships/{partnership_id}/fiscal/guarantees",
    response={201: dict[str, Any], **ERRORS},
    summary="Add a government guarantee",
)
def guarantee_post(
    request: HttpRequest, payload: PublicGuaranteeIn, partnership_id: int = _id("Partnership")
) -> Any:
    partnership = _partnership(request, partnership_id)
    sel.require_appraisal(request.user, partnership)
    data = payload.dict()
    data.pop("version")
    services.guarantee_create(actor=request.user, partnership=partnership, data=data)
    return Status(201, fiscal_out(request, partnership))


def _guarantee(request: HttpRequest, partnership: Partnership, pk: int) -> PublicGuarantee:
    return sel.guarantee_get(user=request.user, partnership=partnership, pk=pk)


@router.put(
    "/partnerships/{partnership_id}/fiscal/guarantees/{guarantee_id}",
    response={200: dict[str, Any], **WRITE},
    summary="Change a government guarantee",
)
def guarantee_put(
    request: HttpRequest,
    payload: PublicGuaranteeIn,
    partnership_id: int = _id("Partnership"),
    guarantee_id: int = _id("Guarantee"),
) -> Any:
    partnership = _partnership(request, partnership_id)
    guarantee = _guarantee(request, partnership, guarantee_id)
    data = payload.dict()
    version = data.pop("version")
    services.guarantee_update(
        actor=request.user, guarantee=guarantee, data=data, expected_version=version
    )
    return fiscal_out(request, partnership)


@router.delete(
    "/partnerships/{partnership_id}/fiscal/guarantees/{guarantee_id}",
    response={204: None, **ERRORS},
    summary="Delete a government guarantee",
)
def guarantee_delete(
    request: HttpRequest,
    partnership_id: int = _id("Partnership"),
    guarantee_id: int = _id("Guarantee"),
) -> Any:
    partnership = _partnership(request, partnership_id)
    services.guarantee_delete(
        actor=request.user, guarantee=_guarantee(request, partnership, guarantee_id)
    )
    return Status(204, None)


# --------------------------------------------------------------------------- stress tests


@router.get(
    "/partnerships/{partnership_id}/stress-tests",
    response={200: dict[str, Any], **ERRORS},
    summary="Stress scenarios and their last results",
)
def stress_get(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    return stress_out(request, _partnership(request, partnership_id))


@router.post(
    "/partnerships/{partnership_id}/stress-tests",
    response={201: dict[str, Any], **ERRORS},
    summary="Add a stress scenario",
)
def scenario_post(
    request: HttpRequest, payload: StressScenarioIn, partnership_id: int = _id("Partnership")
) -> Any:
    partnership = _partnership(request, partnership_id)
    sel.require_appraisal(request.user, partnership)
    data = payload.dict()
    data.pop("version")
    scenario = services.scenario_create(actor=request.user, partnership=partnership, data=data)
    return Status(201, _scenario_out(scenario, False, False))


@router.post(
    "/partnerships/{partnership_id}/stress-tests/run",
    response={200: dict[str, Any], **ERRORS},
    summary="Run every scenario again on today's model",
)
def stress_run(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    partnership = _partnership(request, partnership_id)
    sel.require_appraisal(request.user, partnership)
    services.stress_run(actor=request.user, partnership=partnership)
    return stress_out(request, partnership)


@router.put(
    "/partnerships/{partnership_id}/stress-tests/{scenario_id}",
    response={200: dict[str, Any], **WRITE},
    summary="Change a stress scenario",
)
def scenario_put(
    request: HttpRequest,
    payload: StressScenarioIn,
    partnership_id: int = _id("Partnership"),
    scenario_id: int = _id("Scenario"),
) -> Any:
    partnership = _partnership(request, partnership_id)
    scenario = sel.scenario_get(user=request.user, partnership=partnership, pk=scenario_id)
    data = payload.dict()
    version = data.pop("version")
    scenario = services.scenario_update(
        actor=request.user, scenario=scenario, data=data, expected_version=version
    )
    return _scenario_out(scenario, False, False)


@router.delete(
    "/partnerships/{partnership_id}/stress-tests/{scenario_id}",
    response={204: None, **ERRORS},
    summary="Delete a stress scenario",
)
def scenario_delete(
    request: HttpRequest,
    partnership_id: int = _id("Partnership"),
    scenario_id: int = _id("Scenario"),
) -> Any:
    partnership = _partnership(request, partnership_id)
    scenario = sel.scenario_get(user=request.user, partnership=partnership, pk=scenario_id)
    services.scenario_delete(actor=request.user, scenario=scenario)
    return Status(204, None)


# --------------------------------------------------------------------------- budgets, portfolio


@router.get(
    "/organisations/{organisation_id}/budget",
    response={200: dict[str, Any], **ERRORS},
    summary="An organisation's budget series (APBD/APBN)",
)
def budget_get(request: HttpRequest, organisation_id: int = _id("Organisation")) -> Any:
    return budget_out(_organisation(organisation_id))


@router.put(
    "/organisations/{organisation_id}/budget",
    response={200: dict[str, Any], **WRITE},
    summary="Set an organisation's budget series",
)
def budget_put(
    request: HttpRequest, payload: BudgetSeriesIn, organisation_id: int = _id("Organisation")
) -> Any:
    organisation = _organisation(organisation_id)
    years: dict[int, tuple[Decimal, str]] = {}
    for row in payload.years:
        if row.year in years:
            raise ValidationError({"years": _("The year %(y)s appears twice.") % {"y": row.year}})
        years[row.year] = (row.amount, row.source)
    data = {k: getattr(payload, k) for k in services.SERIES_FIELDS}
    services.budget_series_save(
        actor=request.user,
        organisation=organisation,
        data=data,
        years=years,
        expected_version=payload.version,
    )
    return budget_out(organisation)


@router.get(
    "/organisations/{organisation_id}/fiscal-portfolio",
    response={200: dict[str, Any], **ERRORS},
    summary="Commitments by year across the partnerships it is PJPK of",
)
def portfolio_get(request: HttpRequest, organisation_id: int = _id("Organisation")) -> Any:
    organisation = _organisation(organisation_id)
    portfolio = sel.organisation_portfolio(user=request.user, organisation=organisation)
    return {
        "organisation": organisation.pk,
        "currency": portfolio.currency,
        "partnerships": [i.partnership.pk for i in portfolio.items],
        "years": [
            {
                "year": r["year"],
                "direct": _num(r["direct"]),
                "contingent_expected": _num(r["contingent"]),
                "total": _num(r["total"]),
                "budget": _num(r["budget"]),
                "budget_projected": r["projected"],
                "share_of_budget": float(r["share"]) if r["share"] is not None else None,
            }
            for r in portfolio.rows
        ],
    }


def _render_stale(request: HttpRequest, instance: Any) -> dict[str, Any]:
    if isinstance(instance, VfmInputs | VfmChecklist):
        return vfm_out(request, instance.partnership)
    if isinstance(instance, FiscalInputs | PublicGuarantee):
        return fiscal_out(request, instance.partnership)
    if isinstance(instance, StressScenario):
        return _scenario_out(instance, False, False)
    if isinstance(instance, BudgetSeries):
        return budget_out(instance.organisation)
    return {}


#: Render `StaleEdit.current` of this app's models as their GET shows them (config/api.py).
STALE_RENDERERS: dict = {
    VfmInputs: _render_stale,
    VfmChecklist: _render_stale,
    FiscalInputs: _render_stale,
    PublicGuarantee: _render_stale,
    StressScenario: _render_stale,
    BudgetSeries: _render_stale,
}
