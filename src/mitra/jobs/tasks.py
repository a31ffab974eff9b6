"""The one task of the queue: run a :class:`~mitra.jobs.models.Job` by id."""

from __future__ import annotations

from django_tasks import task

from .runner import job_execute


@task()
def job_run(job_id: str) -> None:
    job_execute(job_id)
