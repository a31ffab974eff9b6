"""Paginated OCDS and OC4IDS packages (links.next / links.prev, keyset cursors), built in a
fixed number of queries, and the bulk files of the open-data page (issue 19)."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mitra.disclosure import dumps, jsonio, marks, services
from mitra.disclosure.codelists import INFRASTRUCTURE_SECTORS
from mitra.disclosure.models import Release
from mitra.disclosure.validation import validate_package
from mitra.partnerships.models import Partnership

from .bulk import bulk_partnerships

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def public_world(world) -> Any:
    """The world plus 23 public and 4 partners-only bulk partnerships (all with members)."""
    bulk_partnerships(23, organisations=[world.pemda, world.company])
    bulk_partnerships(4, organisations=[world.pemda], prefix="HID", visibility="partners")
    return world


def _get(client: Client, url: str) -> dict:
    parts = urlsplit(url)
    response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert response.status_code == 200, response.content[:300]
    return jsonio.loads(response.content)


def _walk(client: Client, first: str, key: str, link: str = "next") -> list[dict]:
    pages = [_get(client, first)]
    while link in pages[-1].get("links", {}):
        pages.append(_get(client, pages[-1]["links"][link]))
        assert len(pages) < 100
    return pages


def test_walking_links_next_gives_every_release_exactly_once(public_world):
    client = Client()
    everything = services.ocds_release_package()  # the unpaginated package (CLI)
    expected = [r["id"] for r in everything["releases"]]
    assert len(expected) == 24  # 23 bulk + the world's public partnership; none hidden
    pages = _walk(client, f"{API}/ocds/release-package?page_size=5", "releases")
    seen = [r["id"] for p in pages for r in p["releases"]]
    assert seen == expected  # each once, in package order
    assert len(pages) == 5 and [len(p["releases"]) for p in pages] == [5, 5, 5, 5, 4]
    assert "prev" not in pages[0].get("links", {}) and "next" not in pages[-1]["links"]
    assert all(p["links"]["next"].startswith("http") for p in pages[:-1])
    assert "page_size=5" in pages[0]["links"]["next"]
    # and back: links.prev from the last page walks the same pages in reverse
    back = _walk(client, pages[-1]["links"]["prev"], "releases", link="prev")
    assert [r["id"] for p in reversed(back) for r in p["releases"]] == expected[:20]
    assert not any(
        r["planning"]["project"]["id"].startswith("HID-") for r in everything["releases"]
    )


def test_a_small_list_is_one_page_without_links(world):
    package = _get(Client(), f"{API}/ocds/release-package")
    assert "links" not in package and len(package["releases"]) == 1


def test_pages_validate(public_world, ocds_dir, oc4ids_dir):
    page = _get(Client(), f"{API}/ocds/release-package?page_size=10")
    result = validate_package(page, ocds_dir)
    assert result.ok, result.errors
    projects = _get(Client(), f"{API}/oc4ids/project-package?page_size=3")
    assert "next" in projects["links"]
    result = validate_package(projects, oc4ids_dir)
    assert result.ok, result.errors


def test_oc4ids_pages_walk_every_infrastructure_project_once(public_world):
    expected = [p["id"] for p in services.oc4ids_project_package()["projects"]]
    infrastructure = Partnership.objects.published().filter(
        development_sector__in=INFRASTRUCTURE_SECTORS
    )
    assert len(expected) == infrastructure.count() > 10
    pages = _walk(Client(), f"{API}/oc4ids/project-package?page_size=5", "projects")
    assert [p["id"] for page in pages for p in page["projects"]] == expected


def test_filters_and_since_apply_within_pages(public_world):
    client = Client()
    pages = _walk(client, f"{API}/ocds/release-package?page_size=4&form=psp", "releases")
    forms = {r["planning"]["project"]["id"] for p in pages for r in p["releases"]}
    assert len(forms) == 8 + 1  # the 8 bulk PSPs and the world's
    later = _get(
        client, f"{API}/ocds/release-package?page_size=4&updated_since=2999-01-01T00:00:00Z"
    )
    assert later["releases"] == [] and "next" in later["links"]


@pytest.mark.parametrize("query", ["page_size=0", "page_size=1001", "after=nope!", "before=%00"])
def test_bad_paging_answers_422(world, query):
    # outside the documented schema (size range, cursor alphabet)
    assert Client().get(f"{API}/ocds/release-package?{query}").status_code == 422


@pytest.mark.parametrize("query", ["after=bm9wZQ", "before=bm9wZQ", "after=0"])
def test_a_cursor_we_never_handed_out_names_no_page(world, query):
    # well-formed (the documented alphabet) but not one of ours: no such page
    response = Client().get(f"{API}/ocds/release-package?{query}")
    assert response.status_code == 404
    assert "links.next" in response.json()["detail"]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_page_costs_the_same_queries_whatever_its_size(world):
    # Before construction: no contract block (see the test below for the contract's).
    bulk_partnerships(23, organisations=[world.pemda, world.company], stage="planning")
    client = Client()
    marks.check_basis()  # once per installation, not part of a page's cost
    # The first export makes the releases: in a fixed number of queries too.
    first_small = _queries(client, f"{API}/ocds/release-package?page_size=3")
    first_large = _queries(client, f"{API}/ocds/release-package?page_size=20&after=" + _cursor(3))
    assert first_small == first_large
    assert Release.objects.count() == 3 + 20
    small = _queries(client, f"{API}/ocds/release-package?page_size=3")
    large = _queries(client, f"{API}/ocds/release-package?page_size=23")  # all synced
    assert small == large < first_small
    oc_small = _queries(client, f"{API}/oc4ids/project-package?page_size=2")
    oc_large = _queries(client, f"{API}/oc4ids/project-package?page_size=12")
    assert oc_small == oc_large


def test_a_page_of_contracts_costs_the_same_queries_whatever_its_size(public_world):
    client = Client()
    services.ocds_release_package()  # releases made
    small = _queries(client, f"{API}/ocds/release-package?page_size=3")
    large = _queries(client, f"{API}/ocds/release-package?page_size=24")
    assert small == large


def _cursor(n: int) -> str:
    p = Partnership.objects.published().order_by("created_at", "id")[n - 1]
    return services.encode_cursor(p)


def test_releases_are_made_once_and_again_only_on_change(public_world):
    services.ocds_release_package(paginate=True, filters={"page_size": 50})
    assert Release.objects.count() == 24
    services.ocds_release_package(paginate=True, filters={"page_size": 50})
    assert Release.objects.count() == 24
    p = Partnership.objects.get(code="BLK-000002")
    p.title_ind = "Judul baru"
    p.save(update_fields=["title_ind"])  # a write marks the partnership (disclosure.marks)
    services.ocds_release_package(paginate=True, filters={"page_size": 50})
    releases = list(Release.objects.filter(partnership=p).order_by("sequence"))
    assert [r.sequence for r in releases] == [1, 2]
    assert releases[1].date > releases[0].date
    assert releases[1].data["planning"]["project"]["title"] == "Judul baru"
    assert releases[1].release_id.endswith("-0002")


# --- bulk files ---------------------------------------------------------------------------------


@pytest.fixture
def open_data_dir(settings, tmp_path) -> Any:
    settings.MITRA_OPEN_DATA_DIR = str(tmp_path / "open-data")
    return tmp_path / "open-data"


def test_publish_dumps_writes_the_files_the_api_pages_hold(public_world, open_data_dir):
    out = StringIO()
    call_command("publish_dumps", stdout=out)
    assert "ocds-release-package.json: 24 items" in out.getvalue()
    ocds = jsonio.loads((open_data_dir / "ocds-release-package.json").read_bytes())
    api = services.ocds_release_package()
    assert ocds["releases"] == api["releases"]
    assert ocds["publishedDate"] == api["publishedDate"]
    oc4ids = jsonio.loads((open_data_dir / "oc4ids-project-package.json").read_bytes())
    assert oc4ids["projects"] == services.oc4ids_project_package()["projects"]
    csv_text = (open_data_dir / "partnerships-en.csv").read_bytes().decode("utf-8")
    assert csv_text == Client().get("/en/partnerships/?export=csv").getvalue().decode()
    assert "HID-" not in csv_text and public_world.partnership.code not in csv_text
    assert not dumps.is_dirty()
    out = StringIO()
    call_command("publish_dumps", "--if-out-of-date", stdout=out)
    assert "up to date" in out.getvalue()


def test_files_validate(public_world, open_data_dir, ocds_dir, oc4ids_dir):
    dumps.publish()
    for name, schemas in (
        ("ocds-release-package.json", ocds_dir),
        ("oc4ids-project-package.json", oc4ids_dir),
    ):
        result = validate_package(jsonio.loads((open_data_dir / name).read_bytes()), schemas)
        assert result.ok, (name, result.errors)


def test_a_change_marks_the_files_out_of_date(public_world, open_data_dir):
    dumps.publish()
    assert not dumps.is_dirty()
    p = Partnership.objects.get(code="BLK-000001")
    p.regency = "Kota Cimahi"
    p.save()
    assert dumps.is_dirty()
    result = dumps.dumps_job(None, lambda done, total: None)  # type: ignore[arg-type]
    assert "ocds-release-package.json" in result["summary"]
    assert "Kota Cimahi" in (open_data_dir / "partnerships-id.csv").read_text(encoding="utf-8")
    assert not dumps.is_dirty()


def test_the_open_data_page_lists_the_files_with_date_and_size(public_world, open_data_dir):
    client = Client()
    page = client.get("/en/open-data/").content.decode()
    assert "not prepared yet" in page
    assert client.get("/open-data/files/ocds-release-package.json").status_code == 404
    dumps.publish()
    page = client.get("/en/open-data/").content.decode()
    assert 'href="/open-data/files/ocds-release-package.json"' in page
    assert "24 items" in page and "KB" in page and "<time datetime=" in page
    response = client.get("/open-data/files/partnerships-id.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="partnerships-id.csv"'
    assert b"".join(response.streaming_content).startswith("\ufeff".encode())
    assert client.get("/open-data/files/..%2Fsecret").status_code == 404
    assert client.get("/open-data/files/index.json").status_code == 404


def test_an_api_page_splices_the_stored_releases_as_they_are(public_world):
    """The API's page holds each stored release's canonical text verbatim (not parsed and written
    again), and reads as the same package the service builds."""
    body = Client().get(f"{API}/ocds/release-package?page_size=5").content.decode()
    package = jsonio.loads(body)
    first = [p.pk for p in Partnership.objects.published().order_by("created_at", "pk")[:5]]
    stored = services.stored_releases(first)
    texts = [r.data_json for pk in first for r in stored[pk]]
    assert texts and all(text in body for text in texts)
    expected = services.ocds_release_package(
        filters={"page_size": 5}, uri=package["uri"], paginate=True
    )
    assert package == expected


# --- pages bounded by releases ------------------------------------------------------------------


@pytest.fixture
def long_histories(public_world) -> list[str]:
    """Four partnerships edited and compared again and again: 4, 3, 2 and (the last in package
    order) 4 releases; the ids of every release in package order."""
    services.ocds_release_package()  # every partnership's first release
    last = Partnership.objects.published().order_by("created_at", "id").last()
    assert last is not None and last.code == "BLK-000023"
    for code, edits in (("BLK-000002", 3), ("BLK-000003", 2), ("BLK-000010", 1), (last.code, 3)):
        p = Partnership.objects.get(code=code)
        for k in range(edits):
            p.title_ind = f"Judul ke-{k}"
            p.save(update_fields=["title_ind"])
            services.releases_sync(partnerships=[p])
    expected = [r["id"] for r in services.ocds_release_package()["releases"]]
    assert len(expected) == 24 + 3 + 2 + 1 + 3
    return expected


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 7, 30, 31, 32, 33, 34])
def test_a_page_holds_page_size_releases_and_walking_both_ways_gives_each_once(
    long_histories, size
):
    client = Client()
    pages = _walk(client, f"{API}/ocds/release-package?page_size={size}", "releases")
    counts = [len(p["releases"]) for p in pages]
    assert all(c == size for c in counts[:-1]) and 1 <= counts[-1] <= size
    assert [r["id"] for p in pages for r in p["releases"]] == long_histories
    if len(pages) > 1:
        back = _walk(client, pages[-1]["links"]["prev"], "releases", link="prev")
        seen = [r["id"] for p in reversed(back) for r in p["releases"]]
        assert seen == long_histories[: len(long_histories) - counts[-1]]
        assert all(len(p["releases"]) == size for p in back)
        # a page reached backwards links forwards to the page after it
        assert _get(client, back[0]["links"]["next"])["releases"] == pages[-1]["releases"]
    else:
        assert "links" not in pages[0]


def test_a_partnerships_history_runs_over_pages(long_histories):
    # BLK-000002 is the third public partnership in package order: its 4 releases are
    # positions 2 to 5 (after BLK-000001 and the world's), split 1 + 3 by pages of 3
    client = Client()
    first = _get(client, f"{API}/ocds/release-package?page_size=3")
    second = _get(client, first["links"]["next"])
    ocid_2 = [r["ocid"] for r in first["releases"]][-1]
    assert [r["ocid"] for r in second["releases"]] == [ocid_2] * 3
    assert [r["id"] for r in first["releases"] + second["releases"]] == long_histories[:6]


def test_since_filters_releases_within_release_pages(long_histories):
    later = Release.objects.filter(sequence__gt=1).order_by("date")
    since = later[0].date
    expected = [
        r["id"] for r in services.ocds_release_package(filters={"updated_since": since})["releases"]
    ]
    assert len(expected) == 9  # only the later releases of the four edited partnerships
    pages = _walk(
        Client(),
        f"{API}/ocds/release-package?page_size=4&updated_since="
        + since.isoformat().replace("+", "%2B"),
        "releases",
    )
    assert [r["id"] for p in pages for r in p["releases"]] == expected


def test_a_partnership_cursor_still_names_a_page(long_histories):
    # the cursors of pages of partnerships (no release in them) mean: after that partnership
    third = Partnership.objects.published().order_by("created_at", "id")[2]
    package = _get(
        Client(), f"{API}/ocds/release-package?page_size=2&after={services.encode_cursor(third)}"
    )
    assert [r["id"] for r in package["releases"]] == long_histories[6:8]


def test_files_another_database_wrote_are_neither_listed_nor_served(public_world, open_data_dir):
    # given files written from this database, then their index rewritten by another database
    # (a benchmark's, or another deployment's, sharing the folder)
    dumps.publish()
    index_path = open_data_dir / "index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    assert index["database"] == dumps.database_label()
    index_path.write_text(json.dumps({**index, "database": "another"}), encoding="utf-8")
    client = Client()
    # then the page says they are not prepared, no file is served, and they are out of date
    page = client.get("/en/open-data/").content.decode()
    assert "not prepared yet" in page and "ocds-release-package.json</a>" not in page
    assert client.get("/open-data/files/partnerships-id.csv").status_code == 404
    assert dumps.is_dirty()
    # and an index written before the files named their database still counts as this one's
    del index["database"]
    index_path.write_text(json.dumps(index), encoding="utf-8")
    assert client.get("/open-data/files/partnerships-id.csv").status_code == 200
    assert not dumps.is_dirty()


def test_item_counts_are_grouped_in_each_language(public_world, open_data_dir):
    dumps.publish()
    index_path = open_data_dir / "index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    for entry in index["files"]:
        entry["items"] = 67084
    index_path.write_text(json.dumps(index), encoding="utf-8")
    client = Client()
    assert "(67,084 items)" in client.get("/en/open-data/").content.decode()
    assert "(67.084 butir)" in client.get("/open-data/").content.decode()


def test_a_starting_server_regenerates_files_another_database_wrote(
    public_world, open_data_dir, monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import connections
    from django_tasks import default_task_backend

    from mitra.jobs.models import Job, JobStatus

    # given files whose index names another database
    dumps.publish()
    index_path = open_data_dir / "index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    index_path.write_text(json.dumps({**index, "database": "another"}), encoding="utf-8")
    # (a queue with a worker: the test settings run tasks at once, as that worker would; a
    # starting worker closes its connection after the check, the test's one must stay open)
    monkeypatch.setattr(default_task_backend, "supports_defer", True, raising=False)
    monkeypatch.setattr(connections, "close_all", lambda: None)
    # when a server process starts
    with django_capture_on_commit_callbacks(execute=True):
        marks.check_basis_at_start()
    # then the files are made again from this database at once, and listed again
    job = Job.objects.get(kind=dumps.KIND, params__at_once=True)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert json.loads(index_path.read_text(encoding="utf-8"))["database"] == dumps.database_label()
    assert not dumps.is_dirty()
    assert Client().get("/open-data/files/partnerships-id.csv").status_code == 200
    # and with this database's files a start queues nothing more
    with django_capture_on_commit_callbacks(execute=True):
        marks.check_basis_at_start()
    assert Job.objects.filter(kind=dumps.KIND).count() == 1
