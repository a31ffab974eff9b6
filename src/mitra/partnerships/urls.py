from django.urls import path, re_path

from . import views

app_name = "partnerships"
P = "partnerships/<int:pk>/"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("partnerships/", views.partnership_list, name="list"),
    path("partnerships/new/", views.partnership_create, name="create"),
    path(P, views.partnership_detail, name="detail"),
    path(P + "edit/", views.partnership_edit, name="edit"),
    path(P + "partners/add/", views.member_add, name="member_add"),
    path(P + "partners/<int:member_pk>/edit/", views.member_edit, name="member_edit"),
    path(P + "partners/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
    path(P + "needs/add/", views.need_create, name="need_create"),
    path(P + "needs/<int:need_pk>/edit/", views.need_edit, name="need_edit"),
    path(P + "needs/<int:need_pk>/commit/", views.commitment_create, name="commitment_create"),
    path(
        P + "commitments/<int:commitment_pk>/edit/", views.commitment_edit, name="commitment_edit"
    ),
    path(
        P + "commitments/<int:commitment_pk>/deliveries/add/",
        views.delivery_create,
        name="delivery_create",
    ),
    path(P + "objectives/add/", views.objective_create, name="objective_create"),
    path(P + "objectives/<int:objective_pk>/edit/", views.objective_edit, name="objective_edit"),
    path(P + "documents/add/", views.document_create, name="document_create"),
    re_path(
        r"^partnerships/(?P<pk>[0-9]+)/(?P<kind>need|commitment|delivery|objective|document)s/"
        r"(?P<item_pk>[0-9]+)/delete/$",
        views.item_delete,
        name="item_delete",
    ),
    path(
        P + "documents/<int:document_pk>/download/",
        views.document_download,
        name="document_download",
    ),
    # The tabs of the partnership page (``workspace``): last, so that the pages above win.
    re_path(
        r"^partnerships/(?P<pk>[0-9]+)/(?P<tab>[a-z][a-z0-9-]*)/$",
        views.partnership_detail,
        name="tab",
    ),
]
