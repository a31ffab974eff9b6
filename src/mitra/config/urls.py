# Uploaded documents are never served from MEDIA_ROOT by URL: every download goes through a view
# that checks the document's confidentiality (partnerships:document_download, the API's
# /documents/{id}/download). Do not expose MEDIA_ROOT on the web server either.
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from mitra.disclosure.sitemaps import SITEMAPS

from .api import api

urlpatterns = [
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS}, name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/", include("mitra.accounts.urls")),
    path("organisations/", include("mitra.organisations.urls")),
    path("jobs/", include("mitra.jobs.urls")),
    path("open-data/", include("mitra.disclosure.urls")),
    path("imports/", include("mitra.imports.urls")),
    path("", include("mitra.risks.urls")),
    path("", include("mitra.finance.urls")),
    path("", include("mitra.goals.urls")),
    path("", include("mitra.benefits.urls")),
    path("", include("mitra.matching.urls")),
    path("", include("mitra.notifications.urls")),
    path("", include("mitra.coordination.urls")),
    path("", include("mitra.workplan.urls")),
    path("", include("mitra.results.urls")),
    path("", include("mitra.disputes.urls")),
    path("", include("mitra.partnerships.urls")),
    prefix_default_language=False,
)
