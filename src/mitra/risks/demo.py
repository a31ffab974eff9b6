"""Demo data of the risks app: the toll road's and the hospital's registers, from their templates,
and one simulation of each (the hospital's feeds its value for money: ``finance.appraisal_demo``).

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


#: The hospital KPBU's base flows (IDR billion), as its finance model (``finance.demo``): two
#: construction years, then 15 years of facility management against the availability payment.
HOSPITAL_YEARS = 17


def hospital_flows() -> dict[str, list[float]]:
    capex = [260.0, 300.0] + [0.0] * (HOSPITAL_YEARS - 2)
    opex = [0.0, 0.0] + [round(18 * 1.035**k, 1) for k in range(HOSPITAL_YEARS - 2)]
    revenue = [0.0, 0.0] + [round(95 * 0.98 * 1.03**k, 1) for k in range(HOSPITAL_YEARS - 2)]
    return {"capex": capex, "opex": opex, "revenue": revenue}


def _lead_user(partnership: Partnership) -> Any:
    return (
        next(m for m in partnership.members.all() if Role.LEAD in m.roles)
        .organisation.memberships.first()
        .user
    )


def load(created: dict[str, Any]) -> None:
    """Give the toll-road and hospital KPBUs a register from their templates and run each once."""
    hospital = next((p for p in created["partnerships"] if p.development_sector == "health"), None)
    if hospital is not None:
        _register(
            Partnership.objects.get(pk=hospital.pk),
            name="RSUD Sidoarjo — KPBU ketersediaan layanan",
            horizon=HOSPITAL_YEARS,
            flows=hospital_flows(),
            template="hospital",
        )
    road = next((p for p in created["partnerships"] if p.development_sector == "toll_road"), None)
    if road is None:
        return
    _register(
        Partnership.objects.get(pk=road.pk),
        name="Jalan tol Bandung–Garut Selatan",
        horizon=HORIZON,
        flows=toll_road_flows(),
        template="toll-road",
    )


def _register(
    partnership: Partnership,
    *,
    name: str,
    horizon: int,
    flows: dict[str, list[float]],
    template: str,
) -> None:
    lead = _lead_user(partnership)
    with translation.override("id"), transaction.atomic():
        settings = services.register_start(actor=lead, partnership=partnership)
        services.settings_update(
            actor=lead,
            partnership=partnership,
            data={
                "name": name,
                "horizon_years": horizon,
                "start_year": partnership.stage_since.year if partnership.stage_since else None,
                "discount_rate": "0.08",
                "cash_flows": flows,
                "simulation": {"iterations": 20000, "seed": 2026},
            },
            expected_version=settings.version,
        )
        templating.template_apply(actor=lead, partnership=partnership, key=template)
        simulation = simulations.simulation_start(
            actor=lead, partnership=partnership, iterations=20000, seed=2026
        )
    job_execute(str(simulation.job_id))
