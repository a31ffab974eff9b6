"""A long-running indicator lists its latest periods on the Results tab (and any earlier one that
still waits on someone); the earlier ones are one click away, and the scorecard uses them all."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mitra.results import services
from mitra.results.models import Indicator
from mitra.results.selectors import RECENT_PERIODS
from tests.conftest import World

from .conftest import approve, indicator_data, report

pytestmark = pytest.mark.django_db
D = Decimal


def _quarterly(world: World) -> tuple[Indicator, list[Any]]:
    """An indicator reported every quarter of 2024 and 2025 (eight periods)."""
    lead = world.users["lead_admin"]
    result = services.result_create(
        actor=lead, partnership=world.public, data={"title": "Reading", "level": "outcome"}
    )
    indicator = services.indicator_create(
        actor=lead, result=result, data=indicator_data(world, world.public)
    )
    periods = []
    for year in (2024, 2025):
        for month in (1, 4, 7, 10):
            start = datetime.date(year, month, 1)
            end = (start + datetime.timedelta(days=95)).replace(day=1) - datetime.timedelta(days=1)
            periods.append(
                services.period_create(
                    actor=lead,
                    indicator=indicator,
                    data={"start": start, "end": end, "target_value": D("10")},
                )
            )
    return indicator, periods


def _tab(client: Any, world: World, query: str = "", prefix: str = "/en") -> str:
    client.force_login(world.users["ngo_user"])
    url = f"{prefix}/partnerships/{world.public.pk}/indicators/{query}"
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_tab_lists_the_latest_periods_and_those_still_waiting(
    world: World, client: Any
) -> None:
    # given eight periods: every one approved but the oldest, which has a draft
    indicator, quarters = _quarterly(world)
    for period in quarters[1:]:
        approve(world, report(world, period, "ngo_user", "9"))
    report(world, quarters[0], "ngo_user", "4")  # a draft of the oldest quarter
    total = indicator.periods.count()
    assert total == 8 and RECENT_PERIODS == 4

    # when the tab is opened
    html = _tab(client, world)

    # then it lists the four latest periods and the waiting oldest one, and offers the others
    listed = html.count('data-testid="period"')
    assert listed == RECENT_PERIODS + 1
    assert f'data-period="{quarters[0].pk}"' in html  # waits on the reporter
    assert f'data-period="{quarters[1].pk}"' not in html  # approved, earlier: one click away
    assert "Show the 3 earlier periods" in html
    all_periods = _tab(client, world, "?periods=all")
    assert all_periods.count('data-testid="period"') == total
    assert 'data-testid="all-periods"' not in all_periods


def test_a_short_framework_lists_every_period_with_no_link(
    world: World, teachers: Indicator, client: Any
) -> None:
    html = _tab(client, world, prefix="")
    assert html.count('data-testid="period"') == 2
    assert 'data-testid="all-periods"' not in html


def test_the_tab_reads_breakdowns_only_for_the_updates_it_lists(world: World, client: Any) -> None:
    # given eight approved quarters, each value broken down by sex
    _indicator, quarters = _quarterly(world)
    for period in quarters:
        update = report(
            world,
            period,
            "ngo_user",
            "9",
            disaggregations=[{"dimension": "sex", "category": "female", "numerator": D("5")}],
        )
        approve(world, update)

    # when the tab is opened
    with CaptureQueriesContext(connection) as ctx:
        html = _tab(client, world)

    # then it shows the breakdown of the four latest quarters, and read no other
    assert html.count('data-testid="period"') == RECENT_PERIODS
    assert html.count("· female 5<") == RECENT_PERIODS
    breakdowns = [q for q in ctx.captured_queries if "results_updatedisaggregation" in q["sql"]]
    assert len(breakdowns) == 1
    ids = re.search(r"IN \(([^)]*)\)", breakdowns[0]["sql"])
    assert ids is not None and len(ids.group(1).split(",")) == RECENT_PERIODS


def _fill(world: World, indicator: Indicator) -> None:
    """Every kind of update the tab shows, in each period of ``indicator``: a value returned with
    the verifier's comment, then one approved with its breakdown by sex; in the latest period a
    draft correction, and a submitted value in the one before."""
    periods = list(indicator.periods.all())
    for period in periods:
        returned = services.update_submit(
            actor=world.users["ngo_user"], update=report(world, period, "ngo_user", "3")
        )
        services.update_return(
            actor=world.users["lead_admin"], update=returned, comment="Attach the attendance list"
        )
        approved = approve(
            world,
            report(
                world,
                period,
                "ngo_user",
                "9",
                disaggregations=[{"dimension": "sex", "category": "female", "numerator": D("5")}],
            ),
        )
    report(world, periods[-1], "ngo_user", "10", corrects=approved)
    services.update_submit(
        actor=world.users["ngo_user"], update=report(world, periods[-2], "ngo_user", "8")
    )


@pytest.mark.parametrize("viewer", ["ngo_user", "lead_admin", "staff"])
def test_the_tabs_queries_do_not_grow_with_its_framework(
    world: World, client: Any, viewer: str
) -> None:
    """The tab reads a fixed number of queries, whatever it lists; it reads no column a page
    shows lazily (the lean read leaves some unread: showing one would query once per row)."""
    first, _quarters = _quarterly(world)
    _fill(world, first)
    user = world.users[viewer]
    url = f"/en/partnerships/{world.public.pk}/indicators/"

    def counted() -> tuple[int, str]:
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    few, html = counted()
    assert html.count('data-testid="indicator"') == 1

    # when the framework grows: two more indicators of eight quarters, every kind of update
    for _ in range(2):
        more, _periods = _quarterly(world)
        _fill(world, more)
    many, html = counted()

    # then the tab lists them all with the same number of queries
    assert html.count('data-testid="indicator"') == 3
    assert html.count('data-testid="update"') > 3 * 2 * RECENT_PERIODS
    assert "Attach the attendance list" in html
    assert many == few
