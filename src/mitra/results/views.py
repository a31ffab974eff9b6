"""Pages of the Results tab, under /partnerships/<pk>/indicators/..., and the dashboard of
off-track indicators at /results/: thin views over ``selectors`` (reads) and ``services``
(writes)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mitra.core.errors import NotFound, PermissionDenied
from mitra.core.views import post_data, redirect_after_save, render_page, service_errors
from mitra.partnerships.models import Document, Partnership
from mitra.partnerships.selectors import partnership_get
from mitra.partnerships.workspace import my_members, tab_form, tab_url

from . import selectors, services
from .forms import (
    HealthForm,
    IndicatorForm,
    PeriodForm,
    ResultForm,
    ReviewForm,
    ServiceLevelForm,
    UpdateForm,
)
from .models import Indicator, Update
from .permissions import can_edit_framework, can_report, can_verify
from .tabs import TAB

FORM_PANEL = "results/form_panel.html"


def _url(partnership: Partnership) -> str:
    return tab_url(partnership, TAB.key)


def _partnership(request: HttpRequest, pk: int) -> Partnership:
    partnership = partnership_get(user=request.user, pk=pk)
    selectors.require_results(request.user, partnership)
    return partnership


def _indicator(request: HttpRequest, partnership: Partnership, pk: int) -> Indicator:
    indicator = selectors.indicator_get(user=request.user, pk=pk)
    if indicator.partnership_id != partnership.pk:
        raise NotFound(_("Indicator not found."))
    return indicator


def _form(request: HttpRequest, partnership: Partnership, form: Any, **kwargs: Any) -> HttpResponse:
    kwargs.setdefault("success_url", _url(partnership))
    return tab_form(request, partnership, TAB, form, template=FORM_PANEL, **kwargs)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


@login_required
@service_errors
def result_add(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    _require(
        can_edit_framework(request.user, partnership), _("Only the lead partner sets up results.")
    )
    form = ResultForm(post_data(request))
    return _form(
        request,
        partnership,
        form,
        title=_("Add a result"),
        save=lambda data: services.result_create(
            actor=request.user, partnership=partnership, data=data
        ),
        success_message=_("The result is added. Now add the indicators that measure it."),
    )


@login_required
@service_errors
def indicator_add(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    _require(
        can_edit_framework(request.user, partnership), _("Only the lead partner sets up results.")
    )
    results = list(partnership.results.all())
    form = IndicatorForm(
        post_data(request), results=results, members=list(partnership.members.all())
    )

    def save(data: dict[str, Any]) -> Any:
        result = next(r for r in results if r.pk == data.pop("result"))
        data["reporter"] = partnership.members.get(pk=data["reporter"])
        data["verifier"] = partnership.members.get(pk=data["verifier"])
        return services.indicator_create(actor=request.user, result=result, data=data)

    return _form(
        request,
        partnership,
        form,
        title=_("Add an indicator"),
        save=save,
        success_message=_("The indicator is added. Add its reporting periods and targets."),
    )


@login_required
@service_errors
def period_add(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    indicator = _indicator(request, partnership, indicator_pk)
    _require(
        can_edit_framework(request.user, partnership), _("Only the lead partner sets up results.")
    )
    form = PeriodForm(post_data(request))
    return _form(
        request,
        partnership,
        form,
        title=_("Add a reporting period to %(indicator)s") % {"indicator": indicator.title},
        save=lambda data: services.period_create(
            actor=request.user, indicator=indicator, data=data, targets=form.targets()
        ),
    )


@login_required
@service_errors
def service_level(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    indicator = _indicator(request, partnership, indicator_pk)
    _require(
        can_edit_framework(request.user, partnership), _("Only the lead partner sets up results.")
    )
    level = getattr(indicator, "service_level", None)
    initial = (
        {k: getattr(level, k) for k in services.SERVICE_LEVEL_FIELDS} if level is not None else None
    )
    form = ServiceLevelForm(post_data(request), initial=initial)
    return _form(
        request,
        partnership,
        form,
        title=_("Service level of %(indicator)s") % {"indicator": indicator.title},
        intro=_(
            "A KPI of the agreement: each period that misses the threshold deducts a share of "
            "that period's availability payment, up to the cap per year."
        ),
        save=lambda data: services.service_level_set(
            actor=request.user, indicator=indicator, data=data
        ),
    )


def _documents(partnership: Partnership, indicator: Indicator) -> list[Document]:
    return list(
        Document.objects.filter(partnership=partnership, owner=indicator.reporter).order_by("title")
    )


@login_required
@service_errors
def update_add(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    period = selectors.period_get(user=request.user, pk=period_pk)
    indicator = _indicator(request, partnership, period.indicator_id)
    _require(can_report(request.user, indicator), _("Only the reporting partner reports values."))
    corrects_id = request.GET.get("corrects") or request.POST.get("corrects")
    corrects = (
        period.updates.filter(pk=corrects_id).first() if str(corrects_id or "").isdigit() else None
    )
    form = UpdateForm(
        post_data(request), indicator=indicator, documents=_documents(partnership, indicator)
    )

    def save(data: dict[str, Any]) -> Any:
        values = form.values()
        if data.get("evidence"):
            values["evidence"] = Document.objects.get(pk=data["evidence"], partnership=partnership)
        return services.update_create(
            actor=request.user,
            period=period,
            data=values,
            disaggregations=form.disaggregations(),
            corrects=corrects,
        )

    title = (
        _("Correct the approved value of %(indicator)s, %(period)s")
        if corrects
        else _("Report %(indicator)s, %(period)s")
    ) % {"indicator": indicator.title, "period": period}
    return _form(
        request,
        partnership,
        form,
        title=title,
        save=save,
        intro=_(
            "The parts of a breakdown may add up to less than the value (the rest is not "
            "specified), never to more. Save as a draft, then submit it for verification."
        ),
        success_message=_("Saved as a draft. Submit it when it is ready for verification."),
    )


def _update(request: HttpRequest, partnership: Partnership, pk: int) -> Update:
    update = selectors.update_get(user=request.user, pk=pk)
    if update.period.indicator.partnership_id != partnership.pk:
        raise NotFound(_("Update not found."))
    return update


@login_required
@service_errors
def update_edit(request: HttpRequest, pk: int, update_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    update = _update(request, partnership, update_pk)
    indicator = update.period.indicator
    initial: dict[str, Any] = {
        "version": update.version,
        "numerator": update.numerator,
        "denominator": update.denominator,
        "narrative": update.narrative,
        "evidence": update.evidence_id,
    }
    regions = 0
    for d in update.disaggregations.all():
        if d.dimension == "region" and regions < 3:
            initial |= {
                f"region_code_{regions}": d.category,
                f"region_name_{regions}": d.label,
                f"region_value_{regions}": d.numerator,
            }
            regions += 1
        else:
            initial[f"d_{d.dimension}_{d.category}"] = d.numerator
    form = UpdateForm(
        post_data(request),
        initial=initial,
        indicator=indicator,
        documents=_documents(partnership, indicator),
    )

    def save(data: dict[str, Any]) -> Any:
        values = form.values()
        values["evidence"] = (
            Document.objects.get(pk=data["evidence"], partnership=partnership)
            if data.get("evidence")
            else None
        )
        return services.update_edit(
            actor=request.user,
            update=update,
            data=values,
            disaggregations=form.disaggregations(),
            expected_version=data.get("version"),
        )

    return _form(
        request,
        partnership,
        form,
        title=_("Change the value of %(indicator)s, %(period)s")
        % {"indicator": indicator.title, "period": update.period},
        save=save,
    )


@login_required
@require_POST
@service_errors
def update_submit(request: HttpRequest, pk: int, update_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    update = _update(request, partnership, update_pk)
    version = request.POST.get("version")
    services.update_submit(
        actor=request.user,
        update=update,
        expected_version=int(version) if str(version or "").isdigit() else None,
    )
    messages.success(request, _("Submitted to the verifying partner."))
    return redirect_after_save(request, _url(partnership))


@login_required
@service_errors
def update_review(request: HttpRequest, pk: int, update_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    update = _update(request, partnership, update_pk)
    indicator = update.period.indicator
    _require(can_verify(request.user, indicator), _("Only the verifying partner reviews values."))
    form = ReviewForm(post_data(request))
    action = request.POST.get("action", "approve")

    def save(data: dict[str, Any]) -> Any:
        if action == "return":
            return services.update_return(
                actor=request.user, update=update, comment=data["comment"]
            )
        return services.update_approve(actor=request.user, update=update, comment=data["comment"])

    return _form(
        request,
        partnership,
        form,
        title=_("Verify the value of %(indicator)s, %(period)s")
        % {"indicator": indicator.title, "period": update.period},
        save=save,
        success_message=_("The value is returned to the reporting partner.")
        if action == "return"
        else _("The value is approved and locked."),
        extra={"review": update, "review_indicator": indicator},
    )


@login_required
@service_errors
def health_survey(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    own = my_members(request.user, partnership)
    _require(bool(own), _("You answer the survey for your own organisation only."))
    member = own[0]
    today = timezone.localdate()
    round_date = today.replace(month=((today.month - 1) // 6) * 6 + 1, day=1)
    form = HealthForm(post_data(request))
    return _form(
        request,
        partnership,
        form,
        title=_("Partnership health survey"),
        intro=_(
            "Six statements, from 1 (strongly disagree) to 5 (strongly agree), for %(org)s. "
            "Answers are shown per sector, never per organisation."
        )
        % {"org": member.organisation},
        save=lambda data: services.health_respond(
            actor=request.user,
            member=member,
            round=round_date,
            scores=form.scores(),
            comment=data.get("comment", ""),
        ),
        success_message=_("Thank you: your answers count in this round's health index."),
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    from .charts import sparkline

    rows = selectors.off_track(user=request.user)
    for iv in rows:
        latest = iv.latest
        iv.sparkline = sparkline(
            iv.trend, latest.period.target_value if latest else None, iv.light, str(iv.light_label)
        )
    return render_page(request, "results/dashboard.html", {"rows": rows, "nav": "results"})


@login_required
def health_chart(request: HttpRequest, pk: int) -> HttpResponse:
    """The health chart's numbers as CSV/XLSX (``?export=csv&chart=health``)."""
    from mitra.core.charts import chart_download

    from .charts import health_chart as build

    partnership = _partnership(request, pk)
    points = selectors.health_series(user=request.user, partnership=partnership)
    response = chart_download(request, [build(points)]) if points else None
    if response is None:
        raise Http404(_("No such chart."))
    return response


@login_required
def portfolio_export(request: HttpRequest, org_pk: int) -> HttpResponse:
    """The TJSL portfolio as CSV/XLSX for the sustainability report (the organisation's users)."""
    from mitra.core.exports import export_format, table_response
    from mitra.organisations.models import Organisation

    from .portfolio import COLUMNS, export_rows, tjsl_portfolio

    organisation = Organisation.objects.filter(pk=org_pk).first()
    programmes = (
        tjsl_portfolio(user=request.user, organisation=organisation) if organisation else None
    )
    fmt = export_format(request)
    if programmes is None or fmt is None:
        raise Http404(_("Not found."))
    return table_response(
        rows=export_rows(programmes), columns=COLUMNS, fmt=fmt, filename="tjsl-portfolio"
    )
