"""List endpoints run a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mitra.core.choices import Confidentiality
from mitra.partnerships import services
from mitra.partnerships.models import Visibility
from tests.api.conftest import API, World, client_for
from tests.conftest import make_org


def _grow(world: World, n: int, start: int = 0) -> None:
    """Add n partnerships and n rows of every item to the world's partnership."""
    lead, member = world.users["lead_admin"], world.users["member"]
    company = world.partnership.members.get(organisation=world.company)
    for i in range(start, start + n):
        services.partnership_create(
            actor=lead,
            lead_organisation=world.pemda,
            data={
                "title_ind": f"Kemitraan {i}",
                "form": "csr",
                "development_sector": "social_protection",
                "visibility": Visibility.PUBLIC,
            },
        )
        need = services.need_create(
            actor=lead,
            partnership=world.partnership,
            data={
                "title": f"Need {i}",
                "resource_type": "cash",
                "quantity": Decimal("100"),
                "currency": "IDR",
            },
        )
        commitment = services.commitment_create(
            actor=member,
            need=need,
            member=company,
            data={
                "quantity": Decimal("10"),
                "confidentiality": Confidentiality.OWNER if i % 2 else Confidentiality.PARTNERS,
            },
        )
        services.delivery_create(
            actor=member,
            commitment=commitment,
            data={"delivered_on": "2026-01-01", "quantity": Decimal("1")},
        )
        services.objective_create(actor=member, member=company, data={"text": f"Objective {i}"})
        services.document_create(
            actor=member,
            member=company,
            data={"title": f"Doc {i}", "doc_type": "report"},
            file=SimpleUploadedFile(f"d{i}.pdf", b"%PDF", "application/pdf"),
        )
        org = make_org(f"Koperasi {i}", "social", "cooperative")
        services.member_add(
            actor=lead, partnership=world.partnership, organisation=org, roles=["implementer"]
        )


LISTS = [
    "/partnerships",
    "/organisations",
    "/partnerships/{p}/members",
    "/partnerships/{p}/needs",
    "/partnerships/{p}/commitments",
    "/partnerships/{p}/deliveries",
    "/partnerships/{p}/objectives",
    "/partnerships/{p}/documents",
    "/partnerships/{p}/fulfilment",
    "/partnerships/{p}/history",
]


def _count(client: Any, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"limit": 100})
    assert response.status_code == 200
    return len(queries), len(response.json().get("items", response.json().get("needs", [])))


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("actor", ["member", "lead_admin"])
def test_list_queries_do_not_grow_with_rows(world: World, path: str, actor: str) -> None:
    # given a client and the list with 2 extra rows, then with 10 extra rows
    client = client_for(world, actor)
    url = API + path.format(p=world.partnership.pk)
    _grow(world, 2)
    small_queries, small_rows = _count(client, url)
    _grow(world, 8, start=2)

    # when listed again
    large_queries, large_rows = _count(client, url)

    # then the rows grew but the number of queries did not
    assert large_rows > small_rows
    assert large_queries == small_queries


def test_partnership_list_query_count_is_exact(
    world: World, django_assert_num_queries: Any
) -> None:
    client = client_for(world, "member")
    _grow(world, 10)
    # session, user, organisation ids, count, page, members with organisations
    with django_assert_num_queries(6):
        response = client.get(f"{API}/partnerships", {"limit": 100})
    assert response.json()["count"] == 12
