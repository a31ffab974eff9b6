"""Deleting needs, commitments, deliveries, objectives and documents from the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from mitra.partnerships import services
from mitra.partnerships.models import Commitment, Delivery, Document, Need, Objective
from tests.views.conftest import sign_in, snapshot

pytestmark = pytest.mark.django_db


def _url(world: Any, kind: str, pk: int) -> str:
    return reverse("partnerships:item_delete", args=[world.partnership.pk, kind, pk])


def _items(world: Any) -> dict[str, tuple[Any, Any]]:
    """kind → (item, model) on the world's partnership; all owned by the company ('member')."""
    return {
        "delivery": (world.delivery, Delivery),
        "objective": (world.objective, Objective),
        "document": (world.secret_document, Document),
        "commitment": (world.secret_commitment, Commitment),
    }


@pytest.mark.parametrize("kind", ["delivery", "objective", "document", "commitment"])
def test_the_owner_deletes_its_item_and_the_deletion_is_audited(client, world, kind):
    # given the company's user on the confirm page
    item, model = _items(world)[kind]
    pk = item.pk
    sign_in(client, world, "member")
    assert client.get(_url(world, kind, pk)).status_code == 200
    # when they confirm
    response = client.post(_url(world, kind, pk))
    # then the item is gone and the history names them
    assert response.status_code == 302
    assert not model.objects.filter(pk=pk).exists()
    record = model.history.filter(id=pk, history_type="-").get()
    assert record.history_user == world.users["member"]


@pytest.mark.parametrize(
    ("actor", "kind", "status"),
    [
        ("anonymous", "objective", 302),  # to the sign-in page
        ("outsider", "objective", 404),
        ("ngo_user", "objective", 403),  # a partner, but not the owner
        ("lead_admin", "objective", 403),
        ("staff", "objective", 403),
        ("lead_admin", "document", 404),  # owner-only: other organisations cannot see it
        ("lead_admin", "commitment", 404),
        ("ngo_user", "delivery", 403),
    ],
)
def test_others_cannot_delete_and_nothing_changes(client, world, actor, kind, status):
    item, _model = _items(world)[kind]
    sign_in(client, world, actor)
    before = snapshot()
    assert client.get(_url(world, kind, item.pk)).status_code == status
    assert client.post(_url(world, kind, item.pk)).status_code == status
    assert snapshot() == before


def test_only_the_lead_admin_deletes_a_need_and_only_without_commitments(client, world):
    # given a need nobody has pledged against
    empty = services.need_create(
        actor=world.users["lead_admin"],
        partnership=world.partnership,
        data={
            "title": "Survey",
            "resource_type": "expertise",
            "quantity": "10.00",
            "unit": "person-days",
        },
    )
    sign_in(client, world, "member")
    assert client.post(_url(world, "need", empty.pk)).status_code == 403
    sign_in(client, world, "lead_admin")
    # when the lead admin deletes the need that has commitments, it is refused with a reason
    response = client.post(_url(world, "need", world.need.pk))
    assert response.status_code == 400
    assert Need.objects.filter(pk=world.need.pk).exists()
    # and the empty one is deleted
    assert client.post(_url(world, "need", empty.pk)).status_code == 302
    assert not Need.objects.filter(pk=empty.pk).exists()


def test_a_commitment_with_deliveries_is_refused_with_its_reason(client, world):
    sign_in(client, world, "member")
    response = client.post(_url(world, "commitment", world.commitment.pk))
    assert response.status_code == 400
    assert Commitment.objects.filter(pk=world.commitment.pk).exists()


def test_delete_buttons_show_only_to_those_who_may_delete(client, world):
    objectives = reverse("partnerships:tab", args=[world.partnership.pk, "objectives"])
    delete_objective = _url(world, "objective", world.objective.pk)
    sign_in(client, world, "member")
    assert delete_objective in client.get(objectives).content.decode()
    sign_in(client, world, "ngo_user")
    assert delete_objective not in client.get(objectives).content.decode()


def test_an_item_of_another_partnership_is_not_found_under_this_one(client, world):
    sign_in(client, world, "lead_admin")
    url = reverse("partnerships:item_delete", args=[world.public.pk, "need", world.need.pk])
    assert client.get(url).status_code == 404
