"""Partners work out who bears which risk: the lead opens the register from a template, a partner
allocates a new risk to three parties and runs the simulation, the charts show in both languages,
and another party sees its own cost highlighted."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from mitra.risks.models import Risk, Simulation
from tests.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-risk-journey"


def _sign_in(page: Any, url: str, user: Any, prefix: str = "/en") -> None:
    page.context.clear_cookies()
    user.set_password(PASSWORD)
    user.save()
    page.goto(f"{url}{prefix}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_load_state("networkidle")


def test_a_register_from_a_template_allocated_simulated_and_read_by_each_party(
    browser: Any, live_server: Any, shoot: Any
) -> None:
    world = build_world()
    road = world.partnership  # PPP toll road: pemda (PJPK, lead), company (BUP), ngo
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    blocked: list[str] = []  # what the Content-Security-Policy refused (nothing may be)
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    base = f"{live_server.url}/en/partnerships/{road.pk}/risks/"
    try:
        # the lead (PJPK) opens the register and sets the base cash flows
        _sign_in(page, live_server.url, world.users["lead_admin"])
        page.goto(base)
        page.click("[data-testid=risk-start]")
        page.wait_for_load_state("networkidle")
        page.goto(base + "settings/")
        page.fill("input[name=horizon_years]", "10")
        page.fill("textarea[name=capex]", "600; 400; 0; 0; 0; 0; 0; 0; 0; 0")
        page.fill("textarea[name=opex]", "0; 0; 20; 20; 20; 20; 20; 20; 20; 20")
        page.fill("textarea[name=revenue]", "0; 0; 190; 190; 190; 190; 190; 190; 190; 190")
        page.click("#main-form button[type=submit]")
        page.wait_for_url(base)
        # ... and starts from the toll-road template
        page.click("[data-testid=risk-template]")
        page.wait_for_load_state("networkidle")
        page.click("#main-form button[type=submit]")
        page.wait_for_url(base)
        assert Risk.objects.filter(partnership=road).count() >= 10
        assert "risks are recorded" in page.inner_text("[data-testid=risk-summary]")
        assert page.locator("#chart-heat-map svg").count() == 1
        shoot(page, "risks-register-en")

        # the project company adds a risk and shares it three ways, first wrongly
        _sign_in(page, live_server.url, world.users["member"])
        page.goto(base + "add/")
        page.fill("input[name=code]", "X1")
        page.fill("input[name=title_ind]", "Banjir di ruas selatan")
        page.fill("input[name=title_en]", "Flooding of the southern section")
        shares = page.locator("input[name^=share_]")
        assert shares.count() == 4  # the three partners, and the template's guarantor
        for i, value in enumerate(["30", "50", "10"]):
            shares.nth(i).fill(value)
        page.fill("input[name=probability]", "25")
        page.select_option("select[name=impact_type]", "pert")
        page.fill("input[name=impact_min]", "0,01")
        page.fill("input[name=impact_mode]", "0,03")
        page.fill("input[name=impact_max]", "0,1")
        page.select_option("select[name=applies_to]", "revenue")
        page.fill("input[name=years]", "3-6")
        page.click("#main-form button[type=submit]")
        page.wait_for_selector("#form-errors")
        assert "100%" in page.inner_text("#main-form")  # the shares add up to 90%
        assert not Risk.objects.filter(code="X1").exists()
        shares.nth(2).fill("20")
        page.click("#main-form button[type=submit]")
        page.wait_for_url(base)
        risk = Risk.objects.get(partnership=road, code="X1")
        assert sorted(a.share for a in risk.allocations.all()) == [
            Decimal("0.2"),
            Decimal("0.3"),
            Decimal("0.5"),
        ]

        # ... and runs the simulation: the job runs, the result page shows the charts
        page.fill("input[name=iterations]", "5000")
        page.fill("input[name=seed]", "7")
        page.click("[data-testid=simulation-run]")
        page.wait_for_selector("[data-testid=simulation-summary]")
        simulation = Simulation.objects.get(partnership=road)
        assert simulation.result["iterations"] == 5000
        for key in ("npv-histogram", "npv-s-curve", "party-costs", "tornado", "convergence"):
            assert page.locator(f"#chart-{key} svg").count() == 1, key
        assert page.locator("[data-testid=my-party]").count() == 1
        assert "PT Contoh Infrastruktur" in page.inner_text("[data-testid=my-party]")
        shoot(page, "risks-simulation-en")

        # the same page in Indonesian
        page.goto(page.url.replace("/en/", "/"))
        assert page.locator("[data-testid=stale-result]").count() == 0  # words are no inputs
        assert "Simulasi" in page.inner_text("main") or "simulasi" in page.inner_text("main")
        shoot(page, "risks-simulation-id")

        # the NGO, a third party, sees its own cost row
        _sign_in(page, live_server.url, world.users["ngo_user"])
        page.goto(f"{base}simulations/{simulation.pk}/")
        assert "Yayasan Contoh" in page.inner_text("[data-testid=my-party]")

        # an outsider gets nothing
        _sign_in(page, live_server.url, world.users["outsider"])
        response = page.goto(f"{base}simulations/{simulation.pk}/")
        assert response is not None and response.status == 404
        assert blocked == []  # every page of the journey ran under the policy untouched
    finally:
        page.close()
