"""Running a queued job to its end: what the worker does with a job id.

``services`` enqueues (through ``tasks``), ``tasks`` is the queue's one task, and this module runs
the job's handler, records its progress and finishes it; the three import one way only:
``services → tasks → runner``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mitra.core.errors import ApplicationError

from .models import Job, JobStatus
from .registry import handler_for

logger = logging.getLogger(__name__)


def job_progress(job: Job, done: int, total: int) -> None:
    """Record progress; a plain UPDATE so it is visible at once to the page polling it."""
    job.done, job.total = done, total
    Job.objects.filter(pk=job.pk).update(done=done, total=total)


def job_execute(job_id: str) -> Job:
    """Run a queued job to its end (what the worker calls); a job runs at most once."""
    started = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    job = Job.objects.get(pk=job_id)
    if not started:
        return job
    handler = handler_for(job.kind)
    with translation.override(job.language or None):
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
