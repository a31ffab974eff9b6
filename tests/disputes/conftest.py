"""Fixtures of the disputes tests: the shared world (tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mitra.disputes import services
from tests.conftest import PASSWORD


def members(world: Any) -> dict[str, Any]:
    p = world.partnership
    return {
        "pemda": p.members.get(organisation=world.pemda),
        "company": p.members.get(organisation=world.company),
        "ngo": p.members.get(organisation=world.ngo),
    }


@pytest.fixture
def dispute(world: Any) -> Any:
    m = members(world)
    return services.dispute_create(
        actor=world.users["member"],
        partnership=world.partnership,
        data={
            "title": "Late land",
            "dispute_type": "resources",
            "parties": [m["pemda"].pk, m["company"].pk],
            "other_parties": "Warga Desa Sukamaju",
        },
    )


@pytest.fixture
def secret(world: Any) -> Any:
    """A confidential dispute between the company and the NGO (not the lead)."""
    m = members(world)
    return services.dispute_create(
        actor=world.users["member"],
        partnership=world.partnership,
        data={
            "title": "Secret payment quarrel",
            "dispute_type": "payment",
            "parties": [m["company"].pk, m["ngo"].pk],
            "confidential": True,
        },
    )


def login(client: Client, user: Any) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client
