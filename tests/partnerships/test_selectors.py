"""What each viewer sees: visibility, confidentiality in figures and history."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from mitra.core.errors import NotFound, PermissionDenied
from mitra.partnerships import selectors

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("anonymous", {"public"}),
        ("outsider", {"public"}),
        ("member", {"public", "partnership"}),
        ("ngo_user", {"public", "partnership"}),
        ("lead_admin", {"public", "partnership", "draft"}),
        ("staff", {"public", "partnership", "draft"}),
    ],
)
def test_visible_partnerships(world, actor, expected):
    user = AnonymousUser() if actor == "anonymous" else world.users[actor]
    codes = set(selectors.partnership_list(user=user).values_list("code", flat=True))
    assert codes == {getattr(world, name).code for name in expected}


def test_an_invisible_partnership_is_not_found(world):
    with pytest.raises(NotFound):
        selectors.partnership_get(user=world.users["outsider"], pk=world.partnership.pk)
    with pytest.raises(NotFound):
        selectors.partnership_get(user=AnonymousUser(), pk=world.draft.pk)


@pytest.mark.parametrize(
    ("actor", "pledged", "visible"),
    [
        ("member", Decimal("277000000.00"), 2),  # the company sees its confidential pledge
        ("lead_admin", Decimal("200000000.00"), 1),
        ("ngo_user", Decimal("200000000.00"), 1),
        ("staff", Decimal("200000000.00"), 1),
    ],
)
def test_fulfilment_leaves_out_what_the_viewer_may_not_see(world, actor, pledged, visible):
    result = selectors.fulfilment(user=world.users[actor], partnership=world.partnership)
    (need,) = result.needs
    assert need.pledged == pledged
    assert need.gap == Decimal("500000000.00") - pledged
    assert len(need.commitments) == visible
    assert need.delivered == Decimal("50000000.00")


def test_fulfilment_per_member_and_percentages(world):
    result = selectors.fulfilment(user=world.users["lead_admin"], partnership=world.partnership)
    (row,) = result.members
    assert (row.measure, row.pledged, row.delivered) == (
        "IDR",
        Decimal("200000000.00"),
        Decimal("50000000.00"),
    )
    assert row.fulfilment_pct == Decimal("25.0")
    assert result.needs[0].pledged_pct == Decimal("40.0")
    assert result.needs[0].delivered_pct == Decimal("10.0")


def test_history_hides_other_organisations_confidential_items(world):
    lead_view = selectors.partnership_history(
        user=world.users["lead_admin"], partnership=world.partnership
    )
    owner_view = selectors.partnership_history(
        user=world.users["member"], partnership=world.partnership
    )
    lead_text = repr(lead_view)
    owner_text = repr(owner_view)
    # the amount as the history writes it in any language: 77000000, 77,000,000 or 77.000.000
    amount = re.compile(r"77(?P<sep>[.,]?)000(?P=sep)000(?!\d)")
    assert not amount.search(lead_text) and "Walk away" not in lead_text
    assert "Confidential financial model" not in lead_text
    assert amount.search(owner_text) and "Walk away" in owner_text


def test_history_is_for_partners_and_staff(world):
    with pytest.raises(PermissionDenied):
        selectors.partnership_history(user=world.users["outsider"], partnership=world.public)
    with pytest.raises(PermissionDenied):
        selectors.partnership_history(user=AnonymousUser(), partnership=world.public)
    assert selectors.partnership_history(user=world.users["staff"], partnership=world.public)


def test_list_filters(world):
    user = world.users["lead_admin"]
    assert list(selectors.partnership_list(user=user, filters={"form": "psp"})) == [world.public]
    assert list(selectors.partnership_list(user=user, filters={"q": "toll"})) == [world.partnership]
    mine_as_liaison = selectors.partnership_list(
        user=world.users["ngo_user"], filters={"my_role": "community_liaison"}
    )
    assert list(mine_as_liaison) == [world.partnership]


def test_dashboard_counts_and_gaps(world):
    data = selectors.dashboard(user=world.users["member"])
    assert data["total"] == 2
    assert data["gaps"][0].gap == Decimal("223000000.00")
    assert {row["form"]: row["n"] for row in data["counts"]["form"]} == {"ppp": 1, "psp": 1}


def test_an_item_made_confidential_later_leaves_the_history_of_other_organisations(world):
    # given the company's shared document and objective, later made owner-only
    from mitra.partnerships import services

    member = world.users["member"]
    for item, update in (
        (world.document, services.document_update),
        (world.objective, services.objective_update),
    ):
        kwarg = "document" if item is world.document else "objective"
        update(
            actor=member,
            expected_version=item.version,
            data={"confidentiality": "owner"},
            **{kwarg: item},
        )
    # when a partner of another organisation reads the history
    entries = selectors.partnership_history(
        user=world.users["ngo_user"], partnership=world.partnership
    )
    labels = {(e.object_type, e.object_label) for e in entries}
    # then neither item appears in any version, while the owner still sees both
    assert not any(label in {"Shared minutes", "Earn a fair return"} for _t, label in labels)
    own = selectors.partnership_history(user=member, partnership=world.partnership)
    assert {"Shared minutes", "Earn a fair return"} <= {e.object_label for e in own}


def test_a_commitment_made_confidential_hides_its_deliveries_history_too(world):
    from mitra.partnerships import services

    member = world.users["member"]
    services.commitment_update(
        actor=member,
        commitment=world.commitment,
        expected_version=1,
        data={"confidentiality": "owner"},
    )
    entries = selectors.partnership_history(
        user=world.users["lead_admin"], partnership=world.partnership
    )
    types = {str(e.object_type) for e in entries}
    assert not types & {"Komitmen", "Commitment", "Realisasi", "Delivery"}
