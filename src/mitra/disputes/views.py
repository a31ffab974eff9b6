"""Pages of disputes: thin views over ``selectors`` (reads) and ``services`` (writes). Partner
pages sit inside the partnership's Disputes tab; the grievance form and its status page are
public; the political-events log is its own page."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mitra.core.charts import chart_download
from mitra.core.errors import ApplicationError, NotFound, PermissionDenied, StaleEdit
from mitra.core.views import add_service_errors, handle_form, post_data, service_errors
from mitra.partnerships.models import Document, Partnership, Visibility
from mitra.partnerships.permissions import can_view_item
from mitra.partnerships.selectors import partnership_get, partnership_list
from mitra.partnerships.workspace import render_tab, tab_form, tab_url

from . import ladders, selectors, services
from .forms import (
    AcknowledgeForm,
    AmendmentForm,
    DisputeEditForm,
    DisputeForm,
    EscalateForm,
    EventForm,
    GrievanceForm,
    GrievanceLookupForm,
    LinkEventForm,
    ResolveForm,
    SettingsForm,
)
from .models import DisputeStatus
from .permissions import (
    can_act_on_dispute,
    can_enter_events,
    can_link_event,
    can_manage_settings,
)
from .ratelimit import grievance_limited, too_many
from .tabs import TAB, disputes_context

FORM_PANEL = "disputes/form_panel.html"


def _url(partnership: Partnership) -> str:
    return tab_url(partnership, TAB.key)


def _partnership(request: HttpRequest, pk: int) -> Partnership:
    partnership = partnership_get(user=request.user, pk=pk)
    selectors.require_disputes(request.user, partnership)
    return partnership


def _form(
    request: HttpRequest,
    partnership: Partnership,
    form: Any,
    *,
    title: str,
    save: Any,
    success_url: Any = None,
    intro: str = "",
    submit_label: Any = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    return tab_form(
        request,
        partnership,
        TAB,
        form,
        save=save,
        success_url=success_url or _url(partnership),
        title=title,
        template=FORM_PANEL,
        intro=intro,
        submit_label=submit_label,
        extra=extra,
    )


def _documents(request: HttpRequest, partnership: Partnership) -> list[Document]:
    return [
        d
        for d in Document.objects.filter(partnership=partnership).select_related("owner")
        if can_view_item(request.user, partnership, d.confidentiality, d.owner.organisation_id)
    ]


@login_required
@service_errors
def chart_table(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    context = disputes_context(request, partnership)
    return chart_download(request, [context["exposure_chart"]]) or redirect(_url(partnership))


# --------------------------------------------------------------------------- disputes


@login_required
@service_errors
def dispute_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    members = [m for m in partnership.members.all() if m.left_on is None]
    form = DisputeForm(
        post_data(request), members=members, documents=_documents(request, partnership)
    )

    def save(data: dict[str, Any]) -> Any:
        return services.dispute_create(actor=request.user, partnership=partnership, data=data)

    steps = " → ".join(
        f"{ladders.rung_label(s)} ({s['days']})" for s in selectors.settings_of(partnership).ladder
    )
    return _form(
        request,
        partnership,
        form,
        title=_("Raise a dispute"),
        save=save,
        success_url=lambda d: reverse("disputes:dispute", args=[partnership.pk, d.pk]),
        intro=_("It starts at the first step of the agreement's ladder: %(steps)s days.")
        % {"steps": steps},
    )


def _moment(value: Any) -> datetime.datetime | None:
    """A step's ISO time as a datetime, for the page to show in the reader's zone and format."""
    try:
        return datetime.datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


@login_required
@service_errors
def dispute_detail(request: HttpRequest, pk: int, dispute_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    dispute = selectors.dispute_get(user=request.user, pk=dispute_pk)
    if dispute.partnership_id != partnership.pk:
        raise NotFound(_("Dispute not found."))
    steps = [
        {
            **s,
            "label": ladders.rung_label(dispute.ladder[s["rung"]]),
            "at": _moment(s.get("at")),
        }
        for s in dispute.steps
        if s.get("rung", 99) < len(dispute.ladder)
    ]
    ladder = [
        (ladders.rung_label(s), s["days"], i < dispute.rung, i == dispute.rung)
        for i, s in enumerate(dispute.ladder)
    ]
    return render_tab(
        request,
        partnership,
        TAB,
        {
            "dispute": dispute,
            "steps": steps,
            "ladder": ladder,
            "can_act": can_act_on_dispute(request.user, dispute),
            "escalate_form": EscalateForm(initial={"version": dispute.version}),
            "resolve_form": ResolveForm(initial={"version": dispute.version}),
        },
        template="disputes/dispute.html",
    )


def _dispute_action(
    request: HttpRequest, pk: int, dispute_pk: int, form_class: Any, title: str, save: Any
) -> HttpResponse:
    partnership = _partnership(request, pk)
    dispute = selectors.dispute_get(user=request.user, pk=dispute_pk)
    if dispute.partnership_id != partnership.pk:
        raise NotFound(_("Dispute not found."))
    form = form_class(post_data(request), initial={"version": dispute.version})
    return _form(
        request,
        partnership,
        form,
        title=title,
        save=lambda data: save(dispute, data),
        success_url=reverse("disputes:dispute", args=[partnership.pk, dispute.pk]),
        extra={"dispute": dispute},
    )


@login_required
@service_errors
def dispute_escalate(request: HttpRequest, pk: int, dispute_pk: int) -> HttpResponse:
    def save(dispute: Any, data: dict[str, Any]) -> Any:
        return services.dispute_escalate(
            actor=request.user,
            dispute=dispute,
            reason=data.get("reason", ""),
            expected_version=data.get("version"),
        )

    return _dispute_action(
        request, pk, dispute_pk, EscalateForm, _("Escalate to the next step"), save
    )


@login_required
@service_errors
def dispute_resolve(request: HttpRequest, pk: int, dispute_pk: int) -> HttpResponse:
    def save(dispute: Any, data: dict[str, Any]) -> Any:
        return services.dispute_resolve(
            actor=request.user,
            dispute=dispute,
            outcome=data["outcome"],
            lessons=data.get("lessons", ""),
            expected_version=data.get("version"),
        )

    return _dispute_action(request, pk, dispute_pk, ResolveForm, _("Resolve the dispute"), save)


@login_required
@service_errors
def dispute_edit(request: HttpRequest, pk: int, dispute_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    dispute = selectors.dispute_get(user=request.user, pk=dispute_pk)
    if dispute.partnership_id != partnership.pk:
        raise NotFound(_("Dispute not found."))
    if not can_act_on_dispute(request.user, dispute):
        raise PermissionDenied(_("Only the partners involved can edit this dispute."))
    resolved = dispute.status == DisputeStatus.RESOLVED
    parties = list(dispute.parties.all())
    # a party that has left the partnership since stays a choice (unticking it removes it)
    members = [m for m in partnership.members.all() if m.left_on is None]
    members += [m for m in parties if m not in members]
    documents = _documents(request, partnership)
    form = DisputeEditForm(
        post_data(request),
        members=members,
        documents=documents,
        resolved=resolved,
        initial={
            "title": dispute.title,
            "dispute_type": dispute.dispute_type,
            "description": dispute.description,
            "parties": [m.pk for m in parties],
            "other_parties": dispute.other_parties,
            "documents": [d.pk for d in dispute.documents.all()],
            "confidential": dispute.confidential,
            "lessons": dispute.lessons,
            "version": dispute.version,
        },
    )

    def save(data: dict[str, Any]) -> Any:
        try:
            return services.dispute_update(
                actor=request.user,
                dispute=dispute,
                data={k: v for k, v in data.items() if k != "version"},
                expected_version=data.get("version"),
            )
        except StaleEdit as exc:
            if not exc.changes:
                # the others' change is not a field the warning lists (e.g. only the parties):
                # say it anyway, the input is kept
                form.add_error(None, str(exc.message))
            raise

    return _form(
        request,
        partnership,
        form,
        title=_("Edit the dispute"),
        save=save,
        success_url=reverse("disputes:dispute", args=[partnership.pk, dispute.pk]),
        intro=_(
            "This dispute is resolved: its title, type, description, parties and "
            "confidentiality are locked; only its lessons learned and documents can change."
        )
        if resolved
        else _("The step on the ladder does not change: escalate or resolve from the dispute."),
        extra={"dispute": dispute},
    )


# --------------------------------------------------------------------------- settings


@login_required
@service_errors
def settings_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    if not can_manage_settings(request.user, partnership):
        raise PermissionDenied(
            _("Only the lead partner's administrators can change the dispute settings.")
        )
    current = selectors.settings_of(partnership)
    member = selectors.designated(partnership)
    members = [m for m in partnership.members.all() if m.left_on is None]
    form = SettingsForm(
        post_data(request),
        members=members,
        initial={
            "ladder_template": current.ladder_template or ladders.default_template(partnership),
            "days": ", ".join(str(s["days"]) for s in current.ladder),
            "designated_member": member.pk if member else None,
            "acknowledge_days": current.acknowledge_days,
            "official_dependence": current.official_dependence,
            "multi_year_budget": current.multi_year_budget,
            "dprd_approval": current.dprd_approval,
            "change_in_law_clause": current.change_in_law_clause,
            "version": current.version or None,
        },
    )

    def save(data: dict[str, Any]) -> Any:
        fields = dict(data)
        fields["designated_member"] = next(
            (m for m in members if m.pk == data["designated_member"]), None
        )
        return services.settings_save(
            actor=request.user,
            partnership=partnership,
            data=fields,
            expected_version=data.get("version"),
        )

    return _form(
        request,
        partnership,
        form,
        title=_("Dispute settings and political safeguards"),
        save=save,
        intro=_(
            "The ladder applies to disputes raised from now on; the safeguards count in the "
            "political-exposure score."
        ),
    )


# --------------------------------------------------------------------------- grievances


@login_required
@service_errors
def grievance_detail(request: HttpRequest, pk: int, grievance_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    grievance = selectors.grievance_get(user=request.user, pk=grievance_pk)
    if grievance.partnership_id != partnership.pk:
        raise NotFound(_("Grievance not found."))
    form = AcknowledgeForm(
        post_data(request),
        initial={"version": grievance.version, "public_response": grievance.public_response},
    )

    def save(data: dict[str, Any]) -> Any:
        if grievance.status == "received" and not data.get("close"):
            return services.grievance_acknowledge(
                actor=request.user,
                grievance=grievance,
                public_response=data.get("public_response", ""),
                expected_version=data.get("version"),
            )
        return services.grievance_respond(
            actor=request.user,
            grievance=grievance,
            public_response=data.get("public_response", ""),
            close=bool(data.get("close")),
            expected_version=data.get("version"),
        )

    if request.method == "POST" and not grievance.can_handle:  # type: ignore[attr-defined]
        raise PermissionDenied(
            _("Only the partner designated to answer grievances can acknowledge one.")
        )
    return tab_form(
        request,
        partnership,
        TAB,
        form,
        save=save,
        success_url=reverse("disputes:grievance", args=[partnership.pk, grievance.pk]),
        title=_("Grievance %(reference)s") % {"reference": grievance.reference},
        template="disputes/grievance.html",
        submit_label=_("Acknowledge") if grievance.status == "received" else _("Save the answer"),
        extra={"grievance": grievance},
    )


@login_required
@require_POST
@service_errors
def grievance_to_dispute(request: HttpRequest, pk: int, grievance_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    grievance = selectors.grievance_get(user=request.user, pk=grievance_pk)
    if grievance.partnership_id != partnership.pk:
        raise NotFound(_("Grievance not found."))
    dispute = services.grievance_to_dispute(actor=request.user, grievance=grievance)
    messages.success(request, _("The grievance is now handled as a dispute."))
    return redirect(reverse("disputes:dispute", args=[partnership.pk, dispute.pk]))


def _published(pk: int) -> Partnership:
    partnership = Partnership.objects.filter(pk=pk, visibility=Visibility.PUBLIC).first()
    if partnership is None:
        raise NotFound(_("Partnership not found."))
    return partnership


@service_errors
def grievance_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The public form: anyone, without an account, on a published partnership."""
    partnership = _published(pk)
    form = GrievanceForm(post_data(request))
    status = 200
    if request.method == "POST":
        if grievance_limited(request):
            return too_many()
        if form.is_valid():
            try:
                grievance = services.grievance_file(partnership=partnership, data=form.cleaned_data)
            except (ValidationError, ApplicationError) as exc:
                add_service_errors(form, exc)
                status = 400
            else:
                return redirect(
                    reverse("disputes:grievance_status", args=[grievance.reference]) + "?new=1"
                )
        else:
            status = 400
    settings = selectors.settings_of(partnership)
    return render(
        request,
        "disputes/grievance_file.html",
        {
            "partnership": partnership,
            "form": form,
            "acknowledge_days": settings.acknowledge_days,
            "designated": selectors.designated(partnership),
        },
        status=status,
    )


