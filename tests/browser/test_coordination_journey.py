"""Issue 14 in a real browser: three organisations (the PJPK, a BUP and an NGO) take a KPBU
through its first gate with sign-offs, after the NGO and the BUP accepted their invitations; a
jump from planning to operation is refused on the page and through the API. Indonesian pages,
and the Lifecycle tab and the invitations page checked in English too."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from mitra.coordination import services as coordination
from mitra.organisations.models import Organisation, OrganisationRole
from mitra.organisations.services import organisation_add_user
from mitra.partnerships import services
from mitra.partnerships.models import Partnership, Role, Visibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mitra-demo"
SHOTS = Path("/tmp/shots/coordination")


def _org(name: str, sector: str, kind: str, username: str) -> tuple[Organisation, Any]:
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    org = Organisation(name=name, short_name=name[:20], sector=sector, kind=kind, province="ID-JB")
    org.full_clean()
    org.save()
    organisation_add_user(
        actor=None, organisation=org, user=user, role=OrganisationRole.ADMIN, system=True
    )
    return org, user


def _sign_in(browser: Any, base: str, username: str, locale: str = "id-ID") -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(base + "/")
    return page


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _file(partnership: Partnership, user: Any, organisation: Organisation, doc_type: str) -> None:
    services.document_create(
        actor=user,
        member=partnership.members.get(organisation=organisation),
        data={"title": doc_type, "doc_type": doc_type},
        file=SimpleUploadedFile(f"{doc_type}.pdf", b"%PDF-1.4 x", "application/pdf"),
    )


def test_a_kpbu_goes_through_its_first_gate(browser: Any, live_server: Any) -> None:
    from playwright.sync_api import expect

    pjpk, pjpk_user = _org("Pemerintah Kota Contoh", "public", "regional_government", "pjpk")
    bup, _bup_user = _org("PT Air Bersih Nusantara", "private", "company", "bup")
    _ngo, _ngo_user = _org("Yayasan Air Warga", "social", "foundation", "lsm")
    road = services.partnership_create(
        actor=pjpk_user,
        lead_organisation=pjpk,
        data={
            "title_ind": "SPAM Regional Contoh",
            "title_en": "Example Regional Water Supply",
            "form": "ppp",
            "development_sector": "water",
            "visibility": Visibility.PARTNERS,
        },
        lead_roles=[Role.CONTRACTING_AGENCY],
    )
    base = live_server.url
    lifecycle = f"{base}/partnerships/{road.pk}/lifecycle/"

    # The PJPK invites the NGO on the partners tab; the BUP is invited too (as a bidder).
    lead = _sign_in(browser, base, "pjpk")
    lead.goto(f"{base}/partnerships/{road.pk}/partners/")
    lead.get_by_test_id("invite-partner").click()
    lead.select_option("#id_organisation", label="Yayasan Air Warga · Sosial (masyarakat sipil)")
    lead.locator("input[name=roles][value=community_representative]").check()
    lead.locator("#id_message").fill("Mohon bergabung untuk Konsultasi Publik.")
    lead.locator("#main-form").locator("button[type=submit]").click()
    expect(lead.get_by_test_id("pending-invitation")).to_contain_text("Yayasan Air Warga")
    _shot(lead, "01-pending-invitation")
    coordination.invitation_create(
        actor=pjpk_user, partnership=road, organisation=bup, roles=[Role.BIDDER]
    )

    # Invited is not a partner: the NGO does not see the partners-only KPBU yet.
    community = _sign_in(browser, base, "lsm")
    response = community.goto(lifecycle)
    assert response.status == 404
    community.goto(base + "/invitations/")
    expect(community.get_by_test_id("invitation")).to_contain_text("SPAM Regional Contoh")
    _shot(community, "02-invitation-id")
    community.locator("input[name=message]").fill("Dengan senang hati.")
    community.get_by_test_id("accept").click()
    expect(community.get_by_test_id("partnership-title")).to_have_text("SPAM Regional Contoh")

    # The BUP answers in English.
    company = _sign_in(browser, base, "bup", locale="en-GB")
    company.goto(base + "/en/invitations/")
    expect(company.locator("h1")).to_have_text("Invitations")
    _shot(company, "03-invitation-en")
    company.get_by_test_id("accept").click()
    expect(company.get_by_test_id("partnership-title")).to_have_text(
        "Example Regional Water Supply"
    )

    # The studies are filed.
    _file(road, pjpk_user, pjpk, "preliminary_study")
    _file(road, pjpk_user, pjpk, "public_consultation")

    # A jump from planning to operation is refused on the page ...
    lead.goto(lifecycle)
    expect(lead.get_by_test_id("gate")).to_have_attribute("data-open", "false")
    lead.select_option("#id_stage", "operation")
    lead.get_by_test_id("stage-submit").click()
    expect(lead.get_by_test_id("stage-errors")).to_be_visible()
    _shot(lead, "04-jump-refused")
    # ... and through the API.
    api = Client()
    api.force_login(pjpk_user)
    road.refresh_from_db()
    answer = api.post(
        f"/api/v1/partnerships/{road.pk}/stage",
        json.dumps({"stage": "operation", "version": road.version}),
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert answer.json()["missing"]
    road.refresh_from_db()
    assert road.stage == "planning"

    # The PJPK signs off its three planning steps on the page.
    lead.goto(lifecycle)
    for step in ("kpbu.preliminary_study", "kpbu.public_consultation", "kpbu.listing"):
        lead.locator(f"[data-step='{step}']").get_by_test_id("approve").click()
        expect(lead.locator(f"[data-step='{step}'] [data-status=signed]").first).to_be_visible()
    expect(lead.get_by_test_id("gate")).to_have_attribute("data-open", "false")
    expect(lead.get_by_test_id("waiting-for")).to_contain_text("Yayasan Air Warga")
    _shot(lead, "05-waiting-for-the-ngo")

    # The NGO signs the public consultation off; the gate opens.
    community.goto(lifecycle)
    community.locator("[data-step='kpbu.public_consultation']").get_by_test_id("approve").click()
    expect(community.locator("[data-step='kpbu.public_consultation']")).to_have_attribute(
        "data-complete", "true"
    )

    lead.goto(lifecycle)
    expect(lead.get_by_test_id("gate")).to_have_attribute("data-open", "true")
    _shot(lead, "06-gate-open")
    expect(lead.locator("#id_stage")).to_have_value("preparation")
    lead.get_by_test_id("stage-submit").click()
    expect(lead.locator("[data-testid=stage-progress] [aria-current=step]")).to_have_attribute(
        "data-stage", "preparation"
    )
    _shot(lead, "07-preparation")
    road.refresh_from_db()
    assert road.stage == "preparation"

    # The tab in English.
    lead.goto(f"{base}/en/partnerships/{road.pk}/lifecycle/")
    expect(lead.get_by_test_id("gate")).to_contain_text("Stage gate")
    expect(lead.locator("[data-step='kpbu.obc']")).to_contain_text("Outline business case")
    _shot(lead, "08-lifecycle-en")
    assert re.search(r"/en/partnerships/\d+/lifecycle/$", lead.url)
