"""The school PSP shares its gains: the sharing page shows the Shapley value and the core check in
Indonesian and English, the foundation raises what it and the education office could achieve
together (the proportional split then leaves the core, and the page says which group would
leave), and the lead records the agreed rule in the negotiation record."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from mitra.benefits import demo
from mitra.benefits.models import SharingAgreement
from mitra.goals.models import NegotiationEntry
from mitra.partnerships.demo import load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-benefits-journey"


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


def test_the_school_psp_shares_its_gains(browser: Any, live_server: Any, shoot: Any) -> None:
    created = load_demo()
    demo.load(created)
    school = demo.school(created)
    assert school is not None
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    blocked: list[str] = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    tab = f"/partnerships/{school.pk}/sharing/"
    try:
        # the lead (the provincial education office) reads the page in Indonesian ...
        _sign_in(page, live_server.url, "pemda", prefix="")
        page.goto(live_server.url + tab)
        assert page.locator("html").get_attribute("lang") == "id"
        core = page.locator("[data-testid=core-verdict]")
        assert core.get_attribute("data-in-core") == "true"
        shapley = page.locator("[data-testid=sharing-table] [data-testid=shapley]")
        assert shapley.all_inner_texts() == ["5.866,7", "3.516,7", "2.616,7"]
        for key in ("sharing-split", "sharing-core", "sharing-contributions"):
            assert page.locator(f"#chart-{key} svg").count() == 1, key
        shoot(page, "benefits-sharing-id")
        # ... and in English
        page.goto(f"{live_server.url}/en{tab}")
        assert shapley.all_inner_texts() == ["5,866.7", "3,516.7", "2,616.7"]
        assert "Shapley value" in page.inner_text("[data-testid=sharing-summary]")
        assert "is in the core" in core.inner_text()
        shoot(page, "benefits-sharing-en")

        # the foundation estimates that it and the education office could do far more together
        _sign_in(page, live_server.url, "cerdas-admin")
        page.goto(f"{live_server.url}/en{tab}")
        page.click("[data-testid=sharing-coalitions]")
        page.wait_for_selector("#main-form")
        pair = page.get_by_label("Disdik Jabar, YCB")
        assert pair.input_value() == "6,000"
        pair.fill("abc")
        page.click("#main-form button[type=submit]")
        page.wait_for_selector("#form-errors")
        pair = page.get_by_label("Disdik Jabar, YCB")
        pair.fill("11,000")
        page.click("#main-form button[type=submit]")
        page.wait_for_url(f"{live_server.url}/en{tab}")
        assert core.get_attribute("data-in-core") == "false"
        assert "Disdik Jabar and YCB could do better without the others" in core.inner_text()
        assert page.locator("[data-testid=sharing-agree]").count() == 0  # not the lead
        shoot(page, "benefits-not-in-core-en")

        # the lead records the Shapley value as the agreed rule
        _sign_in(page, live_server.url, "pemda")
        page.goto(f"{live_server.url}/en{tab}")
        page.click("[data-testid=sharing-agree]")
        page.wait_for_selector("#main-form")
        page.select_option("select[name=rule]", "shapley")
        page.fill("textarea[name=note]", "Agreed at the steering committee")
        page.click("#main-form button[type=submit]")
        page.wait_for_url(f"{live_server.url}/en{tab}")
        agreement = SharingAgreement.objects.get(partnership_id=school.pk)
        assert agreement.rule == "shapley" and agreement.in_negotiation_record
        entry = NegotiationEntry.objects.get(partnership_id=school.pk)
        assert entry.value_text.startswith("Shapley value")
        assert "Shapley value" in page.inner_text("[data-testid=sharing-agreements]")
        shoot(page, "benefits-agreed-en")
        assert blocked == []
    finally:
        page.close()
