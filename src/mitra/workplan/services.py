"""Writes on the workplan, meetings and decisions: permission, validation, version, audit.

Every write runs in one transaction, checks permission here (``PermissionDenied``), calls
``full_clean()`` (field-level messages), records who did it (simple-history) and, for edits,
refuses a stale ``version`` (``StaleEdit``). Dependencies of a task are checked here: they belong
to the same partnership, make no cycle, and the task starts no earlier than each ends.
People are told through ``notifications.services.notify``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from mitra.core.concurrency import save_versioned
from mitra.core.errors import PermissionDenied
from mitra.notifications.services import notify
from mitra.organisations.models import OrganisationMembership
from mitra.partnerships.models import Document, Partnership, PartnershipMember

from . import rules
from .models import (
    CalendarFeed,
    Decision,
    DecisionRule,
    Meeting,
    PartnerPosition,
    Position,
    Task,
    TaskStatus,
    WorkplanSettings,
)
from .permissions import can_edit_workplan, can_set_rule, can_view_workplan
from .selectors import step_choices

TASK_FIELDS = (
    "kind",
    "title",
    "description",
    "member",
    "assignee",
    "start_date",
    "due_date",
    "status",
    "lifecycle_step",
)
MEETING_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "place",
    "online_url",
    "agenda",
    "minutes",
    "berita_acara",
)


def audited(instance: models.Model, actor: Any) -> None:
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None  # type: ignore[attr-defined]


def _deny_unless(allowed: bool, message: Any) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_partner(actor: Any, partnership: Partnership) -> None:
    _deny_unless(
        can_edit_workplan(actor, partnership),
        _("Only the partners of this partnership change its workplan and meetings."),
    )


def _tab_url(partnership: Partnership, key: str) -> str:
    return reverse("partnerships:tab", args=[partnership.pk, key])


def meeting_url(meeting: Meeting) -> str:
    return reverse("workplan:meeting", args=[meeting.partnership_id, meeting.pk])


# --------------------------------------------------------------------------- the decision rule


def decision_rule(partnership: Partnership) -> str:
    found = WorkplanSettings.objects.filter(partnership=partnership).first()
    return found.decision_rule if found else DecisionRule.CONSENSUS


@transaction.atomic
def rule_set(
    *, actor: Any, partnership: Partnership, rule: str, expected_version: int | None = None
) -> WorkplanSettings:
    """Choose how the partners' positions decide (the lead's administrators)."""
    _deny_unless(
        can_set_rule(actor, partnership),
        _("Only the lead partner's administrators choose the decision rule."),
    )
    current = WorkplanSettings.objects.filter(partnership=partnership).first()
    if current is None:
        current = WorkplanSettings(partnership=partnership, decision_rule=rule)
        current.full_clean()
        audited(current, actor)
        current.save()
        return current
    return save_versioned(
        current, expected_version=expected_version, actor=actor, fields={"decision_rule": rule}
    )


# --------------------------------------------------------------------------- tasks


def _people_of(member: PartnershipMember) -> set[int]:
    return set(
        OrganisationMembership.objects.filter(organisation_id=member.organisation_id).values_list(
            "user_id", flat=True
        )
    )


def _check_assignment(partnership: Partnership, task: Task) -> None:
    if task.member_id is not None:
        member = task.member
        if member.partnership_id != partnership.pk or member.left_on is not None:
            raise ValidationError({"member": _("Choose a current partner of this partnership.")})
    if task.assignee_id is not None:
        current = [m for m in partnership.members.all() if m.left_on is None]
        if task.member_id is None:
            own = [m for m in current if task.assignee_id in _people_of(m)]
            if not own:
                raise ValidationError(
                    {"assignee": _("Choose a person of one of the partner organisations.")}
                )
            task.member = own[0]
        elif task.assignee_id not in _people_of(task.member):
            raise ValidationError(
                {"assignee": _("Choose a person of the partner organisation responsible.")}
            )


def _check_step(partnership: Partnership, task: Task) -> None:
    """A lifecycle step, when given, is one of the partnership's (when its lifecycle is known)."""
    if not task.lifecycle_step:
        return
    steps = step_choices(partnership)
    if steps and task.lifecycle_step not in {key for key, _label in steps}:
        raise ValidationError(
            {"lifecycle_step": _("Choose a step of this partnership's lifecycle.")}
        )


