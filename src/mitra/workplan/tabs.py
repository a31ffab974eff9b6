"""The Workplan, Meetings and Activity tabs of the partnership page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mitra.notifications.selectors import activity_list
from mitra.notifications.services import is_following, may_follow
from mitra.partnerships.models import Partnership, Visibility
from mitra.partnerships.permissions import can_view_internal
from mitra.partnerships.workspace import DELIVERY, Tab, TabExport, register_tab

from . import selectors
from .models import DecisionRule
from .permissions import can_edit_workplan, can_set_rule, can_view_workplan
from .services import decision_rule

WORKPLAN, MEETINGS, ACTIVITY = "workplan", "meetings", "activity"


def _shown(request: HttpRequest, partnership: Any) -> bool:
    return can_view_workplan(request.user, partnership)


def _links(request: HttpRequest, feeds: list[Any]) -> list[tuple[Any, str]]:
    return [
        (f, request.build_absolute_uri(reverse("workplan:feed", args=[f.token]))) for f in feeds
    ]


def workplan_context(request: HttpRequest, partnership: Partnership) -> dict[str, Any]:
    task_list = list(selectors.tasks(user=request.user, partnership=partnership))
    steps = dict(selectors.step_choices(partnership))
    for task in task_list:
        task.step_label = steps.get(task.lifecycle_step, task.lifecycle_step)
    return {
        "tasks": task_list,
        "summary": selectors.summary(task_list),
        "gantt": selectors.gantt_chart(task_list),
        "can_edit_workplan": can_edit_workplan(request.user, partnership),
        "feeds": _links(request, selectors.feeds(user=request.user, partnership=partnership)),
        "personal_feeds": _links(request, selectors.feeds(user=request.user)),
    }


def meetings_context(request: HttpRequest, partnership: Partnership) -> dict[str, Any]:
    rule = decision_rule(partnership)
    return {
        "meetings": list(selectors.meetings(user=request.user, partnership=partnership)),
        "can_edit_workplan": can_edit_workplan(request.user, partnership),
        "can_set_rule": can_set_rule(request.user, partnership),
        "rule": rule,
        "rule_label": DecisionRule(rule).label,
    }


def activity_shown(request: HttpRequest, partnership: Any) -> bool:
    return can_view_internal(request.user, partnership) or (
        partnership.visibility == Visibility.PUBLIC
    )


def activity_context(request: HttpRequest, partnership: Partnership) -> dict[str, Any]:
    """Partners (and platform staff) see every entry; others only the public ones, and only on a
    published partnership."""
    internal = can_view_internal(request.user, partnership)
    if not internal and partnership.visibility != Visibility.PUBLIC:
        entries: list[Any] = []
    else:
        entries = activity_list(partnership_id=partnership.pk, internal=internal)
    return {
        "activity": entries,
        "following": is_following(request.user, partnership.pk),
        "can_follow": may_follow(request.user, partnership.pk),
    }


def _task_rows(request: HttpRequest, partnership: Any) -> list[Any]:
    return list(selectors.tasks(user=request.user, partnership=partnership))


def _columns() -> list[Any]:
    from mitra.core.exports import Column

    return [
        Column(_("Task"), lambda t: t.title),
        Column(_("Kind"), lambda t: t.get_kind_display()),
        Column(_("Partner responsible"), lambda t: str(t.member.organisation) if t.member else ""),
        Column(_("Start date"), lambda t: t.start_date),
        Column(_("Due date"), lambda t: t.due_date),
        Column(_("Status"), lambda t: t.get_status_display()),
        Column(_("Depends on"), lambda t: ", ".join(d.title for d in t.depends_on.all())),
    ]


def register() -> None:
    register_tab(
        Tab(
            WORKPLAN,
            _("Workplan"),
            90,
            "workplan/tab.html",
            workplan_context,
            shown=_shown,
            export=TabExport(_task_rows, _columns()),
            group=DELIVERY,
        )
    )
    register_tab(
        Tab(
            MEETINGS,
            _("Meetings"),
            92,
            "workplan/meetings_tab.html",
            meetings_context,
            shown=_shown,
            group=DELIVERY,
        )
    )
    register_tab(
        Tab(
            ACTIVITY,
            _("Activity"),
            95,
            "workplan/activity_tab.html",
            activity_context,
            shown=activity_shown,
            group=DELIVERY,
        )
    )
