"""Pages of workplan."""

from django.urls import path  # noqa: F401

app_name = "workplan"
urlpatterns: list = []
