from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from mitra.core.errors import NotFound
from mitra.core.views import render_page

from .selectors import job_get_for


@login_required
def job_detail(request: HttpRequest, job_id: str) -> HttpResponse:
    """A job's page; while it runs, htmx polls the progress partial every second."""
    try:
        job = job_get_for(request.user, job_id)
    except NotFound:
        raise Http404 from None
    return render_page(
        request, "jobs/detail.html", {"job": job}, partial="jobs/partials/progress.html"
    )
