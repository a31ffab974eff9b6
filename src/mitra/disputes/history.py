"""Disputes, grievances, linked events, settings and amendments on the partnership's History tab.

A confidential dispute's changes are shown only to its parties (with the partners and documents
an edit changed, read from the record's change reason); a grievance's contact details
never appear (only the partner that answers it reads them, on the grievance's page).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from django.utils.translation import gettext as _

from mitra.core.history import FieldChange, HistoryEntry, entries_from_records
from mitra.partnerships.models import Document, PartnershipMember
from mitra.partnerships.permissions import can_view_item

from .models import (
    ContractAmendment,
    Dispute,
    DisputeSettings,
    EventLink,
    Grievance,
    PoliticalEvent,
)
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

    dispute_records = [r for r in records(Dispute) if r.id in shown]
    entries = _with_related_changes(
        user,
        partnership,
        dispute_records,
        entries_from_records(dispute_records, object_type=_("Dispute"), label=lambda r: r.title),
    )
    entries += entries_from_records(
        records(Grievance), object_type=_("Grievance"), label=lambda r: r.reference
    )
    entries += entries_from_records(
        records(DisputeSettings), object_type=_("Dispute settings"), label=lambda r: "—"
    )
    links = list(records(EventLink))
    # the political events log is public; the scenarios are this partnership's own
    events = dict(
        PoliticalEvent.objects.filter(pk__in={r.event_id for r in links}).values_list("pk", "title")
    )
    scenarios = dict(partnership.stress_scenarios.values_list("pk", "name"))
    entries += entries_from_records(
        links,
        object_type=_("Political event linked"),
        label=lambda r: events.get(r.event_id, f"#{r.event_id}"),
        related={"event": events, "scenario": scenarios},
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


def _with_related_changes(
    user: Any, partnership: Any, records: list[Any], entries: list[HistoryEntry]
) -> list[HistoryEntry]:
    """Add the party and document changes that ``services.dispute_update`` wrote into each
    record's change reason (``{"parties": [old ids, new ids], "documents": [...]}``): partners
    by their organisation's name, documents by their title when this reader may see them."""
    reasons: dict[tuple[Any, Any], dict[str, Any]] = {}
    for r in records:
        try:
            reason = json.loads(r.history_change_reason or "")
        except (TypeError, ValueError):
            continue
        if isinstance(reason, dict):
            reasons[(r.history_date, r.version)] = reason
    if not reasons:
        return entries
    members = {
        m.pk: m.organisation.name
        for m in PartnershipMember.objects.filter(partnership=partnership).select_related(
            "organisation"
        )
    }
    documents = {
        d.pk: d.title
        for d in Document.objects.filter(partnership=partnership).select_related("owner")
        if can_view_item(user, partnership, d.confidentiality, d.owner.organisation_id)
    }
    fields = {
        "parties": (Dispute._meta.get_field("parties").verbose_name, members),
        "documents": (Dispute._meta.get_field("documents").verbose_name, documents),
    }

    def names(ids: Any, known: dict[int, str]) -> str:
        return ", ".join(known.get(i, f"#{i}") for i in ids or []) or "—"

    out = []
    for e in entries:
        reason = reasons.get((e.when, e.version))
        if reason:
            extra = [
                FieldChange(
                    key, str(label), names(reason[key][0], known), names(reason[key][1], known)
                )
                for key, (label, known) in fields.items()
                if isinstance(reason.get(key), list) and len(reason[key]) == 2
            ]
            e = dataclasses.replace(e, changes=[*e.changes, *extra])
        out.append(e)
    return out
