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

from mitra.core.errors import ApplicationError, NotFound, PermissionDenied
from mitra.core.views import post_data, redirect_after_save, render_page, service_errors
from mitra.partnerships.models import Document, Partnership
from mitra.partnerships.selectors import partnership_get
from mitra.partnerships.workspace import my_members, render_tab, tab_form, tab_url

from . import selectors, services
from .forms import (
    HealthForm,
    IndicatorEditForm,
    IndicatorForm,
    PeriodEditForm,
    PeriodForm,
    ResultEditForm,
    ResultForm,
    ReviewForm,
    ServiceLevelForm,
    ShareForm,
    UpdateForm,
)
from .models import Dimension, Indicator, Period, Update
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


# --------------------------------------------------------------------------- edit, delete, share


def _lead_only(request: HttpRequest, partnership: Partnership) -> None:
    _require(
        can_edit_framework(request.user, partnership), _("Only the lead partner sets up results.")
    )


def _period(request: HttpRequest, partnership: Partnership, pk: int) -> Period:
    period = selectors.period_get(user=request.user, pk=pk)
    period.indicator = _indicator(request, partnership, period.indicator_id)
    return period


@login_required
@service_errors
def result_edit(request: HttpRequest, pk: int, result_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    result = selectors.result_get(user=request.user, partnership=partnership, pk=result_pk)
    _lead_only(request, partnership)
    initial = {k: getattr(result, k) for k in services.RESULT_FIELDS} | {"version": result.version}
    form = ResultEditForm(post_data(request), initial=initial)
    return _form(
        request,
        partnership,
        form,
        title=_("Change the result %(title)s") % {"title": result.title},
        save=lambda data: services.result_update(
            actor=request.user, result=result, data=data, expected_version=data.get("version")
        ),
        success_message=_("The result is saved."),
    )


@login_required
@service_errors
def indicator_edit(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    indicator = _indicator(request, partnership, indicator_pk)
    _lead_only(request, partnership)
    results = list(partnership.results.all())
    names = [n for n in services.INDICATOR_FIELDS if n not in ("reporter", "verifier", "lever")]
    initial = {k: getattr(indicator, k) for k in names} | {
        "result": indicator.result_id,
        "reporter": indicator.reporter_id,
        "verifier": indicator.verifier_id,
        "version": indicator.version,
    }
    form = IndicatorEditForm(
        post_data(request),
        initial=initial,
        results=results,
        members=list(partnership.members.all()),
    )

    def save(data: dict[str, Any]) -> Any:
        data["result"] = next(r for r in results if r.pk == data["result"])
        data["reporter"] = partnership.members.get(pk=data["reporter"])
        data["verifier"] = partnership.members.get(pk=data["verifier"])
        return services.indicator_update(
            actor=request.user,
            indicator=indicator,
            data=data,
            expected_version=data.get("version"),
        )

    return _form(
        request,
        partnership,
        form,
        title=_("Change the indicator %(indicator)s") % {"indicator": indicator.title},
        save=save,
        success_message=_("The indicator is saved."),
    )


#: The targets by category that the period form shows (others, e.g. set through the API, stay).
FORM_TARGETS = {
    "target_female": (Dimension.SEX, "female"),
    "target_with": (Dimension.DISABILITY, "with"),
}


@login_required
@service_errors
def period_edit(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    period = _period(request, partnership, period_pk)
    _lead_only(request, partnership)
    targets = list(period.disaggregation_targets.all())
    initial: dict[str, Any] = {
        "start": period.start,
        "end": period.end,
        "target_value": period.target_value,
        "target_text": period.target_text,
        "version": period.version,
    }
    for name, key in FORM_TARGETS.items():
        initial[name] = next((t.value for t in targets if (t.dimension, t.category) == key), None)
    form = PeriodEditForm(post_data(request), initial=initial)

    def save(data: dict[str, Any]) -> Any:
        kept = [
            {"dimension": t.dimension, "category": t.category, "label": t.label, "value": t.value}
            for t in targets
            if (t.dimension, t.category) not in FORM_TARGETS.values()
        ]
        return services.period_update(
            actor=request.user,
            period=period,
            data=data,
            targets=form.targets() + kept,
            expected_version=data.get("version"),
        )

    return _form(
        request,
        partnership,
        form,
        title=_("Change the reporting period %(period)s of %(indicator)s")
        % {"period": period, "indicator": period.indicator.title},
        save=save,
        success_message=_("The reporting period is saved."),
    )


def _confirm_delete(
    request: HttpRequest,
    partnership: Partnership,
    *,
    title: str,
    removed: str,
    counts: dict[str, int],
    delete: Any,
    done: str,
) -> HttpResponse:
    """The confirmation page; a POST deletes, or shows the refusal (approved values) with
    nothing deleted."""
    error, status = "", 200
    if request.method == "POST":
        try:
            delete()
        except (PermissionDenied, NotFound):
            raise
        except ApplicationError as exc:
            error, status = str(exc.message), 400
        else:
            messages.success(request, done)
            return redirect_after_save(request, _url(partnership))
    return render_tab(
        request,
        partnership,
        TAB,
        {
            "page_title": title,
            "removed": removed,
            "counts": counts,
            "unapproved": sum(n for s, n in counts.items() if s != "approved"),
            "error": error,
        },
        template="results/confirm_delete.html",
        status=status,
    )


@login_required
@service_errors
def result_delete(request: HttpRequest, pk: int, result_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    result = selectors.result_get(user=request.user, partnership=partnership, pk=result_pk)
    _lead_only(request, partnership)
    return _confirm_delete(
        request,
        partnership,
        title=_("Delete the result %(title)s?") % {"title": result.title},
        removed=_("Its indicators, their reporting periods and targets go with it."),
        counts=selectors.value_counts(result=result),
        delete=lambda: services.result_delete(actor=request.user, result=result),
        done=_("The result is deleted."),
    )


@login_required
@service_errors
def indicator_delete(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    indicator = _indicator(request, partnership, indicator_pk)
    _lead_only(request, partnership)
    return _confirm_delete(
        request,
        partnership,
        title=_("Delete the indicator %(indicator)s?") % {"indicator": indicator.title},
        removed=_(
            "Its reporting periods, targets and service level go with it, and it is no longer "
            "shown in other partnerships."
        ),
        counts=selectors.value_counts(indicator=indicator),
        delete=lambda: services.indicator_delete(actor=request.user, indicator=indicator),
        done=_("The indicator is deleted."),
    )


@login_required
@service_errors
def period_delete(request: HttpRequest, pk: int, period_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    period = _period(request, partnership, period_pk)
    _lead_only(request, partnership)
    return _confirm_delete(
        request,
        partnership,
        title=_("Delete the reporting period %(period)s of %(indicator)s?")
        % {"period": period, "indicator": period.indicator.title},
        removed=_("Its targets go with it."),
        counts=selectors.value_counts(period=period),
        delete=lambda: services.period_delete(actor=request.user, period=period),
        done=_("The reporting period is deleted."),
    )


@login_required
@service_errors
def indicator_share(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    partnership = _partnership(request, pk)
    indicator = _indicator(request, partnership, indicator_pk)
    _lead_only(request, partnership)
    choices = selectors.shareable_partnerships(user=request.user, indicator=indicator)
    current = list(indicator.shared_with.all())
    others = [p for p in current if p.pk not in {c.pk for c in choices}]
    form = ShareForm(
        post_data(request),
        partnerships=choices,
        initial={"partnerships": [p.pk for p in current]},
    )

    def save(data: dict[str, Any]) -> Any:
        chosen = [p for p in choices if p.pk in data["partnerships"]]
        # Partnerships led by others stay as they are: this form does not list them.
        return services.indicator_share(
            actor=request.user, indicator=indicator, partnerships=chosen + others
        )

    intro = _(
        "The partners of each partnership you tick see this indicator on their Results tab, "
        "marked “reported in %(partnership)s”, with its approved values: the reporting partner "
        "reports once, here. You can choose among the partnerships your organisation leads."
    ) % {"partnership": partnership}
    if not choices:
        intro = _(
            "Your organisation leads no other partnership: an indicator is shown only in "
            "partnerships your organisation leads."
        )
    if others:
        intro = f"{intro} " + _("It is also shown in %(list)s (led by others; kept).") % {
            "list": ", ".join(str(p) for p in others)
        }
    return _form(
        request,
        partnership,
        form,
        title=_("Show %(indicator)s to other partnerships / funders")
        % {"indicator": indicator.title},
        intro=intro,
        save=save,
        success_message=_("Saved: the indicator is shown in the partnerships you chose."),
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
    """The off-track indicators of a page of partnerships (all of a partner's on one page up to
    ``DASHBOARD_PARTNERSHIPS``; platform staff page through every partnership), the worst
    ``DASHBOARD_ROWS`` listed with the count of the others."""
    from mitra.core.pagination import BoundedPaginator

    from .charts import sparkline

    paginator = BoundedPaginator(
        selectors.dashboard_partnerships(request.user), selectors.DASHBOARD_PARTNERSHIPS
    )
    page = paginator.get_page(request.GET.get("page"))
    board = selectors.off_track_page(
        user=request.user, partnership_ids=list(page.object_list), limit=selectors.DASHBOARD_ROWS
    )
    for iv in board.rows:
        latest = iv.latest
        iv.sparkline = sparkline(
            iv.trend, latest.period.target_value if latest else None, iv.light, str(iv.light_label)
        )
    context = {
        "rows": board.rows,
        "board": board,
        "page_obj": page,
        "page_range": paginator.get_elided_page_range(page.number),
        "nav": "results",
    }
    return render_page(request, "results/dashboard.html", context)


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
