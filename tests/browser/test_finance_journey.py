"""A PJPK official builds the project-finance model of the hospital KPBU: loads the business case
from a file, corrects a figure in the form (a wrong entry is refused field by field), solves the
availability payment for the investors' return, is told plainly when the lenders' cover falls
short, applies it and reads the charts in Indonesian and English; then enters the Public Sector
Comparator and sees value for money, states the PJPK for the fiscal commitments and sees them by
year, in both languages, and downloads the report as PDF, whose pages are turned into PNG."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from mitra.finance.models import FinanceModel
from mitra.partnerships.demo import load_demo
from tests.browser.conftest import ARTIFACTS

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
    browser: Any, live_server: Any, shoot: Any, tmp_path: Path
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

        # value for money: the PJPK enters the Public Sector Comparator; the KPBU option's
        # payments come from the model just solved
        page.goto(base + "vfm/edit/")
        page.wait_for_selector("#main-form")
        page.fill("[name=psc_capex]", "250; 300")
        page.fill("[name=psc_opex]", "; ".join(["45"] * 15))
        page.fill("[name=transferable_risk]", "150")
        page.fill("[name=retained_risk]", "14")
        page.click("#main-form button[type=submit]")
        page.wait_for_url(base + "vfm/")
        assert page.locator("#chart-vfm svg").count() == 1
        assert "PSC" in page.inner_text("[data-testid=vfm-verdict]")
        shoot(page, "finance-vfm-en")
        page.goto(f"{live_server.url}/partnerships/{hospital.pk}/finance/vfm/")
        assert page.locator("#chart-vfm svg").count() == 1
        assert "Pembanding Sektor Publik" in page.inner_text("main")
        shoot(page, "finance-vfm-id")

        # fiscal commitments: the PJPK is Pemkab Sidoarjo; the commitments come from the model
        page.goto(base + "fiscal/edit/")
        page.wait_for_selector("#main-form")
        pjpk = next(m for m in hospital.members.all() if "contracting_agency" in m.roles)
        page.select_option("[name=pjpk]", label=pjpk.organisation.name)
        page.click("#main-form button[type=submit]")
        page.wait_for_url(base + "fiscal/")
        assert page.locator("#chart-fiscal-commitments svg").count() == 1
        shoot(page, "finance-fiscal-en")
        page.goto(f"{live_server.url}/partnerships/{hospital.pk}/finance/fiscal/")
        assert page.locator("#chart-fiscal-commitments svg").count() == 1
        shoot(page, "finance-fiscal-id")

        # the report as PDF, in Indonesian, turned into pictures of its pages
        page.goto(f"{live_server.url}/partnerships/{hospital.pk}/finance/report/")
        with page.expect_download() as download:
            page.click("[data-testid=report-download-pdf]")
        pdf = tmp_path / "report.pdf"
        download.value.save_as(pdf)
        assert pdf.read_bytes().startswith(b"%PDF")
        if shutil.which("pdftoppm"):
            subprocess.run(
                ["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")], check=True
            )
            pages = sorted(tmp_path.glob("page-*.png"))
            assert len(pages) >= 3
            ARTIFACTS.mkdir(exist_ok=True)
            for number, png in enumerate(pages[:3], 1):
                shutil.copy(png, ARTIFACTS / f"finance-report-page-{number}.png")

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
