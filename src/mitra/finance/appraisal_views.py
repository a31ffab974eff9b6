"""Pages of the appraisal: value for money, fiscal commitments, stress tests (inside the
partnership's Finance tab), an organisation's budget and the analyst's portfolio. Thin: parse,
call one selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mitra.core.charts import chart_download
from mitra.core.errors import ApplicationError, NotFound, PermissionDenied
from mitra.core.views import (
    handle_form,
    post_data,
    redirect_after_save,
    render_page,
    service_errors,
)
from mitra.organisations.models import Organisation
from mitra.partnerships.models import Partnership
from mitra.partnerships.selectors import partnership_get
from mitra.partnerships.workspace import render_tab, tab_form

from . import appraisal_charts as charts
from . import appraisal_forms as forms
from . import appraisal_selectors as sel
from . import appraisal_services as services
from .tabs import TAB

FORM_PANEL = "finance/appraisal_form.html"


def _url(name: str, partnership: Partnership) -> str:
    return reverse(f"finance:{name}", kwargs={"pk": partnership.pk})


def _page(
    request: HttpRequest,
    partnership: Partnership,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    context = {"finance_active": context.get("active", "model"), **context}
    return render_tab(request, partnership, TAB, context, template=template, status=status)


def _form_page(
    request: HttpRequest,
    partnership: Partnership,
    form: Any,
    *,
    title: str,
    save: Any,
    success_url: str,
    active: str,
    intro: str = "",
    submit_label: str | None = None,
    success_message: str | None = None,
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
        template=FORM_PANEL,
        intro=intro,
        submit_label=submit_label,
        cancel_url=success_url,
        extra={"active": active, "finance_active": active},
    )


# --------------------------------------------------------------------------- value for money


@service_errors
def vfm_page(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    view = sel.vfm_view(user=request.user, partnership=partnership)
    chart_list = [charts.vfm_chart(view)] if view.result is not None else []
    download = chart_download(request, chart_list)
    if download is not None:
        return download
    return _page(
        request,
        partnership,
        "finance/appraisal_vfm.html",
        {
            "view": view,
            "charts": chart_list,
            "verdict": sel.vfm_verdict(view),
            "psc_rows": [(charts.component_label(k), v) for k, v in view.result.psc.items()]
            if view.result is not None
            else [],
            "ppp_rows": [
                (charts.component_label(k), v)
                for k, v in view.result.ppp.items()
                if v.mean or v.p95
            ]
            if view.result is not None
            else [],
            "active": "vfm",
        },
    )


@login_required
@service_errors
def vfm_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    view = sel.vfm_view(user=request.user, partnership=partnership)
    if not view.can_edit:
        raise PermissionDenied(_("Only the PJPK side can change the value-for-money inputs."))
    inputs = view.inputs
    if inputs is not None:
        initial = forms.vfm_initial(inputs)
    else:
        from django.utils import timezone

        year = timezone.localdate().year
        initial = {
            "currency": partnership.currency or "IDR",
            "amount_unit": "1000000000",
            "discount_rate": "8",
            "base_year": year,
            "psc_start_year": year + 1,
            "payments_source": "finance_model",
        }
    currency = view.currency if inputs is not None else (partnership.currency or "IDR")
    unit = view.amount_unit if inputs is not None else 1e9
    parties = sel.risk_source(partnership, currency, unit).parties
    form = forms.VfmInputsForm(post_data(request), initial=initial, parties=parties)

    def save(data: dict[str, Any]) -> Any:
        return services.vfm_inputs_save(
            actor=request.user,
            partnership=partnership,
            data=form.data_for_service(),
            expected_version=data.get("version"),
        )

    return _form_page(
        request,
        partnership,
        form,
        title=_("Value for money: the PSC and the KPBU option"),
        save=save,
        success_url=_url("vfm", partnership),
        active="vfm",
        intro=_(
            "The PSC is what the project would cost the government if it built and ran it "
            "itself; the KPBU option is what the government pays the Badan Usaha plus the risks "
            "it keeps. Amounts in the unit chosen below; present values at the discount rate."
        ),
    )


@login_required
@service_errors
def vfm_checklist(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    view = sel.vfm_view(user=request.user, partnership=partnership)
    if not view.can_edit:
        raise PermissionDenied(_("Only the PJPK side can change the checklist."))
    form = forms.ChecklistForm(
        post_data(request), initial=forms.checklist_initial(view.checklist_row)
    )

    def save(data: dict[str, Any]) -> Any:
        return services.vfm_checklist_save(
            actor=request.user,
            partnership=partnership,
            answers=form.answers(),
            expected_version=data.get("version"),
        )

    return _form_page(
        request,
        partnership,
        form,
        title=_("Qualitative value for money (OBC)"),
        save=save,
        success_url=_url("vfm", partnership),
        active="vfm",
        intro=_(
            "The questions the Prastudi Kelayakan answers besides the numbers: whether a KPBU "
            "suits this project at all."
        ),
    )


# --------------------------------------------------------------------------- fiscal


@service_errors
def fiscal_page(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    view = sel.fiscal_view(user=request.user, partnership=partnership)
    chart_list = charts.fiscal_charts(view) if view.result is not None else []
    download = chart_download(request, chart_list)
    if download is not None:
        return download
    chains = [(g, sel.guarantee_chain(view, g)) for g in view.guarantees]
    # Only the kinds of direct commitment the partnership has (no column of zeros).
    keys = list(view.result.direct) if view.result is not None else []
    kept = [i for i, k in enumerate(keys) if any(view.result.direct[k])] or list(range(len(keys)))
    shown_keys = [keys[i] for i in kept]
    for row in view.rows:
        row["direct_shown"] = [row["direct"][i] for i in kept]
    return _page(
        request,
        partnership,
        "finance/appraisal_fiscal.html",
        {
            "view": view,
            "charts": chart_list,
            "chains": chains,
            "direct_labels": [charts.component_label(k) for k in shown_keys],
            "flags": [
                (flag, charts.flag_label(flag.id), charts.flag_rule(flag), charts.flag_detail(flag))
                for flag in (view.result.flags if view.result is not None else [])
                if flag.id != "fiscal_limit"
            ],
            "affordability": next(
                (
                    (flag, charts.flag_detail(flag))
                    for flag in (view.result.flags if view.result is not None else [])
                    if flag.id == "fiscal_limit"
                ),
                None,
            ),
            "active": "fiscal",
        },
    )


@login_required
@service_errors
def fiscal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    view = sel.fiscal_view(user=request.user, partnership=partnership)
    if not view.can_edit:
        raise PermissionDenied(_("Only the PJPK side can change the fiscal inputs."))
    if view.inputs is not None:
        initial = forms.fiscal_initial(view.inputs)
    else:
        from django.utils import timezone

        initial = {
            "currency": partnership.currency or "IDR",
            "amount_unit": "1000000000",
            "discount_rate": "8",
            "base_year": timezone.localdate().year,
            "commitments_source": "finance_model",
            "limit_basis": "direct_plus_expected",
        }
    members = [m for m in partnership.members.all() if m.left_on is None]
    form = forms.FiscalInputsForm(post_data(request), initial=initial, members=members)

    def save(data: dict[str, Any]) -> Any:
        return services.fiscal_inputs_save(
            actor=request.user,
            partnership=partnership,
            data=form.data_for_service(),
            expected_version=data.get("version"),
        )

    return _form_page(
        request,
        partnership,
        form,
        title=_("Fiscal commitments: inputs"),
        save=save,
        success_url=_url("fiscal", partnership),
        active="fiscal",
        intro=_(
            "The direct commitments come from the project-finance model (availability payment, "
            "VGF, land) or are entered here; the budget is the PJPK's own, on its organisation "
            "page."
        ),
    )


@login_required
@service_errors
def guarantee_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    sel.require_appraisal(request.user, partnership)
    form = forms.GuaranteeForm(post_data(request))

    def save(data: dict[str, Any]) -> Any:
        return services.guarantee_create(
            actor=request.user, partnership=partnership, data=form.data_for_service()
        )

    return _form_page(
        request,
        partnership,
        form,
        title=_("Add a government guarantee"),
        save=save,
        success_url=_url("fiscal", partnership),
        active="fiscal",
        intro=_(
            "A contingent liability: nothing is paid unless the guarantee is called. Give the "
            "expected (and P95) calls by year, or the risks of the register whose cost is called."
        ),
    )


@login_required
@service_errors
def guarantee_edit(request: HttpRequest, pk: int, guarantee_pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    guarantee = sel.guarantee_get(user=request.user, partnership=partnership, pk=guarantee_pk)
    if request.method == "POST" and request.POST.get("delete"):
        services.guarantee_delete(actor=request.user, guarantee=guarantee)
        messages.success(request, _("The guarantee is deleted."))
        return redirect_after_save(request, _url("fiscal", partnership))
    form = forms.GuaranteeForm(post_data(request), initial=forms.guarantee_initial(guarantee))

    def save(data: dict[str, Any]) -> Any:
        return services.guarantee_update(
            actor=request.user,
            guarantee=guarantee,
            data=form.data_for_service(),
            expected_version=data.get("version"),
        )

    return _form_page(
        request,
        partnership,
        form,
        title=_("Guarantee %(code)s") % {"code": guarantee.code},
        save=save,
        success_url=_url("fiscal", partnership),
        active="fiscal",
    )


# --------------------------------------------------------------------------- stress tests


@service_errors
def stress_page(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    view = sel.stress_view(user=request.user, partnership=partnership)
    chart = charts.stress_chart(view)
    chart_list = [chart] if chart is not None else []
    download = chart_download(request, chart_list)
    if download is not None:
        return download
    for s in view.scenarios:
        s.explanation = sel.scenario_explanation(s, s.shown, view.unit)  # type: ignore[attr-defined]
    metrics = [
        m
        for m in (*((sel.PRIVATE_METRICS) if view.can_see_private else ()), *sel.GOVERNMENT_METRICS)
        if any(m in getattr(s, "shown", {}) for s in view.scenarios)
    ]
    labels = metric_labels()
    percent = {"project_irr", "equity_irr", "vfm_percent", "fiscal_peak_share_of_budget"}
    for s in view.scenarios:
        s.cells = [  # type: ignore[attr-defined]
            (s.shown.get(m), m in percent, m not in LOWER_IS_BETTER) for m in metrics
        ]
    return _page(
        request,
        partnership,
        "finance/appraisal_stress.html",
        {
            "view": view,
            "charts": chart_list,
            "metrics": metrics,
            "metric_headers": [labels[m] for m in metrics],
            "templates": sel.scenario_templates(partnership) if view.can_edit else [],
            "active": "stress",
        },
    )


#: Metrics where a rise is bad news (for the government).
LOWER_IS_BETTER = {"government_npc", "fiscal_pv_direct", "fiscal_peak_share_of_budget"}


def metric_labels() -> dict[str, str]:
    return {
        "project_npv": _("Project NPV"),
        "equity_npv": _("Equity NPV"),
        "project_irr": _("Project IRR"),
        "equity_irr": _("Equity IRR"),
        "min_dscr": _("Minimum DSCR"),
        "avg_dscr": _("Average DSCR"),
        "llcr": _("LLCR"),
        "government_npc": _("Government net cost (PV)"),
        "vfm": _("Value for money (PV)"),
        "vfm_percent": _("Value for money (% of PSC)"),
        "fiscal_pv_direct": _("Direct commitments (PV)"),
        "fiscal_peak_share_of_budget": _("Peak share of the budget"),
    }


@login_required
@service_errors
def scenario_create(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    sel.require_appraisal(request.user, partnership)
    templates = {t["key"]: t for t in sel.scenario_templates(partnership)}
    chosen = templates.get(request.GET.get("template", ""))
    initial = (
        forms.scenario_initial(
            str(chosen["name"]), str(chosen["description"]), chosen["key"], chosen["shocks"]
        )
        if chosen
        else {}
    )
    form = forms.ScenarioForm(post_data(request), initial=initial)

    def save(data: dict[str, Any]) -> Any:
        return services.scenario_create(
            actor=request.user, partnership=partnership, data=form.data_for_service()
        )

    return _form_page(
        request,
        partnership,
        form,
        title=_("Add a stress scenario"),
        save=save,
        success_url=_url("stress", partnership),
        active="stress",
        intro=_("Fill in the shocks of the scenario; the others stay as in the base case."),
    )


@login_required
@service_errors
def scenario_edit(request: HttpRequest, pk: int, scenario_pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    scenario = sel.scenario_get(user=request.user, partnership=partnership, pk=scenario_pk)
    if request.method == "POST" and request.POST.get("delete"):
        services.scenario_delete(actor=request.user, scenario=scenario)
        messages.success(request, _("The scenario is deleted."))
        return redirect_after_save(request, _url("stress", partnership))
    initial = forms.scenario_initial(
        scenario.name, scenario.description, scenario.template, scenario.shocks
    ) | {"version": scenario.version}
    form = forms.ScenarioForm(post_data(request), initial=initial)

    def save(data: dict[str, Any]) -> Any:
        return services.scenario_update(
            actor=request.user,
            scenario=scenario,
            data=form.data_for_service(),
            expected_version=data.get("version"),
        )

    return _form_page(
        request,
        partnership,
        form,
        title=_("Scenario: %(name)s") % {"name": scenario.name},
        save=save,
        success_url=_url("stress", partnership),
        active="stress",
    )


@login_required
@service_errors
@require_POST
def stress_run(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    try:
        services.stress_run(actor=request.user, partnership=partnership)
    except ApplicationError as exc:
        if isinstance(exc, PermissionDenied | NotFound):
            raise
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Every scenario was run again on today's model."))
    return redirect_after_save(request, _url("stress", partnership))


# --------------------------------------------------------------------------- budget, portfolio


@login_required
@service_errors
def budget_edit(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = Organisation.objects.filter(pk=org_pk).first()
    if organisation is None:
        raise NotFound(_("Organisation not found."))
    if not sel.can_manage_budget(request.user, organisation):
        raise PermissionDenied(
            _("Only the administrators of this organisation can change its budget.")
        )
    budget = sel.budget_get(organisation)
    form = forms.BudgetSeriesForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=forms.budget_initial(budget.series),
    )

    def save(data: dict[str, Any]) -> Any:
        years = form.budget_years()
        return services.budget_series_save(
            actor=request.user,
            organisation=organisation,
            data={k: data[k] for k in services.SERIES_FIELDS},
            years=years,
            expected_version=data.get("version"),
        )

    return handle_form(
        request,
        form,
        save=save,
        success_url=reverse("organisations:detail", args=[organisation.pk]),
        context={
            "page_title": _("Budget of %(org)s") % {"org": organisation.name},
            "intro": _(
                "The organisation's own budget by year (APBD or APBN), against which the "
                "partnerships it is PJPK of are tested for affordability."
            ),
            "cancel_url": reverse("organisations:detail", args=[organisation.pk]),
        },
    )


@login_required
@service_errors
def portfolio_page(request: HttpRequest) -> HttpResponse:
    portfolios = sel.user_portfolio(user=request.user)
    entries = []
    chart_list = []
    for k, portfolio in enumerate(portfolios):
        chart = charts.portfolio_chart(portfolio, key=f"portfolio-{k + 1}")
        if chart is not None:
            chart_list.append(chart)
        entries.append({"portfolio": portfolio, "chart": chart})
    download = chart_download(request, chart_list)
    if download is not None:
        return download
    return render_page(
        request,
        "finance/appraisal_portfolio.html",
        {"entries": entries, "nav": "partnerships", "page_title": _("Fiscal portfolio")},
    )
