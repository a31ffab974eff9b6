"""Three partners of the demo school PSP (Sekolah Penggerak) state their objectives on two
levers, each signed in with their own demo login, then see the conflict and the compromise in
Indonesian and English."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from mitra.goals.models import Lever, LeverObjective
from mitra.partnerships.models import Partnership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mitra-demo"  # the demo's

#: (login, {lever key: objective}) — the district office (lead), the foundation, the company.
OBJECTIVES: list[tuple[str, dict[str, dict[str, str]]]] = [
    (
        "pemda",
        {
            "teacher_training_hours": {
                "direction": "increase",
                "preferred": "80",
                "acceptable_min": "40",
                "acceptable_max": "80",
                "walk_away": "30",
                "weight": "60",
            },
            "csr_years": {
                "direction": "target",
                "preferred": "5",
                "acceptable_min": "3",
                "acceptable_max": "6",
                "weight": "40",
            },
        },
    ),
    (
        "cerdas-admin",
        {
            "teacher_training_hours": {
                "direction": "increase",
                "preferred": "120",
                "acceptable_min": "60",
                "acceptable_max": "120",
                "weight": "70",
            },
            "csr_years": {
                "direction": "increase",
                "preferred": "8",
                "acceptable_min": "4",
                "acceptable_max": "8",
                "weight": "30",
            },
        },
    ),
    (
        "swasta",
        {
            "teacher_training_hours": {
                "direction": "decrease",
                "preferred": "20",
                "acceptable_min": "20",
                "acceptable_max": "50",
                "walk_away": "70",
                "weight": "50",
            },
            "csr_years": {
                "direction": "decrease",
                "preferred": "3",
                "acceptable_min": "2",
                "acceptable_max": "5",
                "weight": "50",
            },
        },
    ),
]


def _sign_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_load_state("networkidle")


def _fill(page: Any, values: dict[str, str]) -> None:
    page.select_option("select[name=direction]", values["direction"])
    for name in ("preferred", "acceptable_min", "acceptable_max", "weight"):
        page.fill(f"input[name={name}]", values[name])
    page.fill("input[name=walk_away]", values.get("walk_away", ""))
    page.click("#main-form button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_three_partners_state_objectives_and_see_the_conflict_and_compromise(
    browser: Any, live_server: Any, shoot: Any
) -> None:
    call_command("demo", verbosity=0)
    school = Partnership.objects.get(development_sector="education")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    blocked: list[str] = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.set_default_timeout(20000)
    base = live_server.url
    tab = f"{base}/partnerships/{school.pk}/goals/"
    try:
        # the district office (lead) adds two levers from the catalogue
        _sign_in(page, base, "pemda")
        for key in ("teacher_training_hours", "csr_years"):
            page.goto(tab)
            page.click("[data-testid=lever-add]")
            page.wait_for_load_state("networkidle")
            page.select_option("select[name=catalogue_entry]", key)
            page.click("#main-form button[type=submit]")
            page.wait_for_url(tab)
        assert set(Lever.objects.filter(partnership=school).values_list("key", flat=True)) >= {
            "teacher_training_hours",
            "csr_years",
        }

        # each partner signs in with its own login and states its objectives on both
        for login, objectives in OBJECTIVES:
            _sign_in(page, base, login)
            for key, values in objectives.items():
                page.goto(tab)
                page.click(f"[data-lever={key}] [data-testid=objective-edit]")
                page.wait_for_load_state("networkidle")
                if login == "swasta" and key == "teacher_training_hours":
                    # first with the walk-away point on the wrong side: a field error
                    _fill(page, {**values, "walk_away": "30"})
                    page.wait_for_selector("#id_walk_away.is-invalid")
                    assert "50" in page.inner_text("#main-form")  # "... at least 50"
                    assert not LeverObjective.objects.filter(
                        lever__key=key, member__organisation__short_name="Agrodina"
                    ).exists()
                    assert page.locator("#form-errors").count() == 1
                    shoot(page, "goals-field-error-id")
                _fill(page, values)
                page.wait_for_url(tab)
        stated = LeverObjective.objects.filter(
            lever__partnership=school, lever__key__in=["teacher_training_hours", "csr_years"]
        )
        assert stated.count() == 6

        # the lead reads the result in Indonesian ...
        _sign_in(page, base, "pemda")
        page.goto(tab)
        assert page.get_attribute("html", "lang") == "id"
        training = page.locator("[data-lever=teacher_training_hours]")
        sentence = training.locator("[data-testid=lever-sentence]").inner_text()
        assert "YCB" in sentence and "Agrodina" in sentence and "10" in sentence
        assert training.locator("svg").count() == 1
        csr = page.locator("[data-lever=csr_years] [data-testid=lever-sentence]").inner_text()
        assert "4" in csr and "5" in csr
        assert page.locator("#chart-conflicts svg").count() == 1
        assert page.locator("[data-testid=moves] li").count() >= 1
        assert page.locator("#chart-satisfaction svg").count() == 1
        shoot(page, "goals-school-id")

        # ... and in English: plain words first, the mathematics one click away
        page.goto(f"{base}/en/partnerships/{school.pk}/goals/")
        assert page.get_attribute("html", "lang") == "en"
        training = page.locator("[data-lever=teacher_training_hours]")
        assert training.locator("[data-testid=lever-sentence]").inner_text() == (
            "YCB and Agrodina cannot both be satisfied on Teacher training hours per year: "
            "the gap is 10 hours."
        )
        csr = page.locator("[data-lever=csr_years] [data-testid=lever-sentence]").inner_text()
        assert csr == (
            "All partners can accept CSR (TJSL) funding commitment between 4 years and 5 years."
        )
        headline = page.inner_text("[data-testid=goals-headline]")
        assert "do not meet" in headline and "Teacher training hours per year" in headline
        moves = page.inner_text("[data-testid=moves]")
        assert "would have to accept" in moves
        assert page.locator("[data-testid=compromise-table] tbody tr").count() == 5
        math = page.locator("[data-testid=mathematics]")
        assert not math.locator("p").first.is_visible()
        math.locator("summary").click()
        assert "mitra align" in math.inner_text()
        shoot(page, "goals-school-en")

        # ... and on a phone the partners' objectives read as cards: no table of them scrolls
        # sideways, and each value is on the screen beside its label
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(tab)
        phone = page.evaluate(OBJECTIVE_CARDS)
        assert phone["scrolled"] == [] and phone["cells"], phone
        assert all(c["right"] <= 390 and c["label"] != "none" for c in phone["cells"]), phone
        assert blocked == []
    finally:
        page.close()


OBJECTIVE_CARDS = """() => ({
  scrolled: Array.from(document.querySelectorAll('[data-testid=objectives]'))
    .map(t => t.closest('.table-responsive'))
    .filter(w => w.scrollWidth > w.clientWidth + 1).map(w => w.getAttribute('aria-labelledby')),
  cells: Array.from(document.querySelectorAll('[data-testid=objectives] tbody td[data-label]'))
    .map(td => ({right: td.getBoundingClientRect().right,
                 label: getComputedStyle(td, '::before').content}))})"""
