"""The Benefit-sharing tab of the partnership page (registered through
``partnerships.workspace``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mitra.partnerships.models import Partnership
from mitra.partnerships.workspace import MONEY, Tab, register_tab

from . import selectors
from .permissions import can_view_sharing

KEY = "sharing"


def _shown(request: HttpRequest, partnership: Any) -> bool:
    return can_view_sharing(request.user, partnership)


def sharing_context(request: HttpRequest, partnership: Partnership) -> dict[str, Any]:
    """What the Benefit-sharing tab shows this reader."""
    from . import charts, words  # Vega-Lite's engine loads with the first chart

    page = selectors.sharing_page(user=request.user, partnership=partnership)
    unit = charts.unit_label(page.currency, page.amount_unit)
    context: dict[str, Any] = {"sharing": page, "unit": unit, "charts": [], "verdicts": []}
    contributions = charts.contribution_chart(page.valuation, page.players, page.amount_unit, unit)
    if page.result is not None:
        result = page.result
        chart_list = [charts.split_chart(result, page.players, unit)]
        core = charts.excess_chart(page.coalitions, unit)
        if core is not None:
            chart_list.append(core)
        context |= {
            "charts": chart_list,
            "summary": words.summary(result, page.players, unit),
            "core": words.core_verdict(result, page.players, unit),
            "walk_away": words.walk_away_verdict(result, page.players, unit),
            "fairness": words.fairness_verdict(result),
            "rows": _rows(result, page.players),
            "proposal_label": _proposal_label(page.spec["proposal"]),
        }
    context["contribution_chart"] = contributions
    context["all_charts"] = [*context["charts"], *([contributions] if contributions else [])]
    return context


def _proposal_label(proposal: dict[str, Any]) -> str:
    from .models import ProposalKind, SharingRule

    if "rule" in proposal:
        label = str(SharingRule(proposal["rule"]).label)
    elif "shares" in proposal:
        label = str(ProposalKind.SHARES.label)
    else:
        label = str(ProposalKind.AMOUNTS.label)
    name = proposal.get("name")
    return f"{name} ({label})" if name else label


def _rows(result: Any, players: list[Any]) -> list[dict[str, Any]]:
    by_key = {p.key: p for p in players}
    total = result.report.total or 0.0
    return [
        {
            "player": by_key.get(r.id),
            "line": r,
            "share": (r.proposed / total) if total else None,
        }
        for r in result.report.parties
    ]


TAB = Tab(
    KEY, _("Benefit sharing"), 75, "benefits/tab.html", sharing_context, shown=_shown, group=MONEY
)


def register() -> None:
    register_tab(TAB)
