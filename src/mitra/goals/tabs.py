"""The Goals tab of the partnership page (registered through ``partnerships.workspace``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mitra.partnerships.models import Partnership
from mitra.partnerships.workspace import PLAN, Tab, TabExport, register_tab

from . import selectors
from .exports import OBJECTIVE_COLUMNS
from .models import Direction
from .permissions import can_edit_goals, can_record_agreement, can_view_goals

KEY = "goals"


def _shown(request: HttpRequest, partnership: Any) -> bool:
    return can_view_goals(request.user, partnership)


def goals_context(request: HttpRequest, partnership: Partnership) -> dict[str, Any]:
    """What the Goals tab shows this reader."""
    from .report import report_get  # Vega-Lite's engine loads with the first chart

    report = report_get(user=request.user, partnership=partnership)
    return {
        "report": report,
        "goals": report.goals,
        "can_edit_goals": can_edit_goals(request.user, partnership),
        "can_agree": can_record_agreement(request.user, partnership),
        "directions": Direction,
    }


def _rows(request: HttpRequest, partnership: Any) -> list[Any]:
    goals = selectors.goals_get(user=request.user, partnership=partnership)
    return [(lv.lever, o) for lv in goals.levers for o in lv.objectives]


TAB = Tab(
    KEY,
    _("Goals"),
    45,
    "goals/tab.html",
    goals_context,
    shown=_shown,
    export=TabExport(_rows, OBJECTIVE_COLUMNS),
    group=PLAN,
)


def register() -> None:
    register_tab(TAB)
