"""API for partnerships and their members, needs, commitments, deliveries, objectives, documents.

One router, mounted at /api/v1. Reads go through the selectors, which show a user only what they
may see (an invisible partnership or item answers 404, never 403); writes go through the services,
which check permission (403) once the object is known to be visible. Errors are mapped in
config/api.py.
"""

import mimetypes
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Path, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from mitra.accounts.auth import PUBLIC
from mitra.accounts.schemas import ERRORS, ErrorOut, Pagination, StaleOut
from mitra.core.errors import NotFound, PermissionDenied
from mitra.organisations import selectors as organisation_selectors
from mitra.organisations.models import Organisation
from mitra.organisations.permissions import user_admin_organisation_ids

from . import selectors, services
from .models import Commitment, Delivery, Document, Need, Objective, Partnership, PartnershipMember
from .schemas import (
    MAX_ID,
    CommitmentCreateIn,
    CommitmentOut,
    CommitmentUpdateIn,
    DeliveryCreateIn,
    DeliveryOut,
    DeliveryUpdateIn,
    DocumentCreateIn,
    DocumentOut,
    DocumentUpdateIn,
    FulfilmentOut,
    HistoryEntryOut,
    MemberOut,
    MemberUpdateIn,
    NeedCreateIn,
    NeedOut,
    NeedUpdateIn,
    ObjectiveCreateIn,
    ObjectiveOut,
    ObjectiveUpdateIn,
    PartnershipCreateIn,
    PartnershipFilters,
    PartnershipOut,
    PartnershipUpdateIn,
)

router = Router()

READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE = {**ERRORS, 409: StaleOut}


def _id(what: str) -> Any:
    return Path(..., ge=1, le=MAX_ID, description=f"{what} id.")


# --- lookups: visible-or-404 (the selectors answer NotFound for what the user may not see) -------


def _partnership(request: HttpRequest, pk: int) -> Partnership:
    return selectors.partnership_get(user=request.user, pk=pk)


def _member(request: HttpRequest, pk: int) -> PartnershipMember:
    return selectors.member_get(user=request.user, pk=pk)


def _need(request: HttpRequest, pk: int) -> Need:
    return selectors.need_get(user=request.user, pk=pk)


def _commitment(request: HttpRequest, pk: int) -> Commitment:
    return selectors.commitment_get(user=request.user, pk=pk)


def _delivery(request: HttpRequest, pk: int) -> Delivery:
    return selectors.delivery_get(user=request.user, pk=pk)


def _objective(request: HttpRequest, pk: int) -> Objective:
    return selectors.objective_get(user=request.user, pk=pk)


def _document(request: HttpRequest, pk: int) -> Document:
    return selectors.document_get(user=request.user, pk=pk)


def _field_lookup(field: str, lookup: Any, *args: Any, **kwargs: Any) -> Any:
    """An id in the body that points nowhere (or somewhere invisible) is a field error (422)."""
    try:
        return lookup(*args, **kwargs)
    except NotFound as exc:
        raise ValidationError({field: exc.message}) from None


def _update_data(payload: Any) -> tuple[dict[str, Any], int]:
    data = payload.dict(exclude_unset=True)
    return data, data.pop("version")


def _lead_organisation(request: HttpRequest, organisation_id: int | None) -> Organisation:
    """The organisation chosen to lead; by default the only one the user administers."""
    if organisation_id is not None:
        return _field_lookup(
            "lead_organisation", organisation_selectors.organisation_get, pk=organisation_id
        )
    administered = sorted(user_admin_organisation_ids(request.user))
    if len(administered) == 1:
        return organisation_selectors.organisation_get(pk=administered[0])
    if not administered:
        # The service refuses it too; answering here avoids guessing an organisation.
        raise PermissionDenied(
            _("Only an administrator of the lead organisation may start a partnership.")
        )
    raise ValidationError(
        {"lead_organisation": _("You administer several organisations: choose which one leads.")}
    )


