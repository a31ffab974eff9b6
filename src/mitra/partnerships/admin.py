from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from modeltranslation.admin import TranslationAdmin

from mitra.core.admin import ConfidentialAdmin, VersionedAdmin
from mitra.core.choices import Confidentiality

from .models import Commitment, Delivery, Document, Need, Objective, Partnership, PartnershipMember


class MemberInline(admin.TabularInline):
    """Read-only: partners and roles change through the pages or the API, whose services keep
    the role index, the lead rule and the versions right."""

    model = PartnershipMember
    extra = 0
    fields = ["organisation", "roles", "joined_on", "left_on", "version"]
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Partnership)
class PartnershipAdmin(VersionedAdmin, TranslationAdmin):
    list_display = ["code", "title", "form", "development_sector", "stage", "visibility"]
    list_filter = ["form", "stage", "visibility", "development_sector"]
    search_fields = ["code", "title_ind", "title_en"]
    readonly_fields = ["code", "created_at", "updated_at"]
    inlines = [MemberInline]


@admin.register(Need)
class NeedAdmin(VersionedAdmin, TranslationAdmin):
    list_display = ["title", "partnership", "resource_type", "quantity", "unit", "currency"]
    list_filter = ["resource_type"]
    search_fields = ["title_ind", "title_en", "partnership__code"]


def _ever_owner_only(model: Any) -> QuerySet[Any]:
    return model.history.filter(confidentiality=Confidentiality.OWNER).values("id")


@admin.register(Commitment)
class CommitmentAdmin(ConfidentialAdmin):
    list_display = ["need", "member", "quantity", "confidentiality"]
    list_filter = ["confidentiality"]

    def confidential_ids(self) -> QuerySet[Any]:
        return _ever_owner_only(Commitment)


@admin.register(Delivery)
class DeliveryAdmin(ConfidentialAdmin):
    list_display = ["commitment", "delivered_on", "quantity"]

    def confidential_ids(self) -> QuerySet[Any]:
        return Delivery.history.filter(commitment_id__in=_ever_owner_only(Commitment)).values("id")


@admin.register(Objective)
class ObjectiveAdmin(ConfidentialAdmin):
    list_display = ["text", "member", "sdg", "weight", "confidentiality"]

    def confidential_ids(self) -> QuerySet[Any]:
        return _ever_owner_only(Objective)


@admin.register(Document)
class DocumentAdmin(ConfidentialAdmin):
    list_display = ["title", "partnership", "doc_type", "revision", "confidentiality"]
    list_filter = ["doc_type", "confidentiality"]

    def confidential_ids(self) -> QuerySet[Any]:
        return _ever_owner_only(Document)
