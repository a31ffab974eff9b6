"""The results' changes on the partnership's History tab (who, when, old → new): the audit UI
DHIS2's users ask for. Health answers are left out (they are shown per sector only)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mitra.core.history import HistoryEntry, entries_from_records
from mitra.core.history import short_date as _short

from .models import Indicator, Period, Result, ServiceLevel, Update
from .permissions import can_view_results


def results_history(user: Any, partnership: Any) -> list[HistoryEntry]:
    if not can_view_results(user, partnership):
        return []
    indicators = {
        r.id: r.title
        for r in Indicator.history.filter(partnership_id=partnership.pk).order_by("history_date")
    }
    periods = {
        r.id: f"{indicators.get(r.indicator_id, '')} · {_short(r.start)}–{_short(r.end)}"
        for r in Period.history.filter(indicator_id__in=list(indicators)).order_by("history_date")
    }
    entries = entries_from_records(
        Result.history.filter(partnership_id=partnership.pk).select_related("history_user"),
        object_type=_("Result"),
        label=lambda r: r.title,
    )
    entries += entries_from_records(
        Indicator.history.filter(partnership_id=partnership.pk).select_related("history_user"),
        object_type=_("Indicator"),
        label=lambda r: r.title,
    )
    entries += entries_from_records(
        Period.history.filter(indicator_id__in=list(indicators)).select_related("history_user"),
        object_type=_("Reporting period"),
        label=lambda r: periods.get(r.id, ""),
    )
    entries += entries_from_records(
        Update.history.filter(period_id__in=list(periods)).select_related("history_user"),
        object_type=_("Reported value"),
        label=lambda r: periods.get(r.period_id, ""),
    )
    entries += entries_from_records(
        ServiceLevel.history.filter(indicator_id__in=list(indicators)).select_related(
            "history_user"
        ),
        object_type=_("Service level"),
        label=lambda r: indicators.get(r.indicator_id, ""),
    )
    return entries
