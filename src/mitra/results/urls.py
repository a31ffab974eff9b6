"""Pages of the Results tab, under /partnerships/<pk>/indicators/..., and the dashboard."""

from django.urls import path

from . import views

app_name = "results"
R = "partnerships/<int:pk>/indicators/"
urlpatterns = [
    path("results/", views.dashboard, name="dashboard"),
    path(R + "results/add/", views.result_add, name="result_add"),
    path(R + "add/", views.indicator_add, name="indicator_add"),
    path(R + "<int:indicator_pk>/periods/add/", views.period_add, name="period_add"),
    path(R + "<int:indicator_pk>/service-level/", views.service_level, name="service_level"),
    path(R + "periods/<int:period_pk>/report/", views.update_add, name="update_add"),
    path(R + "updates/<int:update_pk>/edit/", views.update_edit, name="update_edit"),
    path(R + "updates/<int:update_pk>/submit/", views.update_submit, name="update_submit"),
    path(R + "updates/<int:update_pk>/review/", views.update_review, name="update_review"),
    path(R + "health/", views.health_survey, name="health"),
    path(R + "results/<int:result_pk>/edit/", views.result_edit, name="result_edit"),
    path(R + "results/<int:result_pk>/delete/", views.result_delete, name="result_delete"),
    path(R + "<int:indicator_pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path(R + "<int:indicator_pk>/delete/", views.indicator_delete, name="indicator_delete"),
    path(R + "<int:indicator_pk>/share/", views.indicator_share, name="indicator_share"),
    path(R + "periods/<int:period_pk>/edit/", views.period_edit, name="period_edit"),
    path(R + "periods/<int:period_pk>/delete/", views.period_delete, name="period_delete"),
]
urlpatterns.append(path(R + "health/chart/", views.health_chart, name="health_chart"))
urlpatterns.append(
    path("organisations/<int:org_pk>/tjsl-portfolio/", views.portfolio_export, name="portfolio")
)
