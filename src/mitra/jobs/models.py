"""Background jobs: one row per queued piece of work, with the progress its page shows.

The queue itself is django-tasks with its database backend (``django_tasks_db``): a job is
enqueued as the task :func:`mitra.jobs.tasks.job_run`, and ``mitra db_worker`` runs it. This
table adds what users need and the task library does not keep: who asked, what for, how far it
has got, and the report it left.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    #: Which handler runs it: a kind registered with ``mitra.jobs.registry.register_handler``.
    kind = models.CharField(_("kind"), max_length=60)
    #: What the user sees as the job's name ("Import kpbu_projects.csv").
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    done = models.PositiveBigIntegerField(_("done"), default=0)
    total = models.PositiveBigIntegerField(_("total"), default=0)
    #: JSON-serialisable arguments of the handler.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    #: The handler's report (JSON), shown when the job has finished.
    result = models.JSONField(_("result"), default=dict, blank=True)
    #: A message for the user when the job failed (never a traceback).
    error = models.TextField(_("error"), blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    #: Refreshed every few seconds while a worker runs the job: a running job without a recent
    #: heartbeat lost its worker (killed, out of memory, machine restarted).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, int(100 * self.done / self.total))

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)
