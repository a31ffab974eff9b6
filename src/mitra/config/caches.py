"""The caches of the production settings (``mitra serve``), apart so tests can use the same.

Everything shared lives in the database, so no other service is needed (``mitra
createcachetable`` makes the tables); its counters are incremented under a row lock
(``core.caches.AtomicDatabaseCache``), so requests counted at once are all counted. Django's
database cache, once a table holds more than ``MAX_ENTRIES`` rows, deletes the third of them
whose keys sort first, whatever they hold. So what must last is kept apart from what churns:

- ``default`` (table ``mitra_cache``): the few things that must be shared and kept: the
  failed-sign-in counters, the data version of the page cache, the schedule of the bulk files.
  Its ``MAX_ENTRIES`` leaves room for a sign-in attack from thousands of addresses at once.
- ``ratelimit`` (table ``mitra_ratelimit``): django-ratelimit's counters, one row per client
  address and limited group a minute (``accounts.ratelimits``). Before they had a table of their
  own, 300 searches from as many addresses culled the data version (every cached page was
  built again) and the failed-sign-in counters with it. Culled counters only loosen a limit for
  the rest of that minute.
- ``pages`` (each web process's memory): pages and open-data answers that are the same for every
  anonymous visitor (``core.pagecache``), at most ``MITRA_PAGE_CACHE_MB`` (64) per process
  (``core.caches``: the least recently used go first).
"""

from __future__ import annotations

import os
from typing import Any

#: Rows each database cache keeps before culling. Every write counts the table's rows
#: (``SELECT COUNT(*)``, twice for a counter's increment), so the rate limits' table, written by
#: every limited request, stays small: counting 7,000 rows cost a search 2.4 ms; 2,000 distinct
#: clients a minute before a limit loosens. The default table is written rarely (a change, a
#: failed sign-in) and holds few rows; its ceiling leaves room for an attack from thousands of
#: addresses.
DEFAULT_ENTRIES = 10_000
RATELIMIT_ENTRIES = 2_000


def production_caches() -> dict[str, dict[str, Any]]:
    return {
        "default": {
            "BACKEND": "mitra.core.caches.AtomicDatabaseCache",
            "LOCATION": "mitra_cache",
            "OPTIONS": {"MAX_ENTRIES": DEFAULT_ENTRIES},
        },
        "ratelimit": {
            "BACKEND": "mitra.core.caches.AtomicDatabaseCache",
            "LOCATION": "mitra_ratelimit",
            "OPTIONS": {"MAX_ENTRIES": RATELIMIT_ENTRIES},
        },
        # A hit costs one read of the data version from "default"; a page is at most
        # MITRA_PAGE_CACHE_SECONDS old. Each process's memory, bounded by entries and by bytes
        # (MITRA_PAGE_CACHE_MB, 64), least recently used out first.
        "pages": {
            "BACKEND": "mitra.core.caches.BoundedLocMemCache",
            "LOCATION": "mitra-pages",
            "OPTIONS": {
                "MAX_ENTRIES": int(os.environ.get("MITRA_PAGE_CACHE_ENTRIES", "2000")),
                "MAX_BYTES": int(os.environ.get("MITRA_PAGE_CACHE_MB", "64")) * 2**20,
            },
        },
    }
