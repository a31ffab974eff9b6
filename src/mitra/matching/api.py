"""The matching API, mounted under /api/v1/ in config/api.py.

- ``GET /needs/open``: the public needs board (anyone, paginated, filters);
- ``POST /needs/{need_id}/offers``: a signed-in organisation offers on a published need;
- ``GET /offers/{offer_id}``, ``POST /offers/{offer_id}/accept|decline|withdraw``: offers are
  seen by the offering organisation and the partnership's managers alone (404 for anyone else);
  accepting and declining is for the managers (403 for the offering organisation);
- ``GET /needs/{need_id}/matches``: suggested partners, ranked, with reasons (managers; 403 for
  others who may see the need, 404 for those who may not).

Invalid input and broken rules answer 422 with field errors; a stale accept or decline 409.
"""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from mitra.accounts.auth import PUBLIC
from mitra.accounts.schemas import ERRORS, Pagination, StaleOut
from mitra.core.errors import NotFound
from mitra.organisations import selectors as organisation_selectors
from mitra.partnerships.schemas import MAX_ID

from . import selectors, services
from .models import Offer
from .schemas import (
    BoardFilters,
    BoardNeedOut,
    MatchOut,
    OfferAcceptIn,
    OfferCreateIn,
    OfferDeclineIn,
    OfferOut,
    OfferUpdateIn,
    OfferWithdrawIn,
)

router = Router(tags=["Matching"])

WRITE = {**ERRORS, 409: StaleOut}


def _id(what: str) -> Any:
    return Path(..., ge=1, le=MAX_ID, description=f"{what} id.")


def _board_out(row: selectors.BoardRow) -> dict[str, Any]:
    need, partnership = row.need, row.partnership
    return {
        "id": need.pk,
        "partnership_id": partnership.pk,
        "partnership_code": partnership.code,
        "partnership_title": partnership.title,
        "form": partnership.form,
        "development_sector": partnership.development_sector,
        "province": partnership.province,
        "sdgs": partnership.sdgs or [],
        "title": need.title,
        "title_ind": need.title_ind,
        "title_en": need.title_en,
        "description": need.description or "",
        "resource_type": need.resource_type,
        "quantity": need.quantity,
        "unit": need.unit,
        "currency": need.currency,
        "due_date": need.due_date,
        "still_needed": row.still_needed,
        "hidden_commitments": row.hidden_commitments,
    }


@router.get(
    "/needs/open",
    response={200: list[BoardNeedOut], **ERRORS},
    auth=PUBLIC,
    summary="The needs board: published partnerships' open needs",
)
@paginate(Pagination)
def needs_open(request: HttpRequest, filters: Query[BoardFilters]) -> Any:
    """Anyone. Needs of published, running partnerships that are not fully covered, soonest due
    first. Only public figures: `still_needed` is null when some commitments are not public."""
    rows = selectors.open_needs(filters=filters.dict(exclude_none=True))
    return [_board_out(r) for r in rows]


def _offer(request: HttpRequest, pk: int) -> Offer:
    return selectors.offer_get(user=request.user, pk=pk)


@router.post(
    "/needs/{need_id}/offers",
    response={201: OfferOut, **ERRORS},
    summary="Offer to fill a need",
)
def offer_create(request: HttpRequest, payload: OfferCreateIn, need_id: int = _id("Need")) -> Any:
    """A user of a registered organisation that is not a partner of the need's (published)
    partnership. Counted in the need's measure; more than the need, a covered need, a wrong unit
    or currency, or an offer on your own partnership are 422 field errors."""
    need = selectors.board_need_get(pk=need_id).need
    data = payload.dict()
    organisation = None
    if data.pop("organisation_id", None) is not None:
        try:
            organisation = organisation_selectors.organisation_get(pk=payload.organisation_id)
        except NotFound:
            from django.core.exceptions import ValidationError

            raise ValidationError({"organisation": _("Unknown organisation.")}) from None
    offer = services.offer_create(
        actor=request.user, need=need, data=data, organisation=organisation
    )
    return Status(201, selectors.offer_get(user=request.user, pk=offer.pk))


