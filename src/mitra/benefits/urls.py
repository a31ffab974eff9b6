"""Pages of the benefits app."""

from django.urls import path  # noqa: F401

app_name = "benefits"
urlpatterns: list = []
