"""More history for the partnership's History tab: a registration point (``core.registry``).

The partnership app lists the changes of its own tables; each capability app registers a source
of its own (``source(user, partnership) -> list[HistoryEntry]``), which applies its own
confidentiality, in its ``AppConfig.ready()``::

    register_history_source("risks", risk_history)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mitra.core.history import HistoryEntry
from mitra.core.registry import Registry

HistorySource = Callable[[Any, Any], list[HistoryEntry]]

HISTORY_SOURCES: Registry[HistorySource] = Registry("history source")


def register_history_source(key: str, source: HistorySource) -> None:
    HISTORY_SOURCES.register(key, source)


def registered_history(user: Any, partnership: Any) -> list[HistoryEntry]:
    entries: list[HistoryEntry] = []
    for source in HISTORY_SOURCES:
        entries += source(user, partnership)
    return entries
