"""The ``pages`` cache is bounded by bytes as well as entries (core.memcache): 500 open-data
answers of 2 MB would otherwise be 1 GB in each web process."""

from __future__ import annotations

import pickle
import uuid

from mitra.config.caches import production_caches
from mitra.core.memcache import BoundedLocMemCache


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
    assert pages["BACKEND"] == "mitra.core.memcache.BoundedLocMemCache"
    assert pages["OPTIONS"]["MAX_BYTES"] == 32 * 2**20
