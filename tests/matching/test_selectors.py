"""The board shows only published needs and public figures; offers are never public; suggested
partners are for the partnership's managers and never carry another partnership's amounts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mitra.core.errors import NotFound, PermissionDenied
from mitra.matching import selectors, services
from mitra.partnerships import services as partnership_services

pytestmark = pytest.mark.django_db


def _ids(rows):
    return {r.need.pk for r in rows}


def test_the_board_lists_published_open_needs_only(board):
    rows = selectors.open_needs()
    assert _ids(rows) == {board.cash.pk, board.training.pk}  # not covered, not partners-only
    assert board.world.need.pk not in _ids(rows)
    by_id = {r.need.pk: r for r in rows}
    assert by_id[board.cash.pk].still_needed == Decimal("100000000.00")
    assert by_id[board.training.pk].still_needed == Decimal("30.00")  # public pledge of 20


def test_a_need_with_commitments_hidden_from_the_public_shows_no_amount(board):
    ngo_member = board.cash.partnership.members.get(organisation=board.world.ngo)
    partnership_services.commitment_create(
        actor=board.world.users["ngo_user"],
        need=board.cash,
        member=ngo_member,
        data={"quantity": Decimal("12345678.00"), "confidentiality": "owner"},
    )
    row = next(r for r in selectors.open_needs() if r.need.pk == board.cash.pk)
    assert row.still_needed is None and row.hidden_commitments == 1
    assert row.public_pledged == Decimal("0.00")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"resource_type": "cash"}, "cash"),
        ({"resource_type": "expertise"}, "training"),
        ({"q": "scholarship"}, "cash"),  # the English title
        ({"q": "beasiswa"}, "cash"),  # the Indonesian title
        ({"province": "ID-JB", "development_sector": "education", "form": "psp", "sdg": 4}, None),
    ],
)
def test_the_board_filters(board, filters, expected):
    ids = _ids(selectors.open_needs(filters=filters))
    if expected is None:
        assert ids == {board.cash.pk, board.training.pk}
    else:
        assert ids == {getattr(board, expected).pk}


@pytest.mark.parametrize(
    "filters",
    [{"province": "ID-JT"}, {"sdg": 3}, {"form": "ppp"}, {"development_sector": "health"}],
)
def test_filters_that_match_nothing_list_nothing(board, filters):
    assert selectors.open_needs(filters=filters) == []


def test_offers_are_seen_by_the_offering_organisation_and_the_lead_alone(board):
    world = board.world
    offer = services.offer_create(
        actor=world.users["member"], need=board.cash, data={"quantity": Decimal("1000000.00")}
    )
    from django.contrib.auth.models import AnonymousUser

    for viewer in (
        AnonymousUser(),
        world.users["outsider"],
        world.users["ngo_user"],
        world.users["staff"],
    ):
        # ngo_user is a partner of the public partnership, but not its lead
        assert selectors.offers_for_need(user=viewer, need=board.cash) == []
        with pytest.raises(NotFound):
            selectors.offer_get(user=viewer, pk=offer.pk)
    assert selectors.offers_for_need(user=world.users["lead_admin"], need=board.cash) == [offer]
    assert selectors.offers_for_need(user=world.users["member"], need=board.cash) == [offer]
    assert selectors.offer_lists(user=world.users["lead_admin"]).received == [offer]
    assert selectors.offer_lists(user=world.users["member"]).sent == [offer]
    assert selectors.offer_lists(user=world.users["ngo_user"]).received == []


def test_suggestions_are_for_the_lead_and_leave_current_partners_out(board):
    world = board.world
    with pytest.raises(PermissionDenied):
        selectors.need_matches(user=world.users["ngo_user"], need=board.cash)
    suggestions = selectors.need_matches(user=world.users["lead_admin"], need=board.cash)
    names = [s.organisation for s in suggestions]
    assert world.company in names  # brings no cash per its entry, but works in the province
    assert world.ngo not in names and world.pemda not in names  # partners already
    for s in suggestions:
        assert abs(sum(p[4] for p in s.parts) - s.score * 100) < 0.5
        assert s.reasons


def test_reasons_never_carry_amounts_pledged_elsewhere(board):
    """The company pledged Rp 200.000.000 and, in confidence, Rp 77.000.000 to the PPP."""
    world = board.world
    world.company.resource_types = ["cash"]
    world.company.save()
    suggestions = selectors.need_matches(user=world.users["lead_admin"], need=board.cash)
    company = next(s for s in suggestions if s.organisation == world.company)
    text = " ".join(company.reasons)
    assert "similar commitment" in text or "komitmen" in text
    for digits in ("77", "200", "277", "50"):
        assert digits not in text.replace("%", "")
    assert company.parts[0][0] == "resource" and company.parts[0][2] == 1.0


def test_the_need_page_shows_a_partners_only_need_to_its_lead_alone(board):
    world = board.world
    row = selectors.need_page_get(user=world.users["lead_admin"], pk=world.need.pk)
    assert row.need == world.need
    for viewer in ("member", "outsider", "staff"):
        with pytest.raises(NotFound):
            selectors.need_page_get(user=world.users[viewer], pk=world.need.pk)


def test_funding_sources_for_a_school_need(board):
    fits = {f.instrument.key: f for f in selectors.funding_for(board.cash)}
    assert fits["hibah"].fits and fits["zakat"].fits and fits["csr_forum"].fits
    assert not fits["vgf"].fits and not fits["pii"].fits
