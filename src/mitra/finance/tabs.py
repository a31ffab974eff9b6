"""The Finance tab of the partnership page (registered through ``partnerships.workspace``) and
its sub-navigation: the model and its results (this module's pages), value for money, fiscal
commitments, stress tests and the report (the appraisal and report parts, linked when their
pages exist)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from mitra.partnerships.models import Partnership
from mitra.partnerships.workspace import MONEY, Tab, register_tab, tab_url

from . import selectors
from .forms import SolveForm
from .permissions import can_edit_model, can_open_tab, can_see_government_figures

KEY = "finance"

#: The parts of the Finance tab: (key, label, URL name); the first is the tab itself.
PARTS: tuple[tuple[str, Any, str | None], ...] = (
    ("model", _("Model and results"), None),
    ("vfm", _("Value for money"), "finance:vfm"),
    ("fiscal", _("Fiscal commitments"), "finance:fiscal"),
    ("stress", _("Stress tests"), "finance:stress"),
    ("report", _("Report"), "finance:report"),
)


def part_url(name: str, partnership: Partnership) -> str | None:
    """The URL of a part's page, or None while that page does not exist."""
    for kwargs in ({"kwargs": {"pk": partnership.pk}}, {"args": [partnership.pk]}):
        try:
            return reverse(name, **kwargs)  # type: ignore[arg-type]
        except NoReverseMatch:
            continue
    return None


def subnav(partnership: Partnership) -> list[dict[str, Any]]:
    """The sub-navigation entries whose pages exist: key, label, url."""
    out = []
    for key, label, name in PARTS:
        url = tab_url(partnership, KEY) if name is None else part_url(name, partnership)
        if url is not None:
            out.append({"key": key, "label": label, "url": url})
    return out


def _shown(request: HttpRequest, partnership: Any) -> bool:
    return can_open_tab(request.user, partnership)


def finance_context(request: HttpRequest, partnership: Partnership) -> dict[str, Any]:
    """What the Finance tab shows this reader: the whole model and its results when they may
    see it, else the government-side figures, else an invitation to enter one."""
    from .deductions import deductions_context  # availability payments after KPI failures

    return results_context(request, partnership) | deductions_context(request, partnership)


def results_context(
    request: HttpRequest,
    partnership: Partnership,
    *,
    solve_form: SolveForm | None = None,
    with_charts: bool = False,
) -> dict[str, Any]:
    """What the tab and the results page show this reader."""
    from . import charts  # altair loads with the first finance page, not with Django

    user = request.user
    stored = selectors.stored_model(partnership)
    model = selectors.finance_model(user=user, partnership=partnership)
    context: dict[str, Any] = {
        "finance_nav": subnav(partnership),
        "finance_active": "model",
        "stored": stored,
        "model": model,
        "can_edit": can_edit_model(user, partnership, stored),
        "solve_form": solve_form
        or SolveForm(
            initial={"target_equity_irr": (model.spec.get("discount_rates") or {}).get("equity")}
            if model is not None
            else None
        ),
        "government_only": False,
    }
    if stored is not None and stored.owner_id is not None:
        context["owner_name"] = str(stored.owner.organisation) if stored.owner else ""
    if model is not None:
        result = selectors.finance_result(user=user, partnership=partnership)
        assert result is not None
        flows = selectors.government_flows(result)
        minimum = Decimal(model.lender_min_dscr)
        context |= {
            "result": result,
            "spec": model.spec,
            "unit": charts.unit_label(result.currency, result.amount_unit),
            "summary": charts.summary_rows(result),
            "plain_words": charts.plain_words(result, minimum),
            "dscr_short": charts.dscr_shortfall(result, minimum),
            "lender_min_dscr": minimum,
            "shared_names": [str(m.organisation) for m in model.shared_with.all()],
        }
        if with_charts:
            context |= {
                "charts": charts.result_charts(
                    result, spec_key=selectors.spec_hash(model.spec), lender_min_dscr=minimum
                ),
                "table": charts.year_table(result, flows),
            }
    elif stored is not None and can_see_government_figures(user, partnership, stored):
        payments = selectors.government_payments(user=user, partnership=partnership)
        assert payments is not None
        unit = charts.unit_label(payments["currency"], payments["amount_unit"])
        shown = {k: v for k, v in payments["flows"].items() if any(abs(x) > 1e-12 for x in v)}
        context |= {
            "government_only": True,
            "payments": payments,
            "unit": unit,
            "payment_rows": [
                {"label": charts.FLOW_LABELS.get(k, k), "values": v} for k, v in shown.items()
            ],
            "government_table": [
                (year, [v[i] for v in shown.values()], payments["net"][i])
                for i, year in enumerate(payments["years"])
            ],
        }
        if with_charts:
            context["charts"] = [
                charts.government_chart_from(years=payments["years"], flows=shown, unit=unit)
            ]
    return context


TAB = Tab(KEY, _("Finance"), 65, "finance/tab.html", finance_context, shown=_shown, group=MONEY)


def register() -> None:
    register_tab(TAB)
