"""Registration points: what a higher app adds to a lower one without the lower one importing it.

The partnership page's tabs (``mitra.partnerships.workspace``), the sections of an
organisation's profile (``mitra.organisations.profile``) and the handlers of background jobs
(``mitra.jobs.registry``) are filled this way: each app registers its entries in its
``AppConfig.ready()``, and the page or the worker reads them in order. The lower app never names
the higher one, so the layers of ``docs/architecture.md`` hold.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


class Registry(Generic[T]):
    """Entries by key, kept in the order ``order(entry)`` gives (then by key)."""

    def __init__(self, what: str, order: Callable[[T], int] | None = None) -> None:
        self.what = what
        self._order = order
        self._entries: dict[str, T] = {}

    def register(self, key: str, entry: T) -> T:
        """Add ``entry`` under ``key``; registering the same entry again is a no-op."""
        known = self._entries.get(key)
        if known is not None and known != entry:
            raise ImproperlyConfigured(f"{self.what} {key!r} is registered twice")
        self._entries[key] = entry
        return entry

    def unregister(self, key: str) -> None:
        """Remove an entry (tests that register their own)."""
        self._entries.pop(key, None)

    def get(self, key: str) -> T:
        try:
            return self._entries[key]
        except KeyError:
            raise LookupError(f"no {self.what} {key!r}") from None

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __iter__(self) -> Iterator[T]:
        items = sorted(self._entries.items(), key=self._sort_key)
        return iter([entry for _key, entry in items])

    def keys(self) -> list[str]:
        return sorted(self._entries, key=lambda key: self._sort_key((key, self._entries[key])))

    def _sort_key(self, item: tuple[str, T]) -> tuple[int, str]:
        key, entry = item
        return (self._order(entry) if self._order else 0, key)
