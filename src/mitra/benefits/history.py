"""The benefit sharing's changes on the partnership's History tab (who, when, old → new).

Nothing of it is confidential to one partner (a confidential delivery is valued in its owner's
view only, never stored here), so partners and staff see every change; the stored spec and
result of an agreement are left out of the diff (its split and rule are the readable part).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.utils.translation import gettext as _

from mitra.core.choices import unit_label
from mitra.core.history import HistoryEntry, entries_from_records
from mitra.organisations.models import ResourceType

from .models import CoalitionEstimate, SharingAgreement, SharingPlayer, SharingSettings, UnitValue
from .permissions import can_view_sharing

_BULKY = {"spec", "result", "split"}


def sharing_history(user: Any, partnership: Any) -> list[HistoryEntry]:
    if not can_view_sharing(user, partnership):
        return []
    names = {
        m.pk: m.organisation.short_name or m.organisation.name
        for m in partnership.members.select_related("organisation")
    }

    def group(key: str) -> str:
        return ", ".join(names.get(int(i), "?") for i in key.split(",") if i)

    def records(model: Any) -> Any:
        return model.history.filter(partnership_id=partnership.pk).select_related("history_user")

    entries = entries_from_records(
        records(SharingSettings),
        object_type=_("Benefit-sharing settings"),
        label=lambda r: r.name or "—",
    )
    entries += entries_from_records(
        records(SharingPlayer),
        object_type=_("Partner in the sharing game"),
        label=lambda r: names.get(r.member_id, r.key),
    )
    entries += entries_from_records(
        records(CoalitionEstimate),
        object_type=_("Coalition estimate"),
        label=lambda r: group(r.members_key),
    )
    entries += entries_from_records(
        records(UnitValue),
        object_type=_("Unit value"),
        label=lambda r: f"{ResourceType(r.resource_type).label} · {unit_label(r.unit)}",
    )
    entries += [
        dataclasses.replace(e, changes=[c for c in e.changes if c.field not in _BULKY])
        for e in entries_from_records(
            records(SharingAgreement),
            object_type=_("Agreed sharing rule"),
            label=lambda r: r.rule_label,
        )
    ]
    return entries
