"""Defects found in review of the open-data export, the OCDS/OC4IDS importers and the downloads."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from mitra.core.errors import ApplicationError
from mitra.disclosure import jsonio, services
from mitra.disclosure.models import Release
from mitra.imports.oc4ids import import_oc4ids
from mitra.imports.ocds import import_ocds
from mitra.imports.report import ImportRefused
from mitra.imports.services import import_file
from mitra.organisations.models import Organisation
from mitra.partnerships.models import Partnership, Visibility

pytestmark = pytest.mark.django_db
API = "/api/v1"


# --- API filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize("since", ["2020-01-01T00:00:00", "2020-01-01"])
@pytest.mark.parametrize("path", ["/ocds/release-package", "/oc4ids/project-package"])
def test_updated_since_without_an_offset_is_read_in_the_server_zone(demo, path, since):
    # given a moment without an offset (valid ISO 8601, accepted by the filter schema)
    client = Client(raise_request_exception=False)
    # when
    response = client.get(f"{API}{path}", {"updated_since": since})
    # then it filters like the same moment with the server's offset, instead of a 500
    assert response.status_code == 200
    aware = client.get(f"{API}{path}", {"updated_since": f"{since[:10]}T00:00:00+07:00"})
    assert jsonio.loads(response.content) | {"uri": ""} == jsonio.loads(aware.content) | {"uri": ""}


# --- queries per export --------------------------------------------------------------------------


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


@pytest.mark.parametrize("export", [services.ocds_release_package, services.ocds_record_package])
def test_an_unchanged_export_costs_the_same_queries_whatever_the_number_of_partnerships(
    demo, export
):
    # given the demo's published partnerships and the hospital (whose KPIs, results'
    # service levels, are prefetched with their periods and values only when some exist)
    Partnership.objects.filter(development_sector="health").update(visibility=Visibility.PUBLIC)
    export()
    few = _queries(export)
    # when every partnership is published (and synced once)
    Partnership.objects.update(visibility=Visibility.PUBLIC)
    export()
    assert Partnership.objects.published().count() > 4
    many = _queries(export)
    # then an export with nothing new does not run queries per partnership
    assert many == few
    assert Release.objects.count() == Partnership.objects.count()


# --- imports: exact amounts, odd files -----------------------------------------------------------


def test_an_imported_amount_stays_exact_beyond_float_precision(tmp_path):
    # given an amount with 19 significant digits (a float keeps about 16)
    path = tmp_path / "project.json"
    path.write_text(
        '{"projects": [{"id": "p-1", "title": "Bendungan", "budget": {"amount": '
        '{"amount": 12345678901234567.89, "currency": "IDR"}}}]}',
        encoding="utf-8",
    )
    # when
    import_file(actor=None, path=path, fmt="oc4ids", check_permission=False)
    # then
    assert Partnership.objects.get().estimated_value == Decimal("12345678901234567.89")


@pytest.mark.parametrize("depth", [900, 100_000])
@pytest.mark.parametrize("fmt", ["ocds", "oc4ids"])
def test_a_deeply_nested_file_is_refused_with_a_clear_error(tmp_path, fmt, depth):
    # given a file whose JSON nests very deeply in an unmapped field
    nested = "[" * depth + "]" * depth
    release = (
        '{"ocid": "ocds-x-1", "id": "1", "date": "2024-05-01T00:00:00Z", "tag": ["planning"], '
        f'"extra": {nested}}}'
    )
    text = (
        '{"uri": "http://x", "publisher": {"name": "x"}, '
        f'"publishedDate": "2024-05-01T00:00:00Z", "releases": [{release}]}}'
        if fmt == "ocds"
        else f'{{"projects": [{{"id": "p-1", "extra": {nested}}}]}}'
    )
    path = tmp_path / "deep.json"
    path.write_text(text, encoding="utf-8")
    # when / then: a translated error, not a RecursionError, and nothing written
    with pytest.raises(ApplicationError, match="deep"):
        import_file(actor=None, path=path, fmt=fmt, check_permission=False)
    assert not Partnership.objects.exists()


def _ocds_package(**release: object) -> dict:
    body = {
        "ocid": "ocds-abc-1",
        "id": "1",
        "date": "2024-05-01T00:00:00Z",
        "tag": ["planning"],
        "title": "Air minum",
        "parties": [{"id": "A", "name": "Pemerintah Kota Contoh", "roles": ["buyer"]}],
        **release,
    }
    return {
        "uri": "http://example.org/p.json",
        "publisher": {"name": "x"},
        "publishedDate": "2024-05-01T00:00:00Z",
        "releases": [body],
    }


@pytest.mark.parametrize(
    "release",
    [
        {"planning": {"budget": "unknown"}},
        {"planning": {"budget": ["unknown"]}},
        {
            "parties": [
                {"id": "A", "name": "Pemerintah Kota", "roles": ["buyer"], "shareholders": 5}
            ]
        },
    ],
)
def test_ocds_import_reads_malformed_optional_blocks_without_crashing(release):
    # when
    report = import_ocds(
        _ocds_package(**release), source="t", actor=None, dry_run=False, progress=None
    )
    # then the process is imported and the odd block kept as received
    assert report.created["partnership"] == 1
    assert Partnership.objects.get().other_data["ocds"]


@pytest.mark.parametrize("field", ["locations", "sector", "additionalClassifications"])
def test_oc4ids_import_reads_a_malformed_optional_list_without_crashing(field):
    # given a project whose optional list is a number
    data = {"projects": [{"id": "p-1", "title": "Pelabuhan", field: 5}]}
    # when
    report = import_oc4ids(data, source="t", actor=None, dry_run=False, progress=None)
    # then
    assert report.created["partnership"] == 1
    assert Partnership.objects.get().other_data["oc4ids"][field] == 5


# --- downloads -----------------------------------------------------------------------------------


def test_xlsx_download_survives_control_characters_and_keeps_formulas_out(world):
    # given organisation names with characters XML 1.0 cannot hold (pasted from elsewhere)
    Organisation.objects.filter(pk=world.ngo.pk).update(name="Yayasan\x0bContoh")
    Organisation.objects.filter(pk=world.outsider_org.pk).update(name="\x0b=HYPERLINK(1)")
    # when
    response = Client().get("/en/organisations/?export=xlsx")
    # then
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "YayasanContoh" in names
    assert "'=HYPERLINK(1)" in names  # text, never a formula


def test_oc4ids_import_refuses_two_projects_with_one_id():
    # given two different projects that claim the same id
    data = {"projects": [{"id": "p-1", "title": "Pelabuhan"}, {"id": " p-1", "title": "Bandara"}]}
    # when / then: refused whole, instead of the second silently overwriting the first
    with pytest.raises(ImportRefused) as refused:
        import_oc4ids(data, source="t", actor=None, dry_run=False, progress=None)
    assert [e.where for e in refused.value.report.errors] == ["$.projects[1].id"]
    assert not Partnership.objects.exists()