@service_errors
def grievance_status(request: HttpRequest, reference: str) -> HttpResponse:
    return render(
        request,
        "disputes/grievance_status.html",
        {"status": selectors.grievance_public(reference), "new": request.GET.get("new") == "1"},
    )


def grievance_lookup(request: HttpRequest) -> HttpResponse:
    form = GrievanceLookupForm(request.GET or None)
    if form.is_valid():
        return redirect(
            reverse(
                "disputes:grievance_status", args=[form.cleaned_data["reference"].strip().upper()]
            )
        )
    return render(request, "disputes/grievance_lookup.html", {"form": form})


# --------------------------------------------------------------------------- events


def _linkable(request: HttpRequest) -> list[Partnership]:
    return [
        p
        for p in partnership_list(user=request.user).prefetch_related("members")
        if can_link_event(request.user, p)
    ]


def event_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "disputes/events.html",
        {
            "nav": "political_events",
            "events": selectors.visible_events(request.user),
            "can_enter": can_enter_events(request.user),
        },
    )


@login_required
@service_errors
def event_create(request: HttpRequest) -> HttpResponse:
    if not can_enter_events(request.user):
        raise PermissionDenied(_("Only partners and platform staff can enter political events."))
    linkable = _linkable(request)
    form = EventForm(post_data(request), partnerships=linkable)

    def save(data: dict[str, Any]) -> Any:
        chosen = [p for p in linkable if p.pk in set(data.get("partnerships") or [])]
        return services.event_create(actor=request.user, data=data, partnerships=chosen)

    return handle_form(
        request,
        form,
        save=save,
        success_url=reverse("disputes:events"),
        context={
            "page_title": _("Enter a political or policy event"),
            "cancel_url": reverse("disputes:events"),
        },
    )


