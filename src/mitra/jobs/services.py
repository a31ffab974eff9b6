"""Writes on background jobs: enqueue (the worker runs them through ``runner``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import translation

from .models import Job
from .registry import handler_for
from .runner import job_execute, job_progress
from .tasks import job_run

__all__ = ["job_enqueue", "job_execute", "job_progress"]


def job_enqueue(*, actor: Any, kind: str, title: str, params: dict[str, Any]) -> Job:
    """Create a job and queue it once the surrounding transaction commits."""
    handler_for(kind)  # fail now, not in the worker, on an unknown kind
    job = Job.objects.create(
        kind=kind,
        title=title[:200],
        params=params,
        language=translation.get_language() or "",
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    transaction.on_commit(lambda: job_run.enqueue(str(job.pk)))
    return job
