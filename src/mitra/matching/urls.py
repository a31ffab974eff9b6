"""Pages of the matching app: the needs board, offers and the matching profile."""

from django.urls import path

from . import views

app_name = "matching"
urlpatterns = [
    path("needs/", views.needs_board, name="board"),
    path("needs/<int:pk>/", views.need_detail, name="need"),
    path("needs/<int:pk>/offer/", views.offer_create, name="offer_create"),
    path("offers/", views.offer_list, name="offers"),
    path("offers/<int:pk>/edit/", views.offer_edit, name="offer_edit"),
    path("offers/<int:pk>/accept/", views.offer_accept, name="offer_accept"),
    path("offers/<int:pk>/decline/", views.offer_decline, name="offer_decline"),
    path("offers/<int:pk>/withdraw/", views.offer_withdraw, name="offer_withdraw"),
    path("organisations/<int:pk>/matching/", views.profile_edit, name="profile_edit"),
]
