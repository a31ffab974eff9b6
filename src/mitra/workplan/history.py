"""The workplan's changes on the partnership's History tab (who, when, old → new)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mitra.core.history import HistoryEntry, entries_from_records

from .models import Decision, Meeting, Task, WorkplanSettings
from .permissions import can_view_workplan


def workplan_history(user: Any, partnership: Any) -> list[HistoryEntry]:
    if not can_view_workplan(user, partnership):
        return []
    pk = partnership.pk
    meeting_ids = list(
        Meeting.history.filter(partnership_id=pk).values_list("id", flat=True).distinct()
    )
    return [
        *entries_from_records(
            Task.history.filter(partnership_id=pk).select_related("history_user"),
            object_type=_("Task"),
            label=lambda r: r.title,
        ),
        *entries_from_records(
            Meeting.history.filter(partnership_id=pk).select_related("history_user"),
            object_type=_("Meeting"),
            label=lambda r: r.title,
        ),
        *entries_from_records(
            Decision.history.filter(meeting_id__in=meeting_ids).select_related("history_user"),
            object_type=_("Decision"),
            label=lambda r: r.title,
        ),
        *entries_from_records(
            WorkplanSettings.history.filter(partnership_id=pk).select_related("history_user"),
            object_type=_("Decision rule"),
            label=lambda r: r.get_decision_rule_display(),
        ),
    ]
