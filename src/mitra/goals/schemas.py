"""API schemas of the goals: levers, objectives (hidden ones without figures) and the
negotiation record. Values are exact decimals in the lever's unit (answered as strings)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

from mitra.accounts.schemas import InSchema
from mitra.partnerships.schemas import DecimalStr, Id, Version, decimal_input

from .models import UNIT_CHOICES, Direction, EntryKind

DirectionCode = Literal[tuple(Direction.values)]  # type: ignore[valid-type]
UnitCode = Literal[tuple(code for code, _label in UNIT_CHOICES)]  # type: ignore[valid-type]
KindCode = Literal[tuple(EntryKind.values)]  # type: ignore[valid-type]
#: In: a lever value, a JSON number or a decimal string ("-12.5"), at most 16 digits before the
#: point and 4 after; documented as a pattern, so that what is documented is what is refused.
VALUE_PATTERN = r"^-?(?:0|[1-9]\d{0,15})(?:\.\d{1,4})?$"
Value = Annotated[
    Decimal,
    Field(max_digits=20, decimal_places=4, allow_inf_nan=False, gt=-(10**16), lt=10**16),
    *decimal_input(
        VALUE_PATTERN,
        {"exclusiveMinimum": -(10**16), "exclusiveMaximum": 10**16, "multipleOf": 0.0001},
        "Write digits with at most four decimal places after a point, e.g. 1250.5.",
    ),
]


class LeverObjectiveOut(Schema):
    id: int = Field(..., description="Objective id.")
    member: int = Field(..., description="The partner (membership id) whose objective it is.")
    partner: str = Field(..., description="The partner organisation's name.")
    hidden: bool = Field(
        ...,
        description="True when it is confidential to another partner: it counts in the "
        "computation, and every figure below is null.",
    )
    confidentiality: str = Field(..., description="public, partners or owner (its owner only).")
    direction: DirectionCode | None = Field(None, description="increase, decrease or target.")
    preferred: DecimalStr | None = Field(None, description="Preferred value (lever unit).")
    acceptable_min: DecimalStr | None = Field(None, description="Acceptable range: from.")
    acceptable_max: DecimalStr | None = Field(None, description="Acceptable range: up to.")
    walk_away: DecimalStr | None = Field(None, description="Walk-away point, when stated.")
    weight: int | None = Field(None, description="Weight, 1–100.")
    note: str = Field("", description="Why (empty when hidden).")
    version: int = Field(..., description="Edit version, for the next update.")


class LeverOut(Schema):
    id: int = Field(..., description="Lever id.")
    key: str = Field(..., description="The lever's id in the alignment spec.")
    name: str = Field(..., description="Name in the reader's language.")
    name_ind: str = Field(..., description="Name in Indonesian.")
    name_en: str | None = Field(None, description="Name in English.")
    unit: str = Field(..., description="money (see currency), percent, years, days or a unit code.")
    currency: str = Field("", description="ISO 4217 code for a lever measured in money.")
    min_value: DecimalStr = Field(..., description="Lowest possible value.")
    max_value: DecimalStr = Field(..., description="Highest possible value.")
    direction: DirectionCode = Field(..., description="Usual direction.")
    catalogue_key: str = Field("", description="The catalogue entry it came from, if any.")
    version: int = Field(..., description="Edit version.")
    objectives: list[LeverObjectiveOut] = Field(..., description="The partners' objectives on it.")


class LeverIn(InSchema):
    catalogue_key: str = Field(
        "",
        max_length=60,
        description="Add the catalogue's lever with this key (name, unit and bounds from the "
        "catalogue unless given).",
    )
    name_ind: str = Field("", max_length=200, description="Name in Indonesian.")
    name_en: str = Field("", max_length=200, description="Name in English.")
    unit: UnitCode | None = Field(None, description="Unit (required without catalogue_key).")
    currency: str = Field("", max_length=3, description="ISO 4217 code, for money.")
    min_value: Value | None = Field(None, description="Lowest possible value.")
    max_value: Value | None = Field(None, description="Highest possible value.")
    direction: DirectionCode | None = Field(None, description="Usual direction.")


class LeverObjectiveIn(InSchema):
    member: Id | None = Field(
        None,
        description="The partner (membership id) to state it for; default: the caller's own "
        "(required when the caller belongs to several partners).",
    )
    direction: DirectionCode = Field(..., description="increase, decrease or target.")
    preferred: Value = Field(..., description="Preferred value, inside the acceptable range.")
    acceptable_min: Value = Field(..., description="Acceptable range: from.")
    acceptable_max: Value = Field(..., description="Acceptable range: up to.")
    walk_away: Value | None = Field(
        None,
        description="Walk-away point: at most acceptable_min (increase), at least acceptable_max "
        "(decrease), outside the range (target).",
    )
    weight: int = Field(50, ge=1, le=100, description="Weight, 1–100.")
    confidentiality: Literal["partners", "owner"] = Field(
        "partners", description="partners: every partner sees it; owner: a hidden constraint."
    )
    note: str = Field("", max_length=500, description="Why.")
    version: Version | None = Field(
        None, description="The version you changed (required to change an existing objective)."
    )


class EntryOut(Schema):
    id: int = Field(..., description="Entry id.")
    lever: int | None = Field(None, description="Lever id, or null for another topic.")
    topic: str = Field(..., description="The lever's name or the topic.")
    kind: KindCode = Field(..., description="proposal, counter or agreed.")
    value: DecimalStr | None = Field(None, description="Value on the lever (lever unit).")
    value_text: str = Field("", description="What was proposed or agreed, for another topic.")
    partner: str | None = Field(None, description="The partner that made or recorded it.")
    parties: list[str] = Field(..., description="For an agreement: the partners who agreed.")
    note: str = Field("", description="Note.")
    created_at: datetime = Field(..., description="When.")


class EntryIn(InSchema):
    kind: KindCode = Field(..., description="proposal, counter or agreed (lead's admins only).")
    lever: Id | None = Field(None, description="Lever id; null for another topic.")
    subject: str = Field("", max_length=200, description="Topic, when not a lever.")
    value: Value | None = Field(None, description="Value on the lever.")
    value_text: str = Field("", max_length=300, description="Value in words, for a topic.")
    note: str = Field("", max_length=5000, description="Note.")
