from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from mitra.core.admin import VersionedAdmin

from .models import Commitment, Delivery, Document, Need, Objective, Partnership, PartnershipMember


class MemberInline(admin.TabularInline):
    model = PartnershipMember
    extra = 0
    autocomplete_fields = ["organisation"]
    readonly_fields = ["version"]


@admin.register(Partnership)
class PartnershipAdmin(VersionedAdmin, TranslationAdmin):
    list_display = ["code", "title", "form", "development_sector", "stage", "visibility"]
    list_filter = ["form", "stage", "visibility", "development_sector"]
    search_fields = ["code", "title_ind", "title_en"]
    readonly_fields = ["code", "version", "created_at", "updated_at"]
    inlines = [MemberInline]


@admin.register(Need)
class NeedAdmin(VersionedAdmin):
    list_display = ["title", "partnership", "resource_type", "quantity", "unit", "currency"]
    list_filter = ["resource_type"]
    search_fields = ["title", "partnership__code"]


@admin.register(Commitment)
class CommitmentAdmin(VersionedAdmin):
    list_display = ["need", "member", "quantity", "confidentiality"]
    list_filter = ["confidentiality"]


@admin.register(Delivery)
class DeliveryAdmin(VersionedAdmin):
    list_display = ["commitment", "delivered_on", "quantity"]


@admin.register(Objective)
class ObjectiveAdmin(VersionedAdmin):
    list_display = ["text", "member", "sdg", "weight", "confidentiality"]


@admin.register(Document)
class DocumentAdmin(VersionedAdmin):
    list_display = ["title", "partnership", "doc_type", "revision", "confidentiality"]
    list_filter = ["doc_type", "confidentiality"]
