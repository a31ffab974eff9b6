"""Each indicator's stored light (``IndicatorLight``, kept by ``results.lights``), which the
dashboard filters on: every write through the services leaves it equal to a fresh computation
from the periods and updates, a deletion drops it, and a light missing (rows written in bulk, or
from before lights were stored) is computed and stored when the dashboard reads it."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from mitra.results import selectors, services
from mitra.results.models import Indicator, IndicatorLight, Period, Update
from tests.conftest import World

from .conftest import approve, report

pytestmark = pytest.mark.django_db
D = Decimal


def fresh() -> dict[int, tuple[str, datetime.date | None]]:
    """Every indicator's light computed now from its rows."""
    indicators = list(
        Indicator.objects.select_related("service_level").only(*selectors.LIGHT_FIELDS)
    )
    return {m.indicator_id: (m.light, m.late_from) for m in selectors.compute_lights(indicators)}


def stored() -> dict[int, tuple[str, datetime.date | None]]:
    return {m.indicator_id: (m.light, m.late_from) for m in IndicatorLight.objects.all()}


def test_every_write_leaves_the_stored_light_true(
    world: World, teachers: Indicator, period_2025: Period, kpi: Indicator
) -> None:
    """Report, submit, approve, return, correct; change a target, a due date, the direction,
    a KPI's threshold; add and delete a period: after each, the stored lights are the ones
    computed afresh, and they move as a partner would expect."""
    lead = world.users["lead_admin"]
    steps: list[tuple[str, Any]] = []

    def check(step: str) -> None:
        assert stored() == fresh(), step
        steps.append((step, stored()[teachers.pk]))

    check("set up")
    # 2025's report was due on 30 January 2026 and nobody sent it: red since the 31st.
    assert stored()[teachers.pk] == ("grey", datetime.date(2026, 1, 31))
    draft = report(world, period_2025, "ngo_user", "60")
    check("a draft")
    submitted = services.update_submit(actor=world.users["ngo_user"], update=draft)
    check("submitted")
    # a submitted report is not late: only 2026's, due on 30 January 2027, can be next
    assert stored()[teachers.pk][1] == datetime.date(2027, 1, 31)
    services.update_return(actor=lead, update=submitted, comment="Daftar hadir belum ada.")
    check("returned")
    again = report(world, period_2025, "ngo_user", "100")
    approved = approve(world, again)
    check("approved")
    assert stored()[teachers.pk][0] == "green"  # 100 of 100
    approve(world, report(world, period_2025, "ngo_user", "40", corrects=approved))
    check("a correction approved")
    assert stored()[teachers.pk][0] == "red"  # 40 of 100 replaces 100
    period_2025.refresh_from_db()
    services.period_update(
        actor=lead,
        period=period_2025,
        data={"target_value": D("40")},
        expected_version=period_2025.version,
    )
    check("a lower target")
    assert stored()[teachers.pk][0] == "green"
    teachers.refresh_from_db()
    services.indicator_update(
        actor=lead,
        indicator=teachers,
        data={"direction": "decrease"},
        expected_version=teachers.version,
    )
    check("the direction turned")
    extra = services.period_create(
        actor=lead,
        indicator=teachers,
        data={
            "start": datetime.date(2027, 1, 1),
            "end": datetime.date(2027, 12, 31),
            "target_value": D("300"),
        },
    )
    check("a period added")
    services.period_update(
        actor=lead,
        period=extra,
        data={"due_date": datetime.date(2028, 3, 1)},
        expected_version=extra.version,
    )
    check("a due date moved")
    services.period_delete(actor=lead, period=extra)
    check("a period deleted")
    lanes = kpi.periods.order_by("start")
    approve(world, report(world, lanes[0], "member", "96", "100"), reporter="member")
    check("a KPI value")
    assert stored()[kpi.pk][0] == "amber"  # 96 % of a 98 % target, above the threshold
    services.service_level_set(
        actor=lead,
        indicator=kpi,
        data={"threshold": D("97"), "deduction_percent": D("4"), "cap_percent": D("10")},
    )
    check("a higher threshold")
    assert stored()[kpi.pk][0] == "red"  # 96 % now misses it
    assert len({light for _, light in steps}) >= 4  # the light did move along the way


def test_a_deleted_indicator_leaves_no_light(world: World, teachers: Indicator) -> None:
    report(world, teachers.periods.first(), "ngo_user", "10")
    assert IndicatorLight.objects.filter(indicator_id=teachers.pk).exists()
    services.indicator_delete(actor=world.users["lead_admin"], indicator=teachers)
    assert not IndicatorLight.objects.exists()
    assert not Update.objects.exists()


def test_the_dashboard_stores_a_missing_light_and_lists_the_same(
    world: World, teachers: Indicator, period_2025: Period, kpi: Indicator
) -> None:
    """Rows written in bulk carry no light: the dashboard computes and stores them when it
    reads them, and lists exactly what it lists with every light stored."""
    approve(world, report(world, period_2025, "ngo_user", "70"))
    lanes = kpi.periods.order_by("start")
    approve(world, report(world, lanes[0], "member", "90", "100"), reporter="member")
    staff = world.users["staff"]
    before = selectors.off_track_page(user=staff, limit=None)
    IndicatorLight.objects.all().delete()
    again = selectors.off_track_page(user=staff, limit=None)
    assert stored() == fresh()
    assert [(v.indicator.pk, v.light) for v in again.rows] == [
        (v.indicator.pk, v.light) for v in before.rows
    ]
    assert {v.indicator.pk for v in again.rows} == {teachers.pk, kpi.pk}


def test_a_report_falling_overdue_needs_no_write(
    world: World, teachers: Indicator, period_2025: Period, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The NGO reported 120 of 100 for 2025 (on track). 2026's report is due on 30 January
    2027: the dashboard lists the indicator from the 31st, with no write in between."""
    approve(world, report(world, period_2025, "ngo_user", "120"))
    staff = world.users["staff"]

    def board_on(day: datetime.date) -> list[tuple[int, str]]:
        monkeypatch.setattr(selectors.timezone, "localdate", lambda: day)
        return [(v.indicator.pk, v.light) for v in selectors.off_track_page(user=staff).rows]

    writes = IndicatorLight.objects.values_list("indicator_id", "light", "late_from")
    kept = list(writes)
    assert kept == [(teachers.pk, "green", datetime.date(2027, 1, 31))]
    assert board_on(datetime.date(2027, 1, 30)) == []
    assert board_on(datetime.date(2027, 1, 31)) == [(teachers.pk, "red")]
    assert list(writes) == kept


def test_an_indicator_of_another_partnership_never_counts(
    world: World, teachers: Indicator
) -> None:
    """The stored lights are filtered by what the user sees, like everything else."""
    approve(world, report(world, teachers.periods.first(), "ngo_user", "10"))
    assert selectors.off_track_page(user=world.users["ngo_user"]).total == 1
    assert selectors.off_track_page(user=world.users["outsider"]).total == 0
