"""Helpers for page tests: sign an actor in, snapshot the database to prove denied writes."""

from __future__ import annotations

from typing import Any

import pytest

from mitra.coordination.models import Invitation
from mitra.organisations.models import Organisation
from mitra.partnerships.models import (
    Commitment,
    Delivery,
    Document,
    Need,
    Objective,
    Partnership,
    PartnershipMember,
)


def sign_in(client: Any, world: Any, actor: str) -> None:
    if actor != "anonymous":
        client.force_login(world.users[actor])


def snapshot() -> dict[str, Any]:
    """Every row that a page could write, with its version: equal snapshots = nothing changed."""
    state: dict[str, Any] = {}
    for model in (
        Organisation,
        Partnership,
        PartnershipMember,
        Need,
        Commitment,
        Delivery,
        Objective,
        Document,
        Invitation,
    ):
        state[model.__name__] = sorted(model.objects.values_list("pk", "version"))
    return state


@pytest.fixture
def signed_in(client: Any, world: Any) -> Any:
    def _sign_in(actor: str) -> Any:
        sign_in(client, world, actor)
        return client

    return _sign_in
