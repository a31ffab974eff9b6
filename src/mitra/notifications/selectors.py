"""Reads of notifications: the caller's own, with their sentences in the active language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import F, QuerySet

from .kinds import message
from .models import Activity, Notification


@dataclass(frozen=True)
class Item:
    id: int
    kind: str
    message: str
    url: str
    created_at: datetime
    read: bool
    actor: str
    partnership_id: int | None


def notification_list(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications: unread first, then newest first."""
    qs = Notification.objects.filter(recipient=user).select_related("actor")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by(F("read_at").asc(nulls_first=True), "-created_at", "-id")


def unread_count(*, user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def _actor(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def rendered(notifications: Iterable[Notification]) -> list[Item]:
    return [
        Item(
            n.pk,
            n.kind,
            message(n.kind, n.params),
            n.url,
            n.created_at,
            n.read_at is not None,
            _actor(n.actor),
            n.partnership_id,
        )
        for n in notifications
    ]


def activity_list(*, partnership_id: int, internal: bool, limit: int = 50) -> list[Item]:
    """A partnership's feed; ``internal`` False leaves out what only its partners may see.
    The caller decides ``internal`` from the partnership's permissions."""
    qs = Activity.objects.filter(partnership_id=partnership_id).select_related("actor")
    if not internal:
        qs = qs.filter(internal=False)
    return [
        Item(
            a.pk,
            a.kind,
            message(a.kind, a.params, feed=True),
            a.url,
            a.created_at,
            True,
            _actor(a.actor),
            a.partnership_id,
        )
        for a in qs[:limit]
    ]
