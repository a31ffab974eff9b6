"""Pages of the Finance tab, under /partnerships/<pk>/finance/... (the tab itself is the
workspace's). The value-for-money, fiscal and stress pages and the report have their own url
modules, included here."""

from django.urls import path  # noqa: F401

from . import appraisal_urls, report_urls

app_name = "finance"
urlpatterns: list = [*appraisal_urls.urlpatterns, *report_urls.urlpatterns]
