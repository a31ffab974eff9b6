"""The register's changes on the partnership's History tab (who, when, old → new).

A risk whose size figures are, or ever were, confidential to another partner shows its edits
without the figures (the ``quantification`` change is left out), so they cannot be read from the
history either.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.utils.translation import gettext as _

from mitra.core.history import HistoryEntry, entries_from_records
from mitra.organisations.permissions import user_organisation_ids

from .models import Mitigation, Risk, RiskAllocation, RiskCorrelation, RiskParty, RiskSettings
from .permissions import can_view_register


def risk_history(user: Any, partnership: Any) -> list[HistoryEntry]:
    if not can_view_register(user, partnership):
        return []
    own_orgs = user_organisation_ids(user)
    member_orgs = {m.pk: m.organisation_id for m in partnership.members.all()}
    risk_records = list(
        Risk.history.filter(partnership_id=partnership.pk).select_related("history_user")
    )
    codes = {r.id: r.code for r in risk_records}
    hidden = {
        r.id
        for r in risk_records
        if r.cost_confidential_to_id is not None
        and member_orgs.get(r.cost_confidential_to_id) not in own_orgs
    }
    parties = {
        r.id: r.name
        for r in RiskParty.history.filter(partnership_id=partnership.pk).order_by("history_date")
    }
    entries = []
    for entry, record_id in _with_ids(risk_records, _("Risk"), lambda r: f"{r.code} · {r.title}"):
        if record_id in hidden:
            kept = [c for c in entry.changes if c.field != "quantity"]
            entry = dataclasses.replace(entry, changes=kept)
        entries.append(entry)
    entries += entries_from_records(
        RiskAllocation.history.filter(risk_id__in=list(codes)).select_related("history_user"),
        object_type=_("Risk allocation"),
        label=lambda r: f"{codes.get(r.risk_id, '')} → {parties.get(r.party_id, '')}",
    )
    entries += entries_from_records(
        Mitigation.history.filter(risk_id__in=list(codes)).select_related("history_user"),
        object_type=_("Mitigation action"),
        label=lambda r: f"{codes.get(r.risk_id, '')}: {r.action[:50]}",
    )
    entries += entries_from_records(
        RiskParty.history.filter(partnership_id=partnership.pk).select_related("history_user"),
        object_type=_("Risk-bearing party"),
        label=lambda r: r.name,
    )
    entries += entries_from_records(
        RiskSettings.history.filter(partnership_id=partnership.pk).select_related("history_user"),
        object_type=_("Risk model settings"),
        label=lambda r: r.name or "—",
    )
    entries += entries_from_records(
        RiskCorrelation.history.filter(partnership_id=partnership.pk).select_related(
            "history_user"
        ),
        object_type=_("Risk correlation"),
        label=lambda r: f"{codes.get(r.first_id, '')} ~ {codes.get(r.second_id, '')}",
    )
    return entries


def _with_ids(records: list[Any], object_type: str, label: Any) -> list[tuple[HistoryEntry, int]]:
    """Entries of each object with the object's id (to hide fields per object)."""
    out = []
    by_object: dict[int, list[Any]] = {}
    for record in records:
        by_object.setdefault(record.id, []).append(record)
    for object_id, object_records in by_object.items():
        out += [
            (e, object_id)
            for e in entries_from_records(object_records, object_type=object_type, label=label)
        ]
    return out
