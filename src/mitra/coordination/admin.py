"""Coordination in the Django admin: organisations' approval policies can be set here by
platform staff (their administrators set them on the organisation's Approvals page);
invitations, sign-offs and deadline extensions are read only (they are written by their
services, which notify and audit)."""

from django.contrib import admin

from mitra.core.admin import VersionedAdmin

from .models import ApprovalPolicy, DeadlineExtension, Invitation, SignOff


@admin.register(ApprovalPolicy)
class ApprovalPolicyAdmin(VersionedAdmin):
    list_display = ("organisation", "required_approvals", "version", "updated_at")
    fields = ("organisation", "required_approvals", "approvers", "version")
    filter_horizontal = ("approvers",)


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Invitation)
class InvitationAdmin(_ReadOnly):
    list_display = ("partnership", "organisation", "status", "created_at", "responded_at")
    list_filter = ("status",)


@admin.register(SignOff)
class SignOffAdmin(_ReadOnly):
    list_display = ("partnership", "step", "member", "decision", "created_at", "withdrawn_at")
    list_filter = ("decision",)


@admin.register(DeadlineExtension)
class DeadlineExtensionAdmin(_ReadOnly):
    list_display = ("partnership", "step", "from_date", "to_date", "actor", "created_at")
