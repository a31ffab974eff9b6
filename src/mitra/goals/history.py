"""The goals' changes on the partnership's History tab (who, when, old → new).

An objective that is, or ever was, for its owner only shows its edits to other readers without
any of its figures: they see that it changed, never its values.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.utils.translation import gettext as _

from mitra.core.choices import Confidentiality
from mitra.core.history import HistoryEntry, entries_from_records
from mitra.organisations.permissions import user_organisation_ids

from .models import Lever, LeverObjective, NegotiationEntry
from .permissions import can_view_goals

#: What another reader may see of a hidden objective's change: which partner, which lever.
SHOWN_OF_HIDDEN = {"lever", "member", "confidentiality"}


def goals_history(user: Any, partnership: Any) -> list[HistoryEntry]:
    if not can_view_goals(user, partnership):
        return []
    own_orgs = user_organisation_ids(user)
    member_orgs = {m.pk: m.organisation_id for m in partnership.members.all()}
    names = {m.pk: str(m.organisation) for m in partnership.members.all()}
    levers = {
        r.id: r.name
        for r in Lever.history.filter(partnership_id=partnership.pk).order_by("history_date")
    }
    entries = entries_from_records(
        Lever.history.filter(partnership_id=partnership.pk).select_related("history_user"),
        object_type=_("Lever"),
        label=lambda r: r.name,
    )
    records = list(
        LeverObjective.history.filter(lever_id__in=list(levers)).select_related("history_user")
    )
    hidden = {
        r.id
        for r in records
        if r.confidentiality == Confidentiality.OWNER
        and member_orgs.get(r.member_id) not in own_orgs
    }
    by_id: dict[int, list[Any]] = {}
    for record in records:
        by_id.setdefault(record.id, []).append(record)
    for object_id, object_records in by_id.items():
        for entry in entries_from_records(
            object_records,
            object_type=_("Objective on a lever"),
            label=lambda r: f"{names.get(r.member_id, '')} · {levers.get(r.lever_id, '')}",
        ):
            if object_id in hidden:
                kept = [c for c in entry.changes if c.field in SHOWN_OF_HIDDEN]
                entry = dataclasses.replace(
                    entry,
                    changes=kept,
                    object_label=f"{entry.object_label} ({_('hidden constraint')})",
                )
            entries.append(entry)
    entries += entries_from_records(
        NegotiationEntry.history.filter(partnership_id=partnership.pk).select_related(
            "history_user"
        ),
        object_type=_("Negotiation entry"),
        label=lambda r: levers.get(r.lever_id, "") if r.lever_id else r.subject,
    )
    return entries
