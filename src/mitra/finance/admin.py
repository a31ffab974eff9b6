"""The finance model in the Django admin: who owns it and whether it is published, never its
figures (a private party's model is confidential, staff included)."""

from django.contrib import admin

from .models import FinanceModel


@admin.register(FinanceModel)
class FinanceModelAdmin(admin.ModelAdmin):
    list_display = ("partnership", "owner", "published", "version", "updated_at")
    list_filter = ("published",)
    fields = ("partnership", "owner", "published", "version", "created_at", "updated_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
