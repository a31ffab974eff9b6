"""The report page (``finance:report``, both downloads and a job's progress) in both languages,
and the pinned API ``GET /api/v1/partnerships/{id}/report.pdf|.xlsx``."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from mitra.finance import report
from mitra.jobs.models import Job
from mitra.jobs.runner import job_execute

from .test_report import ReportWorld, rw  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _client(rw: ReportWorld, name: str) -> Client:  # noqa: F811
    client = Client()
    if name != "anonymous":
        client.force_login(rw.user(name))
    return client


def _url(name: str, *args: Any, prefix: str = "") -> str:
    """The Indonesian path of a page (``prefix="/en"``: its English one), whatever language a
    request before left active in the thread."""
    with translation.override("id"):
        return prefix + reverse(name, args=args)


def _page(rw: ReportWorld, prefix: str = "") -> str:  # noqa: F811
    return _url("finance:report", rw.partnership.pk, prefix=prefix)


def test_the_report_url_is_the_one_the_brief_pins(rw: ReportWorld) -> None:  # noqa: F811
    assert _page(rw) == f"/partnerships/{rw.partnership.pk}/finance/report/"


@pytest.mark.parametrize(
    ("prefix", "words"),
    [("", ('<html lang="id"', "Laporan")), ("/en", ('<html lang="en"', "Partnership report"))],
)
def test_the_page_offers_both_downloads_in_the_readers_language(
    rw: ReportWorld,  # noqa: F811
    prefix: str,
    words: tuple[str, str],
) -> None:
    response = _client(rw, "ngo_user").get(_page(rw, prefix))
    assert response.status_code == 200
    html = response.content.decode()
    for word in words:
        assert word in html
    assert 'data-testid="report-download-pdf"' in html
    assert 'data-testid="report-download-xlsx"' in html
    assert 'data-testid="finance-subnav"' in html


def test_who_may_open_the_page(rw: ReportWorld) -> None:  # noqa: F811
    assert _client(rw, "anonymous").get(_page(rw)).status_code == 302  # to sign in
    assert _client(rw, "outsider").get(_page(rw)).status_code == 404


def test_a_small_report_downloads_directly(rw: ReportWorld) -> None:  # noqa: F811
    client = _client(rw, "ngo_user")
    url = _url("finance:report_download", rw.partnership.pk, "xlsx")
    response = client.get("/en" + url)
    assert response.status_code == 200
    assert response["Content-Type"] == report.CONTENT_TYPES["xlsx"]
    assert response["Content-Disposition"].endswith('-en.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[1] == "Overview"
    assert client.get(url.replace("report.xlsx", "report.doc")).status_code == 404


def test_a_large_report_is_prepared_in_the_background_with_its_progress(
    rw: ReportWorld,  # noqa: F811
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr(report, "DIRECT_LIMIT", 0)
    client = _client(rw, "ngo_user")
    page = client.get(_page(rw, "/en")).content.decode()
    assert 'data-testid="report-prepare-pdf"' in page and "report-download-pdf" not in page
    # a direct download is sent to the page
    direct = client.get(_url("finance:report_download", rw.partnership.pk, "pdf"))
    assert direct.status_code == 302
    # when the reader asks for the XLSX, a job is queued and the page follows it
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            _url("finance:report_prepare", rw.partnership.pk, prefix="/en"),
            {"format": "xlsx"},
        )
    job = Job.objects.get(kind=report.JOB_KIND)
    assert response.status_code == 302 and response["Location"].endswith(f"?job={job.pk}")
    progress = client.get(response["Location"])
    assert 'data-testid="report-progress"' in progress.content.decode()
    job_execute(str(job.pk))
    # the htmx poll tells the page to reload; the page then offers the file
    poll = client.get(response["Location"] + "&progress=1", HTTP_HX_REQUEST="true")
    assert poll.headers.get("HX-Refresh") == "true"
    done = client.get(response["Location"]).content.decode()
    assert 'data-testid="report-job-download"' in done
    url = _url("finance:report_job_file", rw.partnership.pk, job.pk)
    file = client.get(url)
    assert file.status_code == 200
    assert load_workbook(io.BytesIO(b"".join(file.streaming_content))).sheetnames[1] == ("Overview")
    assert client.get(_page(rw) + "?job=not-a-uuid").status_code == 404
    # another partner may not fetch it (it holds what the ngo may see, not what they may see)
    assert _client(rw, "member").get(url).status_code == 404
    assert _client(rw, "member").get(response["Location"]).status_code == 404


# --------------------------------------------------------------------------- API


def test_the_api_gives_the_pdf_and_the_xlsx(rw: ReportWorld) -> None:  # noqa: F811
    client = _client(rw, "lead_admin")
    base = f"{API}/partnerships/{rw.partnership.pk}"
    pdf = client.get(f"{base}/report.pdf", HTTP_ACCEPT_LANGUAGE="en")
    assert pdf.status_code == 200, pdf.content[:300]
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert pdf["Content-Language"] == "en"
    xlsx = client.get(f"{base}/report.xlsx", HTTP_ACCEPT_LANGUAGE="id")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"] == report.CONTENT_TYPES["xlsx"]
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames[1] == "Ikhtisar"


def test_the_api_errors(rw: ReportWorld) -> None:  # noqa: F811
    base = f"{API}/partnerships/{rw.partnership.pk}"
    assert _client(rw, "anonymous").get(f"{base}/report.xlsx").status_code == 401
    assert _client(rw, "outsider").get(f"{base}/report.xlsx").status_code == 404
    assert _client(rw, "lead_admin").get(f"{API}/partnerships/0/report.xlsx").status_code == 422
    assert _client(rw, "lead_admin").get(f"{API}/partnerships/999999/report.pdf").status_code == (
        404
    )
