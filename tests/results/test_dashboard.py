"""The dashboard of off-track indicators at scale (issue 15's benchmark, bench/results.py): its
statuses are the scorecard's, read from a few columns; it covers a page of partnerships at a
time and lists the worst rows with the count of the others; its queries do not grow with the
number of partnerships."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import ngettext

from mitra.partnerships import services as partnerships
from mitra.partnerships.models import Role, Visibility
from mitra.results import selectors, services
from mitra.results.models import Indicator, Period
from tests.api.conftest import API, client_for
from tests.conftest import World

from .conftest import approve, indicator_data, report

pytestmark = pytest.mark.django_db
D = Decimal


def _partnership_with_indicator(world: World, i: int, *, reached: str | None = "50") -> Any:
    """A school partnership led by Pemda with the NGO reporting one indicator over 2025 (target
    100): ``reached`` approved (50: off track), or nothing (overdue)."""
    lead = world.users["lead_admin"]
    p = partnerships.partnership_create(
        actor=lead,
        lead_organisation=world.pemda,
        data={
            "title_ind": f"Sekolah {i:02d}",
            "form": "psp",
            "development_sector": "education",
            "visibility": Visibility.PARTNERS,
        },
    )
    partnerships.member_add(
        actor=lead, partnership=p, organisation=world.ngo, roles=[Role.IMPLEMENTER]
    )
    result = services.result_create(
        actor=lead, partnership=p, data={"title": "Better teaching", "level": "output"}
    )
    indicator = services.indicator_create(
        actor=lead, result=result, data=indicator_data(world, p, title=f"Teachers {i:02d}")
    )
    period = services.period_create(
        actor=lead,
        indicator=indicator,
        data={
            "start": datetime.date(2025, 1, 1),
            "end": datetime.date(2025, 12, 31),
            "target_value": D("100"),
        },
    )
    if reached is not None:
        approve(world, report(world, period, "ngo_user", reached))
    return p


def test_the_dashboard_statuses_are_the_scorecards(
    world: World, teachers: Indicator, period_2025: Period, kpi: Indicator
) -> None:
    """A correction replaces what it corrects, a cumulative indicator takes its latest value, a
    KPI below its threshold is red, an unreported period is overdue: the lean reading of the
    dashboard gives each indicator the light of the full one."""
    first = approve(world, report(world, period_2025, "ngo_user", "95"))
    correction = report(world, period_2025, "ngo_user", "70", corrects=first)
    approve(world, correction)
    lanes = kpi.periods.order_by("start")
    approve(world, report(world, lanes[0], "member", "99", "100"), reporter="member")
    approve(world, report(world, lanes[1], "member", "90", "100"), reporter="member")
    cumulative = services.indicator_create(
        actor=world.users["lead_admin"],
        result=teachers.result,
        data=indicator_data(world, world.public, title="Schools reached", cumulative=True),
    )
    period = services.period_create(
        actor=world.users["lead_admin"],
        indicator=cumulative,
        data={
            "start": datetime.date(2025, 1, 1),
            "end": datetime.date(2025, 12, 31),
            "target_value": D("10"),
        },
    )
    approve(world, report(world, period, "ngo_user", "4"))
    approve(world, report(world, period, "ngo_user", "9"))
    staff = world.users["staff"]
    board = selectors.off_track_page(user=staff, limit=None)
    full = {
        i.pk: selectors.indicator_view(staff, i)
        for i in selectors._indicators_qs().filter(pk__in=[teachers.pk, kpi.pk, cumulative.pk])
    }
    lean = {v.indicator.pk: v for v in board.rows}
    assert full[teachers.pk].light == "red"  # 70 of 100 once corrected
    assert full[kpi.pk].light == "red"  # the second quarter misses 95 %
    assert full[cumulative.pk].light == "amber"  # 9 of 10, the latest
    for pk, view in full.items():
        assert lean[pk].light == view.light
        assert lean[pk].trend == view.trend
        assert lean[pk].latest.actual == view.latest.actual
    assert board.total == len(board.rows) == 3


def _sentences(
    language: str, *, first: int, total: int, flagged: int, shown: int, more: int
) -> tuple[str, str]:
    """The scope and "more" sentences as the page's language says them."""
    with translation.override(language):
        scope = ngettext(
            "Partnerships %(first)s–%(last)s of %(total)s (newest first): one indicator is off "
            "track, at risk or overdue.",
            "Partnerships %(first)s–%(last)s of %(total)s (newest first): %(n)s indicators are "
            "off track, at risk or overdue.",
            flagged,
        ) % {"first": first, "last": first, "total": total, "n": flagged}
        rest = ngettext(
            "The %(shown)s worst are listed (off track before at risk); one more is on the "
            "Results tab of its partnership.",
            "The %(shown)s worst are listed (off track before at risk); %(n)s more are on the "
            "Results tabs of their partnerships.",
            more,
        ) % {"shown": shown, "n": more}
    return scope, rest


