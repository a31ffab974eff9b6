"""Pages of disputes: the Disputes tab's sub-pages under /partnerships/<pk>/disputes/..., the
public grievance form and status page, and the political-events log."""

from django.urls import path

from . import views

app_name = "disputes"
D = "partnerships/<int:pk>/disputes/"
urlpatterns = [
    path(D + "add/", views.dispute_create, name="dispute_create"),
    path(D + "<int:dispute_pk>/", views.dispute_detail, name="dispute"),
    path(D + "<int:dispute_pk>/edit/", views.dispute_edit, name="dispute_edit"),
    path(D + "<int:dispute_pk>/escalate/", views.dispute_escalate, name="escalate"),
    path(D + "<int:dispute_pk>/resolve/", views.dispute_resolve, name="resolve"),
    path(D + "settings/", views.settings_edit, name="settings"),
    path(D + "charts/", views.chart_table, name="chart_table"),
    path(D + "grievances/<int:grievance_pk>/", views.grievance_detail, name="grievance"),
    path(
        D + "grievances/<int:grievance_pk>/dispute/",
        views.grievance_to_dispute,
        name="grievance_to_dispute",
    ),
    path(D + "events/link/", views.event_link, name="event_link"),
    path(D + "events/<int:link_pk>/stress/", views.link_stress, name="link_stress"),
    path(D + "amendments/add/", views.amendment_create, name="amendment_create"),
    path("partnerships/<int:pk>/grievance/", views.grievance_file, name="grievance_file"),
    path("grievances/", views.grievance_lookup, name="grievance_lookup"),
    path("grievances/<str:reference>/", views.grievance_status, name="grievance_status"),
    path("political-events/", views.event_list, name="events"),
    path("political-events/new/", views.event_create, name="event_create"),
]
