"""Pages of coordination: the Lifecycle tab's forms (stage, sign-off, invite, leave) and the
user's invitations page. Thin: the services decide and check permission."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mitra.core.errors import ApplicationError, PermissionDenied
from mitra.core.views import handle_form, post_data, render_page, service_errors
from mitra.organisations import selectors as organisation_selectors
from mitra.partnerships.models import Partnership, PartnershipMember, Role
from mitra.partnerships.permissions import can_manage_partnership
from mitra.partnerships.selectors import partnership_get
from mitra.partnerships.services import stage_gate_message
from mitra.partnerships.workspace import tab_form, tab_url

from . import selectors, services
from .forms import (
    AnswerForm,
    ApprovalPolicyForm,
    ExtendDeadlineForm,
    InviteForm,
    LeaveForm,
    SignOffForm,
    StageForm,
)
from .models import InvitationStatus
from .tabs import TAB, lifecycle_context

FORM_PANEL = "coordination/form_panel.html"


def _url(partnership: Partnership) -> str:
    return tab_url(partnership, TAB.key)


@login_required
@service_errors
def stage_move(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    form = StageForm(post_data(request), initial={"version": partnership.version})
    if request.method != "POST":
        return redirect(_url(partnership))
    return tab_form(
        request,
        partnership,
        TAB,
        form,
        save=lambda data: services.stage_move(
            actor=request.user,
            partnership=partnership,
            stage=data["stage"],
            reason=data.get("reason") or "",
            expected_version=data.get("version"),
        ),
        success_url=_url(partnership),
        success_message=_("The stage has moved."),
        title=_("Lifecycle"),
        template="coordination/tab.html",
        extra={**lifecycle_context(request, partnership), "stage_form": form},
    )


@login_required
@service_errors
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    form = SignOffForm(post_data(request))
    if request.method != "POST":
        return redirect(_url(partnership))
    return tab_form(
        request,
        partnership,
        TAB,
        form,
        save=lambda data: services.sign_off(
            actor=request.user,
            partnership=partnership,
            step=data["step"],
            decision=data["decision"],
            note=data.get("note") or "",
            organisation_id=data.get("organisation"),
        ),
        success_url=_url(partnership),
        success_message=_("Your sign-off is recorded."),
        title=_("Lifecycle"),
        template="coordination/tab.html",
        extra={
            **lifecycle_context(request, partnership, open_step=request.POST.get("step")),
            "sign_off_form": form,
        },
    )


@login_required
@service_errors
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    if not can_manage_partnership(request.user, partnership):
        raise PermissionDenied(_("Only administrators of the lead partner may invite partners."))
    taken = {m.organisation_id for m in partnership.members.all()} | {
        i.organisation_id for i in selectors.pending_invitations(partnership=partnership)
    }
    candidates = [
        (o.pk, f"{o.name} · {o.get_sector_display()}")
        for o in organisation_selectors.organisation_list()
        if o.pk not in taken
    ]
    form = InviteForm(post_data(request), organisations=candidates)

    def save(data: dict[str, Any]) -> Any:
        organisation = organisation_selectors.organisation_get(pk=data["organisation"])
        return services.invitation_create(
            actor=request.user,
            partnership=partnership,
            organisation=organisation,
            roles=data["roles"],
            message=data.get("message") or "",
        )

    return tab_form(
        request,
        partnership,
        TAB,
        form,
        save=save,
        success_url=tab_url(partnership, "partners"),
        success_message=_(
            "The invitation is sent: the organisation becomes a partner when one of its "
            "administrators accepts."
        ),
        title=_("Invite a partner"),
        intro=_(
            "The organisation's administrators accept or decline. Until then it is invited, "
            "not a partner: it sees nothing confidential and counts for no gate."
        ),
        template=FORM_PANEL,
        cancel_url=tab_url(partnership, "partners"),
    )


@login_required
@service_errors
def leave(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    member = (
        PartnershipMember.objects.filter(partnership=partnership, pk=member_pk, left_on=None)
        .select_related("organisation")
        .first()
    )
    if member is None:
        raise Http404
    form = LeaveForm(post_data(request), initial={"version": member.version})

    def save(data: dict[str, Any]) -> Any:
        missing = services.member_leave(
            actor=request.user,
            member=member,
            reason=data["reason"],
            expected_version=data.get("version"),
        )
        if missing:
            messages.warning(request, stage_gate_message(missing, partnership.stage))
        return member

    return tab_form(
        request,
        partnership,
        TAB,
        form,
        save=save,
        success_url=tab_url(partnership, "partners"),
        success_message=_("The partner's leaving is recorded."),
        title=_("%(organisation)s leaves the partnership") % {"organisation": member.organisation},
        intro=_(
            "What the partner recorded stays in the partnership's history. The other partners "
            "are told."
        ),
        template=FORM_PANEL,
        cancel_url=tab_url(partnership, "partners"),
    )


@login_required
def invitation_list(request: HttpRequest) -> HttpResponse:
    from mitra.organisations.permissions import user_admin_organisation_ids

    admin_orgs = user_admin_organisation_ids(request.user)
    invitations = list(selectors.invitations_for_user(user=request.user))
    return render_page(
        request,
        "coordination/invitations.html",
        {
            "nav": "invitations",
            "to_answer": [
                i
                for i in invitations
                if i.organisation_id in admin_orgs and i.status == InvitationStatus.PENDING
            ],
            "others": [
                i
                for i in invitations
                if not (i.organisation_id in admin_orgs and i.status == InvitationStatus.PENDING)
            ],
            "roles": Role,
            "answer_form": AnswerForm(),
        },
    )


@login_required
@require_POST
@service_errors
def invitation_answer(request: HttpRequest, invitation_pk: int, answer: str) -> HttpResponse:
    invitation = selectors.invitation_get(user=request.user, pk=invitation_pk)
    form = AnswerForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        if answer == "accept":
            services.invitation_accept(actor=request.user, invitation=invitation, message=message)
            messages.success(
                request,
                _("You are now a partner of %(partnership)s.")
                % {"partnership": invitation.partnership.title},
            )
            return redirect(tab_url(invitation.partnership, "overview"))
        if answer == "decline":
            services.invitation_decline(actor=request.user, invitation=invitation, message=message)
            messages.info(request, _("The invitation is declined."))
        elif answer == "withdraw":
            services.invitation_withdraw(actor=request.user, invitation=invitation)
            messages.info(request, _("The invitation is withdrawn."))
            return redirect(tab_url(invitation.partnership, "partners"))
        else:
            raise Http404
    except (ValidationError, ApplicationError) as exc:
        if isinstance(exc, PermissionDenied):
            raise
        messages.error(request, getattr(exc, "message", None) or "; ".join(exc.messages))
    return redirect("coordination:invitations")


@login_required
@service_errors
def deadline_extend(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    form = ExtendDeadlineForm(post_data(request))
    if request.method != "POST":
        return redirect(_url(partnership))
    return tab_form(
        request,
        partnership,
        TAB,
        form,
        save=lambda data: services.deadline_extend(
            actor=request.user,
            partnership=partnership,
            step=data["step"],
            to_date=data["to_date"],
            reason=data["reason"],
            expected_due=data.get("due"),
        ),
        success_url=_url(partnership),
        success_message=_("The deadline is extended."),
        title=_("Lifecycle"),
        template="coordination/tab.html",
        extra={
            **lifecycle_context(request, partnership, open_step=request.POST.get("step")),
            "extend_form": form,
        },
    )


@login_required
@service_errors
def approval_policy(request: HttpRequest, organisation_pk: int) -> HttpResponse:
    """An organisation's administrators set how it signs lifecycle steps off."""
    organisation = organisation_selectors.organisation_get(pk=organisation_pk)
    if not services.can_set_approval_policy(request.user, organisation):
        raise PermissionDenied(
            _("Only administrators of this organisation may set how it approves.")
        )
    current = selectors.approval_policy_get(user=request.user, organisation=organisation)
    users = [
        (u.pk, u.get_full_name() or u.get_username())
        for u in selectors.organisation_users(organisation)
    ]
    form = ApprovalPolicyForm(
        post_data(request),
        users=users,
        initial={
            "required_approvals": current.required_approvals,
            "approvers": [] if current.admins_approve else [u.pk for u in current.approvers],
            "version": current.version,
        },
    )
    detail_url = reverse("organisations:detail", args=[organisation.pk])
    return handle_form(
        request,
        form,
        save=lambda data: services.approval_policy_set(
            actor=request.user,
            organisation=organisation,
            required_approvals=data["required_approvals"],
            approver_ids=data.get("approvers") or [],
            expected_version=data.get("version"),
        ),
        success_url=request.path,
        success_message=_("The approval policy is saved."),
        context={
            "nav": "organisations",
            "page_title": _("How %(name)s approves") % {"name": organisation.name},
            "intro": _(
                "When this organisation must sign off a step of a partnership's lifecycle, its "
                "sign-off counts once this many of its approvers have approved. Nobody "
                "designated: its administrators approve."
            ),
            "cancel_url": detail_url,
            "breadcrumbs": [
                (_("Organisations"), reverse("organisations:list")),
                (organisation.name, detail_url),
                (_("Approvals"), None),
            ],
        },
    )
