"""Demo data of the risks app: the toll road's register, from its template, and one simulation.

Base cash flows (IDR billion, year 1 = the year construction started) follow
``examples/risk/toll-road.json``'s logic: three construction years spending the project's capital
cost, Rp 10,8 T (the partnership's estimated value, financed by equity, senior debt and
Dukungan Kelayakan; see ``mitra.partnerships.demo``), then tolls (46,000 per trip, 12.5 million
trips a year growing 3.5%, ramping up) less operation and maintenance. Illustrative, not a real
project.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import translation

from mitra.jobs.runner import job_execute
from mitra.partnerships.models import Partnership, Role

from . import services, simulations, templating

HORIZON = 30
CAPEX = [3600.0, 4300.0, 2900.0]  # = 10,800: the estimated value, in IDR billion
RAMP = [0.8, 0.9, 0.95]


def toll_road_flows() -> dict[str, list[float]]:
    capex = CAPEX + [0.0] * (HORIZON - len(CAPEX))
    opex, revenue = [0.0] * len(CAPEX), [0.0] * len(CAPEX)
    for s in range(HORIZON - len(CAPEX)):
        ramp = RAMP[s] if s < len(RAMP) else 1.0
        opex.append(round(110 * 1.04**s, 1))
        revenue.append(round(575.0 * (1.04 * 1.035) ** s * ramp, 1))
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
                "start_year": road.stage_since.year if road.stage_since else None,
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
