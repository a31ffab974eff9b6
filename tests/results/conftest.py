"""A results framework on the world's public school PSP: the NGO (Yayasan Contoh) reports
"teachers trained" (people, target 100 in 2025 and 200 in 2026), the lead government (Pemda)
verifies. And a KPI on the toll road PPP: the company reports lane availability (%), Pemda
verifies, threshold 95 %, each failing quarter deducts 4 % of its availability payment."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from mitra.results import services
from mitra.results.models import Indicator, Period
from tests.conftest import World

D = Decimal


def member_of(partnership: Any, org: Any) -> Any:
    return partnership.members.get(organisation=org)


def indicator_data(world: World, partnership: Any, **extra: Any) -> dict[str, Any]:
    return {
        "title": "Teachers trained in active learning",
        "measure": "quantitative",
        "unit": "people",
        "direction": "increase",
        "baseline_value": D("0"),
        "baseline_date": datetime.date(2024, 12, 31),
        "baseline_source": "Disdik records",
        "reporter": member_of(partnership, world.ngo),
        "verifier": member_of(partnership, world.pemda),
        **extra,
    }


@pytest.fixture
def teachers(world: World) -> Indicator:
    lead = world.users["lead_admin"]
    result = services.result_create(
        actor=lead,
        partnership=world.public,
        data={"title": "Better teaching", "level": "output"},
    )
    indicator = services.indicator_create(
        actor=lead, result=result, data=indicator_data(world, world.public)
    )
    services.period_create(
        actor=lead,
        indicator=indicator,
        data={
            "start": datetime.date(2025, 1, 1),
            "end": datetime.date(2025, 12, 31),
            "target_value": D("100"),
        },
        targets=[{"dimension": "sex", "category": "female", "value": D("50")}],
    )
    services.period_create(
        actor=lead,
        indicator=indicator,
        data={
            "start": datetime.date(2026, 1, 1),
            "end": datetime.date(2026, 12, 31),
            "target_value": D("200"),
        },
    )
    return indicator


@pytest.fixture
def period_2025(teachers: Indicator) -> Period:
    return teachers.periods.get(start__year=2025)


@pytest.fixture
def kpi(world: World) -> Indicator:
    """Lane availability (%) on the toll road: four quarters of 2025, threshold 95 %, 4 % per
    failing quarter, capped at 10 % a year."""
    lead = world.users["lead_admin"]
    p = world.partnership
    result = services.result_create(
        actor=lead, partnership=p, data={"title": "Available road", "level": "output"}
    )
    indicator = services.indicator_create(
        actor=lead,
        result=result,
        data={
            "title": "Lane availability",
            "measure": "quantitative",
            "unit": "percent",
            "numerator_label": "lane-hours open",
            "denominator_label": "lane-hours scheduled",
            "factor": D("100"),
            "direction": "increase",
            "reporter": member_of(p, world.company),
            "verifier": member_of(p, world.pemda),
        },
    )
    for q in range(4):
        start = datetime.date(2025, 3 * q + 1, 1)
        end = (
            datetime.date(2025, 3 * q + 4, 1) - datetime.timedelta(days=1)
            if q < 3
            else datetime.date(2025, 12, 31)
        )
        services.period_create(
            actor=lead,
            indicator=indicator,
            data={"start": start, "end": end, "target_value": D("98")},
        )
    services.service_level_set(
        actor=lead,
        indicator=indicator,
        data={"threshold": D("95"), "deduction_percent": D("4"), "cap_percent": D("10")},
    )
    return indicator


def report(
    world: World,
    period: Period,
    user: str,
    numerator: str,
    denominator: str | None = None,
    **kw: Any,
) -> Any:
    update = services.update_create(
        actor=world.users[user],
        period=period,
        data={"numerator": D(numerator), "denominator": D(denominator) if denominator else None},
        **kw,
    )
    return update


def approve(world: World, update: Any, reporter: str = "ngo_user") -> Any:
    update = services.update_submit(actor=world.users[reporter], update=update)
    return services.update_approve(actor=world.users["lead_admin"], update=update)
