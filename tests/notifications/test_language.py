"""Each reader sees a notification's titles and labels in their own language, whoever caused
it: the in-app list, the API, the e-mails and the digests; rows stored before stay readable."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from mitra.coordination import services as coordination
from mitra.notifications import delivery, selectors
from mitra.notifications.kinds import I18N_KEY, message
from mitra.notifications.models import Notification, Preference
from mitra.partnerships.models import Stage
from tests.api.conftest import API, client_for
from tests.conftest import World

pytestmark = pytest.mark.django_db


def reject_consultation(world: World, language: str) -> Notification:
    """The NGO's admin rejects a step while the site speaks ``language``; the lead's admin is
    told."""
    with translation.override(language):
        coordination.sign_off(
            actor=world.users["ngo_user"],
            partnership=world.partnership,
            step="kpbu.public_consultation",
            decision="reject",
            note="Belum cukup / not enough",
        )
    return Notification.objects.get(
        recipient=world.users["lead_admin"], kind="coordination.signoff_rejected"
    )


def test_caused_in_indonesian_read_in_english(world: World) -> None:
    note = reject_consultation(world, "id")
    with translation.override("en"):
        text = message(note.kind, note.params)
    assert text == (
        "Yayasan Contoh rejected Public consultation (Konsultasi Publik) in Example Toll Road."
    )
    assert "Jalan Tol Contoh" not in text


def test_caused_in_english_read_in_indonesian(world: World) -> None:
    note = reject_consultation(world, "en")
    with translation.override("id"):
        text = message(note.kind, note.params)
    assert "Jalan Tol Contoh" in text and "Konsultasi Publik" in text
    assert "Example Toll Road" not in text and "Public consultation" not in text


def test_the_list_and_the_api_use_the_readers_language(client: Any, world: World) -> None:
    reject_consultation(world, "id")
    client.force_login(world.users["lead_admin"])
    indonesian = client.get(reverse("notifications:list")).content.decode()
    assert "Jalan Tol Contoh" in indonesian
    english = client.get("/en" + reverse("notifications:list")).content.decode()
    assert "Example Toll Road" in english and "Jalan Tol Contoh" not in english
    api = client_for(world, "lead_admin")
    body = api.get_json(f"{API}/notifications", headers={"Accept-Language": "en"}).json()
    assert "Example Toll Road" in body["items"][0]["message"]
    # the bell counts it
    assert 'data-testid="unread-count"' in english


def test_stage_labels_follow_the_reader(world: World) -> None:
    from mitra.notifications.services import notify

    with translation.override("id"):
        notify(
            kind="coordination.stage_changed",
            users=[world.users["ngo_user"]],
            partnership_id=world.partnership.pk,
            params={
                "partnership": world.partnership.title,
                "from": Stage.PLANNING.label,
                "to": Stage.PREPARATION.label,
            },
        )
    note = Notification.objects.get(recipient=world.users["ngo_user"])
    with translation.override("en"):
        english = message(note.kind, note.params)
    with translation.override("id"):
        indonesian = message(note.kind, note.params)
    assert english.startswith("Example Toll Road moved from Planning")
    assert indonesian.startswith("Jalan Tol Contoh")
    assert english != indonesian


def test_the_email_and_the_digest_go_in_the_recipients_language(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    lead = world.users["lead_admin"]
    Preference.objects.create(user=lead, email="immediately", language="en")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reject_consultation(world, "id")
    assert len(mail.outbox) == 1
    assert "Example Toll Road" in mail.outbox[0].subject
    assert "Public consultation" in mail.outbox[0].body
    # the daily digest, in Indonesian, of something caused in English
    Preference.objects.filter(user=lead).update(email="daily", language="id")
    Notification.objects.all().delete()
    mail.outbox.clear()
    reject_consultation(world, "en")
    assert delivery.send_digests() == 1
    assert "Jalan Tol Contoh" in mail.outbox[0].body
    assert "Example Toll Road" not in mail.outbox[0].body


def test_rows_stored_before_stay_readable(world: World) -> None:
    old = Notification.objects.create(
        recipient=world.users["ngo_user"],
        kind="coordination.partner_left",
        partnership_id=world.partnership.pk,
        params={"organisation": "PT A", "partnership": "Jalan Tol Contoh"},
    )
    with translation.override("en"):
        [item] = selectors.rendered([old])
    assert item.message == "PT A left Jalan Tol Contoh."


def test_plain_words_are_stored_once(world: World) -> None:
    from mitra.notifications.services import notify

    [note] = notify(
        kind="coordination.partner_left",
        users=[world.users["ngo_user"]],
        params={"organisation": "PT A", "partnership": "Tanpa kemitraan"},
    )
    assert I18N_KEY not in note.params  # nothing to translate, no partnership to look up


@pytest.mark.parametrize(
    ("language", "zone", "stored", "read"),
    [
        ("id", "Asia/Jakarta", "2026-12-21", "21-12-2026"),
        ("en", "Asia/Jakarta", "2026-12-21", "21/12/2026"),
        ("id", "Asia/Jakarta", "2026-11-30T13:30+00:00", "30-11-2026 20.30 WIB"),
        ("en", "Asia/Jayapura", "2026-11-30T13:30+00:00", "30/11/2026 22:30 WIT"),
        ("en", "Asia/Jakarta", "2026-11-30 20:30 WIB", "30/11/2026 20:30 WIB"),  # stored before
        ("en", "Asia/Jakarta", "2026-02-30", "2026-02-30"),  # not a date: left as it is
        ("en", "Asia/Jakarta", "Rapat 2026-11-30", "Rapat 2026-11-30"),
    ],
)
def test_dates_in_a_message_are_read_in_the_readers_language_and_zone(
    language: str, zone: str, stored: str, read: str
) -> None:
    """Params hold ISO dates and moments; each reader reads them as dates read everywhere else
    in the product (day first), a moment in their own time zone."""
    import zoneinfo

    from django.utils import timezone

    from mitra.notifications.kinds import params_for_reader

    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
        assert params_for_reader({"due": stored}) == {"due": read}


def test_a_meeting_notice_gives_the_time_in_the_readers_zone(world: World) -> None:
    import datetime
    import zoneinfo

    from django.utils import timezone

    from mitra.workplan import services as workplan

    workplan.meeting_create(
        actor=world.users["lead_admin"],
        partnership=world.partnership,
        data={
            "title": "Rapat koordinasi",
            "starts_at": datetime.datetime(2027, 1, 10, 2, 0, tzinfo=datetime.UTC),
            "place": "Bandung",
            "agenda": "1. Jadwal",
        },
        attending_members=[m.pk for m in world.partnership.members.all()],
    )
    notice = Notification.objects.filter(kind__startswith="workplan.meeting").first()
    assert notice is not None
    with translation.override("en"), timezone.override(zoneinfo.ZoneInfo("Asia/Makassar")):
        assert "10/01/2027 10:00 WITA" in message(notice.kind, notice.params)
