"""The one task of the queue: run a :class:`~mitra.jobs.models.Job` by id."""

from __future__ import annotations

from django_tasks import task


@task()
def job_run(job_id: str) -> None:
    from .services import job_execute

    job_execute(job_id)
