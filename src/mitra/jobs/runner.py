"""Running a queued job to its end: what the worker does with a job id.

``services`` enqueues (through ``tasks``), ``tasks`` is the queue's one task, and this module runs
the job's handler, records its progress and finishes it; the three import one way only:
``services → tasks → runner``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.db import DatabaseError, connection, models
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mitra.core.errors import ApplicationError

from .models import Job, JobStatus
from .registry import handler_for

logger = logging.getLogger(__name__)

#: How often a running job says it is alive, and after how long without a sign it is stranded.
HEARTBEAT_SECONDS = 10.0
STRANDED_AFTER = timedelta(seconds=90)
STRANDED_MESSAGE = gettext_lazy(
    "The worker running this job stopped before it finished (it was stopped or the machine "
    "restarted); nothing was saved. Start it again."
)


@contextmanager
def heartbeat(job_id: Any, every: float | None = None) -> Iterator[None]:
    """Refresh the job's heartbeat from a side thread while the body runs."""
    stop = threading.Event()
    interval = HEARTBEAT_SECONDS if every is None else every

    def beat() -> None:
        try:
            while not stop.wait(interval):
                try:
                    Job.objects.filter(pk=job_id).update(heartbeat_at=timezone.now())
                except DatabaseError:  # SQLite busy with the job's own long write: next beat
                    logger.warning("job %s: heartbeat skipped", job_id)
        finally:
            connection.close()  # the thread's own connection

    thread = threading.Thread(target=beat, name=f"job-heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def fail_stranded(jobs: Any = None) -> int:
    """Mark failed every running job whose worker stopped giving signs of life; returns how
    many. Called wherever a job's status is read, so nobody waits on a job that will not end."""
    limit = timezone.now() - STRANDED_AFTER
    qs = Job.objects.all() if jobs is None else jobs
    stranded = qs.filter(status=JobStatus.RUNNING).filter(
        models.Q(heartbeat_at__lt=limit) | models.Q(heartbeat_at__isnull=True, started_at__lt=limit)
    )
    failed = 0
    for job in stranded.only("pk", "language"):  # few: each told in its own language
        with translation.override(job.language or None):
            failed += Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
                status=JobStatus.FAILED, error=str(STRANDED_MESSAGE), finished_at=timezone.now()
            )
    return failed


def job_progress(job: Job, done: int, total: int) -> None:
    """Record progress; a plain UPDATE so it is visible at once to the page polling it."""
    job.done, job.total = done, total
    Job.objects.filter(pk=job.pk).update(done=done, total=total, heartbeat_at=timezone.now())


def job_execute(job_id: str) -> Job:
    """Run a queued job to its end (what the worker calls); a job runs at most once."""
    now = timezone.now()
    started = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now
    )
    job = Job.objects.get(pk=job_id)
    if not started:
        return job
    handler = handler_for(job.kind)
    with translation.override(job.language or None), heartbeat(job.pk):
        try:
            result = handler(job, lambda done, total: job_progress(job, done, total))
        except ApplicationError as exc:
            _finish(job, JobStatus.FAILED, error=str(exc), result=exc.extra or {})
        except Exception:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            _finish(
                job, JobStatus.FAILED, error=_("The job failed unexpectedly; nothing was saved.")
            )
        else:
            _finish(job, JobStatus.SUCCEEDED, result=result)
    job.refresh_from_db()
    return job


def _finish(
    job: Job, status: str, *, error: str = "", result: dict[str, Any] | None = None
) -> None:
    Job.objects.filter(pk=job.pk).update(
        status=status, error=error, result=result or {}, finished_at=timezone.now()
    )
