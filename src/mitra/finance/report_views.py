"""The report page of the Finance tab: both downloads (PDF and XLSX, in the reader's language)
and, for a large partnership, the progress of a report prepared in the background.

A small report streams straight from ``report.<fmt>``; a large one (``report.report_is_large``)
is queued as a job from ``prepare/`` and the page polls its progress with htmx, then offers the
file, which only the reader who asked for it may download (it holds what they may see).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from mitra.core.errors import NotFound
from mitra.core.views import redirect_after_save, service_errors
from mitra.jobs.models import Job, JobStatus
from mitra.partnerships.models import Partnership
from mitra.partnerships.selectors import partnership_get
from mitra.partnerships.workspace import render_tab

from . import report
from .tabs import TAB, subnav


def _page_url(partnership: Partnership, job: Job | None = None) -> str:
    url = reverse("finance:report", args=[partnership.pk])
    return f"{url}?job={job.pk}" if job is not None else url


def _jobs(request: HttpRequest, partnership: Partnership) -> list[Job]:
    """The reader's recent report jobs of this partnership (newest first)."""
    if not request.user.is_authenticated:
        return []
    jobs = Job.objects.filter(
        kind=report.JOB_KIND, created_by=request.user, params__partnership=partnership.pk
    ).order_by("-created_at")[:5]
    return list(jobs)


@login_required
@service_errors
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    job: Job | None = None
    if request.GET.get("job"):
        job = report.job_for_page(
            user=request.user, partnership=partnership, job_id=request.GET["job"]
        )
        if job is None:
            raise NotFound(_("Report not found."))
        if request.GET.get("progress"):
            if job.is_finished:
                return HttpResponseClientRefresh()
            return render_tab(
                request,
                partnership,
                TAB,
                {"job": job},
                template="finance/report_progress.html",
            )
    large = report.report_is_large(partnership)
    context: dict[str, Any] = {
        "finance_nav": subnav(partnership),
        "finance_active": "report",
        "large": large,
        "job": job,
        "jobs": _jobs(request, partnership),
        "section_titles": report.section_titles(),
        "formats": report.FORMATS,
    }
    return render_tab(request, partnership, TAB, context, template="finance/report_page.html")


@login_required
@service_errors
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The report built in the request (small partnerships); a large one is sent to the page,
    which prepares it in the background."""
    partnership = partnership_get(user=request.user, pk=pk)
    if fmt not in report.FORMATS:
        raise NotFound(_("Unknown report format."))
    if report.report_is_large(partnership):
        messages.info(
            request,
            _(
                "This partnership is large: its report is prepared in the background. Start it here."
            ),
        )
        return redirect(_page_url(partnership))
    data, filename = report.report_file(user=request.user, partnership=partnership, fmt=fmt)
    response = HttpResponse(data, content_type=report.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@service_errors
@require_POST
def report_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_get(user=request.user, pk=pk)
    fmt = request.POST.get("format", "")
    if fmt not in report.FORMATS:
        messages.error(request, _("Choose PDF or XLSX."))
        return redirect_after_save(request, _page_url(partnership))
    job = report.report_start(actor=request.user, partnership=partnership, fmt=fmt)
    return redirect_after_save(request, _page_url(partnership, job))


@login_required
@service_errors
def report_job_download(request: HttpRequest, pk: int, job_id: Any) -> HttpResponse:
    """The file a finished report job left, for the reader who asked for it."""
    partnership = partnership_get(user=request.user, pk=pk)
    job, path = report.report_job_file(user=request.user, partnership=partnership, job_id=job_id)
    if job.status != JobStatus.SUCCEEDED or not path or not default_storage.exists(path):
        raise NotFound(_("This report is not ready, or no longer kept."))
    fmt = job.result.get("format", "pdf")
    return FileResponse(
        default_storage.open(path, "rb"),
        as_attachment=True,
        filename=job.result.get("filename") or f"report.{fmt}",
        content_type=report.CONTENT_TYPES.get(fmt, "application/octet-stream"),
    )
