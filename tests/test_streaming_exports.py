"""Streaming list exports (issue 19): lean rows give the same file as the object columns, the
confidential rows stay out, the query count does not grow with the rows, and above the stream
limit the export is a background job with a download link."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from mitra.core.exports import _csv_lines, csv_style
from mitra.jobs.models import Job, JobStatus
from mitra.organisations.exports import ORGANISATION_COLUMNS
from mitra.organisations.selectors import organisation_list
from mitra.partnerships import selectors
from mitra.partnerships.exports import PARTNERSHIP_COLUMNS, PARTNERSHIP_ROW_COLUMNS
from mitra.partnerships.models import Visibility

from .disclosure.bulk import bulk_partnerships

pytestmark = pytest.mark.django_db


def _body(response: Any) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return data.decode("utf-8")


def _rows(response: Any) -> list[list[str]]:
    text = _body(response).lstrip("\ufeff")
    delimiter = ";" if text.split("\n", 1)[0].count(";") > 1 else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _old_file(user: Any, language: str) -> str:
    """The CSV as the export wrote it before (ORM objects, get_FOO_display per row)."""
    with translation.override(language):
        qs = selectors.with_members(selectors.partnership_list(user=user, filters={}))
        return "".join(_csv_lines(list(qs), PARTNERSHIP_COLUMNS, csv_style(language)))


@pytest.mark.parametrize("actor", ["anonymous", "member", "staff"])
def test_the_streamed_csv_is_the_file_the_objects_gave(client, world, actor):
    bulk_partnerships(12, organisations=[world.pemda, world.company])
    bulk_partnerships(
        3, organisations=[world.company], prefix="HID", visibility=Visibility.PARTNERS
    )
    if actor != "anonymous":
        client.force_login(world.users[actor])
    for language, prefix in (("id", ""), ("en", "/en")):
        response = client.get(f"{prefix}/partnerships/?export=csv")
        assert response.status_code == 200
        assert isinstance(response, StreamingHttpResponse)
        body = _body(response)
        assert body == _old_file(world.actor(actor), language)
        assert body.startswith("\ufeff") and body.count("\n") > 12


def test_the_header_goes_out_before_any_row_is_read(client, world):
    bulk_partnerships(5, organisations=[world.pemda])
    response = client.get("/en/partnerships/?export=csv")
    chunks = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as queries:
        first = next(chunks).decode()
    assert first.startswith("\ufeffCode,Title,Form,Stage")
    assert first.count("\n") == 1  # the header alone
    assert len(queries) == 0  # no query before the first byte
    assert b"BLK-000005" in b"".join(chunks)


def test_headers_are_those_of_the_object_columns():
    with translation.override("en"):
        assert [str(c.header) for c in PARTNERSHIP_ROW_COLUMNS] == [
            str(c.header) for c in PARTNERSHIP_COLUMNS
        ]


@pytest.mark.parametrize("actor", ["anonymous", "outsider"])
def test_confidential_partnerships_stay_out(client, world, actor):
    bulk_partnerships(4, organisations=[world.company], prefix="HID", visibility="partners")
    if actor != "anonymous":
        client.force_login(world.users[actor])
    codes = {r[0] for r in _rows(client.get("/en/partnerships/?export=csv"))[1:]}
    assert world.public.code in codes
    assert world.partnership.code not in codes and world.draft.code not in codes
    assert not any(code.startswith("HID-") for code in codes)


def test_a_member_sees_their_partners_only_partnership(client, world):
    client.force_login(world.users["member"])
    codes = {r[0] for r in _rows(client.get("/en/partnerships/?export=csv"))[1:]}
    assert world.partnership.code in codes and world.draft.code not in codes


def _export_queries(client: Any, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        rows = _rows(client.get(url))
    return len(queries), len(rows)


def test_the_query_count_does_not_grow_with_the_rows(client, world):
    client.force_login(world.users["member"])
    bulk_partnerships(5, organisations=[world.pemda, world.company])
    small_queries, small_rows = _export_queries(client, "/en/partnerships/?export=csv")
    bulk_partnerships(60, organisations=[world.pemda, world.company], prefix="MORE")
    large_queries, large_rows = _export_queries(client, "/en/partnerships/?export=csv")
    assert large_rows == small_rows + 60
    assert large_queries == small_queries


def test_export_queries_are_bounded(client, world, django_assert_max_num_queries):
    bulk_partnerships(150, organisations=[world.pemda, world.company])
    # session-free anonymous: the size check, the rows, the members of the rows (one chunk)
    with django_assert_max_num_queries(6):
        assert len(_rows(client.get("/en/partnerships/?export=csv"))) == 152


def test_filters_apply_to_the_export(client, world):
    bulk_partnerships(6, organisations=[world.pemda])  # forms ppp, psp, pentahelix in turn
    rows = _rows(client.get("/en/partnerships/?export=csv&form=psp"))[1:]
    assert {r[2] for r in rows} == {"Public–Social Partnership"}
    assert len(rows) == 2 + 1  # two bulk PSPs and the world's public PSP


def test_xlsx_of_lean_rows_keeps_types(client, world):
    bulk_partnerships(3, organisations=[world.pemda, world.company])
    response = client.get("/en/partnerships/?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    by_code = {r[0]: r for r in rows[1:]}
    assert rows[0][0] == "Code"
    assert by_code["BLK-000002"][8] == 10000.01  # a number, not text
    assert by_code["BLK-000002"][12] == "Pemda Jawa Barat"  # the lead, as coordinator


def test_organisation_export_is_the_file_the_objects_gave(client, world):
    with translation.override("en"):
        old = "".join(
            _csv_lines(list(organisation_list(filters={})), ORGANISATION_COLUMNS, csv_style("en"))
        )
    assert _body(client.get("/en/organisations/?export=csv")) == old


# --- above the stream limit: a background job -----------------------------------------------


def _job_export(client, url, django_capture_on_commit_callbacks) -> Job:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url)
    assert response.status_code == 302
    job = Job.objects.get(kind="exports.table")
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    return job


def test_a_large_export_becomes_a_job_with_a_download(
    client, world, settings, django_capture_on_commit_callbacks
):
    bulk_partnerships(12, organisations=[world.pemda, world.company])
    client.force_login(world.users["member"])
    streamed = _body(client.get("/en/partnerships/?export=csv"))
    settings.MITRA_EXPORT_STREAM_LIMIT = 5
    job = _job_export(client, "/en/partnerships/?export=csv", django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.done == job.total == 14  # 12 + the world's public and partners-only ones
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    download = reverse("jobs:download", args=[job.pk])
    assert download in page and "100%" in page
    got = client.get(download)
    assert got.status_code == 200
    assert got["Content-Disposition"].startswith('attachment; filename="partnerships-')
    assert b"".join(got.streaming_content).decode() == streamed  # the same file
    # Another reader may neither follow nor download it.
    client.force_login(world.users["outsider"])
    assert client.get(download).status_code == 404
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404


def test_a_large_xlsx_job_in_indonesian(
    client, world, settings, django_capture_on_commit_callbacks
):
    bulk_partnerships(8, organisations=[world.pemda])
    client.force_login(world.users["member"])
    settings.MITRA_EXPORT_STREAM_LIMIT = 3
    job = _job_export(
        client, "/partnerships/?export=xlsx&form=ppp", django_capture_on_commit_callbacks
    )
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["filename"].startswith("kemitraan-")
    assert job.result["filename"].endswith(".xlsx")
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert reverse("jobs:download", args=[job.pk]) in page
    data = b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content)
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Kode"
    assert len(rows) == 1 + 3 + 1  # three bulk PPPs and the member's partners-only PPP
    assert {r[2] for r in rows[1:]} == {"KPBU (Kerja Sama Pemerintah dengan Badan Usaha)"}
    assert isinstance(rows[1][8], float)  # typed amounts


def test_an_anonymous_large_export_is_followed_by_its_session_only(
    client, world, settings, django_capture_on_commit_callbacks
):
    bulk_partnerships(6, organisations=[world.pemda])
    bulk_partnerships(3, organisations=[world.pemda], prefix="HID", visibility="partners")
    settings.MITRA_EXPORT_STREAM_LIMIT = 2
    job = _job_export(client, "/en/partnerships/?export=csv", django_capture_on_commit_callbacks)
    assert job.created_by is None and job.status == JobStatus.SUCCEEDED
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content)
                .decode()
                .lstrip("\ufeff")
            )
        )
    )
    codes = {r[0] for r in rows[1:]}
    assert len(codes) == 7  # the six public ones and the world's public one
    assert not any(c.startswith("HID-") for c in codes) and world.partnership.code not in codes
    other = type(client)()
    assert other.get(reverse("jobs:download", args=[job.pk])).status_code == 302  # sign in


@pytest.mark.parametrize(("prefix", "said"), [("/en", "The file was deleted"), ("", "Berkas")])
def test_a_prepared_file_is_deleted_after_its_days_and_the_job_says_so(
    client, world, settings, django_capture_on_commit_callbacks, prefix, said
):
    """Files of export jobs would pile up on the server: each is kept MITRA_EXPORT_KEEP_DAYS
    (7) days after its job finished; the next export clears out the older ones, and their job
    pages say the file is gone instead of offering a link that answers 404."""
    from django.core.files.storage import default_storage

    from mitra.jobs.exports import purge_expired

    bulk_partnerships(6, organisations=[world.pemda])
    client.force_login(world.users["member"])
    settings.MITRA_EXPORT_STREAM_LIMIT = 2
    old = _job_export(client, "/en/partnerships/?export=csv", django_capture_on_commit_callbacks)
    path, rows = old.result["path"], old.result["rows"]
    assert default_storage.exists(path) and rows == 8  # the six, the world's two the member sees
    assert purge_expired() == 0  # finished just now: kept
    Job.objects.filter(pk=old.pk).update(
        finished_at=old.finished_at - datetime.timedelta(days=7, minutes=1)
    )
    new = _job_export_again(client, django_capture_on_commit_callbacks)
    old.refresh_from_db()
    assert not default_storage.exists(path) and "path" not in old.result
    assert old.result["expired"] and old.result["rows"] == rows  # the summary stays
    assert default_storage.exists(new.result["path"])  # the new file is there
    with translation.override("id"):  # (the requests above left English active)
        detail = f"{prefix}{reverse('jobs:detail', args=[old.pk])}"
    page = client.get(detail).content.decode()
    assert 'data-testid="export-expired"' in page and said in page
    assert reverse("jobs:download", args=[old.pk]) not in page
    assert client.get(reverse("jobs:download", args=[old.pk])).status_code == 404
    default_storage.delete(new.result["path"])


def _job_export_again(client, django_capture_on_commit_callbacks) -> Job:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/en/partnerships/?export=xlsx")
    assert response.status_code == 302
    return Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
