from django.urls import path

from mitra.accounts.ratelimits import rate_limit

from .feeds import PartnershipFeed

app_name = "disclosure"
urlpatterns = [
    path("feed/", rate_limit("feed")(PartnershipFeed()), name="feed"),
]
