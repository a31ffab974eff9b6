from django.urls import path

from .feeds import PartnershipFeed

app_name = "disclosure"
urlpatterns = [
    path("feed/", PartnershipFeed(), name="feed"),
]
