"""The notifications API, mounted under /api/v1/ in config/api.py: the caller's own
notifications (unread first, then newest), each with its sentence in the request language."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja.pagination import paginate

from mitra.accounts.schemas import ERRORS, Pagination

from . import selectors, services
from .schemas import NotificationOut

router = Router(tags=["Notifications"])

#: Render `StaleEdit.current` of this app's models as their GET shows them.
STALE_RENDERERS: dict[type, Any] = {}


@router.get(
    "/notifications",
    response={200: list[NotificationOut], **ERRORS},
    summary="Your notifications",
)
@paginate(Pagination)
def notification_list(
    request: HttpRequest,
    unread: bool = Query(False, description="Only the unread ones."),
) -> Any:
    """The caller's notifications: unread first, then newest first."""
    return selectors.notification_list(user=request.user, unread_only=unread)


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, **ERRORS},
    summary="Mark a notification as read",
)
def notification_read(
    request: HttpRequest,
    notification_id: int = Path(..., ge=1, le=2**63 - 1, description="Notification id."),
) -> Any:
    """Another person's notification answers 404."""
    return services.notification_mark_read(actor=request.user, notification_id=notification_id)
