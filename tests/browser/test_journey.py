"""The main journey in a real browser, and a stale edit in two browser contexts.

Users and organisations are created the way the demo does (through services): `pemda`
administers a regional government, `swasta` works for a private company.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from mitra.organisations.models import Organisation, OrganisationRole
from mitra.organisations.services import organisation_add_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "mitra-demo"


def _people() -> dict[str, Any]:
    users = {}
    for name in ("pemda", "swasta", "pemda2"):
        users[name] = get_user_model().objects.create_user(username=name, password=PASSWORD)
    pemda = Organisation(
        name="Pemerintah Kota Contoh",
        short_name="Pemkot Contoh",
        sector="public",
        kind="regional_government",
        province="ID-JB",
    )
    company = Organisation(
        name="PT Air Bersih Nusantara",
        short_name="PT Air Bersih",
        sector="private",
        kind="company",
        province="ID-JB",
    )
    for org in (pemda, company):
        org.full_clean()
        org.save()
    organisation_add_user(
        actor=None,
        organisation=pemda,
        user=users["pemda"],
        role=OrganisationRole.ADMIN,
        system=True,
    )
    organisation_add_user(
        actor=None,
        organisation=pemda,
        user=users["pemda2"],
        role=OrganisationRole.ADMIN,
        system=True,
    )
    organisation_add_user(
        actor=None,
        organisation=company,
        user=users["swasta"],
        role=OrganisationRole.ADMIN,
        system=True,
    )
    return {"users": users, "pemda": pemda, "company": company}


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.locator("#main").get_by_role("button", name="Masuk").click()
    page.wait_for_url(base + "/")


def _submit(page: Any, label: str = "Simpan") -> None:
    page.locator("#main-form").get_by_role("button", name=label).click()


def test_main_journey(browser: Any, live_server: Any, shoot: Any) -> None:
    from playwright.sync_api import expect

    _people()
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15000)

    # Sign in as pemda; the dashboard is in Indonesian.
    _sign_in(page, base, "pemda")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", name="Dasbor")).to_be_visible()
    shoot(page, "01-dashboard-id")

    # Create a PPP partnership.
    page.get_by_role("link", name="Kemitraan baru").first.click()
    page.get_by_label("Judul (bahasa Indonesia)").fill("SPAM Regional Contoh")
    page.get_by_label("Judul (bahasa Inggris)").fill("Example Regional Water Supply")
    page.select_option("#id_form", "ppp")
    page.select_option("#id_development_sector", "water")
    page.select_option("#id_province", "ID-JB")
    page.get_by_label("Nilai perkiraan").fill("1250000000")
    page.select_option("#id_visibility", "partners")
    page.get_by_label("Penanggung Jawab Proyek Kerja Sama (PJPK)").check()
    shoot(page, "02-create-form")
    _submit(page, "Buat")
    expect(page.get_by_test_id("partnership-title")).to_have_text("SPAM Regional Contoh")
    detail_url = page.url
    expect(page.get_by_test_id("required-sectors")).to_contain_text("belum ada")
    expect(page.get_by_test_id("estimated-value")).to_have_text("Rp 1.250.000.000,00")
    shoot(page, "03-overview-missing-sector")

    # The stage is no longer edited in the form: it moves through the lifecycle's gate
    # (issue 14; tests/browser/test_coordination_journey.py takes a KPBU through it).
    page.get_by_role("link", name="Ubah kemitraan").click()
    expect(page.locator("#id_stage")).to_be_disabled()
    shoot(page, "04-stage-through-the-gate")

    # Invite the private partner with its role (tabs load through htmx and push their URL); its
    # administrator accepts, and only then is it a partner.
    page.goto(detail_url)
    page.get_by_role("link", name="Mitra dan peran").click()
    expect(page).to_have_url(re.compile(r"/partners/$"))
    expect(page.locator("#tab-partners")).to_have_attribute("aria-current", "page")
    page.get_by_test_id("invite-partner").click()
    page.select_option("#id_organisation", label="PT Air Bersih Nusantara · Swasta (badan usaha)")
    page.get_by_label("Badan Usaha Pelaksana (BUP)").check()
    page.get_by_label("Operator").check()
    page.locator("#main-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("pending-invitation")).to_contain_text("PT Air Bersih Nusantara")
    company = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    company_page = company.new_page()
    company_page.set_default_timeout(15000)
    _sign_in(company_page, base, "swasta")
    company_page.goto(base + "/invitations/")
    company_page.get_by_test_id("accept").click()
    expect(company_page.get_by_test_id("partnership-title")).to_have_text("SPAM Regional Contoh")
    company.close()
    page.reload()
    expect(page.locator("#tab-panel")).to_contain_text("PT Air Bersih Nusantara")
    expect(page.locator("#tab-panel")).to_contain_text("Badan Usaha Pelaksana (BUP)")
    shoot(page, "05-partners")

    page.goto(detail_url)
    expect(page.get_by_test_id("required-sectors")).not_to_contain_text("belum ada")

    # Record a need, pledge against it (as pemda's own organisation), deliver part of it. Its
    # group of sections opens on it, its first tab.
    page.get_by_role("link", name="Kebutuhan dan sasaran").click()
    expect(page.locator("#tab-needs")).to_have_attribute("aria-current", "page")
    page.get_by_role("link", name="Kebutuhan dan komitmen").click()
    page.get_by_role("link", name="Catat kebutuhan").click()
    page.get_by_label("Judul (bahasa Indonesia)").fill("Ekuitas proyek")
    page.select_option("#id_resource_type", "cash")
    page.get_by_label("Jumlah atau nilai").fill("1000000000")
    page.select_option("#id_currency", "IDR")
    _submit(page)
    need = page.locator("article").filter(has_text="Ekuitas proyek")
    expect(need.get_by_test_id("gap")).to_have_text("Rp 1.000.000.000,00")
    expect(need.get_by_test_id("pledged-pct")).to_have_text("0,0 %")

    need.get_by_role("link", name="Ajukan komitmen").click()
    page.get_by_label("Jumlah atau nilai komitmen").fill("400000000")
    _submit(page, "Ajukan komitmen")
    need = page.locator("article").filter(has_text="Ekuitas proyek")
    expect(need.get_by_test_id("pledged")).to_have_text("Rp 400.000.000,00")
    expect(need.get_by_test_id("gap")).to_have_text("Rp 600.000.000,00")
    expect(need.get_by_test_id("pledged-pct")).to_have_text("40,0 %")

    need.get_by_role("link", name="Catat realisasi").click()
    page.get_by_label("Tanggal realisasi").fill("2026-06-01")
    page.get_by_label("Jumlah atau nilai yang direalisasikan").fill("100000000")
    _submit(page)
    need = page.locator("article").filter(has_text="Ekuitas proyek")
    expect(need.get_by_test_id("delivered")).to_have_text("Rp 100.000.000,00")
    expect(need.get_by_test_id("delivered-pct")).to_have_text("10,0 %")
    expect(page.get_by_test_id("member-fulfilment")).to_contain_text("25,0 %")
    shoot(page, "06-needs-id")
    needs_url = page.url

    # The same page on a phone.
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, device_scale_factor=2
    )
    phone.add_cookies(context.cookies())
    phone_page = phone.new_page()
    phone_page.goto(needs_url)
    expect(phone_page.get_by_role("button", name="Tampilkan atau sembunyikan menu")).to_be_visible()
    shoot(phone_page, "07-needs-phone")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    phone.close()

    # Switch to English: same page, English UI and money format.
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(r"/en/partnerships/\d+/needs/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#tab-needs")).to_have_text("Needs and commitments")
    expect(page.get_by_test_id("partnership-title")).to_have_text("Example Regional Water Supply")
    need = page.locator("article").filter(has_text="Ekuitas proyek")
    expect(need.get_by_test_id("gap")).to_have_text("IDR 600,000,000.00")
    shoot(page, "08-needs-en")

    # History shows the edits (in the partnership's own group of sections).
    page.get_by_role("link", name="The partnership").click()
    page.get_by_role("link", name="History").click()
    expect(page.get_by_test_id("history")).to_contain_text("PT Air Bersih")
    shoot(page, "09-history-en")

    # Sign out (a POST form).
    page.get_by_role("button", name="Sign out").click()
    expect(
        page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Sign in")
    ).to_be_visible()
    expect(page.get_by_test_id("signed-in-as")).to_have_count(0)
    context.close()


def test_stale_edit_in_two_browsers(browser: Any, live_server: Any, shoot: Any) -> None:
    from playwright.sync_api import expect

    from mitra.partnerships import services

    people = _people()
    partnership = services.partnership_create(
        actor=people["users"]["pemda"],
        lead_organisation=people["pemda"],
        data={"title_ind": "Rumah Sakit Contoh", "form": "ppp", "development_sector": "health"},
    )
    base = live_server.url
    edit_url = f"{base}/partnerships/{partnership.pk}/edit/"
    pages = []
    for username in ("pemda", "pemda2"):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        _sign_in(page, base, username)
        page.goto(edit_url)
        pages.append(page)
    first, second = pages

    # The first saves a new regency.
    first.get_by_label("Kabupaten atau kota").fill("Kota Bogor")
    _submit(first)
    expect(first.get_by_test_id("partnership-title")).to_be_visible()

    # The second, still on the old version, changes the title: refused, input kept.
    second.get_by_label("Judul (bahasa Indonesia)").fill("RS Umum Daerah Contoh")
    _submit(second)
    stale = second.get_by_test_id("stale-edit")
    expect(stale).to_contain_text("pemda")
    expect(stale).to_contain_text("Kota Bogor")
    expect(second.get_by_label("Judul (bahasa Indonesia)")).to_have_value("RS Umum Daerah Contoh")
    shoot(second, "10-stale-edit")

    # Re-submitting applies the change on top of the other one.
    _submit(second)
    expect(second.get_by_test_id("partnership-title")).to_have_text("RS Umum Daerah Contoh")
    second.get_by_role("link", name="Riwayat").click()
    history = second.get_by_test_id("history")
    expect(history).to_contain_text("Kota Bogor")
    expect(history).to_contain_text("RS Umum Daerah Contoh")
    for page in pages:
        page.context.close()
