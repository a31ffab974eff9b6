"""Abstract base models shared by every domain app."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

#: The labels of each field's choices per language, built once (see BaseModel._get_FIELD_display).
_LABELS: dict[tuple[Any, str], dict[Any, Any]] = {}


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

    def _get_FIELD_display(self, field: Any) -> Any:
        """``get_FOO_display()`` as Django answers it, from the field's labels translated once
        per language instead of a dict of lazy strings built at every call (pages show
        hundreds)."""
        key = (field, get_language() or "")
        labels = _LABELS.get(key)
        if labels is None:
            labels = _LABELS[key] = {
                make_hashable(value): force_str(label, strings_only=True)
                for value, label in field.flatchoices
            }
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)
