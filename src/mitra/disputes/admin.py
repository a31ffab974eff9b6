"""Disputes and political events in the Django admin, read-only. A confidential dispute is
listed for superusers only (its parties read it on the partnership page); a grievance's
contact details are never shown."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import ContractAmendment, Dispute, Grievance, PoliticalEvent


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return bool(request.user.is_superuser)


@admin.register(Dispute)
class DisputeAdmin(ReadOnly):
    list_display = ("title", "partnership", "dispute_type", "status", "rung", "updated_at")
    list_filter = ("status", "dispute_type")
    fields = ("partnership", "title", "dispute_type", "status", "rung", "created_at")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(confidential=False)


@admin.register(Grievance)
class GrievanceAdmin(ReadOnly):
    list_display = ("reference", "partnership", "status", "created_at", "acknowledged_at")
    list_filter = ("status",)
    fields = ("reference", "partnership", "status", "desa", "public_response", "created_at")
    readonly_fields = fields


@admin.register(PoliticalEvent)
class PoliticalEventAdmin(ReadOnly):
    list_display = ("title", "kind", "date", "region")
    list_filter = ("kind",)
    fields = ("title", "kind", "date", "region", "description", "source")
    readonly_fields = fields


@admin.register(ContractAmendment)
class ContractAmendmentAdmin(ReadOnly):
    list_display = ("partnership", "date", "amends", "public")
    fields = ("partnership", "date", "amends", "rationale", "description", "public")
    readonly_fields = fields
