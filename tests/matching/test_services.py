"""Offers: made, refused with field errors, accepted into a commitment, declined, withdrawn;
audited and versioned. The matching profile."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from mitra.core.errors import ApplicationError, PermissionDenied, StaleEdit
from mitra.matching import services
from mitra.matching.models import MatchingProfile, Offer, OfferStatus
from mitra.organisations.models import Organisation
from mitra.partnerships.models import Commitment, PartnershipMember, Role

pytestmark = pytest.mark.django_db


def _offer(board, actor="member", need=None, **data):
    return services.offer_create(
        actor=board.world.users[actor],
        need=need or board.cash,
        data={"quantity": Decimal("40000000.00"), "terms": "Two instalments", **data},
    )


def test_an_organisation_offers_in_the_needs_measure_and_it_is_audited(board):
    offer = _offer(board)
    assert offer.organisation == board.world.company
    assert (offer.currency, offer.unit, offer.status) == ("IDR", "", OfferStatus.OPEN)
    record = offer.history.latest()
    assert record.history_user == board.world.users["member"]
    training = _offer(board, need=board.training, quantity=Decimal("10.00"))
    assert (training.unit, training.currency) == ("person-days", "")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"quantity": Decimal("0.00")}, "quantity"),
        ({"quantity": Decimal("-5.00")}, "quantity"),
        ({"quantity": Decimal("100000000.01")}, "quantity"),
        ({"currency": "USD"}, "currency"),
        ({"unit": "units"}, "unit"),
    ],
)
def test_bad_input_is_a_field_error(board, data, field):
    with pytest.raises(ValidationError) as caught:
        _offer(board, **data)
    assert field in caught.value.message_dict
    assert not Offer.objects.exists()


def test_a_wrong_unit_on_a_non_cash_need_is_refused(board):
    with pytest.raises(ValidationError) as caught:
        _offer(board, need=board.training, quantity=Decimal("5.00"), unit="hours")
    assert "unit" in caught.value.message_dict


def test_offering_on_ones_own_partnership_is_refused(board):
    with pytest.raises(ValidationError) as caught:
        _offer(board, actor="ngo_user")
    assert "organisation" in caught.value.message_dict


def test_a_covered_need_takes_no_offers(board):
    with pytest.raises(ValidationError) as caught:
        _offer(board, need=board.covered, quantity=Decimal("1.00"))
    assert "need" in caught.value.message_dict


def test_a_need_of_a_partnership_that_is_not_published_takes_no_offers(board):
    # the outsider (a university) is no partner of the partners-only PPP
    with pytest.raises(ValidationError) as caught:
        _offer(board, actor="outsider", need=board.world.need, quantity=Decimal("1.00"))
    assert "need" in caught.value.message_dict


def test_one_open_offer_per_organisation_and_need(board):
    _offer(board)
    with pytest.raises(ValidationError) as caught:
        _offer(board)
    assert "need" in caught.value.message_dict


def test_anonymous_and_organisationless_users_cannot_offer(board):
    from django.contrib.auth.models import AnonymousUser

    from tests.conftest import make_user

    with pytest.raises(PermissionDenied):
        services.offer_create(actor=AnonymousUser(), need=board.cash, data={"quantity": 1})
    with pytest.raises(PermissionDenied):
        services.offer_create(actor=make_user("loner"), need=board.cash, data={"quantity": 1})


def test_offering_for_an_organisation_one_does_not_belong_to_is_denied(board):
    with pytest.raises(PermissionDenied):
        services.offer_create(
            actor=board.world.users["member"],
            need=board.cash,
            organisation=board.world.outsider_org,
            data={"quantity": Decimal("1.00")},
        )


def test_the_lead_accepts_an_offer_into_a_commitment_and_a_new_partner(board, company_admin):
    # made by an administrator of the company: its consent to join (see test_consent.py)
    offer = _offer(board, actor="company_admin")
    public = board.cash.partnership
    assert not public.members.filter(organisation=board.world.company).exists()
    accepted = services.offer_accept(
        actor=board.world.users["lead_admin"], offer=offer, expected_version=offer.version
    )
    assert accepted.status == OfferStatus.ACCEPTED
    member = PartnershipMember.objects.get(partnership=public, organisation=board.world.company)
    assert member.roles == [Role.FUNDER]  # brings cash
    commitment = accepted.commitment
    assert commitment.member == member and commitment.need == board.cash
    assert commitment.quantity == Decimal("40000000.00")
    assert commitment.confidentiality == "partners"
    # the pledge is the company's own, recorded for the user who offered; the decision the lead's
    assert commitment.history.latest().history_user == company_admin
    offer.refresh_from_db()
    assert offer.decided_by == board.world.users["lead_admin"]
    assert offer.history.filter(status="accepted").exists()


def test_an_existing_partner_keeps_its_roles_when_its_offer_is_accepted(board):
    # the outsider university offers on the training need; made a partner first by hand
    from mitra.partnerships import services as partnership_services

    offer = _offer(board, actor="outsider", need=board.training, quantity=Decimal("5.00"))
    partnership_services.member_add(
        actor=board.world.users["lead_admin"],
        partnership=board.training.partnership,
        organisation=board.world.outsider_org,
        roles=[Role.RESEARCH_PARTNER],
    )
    services.offer_accept(
        actor=board.world.users["lead_admin"], offer=offer, expected_version=offer.version
    )
    member = PartnershipMember.objects.get(organisation=board.world.outsider_org)
    assert member.roles == [Role.RESEARCH_PARTNER]
    assert Commitment.objects.filter(member=member, quantity=Decimal("5.00")).exists()


def test_only_the_lead_accepts_or_declines(board):
    offer = _offer(board)
    for actor in ("member", "ngo_user", "outsider", "staff"):
        with pytest.raises(PermissionDenied):
            services.offer_accept(
                actor=board.world.users[actor], offer=offer, expected_version=offer.version
            )
        with pytest.raises(PermissionDenied):
            services.offer_decline(
                actor=board.world.users[actor], offer=offer, reason="no", expected_version=1
            )


def test_a_stale_accept_changes_nothing(board):
    offer = _offer(board)
    services.offer_update(
        actor=board.world.users["member"],
        offer=offer,
        data={"quantity": Decimal("30000000.00")},
        expected_version=offer.version,
    )
    stale = Offer.objects.get(pk=offer.pk)
    stale.version = 1
    with pytest.raises(StaleEdit):
        services.offer_accept(
            actor=board.world.users["lead_admin"], offer=stale, expected_version=1
        )
    assert not Commitment.objects.filter(need=board.cash).exists()
    assert not board.cash.partnership.members.filter(organisation=board.world.company).exists()
    assert Offer.objects.get(pk=offer.pk).status == OfferStatus.OPEN


def test_declining_needs_a_reason_and_closes_the_offer(board):
    offer = _offer(board)
    lead = board.world.users["lead_admin"]
    with pytest.raises(ValidationError) as caught:
        services.offer_decline(actor=lead, offer=offer, reason="  ", expected_version=offer.version)
    assert "decline_reason" in caught.value.message_dict
    declined = services.offer_decline(
        actor=lead, offer=offer, reason="Already funded by the APBD", expected_version=offer.version
    )
    assert declined.status == OfferStatus.DECLINED
    with pytest.raises(ApplicationError):
        services.offer_accept(actor=lead, offer=declined, expected_version=declined.version)


def test_the_offering_organisation_withdraws_and_changes_its_offer(board):
    offer = _offer(board)
    with pytest.raises(PermissionDenied):
        services.offer_withdraw(
            actor=board.world.users["lead_admin"], offer=offer, expected_version=offer.version
        )
    with pytest.raises(ValidationError):
        services.offer_update(
            actor=board.world.users["member"],
            offer=offer,
            data={"quantity": Decimal("200000000.00")},
            expected_version=offer.version,
        )
    withdrawn = services.offer_withdraw(
        actor=board.world.users["member"], offer=offer, expected_version=offer.version
    )
    assert withdrawn.status == OfferStatus.WITHDRAWN
    # once withdrawn, a new offer may be made
    assert _offer(board).status == OfferStatus.OPEN


@pytest.mark.parametrize(
    ("sector", "kind", "resource", "role"),
    [
        ("private", "company", "cash", Role.FUNDER),
        ("private", "bank", "cash", Role.FINANCIER),
        ("academia", "university", "expertise", Role.RESEARCH_PARTNER),
        ("social", "ngo", "expertise", Role.IMPLEMENTER),
        ("media", "media_outlet", "network", Role.MEDIA_PARTNER),
        ("private", "company", "equipment", Role.TECHNICAL_PARTNER),
    ],
)
def test_the_role_a_new_partner_joins_with_fits_what_it_brings(sector, kind, resource, role):
    assert services.fitting_role(Organisation(sector=sector, kind=kind), resource) == role


def test_a_matching_profile_is_edited_by_the_organisations_admins_only(board):
    world = board.world
    with pytest.raises(PermissionDenied):
        services.profile_update(
            actor=world.users["member"],  # staff, not admin, of the company
            organisation=world.company,
            data={"regions": ["ID-JB"]},
            expected_version=None,
        )
    profile = services.profile_update(
        actor=world.users["ngo_user"],
        organisation=world.ngo,
        data={"regions": ["ID-JB"], "capabilities_ind": "Pelatihan guru"},
        expected_version=None,
    )
    assert profile.history.latest().history_user == world.users["ngo_user"]
    with pytest.raises(ValidationError) as caught:
        services.profile_update(
            actor=world.users["ngo_user"],
            organisation=world.ngo,
            data={"regions": ["ID-XX"]},
            expected_version=profile.version,
        )
    assert "regions" in caught.value.message_dict
    services.profile_update(
        actor=world.users["ngo_user"],
        organisation=world.ngo,
        data={"nationwide": True},
        expected_version=profile.version,
    )
    with pytest.raises(StaleEdit):
        services.profile_update(
            actor=world.users["ngo_user"],
            organisation=world.ngo,
            data={"nationwide": False},
            expected_version=profile.version,
        )
    assert MatchingProfile.objects.get(organisation=world.ngo).nationwide is True
