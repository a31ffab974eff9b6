"""The Results tab of the partnership page (key ``indicators``; the partnerships app's
"objectives" tab shows pledged against delivered, this one the results framework)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from mitra.core.money import format_number
from mitra.partnerships.models import Partnership
from mitra.partnerships.workspace import DELIVERY, Tab, register_tab

from . import selectors
from .models import HealthItem, Status
from .permissions import can_edit_framework, can_view_results

KEY = "indicators"


def _shown(request: HttpRequest, partnership: Any) -> bool:
    return can_view_results(request.user, partnership)


#: The badge (Bootstrap's contextual background) of each update status.
STATUS_BADGES = {
    Status.APPROVED: "text-bg-success",
    Status.RETURNED: "text-bg-danger",
    Status.SUBMITTED: "text-bg-info",
    Status.DRAFT: "text-bg-light",
}


def _present(iv: Any, partnership: Partnership, editor: bool) -> None:
    """What the rows of an indicator's periods show, worked out once here rather than by tests
    in the template on each row (a busy scorecard lists 80 periods and 160 updates; rendering
    them is about a third of the page's time)."""
    own = iv.indicator.partnership_id == partnership.pk
    iv.may_edit = editor and own
    iv.may_report = iv.can_report and own
    # An indicator another partnership shares: its approved values only, read-only.
    iv.acts = (iv.can_report or iv.can_verify) and not iv.source
    for pv in iv.shown_periods:
        pv.listed = (
            [u for u in pv.updates if u.status == Status.APPROVED] if iv.source else pv.updates
        )
        for u in pv.listed:
            u.badge = STATUS_BADGES.get(u.status, "text-bg-light")
            u.breakdown = format_html_join(
                "",
                '<span class="text-body-secondary"> · {} {}</span>',
                ((d.display, format_number(d.numerator, 0)) for d in u.disaggregations.all()),
            )
            u.notes = [] if iv.source else list(u.comments.all())


def results_context(request: HttpRequest, partnership: Partnership) -> dict[str, Any]:
    from .charts import health_chart, sparkline

    results = selectors.framework(user=request.user, partnership=partnership, details=False)
    sources = selectors.shared_sources(results=results, partnership=partnership)
    rows = []
    every_period = request.GET.get("periods") == "all"
    for rv in results:
        for iv in rv.indicators:
            # A long-running indicator lists its latest periods (and any still waiting on
            # someone); the earlier ones are one click away.
            iv.shown_periods = iv.periods if every_period else iv.recent_periods()
            iv.hidden_periods = len(iv.periods) - len(iv.shown_periods)
            # An indicator another partnership shows here: read-only, "reported in <source>".
            iv.source = sources.get(iv.indicator.partnership_id)
            latest = iv.latest
            target = latest.period.target_value if latest else None
            iv.sparkline = sparkline(iv.trend, target, iv.light, str(iv.light_label))
            rows.append(iv)
    # the breakdowns and comments of the updates listed, not of every period's
    selectors.update_details([u for iv in rows for pv in iv.shown_periods for u in pv.updates])
    editor = can_edit_framework(request.user, partnership)
    for iv in rows:
        _present(iv, partnership, editor)
    kpis = [
        iv.indicator
        for iv in rows
        if iv.service_level is not None and iv.indicator.partnership_id == partnership.pk
    ]
    failures = selectors.availability_failures(partnership, kpis=kpis)
    counts = {light: sum(1 for iv in rows if iv.light == light) for light in selectors.Light.LABELS}
    points = selectors.health_series(user=request.user, partnership=partnership)
    context: dict[str, Any] = {
        "results": results,
        "indicator_rows": rows,
        "light_counts": counts,
        # (a late report makes an indicator red: the sentence says how many of the red are so)
        "late_count": sum(1 for iv in rows if iv.late),
        "can_edit_framework": editor,
        "can_report_any": any(iv.can_report for iv in rows),
        "health_points": points,
        "health_items": HealthItem,
        "divergence": selectors.health_divergence(points),
        "today": timezone.localdate(),
        "failures": failures,
        "deductions": selectors.availability_deductions(partnership, failures=failures),
    }
    if points:
        context["health_chart"] = health_chart(points)
    return context


TAB = Tab(KEY, _("Results"), 48, "results/tab.html", results_context, shown=_shown, group=DELIVERY)


def _portfolio_section(request: HttpRequest, organisation: Any) -> dict[str, Any]:
    from .portfolio import tjsl_portfolio

    programmes = tjsl_portfolio(user=request.user, organisation=organisation)
    return {"programmes": programmes or [], "shown": bool(programmes)}


def register() -> None:
    from mitra.organisations.profile import ProfileSection, register_section

    register_tab(TAB)
    register_section(
        ProfileSection("tjsl-portfolio", 45, "results/portfolio_section.html", _portfolio_section)
    )