def _check_dependencies(task: Task, depends_on: list[Task]) -> None:
    """Same partnership, no cycle, and the task starts no earlier than each dependency ends."""
    for dep in depends_on:
        if dep.partnership_id != task.partnership_id:
            raise ValidationError({"depends_on": _("Choose tasks of this partnership.")})
        if task.pk is not None and dep.pk == task.pk:
            raise ValidationError({"depends_on": _("A task cannot depend on itself.")})
    if task.pk is not None:
        # A cycle: a chosen dependency already depends (directly or not) on this task.
        edges: dict[int, set[int]] = {}
        for src, dst in Task.depends_on.through.objects.filter(
            from_task__partnership_id=task.partnership_id
        ).values_list("from_task_id", "to_task_id"):
            edges.setdefault(src, set()).add(dst)
        edges[task.pk] = {d.pk for d in depends_on}
        seen: set[int] = set()
        stack = [d.pk for d in depends_on]
        while stack:
            node = stack.pop()
            if node == task.pk:
                raise ValidationError(
                    {
                        "depends_on": _(
                            "These dependencies would make a circle: a chosen task already "
                            "depends on this one."
                        )
                    }
                )
            if node in seen:
                continue
            seen.add(node)
            stack.extend(edges.get(node, ()))
    late = [d for d in depends_on if task.start_date and d.due_date > task.start_date]
    if late:
        first = max(late, key=lambda d: d.due_date)
        raise ValidationError(
            {
                "start_date": _(
                    "This task cannot start before %(task)s ends (%(date)s): start it on or after "
                    "that date, or remove the dependency."
                )
                % {
                    "task": first.title,
                    "date": formats.date_format(first.due_date, "SHORT_DATE_FORMAT"),
                }
            }
        )


def _check_dependents(task: Task) -> None:
    """A task moved later must not end after a task that depends on it starts."""
    if task.pk is None:
        return
    early = [t for t in task.dependents.all() if t.start_date < task.due_date]
    if early:
        first = min(early, key=lambda t: t.start_date)
        raise ValidationError(
            {
                "due_date": _(
                    "%(task)s depends on this task and starts on %(date)s: this task must end by "
                    "then, or move that task first."
                )
                % {
                    "task": first.title,
                    "date": formats.date_format(first.start_date, "SHORT_DATE_FORMAT"),
                }
            }
        )


def _tell_assigned(actor: Any, task: Task) -> None:
    partnership = task.partnership
    users = [task.assignee] if task.assignee_id else []
    organisations = [task.member.organisation] if task.member_id and not users else []
    if not users and not organisations:
        return
    notify(
        kind="workplan.task_assigned",
        actor=actor,
        users=users,
        organisations=organisations,
        partnership_id=partnership.pk,
        url=_tab_url(partnership, "workplan"),
        params={
            "task": task.title,
            "partnership": partnership.title,
            "due": task.due_date.isoformat(),
            "partner": str(task.member.organisation) if task.member_id else "",
        },
    )


def _as_instance(model: type[models.Model], value: Any, field: str) -> Any:
    if value is None or isinstance(value, models.Model):
        return value
    try:
        return model._default_manager.get(pk=int(value))  # type: ignore[attr-defined]
    except (model.DoesNotExist, TypeError, ValueError):  # type: ignore[attr-defined]
        raise ValidationError({field: _("Choose from the list.")}) from None


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in data.items() if k in TASK_FIELDS}
    if "member" in fields:
        fields["member"] = _as_instance(PartnershipMember, fields["member"], "member")
    if "assignee" in fields:
        fields["assignee"] = _as_instance(get_user_model(), fields["assignee"], "assignee")
    for key in ("description", "lifecycle_step"):
        if key in fields and fields[key] is None:
            fields[key] = ""
    return fields


@transaction.atomic
def task_create(
    *,
    actor: Any,
    partnership: Partnership,
    data: dict[str, Any],
    depends_on: Iterable[Task] = (),
    decision: Decision | None = None,
) -> Task:
    """Add a task or milestone to the workplan (any current partner)."""
    _require_partner(actor, partnership)
    fields = _normalise(data)
    task = Task(partnership=partnership, decision=decision, **fields)
    if task.kind == "milestone" and task.start_date and not task.due_date:
        task.due_date = task.start_date
    task.full_clean()
    _check_assignment(partnership, task)
    _check_step(partnership, task)
    deps = list(depends_on)
    _check_dependencies(task, deps)
    audited(task, actor)
    task.save()
    task.depends_on.set(deps)
    _tell_assigned(actor, task)
    return task


