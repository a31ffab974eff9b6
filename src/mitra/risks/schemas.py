"""API schemas for the risk register, the risk-model spec and simulations.

Lengths and allowed values mirror the models. A risk's figures (``quantity``) are the risk-model
spec's own fields (``probability``, ``impact``, ``unit_value``, ``basis``, ``applies_to``,
``years``, ``year_weights``) and are stored as JSON numbers exactly as ``mitra simulate`` reads
them; their ranges are checked by the spec's rules in the service (one rule set for the page, the
API and the command line). Allocation shares are exact decimals (answered as strings).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import PlainSerializer

from mitra.accounts.schemas import InSchema
from mitra.organisations.schemas import MAX_TEXT
from mitra.partnerships.schemas import Id, Version, decimal_input

from .models import MitigationStatus, Phase, Risk, RiskCategory, RiskStatus
from .services import MAX_ITERATIONS

RiskCategoryCode = Literal[tuple(RiskCategory.values)]  # type: ignore[valid-type]
PhaseCode = Literal[tuple(Phase.values)]  # type: ignore[valid-type]
RiskStatusCode = Literal[tuple(RiskStatus.values)]  # type: ignore[valid-type]
MitigationStatusCode = Literal[tuple(MitigationStatus.values)]  # type: ignore[valid-type]
SimulationStatusCode = Literal["queued", "running", "done", "failed"]

#: The spec's risk ids: a letter, then letters, digits, '.', '_' or '-'.
CODE_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]*$"
#: Seeds are stored as a signed 64-bit integer.
MAX_SEED = 2**63 - 1


#: A JSON number of the spec: finite, stored as a float exactly as the command line reads it
#: (true/false are refused as numbers by every input schema: accounts.schemas.InSchema).
SpecNumber = Annotated[float, Field(allow_inf_nan=False)]
#: A year of the model (its range is the spec's horizon, checked by the service).
SpecYear = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
#: A share of a risk: an exact decimal from 0 to 1 (12 places at most).
Share = Annotated[
    Decimal,
    Field(ge=0, le=1, max_digits=13, decimal_places=12, allow_inf_nan=False),
    *decimal_input(
        r"^(?:0(?:\.\d{1,12})?|1(?:\.0{1,12})?)$",
        {"minimum": 0, "maximum": 1, "multipleOf": 1e-12},
        "Write a share from 0 to 1 with a point, e.g. 0.25 (at most 12 places).",
    ),
]
#: Out: a share as a plain decimal string without trailing zeros ("0.3", "1").
ShareStr = Annotated[
    Decimal, PlainSerializer(lambda v: format(v.normalize(), "f"), return_type=str)
]


def _max(name: str) -> int:
    return Risk._meta.get_field(name).max_length  # type: ignore[return-value]


# --- risks: out ---------------------------------------------------------------------------------


class QuantityOut(Schema):
    """The risk's figures as the risk-model spec holds them (only those given)."""

    probability: float | None = Field(None, description="Probability that it occurs (0–1).")
    impact: dict[str, Any] | None = Field(
        None,
        description="Impact distribution, e.g. {'type': 'pert', 'min', 'mode', 'max'}; null "
        "when its cost figures are confidential to another partner.",
    )
    unit_value: float | None = Field(
        None,
        description="Money (in the model's amount unit) per unit of impact; null when absent "
        "or confidential to another partner.",
    )
    basis: Literal["absolute", "relative"] | None = Field(
        None, description="'absolute' (an amount) or 'relative' (a fraction of a line item)."
    )
    applies_to: Literal["capex", "opex", "revenue"] | None = Field(
        None, description="The base line item it hits."
    )
    years: list[int] | None = Field(None, description="Model years (1..horizon) it falls in.")
    year_weights: list[float] | None = Field(
        None, description="Relative weights, one per year (absolute basis only)."
    )


class AllocationOut(Schema):
    party: int = Field(..., description="Id of the risk-bearing party.")
    party_key: str = Field(..., description="The party's key in the risk-model spec.")
    party_name: str = Field(..., description="The party's name.")
    share: ShareStr = Field(
        ..., description="Share of the risk it bears, 0–1, as a decimal string."
    )
    rationale: str = Field(..., description="Why it bears this share (request language).")

    @staticmethod
    def resolve_party(obj: Any) -> int:
        return obj.party_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_party_key(obj: Any) -> str:
        return obj.party.key  # type: ignore[no-any-return]

    @staticmethod
    def resolve_party_name(obj: Any) -> str:
        return obj.party.name  # type: ignore[no-any-return]

    @staticmethod
    def resolve_rationale(obj: Any) -> str:
        return obj.rationale or ""


