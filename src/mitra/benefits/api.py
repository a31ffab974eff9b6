"""The benefits API, mounted under /api/v1/ in config/api.py.

The sharing game is partner-level detail: partners and platform staff read it, anonymous
callers get 401, whoever may not see the partnership 404, and a reader of a public partnership
who is not a partner 403. ``GET .../sharing-game`` is the file ``mitra share`` reads, built from
what the caller may see (a commitment confidential to its owner counts in its owner's game
only); ``GET .../sharing`` is ``mitra share SPEC --format json`` on that file. Writes go through
the services; errors are mapped in config/api.py.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status

from mitra.accounts.schemas import ERRORS, SpecErrorOut, StaleOut
from mitra.core.errors import ApplicationError, NotFound, PermissionDenied
from mitra.partnerships.models import Partnership
from mitra.partnerships.schemas import MAX_ID, NonNegativeAmount
from mitra.partnerships.selectors import partnership_get

from . import selectors, services
from .models import UnitValue

router = Router(tags=["Benefit sharing"])


class UnitValueIn(Schema):
    resource_type: str = Field(description="Resource type (cash, land, expertise, ...).")
    unit: str = Field(
        description="Unit code (person-days, m2, units, ...); for cash, its ISO 4217 currency."
    )
    value: NonNegativeAmount = Field(
        description="Value of one unit in the sharing currency (>= 0)."
    )
    basis: str = Field("", max_length=300, description="How the value was set.")
    version: int | None = Field(
        None, description="The version read; required to change an existing unit value."
    )


class UnitValueOut(Schema):
    id: int = Field(description="Unit value id.")
    resource_type: str = Field(description="Resource type.")
    unit: str = Field(description="Unit code, or the currency of cash.")
    value: Decimal = Field(description="Value of one unit in the sharing currency.")
    basis: str = Field(description="How the value was set.")
    set_by: str | None = Field(description="Login of who set it.")
    updated_at: Any = Field(description="When it was last set.")
    version: int = Field(description="Edit version.")


class CoalitionIn(Schema):
    members: list[str] = Field(
        min_length=1, description="Player ids (as in the sharing-game spec) of the group."
    )
    worth: NonNegativeAmount | None = Field(
        description="What the group could achieve on its own, in amount_unit of the currency; "
        "null removes the estimate (the default rule applies)."
    )
    note: str | None = Field(None, max_length=500, description="Where the number comes from.")


def _id(what: str) -> Any:
    return Path(..., ge=1, le=MAX_ID, description=f"{what} id.")


def _partnership(request: HttpRequest, pk: int) -> Partnership:
    return partnership_get(user=request.user, pk=pk)


def _unit_value_out(row: UnitValue) -> dict[str, Any]:
    return {
        "id": row.pk,
        "resource_type": row.resource_type,
        "unit": row.unit,
        "value": row.value,
        "basis": row.basis,
        "set_by": row.set_by.get_username() if row.set_by else None,
        "updated_at": row.updated_at,
        "version": row.version,
    }


#: Render `StaleEdit.current` of this app's models as their GET shows them (config/api.py).
STALE_RENDERERS: dict = {UnitValue: lambda request, row: _unit_value_out(row)}

SPEC_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "additionalProperties": True,
                    "description": "A sharing-game spec (sharing-game.schema.json, spec version "
                    "1.0), the file `mitra share` reads.",
                }
            }
        },
    }
}


@router.get(
    "/partnerships/{partnership_id}/sharing-game",
    response={200: dict[str, Any], **ERRORS},
    summary="The sharing game as a `mitra share` spec",
)
def sharing_game_get(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    """The JSON `mitra share` reads, built from what the caller may see: delivered commitments
    valued at the agreed unit values, walk-away values, the groups' estimates, the total benefit
    and the proposal. Partners and platform staff."""
    return selectors.game_spec(user=request.user, partnership=_partnership(request, partnership_id))


@router.get(
    "/partnerships/{partnership_id}/sharing",
    response={200: dict[str, Any], **ERRORS, 422: SpecErrorOut},
    summary="The benefit-sharing analysis (`mitra share --format json`)",
)
def sharing_get(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    """The same JSON as `mitra share SPEC --format json` on the spec of `GET .../sharing-game`:
    proportional, Shapley and Nash shares, the core check and the fairness report. A game that
    is not complete yet is a 422 with its `issues`."""
    partnership = _partnership(request, partnership_id)
    try:
        return selectors.sharing_result(user=request.user, partnership=partnership)
    except ApplicationError as exc:
        if isinstance(exc, PermissionDenied | NotFound) or "issues" not in exc.extra:
            raise
        return Status(422, {"detail": str(exc.message), "issues": exc.extra["issues"]})


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


@router.put(
    "/partnerships/{partnership_id}/sharing-game",
    response={200: dict[str, Any], **ERRORS, 422: SpecErrorOut},
    summary="Replace the sharing game with a `mitra share` spec",
    openapi_extra=SPEC_BODY,
)
def sharing_game_put(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    """Users of a current partner. Replaces the total benefit, walk-away values, bargaining
    weights, the groups' estimates, synergies and the proposal, all or nothing; players are
    matched to partners by id or name. Contributions are valued from the recorded deliveries,
    not read from the body. An invalid spec is a 422 with `issues` (JSON paths)."""
    partnership = _partnership(request, partnership_id)
    try:
        spec = json.loads(request.body, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return Status(400, {"detail": _("The request body could not be read: send valid JSON.")})
    try:
        services.game_import(actor=request.user, partnership=partnership, spec=spec)
    except ApplicationError as exc:
        if isinstance(exc, PermissionDenied | NotFound) or "issues" not in exc.extra:
            raise
        return Status(422, {"detail": str(exc.message), "issues": exc.extra["issues"]})
    return selectors.game_spec(user=request.user, partnership=partnership)


@router.put(
    "/partnerships/{partnership_id}/sharing/unit-values",
    response={200: UnitValueOut, **ERRORS, 409: StaleOut},
    summary="Agree the value of one unit of a resource",
)
def unit_value_put(
    request: HttpRequest, payload: UnitValueIn, partnership_id: int = _id("Partnership")
) -> Any:
    """Users of a current partner. Audited with who set it and when. Changing an existing
    unit value needs the `version` read (a stale one is a 409)."""
    row = services.unit_value_set(
        actor=request.user,
        partnership=_partnership(request, partnership_id),
        resource_type=payload.resource_type,
        unit=payload.unit,
        value=payload.value,
        basis=payload.basis,
        expected_version=payload.version,
    )
    return _unit_value_out(row)


@router.put(
    "/partnerships/{partnership_id}/sharing/coalitions",
    response={200: dict[str, Any], **ERRORS},
    summary="Estimate what a group of partners could achieve on its own",
)
def coalition_put(
    request: HttpRequest, payload: CoalitionIn, partnership_id: int = _id("Partnership")
) -> Any:
    """Users of a current partner. `members` are player ids of `GET .../sharing-game`; the
    answer is the updated sharing-game spec."""
    partnership = _partnership(request, partnership_id)
    keys = {p.key: p.member_id for p in selectors.players_of(partnership)}
    selectors.require_view(request.user, partnership)
    unknown = [m for m in payload.members if m not in keys]
    if unknown:
        from django.core.exceptions import ValidationError

        raise ValidationError(
            {"members": _("Unknown player id(s): %(ids)s.") % {"ids": ", ".join(unknown)}}
        )
    settings = selectors.settings_of(partnership)
    unit = settings.amount_unit if settings else selectors.currency_of(partnership, None)[1]
    services.coalition_set(
        actor=request.user,
        partnership=partnership,
        member_ids=[keys[m] for m in payload.members],
        value=None if payload.worth is None else (payload.worth * unit).quantize(Decimal("0.01")),
        note=payload.note,
    )
    return selectors.game_spec(user=request.user, partnership=partnership)
