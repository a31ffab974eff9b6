from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from mitra.core.errors import ApplicationError

from .models import ImportRun, OrganisationMatchReview, ReviewStatus, SavedMapping
from .reviews import review_resolve


@admin.register(OrganisationMatchReview)
class OrganisationMatchReviewAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("imported_name", "candidate", "score", "status", "source", "created_at")
    list_filter = ("status", "source")
    search_fields = ("imported_name", "candidate__name")
    readonly_fields = ("organisation", "candidate", "score", "source", "resolved_at", "resolved_by")
    actions = ("accept", "reject")

    def _resolve(self, request: Any, queryset: Any, accept: bool) -> None:
        done = 0
        for review in queryset.filter(status=ReviewStatus.PENDING):
            try:
                review_resolve(actor=request.user, review=review, accept=accept)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, str(exc.message), messages.ERROR)
        self.message_user(request, _("%(n)d match(es) reviewed.") % {"n": done})

    @admin.action(description=_("Same organisation: merge into the candidate"))
    def accept(self, request: Any, queryset: Any) -> None:
        self._resolve(request, queryset, True)

    @admin.action(description=_("Different organisations: keep both"))
    def reject(self, request: Any, queryset: Any) -> None:
        self._resolve(request, queryset, False)


@admin.register(SavedMapping)
class SavedMappingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "created_by", "created_at")
    search_fields = ("name",)


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Imports as they were run: read only (the report is what the import found)."""

    list_display = ("created_at", "format", "source", "filename", "mode", "succeeded", "rows",
                    "rejected_rows", "created_by")  # fmt: skip
    list_filter = ("format", "mode", "succeeded")
    search_fields = ("source", "filename")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
