from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse

from mitra.core.errors import NotFound
from mitra.core.views import render_page

from .exports import CONTENT_TYPES, KIND, session_hash
from .models import Job, JobStatus
from .selectors import job_get_for


def _job(request: HttpRequest, job_id: str) -> Job | None:
    """The job, None for an anonymous reader whose session did not ask for it (sent to sign
    in), 404 for a signed-in reader who may not follow it."""
    try:
        return job_get_for(request.user, job_id, session=session_hash(request.session.session_key))
    except NotFound:
        if not request.user.is_authenticated:
            return None
        raise Http404 from None


def job_detail(request: HttpRequest, job_id: str) -> HttpResponse:
    """A job's page; while it runs, htmx polls the progress partial every second. Its creator
    follows it (an anonymous reader from the session that queued a download), else 404."""
    job = _job(request, job_id)
    if job is None:
        return redirect_to_login(request.get_full_path())
    return render_page(
        request, "jobs/detail.html", {"job": job}, partial="jobs/partials/progress.html"
    )


def job_download(request: HttpRequest, job_id: str) -> HttpResponse:
    """The file a finished export job left, for the reader who asked for it."""
    job = _job(request, job_id)
    if job is None:
        return redirect_to_login(request.get_full_path())
    path = (job.result or {}).get("path")
    if job.kind != KIND or job.status != JobStatus.SUCCEEDED or not path:
        raise Http404
    if not default_storage.exists(path):
        raise Http404
    fmt = job.result.get("format", "csv")
    return FileResponse(
        default_storage.open(path, "rb"),
        as_attachment=True,
        filename=job.result.get("filename") or f"export.{fmt}",
        content_type=CONTENT_TYPES.get(fmt, "application/octet-stream"),
    )
