"""Notifications: followers told without duplicates (what they may see), e-mails in the
recipient's language (immediately, daily digest, off), the bell, the page, the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from mitra.notifications import delivery, services
from mitra.notifications.kinds import register_kind
from mitra.notifications.models import Notification, Preference
from tests.api.conftest import API, client_for
from tests.conftest import World

pytestmark = pytest.mark.django_db

register_kind("tests.thing", "Things", "%(partnership)s: a thing happened to %(what)s.")


def tell(
    world: World,
    *,
    users: list[Any] = (),
    internal: bool = True,
    partnership: Any = None,
    actor: Any = None,
) -> list[Notification]:
    partnership = partnership or world.partnership
    return services.notify(
        kind="tests.thing",
        actor=actor,
        users=users,
        organisations=[world.pemda],
        partnership_id=partnership.pk,
        url="/partnerships/1/",
        params={"partnership": partnership.title, "what": "X"},
        internal=internal,
    )


def test_followers_are_told_once_and_only_what_they_may_see(world: World) -> None:
    lead, ngo, outsider = (
        world.users["lead_admin"],
        world.users["ngo_user"],
        world.users["outsider"],
    )
    services.follow_set(actor=ngo, partnership_id=world.partnership.pk, follow=True)
    services.follow_set(actor=lead, partnership_id=world.partnership.pk, follow=True)
    with pytest.raises(services.PermissionDenied):
        services.follow_set(actor=outsider, partnership_id=world.partnership.pk, follow=True)
    created = tell(world, users=[ngo], actor=lead)
    assert [n.recipient for n in created] == [ngo]  # once, and never the actor
    # On a public partnership an outsider follows and hears only what is public.
    services.follow_set(actor=outsider, partnership_id=world.public.pk, follow=True)
    assert outsider not in [n.recipient for n in tell(world, partnership=world.public)]
    assert outsider in [n.recipient for n in tell(world, partnership=world.public, internal=False)]


def test_emails_in_each_recipients_language(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    ngo, lead = world.users["ngo_user"], world.users["lead_admin"]
    Preference.objects.create(user=ngo, email="immediately", language="en")
    Preference.objects.create(user=lead, email="immediately", language="id")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            kind="workplan.decision_taken",
            organisations=[world.pemda, world.ngo],
            partnership_id=world.partnership.pk,
            url="/x/",
            params={"partnership": "Tol", "decision": "Percepat"},
        )
    by = {m.to[0]: m for m in mail.outbox}
    assert set(by) == {ngo.email, lead.email}
    english, indonesian = by[ngo.email], by[lead.email]
    assert english.subject == "[Mitra] Tol: a decision was recorded: “Percepat”."
    assert indonesian.subject.startswith("[Mitra] Tol")
    assert "Hello" in english.body and "http://" in english.body
    assert english.alternatives and english.alternatives[0][1] == "text/html"
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 2
    assert delivery.send_immediate(list(Notification.objects.values_list("pk", flat=True))) == 0


def test_daily_digest_is_idempotent_and_off_sends_nothing(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    ngo, lead = world.users["ngo_user"], world.users["lead_admin"]
    Preference.objects.create(user=ngo, email="daily", language="en")
    Preference.objects.create(user=lead, email="off", language="id")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tell(world, users=[ngo])
        tell(world, users=[ngo])
    assert mail.outbox == []
    call_command("send_digests", stdout=None)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [ngo.email]
    assert mail.outbox[0].subject == "[Mitra] Your daily summary: 2 notifications"
    call_command("send_digests")
    assert len(mail.outbox) == 1


def test_the_bell_the_page_and_marking_read(client: Any, world: World) -> None:
    ngo = world.users["ngo_user"]
    tell(world, users=[ngo])
    tell(world, users=[ngo])
    client.force_login(ngo)
    page = client.get(reverse("notifications:list")).content.decode()
    assert 'data-testid="unread-count">2<' in page
    first = Notification.objects.filter(recipient=ngo).first()
    response = client.post(reverse("notifications:read", args=[first.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/partnerships/1/"
    assert (
        'data-testid="unread-count">1<'
        in client.get(reverse("notifications:list")).content.decode()
    )
    client.post(reverse("notifications:read_all"))
    assert (
        'data-testid="unread-count"'
        not in client.get(reverse("notifications:list")).content.decode()
    )
    # Someone else's notification: 404.
    other = tell(world)[0]
    assert client.post(reverse("notifications:read", args=[other.pk])).status_code == 404


def test_preferences_page(client: Any, world: World) -> None:
    ngo = world.users["ngo_user"]
    client.force_login(ngo)
    url = reverse("notifications:preferences")
    assert client.get(url).status_code == 200
    assert client.post(url, {"email": "sometimes", "language": "en"}).status_code == 400
    assert client.post(url, {"email": "daily", "language": "en"}).status_code == 302
    assert Preference.objects.get(user=ngo).email == "daily"


def test_the_api_unread_first_in_the_request_language(world: World) -> None:
    ngo = world.users["ngo_user"]
    old, new = (next(n for n in tell(world, users=[ngo]) if n.recipient == ngo) for _ in range(2))
    services.notification_mark_read(actor=ngo, notification_id=new.pk)
    api = client_for(world, "ngo_user")
    body = api.get_json(f"{API}/notifications", headers={"Accept-Language": "en"}).json()
    assert body["count"] == 2
    assert [i["read"] for i in body["items"]] == [False, True]
    assert body["items"][0]["id"] == old.pk
    # The English reader sees the partnership's English title (notifications/kinds.py).
    assert body["items"][0]["message"] == "Example Toll Road: a thing happened to X."
    read = api.post_json(f"{API}/notifications/{old.pk}/read", {})
    assert read.status_code == 200 and read.json()["read"] is True
    assert (
        client_for(world, "member").post_json(f"{API}/notifications/{old.pk}/read", {}).status_code
        == 404
    )
    assert client_for(world, "anonymous").get_json(f"{API}/notifications").status_code == 401
