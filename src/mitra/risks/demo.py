"""Demo data of the risks app: the toll road's register, from its template, and one simulation.

Base cash flows (IDR billion, year 1 = 2026) follow ``examples/risk/toll-road.json``'s logic:
three construction years with land acquisition, then tolls (45,000 per trip, 10.2 million trips a
year growing 3.5%, ramping up) less operation and maintenance. Illustrative, not a real project.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import translation

from mitra.jobs.runner import job_execute
from mitra.partnerships.models import Partnership, Role

from . import services, simulations, templating

HORIZON = 30
CAPEX = [2700.0, 2700.0, 1800.0]
RAMP = [0.8, 0.9, 0.95]


def toll_road_flows() -> dict[str, list[float]]:
    capex = CAPEX + [0.0] * (HORIZON - len(CAPEX))
    opex, revenue = [0.0] * len(CAPEX), [0.0] * len(CAPEX)
    for s in range(HORIZON - len(CAPEX)):
        ramp = RAMP[s] if s < len(RAMP) else 1.0
        opex.append(round(95 * 1.04**s, 1))
        revenue.append(round(459.9 * (1.04 * 1.035) ** s * ramp, 1))
    return {"capex": capex, "opex": opex, "revenue": revenue}


def load(created: dict[str, Any]) -> None:
    """Give the toll-road KPBU a register from its template and run it once."""
    road = next((p for p in created["partnerships"] if p.development_sector == "toll_road"), None)
    if road is None:
        return
    lead = (
        next(m for m in road.members.all() if Role.LEAD in m.roles)
        .organisation.memberships.first()
        .user
    )
    road = Partnership.objects.get(pk=road.pk)
    with translation.override("id"), transaction.atomic():
        settings = services.register_start(actor=lead, partnership=road)
        services.settings_update(
            actor=lead,
            partnership=road,
            data={
                "name": "Jalan tol Bandung–Garut Selatan",
                "horizon_years": HORIZON,
                "start_year": 2026,
                "discount_rate": "0.08",
                "cash_flows": toll_road_flows(),
                "simulation": {"iterations": 20000, "seed": 2026},
            },
            expected_version=settings.version,
        )
        templating.template_apply(actor=lead, partnership=road, key="toll-road")
        simulation = simulations.simulation_start(
            actor=lead, partnership=road, iterations=20000, seed=2026
        )
    job_execute(str(simulation.job_id))
