"""The Finance tab's model pages: thin views over ``selectors`` (reads) and ``services`` (writes),
rendered inside the partnership page (``partnerships.workspace.render_tab``)."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mitra.analysis import SolveError, load_model, solve
from mitra.core.charts import chart_download
from mitra.core.errors import ApplicationError, NotFound, PermissionDenied, StaleEdit
from mitra.core.views import (
    add_service_errors,
    mark_stale,
    post_data,
    redirect_after_save,
    service_errors,
)
from mitra.partnerships.models import Partnership
from mitra.partnerships.selectors import partnership_get
from mitra.partnerships.workspace import render_tab, tab_form, tab_url

from . import charts, selectors, services, spec_files
from .forms import FinanceModelForm, ImportForm, SolveForm, field_for_path, initial_from_spec
from .models import FinanceModel
from .permissions import (
    can_edit_model,
    government_editor,
    ownable_members,
)
from .tabs import TAB, results_context, subnav

UNKNOWN_WORDS = {
    "availability_payment": lambda: _("availability payment"),
    "vgf": lambda: _("viability gap funding (VGF)"),
    "tariff": lambda: _("tariff"),
}


def _url(partnership: Partnership) -> str:
    return tab_url(partnership, TAB.key)


def _results_url(partnership: Partnership) -> str:
    return reverse("finance:results", args=[partnership.pk])


def _page(
    request: HttpRequest,
    partnership: Partnership,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    return render_tab(request, partnership, TAB, context, template=template, status=status)


# --------------------------------------------------------------------------- reading


@service_errors
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """The results page: charts and tables by year (or the government-side figures)."""
    partnership = partnership_get(user=request.user, pk=pk)
    context = results_context(request, partnership, with_charts=True)
    if context["stored"] is None or (context["model"] is None and not context["government_only"]):
        raise NotFound(_("This partnership has no finance model you may see."))
    download = chart_download(request, context.get("charts", []))
    if download is not None:
        return download
    return _page(request, partnership, "finance/results.html", context)


# --------------------------------------------------------------------------- solving


def _solution(
    spec: dict[str, Any], unknown: str, target: float, minimum: Decimal
) -> dict[str, Any]:
    """Solve ``unknown`` for a target equity IRR; the figure with its verdict, or the reason
    it cannot be found."""
    words = UNKNOWN_WORDS[unknown]()
    model = load_model(spec)
    try:
        solution = solve(model, unknown=unknown, target_equity_irr=target)  # type: ignore[arg-type]
    except SolveError as exc:
        return {
            "ok": False,
            "unknown": unknown,
            "words": words,
            "message": _("No %(what)s reaches the target equity IRR of %(target)s.")
            % {"what": words, "target": charts._pct(target)},
            "detail": str(exc),
        }
    result = solution.result
    short = charts.dscr_shortfall(result, minimum)
    places = 0 if unknown == "tariff" else 2
    unit = (
        result.currency
        if unknown == "tariff"
        else charts.unit_label(result.currency, result.amount_unit)
    )
    value_text = charts.num(solution.value, places)
    if short:
        verdict = _(
            "Not bankable as it stands: with this %(what)s the equity earns %(target)s, but in "
            "its worst year the cash covers debt service only %(min)s times, below the lenders' "
            "minimum of %(req)s. Lenders would ask for less debt, a longer tenor or more support."
        ) % {
            "what": words,
            "target": charts._pct(target),
            "min": charts._ratio(result.min_dscr),
            "req": charts._ratio(float(minimum)),
        }
    else:
        verdict = _(
            "With this %(what)s the equity earns %(target)s, and the cash covers debt service at "
            "least %(min)s times (lenders' minimum %(req)s)."
        ) % {
            "what": words,
            "target": charts._pct(target),
            "min": charts._ratio(result.min_dscr),
            "req": charts._ratio(float(minimum)),
        }
    return {
        "ok": True,
        "unknown": unknown,
        "words": words,
        "value": solution.value,
        "value_text": value_text,
        "unit": unit,
        "target": target,
        "dscr_short": short,
        "min_dscr": result.min_dscr,
        "verdict": verdict,
        "summary": charts.summary_rows(result),
    }


@login_required
@service_errors
@require_POST
def model_solve(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    model = selectors.finance_model(user=request.user, partnership=partnership)
    if model is None:
        raise NotFound(_("This partnership has no finance model you may see."))
    form = SolveForm(request.POST)
    status = 200
    solution = None
    if form.is_valid():
        solution = _solution(
            model.spec,
            form.cleaned_data["unknown"],
            form.cleaned_data["target_equity_irr"],
            Decimal(model.lender_min_dscr),
        )
    else:
        status = 400
    context = results_context(request, partnership, solve_form=form, with_charts=True)
    context["solution"] = solution
    return _page(request, partnership, "finance/results.html", context, status=status)


def _with_value(spec: dict[str, Any], unknown: str, value: float) -> dict[str, Any]:
    new = json.loads(json.dumps(spec))
    if unknown == "availability_payment":
        new.setdefault("availability_payment", {})["annual"] = value
    elif unknown == "tariff":
        new.setdefault("user_pays", {})["tariff"] = value
    else:
        new.setdefault("vgf", {})["amount"] = value
    return new


@login_required
@service_errors
@require_POST
def model_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Write a solved figure into the model (the editors only; a stale page is refused)."""
    partnership = partnership_get(user=request.user, pk=pk)
    model = selectors.finance_model(user=request.user, partnership=partnership)
    if model is None:
        raise NotFound(_("This partnership has no finance model you may see."))
    unknown = request.POST.get("unknown", "")
    try:
        value = float(request.POST.get("value", ""))
        version = int(request.POST.get("version", ""))
    except ValueError:
        raise ApplicationError(_("The solved figure could not be read; solve again.")) from None
    if unknown not in UNKNOWN_WORDS or not math.isfinite(value) or value < 0:
        raise ApplicationError(_("The solved figure could not be read; solve again."))
    try:
        services.model_save(
            actor=request.user,
            partnership=partnership,
            spec=_with_value(model.spec, unknown, value),
            expected_version=version,
        )
    except StaleEdit:
        messages.error(
            request,
            _(
                "Someone else changed the model after you solved it; nothing was saved. Solve again."
            ),
        )
        return redirect_after_save(request, _results_url(partnership))
    except services.InvalidSpec as exc:
        messages.error(
            request,
            "; ".join(f"{i['path']}: {i['message']}" for i in exc.issues),
        )
        return redirect_after_save(request, _results_url(partnership))
    messages.success(
        request,
        _("The model now uses the solved %(what)s.") % {"what": UNKNOWN_WORDS[unknown]()},
    )
    return redirect_after_save(request, _results_url(partnership))


