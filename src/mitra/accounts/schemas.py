"""API schemas for accounts (token, current user), and the building blocks every app's API shares:
the error body, pagination, and a few field types.

The shared blocks sit here because accounts is the app every other API already depends on (for
authentication); they would move to `core` if core grows an API module.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from math import inf
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from django.conf import settings
from django.utils.translation import gettext
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import ValidationInfo, field_validator, model_validator

# --- shared: input ----------------------------------------------------------------------------


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def _holds_objects(value: Any) -> bool:
    return isinstance(value, dict) or (
        isinstance(value, list) and any(isinstance(item, dict) for item in value)
    )


class InSchema(Schema):
    """Base of every input schema: refuses NUL characters, which PostgreSQL cannot store."""

    @model_validator(mode="before")
    @classmethod
    def _no_nul_characters(cls, data: Any) -> Any:
        # Ninja hands validators a DjangoGetter wrapping the raw input (`_obj`). Only the fields
        # this schema reads count: an unknown key is ignored, whatever it holds (OpenAPI allows
        # additional properties), and the fields document the rule as a pattern (config.api).
        # A nested object is an input schema of its own and checks its own fields.
        raw = getattr(data, "_obj", data)
        if isinstance(raw, dict):
            names = {n for name, f in cls.model_fields.items() for n in (name, f.alias) if n}
            raw = [v for k, v in raw.items() if k in names and not _holds_objects(v)]
        if _has_nul(raw):
            raise ValueError("Text may not contain NUL (\\x00) characters.")
        return data

    @field_validator("*", mode="before")
    @classmethod
    def _dates_are_written_as_dates(cls, value: Any, info: ValidationInfo) -> Any:
        # pydantic would read 0 as 1970-01-01 (a Unix time): a date is "YYYY-MM-DD" or nothing.
        if isinstance(value, int | float) and not isinstance(value, bool):
            field = cls.model_fields.get(info.field_name or "")
            if field is not None and _is_date(field.annotation):
                raise ValueError(gettext("A date is written as YYYY-MM-DD, e.g. 2026-12-31."))
        return value

    @field_validator("*", mode="before")
    @classmethod
    def _numbers_are_not_booleans(cls, value: Any, info: ValidationInfo) -> Any:
        # pydantic reads true/false as 1/0 where a number is expected; the document says
        # "integer" or "number", so a boolean is the wrong type (schemathesis ST201).
        field = cls.model_fields.get(info.field_name or "")
        if field is None:
            return value
        if _holds_bool(value) and _is_number(field.annotation):
            raise ValueError(gettext("A number is expected, not true or false."))
        return value


_NUMBERS = (int, float, Decimal)


def _holds_bool(value: Any) -> bool:
    """A boolean, or a list or mapping holding one directly (a nested object checks its own)."""
    if isinstance(value, dict):
        value = list(value.values())
    items = value if isinstance(value, list | tuple) else [value]
    return any(isinstance(v, bool) for v in items)


def _is_number(annotation: Any) -> bool:
    """A number, or an optional one, or a list or mapping of them (``bool`` is not one)."""
    if annotation is bool:
        return False
    if isinstance(annotation, type) and issubclass(annotation, _NUMBERS):
        return True
    origin = get_origin(annotation)
    if origin is Annotated:
        return _is_number(get_args(annotation)[0])
    if origin is dict:
        return _is_number(get_args(annotation)[1])
    if origin in (list, tuple, Union, UnionType):
        return any(_is_number(arg) for arg in get_args(annotation) if arg is not type(None))
    return False


def _is_date(annotation: Any) -> bool:
    """``date`` or ``date | None`` (not ``datetime``)."""
    if annotation is date:
        return True
    return any(arg is date for arg in get_args(annotation))


# --- shared: errors ---------------------------------------------------------------------------


class ErrorItem(Schema):
    loc: list[str | int] = Field(
        ..., description="Where the error is: source ('body', 'query', 'path') then the field."
    )
    msg: str = Field(..., description="What is wrong, in the request language.")
    type: str = Field(..., description="Machine-readable error code.")


class ErrorOut(Schema):
    """Every error answer: `detail` is a message, or a list of field errors (422)."""

    model_config = {"extra": "allow"}

    detail: str | list[dict[str, Any]] = Field(
        ..., description="A message, or for invalid input a list of {loc, msg, type} field errors."
    )


#: The error answers every API operation documents (its own 409, 429, ... added where it has them).
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class SpecIssueOut(Schema):
    path: str = Field(..., description="Where in the spec, as a JSON path: $.risks[0].allocation.")
    message: str = Field(..., description="What is wrong there.")


class SpecErrorOut(Schema):
    """An invalid spec (`issues`), or invalid input as everywhere (`detail` a list)."""

    detail: str | list[dict[str, Any]] = Field(
        ..., description="A message, or for invalid input a list of {loc, msg, type} field errors."
    )
    issues: list[SpecIssueOut] | None = Field(
        None, description="Every problem of the spec, with its JSON path; nothing was changed."
    )


class StaleOut(Schema):
    detail: str = Field(..., description="Why nothing was saved.")
    current: dict[str, Any] = Field(..., description="The stored object, as a GET shows it now.")
    changes: list[dict[str, Any]] = Field(
        ...,
        description="What others changed since your version: who, when, version, field, "
        "label, old, new.",
    )


# --- shared: pagination -----------------------------------------------------------------------

#: Offsets beyond this are refused (422): no list is that long, and databases reject huge ones.
MAX_OFFSET = 1_000_000


def _describe_items(schema: dict[str, Any], model: Any = None) -> None:
    schema["properties"]["items"].setdefault("description", "This page of items.")


class Pagination(LimitOffsetPagination):
    """`?limit=&offset=`; the answer is `{"items": [...], "count": <total>}`."""

    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE,
            ge=1,
            le=getattr(settings, "NINJA_PAGINATION_MAX_LIMIT", inf),
            description="How many items to return.",
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip.")

    class Output(Schema):
        # Ninja re-declares `items` per list (losing its Field), so describe it in the schema.
        model_config = {**Schema.model_config, "json_schema_extra": _describe_items}

        items: list[Any] = Field(..., description="This page of items.")
        count: int = Field(..., description="How many items there are in all (every page).")


# --- accounts ---------------------------------------------------------------------------------


class TokenIn(InSchema):
    username: str = Field(..., min_length=1, max_length=150, description="Your username.")
    password: str = Field(..., min_length=1, max_length=4096, description="Your password.")


class TokenOut(Schema):
    token: str = Field(
        ..., description="The token: send it as 'Authorization: Bearer <token>'. Shown only once."
    )
    token_type: Literal["Bearer"] = Field("Bearer", description="Always 'Bearer'.")
    prefix: str = Field(..., description="The first 8 characters, to recognise the token later.")
    expires_at: datetime = Field(..., description="When the token stops working (ISO 8601).")


class TokenInfoOut(Schema):
    id: int = Field(..., description="Id of the token (to revoke it).")
    prefix: str = Field(..., description="The first 8 characters of the token.")
    created_at: datetime = Field(..., description="When it was issued.")
    expires_at: datetime = Field(..., description="When it stops working.")
    last_used_at: datetime | None = Field(None, description="When it was last used (±5 min).")
    current: bool = Field(..., description="Whether this request is authenticated with it.")


class MembershipOut(Schema):
    organisation_id: int = Field(..., description="Id of the organisation.")
    organisation_name: str = Field(..., description="Name of the organisation.")
    role: Literal["admin", "staff"] = Field(..., description="The user's role in it.")


class MeOut(Schema):
    id: int = Field(..., description="User id.")
    username: str = Field(..., description="Username.")
    is_staff: bool = Field(..., description="Platform staff (sees every partnership).")
    organisations: list[MembershipOut] = Field(
        ..., description="Organisations the user belongs to, with the role in each."
    )
