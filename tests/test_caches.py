"""The production caches (config.caches): rate-limit counters churn in a table of their own, so
they never cull what must last (the failed-sign-in counters, the page cache's data version)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory

from mitra.accounts.ratelimits import limited
from mitra.accounts.services import sign_in_failed, sign_in_throttled
from mitra.config.caches import production_caches
from mitra.core import pagecache

#: More than Django's default MAX_ENTRIES (300), which culled the shared table before.
VISITORS = 400


@pytest.fixture
def caches_of_production(settings: Any, db: Any) -> None:
    settings.CACHES = production_caches()
    settings.RATELIMIT_USE_CACHE = "ratelimit"
    settings.MITRA_RATE_LIMITS = {"search": "120/m"}
    settings.MITRA_PAGE_CACHE_SECONDS = 300
    call_command("createcachetable", verbosity=0)


def _rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        return int(cursor.fetchone()[0])


def test_many_visitors_searching_cull_neither_sign_in_counters_nor_pages(
    caches_of_production: None,
) -> None:
    # given an account under a password-guessing attack, and cached pages of one data version
    for _ in range(5):
        sign_in_failed(client="198.51.100.7", username="pemda-admin")
    assert sign_in_throttled(client="198.51.100.7", username="pemda-admin")
    version = pagecache.current_version()
    # when many visitors search, each counted by their own address
    factory = RequestFactory()
    for n in range(VISITORS):
        request = factory.get(
            "/partnerships/", {"q": "air"}, REMOTE_ADDR=f"10.1.{n // 250}.{n % 250}"
        )
        request.user = AnonymousUser()
        assert not limited(request, "search")
    # then their counters are in their own table, and nothing that must last was culled
    assert _rows("mitra_ratelimit") == VISITORS
    assert _rows("mitra_cache") < 10
    assert pagecache.current_version() == version
    assert sign_in_throttled(client="198.51.100.7", username="pemda-admin")


def test_the_limit_still_counts_per_address(caches_of_production: None, settings: Any) -> None:
    settings.MITRA_RATE_LIMITS = {"search": "3/m"}
    request = RequestFactory().get("/partnerships/", {"q": "air"}, REMOTE_ADDR="10.2.0.1")
    request.user = AnonymousUser()
    assert [limited(request, "search") for _ in range(4)] == [False, False, False, True]
