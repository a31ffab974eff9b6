"""Pages of the Finance tab, under /partnerships/<pk>/finance/... (the tab itself is the
workspace's). The value-for-money, fiscal and stress pages and the report have their own url
modules, included here."""

from django.urls import path

from . import appraisal_urls, report_urls, views

app_name = "finance"
M = "partnerships/<int:pk>/finance/model/"
urlpatterns: list = [
    path(M + "results/", views.results, name="results"),
    path(M + "edit/", views.model_edit, name="edit"),
    path(M + "import/", views.model_import, name="import"),
    path(M + "delete/", views.model_delete, name="delete"),
    path(M + "solve/", views.model_solve, name="solve"),
    path(M + "apply/", views.model_apply, name="apply"),
    path(M + "finance-model.json", views.export_json, name="export_json"),
    path(M + "finance-model.xlsx", views.export_xlsx, name="export_xlsx"),
    path(M + "template.xlsx", views.template_xlsx, name="template_xlsx"),
    path(M + "results.json", views.results_json, name="results_json"),
    *appraisal_urls.urlpatterns,
    *report_urls.urlpatterns,
]
