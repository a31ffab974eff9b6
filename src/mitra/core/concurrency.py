"""Optimistic concurrency: an edit carries the `version` it was made on; a stale one is refused.

The compare-and-increment is a single conditional UPDATE, so two writers racing on the same
version cannot both win, on SQLite (one writer at a time) and on PostgreSQL (row lock) alike.
The save that follows records the history row (simple-history hooks `save()`, not `update()`).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .errors import ApplicationError, StaleEdit
from .history import changes_since

M = TypeVar("M", bound=models.Model)


def save_versioned(
    instance: M,
    *,
    expected_version: int | None,
    actor: AbstractBaseUser | AnonymousUser | None,
    fields: dict[str, Any],
) -> M:
    """Apply `fields` to `instance` if the stored version still equals `expected_version`.

    Raises `StaleEdit` (nothing written) when someone saved in between; `full_clean()` runs before
    the save so model invariants hold. Must be called inside a transaction.
    """
    assert transaction.get_connection().in_atomic_block, "save_versioned needs a transaction"
    model = type(instance)
    if expected_version is None:
        # An edit must say which version it was made on; without it a stale copy could
        # overwrite a newer change unnoticed.
        raise ApplicationError(
            _(
                "This form is missing the version it was opened on: reload the page and apply "
                "your change again."
            ),
            {"field": "version"},
        )
    base = expected_version
    claimed = model._default_manager.filter(pk=instance.pk, version=base).update(  # type: ignore[attr-defined]
        version=base + 1
    )
    if not claimed:
        fresh = model._default_manager.get(pk=instance.pk)  # type: ignore[attr-defined]
        raise StaleEdit(
            _(
                "Someone else saved this record after you opened it. Nothing was saved; "
                "review their changes below and apply yours again."
            ),
            current=fresh,
            changes=changes_since(fresh, base),
        )
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.version = base + 1  # type: ignore[attr-defined]
    instance.full_clean()
    instance._history_user = actor if actor and actor.is_authenticated else None  # type: ignore[attr-defined]
    instance.save()
    return instance
