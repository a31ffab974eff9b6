"""A missed KPI reaches the finance figures: the Finance tab shows the availability payment of
each year before and after the deductions of the service-level failures."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from mitra.finance import services as finance_services
from mitra.finance.deductions import deduction_table
from mitra.results.models import Indicator
from tests.conftest import World

from .conftest import approve, report

pytestmark = pytest.mark.django_db
D = Decimal
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "finance"


def hospital_model(world: World, start_year: int = 2022) -> None:
    """The example hospital's model, starting in 2022: availability payments from 2024."""
    spec: dict[str, Any] = json.loads((EXAMPLES / "hospital.json").read_text(encoding="utf-8"))
    spec |= {
        "start_year": start_year,
        "price_base_year": start_year,
        "handback_year": start_year + 16,
    }
    finance_services.model_save(
        actor=world.users["lead_admin"],
        partnership=world.partnership,
        spec=spec,
        expected_version=None,
        owner=None,
        shared_with=[],
    )


def test_the_finance_tab_shows_the_payments_after_deductions(
    world: World, kpi: Indicator, client: Any
) -> None:
    hospital_model(world)
    q1, q2, q3, q4 = kpi.periods.order_by("start")
    for period, open_hours in ((q1, "9300"), (q2, "9600"), (q3, "9000"), (q4, "9900")):
        approve(world, report(world, period, "member", open_hours, "10000"), reporter="member")
    table = deduction_table(user=world.users["ngo_user"], partnership=world.partnership)
    assert table is not None
    row = next(r for r in table["rows"] if r["year"] == 2025)
    # two failing quarters of 90 and 92 days, 4 % each: 4 % × 182 / 365
    assert row["share"] == D("0.019945")
    assert row["before"] > 0
    assert row["deducted"] == (row["before"] * D("0.019945")).quantize(D("0.0001"))
    assert row["after"] == row["before"] - row["deducted"]
    assert all(r["deducted"] == 0 for r in table["rows"] if r["year"] != 2025)
    assert table["total"] == row["deducted"]
    # and the Finance tab says it
    client.force_login(world.users["ngo_user"])
    page = client.get(f"/en/partnerships/{world.partnership.pk}/finance/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="ap-deductions-table"' in html
    assert "2 performance failures deduct" in html


def test_no_table_without_kpis(world: World) -> None:
    hospital_model(world)
    assert deduction_table(user=world.users["ngo_user"], partnership=world.partnership) is None
