"""Cache backends of the production settings (``config.caches``).

:class:`AtomicDatabaseCache`: Django's database cache with an ``incr`` that two processes
cannot interleave. Django's reads the value and writes it back, so requests counted at once read
the same count and all but one increment were lost: parallel password guesses were counted as
one, and so were parallel requests against a rate limit (django-ratelimit counts with ``add``
then ``incr``). Here the row is locked first (an UPDATE that changes nothing: a row lock on
PostgreSQL, the database's write lock on SQLite), then read and written in the same transaction.

:class:`BoundedLocMemCache`: a process-memory cache bounded by bytes as well as by entries (the
``pages`` cache).

Django's ``LocMemCache`` bounds only the number of entries: 500 cached pages of 20 KB are 10 MB,
500 open-data answers of 2 MB are 1 GB in each web process. :class:`BoundedLocMemCache` also
keeps the total size of what it holds (the pickled values, as the parent stores them) under
``OPTIONS["MAX_BYTES"]``: storing a value evicts the least recently used entries until the total
fits, and a value larger than the whole budget is not stored (a ``get`` then misses). Everything
else (expiry, ``MAX_ENTRIES`` and its cull, thread safety under the parent's lock) is the
parent's.
"""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connections, models, router, transaction
from django.utils.timezone import now


class AtomicDatabaseCache(DatabaseCache):
    def incr(self, key: str, delta: int = 1, version: int | None = None) -> Any:
        """Add ``delta`` to the stored number and return the sum; ``ValueError`` when the key is
        absent or expired (as Django's). Counted under the row's lock: none is lost."""
        stored_key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        name = connection.ops.quote_name
        table, cache_key = name(self._table), name("cache_key")
        value_col, expires_col = name("value"), name("expires")
        # Identifiers are the configured table's, quoted; every value is a parameter (as Django's).
        lock = f"UPDATE {table} SET {expires_col} = {expires_col} WHERE {cache_key} = %s"  # noqa: S608
        read = f"SELECT {value_col}, {expires_col} FROM {table} WHERE {cache_key} = %s"  # noqa: S608
        write = f"UPDATE {table} SET {value_col} = %s WHERE {cache_key} = %s"  # noqa: S608
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(lock, [stored_key])
            if cursor.rowcount == 0:
                raise ValueError(f"Key '{key}' not found")
            cursor.execute(read, [stored_key])
            stored, expires = cursor.fetchone()
            field = models.Expression(output_field=models.DateTimeField())
            for convert in connection.ops.get_db_converters(field) + field.get_db_converters(
                connection
            ):
                expires = convert(expires, field, connection)
            if expires < now():
                raise ValueError(f"Key '{key}' not found")
            stored = connection.ops.process_clob(stored)
            # written by this cache only, as Django's own get() reads it
            value = pickle.loads(base64.b64decode(stored.encode())) + delta  # noqa: S301
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(write, [encoded, stored_key])
        return value


#: Default byte budget of one process's cache.
DEFAULT_MAX_BYTES = 64 * 2**20

#: Size of each stored entry, per cache name (shared like the parent's stores).
_sizes: dict[str, dict[str, int]] = {}


class BoundedLocMemCache(LocMemCache):
    def __init__(self, name: str, params: dict[str, Any]) -> None:
        super().__init__(name, params)
        options = params.get("OPTIONS") or {}
        self.max_bytes = int(options.get("MAX_BYTES", DEFAULT_MAX_BYTES))
        self._sizes = _sizes.setdefault(name, {})

    @property
    def size_in_bytes(self) -> int:
        """Total size of the stored values (pickled)."""
        with self._lock:
            return sum(self._sizes.values())

    # Each method below runs under the parent's lock, as its caller holds it.

    def _set(self, key: str, value: bytes, timeout: Any = DEFAULT_TIMEOUT) -> None:
        if len(value) > self.max_bytes:
            self._delete(key)  # never keep an older value under a key just written
            return
        super()._set(key, value, timeout)
        self._sizes[key] = len(value)
        total = sum(self._sizes.values())
        while total > self.max_bytes:
            oldest, _ = self._cache.popitem()  # the least recently used (the parent's order)
            self._expire_info.pop(oldest, None)
            total -= self._sizes.pop(oldest, 0)

    def _cull(self) -> None:
        super()._cull()
        for key in [k for k in self._sizes if k not in self._cache]:
            del self._sizes[key]

    def _delete(self, key: str) -> bool:
        self._sizes.pop(key, None)
        return bool(super()._delete(key))

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            self._sizes.clear()

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> Any:
        value = super().incr(key, delta, version)
        stored_key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if stored_key in self._cache:
                self._sizes[stored_key] = len(self._cache[stored_key])
        return value