@pytest.mark.parametrize(("prefix", "language"), [("/en", "en"), ("", "id")])
def test_the_dashboard_is_paged_and_capped_and_says_how_many_more(
    world: World, client: Any, monkeypatch: pytest.MonkeyPatch, prefix: str, language: str
) -> None:
    monkeypatch.setattr(selectors, "DASHBOARD_PARTNERSHIPS", 1)
    monkeypatch.setattr(selectors, "DASHBOARD_ROWS", 1)
    older = _partnership_with_indicator(world, 1)
    second = services.indicator_create(
        actor=world.users["lead_admin"],
        result=older.results.get(),
        data=indicator_data(world, older, title="Teachers 01b"),
    )
    services.period_create(
        actor=world.users["lead_admin"],
        indicator=second,
        data={
            "start": datetime.date(2025, 1, 1),
            "end": datetime.date(2025, 12, 31),
            "target_value": D("100"),
        },
    )
    _partnership_with_indicator(world, 2, reached=None)
    client.force_login(world.users["ngo_user"])
    # the NGO is a partner in four: the two schools (newest first), the school PSP, the toll road
    html = client.get(f"{prefix}/results/?page=2").content.decode()
    scope, more = _sentences(language, first=2, total=4, flagged=2, shown=1, more=1)
    assert scope in html
    assert more in html
    assert html.count('data-testid="dashboard-row"') == 1
    assert "Teachers 01" in html and "Teachers 02" not in html
    if language == "en":
        assert "Partnerships 2–2 of 4 (newest first): 2 indicators are off track" in html
        assert "one more is on the Results tab of its partnership" in html
    newest = client.get(f"{prefix}/results/").content.decode()
    assert "Teachers 02" in newest and 'data-testid="dashboard-more"' not in newest
    assert 'href="?page=2"' in newest


def test_platform_staff_see_every_partnership_a_page_at_a_time(
    world: World, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "DASHBOARD_PARTNERSHIPS", 2)
    for i in range(3):
        _partnership_with_indicator(world, i)
    staff = world.users["staff"]
    client.force_login(staff)
    html = client.get("/en/results/").content.decode()
    total = selectors.visible_partnerships(staff).count()
    assert total > 3  # every partnership of the world, not only the schools
    assert f"Partnerships 1–2 of {total} (newest first): 2 indicators are off track" in html
    assert "Teachers 02" in html and "Teachers 01" in html and "Teachers 00" not in html


def test_the_dashboards_queries_do_not_grow_with_the_partnerships(
    world: World, client: Any, django_assert_max_num_queries: Any
) -> None:
    _partnership_with_indicator(world, 0)
    client.force_login(world.users["ngo_user"])
    with CaptureQueriesContext(connection) as few:
        assert client.get("/en/results/").status_code == 200
    for i in range(1, 6):
        _partnership_with_indicator(world, i, reached=None if i % 2 else "50")
    client.force_login(world.users["ngo_user"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/en/results/")
    assert page.content.decode().count('data-testid="dashboard-row"') == 6


@pytest.mark.parametrize(
    ("prefix", "label", "value", "sentence"),
    [
        ("/en", "report overdue", "120.00", "Of those off track, one has its report overdue."),
        (
            "",
            "laporan terlambat",
            "120,00",
            "Dari yang tidak sesuai rencana, 1 laporannya terlambat.",
        ),
    ],
)
def test_a_late_report_is_on_the_dashboard_after_a_good_value(
    world: World, client: Any, prefix: str, label: str, value: str, sentence: str
) -> None:
    """The school reached 120 of 100 in 2025 (on track); this half-year's report was due a
    month ago and nobody sent it: the dashboard lists the indicator as "report overdue" (with
    the last value beside it), and so does the scorecard."""
    p = _partnership_with_indicator(world, 7, reached="120")
    indicator = Indicator.objects.get(partnership=p)
    today = datetime.date.today()
    late = services.period_create(
        actor=world.users["lead_admin"],
        indicator=indicator,
        data={
            "start": today - datetime.timedelta(days=200),
            "end": today - datetime.timedelta(days=60),
            "target_value": D("100"),
        },
    )
    assert late.due_date is not None and late.due_date < today  # 30 days after the end
    client.force_login(world.users["ngo_user"])
    html = client.get(f"{prefix}/results/").content.decode()
    row = next(r for r in html.split('data-testid="dashboard-row"')[1:] if "Teachers 07" in r)
    assert f">{label}</span>" in row and f">{value}</td>" in row
    tab = client.get(f"{prefix}/partnerships/{p.pk}/indicators/").content.decode()
    assert 'data-light="red"' in tab and f">{label}</span>" in tab
    # the scorecard's sentence counts it off track, and says why
    said = tab.split('data-testid="scorecard-sentence"')[1].split("</p>")[0]
    assert "1 off track" in said or "1 tidak sesuai rencana" in said
    assert f'data-testid="scorecard-late">{sentence}</span>' in said
    listed = client_for(world, "ngo_user").get_json(f"{API}/partnerships/{p.pk}/indicators")
    assert [(i["status"], i["report_overdue"]) for i in listed.json()] == [("red", True)]
