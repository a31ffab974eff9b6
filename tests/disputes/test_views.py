"""The Disputes tab, its sub-pages, the public grievance form (spam checks) and status page,
and the political-events log."""

from __future__ import annotations

import re
import time

import pytest
from django.core import signing
from django.core.cache import cache

from mitra.disputes.forms import _SALT
from mitra.disputes.models import Dispute, Grievance, PoliticalEvent

from .conftest import login, members

pytestmark = pytest.mark.django_db


def _started(seconds_ago: float = 10) -> str:
    return signing.dumps(time.time() - seconds_ago, salt=_SALT)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_tab_shows_exposure_disputes_and_grievances(client, world, dispute, secret, prefix):
    login(client, world.users["lead_admin"])
    page = client.get(f"{prefix}/partnerships/{world.partnership.pk}/disputes/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="exposure-table"' in html and "<svg" in html
    assert "Late land" in html and "Secret payment quarrel" not in html
    member_page = login(client, world.users["member"]).get(
        f"{prefix}/partnerships/{world.partnership.pk}/disputes/"
    )
    assert "Secret payment quarrel" in member_page.content.decode()


def test_the_tab_is_not_for_outsiders(client, world):
    login(client, world.users["outsider"])
    assert client.get(f"/en/partnerships/{world.public.pk}/disputes/").status_code == 403


def test_raise_escalate_and_resolve_through_the_pages(client, world):
    login(client, world.users["member"])
    base = f"/en/partnerships/{world.partnership.pk}/disputes/"
    m = members(world)
    bad = client.post(base + "add/", {"title": "", "dispute_type": "payment"})
    assert bad.status_code == 400
    response = client.post(
        base + "add/",
        {"title": "Late payment", "dispute_type": "payment", "parties": [m["company"].pk]},
    )
    assert response.status_code == 302
    d = Dispute.objects.get(title="Late payment")
    detail = client.get(base + f"{d.pk}/")
    assert detail.status_code == 200
    # each step says when, in the reader's zone and as dates read elsewhere: 07/12/2026 14:05 WIB
    steps = re.search(r'data-testid="dispute-steps">(.*?)</ol>', detail.content.decode(), re.S)
    assert steps and re.search(r" — \d\d/\d\d/\d{4} \d\d:\d\d WIB", steps.group(1))
    stale = client.post(base + f"{d.pk}/escalate/", {"reason": "x", "version": 99})
    assert stale.status_code == 409
    assert client.post(base + f"{d.pk}/escalate/", {"reason": "x", "version": 1}).status_code == 302
    assert Dispute.objects.get(pk=d.pk).rung == 1
    assert client.post(base + f"{d.pk}/resolve/", {"outcome": "", "version": 2}).status_code == 400
    assert (
        client.post(base + f"{d.pk}/resolve/", {"outcome": "Paid", "version": 2}).status_code == 302
    )
    assert Dispute.objects.get(pk=d.pk).status == "resolved"


def test_the_public_page_links_to_the_grievance_form(client, world):
    page = client.get(f"/en/partnerships/{world.public.pk}/")
    assert f"/en/partnerships/{world.public.pk}/grievance/" in page.content.decode()
    assert client.get(f"/en/partnerships/{world.partnership.pk}/grievance/").status_code == 404


def test_an_anonymous_grievance_is_filed_and_followed(client, world):
    cache.clear()
    url = f"/partnerships/{world.public.pk}/grievance/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "description": "Dust on our fields",
            "desa": "Sukamaju",
            "name": "Ibu Sari",
            "contact": "0812-555",
            "website": "",
            "started": _started(),
        },
    )
    assert response.status_code == 302
    grievance = Grievance.objects.get()
    assert grievance.reference in response["Location"]
    status = client.get(response["Location"])
    html = status.content.decode()
    assert grievance.reference in html
    assert "0812-555" not in html and "Ibu Sari" not in html and "Dust on" not in html


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"website": "http://spam.example", "started": 10}, "could not be sent"),
        ({"started": 0}, "too quickly"),
        ({"started": "forged"}, "expired"),
    ],
)
def test_robots_are_refused(client, world, extra, message):
    url = f"/en/partnerships/{world.public.pk}/grievance/"
    if isinstance(extra["started"], int):
        extra = {**extra, "started": _started(extra["started"])}
    response = client.post(url, {"description": "Buy pills", **extra})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Grievance.objects.exists()


def test_the_grievance_form_is_rate_limited(client, world, settings):
    cache.clear()
    settings.MITRA_RATE_LIMITS = {"grievance": "1/h"}
    url = f"/partnerships/{world.public.pk}/grievance/"
    data = {"description": "x", "started": _started()}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 429


def test_the_designated_partner_acknowledges_on_the_page(client, world):
    from mitra.disputes import services

    g = services.grievance_file(
        partnership=world.public, data={"description": "Dust", "contact": "0812"}
    )
    url = f"/en/partnerships/{world.public.pk}/disputes/grievances/{g.pk}/"
    login(client, world.users["ngo_user"])
    page = client.get(url).content.decode()
    assert "0812" not in page  # only the partner that answers grievances reads the contact
    assert client.post(url, {"public_response": "x", "version": 1}).status_code == 403
    login(client, world.users["lead_admin"])
    assert "0812" in client.get(url).content.decode()
    response = client.post(url, {"public_response": "We water the road", "version": 1})
    assert response.status_code == 302
    assert Grievance.objects.get(pk=g.pk).status == "acknowledged"


def test_the_events_log_and_entering_an_event(client, world):
    assert client.get("/en/political-events/").status_code == 200
    login(client, world.users["member"])
    response = client.post(
        "/en/political-events/new/",
        {
            "kind": "election",
            "title": "Pilkada 2029",
            "date": "2029-11-28",
            "partnerships": [world.partnership.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = PoliticalEvent.objects.get()
    assert list(event.partnerships.all()) == [world.partnership]
    page = client.get("/en/political-events/").content.decode()
    assert "Pilkada 2029" in page and world.partnership.title in page
    tab = client.get(f"/en/partnerships/{world.partnership.pk}/disputes/").content.decode()
    assert "Pilkada 2029" in tab and "Tariff freeze" in tab


def test_settings_page(client, world):
    login(client, world.users["member"])
    url = f"/en/partnerships/{world.partnership.pk}/disputes/settings/"
    assert client.get(url).status_code == 403
    login(client, world.users["lead_admin"])
    assert client.get(url).status_code == 200
    pemda = members(world)["pemda"]
    data = {
        "ladder_template": "psp",
        "days": "10, 20",
        "designated_member": pemda.pk,
        "acknowledge_days": 5,
        "official_dependence": "strong",
    }
    assert client.post(url, data).status_code == 400  # two deadlines for three steps
    data["days"] = "10, 20, 40"
    assert client.post(url, data).status_code == 302
    settings = world.partnership.dispute_settings
    assert [s["days"] for s in settings.ladder] == [10, 20, 40] and settings.acknowledge_days == 5
