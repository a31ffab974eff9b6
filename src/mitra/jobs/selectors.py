from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from mitra.core.errors import NotFound

from .models import Job
from .runner import fail_stranded


def job_get_for(user: Any, job_id: Any) -> Job:
    """A job its creator (or platform staff) may follow; NotFound for everyone else."""
    fail_stranded(Job.objects.filter(pk=job_id))
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not (
        getattr(user, "is_staff", False)
        or (getattr(user, "is_authenticated", False) and job.created_by_id == user.pk)
    ):
        raise NotFound(_("Job not found."))
    return job
