"""Twenty writers at once answer 200 or 409 (a stale version), never 500 "database is locked",
on SQLite as on PostgreSQL: SQLite takes its write lock when a transaction begins (IMMEDIATE),
so writers queue behind the busy timeout instead of failing on a lock upgrade."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection

from mitra.partnerships.models import Partnership
from tests.conftest import build_world

from .conftest import API, ApiClient

pytestmark = pytest.mark.django_db(transaction=True)
WRITERS = 20


def _in_thread(work: Any) -> Any:
    def run(*args: Any) -> Any:
        try:
            return work(*args)
        finally:
            connection.close()  # each thread has its own connection

    return run


def test_twenty_parallel_patches_answer_200_or_409_and_lose_nothing() -> None:
    world = build_world()
    partnership = world.partnership
    version = partnership.version
    session = ApiClient()
    session.force_login(world.users["lead_admin"])
    cookies = session.cookies

    @_in_thread
    def patch(n: int) -> int:
        client = ApiClient()
        client.cookies = cookies
        body = {"version": version, "summary_en": f"Edit {n}"}
        return client.patch_json(f"{API}/partnerships/{partnership.pk}", body).status_code

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        statuses = list(pool.map(patch, range(WRITERS)))

    assert set(statuses) <= {200, 409}, statuses
    assert statuses.count(200) == 1  # all edited the same version: one wins, the rest are told
    partnership.refresh_from_db()
    assert partnership.version == version + 1


def test_twenty_parallel_creates_all_succeed_with_distinct_codes() -> None:
    world = build_world()
    session = ApiClient()
    session.force_login(world.users["lead_admin"])
    cookies = session.cookies
    before = Partnership.objects.count()

    @_in_thread
    def create(n: int) -> int:
        client = ApiClient()
        client.cookies = cookies
        body = {
            "title_ind": f"Kemitraan {n}",
            "form": "ppp",
            "development_sector": "water",
            "lead_organisation": world.pemda.pk,
        }
        return client.post_json(f"{API}/partnerships", body).status_code

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        statuses = list(pool.map(create, range(WRITERS)))

    assert statuses == [201] * WRITERS, statuses
    codes = list(Partnership.objects.values_list("code", flat=True))
    assert len(codes) == before + WRITERS == len(set(codes))
