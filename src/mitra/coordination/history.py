"""Coordination's changes on the partnership's History tab: invitations, sign-offs and deadline
extensions (stage
changes are the partnership's own history, with their reason)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mitra.core.history import HistoryEntry, entries_from_records
from mitra.core.history import short_date as _short
from mitra.partnerships.permissions import can_view_internal

from .models import DeadlineExtension, Invitation, SignOff


def coordination_history(user: Any, partnership: Any) -> list[HistoryEntry]:
    if not can_view_internal(user, partnership):
        return []
    names = {m.pk: str(m.organisation) for m in partnership.members.all()}
    entries = entries_from_records(
        Invitation.history.filter(partnership_id=partnership.pk).select_related(
            "history_user", "organisation"
        ),
        object_type=_("Invitation"),
        label=lambda r: str(r.organisation),
    )
    entries += entries_from_records(
        SignOff.history.filter(partnership_id=partnership.pk).select_related("history_user"),
        object_type=_("Sign-off"),
        label=lambda r: f"{r.step} · {names.get(r.member_id, '')}",
    )
    entries += entries_from_records(
        DeadlineExtension.history.filter(partnership_id=partnership.pk).select_related(
            "history_user"
        ),
        object_type=_("Deadline extension"),
        label=lambda r: f"{r.step}: {_short(r.from_date)} → {_short(r.to_date)}",
    )
    return entries
