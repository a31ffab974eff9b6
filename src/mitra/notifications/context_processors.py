"""Context for every page: the signed-in user's unread notifications (the bell's count)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import Notification


def unread(request: HttpRequest) -> dict[str, Any]:
    """``unread_notifications``: one indexed count per request for a signed-in user, 0 otherwise.

    Counted once per request (pages that render sections with the request, such as an
    organisation's profile, run the context processors once per section)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    count = getattr(request, "_mitra_unread_notifications", None)
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        request._mitra_unread_notifications = count  # type: ignore[attr-defined]
    return {"unread_notifications": count}
