from django.urls import path

from mitra.accounts.ratelimits import rate_limit

from . import views
from .feeds import PartnershipFeed

app_name = "disclosure"
urlpatterns = [
    path("", views.open_data, name="index"),
    path("files/<str:name>", views.dump_download, name="dump"),
    path("feed/", rate_limit("feed")(PartnershipFeed()), name="feed"),
]
