"""Pages of the Benefit-sharing tab, under /partnerships/<pk>/sharing/... (the tab itself is
the workspace's)."""

from django.urls import path

from . import views

app_name = "benefits"
S = "partnerships/<int:pk>/sharing/"
urlpatterns = [
    path(S + "coalitions/", views.coalitions_edit, name="coalitions"),
    path(S + "settings/", views.settings_edit, name="settings"),
    path(
        S + "unit-values/<slug:resource_type>/<str:unit>/",
        views.unit_value_edit,
        name="unit_value",
    ),
    path(S + "import/", views.game_import, name="import"),
    path(S + "sharing-game.json", views.game_export, name="export"),
    path(S + "result.json", views.result_json, name="result_json"),
    path(S + "charts/", views.chart_table, name="chart_table"),
    path(S + "agreements/add/", views.agreement_create, name="agreement_create"),
]
