"""Pages of coordination: the Lifecycle tab's actions and the invitations page."""

from django.urls import path

from . import views

app_name = "coordination"
L = "partnerships/<int:pk>/lifecycle/"
urlpatterns = [
    path(L + "stage/", views.stage_move, name="stage"),
    path(L + "sign-off/", views.sign_off, name="sign_off"),
    path(L + "invite/", views.invite, name="invite"),
    path(L + "deadline/", views.deadline_extend, name="extend"),
    path(L + "partners/<int:member_pk>/leave/", views.leave, name="leave"),
    path(
        "organisations/<int:organisation_pk>/approvals/",
        views.approval_policy,
        name="approval_policy",
    ),
    path("invitations/", views.invitation_list, name="invitations"),
    path("invitations/<int:invitation_pk>/<str:answer>/", views.invitation_answer, name="answer"),
]
