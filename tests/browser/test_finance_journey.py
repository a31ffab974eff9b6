"""A PJPK official builds the project-finance model of the hospital KPBU: loads the business case
from a file, corrects a figure in the form (a wrong entry is refused field by field), solves the
availability payment for the investors' return, is told plainly when the lenders' cover falls
short, applies it and reads the charts in Indonesian and English.

(The lead extends this journey with value for money, fiscal commitments and the PDF report.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from mitra.finance.models import FinanceModel
from mitra.partnerships.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-finance-journey"
HOSPITAL = Path(__file__).resolve().parents[2] / "examples" / "finance" / "hospital.json"
CHARTS = ("finance-sources-uses", "finance-waterfall", "finance-dscr", "finance-government")


def _sign_in(page: Any, url: str, username: str, prefix: str = "/en") -> None:
    user = get_user_model().objects.get(username=username)
    user.set_password(PASSWORD)
    user.save()
    page.context.clear_cookies()
    page.goto(f"{url}{prefix}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_load_state("networkidle")


def test_a_pjpk_official_models_the_hospital_and_solves_the_availability_payment(
    browser: Any, live_server: Any, shoot: Any
) -> None:
    created = load_demo()
    hospital = next(p for p in created["partnerships"] if p.development_sector == "health")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    blocked: list[str] = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    base = f"{live_server.url}/en/partnerships/{hospital.pk}/finance/"
    try:
        # the PJPK (Pemkab Sidoarjo) opens the empty Finance tab and loads its business case
        _sign_in(page, live_server.url, "sda-admin")
        page.goto(base)
        page.click("[data-testid=finance-import]")
        page.wait_for_selector("input[type=file]")
        page.set_input_files("input[type=file]", str(HOSPITAL))
        page.click("#main-form button[type=submit]")
        page.wait_for_url(base + "model/results/")
        model = FinanceModel.objects.get(partnership=hospital)
        assert model.owner is None  # the government's own model
        assert "lenders would not finance it" in page.inner_text(
            "[data-testid=finance-plain-words]"
        )
        for key in CHARTS:
            assert page.locator(f"#chart-{key} svg").count() == 1, key

        # a wrong figure in the form is refused next to its field, nothing saved
        page.click("[data-testid=finance-edit]")
        page.wait_for_selector("#main-form")
        page.fill("textarea[name=capex]", "200")  # two construction years need two amounts
        page.click("[data-testid=finance-save]")
        page.wait_for_selector("#form-errors")
        assert "one amount per construction year" in page.inner_text("#main-form").lower()
        # the capex put right, and a year shorter loan
        page.fill("textarea[name=capex]", "200; 250")
        page.fill("input[name=debt_tenor_years]", "11")
        page.click("[data-testid=finance-save]")
        page.wait_for_url(base + "model/results/")
        model.refresh_from_db()
        assert model.spec["debt"]["tenor_years"] == 11 and model.version == 2

        # solve the availability payment for a 14% equity return
        page.select_option("select[name=unknown]", "availability_payment")
        page.fill("input[name=target_equity_irr]", "14")
        page.click("[data-testid=finance-solve]")
        page.wait_for_selector("[data-testid=finance-solution]")
        verdict = page.inner_text("[data-testid=finance-solution-verdict]")
        # the 2035 lifecycle cost year leaves the cover below the lenders' 1.20: said plainly
        assert "Not bankable" in verdict and "1.20" in verdict
        shoot(page, "finance-solved-en")
        page.click("[data-testid=finance-apply]")
        page.wait_for_url(base + "model/results/")
        model.refresh_from_db()
        assert model.version == 3
        assert model.spec["availability_payment"]["annual"] != 80

        # the charts in English ...
        for key in CHARTS:
            assert page.locator(f"#chart-{key} svg").count() == 1, key
        assert "Debt service cover ratio" in page.inner_text("#chart-finance-dscr")
        shoot(page, "finance-results-en")
        # ... and in Indonesian, numbers written the Indonesian way
        page.goto(f"{live_server.url}/partnerships/{hospital.pk}/finance/model/results/")
        assert page.locator("html").get_attribute("lang") == "id"
        for key in CHARTS:
            assert page.locator(f"#chart-{key} svg").count() == 1, key
        figure = page.inner_text("[data-figure=min_dscr] dd")
        assert "," in figure and "." not in figure
        shoot(page, "finance-results-id")

        # the BUP reads the government's model (every partner does) but may not change it
        _sign_in(page, live_server.url, "lssb-admin")
        page.goto(base)
        assert page.locator("[data-testid=finance-summary]").count() == 1
        assert page.locator("[data-testid=finance-edit]").count() == 0
        assert blocked == []
    except Exception:
        shoot(page, "finance-journey-failure")
        raise
    finally:
        page.close()
