"""The disputes API, mounted under /api/v1/ in config/api.py (pinned, issue 16).

Partners and platform staff read a partnership's disputes (a confidential one: its parties
only); partners raise, edit, escalate and resolve them. Anyone, without an account, files a grievance
on a published partnership (throttled per client address). Political events are public facts:
anyone lists them (with the partnerships the caller may see); partners and staff enter them.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Path, Router, Status

from mitra.accounts.auth import PUBLIC
from mitra.accounts.schemas import ERRORS, StaleOut
from mitra.core.errors import NotFound
from mitra.partnerships.models import Partnership, Visibility
from mitra.partnerships.schemas import MAX_ID
from mitra.partnerships.selectors import partnership_get

from . import selectors, services
from .models import Dispute, DisputeStatus
from .ratelimit import check as rate_check
from .schemas import (
    DisputeEscalateIn,
    DisputeIn,
    DisputeOut,
    DisputeResolveIn,
    DisputeUpdateIn,
    ExposureOut,
    GrievanceIn,
    GrievanceOut,
    PoliticalEventIn,
    PoliticalEventOut,
)

router = Router(tags=["Disputes"])

WRITE = {**ERRORS, 409: StaleOut}
THROTTLED = {**ERRORS, 429: ERRORS[400]}


def _id(what: str) -> Any:
    return Path(..., ge=1, le=MAX_ID, description=f"{what} id.")


def _dispute_out(d: Dispute) -> dict[str, Any]:
    open_ = d.status == DisputeStatus.OPEN
    return {
        "id": d.pk,
        "partnership": d.partnership_id,
        "title": d.title,
        "description": d.description,
        "dispute_type": d.dispute_type,
        "parties": sorted(m.pk for m in d.parties.all()),
        "other_parties": d.other_parties,
        "confidential": d.confidential,
        "ladder": d.ladder,
        "rung": d.rung,
        "step": d.current.get("rung", ""),
        "deadline": d.deadline if open_ else None,
        "overdue": open_ and selectors.timer(d.deadline)["state"] == "overdue",
        "status": d.status,
        "outcome": d.outcome,
        "lessons": d.lessons,
        "documents": sorted(doc.pk for doc in d.documents.all()),
        "grievance": d.grievance.reference if d.grievance_id and d.grievance else None,
        "version": d.version,
    }


def _render_dispute(request: HttpRequest, d: Dispute) -> dict[str, Any]:
    return _dispute_out(d)


def _partnership(request: HttpRequest, pk: int) -> Partnership:
    partnership = partnership_get(user=request.user, pk=pk)
    selectors.require_disputes(request.user, partnership)
    return partnership


@router.get(
    "/partnerships/{partnership_id}/disputes",
    response={200: list[DisputeOut], **ERRORS},
    summary="A partnership's disputes",
)
def dispute_list(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    """The disputes the caller may see (a confidential one only by its parties)."""
    partnership = _partnership(request, partnership_id)
    return [_dispute_out(d) for d in selectors.visible_disputes(request.user, partnership)]


@router.post(
    "/partnerships/{partnership_id}/disputes",
    response={201: DisputeOut, **ERRORS},
    summary="Raise a dispute",
)
def dispute_create(
    request: HttpRequest, payload: DisputeIn, partnership_id: int = _id("Partnership")
) -> Any:
    """It starts at the first step of the partnership's escalation ladder."""
    partnership = _partnership(request, partnership_id)
    dispute = services.dispute_create(
        actor=request.user, partnership=partnership, data=payload.dict()
    )
    return Status(201, _dispute_out(dispute))


