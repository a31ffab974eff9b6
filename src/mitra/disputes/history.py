"""Disputes, grievances, linked events, settings and amendments on the partnership's History tab.

A confidential dispute's changes are shown only to its parties; a grievance's contact details
never appear (only the partner that answers it reads them, on the grievance's page).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.utils.translation import gettext as _

from mitra.core.history import HistoryEntry, entries_from_records

from .models import ContractAmendment, Dispute, DisputeSettings, EventLink, Grievance
from .permissions import can_view_dispute, can_view_disputes

_HIDDEN = {"contact", "steps", "ladder"}


def disputes_history(user: Any, partnership: Any) -> list[HistoryEntry]:
    if not can_view_disputes(user, partnership):
        return []
    shown = {
        d.pk
        for d in Dispute.objects.filter(partnership=partnership).prefetch_related(
            "parties", "partnership__members"
        )
        if can_view_dispute(user, d)
    }

    def records(model: Any) -> Any:
        return model.history.filter(partnership_id=partnership.pk).select_related("history_user")

    entries = entries_from_records(
        [r for r in records(Dispute) if r.id in shown],
        object_type=_("Dispute"),
        label=lambda r: r.title,
    )
    entries += entries_from_records(
        records(Grievance), object_type=_("Grievance"), label=lambda r: r.reference
    )
    entries += entries_from_records(
        records(DisputeSettings), object_type=_("Dispute settings"), label=lambda r: "—"
    )
    entries += entries_from_records(
        records(EventLink),
        object_type=_("Political event linked"),
        label=lambda r: str(r.event_id),
    )
    entries += entries_from_records(
        records(ContractAmendment),
        object_type=_("Contract amendment"),
        label=lambda r: r.amends,
    )
    return [
        dataclasses.replace(e, changes=[c for c in e.changes if c.field not in _HIDDEN])
        for e in entries
    ]
