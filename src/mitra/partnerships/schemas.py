"""API schemas for partnerships and what hangs off them.

Lengths and allowed values mirror the models (Literal types built from their TextChoices, so that
OpenAPI lists the allowed values). Amounts and quantities are `Decimal`: accepted as JSON strings
or numbers, always answered as strings ("1000000000000000.55"), with at most two decimal places and
at most 9 × 10^16 (what `FixedDecimalField` stores); NaN and Infinity are refused.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, PlainSerializer, StrictBool, WithJsonSchema, field_validator

from mitra.accounts.schemas import InSchema
from mitra.core.choices import SDG, Confidentiality, Currency
from mitra.core.fields import MAX_VALUE
from mitra.organisations.schemas import (
    MAX_TEXT,
    PROVINCE_PATTERN,
    CountryCode,
    ResourceTypeCode,
)

from .models import (
    AgreementType,
    DevelopmentSector,
    Document,
    DocumentType,
    GovernmentSupport,
    Initiative,
    ListingStatus,
    Need,
    Partnership,
    PartnershipForm,
    ReturnMechanism,
    Role,
    Stage,
    Visibility,
)

FormCode = Literal[tuple(PartnershipForm.values)]  # type: ignore[valid-type]
DevelopmentSectorCode = Literal[tuple(DevelopmentSector.values)]  # type: ignore[valid-type]
StageCode = Literal[tuple(Stage.values)]  # type: ignore[valid-type]
VisibilityCode = Literal[tuple(Visibility.values)]  # type: ignore[valid-type]
CurrencyCode = Literal[tuple(Currency.values)]  # type: ignore[valid-type]
CurrencyOrBlank = Literal[("", *Currency.values)]  # type: ignore[valid-type]
RoleCode = Literal[tuple(Role.values)]  # type: ignore[valid-type]
ConfidentialityCode = Literal[tuple(Confidentiality.values)]  # type: ignore[valid-type]
DocumentTypeCode = Literal[tuple(DocumentType.values)]  # type: ignore[valid-type]
SDGCode = Literal[tuple(SDG.values)]  # type: ignore[valid-type]
InitiativeCode = Literal[("", *Initiative.values)]  # type: ignore[valid-type]
ReturnMechanismCode = Literal[("", *ReturnMechanism.values)]  # type: ignore[valid-type]
SupportCode = Literal[tuple(GovernmentSupport.values)]  # type: ignore[valid-type]
ListingCode = Literal[("", *ListingStatus.values)]  # type: ignore[valid-type]
AgreementCode = Literal[("", *AgreementType.values)]  # type: ignore[valid-type]

#: Ids are int64 in both databases; a larger number is a 422, never a database error.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=1, le=2**31 - 1)]

#: Out: a Decimal written as a plain string ("1000000000000000.00"), never a float, never "1E+3".
DecimalStr = Annotated[Decimal, PlainSerializer(lambda v: format(v, "f"), return_type=str)]
#: In: a positive amount or quantity (strings or numbers), two places, at most 9 × 10^16. A string
#: is digits with an optional point and one or two places ("1500000.50"): OpenAPI documents it as
#: a pattern, and a string outside it is refused, so that what is documented is what is refused.
POSITIVE_AMOUNT_PATTERN = (
    r"^(?:(?:[1-9]\d{0,15}|[1-8]\d{16})(?:\.\d{1,2})?|0\.(?:[1-9]\d?|0[1-9])"
    r"|90000000000000000(?:\.00?)?)$"
)
NON_NEGATIVE_AMOUNT_PATTERN = (
    r"^(?:(?:0|[1-9]\d{0,15}|[1-8]\d{16})(?:\.\d{1,2})?|90000000000000000(?:\.00?)?)$"
)


def decimal_input(pattern: str, number: dict[str, Any], message: str) -> tuple[Any, Any]:
    """A Decimal input's documented schema (a number within `number`, or a string matching
    `pattern`) and the validator that refuses a string outside the pattern."""
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        if isinstance(value, str) and not compiled.fullmatch(value):
            raise ValueError(message)
        return value

    schema = {"anyOf": [{"type": "number", **number}, {"type": "string", "pattern": pattern}]}
    return BeforeValidator(check), WithJsonSchema(schema)


_AMOUNT_MESSAGE = "Write digits with at most two decimal places after a point, e.g. 1500000.50."
PositiveAmount = Annotated[
    Decimal,
    Field(gt=0, le=MAX_VALUE, decimal_places=2, allow_inf_nan=False),
    *decimal_input(
        POSITIVE_AMOUNT_PATTERN,
        {"exclusiveMinimum": 0, "maximum": 9e16, "multipleOf": 0.01},
        _AMOUNT_MESSAGE,
    ),
]
NonNegativeAmount = Annotated[
    Decimal,
    Field(ge=0, le=MAX_VALUE, decimal_places=2, allow_inf_nan=False),
    *decimal_input(
        NON_NEGATIVE_AMOUNT_PATTERN,
        {"minimum": 0, "maximum": 9e16, "multipleOf": 0.01},
        _AMOUNT_MESSAGE,
    ),
]


def _max(model: Any, name: str) -> int:
    return model._meta.get_field(name).max_length  # type: ignore[no-any-return]


# --- partnerships -------------------------------------------------------------------------------


class MemberOut(Schema):
    id: int = Field(
        ..., description="Member id (the organisation's membership of this partnership)."
    )
    partnership_id: int = Field(..., description="Partnership id.")
    organisation_id: int = Field(..., description="Organisation id.")
    organisation_name: str = Field(..., description="Organisation name.")
    organisation_sector: str = Field(..., description="The organisation's sector.")
    roles: list[str] = Field(..., description="Roles in this partnership (lead, operator, ...).")
    is_lead: bool = Field(..., description="Whether it holds the lead role.")
    joined_on: date | None = Field(None, description="Date it joined.")
    left_on: date | None = Field(None, description="Date it left (null while current).")
    version: int = Field(..., description="Edit version: send it back with a PATCH.")

    @staticmethod
    def resolve_organisation_name(obj: Any) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_organisation_sector(obj: Any) -> str:
        return obj.organisation.sector


class PartnershipOut(Schema):
    id: int = Field(..., description="Partnership id.")
    code: str = Field(..., description="Human-readable code, e.g. KPBU-2026-0001.")
    title: str = Field(..., description="Title in the request language (falls back to the other).")
    title_ind: str | None = Field(None, description="Title in Indonesian.")
    title_en: str | None = Field(None, description="Title in English.")
    summary: str = Field("", description="Summary in the request language.")
    summary_ind: str | None = Field(None, description="Summary in Indonesian.")
    summary_en: str | None = Field(None, description="Summary in English.")
    form: FormCode = Field(..., description="Form of partnership.")
    development_sector: DevelopmentSectorCode = Field(..., description="Development sector.")
    country: str = Field(..., description="ISO 3166-1 alpha-2 country code.")
    province: str = Field(..., description="ISO 3166-2 province code, or ''.")
    regency: str = Field(..., description="Regency or city.")
    stage: StageCode = Field(..., description="Lifecycle stage.")
    stage_since: date | None = Field(None, description="In this stage since.")
    start_date: date | None = Field(None, description="Start date.")
    end_date: date | None = Field(None, description="End date.")
    estimated_value: DecimalStr | None = Field(
        None, description="Estimated value as a decimal string, in `currency`."
    )
    currency: CurrencyCode = Field(..., description="ISO 4217 currency of the estimated value.")
    sdgs: list[int] = Field(..., description="UN Sustainable Development Goals (1–17).")
    initiative: str = Field(..., description="KPBU initiative: solicited, unsolicited or ''.")
    return_mechanism: str = Field(
        ..., description="user_charge, availability_payment, mixed, other or ''."
    )
    government_support: list[str] = Field(
        ..., description="Government support and guarantees: vgf, guarantee, land, fiscal, other."
    )
    concession_years: int | None = Field(None, description="Concession period in years.")
    listing_status: str = Field(..., description="drk (Daftar Rencana KPBU), ppp_book or ''.")
    agreement_type: str = Field(..., description="The instrument that binds the partners, or ''.")
    visibility: VisibilityCode = Field(..., description="draft, partners or public.")
    version: int = Field(..., description="Edit version: send it back with a PATCH.")
    created_at: datetime = Field(..., description="When it was created.")
    updated_at: datetime = Field(..., description="When it was last changed.")
    members: list[MemberOut] = Field(..., description="Member organisations with their roles.")

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return obj.title or ""

    @staticmethod
    def resolve_summary(obj: Any) -> str:
        return obj.summary or ""

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(getattr(obj.country, "code", obj.country))

    @staticmethod
    def resolve_members(obj: Any) -> list[Any]:
        return list(obj.members.all())


class PartnershipCreateIn(InSchema):
    lead_organisation_id: Id | None = Field(
        None,
        description="The organisation that leads it; you must administer it. May be left "
        "out when you administer exactly one organisation.",
    )
    lead_roles: list[RoleCode] = Field(
        default_factory=list,
        max_length=len(Role.values),
        description="Roles of the lead organisation besides 'lead'.",
    )
    title_ind: str = Field(
        ...,
        min_length=1,
        max_length=_max(Partnership, "title_ind"),
        description="Title (Indonesian).",
    )
    title_en: str = Field(
        "", max_length=_max(Partnership, "title_en"), description="Title (English)."
    )
    summary_ind: str = Field("", max_length=MAX_TEXT, description="Summary (Indonesian).")
    summary_en: str = Field("", max_length=MAX_TEXT, description="Summary (English).")
    form: FormCode = Field(..., description="Form of partnership.")
    development_sector: DevelopmentSectorCode = Field(..., description="Development sector.")
    country: CountryCode = Field("ID", description="ISO 3166-1 alpha-2 country code.")
    province: str = Field(
        "",
        max_length=_max(Partnership, "province"),
        pattern=PROVINCE_PATTERN,
        description="ISO 3166-2 code of a province of the country, or ''.",
    )
    regency: str = Field("", max_length=_max(Partnership, "regency"), description="Regency/city.")
    start_date: date | None = Field(None, description="Start date.")
    end_date: date | None = Field(None, description="End date (not before the start).")
    estimated_value: NonNegativeAmount | None = Field(
        None, description="Estimated value (decimal string or number, ≥ 0, 2 places)."
    )
    currency: CurrencyCode = Field("IDR", description="ISO 4217 currency.")
    sdgs: list[SDGCode] = Field(
        default_factory=list, max_length=17, description="SDGs (1–17), each once."
    )
    initiative: InitiativeCode = Field("", description="KPBU only: solicited or unsolicited.")
    return_mechanism: ReturnMechanismCode = Field("", description="How the investment returns.")
    government_support: list[SupportCode] = Field(
        default_factory=list,
        max_length=len(GovernmentSupport.values),
        description="Government support and guarantees, each once.",
        json_schema_extra={"uniqueItems": True},
    )
    concession_years: int | None = Field(None, ge=1, le=99, description="Concession years.")
    listing_status: ListingCode = Field("", description="drk, ppp_book or ''.")
    agreement_type: AgreementCode = Field("", description="The binding instrument, or ''.")
    visibility: VisibilityCode = Field("draft", description="draft, partners or public.")


class PartnershipUpdateIn(InSchema):
    """Only the fields sent change. `version` is the one you read (409 when stale)."""

    version: Version = Field(..., description="The version you read.")
    title_ind: str = Field(
        None,
        min_length=1,
        max_length=_max(Partnership, "title_ind"),
        description="Title (Indonesian).",
    )
    title_en: str = Field(
        None, max_length=_max(Partnership, "title_en"), description="Title (English)."
    )
    summary_ind: str = Field(None, max_length=MAX_TEXT, description="Summary (Indonesian).")
    summary_en: str = Field(None, max_length=MAX_TEXT, description="Summary (English).")
    form: FormCode = Field(None, description="Form of partnership.")
    development_sector: DevelopmentSectorCode = Field(None, description="Development sector.")
    country: CountryCode = Field(None, description="ISO 3166-1 alpha-2 country code.")
    province: str = Field(
        None,
        max_length=_max(Partnership, "province"),
        pattern=PROVINCE_PATTERN,
        description="ISO 3166-2 province code, or ''.",
    )
    regency: str = Field(None, max_length=_max(Partnership, "regency"), description="Regency/city.")
    stage: StageCode = Field(
        None,
        description="Lifecycle stage: only the current one is accepted here (422 otherwise); "
        "move it with POST /partnerships/{partnership_id}/stage.",
    )
    stage_since: date | None = Field(None, description="In this stage since.")
    start_date: date | None = Field(None, description="Start date.")
    end_date: date | None = Field(None, description="End date.")
    estimated_value: NonNegativeAmount | None = Field(None, description="Estimated value (≥ 0).")
    currency: CurrencyCode = Field(None, description="ISO 4217 currency.")
    sdgs: list[SDGCode] = Field(None, max_length=17, description="SDGs (1–17), each once.")
    initiative: InitiativeCode = Field(None, description="KPBU only: solicited or unsolicited.")
    return_mechanism: ReturnMechanismCode = Field(None, description="How the investment returns.")
    government_support: list[SupportCode] = Field(
        None,
        max_length=len(GovernmentSupport.values),
        description="Government support and guarantees, each once.",
        json_schema_extra={"uniqueItems": True},
    )
    concession_years: int | None = Field(None, ge=1, le=99, description="Concession years.")
    listing_status: ListingCode = Field(None, description="drk, ppp_book or ''.")
    agreement_type: AgreementCode = Field(None, description="The binding instrument, or ''.")
    visibility: VisibilityCode = Field(None, description="draft, partners or public.")


class PartnershipFilters(InSchema):
    form: FormCode | None = Field(None, description="Only this form.")
    stage: StageCode | None = Field(None, description="Only this stage.")
    development_sector: DevelopmentSectorCode | None = Field(None, description="Only this sector.")
    province: str | None = Field(
        None, max_length=6, pattern=PROVINCE_PATTERN, description="Only this province."
    )
    visibility: VisibilityCode | None = Field(None, description="Only this visibility.")
    q: str | None = Field(None, max_length=200, description="Search code, titles and summaries.")
    my_role: RoleCode | None = Field(None, description="Only where my organisation has this role.")
    mine: bool | None = Field(None, description="Only where my organisation is a member.")


# --- members ------------------------------------------------------------------------------------


class MemberCreateIn(InSchema):
    organisation_id: Id = Field(..., description="The organisation to add.")
    roles: list[RoleCode] = Field(
        ..., min_length=1, max_length=len(Role.values), description="Its roles (at least one)."
    )
    joined_on: date | None = Field(None, description="Date it joined (default today).")


class MemberUpdateIn(InSchema):
    version: Version = Field(..., description="The version you read.")
    roles: list[RoleCode] = Field(
        None, min_length=1, max_length=len(Role.values), description="Its roles."
    )
    joined_on: date | None = Field(None, description="Date it joined.")
    left_on: date | None = Field(None, description="Date it left.")


# --- needs ------------------------------------------------------------------------------------


class NeedOut(Schema):
    id: int = Field(..., description="Need id.")
    partnership_id: int = Field(..., description="Partnership id.")
    title: str = Field(..., description="What is needed, in the request language.")
    title_ind: str | None = Field(None, description="Title in Indonesian.")
    title_en: str | None = Field(None, description="Title in English (falls back to Indonesian).")
    resource_type: ResourceTypeCode = Field(..., description="Kind of resource.")
    description: str = Field(..., description="Details.")
    quantity: DecimalStr = Field(..., description="Amount (cash) or quantity needed.")
    unit: str = Field(..., description="Unit code for non-cash resources, or ''.")
    unit_label: str = Field("", description="The unit in the request language.")
    currency: str = Field(..., description="ISO 4217 currency for cash, or ''.")
    measure: str = Field(..., description="What it is counted in: the currency or the unit.")

    @staticmethod
    def resolve_unit_label(obj: Any) -> str:
        return str(obj.get_unit_display()) if obj.unit else ""

    due_date: date | None = Field(None, description="Needed by.")
    version: int = Field(..., description="Edit version: send it back with a PATCH.")


class NeedCreateIn(InSchema):
    title: str = Field(
        ...,
        min_length=1,
        max_length=_max(Need, "title"),
        description="What is needed, in Indonesian.",
    )
    title_en: str = Field(
        "", max_length=_max(Need, "title"), description="What is needed, in English."
    )
    resource_type: ResourceTypeCode = Field(..., description="Kind of resource.")
    description: str = Field("", max_length=MAX_TEXT, description="Details, in Indonesian.")
    description_en: str = Field("", max_length=MAX_TEXT, description="Details, in English.")
    quantity: PositiveAmount = Field(..., description="Amount or quantity (> 0, 2 places).")
    unit: str = Field(
        "",
        max_length=_max(Need, "unit"),
        description="Unit code for non-cash resources (required then): person-days, ha, m2, "
        "units, people, ... (see the Unit code list in docs/glossary.md; common spellings "
        "such as 'person days' or 'hectares' are accepted).",
    )
    currency: CurrencyOrBlank = Field(
        "", description="ISO 4217 currency (cash only, required then)."
    )
    due_date: date | None = Field(None, description="Needed by.")


class NeedUpdateIn(InSchema):
    version: Version = Field(..., description="The version you read.")
    title: str = Field(
        None, min_length=1, max_length=_max(Need, "title"), description="Title, in Indonesian."
    )
    title_en: str = Field(None, max_length=_max(Need, "title"), description="Title, in English.")
    resource_type: ResourceTypeCode = Field(None, description="Kind of resource.")
    description: str = Field(None, max_length=MAX_TEXT, description="Details, in Indonesian.")
    description_en: str = Field(None, max_length=MAX_TEXT, description="Details, in English.")
    quantity: PositiveAmount = Field(None, description="Amount or quantity (> 0).")
    unit: str = Field(None, max_length=_max(Need, "unit"), description="Unit for non-cash.")
    currency: CurrencyOrBlank = Field(None, description="Currency for cash, or ''.")
    due_date: date | None = Field(None, description="Needed by.")


# --- commitments and deliveries -------------------------------------------------------------------


class MemberItemOut(Schema):
    """Base of the items a member owns: the owning organisation read through `member`."""

    @staticmethod
    def resolve_organisation_id(obj: Any) -> int:
        return obj.member.organisation_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_organisation_name(obj: Any) -> str:
        return obj.member.organisation.name  # type: ignore[no-any-return]


class CommitmentOut(MemberItemOut):
    id: int = Field(..., description="Commitment id.")
    need_id: int = Field(..., description="The need it pledges against.")
    member_id: int = Field(..., description="The pledging member.")
    organisation_id: int = Field(..., description="The pledging organisation.")
    organisation_name: str = Field(..., description="Its name.")
    quantity: DecimalStr = Field(..., description="Pledged amount or quantity.")
    due_date: date | None = Field(None, description="Due date.")
    confidentiality: ConfidentialityCode = Field(..., description="Who may see it.")
    notes: str = Field(..., description="Notes.")
    version: int = Field(..., description="Edit version: send it back with a PATCH.")


class CommitmentCreateIn(InSchema):
    organisation_id: Id | None = Field(
        None, description="Which of your organisations pledges (only if you belong to several)."
    )
    quantity: PositiveAmount = Field(..., description="Pledged amount or quantity (> 0).")
    due_date: date | None = Field(None, description="Due date.")
    confidentiality: ConfidentialityCode = Field("partners", description="Who may see it.")
    notes: str = Field("", max_length=MAX_TEXT, description="Notes.")
    confirm_over_pledge: StrictBool = Field(
        False,
        description="Confirms a pledge above ten times what the need still lacks (refused with "
        "422 on `quantity` and `confirm_over_pledge` without it).",
    )


class CommitmentUpdateIn(InSchema):
    version: Version = Field(..., description="The version you read.")
    quantity: PositiveAmount = Field(None, description="Pledged amount or quantity (> 0).")
    due_date: date | None = Field(None, description="Due date.")
    confidentiality: ConfidentialityCode = Field(None, description="Who may see it.")
    notes: str = Field(None, max_length=MAX_TEXT, description="Notes.")
    confirm_over_pledge: StrictBool = Field(
        False, description="Confirms a new amount above ten times what the need still lacks."
    )


class DeliveryOut(Schema):
    id: int = Field(..., description="Delivery id.")
    commitment_id: int = Field(..., description="The commitment delivered against.")
    delivered_on: date = Field(..., description="Delivery date.")
    quantity: DecimalStr = Field(..., description="Delivered amount or quantity.")
    evidence_id: int | None = Field(None, description="Evidence document id.")
    notes: str = Field(..., description="Notes.")
    version: int = Field(..., description="Edit version: send it back with a PATCH.")


class DeliveryCreateIn(InSchema):
    delivered_on: date = Field(..., description="Delivery date.")
    quantity: PositiveAmount = Field(..., description="Delivered amount or quantity (> 0).")
    evidence_id: Id | None = Field(None, description="A document of this partnership as evidence.")
    notes: str = Field("", max_length=MAX_TEXT, description="Notes.")


class DeliveryUpdateIn(InSchema):
    version: Version = Field(..., description="The version you read.")
    delivered_on: date = Field(None, description="Delivery date.")
    quantity: PositiveAmount = Field(None, description="Delivered amount or quantity (> 0).")
    evidence_id: Id | None = Field(None, description="Evidence document id, or null.")
    notes: str = Field(None, max_length=MAX_TEXT, description="Notes.")


# --- fulfilment -----------------------------------------------------------------------------------


class CommitmentRowOut(Schema):
    commitment: CommitmentOut = Field(..., description="The commitment.")
    delivered: DecimalStr = Field(..., description="Delivered so far against it.")
    fulfilment_pct: DecimalStr | None = Field(None, description="Delivered ÷ pledged × 100.")
    deliveries: list[DeliveryOut] = Field(..., description="Its deliveries, by date.")


class NeedRowOut(Schema):
    need: NeedOut = Field(..., description="The need.")
    pledged: DecimalStr = Field(
        ...,
        description="Pledged by the commitments you may see (others are not added).",
    )
    delivered: DecimalStr = Field(..., description="Delivered against those commitments.")
    gap: DecimalStr = Field(..., description="Not yet pledged (never below zero).")
    hidden_commitments: int = Field(
        0,
        description="Commitments to this need you may not see (counted, never summed): when "
        "above 0, the gap may already be closed.",
    )
    pledged_pct: DecimalStr | None = Field(None, description="Pledged ÷ needed × 100.")
    delivered_pct: DecimalStr | None = Field(None, description="Delivered ÷ needed × 100.")
    commitments: list[CommitmentRowOut] = Field(..., description="The commitments you may see.")


class MemberMeasureOut(Schema):
    member_id: int = Field(..., description="Member id.")
    organisation_id: int = Field(..., description="Organisation id.")
    organisation_name: str = Field(..., description="Organisation name.")
    measure: str = Field(..., description="Currency code or unit the figures are in.")
    is_money: bool = Field(..., description="Whether the measure is a currency.")
    pledged: DecimalStr = Field(..., description="Pledged in this measure.")
    delivered: DecimalStr = Field(..., description="Delivered in this measure.")
    fulfilment_pct: DecimalStr | None = Field(None, description="Delivered ÷ pledged × 100.")


class FulfilmentOut(Schema):
    needs: list[NeedRowOut] = Field(..., description="Per need: pledged, delivered, gap.")
    members: list[MemberMeasureOut] = Field(..., description="Per member and measure.")


# --- objectives ---------------------------------------------------------------------------------


class ObjectiveOut(MemberItemOut):
    id: int = Field(..., description="Objective id.")
    member_id: int = Field(..., description="The member whose objective it is.")
    organisation_id: int = Field(..., description="Its organisation.")
    organisation_name: str = Field(..., description="Its organisation's name.")
    text: str = Field(..., description="The objective.")
    sdg: int | None = Field(None, description="SDG it serves (1–17).")
    weight: int = Field(..., description="Importance to the partner, 1–100.")
    confidentiality: ConfidentialityCode = Field(..., description="Who may see it.")
    version: int = Field(..., description="Edit version: send it back with a PATCH.")


class ObjectiveCreateIn(InSchema):
    organisation_id: Id | None = Field(
        None, description="Which of your organisations (only if you belong to several)."
    )
    text: str = Field(..., min_length=1, max_length=500, description="The objective.")
    sdg: SDGCode | None = Field(None, description="SDG it serves (1–17).")
    weight: int = Field(50, ge=1, le=100, description="Importance, 1–100.")
    confidentiality: ConfidentialityCode = Field("partners", description="Who may see it.")


class ObjectiveUpdateIn(InSchema):
    version: Version = Field(..., description="The version you read.")
    text: str = Field(None, min_length=1, max_length=500, description="The objective.")
    sdg: SDGCode | None = Field(None, description="SDG it serves (1–17), or null.")
    weight: int = Field(None, ge=1, le=100, description="Importance, 1–100.")
    confidentiality: ConfidentialityCode = Field(None, description="Who may see it.")


# --- documents ----------------------------------------------------------------------------------


class DocumentOut(Schema):
    id: int = Field(..., description="Document id.")
    partnership_id: int = Field(..., description="Partnership id.")
    member_id: int = Field(..., description="The owning member.")
    organisation_id: int = Field(..., description="The owning organisation.")
    organisation_name: str = Field(..., description="Its name.")
    title: str = Field(..., description="Title.")
    doc_type: DocumentTypeCode = Field(..., description="Kind of document.")
    revision: str = Field(..., description="Document version (e.g. 1.0).")
    filename: str = Field(..., description="File name.")
    size: int = Field(..., description="Size in bytes.")
    confidentiality: ConfidentialityCode = Field(..., description="Who may see and download it.")
    download_url: str = Field(..., description="Where to download the file.")
    version: int = Field(..., description="Edit version: send it back with a PATCH.")
    created_at: datetime = Field(..., description="When it was uploaded.")

    @staticmethod
    def resolve_member_id(obj: Any) -> int:
        return obj.owner_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_organisation_id(obj: Any) -> int:
        return obj.owner.organisation_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_organisation_name(obj: Any) -> str:
        return obj.owner.organisation.name  # type: ignore[no-any-return]

    @staticmethod
    def resolve_filename(obj: Any) -> str:
        return os.path.basename(obj.file.name)

    @staticmethod
    def resolve_download_url(obj: Any) -> str:
        return f"/api/v1/documents/{obj.pk}/download"


class DocumentCreateIn(InSchema):
    """Form fields sent with the file (multipart/form-data)."""

    organisation_id: Id | None = Field(
        None, description="Which of your organisations owns it (only if you belong to several)."
    )
    title: str = Field(..., min_length=1, max_length=_max(Document, "title"), description="Title.")
    doc_type: DocumentTypeCode = Field(..., description="Kind of document.")
    revision: str = Field(
        "1.0",
        max_length=_max(Document, "revision"),
        description="Document version (left out or empty: 1.0).",
    )
    confidentiality: ConfidentialityCode = Field(
        "partners", description="public, partners, or owner (your organisation only)."
    )

    @field_validator("organisation_id", mode="before")
    @classmethod
    def _form_null_is_none(cls, value: Any) -> Any:
        # A form field cannot carry JSON null: OpenAPI tools send it as "null" (or leave it empty).
        return None if value in ("", "null") else value

    @field_validator("revision", mode="before")
    @classmethod
    def _empty_revision_is_the_first(cls, value: Any) -> Any:
        return "1.0" if value == "" else value


class DocumentUpdateIn(InSchema):
    version: Version = Field(..., description="The version you read.")
    title: str = Field(None, min_length=1, max_length=_max(Document, "title"), description="Title.")
    doc_type: DocumentTypeCode = Field(None, description="Kind of document.")
    revision: str = Field(
        None, min_length=1, max_length=_max(Document, "revision"), description="Document version."
    )
    confidentiality: ConfidentialityCode = Field(None, description="Who may see it.")


# --- history ------------------------------------------------------------------------------------


class FieldChangeOut(Schema):
    field: str = Field(..., description="Field name.")
    label: str = Field(..., description="Field label in the request language.")
    old: str = Field(
        ...,
        description="Value before ('—' when empty), as the page shows it in the request language: "
        "dates day first (07/12/2026, 07-12-2026 in Indonesian), times in the reader's time "
        "zone, amounts grouped, yes/no, a person by name, JSON as JSON; another related item "
        "as '#id'.",
    )
    new: str = Field(..., description="Value after, written as 'old' is.")


class HistoryEntryOut(Schema):
    when: datetime = Field(..., description="When.")
    who: str = Field(
        ...,
        description="Who did it: full name (the username when none is set) and organisation, "
        "e.g. 'Budi Santoso (Kementerian PUPR)'; 'system' when nobody.",
    )
    action: Literal["created", "changed", "deleted"] = Field(..., description="What happened.")
    action_label: str = Field(..., description="The action in the request language.")
    object_type: str = Field(..., description="Kind of object, in the request language.")
    object_label: str = Field(..., description="Which object.")
    version: int | None = Field(None, description="The object's version after the change.")
    changes: list[FieldChangeOut] = Field(..., description="Fields changed: old → new.")

    @staticmethod
    def resolve_action(obj: Any) -> str:
        return {"+": "created", "~": "changed", "-": "deleted"}[obj.action]
