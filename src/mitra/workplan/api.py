"""The workplan API, mounted under /api/v1/ in config/api.py (pinned, issue 14).

Partners and platform staff (read-only) read; anonymous callers get 401, whoever may not see the
partnership 404, a non-partner of a public partnership 403. Writes go through the services
(permission, validation with field errors as 422, ``version`` → 409 when stale).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Path, Router, Status

from mitra.accounts.schemas import ERRORS, StaleOut
from mitra.partnerships.models import Partnership
from mitra.partnerships.schemas import MAX_ID
from mitra.partnerships.selectors import partnership_get

from . import rules, selectors, services
from .models import Decision, Meeting, Task
from .schemas import (
    DecisionIn,
    DecisionOut,
    MeetingIn,
    MeetingOut,
    TaskIn,
    TaskOut,
    TaskPatchIn,
)

router = Router(tags=["Workplan"])

WRITE = {**ERRORS, 409: StaleOut}


def _id(what: str) -> Any:
    return Path(..., ge=1, le=MAX_ID, description=f"{what} id.")


def _partnership(request: HttpRequest, pk: int) -> Partnership:
    partnership = partnership_get(user=request.user, pk=pk)
    selectors.require_workplan(request.user, partnership)
    return partnership


def task_out(task: Task) -> dict[str, Any]:
    return {
        "id": task.pk,
        "kind": task.kind,
        "title": task.title,
        "description": task.description,
        "member_id": task.member_id,
        "partner": str(task.member.organisation) if task.member_id else None,
        "assignee_id": task.assignee_id,
        "start_date": task.start_date,
        "due_date": task.due_date,
        "status": task.status,
        "depends_on": sorted(d.pk for d in task.depends_on.all()),
        "lifecycle_step": task.lifecycle_step,
        "decision_id": task.decision_id,
        "version": task.version,
    }


def decision_out(decision: Decision) -> dict[str, Any]:
    positions = list(decision.positions.select_related("member__organisation"))
    votes = [
        rules.Vote(str(p.member.organisation), p.position, p.member.equity_share) for p in positions
    ]
    return {
        "id": decision.pk,
        "meeting_id": decision.meeting_id,
        "title": decision.title,
        "description": decision.description,
        "rule": decision.rule,
        "outcome": decision.outcome,
        "sentence": rules.sentence(decision.rule, rules.outcome(decision.rule, votes)),
        "positions": [
            {
                "member_id": p.member_id,
                "partner": str(p.member.organisation),
                "position": p.position,
                "equity_share": p.member.equity_share,
            }
            for p in positions
        ],
        "action_items": [
            task_out(t)
            for t in decision.action_items.select_related("member__organisation").prefetch_related(
                "depends_on"
            )
        ],
    }


def meeting_out(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "place": meeting.place,
        "online_url": meeting.online_url,
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
        "berita_acara_id": meeting.berita_acara_id,
        "attending_member_ids": sorted(m.pk for m in meeting.attending_members.all()),
        "attendee_ids": sorted(u.pk for u in meeting.attendees.all()),
        "decisions": [decision_out(d) for d in meeting.decisions.all()],
        "version": meeting.version,
    }


def _deps(partnership: Partnership, ids: list[int]) -> list[Task]:
    found = list(Task.objects.filter(partnership=partnership, pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"depends_on": _("Choose tasks of this partnership.")})
    return found


def _task_data(data: dict[str, Any]) -> dict[str, Any]:
    for api_name, name in (("member_id", "member"), ("assignee_id", "assignee")):
        if api_name in data:
            data[name] = data.pop(api_name)
    return data


# --- tasks --------------------------------------------------------------------------------------


@router.get(
    "/partnerships/{partnership_id}/tasks",
    response={200: list[TaskOut], **ERRORS},
    summary="The workplan's tasks and milestones",
)
def task_list(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    partnership = _partnership(request, partnership_id)
    return [task_out(t) for t in selectors.tasks(user=request.user, partnership=partnership)]


@router.post(
    "/partnerships/{partnership_id}/tasks",
    response={201: TaskOut, **ERRORS},
    summary="Add a task or milestone",
)
def task_create(
    request: HttpRequest, payload: TaskIn, partnership_id: int = _id("Partnership")
) -> Any:
    """Any current partner. A task cannot start before the tasks it depends on end (422)."""
    partnership = _partnership(request, partnership_id)
    data = _task_data(payload.dict())
    deps = _deps(partnership, data.pop("depends_on"))
    if data.get("due_date") is None:
        if data["kind"] != "milestone":
            raise ValidationError({"due_date": _("Enter the due date.")})
        data["due_date"] = data["start_date"]
    task = services.task_create(
        actor=request.user, partnership=partnership, data=data, depends_on=deps
    )
    return Status(201, task_out(task))


@router.patch(
    "/tasks/{task_id}",
    response={200: TaskOut, **WRITE},
    summary="Change a task",
)
def task_update(request: HttpRequest, payload: TaskPatchIn, task_id: int = _id("Task")) -> Any:
    """Send the `version` you read; a stale one answers 409 with the current task."""
    task = selectors.task_get(user=request.user, pk=task_id)
    data = _task_data(payload.dict(exclude_unset=True))
    version = data.pop("version")
    deps = data.pop("depends_on", None)
    task = services.task_update(
        actor=request.user,
        task=task,
        data=data,
        expected_version=version,
        depends_on=_deps(task.partnership, deps) if deps is not None else None,
    )
    return task_out(task)


# --- meetings and decisions ---------------------------------------------------------------------


@router.get(
    "/partnerships/{partnership_id}/meetings",
    response={200: list[MeetingOut], **ERRORS},
    summary="The partners' meetings, with their decisions",
)
def meeting_list(request: HttpRequest, partnership_id: int = _id("Partnership")) -> Any:
    partnership = _partnership(request, partnership_id)
    return [meeting_out(m) for m in selectors.meetings(user=request.user, partnership=partnership)]


@router.post(
    "/partnerships/{partnership_id}/meetings",
    response={201: MeetingOut, **ERRORS},
    summary="Schedule a meeting",
)
def meeting_create(
    request: HttpRequest, payload: MeetingIn, partnership_id: int = _id("Partnership")
) -> Any:
    """Any current partner; the attending organisations' admins and people are told."""
    partnership = _partnership(request, partnership_id)
    data = payload.dict()
    members = data.pop("attending_member_ids")
    people = data.pop("attendee_ids")
    data["berita_acara"] = data.pop("berita_acara_id")
    meeting = services.meeting_create(
        actor=request.user,
        partnership=partnership,
        data=data,
        attending_members=members,
        attendees=people,
    )
    return Status(201, meeting_out(meeting))


@router.post(
    "/meetings/{meeting_id}/decisions",
    response={201: DecisionOut, **ERRORS},
    summary="Record a decision with the partners' positions",
)
def decision_create(
    request: HttpRequest, payload: DecisionIn, meeting_id: int = _id("Meeting")
) -> Any:
    """The outcome follows the partnership's decision rule (consensus, simple majority or
    weighted by equity share); action items become workplan tasks."""
    meeting = selectors.meeting_get(user=request.user, pk=meeting_id)
    positions: dict[int, str] = {}
    for p in payload.positions:
        if p.member_id in positions:
            raise ValidationError({"positions": _("Each partner's position is given once.")})
        positions[p.member_id] = p.position
    decision = services.decision_record(
        actor=request.user,
        meeting=meeting,
        title=payload.title,
        description=payload.description,
        positions=positions,
        action_items=[_task_data(item.dict()) for item in payload.action_items],
    )
    return Status(201, decision_out(decision))


def _render_task(request: HttpRequest, task: Task) -> dict[str, Any]:
    return TaskOut(**task_out(task)).dict()


#: Render `StaleEdit.current` of this app's models as their GET shows them.
STALE_RENDERERS: dict[type, Any] = {Task: _render_task}
