"""Partners of the demo toll road KPBU hold a meeting: the PJPK (Kementerian PU) schedules it,
records a decision with each partner's position and an action item for the toll road company
(BUJT), which then appears on the workplan's Gantt chart. The NGO (English e-mails) and the BUJT
(Indonesian e-mails) are told by e-mail, captured here, and the NGO's bell counts them."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from mitra.notifications.models import Notification, Preference
from mitra.partnerships.models import Partnership
from mitra.workplan.models import Decision, Meeting, Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mitra-demo"  # the demo's


def _sign_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_load_state("networkidle")


def _bell(page: Any) -> int:
    badge = page.locator("[data-testid=unread-count]")
    return int(badge.inner_text()) if badge.count() else 0


def _check(page: Any, form: Any, name: str, label: str) -> None:
    form.locator(f"input[name={name}]").locator("xpath=..").filter(has_text=label).locator(
        "input"
    ).check()


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_a_meeting_decides_and_its_action_item_lands_on_the_gantt(
    browser: Any, live_server: Any, shoot: Any
) -> None:
    call_command("demo", verbosity=0)
    toll = Partnership.objects.get(development_sector="toll_road")
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["lsm", "mtp-admin", "pu-admin"])
    }
    Preference.objects.create(user=users["lsm"], email="immediately", language="en")
    Preference.objects.create(user=users["mtp-admin"], email="immediately", language="id")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    blocked: list[str] = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.set_default_timeout(20000)
    base = live_server.url
    meetings = f"{base}/partnerships/{toll.pk}/meetings/"
    workplan = f"{base}/partnerships/{toll.pk}/workplan/"
    try:
        # the NGO's bell before the meeting
        _sign_in(page, base, "lsm")
        page.goto(workplan)
        before = _bell(page)
        assert before == Notification.objects.filter(recipient=users["lsm"], read_at=None).count()

        # the PJPK schedules a meeting with the NGO and the BUJT attending
        _sign_in(page, base, "pu-admin")
        page.goto(meetings)
        assert page.locator("[data-testid=rule-edit]").count() == 1  # the lead may change it
        page.click("[data-testid=meeting-add]")
        page.wait_for_load_state("networkidle")
        form = page.locator("#main-form")
        page.fill("#id_title", "Rapat jadwal konsultasi warga")
        when = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
        page.fill("#id_starts_at", f"{when}T09:00")
        page.fill("#id_place", "Balai Desa Cikajang")
        page.fill("#id_agenda", "1. Jadwal konsultasi warga terdampak\n2. Tim desain")
        for label in ("Kementerian PU", "MTP", "YPPA"):
            _check(page, form, "attending_members", label)
        mail.outbox.clear()
        page.click("#main-form button[type=submit]")
        page.wait_for_url(re.compile(r".*/workplan/meetings/\d+/$"))
        meeting = Meeting.objects.get(title="Rapat jadwal konsultasi warga")
        assert page.inner_text("[data-testid=meeting-title]") == meeting.title

        # ... then records the decision: every attendee agrees, with an action item for the BUJT
        page.click("[data-testid=decision-add]")
        page.wait_for_load_state("networkidle")
        page.fill("#id_title", "Konsultasi warga sebelum konstruksi seksi 1")
        members = {str(m.organisation): m for m in toll.members.select_related("organisation")}
        for label in ("Kementerian PU", "MTP", "YPPA"):
            page.select_option(f"#id_position_{members[label].pk}", "agree")
        page.fill("#id_action_title", "Siapkan bahan konsultasi warga")
        page.select_option("#id_action_member", str(members["MTP"].pk))
        page.fill("#id_action_start", datetime.date.today().isoformat())
        page.fill(
            "#id_action_due", (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
        )
        page.click("#main-form button[type=submit]")
        page.wait_for_url(re.compile(r".*/workplan/meetings/\d+/$"))
        decision = Decision.objects.get(meeting=meeting)
        assert decision.rule == "weighted" and decision.outcome == "adopted"
        assert page.locator("[data-testid=decision]").count() == 1
        assert "Siapkan bahan konsultasi warga" in page.inner_text("[data-testid=action-items]")
        shoot(page, "workplan-meeting-id")
        page.goto(f"{base}/en/partnerships/{toll.pk}/workplan/meetings/{meeting.pk}/")
        sentence = page.inner_text("[data-testid=decision-sentence]")
        assert "Weighted by stake" not in sentence
        # no sponsor took a position, so every partner weighed the same
        assert sentence.startswith("Adopted by a majority of the partners who voted (3 agreed")
        shoot(page, "workplan-meeting-en")

        # the action item is on the workplan and its Gantt chart
        action = Task.objects.get(decision=decision)
        page.goto(workplan)
        gantt = page.locator("[data-testid=gantt] svg")
        assert gantt.count() == 1
        assert "Siapkan bahan konsultasi warga" in gantt.inner_html()
        assert page.locator(f"[data-task='{action.pk}']").count() == 1
        shoot(page, "workplan-gantt-id")
        page.goto(f"{base}/en/partnerships/{toll.pk}/workplan/")
        assert "tasks are done" in page.inner_text("[data-testid=workplan-summary]")
        shoot(page, "workplan-gantt-en")

        # the e-mails went out in each recipient's language
        to = {m.to[0]: m for m in mail.outbox if "Konsultasi warga sebelum" in m.subject}
        english, indonesian = to[users["lsm"].email], to[users["mtp-admin"].email]
        assert (
            english.subject.startswith("[Mitra] ") and "a decision was recorded" in english.subject
        )
        assert "Hello" in english.body
        assert 'lang="en"' in english.alternatives[0][0]
        assert indonesian.subject.startswith("[Mitra] ")
        assert 'lang="id"' in indonesian.alternatives[0][0]
        scheduled = [m for m in mail.outbox if "Rapat jadwal konsultasi warga" in m.subject]
        assert {m.to[0] for m in scheduled} >= {users["lsm"].email, users["mtp-admin"].email}

        # the NGO's bell counts the meeting and the decision; reading them all clears it
        _sign_in(page, base, "lsm")
        page.goto(f"{base}/en/notifications/")
        assert _bell(page) == before + 2
        assert "a decision was recorded" in page.inner_text("[data-testid=notifications]")
        shoot(page, "workplan-notifications-en")
        page.click("[data-testid=read-all]")
        page.wait_for_load_state("networkidle")
        assert _bell(page) == 0
        assert blocked == []
    finally:
        page.close()
