from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from .api import api

urlpatterns = [
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/", include("mitra.accounts.urls")),
    path("organisations/", include("mitra.organisations.urls")),
    path("", include("mitra.partnerships.urls")),
    prefix_default_language=False,
)
if settings.DEBUG:  # pragma: no cover - uploads are served by the web server in production
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
