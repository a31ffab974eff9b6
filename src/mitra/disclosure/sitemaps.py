"""Sitemap of the public pages, each with its Indonesian and English address."""

from __future__ import annotations

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from mitra.organisations.models import Organisation
from mitra.partnerships.models import Partnership


class _Bilingual(Sitemap):  # type: ignore[type-arg]
    i18n = True
    alternates = True
    x_default = True
    languages = ["id", "en"]
    limit = 20000  # two languages per item: stay under the 50,000 URLs of one sitemap file


class PartnershipSitemap(_Bilingual):
    changefreq = "weekly"

    def items(self) -> QuerySet[Partnership]:
        return Partnership.objects.published().order_by("pk").only("pk", "updated_at")

    def location(self, item: Partnership) -> str:
        return reverse("partnerships:detail", args=[item.pk])

    def lastmod(self, item: Partnership) -> datetime:
        return item.updated_at


class OrganisationSitemap(_Bilingual):
    changefreq = "monthly"

    def items(self) -> QuerySet[Organisation]:
        return Organisation.objects.order_by("pk").only("pk", "updated_at")

    def location(self, item: Organisation) -> str:
        return reverse("organisations:detail", args=[item.pk])

    def lastmod(self, item: Organisation) -> datetime:
        return item.updated_at


class PageSitemap(_Bilingual):
    def items(self) -> list[str]:
        return ["partnerships:dashboard", "partnerships:list", "organisations:list"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {
    "pages": PageSitemap,
    "partnerships": PartnershipSitemap,
    "organisations": OrganisationSitemap,
}
