"""Background jobs: queued on commit, run once, progress recorded, failures reported in plain
words, and only their creator (or staff) can follow them."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from mitra.core.errors import ApplicationError
from mitra.jobs import registry, services
from mitra.jobs.models import Job, JobStatus

pytestmark = pytest.mark.django_db
CALLS: list[str] = []


def counting_handler(job: Job, progress: Any) -> dict[str, Any]:
    CALLS.append(str(job.pk))
    for done in range(1, 5):
        progress(done, 4)
    return {"summary": {"rows": job.params["rows"]}}


def refusing_handler(job: Job, progress: Any) -> dict[str, Any]:
    raise ApplicationError("Row 3: the amount is not a number.", {"report": {"errors": 1}})


def crashing_handler(job: Job, progress: Any) -> dict[str, Any]:
    raise RuntimeError("secret internals")


@pytest.fixture(autouse=True)
def handlers():
    kinds = {"test.count": "counting", "test.refuse": "refusing", "test.crash": "crashing"}
    for kind, name in kinds.items():
        registry.register_handler(kind, f"{__name__}.{name}_handler")
    CALLS.clear()
    yield
    for kind in kinds:
        registry.HANDLERS.unregister(kind)


def test_job_runs_after_commit_and_records_progress(world, django_capture_on_commit_callbacks):
    user = world.users["staff"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.job_enqueue(actor=user, kind="test.count", title="Count", params={"rows": 7})
        assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
        assert CALLS == []  # nothing runs before the transaction commits
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert (job.done, job.total, job.percent) == (4, 4, 100)
    assert job.result == {"summary": {"rows": 7}}
    assert job.created_by == user and job.started_at and job.finished_at
    # A job runs at most once, even if the queue delivers it twice.
    services.job_execute(str(job.pk))
    assert [str(job.pk)] == CALLS


def test_refused_job_keeps_the_message_and_report(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_enqueue(
            actor=world.users["staff"], kind="test.refuse", title="Refuse", params={}
        )
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "Row 3: the amount is not a number."
    assert job.result == {"report": {"errors": 1}}


def test_crash_shows_no_internals(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_enqueue(
            actor=world.users["staff"], kind="test.crash", title="Crash", params={}
        )
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "secret" not in job.error and job.error


def test_unknown_kind_is_refused_before_queueing(world):
    with pytest.raises(LookupError):
        services.job_enqueue(actor=world.users["staff"], kind="nope", title="x", params={})
    assert not Job.objects.exists()


def test_job_page_polls_until_finished(client, world):
    staff = world.users["staff"]
    job = Job.objects.create(kind="test.count", title="Import", created_by=staff, done=1, total=4)
    client.force_login(staff)
    url = reverse("jobs:detail", args=[job.pk])
    html = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in html and "25%" in html
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and 'id="job-progress"' in partial
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, done=4)
    html = client.get(url).content.decode()
    assert "every 1s" not in html and "100%" in html


@pytest.mark.parametrize("actor", ["anonymous", "member", "outsider"])
def test_others_cannot_follow_a_job(client, world, actor):
    job = Job.objects.create(kind="test.count", title="Import", created_by=world.users["staff"])
    if actor != "anonymous":
        client.force_login(world.users[actor])
    response = client.get(reverse("jobs:detail", args=[job.pk]))
    assert response.status_code == (302 if actor == "anonymous" else 404)


@pytest.mark.django_db(transaction=True)
def test_the_database_queue_and_its_worker_run_a_job(settings):
    """Production's path: the job waits in the database until `mitra db_worker` takes it."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    # django-tasks resets its backends when the setting changes (and back after the test).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    staff = get_user_model().objects.create_user("ops", is_staff=True)
    job = services.job_enqueue(actor=staff, kind="test.count", title="Queued", params={"rows": 3})
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and CALLS == []
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result == {"summary": {"rows": 3}}
    assert [str(job.pk)] == CALLS


def test_a_job_whose_worker_died_is_failed_with_a_message_not_left_running(world):
    # given a job a worker took and then stopped beating for (killed, machine restarted)
    from datetime import timedelta

    from django.utils import timezone

    from mitra.jobs.runner import STRANDED_AFTER
    from mitra.jobs.selectors import job_get_for

    user = world.users["staff"]
    long_ago = timezone.now() - STRANDED_AFTER - timedelta(seconds=1)
    job = Job.objects.create(
        kind="test.count",
        title="Count",
        params={"rows": 1},
        created_by=user,
        language="en",
        status=JobStatus.RUNNING,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    alive = Job.objects.create(
        kind="test.count",
        title="Alive",
        params={"rows": 1},
        created_by=user,
        status=JobStatus.RUNNING,
        started_at=long_ago,
        heartbeat_at=timezone.now(),
    )
    # when anyone looks at it, it is failed and says why; a job still beating is left alone
    seen = job_get_for(user, job.pk)
    assert seen.status == JobStatus.FAILED and seen.is_finished
    assert "stopped before it finished" in seen.error
    assert job_get_for(user, alive.pk).status == JobStatus.RUNNING


BEATS: list[Any] = []


def slow_handler(job: Job, progress: Any) -> dict[str, Any]:
    import time

    time.sleep(0.35)
    BEATS.append(Job.objects.get(pk=job.pk).heartbeat_at)
    return {}


@pytest.mark.django_db(transaction=True)
def test_a_running_job_beats_while_its_handler_works(monkeypatch):
    from django.utils import timezone

    from mitra.jobs import runner

    monkeypatch.setattr(runner, "HEARTBEAT_SECONDS", 0.1)
    registry.register_handler("test.slow", f"{__name__}.slow_handler")
    BEATS.clear()
    try:
        job = Job.objects.create(kind="test.slow", title="Slow", params={})
        started = timezone.now()
        runner.job_execute(str(job.pk))
    finally:
        registry.HANDLERS.unregister("test.slow")
    # the side thread refreshed the heartbeat while the handler slept (it set none itself)
    assert BEATS and (BEATS[0] - started).total_seconds() >= 0.1


def test_staff_follow_platform_jobs_but_not_a_partners_simulation(client, world):
    from mitra.jobs.selectors import job_get_for

    other_staff = world.users["staff"]
    partner_job = Job.objects.create(
        kind="risks.simulate", title="Risk simulation", created_by=world.users["member"]
    )
    import_job = Job.objects.create(
        kind="imports.table", title="Import", created_by=world.users["lead_admin"]
    )
    assert job_get_for(world.users["member"], partner_job.pk) == partner_job  # its creator
    assert job_get_for(other_staff, import_job.pk) == import_job  # platform work
    client.force_login(other_staff)
    assert client.get(reverse("jobs:detail", args=[partner_job.pk])).status_code == 404
