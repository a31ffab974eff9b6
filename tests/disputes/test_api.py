"""The pinned disputes API: lists filtered by confidentiality, escalate/resolve with 409, an
anonymous grievance (throttled), political events and the exposure."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from mitra.disputes.models import Grievance
from tests.api.conftest import API, client_for

from .conftest import members

pytestmark = pytest.mark.django_db


def test_list_and_create_disputes(world, dispute, secret):
    lead = client_for(world, "lead_admin")
    url = f"{API}/partnerships/{world.partnership.pk}/disputes"
    answer = lead.get_json(url)
    assert answer.status_code == 200
    assert [d["title"] for d in answer.json()] == ["Late land"]
    member = client_for(world, "member")
    assert {d["title"] for d in member.get_json(url).json()} == {
        "Late land",
        "Secret payment quarrel",
    }
    assert client_for(world, "outsider").get_json(url).status_code == 404
    assert client_for(world, "anonymous").get_json(url).status_code == 401
    created = member.post_json(
        url,
        {
            "title": "Toll tariff",
            "dispute_type": "objectives",
            "parties": [members(world)["company"].pk],
            "other_parties": "Truck drivers' association",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["step"] == "negotiation" and body["status"] == "open" and body["version"] == 1
    bad = member.post_json(url, {"title": "x", "dispute_type": "weather"})
    assert bad.status_code == 422


def test_escalate_and_resolve(world, dispute):
    lead = client_for(world, "lead_admin")
    up = lead.post_json(f"{API}/disputes/{dispute.pk}/escalate", {"reason": "stuck", "version": 1})
    assert up.status_code == 200 and up.json()["step"] == "steering"
    stale = lead.post_json(f"{API}/disputes/{dispute.pk}/escalate", {"version": 1})
    assert stale.status_code == 409 and stale.json()["current"]["step"] == "steering"
    missing = lead.post_json(f"{API}/disputes/{dispute.pk}/resolve", {"version": 2})
    assert missing.status_code == 422
    done = lead.post_json(
        f"{API}/disputes/{dispute.pk}/resolve", {"outcome": "Agreed", "lessons": "x", "version": 2}
    )
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    assert (
        client_for(world, "outsider")
        .post_json(f"{API}/disputes/{dispute.pk}/resolve", {"outcome": "x", "version": 3})
        .status_code
        == 404
    )


def test_confidential_dispute_is_not_found_for_others(world, secret):
    lead = client_for(world, "lead_admin")
    assert lead.post_json(f"{API}/disputes/{secret.pk}/escalate", {"version": 1}).status_code == 404


def test_anonymous_grievance_throttled(world, settings):
    cache.clear()
    anonymous = client_for(world, "anonymous")
    url = f"{API}/partnerships/{world.public.pk}/grievances"
    answer = anonymous.post_json(url, {"description": "Dust", "contact": "0812"})
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["reference"].startswith("GRV-") and body["status"] == "received"
    assert Grievance.objects.get(reference=body["reference"]).contact == "0812"
    # Only on a published partnership.
    assert (
        anonymous.post_json(
            f"{API}/partnerships/{world.partnership.pk}/grievances", {"description": "x"}
        ).status_code
        == 404
    )
    settings.MITRA_RATE_LIMITS = {"grievance": "2/h"}
    cache.clear()
    codes = [anonymous.post_json(url, {"description": "again"}).status_code for _ in range(3)]
    assert codes == [201, 201, 429]


def test_political_events_and_exposure(world):
    member = client_for(world, "member")
    created = member.post_json(
        f"{API}/political-events",
        {
            "kind": "election",
            "title": "Pilkada 2029",
            "date": "2029-11-28",
            "partnerships": [world.partnership.pk],
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["partnerships"] == [world.partnership.pk]
    refused = client_for(world, "outsider").post_json(
        f"{API}/political-events",
        {"kind": "election", "title": "x", "date": "2029-11-28", "partnerships": [world.public.pk]},
    )
    assert refused.status_code == 403
    listed = client_for(world, "anonymous").get_json(f"{API}/political-events")
    assert listed.status_code == 200 and listed.json()[0]["partnerships"] == []
    exposure = member.get_json(f"{API}/partnerships/{world.partnership.pk}/exposure")
    assert exposure.status_code == 200
    body = exposure.json()
    assert [r["key"] for r in body["reasons"]] == [
        "discretionary",
        "elections",
        "official",
        "safeguards",
    ]
    assert sum(r["weight"] for r in body["reasons"]) == 100
    assert body["score"] == round(sum(r["points"] for r in body["reasons"]))
    assert (
        client_for(world, "outsider")
        .get_json(f"{API}/partnerships/{world.partnership.pk}/exposure")
        .status_code
        == 404
    )
