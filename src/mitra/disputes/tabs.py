"""The Disputes tab of the partnership page (registered through ``partnerships.workspace``):
political exposure, disputes, grievances, political events and contract amendments."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mitra.core import charts
from mitra.partnerships.models import Partnership
from mitra.partnerships.workspace import DELIVERY, Tab, register_tab

from . import ladders, selectors
from .permissions import (
    can_act_on_dispute,
    can_handle_grievances,
    can_link_event,
    can_manage_settings,
    can_raise_dispute,
    can_record_amendment,
    can_view_disputes,
)

KEY = "disputes"


def _shown(request: HttpRequest, partnership: Any) -> bool:
    return can_view_disputes(request.user, partnership)


def exposure_chart(exposure: selectors.Exposure) -> charts.Chart:
    return charts.bars(
        "exposure",
        _("Political exposure: what each reason adds"),
        exposure.sentence,
        categories=[r.short or r.label for r in exposure.reasons],
        series={_("Points"): [r.points for r in exposure.reasons]},
        x_label=_("Reason"),
        y_label=_("Points of 100"),
        places=1,
    )


def links_context(request: HttpRequest, partnership: Partnership) -> list[dict[str, Any]]:
    from mitra.finance.appraisal_selectors import can_edit_stress

    may_stress = can_edit_stress(request.user, partnership)
    out = []
    for link in selectors.partnership_links(partnership):
        out.append(
            {
                "link": link,
                "proposed": selectors.proposed_scenario(link),
                "rows": selectors.stress_rows(request.user, link),
                "unit": selectors.stress_unit(link),
                "can_run": may_stress and can_link_event(request.user, partnership),
            }
        )
    return out


def disputes_context(request: HttpRequest, partnership: Partnership) -> dict[str, Any]:
    user = request.user
    exposure = selectors.exposure(user=user, partnership=partnership)
    settings = selectors.settings_of(partnership)
    disputes = selectors.visible_disputes(user, partnership)
    for d in disputes:
        d.can_edit = can_act_on_dispute(user, d)  # type: ignore[attr-defined]
    return {
        "exposure": exposure,
        "exposure_chart": exposure_chart(exposure),
        "disputes": disputes,
        "grievances": selectors.visible_grievances(user, partnership),
        "event_links": links_context(request, partnership),
        "amendments": selectors.amendments(user, partnership),
        "dispute_settings": settings,
        "ladder_steps": [(ladders.rung_label(s), s["days"]) for s in settings.ladder],
        "designated": selectors.designated(partnership),
        "can_raise": can_raise_dispute(user, partnership),
        "can_settings": can_manage_settings(user, partnership),
        "can_handle": can_handle_grievances(user, partnership),
        "can_link": can_link_event(user, partnership),
        "can_amend": can_record_amendment(user, partnership),
    }


TAB = Tab(
    KEY,
    gettext_lazy("Disputes"),
    85,
    "disputes/tab.html",
    disputes_context,
    shown=_shown,
    group=DELIVERY,
)


def register() -> None:
    register_tab(TAB)
