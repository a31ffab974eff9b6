"""Issue 14 on the needs board: an organisation joins a partnership only with its
administrators' consent. An offer made by one of them is that consent (accepted, the
organisation is a partner at once); an offer made by anyone else of the organisation, accepted,
only invites it: it becomes a partner, and the offer its commitment, when its administrators
accept the invitation; if they decline, nothing is created and the offer says so."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from mitra.coordination import services as coordination_services
from mitra.coordination.models import Invitation, InvitationStatus
from mitra.core.errors import NotFound, PermissionDenied
from mitra.matching import services
from mitra.matching.models import Offer, OfferStatus
from mitra.notifications.models import Notification
from mitra.partnerships import selectors as partnership_selectors
from mitra.partnerships.models import Commitment, Role
from mitra.partnerships.permissions import can_view_internal, member_org_ids

pytestmark = pytest.mark.django_db


def _offer(board, actor):
    return services.offer_create(
        actor=actor,
        need=board.cash,
        data={"quantity": Decimal("40000000.00"), "terms": "Two instalments"},
    )


def _accept(board, offer, confidentiality="owner"):
    return services.offer_accept(
        actor=board.world.users["lead_admin"],
        offer=offer,
        expected_version=offer.version,
        confidentiality=confidentiality,
    )


def _is_partner(board):
    return board.world.company.pk in member_org_ids(board.cash.partnership)


def test_an_offer_by_an_administrator_makes_a_partner_at_once(board, company_admin):
    offer = _accept(board, _offer(board, company_admin))
    assert offer.status == OfferStatus.ACCEPTED and not offer.awaits_organisation
    assert _is_partner(board)
    assert offer.commitment.confidentiality == "owner"
    assert offer.invitation is None
    assert not Invitation.objects.filter(organisation=board.world.company).exists()


def test_an_offer_by_a_staff_member_only_invites_the_organisation(board, company_admin):
    member = board.world.users["member"]  # staff role in the company, not an administrator
    offer = _accept(board, _offer(board, member))
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED and offer.awaits_organisation
    assert offer.commitment is None and offer.commitment_confidentiality == "owner"
    assert not _is_partner(board)
    assert not Commitment.objects.filter(need=board.cash).exists()
    invitation = offer.invitation
    assert invitation.status == InvitationStatus.PENDING
    assert invitation.organisation == board.world.company
    assert invitation.invited_by == board.world.users["lead_admin"]
    assert invitation.roles == [Role.FUNDER]
    assert f"offer no. {offer.pk}" in invitation.message
    # its administrators are told, as for any invitation
    assert Notification.objects.filter(
        recipient=company_admin, kind="coordination.invited"
    ).exists()
    # invited is not a partner: nothing confidential for the company's users
    public = board.cash.partnership
    secret = board.covered.commitments.get()  # the ngo's partners-only pledge
    for user in (member, company_admin):
        assert not can_view_internal(user, public)
        with pytest.raises(NotFound):
            partnership_selectors.commitment_get(user=user, pk=secret.pk)
    # a staff member cannot answer for the organisation
    with pytest.raises(PermissionDenied):
        coordination_services.invitation_accept(actor=member, invitation=invitation)
    assert not _is_partner(board)


def test_the_administrators_accept_partner_and_commitment_follow(board, company_admin):
    member = board.world.users["member"]
    offer = _accept(board, _offer(board, member), confidentiality="owner")
    coordination_services.invitation_accept(actor=company_admin, invitation=offer.invitation)
    offer.refresh_from_db()
    assert _is_partner(board)
    assert offer.status == OfferStatus.ACCEPTED and not offer.awaits_organisation
    commitment = offer.commitment
    assert commitment.need == board.cash and commitment.quantity == Decimal("40000000.00")
    assert commitment.member.organisation == board.world.company
    assert commitment.member.roles == [Role.FUNDER]
    assert commitment.confidentiality == "owner"  # what the lead chose on accepting
    # the pledge is recorded for the user who offered; the answer for the admin who accepted
    assert commitment.history.latest().history_user == member
    assert offer.history.latest().history_user == company_admin


def test_the_administrators_decline_no_partner_and_the_offer_says_so(client, board, company_admin):
    member = board.world.users["member"]
    offer = _accept(board, _offer(board, member))
    coordination_services.invitation_decline(
        actor=company_admin, invitation=offer.invitation, message="Not this year"
    )
    offer.refresh_from_db()
    assert offer.status == OfferStatus.REFUSED and not offer.awaits_organisation
    assert offer.commitment is None
    assert not _is_partner(board)
    assert not Commitment.objects.filter(need=board.cash).exists()
    with translation.override("en"):
        assert offer.get_status_display() == "Declined by the organisation"
    client.force_login(member)
    page = client.get(f"/en/needs/{board.cash.pk}/").content.decode()
    assert 'data-testid="offer-refused"' in page
    assert "declined the invitation to join" in page and "Not this year" in page


def test_the_lead_withdrawing_the_invitation_withdraws_the_offer(board, company_admin):
    offer = _accept(board, _offer(board, board.world.users["member"]))
    coordination_services.invitation_withdraw(
        actor=board.world.users["lead_admin"], invitation=offer.invitation
    )
    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN and offer.commitment is None
    assert not _is_partner(board)


def test_the_pages_say_what_happened_in_both_languages(client, board, company_admin):
    offer = _offer(board, board.world.users["member"])
    client.force_login(board.world.users["lead_admin"])
    with translation.override("id"):
        url = "/en" + reverse("matching:offer_accept", args=[offer.pk])
    form = client.get(url).content.decode()
    assert "accepting it invites PT Contoh Infrastruktur" in form
    response = client.post(
        url,
        {"confidentiality": "partners", "version": offer.version},
        follow=True,
    )
    assert response.status_code == 200
    offer.refresh_from_db()
    assert offer.awaits_organisation
    # the translations are compiled later: the Indonesian page is checked by its marker
    for prefix, lang in (("/en", "en"), ("", "id")):
        need_page = client.get(f"{prefix}/needs/{board.cash.pk}/").content.decode()
        assert f'<html lang="{lang}">' in need_page
        assert 'data-testid="offer-awaiting"' in need_page
        offers_page = client.get(f"{prefix}/offers/").content.decode()
        assert 'data-testid="offer-awaiting"' in offers_page
    need_page = client.get(f"/en/needs/{board.cash.pk}/").content.decode()
    assert "Accepted: PT Contoh Infrastruktur becomes a partner, and the offer its" in need_page
    # the offering organisation's staff member reads it too, with the way to the invitations
    client.force_login(board.world.users["member"])
    page = client.get(f"/en/needs/{board.cash.pk}/").content.decode()
    assert "Accepted: waiting for the organisation's administrators" in page
    assert 'href="/en/invitations/"' in page


def test_the_api_shows_the_waiting_offer(client, board, company_admin):
    offer = _accept(board, _offer(board, board.world.users["member"]))
    client.force_login(board.world.users["member"])
    body = client.get(f"/api/v1/offers/{offer.pk}").json()
    assert body["status"] == "accepted" and body["awaiting_organisation"] is True
    assert body["invitation_id"] == offer.invitation_id and body["commitment_id"] is None
    assert Offer.objects.get(pk=offer.pk).invitation_id == body["invitation_id"]
