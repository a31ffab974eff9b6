"""Platform staff import a table through the web: upload, preview with its report (prepared by
a background job while the page shows its progress), import as a background job, and watch the
progress bar reach 100%."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from mitra.jobs.models import Job, JobStatus
from mitra.jobs.services import job_execute
from mitra.partnerships.models import Partnership
from tests.imports.test_tables import KPBU, data_file, read_rows, write_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mitra-demo"


def test_staff_import_a_table_with_a_progress_bar(
    browser: Any, live_server: Any, shoot: Any, tmp_path: Path
) -> None:
    rows = read_rows(data_file(KPBU))[:6]
    table = write_rows(tmp_path / "kpbu-six.csv", rows)
    get_user_model().objects.create_user("ops", password=PASSWORD, is_staff=True)
    page = browser.new_page()
    try:
        page.goto(f"{live_server.url}/en/accounts/login/")
        page.fill("#id_username", "ops")
        page.fill("#id_password", PASSWORD)
        page.press("#id_password", "Enter")
        page.wait_for_load_state("networkidle")
        page.click("nav >> text=Import")
        page.set_input_files("input[type=file]", str(table))
        page.select_option("select[name=mapping]", KPBU)
        page.click("text=Upload and preview")
        # The preview is prepared by a background job: the page shows its progress until the
        # job has ended, then the preview (here the test worker runs the job at once).
        page.wait_for_selector('[data-testid="preview"]')
        assert "job=" in page.url
        assert page.locator('[data-testid="preparing"]').count() == 0
        assert rows[0]["proyek_nama"] in page.inner_text('[data-testid="preview"]')
        assert page.locator('[data-testid="errors"]').count() == 0
        assert not Partnership.objects.filter(source=KPBU).exists()  # nothing written yet
        shoot(page, "import-preview")
        page.click("button:has-text('Import')")
        page.wait_for_selector('[data-status="succeeded"]')
        assert "100%" in page.inner_text("#job-progress")
        shoot(page, "import-finished")
        assert Partnership.objects.filter(source=KPBU).count() == len(rows)
    finally:
        page.close()


def test_the_preview_page_waits_for_its_job_then_shows_the_preview(
    browser: Any, live_server: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    # No worker: the preview job stays queued until the test runs it, as a worker would later.
    monkeypatch.setattr("mitra.jobs.services.job_run", SimpleNamespace(enqueue=lambda job_id: None))
    rows = read_rows(data_file(KPBU))[:3]
    table = write_rows(tmp_path / "kpbu-three.csv", rows)
    get_user_model().objects.create_user("ops", password=PASSWORD, is_staff=True)
    page = browser.new_page()
    try:
        page.goto(f"{live_server.url}/en/accounts/login/")
        page.fill("#id_username", "ops")
        page.fill("#id_password", PASSWORD)
        page.press("#id_password", "Enter")
        page.wait_for_load_state("networkidle")
        page.goto(f"{live_server.url}/en/imports/")
        page.set_input_files("input[type=file]", str(table))
        page.select_option("select[name=mapping]", KPBU)
        page.click("text=Upload and preview")
        page.wait_for_selector('[data-testid="preparing"]')
        assert "Preparing the preview" in page.inner_text('[data-testid="preparing"]')
        assert page.locator('[data-testid="preview"]').count() == 0
        job = Job.objects.get(kind="imports.preview")
        assert job.status == JobStatus.QUEUED
        job_execute(str(job.pk))
        # htmx polls every second; once the job has ended the page reloads with the preview.
        page.wait_for_selector('[data-testid="preview"]', timeout=10_000)
        assert rows[0]["proyek_nama"] in page.inner_text('[data-testid="preview"]')
        assert page.locator('[data-testid="preparing"]').count() == 0
    finally:
        page.close()
