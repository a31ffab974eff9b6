"""The ``pages`` cache is bounded by bytes as well as entries (core.caches): 500 open-data
answers of 2 MB would otherwise be 1 GB in each web process."""

from __future__ import annotations

import pickle
import threading
import uuid
from typing import Any

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection

from mitra.config.caches import production_caches
from mitra.core.caches import BoundedLocMemCache


def _cache(max_bytes: int, max_entries: int = 300) -> BoundedLocMemCache:
    return BoundedLocMemCache(
        f"test-{uuid.uuid4().hex}",
        {"OPTIONS": {"MAX_BYTES": max_bytes, "MAX_ENTRIES": max_entries}},
    )


def _size(value: object) -> int:
    return len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


def test_storing_past_the_budget_drops_the_least_recently_used():
    one = _size(b"a" * 1000)
    cache = _cache(max_bytes=3 * one)
    for key in "abc":
        cache.set(key, key.encode() * 1000)
    assert cache.size_in_bytes == 3 * one
    assert cache.get("a") == b"a" * 1000  # read: now the most recently used
    cache.set("d", b"d" * 1000)
    assert cache.get("b") is None  # the least recently used went
    assert [cache.get(k) is not None for k in "acd"] == [True, True, True]
    assert cache.size_in_bytes == 3 * one <= cache.max_bytes
    cache.set("e", b"e" * 1900)  # almost as large as two: the two least recently read go
    assert cache.size_in_bytes <= cache.max_bytes
    assert cache.get("e") == b"e" * 1900 and cache.get("d") is not None
    assert cache.get("a") is None and cache.get("c") is None


def test_a_value_larger_than_the_budget_is_not_kept_nor_its_older_value():
    cache = _cache(max_bytes=2000)
    cache.set("page", b"old")
    cache.set("page", b"x" * 5000)
    assert cache.get("page") is None  # not the stale old value
    assert cache.size_in_bytes == 0
    assert cache.add("page", b"y" * 5000) is True and cache.get("page") is None


def test_sizes_follow_replace_delete_expiry_cull_incr_and_clear():
    cache = _cache(max_bytes=10**6, max_entries=4)
    cache.set("k", b"x" * 100)
    cache.set("k", b"x" * 10)  # replaced: counted once, at its new size
    assert cache.size_in_bytes == _size(b"x" * 10)
    cache.delete("k")
    assert cache.size_in_bytes == 0
    cache.set("gone", b"x" * 50, timeout=-1)  # expired at once
    assert cache.get("gone") is None and cache.size_in_bytes == 0
    for n in range(6):  # past MAX_ENTRIES: the parent's cull drops a share of the entries
        cache.set(f"n{n}", b"x" * 20)
    assert cache.size_in_bytes == sum(
        _size(cache.get(f"n{n}")) for n in range(6) if cache.get(f"n{n}")
    )
    cache.set("count", 1)
    cache.incr("count", 10**30)
    assert cache.get("count") == 1 + 10**30
    assert cache.size_in_bytes == sum(_size(v) for v in _values(cache))
    cache.clear()
    assert cache.size_in_bytes == 0 and cache.get("count") is None


def _values(cache: BoundedLocMemCache) -> list[object]:
    return [pickle.loads(v) for v in cache._cache.values()]


def test_the_production_pages_cache_is_bounded_by_bytes(monkeypatch):
    monkeypatch.setenv("MITRA_PAGE_CACHE_MB", "32")
    pages = production_caches()["pages"]
    assert pages["BACKEND"] == "mitra.core.caches.BoundedLocMemCache"
    assert pages["OPTIONS"]["MAX_BYTES"] == 32 * 2**20


# --- the database cache's counters ------------------------------------------------------------


@pytest.fixture
def counters(settings: Any, transactional_db: Any) -> Any:
    """The production database cache in a table of its own (committed rows: threads see them)."""
    settings.CACHES = {
        **settings.CACHES,
        "counters": {
            "BACKEND": "mitra.core.caches.AtomicDatabaseCache",
            "LOCATION": "mitra_test_counters",
        },
    }
    call_command("createcachetable", "mitra_test_counters", verbosity=0)
    yield caches["counters"]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE mitra_test_counters")


def test_a_counter_counts_like_djangos(counters: Any) -> None:
    with pytest.raises(ValueError):
        counters.incr("absent")
    assert counters.add("hits", 1, 60)
    assert counters.incr("hits") == 2
    assert counters.incr("hits", 5) == 7
    assert counters.decr("hits", 3) == 4
    assert counters.get("hits") == 4
    counters.set("gone", 1, timeout=-1)  # expired
    with pytest.raises(ValueError):
        counters.incr("gone")


def test_increments_at_once_from_many_threads_are_all_counted(counters: Any) -> None:
    """Parallel password guesses or downloads each count: with Django's read-then-write
    increment, threads read the same count and most increments were lost."""
    threads, each = 6, 15
    assert counters.add("guesses", 0, 60)
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def guess() -> None:
        try:
            start.wait()
            for _ in range(each):
                counters.incr("guesses")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=guess) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert counters.get("guesses") == threads * each
