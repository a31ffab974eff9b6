"""The finance model's changes on the partnership's History tab (who, when, old → new).

The spec is one audited field; here its change is shown figure by figure (``debt.rate: 0.1 →
0.095``). A reader who may not see a private party's model sees that it changed, never its
figures (nor the figures of earlier versions); its owner, sharing and publication are shown to
every partner.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from django.utils.translation import gettext as _

from mitra.core.history import FieldChange, HistoryEntry, entries_from_records
from mitra.organisations.permissions import user_organisation_ids
from mitra.partnerships.permissions import can_view_internal

from .models import FinanceModel
from .permissions import can_see_whole_model

#: At most this many figure changes are listed per edit (then "and n more").
MAX_CHANGES = 40


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """{"debt": {"rate": 0.1}, "capex": [1, 2]} → {"debt.rate": 0.1, "capex[0]": 1, ...}."""
    out: dict[str, Any] = {}
    if isinstance(value, dict):
        for key, child in value.items():
            out |= flatten(child, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            out |= flatten(child, f"{prefix}[{i}]")
    else:
        out[prefix] = value
    return out


def spec_changes(old: Any, new: Any) -> list[FieldChange]:
    before = flatten(old if isinstance(old, dict) else {})
    after = flatten(new if isinstance(new, dict) else {})
    changes = []
    for path in sorted(set(before) | set(after)):
        a, b = before.get(path), after.get(path)
        if a != b:
            changes.append(
                FieldChange(
                    "spec",
                    path,
                    "—" if a is None else json.dumps(a, ensure_ascii=False),
                    "—" if b is None else json.dumps(b, ensure_ascii=False),
                )
            )
    if len(changes) > MAX_CHANGES:
        rest = len(changes) - MAX_CHANGES
        more = FieldChange("spec", "…", "", _("and %(n)s more figures") % {"n": rest})
        changes = [*changes[:MAX_CHANGES], more]
    return changes


def finance_history(user: Any, partnership: Any) -> list[HistoryEntry]:
    if not can_view_internal(user, partnership):
        return []
    records = list(
        FinanceModel.history.filter(partnership_id=partnership.pk).select_related(
            "history_user", "owner__organisation"
        )
    )
    if not records:
        return []
    members = {m.pk: m for m in partnership.members.all()}
    orgs = user_organisation_ids(user)
    current = FinanceModel.objects.filter(partnership=partnership).first()
    sees_current = current is not None and can_see_whole_model(user, partnership, current)

    def visible(record: Any) -> bool:
        if record.owner_id is None:
            return True
        owner = members.get(record.owner_id)
        if owner is not None and owner.organisation_id in orgs:
            return True
        return sees_current and current is not None and current.owner_id == record.owner_id

    def owner_name(value: str) -> str:
        if value in ("—", ""):
            return str(_("the government"))
        member = members.get(int(value.lstrip("#"))) if value.lstrip("#").isdigit() else None
        return str(member.organisation) if member is not None else value

    records.sort(key=lambda r: (r.history_date, r.history_id))
    previous: dict[int, Any] = {}
    last = None
    for record in records:
        previous[record.history_id] = last
        last = record
    entries = entries_from_records(
        records, object_type=_("Finance model"), label=lambda r: str(r.spec.get("name") or "—")
    )
    # entries_from_records keeps the records' order per object: pair them back
    out: list[HistoryEntry] = []
    for entry, record in zip(entries, records, strict=True):
        changes = []
        for change in entry.changes:
            if change.field == "spec":
                continue
            if change.field == "owner":
                change = dataclasses.replace(
                    change, old=owner_name(change.old), new=owner_name(change.new)
                )
            changes.append(change)
        before = previous[record.history_id]
        old_spec = before.spec if before is not None else None
        if record.history_type != "-" and old_spec != record.spec:
            if visible(record) and (before is None or visible(before)):
                changes += spec_changes(old_spec, record.spec)
            else:
                changes.append(
                    FieldChange("spec", _("figures"), "", _("changed (confidential to the owner)"))
                )
        label = entry.object_label if visible(record) else _("Finance model")
        out.append(dataclasses.replace(entry, changes=changes, object_label=label))
    return out