class MitigationOut(Schema):
    id: int = Field(..., description="Mitigation id.")
    action: str = Field(..., description="The action, in the request language.")
    action_ind: str | None = Field(None, description="The action in Indonesian.")
    action_en: str | None = Field(None, description="The action in English.")
    owner: int | None = Field(None, description="Member id of the partner that owns it.")
    due_date: date | None = Field(None, description="Due date.")
    status: MitigationStatusCode = Field(..., description="planned, in_progress or done.")
    version: int = Field(..., description="Edit version.")

    @staticmethod
    def resolve_action(obj: Any) -> str:
        return obj.action or ""

    @staticmethod
    def resolve_owner(obj: Any) -> int | None:
        return obj.owner_id  # type: ignore[no-any-return]


class RiskOut(Schema):
    id: int = Field(..., description="Risk id.")
    partnership_id: int = Field(..., description="Partnership id.")
    code: str = Field(..., description="Short id, e.g. R1 (the risk's id in the spec).")
    category: RiskCategoryCode = Field(..., description="Risk category.")
    title: str = Field(..., description="Title in the request language (falls back to the other).")
    title_ind: str | None = Field(None, description="Title in Indonesian.")
    title_en: str | None = Field(None, description="Title in English.")
    description: str = Field("", description="Description in the request language.")
    description_ind: str | None = Field(None, description="Description in Indonesian.")
    description_en: str | None = Field(None, description="Description in English.")
    phase: PhaseCode = Field(..., description="Phase of the project it belongs to.")
    likelihood: int = Field(..., description="Likelihood on the heat map, 1–5.")
    impact_level: int = Field(..., description="Impact on the heat map, 1–5.")
    status: RiskStatusCode = Field(..., description="open, mitigated, occurred or closed.")
    quantity: QuantityOut | None = Field(
        None, description="Its figures for the simulation; null when it has none yet."
    )
    cost_hidden: bool = Field(
        ...,
        description="True when its cost figures (impact, unit_value) are confidential to "
        "another partner: they are left out for you; the simulation still uses them.",
    )
    allocations: list[AllocationOut] = Field(..., description="Who bears which share of it.")
    mitigations: list[MitigationOut] = Field(..., description="Actions that reduce it.")
    controlled_by: int | None = Field(None, description="Id of the party best able to manage it.")
    cost_confidential_to: int | None = Field(
        None, description="Member id of the partner its cost figures are confidential to."
    )
    notes: str = Field("", description="Notes (references, contract clauses).")
    version: int = Field(..., description="Edit version: send it back with a PATCH.")

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return obj.title or ""

    @staticmethod
    def resolve_description(obj: Any) -> str:
        return obj.description or ""

    @staticmethod
    def resolve_cost_hidden(obj: Any) -> bool:
        return bool(getattr(obj, "cost_hidden", False))

    @staticmethod
    def resolve_quantity(obj: Any) -> dict[str, Any] | None:
        quantity = dict(obj.quantity or {})
        if getattr(obj, "cost_hidden", False):
            # the selector leaves them out already; never answer them whatever the caller
            quantity.pop("impact", None)
            quantity.pop("unit_value", None)
        return quantity or None

    @staticmethod
    def resolve_allocations(obj: Any) -> list[Any]:
        return list(obj.allocations.all())

    @staticmethod
    def resolve_mitigations(obj: Any) -> list[Any]:
        return list(obj.mitigations.all())

    @staticmethod
    def resolve_controlled_by(obj: Any) -> int | None:
        return obj.controlled_by_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_cost_confidential_to(obj: Any) -> int | None:
        return obj.cost_confidential_to_id  # type: ignore[no-any-return]


# --- risks: in ----------------------------------------------------------------------------------


class QuantityIn(InSchema):
    """The spec's figures of a risk; the spec's rules check them (422 naming the field)."""

    probability: SpecNumber | None = Field(None, description="Probability that it occurs (0–1).")
    impact: (
        dict[
            Annotated[str, Field(max_length=20)],
            SpecNumber | Annotated[str, Field(max_length=40)],
        ]
        | None
    ) = Field(
        None,
        max_length=10,
        description="Impact distribution: {'type': 'triangular'|'pert'|'uniform', 'min', "
        "('mode'), 'max'} or {'type': 'normal'|'lognormal', 'mean', 'sd'}, as in the spec.",
    )
    unit_value: SpecNumber | None = Field(None, description="Money per unit of impact (default 1).")
    basis: Literal["absolute", "relative"] | None = Field(
        None, description="'absolute' (an amount) or 'relative' (a fraction of a line item)."
    )
    applies_to: Literal["capex", "opex", "revenue"] | None = Field(
        None, description="The base line item it hits."
    )
    years: list[SpecYear] | None = Field(
        None, max_length=100, description="Model years (1..horizon) it falls in."
    )
    year_weights: list[SpecNumber] | None = Field(
        None, max_length=100, description="Relative weights, one per year (absolute basis only)."
    )


