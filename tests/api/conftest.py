"""Fixtures for the API tests: clients per actor of the permission matrix, and JSON helpers."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from mitra.accounts.models import ApiToken, hash_token
from tests.conftest import ACTORS, World, build_world  # noqa: F401 - re-exported for tests

API = "/api/v1"


class ApiClient(Client):
    """A test client whose JSON helpers send and read JSON (a token if given)."""

    def __init__(self, token: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.token = token

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        result = dict(headers or {})
        if self.token:
            result.setdefault("Authorization", f"Bearer {self.token}")
        return result

    def get_json(self, path: str, params: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.get(path, params, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    def post_json(self, path: str, data: Any, **kwargs: Any) -> Any:
        return self.post(
            path,
            json.dumps(data, default=str),
            content_type="application/json",
            headers=self._headers(kwargs.pop("headers", None)),
            **kwargs,
        )

    def patch_json(self, path: str, data: Any, **kwargs: Any) -> Any:
        return self.patch(
            path,
            json.dumps(data, default=str),
            content_type="application/json",
            headers=self._headers(kwargs.pop("headers", None)),
            **kwargs,
        )

    def delete_json(self, path: str, **kwargs: Any) -> Any:
        return self.delete(path, headers=self._headers(kwargs.pop("headers", None)), **kwargs)


def issue_token(user: Any, *, days: int = 30) -> str:
    raw = ApiToken.new_raw()
    ApiToken.objects.create(
        user=user,
        key_hash=hash_token(raw),
        prefix=raw[:8],
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return raw


def client_for(world: World, actor: str) -> ApiClient:
    """A session-authenticated client (anonymous: none). CSRF is not enforced by the test client;
    tests/api/test_auth.py checks it separately."""
    client = ApiClient()
    if actor != "anonymous":
        client.force_login(world.users[actor])
    return client


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    # Failed sign-ins are counted in the cache: start every test from zero.
    cache.clear()


@pytest.fixture
def clients(world: World) -> dict[str, ApiClient]:
    return {actor: client_for(world, actor) for actor in [*ACTORS, "ngo_user"]}
