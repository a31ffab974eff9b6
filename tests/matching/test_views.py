"""The pages: the board and a need in both languages, offering, accepting, declining, the
profile section and its form; offers never shown to others."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from mitra.matching import services
from mitra.matching.models import Offer, OfferStatus
from mitra.partnerships.models import Commitment

from ..views.conftest import sign_in

pytestmark = pytest.mark.django_db


def _offer(board, actor="member"):
    return services.offer_create(
        actor=board.world.users[actor],
        need=board.cash,
        data={"quantity": Decimal("40000000.00"), "message": "Kami siap membantu"},
    )


def test_the_board_in_both_languages(client, board):
    page = client.get("/needs/").content.decode()
    assert "Dana beasiswa siswa" in page and "Laptop sekolah" not in page
    assert "Rp 100.000.000,00" in page
    english = client.get("/en/needs/").content.decode()
    assert "Student scholarship funds" in english and "IDR 100,000,000.00" in english
    filtered = client.get("/en/needs/", {"resource_type": "expertise"}).content.decode()
    assert "Teacher training" in filtered and "Student scholarship funds" not in filtered
    partial = client.get("/needs/", {"q": "beasiswa"}, headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and b"Dana beasiswa siswa" in partial.content


def test_a_bad_filter_is_ignored_not_an_error(client, board):
    assert client.get("/needs/", {"sdg": "99", "page": "x"}).status_code == 200


def test_the_need_page_shows_funding_sources_but_no_offers_to_the_public(client, board):
    _offer(board)
    page = client.get(f"/en/needs/{board.cash.pk}/").content.decode()
    assert 'data-testid="funding-hibah"' in page and "Kami siap membantu" not in page
    assert 'data-testid="suggestions"' not in page
    sign_in(client, board.world, "ngo_user")  # a partner, not the lead
    page = client.get(f"/en/needs/{board.cash.pk}/").content.decode()
    assert "Kami siap membantu" not in page and 'data-testid="suggestions"' not in page
    assert client.get(f"/needs/{board.world.need.pk}/").status_code == 404


def test_offering_from_the_page(client, board):
    url = reverse("matching:offer_create", args=[board.cash.pk])
    assert client.get(url).status_code == 302  # sign in first
    sign_in(client, board.world, "member")
    assert 'data-testid="offer-button"' in client.get(f"/needs/{board.cash.pk}/").content.decode()
    bad = client.post("/en" + url, {"quantity": "0"})
    assert bad.status_code == 400 and "greater than zero" in bad.content.decode()
    too_much = client.post(url, {"quantity": "100.000.001,00"})
    assert too_much.status_code == 400
    response = client.post(url, {"quantity": "40.000.000,00", "terms": "Dua termin"})
    assert response.status_code == 302
    offer = Offer.objects.get()
    assert offer.quantity == Decimal("40000000.00") and offer.terms == "Dua termin"
    page = client.get(f"/needs/{board.cash.pk}/").content.decode()
    assert 'data-testid="offer-button"' not in page  # one open offer per organisation
    again = client.post("/en" + url, {"quantity": "1"})
    assert again.status_code == 400 and "already has an open offer" in again.content.decode()


def test_a_partner_cannot_offer_on_its_own_partnership(client, board):
    sign_in(client, board.world, "ngo_user")
    page = client.get(f"/needs/{board.cash.pk}/").content.decode()
    assert 'data-testid="offer-button"' not in page


def test_the_lead_sees_offers_and_suggestions_then_accepts(client, board, company_admin):
    # made by an administrator of the company: its consent to join (see test_consent.py)
    offer = _offer(board, actor="company_admin")
    sign_in(client, board.world, "lead_admin")
    page = client.get(f"/en/needs/{board.cash.pk}/").content.decode()
    assert "Kami siap membantu" in page and 'data-testid="suggestion"' in page
    assert "points" in page and 'id="chart-suggested-partners"' in page
    csv = client.get(
        f"/en/needs/{board.cash.pk}/", {"export": "csv", "chart": "suggested-partners"}
    )
    assert csv.status_code == 200 and b"Organisation" in b"".join(csv.streaming_content)
    url = reverse("matching:offer_accept", args=[offer.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"confidentiality": "partners", "version": offer.version})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED
    assert Commitment.objects.filter(
        need=board.cash, member__organisation=board.world.company
    ).exists()
    # the Offers tab of the partnership lists it
    tab = client.get(reverse("partnerships:tab", args=[board.cash.partnership_id, "offers"]))
    assert tab.status_code == 200 and "PT Contoh Infrastruktur" in tab.content.decode()


def test_a_stale_accept_is_refused_with_409(client, board):
    offer = _offer(board)
    services.offer_update(
        actor=board.world.users["member"],
        offer=offer,
        data={"terms": "changed"},
        expected_version=offer.version,
    )
    sign_in(client, board.world, "lead_admin")
    url = reverse("matching:offer_accept", args=[offer.pk])
    response = client.post(url, {"confidentiality": "partners", "version": 1})
    assert response.status_code == 409
    assert Offer.objects.get(pk=offer.pk).status == OfferStatus.OPEN


def test_declining_needs_a_reason(client, board):
    offer = _offer(board)
    sign_in(client, board.world, "lead_admin")
    url = reverse("matching:offer_decline", args=[offer.pk])
    assert (
        client.post("/en" + url, {"decline_reason": "", "version": offer.version}).status_code
        == 400
    )
    assert (
        client.post(
            url, {"decline_reason": "Sudah didanai APBD", "version": offer.version}
        ).status_code
        == 302
    )
    assert Offer.objects.get(pk=offer.pk).decline_reason == "Sudah didanai APBD"


def test_others_cannot_decide_or_see_offers(client, board):
    offer = _offer(board)
    for actor, status in (("member", 403), ("ngo_user", 404), ("outsider", 404), ("staff", 404)):
        sign_in(client, board.world, actor)
        assert client.get(reverse("matching:offer_accept", args=[offer.pk])).status_code == status
    sign_in(client, board.world, "ngo_user")
    tab = client.get(reverse("partnerships:tab", args=[board.cash.partnership_id, "offers"]))
    assert tab.status_code in (403, 404)


def test_the_offers_page_lists_sent_and_received(client, board):
    _offer(board)
    sign_in(client, board.world, "member")
    page = client.get("/en/offers/").content.decode()
    assert "Student scholarship funds" in page and 'data-testid="no-received"' in page
    sign_in(client, board.world, "lead_admin")
    page = client.get("/en/offers/").content.decode()
    assert 'data-testid="accept-' in page


def test_the_profile_section_and_its_form(client, board):
    world = board.world
    url = reverse("matching:profile_edit", args=[world.ngo.pk])
    sign_in(client, world, "member")
    assert client.get(url).status_code == 403
    sign_in(client, world, "ngo_user")
    response = client.post(
        url,
        {
            "capabilities_ind": "Pelatihan guru dan pendampingan sekolah",
            "capabilities_en": "Teacher training and school coaching",
            "regions": ["ID-JB"],
            "development_sectors": ["education"],
            "known_forms": ["psp"],
            "open_to_offers": "on",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/en/organisations/{world.ngo.pk}/").content.decode()
    assert "Teacher training and school coaching" in page and "Jawa Barat" in page
    bad = client.post(url, {"annual_capacity": "1.000,00", "capacity_currency": "", "version": 1})
    assert bad.status_code == 400


def test_the_offering_organisation_changes_its_offer_on_the_page(client, board):
    offer = _offer(board)
    url = reverse("matching:offer_edit", args=[offer.pk])
    sign_in(client, board.world, "lead_admin")
    assert client.get(url).status_code == 403
    sign_in(client, board.world, "member")
    assert client.get(url).status_code == 200
    done = client.post(url, {"quantity": "30.000.000,00", "terms": "", "version": offer.version})
    assert done.status_code == 302
    stale = client.post(url, {"quantity": "20.000.000,00", "version": offer.version})
    assert stale.status_code == 409
    assert Offer.objects.get(pk=offer.pk).quantity == Decimal("30000000.00")
