"""The open-data endpoints (anonymous, published data only) and `mitra export`."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from mitra.disclosure import jsonio
from mitra.disclosure.validation import validate_package
from mitra.partnerships.models import Partnership, Visibility

pytestmark = pytest.mark.django_db
API = "/api/v1"


def code_of(**kwargs) -> str:
    return Partnership.objects.get(**kwargs).code


def test_release_package_is_public_and_filters(demo, ocds_dir):
    client = Client()
    response = client.get(f"{API}/ocds/release-package")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    package = jsonio.loads(response.content)
    assert validate_package(package, ocds_dir).ok
    assert len(package["releases"]) == 4  # the four published demo partnerships
    only_psp = jsonio.loads(client.get(f"{API}/ocds/release-package", {"form": "psp"}).content)
    assert [r["planning"]["project"]["id"] for r in only_psp["releases"]] == [code_of(form="psp")]
    by_place = client.get(
        f"{API}/ocds/release-package", {"province": "ID-JB", "stage": "operation"}
    )
    assert len(jsonio.loads(by_place.content)["releases"]) == 1
    none = client.get(f"{API}/ocds/release-package", {"sector": "health"})
    assert jsonio.loads(none.content)["releases"] == []  # the hospital is partners-only
    later = client.get(f"{API}/ocds/release-package", {"updated_since": "2999-01-01T00:00:00Z"})
    assert jsonio.loads(later.content)["releases"] == []


def test_bad_filters_answer_422(demo):
    client = Client()
    assert client.get(f"{API}/ocds/release-package", {"form": "nope"}).status_code == 422
    assert (
        client.get(f"{API}/ocds/release-package", {"updated_since": "yesterday"}).status_code == 422
    )
    assert client.get(f"{API}/oc4ids/project-package", {"province": "<x>"}).status_code == 422


def test_record_package_of_one_partnership(demo, ocds_dir):
    client = Client()
    toll = code_of(development_sector="toll_road")
    response = client.get(f"{API}/partnerships/{toll}/ocds/record-package")
    assert response.status_code == 200
    package = jsonio.loads(response.content)
    assert validate_package(package, ocds_dir).ok
    assert [r["ocid"] for r in package["records"]] == [f"ocds-mitra00-{toll}"]


@pytest.mark.parametrize("visibility", [Visibility.PARTNERS, Visibility.DRAFT])
def test_non_public_and_unknown_codes_answer_404(demo, visibility):
    client = Client()
    hidden = Partnership.objects.filter(visibility=visibility).first().code
    for code in (hidden, "KPBU-1999-9999"):
        for path in (
            f"{API}/partnerships/{code}/ocds/record-package",
            f"{API}/partnerships/{code}/oc4ids/project-package",
        ):
            response = client.get(path)
            assert response.status_code == 404, path
            assert hidden not in response.content.decode()


def test_oc4ids_endpoints(demo, oc4ids_dir):
    client = Client()
    toll = code_of(development_sector="toll_road")
    one = client.get(f"{API}/partnerships/{toll}/oc4ids/project-package")
    assert one.status_code == 200
    assert validate_package(jsonio.loads(one.content), oc4ids_dir).ok
    # a published partnership that is not infrastructure has no OC4IDS project
    school = code_of(form="psp")
    assert client.get(f"{API}/partnerships/{school}/oc4ids/project-package").status_code == 404
    every = jsonio.loads(client.get(f"{API}/oc4ids/project-package").content)
    lighting = code_of(development_sector="urban_facilities")
    assert {p["id"] for p in every["projects"]} == {
        f"oc4ids-mitra0-{toll}",
        f"oc4ids-mitra0-{lighting}",
    }


def test_cli_exports_and_validates(demo, ocds_dir, oc4ids_dir, tmp_path):
    for fmt, schema_dir in (("ocds", ocds_dir), ("ocds-records", ocds_dir), ("oc4ids", oc4ids_dir)):
        out = tmp_path / f"{fmt}.json"
        err = StringIO()
        call_command(
            "export",
            format=fmt,
            out=str(out),
            validate=str(schema_dir),
            stderr=err,
            stdout=StringIO(),
        )
        assert "0 errors" in err.getvalue(), err.getvalue()
        data = json.loads(out.read_text())
        assert data["publisher"]["name"] == "Mitra"
    stdout = StringIO()
    toll = code_of(development_sector="toll_road")
    call_command("export", format="ocds", code=toll, stdout=stdout)
    releases = json.loads(stdout.getvalue())["releases"]
    assert {r["ocid"] for r in releases} == {f"ocds-mitra00-{toll}"}


def test_cli_refuses_unknown_code_and_reports_invalid_exports(demo, tmp_path):
    hidden = Partnership.objects.filter(visibility=Visibility.DRAFT).first().code
    with pytest.raises(CommandError):
        call_command("export", format="ocds-records", code=hidden, stdout=StringIO())
    with pytest.raises(CommandError):
        call_command(
            "export", format="ocds", validate=str(tmp_path), stdout=StringIO(), stderr=StringIO()
        )
