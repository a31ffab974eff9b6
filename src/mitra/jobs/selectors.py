from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from mitra.core.errors import NotFound

from .models import Job
from .registry import STAFF_KINDS
from .runner import fail_stranded


def job_get_for(user: Any, job_id: Any, *, session: str = "") -> Job:
    """A job its creator may follow, and platform staff a job of platform work (an import);
    NotFound for everyone else (a partner's simulation is not staff's to read). A job queued by
    an anonymous reader (a large download of a public list) is followed from the session that
    asked for it: ``session`` is that session's hash (``jobs.exports.session_hash``)."""
    fail_stranded(Job.objects.filter(pk=job_id))
    job = Job.objects.filter(pk=job_id).first()
    mine = (
        getattr(user, "is_authenticated", False)
        and job is not None
        and job.created_by_id == user.pk
    )
    staff = getattr(user, "is_staff", False) and job is not None and job.kind in STAFF_KINDS
    anonymous = (
        job is not None
        and job.created_by_id is None
        and bool(session)
        and (job.params or {}).get("session") == session
    )
    if job is None or not (mine or staff or anonymous):
        raise NotFound(_("Job not found."))
    return job
