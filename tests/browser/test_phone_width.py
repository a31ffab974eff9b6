"""A partnership on a phone (390 px): the tab bar scrolls instead of being cut or widening the
page, amounts never wrap mid-number, and the main tables read as cards of "label: value" lines.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from mitra.core.choices import Confidentiality
from mitra.partnerships import services
from tests.conftest import PASSWORD, build_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PHONE = {"width": 390, "height": 844}

#: Every visible amount is one line box: an inline element that wraps has several client rects.
WRAPPED_AMOUNTS = """() => Array.from(document.querySelectorAll('.mitra-amount'))
  .filter(el => el.offsetParent !== null)
  .filter(el => el.getClientRects().length !== 1
    || el.getBoundingClientRect().height > 1.6 * parseFloat(getComputedStyle(el).fontSize))
  .map(el => el.textContent.trim())"""

TAB_BAR = """() => { const bar = document.querySelector('#partnership-tabs .nav-tabs');
  return {scroll: bar.scrollWidth, client: bar.clientWidth,
          overflowX: getComputedStyle(bar).overflowX,
          page: document.documentElement.scrollWidth}; }"""

CARD_LABELS = """() => { const table = document.querySelector('[data-testid="commitments"]');
  const cell = table.querySelector('tbody td[data-label]');
  return {head: getComputedStyle(table.querySelector('thead')).position,
          row: getComputedStyle(table.querySelector('tbody tr')).display,
          label: getComputedStyle(cell, '::before').content}; }"""


def _world_with_big_numbers() -> Any:
    world = build_world()
    lead = world.users["lead_admin"]
    need = services.need_create(
        actor=lead,
        partnership=world.partnership,
        data={
            "title": "Pinjaman senior sindikasi",
            "resource_type": "cash",
            "quantity": Decimal("6895000000000.00"),
            "currency": "IDR",
        },
    )
    services.commitment_create(
        actor=world.users["member"],
        need=need,
        member=world.partnership.members.get(organisation=world.company),
        data={"quantity": Decimal("5500000000000.00"), "confidentiality": Confidentiality.PARTNERS},
    )
    # a partner with role names as long as they come (they wrap inside the card)
    from mitra.partnerships.models import Role

    company = world.partnership.members.get(organisation=world.company)
    company.roles = [*company.roles, Role.PROJECT_COMPANY, Role.SPONSOR, Role.OPERATOR]
    company.save()
    return world


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#main button[type=submit]").first.click()
    page.wait_for_url(base + "/")


def test_partnership_reads_on_a_phone(browser: Any, live_server: Any, shoot: Any) -> None:
    from playwright.sync_api import expect

    world = _world_with_big_numbers()
    base = live_server.url
    context = browser.new_context(viewport=PHONE, has_touch=True, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15000)
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    _sign_in(page, base, "member")

    # the needs tab of a partnership with seven tabs and trillions of rupiah
    page.goto(f"{base}/partnerships/{world.partnership.pk}/needs/")
    expect(page.get_by_test_id("commitments").first).to_be_visible()
    shoot(page, "phone-needs")

    # the tab bar scrolls sideways inside itself; the page does not
    bar = page.evaluate(TAB_BAR)
    assert bar["overflowX"] == "auto"
    assert bar["scroll"] > bar["client"], bar
    assert bar["page"] <= PHONE["width"], f"the page scrolls sideways ({bar['page']} px)"
    # the active tab is scrolled into view
    expect(page.locator("#tab-needs")).to_be_in_viewport()

    # no amount wraps in the middle of the number (and there are amounts to check)
    assert page.locator(".mitra-amount:visible").count() >= 8
    assert page.evaluate(WRAPPED_AMOUNTS) == []
    expect(page.get_by_test_id("needed").first).to_have_text("Rp 500.000.000,00")

    # the commitments table is a stack of cards labelled by their column headings
    cards = page.evaluate(CARD_LABELS)
    assert cards["head"] == "absolute"
    assert cards["row"] == "block"
    assert cards["label"] == '"Mitra"'

    # the other main tables also stay inside the screen
    for tab in ("partners", "documents"):
        page.goto(f"{base}/partnerships/{world.partnership.pk}/{tab}/")
        expect(page.locator(f"#tab-{tab}")).to_have_attribute("aria-current", "page")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        assert page.evaluate(WRAPPED_AMOUNTS) == []
    page.goto(f"{base}/partnerships/")
    expect(page.get_by_test_id("partnership-table")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert violations == []
    context.close()


def test_amounts_stay_on_one_line_at_desktop_too(browser: Any, live_server: Any) -> None:
    from playwright.sync_api import expect

    world = _world_with_big_numbers()
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15000)
    _sign_in(page, base, "member")
    page.goto(f"{base}/partnerships/{world.partnership.pk}/needs/")
    expect(page.get_by_test_id("commitments").first).to_be_visible()
    assert page.evaluate(WRAPPED_AMOUNTS) == []
    # the action buttons of every commitment row are inside the visible table, not cut off
    clipped = page.evaluate(
        """() => Array.from(document.querySelectorAll('.mitra-actions a')).filter(a => {
             const box = a.closest('.table-responsive').getBoundingClientRect();
             const r = a.getBoundingClientRect();
             return r.right > box.right + 0.5 || r.left < box.left - 0.5; }).length"""
    )
    assert clipped == 0
    context.close()


def _approved_value(world: Any, actual: str, targets: tuple[dict[str, Any], ...] = ()) -> None:
    """An indicator of the public partnership, target 100 for 2025 (half of it for each target
    breakdown given), with ``actual`` reported by the NGO and approved."""
    from mitra.results import services as results
    from tests.results.conftest import approve, indicator_data, report

    lead = world.users["lead_admin"]
    result = results.result_create(
        actor=lead, partnership=world.public, data={"title": "Better teaching", "level": "output"}
    )
    indicator = results.indicator_create(
        actor=lead, result=result, data=indicator_data(world, world.public)
    )
    period = results.period_create(
        actor=lead,
        indicator=indicator,
        data={
            "start": datetime.date(2025, 1, 1),
            "end": datetime.date(2025, 12, 31),
            "target_value": Decimal("100"),
        },
        targets=[{**t, "value": Decimal("50")} for t in targets],
    )
    approve(world, report(world, period, "ngo_user", actual))


def test_the_results_tab_with_its_edit_buttons_fits_a_phone(
    browser: Any, live_server: Any, shoot: Any
) -> None:
    from playwright.sync_api import expect

    # given a results framework the lead partner may edit: every indicator shows five buttons;
    # a period whose target is broken down and whose value was reported and approved
    world = build_world()
    _approved_value(world, "87", targets=({"dimension": "sex", "category": "female"},))
    context = browser.new_context(viewport=PHONE, has_touch=True, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15000)
    _sign_in(page, live_server.url, "lead_admin")
    page.goto(f"{live_server.url}/partnerships/{world.public.pk}/indicators/")
    expect(page.get_by_test_id("indicator-delete")).to_be_visible()
    shoot(page, "phone-results")
    # then the buttons wrap: the page does not scroll sideways
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    # and the scorecard and the periods read as cards: no table scrolls sideways, and the
    # approved value is on the screen beside its label, not in a column scrolled off it
    cards = page.evaluate(RESULT_CARDS)
    assert cards["scroll"] == [], cards
    assert cards["actual"]["text"] == "87,00", cards
    assert cards["actual"]["right"] <= PHONE["width"], cards
    assert cards["actual"]["label"] == '"Realisasi (disetujui)"', cards
    assert cards["latest"]["label"] == '"Nilai terakhir"', cards
    context.close()


RESULT_CARDS = """() => {
  const cell = (sel) => { const el = document.querySelector(sel);
    return {text: el.textContent.trim(), right: el.getBoundingClientRect().right,
            label: getComputedStyle(el, '::before').content}; };
  return {scroll: Array.from(document.querySelectorAll('.table-responsive'))
            .filter(w => w.scrollWidth > w.clientWidth + 1)
            .map(w => w.getAttribute('aria-label') || 'scorecard'),
          actual: cell('[data-testid="period"] [data-testid="actual"]'),
          latest: cell('[data-testid="scorecard-row"] td[data-label]:nth-of-type(2)')}; }"""


OPEN_DATA_FILES = """() => { const wrap = document.querySelector('#bulk-heading')
    .closest('.card').querySelector('.table-responsive');
  return {scroll: wrap.scrollWidth, client: wrap.clientWidth,
          page: document.documentElement.scrollWidth,
          sizes: Array.from(document.querySelectorAll('[data-narrow]'))
            .filter(el => el.offsetParent !== null)
            .map(el => ({text: el.textContent.trim(),
                         right: el.getBoundingClientRect().right}))}; }"""


def test_the_open_data_files_show_their_size_and_date_on_a_phone(
    browser: Any, live_server: Any, settings: Any, tmp_path: Any
) -> None:
    from mitra.disclosure import dumps

    # given the bulk files of the world's public partnership
    build_world()
    settings.MITRA_OPEN_DATA_DIR = str(tmp_path / "open-data")
    dumps.publish()
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    page = context.new_page()
    page.goto(f"{live_server.url}/open-data/")
    found = page.evaluate(OPEN_DATA_FILES)
    # then the table fits the screen without a sideways scroll, and each file's size and date
    # are under its name, inside the screen
    assert found["scroll"] <= found["client"], found
    assert found["page"] <= PHONE["width"], found
    assert len(found["sizes"]) == len(dumps.DUMPS), found
    for size in found["sizes"]:
        assert size["right"] <= PHONE["width"], size
        assert ("KB" in size["text"] or "bita" in size["text"]) and "WIB" in size["text"], size
    context.close()


SIDEWAYS_TABLES = """() => ({
  page: document.documentElement.scrollWidth,
  scrolled: Array.from(document.querySelectorAll('.table-responsive'))
    .filter(w => w.offsetParent !== null && w.scrollWidth > w.clientWidth + 1)
    .map(w => (w.querySelector('table') || w).dataset.testid || w.getAttribute('aria-label')),
  labelled: Array.from(document.querySelectorAll('.mitra-cards tbody td[data-label]'))
    .filter(td => td.offsetParent !== null)
    .map(td => getComputedStyle(td, '::before').content)
    .filter(c => c && c !== 'none').length})"""


def test_lists_read_as_cards_on_a_phone(browser: Any, live_server: Any) -> None:
    from mitra.disputes import services as disputes

    # given organisations, partners' objectives, a political event and an off-track indicator
    world = build_world()
    disputes.event_create(
        actor=world.users["member"],
        data={
            "kind": "election",
            "title": "Pilkada serentak 2029",
            "date": datetime.date(2029, 11, 28),
        },
        partnerships=[world.partnership],
    )
    _approved_value(world, "40")
    context = browser.new_context(viewport=PHONE, has_touch=True, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15000)
    _sign_in(page, live_server.url, "lead_admin")
    pages = {
        "/organisations/": "organisations",
        f"/partnerships/{world.partnership.pk}/objectives/": "objectives",
        "/political-events/": "events",
        "/results/": "off-track indicators",
    }
    for path, name in pages.items():
        page.goto(f"{live_server.url}{path}")
        found = page.evaluate(SIDEWAYS_TABLES)
        # then nothing scrolls sideways: each row is a card of labelled lines
        assert found["page"] <= PHONE["width"], (name, found)
        assert found["scrolled"] == [], (name, found)
        assert found["labelled"] >= 2, (name, found)
    context.close()
