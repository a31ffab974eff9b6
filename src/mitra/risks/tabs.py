"""The Risks tab of the partnership page (registered through ``partnerships.workspace``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mitra.partnerships.models import Partnership
from mitra.partnerships.workspace import MONEY, Tab, TabExport, register_tab

from . import selectors
from .catalogue import templates_for
from .exports import RISK_COLUMNS
from .forms import SimulationForm, TemplateForm
from .permissions import can_view_register

KEY = "risks"


def _shown(request: HttpRequest, partnership: Any) -> bool:
    return can_view_register(request.user, partnership)


def template_choices(partnership: Partnership) -> list[tuple[str, str]]:
    language = "en" if (get_language() or "id").startswith("en") else "id"
    try:
        found = templates_for(partnership.form, partnership.development_sector or None)
    except ValueError:  # a form or sector the catalogue does not know
        found = []
    return [(t["key"], t["name"][language]) for t in found]


def register_context(request: HttpRequest, partnership: Partnership) -> dict[str, Any]:
    """What the Risks tab shows this reader."""
    from . import charts  # Vega-Lite's engine loads with the first chart, not with Django

    register = selectors.register_get(user=request.user, partnership=partnership)
    latest = selectors.latest_simulation(partnership)
    current = selectors.current_inputs_hash(partnership)
    return {
        "register": register,
        "heat_map": charts.heat_map(register.risks) if register.risks else None,
        "flags": selectors.control_flags(register),
        "latest": latest,
        "latest_stale": latest is not None and latest.inputs_hash != current,
        "simulation_form": SimulationForm(
            initial={"iterations": (register.settings.simulation or {}).get("iterations", 10_000)}
            if register.settings
            else None
        ),
        "template_form": TemplateForm(choices=template_choices(partnership)),
        "high_risks": sum(1 for r in register.risks if r.score >= 15),
        "flows_empty": selectors.flows_empty(register.settings),
    }


def _rows(request: HttpRequest, partnership: Any) -> list[Any]:
    return selectors.register_get(user=request.user, partnership=partnership).risks


TAB = Tab(
    KEY,
    _("Risks"),
    60,
    "risks/tab.html",
    register_context,
    shown=_shown,
    export=TabExport(_rows, RISK_COLUMNS),
    group=MONEY,
)


def register() -> None:
    register_tab(TAB)
