"""Pages of the Workplan, Meetings and Activity tabs, under /partnerships/<pk>/workplan/...:
thin views over ``selectors`` (reads) and ``services`` (writes)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mitra.core.charts import chart_download
from mitra.core.errors import PermissionDenied
from mitra.core.views import post_data, redirect_after_save, service_errors
from mitra.notifications.services import follow_set
from mitra.organisations.models import OrganisationMembership
from mitra.partnerships.models import Partnership
from mitra.partnerships.selectors import partnership_get
from mitra.partnerships.workspace import render_tab, tab_form, tab_get, tab_url

from . import calendar, selectors, services
from .forms import DecisionForm, MeetingForm, RuleForm, TaskForm
from .models import DecisionRule, Task
from .permissions import can_edit_workplan, can_set_rule
from .tabs import ACTIVITY, MEETINGS, WORKPLAN

FORM_PANEL = "workplan/form_panel.html"


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _partnership(request: HttpRequest, pk: int) -> Partnership:
    partnership = partnership_get(user=request.user, pk=pk)
    selectors.require_workplan(request.user, partnership)
    return partnership


def _current(partnership: Partnership) -> list[Any]:
    return [m for m in partnership.members.all() if m.left_on is None]


def _people(partnership: Partnership) -> list[tuple[int, str]]:
    orgs = {m.organisation_id: str(m.organisation) for m in _current(partnership)}
    rows = (
        OrganisationMembership.objects.filter(organisation_id__in=orgs)
        .select_related("user")
        .order_by("organisation_id", "user__username")
    )
    seen: set[int] = set()
    people = []
    for row in rows:
        if row.user_id in seen or not row.user.is_active:
            continue
        seen.add(row.user_id)
        name = row.user.get_full_name() or row.user.get_username()
        people.append((row.user_id, f"{name} ({orgs[row.organisation_id]})"))
    return people


def _form(
    request: HttpRequest,
    partnership: Partnership,
    tab_key: str,
    form: Any,
    *,
    title: str,
    save: Any,
    success_url: Any = None,
    intro: str = "",
    success_message: Any = None,
    cancel_url: str | None = None,
) -> HttpResponse:
    return tab_form(
        request,
        partnership,
        tab_get(tab_key),
        form,
        save=save,
        success_url=success_url or tab_url(partnership, tab_key),
        success_message=success_message,
        title=title,
        template=FORM_PANEL,
        intro=intro,
        cancel_url=cancel_url,
        extra={"tab_home": tab_url(partnership, tab_key), "tab_home_label": tab_get(tab_key).label},
    )


# --------------------------------------------------------------------------- tasks


def _task_form(request: HttpRequest, partnership: Partnership, **kwargs: Any) -> TaskForm:
    exclude = kwargs.pop("exclude", None)
    tasks = [t for t in Task.objects.filter(partnership=partnership) if t.pk != exclude]
    return TaskForm(
        post_data(request),
        members=_current(partnership),
        people=_people(partnership),
        tasks=tasks,
        steps=selectors.step_choices(partnership),
        **kwargs,
    )


def _deps(partnership: Partnership, ids: list[int]) -> list[Task]:
    return list(Task.objects.filter(partnership=partnership, pk__in=ids))


@login_required
@service_errors
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    _require(can_edit_workplan(request.user, partnership), _("Only partners add tasks."))
    form = _task_form(request, partnership)

    def save(data: dict[str, Any]) -> Any:
        deps = data.pop("depends_on", [])
        return services.task_create(
            actor=request.user,
            partnership=partnership,
            data=data,
            depends_on=_deps(partnership, deps),
        )

    return _form(
        request,
        partnership,
        WORKPLAN,
        form,
        title=_("Add a task or milestone"),
        save=save,
        success_message=_("The task is on the workplan."),
    )


@login_required
@service_errors
def task_edit(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    task = selectors.task_get(user=request.user, pk=task_pk, partnership=partnership)
    _require(can_edit_workplan(request.user, partnership), _("Only partners change tasks."))
    initial = {name: getattr(task, name) for name in services.TASK_FIELDS}
    initial |= {
        "member": task.member_id,
        "assignee": task.assignee_id,
        "depends_on": [d.pk for d in task.depends_on.all()],
        "version": task.version,
    }
    form = _task_form(request, partnership, initial=initial, exclude=task.pk)

    def save(data: dict[str, Any]) -> Any:
        deps = data.pop("depends_on", [])
        return services.task_update(
            actor=request.user,
            task=task,
            data=data,
            expected_version=data.pop("version", None),
            depends_on=_deps(partnership, deps),
        )

    return _form(request, partnership, WORKPLAN, form, title=task.title, save=save)


@login_required
@service_errors
def task_delete(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    task = selectors.task_get(user=request.user, pk=task_pk, partnership=partnership)
    _require(can_edit_workplan(request.user, partnership), _("Only partners remove tasks."))
    if request.method == "POST":
        services.task_delete(actor=request.user, task=task)
        messages.success(request, _("The task is removed."))
        return redirect_after_save(request, tab_url(partnership, WORKPLAN))
    return render_tab(
        request,
        partnership,
        tab_get(WORKPLAN),
        {"page_title": _("Remove the task %(name)s?") % {"name": task.title}},
        template="workplan/confirm_delete.html",
    )


# --------------------------------------------------------------------------- meetings


def _meeting_form(request: HttpRequest, partnership: Partnership, **kwargs: Any) -> MeetingForm:
    return MeetingForm(
        post_data(request),
        members=_current(partnership),
        people=_people(partnership),
        documents=selectors.berita_acara_choices(user=request.user, partnership=partnership),
        **kwargs,
    )


@login_required
@service_errors
def meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    _require(can_edit_workplan(request.user, partnership), _("Only partners schedule meetings."))
    form = _meeting_form(request, partnership)

    def save(data: dict[str, Any]) -> Any:
        members = data.pop("attending_members", [])
        people = data.pop("attendees", [])
        data.pop("version", None)
        return services.meeting_create(
            actor=request.user,
            partnership=partnership,
            data=data,
            attending_members=members,
            attendees=people,
        )

    return _form(
        request,
        partnership,
        MEETINGS,
        form,
        title=_("Schedule a meeting"),
        save=save,
        success_url=services.meeting_url,
        success_message=_("The meeting is scheduled; the attendees are told."),
    )


@login_required
@service_errors
def meeting_edit(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    meeting = selectors.meeting_get(user=request.user, pk=meeting_pk, partnership=partnership)
    _require(can_edit_workplan(request.user, partnership), _("Only partners change meetings."))
    initial = {name: getattr(meeting, name) for name in services.MEETING_FIELDS}
    initial |= {
        "berita_acara": meeting.berita_acara_id,
        "attending_members": [m.pk for m in meeting.attending_members.all()],
        "attendees": [u.pk for u in meeting.attendees.all()],
        "version": meeting.version,
    }
    form = _meeting_form(request, partnership, initial=initial)

    def save(data: dict[str, Any]) -> Any:
        members = data.pop("attending_members", [])
        people = data.pop("attendees", [])
        return services.meeting_update(
            actor=request.user,
            meeting=meeting,
            data=data,
            expected_version=data.pop("version", None),
            attending_members=members,
            attendees=people,
        )

    return _form(
        request,
        partnership,
        MEETINGS,
        form,
        title=meeting.title,
        save=save,
        success_url=services.meeting_url(meeting),
        cancel_url=services.meeting_url(meeting),
    )


@login_required
@service_errors
def meeting_detail(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    meeting = selectors.meeting_get(user=request.user, pk=meeting_pk, partnership=partnership)
    return render_tab(
        request,
        partnership,
        tab_get(MEETINGS),
        {
            "meeting": meeting,
            "decisions": selectors.decisions(meeting=meeting),
            "attending": list(meeting.attending_members.select_related("organisation")),
            "people": list(meeting.attendees.all()),
            "can_edit_workplan": can_edit_workplan(request.user, partnership),
            "page_title": meeting.title,
        },
        template="workplan/meeting.html",
    )


ACTION_FIELDS = {
    "title": "action_title",
    "member": "action_member",
    "start_date": "action_start",
    "due_date": "action_due",
}


@login_required
@service_errors
def decision_add(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    meeting = selectors.meeting_get(user=request.user, pk=meeting_pk, partnership=partnership)
    _require(can_edit_workplan(request.user, partnership), _("Only partners record decisions."))
    form = DecisionForm(post_data(request), members=_current(partnership))

    def save(data: dict[str, Any]) -> Any:
        try:
            return services.decision_record(
                actor=request.user,
                meeting=meeting,
                title=data["title"],
                description=data.get("description", ""),
                positions=form.positions(),
                action_items=form.action_items(),
            )
        except ValidationError as exc:
            mapped: dict[str, Any] = {}
            for key, errors in exc.message_dict.items():
                if key.startswith("action_items."):
                    key = ACTION_FIELDS.get(key.rsplit(".", 1)[-1], "action_title")
                elif key == "positions":
                    key = "__all__"
                mapped.setdefault(key, []).extend(errors)
            raise ValidationError(mapped) from exc

    rule = services.decision_rule(partnership)

    return _form(
        request,
        partnership,
        MEETINGS,
        form,
        title=_("Record a decision of %(meeting)s") % {"meeting": meeting.title},
        intro=_(
            "Record each partner's position as stated at the meeting. The outcome follows the "
            "partnership's decision rule: %(rule)s."
        )
        % {"rule": DecisionRule(rule).label},
        save=save,
        success_url=services.meeting_url(meeting),
        cancel_url=services.meeting_url(meeting),
        success_message=_("The decision is recorded; the partners are told."),
    )


@login_required
@service_errors
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    _require(
        can_set_rule(request.user, partnership),
        _("Only the lead partner's administrators choose the decision rule."),
    )
    settings_row = (
        partnership.workplan_settings if hasattr(partnership, "workplan_settings") else None
    )
    form = RuleForm(
        post_data(request),
        initial={
            "decision_rule": services.decision_rule(partnership),
            "version": settings_row.version if settings_row else None,
        },
    )

    def save(data: dict[str, Any]) -> Any:
        return services.rule_set(
            actor=request.user,
            partnership=partnership,
            rule=data["decision_rule"],
            expected_version=data.get("version"),
        )

    return _form(
        request,
        partnership,
        MEETINGS,
        form,
        title=_("Decision rule"),
        intro=_(
            "Consensus: adopted when no partner disagrees. Simple majority: adopted when more "
            "partners agree than disagree (abstentions do not count). Weighted by stake: each "
            "partner weighs its equity share in the project company; partners without one weigh "
            "nothing, and when no partner has one every partner weighs the same."
        ),
        save=save,
    )


# --------------------------------------------------------------------------- calendars


def _ics(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@service_errors
def partnership_ics(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    return _ics(
        calendar.partnership_calendar(request.user, partnership), f"mitra-{partnership.code}"
    )


@service_errors
def feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """A calendar by its secret address: no session needed (calendar apps subscribe to it)."""
    feed = selectors.feed_by_token(token)
    if feed.partnership is not None:
        return _ics(calendar.partnership_calendar(feed.user, feed.partnership), "mitra")
    return _ics(calendar.user_calendar(feed.user), "mitra")


@login_required
@require_POST
@service_errors
def feed_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    personal = request.POST.get("scope") == "me"
    services.calendar_feed_create(actor=request.user, partnership=None if personal else partnership)
    messages.success(
        request,
        _("Your calendar address is ready: copy it into your calendar app. Keep it to yourself."),
    )
    return redirect_after_save(request, tab_url(partnership, WORKPLAN) + "#calendar")


@login_required
@require_POST
@service_errors
def feed_revoke(request: HttpRequest, pk: int, feed_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    feed = next(
        (
            f
            for f in selectors.feeds(user=request.user, partnership=partnership)
            + selectors.feeds(user=request.user)
            if f.pk == feed_pk
        ),
        None,
    )
    if feed is not None:
        services.calendar_feed_revoke(actor=request.user, feed=feed)
        messages.success(request, _("The calendar address no longer works."))
    return redirect_after_save(request, tab_url(partnership, WORKPLAN) + "#calendar")


# --------------------------------------------------------------------------- following


@login_required
@require_POST
@service_errors
def follow(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    on = request.POST.get("follow") == "1"
    follow_set(actor=request.user, partnership_id=partnership.pk, follow=on)
    messages.success(
        request,
        _("You follow this partnership: you are told of its activity.")
        if on
        else _("You no longer follow this partnership."),
    )
    return redirect_after_save(request, tab_url(partnership, ACTIVITY))


@login_required
@service_errors
def gantt_download(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    chart = selectors.gantt_chart(list(selectors.tasks(user=request.user, partnership=partnership)))
    response = chart_download(request, [chart] if chart else [])
    if response is None:
        return redirect_after_save(request, tab_url(partnership, WORKPLAN))
    return response
