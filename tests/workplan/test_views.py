"""Pages of the Workplan, Meetings and Activity tabs: who sees them, forms with field errors, the
Gantt chart, the meeting page, calendars by secret address, following."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from mitra.notifications.models import Follow
from mitra.workplan.models import CalendarFeed, Decision, Meeting, Task
from tests.conftest import World

from .conftest import member_of

pytestmark = pytest.mark.django_db


def tab(world: World, key: str) -> str:
    return reverse("partnerships:tab", args=[world.partnership.pk, key])


@pytest.mark.parametrize(
    ("actor", "status"),
    [("anonymous", 404), ("outsider", 404), ("member", 200), ("lead_admin", 200), ("staff", 200)],
)
def test_who_sees_the_workplan(
    client: Any, world: World, study: Task, actor: str, status: int
) -> None:
    if actor != "anonymous":
        client.force_login(world.users[actor])
    response = client.get(tab(world, "workplan"))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "Studi kelayakan" in body and "<svg" in body and 'data-testid="gantt"' in body


def test_staff_reads_but_cannot_add(client: Any, world: World) -> None:
    client.force_login(world.users["staff"])
    assert 'data-testid="task-add"' not in client.get(tab(world, "workplan")).content.decode()
    url = reverse("workplan:task_add", args=[world.partnership.pk])
    assert client.get(url).status_code == 403


def test_adding_a_task_with_an_early_start_keeps_the_input(
    client: Any, world: World, study: Task
) -> None:
    client.force_login(world.users["member"])
    url = reverse("workplan:task_add", args=[world.partnership.pk])
    data = {
        "kind": "task",
        "title": "Konsultasi publik",
        "start_date": "2027-02-01",
        "due_date": "2027-03-01",
        "status": "not_started",
        "depends_on": [study.pk],
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Konsultasi publik" in response.content.decode()
    assert not Task.objects.filter(title="Konsultasi publik").exists()
    data["start_date"] = "2027-02-26"
    assert client.post(url, data).status_code == 302
    assert Task.objects.get(title="Konsultasi publik").depends_on.get() == study


def test_the_gantt_numbers_download(client: Any, world: World, study: Task) -> None:
    client.force_login(world.users["member"])
    url = reverse("workplan:gantt", args=[world.partnership.pk])
    response = client.get(url + "?export=csv&chart=workplan-gantt")
    assert response.status_code == 200
    assert "Studi kelayakan" in b"".join(response.streaming_content).decode("utf-8-sig")


def test_a_meeting_a_decision_and_its_action_item_on_the_pages(client: Any, world: World) -> None:
    client.force_login(world.users["lead_admin"])
    pk = world.partnership.pk
    members = list(world.partnership.members.all())
    response = client.post(
        reverse("workplan:meeting_add", args=[pk]),
        {
            "title": "Rapat koordinasi",
            "starts_at": "2027-01-10T09:00",
            "place": "Bandung",
            "agenda": "Jadwal",
            "attending_members": [m.pk for m in members],
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    url = reverse("workplan:decision_add", args=[pk, meeting.pk])
    bad = client.post(url, {"title": "Percepat", "action_title": "Tambah tim"})
    assert bad.status_code == 400  # the action item needs its dates
    response = client.post(
        url,
        {
            "title": "Percepat desain",
            **{f"position_{m.pk}": "agree" for m in members},
            "action_title": "Tambah tim desain",
            "action_member": member_of(world, world.company).pk,
            "action_start": "2027-01-11",
            "action_due": "2027-01-25",
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.outcome == "adopted" and decision.rule == "consensus"
    page = client.get(reverse("workplan:meeting", args=[pk, meeting.pk])).content.decode()
    assert "Percepat desain" in page and "Tambah tim desain" in page
    assert "Tambah tim desain" in client.get(tab(world, "workplan")).content.decode()
    assert "Rapat koordinasi" in client.get(tab(world, "meetings")).content.decode()


def test_calendar_by_secret_address_and_revoked(client: Any, world: World, study: Task) -> None:
    client.force_login(world.users["lead_admin"])
    pk = world.partnership.pk
    client.post(reverse("workplan:feed_create", args=[pk]))
    client.post(reverse("workplan:feed_create", args=[pk]), {"scope": "me"})
    feed = CalendarFeed.objects.get(partnership=world.partnership)
    personal = CalendarFeed.objects.get(partnership=None)
    anonymous = client.__class__()
    body = anonymous.get(reverse("workplan:feed", args=[feed.token])).content.decode()
    assert "BEGIN:VCALENDAR" in body and "Studi kelayakan" in body
    mine = anonymous.get(reverse("workplan:feed", args=[personal.token])).content.decode()
    assert "Studi kelayakan" in mine  # the task of the user's organisation
    client.post(reverse("workplan:feed_revoke", args=[pk, feed.pk]))
    assert anonymous.get(reverse("workplan:feed", args=[feed.token])).status_code == 404
    assert anonymous.get(reverse("workplan:feed", args=["guess"])).status_code == 404


def test_activity_and_following(client: Any, world: World) -> None:
    client.force_login(world.users["outsider"])
    public_tab = reverse("partnerships:tab", args=[world.public.pk, "activity"])
    assert client.get(public_tab).status_code == 200
    client.post(reverse("workplan:follow", args=[world.public.pk]), {"follow": "1"})
    assert Follow.objects.filter(
        user=world.users["outsider"], partnership_id=world.public.pk
    ).exists()
    # A partners-only partnership cannot be followed by an outsider.
    response = client.post(reverse("workplan:follow", args=[world.partnership.pk]), {"follow": "1"})
    assert response.status_code == 404
    client.post(reverse("workplan:follow", args=[world.public.pk]), {"follow": "0"})
    assert not Follow.objects.exists()


def test_the_history_tab_shows_workplan_changes(client: Any, world: World, study: Task) -> None:
    client.force_login(world.users["member"])
    body = client.get(tab(world, "history")).content.decode()
    assert "Studi kelayakan" in body


def test_the_feed_says_a_task_was_assigned_while_the_assignee_is_told_it_is_theirs(
    client: Any, world: World, study: Task
) -> None:
    """The feed, which every partner reads, does not tell them all that the task is theirs."""
    from django.utils import translation

    from mitra.notifications.models import Notification
    from mitra.notifications.selectors import rendered

    client.force_login(world.users["ngo_user"])
    feed = client.get("/en" + tab(world, "activity").removeprefix("/en")).content.decode()
    assert "the task “Studi kelayakan” was assigned (due 26/02/2027)" in feed
    assert "is yours" not in feed
    from mitra.workplan import services

    from .conftest import task_data

    services.task_create(  # its assignee is told; the lead's admin who assigns is not
        actor=world.users["lead_admin"],
        partnership=world.partnership,
        data=task_data(member=member_of(world, world.company), assignee=world.users["member"]),
    )
    told = Notification.objects.filter(kind="workplan.task_assigned").first()
    assert told is not None
    with translation.override("en"):
        assert "the task “Studi kelayakan” is yours (due 26/02/2027)" in rendered([told])[0].message
