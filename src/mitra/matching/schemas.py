"""API schemas of matching: the needs board, offers and suggested partners. Amounts are decimal
strings in the need's own measure (its currency or unit)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from mitra.accounts.schemas import InSchema
from mitra.organisations.schemas import MAX_TEXT, PROVINCE_PATTERN, ResourceTypeCode
from mitra.partnerships.schemas import (
    ConfidentialityCode,
    CurrencyOrBlank,
    DecimalStr,
    DevelopmentSectorCode,
    FormCode,
    Id,
    PositiveAmount,
    Version,
)


class BoardFilters(InSchema):
    q: str | None = Field(
        None, max_length=200, description="Words in the need or partnership title or description."
    )
    resource_type: ResourceTypeCode | None = Field(None, description="Kind of resource.")
    development_sector: DevelopmentSectorCode | None = Field(
        None, description="The partnership's development sector."
    )
    province: str | None = Field(
        None,
        max_length=6,
        pattern=PROVINCE_PATTERN,
        description="ISO 3166-2 province code, e.g. ID-JB.",
    )
    form: FormCode | None = Field(None, description="The partnership's form.")
    sdg: int | None = Field(None, ge=1, le=17, description="An SDG of the partnership (1–17).")


class BoardNeedOut(Schema):
    id: int = Field(..., description="Need id.")
    partnership_id: int = Field(..., description="Partnership id.")
    partnership_code: str = Field(..., description="Partnership code.")
    partnership_title: str = Field(..., description="Partnership title, in the request language.")
    form: str = Field(..., description="The partnership's form.")
    development_sector: str = Field(..., description="The partnership's development sector.")
    province: str = Field(..., description="ISO 3166-2 province, or ''.")
    sdgs: list[int] = Field(..., description="The partnership's SDGs.")
    title: str = Field(..., description="The need, in the request language.")
    title_ind: str | None = Field(None, description="Title in Indonesian.")
    title_en: str | None = Field(None, description="Title in English.")
    description: str = Field(..., description="Details, in the request language.")
    resource_type: str = Field(..., description="Kind of resource.")
    quantity: DecimalStr = Field(..., description="Amount or quantity needed.")
    unit: str = Field(..., description="Unit code for non-cash needs, or ''.")
    currency: str = Field(..., description="ISO 4217 currency for cash needs, or ''.")
    due_date: date | None = Field(None, description="Needed by.")
    still_needed: DecimalStr | None = Field(
        None,
        description="What is still lacking; null when some commitments to it are not public "
        "(their amounts are never shown).",
    )
    hidden_commitments: int = Field(..., description="Commitments whose amounts are not public.")


class OfferCreateIn(InSchema):
    organisation_id: Id | None = Field(
        None, description="Which of your organisations offers (only if you belong to several)."
    )
    quantity: PositiveAmount = Field(
        ..., description="Amount or quantity offered, in the need's measure (> 0)."
    )
    unit: str = Field(
        "", max_length=30, description="The need's unit (non-cash); leave out to use it."
    )
    currency: CurrencyOrBlank = Field(
        "", description="The need's currency (cash); leave out to use it."
    )
    terms: str = Field("", max_length=MAX_TEXT, description="Conditions of the offer.")
    message: str = Field("", max_length=MAX_TEXT, description="Message to the coordinator.")


class OfferUpdateIn(InSchema):
    version: Version = Field(..., description="The offer's version you read.")
    quantity: PositiveAmount = Field(None, description="New amount or quantity (> 0).")
    terms: str = Field(None, max_length=MAX_TEXT, description="Conditions of the offer.")
    message: str = Field(None, max_length=MAX_TEXT, description="Message to the coordinator.")


class OfferAcceptIn(InSchema):
    version: Version = Field(..., description="The offer's version you read.")
    confidentiality: ConfidentialityCode = Field(
        "partners", description="Who may see the resulting commitment."
    )


class OfferDeclineIn(InSchema):
    version: Version = Field(..., description="The offer's version you read.")
    reason: str = Field(
        ...,
        min_length=1,
        max_length=MAX_TEXT,
        description="Why (the offering organisation reads it).",
    )


class OfferWithdrawIn(InSchema):
    version: Version = Field(..., description="The offer's version you read.")


class OfferOut(Schema):
    id: int = Field(..., description="Offer id.")
    need_id: int = Field(..., description="The need.")
    partnership_id: int = Field(..., description="The need's partnership.")
    organisation_id: int = Field(..., description="The offering organisation.")
    organisation_name: str = Field(..., description="Its name.")
    quantity: DecimalStr = Field(..., description="Offered amount or quantity.")
    unit: str = Field(..., description="Unit (non-cash), or ''.")
    currency: str = Field(..., description="Currency (cash), or ''.")
    terms: str = Field(..., description="Conditions of the offer.")
    message: str = Field(..., description="Message to the coordinator.")
    status: str = Field(
        ...,
        description="open, accepted, declined, withdrawn, or refused (accepted by the "
        "coordinator, then declined by the organisation's administrators).",
    )
    decline_reason: str = Field(..., description="Why it was declined, or ''.")
    commitment_id: int | None = Field(None, description="The commitment it became, once accepted.")
    invitation_id: int | None = Field(
        None,
        description="The invitation sent on accepting an offer made by a non-administrator of "
        "the organisation: it becomes a partner (and the commitment is created) when its "
        "administrators accept.",
    )
    awaiting_organisation: bool = Field(
        False,
        description="Accepted, waiting for the organisation's administrators to accept the "
        "invitation.",
    )
    created_at: datetime = Field(..., description="When it was made.")
    decided_at: datetime | None = Field(None, description="When it was accepted or declined.")
    version: int = Field(..., description="Edit version: send it back to accept or decline.")

    @staticmethod
    def resolve_partnership_id(obj: Any) -> int:
        return obj.need.partnership_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_organisation_name(obj: Any) -> str:
        return obj.organisation.name  # type: ignore[no-any-return]

    @staticmethod
    def resolve_awaiting_organisation(obj: Any) -> bool:
        return bool(obj.awaits_organisation)


class ScorePartOut(Schema):
    key: str = Field(
        ..., description="resource, track_record, text, sector, region, form, capacity."
    )
    label: str = Field(..., description="The part, in the request language.")
    fit: float = Field(..., description="How well the organisation fits on this part, 0–1.")
    weight: float = Field(..., description="The part's weight in the score.")
    points: float = Field(..., description="weight × fit × 100.")


class MatchOut(Schema):
    rank: int = Field(..., description="1 is the best fit.")
    organisation_id: int = Field(..., description="Organisation id.")
    organisation_name: str = Field(..., description="Its name.")
    score: float = Field(..., description="Points out of 100 (the sum of the parts' points).")
    parts: list[ScorePartOut] = Field(..., description="The score, part by part.")
    reasons: list[str] = Field(
        ..., description="Why, in the request language (counts and percentages, never amounts)."
    )
