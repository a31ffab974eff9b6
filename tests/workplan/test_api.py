"""The pinned workplan API: tasks (409 when stale, 422 on bad input), meetings, decisions."""

from __future__ import annotations

import pytest

from mitra.workplan.models import Task
from tests.api.conftest import API, ApiClient, client_for
from tests.conftest import World

from .conftest import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(world: World) -> dict[str, ApiClient]:
    actors = ["anonymous", "outsider", "member", "ngo_user", "lead_admin", "staff"]
    return {actor: client_for(world, actor) for actor in actors}


@pytest.mark.parametrize(
    ("actor", "status"),
    [("anonymous", 401), ("outsider", 404), ("member", 200), ("staff", 200)],
)
def test_who_reads_the_tasks(
    world: World, study: Task, clients: dict[str, ApiClient], actor: str, status: int
) -> None:
    response = clients[actor].get_json(f"{API}/partnerships/{world.partnership.pk}/tasks")
    assert response.status_code == status
    if status == 200:
        assert [t["title"] for t in response.json()] == ["Studi kelayakan"]


def test_create_and_patch_a_task(world: World, study: Task, clients: dict[str, ApiClient]) -> None:
    url = f"{API}/partnerships/{world.partnership.pk}/tasks"
    early = {
        "title": "Konsultasi",
        "start_date": "2027-02-01",
        "due_date": "2027-03-01",
        "depends_on": [study.pk],
        "member_id": member_of(world, world.ngo).pk,
    }
    response = clients["ngo_user"].post_json(url, early)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "start_date"
    assert clients["ngo_user"].post_json(url, {**early, "start_date": 5}).status_code == 422
    assert clients["staff"].post_json(url, {**early, "start_date": "2027-02-26"}).status_code == 403
    created = clients["ngo_user"].post_json(url, {**early, "start_date": "2027-02-26"})
    assert created.status_code == 201
    task = created.json()
    assert task["depends_on"] == [study.pk] and task["partner"] == "Yayasan Contoh"
    patch = f"{API}/tasks/{task['id']}"
    ok = clients["member"].patch_json(patch, {"version": 1, "status": "in_progress"})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = clients["ngo_user"].patch_json(patch, {"version": 1, "status": "done"})
    assert stale.status_code == 409
    assert stale.json()["current"]["status"] == "in_progress"
    assert clients["member"].patch_json(patch, {"version": 2, "status": "nope"}).status_code == 422


def test_meetings_and_decisions(world: World, clients: dict[str, ApiClient]) -> None:
    members = list(world.partnership.members.all())
    url = f"{API}/partnerships/{world.partnership.pk}/meetings"
    response = clients["lead_admin"].post_json(
        url,
        {
            "title": "Rapat",
            "starts_at": "2027-01-10T09:00:00+07:00",
            "attending_member_ids": [m.pk for m in members],
            "berita_acara_id": world.document.pk,
        },
    )
    assert response.status_code == 201, response.content
    meeting = response.json()
    assert meeting["berita_acara_id"] == world.document.pk
    decision_url = f"{API}/meetings/{meeting['id']}/decisions"
    body = {
        "title": "Percepat desain",
        "positions": [
            {"member_id": members[0].pk, "position": "agree"},
            {"member_id": members[1].pk, "position": "disagree"},
        ],
        "action_items": [
            {"title": "Tambah tim", "start_date": "2027-01-11", "due_date": "2027-01-25"}
        ],
    }
    response = clients["member"].post_json(decision_url, body, headers={"Accept-Language": "en"})
    assert response.status_code == 201
    decision = response.json()
    assert decision["outcome"] == "rejected" and decision["rule"] == "consensus"
    assert decision["sentence"].startswith("Not adopted: the rule is consensus")
    assert decision["action_items"][0]["title"] == "Tambah tim"
    assert clients["outsider"].post_json(decision_url, body).status_code == 404
    bad = {**body, "positions": [{"member_id": members[0].pk, "position": "maybe"}]}
    assert clients["member"].post_json(decision_url, bad).status_code == 422
    listed = clients["ngo_user"].get_json(url).json()
    assert listed[0]["decisions"][0]["title"] == "Percepat desain"
