"""API schemas for organisations. Lengths and allowed values mirror the model fields."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django_countries import countries
from ninja import Field, Schema
from pydantic import StringConstraints

from mitra.accounts.schemas import InSchema

from .models import Organisation, OrganisationKind, ResourceType, Sector

#: Longest text accepted for TextFields (which have no length in the model): 20,000 characters.
MAX_TEXT = 20_000

SectorCode = Literal[tuple(Sector.values)]  # type: ignore[valid-type]
KindCode = Literal[tuple(OrganisationKind.values)]  # type: ignore[valid-type]
ResourceTypeCode = Literal[tuple(ResourceType.values)]  # type: ignore[valid-type]
CountryCode = Literal[tuple(c.code for c in countries)]  # type: ignore[valid-type,misc]
# (pattern: a tag of spaces only would be stripped to nothing: the schema says so)
Tag = Annotated[
    str, StringConstraints(min_length=1, max_length=60, strip_whitespace=True, pattern=r"\S")
]
PROVINCE_PATTERN = r"^([A-Z]{2}-[A-Z0-9]{1,3})?$"


def _field_max(name: str) -> int:
    return Organisation._meta.get_field(name).max_length  # type: ignore[return-value]


class OrganisationOut(Schema):
    id: int = Field(..., description="Organisation id.")
    name: str = Field(..., description="Full name.")
    short_name: str = Field(..., description="Short name or acronym.")
    sector: SectorCode = Field(..., description="Sector (helix): public, social, private, ...")
    kind: KindCode = Field(..., description="Kind of organisation within its sector.")
    country: str = Field(..., description="ISO 3166-1 alpha-2 country code.")
    province: str = Field(..., description="ISO 3166-2 province code (e.g. ID-JB), or ''.")
    website: str = Field(..., description="Website URL, or ''.")
    description: str = Field(..., description="Description in the request language.")
    description_ind: str | None = Field(None, description="Description in Indonesian.")
    description_en: str | None = Field(None, description="Description in English.")
    expertise: list[str] = Field(..., description="Capability tags.")
    resource_types: list[str] = Field(..., description="Kinds of resources it can bring.")
    version: int = Field(..., description="Edit version: send it back with a PATCH.")
    created_at: datetime = Field(..., description="When it was registered.")
    updated_at: datetime = Field(..., description="When it was last changed.")

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(obj.country.code if hasattr(obj.country, "code") else obj.country)

    @staticmethod
    def resolve_description(obj: Any) -> str:
        return obj.description or ""


class OrganisationCreateIn(InSchema):
    name: str = Field(..., min_length=1, max_length=_field_max("name"), description="Full name.")
    short_name: str = Field(
        "", max_length=_field_max("short_name"), description="Short name or acronym."
    )
    sector: SectorCode = Field(..., description="Sector (helix).")
    kind: KindCode = Field(..., description="Kind; must belong to the sector.")
    country: CountryCode = Field("ID", description="ISO 3166-1 alpha-2 country code.")
    province: str = Field(
        "",
        max_length=_field_max("province"),
        pattern=PROVINCE_PATTERN,
        description="ISO 3166-2 code of a province of the country (e.g. ID-JB), or ''.",
    )
    website: str = Field("", max_length=_field_max("website"), description="Website URL.")
    description_ind: str = Field("", max_length=MAX_TEXT, description="Description in Indonesian.")
    description_en: str = Field("", max_length=MAX_TEXT, description="Description in English.")
    expertise: list[Tag] = Field(
        default_factory=list, max_length=30, description="Capability tags (≤ 30, ≤ 60 chars each)."
    )
    resource_types: list[ResourceTypeCode] = Field(
        default_factory=list,
        max_length=len(ResourceType.values),
        description="Kinds of resources the organisation can bring.",
    )


class OrganisationUpdateIn(InSchema):
    """Only the fields sent are changed; `version` is the one you read (409 if stale)."""

    version: int = Field(..., ge=1, le=2**31 - 1, description="The version you read.")
    name: str = Field(None, min_length=1, max_length=_field_max("name"), description="Full name.")
    short_name: str = Field(None, max_length=_field_max("short_name"), description="Short name.")
    sector: SectorCode = Field(None, description="Sector (helix).")
    kind: KindCode = Field(None, description="Kind; must belong to the sector.")
    country: CountryCode = Field(None, description="ISO 3166-1 alpha-2 country code.")
    province: str = Field(
        None,
        max_length=_field_max("province"),
        pattern=PROVINCE_PATTERN,
        description="ISO 3166-2 province code, or ''.",
    )
    website: str = Field(None, max_length=_field_max("website"), description="Website URL.")
    description_ind: str = Field(None, max_length=MAX_TEXT, description="Description (Indonesian).")
    description_en: str = Field(None, max_length=MAX_TEXT, description="Description (English).")
    expertise: list[Tag] = Field(None, max_length=30, description="Capability tags.")
    resource_types: list[ResourceTypeCode] = Field(
        None, max_length=len(ResourceType.values), description="Kinds of resources offered."
    )


class OrganisationFilters(InSchema):
    sector: SectorCode | None = Field(None, description="Only this sector.")
    kind: KindCode | None = Field(None, description="Only this kind.")
    country: CountryCode | None = Field(None, description="Only this country.")
    province: str | None = Field(
        None, max_length=6, pattern=PROVINCE_PATTERN, description="Only this province."
    )
    resource_type: ResourceTypeCode | None = Field(
        None, description="Only organisations offering this kind of resource."
    )
    q: str | None = Field(
        None, max_length=200, description="Search in name, short name and description."
    )