# --------------------------------------------------------------------------- editing


def _form_for(request: HttpRequest, partnership: Partnership, stored: FinanceModel | None) -> Any:
    members = [m for m in partnership.members.all() if m.left_on is None]
    owners = ownable_members(request.user, partnership)
    government = government_editor(request.user, partnership)
    if stored is not None:
        # the owner may stay as it is even when the editor could not choose it anew
        if stored.owner is not None and stored.owner not in owners:
            owners = [stored.owner, *owners]
        if stored.owner is None:
            government = True
        initial = initial_from_spec(stored.spec) | {
            "owner": stored.owner_id or 0,
            "shared_with": [m.pk for m in stored.shared_with.all()],
            "published": stored.published,
            "lender_min_dscr": float(stored.lender_min_dscr),
            "version": stored.version,
        }
    else:
        initial = {
            "name": partnership.title,
            "currency": partnership.currency or "IDR",
            "amount_unit": "1000000000",
            "construction_years": 2,
            "rate_public": 0.08,
            "rate_equity": 0.14,
            "lender_min_dscr": 1.2,
            "owner": 0 if government else (owners[0].pk if owners else 0),
        }
    return FinanceModelForm(
        post_data(request),
        members=members,
        owners=owners,
        government_allowed=government,
        initial=initial,
    )


@login_required
@service_errors
def model_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    stored = selectors.stored_model(partnership)
    if (
        stored is not None
        and selectors.finance_model(user=request.user, partnership=partnership) is None
    ):
        raise PermissionDenied(_("This finance model is confidential to another partner."))
    if not can_edit_model(request.user, partnership, stored):
        raise PermissionDenied(
            _(
                "Only administrators of the owner's organisation (or, for the government's "
                "model, of the lead partner or the PJPK) may change this finance model."
            )
        )
    form = _form_for(request, partnership, stored)

    def save(data: dict[str, Any]) -> Any:
        assert form.spec is not None
        return services.model_save(
            actor=request.user,
            partnership=partnership,
            spec=form.spec,
            expected_version=data.get("version"),
            owner=form.chosen_owner(),
            shared_with=form.chosen_shared(),
            published=bool(data.get("published")),
            lender_min_dscr=data.get("lender_min_dscr"),
        )

    title = _("Enter the finance model") if stored is None else _("Edit the finance model")
    return tab_form(
        request,
        partnership,
        TAB,
        form,
        save=save,
        success_url=_results_url(partnership),
        success_message=_("The finance model is saved."),
        title=title,
        template="finance/model_form.html",
        extra={"finance_nav": subnav(partnership), "finance_active": "model"},
    )


