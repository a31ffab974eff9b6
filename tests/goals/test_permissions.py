"""Who may call each goals operation, on the shared world (no lever yet), the way
tests/api/test_permissions.py checks every other operation; a denied write changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mitra.goals.models import Lever, NegotiationEntry
from tests.api.conftest import API, client_for
from tests.conftest import ACTORS, World

pytestmark = pytest.mark.django_db
P = "/partnerships"

#: name: (method, path, body, statuses for anonymous, outsider, member, lead_admin, staff)
MATRIX: dict[str, tuple[str, Any, Any, tuple[int, ...]]] = {
    "get alignment spec": (
        "GET",
        lambda w: f"{P}/{w.partnership.pk}/alignment-spec",
        None,
        (401, 404, 404, 404, 404),
    ),
    "get alignment": (
        "GET",
        lambda w: f"{P}/{w.partnership.pk}/alignment",
        None,
        (401, 404, 404, 404, 404),
    ),
    "list levers": (
        "GET",
        lambda w: f"{P}/{w.partnership.pk}/levers",
        None,
        (401, 404, 200, 200, 200),
    ),
    "create lever": (
        "POST",
        lambda w: f"{P}/{w.partnership.pk}/levers",
        {"catalogue_key": "tariff"},
        (401, 404, 201, 201, 403),
    ),
    "put objective": (
        "PUT",
        lambda w: f"{P}/{w.partnership.pk}/levers/999999/objective",
        {"direction": "target", "preferred": 5, "acceptable_min": 1, "acceptable_max": 9},
        (401, 404, 404, 404, 404),
    ),
    "list negotiation": (
        "GET",
        lambda w: f"{P}/{w.partnership.pk}/negotiation",
        None,
        (401, 404, 200, 200, 200),
    ),
    "create negotiation entry": (
        "POST",
        lambda w: f"{P}/{w.partnership.pk}/negotiation",
        {"kind": "proposal", "subject": "Tariff review", "value_text": "every two years"},
        (401, 404, 201, 201, 403),
    ),
}
CASES = [
    pytest.param(name, actor, MATRIX[name][3][i], id=f"{name}-{actor}")
    for name in MATRIX
    for i, actor in enumerate(ACTORS)
]


@pytest.mark.parametrize(("name", "actor", "expected"), CASES)
def test_permission_matrix(world: World, name: str, actor: str, expected: int) -> None:
    method, path, body, _statuses = MATRIX[name]
    client = client_for(world, actor)
    url = API + path(world)
    before = (Lever.objects.count(), NegotiationEntry.objects.count())
    if method == "GET":
        response = client.get_json(url)
    elif method == "POST":
        response = client.post_json(url, body)
    else:
        response = client.put(url, json.dumps(body), content_type="application/json")
    assert response.status_code == expected, (name, actor, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    if method != "GET" and not 200 <= expected < 300:
        assert (Lever.objects.count(), NegotiationEntry.objects.count()) == before
