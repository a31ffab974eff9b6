"""The import web flow: upload → preview and validation report → job with progress → report."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from mitra.imports.models import OrganisationMatchReview, SavedMapping
from mitra.imports.services import upload_dir
from mitra.jobs.models import Job, JobStatus
from mitra.organisations.models import Organisation
from mitra.partnerships.models import DevelopmentSector, Partnership, PartnershipMember

from .test_tables import KPBU, data_file, read_rows

pytestmark = pytest.mark.django_db


def login(world: Any, name: str) -> Client:
    client = Client()
    client.force_login(world.actor(name))
    return client


def csv_upload(rows: list[dict[str, str]], name: str = "kpbu.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def upload(client: Client, rows: list[dict[str, str]]) -> str:
    response = client.post(reverse("imports:upload"), {"file": csv_upload(rows), "mapping": KPBU})
    assert response.status_code == 302, response.content[:500]
    assert f"?mapping={KPBU}" in response["Location"]
    return response["Location"]


def after_job(client: Client, url: str, capture: Any) -> str:
    """Open a page whose content a background job prepares (the preview, the mapping builder):
    the page queues the job and redirects to itself with the job's id; the job runs (here at
    once, as the worker would) and the page then shows what it found."""
    with capture(execute=True):
        response = client.get(url)
    assert response.status_code == 302, response.content[:500]
    assert "job=" in response["Location"]
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.content.decode()


def test_upload_preview_import_job_report(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rows = read_rows(data_file(KPBU))
    client = login(world, "staff")
    assert client.get(reverse("imports:upload")).status_code == 200
    preview_url = upload(client, rows)
    token = preview_url.split("/")[-3]
    stored = upload_dir() / f"{token}.csv"
    assert stored.is_file()  # under MEDIA_ROOT/imports/<random>, never served by URL

    html = after_job(client, preview_url, django_capture_on_commit_callbacks)
    assert 'data-testid="preview"' in html
    assert rows[0]["proyek_nama"] in html
    assert "Rp 6.359.000.000.000,00" in html  # the first row's capex, as Indonesian pages write it
    with translation.override("id"):
        toll_road = str(DevelopmentSector.TOLL_ROAD.label)
    assert toll_road in html and "toll_road" not in html  # labels, not codes
    assert 'data-testid="errors"' not in html
    assert not Partnership.objects.filter(source=KPBU).exists()  # the preview writes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:start", args=[token]), {"mapping": KPBU})
    assert response.status_code == 302
    job = Job.objects.get(kind="imports.table")
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, (job.error, job.result)
    assert job.percent == 100 and job.done == job.total
    assert Partnership.objects.filter(source=KPBU).count() == len(rows)
    assert not stored.exists()  # the upload is removed once imported

    page = client.get(reverse("jobs:detail", args=[job.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "100" in html and f"{len(rows)} kemitraan" in html  # Indonesian pages
    report = client.get(job.result["url"])
    assert report.status_code == 200
    assert f"{len(rows)} kemitraan" in report.content.decode()


def test_a_bad_file_shows_every_error_and_cannot_be_imported(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rows = read_rows(data_file(KPBU))
    rows[1]["proyek_nilai_capex"] = "lima triliun"
    client = login(world, "staff")
    html = after_job(client, upload(client, rows), django_capture_on_commit_callbacks)
    assert 'data-testid="errors"' in html
    # The report is translated (Indonesian is the default language): "baris 3, kolom ...".
    assert re.search(r"(row|baris) 3, (column|kolom) proyek_nilai_capex", html)
    assert "lima triliun" in html
    assert "/start/" not in html  # no "Import" button while the report has errors


def test_a_refused_job_fails_with_its_report(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rows = read_rows(data_file(KPBU))
    client = login(world, "staff")
    token = upload(client, rows).split("/")[-3]
    # The file changes between the preview and the job (or another import took the codes):
    # the job re-validates and refuses it whole.
    bad = upload_dir() / f"{token}.csv"
    text = bad.read_text(encoding="utf-8").replace(rows[0]["proyek_nilai_capex"], "abc", 1)
    bad.write_text(text, encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:start", args=[token]), {"mapping": KPBU})
    job = Job.objects.get(kind="imports.table")
    assert job.status == JobStatus.FAILED
    assert job.result["report"]["errors"][0]["value"] == "abc"
    assert (
        not Partnership.objects.filter(source=KPBU).exists()
        and Organisation.objects.filter(name="Badan Pengatur Jalan Tol (BPJT)").count() == 0
    )


@pytest.mark.parametrize("actor", ["outsider", "member", "lead_admin"])
def test_non_staff_get_403_on_every_import_page(world: Any, actor: str) -> None:
    staff = login(world, "staff")
    token = upload(staff, read_rows(data_file(KPBU))[:2]).split("/")[-3]
    job = Job.objects.create(kind="imports.table", title="x", params={})
    review = OrganisationMatchReview.objects.create(
        imported_name="X", candidate=world.pemda, score=0.6
    )
    client = login(world, actor)
    gets = [
        reverse("imports:upload"),
        reverse("imports:preview", args=[token]) + f"?mapping={KPBU}",
        reverse("imports:mapping_new", args=[token]),
        reverse("imports:report", args=[job.pk]),
        reverse("imports:reviews"),
    ]
    posts = [
        reverse("imports:upload"),
        reverse("imports:start", args=[token]),
        reverse("imports:discard", args=[token]),
        reverse("imports:review_decide", args=[review.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url in posts:
        assert client.post(url, {"mapping": KPBU, "accept": "1"}).status_code == 403, url
    anonymous = Client()
    assert anonymous.get(reverse("imports:upload")).status_code == 302  # to the sign-in page
    assert Job.objects.filter(kind="imports.table").count() == 1


def test_upload_limits(world: Any) -> None:
    client = login(world, "staff")
    bad = SimpleUploadedFile("data.json", b"{}", content_type="application/json")
    response = client.post("/en" + reverse("imports:upload"), {"file": bad, "mapping": KPBU})
    assert response.status_code == 200
    assert "Upload a .csv or .xlsx file." in response.content.decode()
    bad = SimpleUploadedFile("data.json", b"{}", content_type="application/json")
    with translation.override("id"):
        url = reverse("imports:upload")
    response = client.post(url, {"file": bad, "mapping": KPBU})
    assert "Unggah berkas .csv atau .xlsx." in response.content.decode()  # Indonesian by default


def test_review_queue_page_and_accept_merges(world: Any) -> None:
    from mitra.imports.tables import import_table, load_mapping

    import_table(data_file(KPBU), fmt="csv", mapping=load_mapping(KPBU), actor=None)
    review = OrganisationMatchReview.objects.get(imported_name__startswith="Walikota Denpasar c.q")
    spelling_org = review.organisation
    assert spelling_org is not None
    partnership_ids = set(
        PartnershipMember.objects.filter(organisation=spelling_org).values_list(
            "partnership_id", flat=True
        )
    )
    client = login(world, "staff")
    page = client.get(reverse("imports:reviews"))
    assert page.status_code == 200 and review.imported_name in page.content.decode()
    download = client.get("/en" + reverse("imports:reviews") + "?status=pending&export=csv")
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0] == "Imported spelling,Candidate,Score,Source,Status,Queued"
    assert review.imported_name in text
    member = login(world, "member")
    assert member.get(reverse("imports:reviews") + "?export=csv").status_code == 403
    response = client.post(reverse("imports:review_decide", args=[review.pk]), {"accept": "1"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == "accepted" and review.resolved_by == world.actor("staff")
    city = review.candidate
    assert city is not None
    city.refresh_from_db()
    assert review.imported_name in city.aliases
    assert not Organisation.objects.filter(pk=spelling_org.pk).exists()
    assert partnership_ids <= set(
        PartnershipMember.objects.filter(organisation=city).values_list("partnership_id", flat=True)
    )
    # A second decision is refused, not a 500.
    again = client.post(reverse("imports:review_decide", args=[review.pk]), {"accept": "0"})
    assert again.status_code == 400


def test_build_a_mapping_for_other_columns(
    world: Any, django_capture_on_commit_callbacks: Any, tmp_path: Path
) -> None:
    client = login(world, "staff")
    rows = [
        {"kode": "A1", "nama": "Program Air Bersih Desa", "nilai": "2500.5", "provinsi": "Bali"},
        {"kode": "A2", "nama": "Sekolah Mitra", "nilai": "N/A", "provinsi": "Jawa Barat"},
    ]
    response = client.post(
        reverse("imports:upload"),
        {"file": csv_upload(rows, "program.csv"), "mapping": KPBU},
    )
    token = response["Location"].split("/")[-3]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("imports:mapping_new", args=[token]))
    builder = response["Location"]  # the builder with its job, which read the columns
    page = client.get(builder)
    assert page.status_code == 200
    form = page.context["form"]
    # A first choice guessed from the column names (kode, nama, nilai, provinsi).
    assert [form[f"col_{i}"].value() for i in range(4)] == [
        "id",
        "title",
        "estimated_value",
        "province",
    ]
    response = client.post(
        builder,
        {
            "name": "program-desa",
            "form": "psp",
            "currency": "IDR",
            "multiplier": "1000000",
            "col_0": "id",
            "col_1": "title",
            "col_2": "estimated_value",
            "col_3": "province",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SavedMapping.objects.filter(name="program-desa").exists()
    html = after_job(client, response["Location"], django_capture_on_commit_callbacks)
    assert "Program Air Bersih Desa" in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:start", args=[token]), {"mapping": "program-desa"})
    job = Job.objects.get(kind="imports.table")
    assert job.status == JobStatus.SUCCEEDED, job.result
    a = Partnership.objects.get(source="program-desa", source_id="A1")
    assert str(a.estimated_value) == "2500500000.00" and a.province == "ID-BA" and a.form == "psp"
    assert Partnership.objects.get(source_id="A2").estimated_value is None
