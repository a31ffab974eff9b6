"""Pages of the Risks tab, under /partnerships/<pk>/risks/... (the tab itself is the workspace's)."""

from django.urls import path

from . import views

app_name = "risks"
R = "partnerships/<int:pk>/risks/"
urlpatterns = [
    path(R + "start/", views.register_start, name="start"),
    path(R + "add/", views.risk_create, name="risk_create"),
    path(R + "<int:risk_pk>/", views.risk_detail, name="risk_detail"),
    path(R + "<int:risk_pk>/edit/", views.risk_edit, name="risk_edit"),
    path(R + "<int:risk_pk>/delete/", views.risk_delete, name="risk_delete"),
    path(R + "<int:risk_pk>/mitigations/add/", views.mitigation_create, name="mitigation_create"),
    path(
        R + "<int:risk_pk>/mitigations/<int:mitigation_pk>/",
        views.mitigation_edit,
        name="mitigation_edit",
    ),
    path(R + "settings/", views.settings_edit, name="settings"),
    path(R + "parties/add/", views.parties_add, name="parties_add"),
    path(R + "parties/<int:party_pk>/", views.party_edit, name="party_edit"),
    path(R + "correlations/add/", views.correlation_create, name="correlation_create"),
    path(
        R + "correlations/<int:correlation_pk>/delete/",
        views.correlation_delete,
        name="correlation_delete",
    ),
    path(R + "template/", views.template_apply, name="template"),
    path(R + "import/", views.spec_import, name="import"),
    path(R + "risk-model.json", views.spec_export, name="export"),
    path(R + "simulations/", views.simulation_start, name="simulation_start"),
    path(R + "simulations/<int:simulation_pk>/", views.simulation_detail, name="simulation"),
    path(
        R + "simulations/<int:simulation_pk>/result.json",
        views.simulation_json,
        name="simulation_json",
    ),
]
