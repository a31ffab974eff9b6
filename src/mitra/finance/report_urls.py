"""Pages of the finance tab's report part (included by finance/urls.py): the report page with
both downloads and the progress of a report being prepared in the background."""

from django.urls import path

from . import report_views

R = "partnerships/<int:pk>/finance/report/"
urlpatterns: list = [
    path(R, report_views.report_page, name="report"),
    path(R + "report.<str:fmt>", report_views.report_download, name="report_download"),
    path(R + "prepare/", report_views.report_prepare, name="report_prepare"),
    path(R + "jobs/<uuid:job_id>/", report_views.report_job_download, name="report_job_file"),
]
