"""API for organisations (`/api/v1/organisations`): the directory is public, writes need an account.

Handlers are wiring only: parse → selector → service → schema. Errors are mapped in config/api.py.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from mitra.accounts.auth import PUBLIC
from mitra.accounts.schemas import ERRORS, Pagination, StaleOut

from . import selectors, services
from .models import Organisation
from .schemas import (
    OrganisationCreateIn,
    OrganisationFilters,
    OrganisationOut,
    OrganisationUpdateIn,
)

router = Router(tags=["organisations"])

#: Largest id accepted in a path (int64); larger ones are a 422, never a database error.
MAX_ID = 2**63 - 1
Id = Path(..., ge=1, le=MAX_ID, description="Organisation id.")


@router.get(
    "", auth=PUBLIC, response={200: list[OrganisationOut], **ERRORS}, summary="List organisations"
)
@paginate(Pagination)
def organisation_list(request: HttpRequest, filters: Query[OrganisationFilters]) -> Any:
    """The organisation directory (public), filtered, by name."""
    return selectors.organisation_list(filters=filters.dict(exclude_none=True))


@router.post("", response={201: OrganisationOut, **ERRORS}, summary="Register an organisation")
def organisation_create(request: HttpRequest, payload: OrganisationCreateIn) -> Any:
    """Register an organisation; you become its administrator."""
    return Status(201, services.organisation_create(actor=request.user, data=payload.dict()))


@router.get(
    "/{organisation_id}",
    auth=PUBLIC,
    response={200: OrganisationOut, **ERRORS},
    summary="Get an organisation",
)
def organisation_get(request: HttpRequest, organisation_id: int = Id) -> Organisation:
    return selectors.organisation_get(pk=organisation_id)


@router.patch(
    "/{organisation_id}",
    response={200: OrganisationOut, 409: StaleOut, **ERRORS},
    summary="Change an organisation",
)
def organisation_update(
    request: HttpRequest, payload: OrganisationUpdateIn, organisation_id: int = Id
) -> Organisation:
    """Administrators of the organisation only. Send the `version` you read."""
    organisation = selectors.organisation_get(pk=organisation_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    return services.organisation_update(
        actor=request.user, organisation=organisation, data=data, expected_version=version
    )


@router.delete(
    "/{organisation_id}", response={204: None, **ERRORS}, summary="Delete an organisation"
)
def organisation_delete(request: HttpRequest, organisation_id: int = Id) -> HttpResponse:
    """Administrators only; refused while it takes part in partnerships."""
    organisation = selectors.organisation_get(pk=organisation_id)
    services.organisation_delete(actor=request.user, organisation=organisation)
    return HttpResponse(status=204)


def render_current(request: HttpRequest, instance: Organisation) -> dict[str, Any]:
    """The stored organisation as `GET` shows it (for a 409 answer)."""
    return OrganisationOut.from_orm(instance).dict()


#: Models whose stale edits config/api.py answers with `current` rendered by these functions.
STALE_RENDERERS = {Organisation: render_current}