@router.get("/offers/{offer_id}", response={200: OfferOut, **ERRORS}, summary="Get an offer")
def offer_get(request: HttpRequest, offer_id: int = _id("Offer")) -> Offer:
    """The offering organisation and the partnership's managers; 404 for anyone else."""
    return _offer(request, offer_id)


@router.patch(
    "/offers/{offer_id}", response={200: OfferOut, **WRITE}, summary="Change your open offer"
)
def offer_update(request: HttpRequest, payload: OfferUpdateIn, offer_id: int = _id("Offer")) -> Any:
    """The offering organisation, while the offer is open. Send the `version` you read."""
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    offer = services.offer_update(
        actor=request.user, offer=_offer(request, offer_id), data=data, expected_version=version
    )
    return selectors.offer_get(user=request.user, pk=offer.pk)


@router.post(
    "/offers/{offer_id}/accept",
    response={200: OfferOut, **WRITE},
    summary="Accept an offer: it becomes a commitment",
)
def offer_accept(request: HttpRequest, payload: OfferAcceptIn, offer_id: int = _id("Offer")) -> Any:
    """The partnership's managers. If the offering organisation is not a partner yet, it joins
    with a role fitting what it brings: at once when one of its administrators made the offer
    (then the offer becomes its commitment), otherwise by an invitation its administrators
    answer (``awaiting_organisation`` is true, ``invitation_id`` set, no commitment yet: it is
    created, with the confidentiality given here, when they accept)."""
    offer = services.offer_accept(
        actor=request.user,
        offer=_offer(request, offer_id),
        expected_version=payload.version,
        confidentiality=payload.confidentiality,
    )
    return selectors.offer_get(user=request.user, pk=offer.pk)


@router.post(
    "/offers/{offer_id}/decline",
    response={200: OfferOut, **WRITE},
    summary="Decline an offer, with a reason",
)
def offer_decline(
    request: HttpRequest, payload: OfferDeclineIn, offer_id: int = _id("Offer")
) -> Any:
    """The partnership's managers."""
    offer = services.offer_decline(
        actor=request.user,
        offer=_offer(request, offer_id),
        reason=payload.reason,
        expected_version=payload.version,
    )
    return selectors.offer_get(user=request.user, pk=offer.pk)


@router.post(
    "/offers/{offer_id}/withdraw",
    response={200: OfferOut, **WRITE},
    summary="Withdraw your organisation's open offer",
)
def offer_withdraw(
    request: HttpRequest, payload: OfferWithdrawIn, offer_id: int = _id("Offer")
) -> Any:
    offer = services.offer_withdraw(
        actor=request.user, offer=_offer(request, offer_id), expected_version=payload.version
    )
    return selectors.offer_get(user=request.user, pk=offer.pk)


@router.get(
    "/needs/{need_id}/matches",
    response={200: list[MatchOut], **ERRORS},
    summary="Suggested partners for a need, ranked, with reasons",
)
def need_matches(request: HttpRequest, need_id: int = _id("Need")) -> Any:
    """The partnership's managers (403 for others who may see the need, 404 for the rest).
    Current partners are left out. Reasons carry counts and percentages, never amounts."""
    need = selectors.need_page_get(user=request.user, pk=need_id).need
    suggestions = selectors.need_matches(user=request.user, need=need)
    return [
        {
            "rank": i,
            "organisation_id": s.organisation.pk,
            "organisation_name": s.organisation.name,
            "score": round(s.score * 100, 1),
            "parts": [
                {"key": k, "label": label, "fit": part, "weight": weight, "points": points}
                for k, label, part, weight, points in s.parts
            ],
            "reasons": s.reasons,
        }
        for i, s in enumerate(suggestions, start=1)
    ]


def _render_offer(request: HttpRequest, instance: Offer) -> dict[str, Any]:
    return OfferOut.from_orm(selectors.offer_get(user=request.user, pk=instance.pk)).dict()  # type: ignore[no-any-return]


#: Render `StaleEdit.current` of this app's models as their GET shows them (config/api.py).
STALE_RENDERERS: dict = {Offer: _render_offer}
