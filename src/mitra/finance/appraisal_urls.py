"""Pages of the finance tab's appraisal part (included by finance/urls.py): value for money,
fiscal commitments, stress tests under /partnerships/<pk>/finance/...; an organisation's budget
and the analyst's portfolio under /finance/..."""

from django.urls import path

from . import appraisal_views as views

F = "partnerships/<int:pk>/finance/"
urlpatterns: list = [
    path(F + "vfm/", views.vfm_page, name="vfm"),
    path(F + "vfm/edit/", views.vfm_edit, name="vfm_edit"),
    path(F + "vfm/checklist/", views.vfm_checklist, name="vfm_checklist"),
    path(F + "fiscal/", views.fiscal_page, name="fiscal"),
    path(F + "fiscal/edit/", views.fiscal_edit, name="fiscal_edit"),
    path(F + "fiscal/guarantees/add/", views.guarantee_create, name="guarantee_create"),
    path(
        F + "fiscal/guarantees/<int:guarantee_pk>/",
        views.guarantee_edit,
        name="guarantee_edit",
    ),
    path(F + "stress/", views.stress_page, name="stress"),
    path(F + "stress/add/", views.scenario_create, name="scenario_create"),
    path(F + "stress/run/", views.stress_run, name="stress_run"),
    path(F + "stress/<int:scenario_pk>/", views.scenario_edit, name="scenario_edit"),
    path("finance/budgets/<int:org_pk>/", views.budget_edit, name="budget_edit"),
    path("finance/portfolio/", views.portfolio_page, name="portfolio"),
]
