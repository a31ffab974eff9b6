"""Job handlers by kind. A handler is ``handler(job, progress) -> dict`` where ``progress(done,
total)`` records how far it has got; the dict it returns is stored as the job's result.

Apps register their handlers here by dotted path, so this module imports nothing of theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.module_loading import import_string

Progress = Callable[[int, int], None]

HANDLERS: dict[str, str] = {
    "imports.table": "mitra.imports.services.table_import_job",
}


def handler_for(kind: str) -> Callable[[Any, Progress], dict[str, Any]]:
    try:
        return import_string(HANDLERS[kind])  # type: ignore[no-any-return]
    except KeyError:
        raise LookupError(f"no handler for job kind {kind!r}") from None