# --- partnerships ----------------------------------------------------------------------------------


@router.get(
    "/partnerships",
    auth=PUBLIC,
    response={200: list[PartnershipOut], **READ_ERRORS},
    tags=["partnerships"],
    summary="List partnerships",
)
@paginate(Pagination)
def partnership_list(request: HttpRequest, filters: Query[PartnershipFilters]) -> Any:
    """Partnerships you may see (public ones, your organisations' ones; staff: all), newest first."""
    return selectors.with_members(
        selectors.partnership_list(user=request.user, filters=filters.dict(exclude_none=True))
    )


@router.post(
    "/partnerships",
    response={201: PartnershipOut, **ERRORS},
    tags=["partnerships"],
    summary="Start a partnership",
)
def partnership_create(request: HttpRequest, payload: PartnershipCreateIn) -> Any:
    """Start a partnership led by an organisation you administer; it begins in planning."""
    data = payload.dict()
    lead = _lead_organisation(request, data.pop("lead_organisation_id"))
    lead_roles = data.pop("lead_roles")
    partnership = services.partnership_create(
        actor=request.user, lead_organisation=lead, data=data, lead_roles=lead_roles
    )
    return Status(201, _partnership(request, partnership.pk))


@router.get(
    "/partnerships/{partnership_id}",
    auth=PUBLIC,
    response={200: PartnershipOut, **READ_ERRORS},
    tags=["partnerships"],
    summary="Get a partnership",
)
def partnership_get(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Partnership:
    return _partnership(request, partnership_id)


@router.patch(
    "/partnerships/{partnership_id}",
    response={200: PartnershipOut, **WRITE},
    tags=["partnerships"],
    summary="Change a partnership",
)
def partnership_update(
    request: HttpRequest,
    payload: PartnershipUpdateIn,
    partnership_id: int = _id("Partnership"),
) -> Partnership:
    """Administrators of the lead partner. Send the `version` you read (409 if stale)."""
    partnership = _partnership(request, partnership_id)
    data, version = _update_data(payload)
    return services.partnership_update(
        actor=request.user, partnership=partnership, data=data, expected_version=version
    )


@router.delete(
    "/partnerships/{partnership_id}",
    response={204: None, **ERRORS},
    tags=["partnerships"],
    summary="Delete a partnership",
)
def partnership_delete(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    """Administrators of the lead partner, and only while in planning."""
    services.partnership_delete(
        actor=request.user, partnership=_partnership(request, partnership_id)
    )
    return HttpResponse(status=204)


@router.get(
    "/partnerships/{partnership_id}/fulfilment",
    auth=PUBLIC,
    response={200: FulfilmentOut, **READ_ERRORS},
    tags=["fulfilment"],
    summary="Needs versus commitments and deliveries",
)
def partnership_fulfilment(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    """Per need: pledged, delivered, gap and percentages; per member and measure: pledged versus
    delivered. Commitments you may not see are left out of every figure."""
    result = selectors.fulfilment(
        user=request.user, partnership=_partnership(request, partnership_id)
    )
    return {
        "needs": [
            {
                "need": row.need,
                "pledged": row.pledged,
                "delivered": row.delivered,
                "gap": row.gap,
                "hidden_commitments": row.hidden_commitments,
                "pledged_pct": row.pledged_pct,
                "delivered_pct": row.delivered_pct,
                "commitments": [
                    {
                        "commitment": c.commitment,
                        "delivered": c.delivered,
                        "fulfilment_pct": c.fulfilment_pct,
                        "deliveries": c.deliveries,
                    }
                    for c in row.commitments
                ],
            }
            for row in result.needs
        ],
        "members": [
            {
                "member_id": m.member.pk,
                "organisation_id": m.member.organisation_id,
                "organisation_name": m.member.organisation.name,
                "measure": m.measure,
                "is_money": m.is_money,
                "pledged": m.pledged,
                "delivered": m.delivered,
                "fulfilment_pct": m.fulfilment_pct,
            }
            for m in result.members
        ],
    }


@router.get(
    "/partnerships/{partnership_id}/history",
    response={200: list[HistoryEntryOut], **READ_ERRORS},
    tags=["history"],
    summary="Audit trail",
)
@paginate(Pagination)
def partnership_history(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    """Who changed what and when (old → new), newest first: partners and platform staff only.
    Items confidential to another organisation are left out."""
    return selectors.partnership_history(
        user=request.user, partnership=_partnership(request, partnership_id)
    )


# --- members -------------------------------------------------------------------------------------


@router.get(
    "/partnerships/{partnership_id}/members",
    auth=PUBLIC,
    response={200: list[MemberOut], **READ_ERRORS},
    tags=["members"],
    summary="List partners",
)
@paginate(Pagination)
def member_list(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    return list(_partnership(request, partnership_id).members.all())


# Adding a partner: POST /invitations (coordination). The organisation becomes a partner when
# one of its administrators accepts (POST /invitations/{invitation_id}/accept).


@router.get(
    "/members/{member_id}",
    auth=PUBLIC,
    response={200: MemberOut, **READ_ERRORS},
    tags=["members"],
    summary="Get a partner",
)
def member_get(request: HttpRequest, member_id: int = _id("Member")) -> PartnershipMember:
    return _member(request, member_id)


@router.patch(
    "/members/{member_id}",
    response={200: MemberOut, **WRITE},
    tags=["members"],
    summary="Change a partner's roles or dates",
)
def member_update(
    request: HttpRequest, payload: MemberUpdateIn, member_id: int = _id("Member")
) -> PartnershipMember:
    data, version = _update_data(payload)
    return services.member_update(
        actor=request.user, member=_member(request, member_id), data=data, expected_version=version
    )


@router.delete(
    "/members/{member_id}",
    response={204: None, **ERRORS},
    tags=["members"],
    summary="Remove a partner",
)
def member_delete(request: HttpRequest, member_id: int = _id("Member")) -> Any:
    """Only a partner without commitments or documents; otherwise record the date it left."""
    services.member_delete(actor=request.user, member=_member(request, member_id))
    return HttpResponse(status=204)


# --- needs ---------------------------------------------------------------------------------------


@router.get(
    "/partnerships/{partnership_id}/needs",
    auth=PUBLIC,
    response={200: list[NeedOut], **READ_ERRORS},
    tags=["needs"],
    summary="List needs",
)
@paginate(Pagination)
def need_list(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    result = selectors.fulfilment(
        user=request.user, partnership=_partnership(request, partnership_id)
    )
    return [row.need for row in result.needs]


@router.post(
    "/partnerships/{partnership_id}/needs",
    response={201: NeedOut, **ERRORS},
    tags=["needs"],
    summary="Record a need",
)
def need_create(
    request: HttpRequest, payload: NeedCreateIn, partnership_id: int = _id("Partnership")
) -> Any:
    """Administrators of the lead partner. Cash needs have a currency; others a unit."""
    need = services.need_create(
        actor=request.user, partnership=_partnership(request, partnership_id), data=payload.dict()
    )
    return Status(201, need)


@router.get(
    "/needs/{need_id}",
    auth=PUBLIC,
    response={200: NeedOut, **READ_ERRORS},
    tags=["needs"],
    summary="Get a need",
)
def need_get(request: HttpRequest, need_id: int = _id("Need")) -> Need:
    return _need(request, need_id)


@router.patch(
    "/needs/{need_id}", response={200: NeedOut, **WRITE}, tags=["needs"], summary="Change a need"
)
def need_update(request: HttpRequest, payload: NeedUpdateIn, need_id: int = _id("Need")) -> Need:
    data, version = _update_data(payload)
    return services.need_update(
        actor=request.user, need=_need(request, need_id), data=data, expected_version=version
    )


@router.delete(
    "/needs/{need_id}", response={204: None, **ERRORS}, tags=["needs"], summary="Delete a need"
)
def need_delete(request: HttpRequest, need_id: int = _id("Need")) -> Any:
    services.need_delete(actor=request.user, need=_need(request, need_id))
    return HttpResponse(status=204)


# --- commitments ---------------------------------------------------------------------------------


@router.get(
    "/partnerships/{partnership_id}/commitments",
    auth=PUBLIC,
    response={200: list[CommitmentOut], **READ_ERRORS},
    tags=["commitments"],
    summary="List commitments",
)
@paginate(Pagination)
def commitment_list(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    """The commitments you may see (another organisation's confidential ones never appear)."""
    result = selectors.fulfilment(
        user=request.user, partnership=_partnership(request, partnership_id)
    )
    return [c.commitment for row in result.needs for c in row.commitments]


@router.post(
    "/needs/{need_id}/commitments",
    response={201: CommitmentOut, **ERRORS},
    tags=["commitments"],
    summary="Pledge against a need",
)
def commitment_create(
    request: HttpRequest, payload: CommitmentCreateIn, need_id: int = _id("Need")
) -> Any:
    """Users of a current partner pledge for their own organisation."""
    need = _need(request, need_id)
    data = payload.dict()
    member = services.acting_member(request.user, need.partnership, data.pop("organisation_id"))
    confirm = bool(data.pop("confirm_over_pledge", False))
    commitment = services.commitment_create(
        actor=request.user, need=need, member=member, data=data, confirm_over_pledge=confirm
    )
    return Status(201, commitment)


@router.get(
    "/commitments/{commitment_id}",
    auth=PUBLIC,
    response={200: CommitmentOut, **READ_ERRORS},
    tags=["commitments"],
    summary="Get a commitment",
)
def commitment_get(request: HttpRequest, commitment_id: int = _id("Commitment")) -> Commitment:
    return _commitment(request, commitment_id)


@router.patch(
    "/commitments/{commitment_id}",
    response={200: CommitmentOut, **WRITE},
    tags=["commitments"],
    summary="Change a commitment",
)
def commitment_update(
    request: HttpRequest, payload: CommitmentUpdateIn, commitment_id: int = _id("Commitment")
) -> Commitment:
    data, version = _update_data(payload)
    confirm = bool(data.pop("confirm_over_pledge", False))
    return services.commitment_update(
        actor=request.user,
        commitment=_commitment(request, commitment_id),
        data=data,
        expected_version=version,
        confirm_over_pledge=confirm,
    )


@router.delete(
    "/commitments/{commitment_id}",
    response={204: None, **ERRORS},
    tags=["commitments"],
    summary="Delete a commitment",
)
def commitment_delete(request: HttpRequest, commitment_id: int = _id("Commitment")) -> Any:
    services.commitment_delete(actor=request.user, commitment=_commitment(request, commitment_id))
    return HttpResponse(status=204)


# --- deliveries ----------------------------------------------------------------------------------


@router.get(
    "/partnerships/{partnership_id}/deliveries",
    auth=PUBLIC,
    response={200: list[DeliveryOut], **READ_ERRORS},
    tags=["deliveries"],
    summary="List deliveries",
)
@paginate(Pagination)
def delivery_list(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    """Deliveries against the commitments you may see."""
    result = selectors.fulfilment(
        user=request.user, partnership=_partnership(request, partnership_id)
    )
    return [d for row in result.needs for c in row.commitments for d in c.deliveries]


@router.post(
    "/commitments/{commitment_id}/deliveries",
    response={201: DeliveryOut, **ERRORS},
    tags=["deliveries"],
    summary="Record a delivery",
)
def delivery_create(
    request: HttpRequest, payload: DeliveryCreateIn, commitment_id: int = _id("Commitment")
) -> Any:
    """Users of the committing organisation record what was delivered."""
    commitment = _commitment(request, commitment_id)
    data = payload.dict()
    evidence_id = data.pop("evidence_id")
    if evidence_id is not None:
        data["evidence"] = _field_lookup("evidence", _document, request, evidence_id)
    delivery = services.delivery_create(actor=request.user, commitment=commitment, data=data)
    return Status(201, delivery)


@router.get(
    "/deliveries/{delivery_id}",
    auth=PUBLIC,
    response={200: DeliveryOut, **READ_ERRORS},
    tags=["deliveries"],
    summary="Get a delivery",
)
def delivery_get(request: HttpRequest, delivery_id: int = _id("Delivery")) -> Delivery:
    return _delivery(request, delivery_id)


@router.patch(
    "/deliveries/{delivery_id}",
    response={200: DeliveryOut, **WRITE},
    tags=["deliveries"],
    summary="Change a delivery",
)
def delivery_update(
    request: HttpRequest, payload: DeliveryUpdateIn, delivery_id: int = _id("Delivery")
) -> Delivery:
    delivery = _delivery(request, delivery_id)
    data, version = _update_data(payload)
    if "evidence_id" in data:
        evidence_id = data.pop("evidence_id")
        data["evidence"] = (
            None
            if evidence_id is None
            else _field_lookup("evidence", _document, request, evidence_id)
        )
    return services.delivery_update(
        actor=request.user, delivery=delivery, data=data, expected_version=version
    )


@router.delete(
    "/deliveries/{delivery_id}",
    response={204: None, **ERRORS},
    tags=["deliveries"],
    summary="Delete a delivery",
)
def delivery_delete(request: HttpRequest, delivery_id: int = _id("Delivery")) -> Any:
    services.delivery_delete(actor=request.user, delivery=_delivery(request, delivery_id))
    return HttpResponse(status=204)


# --- objectives ----------------------------------------------------------------------------------


@router.get(
    "/partnerships/{partnership_id}/objectives",
    auth=PUBLIC,
    response={200: list[ObjectiveOut], **READ_ERRORS},
    tags=["objectives"],
    summary="List objectives",
)
@paginate(Pagination)
def objective_list(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    return selectors.objective_list(
        user=request.user, partnership=_partnership(request, partnership_id)
    )


@router.post(
    "/partnerships/{partnership_id}/objectives",
    response={201: ObjectiveOut, **ERRORS},
    tags=["objectives"],
    summary="Record an objective",
)
def objective_create(
    request: HttpRequest, payload: ObjectiveCreateIn, partnership_id: int = _id("Partnership")
) -> Any:
    """Users of a current partner record their organisation's objectives."""
    partnership = _partnership(request, partnership_id)
    data = payload.dict()
    member = services.acting_member(request.user, partnership, data.pop("organisation_id"))
    return Status(201, services.objective_create(actor=request.user, member=member, data=data))


@router.get(
    "/objectives/{objective_id}",
    auth=PUBLIC,
    response={200: ObjectiveOut, **READ_ERRORS},
    tags=["objectives"],
    summary="Get an objective",
)
def objective_get(request: HttpRequest, objective_id: int = _id("Objective")) -> Objective:
    return _objective(request, objective_id)


@router.patch(
    "/objectives/{objective_id}",
    response={200: ObjectiveOut, **WRITE},
    tags=["objectives"],
    summary="Change an objective",
)
def objective_update(
    request: HttpRequest, payload: ObjectiveUpdateIn, objective_id: int = _id("Objective")
) -> Objective:
    data, version = _update_data(payload)
    return services.objective_update(
        actor=request.user,
        objective=_objective(request, objective_id),
        data=data,
        expected_version=version,
    )


@router.delete(
    "/objectives/{objective_id}",
    response={204: None, **ERRORS},
    tags=["objectives"],
    summary="Delete an objective",
)
def objective_delete(request: HttpRequest, objective_id: int = _id("Objective")) -> Any:
    services.objective_delete(actor=request.user, objective=_objective(request, objective_id))
    return HttpResponse(status=204)


# --- documents -----------------------------------------------------------------------------------


@router.get(
    "/partnerships/{partnership_id}/documents",
    auth=PUBLIC,
    response={200: list[DocumentOut], **READ_ERRORS},
    tags=["documents"],
    summary="List documents",
)
@paginate(Pagination)
def document_list(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    return selectors.document_list(
        user=request.user, partnership=_partnership(request, partnership_id)
    )


@router.post(
    "/partnerships/{partnership_id}/documents",
    response={201: DocumentOut, **ERRORS},
    tags=["documents"],
    summary="Upload a document",
)
def document_create(
    request: HttpRequest,
    payload: Form[DocumentCreateIn],
    file: File[UploadedFile],
    partnership_id: int = _id("Partnership"),
) -> Any:
    """multipart/form-data with the file and its fields; owned by your organisation."""
    # Each field is one value (OpenAPI): a field sent twice is refused, not read as its last copy.
    repeated = [n for n in DocumentCreateIn.model_fields if len(request.POST.getlist(n)) > 1]
    repeated += ["file"] if len(request.FILES.getlist("file")) > 1 else []
    if repeated:
        message = _("Send this field once.")
        raise ValidationError({n: ValidationError(message, code="repeated") for n in repeated})
    partnership = _partnership(request, partnership_id)
    data = payload.dict()
    member = services.acting_member(request.user, partnership, data.pop("organisation_id"))
    document = services.document_create(actor=request.user, member=member, data=data, file=file)
    return Status(201, document)


@router.get(
    "/documents/{document_id}",
    auth=PUBLIC,
    response={200: DocumentOut, **READ_ERRORS},
    tags=["documents"],
    summary="Get a document's details",
)
def document_get(request: HttpRequest, document_id: int = _id("Document")) -> Document:
    return _document(request, document_id)


@router.get(
    "/documents/{document_id}/download",
    auth=PUBLIC,
    response={200: None, **READ_ERRORS},
    tags=["documents"],
    summary="Download a document",
)
def document_download(request: HttpRequest, document_id: int = _id("Document")) -> Any:
    """Streams the file, only to users allowed to see the document (404 for others)."""
    document = _document(request, document_id)
    try:
        handle = document.file.open("rb")
    except OSError:
        raise NotFound(_("The file of this document is missing.")) from None
    filename = os.path.basename(document.file.name)
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@router.patch(
    "/documents/{document_id}",
    response={200: DocumentOut, **WRITE},
    tags=["documents"],
    summary="Change a document's details",
)
def document_update(
    request: HttpRequest, payload: DocumentUpdateIn, document_id: int = _id("Document")
) -> Document:
    data, version = _update_data(payload)
    return services.document_update(
        actor=request.user,
        document=_document(request, document_id),
        data=data,
        expected_version=version,
    )


@router.delete(
    "/documents/{document_id}",
    response={204: None, **ERRORS},
    tags=["documents"],
    summary="Delete a document",
)
def document_delete(request: HttpRequest, document_id: int = _id("Document")) -> Any:
    services.document_delete(actor=request.user, document=_document(request, document_id))
    return HttpResponse(status=204)


# --- stale edits ------------------------------------------------------------------------------------

_SCHEMAS: dict[type, Any] = {
    PartnershipMember: MemberOut,
    Need: NeedOut,
    Commitment: CommitmentOut,
    Delivery: DeliveryOut,
    Objective: ObjectiveOut,
    Document: DocumentOut,
}


def _render_partnership(request: HttpRequest, instance: Partnership) -> dict[str, Any]:
    return PartnershipOut.from_orm(_partnership(request, instance.pk)).dict()


def _render_item(request: HttpRequest, instance: Any) -> dict[str, Any]:
    return _SCHEMAS[type(instance)].from_orm(instance).dict()  # type: ignore[no-any-return]


#: How config/api.py renders `StaleEdit.current` (as the GET of the object shows it).
STALE_RENDERERS: dict[type, Any] = {
    Partnership: _render_partnership,
    **dict.fromkeys(_SCHEMAS, _render_item),
}
