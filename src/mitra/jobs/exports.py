"""List exports too large for a request, prepared as background jobs (kind ``exports.table``).

A list view answers ``?export=csv|xlsx`` through :func:`list_export`: up to
``core.exports.stream_limit()`` rows (``MITRA_EXPORT_STREAM_LIMIT``, 5,000 by default) the file
streams in the request, which then ends in a second or two, well inside the server's 30 s
timeout; above it the export is queued and the reader is sent to the job's page, which shows its
progress and then a download link. The job runs the same export source as the request (the same
rows, with the same visibility: the reader's), in the reader's language and time zone, and keeps
the file in the default storage under ``exports/``; only the reader who asked may download it
(an anonymous reader by their session).
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files import File
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mitra.core import exports
from mitra.core.exports import csv_style, source, stream_limit, table_response

from .models import Job, JobStatus
from .services import job_enqueue

KIND = "exports.table"
#: Where the jobs leave their files (default storage; never served by URL: see views.download).
STORAGE_DIR = "exports"
#: Days a finished export's file is kept (``MITRA_EXPORT_KEEP_DAYS``); then it is deleted and its
#: job's page says so (the list can be exported again).
KEEP_DAYS = 7
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": exports.XLSX_TYPE}


def session_hash(session_key: str | None) -> str:
    """How a job remembers the anonymous reader's session (never the key itself)."""
    return hashlib.sha256((session_key or "").encode()).hexdigest() if session_key else ""


def list_export(request: HttpRequest, *, source_path: str, fmt: str) -> HttpResponse:
    """The download of a list: streamed when small, a background job when large."""
    query = {key: request.GET.getlist(key) for key in request.GET}
    table = source(source_path)(user=request.user, query=query)
    limit = stream_limit()
    if table.size(limit) <= limit:
        return table_response(
            rows=table.rows, columns=table.columns, fmt=fmt, filename=table.filename
        )
    params: dict[str, Any] = {
        "source": source_path,
        "query": query,
        "format": fmt,
        "zone": timezone.get_current_timezone_name(),
    }
    if not request.user.is_authenticated:
        if not request.session.session_key:
            request.session.save()
        params["session"] = session_hash(request.session.session_key)
    job = job_enqueue(
        actor=request.user,
        kind=KIND,
        title=_("Download of %(list)s (%(format)s)")
        % {"list": table.filename, "format": fmt.upper()},
        params=params,
    )
    return redirect(reverse("jobs:detail", args=[job.pk]))


def export_job(job: Job, progress: Any) -> dict[str, Any]:
    """Write the file of a queued export (the handler of ``exports.table``)."""
    params = job.params
    fmt = params["format"]
    user = job.created_by or AnonymousUser()
    with timezone.override(params.get("zone") or timezone.get_default_timezone_name()):
        table = source(params["source"])(user=user, query=params["query"])
        total = table.size(sys.maxsize - 1)
        progress(0, total)

        def step(done: int) -> None:
            if done % 2000 < exports.BATCH or done == total:
                progress(done, total)

        with tempfile.TemporaryFile() as out:
            if fmt == "csv":
                rows = exports.write_csv(out, table.rows, table.columns, csv_style(), step)
            else:
                rows = exports.write_xlsx(out, table.rows, table.columns, table.filename, step)
            progress(rows, max(rows, total))
            out.seek(0)
            path = f"{STORAGE_DIR}/{job.pk}.{fmt}"
            if default_storage.exists(path):
                default_storage.delete(path)
            stored = default_storage.save(path, File(out))
    filename = f"{table.filename}-{timezone.localdate().isoformat()}.{fmt}"
    purge_expired()  # each new file clears out the files past their time
    return {
        "path": stored,
        "format": fmt,
        "filename": filename,
        "rows": rows,
        "download": reverse("jobs:download", args=[job.pk]),
        "summary": {_("Rows"): rows, _("File"): filename},
    }


def keep_days() -> int:
    return int(getattr(settings, "MITRA_EXPORT_KEEP_DAYS", KEEP_DAYS))


def purge_expired(now: Any = None) -> int:
    """Delete the files of the export jobs that finished more than ``keep_days()`` ago; their
    jobs keep their summary and say the file has expired. Returns how many files went."""
    cutoff = (now or timezone.now()) - timedelta(days=keep_days())
    purged = 0
    for job in Job.objects.filter(
        kind=KIND, status=JobStatus.SUCCEEDED, finished_at__lt=cutoff, result__has_key="path"
    ).only("pk", "result"):
        path = job.result.pop("path")
        job.result.pop("download", None)
        job.result["expired"] = True
        if default_storage.exists(path):
            default_storage.delete(path)
        # Only this job's result changes (a worker finishing another job may save meanwhile).
        Job.objects.filter(pk=job.pk).update(result=job.result)
        purged += 1
    return purged
