"""A sharing game on the world's PPP: pemda (lead), company and ngo deliver cash and expertise;
the company's owner-only commitment has a delivery too (confidential to it)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from mitra.benefits import selectors, services
from mitra.partnerships import services as partnership_services

MILLION = Decimal("1000000")


def members(world: Any) -> dict[str, Any]:
    p = world.partnership
    return {
        "pemda": p.members.get(organisation=world.pemda),
        "company": p.members.get(organisation=world.company),
        "ngo": p.members.get(organisation=world.ngo),
    }


@pytest.fixture
def game(world: Any) -> dict[str, Any]:
    lead, p = world.users["lead_admin"], world.partnership
    m = members(world)
    day = datetime.date(2026, 2, 1)
    partnership_services.delivery_create(
        actor=world.users["member"],
        commitment=world.secret_commitment,
        data={"delivered_on": day, "quantity": Decimal("20000000.00")},
    )
    own = partnership_services.commitment_create(
        actor=lead, need=world.need, member=m["pemda"], data={"quantity": Decimal("100000000.00")}
    )
    partnership_services.delivery_create(
        actor=lead, commitment=own, data={"delivered_on": day, "quantity": Decimal("100000000.00")}
    )
    coaching = partnership_services.need_create(
        actor=lead,
        partnership=p,
        data={
            "title": "Community liaison",
            "resource_type": "expertise",
            "quantity": Decimal("100.00"),
            "unit": "person-days",
        },
    )
    ngo_commitment = partnership_services.commitment_create(
        actor=world.users["ngo_user"],
        need=coaching,
        member=m["ngo"],
        data={"quantity": Decimal("50.00")},
    )
    partnership_services.delivery_create(
        actor=world.users["ngo_user"],
        commitment=ngo_commitment,
        data={"delivered_on": day, "quantity": Decimal("40.00")},
    )
    services.unit_value_set(
        actor=lead,
        partnership=p,
        resource_type="expertise",
        unit="person-days",
        value=Decimal("1000000.00"),
        basis="consultant day rate",
    )
    settings = services.settings_get_or_create(p, lead)
    ids = {k: v.pk for k, v in m.items()}
    services.coalitions_update(
        actor=lead,
        partnership=p,
        total_benefit=1000 * MILLION,
        walk_away={
            ids["pemda"]: 100 * MILLION,
            ids["company"]: 50 * MILLION,
            ids["ngo"]: 10 * MILLION,
        },
        worths={
            frozenset([ids["pemda"], ids["company"]]): 600 * MILLION,
            frozenset([ids["pemda"], ids["ngo"]]): 200 * MILLION,
            frozenset([ids["company"], ids["ngo"]]): None,
        },
        expected_version=settings.version,
    )
    keys = {p.member_id: p.key for p in selectors.players_of(p)}
    return {"members": m, "ids": ids, "keys": {k: keys[v] for k, v in ids.items()}}
