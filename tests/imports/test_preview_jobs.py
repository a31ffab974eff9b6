"""The import preview and the mapping builder run as background jobs: the request only queues
the job; the page shows "preparing the preview…" with its progress (htmx polls it) and then the
preview, or the job's failure as a translated message. The upload is kept until it is imported
or discarded (or abandoned for two days)."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from mitra.imports.services import upload_dir
from mitra.jobs.models import Job, JobStatus
from mitra.jobs.services import job_execute
from mitra.partnerships.models import Partnership

from .test_import_views import after_job, csv_upload, login, upload
from .test_tables import KPBU, data_file, read_rows

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_preview_is_prepared_by_a_job_while_the_page_shows_its_progress(world: Any) -> None:
    rows = read_rows(data_file(KPBU))[:5]
    client = login(world, "staff")
    preview_url = upload(client, rows)
    token = preview_url.split("/")[-3]

    # The request queues the job (not run here: no worker) and parses nothing itself.
    response = client.get(preview_url)
    assert response.status_code == 302
    job = Job.objects.get(kind="imports.preview")
    assert job.status == JobStatus.QUEUED and job.created_by == world.actor("staff")
    assert job.params == {
        "token": token,
        "fmt": "csv",
        "mapping": KPBU,
        "mode": "all_or_nothing",
        "filename": "kpbu.csv",
    }
    assert f"job={job.pk}" in response["Location"]
    page = client.get("/en" + response["Location"])
    html = page.content.decode()
    assert 'data-testid="preparing"' in html and "Preparing the preview…" in html
    assert 'hx-trigger="every 1s"' in html
    assert 'data-testid="preview"' not in html and 'data-testid="start"' not in html

    # htmx polls the same address: the progress panel alone while the job runs…
    poll = client.get(response["Location"], **HTMX)
    assert poll.status_code == 200
    assert poll.content.decode().lstrip().startswith("<section")
    assert 'data-testid="preparing"' in poll.content.decode()

    # …then, once it has ended, the page reloads and shows the preview and its report.
    job = job_execute(str(job.pk))
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.done == job.total > 0
    poll = client.get(response["Location"], **HTMX)
    assert poll["HX-Refresh"] == "true"
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="preparing"' not in html
    assert 'data-testid="preview"' in html and rows[0]["proyek_nama"] in html
    assert "Rp 6.359.000.000.000,00" in html  # exact amounts, never through a float
    assert 'data-testid="start"' in html and f'name="mapping" value="{KPBU}"' in html
    assert not Partnership.objects.filter(source=KPBU).exists()
    assert (upload_dir() / f"{token}.csv").is_file()  # kept for the import


def test_a_failed_preview_shows_its_translated_message(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(world, "staff")
    broken = SimpleUploadedFile("data.xlsx", b"not a workbook", content_type="application/zip")
    response = client.post(reverse("imports:upload"), {"file": broken, "mapping": KPBU})
    html = after_job(client, response["Location"], django_capture_on_commit_callbacks)
    assert 'data-testid="problem"' in html
    assert "Berkas bukan buku kerja XLSX yang dapat dibaca" in html  # Indonesian by default
    assert 'data-testid="start"' not in html
    job = Job.objects.get(kind="imports.preview")
    assert job.status == JobStatus.FAILED and "Traceback" not in job.error

    english = "/en" + response["Location"]
    html = after_job(client, english, django_capture_on_commit_callbacks)
    assert "The file is not a readable XLSX workbook" in html


def test_a_preview_of_a_discarded_upload_says_so(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(world, "staff")
    preview_url = upload(client, read_rows(data_file(KPBU))[:2])
    token = preview_url.split("/")[-3]
    (upload_dir() / f"{token}.csv").unlink()  # the table gone, its metadata left
    html = after_job(client, "/en" + preview_url, django_capture_on_commit_callbacks)
    assert "The uploaded file is no longer here" in html
    assert str(upload_dir()) not in html  # never the server's path


def test_only_its_uploader_follows_a_preview_job(
    world: Any, django_user_model: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(world, "staff")
    first = upload(client, read_rows(data_file(KPBU))[:2])
    second = upload(client, read_rows(data_file(KPBU))[:3])
    with django_capture_on_commit_callbacks(execute=True):
        located = client.get(first)["Location"]
    job = Job.objects.get(kind="imports.preview")
    other_token = second.split("/")[-3]
    # The job of another upload, an import job, or no job at all: not found.
    assert (
        client.get(reverse("imports:preview", args=[other_token]) + f"?job={job.pk}").status_code
        == 404
    )
    imported = Job.objects.create(
        kind="imports.table", title="x", params={}, created_by=job.created_by
    )
    token = first.split("/")[-3]
    url = reverse("imports:preview", args=[token])
    assert client.get(f"{url}?job={imported.pk}").status_code == 404
    assert client.get(f"{url}?job=not-a-uuid").status_code == 404
    # Another staff member may not open the upload nor its preview.
    colleague = django_user_model.objects.create_user("ops2", password="x", is_staff=True)
    other = Client()
    other.force_login(colleague)
    assert other.get(located).status_code == 404


def test_an_upload_is_kept_until_imported_or_discarded(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(world, "staff")
    preview_url = upload(client, read_rows(data_file(KPBU))[:2])
    token = preview_url.split("/")[-3]
    after_job(client, preview_url, django_capture_on_commit_callbacks)
    after_job(client, f"{preview_url}&mode=valid_rows", django_capture_on_commit_callbacks)
    stored = upload_dir() / f"{token}.csv"
    assert stored.is_file() and stored.with_suffix(".json").is_file()

    response = client.post(reverse("imports:discard", args=[token]))
    assert response.status_code == 302 and response["Location"] == reverse("imports:upload")
    assert not stored.exists() and not stored.with_suffix(".json").exists()
    assert client.get(preview_url).status_code == 404

    # An upload nobody imported nor discarded for two days is removed at the next upload.
    old = upload(client, read_rows(data_file(KPBU))[:2]).split("/")[-3]
    two_days_ago = time.time() - 2 * 24 * 3600 - 60
    for suffix in ("csv", "json"):
        os.utime(upload_dir() / f"{old}.{suffix}", (two_days_ago, two_days_ago))
    fresh = upload(client, read_rows(data_file(KPBU))[:2]).split("/")[-3]
    assert not (upload_dir() / f"{old}.csv").exists()
    assert not (upload_dir() / f"{old}.json").exists()
    assert (upload_dir() / f"{fresh}.csv").is_file()


def test_the_mapping_builder_reads_the_columns_in_a_job(world: Any) -> None:
    client = login(world, "staff")
    rows = [{"kode_program": "A1", "judul": "Air Bersih", "lokasi": "Bali", "anggaran": "5"}]
    response = client.post(
        reverse("imports:upload"), {"file": csv_upload(rows, "program.csv"), "mapping": KPBU}
    )
    token = response["Location"].split("/")[-3]
    response = client.get(reverse("imports:mapping_new", args=[token]))
    assert response.status_code == 302
    job = Job.objects.get(kind="imports.columns")
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="preparing"' in html and 'name="col_0"' not in html
    job_execute(str(job.pk))
    assert client.get(response["Location"], **HTMX)["HX-Refresh"] == "true"
    page = client.get(response["Location"])
    form = page.context["form"]
    assert form.columns == ["kode_program", "judul", "lokasi", "anggaran"]
    assert [form[f"col_{i}"].value() for i in range(4)] == ["id", "title", None, "estimated_value"]
