"""iCalendar (RFC 5545) feeds of tasks and meetings, built with ``icalendar``.

- A partnership's feed: every task (an all-day event from its start to the end of its due day;
  a milestone is one day) and every meeting.
- A person's feed: the tasks given to them or to their organisations, and the meetings they or
  their organisations attend, in every partnership they are a partner of.

A feed reads with its owner's rights at the time it is read (``CalendarFeed``): a partner that
left, or a revoked address, sees nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from mitra.organisations.permissions import user_organisation_ids
from mitra.partnerships.models import Partnership

from .models import Meeting, Task
from .permissions import can_view_workplan


def _base_url() -> str:
    return str(getattr(settings, "MITRA_PUBLIC_URL", "")).rstrip("/")


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Mitra//Workplan//ID")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def _task_event(task: Task) -> Event:
    event = Event()
    event.add("uid", f"task-{task.pk}@mitra")
    event.add("dtstamp", task.updated_at or timezone.now())
    event.add("dtstart", task.start_date)
    event.add("dtend", task.due_date + datetime.timedelta(days=1))
    prefix = _("Milestone") if task.is_milestone else _("Task")
    event.add("summary", f"{prefix}: {task.title}")
    who = str(task.member.organisation) if task.member_id else ""
    lines = [
        str(task.partnership.title),
        _("Status: %(status)s") % {"status": task.get_status_display()},
    ]
    if who:
        lines.append(_("Responsible: %(who)s") % {"who": who})
    if task.description:
        lines.append(task.description)
    event.add("description", "\n".join(lines))
    event.add("url", f"{_base_url()}/partnerships/{task.partnership_id}/workplan/")
    return event


def _meeting_event(meeting: Meeting) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@mitra")
    event.add("dtstamp", meeting.updated_at or timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at or meeting.starts_at + datetime.timedelta(hours=1))
    event.add("summary", meeting.title)
    location = meeting.place or meeting.online_url
    if location:
        event.add("location", location)
    lines = [str(meeting.partnership.title)]
    if meeting.online_url:
        lines.append(meeting.online_url)
    if meeting.agenda:
        lines += [_("Agenda:"), meeting.agenda]
    event.add("description", "\n".join(lines))
    event.add(
        "url",
        f"{_base_url()}/partnerships/{meeting.partnership_id}/workplan/meetings/{meeting.pk}/",
    )
    return event


def _render(cal: Calendar, tasks: Iterable[Task], meetings: Iterable[Meeting]) -> bytes:
    for task in tasks:
        cal.add_component(_task_event(task))
    for meeting in meetings:
        cal.add_component(_meeting_event(meeting))
    return bytes(cal.to_ical())


def partnership_calendar(user: Any, partnership: Partnership) -> bytes:
    """The partnership's tasks and meetings; empty when the user may not see its workplan."""
    cal = _calendar(f"Mitra · {partnership.title}")
    if not can_view_workplan(user, partnership):
        return _render(cal, [], [])
    tasks = Task.objects.filter(partnership=partnership).select_related(
        "partnership", "member__organisation"
    )
    meetings = Meeting.objects.filter(partnership=partnership).select_related("partnership")
    return _render(cal, tasks, meetings)


def user_calendar(user: Any) -> bytes:
    """The user's own tasks and meetings, in the partnerships where they are a partner now."""
    cal = _calendar(_("Mitra · my tasks and meetings"))
    orgs = user_organisation_ids(user)
    partnership_ids = set(
        Partnership.objects.filter(
            members__organisation_id__in=orgs, members__left_on__isnull=True
        ).values_list("pk", flat=True)
    )
    tasks = (
        Task.objects.filter(partnership_id__in=partnership_ids)
        .filter(Q(assignee=user) | Q(member__organisation_id__in=orgs))
        .select_related("partnership", "member__organisation")
        .distinct()
    )
    meetings = (
        Meeting.objects.filter(partnership_id__in=partnership_ids)
        .filter(Q(attendees=user) | Q(attending_members__organisation_id__in=orgs))
        .select_related("partnership")
        .distinct()
    )
    return _render(cal, tasks, meetings)
