"""Computations on the results, with known answers: the period's value, progress and traffic
light; the KPBU deductions; the health index and the divergence flag; who sees what."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from mitra.core.errors import NotFound
from mitra.results import selectors, services
from mitra.results.models import Indicator, Period
from tests.conftest import World

from .conftest import approve, member_of, report

pytestmark = pytest.mark.django_db
D = Decimal
LATER = datetime.date(2026, 3, 1)  # every 2025 period ended and its report is overdue


def test_counts_add_up_and_the_light_follows_the_share_of_the_target(
    world: World, teachers: Indicator, period_2025: Period
) -> None:
    approve(world, report(world, period_2025, "ngo_user", "50"))
    approve(world, report(world, period_2025, "ngo_user", "35"))
    view = selectors.indicator_view(world.users["lead_admin"], teachers, LATER)
    first = view.periods[0]
    assert first.actual == D("85")
    assert first.share == D("0.850")
    assert first.light == "amber"
    assert view.light == "amber" and view.trend == [D("85")]


def test_a_cumulative_indicator_takes_the_latest_value(world: World, teachers: Indicator) -> None:
    teachers.cumulative = True
    teachers.save()
    period = teachers.periods.get(start__year=2025)
    approve(world, report(world, period, "ngo_user", "40"))
    approve(world, report(world, period, "ngo_user", "70"))
    assert selectors.period_actual(teachers, list(period.updates.all())) == D("70")


def test_lower_is_better_progress_runs_from_the_baseline_down(
    world: World, teachers: Indicator
) -> None:
    teachers.direction = "decrease"
    teachers.baseline_value = D("40")
    # baseline 40, target 20, actual 25: three quarters of the way
    assert selectors.progress(teachers, D("25"), D("20")) == D("0.750")
    assert selectors.light(D("0.750")) == "red"


def test_an_overdue_report_is_off_track_and_on_the_dashboard(
    world: World, teachers: Indicator
) -> None:
    rows = selectors.off_track(user=world.users["ngo_user"])
    # the 2025 period has ended and nothing is submitted (today is after its due date)
    assert [r.indicator.pk for r in rows] == [teachers.pk]
    assert rows[0].light == "red"
    assert selectors.off_track(user=world.users["outsider"]) == []
    assert selectors.off_track(user=world.users["member"]) == []  # not in the school PSP


def test_outsiders_do_not_see_the_results(world: World, teachers: Indicator) -> None:
    with pytest.raises(NotFound):
        selectors.framework(user=world.users["outsider"], partnership=world.public)
    with pytest.raises(NotFound):
        selectors.indicator_get(user=world.users["outsider"], pk=teachers.pk)


def test_an_indicator_reported_once_is_shown_to_another_partnership(
    world: World, teachers: Indicator
) -> None:
    services.indicator_share(
        actor=world.users["lead_admin"], indicator=teachers, partnerships=[world.partnership]
    )
    shown = selectors.indicators(user=world.users["member"], partnership=world.partnership)
    assert [iv.indicator.pk for iv in shown] == [teachers.pk]
    assert not shown[0].can_report


# --------------------------------------------------------------------------- service levels


def _quarters(kpi: Indicator) -> list[Period]:
    return list(kpi.periods.order_by("start"))


def test_missed_kpis_deduct_from_the_availability_payment(world: World, kpi: Indicator) -> None:
    q1, q2, q3, _q4 = _quarters(kpi)
    approve(world, report(world, q1, "member", "9300", "10000"), reporter="member")  # 93 % fails
    approve(world, report(world, q2, "member", "9600", "10000"), reporter="member")  # 96 % passes
    approve(world, report(world, q3, "member", "9000", "10000"), reporter="member")  # 90 % fails
    # q4 is not reported and overdue: a failure
    failures = selectors.availability_failures(world.partnership, LATER)
    assert [(f.period.start.month, f.actual) for f in failures] == [
        (1, D("93.0000")),
        (7, D("90.0000")),
        (10, None),
    ]
    # 4 % of each failing quarter's payment: (90 + 92 + 92) / 365 days of the year
    assert selectors.availability_deductions(world.partnership, LATER) == {2025: D("0.030027")}


def test_deductions_stop_at_the_cap(world: World, kpi: Indicator) -> None:
    services.service_level_set(
        actor=world.users["lead_admin"], indicator=kpi, data={"deduction_percent": D("20")}
    )
    # four unreported quarters: 20 % of the whole year's payment, capped at 10 %
    assert selectors.availability_deductions(world.partnership, LATER) == {2025: D("0.100000")}


def test_no_deduction_before_the_report_is_due(world: World, kpi: Indicator) -> None:
    assert selectors.availability_deductions(world.partnership, datetime.date(2025, 4, 15)) == {}


# --------------------------------------------------------------------------- health


def _answer(world: World, user: str, org: object, day: datetime.date, score: int) -> None:
    services.health_respond(
        actor=world.users[user],
        member=member_of(world.partnership, org),
        round=day,
        scores=dict.fromkeys(
            ("trust", "communication", "fairness", "decisions", "value", "benefit"), score
        ),
    )


def test_the_health_index_per_sector_and_the_divergence_flag(world: World) -> None:
    first, second = datetime.date(2025, 7, 1), datetime.date(2026, 1, 1)
    _answer(world, "ngo_user", world.ngo, first, 4)
    _answer(world, "member", world.company, first, 3)
    _answer(world, "ngo_user", world.ngo, second, 2)
    _answer(world, "member", world.company, second, 5)
    points = selectors.health_series(user=world.users["lead_admin"], partnership=world.partnership)
    assert [(p.round, p.sector, p.index) for p in points] == [
        (first, "private", D("50.0")),
        (first, "social", D("75.0")),
        (second, "private", D("100.0")),
        (second, "social", D("25.0")),
    ]
    with translation.override("en"):
        flags = [
            {k: str(v) if k.endswith("_label") else v for k, v in flag.items()}
            for flag in selectors.health_divergence(points)
        ]
    assert flags == [
        {
            "falling": "social",
            "rising": "private",
            "falling_label": "civil-society",
            "rising_label": "business",
            "fell": D("50.0"),
            "rose": D("50.0"),
            "round": second,
        }
    ]
