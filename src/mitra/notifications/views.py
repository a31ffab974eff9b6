"""The notifications page (the bell's list) and the notification settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mitra.core.views import handle_form, post_data, render_page, service_errors

from . import selectors, services
from .forms import PreferenceForm


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    only_unread = request.GET.get("unread") == "1"
    page = Paginator(
        selectors.notification_list(user=request.user, unread_only=only_unread), 30
    ).get_page(request.GET.get("page"))
    return render_page(
        request,
        "notifications/list.html",
        {
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "items": selectors.rendered(page.object_list),
            "only_unread": only_unread,
            "nav": "notifications",
        },
    )


@login_required
@require_POST
@service_errors
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = services.notification_mark_read(
        actor=request.user, notification_id=notification_id
    )
    target = notification.url if request.POST.get("open") else ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(actor=request.user)
    messages.success(request, _("%(n)s notification(s) marked as read.") % {"n": count})
    return redirect("notifications:list")


@login_required
@service_errors
def preferences(request: HttpRequest) -> HttpResponse:
    current = services.preference_get(request.user)
    form = PreferenceForm(
        post_data(request), initial={"email": current.email, "language": current.language}
    )

    def save(data: dict[str, Any]) -> Any:
        return services.preference_set(
            actor=request.user, email=data["email"], language=data["language"]
        )

    return handle_form(
        request,
        form,
        save=save,
        success_url=request.path,
        success_message=_("Your notification settings are saved."),
        context={
            "page_title": _("Notification settings"),
            "intro": _(
                "How Mitra tells you about invitations, sign-offs, tasks, decisions and the "
                "partnerships you follow. The bell in the menu always shows what is new."
            ),
            "nav": "notifications",
        },
    )
