"""Job handlers by kind: a registration point (``mitra.core.registry``).

A handler is ``handler(job, progress) -> dict`` where ``progress(done, total)`` records how far it
has got; the dict it returns is stored as the job's result. Apps register theirs in their
``AppConfig.ready()`` by dotted path (imported only when a job of that kind runs), so this module
imports nothing of theirs::

    from mitra.jobs.registry import register_handler
    register_handler("imports.table", "mitra.imports.services.table_import_job")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.module_loading import import_string

from mitra.core.registry import Registry

Progress = Callable[[int, int], None]
Handler = Callable[[Any, Progress], dict[str, Any]]

HANDLERS: Registry[str] = Registry("job handler")
#: Kinds whose jobs every platform staff member may follow (platform work such as imports); a
#: job of any other kind (a partner's simulation) is followed by its creator alone.
STAFF_KINDS: set[str] = set()


def register_handler(kind: str, dotted_path: str, *, staff_may_follow: bool = False) -> None:
    """Let jobs of ``kind`` run ``dotted_path`` (a ``handler(job, progress) -> dict``)."""
    HANDLERS.register(kind, dotted_path)
    if staff_may_follow:
        STAFF_KINDS.add(kind)


def handler_for(kind: str) -> Handler:
    try:
        path = HANDLERS.get(kind)
    except LookupError:
        raise LookupError(f"no handler for job kind {kind!r}") from None
    return import_string(path)  # type: ignore[no-any-return]
