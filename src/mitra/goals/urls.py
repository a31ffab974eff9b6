"""Pages of the Goals tab, under /partnerships/<pk>/goals/... (the tab itself is the workspace's)."""

from django.urls import path

from . import views

app_name = "goals"
G = "partnerships/<int:pk>/goals/"
urlpatterns = [
    path(G + "levers/add/", views.lever_add, name="lever_add"),
    path(G + "levers/new/", views.lever_new, name="lever_new"),
    path(G + "levers/<int:lever_pk>/edit/", views.lever_edit, name="lever_edit"),
    path(G + "levers/<int:lever_pk>/delete/", views.lever_delete, name="lever_delete"),
    path(G + "levers/<int:lever_pk>/objective/", views.objective_edit, name="objective"),
    path(
        G + "levers/<int:lever_pk>/objective/delete/",
        views.objective_delete,
        name="objective_delete",
    ),
    path(G + "negotiation/propose/", views.propose, name="propose"),
    path(G + "negotiation/agree/", views.agree, name="agree"),
    path(G + "alignment-spec.json", views.spec_export, name="spec"),
    path(G + "chart/", views.chart_data, name="chart"),
]
