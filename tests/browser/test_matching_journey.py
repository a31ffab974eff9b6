"""A company's CSR officer finds an NGO's need on the public needs board and offers to fill it;
the NGO, which coordinates the partnership, accepts the offer; as the officer is not an
administrator of the company, the company is only invited (issue 14) and its administrator
accepts the invitation, which makes it a partner and the offer its commitment; the need shows
suggested partners with their reasons. In Indonesian (the company) and English (the NGO)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from mitra.coordination.models import InvitationStatus
from mitra.matching.models import Offer, OfferStatus
from mitra.organisations.models import OrganisationRole
from mitra.organisations.services import organisation_add_user
from mitra.partnerships import services as partnership_services
from mitra.partnerships.models import Commitment, Role, Visibility
from tests.conftest import build_world, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-matching-journey"


def _sign_in(page: Any, url: str, user: Any, prefix: str = "") -> None:
    page.context.clear_cookies()
    user.set_password(PASSWORD)
    user.save()
    page.goto(f"{url}{prefix}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_load_state("networkidle")


def test_a_company_offers_on_an_ngos_need_and_the_ngo_accepts_it(
    browser: Any, live_server: Any, shoot: Any
) -> None:
    world = build_world()
    ngo_admin = world.users["ngo_user"]
    # world.users["member"] is a staff member of the company; this is its administrator
    company_admin = make_user("company_admin")
    organisation_add_user(
        actor=None,
        organisation=world.company,
        user=company_admin,
        role=OrganisationRole.ADMIN,
        system=True,
    )
    literacy = partnership_services.partnership_create(
        actor=ngo_admin,
        lead_organisation=world.ngo,
        lead_roles=[Role.IMPLEMENTER],
        data={
            "title_ind": "Rumah Belajar Literasi Digital",
            "title_en": "Digital Literacy Learning Houses",
            "form": "psp",
            "development_sector": "education",
            "province": "ID-JB",
            "visibility": Visibility.PUBLIC,
            "sdgs": [4],
        },
    )
    need = partnership_services.need_create(
        actor=ngo_admin,
        partnership=literacy,
        data={
            "title_ind": "Komputer untuk rumah belajar",
            "title_en": "Computers for the learning houses",
            "resource_type": "equipment",
            "quantity": Decimal("30.00"),
            "unit": "units",
        },
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    blocked: list[str] = []  # what the Content-Security-Policy refused (nothing may be)
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    url = live_server.url
    try:
        # the company, in Indonesian, searches the board and offers
        _sign_in(page, url, world.users["member"])
        page.goto(f"{url}/needs/")
        assert page.get_attribute("html", "lang") == "id"
        page.fill("#id_q", "komputer")
        # the board filters through htmx (no navigation: a load state would not wait for it)
        with page.expect_response(lambda r: "q=komputer" in r.url):
            page.press("#id_q", "Enter")
        cards = page.locator("[data-testid=board-need]")
        expect(cards).to_have_count(1)
        assert "Komputer untuk rumah belajar" in cards.first.inner_text()
        shoot(page, "matching-board-id")
        cards.first.locator("h2 a").click()
        page.wait_for_load_state("networkidle")
        assert page.inner_text("[data-testid=need-title]") == "Komputer untuk rumah belajar"
        assert page.locator("[data-testid=suggestions]").count() == 0  # not the coordinator
        page.click("[data-testid=offer-button]")
        page.wait_for_url(f"{url}/needs/{need.pk}/offer/")
        page.wait_for_load_state("networkidle")
        page.fill("input[name=quantity]", "0")
        page.click("#main-form button[type=submit]")
        expect(page.locator("#form-errors")).to_have_count(1)
        expect(page.locator("#id_quantity.is-invalid")).to_have_count(1)  # a field error
        assert not Offer.objects.exists()
        page.fill("input[name=quantity]", "12")
        page.fill("textarea[name=terms]", "Dikirim dalam satu bulan, termasuk instalasi")
        page.fill("textarea[name=message]", "Program CSR kami mendukung literasi digital.")
        page.click("#main-form button[type=submit]")
        page.wait_for_url(f"{url}/needs/{need.pk}/")
        offer = Offer.objects.get()
        assert (offer.organisation, offer.quantity) == (world.company, Decimal("12.00"))
        assert page.locator(f"[data-testid=offer-{offer.pk}]").count() == 1
        shoot(page, "matching-offer-sent-id")

        # the public sees neither the offer nor the suggestions
        page.context.clear_cookies()
        page.goto(f"{url}/en/needs/{need.pk}/")
        assert page.locator("[data-testid=offers]").count() == 0
        assert page.locator("[data-testid=suggestions]").count() == 0
        assert page.locator("[data-testid^=funding-]").count() >= 5

        # the NGO, coordinator, in English: its offers, then accepts
        _sign_in(page, url, ngo_admin, "/en")
        page.goto(f"{url}/en/offers/")
        assert page.get_attribute("html", "lang") == "en"
        page.click(f"[data-testid=accept-{offer.pk}]")
        page.wait_for_load_state("networkidle")
        page.select_option("select[name=confidentiality]", "public")
        page.click("#main-form button[type=submit]")
        page.wait_for_url(f"{url}/en/needs/{need.pk}/")
        offer.refresh_from_db()
        assert offer.status == OfferStatus.ACCEPTED
        # offered by a staff member: the company is invited, not yet a partner, no commitment
        assert offer.invitation.status == InvitationStatus.PENDING
        assert not Commitment.objects.filter(need=need).exists()
        assert not literacy.members.filter(organisation=world.company).exists()
        # the message after saving says what happened
        assert "when its administrators accept the invitation" in page.inner_text("body")
        row = page.inner_text(f"[data-testid=offer-{offer.pk}]")
        assert "waiting for the organisation's administrators" in row
        assert "PT Contoh Infrastruktur becomes a partner" in row
        shoot(page, "matching-offer-awaiting-en")
        # ... and reads the suggested partners with their reasons and the chart
        suggestions = page.locator("[data-testid=suggestion]")
        assert suggestions.count() >= 1
        reasons = page.inner_text("[data-testid=suggestion-reasons] >> nth=0")
        assert reasons.strip()
        assert page.locator("#chart-suggested-partners svg").count() == 1
        shoot(page, "matching-need-lead-en")

        # the same need in Indonesian for the coordinator
        page.goto(f"{url}/needs/{need.pk}/")
        assert page.get_attribute("html", "lang") == "id"
        assert page.locator("[data-testid=suggestion]").count() == suggestions.count()
        shoot(page, "matching-need-lead-id")

        # the company's administrator, in Indonesian, reads the invitation and accepts it
        _sign_in(page, url, company_admin)
        page.goto(f"{url}/needs/{need.pk}/")
        assert page.locator(f"[data-testid=offer-{offer.pk}] [data-testid=offer-awaiting]").count()
        page.goto(f"{url}/invitations/")
        assert page.get_attribute("html", "lang") == "id"
        card = page.locator(f"[data-invitation='{offer.invitation_id}']")
        text = card.inner_text()  # it says it comes from the offer on this need
        assert "Computers for the learning houses" in text or "Komputer untuk rumah" in text
        shoot(page, "matching-invitation-id")
        card.locator("[data-testid=accept]").click()
        page.wait_for_load_state("networkidle")
        offer.refresh_from_db()
        assert literacy.members.filter(organisation=world.company, left_on__isnull=True).exists()
        commitment = Commitment.objects.get(need=need)
        assert offer.commitment == commitment and not offer.awaits_organisation
        assert commitment.member.organisation == world.company
        assert commitment.quantity == Decimal("12.00") and commitment.confidentiality == "public"
        page.goto(f"{url}/needs/{need.pk}/")
        assert (
            page.locator(f"[data-testid=offer-{offer.pk}] [data-testid=offer-awaiting]").count()
            == 0
        )
        assert blocked == []
    finally:
        page.close()


def test_the_matching_pages_have_no_serious_accessibility_violation(
    browser: Any, live_server: Any
) -> None:
    """axe-core on the board, a need with its offers and suggestions, the offer form and the offers
    page, in both languages (axe is injected as a script: this context bypasses the CSP)."""
    from axe_playwright_python.sync_playwright import Axe

    world = build_world()
    need = partnership_services.need_create(
        actor=world.users["lead_admin"],
        partnership=world.public,
        data={
            "title_ind": "Dana beasiswa",
            "title_en": "Scholarship funds",
            "resource_type": "cash",
            "quantity": Decimal("50000000.00"),
            "currency": "IDR",
        },
    )
    from mitra.matching import services

    services.offer_create(
        actor=world.users["member"], need=need, data={"quantity": Decimal("1000000.00")}
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    axe = Axe()
    failing: dict[str, list[str]] = {}
    try:
        for actor, paths in (
            ("lead_admin", ["/needs/", f"/needs/{need.pk}/", "/offers/"]),
            ("member", [f"/needs/{need.pk}/offer/"]),
        ):
            _sign_in(page, live_server.url, world.users[actor])
            for prefix in ("", "/en"):
                for path in paths:
                    response = page.goto(f"{live_server.url}{prefix}{path}")
                    assert response is not None and response.ok, path
                    found = axe.run(page).response["violations"]
                    bad = [v["id"] for v in found if v["impact"] in {"serious", "critical"}]
                    if bad:
                        failing[f"{prefix}{path}"] = bad
    finally:
        context.close()
    assert failing == {}
