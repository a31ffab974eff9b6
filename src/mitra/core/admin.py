"""Admin base for platform staff: history, validation, and version bumps on every save."""

from __future__ import annotations

from typing import Any

from simple_history.admin import SimpleHistoryAdmin


class VersionedAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    """Staff edits go through the model's full_clean (ModelForm) and are audited by
    simple-history; the version is bumped so that a partner's edit made on an older copy is
    refused rather than silently overwriting the staff change."""

    readonly_fields = ("version", "created_at", "updated_at")

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        if change:
            obj.version = (
                type(obj).objects.filter(pk=obj.pk).values_list("version", flat=True).first() or 0
            ) + 1
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
