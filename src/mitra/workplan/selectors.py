"""Reads of the workplan, meetings and decisions, for the partners (and platform staff) only.

A reader who may not see a partnership gets ``NotFound`` from ``partnership_get``; one who sees it
but is not a partner (the public, an outsider on a public partnership) gets ``PermissionDenied``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mitra.core.errors import NotFound, PermissionDenied
from mitra.partnerships.models import Document, Partnership
from mitra.partnerships.selectors import document_list, partnership_get

from . import rules
from .models import CalendarFeed, Decision, Meeting, PartnerPosition, Task, TaskStatus
from .permissions import can_view_workplan

try:  # the lifecycle steps of the partnership's form (coordination app), when it offers them
    from mitra.coordination.selectors import step_choices as _step_choices
except ImportError:  # pragma: no cover - until coordination lands
    _step_choices = None


def require_workplan(user: Any, partnership: Partnership) -> None:
    if not can_view_workplan(user, partnership):
        raise PermissionDenied(_("Only the partners of this partnership see its workplan."))


def step_choices(partnership: Partnership) -> list[tuple[str, str]]:
    """``(key, label)`` of the lifecycle steps a task can serve (empty when none are defined)."""
    if _step_choices is None:
        return []
    try:
        return [(str(k), str(v)) for k, v in _step_choices(partnership)]
    except Exception:  # a lifecycle not defined for this form: no steps to choose
        return []


def tasks(*, user: Any, partnership: Partnership) -> QuerySet[Task]:
    require_workplan(user, partnership)
    return (
        Task.objects.filter(partnership=partnership)
        .select_related("member__organisation", "assignee", "decision__meeting")
        .prefetch_related("depends_on")
    )


def task_get(*, user: Any, pk: Any, partnership: Partnership | None = None) -> Task:
    try:
        task = Task.objects.select_related("partnership").get(pk=int(pk))
    except (Task.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Task not found.")) from None
    if partnership is not None and task.partnership_id != partnership.pk:
        raise NotFound(_("Task not found."))
    owner = partnership_get(user=user, pk=task.partnership_id)
    require_workplan(user, owner)
    task.partnership = owner
    return task


def meetings(*, user: Any, partnership: Partnership) -> QuerySet[Meeting]:
    require_workplan(user, partnership)
    return Meeting.objects.filter(partnership=partnership).prefetch_related(
        "attending_members__organisation", "decisions"
    )


def meeting_get(*, user: Any, pk: Any, partnership: Partnership | None = None) -> Meeting:
    try:
        meeting = Meeting.objects.select_related("berita_acara").get(pk=int(pk))
    except (Meeting.DoesNotExist, TypeError, ValueError):
        raise NotFound(_("Meeting not found.")) from None
    if partnership is not None and meeting.partnership_id != partnership.pk:
        raise NotFound(_("Meeting not found."))
    owner = partnership_get(user=user, pk=meeting.partnership_id)
    require_workplan(user, owner)
    meeting.partnership = owner
    return meeting


@dataclass(frozen=True)
class DecisionView:
    decision: Decision
    positions: list[PartnerPosition]
    sentence: str
    action_items: list[Task]


def decisions(*, meeting: Meeting) -> list[DecisionView]:
    """The meeting's decisions with their positions, outcome in words and action items (the
    caller has read the meeting through ``meeting_get``)."""
    rows = meeting.decisions.prefetch_related(
        Prefetch(
            "positions",
            queryset=PartnerPosition.objects.select_related("member__organisation"),
        ),
        Prefetch("action_items", queryset=Task.objects.select_related("member__organisation")),
    )
    views = []
    for d in rows:
        positions = list(d.positions.all())
        votes = [
            rules.Vote(str(p.member.organisation), p.position, p.member.equity_share)
            for p in positions
        ]
        views.append(
            DecisionView(
                d,
                positions,
                rules.sentence(d.rule, rules.outcome(d.rule, votes)),
                list(d.action_items.all()),
            )
        )
    return views


def berita_acara_choices(*, user: Any, partnership: Partnership) -> list[Document]:
    return document_list(user=user, partnership=partnership)


@dataclass(frozen=True)
class Summary:
    total: int
    done: int
    overdue: int
    blocked: int

    @property
    def sentence(self) -> str:
        if not self.total:
            return _("The workplan has no task yet.")
        return _(
            "%(done)s of %(total)s tasks are done; %(overdue)s overdue, %(blocked)s blocked."
        ) % {
            "done": self.done,
            "total": self.total,
            "overdue": self.overdue,
            "blocked": self.blocked,
        }


def summary(task_list: list[Task], today: datetime.date | None = None) -> Summary:
    today = today or timezone.localdate()
    return Summary(
        total=len(task_list),
        done=sum(1 for t in task_list if t.status == TaskStatus.DONE),
        overdue=sum(1 for t in task_list if t.status != TaskStatus.DONE and t.due_date < today),
        blocked=sum(1 for t in task_list if t.status == TaskStatus.BLOCKED),
    )


def gantt_chart(task_list: list[Task], *, today: datetime.date | None = None) -> Any:
    """The workplan as a Gantt chart (server-rendered SVG), or None without tasks."""
    if not task_list:
        return None
    from mitra.core.charts import gantt  # Vega-Lite's engine loads with the first chart

    today = today or timezone.localdate()
    stats = summary(task_list, today)
    return gantt(
        "workplan-gantt",
        _("Workplan"),
        stats.sentence + " " + _("The dashed red line is today."),
        items=[
            {
                "label": t.title,
                "who": str(t.member.organisation) if t.member_id else "",
                "start": t.start_date,
                "end": t.due_date,
                "status": t.status,
                "milestone": t.is_milestone,
            }
            for t in task_list
        ],
        status_names={code: str(label) for code, label in TaskStatus.choices},
        today=today,
    )


def feeds(*, user: Any, partnership: Partnership | None = None) -> list[CalendarFeed]:
    """The user's calendar addresses that still work (of the partnership, or the personal one)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        CalendarFeed.objects.filter(user=user, partnership=partnership, revoked_at__isnull=True)
    )


def feed_by_token(token: str) -> CalendarFeed:
    feed = (
        CalendarFeed.objects.select_related("user", "partnership")
        .filter(token=token, revoked_at__isnull=True)
        .first()
    )
    if feed is None or not feed.user.is_active:
        raise NotFound(_("Calendar not found."))
    return feed
