from django.contrib import admin
from django.db import models
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
    # A website typed without a scheme is taken as https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(OrganisationMembership)
class OrganisationMembershipAdmin(VersionedAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