@login_required
@service_errors
def event_link(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    linked = {link.event_id for link in selectors.partnership_links(partnership)}
    events = [e for e in selectors.visible_events(request.user) if e.pk not in linked]
    form = LinkEventForm(post_data(request), events=events)

    def save(data: dict[str, Any]) -> Any:
        event = selectors.event_get(data["event"])
        return services.event_link(
            actor=request.user, event=event, partnership=partnership, note=data.get("note", "")
        )

    return _form(
        request,
        partnership,
        form,
        title=_("Link a political event"),
        save=save,
        intro=_("Linking proposes the stress scenario the event implies."),
    )


@login_required
@require_POST
@service_errors
def link_stress(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    link = next((x for x in selectors.partnership_links(partnership) if x.pk == link_pk), None)
    if link is None:
        raise NotFound(_("Event not found."))
    services.link_stress(actor=request.user, link=link)
    messages.success(request, _("The stress scenario was saved and run."))
    return redirect(_url(partnership) + f"#event-{link.pk}")


# --------------------------------------------------------------------------- amendments


@login_required
@service_errors
def amendment_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    documents = _documents(request, partnership)
    events = [link.event for link in selectors.partnership_links(partnership)]
    form = AmendmentForm(post_data(request), documents=documents, events=events)

    def save(data: dict[str, Any]) -> Any:
        fields = dict(data)
        fields["document"] = next((d for d in documents if d.pk == data.get("document")), None)
        fields["event"] = next((e for e in events if e.pk == data.get("event")), None)
        return services.amendment_create(actor=request.user, partnership=partnership, data=fields)

    return _form(
        request,
        partnership,
        form,
        title=_("Record a contract amendment"),
        save=save,
        intro=_(
            "A renegotiated change to the agreement; a public one is published with the open "
            "contracting data (OCDS contracts[].amendments)."
        ),
    )
