"""Errors raised by services and mapped to responses in one place (config/api.py, core/views)."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A business rule refused the operation. `message` is already translated (lazy)."""

    status = 400

    def __init__(self, message: Any, extra: dict[str, Any] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.extra = extra or {}


class PermissionDenied(ApplicationError):
    status = 403


class NotFound(ApplicationError):
    status = 404


class StaleEdit(ApplicationError):
    """The edit was made on a copy older than the stored one: nothing was written.

    `changes` lists what changed meanwhile (who, when, field, old → new); `current` is the stored
    object (a model instance) so the API can answer 409 with the current version.
    """

    status = 409

    def __init__(self, message: Any, *, current: Any, changes: list[dict[str, Any]]) -> None:
        super().__init__(message, {"changes": changes})
        self.current = current
        self.changes = changes
