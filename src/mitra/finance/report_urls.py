"""Pages of the finance tab's report part (included by finance/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
