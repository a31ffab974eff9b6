"""The import pages (platform staff only): upload → preview and validation report (prepared by a
background job while the page shows its progress) → import as a background job → the job's page
with its progress bar → the full report. Plus the review queue of uncertain organisation matches
and a simple mapping builder (whose columns a background job reads). No uploaded file is parsed
inside a request."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from functools import wraps
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from mitra.core.errors import ApplicationError, NotFound
from mitra.core.exports import Column, export_format, table_response
from mitra.jobs.models import Job, JobStatus
from mitra.jobs.selectors import job_get_for
from mitra.jobs.services import job_enqueue

from .forms import EXTENSIONS, MappingBuilderForm, MappingChoiceForm, UploadForm, safe_token
from .models import ImportRun, OrganisationMatchReview, ReviewStatus, SavedMapping
from .report import ALL_OR_NOTHING
from .reviews import review_resolve
from .services import can_import, upload_dir, upload_discard, uploads_sweep
from .tables import mapping_from_spec


def staff_only(view: Any) -> Any:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_import(request.user):
            raise DjangoPermissionDenied(_("Only platform staff may import data."))
        return view(request, *args, **kwargs)  # type: ignore[no-any-return]

    return wrapper


def _upload(token: str, user: Any) -> tuple[Path, dict[str, Any]]:
    """The uploaded file behind ``token`` and its metadata; only its uploader may use it."""
    if not safe_token(token):
        raise Http404
    meta_path = upload_dir() / f"{token}.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise Http404 from None
    if meta.get("user_id") != user.pk:
        raise Http404
    return upload_dir() / f"{token}.{meta['fmt']}", meta


@staff_only
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploads_sweep()  # the abandoned uploads of anyone, older than UPLOAD_MAX_AGE
        f = form.cleaned_data["file"]
        fmt = EXTENSIONS[Path(f.name).suffix.lower()]
        token = uuid.uuid4().hex
        folder = upload_dir()
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / f"{token}.{fmt}").open("wb") as out:
            for chunk in f.chunks():
                out.write(chunk)
        meta = {"fmt": fmt, "filename": Path(f.name).name[:200], "user_id": request.user.pk}
        (folder / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
        url = reverse("imports:preview", args=[token])
        return redirect(f"{url}?mapping={form.cleaned_data['mapping']}")
    return render(request, "imports/upload.html", {"form": form, "nav": "imports"})


def _upload_job(request: HttpRequest, token: str, kind: str) -> Job | None:
    """The job named by ``?job=`` (a preview or a column reading of this upload, by this
    user), or None when the URL names none; 404 for any other job."""
    job_id = request.GET.get("job")
    if not job_id:
        return None
    try:
        job = job_get_for(request.user, job_id)
    except (NotFound, ValueError, DjangoValidationError):
        raise Http404 from None
    if job.kind != kind or job.params.get("token") != token or job.created_by_id != request.user.pk:
        raise Http404
    return job


def _still_running(request: HttpRequest, job: Job, context: dict[str, Any]) -> HttpResponse | None:
    """While the job runs, htmx polls the page every second for the progress panel; once it
    has ended the page reloads and shows the result."""
    if not getattr(request, "htmx", False):
        return None
    if job.is_finished:
        return HttpResponseClientRefresh()
    return render(request, "imports/_job_wait.html", context)


def _preview_result(job: Job) -> dict[str, Any]:
    preview = dict((job.result or {}).get("preview") or {})
    rows = []
    for r in preview.get("rows", []):
        value = r.get("estimated_value")
        rows.append({**r, "estimated_value": None if value is None else Decimal(value)})
    preview["rows"] = rows
    return preview


@staff_only
def preview(request: HttpRequest, token: str) -> HttpResponse:
    """The first rows as the mapping parses them, and the full validation report of a dry run
    (nothing is written), both prepared by a background job (``imports.preview``) while the
    page shows its progress."""
    _path, meta = _upload(token, request.user)
    data = request.GET.copy() if request.GET else None
    if data is not None and not data.get("mode"):
        data["mode"] = ALL_OR_NOTHING  # the default, shown as chosen
    job = _upload_job(request, token, "imports.preview")
    if job is not None and data is not None:
        data["mapping"] = job.params["mapping"]
        data["mode"] = job.params.get("mode", ALL_OR_NOTHING)
    choice = MappingChoiceForm(data)
    context: dict[str, Any] = {"token": token, "meta": meta, "choice": choice, "nav": "imports"}
    if job is None:
        if not choice.is_valid():
            return render(request, "imports/preview.html", context)
        name, mode = choice.cleaned_data["mapping"], choice.cleaned_data["mode"]
        job = job_enqueue(
            actor=request.user,
            kind="imports.preview",
            title=_("Preview of %(file)s (%(mapping)s)")
            % {"file": meta["filename"], "mapping": name},
            params={
                "token": token,
                "fmt": meta["fmt"],
                "mapping": name,
                "mode": mode,
                "filename": meta["filename"],
            },
        )
        query = urlencode({"mapping": name, "mode": mode, "job": job.pk})
        return redirect(f"{reverse('imports:preview', args=[token])}?{query}")
    context.update(
        job=job,
        mapping_name=job.params["mapping"],
        mode=job.params.get("mode", ALL_OR_NOTHING),
        waiting=_("Preparing the preview…"),
    )
    running = _still_running(request, job, context)
    if running is not None:
        return running
    if job.status == JobStatus.SUCCEEDED:
        context["preview"] = _preview_result(job)
        context["report"] = job.result.get("report") or {}
    elif job.status == JobStatus.FAILED:
        context["problem"] = job.error
    return render(request, "imports/preview.html", context)


@staff_only
@require_POST
def discard(request: HttpRequest, token: str) -> HttpResponse:
    """Abandon an upload: the file is removed at once (nothing was imported)."""
    _upload(token, request.user)
    upload_discard(token)
    return redirect("imports:upload")


@staff_only
@require_POST
def start(request: HttpRequest, token: str) -> HttpResponse:
    """Queue the import as a background job and show its progress."""
    _path, meta = _upload(token, request.user)
    choice = MappingChoiceForm(request.POST)
    if not choice.is_valid():
        return redirect("imports:preview", token=token)
    name = choice.cleaned_data["mapping"]
    job = job_enqueue(
        actor=request.user,
        kind="imports.table",
        title=_("Import %(file)s (%(mapping)s)") % {"file": meta["filename"], "mapping": name},
        params={
            "token": token,
            "fmt": meta["fmt"],
            "mapping": name,
            "filename": meta["filename"],
            "mode": choice.cleaned_data["mode"],
        },
    )
    return redirect("jobs:detail", job_id=job.pk)


@staff_only
def report(request: HttpRequest, job_id: str) -> HttpResponse:
    """The full report an import job left: counts, then every error and warning."""
    job = get_object_or_404(Job, pk=job_id, kind="imports.table")
    data = dict((job.result or {}).get("report") or {})
    run = ImportRun.objects.filter(job=job).first()
    if data and run is not None:
        data["mode"] = run.mode  # as recorded with the import
    return render(request, "imports/report.html", {"job": job, "report": data, "nav": "imports"})


REJECTED_COLUMNS = (
    Column(gettext_lazy("Row"), lambda r: r.get("row")),
    Column(gettext_lazy("Id"), lambda r: r.get("id", "")),
    Column(gettext_lazy("Where"), lambda r: r.get("where", "")),
    Column(gettext_lazy("Value"), lambda r: r.get("value", "")),
    Column(gettext_lazy("Reason"), lambda r: r.get("message", "")),
)


@staff_only
def rejected(request: HttpRequest, job_id: str) -> HttpResponse:
    """The rows a partial import left out, with their reasons, as CSV (or XLSX)."""
    job = get_object_or_404(Job, pk=job_id, kind="imports.table")
    rows = ((job.result or {}).get("report") or {}).get("rejected") or []
    fmt = export_format(request) or "csv"
    return table_response(
        rows=rows, columns=REJECTED_COLUMNS, fmt=fmt, filename=f"import-rejected-rows-{job.pk}"
    )


REVIEW_COLUMNS = (
    Column(gettext_lazy("Imported spelling"), lambda r: r.imported_name),
    Column(gettext_lazy("Candidate"), lambda r: r.candidate.name if r.candidate else ""),
    Column(gettext_lazy("Score"), lambda r: round(r.score, 2)),
    Column(gettext_lazy("Source"), lambda r: r.source),
    Column(gettext_lazy("Status"), lambda r: r.get_status_display()),
    Column(gettext_lazy("Queued"), lambda r: r.created_at),
)


@staff_only
def reviews(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", ReviewStatus.PENDING)
    if status not in ReviewStatus.values:
        status = ReviewStatus.PENDING
    items = OrganisationMatchReview.objects.filter(status=status).select_related(
        "organisation", "candidate"
    )
    fmt = export_format(request)
    if fmt:
        return table_response(
            rows=items.iterator(chunk_size=2000),
            columns=REVIEW_COLUMNS,
            fmt=fmt,
            filename=str(_("organisation-matches")),
        )
    items = items[:500]
    return render(
        request,
        "imports/reviews.html",
        {"reviews": items, "status": status, "statuses": ReviewStatus.choices, "nav": "imports"},
    )


@staff_only
@require_POST
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(OrganisationMatchReview, pk=pk)
    try:
        review_resolve(actor=request.user, review=review, accept=request.POST.get("accept") == "1")
    except ApplicationError as exc:
        return render(request, "400.html", {"exception": str(exc.message)}, status=400)
    return redirect("imports:reviews")


@staff_only
def mapping_new(request: HttpRequest, token: str) -> HttpResponse:
    """Build a simple mapping for an uploaded file: each detected column → one field. The
    file's header is read, and a first choice guessed from the column names, by a background
    job (``imports.columns``)."""
    _path, meta = _upload(token, request.user)
    job = _upload_job(request, token, "imports.columns")
    if job is None:
        job = job_enqueue(
            actor=request.user,
            kind="imports.columns",
            title=_("Columns of %(file)s") % {"file": meta["filename"]},
            params={"token": token, "fmt": meta["fmt"], "filename": meta["filename"]},
        )
        return redirect(f"{reverse('imports:mapping_new', args=[token])}?job={job.pk}")
    context: dict[str, Any] = {
        "token": token,
        "meta": meta,
        "nav": "imports",
        "job": job,
        "waiting": _("Reading the columns of the file…"),
    }
    running = _still_running(request, job, context)
    if running is not None:
        return running
    if job.status != JobStatus.SUCCEEDED:
        context["problem"] = job.error
        return render(request, "imports/mapping_new.html", context)
    columns = list(job.result.get("columns") or [])
    initial = dict(job.result.get("guesses") or {})
    form = MappingBuilderForm(request.POST or None, columns=columns, initial=initial)
    if request.method == "POST" and form.is_valid():
        spec = form.spec()
        try:
            mapping_from_spec(spec)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            SavedMapping.objects.create(name=spec["name"], spec=spec, created_by=request.user)
            url = reverse("imports:preview", args=[token])
            return redirect(f"{url}?mapping={spec['name']}")
    context["form"] = form
    context["column_fields"] = [form[f"col_{i}"] for i in range(len(columns))]
    return render(request, "imports/mapping_new.html", context)
