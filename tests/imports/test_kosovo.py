"""Kosovo (XK: no ISO 3166-1 code, but the code the EU, the World Bank and most registers use) is
a country wherever one is: imports, organisations, partnerships, exports and the API."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from mitra.imports.common import country_code
from mitra.imports.tables import import_table, load_mapping
from mitra.imports.tables.cells import _lookup_country
from mitra.organisations.models import Organisation
from mitra.organisations.services import organisation_create
from mitra.partnerships.exports import PARTNERSHIP_COLUMNS
from mitra.partnerships.models import Partnership, PartnershipMember
from tests.api.conftest import API, client_for

from .test_tables import H2020, PPI, data_file, read_rows, write_rows

pytestmark = pytest.mark.django_db

HEADER = [
    "rcn",
    "role",
    "pic",
    "type",
    "contribution",
    "country",
    "start_date",
    "end_date",
    "max_contribution",
    "total_cost",
    "start_year",
    "end_year",
    "duration",
    "group",
    "nunique",
]


def h2020_row(rcn: str, role: str, pic: str, kind: str, country: str) -> dict[str, str]:
    values = [rcn, role, pic, kind, "1000", country, "2019-01-01", "2021-12-31", "5000", "6000"]
    values += ["2019", "2021", "36", "tc", "2"]
    return dict(zip(HEADER, values, strict=True))


def test_country_look_ups_know_kosovo() -> None:
    assert _lookup_country("XK") == "XK"
    assert _lookup_country("Kosovo") == "XK"
    assert _lookup_country("Indonesia") == "ID"
    assert _lookup_country("Atlantis") is None
    assert country_code("XK") == "XK"  # OCDS / OC4IDS
    assert country_code("Kosovo") == "XK"


def test_an_h2020_file_with_a_kosovar_coordinator_imports(tmp_path: Path) -> None:
    rows = [
        h2020_row("900001", "coordinator", "911111111", "HES", "XK"),
        h2020_row("900001", "participant", "922222222", "PRC", "DE"),
        h2020_row("900002", "coordinator", "933333333", "PUB", "EL"),
        h2020_row("900002", "participant", "911111111", "HES", "XK"),
    ]
    path = write_rows(tmp_path / "h2020_xk.csv", rows)
    with translation.override("en"):
        report = import_table(path, fmt="csv", mapping=load_mapping(H2020), actor=None)
    assert report.ok, report.errors
    assert not [w for w in report.warnings if "country" in w.message.lower()], report.warnings
    kosovar = Partnership.objects.get(source=H2020, source_id="900001")
    assert kosovar.country == "XK"
    assert kosovar.country.name == "Kosovo"
    assert Partnership.objects.get(source=H2020, source_id="900002").country == "GR"
    university = Organisation.objects.get(identifier="911111111")
    assert university.country == "XK"
    assert PartnershipMember.objects.filter(organisation=university).count() == 2
    # The lists' download names the country.
    column = next(c for c in PARTNERSHIP_COLUMNS if str(c.header) in {"Country", "Negara"})
    assert column.value(kosovar) == "Kosovo"


def test_the_real_h2020_projects_with_kosovar_partners_import(tmp_path: Path) -> None:
    path = data_file(H2020)
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    xk = {r["rcn"] for r in rows if r["country"] == "XK"}
    assert xk  # 12 participations in the shared part
    subset = [r for r in rows if r["rcn"] in xk]
    report = import_table(
        write_rows(tmp_path / "xk.csv", subset), fmt="csv", mapping=load_mapping(H2020), actor=None
    )
    assert report.ok, report.errors
    assert report.created["partnership"] == len(xk)
    pics = {r["pic"] for r in subset if r["country"] == "XK"}
    assert set(
        Organisation.objects.filter(identifier__in=pics).values_list("country", flat=True)
    ) == {"XK"}


def test_the_ppi_kosovo_project_imports() -> None:
    rows = [r for r in read_rows(data_file(PPI)) if r["Country"] == "Kosovo"]
    assert rows
    report = import_table(data_file(PPI), fmt="csv", mapping=load_mapping(PPI), actor=None)
    assert report.ok, report.errors
    names = {" ".join(r["Project name"].split()) for r in rows}
    assert (
        set(
            Partnership.objects.filter(source=PPI, country="XK").values_list("title_ind", flat=True)
        )
        == names
    )


def test_an_organisation_in_kosovo_saves_through_the_service_and_the_api(world: Any) -> None:
    org = organisation_create(
        actor=world.actor("outsider"),
        data={"name": "Universiteti i Prishtinës", "sector": "academia", "kind": "university",
              "country": "XK"},
    )  # fmt: skip
    org.refresh_from_db()
    assert org.country == "XK" and org.country.name == "Kosovo"

    client = client_for(world, "outsider")
    response = client.post_json(
        f"{API}/organisations",
        {"name": "Kosovo Water Works", "sector": "private", "kind": "company", "country": "XK"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["country"] == "XK"
    got = client.get_json(f"{API}/organisations/{response.json()['id']}")
    assert got.json()["country"] == "XK"


def test_a_partnership_in_kosovo_saves_through_the_api(world: Any) -> None:
    client = client_for(world, "lead_admin")
    response = client.post_json(
        f"{API}/partnerships",
        {
            "title_ind": "Air minum Prishtina",
            "title_en": "Prishtina drinking water",
            "form": "ppp",
            "development_sector": "water",
            "country": "XK",
            "visibility": "partners",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["country"] == "XK"
    assert Partnership.objects.get(pk=body["id"]).country == "XK"
    changed = client.patch_json(
        f"{API}/partnerships/{body['id']}", {"version": body["version"], "country": "ID"}
    )
    assert changed.status_code == 200, changed.content
    back = client.patch_json(
        f"{API}/partnerships/{body['id']}", {"version": changed.json()["version"], "country": "XK"}
    )
    assert back.status_code == 200 and back.json()["country"] == "XK"