@transaction.atomic
def task_update(
    *,
    actor: Any,
    task: Task,
    data: dict[str, Any],
    expected_version: int | None,
    depends_on: Iterable[Task] | None = None,
) -> Task:
    """Change a task (its status, dates, who does it, its dependencies)."""
    partnership = task.partnership
    _require_partner(actor, partnership)
    fields = _normalise(data)
    before = (task.member_id, task.assignee_id)
    old_due = task.due_date
    probe = Task(
        pk=task.pk,
        partnership=partnership,
        **{
            **{k: getattr(task, k) for k in TASK_FIELDS},
            **fields,
        },
    )
    probe.full_clean(exclude=["partnership"], validate_unique=False)
    _check_assignment(partnership, probe)
    _check_step(partnership, probe)
    fields["member"] = probe.member
    deps = list(depends_on) if depends_on is not None else list(task.depends_on.all())
    _check_dependencies(probe, deps)
    _check_dependents(probe)
    if probe.due_date != old_due:
        fields["due_notified_at"] = None
    task = save_versioned(task, expected_version=expected_version, actor=actor, fields=fields)
    if depends_on is not None:
        task.depends_on.set(deps)
    if (task.member_id, task.assignee_id) != before:
        _tell_assigned(actor, task)
    return task


@transaction.atomic
def task_delete(*, actor: Any, task: Task) -> None:
    _require_partner(actor, task.partnership)
    audited(task, actor)
    task.delete()


