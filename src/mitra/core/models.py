"""Abstract base models shared by every domain app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Timestamps plus an edit `version` for optimistic concurrency (see core.concurrency)."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_(
            "Incremented by every saved edit; an edit based on an older version is refused."
        ),
    )

    class Meta:
        abstract = True
