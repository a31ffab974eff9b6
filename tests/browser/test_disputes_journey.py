"""Disputes, grievances and political change on the toll road KPBU, in Indonesian and English:
someone from a village on the route files a grievance without an account and follows it by its
reference; the PJPK (the designated partner) acknowledges it with a public response; a dispute
between the PJPK and the toll road company is escalated on deadline by the daily job; the
Pilkada 2029 is linked to the road, which shows its political exposure and, once the tariff
freeze it implies is run, the finance figures before and after."""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from playwright.sync_api import expect

from mitra.disputes.models import Dispute, Grievance, GrievanceStatus, Rung
from mitra.finance import demo as finance_demo
from mitra.partnerships.demo import load_demo
from mitra.partnerships.models import Partnership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-disputes-journey"
SHOTS = Path("/tmp/shots/disputes")


def _sign_in(page: Any, url: str, username: str, prefix: str = "") -> None:
    user = get_user_model().objects.get(username=username)
    user.set_password(PASSWORD)
    user.save()
    page.context.clear_cookies()
    page.goto(f"{url}{prefix}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_load_state("networkidle")


def _id(text: Any) -> str:
    """The Indonesian of a message (English until the catalogue is compiled)."""
    with translation.override("id"):
        return str(text)


def _shot(page: Any, shoot: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    shoot(page, f"disputes-{name}")


def test_grievance_dispute_and_election(browser: Any, live_server: Any, shoot: Any) -> None:
    created = load_demo()
    finance_demo.load(created)
    road = next(p for p in created["partnerships"] if p.development_sector == "toll_road")
    road = Partnership.objects.get(pk=road.pk)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    url = live_server.url
    try:
        # --- 1. a community grievance, filed anonymously (Indonesian) -------------------------
        page.goto(f"{url}/partnerships/{road.pk}/")
        assert page.locator("html").get_attribute("lang") == "id"
        page.click("[data-testid=grievance-link] a")
        page.wait_for_selector("[data-testid=grievance-form]")
        page.fill("#id_description", "Debu dari truk proyek menutupi sawah kami di Cibiru Hilir.")
        page.fill("#id_desa", "Cibiru Hilir")
        page.fill("#id_contact", "0812-1111-2222")
        _shot(page, shoot, "grievance-form-id")
        page.wait_for_timeout(3200)  # a person takes longer than the minimum fill time
        page.click("[data-testid=grievance-form] button[type=submit]")
        page.wait_for_selector("[data-testid=grievance-filed]")
        grievance = Grievance.objects.get(partnership=road)
        assert grievance.reference in page.inner_text("[data-testid=grievance-filed]")
        assert "0812" not in page.content()
        status_url = page.url.split("?")[0]
        _shot(page, shoot, "grievance-filed-id")

        # --- the designated partner (the PJPK, the lead) acknowledges it (English) ------------
        _sign_in(page, url, "pu-admin", prefix="/en")
        page.goto(f"{url}/en/partnerships/{road.pk}/disputes/")
        row = page.locator(f"[data-grievance='{grievance.reference}']")
        assert "days left" in row.inner_text()
        row.locator("a").click()
        page.wait_for_selector("[data-testid=grievance-contact]")
        assert "0812-1111-2222" in page.inner_text("[data-testid=grievance-contact]")
        page.fill("#id_public_response", "We will water the haul road twice a day from Monday.")
        _shot(page, shoot, "grievance-acknowledge-en")
        page.click("#main-form button[type=submit]")
        expect(page.locator("[data-testid=grievance-status]")).to_have_text("Acknowledged")
        assert Grievance.objects.get(pk=grievance.pk).status == "acknowledged"
        page.context.clear_cookies()
        page.goto(status_url.replace(url, url + "/en"))
        assert "water the haul road" in page.inner_text("[data-testid=public-response]")
        assert page.inner_text("[data-testid=public-status]") == "Acknowledged"
        _shot(page, shoot, "grievance-status-en")
        page.goto(status_url)
        assert page.inner_text("[data-testid=public-status]") == _id(
            GrievanceStatus.ACKNOWLEDGED.label
        )
        _shot(page, shoot, "grievance-status-id")

        # --- 2. a dispute escalated on deadline -----------------------------------------------
        _sign_in(page, url, "pu-admin")
        page.goto(f"{url}/partnerships/{road.pk}/disputes/add/")
        page.fill("#id_title", "Keterlambatan penyerahan lahan Seksi 2")
        page.select_option("#id_dispute_type", "resources")
        for name in ("Kementerian Pekerjaan Umum", "PT Mandalawangi Tol Priangan"):
            page.get_by_label(name, exact=True).check()
        page.click("#main-form button[type=submit]")
        page.wait_for_selector("[data-testid=dispute-ladder]")
        dispute = Dispute.objects.get(partnership=road)
        assert dispute.current["rung"] == "negotiation"
        # Thirty-one days pass without agreement; the daily job runs.
        Dispute.objects.filter(pk=dispute.pk).update(
            rung_started_at=timezone.now() - datetime.timedelta(days=31)
        )
        page.reload()
        assert page.locator("[data-testid=timer-overdue]").count() == 1
        _shot(page, shoot, "dispute-overdue-id")
        call_command("disputes_escalate", stdout=StringIO())
        page.reload()
        assert page.locator("[data-testid=escalated-on-deadline]").count() == 1
        assert _id(Rung.STEERING.label) in page.inner_text(
            "[data-testid=dispute-ladder] .fw-semibold"
        )
        _shot(page, shoot, "dispute-escalated-id")
        page.goto(f"{url}/en/partnerships/{road.pk}/disputes/{dispute.pk}/")
        assert "escalated on deadline" in page.inner_text("[data-testid=dispute-steps]")
        assert "Steering committee" in page.inner_text("[data-testid=dispute-ladder] .fw-semibold")
        _shot(page, shoot, "dispute-escalated-en")

        # --- 3. the Pilkada 2029 linked to the toll road --------------------------------------
        page.goto(f"{url}/political-events/new/")
        page.select_option("#id_kind", "election")
        page.fill("#id_title", "Pilkada serentak 2029")
        page.fill("#id_date", "2029-11-28")
        page.fill("#id_region", "Jawa Barat")
        page.get_by_label(road.title, exact=True).check()
        page.click("#main-form button[type=submit]")
        page.wait_for_selector("[data-testid=event-table]")
        _shot(page, shoot, "events-id")
        page.goto(f"{url}/partnerships/{road.pk}/disputes/")
        assert page.locator("#chart-exposure svg").count() == 1
        assert "2029" in page.inner_text("[data-reason=elections]")
        card = page.locator("[data-event='Pilkada serentak 2029']")
        assert _id(gettext_lazy("Tariff freeze")) in card.inner_text()
        card.locator("[data-testid=run-stress]").click()
        page.wait_for_selector("[data-testid=stress-effect]")
        npc = page.locator("[data-testid=stress-effect] [data-metric=government_npc]")
        assert npc.count() == 1
        _shot(page, shoot, "exposure-stress-id")
        page.goto(f"{url}/en/partnerships/{road.pk}/disputes/")
        sentence = page.inner_text("[data-testid=exposure-sentence]")
        assert "exposure to political change" in sentence
        effect = page.inner_text("[data-testid=stress-effect]")
        assert "Government net cost" in effect and "Before" in effect
        _shot(page, shoot, "exposure-stress-en")
        assert errors == []
    finally:
        page.close()