@login_required
@service_errors
def model_import(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    stored = selectors.stored_model(partnership)
    if not can_edit_model(request.user, partnership, stored):
        raise PermissionDenied(
            _(
                "Only administrators of the owner's organisation (or, for the government's "
                "model, of the lead partner or the PJPK) may change this finance model."
            )
        )
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        initial={"version": stored.version if stored else None},
    )
    issues: list[dict[str, str]] = []
    status = 200
    stale: list[dict[str, Any]] = []
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                spec = spec_files.spec_from_upload(upload.name, upload.read())
                owner = (
                    services.UNSET if stored is not None else _default_owner(request, partnership)
                )
                services.model_save(
                    actor=request.user,
                    partnership=partnership,
                    spec=spec,
                    expected_version=form.cleaned_data.get("version"),
                    owner=owner,
                )
            except StaleEdit as exc:
                stale = mark_stale(form, exc)
                status = 409
            except ApplicationError as exc:
                if isinstance(exc, PermissionDenied | NotFound):
                    raise
                issues = exc.extra.get("issues", [])
                for issue in issues:
                    issue["field"] = field_for_path(issue["path"]) or ""
                if not issues:
                    add_service_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("The finance model now holds the file's figures."))
                return redirect_after_save(request, _results_url(partnership))
        else:
            status = 400
    context = {
        "form": form,
        "issues": issues,
        "stale_changes": stale,
        "finance_nav": subnav(partnership),
        "finance_active": "model",
        "page_title": _("Import a finance-model file"),
        "intro": _(
            "A JSON file as mitra finance reads it, or Mitra's XLSX template filled in. It "
            "replaces the model's figures, all or nothing; who sees the model stays as it is."
        ),
        "cancel_url": _url(partnership),
        "submit_label": _("Import"),
    }
    return _page(request, partnership, "finance/import.html", context, status=status)


def _default_owner(request: HttpRequest, partnership: Partnership) -> Any:
    """Owner of a model created by import: the government's when the user may enter that,
    else the user's own private party."""
    if government_editor(request.user, partnership):
        return None
    owners = ownable_members(request.user, partnership)
    return owners[0] if owners else None


@login_required
@service_errors
def model_delete(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    stored = selectors.stored_model(partnership)
    if stored is None:
        raise NotFound(_("This partnership has no finance model."))
    if not can_edit_model(request.user, partnership, stored):
        raise PermissionDenied(_("Only the model's editors may delete it."))
    if request.method == "POST":
        services.model_delete(
            actor=request.user,
            partnership=partnership,
            expected_version=stored.version,
        )
        messages.success(request, _("The finance model is deleted."))
        return redirect_after_save(request, _url(partnership))
    return _page(
        request,
        partnership,
        "finance/confirm_delete.html",
        {
            "page_title": _("Delete the finance model?"),
            "finance_nav": subnav(partnership),
            "finance_active": "model",
        },
    )


# --------------------------------------------------------------------------- files


def _visible(request: HttpRequest, pk: int) -> tuple[Partnership, FinanceModel]:
    partnership = partnership_get(user=request.user, pk=pk)
    model = selectors.finance_model(user=request.user, partnership=partnership)
    if model is None:
        raise NotFound(_("This partnership has no finance model you may see."))
    return partnership, model


@service_errors
def export_json(request: HttpRequest, pk: int) -> HttpResponse:
    partnership, model = _visible(request, pk)
    body = json.dumps(model.spec, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="{partnership.code}-finance-model.json"'
    )
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@service_errors
def export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    partnership, model = _visible(request, pk)
    response = HttpResponse(spec_files.spec_to_xlsx(model.spec), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="{partnership.code}-finance-model.xlsx"'
    )
    return response


@service_errors
def template_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The empty XLSX template (anyone who may see the partnership)."""
    partnership_get(user=request.user, pk=pk)
    response = HttpResponse(spec_files.spec_to_xlsx(None), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mitra-finance-model-template.xlsx"'
    return response


@service_errors
def results_json(request: HttpRequest, pk: int) -> HttpResponse:
    """The results as ``mitra finance MODEL --format json`` prints them."""
    partnership = partnership_get(user=request.user, pk=pk)
    result = selectors.finance_result(user=request.user, partnership=partnership)
    if result is None:
        raise NotFound(_("This partnership has no finance model you may see."))
    return HttpResponse(json.dumps(result.to_dict(), indent=2), content_type="application/json")