@router.patch(
    "/disputes/{dispute_id}",
    response={200: DisputeOut, **WRITE},
    summary="Change a dispute",
)
def dispute_update(
    request: HttpRequest, payload: DisputeUpdateIn, dispute_id: int = _id("Dispute")
) -> Any:
    """The person who raised it, the partners involved and, unless it is confidential, the lead
    partner's administrators. Only the fields sent change; send the `version` you read (409 if
    stale). A resolved dispute changes only its lessons learned and documents."""
    dispute = selectors.dispute_get(user=request.user, pk=dispute_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    dispute = services.dispute_update(
        actor=request.user, dispute=dispute, data=data, expected_version=version
    )
    return _dispute_out(dispute)


@router.post(
    "/disputes/{dispute_id}/escalate",
    response={200: DisputeOut, **WRITE},
    summary="Escalate a dispute to the next step",
)
def dispute_escalate(
    request: HttpRequest, payload: DisputeEscalateIn, dispute_id: int = _id("Dispute")
) -> Any:
    dispute = selectors.dispute_get(user=request.user, pk=dispute_id)
    dispute = services.dispute_escalate(
        actor=request.user, dispute=dispute, reason=payload.reason, expected_version=payload.version
    )
    return _dispute_out(dispute)


@router.post(
    "/disputes/{dispute_id}/resolve",
    response={200: DisputeOut, **WRITE},
    summary="Resolve a dispute (the outcome is required)",
)
def dispute_resolve(
    request: HttpRequest, payload: DisputeResolveIn, dispute_id: int = _id("Dispute")
) -> Any:
    dispute = selectors.dispute_get(user=request.user, pk=dispute_id)
    dispute = services.dispute_resolve(
        actor=request.user,
        dispute=dispute,
        outcome=payload.outcome,
        lessons=payload.lessons,
        expected_version=payload.version,
    )
    return _dispute_out(dispute)


@router.post(
    "/partnerships/{partnership_id}/grievances",
    response={201: GrievanceOut, **THROTTLED},
    auth=PUBLIC,
    summary="File a grievance (no account needed)",
)
def grievance_file(
    request: HttpRequest, payload: GrievanceIn, partnership_id: int = _id("Partnership")
) -> Any:
    """Anyone may file a grievance on a published partnership; the answer carries the reference
    to follow it. Throttled per client address (429)."""
    partnership = Partnership.objects.filter(
        pk=partnership_id, visibility=Visibility.PUBLIC
    ).first()
    if partnership is None:
        raise NotFound(_("Partnership not found."))
    rate_check(request)
    grievance = services.grievance_file(partnership=partnership, data=payload.dict())
    return Status(
        201,
        {
            "reference": grievance.reference,
            "status": grievance.status,
            "status_url": request.build_absolute_uri(
                reverse("disputes:grievance_status", args=[grievance.reference])
            ),
            "acknowledge_by": grievance.acknowledge_by,
        },
    )


def _event_out(e: Any) -> dict[str, Any]:
    return {
        "id": e.pk,
        "kind": e.kind,
        "title": e.title,
        "date": e.date,
        "description": e.description,
        "region": e.region,
        "source": e.source,
        "partnerships": [link.partnership_id for link in e.shown_links],
    }


@router.get(
    "/political-events",
    response={200: list[PoliticalEventOut], **ERRORS},
    auth=PUBLIC,
    summary="Political and policy events",
)
def event_list(request: HttpRequest) -> Any:
    return [_event_out(e) for e in selectors.visible_events(request.user)]


@router.post(
    "/political-events",
    response={201: PoliticalEventOut, **ERRORS},
    summary="Enter a political or policy event",
)
def event_create(request: HttpRequest, payload: PoliticalEventIn) -> Any:
    """Partners (linking partnerships they are partners of) and platform staff."""
    data = payload.dict()
    partnerships = [partnership_get(user=request.user, pk=pk) for pk in data.pop("partnerships")]
    event = services.event_create(actor=request.user, data=data, partnerships=partnerships)
    event.shown_links = list(event.links.all())
    return Status(201, _event_out(event))


@router.get(
    "/partnerships/{partnership_id}/exposure",
    response={200: ExposureOut, **ERRORS},
    summary="A partnership's exposure to political change",
)
def exposure(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    """The score (0–100) and its reasons, each with its weight (docs/disputes.md)."""
    partnership = partnership_get(user=request.user, pk=partnership_id)
    result = selectors.exposure(user=request.user, partnership=partnership)
    return {
        "partnership": partnership.pk,
        "score": result.score,
        "level": result.level,
        "sentence": result.sentence,
        "election_years": result.election_years,
        "reasons": [
            {
                "key": r.key,
                "label": r.label,
                "weight": r.weight,
                "value": r.value,
                "points": r.points,
                "detail": r.detail,
            }
            for r in result.reasons
        ],
    }


#: Render `StaleEdit.current` of this app's models as their GET shows them.
STALE_RENDERERS: dict[type, Any] = {Dispute: _render_dispute}
