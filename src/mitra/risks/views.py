"""The Risks tab and its pages: thin views over ``selectors`` (reads) and ``services`` (writes),
rendered inside the partnership page (``partnerships.workspace.render_tab``)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from mitra.core.charts import chart_download
from mitra.core.errors import ApplicationError, NotFound, PermissionDenied
from mitra.core.fields import plain_number_text
from mitra.core.views import (
    add_service_errors,
    post_data,
    redirect_after_save,
    service_errors,
)
from mitra.partnerships.models import Partnership
from mitra.partnerships.selectors import partnership_get
from mitra.partnerships.workspace import my_members, render_tab, tab_form, tab_url

from . import charts, selectors, services, simulations, spec_files, templating
from .catalogue import load_template
from .forms import (
    CorrelationForm,
    ImportForm,
    MitigationForm,
    PartyForm,
    RiskForm,
    SettingsForm,
    SimulationForm,
    TemplateForm,
    flows_text,
    risk_initial,
)
from .models import CashFlowMode
from .tabs import TAB, register_context, template_choices

FORM_PANEL = "risks/form_panel.html"
EMPTY_FLOWS = gettext_lazy(
    "The base cash flows are still empty: the template's risks are shares of capex, opex and "
    "revenue, so they cost nothing until you enter them (Model and base cash flows)."
)


def lazy_str(make: Any) -> Any:
    """A message worked out only when shown (after the save it reports on)."""
    return lazy(make, str)()


def _url(partnership: Partnership) -> str:
    return tab_url(partnership, TAB.key)


def _page(
    request: HttpRequest,
    partnership: Partnership,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    return render_tab(request, partnership, TAB, context, template=template, status=status)


def _form_page(
    request: HttpRequest,
    partnership: Partnership,
    form: Any,
    *,
    title: str,
    save: Any,
    success_url: Any,
    intro: str = "",
    submit_label: str | None = None,
    template: str = FORM_PANEL,
    success_message: Any = None,
) -> HttpResponse:
    return tab_form(
        request,
        partnership,
        TAB,
        form,
        save=save,
        success_url=success_url,
        success_message=success_message,
        title=title,
        template=template,
        intro=intro,
        submit_label=submit_label,
    )


# --------------------------------------------------------------------------- the register


@login_required
@service_errors
@require_POST
def register_start(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    services.register_start(actor=request.user, partnership=partnership)
    messages.success(request, _("The risk register is open. Add risks, or start from a template."))
    return redirect_after_save(request, _url(partnership))


@login_required
@service_errors
def risk_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    selectors.require_register(request.user, partnership)
    register = selectors.register_get(user=request.user, partnership=partnership)
    own = my_members(request.user, partnership)
    next_code = f"R{len(register.risks) + 1}"
    form = RiskForm(
        post_data(request), parties=register.parties, own_members=own, initial={"code": next_code}
    )

    def save(data: dict[str, Any]) -> Any:
        return services.risk_create(
            actor=request.user,
            partnership=partnership,
            data=_risk_data(data, register, own),
            quantity=data["quantity"],
            allocation=form.allocation(),
        )

    return _form_page(
        request,
        partnership,
        form,
        title=_("Add a risk"),
        save=save,
        success_url=_url(partnership),
        template="risks/risk_form.html",
        intro=_(
            "Say what could go wrong, who bears which share of it and why; the figures feed the simulation."
        ),
    )


def _risk_data(
    data: dict[str, Any], register: selectors.Register, own: list[Any]
) -> dict[str, Any]:
    parties = {p.pk: p for p in register.parties}
    members = {m.pk: m for m in own}
    out = {k: v for k, v in data.items() if k in services.RISK_FIELDS}
    out["controlled_by"] = parties.get(data.get("controlled_by") or 0)
    if "cost_confidential_to" in data:
        out["cost_confidential_to"] = members.get(data.get("cost_confidential_to") or 0)
    else:
        out.pop("cost_confidential_to", None)
    return out


@login_required
@service_errors
def risk_edit(request: HttpRequest, pk: int, risk_pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    risk = selectors.risk_get(user=request.user, pk=risk_pk, partnership=partnership)
    register = selectors.register_get(user=request.user, partnership=partnership)
    own = my_members(request.user, partnership)
    cost_visible = not risk.cost_hidden  # type: ignore[attr-defined]
    form = RiskForm(
        post_data(request),
        parties=register.parties,
        own_members=own,
        cost_visible=cost_visible,
        initial=risk_initial(risk),
    )

    def save(data: dict[str, Any]) -> Any:
        return services.risk_update(
            actor=request.user,
            risk=risk,
            data=_risk_data(data, register, own),
            quantity=data["quantity"],
            allocation=form.allocation(),
            expected_version=data.get("version"),
        )

    return _form_page(
        request,
        partnership,
        form,
        title=_("Risk %(code)s") % {"code": risk.code},
        save=save,
        success_url=_url(partnership),
        template="risks/risk_form.html",
        intro=""
        if cost_visible
        else _(
            "Its size figures are confidential to another partner: you see and change the rest."
        ),
    )


@login_required
@service_errors
def risk_delete(request: HttpRequest, pk: int, risk_pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    risk = selectors.risk_get(user=request.user, pk=risk_pk, partnership=partnership)
    if request.method == "POST":
        services.risk_delete(actor=request.user, risk=risk)
        messages.success(request, _("The risk is deleted."))
        return redirect_after_save(request, _url(partnership))
    return _page(
        request,
        partnership,
        "risks/confirm_delete.html",
        {"item": risk, "page_title": _("Delete risk %(code)s?") % {"code": risk.code}},
    )


@login_required
@service_errors
def risk_detail(request: HttpRequest, pk: int, risk_pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    risk = selectors.risk_get(user=request.user, pk=risk_pk, partnership=partnership)
    register = selectors.register_get(user=request.user, partnership=partnership)
    shown = next(r for r in register.risks if r.pk == risk.pk)
    return _page(
        request,
        partnership,
        "risks/risk_detail.html",
        {
            "risk": shown,
            "register": register,
            "mitigation_form": MitigationForm(members=_current_members(partnership)),
        },
    )


def _current_members(partnership: Partnership) -> list[Any]:
    return [m for m in partnership.members.all() if m.left_on is None]


@login_required
@service_errors
def mitigation_create(request: HttpRequest, pk: int, risk_pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    risk = selectors.risk_get(user=request.user, pk=risk_pk, partnership=partnership)
    members = _current_members(partnership)
    form = MitigationForm(post_data(request), members=members)
    detail = reverse("risks:risk_detail", args=[partnership.pk, risk.pk])

    def save(data: dict[str, Any]) -> Any:
        return services.mitigation_create(
            actor=request.user, risk=risk, data=_mitigation_data(data, members)
        )

    return _form_page(
        request,
        partnership,
        form,
        title=_("Add a mitigation action"),
        save=save,
        success_url=detail,
    )


def _mitigation_data(data: dict[str, Any], members: list[Any]) -> dict[str, Any]:
    by_pk = {m.pk: m for m in members}
    out = {k: v for k, v in data.items() if k in services.MITIGATION_FIELDS}
    out["owner"] = by_pk.get(data.get("owner") or 0)
    return out


@login_required
@service_errors
def mitigation_edit(
    request: HttpRequest, pk: int, risk_pk: int, mitigation_pk: int
) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    mitigation = selectors.mitigation_get(
        user=request.user, pk=mitigation_pk, partnership=partnership
    )
    if mitigation.risk_id != int(risk_pk):
        raise NotFound(_("Mitigation not found."))
    members = _current_members(partnership)
    initial = {
        "action_ind": mitigation.action_ind,
        "action_en": mitigation.action_en,
        "owner": mitigation.owner_id,
        "due_date": mitigation.due_date,
        "status": mitigation.status,
        "version": mitigation.version,
    }
    form = MitigationForm(post_data(request), members=members, initial=initial)
    detail = reverse("risks:risk_detail", args=[partnership.pk, mitigation.risk_id])
    if request.method == "POST" and request.POST.get("delete"):
        services.mitigation_delete(actor=request.user, mitigation=mitigation)
        messages.success(request, _("The mitigation action is deleted."))
        return redirect_after_save(request, detail)

    def save(data: dict[str, Any]) -> Any:
        return services.mitigation_update(
            actor=request.user,
            mitigation=mitigation,
            data=_mitigation_data(data, members),
            expected_version=data.get("version"),
        )

    return _form_page(
        request, partnership, form, title=_("Mitigation action"), save=save, success_url=detail
    )


# --------------------------------------------------------------------------- settings, parties


@login_required
@service_errors
def settings_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    register = selectors.register_get(user=request.user, partnership=partnership)
    if register.settings is None:
        raise NotFound(_("This partnership has no risk register yet."))
    settings = register.settings
    parametric = settings.cash_flow_mode == CashFlowMode.PARAMETRIC
    flows = settings.cash_flows or {}
    initial = {
        "name": settings.name,
        "currency": settings.currency,
        "amount_unit": str(int(settings.amount_unit))
        if settings.amount_unit == int(settings.amount_unit)
        else settings.amount_unit,
        "discount_rate": plain_number_text(f"{settings.discount_rate * 100:g}"),
        "horizon_years": settings.horizon_years,
        "start_year": settings.start_year,
        "iterations": (settings.simulation or {}).get("iterations"),
        "seed": (settings.simulation or {}).get("seed"),
        "version": settings.version,
    }
    if not parametric:
        initial |= {name: flows_text(flows.get(name, [])) for name in ("capex", "opex", "revenue")}
    form = SettingsForm(post_data(request), initial=initial, parametric=parametric)

    def save(data: dict[str, Any]) -> Any:
        simulation = dict(settings.simulation or {})
        for name in ("iterations", "seed"):
            if data.get(name) is None:
                simulation.pop(name, None)
            else:
                simulation[name] = data[name]
        fields = {
            "name": data["name"],
            "currency": data["currency"],
            "amount_unit": data["amount_unit"],
            "discount_rate": data["discount_rate"],
            "horizon_years": data["horizon_years"],
            "start_year": data.get("start_year"),
            "simulation": simulation,
        }
        if not parametric:
            fields["cash_flows"] = data["cash_flows"]
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
        title=_("Risk model: currency, horizon and base cash flows"),
        save=save,
        success_url=_url(partnership),
        intro=_(
            "The base case without any risk, year by year; the risks' figures are measured against it."
        ),
    )


@login_required
@service_errors
def party_edit(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    party = selectors.party_get(user=request.user, pk=party_pk, partnership=partnership)
    members = _current_members(partnership)
    register = selectors.register_get(user=request.user, partnership=partnership)
    own_only = not register.can_manage
    initial = {
        "name": party.name,
        "member": party.member_id,
        "capacity": party.capacity,
        "version": party.version,
    }
    form = PartyForm(post_data(request), members=members, initial=initial, own_only=own_only)
    by_pk = {m.pk: m for m in members}

    def save(data: dict[str, Any]) -> Any:
        fields: dict[str, Any] = {
            "capacity": None
            if data.get("capacity") is None
            else Decimal(repr(data["capacity"])).quantize(Decimal("0.01"))
        }
        if not own_only:
            fields |= {"name": data["name"], "member": by_pk.get(data.get("member") or 0)}
        return services.party_update(
            actor=request.user, party=party, data=fields, expected_version=data.get("version")
        )

    return _form_page(
        request,
        partnership,
        form,
        title=_("Party: %(name)s") % {"name": party.name},
        save=save,
        success_url=_url(partnership),
    )


@login_required
@service_errors
@require_POST
def parties_add(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    services.register_start(actor=request.user, partnership=partnership)
    return redirect_after_save(request, _url(partnership))


# --------------------------------------------------------------------------- templates, files


@login_required
@service_errors
def template_apply(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    selectors.require_register(request.user, partnership)
    form = TemplateForm(post_data(request), choices=template_choices(partnership))

    count: list[int] = []

    def save(data: dict[str, Any]) -> Any:
        added = templating.template_apply(
            actor=request.user, partnership=partnership, key=data["template"]
        )
        count.append(len(added))
        return added

    language = "en" if (get_language() or "id").startswith("en") else "id"
    templates = [load_template(key) for key, _label in template_choices(partnership)]
    settings = selectors.register_get(user=request.user, partnership=partnership).settings
    warning = str(EMPTY_FLOWS) + " " if selectors.flows_empty(settings) else ""
    return _form_page(
        request,
        partnership,
        form,
        title=_("Start from a template"),
        save=save,
        success_url=_url(partnership),
        submit_label=_("Add its risks"),
        success_message=lazy_str(
            lambda: _("%(n)s risks added from the template.") % {"n": count[0] if count else 0}
        ),
        intro=warning
        + " ".join(f"{t['name'][language]}: {t['description'][language]}" for t in templates[:1]),
    )


@login_required
@service_errors
def spec_import(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    selectors.require_register(request.user, partnership)
    form = ImportForm(request.POST or None, request.FILES or None)
    issues: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                spec_files.register_replace(
                    actor=request.user, partnership=partnership, spec=form.cleaned_data["file"]
                )
            except ApplicationError as exc:
                if isinstance(exc, PermissionDenied):
                    raise
                issues = exc.extra.get("issues", [])
                add_service_errors(form, exc)
                status = 400
            else:
                messages.success(
                    request, _("The register now holds the file's risks and cash flows.")
                )
                return redirect_after_save(request, _url(partnership))
        else:
            status = 400
    context = {
        "form": form,
        "issues": issues,
        "page_title": _("Import a risk-model file"),
        "intro": _(
            "It replaces the register and the base cash flows, all or nothing; parties keep their partner when the file uses the same key."
        ),
        "cancel_url": _url(partnership),
        "submit_label": _("Import"),
    }
    return _page(request, partnership, "risks/import_panel.html", context, status=status)


@login_required
@service_errors
def spec_export(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    spec = selectors.register_spec_for(user=request.user, partnership=partnership)
    response = JsonResponse(spec, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{partnership.code}-risk-model.json"'
    return response


# --------------------------------------------------------------------------- simulations


@login_required
@service_errors
@require_POST
def simulation_start(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    form = SimulationForm(request.POST)
    if not form.is_valid():
        context = register_context(request, partnership) | {"simulation_form": form}
        return render_tab(request, partnership, TAB, context, status=400)
    try:
        simulation = simulations.simulation_start(
            actor=request.user,
            partnership=partnership,
            iterations=form.cleaned_data["iterations"],
            seed=form.cleaned_data.get("seed"),
        )
    except ApplicationError as exc:
        if isinstance(exc, PermissionDenied | NotFound):
            raise
        add_service_errors(form, exc)
        context = register_context(request, partnership) | {"simulation_form": form}
        return render_tab(request, partnership, TAB, context, status=400)
    return redirect_after_save(
        request, reverse("risks:simulation", args=[partnership.pk, simulation.pk])
    )


@login_required
@service_errors
def simulation_detail(request: HttpRequest, pk: int, simulation_pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    simulation = selectors.simulation_get(
        user=request.user, pk=simulation_pk, partnership=partnership
    )
    job = simulation.job
    if request.GET.get("progress"):
        if simulation.result is not None or (job is not None and job.is_finished):
            return HttpResponseClientRefresh()
        return _page(
            request,
            partnership,
            "risks/simulation_progress.html",
            {"simulation": simulation, "job": job},
        )
    register = selectors.register_get(user=request.user, partnership=partnership)
    context: dict[str, Any] = {
        "simulation": simulation,
        "job": job,
        "register": register,
        "stale": simulation.inputs_hash != selectors.current_inputs_hash(partnership),
    }
    if simulation.result is not None:
        result = simulation.result
        titles = {r.code: r.title for r in register.risks}
        chart_list = charts.result_charts(result, register.parties, titles)
        reviews = selectors.party_reviews(register, result)
        scenario = _scenario(request, register, result)
        all_charts = chart_list + ([scenario["chart"]] if scenario else [])
        download = chart_download(request, all_charts)
        if download is not None:
            return download
        context |= {
            "charts": chart_list,
            "reviews": reviews,
            "flags": selectors.control_flags(register),
            "scenario": scenario,
            "unit": charts._unit(result),
            "result": result,
            "my_party_keys": {
                p.key
                for p in register.parties
                if p.member_id in {m.pk for m in my_members(request.user, partnership)}
            },
        }
    return _page(request, partnership, "risks/simulation.html", context)


def _scenario(
    request: HttpRequest, register: selectors.Register, result: dict[str, Any]
) -> dict[str, Any] | None:
    risks = {str(r.pk): r for r in register.risks}
    parties = {str(p.pk): p for p in register.parties}
    risk = risks.get(request.GET.get("risk", ""))
    party = parties.get(request.GET.get("party", ""))
    if risk is None or party is None:
        return {"risk": None, "party": None, "chart": None} if register.risks else None
    rows = selectors.scenario_costs(register, result, risk, party)
    title = _("If %(party)s bore all of %(risk)s") % {
        "party": party.name,
        "risk": f"{risk.code} {risk.title}",
    }
    return {
        "risk": risk,
        "party": party,
        "rows": rows,
        "chart": charts.scenario_chart(rows, title, charts._unit(result)),
    }


def simulation_json(request: HttpRequest, pk: int, simulation_pk: int) -> HttpResponse:
    """The result as ``mitra simulate --format json`` prints it."""
    partnership = partnership_get(user=request.user, pk=pk)
    simulation = selectors.simulation_get(
        user=request.user, pk=simulation_pk, partnership=partnership
    )
    if simulation.result is None:
        raise NotFound(_("The simulation has no result yet."))
    return HttpResponse(json.dumps(simulation.result, indent=2), content_type="application/json")


@login_required
@service_errors
def correlation_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    register = selectors.register_get(user=request.user, partnership=partnership)
    risks = {r.pk: r for r in register.risks}
    form = CorrelationForm(post_data(request), risks=register.risks)

    def save(data: dict[str, Any]) -> Any:
        return services.correlation_create(
            actor=request.user,
            partnership=partnership,
            first=risks[data["first"]],
            second=risks[data["second"]],
            rho=data["rho"],
        )

    return _form_page(
        request,
        partnership,
        form,
        title=_("Correlate two risks"),
        save=save,
        success_url=_url(partnership),
        intro=_(
            "Risks whose sizes move together (e.g. a delay and a cost overrun) make bad outcomes likelier together; the simulation draws them jointly."
        ),
    )


@login_required
@service_errors
@require_POST
def correlation_delete(request: HttpRequest, pk: int, correlation_pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    correlation = selectors.correlation_get(
        user=request.user, pk=correlation_pk, partnership=partnership
    )
    services.correlation_delete(actor=request.user, correlation=correlation)
    messages.success(request, _("The correlation is removed."))
    return redirect_after_save(request, _url(partnership))
