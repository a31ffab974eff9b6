"""The Benefit-sharing tab's pages: thin views over ``selectors`` (reads) and ``services``
(writes), rendered inside the partnership page (``partnerships.workspace.render_tab``)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from mitra.core.charts import chart_download
from mitra.core.choices import Currency, Unit, unit_label
from mitra.core.errors import ApplicationError, NotFound, PermissionDenied
from mitra.core.views import (
    add_service_errors,
    post_data,
    redirect_after_save,
    service_errors,
)
from mitra.organisations.models import ResourceType
from mitra.partnerships.models import Partnership
from mitra.partnerships.selectors import partnership_get
from mitra.partnerships.workspace import render_tab, tab_form, tab_url

from . import selectors, services
from .charts import unit_label as amounts_label
from .forms import AgreementForm, CoalitionForm, ImportForm, SettingsForm, UnitValueForm
from .models import ProposalKind
from .tabs import TAB, sharing_context

FORM_PANEL = "benefits/form_panel.html"


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
    template: str = FORM_PANEL,
    success_message: str | None = None,
    extra: dict[str, Any] | None = None,
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
        template=template,
        intro=intro,
        extra=extra,
    )


def _page(request: HttpRequest, pk: int) -> tuple[Partnership, selectors.SharingPage]:
    partnership = partnership_get(user=request.user, pk=pk)
    return partnership, selectors.sharing_page(user=request.user, partnership=partnership)


# --------------------------------------------------------------------------- the guided form


def _decimal(value: float) -> Decimal:
    """A spec number as the form shows it: 6000, not 6000.0."""
    number = Decimal(repr(float(value)))
    return Decimal(int(number)) if number == number.to_integral_value() else number


@login_required
@service_errors
def coalitions_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership, page = _page(request, pk)
    if not page.guided:
        raise NotFound(
            _("More than %(n)s partners: import the sharing game as a file.")
            % {"n": selectors.GUIDED_LIMIT}
        )
    if not page.can_edit:
        raise PermissionDenied(
            _("Only the partners of this partnership can work on its benefit sharing.")
        )
    unit = amounts_label(page.currency, page.amount_unit)
    initial: dict[str, Any] = {
        "version": page.settings.version if page.settings else None,
        "total_benefit": _decimal(page.spec["total_benefit"]) if page.settings else None,
    }
    from .forms import field_name

    for row in page.coalitions:
        ids = tuple(p.member_id for p in row.members)
        if row.size == 1 or row.listed:
            initial[field_name(ids)] = _decimal(row.worth)
    form = CoalitionForm(
        post_data(request), players=page.players, rows=page.coalitions, unit=unit, initial=initial
    )
    amount_unit = page.amount_unit

    def save(data: dict[str, Any]) -> Any:
        walk, worths = form.values(amount_unit)
        return services.coalitions_update(
            actor=request.user,
            partnership=partnership,
            total_benefit=(data["total_benefit"] * amount_unit).quantize(Decimal("0.01")),
            walk_away=walk,
            worths=worths,
            expected_version=data.get("version"),
        )

    return _form_page(
        request,
        partnership,
        form,
        title=_("What could groups of partners achieve on their own?"),
        save=save,
        template="benefits/coalitions.html",
        extra={"unit": unit, "sharing": page},
    )


# --------------------------------------------------------------------------- settings


@login_required
@service_errors
def settings_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership, page = _page(request, pk)
    settings = page.settings
    initial: dict[str, Any] = {
        "name": settings.name if settings else "",
        "currency": page.currency,
        "amount_unit": page.amount_unit,
        "proposal_kind": settings.proposal_kind if settings else ProposalKind.RULE,
        "proposal_rule": settings.proposal_rule if settings else "proportional",
        "proposal_name": settings.proposal_name if settings else "",
        "version": settings.version if settings else None,
    }
    if settings and settings.proposal_kind == ProposalKind.SHARES:
        for key, value in settings.proposal_values.items():
            initial[f"share_{key}"] = (Decimal(value) * 100).normalize()
    form = SettingsForm(post_data(request), players=page.players, initial=initial)

    def save(data: dict[str, Any]) -> Any:
        fields = {
            "name": data["name"],
            "currency": data["currency"],
            "amount_unit": data["amount_unit"],
            "proposal_kind": data["proposal_kind"],
            "proposal_rule": data.get("proposal_rule") or "",
            "proposal_name": data["proposal_name"],
            "proposal_values": form.proposal_values(),
        }
        if data["proposal_kind"] == ProposalKind.SHARES:
            fields["proposal_rule"] = ""
        return services.settings_update(
            actor=request.user,
            partnership=partnership,
            data=fields,
            expected_version=data.get("version"),
        )

    return _form_page(
        request,
        partnership,
        form,
        title=_("Currency and the proposed split"),
        save=save,
        intro=_(
            "The proposal is the split the partners are discussing: a standard rule, or shares "
            "they agree. The page checks it against every rule, the walk-away values and the core."
        ),
    )


# --------------------------------------------------------------------------- unit values


@login_required
@service_errors
def unit_value_edit(request: HttpRequest, pk: int, resource_type: str, unit: str) -> HttpResponse:
    partnership, page = _page(request, pk)
    if resource_type not in ResourceType.values or not (
        unit in Unit.values or (resource_type == ResourceType.CASH and unit in Currency.values)
    ):
        raise NotFound(_("Unknown resource type or unit."))
    row = next(
        (r.row for r in page.unit_values if (r.resource_type, r.unit) == (resource_type, unit)),
        None,
    )
    initial = {"value": row.value, "basis": row.basis, "version": row.version} if row else {}
    form = UnitValueForm(post_data(request), initial=initial)

    def save(data: dict[str, Any]) -> Any:
        return services.unit_value_set(
            actor=request.user,
            partnership=partnership,
            resource_type=resource_type,
            unit=unit,
            value=data["value"],
            basis=data["basis"],
            expected_version=data.get("version"),
        )

    if resource_type == ResourceType.CASH:
        title = _("Exchange rate: one %(from)s in %(to)s") % {"from": unit, "to": page.currency}
    else:
        title = _("Value of one %(unit)s of %(resource)s, in %(currency)s") % {
            "unit": unit_label(unit),
            "resource": ResourceType(resource_type).label,
            "currency": page.currency,
        }
    return _form_page(
        request,
        partnership,
        form,
        title=title,
        save=save,
        intro=_(
            "Every delivery of this resource is valued at this price; the partners agree it and "
            "may change it, and the page keeps who set it and when."
        ),
    )


# --------------------------------------------------------------------------- files


@login_required
@service_errors
def game_import(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    selectors.require_view(request.user, partnership)
    form = ImportForm(request.POST or None, request.FILES or None)
    issues: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.game_import(
                    actor=request.user, partnership=partnership, spec=form.cleaned_data["file"]
                )
            except ApplicationError as exc:
                if isinstance(exc, PermissionDenied | NotFound):
                    raise
                issues = exc.extra.get("issues", [])
                add_service_errors(form, exc)
                status = 400
            else:
                messages.success(
                    request,
                    _(
                        "The sharing game now holds the file's estimates. Contributions are "
                        "valued from the recorded deliveries, not from the file."
                    ),
                )
                return redirect_after_save(request, _url(partnership))
        else:
            status = 400
    context = {
        "form": form,
        "issues": issues,
        "page_title": _("Import a sharing-game file"),
        "intro": _(
            "It replaces the total benefit, the walk-away values, the estimates of groups and "
            "the proposal, all or nothing. Its partners are matched by id or by name."
        ),
        "cancel_url": _url(partnership),
        "submit_label": _("Import"),
    }
    return render_tab(
        request, partnership, TAB, context, template="benefits/import_panel.html", status=status
    )


@login_required
@service_errors
def game_export(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    spec = selectors.game_spec(user=request.user, partnership=partnership)
    response = JsonResponse(spec, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{partnership.code}-sharing-game.json"'
    return response


@login_required
@service_errors
def result_json(request: HttpRequest, pk: int) -> HttpResponse:
    """The analysis as ``mitra share --format json`` prints it."""
    partnership = partnership_get(user=request.user, pk=pk)
    result = selectors.sharing_result(user=request.user, partnership=partnership)
    return HttpResponse(json.dumps(result, indent=2), content_type="application/json")


@login_required
@service_errors
def chart_table(request: HttpRequest, pk: int) -> HttpResponse:
    """A chart's numbers as CSV or XLSX (``?export=csv&chart=<key>``)."""
    partnership = partnership_get(user=request.user, pk=pk)
    context = sharing_context(request, partnership)
    download = chart_download(request, context["all_charts"])
    if download is None:
        return redirect(_url(partnership))
    return download


# --------------------------------------------------------------------------- the agreement


@login_required
@service_errors
def agreement_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    selectors.require_view(request.user, partnership)
    form = AgreementForm(post_data(request))

    def save(data: dict[str, Any]) -> Any:
        return services.agreement_record(
            actor=request.user, partnership=partnership, rule=data["rule"], note=data["note"]
        )

    return _form_page(
        request,
        partnership,
        form,
        title=_("Record the agreed sharing rule"),
        save=save,
        success_message=_("The agreed sharing rule is recorded, with the split it gives today."),
        intro=_(
            "The split is computed from the contributions every partner sees and goes into the "
            "negotiation record with your name and the date."
        ),
    )
