"""The matching API: the board, offers, accept and decline, matches; 422, 403, 404, 409."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mitra.matching import services
from mitra.matching.models import Offer
from tests.api.conftest import API, client_for

pytestmark = pytest.mark.django_db


def test_config_serves_the_board_before_need_ids():
    from mitra.config.api import api

    order = [r[1] for r in api._router_registrations]
    from mitra.matching.api import router as matching
    from mitra.partnerships.api import router as partnerships

    assert order.index(matching) < order.index(partnerships)


@pytest.fixture
def clients(board):
    actors = ["anonymous", "outsider", "member", "ngo_user", "lead_admin", "staff"]
    return {a: client_for(board.world, a) for a in actors}


def _offer(board):
    return services.offer_create(
        actor=board.world.users["member"], need=board.cash, data={"quantity": Decimal("1000.00")}
    )


def test_the_board_is_public_paginated_and_filtered(board, clients):
    response = clients["anonymous"].get_json(f"{API}/needs/open")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    cash = next(i for i in body["items"] if i["id"] == board.cash.pk)
    assert cash["still_needed"] == "100000000.00" and cash["currency"] == "IDR"
    english = (
        clients["anonymous"]
        .get_json(
            f"{API}/needs/open", {"resource_type": "expertise"}, headers={"Accept-Language": "en"}
        )
        .json()
    )
    assert [i["title"] for i in english["items"]] == ["Teacher training"]
    bad = clients["anonymous"].get_json(f"{API}/needs/open", {"sdg": 42})
    assert bad.status_code == 422
    assert clients["anonymous"].get_json(f"{API}/needs/open", {"sdg": 4}).json()["count"] == 2
    assert clients["anonymous"].get_json(f"{API}/needs/open", {"sdg": 3}).json()["count"] == 0


def test_an_offer_through_the_api(board, clients):
    url = f"{API}/needs/{board.cash.pk}/offers"
    assert clients["anonymous"].post_json(url, {"quantity": "1"}).status_code == 401
    response = clients["member"].post_json(url, {"quantity": "5000000.00", "terms": "Tunai"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "open" and body["quantity"] == "5000000.00"
    assert body["organisation_id"] == board.world.company.pk


@pytest.mark.parametrize(
    ("actor", "need", "payload", "field"),
    [
        ("member", "cash", {"quantity": "0"}, "quantity"),
        ("member", "cash", {"quantity": "-1"}, "quantity"),
        ("member", "cash", {"quantity": "100000000.01"}, "quantity"),
        ("member", "cash", {"quantity": "1", "currency": "USD"}, "currency"),
        ("member", "training", {"quantity": "1", "unit": "hours"}, "unit"),
        ("ngo_user", "cash", {"quantity": "1"}, "organisation_id"),
        ("member", "covered", {"quantity": "1"}, "need"),
    ],
)
def test_bad_offers_are_422_field_errors(board, clients, actor, need, payload, field):
    url = f"{API}/needs/{getattr(board, need).pk}/offers"
    response = clients[actor].post_json(url, payload)
    assert response.status_code == 422, response.content
    assert field in {str(e["loc"][-1]) for e in response.json()["detail"]}
    assert not Offer.objects.exists()


def test_a_partners_only_need_is_404_for_offers(board, clients):
    url = f"{API}/needs/{board.world.need.pk}/offers"
    assert clients["outsider"].post_json(url, {"quantity": "1"}).status_code == 404


def test_accept_and_decline(board, clients):
    offer = _offer(board)
    url = f"{API}/offers/{offer.pk}"
    assert clients["outsider"].get_json(url).status_code == 404
    assert clients["ngo_user"].get_json(url).status_code == 404
    assert clients["staff"].get_json(url).status_code == 404
    assert clients["member"].get_json(url).status_code == 200
    denied = clients["member"].post_json(f"{url}/accept", {"version": offer.version})
    assert denied.status_code == 403
    stale = clients["lead_admin"].post_json(f"{url}/accept", {"version": offer.version + 1})
    assert stale.status_code == 409 and stale.json()["current"]["status"] == "open"
    no_reason = clients["lead_admin"].post_json(f"{url}/decline", {"version": offer.version})
    assert no_reason.status_code == 422
    accepted = clients["lead_admin"].post_json(
        f"{url}/accept", {"version": offer.version, "confidentiality": "public"}
    )
    assert accepted.status_code == 200, accepted.content
    # offered by a staff member, not an administrator: the company is invited first (issue 14)
    body = accepted.json()
    assert body["status"] == "accepted" and body["commitment_id"] is None
    assert body["awaiting_organisation"] is True and body["invitation_id"]
    again = clients["lead_admin"].post_json(f"{url}/decline", {"version": 3, "reason": "x"})
    assert again.status_code == 400


def test_decline_with_a_reason(board, clients):
    offer = _offer(board)
    response = clients["lead_admin"].post_json(
        f"{API}/offers/{offer.pk}/decline", {"version": offer.version, "reason": "Sudah cukup"}
    )
    assert response.status_code == 200 and response.json()["decline_reason"] == "Sudah cukup"
    assert clients["member"].get_json(f"{API}/offers/{offer.pk}").json()["status"] == "declined"


def test_matches_for_the_lead_only(board, clients):
    url = f"{API}/needs/{board.cash.pk}/matches"
    response = clients["lead_admin"].get_json(url, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    ranked = response.json()
    assert ranked and ranked[0]["rank"] == 1
    assert {p["key"] for p in ranked[0]["parts"]} == {
        "resource", "track_record", "text", "sector", "region", "form", "capacity"
    }  # fmt: skip
    assert abs(sum(p["points"] for p in ranked[0]["parts"]) - ranked[0]["score"]) < 0.5
    assert all(r["reasons"] for r in ranked)
    assert clients["ngo_user"].get_json(url).status_code == 403
    assert clients["anonymous"].get_json(url).status_code == 401
    hidden = f"{API}/needs/{board.world.need.pk}/matches"
    assert clients["outsider"].get_json(hidden).status_code == 404
    assert clients["lead_admin"].get_json(hidden).status_code == 200


def test_the_offering_organisation_changes_its_offer_and_stale_changes_are_refused(board, clients):
    offer = _offer(board)
    url = f"{API}/offers/{offer.pk}"
    changed = clients["member"].patch_json(url, {"version": offer.version, "quantity": "2000.00"})
    assert changed.status_code == 200 and changed.json()["quantity"] == "2000.00"
    stale = clients["member"].patch_json(url, {"version": offer.version, "terms": "late"})
    assert stale.status_code == 409 and stale.json()["current"]["quantity"] == "2000.00"
    too_much = clients["member"].patch_json(
        url, {"version": offer.version + 1, "quantity": "100000000.01"}
    )
    assert too_much.status_code == 422
    assert clients["lead_admin"].patch_json(url, {"version": 2, "terms": "x"}).status_code == 403
    assert clients["outsider"].patch_json(url, {"version": 2, "terms": "x"}).status_code == 404
