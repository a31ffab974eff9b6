"""The import pages (platform staff only): upload → preview and validation report → import as a
background job → the job's page with its progress bar → the full report. Plus the review queue
of uncertain organisation matches and a simple mapping builder."""

from __future__ import annotations

import json
import uuid
from functools import wraps
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from mitra.core.errors import ApplicationError
from mitra.core.exports import Column, export_format, table_response
from mitra.jobs.models import Job
from mitra.jobs.services import job_enqueue

from .forms import EXTENSIONS, MappingBuilderForm, MappingChoiceForm, UploadForm, safe_token
from .models import ImportRun, OrganisationMatchReview, ReviewStatus, SavedMapping
from .report import ALL_OR_NOTHING
from .reviews import review_resolve
from .services import can_import, upload_dir
from .tables import import_table, load_mapping, mapping_from_spec, preview_table, read_table


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


@staff_only
def preview(request: HttpRequest, token: str) -> HttpResponse:
    """The first rows as the mapping parses them, and the full validation report of a dry run
    (nothing is written)."""
    path, meta = _upload(token, request.user)
    data = request.GET.copy() if request.GET else None
    if data is not None and not data.get("mode"):
        data["mode"] = ALL_OR_NOTHING  # the default, shown as chosen
    choice = MappingChoiceForm(data)
    context: dict[str, Any] = {"token": token, "meta": meta, "choice": choice, "nav": "imports"}
    if choice.is_valid():
        name = choice.cleaned_data["mapping"]
        context["mapping_name"] = name
        context["mode"] = choice.cleaned_data["mode"]
        try:
            mapping = load_mapping(name)
            context["preview"] = preview_table(path, fmt=meta["fmt"], mapping=mapping)
            context["report"] = import_table(
                path,
                fmt=meta["fmt"],
                mapping=mapping,
                actor=request.user,
                dry_run=True,
                mode=choice.cleaned_data["mode"],
            ).to_dict()
        except ApplicationError as exc:
            context["problem"] = str(exc.message)
    else:
        try:
            context["columns"] = read_table(path, meta["fmt"]).header
        except ApplicationError as exc:
            context["problem"] = str(exc.message)
    return render(request, "imports/preview.html", context)


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
    """Build a simple mapping for an uploaded file: each detected column → one field."""
    path, meta = _upload(token, request.user)
    try:
        columns = read_table(path, meta["fmt"]).header
    except ApplicationError as exc:  # an unreadable file: say why, as the preview does
        return render(request, "400.html", {"exception": str(exc.message)}, status=400)
    form = MappingBuilderForm(request.POST or None, columns=columns)
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
    fields = [form[f"col_{i}"] for i in range(len(columns))]
    return render(
        request,
        "imports/mapping_new.html",
        {"form": form, "column_fields": fields, "token": token, "meta": meta, "nav": "imports"},
    )
