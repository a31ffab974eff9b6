"""A visitor with no account finds a public partnership by an Indonesian word and by an English
word, reads it, and downloads it as OCDS and OC4IDS; nothing hidden shows on the way."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_finds_reads_and_downloads(browser: Any, live_server: Any, shoot: Any) -> None:
    call_command("demo", verbosity=0)
    page = browser.new_page()
    try:
        # Indonesian: search for "Penggerak" (as in Sekolah Penggerak; "sekolah" alone also
        # finds the TJSL programme's farmer field schools, sekolah lapang).
        page.goto(f"{live_server.url}/partnerships/")
        assert page.locator("#results tbody tr").count() == 4  # the four public demo ones
        # The list refreshes 400 ms after the visitor stops typing.
        page.locator("#id_q").press_sequentially("Penggerak")
        # (locator assertions: the Content-Security-Policy forbids evaluating strings in the page)
        expect(page.locator("#results tbody tr")).to_have_count(1)
        assert "Kemitraan Sekolah Penggerak Jawa Barat" in page.inner_text("#results tbody tr")
        assert "q=Penggerak" in page.url  # the search is in the address, to share or bookmark
        # Partners-only and draft partnerships never appear, whatever the search.
        page.fill("#id_q", "")
        page.locator("#id_q").press_sequentially("Sidoarjo")
        expect(page.locator("#results")).not_to_contain_text("Sekolah")
        assert "Sidoarjo" not in page.locator("#results").inner_text()

        # English: search for "Toll".
        page.goto(f"{live_server.url}/en/partnerships/?q=Toll")
        assert page.locator("#results tbody tr").count() == 1
        page.click("#results tbody tr a")
        page.wait_for_load_state("networkidle")
        assert "Bandung–South Garut Toll Road PPP" in page.inner_text("h1")
        shoot(page, "portal-partnership-en")

        # Downloads: the open-data links on the page answer with valid packages.
        ocds_href = page.get_attribute('[data-testid="open-data"] [data-download="ocds"]', "href")
        response = page.request.get(f"{live_server.url}{ocds_href}")
        assert response.ok
        package = json.loads(response.body())
        record = package["records"][0]
        code = page.inner_text('[data-testid="partnership-code"]').strip()
        assert record["ocid"].endswith(code)
        parties = {p["name"] for p in record["compiledRelease"]["parties"]}
        assert "Kementerian Pekerjaan Umum" in parties  # the demo toll road's contracting agency
        oc4ids_href = page.get_attribute(
            '[data-testid="open-data"] [data-download="oc4ids"]', "href"
        )
        response = page.request.get(f"{live_server.url}{oc4ids_href}")
        assert response.ok
        assert json.loads(response.body())["projects"][0]["title"]
    finally:
        page.close()
