"""Pages of the Workplan and Meetings tabs (the tabs themselves are the workspace's), and the
calendar addresses."""

from django.urls import path

from . import views

app_name = "workplan"
W = "partnerships/<int:pk>/workplan/"
urlpatterns = [
    path(W + "tasks/add/", views.task_add, name="task_add"),
    path(W + "tasks/<int:task_pk>/edit/", views.task_edit, name="task_edit"),
    path(W + "tasks/<int:task_pk>/delete/", views.task_delete, name="task_delete"),
    path(W + "gantt/", views.gantt_download, name="gantt"),
    path(W + "meetings/add/", views.meeting_add, name="meeting_add"),
    path(W + "meetings/<int:meeting_pk>/", views.meeting_detail, name="meeting"),
    path(W + "meetings/<int:meeting_pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path(W + "meetings/<int:meeting_pk>/decisions/add/", views.decision_add, name="decision_add"),
    path(W + "decision-rule/", views.rule_edit, name="rule"),
    path(W + "calendar.ics", views.partnership_ics, name="ics"),
    path(W + "calendar/subscribe/", views.feed_create, name="feed_create"),
    path(W + "calendar/<int:feed_pk>/revoke/", views.feed_revoke, name="feed_revoke"),
    path(W + "follow/", views.follow, name="follow"),
    path("calendar/<str:token>.ics", views.feed_ics, name="feed"),
]
