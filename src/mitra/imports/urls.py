from django.urls import path

from . import indicator_views, views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<str:token>/preview/", views.preview, name="preview"),
    path("<str:token>/start/", views.start, name="start"),
    path("<str:token>/mapping/", views.mapping_new, name="mapping_new"),
    path("<str:token>/discard/", views.discard, name="discard"),
    path("jobs/<uuid:job_id>/report/", views.report, name="report"),
    path("jobs/<uuid:job_id>/rejected/", views.rejected, name="rejected"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:pk>/decide/", views.review_decide, name="review_decide"),
    path("indicator-values/<int:pk>/", indicator_views.indicator_values, name="indicator_values"),
]
