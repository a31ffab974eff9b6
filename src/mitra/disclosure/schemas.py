"""Ninja schemas of the open-data endpoints: the filters, and the (documented) package answers.

The packages themselves are written by `jsonio` (exact decimal amounts), so the answers are
described here for the OpenAPI document but not re-validated by Ninja.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from mitra.accounts.schemas import InSchema
from mitra.partnerships.schemas import DevelopmentSectorCode, FormCode, StageCode

PROVINCE_PATTERN = r"^[A-Z]{2}-[A-Z0-9]{1,3}$"
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+$"


#: pydantic would read a bare number as a Unix time; OpenAPI promises an RFC 3339 moment.
_NUMBER = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*")


class ReleasePackageFilters(InSchema):
    model_config = ConfigDict(extra="forbid")

    code: str | None = Field(None, max_length=30, description="Only this partnership (code).")
    form: FormCode | None = Field(None, description="Only this form of partnership.")
    sector: DevelopmentSectorCode | None = Field(None, description="Only this development sector.")
    stage: StageCode | None = Field(None, description="Only this stage.")
    province: str | None = Field(
        None,
        max_length=6,
        pattern=PROVINCE_PATTERN,
        description="Only this province (ISO 3166-2 code, e.g. ID-JB).",
    )
    updated_since: datetime.datetime | None = Field(
        None,
        description="Only releases made at or after this moment (RFC 3339; release package only).",
    )

    page_size: int | None = Field(
        None,
        ge=1,
        le=1000,
        description="Items per page (default 100, at most 1000): releases in the release "
        "package (a partnership's releases may run over two pages), projects in the project "
        "package. Follow `links.next` for the next page.",
    )
    after: str | None = Field(
        None,
        max_length=200,
        pattern=CURSOR_PATTERN,
        description="Page cursor: the page after this one (taken from `links.next`).",
    )
    before: str | None = Field(
        None,
        max_length=200,
        pattern=CURSOR_PATTERN,
        description="Page cursor: the page before this one (taken from `links.prev`).",
    )

    @field_validator("updated_since", mode="before")
    @classmethod
    def _moment_is_not_a_number(cls, value: Any) -> Any:
        if (isinstance(value, int | float) and not isinstance(value, bool)) or (
            isinstance(value, str) and _NUMBER.fullmatch(value)
        ):
            raise ValueError("A moment is written as RFC 3339, e.g. 2026-12-31T00:00:00+07:00.")
        return value

    def as_filters(self) -> dict[str, Any]:
        return {k: v for k, v in self.dict().items() if v is not None}


class OcdsPackageOut(Schema):
    """An OCDS release or record package (OCDS 1.1.5 + OCDS for PPPs 1.0.0-beta3)."""

    uri: str = Field(..., description="The URI of this package.")
    version: str = Field(..., description="OCDS schema version (1.1).")
    extensions: list[str] = Field(..., description="The OCDS for PPPs profile extension.")
    publishedDate: str = Field(..., description="Date of the newest release included.")
    publisher: dict[str, Any] = Field(..., description="Who publishes the data.")
    license: str = Field(..., description="Licence of the data.")
    links: dict[str, str] | None = Field(
        None, description="`next` and `prev`: the neighbouring pages (paginated packages)."
    )
    releases: list[dict[str, Any]] | None = Field(None, description="Releases (release package).")
    records: list[dict[str, Any]] | None = Field(
        None, description="Records with their releases and compiledRelease (record package)."
    )


class ProjectPackageOut(Schema):
    """An OC4IDS 0.9.5 project package."""

    uri: str = Field(..., description="The URI of this package.")
    version: str = Field(..., description="OC4IDS schema version (0.9).")
    publishedDate: str = Field(..., description="Date of the newest release included.")
    publisher: dict[str, Any] = Field(..., description="Who publishes the data.")
    license: str = Field(..., description="Licence of the data.")
    links: dict[str, str] | None = Field(
        None, description="`next` and `prev`: the neighbouring pages."
    )
    projects: list[dict[str, Any]] = Field(..., description="Infrastructure projects.")