def tasks_due_notify(*, within_days: int = 3, today: datetime.date | None = None) -> int:
    """Tell who is responsible for each unfinished task due within ``within_days`` (and overdue
    ones not yet told). Idempotent: a task is told once (``due_notified_at``) until its due date
    moves. Returns how many tasks were told of."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=within_days)
    due = (
        Task.objects.filter(
            due_date__lte=horizon,
            due_notified_at__isnull=True,
        )
        .exclude(status=TaskStatus.DONE)
        .select_related("partnership", "member__organisation", "assignee")
    )
    told = 0
    for task in due:
        with transaction.atomic():
            claimed = Task.objects.filter(pk=task.pk, due_notified_at__isnull=True).update(
                due_notified_at=timezone.now()
            )
            if not claimed:
                continue
            users = [task.assignee] if task.assignee_id else []
            organisations = [task.member.organisation] if task.member_id and not users else []
            notify(
                kind="workplan.task_due",
                users=users,
                organisations=organisations,
                partnership_id=task.partnership_id,
                url=_tab_url(task.partnership, "workplan"),
                params={
                    "task": task.title,
                    "partnership": task.partnership.title,
                    "due": task.due_date.isoformat(),
                },
                feed=False,
                followers=False,
            )
            told += 1
    return told


# --------------------------------------------------------------------------- meetings


def _current_members(partnership: Partnership, ids: Iterable[Any]) -> list[PartnershipMember]:
    wanted = {int(i) for i in ids}
    members = [m for m in partnership.members.all() if m.left_on is None and m.pk in wanted]
    if len(members) != len(wanted):
        raise ValidationError(
            {"attending_members": _("Choose current partners of this partnership.")}
        )
    return members


def _partner_people(partnership: Partnership, ids: Iterable[Any]) -> list[Any]:
    wanted = {int(i) for i in ids}
    if not wanted:
        return []
    orgs = [m.organisation_id for m in partnership.members.all() if m.left_on is None]
    allowed = set(
        OrganisationMembership.objects.filter(
            organisation_id__in=orgs, user_id__in=wanted
        ).values_list("user_id", flat=True)
    )
    if allowed != wanted:
        raise ValidationError({"attendees": _("Choose people of the partner organisations.")})
    return list(get_user_model().objects.filter(pk__in=wanted))


def _meeting_fields(partnership: Partnership, data: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in data.items() if k in MEETING_FIELDS}
    if "berita_acara" in fields and fields["berita_acara"] is not None:
        doc = _as_instance(Document, fields["berita_acara"], "berita_acara")
        if doc.partnership_id != partnership.pk:
            raise ValidationError({"berita_acara": _("Choose a document of this partnership.")})
        fields["berita_acara"] = doc
    for key in ("place", "online_url", "agenda", "minutes"):
        if key in fields and fields[key] is None:
            fields[key] = ""
    return fields


@transaction.atomic
def meeting_create(
    *,
    actor: Any,
    partnership: Partnership,
    data: dict[str, Any],
    attending_members: Iterable[Any] = (),
    attendees: Iterable[Any] = (),
) -> Meeting:
    """Schedule a meeting of the partners; the attending organisations and people are told."""
    _require_partner(actor, partnership)
    members = _current_members(partnership, attending_members)
    people = _partner_people(partnership, attendees)
    meeting = Meeting(
        partnership=partnership,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **_meeting_fields(partnership, data),
    )
    meeting.full_clean()
    audited(meeting, actor)
    meeting.save()
    meeting.attending_members.set(members)
    meeting.attendees.set(people)
    notify(
        kind="workplan.meeting_scheduled",
        actor=actor,
        users=people,
        organisations=[m.organisation for m in members],
        partnership_id=partnership.pk,
        url=meeting_url(meeting),
        params={
            "meeting": meeting.title,
            "partnership": partnership.title,
            # ISO with its offset: each reader reads it in their own language and time zone
            "when": meeting.starts_at.isoformat(timespec="minutes"),
        },
    )
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: Any,
    meeting: Meeting,
    data: dict[str, Any],
    expected_version: int | None,
    attending_members: Iterable[Any] | None = None,
    attendees: Iterable[Any] | None = None,
) -> Meeting:
    """Change a meeting: its time and place, agenda, minutes, berita acara, attendance."""
    partnership = meeting.partnership
    _require_partner(actor, partnership)
    members = (
        _current_members(partnership, attending_members) if attending_members is not None else None
    )
    people = _partner_people(partnership, attendees) if attendees is not None else None
    meeting = save_versioned(
        meeting,
        expected_version=expected_version,
        actor=actor,
        fields=_meeting_fields(partnership, data),
    )
    if members is not None:
        meeting.attending_members.set(members)
    if people is not None:
        meeting.attendees.set(people)
    return meeting


# --------------------------------------------------------------------------- decisions


def votes_of(decision: Decision) -> list[rules.Vote]:
    return [
        rules.Vote(str(p.member.organisation), p.position, p.member.equity_share)
        for p in decision.positions.select_related("member__organisation")
    ]


@transaction.atomic
def decision_record(
    *,
    actor: Any,
    meeting: Meeting,
    title: str,
    positions: dict[Any, str],
    description: str = "",
    action_items: Iterable[dict[str, Any]] = (),
) -> Decision:
    """Record a decision taken at the meeting: each partner's position (``{member id:
    'agree'|'disagree'|'abstain'}``), the outcome computed by the partnership's rule, and its
    action items (tasks on the workplan). Every current partner is told."""
    partnership = meeting.partnership
    _require_partner(actor, partnership)
    current = {m.pk: m for m in partnership.members.all() if m.left_on is None}
    chosen: dict[int, str] = {}
    for key, position in positions.items():
        try:
            member_id = int(key)
        except (TypeError, ValueError):
            member_id = -1
        if member_id not in current:
            raise ValidationError({"positions": _("Positions are for current partners only.")})
        if position not in Position.values:
            raise ValidationError({"positions": _("A position is agree, disagree or abstain.")})
        chosen[member_id] = position
    if not chosen:
        raise ValidationError({"positions": _("Record the position of at least one partner.")})
    rule = decision_rule(partnership)
    votes = [
        rules.Vote(str(current[mid].organisation), pos, current[mid].equity_share)
        for mid, pos in chosen.items()
    ]
    result = rules.outcome(rule, votes)
    decision = Decision(
        meeting=meeting,
        title=(title or "").strip(),
        description=description or "",
        rule=rule,
        outcome=result.outcome,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    decision.full_clean()
    audited(decision, actor)
    decision.save()
    PartnerPosition.objects.bulk_create(
        PartnerPosition(decision=decision, member=current[mid], position=pos)
        for mid, pos in chosen.items()
    )
    for index, item in enumerate(action_items):
        try:
            action_item_add(actor=actor, decision=decision, data=item)
        except ValidationError as exc:
            raise ValidationError(
                {f"action_items.{index}.{k}": v for k, v in exc.message_dict.items()}
            ) from exc
    notify(
        kind="workplan.decision_taken",
        actor=actor,
        organisations=[m.organisation for m in current.values()],
        partnership_id=partnership.pk,
        url=meeting_url(meeting),
        params={
            "decision": decision.title,
            "partnership": partnership.title,
            "outcome": decision.outcome,
        },
    )
    return decision


@transaction.atomic
def action_item_add(*, actor: Any, decision: Decision, data: dict[str, Any]) -> Task:
    """An action item of a decision: a task on the workplan that remembers the decision."""
    return task_create(
        actor=actor, partnership=decision.meeting.partnership, data=data, decision=decision
    )


# --------------------------------------------------------------------------- calendar feeds


@transaction.atomic
def calendar_feed_create(*, actor: Any, partnership: Partnership | None = None) -> CalendarFeed:
    """A secret calendar address for the actor (of one partnership it may see, or of all)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to subscribe to a calendar."))
    if partnership is not None:
        _deny_unless(
            can_view_workplan(actor, partnership),
            _("Only the partners of this partnership see its calendar."),
        )
    return CalendarFeed.objects.create(user=actor, partnership=partnership)


@transaction.atomic
def calendar_feed_revoke(*, actor: Any, feed: CalendarFeed) -> CalendarFeed:
    if feed.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("You revoke your own calendar addresses only."))
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
    return feed


def outcome_sentence(decision: Decision) -> str:
    return rules.sentence(decision.rule, rules.outcome(decision.rule, votes_of(decision)))
