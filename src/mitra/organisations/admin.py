from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from mitra.core.admin import VersionedAdmin

from .models import Organisation, OrganisationMembership


class MembershipInline(admin.TabularInline):
    model = OrganisationMembership
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["version"]


@admin.register(Organisation)
class OrganisationAdmin(VersionedAdmin, TranslationAdmin):
    list_display = ["name", "short_name", "sector", "kind", "country", "province"]
    list_filter = ["sector", "kind", "country"]
    search_fields = ["name", "short_name"]
    inlines = [MembershipInline]


@admin.register(OrganisationMembership)
class OrganisationMembershipAdmin(VersionedAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