class AllocationIn(InSchema):
    party: Id = Field(..., description="Id of a risk-bearing party of this partnership.")
    share: Share = Field(..., description="Share it bears, 0–1 (decimal string or number).")
    rationale: str = Field("", max_length=MAX_TEXT, description="Why it bears this share.")


class RiskCreateIn(InSchema):
    code: str = Field(
        ...,
        min_length=1,
        max_length=_max("code"),
        pattern=CODE_PATTERN,
        description="Short id, unique in the partnership, e.g. R1.",
    )
    category: RiskCategoryCode = Field("other", description="Risk category.")
    title_ind: str = Field(
        ..., min_length=1, max_length=_max("title_ind"), description="Title (Indonesian)."
    )
    title_en: str = Field("", max_length=_max("title_en"), description="Title (English).")
    description_ind: str = Field("", max_length=MAX_TEXT, description="Description (Indonesian).")
    description_en: str = Field("", max_length=MAX_TEXT, description="Description (English).")
    phase: PhaseCode = Field("all", description="Phase of the project it belongs to.")
    likelihood: int = Field(3, ge=1, le=5, description="Likelihood on the heat map, 1–5.")
    impact_level: int = Field(3, ge=1, le=5, description="Impact on the heat map, 1–5.")
    status: RiskStatusCode = Field("open", description="open, mitigated, occurred or closed.")
    quantity: QuantityIn | None = Field(
        None, description="Its figures for the simulation (leave out for a qualitative entry)."
    )
    allocations: list[AllocationIn] = Field(
        ...,
        min_length=1,
        max_length=100,
        description="Who bears which share; the shares must add up to exactly 1 (100%).",
    )
    controlled_by: Id | None = Field(None, description="Id of the party best able to manage it.")
    cost_confidential_to: Id | None = Field(
        None,
        description="Member id of your own organisation, to keep the cost figures (impact, "
        "unit_value) to its users.",
    )
    notes: str = Field("", max_length=MAX_TEXT, description="Notes.")


class RiskUpdateIn(InSchema):
    """Only the fields sent change. `version` is the one you read (409 when stale)."""

    version: Version = Field(..., description="The version you read.")
    code: str = Field(
        None,
        min_length=1,
        max_length=_max("code"),
        pattern=CODE_PATTERN,
        description="Short id, unique in the partnership.",
    )
    category: RiskCategoryCode = Field(None, description="Risk category.")
    title_ind: str = Field(
        None, min_length=1, max_length=_max("title_ind"), description="Title (Indonesian)."
    )
    title_en: str = Field(None, max_length=_max("title_en"), description="Title (English).")
    description_ind: str = Field(None, max_length=MAX_TEXT, description="Description (Indonesian).")
    description_en: str = Field(None, max_length=MAX_TEXT, description="Description (English).")
    phase: PhaseCode = Field(None, description="Phase of the project.")
    likelihood: int = Field(None, ge=1, le=5, description="Likelihood, 1–5.")
    impact_level: int = Field(None, ge=1, le=5, description="Impact, 1–5.")
    status: RiskStatusCode = Field(None, description="open, mitigated, occurred or closed.")
    quantity: QuantityIn | None = Field(
        None,
        description="New figures (all of them); null or {} removes them. Leave out to keep "
        "them (you must, when they are confidential to another partner).",
    )
    allocations: list[AllocationIn] = Field(
        None,
        min_length=1,
        max_length=100,
        description="The whole new allocation (parties left out bear nothing); shares add up to 1.",
    )
    controlled_by: Id | None = Field(None, description="Id of the party best able to manage it.")
    cost_confidential_to: Id | None = Field(
        None, description="Member id of your own organisation, or null for no confidentiality."
    )
    notes: str = Field(None, max_length=MAX_TEXT, description="Notes.")


# --- the risk-model spec --------------------------------------------------------------------------


class SimulationIn(InSchema):
    iterations: int | None = Field(
        None,
        ge=1,
        le=MAX_ITERATIONS,
        description="Monte Carlo iterations (default: the model's, else 10,000).",
    )
    seed: int | None = Field(
        None,
        ge=0,
        le=MAX_SEED,
        description="Random seed, for a reproducible run (default: random).",
    )


class SimulationOut(Schema):
    id: int = Field(..., description="Simulation id.")
    partnership_id: int = Field(..., description="Partnership id.")
    status: SimulationStatusCode = Field(..., description="queued, running, done or failed.")
    progress: float = Field(..., description="How far it has got, 0–1.")
    iterations: int = Field(..., description="Monte Carlo iterations.")
    seed: int | None = Field(None, description="The seed (the one drawn, once it has run).")
    stale: bool = Field(
        ..., description="True when the register has changed since the run's inputs were taken."
    )
    error: str | None = Field(None, description="Why it failed, when it did.")
    result: dict[str, Any] | None = Field(
        None, description="The result, the same JSON as `mitra simulate --format json`."
    )
    created_at: datetime = Field(..., description="When it was started.")
