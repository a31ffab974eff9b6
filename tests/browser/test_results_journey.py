"""The results journey: the NGO reports a disaggregated value on the school PSP, the verifying
government partner returns it with a comment and approves it once corrected; the scorecard and
the partnership health chart in Indonesian and English; and a missed KPI of the toll road KPBU
deducting from the availability payments on the Finance tab."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from mitra.results import services
from mitra.results.models import Status, Update
from tests.conftest import PASSWORD, World
from tests.results.conftest import approve, member_of, report
from tests.results.test_deductions import hospital_model

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots/results")
D = Decimal


def _sign_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_load_state("networkidle")


def _shot(page: Any, shoot: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    shoot(page, f"results-{name}")


def _setup(world: World) -> tuple[Any, Any]:
    lead = world.users["lead_admin"]
    result = services.result_create(
        actor=lead, partnership=world.public, data={"title": "Better teaching", "level": "output"}
    )
    teachers = services.indicator_create(
        actor=lead,
        result=result,
        data={
            "title": "Teachers trained in active learning",
            "unit": "people",
            "baseline_value": D("0"),
            "reporter": member_of(world.public, world.ngo),
            "verifier": member_of(world.public, world.pemda),
        },
    )
    for year, target in ((2024, "80"), (2025, "100"), (2026, "150")):
        services.period_create(
            actor=lead,
            indicator=teachers,
            data={
                "start": datetime.date(year, 1, 1),
                "end": datetime.date(year, 12, 31),
                "target_value": D(target),
            },
            targets=[{"dimension": "sex", "category": "female", "value": D(target) / 2}],
        )
    approve(world, report(world, teachers.periods.get(start__year=2024), "ngo_user", "82"))
    # the health survey: two rounds, the NGO's trust falls while the government's rises
    items = ("trust", "communication", "fairness", "decisions", "value", "benefit")
    for day, ngo_score, gov_score in (
        (datetime.date(2025, 1, 1), 4, 3),
        (datetime.date(2025, 7, 1), 2, 5),
    ):
        for user, org, score in (
            ("ngo_user", world.ngo, ngo_score),
            ("lead_admin", world.pemda, gov_score),
        ):
            services.health_respond(
                actor=world.users[user],
                member=member_of(world.public, org),
                round=day,
                scores=dict.fromkeys(items, score),
            )
    # the toll road KPBU: a KPI with a deduction rule, and the finance model's payments
    p = world.partnership
    road = services.result_create(
        actor=lead, partnership=p, data={"title": "Available road", "level": "output"}
    )
    kpi = services.indicator_create(
        actor=lead,
        result=road,
        data={
            "title": "Lane availability",
            "unit": "percent",
            "numerator_label": "lane-hours open",
            "denominator_label": "lane-hours scheduled",
            "factor": D("100"),
            "reporter": member_of(p, world.company),
            "verifier": member_of(p, world.pemda),
        },
    )
    period = services.period_create(
        actor=lead,
        indicator=kpi,
        data={
            "start": datetime.date(2025, 1, 1),
            "end": datetime.date(2025, 12, 31),
            "target_value": D("98"),
        },
    )
    services.service_level_set(
        actor=lead, indicator=kpi, data={"threshold": D("95"), "deduction_percent": D("5")}
    )
    hospital_model(world)
    return teachers, period


def test_report_return_approve_scorecard_health_and_deduction(
    browser: Any, live_server: Any, shoot: Any, world: World
) -> None:
    teachers, kpi_period = _setup(world)
    period = teachers.periods.get(start__year=2025)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(20000)
    base = live_server.url
    tab = f"{base}/partnerships/{world.public.pk}/indicators/"
    try:
        # the NGO reports a disaggregated value
        _sign_in(page, base, "ngo_user")
        page.goto(tab)
        page.click(f"[data-period='{period.pk}'] [data-testid=report]")
        page.wait_for_selector("#main-form")
        page.fill("input[name=numerator]", "120")
        page.fill("input[name=d_sex_female]", "70")
        page.fill("input[name=d_sex_male]", "50")
        page.fill("input[name=d_disability_with]", "4")
        page.fill("input[name=region_code_0]", "32.03.05.2001")
        page.fill("input[name=region_name_0]", "Desa Sukamaju")
        page.fill("input[name=region_value_0]", "30")
        _shot(page, shoot, "report-form")
        page.click("#main-form [data-testid=save]")
        page.wait_for_url(tab)
        page.click(f"[data-period='{period.pk}'] [data-testid=update-submit]")
        page.wait_for_load_state("networkidle")
        update = Update.objects.get(period=period)
        assert update.status == Status.SUBMITTED
        assert update.disaggregations.count() == 4

        # the government returns it with a comment
        _sign_in(page, base, "lead_admin")
        page.goto(tab)
        page.click(f"[data-period='{period.pk}'] [data-testid=update-review]")
        page.wait_for_selector("[data-testid=review-summary]")
        assert "Desa Sukamaju" in page.inner_text("[data-testid=review-summary]")
        page.fill("textarea[name=comment]", "Lampirkan daftar hadir.")
        _shot(page, shoot, "review")
        page.click("#main-form [data-testid=return]")
        page.wait_for_url(tab)
        update.refresh_from_db()
        assert update.status == Status.RETURNED

        # the NGO submits again; the government approves
        _sign_in(page, base, "ngo_user")
        page.goto(tab)
        assert "Lampirkan daftar hadir." in page.inner_text(f"[data-period='{period.pk}']")
        page.click(f"[data-period='{period.pk}'] [data-testid=update-submit]")
        page.wait_for_load_state("networkidle")
        _sign_in(page, base, "lead_admin")
        page.goto(tab)
        page.click(f"[data-period='{period.pk}'] [data-testid=update-review]")
        page.wait_for_selector("#main-form")
        page.click("#main-form [data-testid=approve]")
        page.wait_for_url(tab)
        update.refresh_from_db()
        assert update.status == Status.APPROVED

        # the scorecard and the health chart, in both languages
        for prefix, lang in (("", "id"), ("/en", "en")):
            page.goto(f"{base}{prefix}/partnerships/{world.public.pk}/indicators/")
            page.wait_for_selector("[data-testid=scorecard]")
            row = page.locator("[data-testid=scorecard-row]").first
            assert row.get_attribute("data-light") == "green"  # 120 of 100
            assert page.locator("svg.sparkline").count() == 1
            assert page.locator("#chart-health svg").count() == 1
            assert page.locator("[data-testid=divergence]").count() == 1
            _shot(page, shoot, f"scorecard-{lang}")
        assert "on track" in page.inner_text("[data-testid=scorecard]")

        # the company reports a missed KPI, the government approves: the Finance tab deducts
        kpi_update = services.update_create(
            actor=world.users["member"],
            period=kpi_period,
            data={"numerator": D("9200"), "denominator": D("10000")},
        )
        approve(world, kpi_update, reporter="member")
        for prefix, lang in (("", "id"), ("/en", "en")):
            page.goto(f"{base}{prefix}/partnerships/{world.partnership.pk}/finance/")
            page.wait_for_selector("[data-testid=ap-deductions-table]")
            row = page.locator("[data-testid=ap-deductions-table] tr[data-year='2025']")
            assert row.count() == 1
            _shot(page, shoot, f"finance-{lang}")
        assert "1 performance failure deducts" in page.inner_text("[data-testid=ap-sentence]")
        page.goto(f"{base}/en/partnerships/{world.partnership.pk}/indicators/")
        assert page.locator("[data-testid=failure]").count() == 1
        # on a phone the failures table scrolls in its own box, the page does not
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{base}/partnerships/{world.partnership.pk}/indicators/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{base}/en/partnerships/{world.partnership.pk}/indicators/")
        # a KPI below its threshold is off track, whatever its share of the target
        assert page.locator("[data-testid=scorecard-row]").get_attribute("data-light") == "red"
        _shot(page, shoot, "kpi-en")
        page.goto(f"{base}/en/results/")
        _shot(page, shoot, "dashboard-en")
    finally:
        page.close()
