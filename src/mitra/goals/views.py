"""Pages of the Goals tab, under /partnerships/<pk>/goals/...: thin views over ``selectors``
(reads) and ``services`` (writes), rendered inside the partnership page."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mitra.core.charts import chart_download
from mitra.core.errors import PermissionDenied
from mitra.core.views import post_data, redirect_after_save, service_errors
from mitra.partnerships.models import Partnership
from mitra.partnerships.selectors import partnership_get
from mitra.partnerships.workspace import my_members, render_tab, tab_form, tab_url

from . import selectors, services
from .catalogue import levers_for
from .forms import (
    OTHER_TOPIC,
    AgreementForm,
    CatalogueLeverForm,
    LeverForm,
    ObjectiveForm,
    ProposalForm,
)
from .permissions import can_edit_goals, can_record_agreement
from .tabs import TAB

FORM_PANEL = "goals/form_panel.html"


def _url(partnership: Partnership) -> str:
    return tab_url(partnership, TAB.key)


def _form_page(
    request: HttpRequest,
    partnership: Partnership,
    form: Any,
    *,
    title: str,
    save: Any,
    intro: str = "",
    success_message: Any = None,
) -> HttpResponse:
    return tab_form(
        request,
        partnership,
        TAB,
        form,
        save=save,
        success_url=_url(partnership),
        success_message=success_message,
        title=title,
        template=FORM_PANEL,
        intro=intro,
    )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --------------------------------------------------------------------------- levers


@login_required
@service_errors
def lever_add(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    selectors.require_goals(request.user, partnership)
    _require(can_edit_goals(request.user, partnership), _("Only partners add levers."))
    taken = set(partnership.goal_levers.values_list("catalogue_key", flat=True))
    entries = [
        e
        for e in levers_for(partnership.form, partnership.development_sector or None)
        if e["key"] not in taken
    ]
    form = CatalogueLeverForm(post_data(request), entries=entries)

    def save(data: dict[str, Any]) -> Any:
        return services.lever_create(
            actor=request.user,
            partnership=partnership,
            data=form.lever_data(),
            catalogue_key=data["catalogue_entry"],
        )

    return _form_page(
        request,
        partnership,
        form,
        title=_("Add a lever from the list"),
        save=save,
        intro=_(
            "Levers suggested for this form of partnership and sector. You can narrow the bounds "
            "to what is possible here."
        ),
        success_message=_("The lever is added. Each partner can now state its objective on it."),
    )


@login_required
@service_errors
def lever_new(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    selectors.require_goals(request.user, partnership)
    _require(can_edit_goals(request.user, partnership), _("Only partners add levers."))
    form = LeverForm(post_data(request))

    def save(data: dict[str, Any]) -> Any:
        return services.lever_create(actor=request.user, partnership=partnership, data=data)

    return _form_page(
        request,
        partnership,
        form,
        title=_("Add a lever of your own"),
        save=save,
        success_message=_("The lever is added. Each partner can now state its objective on it."),
    )


@login_required
@service_errors
def lever_edit(request: HttpRequest, pk: int, lever_pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    lever = selectors.lever_get(user=request.user, partnership=partnership, pk=lever_pk)
    _require(can_edit_goals(request.user, partnership), _("Only partners change levers."))
    initial = {
        name: getattr(lever, name)
        for name in (
            "name_ind",
            "name_en",
            "description_ind",
            "description_en",
            "unit",
            "currency",
            "min_value",
            "max_value",
            "direction",
            "version",
        )
    }
    form = LeverForm(post_data(request), initial=initial)

    def save(data: dict[str, Any]) -> Any:
        return services.lever_update(
            actor=request.user, lever=lever, data=data, expected_version=data.get("version")
        )

    return _form_page(request, partnership, form, title=lever.name, save=save)


@login_required
@service_errors
def lever_delete(request: HttpRequest, pk: int, lever_pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    lever = selectors.lever_get(user=request.user, partnership=partnership, pk=lever_pk)
    _require(
        can_record_agreement(request.user, partnership),
        _("Only the lead partner's administrators remove a lever."),
    )
    if request.method == "POST":
        services.lever_delete(actor=request.user, lever=lever)
        messages.success(request, _("The lever is removed."))
        return redirect_after_save(request, _url(partnership))
    return render_tab(
        request,
        partnership,
        TAB,
        {"page_title": _("Remove the lever %(name)s?") % {"name": lever.name}},
        template="goals/confirm_delete.html",
    )


# --------------------------------------------------------------------------- objectives


@login_required
@service_errors
def objective_edit(request: HttpRequest, pk: int, lever_pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    lever = selectors.lever_get(user=request.user, partnership=partnership, pk=lever_pk)
    own = my_members(request.user, partnership)
    _require(bool(own), _("You state objectives for your own organisation only."))
    chosen = request.POST.get("member") or request.GET.get("member")
    member = next((m for m in own if str(m.pk) == str(chosen)), own[0])
    existing = selectors.objective_get(user=request.user, lever=lever, member=member)
    initial: dict[str, Any] = {"member": member.pk, "direction": lever.direction}
    if existing is not None:
        initial |= {
            name: getattr(existing, name) for name in (*services.OBJECTIVE_FIELDS, "version")
        }
    form = ObjectiveForm(post_data(request), members=own, initial=initial)

    def save(data: dict[str, Any]) -> Any:
        target = next((m for m in own if m.pk == data.get("member")), member)
        return services.objective_set(
            actor=request.user,
            lever=lever,
            member=target,
            data=data,
            expected_version=data.get("version"),
        )

    unit = selectors.unit_text(lever)
    return _form_page(
        request,
        partnership,
        form,
        title=_("Your objective on %(lever)s") % {"lever": lever.name},
        save=save,
        intro=_(
            "Values in %(unit)s, between %(lo)s and %(hi)s. Say what you prefer, the range you "
            "can accept, and the point at which you would walk away."
        )
        % {
            "unit": unit,
            "lo": selectors.value_text(lever, lever.min_value),
            "hi": selectors.value_text(lever, lever.max_value),
        },
        success_message=_("Your objective is saved."),
    )


@login_required
@service_errors
@require_POST
def objective_delete(request: HttpRequest, pk: int, lever_pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    lever = selectors.lever_get(user=request.user, partnership=partnership, pk=lever_pk)
    own = my_members(request.user, partnership)
    member = next((m for m in own if str(m.pk) == request.POST.get("member")), None)
    _require(member is not None, _("You remove objectives of your own organisation only."))
    objective = selectors.objective_get(user=request.user, lever=lever, member=member)
    if objective is not None:
        services.objective_delete(actor=request.user, objective=objective)
        messages.success(request, _("Your objective is removed."))
    return redirect_after_save(request, _url(partnership))


# --------------------------------------------------------------------------- negotiation


@login_required
@service_errors
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    selectors.require_goals(request.user, partnership)
    _require(can_edit_goals(request.user, partnership), _("Only partners make proposals."))
    levers = list(partnership.goal_levers.all())
    form = ProposalForm(post_data(request), levers=levers)

    def save(data: dict[str, Any]) -> Any:
        lever = form.lever() if data["topic"] != OTHER_TOPIC else None
        return services.proposal_create(
            actor=request.user,
            partnership=partnership,
            lever=lever,
            kind=data["kind"],
            value=data.get("value"),
            subject=data.get("subject") or "",
            value_text=data.get("value_text") or "",
            note=data.get("note") or "",
        )

    return _form_page(
        request,
        partnership,
        form,
        title=_("Make a proposal"),
        save=save,
        success_message=_("The proposal is in the negotiation record."),
    )


@login_required
@service_errors
def agree(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    selectors.require_goals(request.user, partnership)
    _require(
        can_record_agreement(request.user, partnership),
        _("Only the lead partner's administrators record an agreement."),
    )
    levers = list(partnership.goal_levers.all())
    members = [m for m in partnership.members.all() if m.left_on is None]
    form = AgreementForm(post_data(request), levers=levers, members=members)

    def save(data: dict[str, Any]) -> Any:
        return services.lever_agreement_record(
            actor=request.user,
            partnership=partnership,
            lever=form.levers[data["lever"]],
            value=data["value"],
            parties=[form.members[pk] for pk in data["parties"]],
            note=data.get("note") or "",
        )

    return _form_page(
        request,
        partnership,
        form,
        title=_("Record an agreement"),
        save=save,
        success_message=_("The agreement is in the negotiation record."),
    )


# --------------------------------------------------------------------------- downloads


@login_required
@service_errors
def spec_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The alignment spec of the objectives this reader may see: the file ``mitra align`` reads."""
    partnership = partnership_get(user=request.user, pk=pk)
    spec = selectors.alignment_spec(user=request.user, partnership=partnership)
    if spec is None:
        raise Http404(_("No objective has been stated yet."))
    response = HttpResponse(
        json.dumps(spec, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{partnership.code or partnership.pk}-alignment-spec.json"'
    )
    return response


@login_required
@service_errors
def chart_data(request: HttpRequest, pk: int) -> HttpResponse:
    """The numbers of one of the tab's charts as CSV/XLSX (``?export=csv&chart=<key>``)."""
    from .report import report_get

    partnership = partnership_get(user=request.user, pk=pk)
    report = report_get(user=request.user, partnership=partnership)
    response = chart_download(request, report.charts)
    if response is None:
        raise Http404(_("No such chart."))
    return response
